import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gradcheck, gradgradcheck, logSoftmax, softmax, tensor } from '../../../src/index.js';
import { assertClose, uniform } from '../../helpers.js';

describe('softmax', () => {
  it('matches exp(x) / sum(exp(x)) along any dim', () => {
    const x = uniform([2, 3, 4], { seed: 1, dtype: 'float64' });
    for (const dim of [0, 1, 2, -1]) {
      const e = x.exp();
      assertClose(softmax(x, dim), e.div(e.sum(dim, true)), { message: `dim ${dim}` });
      assertClose(x.softmax(dim), e.div(e.sum(dim, true)));
    }
  });

  it('is stable for large inputs and keeps the input dtype', () => {
    const y = softmax(tensor([10000, 10000, 9999]), 0);
    assert.equal(y.dtype, 'float32');
    const e = Math.exp(-1);
    assertClose(y, [1 / (2 + e), 1 / (2 + e), e / (2 + e)]);
  });

  it('gives exact zeros for -Infinity entries and NaN for a row of only -Infinity, as PyTorch does', () => {
    const y = softmax(tensor([[0, -Infinity, Math.log(3)], [-Infinity, -Infinity, -Infinity]]), 1);
    assert.deepEqual(y.select(0, 0).tolist(), [0.25, 0, 0.75]);
    assert.ok((y.select(0, 1).toArray() as Float32Array).every(Number.isNaN));
    const l = logSoftmax(tensor([0, -Infinity]), 0).tolist() as number[];
    assert.deepEqual(l, [0, -Infinity]);
  });

  it('confines a NaN to its own row', () => {
    const y = softmax(tensor([[NaN, 1], [1, 1]]), 1).tolist() as number[][];
    assert.ok(y[0]!.every(Number.isNaN));
    assert.deepEqual(y[1], [0.5, 0.5]);
  });

  it('gives the gradient y * (g - sum(g * y)) and a zero one at masked entries', () => {
    const x = tensor([0, -Infinity, 1], { dtype: 'float64', requiresGrad: true });
    const c = tensor([1, 2, 3], { dtype: 'float64' });
    softmax(x, 0).mul(c).sum().backward();
    const y = softmax(x.detach(), 0);
    const expected = y.mul(c.sub(y.mul(c).sum()));
    assertClose(x.grad!, expected);
    assert.equal((x.grad!.toArray() as Float64Array)[1], 0);
  });

  it('accepts 0-d input along dim 0 or -1', () => {
    assert.equal(softmax(tensor(5), 0).item(), 1);
    assert.equal(logSoftmax(tensor(5), -1).item(), 0);
  });

  it('computes in the dtype option', () => {
    const y = softmax(tensor([1, 2]), 0, { dtype: 'float64' });
    assert.equal(y.dtype, 'float64');
    assertClose(y, [1 / (1 + Math.E), Math.E / (1 + Math.E)]);
  });

  it('passes gradcheck and gradgradcheck along a middle dim', () => {
    const x = uniform([2, 3, 2], { seed: 2, dtype: 'float64' }).requiresGrad_();
    assert.ok(gradcheck((t) => softmax(t, 1), [x]));
    assert.ok(gradgradcheck((t) => softmax(t, 1), [x]));
  });
});

describe('logSoftmax', () => {
  it('equals log(softmax(x)) where that is representable, and x - logsumexp beyond', () => {
    const x = uniform([3, 5], { seed: 3, dtype: 'float64', low: -5, high: 5 });
    assertClose(logSoftmax(x, 1), softmax(x, 1).log());
    assertClose(x.logSoftmax(0), softmax(x, 0).log());
    assertClose(logSoftmax(tensor([0, 1000], { dtype: 'float64' }), 0), [-1000, 0]);
  });

  it('gives the gradient g - softmax(x) * sum(g)', () => {
    const x = tensor([[1, 2, 4]], { dtype: 'float64', requiresGrad: true });
    const g = tensor([[0.5, -1, 2]], { dtype: 'float64' });
    logSoftmax(x, 1).backward(g);
    assertClose(x.grad!, g.sub(softmax(x.detach(), 1).mul(g.sum())));
  });

  it('passes gradgradcheck along the last dim', () => {
    const x = uniform([2, 4], { seed: 4, dtype: 'float64' }).requiresGrad_();
    assert.ok(gradgradcheck((t) => logSoftmax(t, -1), [x]));
  });
});
