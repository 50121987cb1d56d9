/**
 * Building blocks the nn op files share: option parsing (ints or tuples of ints), batching of
 * unbatched inputs, and two internal differentiable index ops (take along a dim, scatter-add along a
 * dim) that pooling, embedding and interpolation use. Internal: not re-exported from ops/index.ts.
 */
import { Tensor } from '../../tensor/tensor.js';
import { formatShape, numelOf } from '../../tensor/shape.js';
import { backend } from '../../backend/registry.js';
import { record } from '../../autograd/record.js';
import { checkFloating, checkTensor, describe, fromData } from '../util.js';

/** An integer option given once for every spatial dim, or per dim (`stride: 2` or `stride: [2, 1]`). */
export type IntOrTuple = number | readonly number[];

/**
 * `n` integers from a scalar or a length-n tuple, each at least `min`.
 * `ints('conv2d', 'stride', 2, 2, 1)` is [2, 2].
 */
export function ints(op: string, name: string, value: unknown, n: number, min: number): number[] {
  const list = typeof value === 'number' ? new Array<number>(n).fill(value) : Array.isArray(value) ? (value as unknown[]) : null;
  const ok = list !== null && list.length === n && list.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= min);
  if (!ok) {
    const what = min === 0 ? 'a non-negative integer' : min === 1 ? 'a positive integer' : `an integer >= ${min}`;
    throw new Error(`${op}: ${name} must be ${what} or a list of ${n} of them, got ${show(value)}`);
  }
  return (list as number[]).slice();
}

export function show(value: unknown): string {
  if (value instanceof Tensor) return describe(value);
  if (typeof value === 'string') return `'${value}'`;
  return value === undefined ? 'undefined' : JSON.stringify(value);
}

/**
 * Throws unless `x` is a floating tensor of `spatial + 1` (unbatched) or `spatial + 2` (batched) dims
 * whose channel and spatial dims are non-empty.
 */
export function checkSpatialInput(op: string, x: unknown, spatial: number): asserts x is Tensor {
  checkTensor(op, x);
  if (x.ndim !== spatial + 1 && x.ndim !== spatial + 2) {
    const layout = spatial === 1 ? '[N, C, L]' : spatial === 2 ? '[N, C, H, W]' : '[N, C, ...]';
    throw new Error(
      `${op}: expected a ${spatial + 1}-D (unbatched) or ${spatial + 2}-D (batched ${layout}) input, got shape ${formatShape(x.shape)}`,
    );
  }
  checkFloating(op, x);
  if (x.shape.slice(x.ndim - spatial - 1).some((s) => s === 0)) {
    throw new Error(`${op}: input ${formatShape(x.shape)} has an empty channel or spatial dim (only the batch dim may be 0)`);
  }
}

/** Runs `fn` on a batched input: an unbatched one gets a batch dim of 1, removed again from the result. */
export function batched(x: Tensor, spatial: number, fn: (x: Tensor) => Tensor): Tensor {
  if (x.ndim === spatial + 2) return fn(x);
  return fn(x.unsqueeze(0)).squeeze(0);
}

/**
 * out = x gathered along `dim` at `index` (int32, values trusted, shape of the output; may be an
 * expanded view). Differentiable in x: the backward scatter-adds into zeros of x's shape.
 */
export function takeAlong(x: Tensor, dim: number, index: Tensor): Tensor {
  const out = fromData(backend().gather(x, dim, index), index.shape, x.dtype);
  const inShape = x.shape;
  return record('takeAlong', out, [x], (g) => [scatterAddAlong(g, dim, index, inShape)], [index]);
}

/** Zeros of `shape` with `src` (shaped like `index`) added at `index` along `dim`. Differentiable in src. */
export function scatterAddAlong(src: Tensor, dim: number, index: Tensor, shape: readonly number[]): Tensor {
  const zeros = fromData(backend().alloc(src.dtype, numelOf(shape)), shape, src.dtype);
  const out = fromData(backend().scatter(zeros, dim, index, src, true), shape, src.dtype);
  return record('scatterAddAlong', out, [src], (g) => [takeAlong(g, dim, index)], [index]);
}

/** An int32 tensor over `values`. */
export function intTensor(values: readonly number[], shape: readonly number[] = [values.length]): Tensor {
  return fromData(Int32Array.from(values), shape, 'int32');
}
