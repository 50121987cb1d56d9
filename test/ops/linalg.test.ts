import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { einsum, matmul, mm, tensor, arange, grad, gradcheck, zeros, ones } from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { assertClose, assertThrowsMatching, uniform } from '../helpers.js';

/** The matrix product written out with loops, for 2-D inputs given as nested arrays. */
function naiveMatmul(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
}

const u = (shape: number[], seed: number, dtype: 'float32' | 'float64' = 'float64'): Tensor => uniform(shape, { seed, dtype });

describe('matmul', () => {
  it('broadcasts batch dims: every batch entry is the product of its broadcast operands', () => {
    const a = u([2, 1, 2, 3], 1);
    const b = u([4, 3, 5], 2);
    const c = matmul(a, b);
    assert.deepEqual(c.shape, [2, 4, 2, 5]);
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 4; j++) {
        const expected = naiveMatmul(a.select(0, i).select(0, 0).tolist() as number[][], b.select(0, j).tolist() as number[][]);
        assertClose(c.select(0, i).select(0, j), expected);
      }
    }
  });

  it('reads batch dims that cannot be collapsed into one stride (permuted, sliced)', () => {
    const base = u([3, 4, 2, 3], 3);
    const a = base.permute(1, 0, 2, 3); // batch strides no longer nested
    const b = u([3, 2], 4);
    assertClose(matmul(a, b), matmul(a.contiguous(), b));
    const sliced = u([4, 6, 2, 3], 5).slice(1, 0, 6, 2); // every other batch entry
    assertClose(matmul(sliced, b), matmul(sliced.contiguous(), b));
    // size-1 batch dims with arbitrary strides
    const odd = u([2, 3, 1], 6).permute(2, 0, 1).unsqueeze(0); // [1, 1, 2, 3]
    assertClose(matmul(odd, b), matmul(odd.contiguous(), b));
  });

  it('treats 1-D operands as vectors and removes their dim', () => {
    assert.deepEqual(matmul(u([3], 7), u([2, 3, 4], 8)).shape, [2, 4]);
    assert.deepEqual(matmul(u([2, 3, 4], 9), u([4], 10)).shape, [2, 3]);
    assert.deepEqual(matmul(u([3], 11), u([3], 12)).shape, []);
    assertClose(matmul(tensor([1, 2]), tensor([[1, 2, 3], [4, 5, 6]])), [9, 12, 15]);
  });

  it('sums the gradient of a broadcast operand over the batch', () => {
    const a = u([3, 2, 4], 13).requiresGrad_();
    const b = u([4, 5], 14).requiresGrad_();
    const [ga, gb] = grad(matmul(a, b).sum(), [a, b]);
    assert.deepEqual(gb!.shape, [4, 5]);
    // d(sum(A B))/dB[k, n] = sum over batch and rows of A[.., k]
    const colSums = a.detach().sum([0, 1]).unsqueeze(1).expand(4, 5);
    assertClose(gb!, colSums);
    assertClose(ga!, b.detach().sum(1).expand(3, 2, 4));
    assert.ok(gradcheck((x, y) => matmul(x, y), [u([2, 1, 2, 3], 15).requiresGrad_(), u([2, 3, 2], 16).requiresGrad_()]));
  });

  it('returns gradients in each operand\'s own dtype when dtypes were promoted', () => {
    const a = u([2, 3], 17, 'float32').requiresGrad_();
    const b = u([3, 2], 18, 'float64').requiresGrad_();
    const out = matmul(a, b);
    assert.equal(out.dtype, 'float64');
    const [ga, gb] = grad(out.sum(), [a, b]);
    assert.equal(ga!.dtype, 'float32');
    assert.equal(gb!.dtype, 'float64');
  });

  it('computes exact int32 products', () => {
    const a = tensor([[1, -2], [3, 4]], { dtype: 'int32' });
    const c = mm(a, a);
    assert.equal(c.dtype, 'int32');
    assert.deepEqual(c.tolist(), [[-5, -10], [15, 10]]);
  });
});

