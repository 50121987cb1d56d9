/**
 * The metadata buffer shared with the addon (registered once with `init`): before each call the
 * wrapper writes the views' shapes, strides and offsets and any scalars here, so that a call passes
 * only typed arrays as arguments. Layout of one view (native/src/common.h reads it):
 *   ndim, shape[0..ndim), strides[0..ndim), offset
 */
import type { DType } from '../../tensor/dtype.js';
import type { View } from '../backend.js';

/**
 * Room for several views of up to 16 dims plus scalars; wrappers fall back to js beyond MAX_DIMS.
 * One buffer per thread, shared by every copy of this module in it (two builds of the library in
 * one process load the addon once, and the addon reads the buffer registered last).
 */
const SHARED = Symbol.for('tessera.native.meta');
export const META: Float64Array = ((globalThis as Record<symbol, Float64Array | undefined>)[SHARED] ??= new Float64Array(4096));
export const MAX_DIMS = 16;

/** The addon's dtype codes (native/src/common.h DType). */
export const DTYPE_CODE: { readonly [K in DType]: number } = { float32: 0, float64: 1, int32: 2, bool: 3 };

/** Writes `v`'s layout at `pos`; returns the next free position. */
export function writeView(pos: number, v: View): number {
  const nd = v.shape.length;
  META[pos++] = nd;
  for (let i = 0; i < nd; i++) META[pos++] = v.shape[i]!;
  for (let i = 0; i < nd; i++) META[pos++] = v.strides[i]!;
  META[pos++] = v.offset;
  return pos;
}

/** Writes a plain list of numbers (dims, scalars) at `pos`; returns the next free position. */
export function writeNumbers(pos: number, values: readonly number[]): number {
  for (const x of values) META[pos++] = x;
  return pos;
}
