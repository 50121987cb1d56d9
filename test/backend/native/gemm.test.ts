/**
 * The native matmul (BLIS-style GEMM, native/src/gemm/) against the reference kernel: random
 * shapes (primes, 1, empty), operands stored transposed, with gaps, flipped (negative strides) or
 * broadcast (stride 0, batch included), float32 and float64, sizes large enough for the threaded,
 * blocked and batch-parallel paths, special values, and int32 (which stays on the reference).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Backend, View } from '../../../src/backend/backend.js';
import type { DType, TypedArray } from '../../../src/tensor/dtype.js';
import { allocArray } from '../../../src/tensor/dtype.js';
import { jsBackend } from '../../../src/backend/js/index.js';
import { gemmThresholds, setGemmThresholds } from '../../../src/backend/native/gemm.js';
import { seeded } from '../../helpers.js';
import { countAddonCalls, nativeBackend, skipReason } from './support.js';

type Rng = () => number;
type FloatDType = 'float32' | 'float64';

const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));

interface Layout {
  /** store the two matrix dims swapped (a transposed operand) */
  transposed?: boolean;
  /** add a gap after each stored row and an offset */
  gaps?: boolean;
  /** dims stored reversed (negative stride) */
  flip?: readonly number[];
  /** dims read with stride 0 (broadcast) */
  broadcast?: readonly number[];
}

/**
 * A [B, R, C] view over a fresh buffer: unused slots hold NaN, so a read outside the view
 * poisons the result. Values are uniform in [-1, 1), or drawn by `fill`.
 */
function view3(shape: readonly [number, number, number], dtype: DType, rng: Rng, layout: Layout, fill?: () => number): View {
  const order = layout.transposed ? [0, 2, 1] : [0, 1, 2];
  const strides = [0, 0, 0];
  let running = 1;
  for (const d of [...order].reverse()) {
    if (layout.broadcast?.includes(d)) continue;
    strides[d] = running;
    running *= shape[d]! + (layout.gaps ? 1 : 0);
  }
  let offset = layout.gaps ? 2 : 0;
  for (const d of layout.flip ?? []) {
    offset += Math.max(0, shape[d]! - 1) * strides[d]!;
    strides[d] = -strides[d]!;
  }
  const data = allocArray(dtype, running + offset + 3);
  if (dtype !== 'int32') data.fill(NaN);
  const value = fill ?? (dtype === 'int32' ? () => int(rng, -5, 5) : () => rng() * 2 - 1);
  for (let b = 0; b < shape[0]; b++)
    for (let i = 0; i < shape[1]; i++)
      for (let j = 0; j < shape[2]; j++) data[offset + b * strides[0]! + i * strides[1]! + j * strides[2]!] = value();
  return { data, dtype, shape: [...shape], strides, offset };
}

/** The same view's values made absolute, as a float64 view (for the error bound). */
function absView(v: View): View {
  const data = Float64Array.from(v.data as ArrayLike<number>, (x) => Math.abs(x));
  return { ...v, dtype: 'float64', data };
}

function randomLayout(rng: Rng, batch: number, rows: number): Layout {
  const layout: Layout = { transposed: rng() < 0.4, gaps: rng() < 0.4 };
  if (rng() < 0.25) layout.flip = [int(rng, 0, 2)];
  const broadcast: number[] = [];
  if (batch > 1 && rng() < 0.3) broadcast.push(0);
  if (rows > 1 && rng() < 0.1) broadcast.push(1);
  if (broadcast.length > 0) layout.broadcast = broadcast;
  return layout;
}

/**
 * Asserts |got - want| <= (2k + 2) * u * absRef elementwise, u the dtype's unit roundoff. Why scaled
 * with k: the reference sums in float64 and rounds once, while the GEMM sums k products in the
 * output dtype (blocked, with FMAs); a k-term sum in any order errs by at most about k * u * sum
 * |terms|, and sum |terms| is the reference applied to absolute values (absRef). A fixed rtol would
 * fail by chance on long sums with cancellation, and a wrong index shifts a result by a whole term,
 * far outside this bound.
 */
