import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toImageTensor } from '../../../src/data/transforms/index.js';
import { assertClose } from '../../helpers.js';

test('toImageTensor: interleaved bytes to planar floats in [0, 1]', () => {
  // A 1x2 RGB image: pixel 0 = (255, 0, 51), pixel 1 = (0, 255, 102).
  const t = toImageTensor(new Uint8Array([255, 0, 51, 0, 255, 102]), { height: 1, width: 2 });
  assert.deepEqual(t.shape, [3, 1, 2]);
  assertClose(t, [[[1, 0]], [[0, 1]], [[0.2, 0.4]]]);
  assertClose(toImageTensor(new Float32Array([0.5, 0.25]), { height: 1, width: 2, layout: 'chw' }), [[[0.5, 0.25]]]);
  assert.throws(() => toImageTensor(new Uint8Array(5), { height: 1, width: 2 }), /toImageTensor: 5 values do not make an image of 1x2/);
  assert.throws(() => toImageTensor(new Uint8Array(4), { height: 0, width: 2 }), /toImageTensor: height and width must be positive integers/);
});
