import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, tensor } from '../../../src/index.js';
import { randomResizedCrop, resize } from '../../../src/data/transforms/index.js';
import { assertClose, uniform } from '../../helpers.js';

test('resize matches interpolate(align_corners=false) by hand', () => {
  assertClose(resize(tensor([[[0, 1]]]), [1, 4]), [[[0, 0.25, 0.75, 1]]]);
  assertClose(resize(tensor([[[1, 2], [3, 4]]]), 1), [[[2.5]]]);
  const x = uniform([3, 5, 6], { seed: 1 });
  assert.deepEqual(resize(x, [5, 6]).tolist(), x.tolist());
  assert.throws(() => resize(x, [0, 2]), /resize: size must be a positive integer or a pair/);
});

test('randomResizedCrop: the whole image when scale and ratio allow only it', () => {
  const x = uniform([1, 6, 6], { seed: 2 });
  const t = randomResizedCrop(3, { scale: [1, 1], ratio: [1, 1] });
  assertClose(t(x, new Generator(0)), resize(x, 3));
});

test('randomResizedCrop: output size, determinism, windows inside the image', () => {
  const x = uniform([2, 10, 12], { seed: 3, low: 0, high: 1 });
  const t = randomResizedCrop([4, 5]);
  for (let s = 0; s < 20; s++) {
    const y = t(x, new Generator(s));
    assert.deepEqual(y.shape, [2, 4, 5]);
    for (const v of y.toArray()) assert.ok(v >= 0 && v <= 1); // a blend of pixels, never the outside
  }
  assert.deepEqual(t(x, new Generator(7)).tolist(), t(x, new Generator(7)).tolist());
  assert.throws(() => randomResizedCrop(4, { scale: [0.5, 0.1] }), /randomResizedCrop: scale must be a \[min, max\] pair with min <= max/);
  assert.throws(() => randomResizedCrop(4, { ratio: [0, 1] }), /randomResizedCrop: ratio must be positive/);
});
