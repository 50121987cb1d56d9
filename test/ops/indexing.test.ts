/**
 * Indexing ops beyond the conformance table: gradients by hand, in-place writes through views,
 * dtypes, and advanced indexing checked against NumPy's results (computed once with NumPy and
 * written down; where PyTorch and NumPy differ, PyTorch's rule is the one checked).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  arange, argwhere, gather, gradcheck, index, indexAdd, indexAdd_, indexPut, indexPut_, indexSelect, maskedFill, maskedFill_,
  maskedSelect, noGrad, nonzero, oneHot, scatter, scatter_, scatterAdd, take, tensor, zeros, Tensor,
} from '../../src/index.js';
import type { NestedArray } from '../../src/tensor/creation.js';
import { assertClose, assertThrowsMatching, uniform } from '../helpers.js';

const i32 = (values: NestedArray): Tensor => tensor(values, { dtype: 'int32' });
const bool = (values: NestedArray): Tensor => tensor(values, { dtype: 'bool' });
/** [3,4,5] float32 holding 0..59: each value names its position. */
const block = (): Tensor => arange(60).reshape(3, 4, 5).float();
const leaf = (values: NestedArray): Tensor => tensor(values, { dtype: 'float64', requiresGrad: true });

describe('gather and scatter', () => {
  it('gather sends each gradient back to the element it read, summing repeats', () => {
    const x = leaf([[1, 2, 3], [4, 5, 6]]);
    gather(x, 1, i32([[0, 0], [2, 1]])).mul(tensor([[1, 10], [100, 1000]], { dtype: 'float64' })).sum().backward();
    assertClose(x.grad!, [[11, 0, 0], [0, 1000, 100]]);
  });

  it('scatter: x gets no gradient where it was overwritten, src gets the gradient gathered', () => {
    const x = leaf([[1, 2, 3], [4, 5, 6]]);
    const src = leaf([[7, 8], [9, 10]]);
    const w = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64' });
    const out = scatter(x, 1, i32([[2, 0], [1, 2]]), src);
    assertClose(out, [[8, 2, 7], [4, 9, 10]]);
    out.mul(w).sum().backward();
    assertClose(x.grad!, [[0, 2, 0], [4, 0, 0]]);
    assertClose(src.grad!, [[3, 1], [5, 6]]);
  });

  it('scatterAdd: x gets the whole gradient, src the gradient at its targets', () => {
    const x = leaf([1, 2, 3]);
    const src = leaf([10, 20, 30]);
    const out = scatterAdd(x, 0, i32([2, 2, 0]), src);
    assertClose(out, [31, 2, 33]);
    out.mul(tensor([1, 2, 3], { dtype: 'float64' })).sum().backward();
    assertClose(x.grad!, [1, 2, 3]);
    assertClose(src.grad!, [3, 3, 1]);
  });

  it('scatter takes a number for src and keeps integer and bool dtypes', () => {
    assert.deepEqual(scatter(zeros([2, 3], { dtype: 'int32' }), 1, i32([[1], [2]]), 7).tolist(), [[0, 7, 0], [0, 0, 7]]);
    const b = scatter(zeros([3], { dtype: 'bool' }), 0, i32([1]), 1);
    assert.equal(b.dtype, 'bool');
    assert.deepEqual(b.tolist(), [false, true, false]);
    assert.deepEqual(scatterAdd(i32([1, 1]), 0, i32([0, 0, 1]), i32([5, 6, 7])).tolist(), [12, 8]);
  });

  it('scatter_ writes through a transposed view into its base', () => {
    const base = zeros([3, 4]);
    const before = base.version;
    noGrad(() => scatter_(base.T, 0, i32([[3, 0, 1]]), 5));
    assert.deepEqual(base.tolist(), [[0, 0, 0, 5], [5, 0, 0, 0], [0, 5, 0, 0]]);
    assert.ok(base.version > before, 'an in-place write bumps the version');
  });

  it('scatter_ under autograd takes the result’s place in the graph', () => {
    const x = leaf([1, 2, 3]);
    const y = x.mul(2);
    y.scatter_(0, i32([1]), 0);
    y.sum().backward();
    assertClose(x.grad!, [2, 0, 2]);
  });

  it('gather of an int32 tensor has no gradient and keeps its dtype', () => {
    const out = gather(i32([[5, 6], [7, 8]]), 0, i32([[1, 0]]));
    assert.equal(out.dtype, 'int32');
    assert.deepEqual(out.tolist(), [[7, 6]]);
    assert.equal(out.requiresGrad, false);
  });

  it('rejects a src that is neither a tensor nor a number', () => {
    assertThrowsMatching(() => scatter(zeros([2]), 0, i32([0]), 'a' as never), /^scatter: src must be a Tensor or a number, got string/);
    assertThrowsMatching(() => scatterAdd(zeros([2]), 0, i32([0]), 1 as never), /^scatterAdd: src must be a Tensor, got number/);
  });
});

