/**
 * The native backend: the reference backend with the kernels the C++ addon implements swapped in.
 * Every wrapper falls back to the TypeScript kernel for what it does not handle (dtypes without a
 * native version, more than MAX_DIMS dims, sizes too small to repay the N-API call). Registered with
 * a higher priority than js when the addon loads, so it is the default; otherwise js runs alone and
 * asking for 'native' says why (registry.ts).
 */
import type { Backend } from '../backend.js';
import { markUnavailable, registerBackend } from '../registry.js';
import { jsBackend } from '../js/index.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { allocArray } from '../../tensor/dtype.js';
import { setStorageDisposeHook } from '../../tensor/storage.js';
import { addonStatus } from './load.js';
import type { NativeAddon } from './addon.js';
import { DTYPE_CODE, META } from './meta.js';
import { elementwiseKernels } from './elementwise.js';
import { convKernels } from './conv.js';
import { gatherKernels } from './gather.js';
import { gemmKernels } from './gemm.js';
import { optimizerKernels } from './optim.js';
import { normKernels } from './norm.js';
import type { FusedOptimizerKernels } from '../../optim/fused.js';

/**
 * Below this many bytes a JS typed array is cheaper than an external buffer from the addon's pool
 * (an N-API call, a backing store with a finalizer, a registry entry). Measured at batch size 1 (the
 * LeCun 1989 workload, whose weight gradients are 4-64 KB): 64 KB gave ~5% more samples/s than 4 KB
 * over three alternating pairs; large tensors (activations at real batch sizes) still come from the
 * aligned, pooled allocator.
 */
const NATIVE_ALLOC_MIN_BYTES = 65536;

const BYTES: { readonly [K in DType]: number } = { float32: 4, float64: 8, int32: 4, bool: 1 };

/** ArrayBuffers the addon allocated: only those are handed back on dispose. */
const nativeBuffers = new WeakSet<ArrayBufferLike>();

/** Builds the backend over a loaded addon (exported for tests that need a second instance). */
export function createNativeBackend(addon: NativeAddon): Backend & FusedOptimizerKernels {
  addon.init(META);

  /** Memory for a kernel's output: pooled and aligned when big enough to matter. */
  function allocOut(dtype: DType, size: number, zero: boolean): TypedArray {
    if (size * BYTES[dtype] < NATIVE_ALLOC_MIN_BYTES) return allocArray(dtype, size);
    const out = addon.alloc(DTYPE_CODE[dtype], size, zero);
    if (out === null) return allocArray(dtype, size);
    nativeBuffers.add(out.buffer);
    return out;
  }

  setStorageDisposeHook((data) => {
    if (nativeBuffers.has(data.buffer)) {
      nativeBuffers.delete(data.buffer);
      addon.release(data);
    }
  });

  return {
    ...jsBackend,
    name: 'native',
    alloc: (dtype, size) => allocOut(dtype, size, true),
    ...elementwiseKernels(addon, allocOut),
    // each kernel family (a KernelFactory) overrides the reference kernels it has native versions of
    ...gemmKernels(addon, allocOut),
    ...convKernels(addon, allocOut),
    ...gatherKernels(addon, allocOut),
    ...normKernels(addon, allocOut),
    // the optional fused optimizer updates (src/optim/fused.ts)
    ...optimizerKernels(addon),
  };
}

if (addonStatus.addon !== null) {
  registerBackend(createNativeBackend(addonStatus.addon), 10);
} else {
  markUnavailable('native', addonStatus.error ?? 'the addon did not load');
}
