/** Views: they share storage (no allocation), writes through them reach the base, and PyTorch's edge cases. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { arange, noGrad, ones, tensor, zeros, Tensor } from '../../src/index.js';
import { assertClose, assertThrowsMatching, seeded, uniform } from '../helpers.js';

/** [2,3,4] float32 holding 0..23. */
const block = (): Tensor => arange(24).reshape(2, 3, 4).float();

describe('views allocate nothing', () => {
  const cases: [string, (x: Tensor) => Tensor][] = [
    ['reshape of contiguous data', (x) => x.reshape(6, 4)],
    ['reshape with -1', (x) => x.reshape(-1)],
    ['view', (x) => x.view(4, 6)],
    ['transpose', (x) => x.transpose(0, 2)],
    ['permute', (x) => x.permute(2, 0, 1)],
    ['movedim', (x) => x.movedim(0, -1)],
    ['narrow', (x) => x.narrow(1, 1, 2)],
    ['slice with a step', (x) => x.slice(2, 1, undefined, 2)],
    ['select', (x) => x.select(1, -1)],
    ['expand', (x) => x.unsqueeze(0).expand(5, 2, 3, 4)],
    ['squeeze', (x) => x.narrow(1, 0, 1).squeeze(1)],
    ['unsqueeze', (x) => x.unsqueeze(-1)],
    ['flatten', (x) => x.flatten(1)],
    ['unflatten', (x) => x.unflatten(2, [2, 2])],
    ['T', (x) => x.T],
    ['mT', (x) => x.mT],
    ['view of a transposed tensor that keeps the strides compatible', (x) => x.transpose(0, 1).view(3, 2, 2, 2)],
    ['reshape of a strided slice that merges cleanly', (x) => x.slice(2, 0, undefined, 2).reshape(12)],
  ];
  for (const [name, f] of cases) {
    it(name, () => {
      const x = block();
      const v = f(x);
      assert.equal(v.storage, x.storage, `${name} allocated new storage`);
      assert.equal(v.base, x);
    });
  }

  it('views of views keep pointing at the original base', () => {
    const x = block();
    const v = x.transpose(0, 1).select(0, 2).slice(1, 1);
    assert.equal(v.base, x);
    assert.equal(v.storage, x.storage);
  });

  it('slice with a step and select give the strides and offset PyTorch gives', () => {
    const x = block(); // strides [12, 4, 1]
    const s = x.slice(2, 1, undefined, 2);
    assert.deepEqual([s.shape, s.strides, s.offset], [[2, 3, 2], [12, 4, 2], 1]);
    const t = x.select(1, 2);
    assert.deepEqual([t.shape, t.strides, t.offset], [[2, 4], [12, 1], 8]);
    const e = tensor([[1], [2]]).expand(2, 2, 3);
    assert.deepEqual([e.shape, e.strides], [[2, 2, 3], [0, 1, 0]]);
  });
});

describe('views that cannot be', () => {
  it('reshape of a transposed tensor copies, with the right values', () => {
    const x = arange(6).reshape(2, 3).float();
    const r = x.T.reshape(6);
    assert.notEqual(r.storage, x.storage);
    assertClose(r, [0, 3, 1, 4, 2, 5]);
  });

  it('view of a transposed tensor throws a clear error naming shapes and strides', () => {
    const x = arange(6).reshape(2, 3).float();
    assertThrowsMatching(() => x.T.view(6), /^view: shape \[6\] is not compatible with the strides of the input \[3,2\] \(strides \[1,3\]\); use reshape\(\) or contiguous\(\) first/);
  });

  it('reshape of an expanded tensor copies when dims must merge', () => {
    const x = tensor([1, 2]);
    const r = x.expand(3, 2).reshape(6);
    assert.notEqual(r.storage, x.storage);
    assertClose(r, [1, 2, 1, 2, 1, 2]);
  });

  it('contiguous() is the tensor itself when already contiguous, else a copy', () => {
    const x = block();
    assert.equal(x.contiguous(), x);
    const t = x.transpose(0, 1);
    const c = t.contiguous();
    assert.notEqual(c.storage, x.storage);
    assert.equal(c.isContiguous(), true);
    assertClose(c, t);
  });

  it('clone() owns its storage: writes to it do not reach the original', () => {
    const x = tensor([1, 2, 3]);
    const c = x.clone();
    c.fill_(0);
    assertClose(x, [1, 2, 3]);
  });
});

