/**
 * Activation functions beyond the ones in ops/unary.ts (relu, leakyRelu, elu, selu, gelu, silu,
 * softplus, mish, sigmoid, tanh), with PyTorch's names, defaults and gradients. Each is composed from
 * existing ops, so the gradient and the double backward come for free and every backend runs them.
 * Where PyTorch defines the gradient at a kink (hardtanh: 0 at both bounds), the composition picks
 * the same side.
 */
import type { Tensor } from '../../tensor/tensor.js';
import { formatShape, normalizeDim } from '../../tensor/shape.js';
import { checkFloating, checkTensor } from '../../ops/util.js';
import { show } from '../../ops/nn/support.js';

function checkNumber(op: string, name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new Error(`${op}: ${name} must be a number, got ${show(value)}`);
}

function floatingInput(op: string, x: unknown): asserts x is Tensor {
  checkTensor(op, x);
  checkFloating(op, x);
}

/**
 * Clamps to [minVal, maxVal] (defaults -1 and 1). The gradient is 1 strictly inside the interval and 0
 * at and beyond the bounds, as in PyTorch (plain `clamp` passes it at the bounds too).
 *
 * ```ts
 * hardtanh(tensor([-2, 0.5, 3])); // [-1, 0.5, 1]
 * ```
 */
export function hardtanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  return hardtanhNamed('hardtanh', x, minVal, maxVal);
}

function hardtanhNamed(op: string, x: Tensor, minVal: number, maxVal: number): Tensor {
  checkTensor(op, x);
  checkNumber(op, 'minVal', minVal);
  checkNumber(op, 'maxVal', maxVal);
  if (minVal > maxVal) throw new Error(`${op}: minVal ${minVal} is greater than maxVal ${maxVal}`);
  if (x.dtype === 'bool') throw new Error(`${op}: bool tensors are not supported, got shape ${formatShape(x.shape)}`);
  // The clamped values, detached, stand in outside the open interval, so the gradient is 0 there
  // (and at the bounds); inside it flows through x unchanged. NaN fails the test and stays NaN.
  const inside = x.gt(minVal).logicalAnd(x.lt(maxVal));
  return x.where(inside, x.detach().clamp(minVal, maxVal));
}

/**
 * min(max(x, 0), 6), the activation of MobileNet; hardtanh with bounds 0 and 6.
 *
 * ```ts
 * relu6(tensor([-1, 3, 7])); // [0, 3, 6]
 * ```
 */
export function relu6(x: Tensor): Tensor {
  return hardtanhNamed('relu6', x, 0, 6);
}

/**
 * relu6(x + 3) / 6: a piecewise-linear sigmoid (0 below -3, 1 above 3).
 *
 * ```ts
 * hardsigmoid(tensor([-4, 0, 1.5])); // [0, 0.5, 0.75]
 * ```
 */
export function hardsigmoid(x: Tensor): Tensor {
  floatingInput('hardsigmoid', x);
  return relu6(x.add(3)).div(6);
}

/**
 * x * relu6(x + 3) / 6, the activation of MobileNetV3 (Howard 2019).
 *
 * ```ts
 * hardswish(tensor([-4, 1, 4])); // [0, 0.6667, 4]
 * ```
 */
export function hardswish(x: Tensor): Tensor {
  floatingInput('hardswish', x);
  return x.mul(hardsigmoid(x));
}

/**
 * x for x > 0, alpha * (e^(x / alpha) - 1) otherwise (continuously differentiable ELU, Barron 2017;
 * default alpha 1, which is elu).
 *
 * ```ts
 * celu(tensor([-1, 2]), 2); // [2 (e^-0.5 - 1), 2] = [-0.7869, 2]
 * ```
 */
export function celu(x: Tensor, alpha = 1): Tensor {
  floatingInput('celu', x);
  checkNumber('celu', 'alpha', alpha);
  if (alpha === 0) throw new Error('celu: alpha must not be 0');
  if (alpha === 1) return x.elu();
  // The exponential reads the clamped input, so the branch not taken cannot overflow into a NaN gradient.
  const negative = x.clamp(null, 0).div(alpha).expm1().mul(alpha);
  return x.where(x.gt(0), negative);
}

/**
 * x / (1 + |x|).
 *
 * ```ts
 * softsign(tensor([-3, 1])); // [-0.75, 0.5]
 * ```
 */
export function softsign(x: Tensor): Tensor {
  floatingInput('softsign', x);
  return x.div(x.abs().add(1));
}

