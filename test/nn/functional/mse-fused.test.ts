/**
 * The fused mseLoss ('mean' and 'sum' as one op): the same values and gradients as the chain
 * sub -> square -> sum/mean, bit for bit in float32, gradients of gradients included.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { grad, gradcheck, gradgradcheck, tensor, type Tensor } from '../../../src/index.js';
import { canFuseMse, fusedMse } from '../../../src/nn/functional/mse-fused.js';
import { nn } from '../../../src/index.js';
import { nonContiguous, uniform } from '../../helpers.js';

const F = nn.functional;

/** The loss as the unfused chain computes it. */
function chain(x: Tensor, y: Tensor, reduction: 'mean' | 'sum'): Tensor {
  const sq = x.sub(y).square();
  return reduction === 'mean' ? sq.mean() : sq.sum();
}

function bits(t: Tensor): number[] {
  return [...new Uint32Array(Float32Array.from(t.toArray()).buffer)];
}

describe('fusedMse', () => {
  it('is what mseLoss runs for contiguous operands of one floating dtype', () => {
    const x = uniform([2, 3], { seed: 1 });
    assert.equal(canFuseMse(x, uniform([2, 3], { seed: 2 })), true);
    assert.equal(canFuseMse(x, uniform([2, 3], { seed: 2, dtype: 'float64' })), false);
    assert.equal(canFuseMse(nonContiguous(x), x), false);
    assert.equal(F.mseLoss(x.requiresGrad_(), uniform([2, 3], { seed: 2 })).gradFn?.name, 'mseLoss');
  });

  it('gives the float32 chain values and gradients bit for bit', () => {
    for (const reduction of ['mean', 'sum'] as const) {
      for (const shape of [[1, 10], [7, 13], [3, 400]]) {
        const x1 = uniform(shape, { seed: 3, low: -1, high: 1 }).requiresGrad_();
        const y1 = uniform(shape, { seed: 4, low: -1, high: 1 }).requiresGrad_();
        const x2 = x1.detach().clone().requiresGrad_();
        const y2 = y1.detach().clone().requiresGrad_();
        const fused = fusedMse(x1, y1, reduction);
        const expected = chain(x2, y2, reduction);
        assert.deepEqual(bits(fused), bits(expected), `${reduction} ${shape} value`);
        // an upstream gradient other than 1 goes through the same roundings
        fused.mul(0.37).backward();
        expected.mul(0.37).backward();
        assert.deepEqual(bits(x1.grad!), bits(x2.grad!), `${reduction} ${shape} input grad`);
        assert.deepEqual(bits(y1.grad!), bits(y2.grad!), `${reduction} ${shape} target grad`);
      }
    }
  });

  it('hand-computed values: mean 2 and gradient (x - y) * 2 / n', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const loss = F.mseLoss(x, tensor([1, 4]));
    assert.equal(loss.item(), 2);
    loss.backward();
    assert.deepEqual([...x.grad!.toArray()], [0, -2]);
  });

  it('keeps the chain on empty inputs: mean NaN, sum 0', () => {
    assert.ok(Number.isNaN(fusedMse(tensor([]), tensor([]), 'mean').item()));
    assert.equal(fusedMse(tensor([]), tensor([]), 'sum').item(), 0);
  });

  it('passes gradcheck and gradgradcheck in float64', () => {
    for (const reduction of ['mean', 'sum'] as const) {
      const x = uniform([2, 3], { seed: 5, dtype: 'float64' }).requiresGrad_();
      const y = uniform([2, 3], { seed: 6, dtype: 'float64' }).requiresGrad_();
      assert.ok(gradcheck((a, b) => fusedMse(a, b, reduction), [x, y]));
      assert.ok(gradgradcheck((a, b) => fusedMse(a, b, reduction), [x, y]));
    }
  });

  it('second derivatives equal the chain: d/dx of sum(dL/dx) is 2/n per element', () => {
    const x = uniform([4], { seed: 7, dtype: 'float64' }).requiresGrad_();
    const y = uniform([4], { seed: 8, dtype: 'float64' });
    const [gx] = grad(fusedMse(x, y, 'mean'), [x], { createGraph: true });
    const [ggx] = grad(gx!.sum(), [x]);
    assert.deepEqual([...ggx!.toArray()], [0.5, 0.5, 0.5, 0.5]);
  });
});
