import type { TypedArray } from '../../tensor/dtype.js';
import type { View } from '../backend.js';

export function sort(_x: View, _dim: number, _descending: boolean): { values: TypedArray; indices: Int32Array } {
  throw new Error('sort: not implemented yet in the js backend');
}
