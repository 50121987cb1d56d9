/**
 * Softmax's gradient, y * (g - sum(g * y)) along the softmax dim, as one pass over the data instead
 * of four ops (mul, sum, mul, sub) and their three full-size temporaries: attention runs it on
 * [batch, heads, L, S] per layer per step. The sum accumulates in float64 and each result rounds
 * once, so float32 values are as close as the chain's or closer; each is y g - y s as in the chain, so
 * a masked entry (y = 0) gets the chain's zero, sign included. Differentiable, with gradients
 * written with ops, so double backward through softmax keeps working.
 */
import type { Tensor } from '../../tensor/tensor.js';
import { shapesEqual } from '../../tensor/shape.js';
import type { TypedArray } from '../../tensor/dtype.js';
import { backend } from '../../backend/registry.js';
import { record } from '../../autograd/record.js';
import { fromData } from '../util.js';

/**
 * `y * (g - sum(g * y, dim))`: the gradient of softmax at the input whose softmax along `dim`
 * (normalized, 0 <= dim < ndim, or 0 for a 0-d tensor) is `y`, given the output's gradient `g`.
 * Internal (ops/nn/softmax.ts's rule): g and y are float32 or float64 of one dtype and shape.
 *
 * ```ts
 * softmaxGrad(tensor([1, 0]), tensor([0.5, 0.5]), 0); // [0.25, -0.25]
 * ```
 */
export function softmaxGrad(g: Tensor, y: Tensor, dim: number): Tensor {
  const dtype = y.dtype;
  if ((dtype !== 'float32' && dtype !== 'float64') || g.dtype !== dtype || !shapesEqual(g.shape, y.shape)) {
    throw new Error(`softmaxGrad: g and y must be float32 or float64 tensors of one dtype and shape, got ${g.dtype} ${JSON.stringify(g.shape)} and ${y.dtype} ${JSON.stringify(y.shape)}`);
  }
  const shape = y.shape;
  const size = shape.length === 0 ? 1 : shape[dim]!;
  let inner = 1;
  for (let i = dim + 1; i < shape.length; i++) inner *= shape[i]!;
  const n = y.numel;
  const outer = size * inner === 0 ? 0 : n / (size * inner);
  const gc = g.isContiguous() ? g : g.contiguous();
  const yc = y.isContiguous() ? y : y.contiguous();
  // The backend's allocator: the native one recycles the buffer when the tensor is disposed.
  const result = backend().alloc(dtype, n);
  if (inner === 1) rows(result, gc.data, gc.offset, yc.data, yc.offset, outer, size);
  else strided(result, gc.data, gc.offset, yc.data, yc.offset, outer, size, inner);
  const grad = fromData(result, shape, dtype);
  // d/dg is this op on the incoming gradient; d/dy = gg * (g - sum(g y)) - g * sum(gg y).
  const d = shape.length === 0 ? null : dim;
  const sumAlong = (t: Tensor): Tensor => (d === null ? t : t.sum(d, true));
  return record(
    'softmaxBackward',
    grad,
    [g, y],
    (gg, needs) => [
      needs[0] ? softmaxGrad(gg, y, dim) : null,
      needs[1] ? gg.mul(g.sub(sumAlong(g.mul(y)))).sub(g.mul(sumAlong(gg.mul(y)))) : null,
    ],
    [g, y],
  );
}

/** The softmax dim is the last one: contiguous rows of `size`. */
function rows(r: TypedArray, g: TypedArray, go: number, y: TypedArray, yo: number, count: number, size: number): void {
  for (let row = 0, base = 0; row < count; row++, base += size) {
    let s = 0;
    for (let j = 0; j < size; j++) s += g[go + base + j]! * y[yo + base + j]!;
    for (let j = 0; j < size; j++) {
      const k = base + j;
      const yk = y[yo + k]!;
      r[k] = yk * g[go + k]! - yk * s;
    }
  }
}

/** Any other dim: `size` elements `inner` apart, for each of outer * inner lines. */
function strided(r: TypedArray, g: TypedArray, go: number, y: TypedArray, yo: number, outer: number, size: number, inner: number): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let s = 0;
      for (let j = 0, k = base; j < size; j++, k += inner) s += g[go + k]! * y[yo + k]!;
      for (let j = 0, k = base; j < size; j++, k += inner) {
        const yk = y[yo + k]!;
        r[k] = yk * g[go + k]! - yk * s;
      }
    }
  }
}
