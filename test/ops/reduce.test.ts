/** Behaviour of ops/reduce.ts beyond the conformance table: dims and keepdim, dtypes, edge values, gradients. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  amax, amin, argmax, argmin, countNonzero, gradcheck, gradgradcheck, grad, logsumexp, max, mean, min, norm, prod, std, stdMean,
  sum, tensor, var as variance, varMean, zeros, Tensor,
} from '../../src/index.js';
import { assertClose, assertThrowsMatching, uniform } from '../helpers.js';

const d = (values: number[], shape?: number[]): Tensor =>
  tensor(values, { dtype: 'float64', requiresGrad: true, ...(shape ? { shape } : {}) });
const grid = (): Tensor => tensor([[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]]); // [2,2,3]

/** The gradient of `f(x).sum()` with respect to x. */
function gradOf(f: (x: Tensor) => Tensor, x: Tensor): Tensor {
  return grad(f(x).sum(), [x])[0]!;
}

describe('reductions: dims and keepdim', () => {
  it('reduce one dim, several dims, negative dims, or every dim', () => {
    const x = grid();
    assertClose(sum(x), 78);
    assertClose(sum(x, 0), [[8, 10, 12], [14, 16, 18]]);
    assertClose(sum(x, -1), [[6, 15], [24, 33]]);
    assertClose(sum(x, [0, -1]), [30, 48]);
    assertClose(sum(x, [2, 0]), sum(x, [0, 2]));
    assertClose(amax(x, [-3, -2]), [10, 11, 12]);
    assertClose(amin(x, [1, 2], true), [[[1]], [[7]]]);
  });

  it('keepdim keeps reduced dims with size 1; an empty dims array reduces nothing (NumPy)', () => {
    const x = grid();
    assert.deepEqual(sum(x, [0, 2], true).shape, [1, 2, 1]);
    assert.deepEqual(sum(x, null, true).shape, [1, 1, 1]);
    assert.deepEqual(mean(x, -2, true).shape, [2, 1, 3]);
    assert.deepEqual(sum(x, []).shape, [2, 2, 3]);
    assertClose(sum(x, []), x);
  });

  it('a 0-d tensor reduces over dim 0 or -1 to itself', () => {
    assertClose(sum(tensor(3), 0), 3);
    assertClose(prod(tensor(3), -1, true), 3);
    assert.deepEqual(amax(tensor(3), 0).shape, []);
  });

  it('Tensor methods forward with the same conventions', () => {
    const x = grid();
    assertClose(x.sum(1), sum(x, 1));
    assertClose(x.prod([0, 1]), prod(x, [0, 1]));
    assertClose(x.amax(-1, true), amax(x, -1, true));
    assertClose(x.max(), 12);
    assertClose(x.max(-1).values, [[3, 6], [9, 12]]);
    assertClose(x.min(tensor([5])), min(x, tensor([5])));
    assertClose(x.argmin(), 0);
    assertClose(x.countNonzero(0), [[2, 2, 2], [2, 2, 2]]);
    assertClose(x.var(-1, { correction: 0, keepdim: true }), variance(x, -1, { correction: 0, keepdim: true }));
    assertClose(x.std(), std(x));
    assertClose(x.logsumexp(0), logsumexp(x, 0));
    assertClose(x.norm(1, [0, 1]), [22, 26, 30]);
  });
});

