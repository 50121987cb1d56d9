/**
 * Shared by the native kernel tests: the native backend (or the reason it is missing), random
 * strided views, and exact/close comparison of kernel outputs with the reference backend's.
 */
import assert from 'node:assert/strict';
import type { Backend, DType, TypedArray, View } from '../../../src/index.js';
import { backend, setBackend } from '../../../src/index.js';
import { addonStatus } from '../../../src/backend/native/load.js';
import { setNativeThresholds, thresholds } from '../../../src/backend/native/elementwise.js';
import { jsBackend } from '../../../src/backend/js/index.js';
import { allocArray } from '../../../src/tensor/dtype.js';
import { TOLERANCES } from '../../helpers.js';

export type Rng = () => number;
export const js: Backend = jsBackend;

/** Why the native tests cannot run here, or null when they can. */
export const skipReason: string | null = addonStatus.addon === null ? `the native addon is not loaded: ${addonStatus.error}` : null;

/** The registered native backend (call only when skipReason is null). */
export function nativeBackend(): Backend {
  const previous = backend().name;
  setBackend('native');
  const b = backend();
  setBackend(previous);
  return b;
}

/** Runs `fn` with every native wrapper taking the native path whatever the size. */
export function forcingNative<T>(fn: () => T): T {
  const saved = { ...thresholds };
  setNativeThresholds({ cheap: 0, costly: 0 });
  try {
    return fn();
  } finally {
    setNativeThresholds(saved);
  }
}

/** Shapes worth testing: 0-d, empty, ones, primes, and one big enough to use every thread. */
export const SHAPES: readonly (readonly number[])[] = [[], [0], [1], [7], [3, 0, 5], [1, 31], [13, 17], [2, 3, 5, 7], [1, 1, 1], [331, 257]];

export interface Layout {
  /** dims stored with stride 0 */
  broadcast?: readonly number[];
  /** dims stored reversed (negative stride) */
  flip?: readonly number[];
  /** store the dims in a random order with gaps (otherwise contiguous) */
  scramble?: boolean;
}

/**
 * A view of `shape` over a fresh buffer: contiguous, or with dims stored in a random order with
 * gaps, broadcast (stride 0) or flipped (negative stride) dims, and a random offset.
 */
export function randomView(shape: readonly number[], dtype: DType, rng: Rng, fill: () => number, layout: Layout = {}): View {
  const nd = shape.length;
  const order = Array.from({ length: nd }, (_, i) => i);
  if (layout.scramble) order.sort(() => rng() - 0.5);
  const strides = new Array<number>(nd).fill(0);
  let running = 1;
  for (let j = nd - 1; j >= 0; j--) {
    const d = order[j]!;
    if (layout.broadcast?.includes(d)) continue;
    strides[d] = running;
    running *= shape[d]! + (layout.scramble && rng() < 0.5 ? 1 : 0);
  }
  let offset = layout.scramble ? Math.floor(rng() * 3) : 0;
  for (const d of layout.flip ?? []) {
    offset += Math.max(0, shape[d]! - 1) * strides[d]!;
    strides[d] = -strides[d]!;
  }
  let span = offset + 1;
  for (let d = 0; d < nd; d++) if (strides[d]! > 0) span += Math.max(0, shape[d]! - 1) * strides[d]!;
  const data = allocArray(dtype, span + 2);
  for (let i = 0; i < data.length; i++) data[i] = fill();
  return { data, dtype, shape, strides, offset };
}

/** Every layout variant of a shape: contiguous, scrambled, each dim broadcast, all dims flipped. */
export function layouts(shape: readonly number[]): Layout[] {
  const all = shape.map((_, i) => i);
  const out: Layout[] = [{}, { scramble: true }, { flip: all }, { scramble: true, flip: all.filter((d) => d % 2 === 0) }];
  if (shape.length > 0) out.push({ broadcast: [0] }, { broadcast: [shape.length - 1], scramble: true });
  return out;
}

