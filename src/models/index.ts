/**
 * Reference models: the 1989 digit net, an MLP, the benchmark CNN and the fast default CNN of
 * `tessera train`, plus a registry of them by name. Exported from the package root as `models`.
 *
 * ```ts
 * import { models, manualSeed } from 'tessera';
 * manualSeed(0);
 * const net = models.digitCnn();        // [N, 1, 28, 28] -> [N, 10] logits
 * const old = models.lecun1989();       // [N, 1, 16, 16] in [-1, 1] -> [N, 10] in (-1, 1)
 * const mlp = models.mlp({ hidden: [256], inputs: 784, classes: 10 });
 * ```
 */
export { lecun1989, LeNet1989 } from './lecun1989.js';
export { mlp, type MlpOptions } from './mlp.js';
export { anchorCnn, digitCnn, type CnnOptions } from './cnn.js';
export { MODELS, getModel, modelNames, type ModelSpec, type InputShape, type InputFormat, type Recipe } from './registry.js';
export * from './gpt.js';
