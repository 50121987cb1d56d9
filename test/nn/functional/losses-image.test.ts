/**
 * SSIM / DSSIM and the perceptual loss. SSIM is checked against closed forms (identical and constant
 * images) and against a direct loop over windows written here, independent of the convolution.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gradcheck, randn, manualSeed, tensor, type Tensor } from '../../../src/index.js';
import { nn } from '../../../src/index.js';
import { assertClose, assertThrowsMatching, uniform } from '../../helpers.js';

const F = nn.functional;
const f64 = { dtype: 'float64' as const };

/** SSIM of one [H, W] image pair, by explicit windowed sums (valid positions only). */
function referenceSsim(x: Float64Array, y: Float64Array, h: number, w: number, size: number, sigma: number, range: number): number {
  const g: number[] = [];
  for (let i = 0; i < size; i++) g.push(Math.exp(-((i - (size - 1) / 2) ** 2) / (2 * sigma * sigma)));
  const total = g.reduce((a, b) => a + b) ** 2;
  const c1 = (0.01 * range) ** 2;
  const c2 = (0.03 * range) ** 2;
  let sum = 0;
  let count = 0;
  for (let r = 0; r + size <= h; r++) {
    for (let c = 0; c + size <= w; c++) {
      let mx = 0, my = 0, xx = 0, yy = 0, xy = 0;
      for (let i = 0; i < size; i++) {
        for (let j = 0; j < size; j++) {
          const k = g[i]! * g[j]! / total;
          const a = x[(r + i) * w + c + j]!;
          const b = y[(r + i) * w + c + j]!;
          mx += k * a; my += k * b; xx += k * a * a; yy += k * b * b; xy += k * a * b;
        }
      }
      const vx = xx - mx * mx, vy = yy - my * my, cov = xy - mx * my;
      sum += ((2 * mx * my + c1) * (2 * cov + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2));
      count++;
    }
  }
  return sum / count;
}

