/** Comparisons and logic (bool results, no gradient), closeness tests, `where`, and `clamp`. */
import { Tensor } from '../tensor/tensor.js';
import { broadcastShapes } from '../tensor/shape.js';
import type { BinaryOp } from '../backend/backend.js';
import { backend } from '../backend/registry.js';
import { nonDifferentiable, record } from '../autograd/record.js';
import { binaryKernel, operands, unaryKernel } from './support.js';
import { broadcastView, checkTensor, describe, fromData, sumToShape, type TensorLike } from './util.js';

/**
 * Values compare after conversion to the promoted dtype, as in PyTorch: a float32 tensor holding
 * 0.1 equals a float64 0-d tensor holding 0.1 (the 0-d tensor does not widen the comparison).
 */
function compare(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dtype] = operands(op, a, b);
  const cx = x.dtype === dtype ? x : x.detach().to(dtype);
  const cy = y.dtype === dtype ? y : y.detach().to(dtype);
  return nonDifferentiable(op, binaryKernel(op, cx, cy, 'bool'));
}

/** Truth values: nonzero (NaN included) is true. No conversion, which could turn 0.5 into 0. */
function logical(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands(op, a, b);
  return nonDifferentiable(op, binaryKernel(op, x, y, 'bool'));
}

/** a == b elementwise, broadcasting; a bool tensor. NaN equals nothing, itself included. */
export const eq = (a: TensorLike, b: TensorLike): Tensor => compare('eq', a, b);
/** a != b elementwise (true where either is NaN). */
export const ne = (a: TensorLike, b: TensorLike): Tensor => compare('ne', a, b);
export const lt = (a: TensorLike, b: TensorLike): Tensor => compare('lt', a, b);
export const le = (a: TensorLike, b: TensorLike): Tensor => compare('le', a, b);
export const gt = (a: TensorLike, b: TensorLike): Tensor => compare('gt', a, b);
export const ge = (a: TensorLike, b: TensorLike): Tensor => compare('ge', a, b);
/** Elementwise AND of truth values (nonzero is true), any dtypes; a bool tensor. */
export const logicalAnd = (a: TensorLike, b: TensorLike): Tensor => logical('logicalAnd', a, b);
export const logicalOr = (a: TensorLike, b: TensorLike): Tensor => logical('logicalOr', a, b);
export const logicalXor = (a: TensorLike, b: TensorLike): Tensor => logical('logicalXor', a, b);
/** True where x is zero. */
export function logicalNot(x: Tensor): Tensor {
  checkTensor('logicalNot', x);
  return nonDifferentiable('logicalNot', unaryKernel('logicalNot', x, 'bool'));
}

function checkTolerances(op: string, a: unknown, b: unknown, rtol: number, atol: number): void {
  checkTensor(op, a, 'first input');
  checkTensor(op, b, 'second input');
  if (!(rtol >= 0)) throw new Error(`${op}: rtol must be a number >= 0, got ${String(rtol)}`);
  if (!(atol >= 0)) throw new Error(`${op}: atol must be a number >= 0, got ${String(atol)}`);
}

/**
 * Whether every element is close: |a - b| <= atol + rtol * |b|, broadcasting (not symmetric, as in
 * PyTorch). Infinities are close only to themselves; NaNs only to NaNs, and only when `equalNan`.
 *
 * ```ts
 * allclose(tensor([1, 2]), tensor([1, 2 + 1e-7])); // true
 * ```
 */
export function allclose(a: Tensor, b: Tensor, rtol = 1e-5, atol = 1e-8, equalNan = false): boolean {
  checkTolerances('allclose', a, b, rtol, atol);
  broadcastShapes('allclose', a.shape, b.shape);
  return isclose(a, b, rtol, atol, equalNan).all().item() !== 0;
}

