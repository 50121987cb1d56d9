/** Reference batched matrix product on strided views (batch strides may be 0 for broadcasting). */
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { allocArray } from '../../tensor/dtype.js';
import type { View } from '../backend.js';

export function matmul(a: View, b: View, outDtype: DType): TypedArray {
  const [batch, m, k] = a.shape as [number, number, number];
  const n = b.shape[2]!;
  const [sab, sam, sak] = a.strides as [number, number, number];
  const [sbb, sbk, sbn] = b.strides as [number, number, number];
  const out = allocArray(outDtype, batch * m * n);
  const acc = new Float64Array(n);
  const da = a.data;
  const db = b.data;
  for (let p = 0; p < batch; p++) {
    const baseA = a.offset + p * sab;
    const baseB = b.offset + p * sbb;
    for (let i = 0; i < m; i++) {
      acc.fill(0);
      for (let q = 0; q < k; q++) {
        const aiq = da[baseA + i * sam + q * sak]!;
        const rowB = baseB + q * sbk;
        for (let j = 0; j < n; j++) acc[j] += aiq * db[rowB + j * sbn]!;
      }
      const row = (p * m + i) * n;
      for (let j = 0; j < n; j++) out[row + j] = acc[j]!;
    }
  }
  return out;
}
