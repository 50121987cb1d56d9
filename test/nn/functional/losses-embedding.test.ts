/** Pair and triplet losses: values by hand and from PyTorch 1.13 (float64), gradcheck, bad targets. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gradcheck, tensor } from '../../../src/index.js';
import { nn } from '../../../src/index.js';
import { assertClose, assertThrowsMatching } from '../../helpers.js';

const F = nn.functional;
const f64 = { dtype: 'float64' as const };
const grad = { dtype: 'float64' as const, requiresGrad: true };

describe('cosineEmbeddingLoss', () => {
  const a = tensor([[1, 2, 3], [0.5, -1, 2], [1, 0, 0]], f64);
  const b = tensor([[2, 1, 0], [0.5, 1, 2.5], [-1, 0.2, 0]], f64);
  const y = tensor([1, -1, -1], { dtype: 'int32' });

  it('is 1 - cos for similar pairs and max(0, cos - margin) for dissimilar ones', () => {
    // By hand: orthogonal vectors have cos 0; [1, 0] and [1, 1] have cos 1/sqrt(2).
    const u = tensor([[1, 0], [1, 0], [1, 0]], f64);
    const v = tensor([[0, 1], [1, 1], [1, 1]], f64);
    const loss = F.cosineEmbeddingLoss(u, v, tensor([1, -1, 1]), { margin: 0.5, reduction: 'none' });
    assertClose(loss, [1, Math.SQRT1_2 - 0.5, 1 - Math.SQRT1_2]);
    // PyTorch, on a float target too.
    assertClose(F.cosineEmbeddingLoss(a, b, y, { margin: 0.1, reduction: 'none' }), [0.521908556266307, 0.577296211956047, 0]);
    assertClose(F.cosineEmbeddingLoss(a, b, y.to('float32'), { margin: 0.1 }), (0.521908556266307 + 0.577296211956047) / 3);
  });

  it('takes one pair [D] with a 0-d target, and passes gradcheck', () => {
    assertClose(F.cosineEmbeddingLoss(tensor([1, 0], f64), tensor([0, 1], f64), tensor(1)), 1);
    assert.ok(gradcheck((a, b) => F.cosineEmbeddingLoss(a, b, y, { margin: 0.1 }), [a.clone().requiresGrad_(true), b.clone().requiresGrad_(true)]));
  });

  it('rejects targets other than 1 and -1, and mismatched shapes', () => {
    assertThrowsMatching(() => F.cosineEmbeddingLoss(a, b, tensor([1, 0, -1])), /^cosineEmbeddingLoss: target must hold only 1 and -1, got 0 at element 1$/);
    assertThrowsMatching(() => F.cosineEmbeddingLoss(a, b, tensor([1, -1])), /cosineEmbeddingLoss: target \[2\] must have shape \[3\]/);
    assertThrowsMatching(() => F.cosineEmbeddingLoss(a, b.narrow(0, 0, 2), tensor([1, -1])), /cosineEmbeddingLoss: input2 \[2,3\] must have the input's shape \[3,3\]/);
    assertThrowsMatching(() => F.cosineEmbeddingLoss(tensor([[[1]]]), tensor([[[1]]]), tensor([[1]])), /cosineEmbeddingLoss: inputs must be \[D\] or \[N, D\]/);
  });
});

describe('marginRankingLoss', () => {
  it('is max(0, -y (x1 - x2) + margin), by hand', () => {
    const x1 = tensor([1, 2, 0.5, -1], f64);
    const x2 = tensor([0, 2.5, 0.5, 1], f64);
    const y = tensor([1, 1, -1, -1], f64);
    assertClose(F.marginRankingLoss(x1, x2, y, { reduction: 'none' }), [0, 0.5, 0, 0]);
    assertClose(F.marginRankingLoss(x1, x2, y, { margin: 1, reduction: 'none' }), [0, 1.5, 1, 0]);
    assertClose(F.marginRankingLoss(x1, x2, y, { margin: 1 }), 2.5 / 4);
    assertClose(F.marginRankingLoss(x1, x2, y, { margin: 1, reduction: 'sum' }), 2.5);
  });

  it('passes gradcheck away from the kink', () => {
    const x1 = tensor([1, 2, 0.5, -1], grad);
    const x2 = tensor([0, 2.5, 0.7, 1], grad);
    assert.ok(gradcheck((a, b) => F.marginRankingLoss(a, b, tensor([1, 1, -1, -1]), { margin: 0.3 }), [x1, x2]));
  });

  it('rejects bad targets', () => {
    assertThrowsMatching(() => F.marginRankingLoss(tensor([1]), tensor([2]), tensor([2])), /marginRankingLoss: target must hold only 1 and -1, got 2/);
    assertThrowsMatching(() => F.marginRankingLoss(tensor([1]), tensor([2]), tensor([true])), /marginRankingLoss: target must be a numeric tensor of 1 and -1, got a bool tensor/);
  });
});

describe('hingeEmbeddingLoss', () => {
  it('is x for y = 1 and max(0, margin - x) for y = -1, by hand', () => {
    const x = tensor([0.3, 0.3, 2, 0.5], f64);
    const y = tensor([1, -1, -1, 1], f64);
    assertClose(F.hingeEmbeddingLoss(x, y, { reduction: 'none' }), [0.3, 0.7, 0, 0.5]);
    assertClose(F.hingeEmbeddingLoss(x, y, { margin: 2.5 }), (0.3 + 2.2 + 0.5 + 0.5) / 4);
    assert.ok(gradcheck((x) => F.hingeEmbeddingLoss(x, y), [x.clone().requiresGrad_(true)]));
  });
});

describe('tripletMarginLoss', () => {
  const anchor = tensor([[0, 0], [1, 1]], f64);
  const positive = tensor([[3, 4], [1.5, 0.5]], f64);

  it('is max(0, d(a, p) - d(a, n) + margin) with d = ||a - b + eps||_p (PyTorch values)', () => {
    const negative = tensor([[6, 8], [0, 2]], f64);
    assertClose(F.tripletMarginLoss(anchor, positive, negative, { reduction: 'none' }), [0, 0.29289321881416]);
    // By hand for row 1: d(a, p) = sqrt(0.5), d(a, n) = sqrt(2) (eps shifts both by ~1e-6).
    const eps = 1e-6;
    const dp = Math.hypot(-0.5 + eps, 0.5 + eps);
    const dn = Math.hypot(1 + eps, -1 + eps);
    assertClose(F.tripletMarginLoss(anchor, positive, negative), (dp - dn + 1) / 2);
  });

  it('uses the positive-negative distance with swap, and other norms (PyTorch values)', () => {
    const negative = tensor([[2, 3], [0, 2]], f64);
    assertClose(F.tripletMarginLoss(anchor, positive, negative, { margin: 0.5, p: 1, swap: true, reduction: 'none' }), [5.499996, 0]);
  });

  it('passes gradcheck in all three inputs', () => {
    const negative = tensor([[1, 2], [0, 2]], grad);
    assert.ok(gradcheck((a, p, n) => F.tripletMarginLoss(a, p, n, { swap: true }), [anchor.clone().requiresGrad_(true), positive.clone().requiresGrad_(true), negative]));
  });

  it('rejects bad inputs', () => {
    assertThrowsMatching(() => F.tripletMarginLoss(anchor, positive, tensor([[1, 2]], f64)), /tripletMarginLoss: negative \[1,2\] must have the input's shape \[2,2\]/);
    assertThrowsMatching(() => F.tripletMarginLoss(anchor, positive, positive, { p: 0 }), /tripletMarginLoss: p must be a number > 0, got 0/);
    assertThrowsMatching(() => F.tripletMarginLoss(anchor, positive, positive, { margin: Infinity }), /tripletMarginLoss: margin must be a finite number, got Infinity/);
  });
});
