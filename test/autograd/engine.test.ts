/** The backward engine and grad mode: PyTorch's leaf/non-leaf semantics, accumulation, errors. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, zeros, ones, noGrad, enableGrad, isGradEnabled, grad, backward, Tensor } from '../../src/index.js';
import { assertClose, assertThrowsMatching } from '../helpers.js';

const f64 = (v: number[] | number, requiresGrad = true): Tensor => tensor(v, { dtype: 'float64', requiresGrad });

describe('leaves and non-leaves', () => {
  it('user tensors are leaves; results of recorded ops are not', () => {
    const x = f64([1, 2]);
    const c = f64([3, 4], false);
    const y = x.mul(c);
    assert.equal(x.isLeaf, true);
    assert.equal(c.isLeaf, true);
    assert.equal(y.isLeaf, false);
    assert.equal(y.requiresGrad, true);
    assert.equal(y.gradFn?.name, 'mul');
    assert.equal(x.gradFn, null);
    // An op on tensors that need no gradient records nothing: its result is a leaf.
    const z = c.mul(c);
    assert.equal(z.isLeaf, true);
    assert.equal(z.requiresGrad, false);
  });

  it('.grad is filled only on leaves, unless retainGrad() is called', () => {
    const x = f64([1, 2, 3]);
    const y = x.mul(2);
    const z = y.exp();
    z.retainGrad();
    z.sum().backward();
    assertClose(x.grad!, [2 * Math.exp(2), 2 * Math.exp(4), 2 * Math.exp(6)]);
    assert.equal(y.grad, null);
    assertClose(z.grad!, [1, 1, 1]);
  });

  it('requiresGrad_ rejects integer tensors and turning it off on a non-leaf', () => {
    assertThrowsMatching(() => tensor([1, 2], { dtype: 'int32' }).requiresGrad_(), /^requiresGrad_: only floating-point tensors can require gradients, got int32/);
    assertThrowsMatching(() => tensor([true]).requiresGrad_(true), /got bool/);
    const y = f64([1]).mul(2);
    assertThrowsMatching(() => y.requiresGrad_(false), /^requiresGrad_: cannot turn off requiresGrad of a non-leaf tensor; use detach\(\)/);
    // Turning it on again is a no-op, as in PyTorch.
    assert.equal(y.requiresGrad_(true), y);
    // Setting it off on a leaf is allowed.
    const x = f64([1]);
    x.requiresGrad = false;
    assert.equal(x.requiresGrad, false);
  });

  it('retainGrad on a leaf that does not require grad throws', () => {
    assertThrowsMatching(() => f64([1], false).retainGrad(), /^retainGrad: cannot retain the gradient of a tensor that does not require grad/);
  });
});

describe('backward()', () => {
  it('accumulates into .grad across calls', () => {
    const x = f64([1, 2]);
    x.mul(x).sum().backward();
    assertClose(x.grad!, [2, 4]);
    x.mul(3).sum().backward();
    assertClose(x.grad!, [5, 7]);
    x.grad = null;
    x.mul(3).sum().backward();
    assertClose(x.grad!, [3, 3]);
  });

  it('sums the gradients of every path to a leaf', () => {
    const x = f64(3);
    const y = x.mul(x).add(x.exp()).add(x); // 2x + e^x + 1
    y.backward();
    assertClose(x.grad!, 2 * 3 + Math.exp(3) + 1);
  });

  it('needs an explicit gradient for a non-scalar output', () => {
    const y = f64([1, 2]).mul(2);
    assertThrowsMatching(() => y.backward(), /^backward: a gradient can be created implicitly only for outputs with one element; output 0 has shape \[2\]/);
  });

  it('takes a gradient for a non-scalar output (a vector-Jacobian product)', () => {
    const x = f64([1, 2, 3]);
    const y = x.mul(x);
    y.backward(tensor([1, 0.5, -1], { dtype: 'float64' }));
    assertClose(x.grad!, [2, 2, -6]);
  });

  it('casts a gradient of another dtype and rejects one of the wrong shape', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.mul(3).backward(tensor([1, 1], { dtype: 'float64' }));
    assert.equal(x.grad!.dtype, 'float32');
    assertClose(x.grad!, [3, 3]);
    assertThrowsMatching(() => x.mul(3).backward(zeros([3])), /^backward: gradient 0 has shape \[3\] but the output has shape \[2\]/);
  });

  it('does not alias the gradient the caller passed in', () => {
    const x = f64([1, 2]);
    const g = tensor([1, 1], { dtype: 'float64' });
    x.add(0).backward(g);
    x.add(0).backward(g);
    assertClose(g, [1, 1]);
    assertClose(x.grad!, [2, 2]);
  });

  it('rejects outputs that do not require grad', () => {
    const x = f64([1], false);
    assertThrowsMatching(() => x.mul(2).backward(), /^backward: output 0 does not require grad/);
    const y = noGrad(() => f64([1]).mul(2));
    assertThrowsMatching(() => y.backward(), /does not require grad/);
  });

  it('frees the graph: a second backward throws naming the op, unless retainGraph was passed', () => {
    const x = f64([1, 2]);
    const y = x.exp();
    const s = y.sum();
    s.backward();
    assertThrowsMatching(() => s.backward(), /^backward: trying to backward through 'sum' a second time/, /retainGraph: true/);
    // A new head on the freed part of the graph names the first freed op it reaches.
    assertThrowsMatching(() => y.mul(2).sum().backward(), /through 'exp' a second time/);

    const x2 = f64([1, 2]);
    const s2 = x2.exp().sum();
    s2.backward(null, { retainGraph: true });
    s2.backward();
    assertClose(x2.grad!, [2 * Math.exp(1), 2 * Math.exp(2)]);
  });

  it('backward() of several outputs at once', () => {
    const x = f64([1, 2]);
    backward([x.mul(2).sum(), x.mul(x).sum()]);
    assertClose(x.grad!, [4, 6]);
  });

  it('does not walk parts of the graph that need no gradient', () => {
    const x = f64([2]);
    const c = f64([5], false);
    const y = x.mul(c);
    assert.deepEqual(y.gradFn!.next.map((n) => n?.name ?? null), ['AccumulateGrad', null]);
    y.sum().backward();
    assert.equal(c.grad, null);
    assertClose(x.grad!, [5]);
  });
});

describe('detach', () => {
  it('shares storage, leaves the graph and does not require grad', () => {
    const x = f64([1, 2]);
    const y = x.mul(2);
    const d = y.detach();
    assert.equal(d.isLeaf, true);
    assert.equal(d.requiresGrad, false);
    assert.equal(d.storage, y.storage);
    // Gradient does not flow through a detached tensor.
    const z = y.mul(d);
    z.sum().backward();
    assertClose(x.grad!, [4, 8]);
  });

  it('detach_ turns a non-leaf into a leaf in place', () => {
    const y = f64([1]).mul(2);
    y.detach_();
    assert.equal(y.isLeaf, true);
    assert.equal(y.requiresGrad, false);
  });
});

describe('grad mode', () => {
  it('noGrad and enableGrad nest and restore the previous mode, even on throw', () => {
    const x = f64([1]);
    assert.equal(isGradEnabled(), true);
    noGrad(() => {
      assert.equal(isGradEnabled(), false);
      assert.equal(x.mul(2).requiresGrad, false);
      enableGrad(() => {
        assert.equal(isGradEnabled(), true);
        assert.equal(x.mul(2).requiresGrad, true);
        noGrad(() => assert.equal(x.mul(2).requiresGrad, false));
        assert.equal(isGradEnabled(), true);
      });
      assert.equal(isGradEnabled(), false);
      assert.throws(() => enableGrad(() => { throw new Error('boom'); }), /boom/);
      assert.equal(isGradEnabled(), false);
    });
    assert.throws(() => noGrad(() => { throw new Error('boom'); }), /boom/);
    assert.equal(isGradEnabled(), true);
  });

  it('noGrad returns the value of its block', () => {
    assert.equal(noGrad(() => 42), 42);
  });
});

describe('functional grad()', () => {
  it('returns gradients without touching .grad', () => {
    const x = f64([1, 2]);
    const y = f64([3, 4]);
    const [gx, gy] = grad(x.mul(y).sum(), [x, y]);
    assertClose(gx!, [3, 4]);
    assertClose(gy!, [1, 2]);
    assert.equal(x.grad, null);
    assert.equal(y.grad, null);
  });

  it('throws for an unused input unless allowUnused', () => {
    const x = f64([1]);
    const unused = f64([1]);
    assertThrowsMatching(() => grad(x.mul(2).sum(), [x, unused]), /^grad: input 1 was not used to compute the outputs; pass \{allowUnused: true\}/);
    const [gx, gu] = grad(x.mul(2).sum(), [x, unused], { allowUnused: true });
    assertClose(gx!, [2]);
    assert.equal(gu, null);
  });

  it('rejects inputs that do not require grad', () => {
    const x = f64([1]);
    assertThrowsMatching(() => grad(x.mul(2).sum(), [f64([1], false)]), /^grad: input 0 does not require grad/);
  });

  it('differentiates with respect to a non-leaf', () => {
    const x = f64([1, 2]);
    const h = x.mul(3);
    const out = h.square().sum();
    const [gh, gx] = grad(out, [h, x]);
    assertClose(gh!, [6, 12]); // 2h
    assertClose(gx!, [18, 36]); // 2h * 3
  });

  it('takes gradOutputs for non-scalar outputs and several outputs', () => {
    const x = f64([1, 2]);
    const [g] = grad([x.mul(2), x.mul(x)], [x], { gradOutputs: [ones([2], { dtype: 'float64' }), tensor([1, -1], { dtype: 'float64' })] });
    assertClose(g!, [2 + 2, 2 - 4]);
  });

  it('with createGraph gives differentiable gradients', () => {
    const x = f64([2]);
    const [dx] = grad(x.pow(3).sum(), [x], { createGraph: true });
    assert.equal(dx!.requiresGrad, true);
    assertClose(dx!, [12]);
    const [d2x] = grad(dx!.sum(), [x]);
    assertClose(d2x!, [12]); // 6x
    // backward() with createGraph too: the leaf's .grad is itself differentiable.
    const y = f64([3]);
    y.pow(3).sum().backward(null, { createGraph: true });
    assert.equal(y.grad!.requiresGrad, true);
    const [d2y] = grad(y.grad!.sum(), [y]);
    assertClose(d2y!, [18]);
  });

  it('without createGraph, gradients do not require grad', () => {
    const x = f64([2]);
    const [dx] = grad(x.pow(3).sum(), [x]);
    assert.equal(dx!.requiresGrad, false);
    x.pow(3).sum().backward();
    assert.equal(x.grad!.requiresGrad, false);
  });
});

describe('deep graphs', () => {
  it('backpropagates through a chain of 1,000,000 ops without overflowing the stack', () => {
    // Each step multiplies by c, so d(out)/dx = c^n. A preallocated 0-d c keeps memory modest.
    const n = 1_000_000;
    const x = tensor(1, { dtype: 'float64', requiresGrad: true });
    const c = tensor(1.0000001, { dtype: 'float64' });
    let y = x;
    for (let i = 0; i < n; i++) y = y.mul(c);
    y.backward();
    const expected = Math.pow(1.0000001, n);
    assertClose(x.grad!, tensor(expected, { dtype: 'float64' }), { rtol: 1e-9 });
    assertClose(y, tensor(expected, { dtype: 'float64' }), { rtol: 1e-9 });
  });
});

it('each input receives a gradient of its own dtype when an op promoted mixed dtypes', () => {
  const a = tensor([1, 2], { requiresGrad: true });
  const b = tensor([3, 4], { dtype: 'float64', requiresGrad: true });
  a.mul(b).sum().backward();
  assert.equal(a.grad!.dtype, 'float32');
  assert.equal(b.grad!.dtype, 'float64');
  assert.deepEqual(a.grad!.tolist(), [3, 4]);
  assert.deepEqual(b.grad!.tolist(), [1, 2]);
});
