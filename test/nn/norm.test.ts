import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gradcheck, nn, tensor, zeros, type Tensor } from '../../src/index.js';
import { assertClose, assertThrowsMatching, uniform } from '../helpers.js';

const f64 = { dtype: 'float64' } as const;
const EPS = 1e-5;

/** gradcheck of a module's forward w.r.t. its input and its parameters (perturbed in place). */
function checkModuleGradients(m: nn.Module, x: Tensor): void {
  x.requiresGrad_(true);
  const params = m.parameters();
  assert.ok(gradcheck((input) => m.forward(input), [x, ...params]));
}

describe('BatchNorm1d', () => {
  // Channel 0 holds [1, 3] (mean 2, biased variance 1, unbiased 2);
  // channel 1 holds [2, 6] (mean 4, biased variance 4, unbiased 8).
  const batch = (): Tensor => tensor([[1, 2], [3, 6]], f64);

  it("has PyTorch's parameters, buffers and state dict keys", () => {
    const bn = new nn.BatchNorm1d(3);
    assert.deepEqual(Object.keys(bn.stateDict()), ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    assert.deepEqual(bn.weight!.tolist(), [1, 1, 1]);
    assert.deepEqual(bn.bias!.tolist(), [0, 0, 0]);
    assert.deepEqual(bn.runningMean!.tolist(), [0, 0, 0]);
    assert.deepEqual(bn.runningVar!.tolist(), [1, 1, 1]);
    assert.equal(bn.numBatchesTracked!.dtype, 'int32');
    assert.equal(bn.numBatchesTracked!.item(), 0);
    assert.equal(bn.numParameters(), 6);
    assert.deepEqual([bn.eps, bn.momentum, bn.affine, bn.trackRunningStats], [1e-5, 0.1, true, true]);
  });

  it('normalizes a known batch and updates the running statistics', () => {
    const bn = new nn.BatchNorm1d(2, f64);
    const y = bn.forward(batch());
    const s0 = 1 / Math.sqrt(1 + EPS);
    const s1 = 2 / Math.sqrt(4 + EPS);
    assertClose(y, [[-s0, -s1], [s0, s1]]);
    assertClose(bn.runningMean!, [0.2, 0.4]);
    assertClose(bn.runningVar!, [0.9 + 0.1 * 2, 0.9 + 0.1 * 8]);
    assert.equal(bn.numBatchesTracked!.item(), 1);
  });

  it('uses the running statistics in eval mode and leaves them alone', () => {
    const bn = new nn.BatchNorm1d(2, f64);
    bn.forward(batch());
    bn.eval();
    const y = bn.forward(batch());
    const m = [0.2, 0.4];
    const v = [1.1, 1.7];
    assertClose(y, [
      [(1 - m[0]!) / Math.sqrt(v[0]! + EPS), (2 - m[1]!) / Math.sqrt(v[1]! + EPS)],
      [(3 - m[0]!) / Math.sqrt(v[0]! + EPS), (6 - m[1]!) / Math.sqrt(v[1]! + EPS)],
    ]);
    assertClose(bn.runningMean!, m);
    assert.equal(bn.numBatchesTracked!.item(), 1);
  });

  it('follows the moving average over several steps, and the cumulative average with momentum null', () => {
    const batches = [[[1, 0], [2, 4], [6, 5]], [[0, 1], [0, 1], [3, -2]], [[5, 5], [-1, 2], [2, 2]]];
    const ema = new nn.BatchNorm1d(2, { momentum: 0.25, ...f64 });
    const cumulative = new nn.BatchNorm1d(2, { momentum: null, ...f64 });
    let m = [0, 0];
    let v = [1, 1];
    const means: number[][] = [];
    const vars: number[][] = [];
    for (const b of batches) {
      ema.forward(tensor(b, f64));
      cumulative.forward(tensor(b, f64));
      const mu = [0, 1].map((c) => b.reduce((s, row) => s + row[c]!, 0) / 3);
      const unbiased = [0, 1].map((c) => b.reduce((s, row) => s + (row[c]! - mu[c]!) ** 2, 0) / 2);
      m = m.map((x, c) => 0.75 * x + 0.25 * mu[c]!);
      v = v.map((x, c) => 0.75 * x + 0.25 * unbiased[c]!);
      means.push(mu);
      vars.push(unbiased);
    }
    assertClose(ema.runningMean!, m);
    assertClose(ema.runningVar!, v);
    const average = (rows: number[][], c: number): number => rows.reduce((s, r) => s + r[c]!, 0) / rows.length;
    assertClose(cumulative.runningMean!, [average(means, 0), average(means, 1)]);
    assertClose(cumulative.runningVar!, [average(vars, 0), average(vars, 1)]);
    assert.equal(cumulative.numBatchesTracked!.item(), 3);
  });

  it('normalizes [N, C, L] inputs per channel over N and L', () => {
    const x = uniform([4, 3, 5], { seed: 1, dtype: 'float64' });
    const y = new nn.BatchNorm1d(3, f64).forward(x);
    for (let c = 0; c < 3; c++) {
      const plane = x.select(1, c);
      const v = plane.var(null, { correction: 0 }).item();
      assertClose(y.select(1, c), plane.sub(plane.mean()).div(Math.sqrt(v + EPS)));
    }
  });

  it('without running statistics, uses batch statistics in eval mode too', () => {
    const bn = new nn.BatchNorm1d(2, { trackRunningStats: false, ...f64 });
    assert.deepEqual(Object.keys(bn.stateDict()), ['weight', 'bias']);
    assert.equal(bn.runningMean, null);
    const train = bn.forward(batch());
    assertClose(bn.eval().forward(batch()), train);
  });

  it('has no parameters without affine', () => {
    const bn = new nn.BatchNorm1d(2, { affine: false });
    assert.equal(bn.numParameters(), 0);
    assert.equal(bn.weight, null);
    assert.deepEqual(Object.keys(bn.stateDict()), ['running_mean', 'running_var', 'num_batches_tracked']);
  });

  it('round-trips its state dict, running statistics included', () => {
    const a = new nn.BatchNorm1d(2, f64);
    a.forward(batch());
    a.forward(tensor([[0, 1], [4, 1], [2, 7]], f64));
    const b = new nn.BatchNorm1d(2, f64);
    b.loadStateDict(a.stateDict());
    assertClose(b.runningMean!, a.runningMean!);
    assertClose(b.runningVar!, a.runningVar!);
    assert.equal(b.numBatchesTracked!.item(), 2);
    assertClose(b.eval().forward(batch()), a.eval().forward(batch()));
  });

  it('resets its running statistics and parameters', () => {
    const bn = new nn.BatchNorm1d(2, f64);
    bn.forward(batch());
    bn.resetRunningStats();
    assert.deepEqual(bn.runningMean!.tolist(), [0, 0]);
    assert.deepEqual(bn.runningVar!.tolist(), [1, 1]);
    assert.equal(bn.numBatchesTracked!.item(), 0);
  });

  it('passes gradcheck in training and in eval', () => {
    const bn = new nn.BatchNorm1d(3, f64);
    checkModuleGradients(bn, uniform([4, 3], { seed: 2, dtype: 'float64' }));
    bn.eval();
    checkModuleGradients(bn, uniform([2, 3, 2], { seed: 3, dtype: 'float64' }));
  });

  it('rejects bad inputs and options', () => {
    assertThrowsMatching(() => new nn.BatchNorm1d(2).forward(zeros([2, 2, 2, 2])), /^BatchNorm1d: expected a 2-D or 3-D input, got shape \[2,2,2,2\]/);
    assertThrowsMatching(() => new nn.BatchNorm1d(0), /^BatchNorm1d: numFeatures must be a positive integer, got 0/);
    assertThrowsMatching(() => new nn.BatchNorm1d(3).forward(zeros([1, 3])), /^batchNorm: expected more than 1 value per channel when training/);
    assertThrowsMatching(() => new nn.BatchNorm1d(3).forward(zeros([2, 4])), /^BatchNorm1d: expected input with 3 channels \(dim 1\), got shape \[2,4\]/);
  });
});

describe('BatchNorm2d', () => {
  it('normalizes [N, C, H, W] per channel and passes gradcheck', () => {
    const x = uniform([2, 2, 2, 3], { seed: 4, dtype: 'float64' });
    const bn = new nn.BatchNorm2d(2, f64);
    const y = bn.forward(x);
    for (let c = 0; c < 2; c++) {
      const plane = x.select(1, c);
      const mu = plane.mean().item();
      const v = plane.var(null, { correction: 0 }).item();
      assertClose(y.select(1, c), plane.sub(mu).div(Math.sqrt(v + EPS)));
      assertClose(bn.runningMean!.select(0, c), 0.1 * mu);
      assertClose(bn.runningVar!.select(0, c), 0.9 + 0.1 * v * (12 / 11));
    }
    checkModuleGradients(new nn.BatchNorm2d(2, f64), uniform([2, 2, 1, 2], { seed: 5, dtype: 'float64' }));
    assertThrowsMatching(() => bn.forward(zeros([2, 2, 2])), /^BatchNorm2d: expected a 4-D input/);
  });
});

describe('InstanceNorm2d', () => {
  it('has no parameters and no running statistics by default, and takes unbatched inputs', () => {
    const norm = new nn.InstanceNorm2d(2);
    assert.equal(norm.numParameters(), 0);
    assert.deepEqual(Object.keys(norm.stateDict()), []);
    const x = tensor([[[1, 2], [3, 4]], [[0, 0], [2, 2]]], f64); // [C=2, H=2, W=2]
    const s = 1 / Math.sqrt(1.25 + EPS);
    const t = 1 / Math.sqrt(1 + EPS);
    assertClose(norm.forward(x), [[[-1.5 * s, -0.5 * s], [0.5 * s, 1.5 * s]], [[-t, -t], [t, t]]]);
    assertClose(norm.forward(x.unsqueeze(0)).squeeze(0), norm.forward(x));
  });

  it('tracks and then uses running statistics when asked', () => {
    const norm = new nn.InstanceNorm2d(1, { trackRunningStats: true, affine: true, ...f64 });
    const x = tensor([[[[1, 2], [3, 4]]], [[[0, 0], [2, 2]]]], f64); // [N=2, C=1, 2, 2]
    norm.forward(x);
    // Per-instance means 2.5 and 1; unbiased variances 5/3 and 4/3.
    assertClose(norm.runningMean!, [0.1 * 1.75]);
    assertClose(norm.runningVar!, [0.9 + 0.1 * 1.5]);
    norm.eval();
    assertClose(norm.forward(x), x.sub(0.175).div(Math.sqrt(1.05 + EPS)));
  });

  it('passes gradcheck with affine parameters', () => {
    const norm = new nn.InstanceNorm2d(2, { affine: true, ...f64 });
    checkModuleGradients(norm, uniform([2, 2, 2, 2], { seed: 6, dtype: 'float64' }));
    assertThrowsMatching(() => norm.forward(zeros([1, 3, 2, 2], f64)), /^InstanceNorm2d: expected input with 2 channels/);
  });
});

describe('LayerNorm', () => {
  it('normalizes [1, 2, 3] and has weight 1 and bias 0 of the normalized shape', () => {
    const ln = new nn.LayerNorm(3, f64);
    const s = 1 / Math.sqrt(2 / 3 + EPS);
    assertClose(ln.forward(tensor([1, 2, 3], f64)), [-s, 0, s]);
    assert.deepEqual(ln.weight!.shape, [3]);
    assert.deepEqual(Object.keys(ln.stateDict()), ['weight', 'bias']);
    assert.equal(new nn.LayerNorm([2, 3], { bias: false }).bias, null);
    assert.equal(new nn.LayerNorm([2, 3], { elementwiseAffine: false }).numParameters(), 0);
  });

  it('passes gradcheck', () => {
    const ln = new nn.LayerNorm([2, 2], f64);
    ln.weight!.data.set([1, 2, -1, 0.5]);
    checkModuleGradients(ln, uniform([3, 2, 2], { seed: 7, dtype: 'float64' }));
  });
});

describe('GroupNorm', () => {
  it('normalizes groups of channels and checks divisibility', () => {
    const gn = new nn.GroupNorm(2, 4, f64);
    // channels [1, 3 | 2, 6]: groups of mean 2 (variance 1) and mean 4 (variance 4).
    const s = 1 / Math.sqrt(1 + EPS);
    const t = 2 / Math.sqrt(4 + EPS);
    assertClose(gn.forward(tensor([[1, 3, 2, 6]], f64)), [[-s, s, -t, t]]);
    assertThrowsMatching(() => new nn.GroupNorm(3, 4), /^GroupNorm: numChannels \(4\) must be divisible by numGroups \(3\)/);
    assertThrowsMatching(() => gn.forward(zeros([1, 6], f64)), /^GroupNorm: expected input with 4 channels/);
  });

  it('passes gradcheck', () => {
    checkModuleGradients(new nn.GroupNorm(2, 4, f64), uniform([2, 4, 2], { seed: 8, dtype: 'float64' }));
  });
});

describe('RMSNorm', () => {
  it('divides by the root mean square and passes gradcheck', () => {
    const norm = new nn.RMSNorm(2, f64);
    assertClose(norm.forward(tensor([3, 4], f64)), [3 / Math.sqrt(12.5), 4 / Math.sqrt(12.5)]);
    assert.deepEqual(Object.keys(norm.stateDict()), ['weight']);
    checkModuleGradients(new nn.RMSNorm([2, 2], { eps: 1e-6, ...f64 }), uniform([2, 2, 2], { seed: 9, dtype: 'float64' }));
  });
});
