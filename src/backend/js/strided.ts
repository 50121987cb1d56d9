/** Walking strided views in row-major order: the one loop shape every reference kernel shares. */
import type { View } from '../backend.js';

/** Whether the view's elements are laid out row-major and gap-free from its offset. */
export function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i]!;
    if (d !== 1 && strides[i] !== expected) return false;
    expected *= d;
  }
  return true;
}

/**
 * The storage offset of every element in row-major order, or null when the view is contiguous (then
 * element i is at `offset + i`).
 */
export function elementOffsets(shape: readonly number[], strides: readonly number[], offset: number): Int32Array | null {
  if (isContiguous(shape, strides)) return null;
  return allOffsets(shape, strides, offset);
}

export function allOffsets(shape: readonly number[], strides: readonly number[], offset: number): Int32Array {
  let n = 1;
  for (const d of shape) n *= d;
  const out = new Int32Array(n);
  if (n === 0) return out;
  const nd = shape.length;
  if (nd === 0) {
    out[0] = offset;
    return out;
  }
  const idx = new Array<number>(nd).fill(0);
  const last = nd - 1;
  const lastSize = shape[last]!;
  const lastStride = strides[last]!;
  let base = offset;
  let i = 0;
  while (i < n) {
    for (let j = 0; j < lastSize; j++) out[i++] = base + j * lastStride;
    // advance the outer counters like an odometer
    let d = last - 1;
    while (d >= 0) {
      idx[d]!++;
      base += strides[d]!;
      if (idx[d]! < shape[d]!) break;
      base -= idx[d]! * strides[d]!;
      idx[d] = 0;
      d--;
    }
    if (d < 0) break;
  }
  return out;
}

export function viewOffsets(v: View): Int32Array | null {
  return elementOffsets(v.shape, v.strides, v.offset);
}

/**
 * Offsets of a view with `dims` moved to the end (in the given order): consecutive runs of
 * `inner` elements then belong to one output position. Returns the runs' count and length.
 */
export function offsetsWithDimsLast(v: View, dims: readonly number[]): { offsets: Int32Array; outer: number; inner: number } {
  const rest: number[] = [];
  for (let d = 0; d < v.shape.length; d++) if (!dims.includes(d)) rest.push(d);
  const perm = [...rest, ...dims];
  const shape = perm.map((d) => v.shape[d]!);
  const strides = perm.map((d) => v.strides[d]!);
  let inner = 1;
  for (const d of dims) inner *= v.shape[d]!;
  let outer = 1;
  for (const d of rest) outer *= v.shape[d]!;
  return { offsets: allOffsets(shape, strides, v.offset), outer, inner };
}

/** Offsets into a contiguous array of `shape` when `dim` is moved last: where to write results. */
export function contiguousOffsetsWithDimLast(shape: readonly number[], dim: number): Int32Array {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return offsetsWithDimsLast({ data: EMPTY, dtype: 'float32', shape, strides, offset: 0 }, [dim]).offsets;
}

const EMPTY = new Float32Array(0);
