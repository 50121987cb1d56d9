/** The reference kernel of relu's gradient (Backend.reluBackward). */
import type { TypedArray } from '../../tensor/dtype.js';
import { allocArray } from '../../tensor/dtype.js';
import type { View } from '../backend.js';
import { viewOffsets } from './strided.js';

/**
 * `g * (out > 0)` in g's dtype, any strides. A product with the mask (not a select), so a negative
 * g where out <= 0 gives -0 and a non-finite g gives NaN, as the op chain does.
 */
export function reluBackward(g: View, out: View): TypedArray {
  let n = 1;
  for (const d of g.shape) n *= d;
  const result = allocArray(g.dtype, n);
  const gd = g.data;
  const od = out.data;
  const go = viewOffsets(g);
  const oo = viewOffsets(out);
  if (go === null && oo === null) {
    const gs = g.offset;
    const os = out.offset;
    for (let i = 0; i < n; i++) result[i] = gd[gs + i]! * (od[os + i]! > 0 ? 1 : 0);
  } else {
    for (let i = 0; i < n; i++) {
      const gv = gd[go === null ? g.offset + i : go[i]!]!;
      const ov = od[oo === null ? out.offset + i : oo[i]!]!;
      result[i] = gv * (ov > 0 ? 1 : 0);
    }
  }
  return result;
}
