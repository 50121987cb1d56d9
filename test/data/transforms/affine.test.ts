import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, tensor } from '../../../src/index.js';
import { affine, randomAffine } from '../../../src/data/transforms/index.js';
import { assertClose, uniform } from '../../helpers.js';

const img = tensor([[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]);

test('identity parameters give the image back', () => {
  const x = uniform([3, 5, 7], { seed: 2 });
  assert.deepEqual(affine(x).tolist(), x.tolist());
  assert.deepEqual(randomAffine()(x, new Generator(0)).tolist(), x.tolist());
  assert.deepEqual(randomAffine({ degrees: 0, translate: [0, 0], scale: [1, 1] })(x, new Generator(0)).tolist(), x.tolist());
});

test('a quarter turn is counter-clockwise and exact', () => {
  assertClose(affine(img, { angle: 90 }), [[[3, 6, 9], [2, 5, 8], [1, 4, 7]]]);
  assertClose(affine(img, { angle: -90 }), [[[7, 4, 1], [8, 5, 2], [9, 6, 3]]]);
  assertClose(affine(img, { angle: 180 }), [[[9, 8, 7], [6, 5, 4], [3, 2, 1]]]);
  // Four quarter turns of a non-square image about its centre: exact on the pixel grid of a 4x4.
  const x = uniform([2, 4, 4], { seed: 1 });
  let y = x;
  for (let k = 0; k < 4; k++) y = affine(y, { angle: 90 });
  assertClose(y, x);
});

test('translation moves whole pixels and fills the border', () => {
  assert.deepEqual(affine(img, { translate: [1, 0], fill: -1 }).tolist(), [[[-1, 1, 2], [-1, 4, 5], [-1, 7, 8]]]);
  assert.deepEqual(affine(img, { translate: [0, -1], fill: 0 }).tolist(), [[[4, 5, 6], [7, 8, 9], [0, 0, 0]]]);
});

test('scale and shear, by hand', () => {
  // Zooming by 2 about the centre (1, 1): output (0, 0) reads (0.5, 0.5) = mean of 1, 2, 4, 5.
  assertClose(affine(img, { scale: 2 }), [[[3, 3.5, 4], [4.5, 5, 5.5], [6, 6.5, 7]]]);
  // x-shear of 45 degrees: output (i, j) reads x = j - (i - 1), the rows slide by one pixel each.
  assertClose(affine(img, { shear: [45, 0], fill: 0 }), [[[2, 3, 0], [4, 5, 6], [0, 7, 8]]]);
});

test('randomAffine draws within the ranges, deterministically per generator', () => {
  const t = randomAffine({ degrees: 30, translate: [0.2, 0.2], scale: [0.8, 1.2], shear: 10 });
  const x = uniform([1, 8, 8], { seed: 3, low: 0, high: 1 });
  assert.deepEqual(t(x, new Generator(4)).tolist(), t(x, new Generator(4)).tolist());
  assert.notDeepEqual(t(x, new Generator(4)).tolist(), t(x, new Generator(5)).tolist());
  // Pure translation ranges give whole-pixel shifts: every value is one of the input's or the fill.
  const shift = randomAffine({ translate: [0.25, 0.25] });
  const values = new Set(x.toArray());
  values.add(0);
  for (let s = 0; s < 20; s++) for (const v of shift(x, new Generator(s)).toArray()) assert.ok(values.has(v));
});

test('errors', () => {
  assert.throws(() => affine(img, { scale: 0 }), /affine: scale must be a positive number, got 0/);
  assert.throws(() => affine(img, { shear: [90, 0] }), /affine: shear angles must lie strictly between -90 and 90/);
  assert.throws(() => affine(img, { angle: NaN }), /affine: angle must be finite, got NaN/);
  assert.throws(() => randomAffine({ translate: [2, 0] }), /randomAffine: translate must be a pair of fractions in \[0, 1\]/);
  assert.throws(() => randomAffine({ degrees: [10, -10] }), /randomAffine: degrees must be a \[min, max\] pair with min <= max/);
  assert.throws(() => randomAffine({ shear: [1, 2, 3] }), /randomAffine: shear must be a number, \[min, max\] or \[xmin, xmax, ymin, ymax\]/);
  assert.throws(() => randomAffine()(tensor([[[1]]], { dtype: 'int32' }), new Generator(0)), /randomAffine: expects a float32 or float64 image, got int32/);
});