function assertWithin(got: TypedArray, want: TypedArray, absRef: TypedArray, k: number, dtype: FloatDType, what: string): void {
  assert.ok(got instanceof (dtype === 'float64' ? Float64Array : Float32Array), `${what}: output dtype`);
  assert.equal(got.length, want.length, `${what}: length`);
  const u = dtype === 'float64' ? 2 ** -53 : 2 ** -24;
  for (let i = 0; i < want.length; i++) {
    const g: number = got[i]!;
    const w: number = want[i]!;
    if (Number.isNaN(w) ? Number.isNaN(g) : !Number.isFinite(w) ? g === w : Math.abs(g - w) <= (2 * k + 2) * u * absRef[i]!) continue;
    assert.fail(`${what}: element ${i}: got ${g}, expected ${w} (k = ${k})`);
  }
}

function withThreshold<T>(minWork: number, fn: () => T): T {
  const saved = gemmThresholds.minWork;
  setGemmThresholds({ minWork });
  try {
    return fn();
  } finally {
    setGemmThresholds({ minWork: saved });
  }
}

function describeView(v: View): string {
  return `[${v.shape.join(',')}] strides [${v.strides.join(',')}] offset ${v.offset}`;
}

/** Runs native and reference matmul on one pair of views and compares them. */
function compare(nb: Backend, a: View, b: View, dtype: FloatDType, what: string): void {
  const got = withThreshold(0, () => nb.matmul(a, b, dtype));
  const want = jsBackend.matmul(a, b, dtype);
  const absRef = jsBackend.matmul(absView(a), absView(b), 'float64');
  assertWithin(got, want, absRef, a.shape[2]!, dtype, `${what}: ${describeView(a)} x ${describeView(b)}`);
}

const DIMS = [0, 1, 2, 3, 5, 7, 13, 16, 17, 31, 32, 33, 47, 64, 67, 131];

