/**
 * Training: a Keras-style `fit` over Tessera's PyTorch-style modules, optimizers and data loaders,
 * with `evaluate`, `predict`, streaming metrics and callbacks.
 *
 * ```ts
 * import { train, optim, nn } from 'tessera';
 * const history = await train.fit(model, {
 *   epochs: 10, train: trainLoader, val: valLoader,
 *   optimizer: new optim.Adam(model.parameters(), { lr: 1e-3 }),
 *   loss: 'crossEntropy', metrics: ['accuracy'],
 *   callbacks: [new train.EarlyStopping({ patience: 3 }), new train.ModelCheckpoint({ dir: 'runs/a' })],
 *   verbose: true,
 * });
 * ```
 */
export { fit } from './fit.js';
export { evaluate, predict, type EvaluateOptions, type PredictOptions } from './evaluate.js';
export type { Callback, TrainState, History, StepRecord, FitOptions, BatchSource, LossFn, SchedulerLike, UnpackedBatch, ClipNormOption } from './types.js';
export { Mean, toLabels, type Metric, type LabelOptions, type Labels } from './metric.js';
export { Accuracy, TopKAccuracy, type AccuracyOptions, type TopKAccuracyOptions } from './metrics-accuracy.js';
export { ConfusionMatrix, Precision, Recall, F1Score, perClassScores, type ConfusionMatrixOptions, type PrecisionRecallOptions, type PerClassScores, type Average } from './metrics-confusion.js';
export { RocAuc, binaryAuc, type RocAucOptions } from './metrics-auc.js';
export { MeanAbsoluteError, MeanSquaredError, RootMeanSquaredError, R2Score } from './metrics-regression.js';
export { metricFromName, METRIC_NAMES } from './metrics.js';
export * from './callbacks/index.js';
export * from './report.js';
