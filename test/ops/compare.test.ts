/** Behaviour of ops/compare.ts beyond the conformance table: dtypes, broadcasting, NaN, gradients. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  allclose, clamp, eq, ge, grad, gt, isclose, le, logicalAnd, logicalNot, logicalOr, logicalXor, lt, maximum, minimum, ne,
  relu, tensor, where, zeros, Tensor,
} from '../../src/index.js';
import { assertClose, assertThrowsMatching } from '../helpers.js';

const d = (values: unknown, requiresGrad = false): Tensor => tensor(values as number[], { dtype: 'float64', requiresGrad });

/** The gradient of sum(f(inputs) * weights) w.r.t. each input. */
function grads(out: Tensor, inputs: Tensor[]): Tensor[] {
  return grad(out.sum(), inputs).map((g) => g!);
}

describe('comparisons', () => {
  const all = { eq, ne, lt, le, gt, ge };

  for (const [name, f] of Object.entries(all)) {
    it(`${name} returns bool, broadcasts, and takes scalars on either side`, () => {
      const out = f(tensor([[1], [2], [3]]), tensor([1, 2, 3, 4]));
      assert.equal(out.dtype, 'bool');
      assert.deepEqual(out.shape, [3, 4]);
      assert.equal(f(tensor([1, 2]), 2).dtype, 'bool');
      assert.deepEqual(f(2, tensor([1, 2, 3])).shape, [3]);
    });
  }

  it('compute the right relation, including the scalar on the left', () => {
    const x = tensor([1, 2, 3]);
    assert.deepEqual(lt(x, 2).tolist(), [true, false, false]);
    assert.deepEqual(lt(2, x).tolist(), [false, false, true]);
    assert.deepEqual(ge(x, 2).tolist(), [false, true, true]);
    assert.deepEqual(x.eq(tensor([[1], [3]])).tolist(), [[true, false, false], [false, false, true]]);
  });

  it('NaN is unequal to everything, itself included', () => {
    const x = tensor([NaN, 1]);
    assert.deepEqual(eq(x, x).tolist(), [false, true]);
    assert.deepEqual(ne(x, x).tolist(), [true, false]);
    for (const f of [lt, le, gt, ge]) assert.deepEqual(f(x, NaN).tolist(), [false, false]);
  });

  it('operands are compared in the promoted dtype, as in PyTorch', () => {
    // a float64 0-d tensor does not widen a float32 comparison: 0.1 is rounded to float32 first
    assert.deepEqual(eq(tensor([0.1]), tensor(0.1, { dtype: 'float64' })).tolist(), [true]);
    // a float64 tensor with dims does: float32(0.1) != float64(0.1)
    assert.deepEqual(eq(tensor([0.1]), tensor([0.1], { dtype: 'float64' })).tolist(), [false]);
    // JS scalars take the tensor's float type
    assert.deepEqual(eq(tensor([0.1]), 0.1).tolist(), [true]);
    // int32 against a float scalar compares as float32
    assert.deepEqual(lt(tensor([2, 3], { dtype: 'int32' }), 2.5).tolist(), [true, false]);
    // 2^24 + 1 is not a float32: int32 vs float32 rounds it, as PyTorch does
    assert.deepEqual(eq(tensor([16777217], { dtype: 'int32' }), tensor([16777216])).tolist(), [true]);
  });

  it('integers beyond the int32 range compare correctly against int32 tensors (they are not wrapped)', () => {
    const x = tensor([5, -5], { dtype: 'int32' });
    assert.deepEqual(lt(x, 1e10).tolist(), [true, true]);
    assert.deepEqual(gt(x, -(2 ** 31) - 1).tolist(), [true, true]);
    assert.deepEqual(lt(x, 2 ** 31).tolist(), [true, true]);
  });

  it('bool tensors compare with numbers as integers', () => {
    assert.deepEqual(eq(tensor([true, false]), 1).tolist(), [true, false]);
    assert.deepEqual(eq(tensor([true]), 2).tolist(), [false]);
    assert.deepEqual(eq(tensor([true, false]), true).tolist(), [true, false]);
  });

  it('have no gradient, even from inputs that require one', () => {
    const x = d([1, 2], true);
    const out = gt(x, 1);
    assert.equal(out.requiresGrad, false);
    assert.equal(out.gradFn, null);
  });

  it('broadcasting errors name the op and the shapes', () => {
    assertThrowsMatching(() => le(zeros([2, 3]), zeros([2])), /^le: shapes \[2,3\] and \[2\] cannot be broadcast/);
  });
});

