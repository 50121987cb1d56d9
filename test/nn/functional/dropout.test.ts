import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, gradcheck, manualSeed, ones, randn, type Tensor } from '../../../src/index.js';
import {
  alphaDropout,
  dropPath,
  dropout1d,
  dropout2d,
  dropout3d,
  featureAlphaDropout,
  stochasticDepth,
} from '../../../src/nn/functional/dropout.js';
import { assertClose, assertThrowsMatching, uniform } from '../../helpers.js';

/** The distinct values of each slice along the first `lead` dims (flattened), as one sorted list per slice. */
function sliceValues(y: Tensor, lead: number): number[][] {
  const rows = y.shape.slice(0, lead).reduce((a, b) => a * b, 1);
  const flat = y.reshape([rows, -1]);
  return Array.from({ length: rows }, (_, i) => [...new Set(flat.select(0, i).toArray())].sort());
}

/** Mean and (population) variance of a tensor's values. */
function moments(t: Tensor): [number, number] {
  const a = Array.from(t.toArray());
  const m = a.reduce((s, v) => s + v, 0) / a.length;
  return [m, a.reduce((s, v) => s + (v - m) ** 2, 0) / a.length];
}

const SELU_SCALE_ALPHA = 1.0507009873554804 * 1.6732632423543772;

describe('dropout2d (spatial dropout)', () => {
  it('zeroes whole channels and scales the kept ones by 1 / (1 - p)', () => {
    manualSeed(0);
    const y = dropout2d(ones([16, 32, 2, 3]), 0.25);
    const slices = sliceValues(y, 2);
    for (const values of slices) assert.ok(values.length === 1 && (values[0] === 0 || Math.abs(values[0]! - 4 / 3) < 1e-6), `channel values ${values}`);
    const dropped = slices.filter((v) => v[0] === 0).length / slices.length;
    // 512 channels: the standard deviation of the fraction is sqrt(0.25 * 0.75 / 512) ~ 0.019; 5 of them.
    assert.ok(Math.abs(dropped - 0.25) < 0.1, `dropped fraction ${dropped}`);
  });

  it('treats a 3-D input as one unbatched [C, H, W] sample', () => {
    manualSeed(1);
    const y = dropout2d(ones([64, 2, 2]), 0.5);
    for (const values of sliceValues(y, 1)) assert.equal(values.length, 1);
  });

  it('keeps the mean', () => {
    manualSeed(2);
    const [m] = moments(dropout2d(ones([100, 100, 1, 2]), 0.5));
    // 10,000 channels, each 0 or 2: the mean's standard deviation is 0.01; allow 5.
    assert.ok(Math.abs(m - 1) < 0.05, `mean ${m}`);
  });

  it('is reproducible under manualSeed and the identity out of training', () => {
    manualSeed(7);
    const a = dropout2d(ones([4, 8, 2, 2]), 0.5).toArray();
    manualSeed(7);
    assert.deepEqual(dropout2d(ones([4, 8, 2, 2]), 0.5).toArray(), a);
    const x = ones([2, 3, 2, 2]);
    assert.equal(dropout2d(x, 0.5, false), x);
    assert.equal(dropout2d(x, 0), x);
    assertClose(dropout2d(x, 1), x.mul(0));
  });

  it('passes the gradient through the mask (gradcheck with a fixed generator)', () => {
    const x = uniform([2, 3, 2, 2], { seed: 1, dtype: 'float64' }).requiresGrad_(true);
    assert.ok(gradcheck((x) => dropout2d(x, 0.4, true, { generator: new Generator(5) }), [x]));
  });

  it('dropout1d and dropout3d drop channels of [N, C, L] and [N, C, D, H, W]', () => {
    manualSeed(3);
    for (const values of sliceValues(dropout1d(ones([8, 8, 5]), 0.5), 2)) assert.equal(values.length, 1);
    for (const values of sliceValues(dropout3d(ones([4, 8, 2, 2, 2]), 0.5), 2)) assert.equal(values.length, 1);
  });

  it('rejects bad arguments', () => {
    assertThrowsMatching(() => dropout2d(ones([2, 3]), 0.5), /^dropout2d: expected a 3-D \(unbatched\) or 4-D \(batched\) input, got shape \[2,3\]/);
    assertThrowsMatching(() => dropout2d(ones([2, 3, 2, 2]), 1.5), /^dropout2d: p must be a probability in \[0, 1\], got 1.5/);
  });
});

