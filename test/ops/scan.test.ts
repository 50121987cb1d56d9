/** Behaviour of ops/scan.ts beyond the conformance table: dims, dtypes, zeros in cumprod, stability. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cumprod, cumsum, logcumsumexp, grad, gradcheck, gradgradcheck, tensor, Tensor } from '../../src/index.js';
import { assertClose, assertThrowsMatching, uniform } from '../helpers.js';

const d = (values: number[], shape?: number[]): Tensor =>
  tensor(values, { dtype: 'float64', requiresGrad: true, ...(shape ? { shape } : {}) });

function gradOf(f: (x: Tensor) => Tensor, x: Tensor): Tensor {
  return grad(f(x).sum(), [x])[0]!;
}

describe('cumsum and cumprod', () => {
  it('scan along any dim, negative dims included', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    assertClose(cumsum(x, 0), [[1, 2, 3], [5, 7, 9]]);
    assertClose(cumsum(x, -1), [[1, 3, 6], [4, 9, 15]]);
    assertClose(cumprod(x, 1), [[1, 2, 6], [4, 20, 120]]);
    assertClose(x.T.cumsum(0), cumsum(x, 1).T);
    assertClose(x.cumprod(-2), [[1, 2, 3], [4, 10, 18]]);
    assertClose(cumsum(tensor(4), 0), 4);
  });

  it('int32 and bool give int32; floating dtypes are kept', () => {
    assert.equal(cumsum(tensor([true, true]), 0).dtype, 'int32');
    assert.equal(cumprod(tensor([2, 3], { dtype: 'int32' }), 0).dtype, 'int32');
    assert.equal(cumsum(tensor([1, 2], { dtype: 'float64' }), 0).dtype, 'float64');
  });

  it('cumsum backward is a reversed cumsum', () => {
    assertClose(gradOf((x) => cumsum(x, 0), d([1, 2, 3])), [3, 2, 1]);
    assertClose(gradOf((x) => cumsum(x, 1).mul(tensor([[1, 10]], { dtype: 'float64' })), d([1, 2, 3, 4], [2, 2])), [[11, 10], [11, 10]]);
  });

  it('cumprod backward is exact with zeros (hand-derived), first and second order', () => {
    // out = [x0, x0 x1, x0 x1 x2]; d sum / dx = [1 + x1 + x1 x2, x0 + x0 x2, x0 x1]
    assertClose(gradOf((x) => cumprod(x, 0), d([2, 0, 3])), [1, 8, 0]);
    assertClose(gradOf((x) => cumprod(x, 0), d([0, 5, 3])), [21, 0, 0]);
    assertClose(gradOf((x) => cumprod(x, 0), d([0, 0, 3])), [1, 0, 0]);
    assertClose(gradOf((x) => cumprod(x, 0), d([2, 5, 3])), [21, 8, 10]);
    const x = d([0, 2, 0, 3, 1, 0, 4, -2, 0.5, 3, 0, 0], [3, 4]);
    assert.ok(gradcheck((t) => cumprod(t, 1), [x]));
    assert.ok(gradcheck((t) => cumprod(t, 0), [x]));
    assert.ok(gradgradcheck((t) => cumprod(t, -1), [x]));
  });

  it('cumprod matches finite differences on non-zero inputs, also for long rows', () => {
    const x = uniform([2, 9], { low: 0.5, high: 1.5, dtype: 'float64' }).requiresGrad_();
    assert.ok(gradcheck((t) => cumprod(t, 1), [x]));
    assert.ok(gradgradcheck((t) => cumprod(t, 1), [x]));
  });

  it('bad input', () => {
    assertThrowsMatching(() => cumsum(tensor([1, 2]), undefined as never), /^cumsum: dim must be a number, got undefined/);
    assertThrowsMatching(() => cumprod(tensor([[1, 2]]), -3), /^cumprod: dim -3 is out of range for a tensor of 2 dimension\(s\)/);
  });
});

describe('logcumsumexp', () => {
  it('matches log(cumsum(exp(x))) where that is safe, and is stable where it is not', () => {
    const x = uniform([3, 5], { seed: 7, dtype: 'float64' });
    assertClose(logcumsumexp(x, 1), x.exp().cumsum(1).log());
    assertClose(logcumsumexp(x, 0), x.exp().cumsum(0).log());
    assertClose(logcumsumexp(tensor([1000, 1000, -1000]), 0), [1000, 1000 + Math.LN2, 1000 + Math.LN2]);
    assertClose(logcumsumexp(tensor([-1000, -1000]), 0), [-1000, -1000 + Math.LN2]);
  });

  it('handles infinities and empty input', () => {
    assertClose(logcumsumexp(tensor([-Infinity, -Infinity, 0, Infinity, 5]), 0), [-Infinity, -Infinity, 0, Infinity, Infinity]);
    assert.deepEqual(logcumsumexp(tensor([[]]), 1).shape, [1, 0]);
    assertClose(logcumsumexp(tensor(2), 0), 2);
  });

  it('its gradient: softmax weights; -Infinity entries past the start get 0, a leading one keeps out[0] = x[0]', () => {
    // out_j = log sum_{i<=j} e^{x_i}; d sum(out) / d x_i = sum_{j>=i} e^{x_i - out_j}
    const x = d([0, 0, 0]);
    assertClose(gradOf((t) => logcumsumexp(t, 0), x), [1 + 1 / 2 + 1 / 3, 1 / 2 + 1 / 3, 1 / 3]);
    const inf = d([-Infinity, 0, 1, -Infinity]);
    const e = Math.E;
    assertClose(gradOf((t) => logcumsumexp(t, 0), inf), [1, 1 + 2 / (1 + e), (2 * e) / (1 + e), 0]);
    const y = uniform([2, 6], { seed: 8, low: -3, high: 3, dtype: 'float64' }).requiresGrad_();
    assert.ok(gradgradcheck((t) => logcumsumexp(t, 1), [y]));
  });

  it('rejects integer input', () => {
    assertThrowsMatching(() => logcumsumexp(tensor([1], { dtype: 'int32' }), 0), /^logcumsumexp: input must be floating point, got int32/);
  });
});
