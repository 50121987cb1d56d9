/**
 * Tessera: eager tensors with reverse-mode autograd for TypeScript.
 *
 * ```ts
 * import { tensor, randn } from 'tessera';
 * const w = randn([3, 1], { requiresGrad: true });
 * const loss = tensor([[1, 2, 3]]).matmul(w).square().sum();
 * loss.backward();
 * console.log(w.grad!.toString());
 * ```
 */
import './backend/js/index.js';
import './backend/native/index.js';

export { Tensor } from './tensor/tensor.js';
export type { DType, FloatDType, TypedArray } from './tensor/dtype.js';
export { promoteTypes, resultType, isFloating } from './tensor/dtype.js';
export * from './tensor/creation.js';
export * from './tensor/random.js';
export { tidy, keep } from './tensor/scope.js';
export * from './ops/index.js';
export type { TensorLike, Scalar } from './ops/util.js';

export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from './autograd/grad-mode.js';
export { backward, grad } from './autograd/functional.js';
export type { BackwardOptions, GradOptions } from './autograd/functional.js';
export { detectAnomaly, AnomalyError } from './autograd/anomaly.js';
export { Node } from './autograd/node.js';

export type { Backend, View } from './backend/backend.js';
export { backend, setBackend, listBackends, registerBackend } from './backend/registry.js';
export { backendInfo, setNumThreads } from './backend/native/info.js';
export type { BackendInfo } from './backend/native/info.js';
export { gradcheck, gradgradcheck } from './autograd/gradcheck.js';

export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export * as data from './data/index.js';
export * as io from './io/index.js';
export * as train from './train/index.js';
export * as models from './models/index.js';
export type { GradcheckOptions } from './autograd/gradcheck.js';
export * as text from './text/index.js';