describe('logical ops', () => {
  it('treat nonzero (NaN, 0.5, -3) as true and return bool', () => {
    const a = tensor([0, 0.5, NaN, -3]);
    const b = tensor([1, 0, 0, 2], { dtype: 'int32' });
    assert.deepEqual(logicalAnd(a, b).tolist(), [false, false, false, true]);
    assert.deepEqual(logicalOr(a, b).tolist(), [true, true, true, true]);
    assert.deepEqual(logicalXor(a, b).tolist(), [true, true, true, false]);
    assert.deepEqual(logicalNot(a).tolist(), [true, false, false, false]);
    assert.equal(logicalAnd(a, b).dtype, 'bool');
  });

  it('truth values are not lost to dtype conversion (0.5 against a 0-d int32 stays true)', () => {
    assert.deepEqual(logicalAnd(tensor([0.5]), tensor(1, { dtype: 'int32' })).tolist(), [true]);
    assert.deepEqual(logicalAnd(tensor(0.25, { dtype: 'float64' }), tensor([1], { dtype: 'int32' })).tolist(), [true]);
  });

  it('take scalars and broadcast', () => {
    assert.deepEqual(logicalOr(tensor([[0], [1]]), false).tolist(), [[false], [true]]);
    assert.deepEqual(logicalAnd(tensor([[1], [0]]), tensor([1, 0, 1])).shape, [2, 3]);
  });
});

describe('isclose and allclose', () => {
  it('use |a - b| <= atol + rtol |b|: not symmetric', () => {
    // |a - b| = 1: within rtol 0.5 of b = 2 (1 <= 1), not of b = 1 (1 > 0.5)
    assert.deepEqual(isclose(d([1]), d([2]), 0.5, 0).tolist(), [true]);
    assert.deepEqual(isclose(d([2]), d([1]), 0.5, 0).tolist(), [false]);
  });

  it('treat infinities as close only to themselves, and NaN only with equalNan', () => {
    const a = d([Infinity, -Infinity, Infinity, NaN, 1]);
    const b = d([Infinity, -Infinity, -Infinity, NaN, Infinity]);
    assert.deepEqual(isclose(a, b).tolist(), [true, true, false, false, false]);
    assert.deepEqual(isclose(a, b, 1e-5, 1e-8, true).tolist(), [true, true, false, true, false]);
    assert.equal(allclose(d([1, NaN]), d([1, NaN])), false);
    assert.equal(allclose(d([1, NaN]), d([1, NaN]), 1e-5, 1e-8, true), true);
  });

  it('broadcast, and allclose returns a JS boolean', () => {
    assert.equal(allclose(d([[1, 2], [1, 2]]), d([1, 2 + 1e-9])), true);
    assert.deepEqual(isclose(d([[1], [3]]), d([1, 3])).tolist(), [[true, false], [false, true]]);
    assert.equal(typeof allclose(d([1]), d([1])), 'boolean');
  });

  it('reject bad tolerances and non-tensors', () => {
    assertThrowsMatching(() => allclose(d([1]), d([1]), -1e-5), /^allclose: rtol must be a number >= 0, got -0.00001/);
    assertThrowsMatching(() => isclose(d([1]), [1] as never), /^isclose: second input must be a Tensor, got an array/);
  });
});