describe('indexSelect, indexAdd, take', () => {
  it('indexSelect gradient counts repeated rows', () => {
    const x = leaf([[1, 2], [3, 4], [5, 6]]);
    indexSelect(x, 0, i32([2, 0, 2])).sum().backward();
    assertClose(x.grad!, [[1, 1], [0, 0], [2, 2]]);
  });

  it('indexAdd scales by alpha and accumulates repeats', () => {
    assertClose(indexAdd(zeros([3]), 0, i32([0, 0, 2]), tensor([1, 2, 3]), 2), [6, 0, 6]);
    const x = leaf([1, 1]);
    const src = leaf([[1, 2, 3]]);
    indexAdd(x.reshape(2, 1), 1, i32([0, 0, 0]), src.expand(2, 3), 0.5).sum().backward();
    assertClose(x.grad!, [1, 1]);
    assertClose(src.grad!, [[1, 1, 1]]);
  });

  it('indexAdd_ writes in place', () => {
    const x = zeros([2, 3]);
    indexAdd_(x, 1, i32([2]), tensor([[1], [2]]));
    assert.deepEqual(x.tolist(), [[0, 0, 1], [0, 0, 2]]);
  });

  it('take reads the flat row-major input, negatives from the end, in the index’s shape', () => {
    const x = arange(6).reshape(2, 3).float().T; // non-contiguous: flat order is 0, 3, 1, 4, 2, 5
    assertClose(take(x, i32([[1, -1], [0, 2]])), [[3, 5], [0, 1]]);
  });
});

describe('masked ops', () => {
  it('maskedFill zeroes the gradient of filled positions; a tensor value gets the rest', () => {
    const x = leaf([1, 2, 3]);
    const v = leaf(0.5);
    const out = maskedFill(x, bool([true, false, true]), v);
    assertClose(out, [0.5, 2, 0.5]);
    out.mul(tensor([1, 2, 3], { dtype: 'float64' })).sum().backward();
    assertClose(x.grad!, [0, 2, 0]);
    assertClose(v.grad!, 4);
  });

  it('maskedFill keeps the input dtype', () => {
    const out = maskedFill(i32([1, 2]), bool([false, true]), 7.9);
    assert.equal(out.dtype, 'int32');
    assert.deepEqual(out.tolist(), [1, 7]);
  });

  it('maskedFill broadcasts the input up to the mask out of place', () => {
    assert.deepEqual(maskedFill(tensor([1, 2]), bool([[true], [false]]), 0).tolist(), [[0, 0], [1, 2]]);
  });

  it('maskedFill_ writes through a view', () => {
    const base = arange(6).reshape(2, 3).float();
    maskedFill_(base.select(1, 1), bool([true, false]), -1);
    assert.deepEqual(base.tolist(), [[0, -1, 2], [3, 4, 5]]);
  });

  it('maskedSelect sums the gradient of an input read twice through broadcasting', () => {
    const x = leaf([1, 2]);
    const out = maskedSelect(x, bool([[true, true], [true, false]]));
    assertClose(out, [1, 2, 1]);
    out.sum().backward();
    assertClose(x.grad!, [2, 1]);
  });
});