for (const dtype of ['float32', 'float64'] as const) {
  describe(`native matmul (${dtype})`, { skip: skipReason ?? false }, () => {
    const nb = skipReason === null ? nativeBackend() : jsBackend;

    it('matches the reference on random shapes and layouts', () => {
      const rng = seeded(dtype === 'float32' ? 21 : 22);
      for (let t = 0; t < 300; t++) {
        const batch = rng() < 0.6 ? 1 : int(rng, 0, 4);
        const [m, n, k] = [DIMS[int(rng, 0, DIMS.length - 1)]!, DIMS[int(rng, 0, DIMS.length - 1)]!, DIMS[int(rng, 0, DIMS.length - 1)]!];
        const a = view3([batch, m, k], dtype, rng, randomLayout(rng, batch, m));
        const b = view3([batch, k, n], dtype, rng, randomLayout(rng, batch, k));
        compare(nb, a, b, dtype, `case ${t}`);
      }
    });

    it('handles every transposition case, and rows or columns read with stride 0', () => {
      const rng = seeded(23);
      for (const ta of [false, true])
        for (const tb of [false, true])
          for (const [m, n, k] of [[1, 1, 1], [1, 37, 19], [41, 1, 23], [29, 31, 1], [53, 59, 61]] as const) {
            compare(nb, view3([1, m, k], dtype, rng, { transposed: ta }), view3([1, k, n], dtype, rng, { transposed: tb }), dtype, `ta ${ta} tb ${tb}`);
          }
      compare(nb, view3([2, 9, 11], dtype, rng, { broadcast: [1] }), view3([2, 11, 10], dtype, rng, { broadcast: [2] }), dtype, 'stride-0 rows and columns');
      compare(nb, view3([3, 9, 11], dtype, rng, { broadcast: [0, 2] }), view3([3, 11, 10], dtype, rng, { broadcast: [0, 1] }), dtype, 'stride-0 inner dim');
    });

    it('gives zeros for k = 0 and empty arrays for empty outputs', () => {
      const rng = seeded(24);
      const zeros = withThreshold(0, () => nb.matmul(view3([2, 3, 0], dtype, rng, {}), view3([2, 0, 4], dtype, rng, {}), dtype));
      assert.deepEqual(Array.from(zeros), new Array(24).fill(0));
      for (const [batch, m, n, k] of [[0, 3, 4, 5], [2, 0, 4, 5], [2, 3, 0, 5], [0, 0, 0, 0]] as const) {
        const out = withThreshold(0, () => nb.matmul(view3([batch, m, k], dtype, rng, {}), view3([batch, k, n], dtype, rng, {}), dtype));
        assert.equal(out.length, 0, `[${batch},${m},${k}] x [${batch},${k},${n}]`);
      }
    });

    it('propagates NaN and infinities as the reference does', () => {
      const rng = seeded(25);
      const specials = [NaN, Infinity, -Infinity];
      const fill = () => (rng() < 0.01 ? specials[int(rng, 0, 2)]! : rng() * 2 - 1);
      for (const [m, n, k] of [[37, 41, 43], [5, 70, 9], [70, 3, 130]] as const) {
        compare(nb, view3([1, m, k], dtype, rng, {}, fill), view3([1, k, n], dtype, rng, { transposed: true }, fill), dtype, 'specials');
      }
    });

    it('matches on products large enough to be blocked and threaded, and on batches of small ones', () => {
      const rng = seeded(26);
      // Crosses the K and M/N block sizes and takes the multi-threaded split.
      compare(nb, view3([1, 300, 530], dtype, rng, {}), view3([1, 530, 257], dtype, rng, { transposed: true }), dtype, 'large');
      compare(nb, view3([1, 130, 70], dtype, rng, { transposed: true }), view3([1, 70, 1100], dtype, rng, { gaps: true }), dtype, 'wide');
      // Matrix-vector products (read in place, threaded above 2M multiply-adds), both layouts.
      compare(nb, view3([1, 3001, 701], dtype, rng, {}), view3([1, 701, 1], dtype, rng, { gaps: true }), dtype, 'matrix x vector');
      compare(nb, view3([1, 3001, 701], dtype, rng, { transposed: true }), view3([1, 701, 1], dtype, rng, { flip: [1] }), dtype, 'transposed matrix x vector');
      compare(nb, view3([2, 1, 701], dtype, rng, { broadcast: [0] }), view3([2, 701, 3001], dtype, rng, {}), dtype, 'vector x matrix');
      // Many small products: parallel over the batch, with a broadcast (stride-0) left operand.
      compare(nb, view3([64, 9, 10], dtype, rng, { broadcast: [0] }), view3([64, 10, 11], dtype, rng, {}), dtype, 'batch of small');
      compare(nb, view3([5, 64, 70], dtype, rng, {}), view3([5, 70, 66], dtype, rng, { broadcast: [0], transposed: true }), dtype, 'batch of medium');
    });

    it('runs natively (the addon is called) above the size threshold and not below it', () => {
      const rng = seeded(27);
      const a = view3([1, 4, 4], dtype, rng, {});
      const b = view3([1, 4, 4], dtype, rng, {});
      assert.equal(countAddonCalls(() => withThreshold(0, () => nb.matmul(a, b, dtype)))['matmul'], 1);
      assert.equal(countAddonCalls(() => withThreshold(1000, () => nb.matmul(a, b, dtype)))['matmul'] ?? 0, 0);
    });
  });
}

describe('native matmul (int32)', { skip: skipReason ?? false }, () => {
  it('falls back to the reference kernel, with identical results', () => {
    const nb = nativeBackend();
    const rng = seeded(28);
    const a = view3([2, 7, 5], 'int32', rng, { transposed: true });
    const b = view3([2, 5, 3], 'int32', rng, { broadcast: [0] });
    let got: TypedArray = new Int32Array(0);
    const calls = countAddonCalls(() => {
      got = withThreshold(0, () => nb.matmul(a, b, 'int32'));
    });
    assert.equal(calls['matmul'] ?? 0, 0);
    assert.deepEqual(got, jsBackend.matmul(a, b, 'int32'));
  });
});