/** The elementwise test behind `allclose`, as a bool tensor. */
export function isclose(a: Tensor, b: Tensor, rtol = 1e-5, atol = 1e-8, equalNan = false): Tensor {
  checkTolerances('isclose', a, b, rtol, atol);
  broadcastShapes('isclose', a.shape, b.shape);
  if (a.dtype === 'bool' && b.dtype === 'bool') return eq(a, b);
  // Equal values (infinities included) are close; otherwise the error must be finite, or else an
  // infinite |b| would allow any error (Infinity is not close to -Infinity).
  const error = a.sub(b).abs();
  const close = error.isfinite().logicalAnd(error.le(b.abs().mul(rtol).add(atol))).logicalOr(a.eq(b));
  return equalNan ? close.logicalOr(a.isnan().logicalAnd(b.isnan())) : close;
}

/**
 * `condition ? a : b` elementwise, broadcasting all three; the condition must be a bool tensor, and
 * `a`, `b` may be JS numbers. The dtype is promoted as for arithmetic. Gradients flow to `a` where the
 * condition holds and to `b` elsewhere (zero in the other places).
 *
 * ```ts
 * where(x.gt(0), x, 0); // relu
 * ```
 */
export function where(condition: Tensor, a: TensorLike, b: TensorLike): Tensor {
  if (!(condition instanceof Tensor) || condition.dtype !== 'bool') {
    throw new Error(`where: condition must be a bool tensor, got ${describe(condition)}`);
  }
  const [x, y, dtype] = operands('where', a, b);
  const shape = broadcastShapes('where', broadcastShapes('where', condition.shape, x.shape), y.shape);
  const out = fromData(
    backend().where(broadcastView(condition, shape), broadcastView(x, shape), broadcastView(y, shape), dtype),
    shape,
    dtype,
  );
  // The gradient goes back in each input's own dtype (the output may be wider).
  return record(
    'where',
    out,
    [x, y],
    (g, needs) => [
      needs[0] ? sumToShape(where(condition, g, 0), x.shape).to(x.dtype) : null,
      needs[1] ? sumToShape(where(condition, 0, g), y.shape).to(y.dtype) : null,
    ],
    [condition],
  );
}

function checkBound(name: 'min' | 'max', v: unknown): void {
  if (v == null || v instanceof Tensor || typeof v === 'number') return;
  throw new Error(`clamp: ${name} must be a number, a Tensor, null or undefined, got ${describe(v)}`);
}

/**
 * Limits values to [min, max]; either bound may be omitted (null/undefined) or be a tensor that
 * broadcasts. NaN stays NaN. The gradient is 1 where min <= x <= max (bounds included) and 0 outside;
 * tensor bounds receive the gradient where they are chosen. The dtype is promoted with the bounds
 * (an int32 tensor clamped to 0.5 becomes float32). Scalar min > max is an error here, where
 * PyTorch would silently give max everywhere.
 *
 * ```ts
 * clamp(x, 0, 1); clamp(x, null, 6); clamp(x, lower, upper);
 * ```
 */
export function clamp(x: Tensor, min?: TensorLike | null, max?: TensorLike | null): Tensor {
  checkTensor('clamp', x);
  checkBound('min', min);
  checkBound('max', max);
  if (x.dtype === 'bool') throw new Error('clamp: bool tensors cannot be clamped');
  if (min == null && max == null) throw new Error('clamp: at least one of min and max must be given');
  if (typeof min === 'number' && typeof max === 'number' && min > max) {
    throw new Error(`clamp: min ${min} is greater than max ${max}`);
  }
  // Checked here so that a mismatch names clamp, not the lt/where it is built from.
  [min, max].reduce<readonly number[]>((shape, b) => (b instanceof Tensor ? broadcastShapes('clamp', shape, b.shape) : shape), x.shape);
  // where() rather than maximum(): values equal to a bound keep their full gradient, and NaN passes
  // (NaN < min is false).
  let out: Tensor = x;
  if (min != null) out = where(out.lt(min), min, out);
  if (max != null) out = where(out.gt(max), max, out);
  return out;
}