/**
 * log(sigmoid(x)), computed as -softplus(-x) so that it stays finite for very negative x.
 *
 * ```ts
 * logsigmoid(tensor([0])); // [-0.6931]
 * ```
 */
export function logsigmoid(x: Tensor): Tensor {
  floatingInput('logsigmoid', x);
  return x.neg().softplus().neg();
}

/**
 * x - tanh(x).
 *
 * ```ts
 * tanhshrink(tensor([1])); // [0.2384]
 * ```
 */
export function tanhshrink(x: Tensor): Tensor {
  floatingInput('tanhshrink', x);
  return x.sub(x.tanh());
}

/**
 * Parametric ReLU (He 2015): x for x > 0, weight * x otherwise. `weight` has one element (shared) or
 * one per channel, the channel being dim 1 of the input (an input of fewer than 2 dims has one channel).
 *
 * ```ts
 * prelu(tensor([[-2, 3]]), tensor([0.25])); // [[-0.5, 3]]
 * ```
 */
export function prelu(x: Tensor, weight: Tensor): Tensor {
  const op = 'prelu';
  floatingInput(op, x);
  checkTensor(op, weight, 'weight');
  checkFloating(op, weight, 'weight');
  if (weight.ndim > 1) throw new Error(`prelu: weight must be 0-D or 1-D, got shape ${formatShape(weight.shape)}`);
  const channels = x.ndim >= 2 ? x.shape[1]! : 1;
  let w = weight;
  if (weight.numel !== 1) {
    if (weight.numel !== channels) {
      throw new Error(
        `prelu: weight of shape ${formatShape(weight.shape)} must have 1 element or one per channel (${channels}, dim 1 of input ${formatShape(x.shape)})`,
      );
    }
    // [C] -> [C, 1, ..., 1] so that it lines up with dim 1.
    w = weight.reshape([channels, ...new Array<number>(Math.max(0, x.ndim - 2)).fill(1)]);
  } else if (weight.ndim === 1) {
    w = weight.reshape([]);
  }
  return x.where(x.gt(0), x.mul(w));
}

/**
 * Gated linear unit (Dauphin 2017): splits `dim` (default -1, of even size) into halves a and b and
 * returns a * sigmoid(b).
 *
 * ```ts
 * glu(tensor([1, 0])); // [0.5]
 * ```
 */
export function glu(x: Tensor, dim = -1): Tensor {
  const op = 'glu';
  floatingInput(op, x);
  if (x.ndim === 0) throw new Error('glu: a 0-d tensor cannot be split in halves');
  if (typeof dim !== 'number' || !Number.isInteger(dim)) throw new Error(`glu: dim must be an integer, got ${show(dim)}`);
  const d = normalizeDim(op, dim, x.ndim);
  const size = x.shape[d]!;
  if (size % 2 !== 0) throw new Error(`glu: halving dim ${dim} of shape ${formatShape(x.shape)} needs an even size, got ${size}`);
  const half = size / 2;
  return x.narrow(d, 0, half).mul(x.narrow(d, half, half).sigmoid());
}

function checkLambda(op: string, lambd: unknown): asserts lambd is number {
  if (typeof lambd !== 'number' || !(lambd >= 0)) throw new Error(`${op}: lambd must be a number >= 0, got ${show(lambd)}`);
}

/**
 * x where |x| > lambd (default 0.5), 0 elsewhere.
 *
 * ```ts
 * hardshrink(tensor([-1, 0.2, 0.7])); // [-1, 0, 0.7]
 * ```
 */
export function hardshrink(x: Tensor, lambd = 0.5): Tensor {
  floatingInput('hardshrink', x);
  checkLambda('hardshrink', lambd);
  return x.where(x.abs().gt(lambd), 0);
}

/**
 * Soft thresholding: x - lambd above lambd (default 0.5), x + lambd below -lambd, 0 between.
 *
 * ```ts
 * softshrink(tensor([-1, 0.2, 0.7])); // [-0.5, 0, 0.2]
 * ```
 */
export function softshrink(x: Tensor, lambd = 0.5): Tensor {
  floatingInput('softshrink', x);
  checkLambda('softshrink', lambd);
  return x.sub(lambd).where(x.gt(lambd), x.add(lambd).where(x.lt(-lambd), 0));
}

/**
 * softmax(-x) along `dim`: weights that favour the smallest values.
 *
 * ```ts
 * softmin(tensor([1, 2]), 0); // [0.7311, 0.2689]
 * ```
 */
export function softmin(x: Tensor, dim: number): Tensor {
  floatingInput('softmin', x);
  return x.neg().softmax(dim);
}
