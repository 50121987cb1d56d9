/**
 * The engine hands a leaf the gradient a view op passes on (reshape's view of the storage it
 * received) without copying it, since no one else holds that storage; it still copies gradients that
 * are shared (add passes one tensor to both inputs), that the caller owns, or that are not contiguous
 * (a transposed view), so .grad tensors never alias each other or the caller's tensors and keep the
 * parameter's layout.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor } from '../../src/index.js';

test('a reshaped gradient reaches its leaf as is: right values, contiguous, not aliasing the other leaf', () => {
  const b = tensor([1, 2, 3], { requiresGrad: true });
  const x = tensor([[1, 1, 1], [2, 2, 2]], { requiresGrad: true });
  // b.reshape([1, 3]) broadcast over x: b's gradient is the column sums, through reshape's backward view
  const y = x.mul(b.reshape([1, 3])).sum();
  y.backward();
  assert.deepEqual([...b.grad!.toArray()], [3, 3, 3]);
  assert.deepEqual(b.grad!.shape, [3]);
  assert.ok(b.grad!.isContiguous());
  assert.notEqual(b.grad!.storage, x.grad!.storage);
});

test('a transposed gradient is copied to the leaf contiguous', () => {
  const w = tensor([[1, 2], [3, 4], [5, 6]], { requiresGrad: true }); // [3, 2]
  const x = tensor([[1, 0, 2]]);
  x.matmul(w.mT.mT).sum().backward();
  const v = tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true }); // [2, 3]
  x.matmul(v.mT).sum().backward(); // v's gradient arrives through the transpose's view
  assert.ok(v.grad!.isContiguous());
  assert.deepEqual(v.grad!.tolist(), [[1, 0, 2], [1, 0, 2]]);
  assert.deepEqual(w.grad!.tolist(), [[1, 1], [0, 0], [2, 2]]);
});

test('one gradient shared by two leaves, or owned by the caller, is still copied', () => {
  const a = tensor([1, 2], { requiresGrad: true });
  const b = tensor([3, 4], { requiresGrad: true });
  const g = tensor([5, 6]);
  a.reshape([2]).add(b.reshape([2])).backward(g);
  assert.deepEqual([...a.grad!.toArray()], [5, 6]);
  assert.deepEqual([...b.grad!.toArray()], [5, 6]);
  assert.notEqual(a.grad!.storage, b.grad!.storage);
  assert.notEqual(a.grad!.storage, g.storage);
  assert.notEqual(b.grad!.storage, g.storage);
  const c = tensor([1, 2], { requiresGrad: true });
  c.reshape([1, 2]).backward(tensor([[7, 8]]));
  const root = tensor([[7, 8]]);
  const d = tensor([1, 2], { requiresGrad: true });
  d.reshape([1, 2]).backward(root);
  assert.notEqual(d.grad!.storage, root.storage);
  assert.deepEqual([...c.grad!.toArray()], [7, 8]);
});
