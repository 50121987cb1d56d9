/**
 * Native gather and scatter along one dim (native/src/gather/), every dtype, any strides: the
 * max-pool backward (a scatter-add), crossEntropy and embedding paths. Views of more than MAX_DIMS
 * dims go to the reference kernels. Outputs are not zeroed first: the kernels write every element.
 */
import type { TypedArray } from '../../tensor/dtype.js';
import { jsBackend } from '../js/index.js';
import type { KernelFactory } from './addon.js';
import { MAX_DIMS, writeNumbers, writeView } from './meta.js';

declare module './addon.js' {
  interface NativeAddon {
    /** Metadata: view x, view index, dim. */
    gather(out: TypedArray, x: TypedArray, index: TypedArray): void;
    /** Metadata: view base, view index, view src, dim, accumulate (0/1). */
    scatter(out: TypedArray, base: TypedArray, index: TypedArray, src: TypedArray): void;
  }
}

const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export const gatherKernels: KernelFactory = (addon, allocOut) => ({
  gather(x, dim, index) {
    if (x.shape.length > MAX_DIMS || index.shape.length > MAX_DIMS) return jsBackend.gather(x, dim, index);
    const out = allocOut(x.dtype, numel(index.shape), false);
    writeNumbers(writeView(writeView(0, x), index), [dim]);
    addon.gather(out, x.data, index.data);
    return out;
  },

  scatter(base, dim, index, src, accumulate) {
    if (base.shape.length > MAX_DIMS || index.shape.length > MAX_DIMS || src.shape.length > MAX_DIMS || src.dtype !== base.dtype) {
      return jsBackend.scatter(base, dim, index, src, accumulate);
    }
    const out = allocOut(base.dtype, numel(base.shape), false);
    writeNumbers(writeView(writeView(writeView(0, base), index), src), [dim, accumulate ? 1 : 0]);
    addon.scatter(out, base.data, index.data, src.data);
    return out;
  },
});
