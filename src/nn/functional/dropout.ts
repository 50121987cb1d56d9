/**
 * Structured and self-normalizing dropout: whole channels (dropout1d/2d/3d, Tompson 2015), alpha
 * dropout for SELU networks (Klambauer 2017), and stochastic depth (Huang 2016), with PyTorch's and
 * torchvision's semantics. Plain elementwise `dropout` lives in ops/nn/dropout.ts. Masks come from the
 * seeded global generator (see manualSeed) or the `generator` option; gradients flow through the
 * multiplication by the (constant) mask.
 */
import { SELU_ALPHA, SELU_SCALE } from '../../tensor/constants.js';
import type { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { bernoulli, type Generator } from '../../tensor/random.js';
import { checkFloating, checkTensor } from '../../ops/util.js';
import { show } from '../../ops/nn/support.js';

export interface DropoutMaskOptions {
  /** Draw the mask from this generator instead of the global one. */
  generator?: Generator;
}

function checkArgs(op: string, x: unknown, p: unknown, training: unknown): asserts x is Tensor {
  checkTensor(op, x);
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new Error(`${op}: p must be a probability in [0, 1], got ${show(p)}`);
  if (typeof training !== 'boolean') throw new Error(`${op}: training must be a boolean, got ${show(training)}`);
  checkFloating(op, x);
}

/** A 0/1 mask of `shape` (1 with probability 1 - p) in x's dtype. */
function keepMask(x: Tensor, p: number, shape: readonly number[], options: DropoutMaskOptions): Tensor {
  return bernoulli(1 - p, shape, { dtype: x.dtype, generator: options.generator });
}

/**
 * Channel dropout for inputs with `spatial` spatial dims: [N, C, *spatial] or unbatched [C, *spatial].
 * One draw per (sample, channel) zeroes the whole feature map; kept ones are scaled by 1 / (1 - p).
 */
function featureDropout(op: string, x: Tensor, p: number, training: boolean, spatial: number, options: DropoutMaskOptions): Tensor {
  checkArgs(op, x, p, training);
  if (x.ndim !== spatial + 1 && x.ndim !== spatial + 2) {
    throw new Error(`${op}: expected a ${spatial + 1}-D (unbatched) or ${spatial + 2}-D (batched) input, got shape ${formatShape(x.shape)}`);
  }
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  const lead = x.ndim - spatial;
  const shape = x.shape.map((s, i) => (i < lead ? s : 1));
  return x.mul(keepMask(x, p, shape, options).div(1 - p));
}

/**
 * Zeroes whole channels of [N, C, L] (or [C, L]) with probability `p` (default 0.5) during training,
 * scaling the rest by 1 / (1 - p); the identity when not training.
 */
export function dropout1d(x: Tensor, p = 0.5, training = true, options: DropoutMaskOptions = {}): Tensor {
  return featureDropout('dropout1d', x, p, training, 1, options);
}

/**
 * Spatial dropout (Tompson 2015): zeroes whole channels of [N, C, H, W] (or unbatched [C, H, W]) with
 * probability `p` (default 0.5) during training, scaling the rest by 1 / (1 - p). Neighbouring pixels
 * are strongly correlated, so elementwise dropout barely regularizes convolutional features.
 *
 * ```ts
 * dropout2d(x, 0.2); // each [H, W] plane is all zeros or x / 0.8
 * ```
 */
export function dropout2d(x: Tensor, p = 0.5, training = true, options: DropoutMaskOptions = {}): Tensor {
  return featureDropout('dropout2d', x, p, training, 2, options);
}

/** Channel dropout of [N, C, D, H, W] (or [C, D, H, W]); see dropout2d. */
export function dropout3d(x: Tensor, p = 0.5, training = true, options: DropoutMaskOptions = {}): Tensor {
  return featureDropout('dropout3d', x, p, training, 3, options);
}

/**
 * SELU's scale * alpha (1.0507 * 1.6733): dropped units are set to its negative, SELU's saturation
 * value, before the affine map that restores zero mean and unit variance.
 */
const SELU_SCALE_ALPHA = SELU_SCALE * SELU_ALPHA;

/**
 * Alpha dropout with a keep mask m of `shape`: out = a (x m - s (1 - m)) + a s p with s = SELU_SCALE_ALPHA
 * and a = ((1 + s^2 p) (1 - p))^(-1/2), the affine map of Klambauer 2017 for zero-mean, unit-variance
 * inputs.
 */
function alphaDropoutWith(x: Tensor, p: number, shape: readonly number[], options: DropoutMaskOptions): Tensor {
  if (p === 1) return x.mul(0); // PyTorch gives zeros here, not the saturation value
  const s = SELU_SCALE_ALPHA;
  const a = 1 / Math.sqrt((1 + s * s * p) * (1 - p));
  const mask = keepMask(x, p, shape, options);
  return x.mul(mask.mul(a)).add(mask.sub(1).mul(s * a).add(s * a * p));
}

/**
 * Alpha dropout (Klambauer 2017), for self-normalizing (SELU) networks: dropped units take SELU's
 * negative saturation value and the result is rescaled and shifted, so that inputs of zero mean and
 * unit variance keep them. Default p 0.5; the identity when not training.
 *
 * ```ts
 * alphaDropout(selu(h), 0.1);
 * ```
 */
export function alphaDropout(x: Tensor, p = 0.5, training = false, options: DropoutMaskOptions = {}): Tensor {
  checkArgs('alphaDropout', x, p, training);
  if (!training || p === 0) return x;
  return alphaDropoutWith(x, p, x.shape, options);
}

/**
 * Alpha dropout of whole channels: one draw per (sample, channel) of [N, C, *] (dim 0 and 1 of an
 * input of at least 2 dims). As PyTorch's feature_alpha_dropout.
 */
export function featureAlphaDropout(x: Tensor, p = 0.5, training = false, options: DropoutMaskOptions = {}): Tensor {
  const op = 'featureAlphaDropout';
  checkArgs(op, x, p, training);
  if (x.ndim < 2) throw new Error(`${op}: expected an input of at least 2 dims [N, C, *], got shape ${formatShape(x.shape)}`);
  if (!training || p === 0) return x;
  return alphaDropoutWith(x, p, x.shape.map((s, i) => (i < 2 ? s : 1)), options);
}

/**
 * Stochastic depth (Huang 2016), as torchvision.ops.stochastic_depth: during training, zeroes the
 * input (a residual branch) with probability `p` per sample (`mode: 'row'`, one draw per index of dim
 * 0) or for the whole batch (`'batch'`), scaling survivors by 1 / (1 - p). The identity when not
 * training.
 *
 * ```ts
 * const y = x.add(stochasticDepth(branch(x), 0.1, 'row'));
 * ```
 */
export function stochasticDepth(x: Tensor, p: number, mode: 'row' | 'batch', training = true, options: DropoutMaskOptions = {}): Tensor {
  const op = 'stochasticDepth';
  checkArgs(op, x, p, training);
  if (mode !== 'row' && mode !== 'batch') throw new Error(`${op}: mode must be 'row' or 'batch', got ${show(mode)}`);
  if (mode === 'row' && x.ndim === 0) throw new Error(`${op}: 'row' mode needs a batch dim, got a 0-d input`);
  if (!training || p === 0) return x;
  const shape = x.shape.map((s, i) => (mode === 'row' && i === 0 ? s : 1));
  const keep = keepMask(x, p, shape, options);
  const survival = 1 - p;
  return x.mul(survival > 0 ? keep.div(survival) : keep);
}

/**
 * Drop path, timm's name for per-sample stochastic depth: each sample (index of dim 0) is zeroed with
 * probability `p` (default 0) during training, the survivors scaled by 1 / (1 - p) unless
 * `scaleByKeep` is false.
 */
export function dropPath(x: Tensor, p = 0, training = true, scaleByKeep = true, options: DropoutMaskOptions = {}): Tensor {
  const op = 'dropPath';
  checkArgs(op, x, p, training);
  if (x.ndim === 0) throw new Error(`${op}: needs a batch dim, got a 0-d input`);
  if (!training || p === 0) return x;
  const keep = keepMask(x, p, x.shape.map((s, i) => (i === 0 ? s : 1)), options);
  return x.mul(scaleByKeep && p < 1 ? keep.div(1 - p) : keep);
}
