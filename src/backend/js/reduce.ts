/** Reference reductions and scans: move the reduced dims last, then fold each run of elements. */
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { allocArray, isFloating } from '../../tensor/dtype.js';
import type { ReduceOp, View } from '../backend.js';
import { contiguousOffsetsWithDimLast, offsetsWithDimsLast } from './strided.js';

type Fold = { init: number; step: (acc: number, x: number) => number };

const FOLDS: { [K in ReduceOp]: Fold } = {
  sum: { init: 0, step: (a, x) => a + x },
  prod: { init: 1, step: (a, x) => a * x },
  // NaN propagates through max and min, as in PyTorch.
  max: { init: -Infinity, step: (a, x) => (x > a || Number.isNaN(x) || Number.isNaN(a) ? (Number.isNaN(a) ? a : x) : a) },
  min: { init: Infinity, step: (a, x) => (x < a || Number.isNaN(x) || Number.isNaN(a) ? (Number.isNaN(a) ? a : x) : a) },
  all: { init: 1, step: (a, x) => (a !== 0 && x !== 0 ? 1 : 0) },
  any: { init: 0, step: (a, x) => (a !== 0 || x !== 0 ? 1 : 0) },
};

export function reduce(op: ReduceOp, x: View, dims: readonly number[], outDtype: DType): TypedArray {
  const { offsets, outer, inner } = offsetsWithDimsLast(x, dims);
  const out = allocArray(outDtype, outer);
  const src = x.data;
  if (op === 'sum' && isFloating(outDtype)) {
    compensatedSums(src, offsets, outer, inner, out);
    return out;
  }
  const { init, step } = FOLDS[op];
  let k = 0;
  for (let o = 0; o < outer; o++) {
    let acc = init;
    for (let j = 0; j < inner; j++) acc = step(acc, src[offsets[k++]!]!);
    out[o] = acc;
  }
  return out;
}

/**
 * Neumaier's compensated summation: the rounding error of each addition is carried separately and
 * added back at the end, so a float64 sum is accurate to about one rounding whatever the length and
 * order (the oracle should be no less accurate than a native pairwise sum).
 */
function compensatedSums(src: TypedArray, offsets: Int32Array, outer: number, inner: number, out: TypedArray): void {
  let k = 0;
  for (let o = 0; o < outer; o++) {
    let s = 0;
    let c = 0;
    for (let j = 0; j < inner; j++) {
      const v = src[offsets[k++]!]!;
      const t = s + v;
      c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
      s = t;
    }
    // Once the sum is infinite or NaN the correction term is meaningless (inf - inf).
    out[o] = Number.isFinite(s) ? s + c : s;
  }
}

export function argReduce(op: 'argmax' | 'argmin', x: View, dim: number): Int32Array {
  const { offsets, outer, inner } = offsetsWithDimsLast(x, [dim]);
  const out = new Int32Array(outer);
  const src = x.data;
  const better = op === 'argmax' ? (v: number, best: number) => v > best : (v: number, best: number) => v < best;
  let k = 0;
  for (let o = 0; o < outer; o++) {
    let best = src[offsets[k]!]!;
    let bestIndex = 0;
    for (let j = 0; j < inner; j++, k++) {
      const v = src[offsets[k]!]!;
      if (Number.isNaN(best)) continue;
      if (Number.isNaN(v) || better(v, best)) {
        best = v;
        bestIndex = j;
      }
    }
    out[o] = bestIndex;
  }
  return out;
}

export function scan(op: 'cumsum' | 'cumprod', x: View, dim: number, outDtype: DType): TypedArray {
  const { offsets, outer, inner } = offsetsWithDimsLast(x, [dim]);
  const out = allocArray(outDtype, outer * inner);
  const dst = contiguousOffsetsWithDimLast(x.shape, dim);
  const src = x.data;
  const isSum = op === 'cumsum';
  let k = 0;
  for (let o = 0; o < outer; o++) {
    let acc = isSum ? 0 : 1;
    for (let j = 0; j < inner; j++, k++) {
      const v = src[offsets[k]!]!;
      acc = isSum ? acc + v : acc * v;
      out[dst[k]!] = acc;
    }
  }
  return out;
}
