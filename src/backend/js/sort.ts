/** Reference stable sort along one dim: each run of elements along `dim` is sorted on its own. */
import type { TypedArray } from '../../tensor/dtype.js';
import { allocArray } from '../../tensor/dtype.js';
import type { View } from '../backend.js';
import { contiguousOffsetsWithDimLast, offsetsWithDimsLast } from './strided.js';

/** Ascending order with NaN after everything (PyTorch's order); 0 and -0 tie. */
function ascending(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  const na = Number.isNaN(a);
  const nb = Number.isNaN(b);
  return na === nb ? 0 : na ? 1 : -1;
}

export function sort(x: View, dim: number, descending: boolean): { values: TypedArray; indices: Int32Array } {
  let n = 1;
  for (const d of x.shape) n *= d;
  const values = allocArray(x.dtype, n);
  const indices = new Int32Array(n);
  if (n === 0) return { values, indices };
  if (x.shape.length === 0) {
    values[0] = x.data[x.offset]!;
    return { values, indices };
  }
  const { offsets, outer, inner } = offsetsWithDimsLast(x, [dim]);
  const dst = contiguousOffsetsWithDimLast(x.shape, dim);
  const src = x.data;
  const run = new Float64Array(inner);
  const order = new Array<number>(inner);
  // Array.prototype.sort is stable, so equal keys keep their original order in both directions.
  const cmp = descending ? (i: number, j: number) => ascending(run[j]!, run[i]!) : (i: number, j: number) => ascending(run[i]!, run[j]!);
  let k = 0;
  for (let o = 0; o < outer; o++) {
    const start = k;
    for (let j = 0; j < inner; j++) {
      run[j] = src[offsets[k++]!]!;
      order[j] = j;
    }
    order.sort(cmp);
    for (let j = 0; j < inner; j++) {
      const at = dst[start + j]!;
      values[at] = run[order[j]!]!;
      indices[at] = order[j]!;
    }
  }
  return { values, indices };
}
