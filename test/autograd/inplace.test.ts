/** In-place ops under autograd: version counters, leaves, rebasing the graph, zero-gradient writes. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, zeros, ones, noGrad, grad, Tensor } from '../../src/index.js';
import { assertClose, assertThrowsMatching } from '../helpers.js';

const f64 = (v: number[], requiresGrad = true): Tensor => tensor(v, { dtype: 'float64', requiresGrad });

describe('version counters', () => {
  it('modifying a saved output throws at backward, naming the op that saved it', () => {
    const x = f64([1, 2]);
    const y = x.exp(); // exp saves its output for the backward
    assert.equal(y.version, 0);
    y.add_(1);
    assert.equal(y.version, 1);
    assertThrowsMatching(
      () => y.sum().backward(),
      /^exp: one of the tensors needed for gradient computation has been modified by an in-place operation/,
      /float64 tensor of shape \[2\] is at version 1; expected version 0/,
    );
  });

  it('modifying a saved input throws too, also when done under noGrad (an early optimizer step)', () => {
    const w = f64([1, 2]);
    const c = f64([3, 4], false);
    const loss = w.mul(c).sum(); // d/dw reads c
    noGrad(() => c.mul_(2));
    assertThrowsMatching(() => loss.backward(), /^mul: one of the tensors needed for gradient computation has been modified/);
  });

  it('a write through a view bumps the version seen by every view of the storage', () => {
    const x = f64([1, 2, 3]);
    const y = x.exp();
    const v = y.detach().narrow(0, 0, 1);
    v.fill_(0);
    assertThrowsMatching(() => y.sum().backward(), /^exp: /);
  });

  it('in-place ops whose values are not saved still work: x * 2, then += 1, then *= 3', () => {
    const x = f64([1, 2]);
    const y = x.mul(2); // saves only the scalar 2
    y.add_(1);
    y.mul_(3); // mul by a scalar saves the scalar, not y
    assertClose(y, [9, 15]);
    y.sum().backward();
    assertClose(x.grad!, [6, 6]);
  });

  it('mul_ and div_ by a tensor that requires grad read the old values of self from a copy (as PyTorch)', () => {
    const x = f64([1, 2]);
    const w = f64([3, 4]);
    const h = x.mul(2);
    h.mul_(w);
    h.sum().backward();
    assertClose(x.grad!, [6, 8]);
    assertClose(w.grad!, [2, 4]);

    const x2 = f64([1, 2]);
    const w2 = f64([3, 4]);
    const h2 = x2.mul(2);
    h2.div_(w2);
    h2.sum().backward();
    assertClose(x2.grad!, [2 / 3, 2 / 4]);
    assertClose(w2.grad!, [-2 / 9, -4 / 16]);
  });

  it('h.mul_(h) modifies a value its own backward needs: an error, as in PyTorch', () => {
    const x = f64([1, 2]);
    const h = x.mul(2);
    h.mul_(h);
    assertThrowsMatching(() => h.sum().backward(), /^mul: one of the tensors needed for gradient computation has been modified/);
  });
});

describe('leaves', () => {
  it('an in-place op on a leaf that requires grad throws, for every in-place op', () => {
    const x = f64([1, 2]);
    const msg = (op: string) => new RegExp(`^${op}: a leaf tensor that requires grad cannot be modified in place; wrap the update in noGrad\\(\\)`);
    assertThrowsMatching(() => x.add_(1), msg('add_'));
    assertThrowsMatching(() => x.sub_(1), msg('sub_'));
    assertThrowsMatching(() => x.mul_(2), msg('mul_'));
    assertThrowsMatching(() => x.div_(2), msg('div_'));
    assertThrowsMatching(() => x.fill_(0), msg('fill_'));
    assertThrowsMatching(() => x.zero_(), msg('fill_'));
    assertThrowsMatching(() => x.copy_(zeros([2], { dtype: 'float64' })), msg('copy_'));
    assert.equal(x.version, 0);
    assertClose(x, [1, 2]);
  });

  it('under noGrad a leaf can be updated and stays a leaf that requires grad', () => {
    const w = f64([1, 2]);
    w.mul(w).sum().backward();
    noGrad(() => w.sub_(w.grad!, 0.5));
    assertClose(w, [0, 0]);
    assert.equal(w.isLeaf, true);
    assert.equal(w.requiresGrad, true);
    assert.equal(w.version, 1);
  });
});

describe('rebasing the graph', () => {
  it('a chain of in-place ops on a non-leaf gives the gradients of the out-of-place chain', () => {
    const run = (inplace: boolean) => {
      const x = f64([0.5, -1, 2]);
      const w = f64([1.5, 0.25, -2]);
      const b = f64([0.1, 0.2, 0.3]);
      let h = x.mul(w);
      if (inplace) {
        h.add_(b);
        h.mul_(w);
        h.sub_(x, 2);
        h.div_(b);
        h.add_(b.square(), 3);
      } else {
        h = h.add(b).mul(w).sub(x.mul(2)).div(b).add(b.square().mul(3));
      }
      const loss = h.tanh().sum();
      loss.backward();
      return { h, loss, grads: [x.grad!, w.grad!, b.grad!] };
    };
    const a = run(true);
    const b = run(false);
    assertClose(a.h, b.h);
    assertClose(a.loss, b.loss);
    a.grads.forEach((g, i) => assertClose(g, b.grads[i]!, { message: `grad ${i}` }));
    assert.equal(a.h.isLeaf, false);
  });

  it('an in-place op makes a tensor that did not require grad part of the graph', () => {
    const x = f64([1, 2]);
    const buf = zeros([2], { dtype: 'float64' });
    buf.add_(x.mul(3));
    assert.equal(buf.requiresGrad, true);
    assert.equal(buf.isLeaf, false);
    buf.square().sum().backward();
    assertClose(x.grad!, [18, 36]); // 2 * 3x * 3
  });

  it('the graph stays differentiable twice through in-place ops', () => {
    const x = f64([0.5, 1.5]);
    const h = x.mul(1);
    h.mul_(x); // x^2
    h.mul_(x); // x^3
    const [d1] = grad(h.sum(), [x], { createGraph: true });
    const [d2] = grad(d1!.sum(), [x]);
    assertClose(d1!, [3 * 0.25, 3 * 2.25]);
    assertClose(d2!, [3, 9]);
  });

  it('in-place on a view of a tensor in the graph is refused with a clear error', () => {
    const x = f64([1, 2, 3]);
    const h = x.mul(2);
    assertThrowsMatching(() => h.narrow(0, 0, 1).add_(1), /^add_: in-place modification of a view is not differentiable here \(shape \[1\]\); clone\(\) the view first/);
  });
});

describe('writes that do not depend on the graph', () => {
  it('fill_ on a non-leaf: still requires grad, zero gradient to its history (as PyTorch)', () => {
    const x = f64([1, 2]);
    const h = x.mul(2);
    h.fill_(3);
    assert.equal(h.requiresGrad, true);
    assertClose(h, [3, 3]);
    h.sum().backward();
    assertClose(x.grad!, [0, 0]);
  });

  it('copy_ of a constant into a non-leaf: zero gradient to its history', () => {
    const x = f64([1, 2]);
    const h = x.mul(2);
    h.copy_(ones([2], { dtype: 'float64' }));
    h.sum().backward();
    assertClose(x.grad!, [0, 0]);
  });

  it('copy_ from a tensor that requires grad: gradients flow to the source, cast and summed over broadcasting', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true }); // float32 source
    const buf = zeros([2, 3], { dtype: 'float64' });
    buf.copy_(x);
    assert.equal(buf.isLeaf, false);
    assertClose(buf, [[1, 2, 3], [1, 2, 3]]);
    buf.mul(tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64' })).sum().backward();
    assert.equal(x.grad!.dtype, 'float32');
    assertClose(x.grad!, [5, 7, 9]);
  });

  it('copy_ of a leaf into a fresh buffer of the same shape and dtype', () => {
    const x = f64([1, 2]);
    const buf = zeros([2], { dtype: 'float64' });
    buf.copy_(x);
    buf.mul(buf).sum().backward();
    assertClose(x.grad!, [2, 4]);
  });
});

describe('.grad ownership', () => {
  it('the gradients of two leaves never share storage (add hands the same gradient to both)', () => {
    const a = f64([1, 2]);
    const b = f64([3, 4]);
    a.add(b).sum().backward();
    assert.notEqual(a.grad!.storage, b.grad!.storage);
    noGrad(() => a.grad!.zero_());
    assertClose(b.grad!, [1, 1]);
  });

  it('the gradient of a view of a leaf does not alias the caller\'s output gradient', () => {
    const x = f64([1, 2, 3, 4]);
    const g = tensor([[1, 1], [1, 1]], { dtype: 'float64' });
    x.reshape([2, 2]).backward(g);
    assert.notEqual(x.grad!.storage, g.storage);
    noGrad(() => x.grad!.mul_(5));
    assertClose(g, [[1, 1], [1, 1]]);
  });
});
