/** Test utilities: deterministic inputs, layout variants, and closeness with PyTorch's tolerances. */
import assert from 'node:assert/strict';
import { Tensor, tensor } from '../src/index.js';
import type { DType } from '../src/index.js';
import type { NestedArray } from '../src/tensor/creation.js';

/** PyTorch's default `assert_close` tolerances per dtype. */
export const TOLERANCES: Record<DType, { rtol: number; atol: number }> = {
  float32: { rtol: 1.3e-6, atol: 1e-5 },
  float64: { rtol: 1e-7, atol: 1e-7 },
  int32: { rtol: 0, atol: 0 },
  bool: { rtol: 0, atol: 0 },
};

/** A small deterministic generator (mulberry32), independent of the library's RNG. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform values in [low, high), deterministic in `seed`. */
export function uniform(shape: readonly number[], options: { seed?: number; low?: number; high?: number; dtype?: DType } = {}): Tensor {
  const rng = seeded(options.seed ?? 1);
  const low = options.low ?? -1;
  const high = options.high ?? 1;
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float64Array(n).map(() => low + (high - low) * rng());
  return tensor(values, { shape, dtype: options.dtype ?? 'float32' });
}

/** Random integers in [low, high), deterministic in `seed`. */
export function randomInts(shape: readonly number[], low: number, high: number, seed = 1): Tensor {
  const rng = seeded(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Int32Array(n).map(() => low + Math.floor((high - low) * rng()));
  return tensor(values, { shape, dtype: 'int32' });
}

/**
 * The same values in a non-contiguous layout: stored transposed (and with a gap), then viewed back.
 * Tensors with fewer than 2 elements come back as a strided slice of a larger buffer.
 */
export function nonContiguous(t: Tensor): Tensor {
  const padded = t.unsqueeze(-1).expand([...t.shape, 2]).contiguous(); // every element twice
  const v = padded.select(-1, 0); // stride 2 in the last dim: not contiguous
  return t.requiresGrad ? v.detach().requiresGrad_(true) : v.detach();
}

/** Asserts values and shape match, with PyTorch's tolerances for the dtype unless overridden. */
export function assertClose(
  actual: Tensor,
  expected: Tensor | NestedArray,
  options: { rtol?: number; atol?: number; message?: string; checkDtype?: boolean } = {},
): void {
  const exp = expected instanceof Tensor ? expected : tensor(expected as NestedArray, { dtype: actual.dtype === 'bool' ? 'bool' : 'float64' });
  const msg = options.message ? `${options.message}: ` : '';
  assert.deepEqual([...actual.shape], [...exp.shape], `${msg}shape ${JSON.stringify(actual.shape)} != expected ${JSON.stringify(exp.shape)}`);
  if (options.checkDtype && expected instanceof Tensor) assert.equal(actual.dtype, exp.dtype, `${msg}dtype`);
  const tol = TOLERANCES[actual.dtype];
  const rtol = options.rtol ?? tol.rtol;
  const atol = options.atol ?? tol.atol;
  const a = actual.toArray();
  const e = exp.toArray();
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = e[i]!;
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (x === y) continue;
    if (!(Math.abs(x - y) <= atol + rtol * Math.abs(y))) {
      assert.fail(`${msg}element ${i}: got ${x}, expected ${y} (rtol ${rtol}, atol ${atol})\nactual:   ${actual.toString()}\nexpected: ${exp.toString()}`);
    }
  }
}

/** Asserts `fn` throws an error whose message matches every pattern. */
export function assertThrowsMatching(fn: () => unknown, ...patterns: RegExp[]): void {
  let error: unknown = null;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof Error, `expected an error matching ${patterns.join(', ')}, but nothing was thrown`);
  for (const p of patterns) assert.match(error.message, p);
}
