/**
 * Native copy/assign, unary, binary and where against the reference kernels, on every layout of
 * random shapes (0-d, empty, ones, primes, one big enough for every thread), both float dtypes and
 * the int32/bool cases with native loops.
 */
import { describe, it } from 'node:test';
import type { Backend, DType, View } from '../../../src/index.js';
import type { BinaryOp, UnaryOp } from '../../../src/backend/backend.js';
import { BINARY_OPS, UNARY_OPS } from '../../../src/backend/native/codes.js';
import assert from 'node:assert/strict';
import { seeded } from '../../helpers.js';
import { erf } from '../../../src/backend/js/math.js';
import { contiguousStrides } from '../../../src/tensor/shape.js';
import { noFallback, assertSame, forEachKernelTable, countAddonCalls, describeView, forcingNative, js, layouts, nativeBackend, randomView, SHAPES, skipReason, valueSource } from './support.js';

const FLOATS: DType[] = ['float32', 'float64'];
const DTYPES: DType[] = ['float32', 'float64', 'int32', 'bool'];

/** Ops whose native and reference results must agree bit for bit (no rounding differences possible). */
const EXACT_UNARY = new Set<UnaryOp>(['neg', 'abs', 'sign', 'sqrt', 'square', 'reciprocal', 'relu', 'leakyRelu', 'floor', 'ceil', 'round', 'trunc', 'isnan', 'isfinite', 'isinf', 'logicalNot']);
const EXACT_BINARY = new Set<BinaryOp>(['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr', 'logicalXor']);
const PREDICATES = new Set<UnaryOp>(['isnan', 'isfinite', 'isinf', 'logicalNot']);
const COMPARISONS = new Set<BinaryOp>(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr', 'logicalXor']);

function withNative(name: string, fn: (nb: Backend) => void): void {
  it(name, (t) => {
    if (skipReason !== null) return t.skip(skipReason);
    const nb = nativeBackend();
    forcingNative(() => forEachKernelTable(() => fn(nb)));
  });
}

/** The op's natural parameter (slope, alpha, exponent) for a test. */
function paramOf(op: UnaryOp): number {
  if (op === 'leakyRelu') return 0.01;
  if (op === 'elu') return 1.3;
  if (op === 'powScalar') return 2.5;
  return 0;
}

/** Each layout of each test shape, as views of `dtype` (the big shape only contiguous and scrambled). */
function* cases(dtype: DType, seed: number, options: { specials?: boolean; scale?: number } = {}): Generator<View> {
  const rng = seeded(seed);
  for (const shape of SHAPES) {
    const big = shape.reduce((a, b) => a * b, 1) > 10000;
    for (const layout of big ? layouts(shape).slice(0, 2) : layouts(shape)) yield randomView(shape, dtype, rng, valueSource(dtype, rng, options), layout);
  }
}

describe('native unary kernels match the reference', () => {
  for (const op of UNARY_OPS) {
    withNative(op, (nb) => {
      for (const dtype of FLOATS) {
        const outDtype: DType = PREDICATES.has(op) ? 'bool' : dtype;
        for (const x of cases(dtype, 11)) {
          const what = `${op} ${dtype} ${describeView(x)}`;
          assertSame(noFallback(() => nb.unary(op, x, outDtype, paramOf(op))), js.unary(op, x, outDtype, paramOf(op)), outDtype, what, EXACT_UNARY.has(op));
        }
      }
    });
  }
  withNative('int32 neg, abs, sign, square and powScalar wrap like the reference', (nb) => {
    const extremes = [2147483647, -2147483648, 0, -1, 46341, -46341];
    for (const op of ['neg', 'abs', 'sign', 'square', 'powScalar'] as UnaryOp[]) {
      for (const x of cases('int32', 5)) {
        x.data.set(extremes.slice(0, Math.min(extremes.length, x.data.length)));
        const p = op === 'powScalar' ? 3 : 0;
        assertSame(noFallback(() => nb.unary(op, x, 'int32', p)), js.unary(op, x, 'int32', p), 'int32', `${op} ${describeView(x)}`, true);
      }
    }
  });
});

describe('native float32 erf and gelu (vectorized polynomial forms)', () => {
  /** Distance from the float32 rounding of `exact`, in units of its last place. */
  const ulps = (value: number, exact: number): number => {
    const rounded = Math.fround(exact);
    return Math.abs(value - rounded) / Math.max(Math.abs(rounded) * 2 ** -23, 2 ** -149);
  };
  withNative('within one float32 ulp of the float64 reference over [-5, 8], NaN and infinities kept', (nb) => {
    const n = 26001;
    const x = new Float32Array(n + 4).map((_, i) => -5 + (13 * i) / (n - 1));
    x.set([NaN, Infinity, -Infinity, -0], n);
    const view: View = { data: x, dtype: 'float32', shape: [x.length], strides: [1], offset: 0 };
    const e = noFallback(() => nb.unary('erf', view, 'float32', 0));
    const g = noFallback(() => nb.unary('gelu', view, 'float32', 0));
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      // the reference is accurate here: 1 + erf(v / sqrt 2) loses at most 2e-10 of its value at v = -5
      assert.ok(ulps(e[i]!, erf(v)) <= 1, `erf(${v}) = ${e[i]}, expected ${erf(v)}`);
      assert.ok(ulps(g[i]!, 0.5 * v * (1 + erf(v * Math.SQRT1_2))) <= 1, `gelu(${v}) = ${g[i]}`);
    }
    assert.ok(Number.isNaN(e[n]!) && Number.isNaN(g[n]!));
    assert.deepEqual([e[n + 1], e[n + 2], g[n + 1]], [1, -1, Infinity]);
    assert.ok(Object.is(e[n + 3], -0) && Object.is(g[n + 3], -0));
  });
  withNative('gelu keeps its relative accuracy far into the negative tail (no cancellation in 1 + erf)', (nb) => {
    // 0.5 x erfc(-x / sqrt 2), computed in high precision
    const cases: [number, number][] = [[-6, -5.919525758457667e-9], [-8, -4.9767683396140065e-15], [-10, -7.619852977043458e-23], [-13, -7.952313854143535e-38]];
    const x = new Float32Array(cases.map((c) => c[0]));
    const g = noFallback(() => nb.unary('gelu', { data: x, dtype: 'float32', shape: [x.length], strides: [1], offset: 0 }, 'float32', 0));
    cases.forEach(([v, exact], i) => assert.ok(ulps(g[i]!, exact) <= 1, `gelu(${v}) = ${g[i]}, expected ${exact}`));
  });
});

