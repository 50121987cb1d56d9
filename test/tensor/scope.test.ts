/** Memory: dispose(), tidy(), keep(), and a training loop whose memory stays flat. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import { tensor, zeros, ones, tidy, keep, noGrad, Tensor } from '../../src/index.js';
import { assertClose, assertThrowsMatching } from '../helpers.js';

describe('dispose', () => {
  it('frees the storage: the tensor and its views can no longer be read', () => {
    const x = tensor([1, 2, 3, 4]);
    const v = x.reshape([2, 2]);
    assert.equal(x.isDisposed, false);
    x.dispose();
    assert.equal(x.isDisposed, true);
    assert.equal(v.isDisposed, true);
    assertThrowsMatching(() => x.data, /^this float32 tensor of shape \[4\] was disposed and cannot be used/);
    assertThrowsMatching(() => v.add(1), /was disposed/);
    assertThrowsMatching(() => x.toArray(), /was disposed/);
    x.dispose(); // twice is harmless
  });

  it('does not touch other tensors', () => {
    const a = tensor([1, 2]);
    const b = a.add(1);
    a.dispose();
    assertClose(b, [2, 3]);
  });
});

describe('tidy', () => {
  it('disposes temporaries and keeps the returned tensor', () => {
    const x = tensor([1, 2, 3]);
    let temp: Tensor | null = null;
    const out = tidy(() => {
      temp = x.mul(2);
      return temp.add(1).sum();
    });
    assert.equal(temp!.isDisposed, true);
    assert.equal(out.isDisposed, false);
    assert.equal(out.item(), 15);
    assert.equal(x.isDisposed, false);
  });

  it('never frees tensors created outside the block, even through views made inside it', () => {
    const x = tensor([[1, 2], [3, 4]]);
    tidy(() => {
      x.T.reshape([4]).mul(2);
      x.select(0, 1).add(1);
      return null;
    });
    assert.equal(x.isDisposed, false);
    assertClose(x, [[1, 2], [3, 4]]);
  });

  it('keeps the storage of returned views, and everything in arrays, objects and Maps', () => {
    let base: Tensor | null = null;
    const result = tidy(() => {
      base = tensor([1, 2, 3, 4]).mul(1);
      const m = new Map<string, Tensor>([['m', tensor([7])]]);
      return { view: base.narrow(0, 1, 2), list: [tensor([5]), { deep: tensor([6]) }], m };
    });
    assert.equal(base!.isDisposed, false); // shares storage with the returned view
    assertClose(result.view, [2, 3]);
    assertClose(result.list[0] as Tensor, [5]);
    assertClose((result.list[1] as { deep: Tensor }).deep, [6]);
    assertClose(result.m.get('m')!, [7]);
  });

  it('keeps what keep() marks', () => {
    let state: Tensor | null = null;
    let temp: Tensor | null = null;
    tidy(() => {
      temp = zeros([2]).add(1);
      state = keep(zeros([2]).add(2));
    });
    assert.equal(temp!.isDisposed, true);
    assertClose(state!, [2, 2]);
  });

  it('keeps gradients written by a backward inside the block', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const x = tensor([3, 4]);
    const loss = tidy(() => {
      const l = w.mul(x).square().sum();
      l.backward();
      return l.item();
    });
    assert.equal(loss, 9 + 64);
    assert.equal(w.grad!.isDisposed, false);
    assertClose(w.grad!, [2 * 3 * 3, 2 * 8 * 4]);
    // A training step inside tidy: the update and the gradient survive, temporaries do not.
    tidy(() => {
      noGrad(() => w.sub_(w.grad!.mul(0.01)));
    });
    assertClose(w, [1 - 0.18, 2 - 0.64]);
  });

  it('keeps what the graph of a returned tensor saved, so backward works after the block', () => {
    const w = tensor([0.5, -1], { requiresGrad: true });
    const x = tensor([2, 3]);
    let hidden: Tensor | null = null;
    const loss = tidy(() => {
      hidden = w.mul(x).exp(); // exp saves its output for the backward
      return hidden.mul(x).sum();
    });
    assert.equal(hidden!.isDisposed, false);
    loss.backward();
    assertClose(w.grad!, [2 * 2 * Math.exp(1), 3 * 3 * Math.exp(-3)]);
  });

  it('nests: the inner block hands its survivors to the outer one', () => {
    let inner: Tensor | null = null;
    let innerTemp: Tensor | null = null;
    const outer = tidy(() => {
      inner = tidy(() => {
        innerTemp = ones([2]).mul(3);
        return innerTemp.add(1);
      });
      assert.equal(innerTemp!.isDisposed, true);
      assert.equal(inner.isDisposed, false);
      return inner.sum();
    });
    assert.equal(inner!.isDisposed, true); // not returned by the outer block
    assert.equal(outer.item(), 8);
  });

  it('disposes nothing when the block throws, and refuses asynchronous blocks', () => {
    let temp: Tensor | null = null;
    assert.throws(() => tidy(() => {
      temp = ones([2]).mul(2);
      throw new Error('boom');
    }), /boom/);
    assertClose(temp!, [2, 2]);
    assertThrowsMatching(() => tidy(async () => ones([1]).mul(2)), /^tidy: the function returned a Promise/);
  });

  it('returns non-tensor values unchanged', () => {
    assert.equal(tidy(() => 3), 3);
    assert.equal(tidy(() => undefined), undefined);
  });
});

describe('memory of a training loop', () => {
  it('stays flat over 100,000 steps (forward, loss, backward, update, zeroing grads), with and without tidy', () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const used = (): number => {
      gc();
      gc();
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    const x = tensor([[0.5, -1, 2], [1, 0, -0.5], [0.1, 0.2, 0.3], [-1, 1, 1]]);
    const y = tensor([[1], [0], [0.5], [2]]);
    const w = tensor([[0.1], [0.2], [0.3]], { requiresGrad: true });
    const b = tensor([0], { requiresGrad: true });
    const step = (): number => {
      const loss = x.matmul(w).add(b).sub(y).square().mean();
      loss.backward();
      noGrad(() => {
        w.sub_(w.grad!, 0.05);
        b.sub_(b.grad!, 0.05);
      });
      w.grad = null;
      b.grad = null;
      return loss.item();
    };
    let first = 0;
    let last = 0;
    for (let i = 0; i < 10_000; i++) last = step();
    first = last;
    const after10k = used();
    for (let i = 0; i < 45_000; i++) last = step();
    for (let i = 0; i < 45_000; i++) last = tidy(step);
    const after100k = used();
    const growth = after100k - after10k;
    // A leak of even 20 bytes a step would show as 1.8 MB here.
    assert.ok(growth < 1e6, `memory grew by ${(growth / 1e6).toFixed(2)} MB from step 10,000 to step 100,000`);
    assert.ok(last < first, `the loss should keep decreasing (${first} -> ${last})`);
  });
});
