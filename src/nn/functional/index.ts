/**
 * `nn.functional`: the functional form of every layer and loss. The ops that already live in
 * src/ops (convolution, pooling, softmax, dropout, the unary activations) are re-exported here under
 * their PyTorch names, next to the functions written for the nn library.
 *
 * ```ts
 * import { nn } from 'tessera';
 * const F = nn.functional;
 * const y = F.relu(F.conv2d(x, w, b, { padding: 1 }));
 * const loss = F.crossEntropy(logits, labels);
 * ```
 */
export { conv1d, conv2d, convTranspose1d, convTranspose2d } from '../../ops/nn/conv.js';
export type { ConvOptions, ConvTransposeOptions } from '../../ops/nn/conv.js';
export { maxPool1d, maxPool2d, avgPool1d, avgPool2d, adaptiveAvgPool1d, adaptiveAvgPool2d } from '../../ops/nn/pool.js';
export type { MaxPoolOptions, AvgPoolOptions } from '../../ops/nn/pool.js';
export { interpolate } from '../../ops/nn/interpolate.js';
export type { InterpolateMode, InterpolateOptions } from '../../ops/nn/interpolate.js';
export { embedding } from '../../ops/nn/embedding.js';
export type { EmbeddingOptions } from '../../ops/nn/embedding.js';
export { dropout } from '../../ops/nn/dropout.js';
export type { DropoutOptions } from '../../ops/nn/dropout.js';
export { softmax, logSoftmax } from '../../ops/nn/softmax.js';
export type { SoftmaxOptions } from '../../ops/nn/softmax.js';
export { relu, leakyRelu, elu, selu, gelu, silu, softplus, mish, sigmoid, tanh } from '../../ops/unary.js';
export { pad } from '../../ops/shape.js';
export type { PadMode } from '../../ops/shape.js';
export { linear, bilinear } from './linear.js';
export * from './activations.js';
export * from './norm.js';
export * from './dropout.js';
export { scaledDotProductAttention } from './attention.js';
export type { ScaledDotProductAttentionOptions } from './attention.js';
export * from './losses.js';