describe('where', () => {
  it('selects elementwise and broadcasts condition and branches', () => {
    const c = tensor([[true], [false]]);
    const out = where(c, tensor([1, 2, 3]), tensor([[10], [20]]));
    assert.deepEqual(out.shape, [2, 3]);
    assert.deepEqual(out.tolist(), [[1, 2, 3], [20, 20, 20]]);
  });

  it('takes JS numbers for either branch, with PyTorch\'s dtypes', () => {
    const c = tensor([true, false]);
    const ints = where(c, 1, 0);
    assert.equal(ints.dtype, 'int32');
    assert.deepEqual(ints.tolist(), [1, 0]);
    assert.equal(where(c, 1.5, 0).dtype, 'float32');
    assert.equal(where(c, d([1, 2]), 0).dtype, 'float64');
    assert.equal(where(c, tensor([1, 2], { dtype: 'int32' }), 0.5).dtype, 'float32');
    assert.deepEqual(where(c, tensor([7, 8], { dtype: 'int32' }), 0.5).tolist(), [7, 0.5]);
    // a NaN scalar is a float: the result is float32, and the NaN stays in its own branch
    const withNan = where(c, 1, NaN);
    assert.equal(withNan.dtype, 'float32');
    assert.deepEqual(withNan.tolist(), [1, NaN]);
  });

  it('sends the gradient only to the chosen branch, summed over broadcast dims', () => {
    const c = tensor([[true, false, true], [false, false, true]]);
    const a = d([[1, 2, 3], [4, 5, 6]], true);
    const b = d([7, 8, 9], true); // broadcast over the rows
    const [ga, gb] = grads(where(c, a, b).mul(d([[1, 10, 100], [1000, 10000, 100000]])), [a, b]);
    assert.deepEqual(ga!.tolist(), [[1, 0, 100], [0, 0, 100000]]);
    assert.deepEqual(gb!.tolist(), [1000, 10010, 0]);
  });

  it('as in PyTorch, a branch computed where it is invalid still poisons the gradient; mask its input', () => {
    const x = d([-1, 2], true);
    // where sends 0 to sqrt at x = -1, but sqrt's own rule gives 0 / (2 sqrt(-1)) = NaN
    const [naive] = grads(where(x.gt(0), x.sqrt(), 0), [x]);
    assert.ok(Number.isNaN(naive!.toArray()[0]));
    // the usual fix: feed the branch a safe value where it is not taken
    const safe = where(x.gt(0), x, 1);
    const [g] = grads(where(x.gt(0), safe.sqrt(), 0), [x]);
    assertClose(g!, [0, 0.5 / Math.sqrt(2)]);
  });

  it('gives each branch its gradient in its own dtype', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = d([3, 4], true);
    const out = where(tensor([true, false]), a, b);
    assert.equal(out.dtype, 'float64');
    const [ga, gb] = grads(out, [a, b]);
    assert.equal(ga!.dtype, 'float32');
    assert.equal(gb!.dtype, 'float64');
  });

  it('Tensor.where(condition, other) is where(condition, this, other)', () => {
    assert.deepEqual(tensor([1, 2]).where(tensor([true, false]), -1).tolist(), [1, -1]);
  });

  it('rejects a non-bool condition', () => {
    assertThrowsMatching(() => where(tensor([1, 0], { dtype: 'int32' }), 1, 0), /^where: condition must be a bool tensor, got a int32 tensor of shape \[2\]/);
  });
});