describe('reductions: dtypes and empty inputs', () => {
  it('sum and prod of int32 and bool give int32; amax keeps the dtype', () => {
    const i = tensor([[1, 2], [3, 4]], { dtype: 'int32' });
    assert.equal(sum(i).dtype, 'int32');
    assert.equal(prod(i, 0).dtype, 'int32');
    assertClose(prod(i, 0), [3, 8]);
    assert.equal(sum(tensor([true, true])).dtype, 'int32');
    assert.equal(prod(tensor([true, false])).dtype, 'int32');
    assert.equal(amax(i).dtype, 'int32');
    assert.equal(amax(tensor([false, true])).dtype, 'bool');
    assert.equal(countNonzero(i).dtype, 'int32');
    assert.equal(sum(tensor([1, 2], { dtype: 'float64' })).dtype, 'float64');
  });

  it('mean, var, std and norm reject integer inputs, naming the dtype; logsumexp computes in float32', () => {
    const i = tensor([1, 2], { dtype: 'int32' });
    assertThrowsMatching(() => mean(i), /^mean: input must be floating point, got int32 of shape \[2\]/);
    assertThrowsMatching(() => variance(i), /^var: input must be floating point, got int32/);
    assertThrowsMatching(() => std(tensor([true])), /^std: input must be floating point, got bool/);
    assertThrowsMatching(() => norm(i), /^norm: input must be floating point, got int32/);
    const l = logsumexp(i);
    assert.equal(l.dtype, 'float32');
    assertClose(l, Math.log(Math.E + Math.E ** 2));
  });

  it('empty reductions: sum 0, prod 1, mean NaN, var NaN, logsumexp -Infinity, norm 0; extremes throw', () => {
    const e = zeros([2, 0]);
    assertClose(sum(e, 1), [0, 0]);
    assertClose(prod(e, 1), [1, 1]);
    assertClose(mean(e, 1), [NaN, NaN]);
    assertClose(variance(e, 1), [NaN, NaN]);
    assertClose(logsumexp(e, 1), [-Infinity, -Infinity]);
    assertClose(norm(e, 2, 1), [0, 0]);
    assertClose(countNonzero(e), 0);
    // reducing a non-empty dim of an empty tensor is fine, whatever the op
    assert.deepEqual(amax(e, 0).shape, [0]);
    assert.deepEqual(max(e, 0).indices.shape, [0]);
    assertThrowsMatching(() => amax(e), /^amax: cannot reduce over dim 1 of size 0 in shape \[2,0\]: the operation has no identity/);
    assertThrowsMatching(() => amin(e, [0, 1]), /^amin: cannot reduce over dim 1 of size 0 in shape \[2,0\]/);
    assertThrowsMatching(() => max(e, 1), /^max: cannot reduce over dim 1 of size 0 in shape \[2,0\]/);
    assertThrowsMatching(() => max(e), /^max: cannot reduce over dim 1 of size 0/);
    assertThrowsMatching(() => argmax(e, -1), /^argmax: cannot reduce over dim 1 of size 0/);
    assertThrowsMatching(() => norm(e, -Infinity, 1), /^norm: cannot reduce over dim 1 of size 0/);
  });
});

describe('prod: gradients with zeros (PyTorch values)', () => {
  it('no zero: the product of the others', () => {
    assertClose(gradOf((x) => prod(x), d([2, 3, 4])), [12, 8, 6]);
  });

  it('one zero: only the zero gets a gradient, the product of the others', () => {
    assertClose(gradOf((x) => prod(x), d([2, 0, 3])), [0, 6, 0]);
    assertClose(gradOf((x) => prod(x, 1), d([2, 0, 3, 1, 4, 5], [2, 3])), [[0, 6, 0], [20, 5, 4]]);
    assertClose(gradOf((x) => prod(x, 0), d([2, 0, 3, 1, 4, 5], [2, 3])), [[1, 4, 5], [2, 0, 3]]);
  });

  it('several zeros: the whole slice gets zero', () => {
    assertClose(gradOf((x) => prod(x), d([0, 2, 0])), [0, 0, 0]);
    assertClose(gradOf((x) => prod(x, -1), d([0, 2, 0, 1, 0, 3], [2, 3])), [[0, 0, 0], [0, 3, 0]]);
  });

  it('over several dims', () => {
    const x = d([1, 0, 2, 3, 4, 5, 6, 7], [2, 2, 2]);
    // slice j = 0 holds 1, 0, 4, 5 (one zero); slice j = 1 holds 2, 3, 6, 7 (product 252)
    assertClose(gradOf((t) => prod(t, [0, 2]), x), [[[0, 20], [126, 84]], [[0, 0], [42, 36]]]);
    assert.ok(gradcheck((t) => prod(t, [0, 2]), [x]));
    assert.ok(gradgradcheck((t) => prod(t, [0, 2]), [x]));
  });

  it('second derivatives at a zero are exact (the Hessian of x0 * x1 * x2 at [2, 0, 3])', () => {
    const x = d([2, 0, 3]);
    const [g] = grad(prod(x), [x], { createGraph: true });
    const hessian = [0, 1, 2].map((i) => grad(g!.select(0, i), [x], { retainGraph: true })[0]!.tolist());
    assert.deepEqual(hessian, [[0, 3, 0], [3, 0, 2], [0, 2, 0]]);
  });
});