describe('oneHot, nonzero', () => {
  it('oneHot appends a class dim of int32', () => {
    const out = oneHot(i32([[0, 1], [3, 1]]));
    assert.equal(out.dtype, 'int32');
    assert.deepEqual(out.shape, [2, 2, 4]);
    assert.deepEqual(out.tolist(), [[[1, 0, 0, 0], [0, 1, 0, 0]], [[0, 0, 0, 1], [0, 1, 0, 0]]]);
  });

  it('nonzero lists coordinates in row-major order; argwhere is the same', () => {
    const x = zeros([2, 2, 3]);
    noGrad(() => indexPut_(x, [i32([1, 0, 1]), i32([0, 1, 1]), i32([2, 0, 1])], 1));
    const expected = [[0, 1, 0], [1, 0, 2], [1, 1, 1]];
    assert.deepEqual(nonzero(x).tolist(), expected);
    assert.deepEqual(argwhere(x).tolist(), expected);
    assert.deepEqual(nonzero(zeros([3, 0])).shape, [0, 2]);
    assert.deepEqual(nonzero(tensor(0)).shape, [0, 0]);
  });
});

describe('advanced indexing', () => {
  const cases: [string, (x: Tensor) => Tensor, number[], NestedArray][] = [
    ['two index tensors separated by a slice go first', (x) => index(x, i32([0, 2]), null, i32([1, 3])), [2, 4], [[1, 6, 11, 16], [43, 48, 53, 58]]],
    ['adjacent index tensors broadcast and stay in place', (x) => index(x, null, i32([[0], [1]]), i32([2, 3])), [3, 2, 2], [[[2, 3], [7, 8]], [[22, 23], [27, 28]], [[42, 43], [47, 48]]]],
    ['a number is a select first (PyTorch, not NumPy)', (x) => index(x, 1, null, i32([0, 4])), [4, 2], [[20, 24], [25, 29], [30, 34], [35, 39]]],
    ['a slice keeps its dim next to an index', (x) => index(x, { start: 1 }, i32([2, 0])).select(2, 0), [2, 2], [[30, 20], [50, 40]]],
    ['index tensors split by a slice with bounds go first', (x) => index(x, i32([0, 2]), { start: 1, end: 3 }, i32([1, 3])), [2, 2], [[6, 11], [48, 53]]],
    ['an ellipsis fills the middle', (x) => index(x, 1, '...', 3), [4], [23, 28, 33, 38]],
    ['an ellipsis before an index', (x) => index(x, '...', i32([0, 1])).select(0, 1).select(0, 1), [2], [25, 26]],
    ['negative numbers and negative index values', (x) => index(x, i32([-1, 0]), -2), [2, 5], [[50, 51, 52, 53, 54], [10, 11, 12, 13, 14]]],
    ['a mask over the first two dims', (x) => index(x, bool([[true, false, false, true], [false, false, false, false], [false, true, false, false]])).select(1, 0), [3], [0, 15, 45]],
    ['a mask after a full slice', (x) => index(x, null, arange(20).reshape(4, 5).remainder(7).eq(0)), [3, 3], [[0, 7, 14], [20, 27, 34], [40, 47, 54]]],
    ['a 0-d index tensor removes its dim', (x) => index(x, null, i32(2), 4), [3], [14, 34, 54]],
  ];
  for (const [name, f, shape, expected] of cases) {
    it(name, () => {
      const out = f(block());
      assert.deepEqual(out.shape, shape);
      assertClose(out, expected);
    });
  }

  it('plain JS arrays stand for int32 index tensors and bool masks', () => {
    assertClose(index(block(), [2, 0], [[1], [3]], 4), [[49, 9], [59, 19]]);
    assertClose(index(tensor([1, 2, 3]), [true, false, true]), [1, 3]);
    assert.deepEqual(index(block(), []).shape, [0, 4, 5]);
    assertClose(indexPut(zeros([3]), [[0, 2]], 1), [1, 0, 1]);
  });

  it('basic indexing returns a view', () => {
    const x = block();
    const v = index(x, 1, { start: 1, step: 2 }, -1);
    assert.equal(v.storage, x.storage);
    assertClose(v, [29, 39]);
  });

  it('a 0-d bool adds a dim of size 1 (true) or 0 (false)', () => {
    assert.deepEqual(index(block(), bool(true)).shape, [1, 3, 4, 5]);
    assert.deepEqual(index(block(), bool(false)).shape, [0, 3, 4, 5]);
    assert.deepEqual(index(tensor(3), bool(true)).tolist(), [3]);
  });

  it('gradients of repeated indices accumulate', () => {
    const x = leaf([1, 2, 3]);
    index(x, i32([0, 0, 2, 0])).sum().backward();
    assertClose(x.grad!, [3, 0, 1]);
  });

  it('passes gradcheck with numbers, slices, masks and index tensors mixed', () => {
    const x = uniform([3, 4, 5], { seed: 3, dtype: 'float64' }).requiresGrad_(true);
    gradcheck((t) => index(t, { start: 1 }, i32([[0], [3]]), i32([4, -1, 2])), [x]);
    gradcheck((t) => index(t, i32([2, 0]), 1, { step: 2 }), [x]);
    gradcheck((t) => index(t, t.detach().gt(0)), [x]);
  });
});