describe('clamp', () => {
  it('with only min, only max, or both', () => {
    const x = tensor([-2, -0.5, 0.5, 2]);
    assert.deepEqual(clamp(x, -1).tolist(), [-1, -0.5, 0.5, 2]);
    assert.deepEqual(clamp(x, null, 1).tolist(), [-2, -0.5, 0.5, 1]);
    assert.deepEqual(clamp(x, undefined, 1).tolist(), [-2, -0.5, 0.5, 1]);
    assert.deepEqual(clamp(x, -1, 1).tolist(), [-1, -0.5, 0.5, 1]);
    assert.deepEqual(x.clamp(0).tolist(), [0, 0, 0.5, 2]);
  });

  it('with tensor bounds that broadcast', () => {
    const x = tensor([[-2, 0, 2], [-2, 0, 2]]);
    const out = clamp(x, tensor([[-1], [0.5]]), tensor([1, 1, 1.5]));
    assert.deepEqual(out.tolist(), [[-1, 0, 1.5], [0.5, 0.5, 1.5]]);
  });

  it('gradient is 1 inside and at the bounds, 0 outside', () => {
    const x = d([-2, -1, 0, 1, 2], true);
    const [g] = grads(clamp(x, -1, 1), [x]);
    assert.deepEqual(g!.tolist(), [0, 1, 1, 1, 0]);
    const [gMin] = grads(clamp(x, 0), [x]);
    assert.deepEqual(gMin!.tolist(), [0, 0, 1, 1, 1]);
    const [gMax] = grads(clamp(x, null, 0), [x]);
    assert.deepEqual(gMax!.tolist(), [1, 1, 1, 0, 0]);
  });

  it('tensor bounds receive the gradient where they are chosen', () => {
    const x = d([-2, 0, 2], true);
    const lo = d([-1, -1, -1], true);
    const hi = d([1], true);
    const [gx, glo, ghi] = grads(clamp(x, lo, hi), [x, lo, hi]);
    assert.deepEqual(gx!.tolist(), [0, 1, 0]);
    assert.deepEqual(glo!.tolist(), [1, 0, 0]);
    assert.deepEqual(ghi!.tolist(), [1]);
  });

  it('promotes with the bounds: int32 clamped to 0.5 is float32; int bounds keep int32', () => {
    const ints = tensor([0, 1, 2], { dtype: 'int32' });
    const f = clamp(ints, 0.5);
    assert.equal(f.dtype, 'float32');
    assert.deepEqual(f.tolist(), [0.5, 1, 2]);
    const i = clamp(ints, 1, 1);
    assert.equal(i.dtype, 'int32');
    assert.deepEqual(i.tolist(), [1, 1, 1]);
  });

  it('errors: no bounds, min > max, bad bound types, bool input, shapes that do not broadcast', () => {
    assertThrowsMatching(() => clamp(tensor([1])), /^clamp: at least one of min and max must be given/);
    assertThrowsMatching(() => clamp(tensor([1]), null, null), /^clamp: at least one of min and max must be given/);
    assertThrowsMatching(() => clamp(tensor([1]), 3, 2), /^clamp: min 3 is greater than max 2/);
    assertThrowsMatching(() => clamp(tensor([1]), [0] as never), /^clamp: min must be a number, a Tensor, null or undefined, got an array/);
    assertThrowsMatching(() => clamp(tensor([1]), 0, true as never), /^clamp: max must be a number, a Tensor, null or undefined, got boolean/);
    assertThrowsMatching(() => clamp(tensor([true]), 0, 1), /^clamp: bool tensors cannot be clamped/);
    assertThrowsMatching(() => clamp(zeros([2, 3]), zeros([4])), /^clamp: shapes \[2,3\] and \[4\] cannot be broadcast/);
  });
});

describe('NaN propagation', () => {
  it('maximum and minimum return NaN when either side is NaN', () => {
    const a = tensor([NaN, 1, NaN]);
    const b = tensor([1, NaN, NaN]);
    for (const f of [maximum, minimum]) {
      for (const v of f(a, b).toArray()) assert.ok(Number.isNaN(v));
    }
    assert.deepEqual(maximum(tensor([1, 5]), tensor([3, 2])).tolist(), [3, 5]);
  });

  it('clamp and relu keep NaN', () => {
    assert.ok(Number.isNaN(clamp(tensor([NaN]), 0, 1).item()));
    assert.ok(Number.isNaN(clamp(tensor([NaN]), null, 1).item()));
    assert.ok(Number.isNaN(clamp(tensor([NaN]), tensor([0])).item()));
    assert.ok(Number.isNaN(relu(tensor([NaN])).item()));
  });
});
