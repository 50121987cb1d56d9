/** The callbacks of fit, one per file. */
export { EarlyStopping, copyStateDict, type EarlyStoppingOptions } from './early-stopping.js';
export { ModelCheckpoint, formatTemplate, type ModelCheckpointOptions } from './model-checkpoint.js';
export { LearningRateScheduler, type LearningRateSchedulerOptions } from './lr-scheduler.js';
export { CSVLogger, type CSVLoggerOptions } from './csv-logger.js';
export { JSONLLogger, type JSONLLoggerOptions } from './jsonl-logger.js';
export { NaNGuard, type NaNGuardOptions, type TextSink } from './nan-guard.js';
export { ProgressBar, formatValue, formatDuration, type ProgressBarOptions, type ProgressStream } from './progress-bar.js';
export { LambdaCallback } from './lambda.js';
export { Monitor, autoMode, type MonitorOptions } from './monitor.js';
