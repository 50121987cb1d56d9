/** Helpers shared by the op files: wrapping kernel output, scalars, and un-broadcasting gradients. */
import { Tensor } from '../tensor/tensor.js';
import { Storage } from '../tensor/storage.js';
import type { DType, TypedArray } from '../tensor/dtype.js';
import { allocArray, castValue, isFloating } from '../tensor/dtype.js';
import { contiguousStrides, formatShape, shapesEqual } from '../tensor/shape.js';
import type { View } from '../backend/backend.js';

/** A JS number or boolean, accepted wherever a tensor operand is. */
export type Scalar = number | boolean;
export type TensorLike = Tensor | Scalar;

/** A new contiguous tensor over a kernel's output array. */
export function fromData(data: TypedArray, shape: readonly number[], dtype: DType): Tensor {
  return new Tensor(new Storage(data, dtype), shape, contiguousStrides(shape), 0);
}

/** A 0-d tensor holding `value` as `dtype`. */
export function scalarTensor(value: Scalar, dtype: DType): Tensor {
  const data = allocArray(dtype, 1);
  data[0] = typeof value === 'boolean' ? (value ? 1 : 0) : castValue(value, dtype);
  return fromData(data, [], dtype);
}

/** A plain view object for a kernel: the tensor's layout, reshaped by broadcasting to `shape`. */
export function broadcastView(t: Tensor, shape: readonly number[]): View {
  if (shapesEqual(t.shape, shape)) return t;
  const n = shape.length;
  const strides = new Array<number>(n);
  const lead = n - t.shape.length;
  for (let i = 0; i < n; i++) {
    strides[i] = i < lead || t.shape[i - lead] === 1 ? 0 : t.strides[i - lead]!;
  }
  return { data: t.data, dtype: t.dtype, shape, strides, offset: t.offset };
}

/** Sums a broadcast gradient back down to `shape` (the backward of broadcasting). */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  }
  let r = dims.length > 0 ? g.sum(dims, true) : g;
  if (lead > 0) r = r.reshape(shape);
  return r;
}

export function checkFloating(op: string, t: Tensor, what = 'input'): void {
  if (!isFloating(t.dtype)) throw new Error(`${op}: ${what} must be a floating-point tensor, got ${t.dtype} of shape ${formatShape(t.shape)}`);
}

export function checkTensor(op: string, x: unknown, what = 'input'): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new Error(`${op}: ${what} must be a Tensor, got ${describe(x)}`);
}

export function describe(x: unknown): string {
  if (x instanceof Tensor) return `a ${x.dtype} tensor of shape ${formatShape(x.shape)}`;
  if (Array.isArray(x)) return 'an array';
  return x === null ? 'null' : typeof x;
}
