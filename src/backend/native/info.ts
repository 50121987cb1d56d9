/** What runs the kernels: `backendInfo()` (shown by `tessera doctor`) and `setNumThreads()`. */
import { backend } from '../registry.js';
import { addonStatus } from './load.js';

export interface BackendInfo {
  /** The active backend's name ('native' or 'js'). */
  backend: string;
  /** The native instruction-set path ('avx512', 'avx2', 'generic'), or null without the addon. */
  isa: string | null;
  /** Threads the native kernels use (1 on the js backend). */
  threads: number;
  addon: {
    loaded: boolean;
    /** The .node file loaded or looked for. */
    path: string | null;
    /** Why the addon is not loaded (null when it is). */
    error: string | null;
    compiler: string | null;
  };
}

/**
 * Where kernels run now.
 *
 * ```ts
 * backendInfo(); // { backend: 'native', isa: 'avx2', threads: 8, addon: { loaded: true, ... } }
 * ```
 */
export function backendInfo(): BackendInfo {
  const addon = addonStatus.addon;
  const native = addon !== null ? addon.info() : null;
  const name = backend().name;
  return {
    backend: name,
    isa: native?.isa ?? null,
    threads: name === 'native' && native !== null ? native.threads : 1,
    addon: {
      loaded: addon !== null,
      path: addonStatus.path,
      error: addonStatus.error,
      compiler: native?.compiler ?? null,
    },
  };
}

/**
 * Sets how many threads the native kernels use (default: the cores this process may run on, or
 * TESSERA_NUM_THREADS). Without the addon it only validates `n`: the js backend is single-threaded.
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 1024) throw new Error(`setNumThreads: expected an integer from 1 to 1024, got ${n}`);
  addonStatus.addon?.setNumThreads(n);
}
