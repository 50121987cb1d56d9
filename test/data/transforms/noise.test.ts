import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, zeros } from '../../../src/index.js';
import { gaussianNoise } from '../../../src/data/transforms/index.js';

test('gaussianNoise has the requested mean and std', () => {
  const y = Array.from(gaussianNoise({ std: 0.5, mean: 0.1 })(zeros([1, 100, 100]), new Generator(0)).toArray());
  const mean = y.reduce((a, b) => a + b, 0) / y.length;
  const sd = Math.sqrt(y.reduce((a, b) => a + (b - mean) ** 2, 0) / y.length);
  assert.ok(Math.abs(mean - 0.1) < 0.02, `mean ${mean}`);
  assert.ok(Math.abs(sd - 0.5) < 0.02, `std ${sd}`);
});

test('std 0 is the identity; clip bounds the values; p = 0 skips', () => {
  const x = zeros([1, 4, 4]);
  assert.deepEqual(gaussianNoise({ std: 0 })(x, new Generator(0)).tolist(), x.tolist());
  for (const v of gaussianNoise({ std: 3, clip: [-1, 1] })(x, new Generator(1)).toArray()) assert.ok(v >= -1 && v <= 1);
  assert.equal(gaussianNoise({ p: 0 })(x, new Generator(1)), x);
  assert.throws(() => gaussianNoise({ std: -1 }), /gaussianNoise: std must be a non-negative number, got -1/);
  assert.throws(() => gaussianNoise({ clip: [1, 0] }), /gaussianNoise: clip must be \[min, max\] with min <= max/);
});
