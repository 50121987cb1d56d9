/**
 * The reference pooling kernels on random windows and strided views against naive loops written
 * after PyTorch's CPU kernels (window start/end clipping for the average's divisor).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { View } from '../../../src/index.js';
import type { Pool2dParams } from '../../../src/backend/backend.js';
import { avgPool2d, avgPool2dGrad, maxPool2d, maxPool2dGrad } from '../../../src/backend/js/pool.js';
import { seeded } from '../../helpers.js';

type Rng = () => number;
const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));

/** [N, C, H, W] values stored channels-last with a gap and an offset: a non-contiguous view. */
function channelsLast(values: Float64Array, shape: number[]): View {
  const [N, C, H, W] = shape as [number, number, number, number];
  const Cs = C + 1;
  const strides = [H * W * Cs, 1, W * Cs, Cs];
  const offset = 2;
  const data = new Float64Array(offset + N * H * W * Cs).fill(NaN);
  let k = 0;
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) data[offset + n * strides[0]! + c + h * strides[2]! + w * strides[3]!] = values[k++]!;
  return { data, dtype: 'float64', shape, strides, offset };
}

function randomCase(rng: Rng, withDilation: boolean): { shape: number[]; p: Pool2dParams } {
  for (;;) {
    const kernel: [number, number] = [int(rng, 1, 3), int(rng, 1, 3)];
    const stride: [number, number] = [int(rng, 1, 3), int(rng, 1, 3)];
    const padding: [number, number] = [int(rng, 0, Math.floor(kernel[0] / 2)), int(rng, 0, Math.floor(kernel[1] / 2))];
    const dilation: [number, number] = withDilation ? [int(rng, 1, 2), int(rng, 1, 2)] : [1, 1];
    const shape = [int(rng, 1, 2), int(rng, 1, 2), int(rng, 1, 6), int(rng, 1, 6)];
    const ceil = rng() < 0.5;
    const out = (i: 0 | 1) => {
      const size = shape[2 + i]!;
      let m = Math.floor((size + 2 * padding[i] - dilation[i] * (kernel[i] - 1) - 1 + (ceil ? stride[i] - 1 : 0)) / stride[i]) + 1;
      if (ceil && (m - 1) * stride[i] >= size + padding[i]) m--;
      return m;
    };
    const outSize: [number, number] = [out(0), out(1)];
    if (outSize[0] < 1 || outSize[1] < 1) continue;
    // Windows entirely in the padding (possible with dilation) are rejected by the ops.
    const inside = (i: 0 | 1, m: number) =>
      Array.from({ length: kernel[i] }, (_, k) => m * stride[i] - padding[i] + k * dilation[i]).some((r) => r >= 0 && r < shape[2 + i]!);
    if ([0, 1].some((i) => Array.from({ length: outSize[i]! }, (_, m) => m).some((m) => !inside(i as 0 | 1, m)))) continue;
    const divisorOverride = rng() < 0.2 ? int(rng, 1, 5) : null;
    return { shape, p: { kernel, stride, padding, dilation, outSize, countIncludePad: rng() < 0.5, divisorOverride } };
  }
}

const random = (n: number, rng: Rng) => new Float64Array(n).map(() => rng() * 2 - 1);

