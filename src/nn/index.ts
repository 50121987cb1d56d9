/**
 * `nn`: modules, layers, containers, initialization and the functional forms, with PyTorch's names.
 *
 * ```ts
 * import { nn } from 'tessera';
 * const model = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
 * const logits = model.forward(x);
 * const loss = nn.functional.crossEntropy(logits, y);
 * nn.init.kaimingUniform_(someWeight, { a: Math.sqrt(5) });
 * ```
 */
export { Module, Parameter } from './module.js';
export type { HookHandle, ForwardHook, ForwardPreHook, StateDict, StateDictOptions, LoadStateDictOptions, LoadStateDictResult } from './module.js';
export { Sequential, ModuleList, ModuleDict } from './containers.js';
export { summary, formatModule } from './summary.js';
export type { ModelSummary, SummaryRow, SummaryOptions } from './summary.js';
export * as init from './init.js';
export * as functional from './functional/index.js';
export * from './layers/linear.js';
export * from './layers/conv.js';
export * from './layers/pooling.js';
export * from './layers/embedding.js';
export * from './layers/shape.js';
export * from './layers/norm.js';
export * from './layers/dropout.js';
export * from './layers/activation.js';
export * from './layers/spectral-norm.js';
export * from './layers/weight-norm.js';
export * from './layers/rnn-cells.js';
export * from './layers/rnn.js';
export * from './layers/attention.js';
export * from './layers/attention-cache.js';
export * from './layers/transformer-layers.js';
export * from './layers/transformer.js';
export * from './layers/positional.js';
export * from './losses.js';