describe('indexPut', () => {
  it('without accumulate the last write to a position wins; with it repeats sum', () => {
    assertClose(indexPut(zeros([3]), [i32([0, 2, 0])], tensor([1, 2, 3])), [3, 0, 2]);
    assertClose(indexPut(zeros([3]), [i32([0, 2, 0])], tensor([1, 2, 3]), true), [4, 0, 2]);
  });

  it('writes any index pattern that index reads', () => {
    const x = block();
    const out = indexPut(x, [null, { start: 2 }, i32([0, 4])], -1);
    assertClose(index(out, null, { start: 2 }, i32([0, 4])), zeros([3, 2, 2]).sub(1));
    assert.equal(out.sub(x).ne(0).sum().item(), 12);
    assertClose(indexPut(tensor([-1, 2, -3]), [tensor([-1, 2, -3]).lt(0)], 0), [0, 2, 0]);
  });

  it('values broadcast over the indexed shape; gradients flow to x and the values', () => {
    const x = leaf([[1, 2], [3, 4], [5, 6]]);
    const v = leaf([10, 20]);
    const out = indexPut(x, [i32([0, 2])], v);
    assertClose(out, [[10, 20], [3, 4], [10, 20]]);
    out.mul(tensor([[1, 2], [3, 4], [5, 6]], { dtype: 'float64' })).sum().backward();
    assertClose(x.grad!, [[0, 0], [3, 4], [0, 0]]);
    assertClose(v.grad!, [6, 8]);
  });

  it('indexPut_ writes through a view into its base', () => {
    const base = zeros([2, 4]);
    indexPut_(base.slice(1, 1), [i32([1]), i32([2])], 5);
    assert.deepEqual(base.tolist(), [[0, 0, 0, 0], [0, 0, 0, 5]]);
  });

  it('refuses to write into a leaf that requires grad', () => {
    assertThrowsMatching(() => indexPut_(leaf([1, 2]), [i32([0])], 0), /^indexPut_: a leaf tensor that requires grad cannot be modified in place/);
  });
});

describe('Tensor methods', () => {
  it('forward to the ops', () => {
    const x = arange(6).reshape(2, 3).float();
    assertClose(x.gather(1, i32([[2], [0]])), [[2], [3]]);
    assertClose(x.index(-1, [0, 2]), [3, 5]);
    assertClose(x.indexSelect(1, i32([1])), [[1], [4]]);
    assertClose(x.maskedFill(x.gt(3), 0), [[0, 1, 2], [3, 0, 0]]);
    assertClose(x.take(i32([4])), [4]);
    assertClose(x.sort(1, true).values, [[2, 1, 0], [5, 4, 3]]);
    assert.deepEqual(x.topk(1, 0).indices.tolist(), [[1, 1, 1]]);
    const y = x.clone();
    y.indexPut_([null, 0], 9);
    assertClose(y, [[9, 1, 2], [9, 4, 5]]);
  });
});
