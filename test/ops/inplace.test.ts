/** In-place ops beyond the conformance table: strided destinations, alpha, dtypes, returned value. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, zeros, arange } from '../../src/index.js';
import { assertClose } from '../helpers.js';

describe('in-place ops', () => {
  it('return the tensor itself and bump its version once per call', () => {
    const x = zeros([2]);
    assert.equal(x.add_(1), x);
    assert.equal(x.mul_(3), x);
    assert.equal(x.fill_(2), x);
    assert.equal(x.zero_(), x);
    assert.equal(x.copy_(tensor([1, 2])), x);
    assert.equal(x.version, 5);
    assertClose(x, [1, 2]);
  });

  it('write through a transposed view into the base tensor', () => {
    const base = arange(6).reshape([2, 3]).float();
    const t = base.T; // [3, 2], not contiguous
    assert.equal(t.isContiguous(), false);
    t.add_(tensor([100, 200]));
    assertClose(base, [[100, 101, 102], [203, 204, 205]]);
    t.mul_(tensor([[1, 0], [1, 0], [1, 0]]));
    assertClose(base, [[100, 101, 102], [0, 0, 0]]);
  });

  it('write into a narrowed slice only', () => {
    const base = zeros([4]);
    base.narrow(0, 1, 2).fill_(5);
    base.narrow(0, 3, 1).copy_(tensor([9]));
    base.narrow(0, 0, 2).sub_(1);
    assertClose(base, [-1, 4, 5, 9]);
    assert.equal(base.version, 3);
  });

  it('take alpha in add_ and sub_', () => {
    const x = tensor([1, 2]);
    x.add_(tensor([10, 10]), 0.5);
    assertClose(x, [6, 7]);
    x.sub_(tensor([1, 2]), 2);
    assertClose(x, [4, 3]);
  });

  it('keep the tensor\'s dtype: float64 += float32, int32 *= int, bool |= via copy_', () => {
    const d = tensor([1, 2], { dtype: 'float64' });
    d.add_(tensor([0.1, 0.2]));
    assert.equal(d.dtype, 'float64');
    const i = tensor([3, -3], { dtype: 'int32' });
    i.mul_(2);
    assert.equal(i.dtype, 'int32');
    assertClose(i, [6, -6]);
    const b = tensor([false, false]);
    b.copy_(tensor([0, 2.5]));
    assert.deepEqual(b.tolist(), [false, true]);
    b.fill_(0);
    assert.deepEqual(b.tolist(), [false, false]);
    b.fill_(NaN); // NaN is true, as in a cast to bool
    assert.deepEqual(b.tolist(), [true, true]);
  });

  it('copy_ reads the source completely before writing when they overlap', () => {
    const m = tensor([[1, 2], [3, 4]]);
    m.copy_(m.T); // element by element in place this would read the 3 it had just written
    assertClose(m, [[1, 3], [2, 4]]);
  });
});
