import type { TypedArray } from '../../tensor/dtype.js';
import type { View } from '../backend.js';

export function gather(_x: View, _dim: number, _index: View): TypedArray {
  throw new Error('gather: not implemented yet in the js backend');
}
export function scatter(_base: View, _dim: number, _index: View, _src: View, _accumulate: boolean): TypedArray {
  throw new Error('scatter: not implemented yet in the js backend');
}
