/** Gradient clipping and the parameter <-> vector utilities. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, optim } from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { assertClose, assertThrowsMatching } from '../helpers.js';

function withGrads(...grads: number[][]): Tensor[] {
  return grads.map((g) => {
    const p = tensor(g.map(() => 0), { dtype: 'float64', requiresGrad: true });
    p.grad = tensor(g, { dtype: 'float64' });
    return p;
  });
}

describe('clipGradNorm', () => {
  it('returns the total 2-norm of all gradients and scales them to maxNorm', () => {
    const ps = withGrads([3, 0], [0, 4, 0]); // total norm 5
    const total = optim.clipGradNorm(ps, 1);
    assert.equal(total.item(), 5);
    const c = 1 / (5 + 1e-6);
    assertClose(ps[0]!.grad!, [3 * c, 0]);
    assertClose(ps[1]!.grad!, [0, 4 * c, 0]);
  });

  it('leaves gradients below maxNorm alone', () => {
    const ps = withGrads([3, 0], [0, 4]);
    assert.equal(optim.clipGradNorm(ps, 10).item(), 5);
    assert.deepEqual(ps[0]!.grad!.tolist(), [3, 0]);
    assert.deepEqual(ps[1]!.grad!.tolist(), [0, 4]);
  });

  it('takes other norm orders', () => {
    let ps = withGrads([1, -2], [3]);
    assert.equal(optim.clipGradNorm(ps, 3, { normType: 1 }).item(), 6);
    assertClose(ps[0]!.grad!, [3 / (6 + 1e-6), -6 / (6 + 1e-6)]);
    ps = withGrads([1, -7], [3]);
    assert.equal(optim.clipGradNorm(ps, 100, { normType: Infinity }).item(), 7);
    ps = withGrads([1, -7], [3]);
    assert.equal(optim.clipGradNorm(ps, 3.5, { normType: 'inf' }).item(), 7);
    assertClose(ps[1]!.grad!, [3 * (3.5 / (7 + 1e-6))]);
    ps = withGrads([1, 2], [2, 2]);
    assertClose(optim.clipGradNorm(ps, 100, { normType: 3 }), tensor((1 + 8 + 8 + 8) ** (1 / 3), { dtype: 'float64' }));
  });

  it('skips parameters without gradients and gives 0 when there are none', () => {
    const ps = withGrads([3, 4]);
    const bare = tensor([1, 2], { requiresGrad: true });
    assert.equal(optim.clipGradNorm([bare, ...ps], 1).item(), 5);
    assert.equal(optim.clipGradNorm([bare], 1).item(), 0);
    assert.equal(optim.clipGradNorm(withGrads([6, 8])[0]!, 100).item(), 10); // a single tensor is accepted too
  });

  it('errors on a non-finite total norm when asked, naming the value', () => {
    const ps = withGrads([1, NaN]);
    assertThrowsMatching(
      () => optim.clipGradNorm(ps, 1, { errorIfNonfinite: true }),
      /clipGradNorm: the total norm of order 2 of the gradients is NaN, so they cannot be clipped; pass errorIfNonfinite: false/,
    );
    assert.equal(ps[0]!.grad!.toArray()[0], 1); // untouched
    const inf = withGrads([1, Infinity]);
    assertThrowsMatching(() => optim.clipGradNorm(inf, 1, { errorIfNonfinite: true }), /is Infinity/);
    // Without the error the gradients are scaled by the non-finite norm, as in PyTorch.
    assert.ok(Number.isNaN(optim.clipGradNorm(ps, 1).item()));
    assert.ok(Number.isNaN(ps[0]!.grad!.toArray()[0]!));
  });

  it('rejects bad arguments', () => {
    const ps = withGrads([1]);
    assertThrowsMatching(() => optim.clipGradNorm(ps, -1), /clipGradNorm: maxNorm must be a number >= 0, got -1/);
    assertThrowsMatching(() => optim.clipGradNorm(ps, 1, { normType: -2 }), /clipGradNorm: normType must be a number >= 0, Infinity or 'inf', got -2/);
    assertThrowsMatching(() => optim.clipGradNorm([1] as never, 1), /clipGradNorm: parameter 0 is not a Tensor/);
    assertThrowsMatching(() => optim.clipGradNorm(null as never, 1), /clipGradNorm: parameters must be a Tensor or an iterable of tensors, got null/);
  });
});

describe('clipGradValue', () => {
  it('clamps each gradient element in place', () => {
    const ps = withGrads([-3, 0.5, 2], [0.1]);
    const grad = ps[0]!.grad!;
    optim.clipGradValue(ps, 1);
    assert.equal(ps[0]!.grad, grad);
    assert.deepEqual(grad.tolist(), [-1, 0.5, 1]);
    assert.deepEqual(ps[1]!.grad!.tolist(), [0.1]);
    assertThrowsMatching(() => optim.clipGradValue(ps, -1), /clipGradValue: clipValue must be a number >= 0, got -1/);
  });
});

describe('parametersToVector and vectorToParameters', () => {
  it('flatten in order and write back', () => {
    const a = tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const b = tensor([5, 6], { requiresGrad: true });
    const vec = optim.parametersToVector([a, b]);
    assert.deepEqual(vec.tolist(), [1, 2, 3, 4, 5, 6]);
    optim.vectorToParameters(vec.mul(10), [a, b]);
    assert.deepEqual(a.tolist(), [[10, 20], [30, 40]]);
    assert.deepEqual(b.tolist(), [50, 60]);
    assert.equal(a.isLeaf, true);
    assert.equal(a.requiresGrad, true);
  });

  it('take non-contiguous parameters', () => {
    const a = tensor([[1, 2], [3, 4]]).T;
    assert.deepEqual(optim.parametersToVector([a]).tolist(), [1, 3, 2, 4]);
    optim.vectorToParameters(tensor([9, 8, 7, 6]), [a]);
    assert.deepEqual(a.tolist(), [[9, 8], [7, 6]]);
  });

  it('check the vector', () => {
    const a = tensor([1, 2, 3]);
    assertThrowsMatching(() => optim.vectorToParameters(tensor([1, 2]), [a]), /vectorToParameters: vec has 2 elements, the parameters have 3/);
    assertThrowsMatching(() => optim.vectorToParameters(tensor([[1, 2, 3]]), [a]), /vectorToParameters: vec must be 1-D, got shape \[1,3\]/);
    assertThrowsMatching(() => optim.parametersToVector([]), /parametersToVector: got no parameters/);
  });
});
