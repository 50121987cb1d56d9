/**
 * The native conv2d kernels (forward, input gradient, weight gradient) against the reference
 * kernels, on random shapes with stride, padding, dilation and groups, outputs that read past the
 * input ('same' padding with even kernels), empty batches and channels, inputs in random strided
 * layouts (permuted, gapped, flipped, broadcast, transposed planes), and sizes large enough to take
 * the threaded and chunked paths.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Conv2dParams, View } from '../../../src/backend/backend.js';
import type { TypedArray } from '../../../src/tensor/dtype.js';
import { jsBackend } from '../../../src/backend/js/index.js';
import { seeded } from '../../helpers.js';
import { absView, int, native, numel, randomValues, skipReason, view, type FloatDType, type Layout, type Rng } from './strided-views.js';

interface Case {
  p: Conv2dParams;
  xShape: number[];
  wShape: number[];
  outShape: number[];
}

/** A conv with random options; `extra` output rows/columns read past the input like 'same' padding does. */
function randomCase(rng: Rng): Case {
  for (;;) {
    const groups = int(rng, 1, 3);
    const cpg = rng() < 0.05 ? 0 : int(rng, 1, 3);
    const opg = rng() < 0.05 ? 0 : int(rng, 1, 3);
    const N = rng() < 0.1 ? 0 : int(rng, 1, 4);
    const [H, W] = [int(rng, 1, 9), int(rng, 1, 9)];
    const [kh, kw] = [int(rng, 1, 4), int(rng, 1, 4)];
    const p: Conv2dParams = {
      stride: [int(rng, 1, 3), int(rng, 1, 3)],
      padding: [int(rng, 0, 2), int(rng, 0, 2)],
      dilation: [int(rng, 1, 2), int(rng, 1, 2)],
      groups,
    };
    const extra = [int(rng, 0, 1), int(rng, 0, 1)];
    const out = (size: number, i: 0 | 1, k: number) => Math.floor((size + 2 * p.padding[i] + extra[i]! - p.dilation[i] * (k - 1) - 1) / p.stride[i]) + 1;
    const [HO, WO] = [out(H, 0, kh), out(W, 1, kw)];
    if (HO < 1 || WO < 1) continue;
    return { p, xShape: [N, groups * cpg, H, W], wShape: [groups * opg, cpg, kh, kw], outShape: [N, groups * opg, HO, WO] };
  }
}

function makeCase(x: number[], w: number[], p: Partial<Conv2dParams>, extra: [number, number] = [0, 0]): Case {
  const q: Conv2dParams = { stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1, ...p };
  const out = (i: 0 | 1) => Math.floor((x[2 + i]! + 2 * q.padding[i] + extra[i] - q.dilation[i] * (w[2 + i]! - 1) - 1) / q.stride[i]) + 1;
  return { p: q, xShape: x, wShape: w, outShape: [x[0]!, w[0]!, out(0), out(1)] };
}

/**
 * Asserts |got - want| <= (2L + 2) * u * absRef elementwise, u the unit roundoff of the dtype. Why:
 * the reference sums in float64 and rounds once; the native kernels sum L products (L = the
 * reduction length) in the output dtype, in GEMM's blocked order. Summing L terms in any order errs by
 * at most about L * u * sum|terms|, and sum|terms| is the reference kernel applied to absolute values
 * (absRef). The bound covers both sides' errors and the final rounding, so it never fails by chance,
 * while a wrong tap or channel shifts a result by a whole term, far outside it.
 */
function assertWithin(got: TypedArray, want: TypedArray, absRef: TypedArray, L: number, dtype: FloatDType, what: string): void {
  assert.ok(got instanceof (dtype === 'float64' ? Float64Array : Float32Array), `${what}: output dtype`);
  assert.equal(got.length, want.length, `${what}: length`);
  const u = dtype === 'float64' ? 2 ** -53 : 2 ** -24;
  for (let i = 0; i < want.length; i++) {
    const tol = (2 * L + 2) * u * absRef[i]!;
    if (!(Math.abs(got[i]! - want[i]!) <= tol)) assert.fail(`${what}: element ${i}: got ${got[i]}, expected ${want[i]} (tolerance ${tol})`);
  }
}

const LAYOUTS: Layout[] = ['contiguous', 'random', 'random', 'transposed-plane'];
const pick = (rng: Rng): Layout => LAYOUTS[int(rng, 0, LAYOUTS.length - 1)]!;