describe('js pooling kernels', () => {
  it('maxPool2d matches a naive loop, values and indices', () => {
    const rng = seeded(1);
    for (let t = 0; t < 80; t++) {
      const { shape, p } = randomCase(rng, true);
      const [N, C, H, W] = shape as [number, number, number, number];
      const x = random(N * C * H * W, rng);
      const { values, indices } = maxPool2d(channelsLast(x, shape), p);
      let k = 0;
      for (let plane = 0; plane < N * C; plane++) {
        for (let oh = 0; oh < p.outSize[0]; oh++) {
          for (let ow = 0; ow < p.outSize[1]; ow++, k++) {
            let best = -Infinity;
            let at = -1;
            for (let i = 0; i < p.kernel[0]; i++) {
              for (let j = 0; j < p.kernel[1]; j++) {
                const h = oh * p.stride[0] - p.padding[0] + i * p.dilation[0];
                const w = ow * p.stride[1] - p.padding[1] + j * p.dilation[1];
                if (h < 0 || h >= H || w < 0 || w >= W) continue;
                if (x[plane * H * W + h * W + w]! > best) [best, at] = [x[plane * H * W + h * W + w]!, h * W + w];
              }
            }
            assert.equal(values[k], best, `case ${t} ${JSON.stringify(p)} output ${k}`);
            assert.equal(indices[k], at, `case ${t} output ${k} index`);
          }
        }
      }
    }
  });

  it("avgPool2d and avgPool2dGrad match PyTorch's window clipping and are adjoint", () => {
    const rng = seeded(2);
    for (let t = 0; t < 80; t++) {
      const { shape, p } = randomCase(rng, false);
      const [N, C, H, W] = shape as [number, number, number, number];
      const [HO, WO] = p.outSize;
      const x = random(N * C * H * W, rng);
      const g = random(N * C * HO * WO, rng);
      const out = avgPool2d(channelsLast(x, shape), p);
      const dx = avgPool2dGrad(channelsLast(g, [N, C, HO, WO]), p, shape);
      const expectedDx = new Float64Array(dx.length);
      let k = 0;
      for (let plane = 0; plane < N * C; plane++) {
        for (let oh = 0; oh < HO; oh++) {
          for (let ow = 0; ow < WO; ow++, k++) {
            let h0 = oh * p.stride[0] - p.padding[0];
            let w0 = ow * p.stride[1] - p.padding[1];
            let h1 = Math.min(h0 + p.kernel[0], H + p.padding[0]);
            let w1 = Math.min(w0 + p.kernel[1], W + p.padding[1]);
            const poolSize = (h1 - h0) * (w1 - w0);
            [h0, w0, h1, w1] = [Math.max(h0, 0), Math.max(w0, 0), Math.min(h1, H), Math.min(w1, W)];
            const divisor = p.divisorOverride ?? (p.countIncludePad ? poolSize : (h1 - h0) * (w1 - w0));
            let sum = 0;
            for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) sum += x[plane * H * W + h * W + w]!;
            for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) expectedDx[plane * H * W + h * W + w] += g[k]! / divisor;
            assert.ok(Math.abs(out[k]! - sum / divisor) < 1e-12, `case ${t} ${JSON.stringify(p)} output ${k}: ${out[k]} vs ${sum / divisor}`);
          }
        }
      }
      expectedDx.forEach((v, i) => assert.ok(Math.abs(dx[i]! - v) < 1e-12, `case ${t} gradient ${i}`));
    }
  });

  it('keeps float32 in float32', () => {
    const p: Pool2dParams = { kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], outSize: [1, 1], countIncludePad: true, divisorOverride: null };
    const x: View = { data: new Float32Array([1, 2, 3, 4]), dtype: 'float32', shape: [1, 1, 2, 2], strides: [4, 4, 2, 1], offset: 0 };
    assert.ok(avgPool2d(x, p) instanceof Float32Array);
    assert.ok(maxPool2d(x, p).values instanceof Float32Array);
    assert.deepEqual([...avgPool2dGrad({ ...x, data: new Float32Array([4]), shape: [1, 1, 1, 1] }, p, [1, 1, 2, 2])], [1, 1, 1, 1]);
  });
});

describe('reference maxPool2dGrad', () => {
  it('adds each gradient at its argmax: overlapping windows sum, other positions stay 0 (hand-computed)', () => {
    // planes [1, 3, 2] and [0, 5, 4] with 1x2 windows at stride 1: both windows of each plane pick index 1
    const g: View = { data: Float64Array.from([10, 20, 1, 2]), dtype: 'float64', shape: [1, 2, 1, 2], strides: [4, 2, 2, 1], offset: 0 };
    const indices: View = { data: Int32Array.from([1, 1, 1, 1]), dtype: 'int32', shape: [1, 2, 1, 2], strides: [4, 2, 2, 1], offset: 0 };
    assert.deepEqual(Array.from(maxPool2dGrad(g, indices, [1, 2, 1, 3])), [0, 30, 0, 0, 3, 0]);
    // a strided g (channels last, with an offset) reads the same values
    const gStrided: View = { data: Float64Array.from([NaN, 10, 1, 20, 2]), dtype: 'float64', shape: [1, 2, 1, 2], strides: [4, 1, 4, 2], offset: 1 };
    assert.deepEqual(Array.from(maxPool2dGrad(gStrided, indices, [1, 2, 1, 3])), [0, 30, 0, 0, 3, 0]);
  });
});