describe('amax, amin, max, min, argmax, argmin', () => {
  it('amax and max(x) split the gradient evenly among ties, as PyTorch', () => {
    assertClose(gradOf((x) => amax(x), d([1, 3, 3, -2])), [0, 0.5, 0.5, 0]);
    assertClose(gradOf((x) => max(x), d([1, 3, 3, 3])), [0, 1 / 3, 1 / 3, 1 / 3]);
    assertClose(gradOf((x) => amin(x, 1), d([1, 1, 2, 5, 0, 0], [2, 3])), [[0.5, 0.5, 0], [0, 0.5, 0.5]]);
  });

  it('a NaN maximum sends the gradient to the NaN', () => {
    assertClose(amax(tensor([1, NaN, 3])), NaN);
    assertClose(gradOf((x) => amax(x), d([1, NaN, 3])), [0, 1, 0]);
  });

  it('max(x, dim) gives values and int32 indices (first of ties), the gradient to that index only', () => {
    const x = d([1, 7, 7, 4, 2, 0], [2, 3]);
    const r = max(x, 1);
    assertClose(r.values, [7, 4]);
    assert.equal(r.indices.dtype, 'int32');
    assert.deepEqual(r.indices.tolist(), [1, 0]);
    assertClose(gradOf((t) => max(t, 1).values, x), [[0, 1, 0], [1, 0, 0]]);
    const k = min(x, 0, true);
    assert.deepEqual(k.values.shape, [1, 3]);
    assert.deepEqual(k.indices.tolist(), [[0, 1, 1]]);
    const s = max(tensor(5), -1);
    assert.deepEqual([s.values.shape, s.indices.item()], [[], 0]);
    assert.ok(gradgradcheck((t) => max(t, 0).values, [d([1, 5, 3, 2], [2, 2])]));
  });

  it('max(x, other) and min(x, other) are maximum and minimum', () => {
    assertClose(max(tensor([1, 5]), tensor([3, 2])), [3, 5]);
    assertClose(min(tensor([[1, 5]]), tensor([3])), [[1, 3]]);
  });

  it('argmax without a dim indexes the flattened tensor; keepdim gives all-1 dims', () => {
    const x = tensor([[1, 9], [3, 4]]);
    assert.deepEqual(argmax(x).tolist(), 1);
    assert.deepEqual(argmax(x, null, true).shape, [1, 1]);
    assert.deepEqual(argmax(x, 0).tolist(), [1, 0]);
    assert.deepEqual(argmin(x, -1, true).tolist(), [[0], [0]]);
    assert.deepEqual(argmax(tensor([1, NaN, 5])).tolist(), 1);
    assert.deepEqual(argmin(tensor([1, NaN, -5])).tolist(), 1);
    assert.deepEqual(argmax(x.T).tolist(), 2); // non-contiguous: flat index in the view's own order
    assert.equal(argmax(x).dtype, 'int32');
  });
});

