/**
 * Native layer-norm and batch-norm kernels (forward and backward) against the reference kernels:
 * shapes with one row, odd sizes, sizes big enough for every thread, with and without weight and
 * bias, inputs at offsets; float32 and float64.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Backend, DType, View } from '../../../src/index.js';
import { seeded } from '../../helpers.js';
import { assertSame, countAddonCalls, js, nativeBackend, skipReason } from './support.js';
import { addonStatus } from '../../../src/backend/native/load.js';
import { allocArray } from '../../../src/tensor/dtype.js';

/** A contiguous view of `shape` at offset 2 of a buffer of normal values (times `scale`, plus `shift`). */
function view(shape: readonly number[], dtype: DType, rng: () => number, scale = 1, shift = 0): View {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = allocArray(dtype, n + 3);
  for (let i = 0; i < data.length; i++) data[i] = shift + scale * Math.sqrt(-2 * Math.log(Math.max(rng(), 1e-12))) * Math.cos(2 * Math.PI * rng());
  const strides = new Array<number>(shape.length);
  for (let i = shape.length - 1, s = 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return { data, dtype, shape, strides, offset: 2 };
}

function withNative(name: string, fn: (nb: Backend) => void): void {
  it(name, (t) => {
    if (skipReason !== null) return t.skip(skipReason);
    fn(nativeBackend());
  });
}

/** float64 results agree to rounding; float32 ones to float32 tolerance. */
function same(a: ArrayLike<number> | null, e: ArrayLike<number> | null, dtype: DType, what: string): void {
  assert.equal(a === null, e === null, `${what}: presence`);
  if (a !== null && e !== null) assertSame(a as never, e as never, dtype, what);
}

const LAYER_SHAPES: [number, number][] = [[1, 5], [7, 13], [64, 128], [300, 257], [3, 1], [0, 4]];
const BATCH_SHAPES: [number, number, number][] = [[2, 3, 1], [16, 5, 1], [4, 3, 49], [32, 16, 100], [1, 64, 576], [0, 3, 4]];

describe('native normalization kernels match the reference', () => {
  for (const dtype of ['float32', 'float64'] as DType[]) {
    withNative(`layerNorm forward and backward, ${dtype}`, (nb) => {
      const rng = seeded(5);
      for (const [rows, cols] of LAYER_SHAPES) {
        for (const affine of [[true, true], [true, false], [false, true], [false, false]] as const) {
          const x = view([rows, cols], dtype, rng, 2, 0.5);
          const w = affine[0] ? view([cols], dtype, rng) : null;
          const b = affine[1] ? view([cols], dtype, rng) : null;
          const what = `${dtype} [${rows}, ${cols}] weight ${affine[0]} bias ${affine[1]}`;
          let f = nb.layerNorm(x, w, b, 1e-5);
          const calls = countAddonCalls(() => (f = nb.layerNorm(x, w, b, 1e-5)));
          assert.equal(calls['normForward'], 1, `${what}: native forward`);
          const r = js.layerNorm(x, w, b, 1e-5);
          same(f.out, r.out, dtype, `${what} out`);
          same(f.mean, r.mean, dtype, `${what} mean`);
          same(f.rstd, r.rstd, dtype, `${what} rstd`);
          const g = view([rows, cols], dtype, rng);
          const mean: View = { data: r.mean, dtype, shape: [rows], strides: [1], offset: 0 };
          const rstd: View = { data: r.rstd, dtype, shape: [rows], strides: [1], offset: 0 };
          const nbk = nb.layerNormBackward(g, x, mean, rstd, w, w !== null, b !== null);
          const rbk = js.layerNormBackward(g, x, mean, rstd, w, w !== null, b !== null);
          same(nbk.dx, rbk.dx, dtype, `${what} dx`);
          same(nbk.dweight, rbk.dweight, dtype, `${what} dweight`);
          same(nbk.dbias, rbk.dbias, dtype, `${what} dbias`);
        }
      }
    });

    withNative(`batchNorm forward and backward, ${dtype}`, (nb) => {
      const rng = seeded(9);
      for (const shape of BATCH_SHAPES) {
        for (const withAffine of [true, false]) {
          const c = shape[1];
          const x = view(shape, dtype, rng, 3, -1);
          const w = withAffine ? view([c], dtype, rng) : null;
          const b = withAffine ? view([c], dtype, rng) : null;
          const what = `${dtype} [${shape}] affine ${withAffine}`;
          const f = nb.batchNorm(x, w, b, 1e-3);
          const r = js.batchNorm(x, w, b, 1e-3);
          for (const k of ['out', 'mean', 'rstd', 'variance'] as const) same(f[k], r[k], dtype, `${what} ${k}`);
          const g = view(shape, dtype, rng);
          const mean: View = { data: r.mean, dtype, shape: [c], strides: [1], offset: 0 };
          const rstd: View = { data: r.rstd, dtype, shape: [c], strides: [1], offset: 0 };
          let nbk = nb.batchNormBackward(g, x, mean, rstd, w, withAffine, withAffine);
          const calls = countAddonCalls(() => (nbk = nb.batchNormBackward(g, x, mean, rstd, w, withAffine, withAffine)));
          assert.equal(calls['normBackward'], 1, `${what}: native backward`);
          const rbk = js.batchNormBackward(g, x, mean, rstd, w, withAffine, withAffine);
          same(nbk.dx, rbk.dx, dtype, `${what} dx`);
          same(nbk.dweight, rbk.dweight, dtype, `${what} dweight`);
          same(nbk.dbias, rbk.dbias, dtype, `${what} dbias`);
        }
      }
    });
  }

  withNative('a shape that does not fit the arrays throws instead of reading past them', () => {
    const addon = addonStatus.addon!;
    const x = new Float32Array(10);
    const out = new Float32Array(10);
    const stats = new Float32Array(2);
    const meta = (globalThis as Record<symbol, Float64Array>)[Symbol.for('tessera.native.meta')]!;
    meta.set([0, 1, 2, 6, 1e-5, 0, 0, 0]); // layer norm of [2, 6]: 12 elements, x has 10
    assert.throws(() => addon.normForward(out, stats, new Float32Array(2), null, x, null, null), /do not fit its shape/);
    meta.set([0, 1, 2, 5, 1e-5, 1, 0, 0]); // [2, 5] at offset 1: one past the end
    assert.throws(() => addon.normForward(out, stats, new Float32Array(2), null, x, null, null), /do not fit its shape/);
    meta.set([2, 1, 2, 5, 1e-5, 0, 0, 0]); // unknown kind
    assert.throws(() => addon.normForward(out, stats, new Float32Array(2), null, x, null, null), /bad normalization shape/);
    meta.set([0, 1, 2, 5, 1e-5, 0, 0, 0]);
    assert.equal(addon.normForward(new Int32Array(10) as never, new Int32Array(2) as never, new Int32Array(2) as never, null, new Int32Array(10) as never, null, null), false);
  });
});
