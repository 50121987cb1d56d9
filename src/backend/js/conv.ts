import type { TypedArray } from '../../tensor/dtype.js';
import type { Conv2dParams, View } from '../backend.js';

export function conv2d(_x: View, _w: View, _p: Conv2dParams, _outShape: readonly number[]): TypedArray {
  throw new Error('conv2d: not implemented yet in the js backend');
}
export function conv2dInputGrad(_g: View, _w: View, _p: Conv2dParams, _inputShape: readonly number[]): TypedArray {
  throw new Error('conv2d: not implemented yet in the js backend');
}
export function conv2dWeightGrad(_x: View, _g: View, _p: Conv2dParams, _weightShape: readonly number[]): TypedArray {
  throw new Error('conv2d: not implemented yet in the js backend');
}
