import type { Tensor } from '../tensor/tensor.js';

/** Thrown by `detectAnomaly` when an op's forward or backward produces NaN or Inf. */
export class AnomalyError extends Error {
  override name = 'AnomalyError';
}

export function hasNonFinite(t: Tensor): boolean {
  const c = t.contiguous();
  const data = c.storage.data;
  const end = c.offset + c.numel;
  for (let i = c.offset; i < end; i++) if (!Number.isFinite(data[i]!)) return true;
  return false;
}
