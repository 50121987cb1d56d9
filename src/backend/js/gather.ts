/**
 * Reference gather and scatter along one dim. Both walk the index tensor in row-major order; for each
 * index position p, the element it addresses in `x` (or in the output) is p with coordinate `dim`
 * replaced by the index value. Index values are trusted (the ops validate them). The index may be
 * smaller than x (and than src) in any dim but `dim`; a 0-d tensor counts as shape [1]. Scatter
 * writes in row-major order of the index, so where positions repeat without `accumulate`, the last
 * write wins.
 */
import type { TypedArray } from '../../tensor/dtype.js';
import { allocArray } from '../../tensor/dtype.js';
import type { View } from '../backend.js';
import { allOffsets, viewOffsets } from './strided.js';
import { contiguousStrides } from '../../tensor/shape.js';

/**
 * Storage offsets in a view of strides `strides` (from `offset`) of every position of `shape`, with
 * the stride of `dim` (unless null) taken as 0: where an element sits before its index value moves
 * it along `dim`. A 0-d `shape` stands for one position.
 */
function baseOffsets(shape: readonly number[], strides: readonly number[], offset: number, dim: number | null): Int32Array {
  if (shape.length === 0) return Int32Array.of(offset);
  const s = strides.slice();
  if (dim !== null) s[dim] = 0;
  return allOffsets(shape, s, offset);
}

/** The stride of `dim` in a view (a 0-d view is treated as shape [1]). */
function dimStride(strides: readonly number[], dim: number): number {
  return strides.length === 0 ? 0 : strides[dim]!;
}

export function gather(x: View, dim: number, index: View): TypedArray {
  const n = numelOf(index.shape);
  const out = allocArray(x.dtype, n);
  if (n === 0) return out;
  // x's strides applied to the index's shape: index.size(d) <= x.size(d) for d != dim, so every
  // position other than dim is a valid position of x.
  const base = baseOffsets(index.shape, x.strides.length === 0 ? [0] : x.strides, x.offset, dim);
  const step = dimStride(x.strides, dim);
  const idx = index.data;
  const io = viewOffsets(index);
  const src = x.data;
  for (let i = 0; i < n; i++) {
    const k = idx[io === null ? index.offset + i : io[i]!]!;
    out[i] = src[base[i]! + k * step]!;
  }
  return out;
}

export function scatter(base: View, dim: number, index: View, src: View, accumulate: boolean): TypedArray {
  const out = allocArray(base.dtype, numelOf(base.shape));
  const bo = viewOffsets(base);
  const bd = base.data;
  if (bo === null) {
    for (let i = 0; i < out.length; i++) out[i] = bd[base.offset + i]!;
  } else {
    for (let i = 0; i < out.length; i++) out[i] = bd[bo[i]!]!;
  }
  const n = numelOf(index.shape);
  if (n === 0) return out;
  const outStrides = base.shape.length === 0 ? [1] : contiguousStrides(base.shape);
  const dst = baseOffsets(index.shape, outStrides, 0, dim);
  const step = outStrides[dim]!;
  // src has at least the index's size in every dim; its own strides locate the values.
  const so = baseOffsets(index.shape, src.strides.length === 0 ? [0] : src.strides, src.offset, null);
  const io = viewOffsets(index);
  const idx = index.data;
  const sd = src.data;
  const isBool = base.dtype === 'bool';
  for (let i = 0; i < n; i++) {
    const k = idx[io === null ? index.offset + i : io[i]!]!;
    const at = dst[i]! + k * step;
    const v = sd[so[i]!]!;
    if (!accumulate) out[at] = v;
    else if (isBool) out[at] = out[at]! !== 0 || v !== 0 ? 1 : 0;
    else out[at] = out[at]! + v;
  }
  return out;
}

function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
