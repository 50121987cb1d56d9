/**
 * Optimizers, learning-rate schedules and gradient utilities, with PyTorch's names (camelCase),
 * defaults and semantics.
 *
 * ```ts
 * import { optim } from 'tessera';
 * const opt = new optim.AdamW(model.parameters(), { lr: 1e-3, weightDecay: 1e-2 });
 * const sched = new optim.CosineAnnealingLR(opt, { TMax: epochs });
 * ```
 */
export { Optimizer } from './optimizer.js';
export type { OptimizerOptions, ParamGroup, ParamGroupInput, Params, ParamState, OptimizerStateDict, SavedParamGroup } from './optimizer.js';
export type { FusedOptimizerKernels, AdamStepParams, SgdStepParams } from './fused.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, AdamW, type AdamOptions, type AdamWOptions } from './adam.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { Adadelta, type AdadeltaOptions } from './adadelta.js';
export { Adamax, type AdamaxOptions } from './adamax.js';
export { NAdam, type NAdamOptions } from './nadam.js';
export { RAdam, type RAdamOptions } from './radam.js';
export { LAMB, type LAMBOptions } from './lamb.js';
export { LARS, type LARSOptions } from './lars.js';
export { Lion, type LionOptions } from './lion.js';
export { clipGradNorm, clipGradValue, parametersToVector, vectorToParameters, type ClipGradNormOptions, type TensorList } from './clip.js';
export * from './lr-scheduler-exports.js';
/** The schedules again under PyTorch's module name: `optim.lrScheduler.StepLR`. */
export * as lrScheduler from './lr-scheduler-exports.js';
