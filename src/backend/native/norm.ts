/**
 * Native layer-norm and batch-norm kernels (native/src/norm/): one pass for each statistic and one
 * for the output, instead of the eight or so elementwise ops and temporaries of the composite
 * formula. Inputs are contiguous (the op makes them so); dtypes without a native loop go to the
 * reference kernels.
 */
import type { DType, TypedArray } from '../../tensor/dtype.js';
import type { Backend, NormBackward, View } from '../backend.js';
import { jsBackend as js } from '../js/index.js';
import type { AllocOut, KernelFactory, NativeAddon } from './addon.js';
import { META } from './meta.js';

declare module './addon.js' {
  interface NativeAddon {
    /** Metadata: kind (0 layer, 1 batch), outer, channels, inner, eps, offsets of x, weight, bias. */
    normForward(out: TypedArray, mean: TypedArray, rstd: TypedArray, variance: TypedArray | null, x: TypedArray, weight: TypedArray | null, bias: TypedArray | null): boolean;
    /** Metadata: kind, outer, channels, inner, offsets of g, x, mean, rstd, weight. */
    normBackward(dx: TypedArray, dweight: TypedArray | null, dbias: TypedArray | null, g: TypedArray, x: TypedArray, mean: TypedArray, rstd: TypedArray, weight: TypedArray | null): boolean;
  }
}

const LAYER = 0;
const BATCH = 1;

type Dims = [outer: number, channels: number, inner: number];

const native = (dtype: DType): boolean => dtype === 'float32' || dtype === 'float64';

export const normKernels: KernelFactory = (addon: NativeAddon, allocOut: AllocOut): Partial<Backend> => {
  function forward(kind: number, dims: Dims, x: View, w: View | null, b: View | null, eps: number, withVariance: boolean) {
    const [outer, channels, inner] = dims;
    const out = allocOut(x.dtype, outer * channels * inner, false);
    const mean = allocOut(x.dtype, channels, false);
    const rstd = allocOut(x.dtype, channels, false);
    const variance = withVariance ? allocOut(x.dtype, channels, false) : null;
    const values = [kind, outer, channels, inner, eps, x.offset, w?.offset ?? 0, b?.offset ?? 0];
    for (let i = 0; i < values.length; i++) META[i] = values[i]!;
    const ran = addon.normForward(out, mean, rstd, variance, x.data, w?.data ?? null, b?.data ?? null);
    return ran ? { out, mean, rstd, variance } : null;
  }

  function backward(kind: number, dims: Dims, g: View, x: View, mean: View, rstd: View, w: View | null, needW: boolean, needB: boolean): NormBackward | null {
    const [outer, channels, inner] = dims;
    const affine = kind === BATCH ? channels : inner;
    const dx = allocOut(x.dtype, outer * channels * inner, false);
    const dweight = needW ? allocOut(x.dtype, affine, false) : null;
    const dbias = needB ? allocOut(x.dtype, affine, false) : null;
    const values = [kind, outer, channels, inner, g.offset, x.offset, mean.offset, rstd.offset, w?.offset ?? 0];
    for (let i = 0; i < values.length; i++) META[i] = values[i]!;
    const ran = addon.normBackward(dx, dweight, dbias, g.data, x.data, mean.data, rstd.data, w?.data ?? null);
    return ran ? { dx, dweight, dbias } : null;
  }

  const layerDims = (x: View): Dims => [1, x.shape[0]!, x.shape[1]!];
  const batchDims = (x: View): Dims => [x.shape[0]!, x.shape[1]!, x.shape[2]!];

  return {
    layerNorm(x, w, b, eps) {
      const r = native(x.dtype) ? forward(LAYER, layerDims(x), x, w, b, eps, false) : null;
      return r === null ? js.layerNorm(x, w, b, eps) : { out: r.out, mean: r.mean, rstd: r.rstd };
    },
    layerNormBackward(g, x, mean, rstd, w, needW, needB) {
      const r = native(x.dtype) ? backward(LAYER, layerDims(x), g, x, mean, rstd, w, needW, needB) : null;
      return r ?? js.layerNormBackward(g, x, mean, rstd, w, needW, needB);
    },
    batchNorm(x, w, b, eps) {
      const r = native(x.dtype) ? forward(BATCH, batchDims(x), x, w, b, eps, true) : null;
      return r === null ? js.batchNorm(x, w, b, eps) : { out: r.out, mean: r.mean, rstd: r.rstd, variance: r.variance! };
    },
    batchNormBackward(g, x, mean, rstd, w, needW, needB) {
      const r = native(x.dtype) ? backward(BATCH, batchDims(x), g, x, mean, rstd, w, needW, needB) : null;
      return r ?? js.batchNormBackward(g, x, mean, rstd, w, needW, needB);
    },
  };
};
