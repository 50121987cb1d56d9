/** detectAnomaly: naming the first op whose forward or backward produced NaN or Inf. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, detectAnomaly, AnomalyError, Tensor } from '../../src/index.js';
import { isAnomalyEnabled } from '../../src/autograd/grad-mode.js';
import { assertClose, assertThrowsMatching } from '../helpers.js';

const f64 = (v: number[], requiresGrad = true): Tensor => tensor(v, { dtype: 'float64', requiresGrad });

describe('detectAnomaly', () => {
  it('names the op whose forward produced -Inf (log of 0)', () => {
    const x = f64([1, 2]);
    assertThrowsMatching(
      () => detectAnomaly(() => x.sub(1).log().mul(2).sum()),
      /^detectAnomaly: the forward pass of 'log' produced Inf in its output of shape \[2\]/,
    );
    // Without anomaly mode the same computation runs and gives -Inf.
    assertClose(x.sub(1).log().mul(2).sum(), tensor(-Infinity, { dtype: 'float64' }));
  });

  it('names the op whose forward produced NaN (0/0), also for tensors that do not require grad', () => {
    const x = tensor([0, 1]);
    assertThrowsMatching(() => detectAnomaly(() => x.div(x).add(1)), /^detectAnomaly: the forward pass of 'div' produced NaN/);
  });

  it('throws an AnomalyError and restores the mode afterwards', () => {
    let error: unknown = null;
    try {
      detectAnomaly(() => tensor([-1]).sqrt());
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof AnomalyError);
    assert.equal((error as Error).name, 'AnomalyError');
    assert.equal(isAnomalyEnabled(), false);
  });

  it('names the op whose backward produced Inf (sqrt at 0), not the ops inside its rule', () => {
    const x = f64([0, 1]);
    // The forward is finite; d/dx sqrt(x) = 1 / (2 sqrt(x)) is Inf at 0.
    assertThrowsMatching(
      () => detectAnomaly(() => x.sqrt().mul(3).sum().backward()),
      /^detectAnomaly: the backward of 'sqrt' produced NaN or Inf in the gradient of its input 0 \(shape \[2\]\)/,
    );
    // Without anomaly mode the gradient is computed, Inf included.
    x.sqrt().mul(3).sum().backward();
    assertClose(x.grad!, [Infinity, 1.5]);
  });

  it('lets non-finite values through that came in as inputs (an attention mask of -Inf)', () => {
    const scores = tensor([[0.5, 1, 2]], { requiresGrad: true });
    const mask = tensor([[0, -Infinity, 0]]);
    const out = detectAnomaly(() => {
      const p = scores.add(mask).exp();
      p.sum().backward();
      return p;
    });
    assertClose(out, [[Math.exp(0.5), 0, Math.exp(2)]]);
    assertClose(scores.grad!, [[Math.exp(0.5), 0, Math.exp(2)]]);
  });

  it('still catches a NaN made from incoming Inf (Inf - Inf)', () => {
    const x = tensor([Infinity, 1]);
    assertThrowsMatching(() => detectAnomaly(() => x.sub(x)), /^detectAnomaly: the forward pass of 'sub' produced NaN/);
  });

  it('checks non-contiguous outputs and inputs', () => {
    const x = tensor([[1, 0], [2, 3]]).T;
    assert.equal(x.isContiguous(), false);
    assertThrowsMatching(() => detectAnomaly(() => x.log()), /forward pass of 'log' produced Inf/);
    const y = tensor([[1, -Infinity], [2, 3]]).T;
    assertClose(detectAnomaly(() => y.add(1)), [[2, 3], [-Infinity, 4]]);
  });

  it('returns the value of its block when nothing is wrong', () => {
    const x = f64([1, 4]);
    const r = detectAnomaly(() => {
      x.sqrt().sum().backward();
      return 7;
    });
    assert.equal(r, 7);
    assertClose(x.grad!, [0.5, 0.25]);
  });
});
