/**
 * Native conv2d (forward and both gradients) and pooling kernels (native/src/conv/). The addon reads
 * any strided float32/float64 view itself, so the wrappers only write the views and parameters into
 * the metadata buffer; other dtypes (which the ops never pass today) go to the reference kernels.
 * Outputs are allocated here without zeroing: the native kernels write every element.
 */
import type { TypedArray } from '../../tensor/dtype.js';
import type { Conv2dParams, Pool2dParams, View } from '../backend.js';
import { jsBackend } from '../js/index.js';
import type { KernelFactory } from './addon.js';
import { writeNumbers, writeView } from './meta.js';

declare module './addon.js' {
  interface NativeAddon {
    /** Metadata: view x, view w, conv params, out shape. */
    conv2d(out: TypedArray, x: TypedArray, w: TypedArray): void;
    /** Metadata: view g, view w, conv params, input shape. */
    conv2dInputGrad(out: TypedArray, g: TypedArray, w: TypedArray): void;
    /** Metadata: view x, view g, conv params, weight shape. */
    conv2dWeightGrad(out: TypedArray, x: TypedArray, g: TypedArray): void;
    /** Metadata: view x, pool params. */
    maxPool2d(values: TypedArray, indices: Int32Array, x: TypedArray): void;
    /** Metadata: view x, pool params. */
    avgPool2d(out: TypedArray, x: TypedArray): void;
    /** Metadata: view g, pool params, input shape. */
    avgPool2dGrad(out: TypedArray, g: TypedArray): void;
    /** Metadata: view g, view indices, input shape. */
    maxPool2dGrad(out: TypedArray, g: TypedArray, indices: TypedArray): void;
  }
}

const isFloat = (v: View): boolean => v.dtype === 'float32' || v.dtype === 'float64';
const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Two 4-D views, the conv parameters and a shape, in the order native/src/conv/binding_conv.cc reads them. */
function writeConv(a: View, b: View, p: Conv2dParams, shape: readonly number[]): void {
  let pos = writeView(0, a);
  pos = writeView(pos, b);
  pos = writeNumbers(pos, [...p.stride, ...p.padding, ...p.dilation, p.groups]);
  writeNumbers(pos, shape);
}

function writePool(x: View, p: Pool2dParams, shape: readonly number[] = []): void {
  const pos = writeNumbers(writeView(0, x), [
    ...p.kernel,
    ...p.stride,
    ...p.padding,
    ...p.dilation,
    p.countIncludePad ? 1 : 0,
    p.divisorOverride === null ? 0 : 1,
    p.divisorOverride ?? 0,
    ...p.outSize,
  ]);
  writeNumbers(pos, shape);
}

export const convKernels: KernelFactory = (addon, allocOut) => ({
  conv2d(x, w, p, outShape) {
    if (!isFloat(x)) return jsBackend.conv2d(x, w, p, outShape);
    const out = allocOut(x.dtype, numel(outShape), false);
    writeConv(x, w, p, outShape);
    addon.conv2d(out, x.data, w.data);
    return out;
  },

  conv2dInputGrad(g, w, p, inputShape) {
    if (!isFloat(g)) return jsBackend.conv2dInputGrad(g, w, p, inputShape);
    const out = allocOut(g.dtype, numel(inputShape), false);
    writeConv(g, w, p, inputShape);
    addon.conv2dInputGrad(out, g.data, w.data);
    return out;
  },

  conv2dWeightGrad(x, g, p, weightShape) {
    if (!isFloat(x)) return jsBackend.conv2dWeightGrad(x, g, p, weightShape);
    const out = allocOut(x.dtype, numel(weightShape), false);
    writeConv(x, g, p, weightShape);
    addon.conv2dWeightGrad(out, x.data, g.data);
    return out;
  },

  maxPool2d(x, p) {
    if (!isFloat(x)) return jsBackend.maxPool2d(x, p);
    const n = x.shape[0]! * x.shape[1]! * p.outSize[0] * p.outSize[1];
    const values = allocOut(x.dtype, n, false);
    const indices = allocOut('int32', n, false) as Int32Array;
    writePool(x, p);
    addon.maxPool2d(values, indices, x.data);
    return { values, indices };
  },

  avgPool2d(x, p) {
    if (!isFloat(x)) return jsBackend.avgPool2d(x, p);
    const out = allocOut(x.dtype, x.shape[0]! * x.shape[1]! * p.outSize[0] * p.outSize[1], false);
    writePool(x, p);
    addon.avgPool2d(out, x.data);
    return out;
  },

  maxPool2dGrad(g, indices, inputShape) {
    if (!isFloat(g) || indices.dtype !== 'int32') return jsBackend.maxPool2dGrad(g, indices, inputShape);
    const out = allocOut(g.dtype, numel(inputShape), false);
    writeNumbers(writeView(writeView(0, g), indices), inputShape);
    addon.maxPool2dGrad(out, g.data, indices.data);
    return out;
  },

  avgPool2dGrad(g, p, inputShape) {
    if (!isFloat(g)) return jsBackend.avgPool2dGrad(g, p, inputShape);
    const out = allocOut(g.dtype, numel(inputShape), false);
    writePool(g, p, inputShape);
    addon.avgPool2dGrad(out, g.data);
    return out;
  },
});
