import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gradcheck, gradgradcheck, ones, tensor, zeros, type Tensor } from '../../../src/index.js';
import { batchNorm, groupNorm, instanceNorm, layerNorm, normalize, rmsNorm } from '../../../src/nn/functional/norm.js';
import { assertClose, assertThrowsMatching, uniform } from '../../helpers.js';

const f64 = { dtype: 'float64' } as const;
const EPS = 1e-5;

/** A float64 leaf with random values, for gradchecks. */
function leaf(shape: number[], seed: number, low = -2, high = 2): Tensor {
  return uniform(shape, { seed, low, high, dtype: 'float64' }).requiresGrad_(true);
}

describe('batchNorm', () => {
  // Channel 0 holds [1, 3] (mean 2, biased variance 1, unbiased 2);
  // channel 1 holds [2, 6] (mean 4, biased variance 4, unbiased 8).
  const batch = (): Tensor => tensor([[1, 2], [3, 6]], f64);

  it('normalizes each channel by its batch statistics and updates the running ones', () => {
    const mean = zeros([2], f64);
    const variance = ones([2], f64);
    const y = batchNorm(batch(), mean, variance, null, null, true);
    const s0 = 1 / Math.sqrt(1 + EPS);
    const s1 = 2 / Math.sqrt(4 + EPS);
    assertClose(y, [[-s0, -s1], [s0, s1]]);
    // running = 0.9 running + 0.1 batch, with the unbiased variance.
    assertClose(mean, [0.2, 0.4]);
    assertClose(variance, [0.9 + 0.1 * 2, 0.9 + 0.1 * 8]);
  });

  it('applies weight and bias per channel', () => {
    const y = batchNorm(batch(), null, null, tensor([2, -1], f64), tensor([10, 20], f64), true, 0.1, 0);
    assertClose(y, [[8, 21], [12, 19]]);
  });

  it('uses the running statistics out of training, and leaves them alone', () => {
    const mean = tensor([1, -1], f64);
    const variance = tensor([4, 0.25], f64);
    const y = batchNorm(batch(), mean, variance, tensor([1, 2], f64), tensor([0, 1], f64), false, 0.1, 0);
    assertClose(y, [[0, 1 + 2 * 3 / 0.5], [1, 1 + 2 * 7 / 0.5]]);
    assertClose(mean, [1, -1]);
    assertClose(variance, [4, 0.25]);
  });

  it('follows the exponential moving average over several steps', () => {
    const momentum = 0.3;
    const mean = zeros([1], f64);
    const variance = ones([1], f64);
    let m = 0;
    let v = 1;
    const batches = [[1, 2, 4], [0, 0, 3], [-2, 5, 5], [7, 8, 9]];
    for (const values of batches) {
      batchNorm(tensor(values, { ...f64, shape: [3, 1] }), mean, variance, null, null, true, momentum);
      const mu = values.reduce((a, b) => a + b, 0) / 3;
      const unbiased = values.reduce((a, b) => a + (b - mu) ** 2, 0) / 2;
      m = (1 - momentum) * m + momentum * mu;
      v = (1 - momentum) * v + momentum * unbiased;
    }
    assertClose(mean, [m]);
    assertClose(variance, [v]);
  });

  it('reduces over the batch and spatial dims of a 4-D input', () => {
    const x = uniform([3, 2, 2, 2], { seed: 3, dtype: 'float64' });
    const y = batchNorm(x, null, null, null, null, true);
    for (let c = 0; c < 2; c++) {
      const plane = x.select(1, c);
      const mu = plane.mean().item();
      const v = plane.var(null, { correction: 0 }).item();
      assertClose(y.select(1, c), plane.sub(mu).div(Math.sqrt(v + EPS)));
    }
  });

  it('keeps the running statistics through an empty batch', () => {
    const mean = tensor([1], f64);
    const variance = tensor([2], f64);
    const y = batchNorm(zeros([0, 1, 3], f64), mean, variance, null, null, true);
    assert.deepEqual(y.shape, [0, 1, 3]);
    assertClose(mean, [1]);
    assertClose(variance, [2]);
  });

  it('passes gradcheck and gradgradcheck in training and in eval', () => {
    const x = leaf([3, 2, 2], 1);
    const w = leaf([2], 2, 0.5, 2);
    const b = leaf([2], 3);
    const train = (x: Tensor, w: Tensor, b: Tensor): Tensor => batchNorm(x, null, null, w, b, true);
    assert.ok(gradcheck(train, [x, w, b]));
    assert.ok(gradgradcheck(train, [x, w, b]));
    const rm = tensor([0.1, -0.2], f64);
    const rv = tensor([0.5, 2], f64);
    const evaluate = (x: Tensor, w: Tensor, b: Tensor): Tensor => batchNorm(x, rm, rv, w, b, false);
    assert.ok(gradcheck(evaluate, [x, w, b]));
    assert.ok(gradgradcheck(evaluate, [x, w, b]));
  });

  it('rejects bad arguments', () => {
    const x = zeros([2, 3]);
    assertThrowsMatching(() => batchNorm(x, null, null), /^batchNorm: runningMean and runningVar are required when training is false/);
    assertThrowsMatching(() => batchNorm(x, zeros([2]), ones([2]), null, null, true), /^batchNorm: runningMean must have shape \[3\], got \[2\]/);
    assertThrowsMatching(() => batchNorm(x, zeros([3]), null, null, null, true), /^batchNorm: give both runningMean and runningVar/);
    assertThrowsMatching(() => batchNorm(zeros([1, 3]), null, null, null, null, true), /^batchNorm: expected more than 1 value per channel when training, got input of shape \[1,3\]/);
    assertThrowsMatching(() => batchNorm(zeros([3]), null, null, null, null, true), /^batchNorm: expected an input of at least 2 dims/);
    assertThrowsMatching(() => batchNorm(x, null, null, ones([4]), null, true), /^batchNorm: weight must have shape \[3\], got \[4\]/);
  });
});

