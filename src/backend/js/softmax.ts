import type { TypedArray } from '../../tensor/dtype.js';
import type { View } from '../backend.js';

export function softmax(_x: View, _dim: number, _log: boolean): TypedArray {
  throw new Error('softmax: not implemented yet in the js backend');
}
