/**
 * Shared by the native conv and pool kernel tests: the native backend (or why it is missing) and
 * 4-D views holding given values in random strided layouts.
 */
import type { Backend, View } from '../../../src/backend/backend.js';
import type { TypedArray } from '../../../src/tensor/dtype.js';
import { allocArray } from '../../../src/tensor/dtype.js';
import { addonStatus } from '../../../src/backend/native/load.js';
import { createNativeBackend } from '../../../src/backend/native/index.js';

export type Rng = () => number;
export type FloatDType = 'float32' | 'float64';

/** The native backend, or null with the reason the addon did not load (tests skip with it). */
export const native: Backend | null = addonStatus.addon === null ? null : createNativeBackend(addonStatus.addon);
export const skipReason: string | false = native === null ? `the native addon is not loaded: ${addonStatus.error}` : false;

export const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));

export const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Uniform values in [-1, 1). */
export function randomValues(n: number, rng: Rng): Float64Array {
  return Float64Array.from({ length: n }, () => rng() * 2 - 1);
}

export type Layout = 'contiguous' | 'random' | 'transposed-plane';

/**
 * A 4-D view of `values` (row-major for `shape`). 'random': dims stored in a random order with gaps,
 * some flipped (negative strides), an offset, and sometimes a size > 1 dim broadcast with stride 0
 * (its values are made equal along it first, in place). 'transposed-plane': H and W swapped in
 * memory, so the (h, w) plane does not flatten. Gaps hold NaN, which would poison a wrong read.
 */
export function view(values: Float64Array, shape: readonly number[], dtype: FloatDType, rng: Rng, layout: Layout = 'random'): View {
  const order = layout === 'contiguous' ? [0, 1, 2, 3] : layout === 'transposed-plane' ? [0, 1, 3, 2] : [0, 1, 2, 3].sort(() => rng() - 0.5);
  const strides = [0, 0, 0, 0];
  let running = 1;
  for (const d of [...order].reverse()) {
    strides[d] = running;
    running *= shape[d]! + (layout === 'random' ? int(rng, 0, 1) : 0);
  }
  const broadcast = layout === 'random' && rng() < 0.2 ? int(rng, 0, 3) : -1;
  if (broadcast >= 0 && shape[broadcast]! > 1) {
    // Make the values equal along the broadcast dim, then read them all from index 0.
    const inner = numel(shape.slice(broadcast + 1));
    const outer = numel(shape.slice(0, broadcast));
    for (let a = 0; a < outer; a++)
      for (let k = 1; k < shape[broadcast]!; k++)
        for (let b = 0; b < inner; b++) values[(a * shape[broadcast]! + k) * inner + b] = values[a * shape[broadcast]! * inner + b]!;
    strides[broadcast] = 0;
  }
  let offset = layout === 'contiguous' ? 0 : int(rng, 0, 3);
  const signed = strides.map((s, d) => {
    if (layout !== 'random' || shape[d]! < 2 || rng() >= 0.3) return s;
    offset += (shape[d]! - 1) * s;
    return -s;
  });
  const data = allocArray(dtype, Math.max(running, 1) + offset + 4).fill(NaN) as Float32Array | Float64Array;
  const [A, B, C, D] = shape as [number, number, number, number];
  let k = 0;
  for (let a = 0; a < A; a++)
    for (let b = 0; b < B; b++)
      for (let c = 0; c < C; c++)
        for (let d = 0; d < D; d++) data[offset + a * signed[0]! + b * signed[1]! + c * signed[2]! + d * signed[3]!] = values[k++]!;
  return { data, dtype, shape: [...shape], strides: signed, offset };
}

/** A contiguous float64 view of |v| (for error bounds: the reference kernel applied to absolute values). */
export function absView(v: View): View {
  return view(valuesOf(v).map(Math.abs), v.shape, 'float64', () => 0, 'contiguous');
}

/** The values a view holds, in row-major order, as float64 (what the reference sees). */
export function valuesOf(v: View): Float64Array {
  const out = new Float64Array(numel(v.shape));
  const [A, B, C, D] = v.shape as [number, number, number, number];
  let k = 0;
  for (let a = 0; a < A; a++)
    for (let b = 0; b < B; b++)
      for (let c = 0; c < C; c++)
        for (let d = 0; d < D; d++) out[k++] = v.data[v.offset + a * v.strides[0]! + b * v.strides[1]! + c * v.strides[2]! + d * v.strides[3]!]!;
  return out;
}

/** Same values, NaN equal to NaN, +0 equal to -0: the exactness the pooling kernels promise. */
export function assertSame(actual: TypedArray, expected: TypedArray, what: string): void {
  if (actual.length !== expected.length) throw new Error(`${what}: length ${actual.length} != ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (a === e || (Number.isNaN(a) && Number.isNaN(e))) continue;
    throw new Error(`${what}: element ${i}: got ${a}, expected ${e}`);
  }
}
