/**
 * The functions the native addon exports. Each binding file's owner declares its own functions by
 * merging into this interface from their module (no edit here needed):
 *
 * ```ts
 * declare module './addon.js' {
 *   interface NativeAddon { matmul(out: Float32Array, a: Float32Array, b: Float32Array): void }
 * }
 * ```
 */
import type { DType, TypedArray } from '../../tensor/dtype.js';
import type { Backend } from '../backend.js';

/** Memory for a kernel's output: pooled and 64-byte aligned when big enough, else a JS array. */
export type AllocOut = (dtype: DType, size: number, zero: boolean) => TypedArray;

/** What each native kernel family (elementwise.ts, gemm.ts, conv.ts) exports to index.ts. */
export type KernelFactory = (addon: NativeAddon, allocOut: AllocOut) => Partial<Backend>;

export interface NativeAddon {
  /** Registers the metadata buffer (meta.ts) the other calls read views and scalars from. */
  init(meta: Float64Array): void;
  /** A typed array on 64-byte aligned pooled memory (dtype code: DTYPE_CODE); null if impossible. */
  alloc(dtype: number, length: number, zero: boolean): TypedArray | null;
  /** Detaches an addon-allocated array and recycles its memory; false when it was not one. */
  release(data: TypedArray): boolean;
  info(): { isa: string; threads: number; buffers: string; kernels: string; compiler?: string };
  setNumThreads(n: number): void;
  poolStats(): { liveBytes: number; pooledBytes: number; liveBlocks: number; hits: number; misses: number };
  poolTrim(): void;
  /** Whether the array's data starts on a 64-byte boundary (tests). */
  isAligned(data: TypedArray): boolean;
}
