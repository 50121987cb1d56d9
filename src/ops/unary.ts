/**
 * Elementwise functions of one tensor. Floating functions of integer inputs compute in the default
 * float type, as in PyTorch. Each backward is written with ops, so it is differentiable again.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import { isFloating, toFloating } from '../tensor/dtype.js';
import type { UnaryOp } from '../backend/backend.js';
import { backend } from '../backend/registry.js';
import { record, nonDifferentiable } from '../autograd/record.js';
import type { BackwardFn } from '../autograd/node.js';
import { unaryKernel } from './support.js';
import { fromData } from './util.js';
import { SELU_ALPHA, SELU_SCALE, SQRT_2_OVER_PI } from '../backend/js/math.js';


/** A floating function: integer inputs are computed in float32. `rule(g, x, out)` gives dL/dx. */
function floating(op: UnaryOp, x: Tensor, rule: (g: Tensor, x: Tensor, out: Tensor) => Tensor, saves: 'x' | 'out' | 'both' | 'none', param = 0): Tensor {
  const out = unaryKernel(op, x, toFloating(x.dtype), param);
  const saved = saves === 'x' ? [x] : saves === 'out' ? [out] : saves === 'both' ? [x, out] : [];
  const backward: BackwardFn = (g) => [rule(g, x, out)];
  return record(op, out, [x], backward, saved);
}

/** A dtype-preserving function (neg, abs, ...). */
function preserving(op: UnaryOp, x: Tensor, rule: ((g: Tensor, x: Tensor) => Tensor) | null): Tensor {
  const out = unaryKernel(op, x, x.dtype);
  if (rule === null || !isFloating(x.dtype)) return nonDifferentiable(op, out);
  return record(op, out, [x], (g) => [rule(g, x)], [x]);
}

export const neg = (x: Tensor): Tensor => {
  if (x.dtype === 'bool') throw new Error('neg: negation of a bool tensor is not supported; use logicalNot');
  const out = unaryKernel('neg', x, x.dtype);
  return record('neg', out, [x], (g) => [g.neg()]);
};
export const abs = (x: Tensor): Tensor => preserving('abs', x, (g, x) => g.mul(x.sign()));
export const sign = (x: Tensor): Tensor => {
  const out = unaryKernel('sign', x, x.dtype);
  return record('sign', out, [x], (g) => [g.mul(0)]);
};
export const square = (x: Tensor): Tensor => {
  const out = unaryKernel('square', x, x.dtype === 'bool' ? 'int32' : x.dtype);
  return record('square', out, [x], (g) => [g.mul(x).mul(2)], [x]);
};
export const exp = (x: Tensor): Tensor => floating('exp', x, (g, _x, out) => g.mul(out), 'out');
export const expm1 = (x: Tensor): Tensor => floating('expm1', x, (g, _x, out) => g.mul(out.add(1)), 'out');
export const log = (x: Tensor): Tensor => floating('log', x, (g, x) => g.div(x), 'x');
export const log1p = (x: Tensor): Tensor => floating('log1p', x, (g, x) => g.div(x.add(1)), 'x');
export const log2 = (x: Tensor): Tensor => floating('log2', x, (g, x) => g.div(x.mul(Math.LN2)), 'x');
export const sqrt = (x: Tensor): Tensor => floating('sqrt', x, (g, _x, out) => g.div(out.mul(2)), 'out');
export const rsqrt = (x: Tensor): Tensor => floating('rsqrt', x, (g, x, out) => g.mul(out).div(x).mul(-0.5), 'both');
export const reciprocal = (x: Tensor): Tensor => floating('reciprocal', x, (g, _x, out) => g.mul(out.square()).neg(), 'out');
export const sin = (x: Tensor): Tensor => floating('sin', x, (g, x) => g.mul(x.cos()), 'x');
export const cos = (x: Tensor): Tensor => floating('cos', x, (g, x) => g.mul(x.sin()).neg(), 'x');
export const tan = (x: Tensor): Tensor => floating('tan', x, (g, _x, out) => g.mul(out.square().add(1)), 'out');
export const atan = (x: Tensor): Tensor => floating('atan', x, (g, x) => g.div(x.square().add(1)), 'x');
export const asin = (x: Tensor): Tensor => floating('asin', x, (g, x) => g.mul(x.square().neg().add(1).rsqrt()), 'x');
export const acos = (x: Tensor): Tensor => floating('acos', x, (g, x) => g.mul(x.square().neg().add(1).rsqrt()).neg(), 'x');
export const sinh = (x: Tensor): Tensor => floating('sinh', x, (g, x) => g.mul(x.cosh()), 'x');
export const cosh = (x: Tensor): Tensor => floating('cosh', x, (g, x) => g.mul(x.sinh()), 'x');
export const asinh = (x: Tensor): Tensor => floating('asinh', x, (g, x) => g.mul(x.square().add(1).rsqrt()), 'x');
export const acosh = (x: Tensor): Tensor => floating('acosh', x, (g, x) => g.mul(x.square().sub(1).rsqrt()), 'x');
export const atanh = (x: Tensor): Tensor => floating('atanh', x, (g, x) => g.div(x.square().neg().add(1)), 'x');
export const tanh = (x: Tensor): Tensor => floating('tanh', x, (g, _x, out) => g.mul(out.square().neg().add(1)), 'out');
export const sigmoid = (x: Tensor): Tensor => floating('sigmoid', x, (g, _x, out) => g.mul(out).mul(out.neg().add(1)), 'out');
export const erf = (x: Tensor): Tensor =>
  floating('erf', x, (g, x) => g.mul(x.square().neg().exp().mul(2 / Math.sqrt(Math.PI))), 'x');