describe('instanceNorm', () => {
  it('normalizes each channel of each sample over its spatial positions', () => {
    // Instance (0, 0) holds [1, 2, 3, 4]: mean 2.5, biased variance 1.25.
    const x = tensor([[[1, 2, 3, 4], [0, 0, 2, 2]], [[4, 4, 4, 8], [-1, 1, -1, 1]]], f64);
    const y = instanceNorm(x, null, null, null, null, true, 0.1, 0);
    const s = 1 / Math.sqrt(1.25);
    assertClose(y.select(0, 0).select(0, 0), [-1.5 * s, -0.5 * s, 0.5 * s, 1.5 * s]);
    // Channel 1 of both samples: [0, 0, 2, 2] and [-1, 1, -1, 1] (mean 1 and 0, variance 1).
    assertClose(y.select(1, 1), [[-1, -1, 1, 1], [-1, 1, -1, 1]]);
    // Instance (1, 0) holds [4, 4, 4, 8]: mean 5, variance 3.
    const t = 1 / Math.sqrt(3);
    assertClose(y.select(0, 1).select(0, 0), [-t, -t, -t, 3 * t]);
  });

  it('updates the running statistics with the batch average of the per-instance ones', () => {
    const x = tensor([[[1, 2, 3, 4]], [[0, 0, 2, 2]]], f64); // [N=2, C=1, L=4]
    const mean = zeros([1], f64);
    const variance = ones([1], f64);
    instanceNorm(x, mean, variance, null, null, true, 0.5);
    // means 2.5 and 1; unbiased variances 5/3 and 4/3.
    assertClose(mean, [0.5 * (2.5 + 1) / 2]);
    assertClose(variance, [0.5 + 0.5 * (5 / 3 + 4 / 3) / 2]);
    const y = instanceNorm(x, mean, variance, null, null, false, 0.1, 0);
    assertClose(y, x.sub(mean.item()).div(Math.sqrt(variance.item())));
  });

  it('passes gradcheck and gradgradcheck', () => {
    const f = (x: Tensor, w: Tensor, b: Tensor): Tensor => instanceNorm(x, null, null, w, b);
    const args = [leaf([2, 2, 3], 4), leaf([2], 5, 0.5, 2), leaf([2], 6)];
    assert.ok(gradcheck(f, args));
    assert.ok(gradgradcheck(f, args));
  });

  it('rejects inputs without spatial extent', () => {
    assertThrowsMatching(() => instanceNorm(zeros([2, 3])), /^instanceNorm: expected an input of at least 3 dims/);
    assertThrowsMatching(() => instanceNorm(zeros([2, 3, 1])), /^instanceNorm: expected more than 1 spatial element when training/);
    assertThrowsMatching(() => instanceNorm(zeros([2, 3, 2]), null, null, null, null, false), /^instanceNorm: runningMean and runningVar are required/);
  });
});

