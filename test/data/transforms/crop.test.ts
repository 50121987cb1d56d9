import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, tensor } from '../../../src/index.js';
import { centerCrop, crop, pad, randomCrop } from '../../../src/data/transforms/index.js';

const img = tensor([[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]); // [1, 3, 3]

test('pad: constant, reflect and replicate, by hand', () => {
  assert.deepEqual(pad(img, 1, 'constant', -1).tolist(), [[
    [-1, -1, -1, -1, -1],
    [-1, 1, 2, 3, -1],
    [-1, 4, 5, 6, -1],
    [-1, 7, 8, 9, -1],
    [-1, -1, -1, -1, -1],
  ]]);
  assert.deepEqual(pad(img, [2, 0, 1, 0], 'reflect').tolist(), [[[3, 2, 1, 2, 3, 2], [6, 5, 4, 5, 6, 5], [9, 8, 7, 8, 9, 8]]]);
  assert.deepEqual(pad(img, [0, 1, 0, 2], 'replicate').tolist(), [[[1, 2, 3], [1, 2, 3], [4, 5, 6], [7, 8, 9], [7, 8, 9], [7, 8, 9]]]);
  assert.throws(() => pad(img, 3, 'reflect'), /pad: reflect padding \[3, 3, 3, 3\] must be smaller than the image's size 3x3/);
  assert.throws(() => pad(img, [1, 2, 3]), /pad: padding must be a non-negative integer/);
  assert.throws(() => pad(img, 1, 'wrap' as never), /pad: mode must be 'constant', 'reflect' or 'replicate'/);
});

test('crop and centerCrop', () => {
  assert.deepEqual(crop(img, 1, 0, 2, 2).tolist(), [[[4, 5], [7, 8]]]);
  assert.deepEqual(centerCrop(1)(img, new Generator(0)).tolist(), [[[5]]]);
  assert.deepEqual(centerCrop([2, 3])(img, new Generator(0)).tolist(), [[[1, 2, 3], [4, 5, 6]]]);
  assert.throws(() => crop(img, 2, 2, 2, 2), /crop: window top 2, left 2, size 2x2 does not fit in an image of 3x3/);
  assert.throws(() => centerCrop(4)(img, new Generator(0)), /centerCrop: size 4x4 is larger than the image 3x3/);
});

test('randomCrop with padding picks every window of the padded image', () => {
  const t = randomCrop(3, { padding: 1 });
  const padded = pad(img, 1);
  const seen = new Set<string>();
  for (let s = 0; s < 200; s++) {
    const out = t(img, new Generator(s)).tolist();
    let match = '';
    for (let top = 0; top <= 2; top++) for (let left = 0; left <= 2; left++) if (JSON.stringify(crop(padded, top, left, 3, 3).tolist()) === JSON.stringify(out)) match = `${top},${left}`;
    assert.notEqual(match, '', 'the result is a window of the padded image');
    seen.add(match);
  }
  assert.equal(seen.size, 9);
  assert.deepEqual(t(img, new Generator(5)).tolist(), t(img, new Generator(5)).tolist());
});

test('randomCrop without padding, padIfNeeded and errors', () => {
  assert.deepEqual(randomCrop(3)(img, new Generator(1)).tolist(), img.tolist());
  const grown = randomCrop(5, { padIfNeeded: true, fill: 0 })(img, new Generator(0));
  assert.deepEqual(grown.shape, [1, 5, 5]);
  assert.deepEqual(grown.tolist(), pad(img, 1).tolist());
  assert.throws(() => randomCrop(4)(img, new Generator(0)), /randomCrop: size 4x4 is larger than the \(padded\) image 3x3; use padIfNeeded/);
  assert.throws(() => randomCrop(0), /randomCrop: size must be a positive integer/);
});
