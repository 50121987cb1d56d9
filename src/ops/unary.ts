/**
 * Elementwise functions of one tensor. Floating functions of integer or bool inputs compute in the
 * default float type (float32), as in PyTorch; sign-like and rounding functions keep the dtype. Each
 * backward is written with ops, so it is differentiable again.
 */
import type { Tensor } from '../tensor/tensor.js';
import { isFloating, toFloating } from '../tensor/dtype.js';
import type { UnaryOp } from '../backend/backend.js';
import { record, nonDifferentiable } from '../autograd/record.js';
import { unaryKernel } from './support.js';
import { checkTensor } from './util.js';
import { tanhGrad } from './unary-grad.js';
import { reluGrad } from './relu-grad.js';
import { geluGrad } from './gelu-grad.js';
import { shapesEqual } from '../tensor/shape.js';
import { SELU_ALPHA, SELU_SCALE, SQRT_2_OVER_PI } from '../tensor/constants.js';

type Rule = (g: Tensor, x: Tensor, out: Tensor) => Tensor;

/** A floating function: integer and bool inputs are computed in float32. `rule(g, x, out)` is dL/dx. */
function floating(op: UnaryOp, name: string, x: Tensor, rule: Rule, saves: 'x' | 'out' | 'both', param = 0): Tensor {
  checkTensor(name, x);
  const out = unaryKernel(op, x, toFloating(x.dtype), param);
  const saved = saves === 'x' ? [x] : saves === 'out' ? [out] : [x, out];
  return record(name, out, [x], (g) => [rule(g, x, out)], saved);
}

/** A dtype-preserving function; only floating inputs get a gradient. */
function preserving(op: UnaryOp, x: Tensor, rule: (g: Tensor, x: Tensor) => Tensor, saveX: boolean): Tensor {
  checkTensor(op, x);
  const out = unaryKernel(op, x, x.dtype);
  if (!isFloating(x.dtype)) return nonDifferentiable(op, out);
  return record(op, out, [x], (g) => [rule(g, x)], saveX ? [x] : []);
}

function checkOption(op: string, name: string, value: unknown, nonZero = false): asserts value is number {
  if (typeof value !== 'number' || Number.isNaN(value) || (nonZero && (value === 0 || !Number.isFinite(value)))) {
    throw new Error(`${op}: ${name} must be a ${nonZero ? 'finite nonzero ' : ''}number, got ${String(value)}`);
  }
}

// Piecewise-constant functions (sign, rounding) have gradient zero, as in PyTorch.
const zeroGrad = (g: Tensor): Tensor => g.mul(0);

/** -x, keeping the dtype (int32 wraps: -(-2^31) is -2^31). Bool tensors are rejected: use logicalNot. */
export function neg(x: Tensor): Tensor {
  checkTensor('neg', x);
  if (x.dtype === 'bool') throw new Error('neg: negation of a bool tensor is not supported; use logicalNot');
  return preserving('neg', x, (g) => g.neg(), false);
}
/** |x|, keeping the dtype. The gradient at 0 is 0. */
export const abs = (x: Tensor): Tensor => preserving('abs', x, (g, x) => g.mul(x.sign()), true);
/** -1, 0 or 1 by the sign of x, keeping the dtype; NaN stays NaN (NumPy's choice; PyTorch gives 0). */
export const sign = (x: Tensor): Tensor => preserving('sign', x, zeroGrad, false);
/** x * x; bool inputs give int32, as in PyTorch. */
export function square(x: Tensor): Tensor {
  checkTensor('square', x);
  const out = unaryKernel('square', x, x.dtype === 'bool' ? 'int32' : x.dtype);
  if (!isFloating(x.dtype)) return nonDifferentiable('square', out);
  return record('square', out, [x], (g) => [g.mul(x).mul(2)], [x]);
}

/** e^x (Infinity past about 88.7 in float32, 709.8 in float64). */
export const exp = (x: Tensor): Tensor => floating('exp', 'exp', x, (g, _x, out) => g.mul(out), 'out');
/** e^x - 1, accurate for small x. */
export const expm1 = (x: Tensor): Tensor => floating('expm1', 'expm1', x, (g, _x, out) => g.mul(out.add(1)), 'out');
/** Natural logarithm (NaN below 0, -Infinity at 0). */
export const log = (x: Tensor): Tensor => floating('log', 'log', x, (g, x) => g.div(x), 'x');
/** log(1 + x), accurate for small x. */
export const log1p = (x: Tensor): Tensor => floating('log1p', 'log1p', x, (g, x) => g.div(x.add(1)), 'x');
export const log2 = (x: Tensor): Tensor => floating('log2', 'log2', x, (g, x) => g.div(x.mul(Math.LN2)), 'x');
export const sqrt = (x: Tensor): Tensor => floating('sqrt', 'sqrt', x, (g, _x, out) => g.div(out.mul(2)), 'out');
/** 1 / sqrt(x). */
export const rsqrt = (x: Tensor): Tensor => floating('rsqrt', 'rsqrt', x, (g, x, out) => g.mul(out).div(x).mul(-0.5), 'both');
/** 1 / x (always floating: 1 / int is a float, as in PyTorch). */
export const reciprocal = (x: Tensor): Tensor => floating('reciprocal', 'reciprocal', x, (g, _x, out) => g.mul(out.square()).neg(), 'out');