/** Values for `dtype`: normals, with some zeros, NaN and infinities for floats; small ints for int32. */
export function valueSource(dtype: DType, rng: Rng, options: { specials?: boolean; scale?: number } = {}): () => number {
  const scale = options.scale ?? 3;
  if (dtype === 'bool') return () => (rng() < 0.5 ? 1 : 0);
  if (dtype === 'int32') return () => Math.floor((rng() - 0.5) * 2 * scale * 4);
  const specials = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.5, -0.5, 2.5];
  return () => {
    if (options.specials !== false && rng() < 0.08) return specials[Math.floor(rng() * specials.length)]!;
    const u = Math.max(rng(), 1e-12);
    return scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
  };
}

/**
 * Asserts two kernel outputs agree: bitwise for integer and bool data and when `exact`, else within
 * the dtype's tolerance (NaN matches NaN, infinities must match exactly).
 */
export function assertSame(actual: TypedArray, expected: TypedArray, dtype: DType, what: string, exact = false): void {
  assert.equal(actual.constructor, expected.constructor, `${what}: array type`);
  assert.equal(actual.length, expected.length, `${what}: length`);
  const { rtol, atol } = TOLERANCES[dtype];
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e))) continue;
    const ok = !exact && Number.isFinite(a) && Number.isFinite(e) && Math.abs(a - e) <= atol + rtol * Math.abs(e);
    if (!ok) assert.fail(`${what}: element ${i} is ${a}, the reference gives ${e}`);
  }
}

export function describeView(v: View): string {
  return `[${v.shape.join(',')}] strides [${v.strides.join(',')}] offset ${v.offset}`;
}

/**
 * Counts the addon calls `fn` makes per function name: proves that a test exercised the native
 * path rather than a fallback to the reference.
 */
export function countAddonCalls(fn: () => void): Record<string, number> {
  const addon = addonStatus.addon as unknown as Record<string, unknown>;
  const counts: Record<string, number> = {};
  const saved = new Map<string, unknown>();
  for (const [name, f] of Object.entries(addon)) {
    if (typeof f !== 'function') continue;
    saved.set(name, f);
    addon[name] = (...args: unknown[]) => {
      counts[name] = (counts[name] ?? 0) + 1;
      return (f as (...a: unknown[]) => unknown)(...args);
    };
  }
  try {
    fn();
  } finally {
    for (const [name, f] of saved) addon[name] = f;
  }
  return counts;
}

/**
 * Runs `fn` once per kernel table this CPU can run (generic, then avx2 and avx512 where present),
 * so every ISA path is compared with the reference; restores the default table afterwards.
 */
export function forEachKernelTable(fn: (table: string) => void): void {
  const addon = addonStatus.addon!;
  const original = addon.info().kernels;
  try {
    for (const name of ['generic', 'avx2', 'avx512']) {
      if (addon.useKernelTable(name) !== name) continue;
      try {
        fn(name);
      } catch (e) {
        if (e instanceof Error) e.message = `[${name} kernels] ${e.message}`;
        throw e;
      }
    }
  } finally {
    addon.useKernelTable(original);
  }
}

const KERNELS = ['copy', 'assign', 'unary', 'binary', 'where', 'reluBackward', 'reduce', 'argReduce', 'scan', 'softmax'] as const;

/**
 * Runs a native kernel call and fails if it fell back to a reference kernel, so that a test of a
 * native path cannot pass by quietly testing the reference against itself.
 */
export function noFallback<T>(fn: () => T): T {
  const target = jsBackend as unknown as Record<string, unknown>;
  const saved = KERNELS.map((name) => target[name]);
  const used: string[] = [];
  KERNELS.forEach((name, i) => {
    target[name] = (...args: unknown[]) => {
      used.push(name);
      return (saved[i] as (...a: unknown[]) => unknown)(...args);
    };
  });
  try {
    return fn();
  } finally {
    KERNELS.forEach((name, i) => (target[name] = saved[i]));
    if (used.length > 0) assert.fail(`the native wrapper fell back to the reference kernel (${used.join(', ')})`);
  }
}