describe('native binary kernels match the reference', () => {
  for (const op of BINARY_OPS) {
    withNative(op, (nb) => {
      for (const dtype of DTYPES) {
        if (dtype === 'bool' && !COMPARISONS.has(op)) continue;
        if (dtype === 'int32' && (op === 'div' || op === 'atan2')) continue;
        const outDtype: DType = COMPARISONS.has(op) ? 'bool' : dtype;
        const rng = seeded(23);
        for (const a of cases(dtype, 17)) {
          // b: the same shape in another layout (broadcast dims included), so every stride mix occurs
          const b = randomView(a.shape, dtype, rng, valueSource(dtype, rng), { scramble: rng() < 0.5, broadcast: a.shape.length > 1 && rng() < 0.5 ? [1] : [] });
          const what = `${op} ${dtype} a ${describeView(a)} b ${describeView(b)}`;
          const exact = EXACT_BINARY.has(op) || dtype === 'int32' || dtype === 'bool';
          assertSame(noFallback(() => nb.binary(op, a, b, outDtype)), js.binary(op, a, b, outDtype), outDtype, what, exact);
          assertSame(noFallback(() => nb.binary(op, b, a, outDtype)), js.binary(op, b, a, outDtype), outDtype, `${what} (swapped)`, exact);
        }
      }
    });
  }
  withNative('int32 floorDivide and remainder by zero and negative divisors, and overflow', (nb) => {
    const a: View = { data: Int32Array.from([7, -7, 7, -7, 5, -2147483648, 2147483647, 0]), dtype: 'int32', shape: [8], strides: [1], offset: 0 };
    const b: View = { data: Int32Array.from([2, 2, -2, -2, 0, -1, 2, 0]), dtype: 'int32', shape: [8], strides: [1], offset: 0 };
    for (const op of ['floorDivide', 'remainder', 'add', 'sub', 'mul', 'pow', 'maximum', 'minimum'] as BinaryOp[]) {
      assertSame(noFallback(() => nb.binary(op, a, b, 'int32')), js.binary(op, a, b, 'int32'), 'int32', op, true);
    }
  });
  withNative('mixed-dtype operands fall back to the reference', (nb) => {
    const a: View = { data: Float32Array.from([1.5, 2, 3]), dtype: 'float32', shape: [3], strides: [1], offset: 0 };
    const b: View = { data: Int32Array.from([1, 2, 3]), dtype: 'int32', shape: [3], strides: [1], offset: 0 };
    assertSame(nb.binary('add', a, b, 'float32'), js.binary('add', a, b, 'float32'), 'float32', 'add float32+int32', true);
  });
});

