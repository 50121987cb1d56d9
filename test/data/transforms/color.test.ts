import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, tensor } from '../../../src/index.js';
import { adjustBrightness, adjustContrast, colorJitter } from '../../../src/data/transforms/index.js';
import { assertClose } from '../../helpers.js';

const x = tensor([[[0.2, 0.4], [0.6, 0.8]]]);

test('brightness multiplies and clamps into [0, 1]', () => {
  assertClose(adjustBrightness(x, 0.5), [[[0.1, 0.2], [0.3, 0.4]]]);
  assertClose(adjustBrightness(x, 2), [[[0.4, 0.8], [1, 1]]]);
  assertClose(adjustBrightness(x, 2, false), [[[0.4, 0.8], [1.2, 1.6]]]);
});

test('contrast blends with the grey mean', () => {
  assertClose(adjustContrast(x, 0), [[[0.5, 0.5], [0.5, 0.5]]]);
  assertClose(adjustContrast(x, 0.5), [[[0.35, 0.45], [0.55, 0.65]]]);
  // Three channels use the luma weights 0.299, 0.587, 0.114 for the mean.
  const rgb = tensor([[[1]], [[0]], [[0]]]);
  assertClose(adjustContrast(rgb, 0), [[[0.299]], [[0.299]], [[0.299]]]);
});

test('colorJitter stays within the ranges and is deterministic per generator', () => {
  const t = colorJitter({ brightness: 0.5, contrast: 0.5 });
  for (let s = 0; s < 30; s++) {
    const y = t(x, new Generator(s)).toArray();
    for (const v of y) assert.ok(v >= 0 && v <= 1);
  }
  assert.deepEqual(t(x, new Generator(1)).tolist(), t(x, new Generator(1)).tolist());
  // Brightness alone: the ratio to the input is one factor in [0.5, 1.5].
  const b = colorJitter({ brightness: 0.5, clamp: false })(x, new Generator(3)).toArray();
  const f = b[0]! / 0.2;
  assert.ok(f >= 0.5 && f <= 1.5);
  b.forEach((v, i) => assert.ok(Math.abs(v - x.toArray()[i]! * f) < 1e-6));
  assert.throws(() => colorJitter({ brightness: -1 }), /colorJitter: brightness must be a non-negative number or a \[min, max\] pair, got -1/);
  assert.throws(() => colorJitter({ contrast: [-0.5, 1] }), /colorJitter: contrast must not go below 0/);
});