describe('ssim and dssim', () => {
  it('give 1 and 0 for identical images', () => {
    const x = uniform([2, 3, 12, 12], { seed: 1, dtype: 'float64', low: 0, high: 1 });
    assertClose(F.ssim(x, x), 1);
    assertClose(F.ssim(x, x, { reduction: 'none' }), [1, 1]);
    assertClose(F.dssim(x, x), 0);
  });

  it('give (2ab + C1) / (a^2 + b^2 + C1) for constant images a and b', () => {
    const a = 0.2;
    const b = 0.7;
    const x = tensor(new Float64Array(11 * 11).fill(a), { shape: [1, 1, 11, 11] });
    const y = tensor(new Float64Array(11 * 11).fill(b), { shape: [1, 1, 11, 11] });
    const c1 = 0.01 ** 2;
    const expected = (2 * a * b + c1) / (a * a + b * b + c1);
    assertClose(F.ssim(x, y), expected);
    assertClose(F.dssim(x, y), (1 - expected) / 2);
    // dataRange 255 scales the constants: C1 = (0.01 * 255)^2.
    const big = (2 * 51 * 178.5 + 2.55 ** 2) / (51 ** 2 + 178.5 ** 2 + 2.55 ** 2);
    assertClose(F.ssim(x.mul(255), y.mul(255), { dataRange: 255 }), big);
  });

  it('match a direct loop over Gaussian windows, per image and channel', () => {
    const [h, w] = [14, 13];
    const x = uniform([2, 2, h, w], { seed: 2, dtype: 'float64', low: 0, high: 1 });
    const y = x.mul(0.7).add(uniform([2, 2, h, w], { seed: 3, dtype: 'float64', low: 0, high: 0.3 }));
    for (const [size, sigma] of [[11, 1.5], [5, 1]] as const) {
      const perImage = [0, 1].map((n) => {
        const channels = [0, 1].map((c) =>
          referenceSsim(x.select(0, n).select(0, c).toArray() as Float64Array, y.select(0, n).select(0, c).toArray() as Float64Array, h, w, size, sigma, 1),
        );
        return (channels[0]! + channels[1]!) / 2;
      });
      const o = { windowSize: size, sigma };
      assertClose(F.ssim(x, y, { ...o, reduction: 'none' }), perImage);
      assertClose(F.ssim(x, y, o), (perImage[0]! + perImage[1]!) / 2);
      assertClose(F.ssim(x, y, { ...o, reduction: 'sum' }), perImage[0]! + perImage[1]!);
      assertClose(F.dssim(x, y, { ...o, reduction: 'none' }), perImage.map((s) => (1 - s) / 2));
    }
  });

  it('works in float32', () => {
    const x = uniform([1, 1, 11, 11], { seed: 4, low: 0, high: 1 });
    const s = F.ssim(x, x.mul(0.5));
    assert.equal(s.dtype, 'float32');
    assertClose(s, F.ssim(x.double(), x.double().mul(0.5)).float(), { rtol: 1e-5 });
  });

  it('pass gradcheck in both images', () => {
    const x = uniform([1, 2, 5, 6], { seed: 5, dtype: 'float64', low: 0, high: 1 }).requiresGrad_(true);
    const y = uniform([1, 2, 5, 6], { seed: 6, dtype: 'float64', low: 0, high: 1 }).requiresGrad_(true);
    assert.ok(gradcheck((x, y) => F.dssim(x, y, { windowSize: 3, sigma: 1 }), [x, y]));
  });

  it('reject bad inputs', () => {
    const x = uniform([1, 1, 8, 8], { seed: 7 });
    assertThrowsMatching(() => F.ssim(x, x), /^ssim: images \[1,1,8,8\] are smaller than the 11x11 window; pass a smaller windowSize$/);
    assertThrowsMatching(() => F.ssim(x, x, { windowSize: 4 }), /ssim: windowSize must be a positive odd integer, got 4/);
    assertThrowsMatching(() => F.dssim(x.reshape([8, 8]), x.reshape([8, 8])), /dssim: images must be \[N, C, H, W\], got \[8,8\]/);
    assertThrowsMatching(() => F.ssim(x, x.reshape([1, 1, 4, 16])), /ssim: target \[1,1,4,16\] must have the input's shape \[1,1,8,8\]/);
    assertThrowsMatching(() => F.ssim(x, x, { dataRange: 0 }), /ssim: dataRange must be a finite number > 0, got 0/);
  });
});

describe('perceptualLoss', () => {
  manualSeed(11);
  const w1 = randn([3, 4], f64);
  const w2 = randn([2, 3], f64);
  const features = (t: Tensor): Tensor[] => {
    const a = t.matmul(w1.T).tanh();
    return [a, a.matmul(w2.T)];
  };

  it('sums the mean squared errors of the chosen features, with weights', () => {
    const x = uniform([2, 4], { seed: 1, dtype: 'float64' });
    const y = uniform([2, 4], { seed: 2, dtype: 'float64' });
    const [a, b] = features(x);
    const [c, d] = features(y);
    assertClose(F.perceptualLoss(features, x, y), F.mseLoss(a!, c!).add(F.mseLoss(b!, d!)));
    assertClose(F.perceptualLoss(features, x, y, { layers: [1], weights: [0.5] }), F.mseLoss(b!, d!).mul(0.5));
    assertClose(F.perceptualLoss(features, x, y, { reduction: 'sum' }), F.mseLoss(a!, c!, { reduction: 'sum' }).add(F.mseLoss(b!, d!, { reduction: 'sum' })));
    const none = F.perceptualLoss(features, x, y, { reduction: 'none' });
    assert.deepEqual(none.shape, [2]);
    assertClose(none.mean(), F.perceptualLoss(features, x, y));
    // A single-tensor extractor.
    assertClose(F.perceptualLoss((t) => t.square(), x, y), F.mseLoss(x.square(), y.square()));
  });

  it("gives the input a gradient but not the extractor's parameters (a Module), which stay trainable", () => {
    class Extractor extends nn.Module {
      weight = new nn.Parameter(randn([3, 4], f64));
      override forward(t: Tensor): Tensor {
        return t.matmul(this.weight.T).relu();
      }
    }
    const net = new Extractor();
    const x = uniform([2, 4], { seed: 3, dtype: 'float64' }).requiresGrad_(true);
    const y = uniform([2, 4], { seed: 4, dtype: 'float64' });
    F.perceptualLoss(net, x, y).backward();
    assert.equal(net.weight.grad, null);
    assert.equal(net.weight.requiresGrad, true);
    assert.ok(x.grad !== null && x.grad.abs().sum().item() > 0);
    assert.ok(gradcheck((x) => F.perceptualLoss(net, x, y), [x]));
  });

  it('passes gradcheck through a function extractor', () => {
    const x = uniform([2, 4], { seed: 5, dtype: 'float64' }).requiresGrad_(true);
    const y = uniform([2, 4], { seed: 6, dtype: 'float64' }).requiresGrad_(true);
    assert.ok(gradcheck((x, y) => F.perceptualLoss(features, x, y, { weights: [1, 2] }), [x, y]));
  });

  it('rejects bad extractors and options', () => {
    const x = uniform([2, 4], { seed: 1, dtype: 'float64' });
    assertThrowsMatching(() => F.perceptualLoss({} as never, x, x), /perceptualLoss: the feature extractor must be a function or a Module with forward\(\)/);
    assertThrowsMatching(() => F.perceptualLoss(() => [] as Tensor[], x, x), /perceptualLoss: the feature extractor must return a Tensor or a non-empty list of Tensors/);
    assertThrowsMatching(() => F.perceptualLoss(features, x, x, { layers: [2] }), /perceptualLoss: layers must be a non-empty list of positions among the 2 features the extractor returns, got \[2\]/);
    assertThrowsMatching(() => F.perceptualLoss(features, x, x, { weights: [1] }), /perceptualLoss: weights must be 2 finite numbers, one per compared feature, got \[1\]/);
  });
});