describe('native reluBackward matches the reference bit for bit', () => {
  withNative('reluBackward', (nb) => {
    for (const dtype of FLOATS) {
      const rng = seeded(37);
      // g from every layout (specials included: -g * 0 must stay -0, Infinity * 0 NaN), out laid out differently
      for (const g of cases(dtype, 41)) {
        const out = randomView(g.shape, dtype, rng, valueSource(dtype, rng), { scramble: true, flip: g.shape.map((_, i) => i).filter((d) => d % 2 === 1) });
        const what = `reluBackward ${dtype} g ${describeView(g)} out ${describeView(out)}`;
        const expected = js.reluBackward(g, out);
        assertSame(noFallback(() => nb.reluBackward(g, out)), expected, dtype, what, true);
        // the reference is the op chain g * (out > 0).to(dtype)'s values
        const mask = js.binary('gt', out, { data: new Float64Array([0]), dtype: 'float64', shape: out.shape, strides: out.shape.map(() => 0), offset: 0 }, 'bool');
        const maskView: View = { data: js.copy({ data: mask, dtype: 'bool', shape: out.shape, strides: contiguousStrides(out.shape), offset: 0 }, dtype), dtype, shape: out.shape, strides: contiguousStrides(out.shape), offset: 0 };
        assertSame(expected, js.binary('mul', g, maskView, dtype), dtype, `${what} (chain)`, true);
      }
    }
  });
});

