import type { DType, TypedArray } from './dtype.js';
import { trackStorage } from './scope.js';

/**
 * A flat buffer shared by a tensor and all its views. The version counter lives here, so that an
 * in-place write through any view is seen by every node of the graph that saved a view of it.
 */
export class Storage {
  data: TypedArray;
  readonly dtype: DType;
  /** Bumped by every in-place write; saved tensors compare it at backward time. */
  version = 0;
  disposed = false;

  constructor(data: TypedArray, dtype: DType) {
    this.data = data;
    this.dtype = dtype;
    trackStorage(this);
  }

  /** Drops the buffer early; the tensor errors if used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const data = this.data;
    this.data = EMPTY[this.dtype];
    if (disposeHook !== null) disposeHook(data);
  }
}

let disposeHook: ((data: TypedArray) => void) | null = null;

/**
 * Lets a backend reclaim a disposed storage's buffer at once (the native backend recycles memory
 * it allocated; it ignores arrays it did not). Backend-neutral: storage knows nothing of the addon.
 */
export function setStorageDisposeHook(hook: ((data: TypedArray) => void) | null): void {
  disposeHook = hook;
}

const EMPTY: { [K in DType]: TypedArray } = {
  float32: new Float32Array(0),
  float64: new Float64Array(0),
  int32: new Int32Array(0),
  bool: new Uint8Array(0),
};
