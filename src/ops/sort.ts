/**
 * Sorting along a dim: sort, argsort, topk, kthvalue, msort. The sort is stable and puts NaN after
 * every number, as PyTorch's does. Values are differentiable: under autograd they are gathered from
 * the input by the sorted indices, so the gradient scatters back to where each value came from.
 */
import { Tensor } from '../tensor/tensor.js';
import { formatShape, normalizeDim } from '../tensor/shape.js';
import { backend } from '../backend/registry.js';
import { isRecording, nonDifferentiable } from '../autograd/record.js';
import { describe, fromData } from './util.js';
import { gather } from './indexing.js';
// The same { values, indices } pair that max(x, dim) and min(x, dim) return.
import type { ValuesIndices } from './reduce.js';


function checkInput(op: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new Error(`${op}: input must be a Tensor, got ${describe(x)}`);
}

/** Runs the kernel; values come from gather when a gradient is wanted. */
function sortImpl(op: string, x: Tensor, d: number, descending: boolean): ValuesIndices {
  const { values, indices } = backend().sort(x, d, descending);
  const idx = nonDifferentiable(op, fromData(indices, x.shape, 'int32'));
  const vals = isRecording(x) ? gather(x, d, idx) : fromData(values, x.shape, x.dtype);
  return { values: vals, indices: idx };
}

/**
 * The values along `dim` in ascending (or descending) order, with their original indices. Stable:
 * equal values keep their order. NaN sorts as the largest value.
 *
 * ```ts
 * const { values, indices } = sort(tensor([3, 1, 2])); // values [1, 2, 3], indices [1, 2, 0]
 * ```
 */
export function sort(x: Tensor, dim = -1, descending = false): ValuesIndices {
  checkInput('sort', x);
  return sortImpl('sort', x, normalizeDim('sort', dim, x.ndim), descending);
}

/** The indices that sort x along `dim` (stable). */
export function argsort(x: Tensor, dim = -1, descending = false): Tensor {
  checkInput('argsort', x);
  return sortImpl('argsort', x, normalizeDim('argsort', dim, x.ndim), descending).indices;
}

/** x sorted along its first dim (values only). */
export function msort(x: Tensor): Tensor {
  checkInput('msort', x);
  return sortImpl('msort', x, 0, false).values;
}

function checkK(op: string, x: Tensor, k: number, d: number, low: number): void {
  const size = x.ndim === 0 ? 1 : x.shape[d]!;
  if (!Number.isInteger(k) || k < low || k > size) {
    throw new Error(`${op}: k ${k} is out of range for dim ${d} with size ${size} (input ${formatShape(x.shape)})`);
  }
}

/**
 * The k largest (or smallest, with `largest = false`) values along `dim`, in sorted order, with
 * their indices. Ties keep their original order. `sorted = false` is accepted; the result is
 * sorted anyway.
 *
 * ```ts
 * topk(tensor([1, 5, 3, 4]), 2); // values [5, 4], indices [1, 3]
 * ```
 */
export function topk(x: Tensor, k: number, dim = -1, largest = true, sorted = true): ValuesIndices {
  checkInput('topk', x);
  const d = normalizeDim('topk', dim, x.ndim);
  checkK('topk', x, k, d, 0);
  void sorted;
  const all = sortImpl('topk', x, d, largest);
  if (x.ndim === 0) return all;
  const indices = all.indices.narrow(d, 0, k);
  const values = isRecording(x) ? gather(x, d, indices) : all.values.narrow(d, 0, k);
  return { values, indices };
}

/**
 * The k-th smallest value (k counts from 1) along `dim`, and its index; `dim` is removed unless
 * `keepdim`.
 *
 * ```ts
 * kthvalue(tensor([4, 1, 3]), 2); // values 3, indices 2
 * ```
 */
export function kthvalue(x: Tensor, k: number, dim = -1, keepdim = false): ValuesIndices {
  checkInput('kthvalue', x);
  const d = normalizeDim('kthvalue', dim, x.ndim);
  checkK('kthvalue', x, k, d, 1);
  const all = sortImpl('kthvalue', x, d, false);
  if (x.ndim === 0) return all;
  let indices = all.indices.narrow(d, k - 1, 1);
  let values = isRecording(x) ? gather(x, d, indices) : all.values.narrow(d, k - 1, 1);
  if (!keepdim) {
    indices = indices.squeeze(d);
    values = values.squeeze(d);
  }
  return { values, indices };
}