export const sin = (x: Tensor): Tensor => floating('sin', 'sin', x, (g, x) => g.mul(x.cos()), 'x');
export const cos = (x: Tensor): Tensor => floating('cos', 'cos', x, (g, x) => g.mul(x.sin()).neg(), 'x');
export const tan = (x: Tensor): Tensor => floating('tan', 'tan', x, (g, _x, out) => g.mul(out.square().add(1)), 'out');
export const atan = (x: Tensor): Tensor => floating('atan', 'atan', x, (g, x) => g.div(x.square().add(1)), 'x');
/** arcsin, defined on [-1, 1]. */
export const asin = (x: Tensor): Tensor => floating('asin', 'asin', x, (g, x) => g.mul(x.square().neg().add(1).rsqrt()), 'x');
/** arccos, defined on [-1, 1]. */
export const acos = (x: Tensor): Tensor => floating('acos', 'acos', x, (g, x) => g.mul(x.square().neg().add(1).rsqrt()).neg(), 'x');
export const sinh = (x: Tensor): Tensor => floating('sinh', 'sinh', x, (g, x) => g.mul(x.cosh()), 'x');
export const cosh = (x: Tensor): Tensor => floating('cosh', 'cosh', x, (g, x) => g.mul(x.sinh()), 'x');
export const asinh = (x: Tensor): Tensor => floating('asinh', 'asinh', x, (g, x) => g.mul(x.square().add(1).rsqrt()), 'x');
/** Inverse hyperbolic cosine, defined for x >= 1. */
export const acosh = (x: Tensor): Tensor => floating('acosh', 'acosh', x, (g, x) => g.mul(x.square().sub(1).rsqrt()), 'x');
/** Inverse hyperbolic tangent, defined on (-1, 1). */
export const atanh = (x: Tensor): Tensor => floating('atanh', 'atanh', x, (g, x) => g.div(x.square().neg().add(1)), 'x');
/** tanh, exact +-1 for large |x| (never NaN). */
export const tanh = (x: Tensor): Tensor => floating('tanh', 'tanh', x, (g, _x, out) => tanhGrad(g, out), 'out');
/** 1 / (1 + e^-x), computed without overflow: sigmoid(-1000) = 0, sigmoid(1000) = 1. */
export const sigmoid = (x: Tensor): Tensor =>
  floating('sigmoid', 'sigmoid', x, (g, _x, out) => g.mul(out).mul(out.neg().add(1)), 'out');
/** The error function, 2/sqrt(pi) * integral of e^(-t^2) from 0 to x. */
export const erf = (x: Tensor): Tensor =>
  floating('erf', 'erf', x, (g, x) => g.mul(x.square().neg().exp().mul(2 / Math.sqrt(Math.PI))), 'x');

/** Rounding keeps the dtype; the gradient is zero. */
export const floor = (x: Tensor): Tensor => preserving('floor', x, zeroGrad, false);
export const ceil = (x: Tensor): Tensor => preserving('ceil', x, zeroGrad, false);
/** Rounds half to even, as PyTorch does: round(0.5) = 0, round(1.5) = 2, round(2.5) = 2, round(-0.5) = -0. */
export const round = (x: Tensor): Tensor => preserving('round', x, zeroGrad, false);
/** Rounds toward zero. */
export const trunc = (x: Tensor): Tensor => preserving('trunc', x, zeroGrad, false);

/** Bool tensors marking NaN / finite / infinite elements (integer inputs are always finite). */
export function isnan(x: Tensor): Tensor {
  checkTensor('isnan', x);
  return nonDifferentiable('isnan', unaryKernel('isnan', x, 'bool'));
}
export function isfinite(x: Tensor): Tensor {
  checkTensor('isfinite', x);
  return nonDifferentiable('isfinite', unaryKernel('isfinite', x, 'bool'));
}
export function isinf(x: Tensor): Tensor {
  checkTensor('isinf', x);
  return nonDifferentiable('isinf', unaryKernel('isinf', x, 'bool'));
}

// ---- activations. Gradients at kinks follow PyTorch (relu'(0) = 0); NaN inputs give NaN. ----

/** max(x, 0), keeping the dtype; relu(NaN) = NaN. */
export function relu(x: Tensor): Tensor {
  checkTensor('relu', x);
  const out = unaryKernel('relu', x, x.dtype);
  if (!isFloating(x.dtype)) return nonDifferentiable('relu', out);
  return record('relu', out, [x], (g) => [reluGrad(g, out)], [out]);
}

