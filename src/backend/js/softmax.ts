/** Reference softmax and log-softmax along one dim, computed stably (each row's max subtracted). */
import type { TypedArray } from '../../tensor/dtype.js';
import { allocArray } from '../../tensor/dtype.js';
import type { View } from '../backend.js';
import { contiguousOffsetsWithDimLast, offsetsWithDimsLast } from './strided.js';

/**
 * A row whose max is -Infinity (every entry -Infinity) gives NaN, as PyTorch's does: there is no
 * distribution to return. Rows with only some -Infinity entries give exact zeros there (-Infinity
 * for log-softmax), which is what attention masks rely on.
 */
export function softmax(x: View, dim: number, log: boolean): TypedArray {
  const { offsets, outer, inner } = offsetsWithDimsLast(x, [dim]);
  const out = allocArray(x.dtype, outer * inner);
  const dst = contiguousOffsetsWithDimLast(x.shape, dim);
  const src = x.data;
  const e = new Float64Array(inner);
  let k = 0;
  for (let o = 0; o < outer; o++, k += inner) {
    let max = -Infinity;
    for (let j = 0; j < inner; j++) {
      const v = src[offsets[k + j]!]!;
      // NaN wins the max, so the whole row becomes NaN as in PyTorch.
      if (v > max || Number.isNaN(v)) max = v;
      if (Number.isNaN(v)) break;
    }
    let sum = 0;
    for (let j = 0; j < inner; j++) {
      const ej = Math.exp(src[offsets[k + j]!]! - max);
      e[j] = ej;
      sum += ej;
    }
    if (log) {
      const logSum = Math.log(sum);
      for (let j = 0; j < inner; j++) out[dst[k + j]!] = src[offsets[k + j]!]! - max - logSum;
    } else {
      for (let j = 0; j < inner; j++) out[dst[k + j]!] = e[j]! / sum;
    }
  }
  return out;
}
