/** Shape ops: PyTorch's documented examples, dtypes, aliasing, gradients and edge cases. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { arange, cat, chunk, flip, ones, pad, repeat, roll, split, stack, tensor, tile, tidy, tril, triu, unbind, zeros, Tensor } from '../../src/index.js';
import { assertClose, assertThrowsMatching } from '../helpers.js';
import { gradcheck, gradgradcheck } from '../../src/autograd/gradcheck.js';
import { grad } from '../../src/autograd/functional.js';

const f64 = (v: number[] | number[][], requiresGrad = true): Tensor => tensor(v, { dtype: 'float64', requiresGrad });

describe('cat', () => {
  it('joins along any dim, negative dims counting from the end', () => {
    const a = tensor([[1, 2], [3, 4]]);
    const b = tensor([[5, 6]]);
    assertClose(cat([a, b]), [[1, 2], [3, 4], [5, 6]]);
    assertClose(cat([a, b.T], -1), [[1, 2, 5], [3, 4, 6]]);
  });

  it('promotes dtypes across inputs and gives each input a gradient of its own dtype', () => {
    assert.equal(cat([tensor([1], { dtype: 'int32' }), tensor([true])]).dtype, 'int32');
    assert.equal(cat([tensor([true]), tensor([false])]).dtype, 'bool');
    const a = tensor([1, 2], { requiresGrad: true }); // float32
    const b = f64([3]);
    const out = cat([a, b]);
    assert.equal(out.dtype, 'float64');
    out.mul(tensor([1, 2, 3], { dtype: 'float64' })).sum().backward();
    assert.equal(a.grad!.dtype, 'float32');
    assertClose(a.grad!, [1, 2]);
    assertClose(b.grad!, [3]);
    assertClose(cat([tensor([1, 2], { dtype: 'int32' }), tensor([0.5])]), [1, 2, 0.5]);
  });

  it('skips 1-d empty tensors (PyTorch legacy) and accepts pieces empty along the dim', () => {
    const x = tensor([[1, 2]]);
    assertClose(cat([zeros([0]), x, zeros([0])], 1), [[1, 2]]);
    assertClose(cat([zeros([1, 0]), x], 1), [[1, 2]]);
    assert.deepEqual(cat([zeros([0]), zeros([0])]).shape, [0]);
    assert.deepEqual(cat([zeros([0, 3]), zeros([0, 3])]).shape, [0, 3]);
  });

  it('returns new storage, even for one tensor', () => {
    const x = tensor([1, 2]);
    const out = cat([x]);
    assert.notEqual(out.storage, x.storage);
  });

  it('splits the gradient between the inputs; an input used twice gets both parts', () => {
    const a = f64([[1, 2]]);
    const w = tensor([[1, 2], [3, 4], [5, 6]], { dtype: 'float64' });
    cat([a, a, a.mul(2)]).mul(w).sum().backward();
    assertClose(a.grad!, [[1 + 3 + 10, 2 + 4 + 12]]);
  });

  it('reads non-contiguous and broadcast inputs', () => {
    const t = arange(6).reshape(2, 3).T; // [[0,3],[1,4],[2,5]]
    const e = tensor([[9, 8]]).expand(2, 2);
    assertClose(cat([t, e]), [[0, 3], [1, 4], [2, 5], [9, 8], [9, 8]]);
  });
});

describe('stack', () => {
  it('adds a new dim at any position', () => {
    const a = tensor([1, 2, 3]);
    const b = tensor([4, 5, 6]);
    assertClose(stack([a, b]), [[1, 2, 3], [4, 5, 6]]);
    assertClose(stack([a, b], -1), [[1, 4], [2, 5], [3, 6]]);
    assert.deepEqual(stack([zeros([2, 3]), zeros([2, 3])], 2).shape, [2, 3, 2]);
  });

  it('sends each slice of the gradient back to its input', () => {
    const a = f64([1, 2]);
    const b = f64([3, 4]);
    stack([a, b], 1).mul(tensor([[1, 2], [3, 4]], { dtype: 'float64' })).sum().backward();
    assertClose(a.grad!, [1, 3]);
    assertClose(b.grad!, [2, 4]);
  });
});

describe('split, chunk, unbind', () => {
  it('split returns views of the given sizes (the last may be short)', () => {
    const x = arange(10).reshape(5, 2);
    const parts = split(x, 2);
    assert.deepEqual(parts.map((p) => p.shape), [[2, 2], [2, 2], [1, 2]]);
    for (const p of parts) assert.equal(p.storage, x.storage);
    assertClose(parts[2]!, [[8, 9]]);
    assert.deepEqual(split(x, [1, 4]).map((p) => p.shape), [[1, 2], [4, 2]]);
    assert.deepEqual(split(x, 1, 1).map((p) => p.shape), [[5, 1], [5, 1]]);
    assert.deepEqual(split(x, 7).map((p) => p.shape), [[5, 2]]);
  });

  it('split of an empty dim gives one empty piece; zero sizes are allowed in a list', () => {
    assert.deepEqual(split(zeros([0, 2]), 3).map((p) => p.shape), [[0, 2]]);
    assert.deepEqual(split(zeros([0, 2]), 0).map((p) => p.shape), [[0, 2]]);
    assert.deepEqual(split(arange(3), [0, 3, 0]).map((p) => p.shape), [[0], [3], [0]]);
  });

  it('chunk rounds the chunk size up, so it may give fewer chunks than asked (as PyTorch)', () => {
    assert.deepEqual(chunk(arange(5), 3).map((p) => p.numel), [2, 2, 1]);
    assert.deepEqual(chunk(arange(6), 4).map((p) => p.numel), [2, 2, 2]);
    assert.deepEqual(chunk(arange(2), 5).map((p) => p.numel), [1, 1]);
    assert.deepEqual(chunk(zeros([0]), 3).map((p) => p.numel), [0, 0, 0]);
    assert.deepEqual(chunk(zeros([2, 6]), 3, -1).map((p) => p.shape), [[2, 2], [2, 2], [2, 2]]);
  });

  it('unbind removes the dim and returns views', () => {
    const x = arange(6).reshape(2, 3);
    const cols = unbind(x, 1);
    assert.equal(cols.length, 3);
    assertClose(cols[1]!, [1, 4]);
    assert.equal(cols[1]!.storage, x.storage);
    assert.deepEqual(unbind(zeros([0, 2])), []);
  });

  it('gradients of pieces land in their place; unused pieces get zeros', () => {
    const x = f64([1, 2, 3, 4, 5]);
    const [a, , c] = split(x, 2);
    a!.mul(2).sum().add(c!.mul(3).sum()).backward();
    assertClose(x.grad!, [2, 2, 0, 0, 3]);
    const y = f64([[1, 2], [3, 4]]);
    const [r0, r1] = unbind(y);
    r0!.sub(r1!).sum().backward();
    assertClose(y.grad!, [[1, 1], [-1, -1]]);
  });

  it('split and chunk pass gradcheck and gradgradcheck, pieces used nonlinearly and twice', () => {
    const x = tensor([[0.3, -1.2, 0.7, 2.0, -0.4, 1.1], [0.9, 0.2, -0.8, 1.5, 0.6, -1.3]], { dtype: 'float64', requiresGrad: true });
    const fn = (t: Tensor): Tensor => {
      const [q, k, v] = chunk(t, 3, -1) as [Tensor, Tensor, Tensor];
      return q.mul(k).add(v.mul(v)).add(q.tanh());
    };
    assert.ok(gradcheck(fn, [x]));
    assert.ok(gradgradcheck(fn, [x]));
    const rows = (t: Tensor): Tensor => {
      const [a, b] = split(t, [1, 1]) as [Tensor, Tensor];
      return a.mul(b).add(a.exp());
    };
    assert.ok(gradgradcheck(rows, [x]));
  });

  it('split gradients stay right across repeated passes and from a single piece', () => {
    const x = f64([1, 2, 3, 4, 5, 6]);
    const [a, b, c] = split(x, 2) as [Tensor, Tensor, Tensor];
    const loss1 = a.mul(c).sum();
    loss1.backward(null, { retainGraph: true });
    assertClose(x.grad!, [5, 6, 0, 0, 1, 2]);
    x.grad = null;
    loss1.backward();
    assertClose(x.grad!, [5, 6, 0, 0, 1, 2]);
    x.grad = null;
    b.mul(3).sum().backward();
    assertClose(x.grad!, [0, 0, 3, 3, 0, 0]);
    const [a2] = split(x, 2) as [Tensor];
    const [ga] = grad(a2.mul(a2).sum(), [a2]);
    assertClose(ga!, [2, 4]);
    const y = f64([1, 2, 3, 4]);
    const [p, q] = chunk(y, 2) as [Tensor, Tensor];
    const [gy] = grad(p.mul(q).sum(), [y], { createGraph: true });
    assertClose(gy!, [3, 4, 1, 2]);
    gy!.pow(2).sum().backward();
    assertClose(y.grad!, [2, 4, 6, 8]);
    // Split inside tidy, backward after it: what the pieces' gradients need survives the block.
    const z = f64([1, 2, 3, 4]);
    const loss = tidy(() => {
      const [u, w] = chunk(z, 2) as [Tensor, Tensor];
      return u.mul(w).sum();
    });
    loss.backward();
    assertClose(z.grad!, [3, 4, 1, 2]);
  });
});

describe('repeat and tile', () => {
  it('repeat follows the PyTorch examples', () => {
    const x = tensor([1, 2, 3]);
    const r = repeat(x, 4, 2);
    assert.deepEqual(r.shape, [4, 6]);
    assertClose(r.select(0, 3), [1, 2, 3, 1, 2, 3]);
    assert.deepEqual(x.repeat(4, 2, 1).shape, [4, 2, 3]);
    assertClose(tensor([[1, 2], [3, 4]]).repeat([2, 1]), [[1, 2], [3, 4], [1, 2], [3, 4]]);
    assert.deepEqual(x.repeat(0, 1).shape, [0, 3]);
  });

  it('repeat always copies, even when every repeat is 1 or the input is broadcast', () => {
    const x = tensor([1, 2]);
    const same = x.repeat(1);
    assert.notEqual(same.storage, x.storage);
    same.fill_(0);
    assertClose(x, [1, 2]);
    const row = tensor([[1, 2]]);
    const r = row.repeat(3, 1);
    assert.notEqual(r.storage, row.storage);
    assert.equal(r.isContiguous(), true);
  });

  it('repeat sums the gradient over the copies', () => {
    const x = f64([1, 2]);
    x.repeat(3, 2).mul(arange(12).reshape(3, 4).double()).sum().backward();
    // x[0] sits at columns 0 and 2, x[1] at columns 1 and 3, in each of the 3 rows
    assertClose(x.grad!, [0 + 2 + 4 + 6 + 8 + 10, 1 + 3 + 5 + 7 + 9 + 11]);
  });

  it('tile pads missing repeats with leading ones (NumPy rule)', () => {
    const x = tensor([[1, 2], [3, 4]]);
    assertClose(tile(x, 2), [[1, 2, 1, 2], [3, 4, 3, 4]]);
    assert.deepEqual(x.tile(2, 1, 1).shape, [2, 2, 2]);
    assertClose(tile(tensor([1, 2]), [2, 2]), [[1, 2, 1, 2], [1, 2, 1, 2]]);
    assertThrowsMatching(() => repeat(x, 2), /^repeat: got 1 repeats/);
  });
});

describe('flip', () => {
  it('reverses the given dims into new storage', () => {
    const x = arange(8).reshape(2, 2, 2);
    const f = flip(x, [0, 1]);
    assertClose(f, [[[6, 7], [4, 5]], [[2, 3], [0, 1]]]);
    assert.notEqual(f.storage, x.storage);
    assert.equal(f.dtype, 'int32');
    assertClose(x.flip(2), [[[1, 0], [3, 2]], [[5, 4], [7, 6]]]);
    assertClose(tensor([true, false]).flip(0), [false, true]);
  });

  it('flips strided and offset views', () => {
    const x = arange(12).reshape(3, 4);
    assertClose(x.T.flip(0), [[3, 7, 11], [2, 6, 10], [1, 5, 9], [0, 4, 8]]);
    assertClose(x.slice(1, 1, undefined, 2).select(0, 2).flip(0), [11, 9]);
  });

  it('has the flipped gradient', () => {
    const x = f64([1, 2, 3]);
    x.flip(0).mul(tensor([10, 20, 30], { dtype: 'float64' })).sum().backward();
    assertClose(x.grad!, [30, 20, 10]);
  });
});

describe('roll', () => {
  // torch.roll's documentation examples
  const x = arange(1, 9).reshape(4, 2);
  it('rolls the flattened tensor without dims', () => {
    assertClose(roll(x, 1), [[8, 1], [2, 3], [4, 5], [6, 7]]);
  });
  it('rolls along one dim, either way', () => {
    assertClose(roll(x, 1, 0), [[7, 8], [1, 2], [3, 4], [5, 6]]);
    assertClose(roll(x, -1, 0), [[3, 4], [5, 6], [7, 8], [1, 2]]);
  });
  it('rolls along several dims', () => {
    assertClose(roll(x, [2, 1], [0, 1]), [[6, 5], [8, 7], [2, 1], [4, 3]]);
  });
  it('wraps shifts larger than the size and returns a copy for a zero shift', () => {
    assertClose(roll(tensor([1, 2, 3, 4, 5]), 7), [4, 5, 1, 2, 3]);
    assertClose(roll(tensor([1, 2, 3, 4, 5]), -12), [3, 4, 5, 1, 2]);
    const y = tensor([1, 2]);
    const same = y.roll(2, 0);
    assertClose(same, [1, 2]);
    assert.notEqual(same.storage, y.storage);
  });
  it('moves the gradient back', () => {
    const z = f64([1, 2, 3]);
    z.roll(1).mul(tensor([10, 20, 30], { dtype: 'float64' })).sum().backward();
    assertClose(z.grad!, [20, 30, 10]);
  });
});

describe('pad', () => {
  it('constant mode fills with the value, last dim first, and crops with negative amounts', () => {
    const x = tensor([[1, 2], [3, 4]]);
    assertClose(pad(x, [1, 0]), [[0, 1, 2], [0, 3, 4]]);
    assertClose(pad(x, [0, 1, 1, 0], 'constant', 9), [[9, 9, 9], [1, 2, 9], [3, 4, 9]]);
    assertClose(pad(x, [-1, 1]), [[2, 0], [4, 0]]);
    assertClose(pad(x, [0, 0, -2, 0]), zeros([0, 2]));
    assertClose(pad(tensor([1, 2], { dtype: 'int32' }), [1, 1], 'constant', 7), tensor([7, 1, 2, 7], { dtype: 'int32' }), { checkDtype: true });
  });

  it('reflect, replicate and circular modes match PyTorch on a 2-D pad', () => {
    const x = arange(9).reshape(1, 3, 3).float();
    assertClose(pad(x, [1, 1, 1, 0], 'reflect'), [[[4, 3, 4, 5, 4], [1, 0, 1, 2, 1], [4, 3, 4, 5, 4], [7, 6, 7, 8, 7]]]);
    assertClose(pad(x, [1, 0, 0, 1], 'replicate'), [[[0, 0, 1, 2], [3, 3, 4, 5], [6, 6, 7, 8], [6, 6, 7, 8]]]);
    assertClose(pad(x, [1, 1, 0, 0], 'circular'), [[[2, 0, 1, 2, 0], [5, 3, 4, 5, 3], [8, 6, 7, 8, 6]]]);
  });

  it('1-d pads of [1, 2, 3] by (2, 1) in every mode', () => {
    const x = tensor([1, 2, 3]);
    assertClose(pad(x, [2, 1]), [0, 0, 1, 2, 3, 0]);
    assertClose(pad(x, [2, 1], 'reflect'), [3, 2, 1, 2, 3, 2]);
    assertClose(pad(x, [2, 1], 'replicate'), [1, 1, 1, 2, 3, 3]);
    assertClose(pad(x, [2, 1], 'circular'), [2, 3, 1, 2, 3, 1]);
  });

  it('gradients count how often each input element appears', () => {
    const grads = (mode: 'constant' | 'reflect' | 'replicate' | 'circular', amounts: number[]) => {
      const x = f64([1, 2, 3]);
      pad(x, amounts, mode).sum().backward();
      return x.grad!;
    };
    assertClose(grads('constant', [2, 1]), [1, 1, 1]);
    assertClose(grads('constant', [-1, 1]), [0, 1, 1]);
    assertClose(grads('reflect', [2, 1]), [1, 3, 2]);
    assertClose(grads('replicate', [2, 1]), [3, 1, 2]);
    assertClose(grads('circular', [2, 1]), [2, 2, 2]);
  });

  it('always returns a copy, even with no padding', () => {
    const x = tensor([1, 2]);
    for (const mode of ['constant', 'reflect', 'replicate', 'circular'] as const) {
      const p = pad(x, [0, 0], mode);
      assert.notEqual(p.storage, x.storage, mode);
      assertClose(p, [1, 2]);
    }
  });
});

describe('tril and triu', () => {
  const m = arange(1, 13).reshape(3, 4).float();
  it('keep the triangle relative to the given diagonal', () => {
    assertClose(tril(m), [[1, 0, 0, 0], [5, 6, 0, 0], [9, 10, 11, 0]]);
    assertClose(tril(m, -1), [[0, 0, 0, 0], [5, 0, 0, 0], [9, 10, 0, 0]]);
    assertClose(tril(m, 2), [[1, 2, 3, 0], [5, 6, 7, 8], [9, 10, 11, 12]]);
    assertClose(triu(m), [[1, 2, 3, 4], [0, 6, 7, 8], [0, 0, 11, 12]]);
    assertClose(triu(m, -1), [[1, 2, 3, 4], [5, 6, 7, 8], [0, 10, 11, 12]]);
    assertClose(m.triu(5), zeros([3, 4]));
  });

  it('apply to every matrix of a batch and keep the dtype', () => {
    const b = ones([2, 2, 2], { dtype: 'int32' });
    const t = tril(b);
    assert.equal(t.dtype, 'int32');
    assertClose(t, [[[1, 0], [1, 1]], [[1, 0], [1, 1]]]);
    const bools = triu(ones([2, 2], { dtype: 'bool' }));
    assert.equal(bools.dtype, 'bool');
    assertClose(bools, [[true, true], [false, true]]);
  });

  it('pass gradients only inside the triangle', () => {
    const x = f64([[1, 2], [3, 4]]);
    x.tril().sum().backward();
    assertClose(x.grad!, [[1, 0], [1, 1]]);
  });
});
