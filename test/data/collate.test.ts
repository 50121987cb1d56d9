import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, tensor, zeros } from '../../src/index.js';
import { defaultCollate } from '../../src/data/index.js';
import { nonContiguous } from '../helpers.js';

test('tensors are stacked along a new dim 0', () => {
  const b = defaultCollate([tensor([1, 2]), tensor([3, 4]), nonContiguous(tensor([5, 6]))]);
  assert.deepEqual(b.shape, [3, 2]);
  assert.deepEqual(b.tolist(), [[1, 2], [3, 4], [5, 6]]);
  assert.equal(b.dtype, 'float32');
  const scalars = defaultCollate([tensor(1, { dtype: 'int32' }), tensor(2, { dtype: 'int32' })]);
  assert.deepEqual(scalars.shape, [2]);
  assert.equal(scalars.dtype, 'int32');
});

test('numbers become int32 when all are integers, else float32; booleans bool', () => {
  const ints = defaultCollate([1, 2, 3]);
  assert.equal(ints.dtype, 'int32');
  assert.deepEqual(ints.tolist(), [1, 2, 3]);
  const floats = defaultCollate([1, 2.5]);
  assert.equal(floats.dtype, 'float32');
  assert.deepEqual(floats.tolist(), [1, 2.5]);
  assert.equal(defaultCollate([2 ** 40, 1]).dtype, 'float32');
  const bools = defaultCollate([true, false]);
  assert.equal(bools.dtype, 'bool');
  assert.deepEqual(bools.tolist(), [true, false]);
});

test('arrays and objects are collated recursively; strings stay arrays', () => {
  const samples: [Tensor, number, { name: string; w: number }][] = [
    [tensor([1]), 0, { name: 'a', w: 0.5 }],
    [tensor([2]), 1, { name: 'b', w: 1 }],
  ];
  const batch = defaultCollate(samples);
  assert.deepEqual(batch[0].tolist(), [[1], [2]]);
  assert.deepEqual(batch[1].tolist(), [0, 1]);
  assert.deepEqual(batch[2].name, ['a', 'b']);
  assert.deepEqual(batch[2].w.tolist(), [0.5, 1]);
});

test('mismatches name the sample and the path', () => {
  assert.throws(() => defaultCollate([tensor([1, 2]), tensor([1, 2]), tensor([1, 2, 3])]), /defaultCollate: sample 2 has shape \[3\], but sample 0 has \[2\]/);
  assert.throws(() => defaultCollate([[zeros(2), 1], [zeros(3), 1]]), /defaultCollate: sample 1 at \[0\] has shape \[3\]/);
  assert.throws(() => defaultCollate([[1, 2], [1]]), /sample 1 has 1 elements, but sample 0 has 2/);
  assert.throws(() => defaultCollate([{ a: 1 }, { b: 1 }]), /sample 1 has keys \{b\}, but sample 0 has \{a\}/);
  assert.throws(() => defaultCollate([{ a: zeros(1) }, { a: 3 }]), /sample 1 at .a is number, but sample 0 has Tensor/);
  assert.throws(() => defaultCollate([tensor([1]), tensor([1], { dtype: 'int32' })]), /sample 1 has dtype int32, but sample 0 has float32/);
  assert.throws(() => defaultCollate([]), /defaultCollate: cannot collate an empty list/);
  assert.throws(() => defaultCollate([null, null]), /defaultCollate: sample 0 is null/);
  assert.throws(() => defaultCollate([new Map(), new Map()]), /sample 0 is a Map; only tensors/);
});
