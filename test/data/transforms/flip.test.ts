import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, tensor } from '../../../src/index.js';
import { flipImage, randomHorizontalFlip, randomVerticalFlip } from '../../../src/data/transforms/index.js';
import { nonContiguous } from '../../helpers.js';

const img = tensor([[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]]); // [2, 2, 3]

test('flips are exact mirror images', () => {
  assert.deepEqual(flipImage(img, true).tolist(), [[[3, 2, 1], [6, 5, 4]], [[9, 8, 7], [12, 11, 10]]]);
  assert.deepEqual(flipImage(img, false).tolist(), [[[4, 5, 6], [1, 2, 3]], [[10, 11, 12], [7, 8, 9]]]);
  assert.deepEqual(flipImage(nonContiguous(img), true).tolist(), flipImage(img, true).tolist());
  assert.deepEqual((img.tolist() as number[][][])[0], [[1, 2, 3], [4, 5, 6]]); // input untouched
});

test('p = 1 always flips, p = 0 never', () => {
  const g = new Generator(0);
  assert.deepEqual(randomHorizontalFlip(1)(img, g).tolist(), flipImage(img, true).tolist());
  assert.deepEqual(randomVerticalFlip(1)(img, g).tolist(), flipImage(img, false).tolist());
  assert.equal(randomHorizontalFlip(0)(img, g), img);
});

test('p = 0.5 flips about half the time, as a function of the generator', () => {
  const flip = randomHorizontalFlip();
  let flipped = 0;
  for (let s = 0; s < 400; s++) if (flip(img, new Generator(s)) !== img) flipped++;
  assert.ok(Math.abs(flipped - 200) < 40, `${flipped} of 400`);
  assert.deepEqual(flip(img, new Generator(3)).tolist(), flip(img, new Generator(3)).tolist());
});

test('errors', () => {
  assert.throws(() => randomHorizontalFlip(1.5), /randomHorizontalFlip: p must be a probability in \[0, 1\], got 1.5/);
  assert.throws(() => randomVerticalFlip()(tensor([1, 2]), new Generator(0)), /randomVerticalFlip: expects an image of shape \[C, H, W\], got \[2\]/);
});
