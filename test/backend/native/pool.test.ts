/**
 * The native pooling kernels against the reference kernels. They promise the same bits, not just
 * close values: max pooling compares the same values in the same order (ties go to the first tap,
 * NaN wins and the last NaN stays), and average pooling and its gradient sum in double in the
 * reference's order and round once. So every comparison here is exact.
 */
import { describe, it } from 'node:test';
import type { Pool2dParams, View } from '../../../src/backend/backend.js';
import { jsBackend } from '../../../src/backend/js/index.js';
import { contiguousStrides } from '../../../src/tensor/shape.js';
import { seeded } from '../../helpers.js';
import { assertSame, int, native, numel, skipReason, view, type FloatDType, type Layout, type Rng } from './strided-views.js';

interface Case {
  p: Pool2dParams;
  shape: number[];
}

/** The output size rule of the ops (src/ops/nn/pool.ts), ceil mode included. */
function outSize(size: number, k: number, s: number, pad: number, d: number, ceil: boolean): number {
  let m = Math.floor((size + 2 * pad - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (m - 1) * s >= size + pad) m--;
  return m;
}

function makeCase(shape: number[], o: Partial<Pool2dParams> & { kernel: [number, number] }, ceil = false): Case {
  const p: Pool2dParams = {
    stride: o.kernel,
    padding: [0, 0],
    dilation: [1, 1],
    countIncludePad: true,
    divisorOverride: null,
    outSize: [0, 0],
    ...o,
  };
  p.outSize = [0, 1].map((i) => outSize(shape[2 + i]!, p.kernel[i]!, p.stride[i]!, p.padding[i]!, p.dilation[i]!, ceil)) as [number, number];
  return { p, shape };
}

function randomCase(rng: Rng): Case {
  for (;;) {
    const kernel: [number, number] = [int(rng, 1, 4), int(rng, 1, 4)];
    const c = makeCase(
      [rng() < 0.1 ? 0 : int(rng, 1, 3), rng() < 0.05 ? 0 : int(rng, 1, 4), int(rng, 1, 10), int(rng, 1, 10)],
      {
        kernel,
        stride: [int(rng, 1, 3), int(rng, 1, 3)],
        padding: [int(rng, 0, kernel[0] >> 1), int(rng, 0, kernel[1] >> 1)],
        dilation: [int(rng, 1, 2), int(rng, 1, 2)],
        countIncludePad: rng() < 0.5,
        divisorOverride: rng() < 0.2 ? (rng() < 0.5 ? -int(rng, 1, 5) : int(rng, 1, 7)) : null,
      },
      rng() < 0.5,
    );
    if (c.p.outSize[0] >= 1 && c.p.outSize[1] >= 1) return c;
  }
}

/** Values with ties (small integers), NaN and infinities mixed in, or plain uniform ones. */
function poolValues(n: number, rng: Rng): Float64Array {
  const ties = rng() < 0.5;
  return Float64Array.from({ length: n }, () => {
    const r = rng();
    if (r < 0.04) return NaN;
    if (r < 0.07) return -Infinity;
    if (r < 0.09) return Infinity;
    return ties ? int(rng, -2, 2) : rng() * 2 - 1;
  });
}

const LAYOUTS: Layout[] = ['contiguous', 'random', 'random', 'transposed-plane'];

function compare(c: Case, dtype: FloatDType, rng: Rng, layout?: Layout): void {
  const nb = native!;
  const what = (k: string) => `${k} ${dtype} x ${JSON.stringify(c.shape)} ${JSON.stringify(c.p)}`;
  const x = view(poolValues(numel(c.shape), rng), c.shape, dtype, rng, layout ?? LAYOUTS[int(rng, 0, 3)]!);
  const gShape = [c.shape[0]!, c.shape[1]!, ...c.p.outSize];
  const g = view(poolValues(numel(gShape), rng), gShape, dtype, rng, layout ?? LAYOUTS[int(rng, 0, 3)]!);
  const got = nb.maxPool2d(x, c.p);
  const want = jsBackend.maxPool2d(x, c.p);
  assertSame(got.values, want.values, what('maxPool2d values'));
  assertSame(got.indices, want.indices, what('maxPool2d indices'));
  assertSame(nb.avgPool2d(x, c.p), jsBackend.avgPool2d(x, c.p), what('avgPool2d'));
  assertSame(nb.avgPool2dGrad(g, c.p, c.shape), jsBackend.avgPool2dGrad(g, c.p, c.shape), what('avgPool2dGrad'));
  compareMaxPoolGrad(c, g, want.indices, dtype, what('maxPool2dGrad'));
}

/**
 * maxPool2dGrad, native against the reference, and the reference against the scatter-add over
 * zeros that it replaced (the same sums in the same order: exact, overlapping windows included).
 */
function compareMaxPoolGrad(c: Case, g: View, indices: Int32Array, dtype: FloatDType, what: string): void {
  const [N, C, H, W] = c.shape as [number, number, number, number];
  const flat = [N, C, c.p.outSize[0] * c.p.outSize[1]];
  const idx: View = { data: indices, dtype: 'int32', shape: g.shape, strides: contiguousStrides(g.shape), offset: 0 };
  const want = jsBackend.maxPool2dGrad(g, idx, c.shape);
  assertSame(native!.maxPool2dGrad(g, idx, c.shape), want, what);
  const gFlat: View = { data: jsBackend.copy(g, dtype), dtype, shape: flat, strides: contiguousStrides(flat), offset: 0 };
  const zeros: View = { data: jsBackend.alloc(dtype, N * C * H * W), dtype, shape: [N, C, H * W], strides: contiguousStrides([N, C, H * W]), offset: 0 };
  const idxFlat: View = { ...idx, shape: flat, strides: contiguousStrides(flat) };
  assertSame(want, jsBackend.scatter(zeros, 2, idxFlat, gFlat, true), `${what} (scatter-add)`);
}

for (const dtype of ['float32', 'float64'] as const) {
  describe(`native pooling kernels (${dtype})`, { skip: skipReason }, () => {
    it('match the reference exactly on random shapes, options, layouts, ties, NaN and infinities', () => {
      const rng = seeded(dtype === 'float32' ? 21 : 22);
      for (let t = 0; t < 300; t++) compare(randomCase(rng), dtype, rng);
    });

    it('match on the usual windows and on sizes that run planes in parallel', () => {
      const rng = seeded(23);
      compare(makeCase([4, 16, 24, 24], { kernel: [2, 2] }), dtype, rng, 'contiguous');
      compare(makeCase([3, 8, 25, 23], { kernel: [3, 3], stride: [2, 2], padding: [1, 1] }, true), dtype, rng, 'random');
      compare(makeCase([2, 5, 31, 17], { kernel: [3, 2], stride: [1, 1], padding: [1, 1], countIncludePad: false }), dtype, rng, 'transposed-plane');
      compare(makeCase([1, 3, 9, 40], { kernel: [1, 4], stride: [1, 3], divisorOverride: 3 }, true), dtype, rng, 'random');
    });

    it('handle empty batches and channels', () => {
      const rng = seeded(24);
      compare(makeCase([0, 3, 6, 6], { kernel: [2, 2] }), dtype, rng);
      compare(makeCase([2, 0, 6, 6], { kernel: [3, 3], stride: [1, 1], padding: [1, 1] }), dtype, rng);
    });
  });
}