describe('native where, copy and assign match the reference', () => {
  withNative('where', (nb) => {
    for (const dtype of DTYPES) {
      const rng = seeded(31);
      for (const c of cases('bool', 29)) {
        const a = randomView(c.shape, dtype, rng, valueSource(dtype, rng), { scramble: true });
        const b = randomView(c.shape, dtype, rng, valueSource(dtype, rng), { flip: c.shape.map((_, i) => i) });
        assertSame(noFallback(() => nb.where(c, a, b, dtype)), js.where(c, a, b, dtype), dtype, `where ${dtype} ${describeView(c)}`, true);
      }
    }
  });
  withNative('copy with every dtype cast (NaN, infinities and out-of-range values to int32 and bool)', (nb) => {
    for (const from of DTYPES) {
      for (const to of DTYPES) {
        for (const x of cases(from, 37, { scale: 1e9 })) {
          assertSame(noFallback(() => nb.copy(x, to)), js.copy(x, to), to, `copy ${from} -> ${to} ${describeView(x)}`, true);
        }
      }
    }
  });
  withNative('copy and assign of transposed matrices (the tiled path): edges, batches, offsets, every dtype', (nb) => {
    const rng = seeded(43);
    // [rows, cols] stored transposed, with a batch dim and partial tiles at both edges
    for (const [batch, rows, cols] of [[1, 8, 8], [1, 33, 70], [3, 128, 45], [2, 9, 300], [1, 512, 10]] as const) {
      for (const dtype of DTYPES) {
        const fill = valueSource(dtype, rng);
        const data = randomView([batch, cols, rows], dtype, rng, fill).data;
        const offset = 1;
        const x: View = { data, dtype, shape: [batch, rows, cols], strides: [rows * cols, 1, rows], offset: 0 };
        assertSame(noFallback(() => nb.copy(x, dtype)), js.copy(x, dtype), dtype, `transposed copy ${describeView(x)}`, true);
        // into a strided destination (rows padded by one element, at an offset)
        const dst: View = { data: randomView([batch * rows * (cols + 1) + offset], dtype, rng, fill).data, dtype, shape: [batch, rows, cols], strides: [rows * (cols + 1), cols + 1, 1], offset };
        const expected = { ...dst, data: dst.data.slice() };
        noFallback(() => nb.assign(dst, x));
        js.assign(expected, x);
        assertSame(dst.data, expected.data, dtype, `transposed assign ${describeView(dst)}`, true);
      }
    }
  });
  withNative('assign into strided destinations, from broadcast sources, with casts', (nb) => {
    const rng = seeded(41);
    for (const from of DTYPES) {
      for (const to of DTYPES) {
        for (const shape of SHAPES) {
          const src = randomView(shape, from, rng, valueSource(from, rng), { broadcast: shape.length > 0 ? [0] : [], scramble: true });
          const dst = randomView(shape, to, rng, valueSource(to, rng), { scramble: true, flip: shape.length > 1 ? [1] : [] });
          const expected = { ...dst, data: dst.data.slice() };
          noFallback(() => nb.assign(dst, src));
          js.assign(expected, src);
          assertSame(dst.data, expected.data, to, `assign ${from} -> ${to} ${describeView(dst)}`, true);
        }
      }
    }
  });
  withNative('assign from an overlapping view of the destination (x.copy_(x.flip(0)))', (nb) => {
    const rng = seeded(43);
    for (const dtype of FLOATS) {
      const dst = randomView([300, 9], dtype, rng, valueSource(dtype, rng));
      const flipped: View = { ...dst, strides: [-9, 1], offset: 299 * 9 };
      const expected = { ...dst, data: dst.data.slice() };
      js.assign(expected, { ...flipped, data: expected.data });
      noFallback(() => nb.assign(dst, flipped));
      assertSame(dst.data, expected.data, dtype, `overlapping assign ${dtype}`, true);
    }
  });
});

describe('the native path is the one tested', () => {
  withNative('every wrapper calls the addon when forced (no silent fallback)', (nb) => {
    const x: View = { data: new Float32Array(12).fill(0.5), dtype: 'float32', shape: [3, 4], strides: [4, 1], offset: 0 };
    const c: View = { data: new Uint8Array(12), dtype: 'bool', shape: [3, 4], strides: [4, 1], offset: 0 };
    const calls = countAddonCalls(() => {
      nb.copy(x, 'float64');
      nb.assign({ ...x, data: new Float32Array(12) }, x);
      nb.unary('exp', x, 'float32', 0);
      nb.binary('mul', x, x, 'float32');
      nb.where(c, x, x, 'float32');
      nb.reduce('sum', x, [1], 'float32');
      nb.argReduce('argmax', x, 0);
      nb.scan('cumsum', x, 1, 'float32');
      nb.softmax(x, 1, false);
    });
    for (const name of ['copy', 'unary', 'binary', 'where', 'reduce', 'argReduce', 'scan', 'softmax']) {
      if (!calls[name]) throw new Error(`${name}: the addon was not called (calls: ${JSON.stringify(calls)})`);
    }
  });
});
