import type { TypedArray } from '../../tensor/dtype.js';
import type { Pool2dParams, View } from '../backend.js';

export function maxPool2d(_x: View, _p: Pool2dParams): { values: TypedArray; indices: Int32Array } {
  throw new Error('maxPool2d: not implemented yet in the js backend');
}
export function avgPool2d(_x: View, _p: Pool2dParams): TypedArray {
  throw new Error('avgPool2d: not implemented yet in the js backend');
}
export function avgPool2dGrad(_g: View, _p: Pool2dParams, _inputShape: readonly number[]): TypedArray {
  throw new Error('avgPool2d: not implemented yet in the js backend');
}
