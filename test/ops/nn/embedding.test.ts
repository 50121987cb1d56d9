import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { arange, embedding, gradcheck, tensor } from '../../../src/index.js';
import type { Tensor } from '../../../src/index.js';
import { uniform } from '../../helpers.js';

const ids = (values: number[] | number[][]) => tensor(values, { dtype: 'int32' });

describe('embedding', () => {
  it('picks weight rows; the result has shape [...indices, dim]', () => {
    const w = arange(12).reshape([4, 3]).float();
    const y = embedding(ids([[3, 0], [1, 1]]), w);
    assert.deepEqual(y.shape, [2, 2, 3]);
    assert.deepEqual(y.tolist(), [[[9, 10, 11], [0, 1, 2]], [[3, 4, 5], [3, 4, 5]]]);
  });

  it('reads a non-contiguous weight', () => {
    const w = arange(12).reshape([3, 4]).float().transpose(0, 1); // [4, 3], strides [1, 4]
    assert.deepEqual(embedding(ids([2]), w).tolist(), [[2, 6, 10]]);
  });

  it('adds up the gradient of repeated indices', () => {
    const w = uniform([4, 2], { seed: 1 }).requiresGrad_();
    embedding(ids([1, 3, 1, 1]), w).sum().backward();
    assert.deepEqual(w.grad!.tolist(), [[0, 0], [3, 3], [0, 0], [1, 1]]);
  });

  it('returns the paddingIdx row but passes it no gradient', () => {
    const w = uniform([4, 2], { seed: 2 }).requiresGrad_();
    const y = embedding(ids([0, 2, 0, 3]), w, { paddingIdx: 0 });
    assert.deepEqual(y.select(0, 0).tolist(), w.select(0, 0).tolist());
    y.sum().backward();
    assert.deepEqual(w.grad!.tolist(), [[0, 0], [0, 0], [1, 1], [1, 1]]);
  });

  it('counts a negative paddingIdx from the end', () => {
    const w = uniform([4, 2], { seed: 3 }).requiresGrad_();
    embedding(ids([3, 1]), w, { paddingIdx: -1 }).sum().backward();
    assert.deepEqual(w.grad!.tolist(), [[0, 0], [1, 1], [0, 0], [0, 0]]);
  });

  it('passes gradcheck on a float64 weight', () => {
    const w = uniform([5, 3], { seed: 4, dtype: 'float64' }).requiresGrad_();
    assert.ok(gradcheck((t: Tensor) => embedding(ids([[4, 0, 4], [2, 2, 1]]), t), [w]));
  });
});
