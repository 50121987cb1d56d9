/**
 * Native matmul (native/src/gemm/): the BLIS-style GEMM on [B, M, K] x [B, K, N] views with any
 * strides (transposed operands and broadcast batches, whose batch stride is 0, need no copy).
 * float32 and float64 run natively; int32 (and mixed dtypes, which the op never passes) go to the
 * reference kernel, as do products too small to repay the N-API call.
 */
import type { DType, TypedArray } from '../../tensor/dtype.js';
import type { Backend, View } from '../backend.js';
import { jsBackend } from '../js/index.js';
import type { AllocOut, KernelFactory, NativeAddon } from './addon.js';
import { writeView } from './meta.js';

declare module './addon.js' {
  interface NativeAddon {
    /**
     * Metadata: view a [B, M, K], view b [B, K, N]. Writes the contiguous [B, M, N] product into
     * `out`; false when the dtypes have no native kernel (out is then untouched).
     */
    matmul(out: TypedArray, a: TypedArray, b: TypedArray): boolean;
    /** The GEMM micro-kernel in use: 'avx512', 'avx2' or 'generic'. */
    gemmKernel(): string;
  }
}

/**
 * Multiply-adds (B*M*N*K) below which the reference kernel runs: there the N-API crossing and
 * the packing cost more than the arithmetic (measured crossover: 200 to 500 on a Zen 5 core). Tests
 * set it to 0 to exercise the native path.
 */
export const gemmThresholds = { minWork: 256 };

/** Sets the threshold (internal: tests and benchmarks). */
export function setGemmThresholds(t: Partial<typeof gemmThresholds>): void {
  Object.assign(gemmThresholds, t);
}

export const gemmKernels: KernelFactory = (addon: NativeAddon, allocOut: AllocOut): Partial<Backend> => ({
  matmul(a: View, b: View, outDtype: DType): TypedArray {
    const [batch, m, k] = a.shape as [number, number, number];
    const n = b.shape[2]!;
    const native = (outDtype === 'float32' || outDtype === 'float64') && a.dtype === outDtype && b.dtype === outDtype;
    if (!native || batch * m * n * k < gemmThresholds.minWork) return jsBackend.matmul(a, b, outDtype);
    // Not zeroed: the kernel writes every element (k == 0 included: beta = 0 stores zeros).
    const out = allocOut(outDtype, batch * m * n, false);
    if (batch * m * n === 0) return out;
    writeView(writeView(0, a), b);
    return addon.matmul(out, a.data, b.data) ? out : jsBackend.matmul(a, b, outDtype);
  },
});
