import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gradcheck, pad, Tensor } from '../../src/index.js';
import { nonContiguous, uniform } from '../helpers.js';

// Contiguous floating inputs take pad's one-pass path; a strided view of the same values takes the
// general one (views and kernel calls). Both must give the same tensor.
test('pad: the contiguous path equals the general one, for any number of padded dims', () => {
  const cases: Array<{ shape: number[]; padding: number[]; value: number }> = [
    { shape: [1, 1, 16, 16], padding: [2, 2, 2, 2], value: -1 },
    { shape: [2, 3, 4, 5], padding: [0, 3, 1, 0, 2, 1], value: 0.25 },
    { shape: [7], padding: [3, 1], value: 0 },
    { shape: [3, 4], padding: [0, 0, 2, 0], value: Number.NaN },
    { shape: [2, 3, 4], padding: [1, -1, -1, 2], value: 5 },
    { shape: [0, 3], padding: [1, 1], value: 2 },
  ];
  for (const dtype of ['float32', 'float64'] as const) {
    for (const { shape, padding, value } of cases) {
      const x = uniform(shape, { seed: 2, dtype });
      const fast = pad(x, padding, 'constant', value);
      const general = pad(nonContiguous(x), padding, 'constant', value);
      assert.deepEqual(fast.shape, general.shape, `${shape} ${padding}`);
      assert.deepEqual(fast.toArray(), general.toArray(), `${dtype} ${shape} padded by ${padding}`);
    }
  }
  const x = uniform([1, 1, 2, 2], { seed: 3 });
  const y = pad(x, [1, 1, 1, 1], 'constant', -1);
  const v = y.toArray();
  assert.equal(v[0], -1);
  assert.equal(v[5], x.toArray()[0]);
  assert.equal(v[10], x.toArray()[3]);
  assert.equal(v[15], -1);
});

test('pad: gradients through the contiguous path', () => {
  const x = uniform([1, 2, 3, 3], { seed: 4, dtype: 'float64' }).requiresGrad_(true);
  assert.ok(gradcheck((t: Tensor) => pad(t, [2, 1, 0, 2], 'constant', -1).square(), [x]));
});
