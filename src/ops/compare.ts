/** Comparisons and logic (bool results, no gradient), `where`, and `clamp`. */
import { Tensor } from '../tensor/tensor.js';
import { broadcastShapes } from '../tensor/shape.js';
import type { BinaryOp } from '../backend/backend.js';
import { backend } from '../backend/registry.js';
import { nonDifferentiable, record } from '../autograd/record.js';
import { binaryKernel, operands, unaryKernel } from './support.js';
import { broadcastView, fromData, sumToShape, type TensorLike } from './util.js';

function compare(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands(op, a, b);
  return nonDifferentiable(op, binaryKernel(op, x, y, 'bool'));
}

export const eq = (a: TensorLike, b: TensorLike): Tensor => compare('eq', a, b);
export const ne = (a: TensorLike, b: TensorLike): Tensor => compare('ne', a, b);
export const lt = (a: TensorLike, b: TensorLike): Tensor => compare('lt', a, b);
export const le = (a: TensorLike, b: TensorLike): Tensor => compare('le', a, b);
export const gt = (a: TensorLike, b: TensorLike): Tensor => compare('gt', a, b);
export const ge = (a: TensorLike, b: TensorLike): Tensor => compare('ge', a, b);
export const logicalAnd = (a: TensorLike, b: TensorLike): Tensor => compare('logicalAnd', a, b);
export const logicalOr = (a: TensorLike, b: TensorLike): Tensor => compare('logicalOr', a, b);
export const logicalXor = (a: TensorLike, b: TensorLike): Tensor => compare('logicalXor', a, b);
export const logicalNot = (x: Tensor): Tensor => nonDifferentiable('logicalNot', unaryKernel('logicalNot', x, 'bool'));

/** Whether all elements are close: |a - b| <= atol + rtol * |b| (NaNs equal when `equalNan`). */
export function allclose(a: Tensor, b: Tensor, rtol = 1e-5, atol = 1e-8, equalNan = false): boolean {
  return isclose(a, b, rtol, atol, equalNan).all().item() !== 0;
}

export function isclose(a: Tensor, b: Tensor, rtol = 1e-5, atol = 1e-8, equalNan = false): Tensor {
  const close = a.sub(b).abs().le(b.abs().mul(rtol).add(atol)).logicalOr(a.eq(b));
  return equalNan ? close.logicalOr(a.isnan().logicalAnd(b.isnan())) : close;
}

/**
 * `condition ? a : b` elementwise, with broadcasting; the condition must be bool.
 * Gradients flow to `a` where the condition holds and to `b` elsewhere.
 */
export function where(condition: Tensor, a: TensorLike, b: TensorLike): Tensor {
  if (!(condition instanceof Tensor) || condition.dtype !== 'bool') {
    throw new Error(`where: condition must be a bool tensor, got ${condition instanceof Tensor ? condition.dtype : typeof condition}`);
  }
  const [x, y, dtype] = operands('where', a, b);
  const shape = broadcastShapes('where', broadcastShapes('where', condition.shape, x.shape), y.shape);
  const out = fromData(
    backend().where(broadcastView(condition, shape), broadcastView(x, shape), broadcastView(y, shape), dtype),
    shape,
    dtype,
  );
  return record(
    'where',
    out,
    [x, y],
    (g, needs) => [
      needs[0] ? sumToShape(where(condition, g, 0), x.shape) : null,
      needs[1] ? sumToShape(where(condition, 0, g), y.shape) : null,
    ],
    [condition],
  );
}

/** Limits values to [min, max] (either may be omitted, or a tensor). Gradient 1 inside, 0 outside. */
export function clamp(x: Tensor, min?: TensorLike | null, max?: TensorLike | null): Tensor {
  if (min == null && max == null) throw new Error('clamp: at least one of min and max must be given');
  if (typeof min === 'number' && typeof max === 'number' && min > max) {
    // PyTorch sets everything to max in this case; say so rather than surprise.
    throw new Error(`clamp: min ${min} is greater than max ${max}`);
  }
  // where() rather than maximum(): values equal to a bound keep their full gradient, and NaN passes.
  let out = x;
  if (min != null) out = where(out.lt(min), min, out);
  if (max != null) out = where(out.gt(max), max, out);
  return out;
}
