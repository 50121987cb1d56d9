/**
 * Sorting beyond the conformance table: stability and NaN order against a plain JS reference,
 * strided inputs straight into the kernel, gradients by hand, and the options of topk/kthvalue.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { argsort, backend, gather, kthvalue, sort, tensor, topk, zeros, Tensor } from '../../src/index.js';
import type { NestedArray } from '../../src/tensor/creation.js';
import { assertClose, seeded } from '../helpers.js';

const leaf = (values: NestedArray): Tensor => tensor(values, { dtype: 'float64', requiresGrad: true });

/** The stable order of `values` (NaN last ascending, first descending), by a plain JS sort of pairs. */
function referenceOrder(values: readonly number[], descending: boolean): number[] {
  const key = (v: number) => (Number.isNaN(v) ? Infinity : v);
  const rank = (v: number) => (Number.isNaN(v) ? 1 : 0);
  const pairs = values.map((v, i) => ({ v, i }));
  pairs.sort((a, b) => {
    const c = key(a.v) - key(b.v) || rank(a.v) - rank(b.v);
    return descending ? -c : c;
  });
  return pairs.map((p) => p.i);
}

describe('sort', () => {
  it('is stable in both directions, with many ties, NaN, infinities and signed zeros', () => {
    const rng = seeded(5);
    const pool = [NaN, -Infinity, Infinity, 0, -0, 1, -1, 2.5];
    const values = Array.from({ length: 40 }, () => pool[Math.floor(rng() * pool.length)]!);
    for (const descending of [false, true]) {
      const { values: v, indices } = sort(tensor(values, { dtype: 'float64' }), 0, descending);
      const order = referenceOrder(values, descending);
      assert.deepEqual([...indices.toArray()], order, descending ? 'descending' : 'ascending');
      assert.deepEqual([...v.toArray()].map(String), order.map((i) => String(values[i])));
    }
  });

  it('sorts int32 and bool along any dim', () => {
    const x = tensor([[3, -1, 2], [0, 5, -7]], { dtype: 'int32' });
    assert.deepEqual(sort(x, 0).values.tolist(), [[0, -1, -7], [3, 5, 2]]);
    assert.deepEqual(sort(x, 1, true).indices.tolist(), [[0, 2, 1], [1, 0, 2]]);
    const b = sort(tensor([true, false, true, false]));
    assert.deepEqual(b.values.tolist(), [false, false, true, true]);
    assert.deepEqual(b.indices.tolist(), [1, 3, 0, 2]);
    assert.equal(b.values.dtype, 'bool');
  });

  it('the kernel reads flipped and transposed views and writes contiguous results', () => {
    // [[4, 1], [2, 3], [0, 5]] stored as its transpose, then read with the rows reversed.
    const data = new Float64Array([9, 4, 2, 0, 1, 3, 5]);
    const view = { data, dtype: 'float64' as const, shape: [3, 2], strides: [-1, 3], offset: 3 };
    // logical rows: [0, 5], [2, 3], [4, 1]
    const along0 = backend().sort(view, 0, false);
    assert.deepEqual([...along0.values], [0, 1, 2, 3, 4, 5]);
    assert.deepEqual([...along0.indices], [0, 2, 1, 1, 2, 0]);
    const along1 = backend().sort(view, 1, true);
    assert.deepEqual([...along1.values], [5, 0, 3, 2, 4, 1]);
    assert.deepEqual([...along1.indices], [1, 0, 1, 0, 0, 1]);
  });

  it('values equal the input gathered at the indices, for a non-contiguous input', () => {
    const x = tensor([[0.3, -2, 7], [1, 1, -4]]).T;
    const { values, indices } = sort(x, 0);
    assertClose(values, gather(x, 0, indices));
  });

  it('sends each gradient back to where the value came from', () => {
    const x = leaf([3, 1, 2]);
    sort(x, 0, true).values.mul(tensor([1, 10, 100], { dtype: 'float64' })).sum().backward();
    assertClose(x.grad!, [1, 100, 10]);
  });

  it('argsort agrees with sort', () => {
    const x = tensor([[2, 2, 1], [0, -1, 0]]);
    assert.deepEqual(argsort(x, -1, true).tolist(), sort(x, -1, true).indices.tolist());
  });

  it('without grad the values come straight from the kernel', () => {
    const x = tensor([2, 1]);
    const { values } = sort(x);
    assert.equal(values.requiresGrad, false);
    assert.deepEqual(values.tolist(), [1, 2]);
  });
});

describe('topk and kthvalue', () => {
  it('topk takes the smallest with largest = false, and k = 0 gives an empty result', () => {
    const x = tensor([[4, 1, 3], [0, 9, 2]]);
    const small = topk(x, 2, 1, false);
    assert.deepEqual(small.values.tolist(), [[1, 3], [0, 2]]);
    assert.deepEqual(small.indices.tolist(), [[1, 2], [0, 2]]);
    assert.deepEqual(topk(x, 0).values.shape, [2, 0]);
    assert.deepEqual(topk(x, 1, 0).indices.tolist(), [[0, 1, 0]]);
  });

  it('topk gradients reach only the selected elements', () => {
    const x = leaf([0.5, 3, -1, 2]);
    topk(x, 2).values.sum().backward();
    assertClose(x.grad!, [0, 1, 0, 1]);
  });

  it('kthvalue keeps the dim when asked', () => {
    const x = tensor([[5, 1, 4], [2, 8, 3]]);
    const r = kthvalue(x, 2, 1, true);
    assert.deepEqual(r.values.tolist(), [[4], [3]]);
    assert.deepEqual(r.indices.tolist(), [[2], [2]]);
    assert.deepEqual(kthvalue(x, 1, 0).values.tolist(), [2, 1, 3]);
  });

  it('kthvalue gradient lands on the chosen element', () => {
    const x = leaf([[5, 1, 4], [2, 8, 3]]);
    kthvalue(x, 3, 1).values.sum().backward();
    assertClose(x.grad!, [[1, 0, 0], [0, 1, 0]]);
  });

  it('accepts zero-size inputs', () => {
    assert.deepEqual(sort(zeros([0, 3]), 0).indices.shape, [0, 3]);
    assert.deepEqual(kthvalue(zeros([0, 3]), 2, 1).values.shape, [0]);
  });
});