describe('reshape of random strided layouts', () => {
  it('keeps row-major order, and is a view exactly when view() succeeds', () => {
    const rng = seeded(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
    const targets = [[24], [2, 12], [4, 6], [6, 4], [2, 3, 4], [4, 3, 2], [2, 2, 6], [1, 24, 1], [3, 8], [2, 2, 2, 3]];
    let views = 0;
    let copies = 0;
    for (let trial = 0; trial < 200; trial++) {
      // a [2,3,4] layout: permuted, maybe taken as every other element of a larger block
      const perm = pick([[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]]);
      const shape = perm.map((p) => [2, 3, 4][p]!);
      const big = arange(48).reshape(...shape.slice(0, -1), shape[shape.length - 1]! * 2).float();
      const x = (rng() < 0.5 ? big.slice(-1, 0, undefined, 2) : big.narrow(-1, 0, shape[shape.length - 1]!)).permute(...perm.map((_, i) => perm.indexOf(i)));
      const target = pick(targets);
      const r = x.reshape(target);
      assertClose(r, x.contiguous().reshape(target), { message: `shape ${x.shape} strides ${x.strides} -> ${target}` });
      let viewed: Tensor | null = null;
      try {
        viewed = x.view(target);
      } catch {
        viewed = null;
      }
      if (viewed !== null) {
        assertClose(viewed, r);
        assert.equal(r.storage, x.storage);
        views++;
      } else {
        assert.notEqual(r.storage, x.storage);
        copies++;
      }
    }
    assert.ok(views > 10 && copies > 10, `views ${views}, copies ${copies}`);
  });
});

describe('writes through views reach the base', () => {
  it('fill_ on a strided slice', () => {
    const x = zeros([2, 5]);
    x.slice(1, 1, undefined, 2).fill_(3);
    assertClose(x, [[0, 3, 0, 3, 0], [0, 3, 0, 3, 0]]);
  });

  it('fill_ on a selected column of a transpose', () => {
    const x = zeros([2, 3]);
    x.T.select(0, 1).fill_(7);
    assertClose(x, [[0, 7, 0], [0, 7, 0]]);
  });

  it('copy_ into a narrowed, unsqueezed and flattened view', () => {
    const x = zeros([3, 2]);
    x.narrow(0, 1, 1).copy_(tensor([[8, 9]]));
    x.unsqueeze(0).select(0, 0).select(0, 2).flatten().copy_(tensor([5, 6]));
    assertClose(x, [[0, 0], [8, 9], [5, 6]]);
  });

  it('fill_ under noGrad on a view of a leaf that requires grad', () => {
    const w = ones([2, 4], { requiresGrad: true });
    noGrad(() => w.slice(1, 0, undefined, 2).fill_(3));
    assertClose(w, [[3, 1, 3, 1], [3, 1, 3, 1]]);
    assert.equal(w.requiresGrad, true);
  });

  it('writes through the base are seen by existing views', () => {
    const x = zeros([4]);
    const v = x.view(2, 2).select(1, 0);
    x.fill_(2);
    assertClose(v, [2, 2]);
  });

  it('a write through a view bumps the version the base shares, so a stale backward fails', () => {
    const x = uniform([3], { seed: 1 }).requiresGrad_();
    const c = tensor([1, 2, 3]);
    const y = x.mul(c); // saves c for the gradient of x
    c.narrow(0, 0, 1).fill_(0);
    assertThrowsMatching(() => y.sum().backward(), /^mul: one of the tensors needed for gradient computation has been modified by an in-place operation/);
  });
});

describe('gradients of views', () => {
  it('a strided slice scatters its gradient back, zeros elsewhere', () => {
    const x = zeros([5], { requiresGrad: true });
    x.slice(0, 1, undefined, 2).mul(tensor([2, 3])).sum().backward();
    assertClose(x.grad!, [0, 2, 0, 3, 0]);
  });

  it('overlapping selects and narrows add up', () => {
    const x = zeros([2, 3], { requiresGrad: true });
    x.select(1, 1).sum().add(x.narrow(0, 1, 1).sum()).add(x.T.select(0, 1).sum()).backward();
    assertClose(x.grad!, [[0, 2, 0], [1, 3, 1]]);
  });

  it('expand sums its gradient over the broadcast dims', () => {
    const x = zeros([2, 1], { requiresGrad: true });
    x.expand(3, 2, 4).sum().backward();
    assertClose(x.grad!, [[12], [12]]);
  });

  it('permute and reshape route each gradient element back to its position', () => {
    const x = zeros([2, 3], { requiresGrad: true });
    const w = arange(6).float();
    x.permute(1, 0).reshape(6).mul(w).sum().backward();
    // element (i, j) of x sits at flat position j*2 + i after the permute
    assertClose(x.grad!, [[0, 2, 4], [1, 3, 5]]);
  });
});

describe('PyTorch edge cases', () => {
  it('slice clamps out-of-range bounds like Python and allows empty results', () => {
    const x = arange(5);
    assertClose(x.slice(0, -100, 100), [0, 1, 2, 3, 4]);
    assert.deepEqual(x.slice(0, 4, 2).shape, [0]);
    assert.deepEqual(x.slice(0, 7).shape, [0]);
    assertClose(x.slice(0, -2), [3, 4]);
    assertClose(x.slice(0, 0, 5, 3), [0, 3]);
  });

  it('narrow accepts a negative start and an empty length at the end', () => {
    const x = arange(5);
    assertClose(x.narrow(0, -2, 2), [3, 4]);
    assert.deepEqual(x.narrow(0, 5, 0).shape, [0]);
  });

  it('squeeze leaves named dims that are not size 1 alone', () => {
    const x = zeros([1, 3, 1]);
    assert.deepEqual(x.squeeze(1).shape, [1, 3, 1]);
    assert.deepEqual(x.squeeze([0, 1]).shape, [3, 1]);
    assert.deepEqual(x.squeeze().shape, [3]);
  });

  it('unsqueeze takes dims up to ndim, negative counting from ndim + 1', () => {
    const x = zeros([2, 3]);
    assert.deepEqual(x.unsqueeze(2).shape, [2, 3, 1]);
    assert.deepEqual(x.unsqueeze(-1).shape, [2, 3, 1]);
    assert.deepEqual(x.unsqueeze(-3).shape, [1, 2, 3]);
  });

  it('flatten of a 0-d tensor has one element; flatten of a range merges only that range', () => {
    assert.deepEqual(tensor(3).flatten().shape, [1]);
    assert.deepEqual(zeros([2, 3, 4, 5]).flatten(1, 2).shape, [2, 12, 5]);
    assert.deepEqual(zeros([2, 3]).flatten(1, 1).shape, [2, 3]);
  });

  it('movedim moves several dims and keeps the rest in order', () => {
    assert.deepEqual(zeros([2, 3, 4, 5]).movedim([0, 1], [-1, 0]).shape, [3, 4, 5, 2]);
    assert.deepEqual(zeros([2, 3, 4]).movedim(2, 0).shape, [4, 2, 3]);
  });

  it('unflatten infers one -1 and handles zero sizes', () => {
    assert.deepEqual(zeros([2, 12]).unflatten(1, [3, -1, 2]).shape, [2, 3, 2, 2]);
    assert.deepEqual(zeros([0]).unflatten(0, [0, 5]).shape, [0, 5]);
  });

  it('view resolves -1, handles zero-size tensors and 0-d tensors', () => {
    assert.deepEqual(zeros([4, 6]).view(-1, 3).shape, [8, 3]);
    assert.deepEqual(zeros([0, 3]).view(3, 0, 1).shape, [3, 0, 1]);
    assert.deepEqual(tensor(2).view([]).shape, []);
    assert.deepEqual(tensor(2).view(1, 1).shape, [1, 1]);
  });

  it('T reverses all dims; mT swaps the last two and needs 2 dims', () => {
    assert.deepEqual(zeros([2, 3, 4]).T.shape, [4, 3, 2]);
    assert.deepEqual(zeros([2, 3, 4]).mT.shape, [2, 4, 3]);
    assertThrowsMatching(() => zeros([3]).mT, /^mT: needs at least 2 dimensions, got shape \[3\]/);
  });

  it('expand keeps sizes with -1 and can broadcast a size-1 dim to 0', () => {
    assert.deepEqual(zeros([3, 1]).expand(-1, 4).shape, [3, 4]);
    assert.deepEqual(zeros([1, 2]).expand(0, 2).shape, [0, 2]);
  });
});