/** Runs all three kernels on native and js for one case and compares them. */
function compare(c: Case, dtype: FloatDType, rng: Rng, layout?: Layout): void {
  const nb = native!;
  const x = view(randomValues(numel(c.xShape), rng), c.xShape, dtype, rng, layout ?? pick(rng));
  const w = view(randomValues(numel(c.wShape), rng), c.wShape, dtype, rng, layout ?? pick(rng));
  const g = view(randomValues(numel(c.outShape), rng), c.outShape, dtype, rng, layout ?? pick(rng));
  const [N, , kh, kw] = [c.xShape[0]!, c.xShape[1]!, c.wShape[2]!, c.wShape[3]!];
  const what = (k: string) => `${k} ${dtype} x ${JSON.stringify(c.xShape)} w ${JSON.stringify(c.wShape)} out ${JSON.stringify(c.outShape)} ${JSON.stringify(c.p)}`;
  const abs = (v: View) => absView(v);
  assertWithin(
    nb.conv2d(x, w, c.p, c.outShape),
    jsBackend.conv2d(x, w, c.p, c.outShape),
    jsBackend.conv2d(abs(x), abs(w), c.p, c.outShape),
    c.wShape[1]! * kh * kw,
    dtype,
    what('conv2d'),
  );
  assertWithin(
    nb.conv2dInputGrad(g, w, c.p, c.xShape),
    jsBackend.conv2dInputGrad(g, w, c.p, c.xShape),
    jsBackend.conv2dInputGrad(abs(g), abs(w), c.p, c.xShape),
    (c.wShape[0]! / c.p.groups) * kh * kw,
    dtype,
    what('conv2dInputGrad'),
  );
  assertWithin(
    nb.conv2dWeightGrad(x, g, c.p, c.wShape),
    jsBackend.conv2dWeightGrad(x, g, c.p, c.wShape),
    jsBackend.conv2dWeightGrad(abs(x), abs(g), c.p, c.wShape),
    N * c.outShape[2]! * c.outShape[3]!,
    dtype,
    what('conv2dWeightGrad'),
  );
}

for (const dtype of ['float32', 'float64'] as const) {
  describe(`native conv2d kernels (${dtype})`, { skip: skipReason }, () => {
    it('match the reference on random shapes, options and layouts', () => {
      const rng = seeded(dtype === 'float32' ? 11 : 12);
      for (let t = 0; t < 150; t++) compare(randomCase(rng), dtype, rng);
    });

    it('take the 1x1 path (the input is its own column buffer) with any layout and groups', () => {
      const rng = seeded(13);
      for (const layout of ['contiguous', 'random', 'transposed-plane'] as const) {
        compare(makeCase([3, 4, 5, 7], [6, 4, 1, 1], {}), dtype, rng, layout);
        compare(makeCase([2, 6, 1, 9], [4, 3, 1, 1], { groups: 2 }), dtype, rng, layout);
        compare(makeCase([2, 3, 6, 1], [5, 3, 1, 1], { dilation: [2, 3] }), dtype, rng, layout);
        // 1x1 but not the same size: strided, padded, or reading past the input.
        compare(makeCase([2, 3, 6, 5], [2, 3, 1, 1], { stride: [2, 1] }), dtype, rng, layout);
        compare(makeCase([2, 3, 6, 5], [2, 3, 1, 1], { padding: [1, 0] }), dtype, rng, layout);
        compare(makeCase([2, 3, 6, 5], [2, 3, 1, 1], {}, [1, 1]), dtype, rng, layout);
      }
    });

    it("handles outputs larger than the input ('same' with even kernels) and inputs wider than the windows reach", () => {
      const rng = seeded(14);
      compare(makeCase([2, 3, 6, 6], [4, 3, 4, 2], { padding: [1, 0] }, [1, 1]), dtype, rng);
      compare(makeCase([2, 2, 7, 8], [3, 2, 3, 3], { stride: [2, 3] }), dtype, rng); // rows 6 and 7 unreached
      compare(makeCase([1, 2, 5, 5], [2, 2, 2, 2], { dilation: [2, 2], padding: [1, 1] }, [1, 0]), dtype, rng);
    });

    it('handles empty batches, zero channels and zero output channels', () => {
      const rng = seeded(15);
      compare(makeCase([0, 3, 5, 5], [4, 3, 3, 3], {}), dtype, rng);
      compare(makeCase([2, 0, 5, 5], [4, 0, 3, 3], {}), dtype, rng);
      compare(makeCase([2, 3, 5, 5], [0, 3, 3, 3], {}), dtype, rng);
      compare(makeCase([0, 0, 5, 5], [0, 0, 1, 1], { groups: 2 }), dtype, rng);
      const nb = native!;
      const p: Conv2dParams = { stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1 };
      const x = view(new Float64Array(0), [0, 2, 4, 4], dtype, rng);
      const g = view(new Float64Array(0), [0, 3, 2, 2], dtype, rng);
      assert.deepEqual([...nb.conv2dWeightGrad(x, g, p, [3, 2, 3, 3])], new Array(54).fill(0));
    });

    it('match on sizes that take the threaded and chunked paths', () => {
      const rng = seeded(16);
      // One image: threads inside GEMM and im2col/col2im.
      compare(makeCase([1, 16, 24, 24], [32, 16, 3, 3], { padding: [1, 1] }), dtype, rng, 'contiguous');
      // Several images in parallel, column buffers in chunks of output rows.
      compare(makeCase([3, 24, 40, 40], [8, 24, 3, 3], { padding: [1, 1] }), dtype, rng, 'random');
      compare(makeCase([5, 4, 23, 29], [6, 2, 5, 5], { groups: 2, stride: [2, 1], dilation: [2, 1], padding: [2, 1] }), dtype, rng, 'random');
      compare(makeCase([4, 32, 12, 12], [64, 32, 1, 1], {}), dtype, rng, 'contiguous');
      // O/groups a multiple of 32: the weight gradient is summed transposed.
      compare(makeCase([3, 4, 16, 16], [64, 2, 3, 3], { groups: 2, padding: [1, 0] }), dtype, rng, 'random');
    });
  });
}