describe('alphaDropout', () => {
  it('keeps zero mean and unit variance of standard normal inputs', () => {
    manualSeed(4);
    const y = alphaDropout(randn([100000], { dtype: 'float64' }), 0.2, true);
    const [m, v] = moments(y);
    // n = 1e5: the standard deviation of the sample mean is ~0.003, of the sample variance ~0.005.
    assert.ok(Math.abs(m) < 0.02, `mean ${m}`);
    assert.ok(Math.abs(v - 1) < 0.03, `variance ${v}`);
  });

  it('sets dropped units to a (-s (1 - p)) and kept ones to a (x + s p)', () => {
    manualSeed(5);
    const p = 0.3;
    const s = SELU_SCALE_ALPHA;
    const a = 1 / Math.sqrt((1 + s * s * p) * (1 - p));
    const x = uniform([2000], { seed: 2, dtype: 'float64' });
    const y = alphaDropout(x, p, true).toArray();
    const xs = x.toArray();
    let dropped = 0;
    for (let i = 0; i < y.length; i++) {
      if (Math.abs(y[i]! - -s * a * (1 - p)) < 1e-12) dropped++;
      else assert.ok(Math.abs(y[i]! - a * (xs[i]! + s * p)) < 1e-12, `element ${i}: ${y[i]}`);
    }
    assert.ok(Math.abs(dropped / y.length - p) < 0.06, `dropped fraction ${dropped / y.length}`);
  });

  it('is the identity out of training (its default) and gives zeros for p = 1', () => {
    const x = ones([3]);
    assert.equal(alphaDropout(x, 0.5), x);
    assertClose(alphaDropout(x, 1, true), [0, 0, 0]);
  });

  it('featureAlphaDropout drops whole channels', () => {
    manualSeed(6);
    const y = featureAlphaDropout(ones([8, 16, 3]), 0.5, true);
    for (const values of sliceValues(y, 2)) assert.equal(values.length, 1);
    assertThrowsMatching(() => featureAlphaDropout(ones([3]), 0.5, true), /^featureAlphaDropout: expected an input of at least 2 dims/);
  });
});

describe('stochasticDepth and dropPath', () => {
  it("'row' mode drops whole samples with probability p and scales survivors", () => {
    manualSeed(8);
    const y = stochasticDepth(ones([1000, 3, 2]), 0.2, 'row');
    const slices = sliceValues(y, 1);
    for (const values of slices) assert.ok(values.length === 1 && (values[0] === 0 || Math.abs(values[0]! - 1.25) < 1e-6));
    const dropped = slices.filter((v) => v[0] === 0).length / slices.length;
    // sd sqrt(0.2 * 0.8 / 1000) ~ 0.013; 5 of them.
    assert.ok(Math.abs(dropped - 0.2) < 0.065, `dropped fraction ${dropped}`);
    const [m] = moments(y);
    assert.ok(Math.abs(m - 1) < 0.1, `mean ${m}`);
  });

  it("'batch' mode drops the whole input at once", () => {
    manualSeed(9);
    let zeros = 0;
    for (let i = 0; i < 200; i++) {
      const values = sliceValues(stochasticDepth(ones([4, 3]), 0.5, 'batch').reshape([1, 12]), 1)[0]!;
      assert.equal(values.length, 1);
      if (values[0] === 0) zeros++;
      else assert.equal(values[0], 2);
    }
    // sd sqrt(0.25 / 200) ~ 0.035; 5 of them.
    assert.ok(Math.abs(zeros / 200 - 0.5) < 0.18, `dropped fraction ${zeros / 200}`);
  });

  it('is the identity out of training or for p = 0, and zeros for p = 1', () => {
    const x = ones([3, 2]);
    assert.equal(stochasticDepth(x, 0.5, 'row', false), x);
    assert.equal(stochasticDepth(x, 0, 'batch'), x);
    assertClose(stochasticDepth(x, 1, 'row'), [[0, 0], [0, 0], [0, 0]]);
    assert.equal(dropPath(x, 0.5, false), x);
  });

  it('dropPath drops per sample, scaling by 1 / (1 - p) unless scaleByKeep is false', () => {
    manualSeed(10);
    for (const values of sliceValues(dropPath(ones([64, 4]), 0.5), 1)) assert.ok(values.length === 1 && (values[0] === 0 || values[0] === 2));
    for (const values of sliceValues(dropPath(ones([64, 4]), 0.5, true, false), 1)) assert.ok(values.length === 1 && (values[0] === 0 || values[0] === 1));
  });

  it('passes gradcheck with a fixed generator', () => {
    const x = uniform([4, 3], { seed: 3, dtype: 'float64' }).requiresGrad_(true);
    assert.ok(gradcheck((x) => stochasticDepth(x, 0.5, 'row', true, { generator: new Generator(2) }), [x]));
  });

  it('rejects bad arguments', () => {
    assertThrowsMatching(() => stochasticDepth(ones([2]), 0.5, 'col' as 'row'), /^stochasticDepth: mode must be 'row' or 'batch', got 'col'/);
    assertThrowsMatching(() => stochasticDepth(ones([2]), -0.1, 'row'), /^stochasticDepth: p must be a probability/);
  });
});
