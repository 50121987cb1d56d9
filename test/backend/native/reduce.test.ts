/**
 * Native reductions (every subset of dims), argmax/argmin, cumsum/cumprod and softmax against the
 * reference kernels on every layout of random shapes.
 */
import { describe, it } from 'node:test';
import type { Backend, DType, View } from '../../../src/index.js';
import type { ReduceOp } from '../../../src/backend/backend.js';
import { seeded } from '../../helpers.js';
import { noFallback, assertSame, forEachKernelTable, describeView, forcingNative, js, layouts, nativeBackend, randomView, SHAPES, skipReason, valueSource } from './support.js';

function withNative(name: string, fn: (nb: Backend) => void): void {
  it(name, (t) => {
    if (skipReason !== null) return t.skip(skipReason);
    const nb = nativeBackend();
    forcingNative(() => forEachKernelTable(() => fn(nb)));
  });
}

/** Views of every test shape in every layout (the big shape in two), with or without NaN/inf. */
function* cases(dtype: DType, seed: number, specials: boolean): Generator<View> {
  const rng = seeded(seed);
  for (const shape of SHAPES) {
    if (shape.length === 0) continue; // kernels get at least 1-d views for these ops
    const big = shape.reduce((a, b) => a * b, 1) > 10000;
    for (const layout of big ? layouts(shape).slice(0, 2) : layouts(shape)) yield randomView(shape, dtype, rng, valueSource(dtype, rng, { specials, scale: dtype === 'int32' ? 3 : 1 }), layout);
  }
}

/** Every subset of dims of an ndim-dimensional shape (sorted, unique; the empty one excluded). */
function dimSubsets(ndim: number): number[][] {
  const out: number[][] = [];
  for (let mask = 1; mask < 1 << ndim; mask++) out.push([...Array(ndim).keys()].filter((d) => mask & (1 << d)));
  return out;
}

const FLOAT_OPS: ReduceOp[] = ['sum', 'prod', 'max', 'min', 'all', 'any'];

describe('native reduce matches the reference', () => {
  for (const dtype of ['float32', 'float64'] as DType[]) {
    for (const op of FLOAT_OPS) {
      withNative(`${op} ${dtype}`, (nb) => {
        const outDtype: DType = op === 'all' || op === 'any' ? 'bool' : dtype;
        // prod over many elements overflows; keep its values near 1 so products stay finite and informative
        for (const x of cases(dtype, 3, op !== 'prod')) {
          if (op === 'prod') for (let i = 0; i < x.data.length; i++) x.data[i] = 1 + (x.data[i]! - Math.trunc(x.data[i]!)) * 0.01;
          for (const dims of dimSubsets(x.shape.length)) {
            assertSame(noFallback(() => nb.reduce(op, x, dims, outDtype)), js.reduce(op, x, dims, outDtype), outDtype, `${op} ${describeView(x)} over [${dims}]`);
          }
        }
      });
    }
  }
  withNative('int32 sum (wrapping), max and min; bool sum to int32; all/any on int32 and bool', (nb) => {
    for (const x of cases('int32', 7, false)) {
      x.data[0] = 2147483647;
      for (const dims of dimSubsets(x.shape.length)) {
        for (const op of ['sum', 'max', 'min'] as ReduceOp[]) assertSame(noFallback(() => nb.reduce(op, x, dims, 'int32')), js.reduce(op, x, dims, 'int32'), 'int32', `${op} ${describeView(x)} [${dims}]`, true);
        for (const op of ['all', 'any'] as ReduceOp[]) assertSame(noFallback(() => nb.reduce(op, x, dims, 'bool')), js.reduce(op, x, dims, 'bool'), 'bool', `${op} ${describeView(x)} [${dims}]`, true);
      }
    }
    for (const x of cases('bool', 9, false)) {
      for (const dims of dimSubsets(x.shape.length)) {
        assertSame(noFallback(() => nb.reduce('sum', x, dims, 'int32')), js.reduce('sum', x, dims, 'int32'), 'int32', `bool sum ${describeView(x)} [${dims}]`, true);
        for (const op of ['all', 'any'] as ReduceOp[]) assertSame(noFallback(() => nb.reduce(op, x, dims, 'bool')), js.reduce(op, x, dims, 'bool'), 'bool', `${op} ${describeView(x)} [${dims}]`, true);
      }
    }
  });
});

describe('native argReduce, scan and softmax match the reference', () => {
  withNative('argmax and argmin (first occurrence, NaN wins)', (nb) => {
    for (const dtype of ['float32', 'float64', 'int32'] as DType[]) {
      for (const x of cases(dtype, 13, true)) {
        for (let dim = 0; dim < x.shape.length; dim++) {
          for (const op of ['argmax', 'argmin'] as const) assertSame(noFallback(() => nb.argReduce(op, x, dim)), js.argReduce(op, x, dim), 'int32', `${op} ${dtype} ${describeView(x)} dim ${dim}`, true);
        }
      }
    }
  });
  withNative('cumsum and cumprod', (nb) => {
    for (const dtype of ['float32', 'float64', 'int32'] as DType[]) {
      for (const x of cases(dtype, 19, true)) {
        for (let dim = 0; dim < x.shape.length; dim++) {
          assertSame(noFallback(() => nb.scan('cumsum', x, dim, dtype)), js.scan('cumsum', x, dim, dtype), dtype, `cumsum ${dtype} ${describeView(x)} dim ${dim}`);
          if (dtype !== 'int32') assertSame(noFallback(() => nb.scan('cumprod', x, dim, dtype)), js.scan('cumprod', x, dim, dtype), dtype, `cumprod ${dtype} ${describeView(x)} dim ${dim}`);
        }
      }
    }
  });
  withNative('softmax and logSoftmax (rows of -inf give NaN, NaN spreads over its row)', (nb) => {
    for (const dtype of ['float32', 'float64'] as DType[]) {
      for (const specials of [false, true]) {
        for (const x of cases(dtype, 23, specials)) {
          for (let dim = 0; dim < x.shape.length; dim++) {
            for (const log of [false, true]) assertSame(noFallback(() => nb.softmax(x, dim, log)), js.softmax(x, dim, log), dtype, `softmax(log=${log}) ${dtype} ${describeView(x)} dim ${dim}`);
          }
        }
      }
      const rows: View = { data: (dtype === 'float32' ? Float32Array : Float64Array).from([-Infinity, -Infinity, 0, -Infinity, 1000, -1000]), dtype, shape: [3, 2], strides: [2, 1], offset: 0 };
      for (const log of [false, true]) assertSame(noFallback(() => nb.softmax(rows, 1, log)), js.softmax(rows, 1, log), dtype, `softmax(log=${log}) special rows`);
    }
  });
});
