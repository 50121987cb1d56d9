/** fit's options, checked and filled in, with an error naming the option for anything wrong. */
import { Optimizer } from '../optim/optimizer.js';
import { ReduceLROnPlateau } from '../optim/lr-scheduler-plateau.js';
import type { Metric } from './metric.js';
import { resolveMetrics } from './metrics.js';
import { checkInt, checkModel, checkPositiveNumber, checkSource, resolveLoss } from './batch.js';
import type { BatchSource, Callback, FitOptions, LossFn, SchedulerLike, UnpackedBatch } from './types.js';

/** fit's options after checking. */
export interface FitConfig<B> {
  epochs: number;
  initialEpoch: number;
  initialStep: number | null;
  train: BatchSource<B>;
  val: BatchSource<B> | null;
  optimizer: Optimizer;
  loss: LossFn;
  metrics: Metric[];
  scheduler: SchedulerLike | null;
  schedulerStep: 'batch' | 'epoch';
  /** The log a ReduceLROnPlateau is stepped with; null for other schedules. */
  plateauMonitor: string | null;
  accumulate: number;
  clipNorm: { maxNorm: number; normType: number | 'inf' } | null;
  clipValue: number | null;
  callbacks: Callback[];
  verbose: boolean;
  batchToInputs: ((batch: B) => UnpackedBatch) | undefined;
}

const KNOWN = new Set([
  'epochs', 'train', 'val', 'optimizer', 'loss', 'metrics', 'scheduler', 'schedulerStep', 'schedulerMonitor', 'accumulate',
  'clipGradNorm', 'clipGradValue', 'callbacks', 'verbose', 'initialEpoch', 'initialStep', 'batchToInputs',
]);

/** Checks fit's arguments; every message starts with 'fit:' and names the option. */
export function checkFitOptions<B>(model: unknown, options: FitOptions<B>): FitConfig<B> {
  const op = 'fit';
  checkModel(op, model);
  if (options === null || typeof options !== 'object') throw new Error(`${op}: options must be an object, got ${options === null ? 'null' : typeof options}`);
  for (const key of Object.keys(options)) if (!KNOWN.has(key)) throw new Error(`${op}: unknown option '${key}'`);
  const epochs = checkInt(op, 'epochs', options.epochs, 1);
  const initialEpoch = checkInt(op, 'initialEpoch', options.initialEpoch ?? 0, 0);
  if (initialEpoch > epochs) throw new Error(`${op}: initialEpoch (${initialEpoch}) must not exceed epochs (${epochs})`);
  const initialStep = options.initialStep === undefined ? null : checkInt(op, 'initialStep', options.initialStep, 0);
  checkSource(op, 'train', options.train);
  if (options.val !== undefined && options.val !== null) checkSource(op, 'val', options.val);
  if (!(options.optimizer instanceof Optimizer)) throw new Error(`${op}: optimizer must be an Optimizer (e.g. new optim.Adam(model.parameters())), got ${options.optimizer === null ? 'null' : typeof options.optimizer}`);
  const loss = resolveLoss(op, options.loss);
  const metrics = resolveMetrics(op, options.metrics);
  const scheduler = options.scheduler ?? null;
  if (scheduler !== null && (typeof scheduler !== 'object' || typeof scheduler.step !== 'function')) {
    throw new Error(`${op}: scheduler must be a learning-rate schedule with step(), got ${typeof scheduler}`);
  }
  const schedulerStep = options.schedulerStep ?? 'epoch';
  if (schedulerStep !== 'batch' && schedulerStep !== 'epoch') throw new Error(`${op}: schedulerStep must be 'batch' or 'epoch', got ${String(schedulerStep)}`);
  const isPlateau = scheduler instanceof ReduceLROnPlateau;
  if (isPlateau && schedulerStep === 'batch') throw new Error(`${op}: ReduceLROnPlateau steps once per epoch with a monitored value; use schedulerStep 'epoch'`);
  const hasVal = options.val !== undefined && options.val !== null;
  const monitor = options.schedulerMonitor ?? (hasVal ? 'val_loss' : 'loss');
  if (typeof monitor !== 'string') throw new Error(`${op}: schedulerMonitor must be a log name such as 'val_loss', got ${typeof monitor}`);
  const accumulate = checkInt(op, 'accumulate', options.accumulate ?? 1, 1);
  let clipNorm: FitConfig<B>['clipNorm'] = null;
  if (options.clipGradNorm !== undefined && options.clipGradNorm !== null) {
    const c = options.clipGradNorm;
    if (typeof c === 'number') clipNorm = { maxNorm: checkPositiveNumber(op, 'clipGradNorm', c), normType: 2 };
    else if (c !== null && typeof c === 'object') clipNorm = { maxNorm: checkPositiveNumber(op, 'clipGradNorm.maxNorm', c.maxNorm), normType: c.normType ?? 2 };
    else throw new Error(`${op}: clipGradNorm must be a positive number or { maxNorm, normType }, got ${typeof c}`);
  }
  const clipValue = options.clipGradValue === undefined || options.clipGradValue === null ? null : checkPositiveNumber(op, 'clipGradValue', options.clipGradValue);
  const callbacks = options.callbacks ?? [];
  if (!Array.isArray(callbacks)) throw new Error(`${op}: callbacks must be an array, got ${typeof callbacks}`);
  callbacks.forEach((cb, i) => {
    if (cb === null || typeof cb !== 'object') throw new Error(`${op}: callbacks[${i}] must be an object with hooks such as onEpochEnd, got ${cb === null ? 'null' : typeof cb}`);
  });
  const verbose = options.verbose ?? false;
  if (typeof verbose !== 'boolean') throw new Error(`${op}: verbose must be true or false, got ${String(verbose)}`);
  if (options.batchToInputs !== undefined && typeof options.batchToInputs !== 'function') throw new Error(`${op}: batchToInputs must be a function`);
  return {
    epochs,
    initialEpoch,
    initialStep,
    train: options.train,
    val: hasVal ? options.val! : null,
    optimizer: options.optimizer,
    loss,
    metrics,
    scheduler,
    schedulerStep,
    plateauMonitor: isPlateau ? monitor : null,
    accumulate,
    clipNorm,
    clipValue,
    callbacks: [...callbacks],
    verbose,
    batchToInputs: options.batchToInputs,
  };
}
