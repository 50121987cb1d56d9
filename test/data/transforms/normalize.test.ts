import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, tensor } from '../../../src/index.js';
import { TensorDataset } from '../../../src/data/index.js';
import { computeMeanStd, normalize } from '../../../src/data/transforms/index.js';
import { assertClose } from '../../helpers.js';

test('normalize subtracts the mean and divides by the std per channel', () => {
  const x = tensor([[[1, 3]], [[10, 20]]]); // [2, 1, 2]
  assertClose(normalize([2, 15], [1, 5])(x, new Generator(0)), [[[-1, 1]], [[-1, 1]]]);
  assertClose(normalize(1, 2)(x, new Generator(0)), [[[0, 1]], [[4.5, 9.5]]]);
  assert.throws(() => normalize([0, 0, 0], [1, 1, 1])(x, new Generator(0)), /normalize: mean has 3 values, but the image has 2 channels/);
  assert.throws(() => normalize([0], [0]), /normalize: std must be positive numbers, got \[0\]/);
});

test('computeMeanStd: population statistics per channel over all pixels', () => {
  // Channel 0 values 1..4 over two images; channel 1 constant 5.
  const images = tensor([[[[1, 2]], [[5, 5]]], [[[3, 4]], [[5, 5]]]]); // [2, 2, 1, 2]
  const { mean, std } = computeMeanStd(new TensorDataset(images, tensor([0, 1], { dtype: 'int32' })));
  assert.ok(Math.abs(mean[0]! - 2.5) < 1e-12 && Math.abs(mean[1]! - 5) < 1e-12);
  assert.ok(Math.abs(std[0]! - Math.sqrt(1.25)) < 1e-12 && Math.abs(std[1]!) < 1e-12);
  assert.throws(() => computeMeanStd(new TensorDataset(tensor([1, 2]))), /computeMeanStd: expects an image of shape \[C, H, W\], got \[\]/);
});