// Rounding: piecewise constant, so the gradient is zero (as in PyTorch).
const zeroGrad = (g: Tensor) => g.mul(0);
export const floor = (x: Tensor): Tensor => preserving('floor', x, zeroGrad);
export const ceil = (x: Tensor): Tensor => preserving('ceil', x, zeroGrad);
/** Rounds half to even. */
export const round = (x: Tensor): Tensor => preserving('round', x, zeroGrad);
export const trunc = (x: Tensor): Tensor => preserving('trunc', x, zeroGrad);

export const isnan = (x: Tensor): Tensor => nonDifferentiable('isnan', unaryKernel('isnan', x, 'bool'));
export const isfinite = (x: Tensor): Tensor => nonDifferentiable('isfinite', unaryKernel('isfinite', x, 'bool'));
export const isinf = (x: Tensor): Tensor => nonDifferentiable('isinf', unaryKernel('isinf', x, 'bool'));

// Activations. Gradients at kinks follow PyTorch (relu'(0) = 0).
export const relu = (x: Tensor): Tensor => {
  const out = unaryKernel('relu', x, x.dtype);
  if (!isFloating(x.dtype)) return out;
  return record('relu', out, [x], (g) => [g.mul(out.gt(0).to(g.dtype))], [out]);
};
export const leakyRelu = (x: Tensor, negativeSlope = 0.01): Tensor =>
  floating('leakyRelu', x, (g, x) => g.mul(x.gt(0).to(g.dtype).mul(1 - negativeSlope).add(negativeSlope)), 'x', negativeSlope);
export const elu = (x: Tensor, alpha = 1): Tensor =>
  floating('elu', x, (g, x) => g.mul(x.gt(0).to(g.dtype).where(x.gt(0), x.exp().mul(alpha))), 'x', alpha);
export const selu = (x: Tensor): Tensor =>
  floating('selu', x, (g, x) => g.mul(x.gt(0).to(g.dtype).mul(SELU_SCALE).where(x.gt(0), x.exp().mul(SELU_SCALE * SELU_ALPHA))), 'x');
/** GELU, exact (erf) or with the tanh approximation (`approximate: 'tanh'`). */
export const gelu = (x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor => {
  if (approximate !== 'none' && approximate !== 'tanh') throw new Error(`gelu: approximate must be 'none' or 'tanh', got '${approximate}'`);
  if (approximate === 'tanh') {
    return floating('geluTanh', x, (g, x) => {
      // d/dx 0.5 x (1 + tanh(u)), u = c (x + 0.044715 x^3)
      const u = x.add(x.pow(3).mul(0.044715)).mul(SQRT_2_OVER_PI);
      const t = u.tanh();
      const du = x.square().mul(3 * 0.044715).add(1).mul(SQRT_2_OVER_PI);
      return g.mul(t.add(1).mul(0.5).add(x.mul(0.5).mul(t.square().neg().add(1)).mul(du)));
    }, 'x');
  }
  return floating('gelu', x, (g, x) => {
    // d/dx x Phi(x) = Phi(x) + x phi(x)
    const cdf = x.mul(Math.SQRT1_2).erf().add(1).mul(0.5);
    const pdf = x.square().mul(-0.5).exp().mul(1 / Math.sqrt(2 * Math.PI));
    return g.mul(cdf.add(x.mul(pdf)));
  }, 'x');
};
export const silu = (x: Tensor): Tensor =>
  floating('silu', x, (g, x) => {
    const s = x.sigmoid();
    return g.mul(s.mul(x.mul(s.neg().add(1)).add(1)));
  }, 'x');
/** log(1 + exp(beta x)) / beta, linear above `threshold` as in PyTorch. */
export const softplus = (x: Tensor, beta = 1, threshold = 20): Tensor => {
  if (beta !== 1 || threshold !== 20) {
    const bx = x.mul(beta);
    return bx.softplus().div(beta).where(bx.le(threshold), x);
  }
  return floating('softplus', x, (g, x) => g.mul(x.sigmoid()), 'x');
};
export const mish = (x: Tensor): Tensor =>
  floating('mish', x, (g, x) => {
    const tsp = x.softplus().tanh();
    return g.mul(tsp.add(x.mul(x.sigmoid()).mul(tsp.square().neg().add(1))));
  }, 'x');