/** x for x > 0, `negativeSlope * x` otherwise (default slope 0.01). */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  checkOption('leakyRelu', 'negativeSlope', negativeSlope);
  return floating('leakyRelu', 'leakyRelu', x, (g, x) => g.mul(x.gt(0).to(g.dtype).mul(1 - negativeSlope).add(negativeSlope)), 'x', negativeSlope);
}

/**
 * The slope of alpha * (e^x - 1) below zero, 1 above. exp reads min(x, 0), so that a large positive
 * x gives no Infinity, which would turn into NaN (Infinity * 0) in the double backward.
 */
function expBranchGrad(x: Tensor, scale: number, factor: number): Tensor {
  const positive = x.gt(0);
  return positive.to(x.dtype).mul(scale).where(positive, x.clamp(null, 0).exp().mul(factor));
}

/** x for x > 0, alpha * (e^x - 1) otherwise: elu(-1) = e^-1 - 1 for alpha 1. */
export function elu(x: Tensor, alpha = 1): Tensor {
  checkOption('elu', 'alpha', alpha);
  return floating('elu', 'elu', x, (g, x) => g.mul(expBranchGrad(x, 1, alpha)), 'x', alpha);
}

/** scale * elu(x, alpha) with the self-normalizing constants (alpha 1.6733, scale 1.0507). */
export const selu = (x: Tensor): Tensor =>
  floating('selu', 'selu', x, (g, x) => g.mul(expBranchGrad(x, SELU_SCALE, SELU_SCALE * SELU_ALPHA)), 'x');

/**
 * GELU: x * Phi(x) with Phi the standard normal CDF (`approximate: 'none'`, the default), or
 * 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) with `'tanh'`. gelu(1) = 0.8413447460685429.
 */
export function gelu(x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  if (approximate !== 'none' && approximate !== 'tanh') throw new Error(`gelu: approximate must be 'none' or 'tanh', got '${String(approximate)}'`);
  if (approximate === 'tanh') {
    return floating('geluTanh', 'gelu', x, (g, x) => {
      // d/dx 0.5 x (1 + tanh(u)), u = c (x + 0.044715 x^3)
      const u = x.add(x.pow(3).mul(0.044715)).mul(SQRT_2_OVER_PI);
      const t = u.tanh();
      const du = x.square().mul(3 * 0.044715).add(1).mul(SQRT_2_OVER_PI);
      return g.mul(t.add(1).mul(0.5).add(x.mul(0.5).mul(t.square().neg().add(1)).mul(du)));
    }, 'x');
  }
  checkTensor('gelu', x);
  const out = unaryKernel('gelu', x, toFloating(x.dtype));
  // The fused rule reads Phi(x) back from out, unless out was written in place or freed since (it
  // is not saved: gelu's backward needs only x, as PyTorch's, so writing to out stays allowed).
  const version = out.version;
  return record('gelu', out, [x], (g) => {
    if (!out.isDisposed && out.version === version && g.dtype === out.dtype && x.dtype === out.dtype && shapesEqual(g.shape, out.shape)) return [geluGrad(g, x, out)];
    // d/dx x Phi(x) = Phi(x) + x phi(x)
    const cdf = x.mul(Math.SQRT1_2).erf().add(1).mul(0.5);
    const pdf = x.square().mul(-0.5).exp().mul(1 / Math.sqrt(2 * Math.PI));
    return [g.mul(cdf.add(x.mul(pdf)))];
  }, [x]);
}

/** x * sigmoid(x) (also called swish). */
export const silu = (x: Tensor): Tensor =>
  floating('silu', 'silu', x, (g, x) => {
    const s = x.sigmoid();
    return g.mul(s.mul(x.mul(s.neg().add(1)).add(1)));
  }, 'x');

/**
 * log(1 + e^(beta x)) / beta, and exactly x where beta x > threshold (PyTorch's defaults: beta 1,
 * threshold 20). softplus(0) = ln 2.
 */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  checkTensor('softplus', x);
  checkOption('softplus', 'beta', beta, true);
  checkOption('softplus', 'threshold', threshold);
  if (beta !== 1 || threshold !== 20) {
    const bx = x.mul(beta);
    return bx.softplus().div(beta).where(bx.le(threshold), x);
  }
  return floating('softplus', 'softplus', x, (g, x) => g.mul(x.sigmoid()), 'x');
}

/** x * tanh(softplus(x)). mish(1) = 0.8650983882673103. */
export const mish = (x: Tensor): Tensor =>
  floating('mish', 'mish', x, (g, x) => {
    const tsp = x.softplus().tanh();
    return g.mul(tsp.add(x.mul(x.sigmoid()).mul(tsp.square().neg().add(1))));
  }, 'x');