describe('var, std, varMean, stdMean', () => {
  it('known values with each correction', () => {
    const x = tensor([1, 2, 3, 4]);
    assertClose(variance(x), 5 / 3);
    assertClose(variance(x, null, { correction: 0 }), 1.25);
    assertClose(variance(x, 0, { unbiased: false }), 1.25);
    assertClose(variance(x, 0, { unbiased: true }), 5 / 3);
    assertClose(variance(x, 0, { correction: 2 }), 2.5);
    assertClose(std(tensor([[2, 4, 4, 4], [5, 5, 7, 9]]), null, { correction: 0 }), 2);
    // N - correction <= 0 divides by zero, as in PyTorch: Infinity, or NaN for 0/0
    assertClose(variance(tensor([1, 2]), 0, { correction: 3 }), Infinity);
    assertClose(variance(tensor([1])), NaN);
  });

  it('two passes: accurate far from zero, where E[x^2] - E[x]^2 fails', () => {
    const x64 = tensor([1e8 + 1, 1e8 + 2, 1e8 + 3], { dtype: 'float64' });
    assertClose(variance(x64), 1, { rtol: 1e-12, atol: 0 });
    const naive64 = x64.square().mean().sub(x64.mean().square()).mul(3 / 2);
    assert.ok(Math.abs(naive64.item() - 1) > 0.1, `the naive float64 formula gave ${naive64.item()}`);
    const x32 = tensor([1e4 + 1, 1e4 + 2, 1e4 + 3, 1e4 + 4]);
    assertClose(variance(x32), 5 / 3);
    assertClose(std(x32, 0, { correction: 0 }), Math.sqrt(1.25));
    const naive32 = x32.square().mean().sub(x32.mean().square()).mul(4 / 3);
    assert.ok(Math.abs(naive32.item() - 5 / 3) > 0.1, `the naive float32 formula gave ${naive32.item()}`);
  });

  it('dims and keepdim', () => {
    const x = tensor([[1, 2], [3, 5]]);
    assertClose(variance(x, 1, { keepdim: true }), [[0.5], [2]]);
    assertClose(variance(x, -2), [2, 4.5]);
    assert.deepEqual(std(grid(), [0, 2], { keepdim: true }).shape, [1, 2, 1]);
  });

  it('varMean and stdMean return [var, mean] and [std, mean]', () => {
    const x = tensor([[1, 2], [3, 5]]);
    const [v, m] = varMean(x, 1);
    assertClose(v, [0.5, 2]);
    assertClose(m, [1.5, 4]);
    const [s, m2] = stdMean(x, 0, { correction: 0, keepdim: true });
    assertClose(s, [[1, 1.5]]);
    assertClose(m2, [[2, 3.5]]);
  });

  it('gradients: std of a constant gives 0 (not NaN); gradgradcheck passes', () => {
    assertClose(gradOf((x) => std(x), d([5, 5, 5])), [0, 0, 0]);
    assertClose(gradOf((x) => variance(x, null, { correction: 0 }), d([1, 2, 3])), [-2 / 3, 0, 2 / 3]);
    const x = d([0.3, -1.2, 0.5, 2, 0.1, -0.4], [2, 3]);
    assert.ok(gradgradcheck((t) => std(t, 1), [x]));
    assert.ok(gradgradcheck((t) => varMean(t, 0, { correction: 0 }), [x]));
  });

  it('bad options are clear errors', () => {
    const x = tensor([1, 2]);
    assertThrowsMatching(() => variance(x, 0, true as never), /^var: options must be an object like \{ correction: 1, keepdim: true \}, got boolean/);
    assertThrowsMatching(() => std(x, 0, { correction: 1, unbiased: false }), /^std: give either correction or unbiased, not both/);
    assertThrowsMatching(() => variance(x, 0, { correction: Infinity }), /^var: correction must be a finite number, got Infinity/);
    assertThrowsMatching(() => variance(x, 0, { unbiased: 1 as never }), /^var: unbiased must be a boolean, got number/);
    assertThrowsMatching(() => variance(x, [0, 0]), /^var: dim 0 appears more than once/);
  });
});

describe('logsumexp', () => {
  it('is stable for large values and handles infinite rows', () => {
    assertClose(logsumexp(tensor([1000, 1000])), 1000 + Math.LN2);
    assertClose(logsumexp(tensor([-1000, -1000])), -1000 + Math.LN2);
    const x = tensor([[-Infinity, -Infinity], [Infinity, 1], [-Infinity, 0], [Infinity, Infinity], [Infinity, -Infinity], [NaN, 0]]);
    assertClose(logsumexp(x, 1), [-Infinity, Infinity, 0, Infinity, Infinity, NaN]);
    assertClose(logsumexp(x, -1, true).reshape([6]), logsumexp(x, 1));
  });

  it('its gradient is the softmax; -Infinity entries get 0', () => {
    const x = d([0, Math.log(3), -Infinity]);
    assertClose(gradOf((t) => logsumexp(t), x), [0.25, 0.75, 0]);
    assert.ok(gradgradcheck((t) => logsumexp(t, [0, 2]), [uniform([2, 2, 3], { dtype: 'float64' }).requiresGrad_()]));
  });
});