describe('layerNorm', () => {
  it('normalizes [1, 2, 3] to [-1, 0, 1] / sqrt(2/3 + eps)', () => {
    const s = 1 / Math.sqrt(2 / 3 + EPS);
    assertClose(layerNorm(tensor([1, 2, 3], f64), [3]), [-s, 0, s]);
    assertClose(layerNorm(tensor([1, 2, 3]), 3), [-1.2247357, 0, 1.2247357]);
  });

  it('normalizes over several trailing dims, per leading index, with an elementwise affine', () => {
    const x = tensor([[[1, 3], [5, 7]], [[0, 0], [0, 4]]], f64); // [2, 2, 2]
    const w = tensor([[1, 2], [3, 4]], f64);
    const b = tensor([[0, 0], [0, 1]], f64);
    const y = layerNorm(x, [2, 2], w, b, 0);
    const s = 1 / Math.sqrt(5); // first sample: mean 4, variance 5
    assertClose(y.select(0, 0), [[-3 * s, -2 * s], [3 * s, 4 * 3 * s + 1]]);
    // second sample: mean 1, variance 3
    const t = 1 / Math.sqrt(3);
    assertClose(y.select(0, 1), [[-t, -2 * t], [-3 * t, 4 * 3 * t + 1]]);
  });

  it('passes gradcheck and gradgradcheck', () => {
    const f = (x: Tensor, w: Tensor, b: Tensor): Tensor => layerNorm(x, [3], w, b);
    const args = [leaf([2, 3], 7), leaf([3], 8), leaf([3], 9)];
    assert.ok(gradcheck(f, args));
    assert.ok(gradgradcheck(f, args));
  });

  it('rejects a normalizedShape that does not match the trailing dims', () => {
    assertThrowsMatching(() => layerNorm(zeros([2, 4]), [3]), /^layerNorm: normalizedShape \[3\] expects an input of shape \[\*, 3\], got \[2,4\]/);
    assertThrowsMatching(() => layerNorm(zeros([2, 4]), []), /^layerNorm: normalizedShape must be/);
    assertThrowsMatching(() => layerNorm(zeros([2, 4]), [4], ones([2])), /^layerNorm: weight must have shape \[4\], got \[2\]/);
  });
});

describe('groupNorm', () => {
  it('normalizes each group of channels per sample', () => {
    // channels [1, 3 | 2, 6]: groups of mean 2 (variance 1) and mean 4 (variance 4).
    const y = groupNorm(tensor([[1, 3, 2, 6]], f64), 2, tensor([1, 1, 1, 3], f64), tensor([0, 0, 5, 0], f64), 0);
    assertClose(y, [[-1, 1, 4, 3]]);
  });

  it('is instanceNorm with one channel per group and layerNorm with one group', () => {
    const x = uniform([2, 4, 3], { seed: 10, dtype: 'float64' });
    assertClose(groupNorm(x, 4), instanceNorm(x));
    assertClose(groupNorm(x, 1), layerNorm(x, [4, 3]));
  });

  it('passes gradcheck and gradgradcheck', () => {
    const f = (x: Tensor, w: Tensor, b: Tensor): Tensor => groupNorm(x, 2, w, b);
    const args = [leaf([2, 4, 2], 11), leaf([4], 12), leaf([4], 13)];
    assert.ok(gradcheck(f, args));
    assert.ok(gradgradcheck(f, args));
  });

  it('needs channels divisible by numGroups', () => {
    assertThrowsMatching(() => groupNorm(zeros([2, 6, 3]), 4), /^groupNorm: the 6 channels of input \[2,6,3\] are not divisible into numGroups=4 groups/);
    assertThrowsMatching(() => groupNorm(zeros([2, 6, 3]), 0), /^groupNorm: numGroups must be a positive integer/);
  });
});

describe('rmsNorm', () => {
  it('divides by the root mean square, with the dtype machine epsilon by default', () => {
    const y = rmsNorm(tensor([3, 4], f64), [2]);
    assertClose(y, [3 / Math.sqrt(12.5), 4 / Math.sqrt(12.5)]);
    const w = rmsNorm(tensor([[3, 4], [1, 1]]), 2, tensor([2, 0.5]), 0);
    assertClose(w, [[6 / Math.sqrt(12.5), 2 / Math.sqrt(12.5)], [2, 0.5]]);
    // A zero row stays finite thanks to eps.
    assertClose(rmsNorm(zeros([1, 3]), [3]), [[0, 0, 0]]);
  });

  it('passes gradcheck and gradgradcheck', () => {
    const f = (x: Tensor, w: Tensor): Tensor => rmsNorm(x, [2, 2], w, 1e-6);
    const args = [leaf([2, 2, 2], 14), leaf([2, 2], 15)];
    assert.ok(gradcheck(f, args));
    assert.ok(gradgradcheck(f, args));
  });
});

describe('normalize', () => {
  it('scales vectors along dim to unit norm and leaves zero vectors at zero', () => {
    assertClose(normalize(tensor([[3, 4], [0, 0]])), [[0.6, 0.8], [0, 0]]);
    assertClose(normalize(tensor([[3, 4], [1, -1]]), 1, 0), [[0.75, 0.8], [0.25, -0.2]]);
  });

  it('passes gradcheck', () => {
    const x = leaf([3, 2], 16);
    assert.ok(gradcheck((x) => normalize(x, 2, 1), [x]));
    assert.ok(gradgradcheck((x) => normalize(x, 2, 0), [x]));
  });
});
