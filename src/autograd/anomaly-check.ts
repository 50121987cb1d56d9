import type { Tensor } from '../tensor/tensor.js';
import { backend } from '../backend/registry.js';

/** Thrown by `detectAnomaly` when an op's forward or backward produces NaN or Inf. */
export class AnomalyError extends Error {
  override name = 'AnomalyError';
}

export const NAN = 1;
export const INF = 2;

/** Which non-finite values the tensor holds: a bit set of NAN and INF. Uses kernels only (no ops). */
export function nonFiniteKinds(t: Tensor): number {
  // A kernel copy, not t.contiguous(): that op would run the anomaly check again, recursively.
  const contiguous = t.isContiguous();
  const data = contiguous ? t.data : backend().copy(t, t.dtype);
  const start = contiguous ? t.offset : 0;
  const end = start + t.numel;
  let kinds = 0;
  for (let i = start; i < end; i++) {
    const v = data[i]!;
    if (v - v !== 0) kinds |= v !== v ? NAN : INF;
  }
  return kinds;
}

export function hasNonFinite(t: Tensor): boolean {
  return nonFiniteKinds(t) !== 0;
}