describe('norm', () => {
  it('every order on known values', () => {
    const x = tensor([3, -4, 0]);
    assertClose(norm(x), 5);
    assertClose(norm(x, 'fro'), 5);
    assertClose(norm(x, 1), 7);
    assertClose(norm(x, Infinity), 4);
    assertClose(norm(x, -Infinity), 0);
    assertClose(norm(x, 0), 2);
    assertClose(norm(x, 3), Math.cbrt(91));
    assertClose(norm(x, 0.5), (Math.sqrt(3) + 2) ** 2);
    assertClose(norm(tensor([[3, 4], [6, 8]]), 2, 1), [5, 10]);
    assertClose(norm(tensor([[3, 4], [6, 8]]), 2, 0, true), [[Math.sqrt(45), Math.sqrt(80)]]);
  });

  it('the gradient at x = 0 is 0, not NaN (p = 2, 1, 3, 0.5, Infinity), and double backward is NaN-free', () => {
    for (const p of [2, 1, 3, 0.5, Infinity, 'fro'] as const) {
      assertClose(gradOf((t) => norm(t, p), d([0, 0, 0])), [0, 0, 0], { message: `p = ${p}` });
    }
    // with some zero entries, the others get the usual gradient
    assertClose(gradOf((t) => norm(t), d([3, 0, 4])), [0.6, 0, 0.8]);
    assertClose(gradOf((t) => norm(t, 0.5), d([1, 0, 4])), [3, 0, 1.5]);
    const x = d([0, 0]);
    const [g] = grad(norm(x), [x], { createGraph: true });
    assertClose(grad(g!.sum(), [x])[0]!, [0, 0]);
  });

  it('the Infinity norm splits the gradient among ties; gradgradcheck passes away from 0', () => {
    assertClose(gradOf((t) => norm(t, Infinity), d([-2, 2, 1])), [-0.5, 0.5, 0]);
    const x = uniform([2, 3], { low: 0.2, high: 1, dtype: 'float64' }).requiresGrad_();
    for (const p of [2, 1, 3, 1.5] as const) assert.ok(gradgradcheck((t) => norm(t, p, -1), [x]), `p = ${p}`);
  });

  it('rejects orders it does not support', () => {
    const x = tensor([1, 2]);
    assertThrowsMatching(() => norm(x, -2), /^norm: p must be a number >= 0, Infinity, -Infinity or 'fro', got -2/);
    assertThrowsMatching(() => norm(x, 'nuc' as never), /^norm: the nuclear norm \('nuc'\) is a matrix norm and is not supported/);
    assertThrowsMatching(() => norm(x, null as never), /^norm: p must be a number >= 0, Infinity, -Infinity or 'fro', got null/);
  });
});

describe('countNonzero, all, any', () => {
  it('count and test non-zeros over dims (NaN is non-zero)', () => {
    const x = tensor([[0, 1, NaN], [0, 0, 2]]);
    assert.deepEqual(countNonzero(x, 1).tolist(), [2, 1]);
    assert.deepEqual(countNonzero(x, [0, 1], true).tolist(), [[3]]);
    assert.deepEqual(x.all(1).tolist(), [false, false]);
    assert.deepEqual(x.any(0).tolist(), [false, true, true]);
    assert.equal(x.all().dtype, 'bool');
  });
});

describe('reductions: bad input', () => {
  it('dims out of range, repeated, or of the wrong type', () => {
    const x = zeros([2, 3]);
    assertThrowsMatching(() => sum(x, 2), /^sum: dim 2 is out of range for a tensor of 2 dimension\(s\) \(expected -2\.\.1\)/);
    assertThrowsMatching(() => amax(x, [0, -2]), /^amax: dim 0 appears more than once in \[0,-2\]/);
    assertThrowsMatching(() => prod(x, [0, 'a'] as never), /^prod: dims must be a number, an array of numbers, or omitted, got an array/);
    assertThrowsMatching(() => logsumexp(x, 0, 'yes' as never), /^logsumexp: keepdim must be a boolean, got string/);
    assertThrowsMatching(() => max(x, 2), /^max: dim 2 is out of range/);
    assertThrowsMatching(() => argmax(x, [0] as never), /^argmax: dim must be a number, got an array/);
    assertThrowsMatching(() => sum(tensor(1), 1), /^sum: dim 1 is out of range for a tensor of 0 dimension\(s\)/);
    assertThrowsMatching(() => mean([1, 2] as never), /^mean: input must be a Tensor, got an array/);
  });
});