describe('einsum', () => {
  it('computes the attention patterns as the matmul-built equivalents, gradients included', () => {
    const q = u([2, 3, 4, 5], 20).requiresGrad_();
    const k = u([2, 3, 6, 5], 21).requiresGrad_();
    const v = u([2, 3, 6, 5], 22).requiresGrad_();
    const scores = einsum('bhqd,bhkd->bhqk', q, k);
    const refScores = q.matmul(k.mT);
    assertClose(scores, refScores);
    const out = einsum('bhqk,bhkd->bhqd', scores, v);
    const ref = refScores.matmul(v);
    assertClose(out, ref);
    const w = u([2, 3, 4, 5], 23);
    const g1 = grad(out.mul(w).sum(), [q, k, v]);
    const g2 = grad(ref.mul(w).sum(), [q, k, v]);
    g1.forEach((g, i) => assertClose(g!, g2[i]!, { message: `gradient ${i}` }));
  });

  it('computes the bilinear form as the matmul-built equivalent, gradients included', () => {
    const x = u([4, 3], 24).requiresGrad_();
    const W = u([5, 3, 2], 25).requiresGrad_();
    const y = u([4, 2], 26).requiresGrad_();
    const out = einsum('bi,oij,bj->bo', x, W, y);
    // out[b, o] = x[b] W[o] y[b]^T
    const ref = x.unsqueeze(1).unsqueeze(2).matmul(W).matmul(y.unsqueeze(1).unsqueeze(3)).squeeze([2, 3]);
    assertClose(out, ref);
    const g1 = grad(out.square().sum(), [x, W, y]);
    const g2 = grad(ref.square().sum(), [x, W, y]);
    g1.forEach((g, i) => assertClose(g!, g2[i]!, { message: `gradient ${i}` }));
  });

  it('matches matmul for batched products with ellipsis and broadcast', () => {
    const a = u([2, 1, 3, 4], 27);
    const b = u([5, 4, 2], 28);
    assertClose(einsum('...ij,...jk->...ik', a, b), matmul(a, b));
    assertClose(einsum('bij,bjk->bik', u([3, 2, 4], 29), u([3, 4, 2], 30)), matmul(u([3, 2, 4], 29), u([3, 4, 2], 30)));
  });

  it('takes diagonals and traces of repeated labels', () => {
    const m = arange(9).reshape(3, 3).float();
    assert.deepEqual(einsum('ii->i', m).tolist(), [0, 4, 8]);
    assert.equal(einsum('ii', m).item(), 12);
    assert.equal(einsum('ii->', m).item(), 12);
    const cube = arange(8).reshape(2, 2, 2).float();
    assert.deepEqual(einsum('iii->i', cube).tolist(), [0, 7]);
    assert.deepEqual(einsum('iij->ij', cube).tolist(), [[0, 1], [6, 7]]);
    // the diagonal of a product: sum_j A[i, j] B[j, i]
    const a = u([3, 4], 31);
    const b = u([4, 3], 32);
    assertClose(einsum('ij,ji->i', a, b), einsum('ii->i', a.matmul(b)));
    assert.ok(gradcheck((x) => einsum('ii->i', x), [u([3, 3], 33).requiresGrad_()]));
  });

  it('orders an implicit output alphabetically, capitals first, after the ellipsis dims', () => {
    const x = arange(6).reshape(2, 3).float();
    assert.deepEqual(einsum('ji', x).tolist(), x.T.tolist());
    assert.deepEqual(einsum('bA', x).shape, [3, 2]);
    assert.deepEqual(einsum('...j', u([2, 3], 34)).shape, [2, 3]);
    assert.deepEqual(einsum('i,i', tensor([1, 2]), tensor([3, 4])).tolist(), 11);
  });

  it('sums ellipsis dims missing from an explicit output, and broadcasts size-1 labels', () => {
    const x = arange(24).reshape(2, 3, 4).float();
    assertClose(einsum('...ij->ij', x), x.sum(0));
    // A contracted label of size 1 against size 3 sums the other operand, as in PyTorch.
    assertClose(einsum('ij,jk->ik', ones(2, 1), ones(3, 4)), [[3, 3, 3, 3], [3, 3, 3, 3]]);
    assert.deepEqual(einsum('ij,ij->ij', ones(2, 1), ones(1, 3)).shape, [2, 3]);
    assert.deepEqual(einsum('...i,i->...', u([3, 1, 2], 35), u([2], 36)).shape, [3, 1]);
  });

  it('accepts operands as one array, spaces in the equation, and many operands', () => {
    const a = u([2, 3], 37);
    const b = u([3, 4], 38);
    const c = u([4, 2], 39);
    assertClose(einsum('ij, jk -> ik', [a, b]), a.matmul(b));
    assertClose(einsum('ij,jk,kl->il', a, b, c), a.matmul(b).matmul(c));
    assertClose(einsum('ij,jk,kl->', a, b, c), a.matmul(b).matmul(c).sum());
  });

  it('returns zeros for empty contractions and keeps dtypes', () => {
    assert.deepEqual(einsum('ij,jk->ik', zeros(2, 0), zeros(0, 3)).tolist(), [[0, 0, 0], [0, 0, 0]]);
    assert.deepEqual(einsum('i->', zeros(0)).tolist(), 0);
    const ints = tensor([[1, 2], [3, 4]], { dtype: 'int32' });
    const r = einsum('ij,jk->ik', ints, ints);
    assert.equal(r.dtype, 'int32');
    assert.deepEqual(r.tolist(), [[7, 10], [15, 22]]);
    assert.equal(einsum('ij->', u([2, 2], 40, 'float64')).dtype, 'float64');
  });

  it('is differentiable twice through a contraction and a diagonal', () => {
    const a = u([3, 3], 41).requiresGrad_();
    const b = u([3, 2], 42).requiresGrad_();
    const [ga] = grad(einsum('ii,ij->j', a, b).square().sum(), [a], { createGraph: true });
    const [gb] = grad(ga!.sum(), [b]);
    assert.deepEqual(gb!.shape, [3, 2]);
    assert.ok(gradcheck((x, y) => einsum('ii,ij->j', x, y), [a, b]));
  });

  it('rejects bad equations with the subscripts and shapes named', () => {
    assertThrowsMatching(() => einsum('ij', zeros(2, 3, 4)), /^einsum: operand 0 has 3 dims but the subscripts 'ij' name 2/);
    assertThrowsMatching(() => einsum('ij,jk->ik', zeros(2, 3), zeros(4, 5)), /^einsum: subscript 'j' has size 3 in operand 0 but 4 in operand 1/);
    assertThrowsMatching(() => einsum('ij,jk->ik', zeros(2, 3)), /^einsum: the equation 'ij,jk->ik' names 2 operand\(s\), but 1 were given/);
    assertThrowsMatching(() => einsum(3 as never, zeros(2)), /^einsum: the equation must be a string/);
  });
});
