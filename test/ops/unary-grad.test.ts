import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gradcheck, gradgradcheck, pad, tensor, Tensor } from '../../src/index.js';
import { tanhGrad } from '../../src/ops/unary-grad.js';
import { nonContiguous, uniform } from '../helpers.js';

/** The chain tanh's rule used to be: g * (1 - out^2) as four ops. */
const chain = (g: Tensor, out: Tensor): Tensor => g.mul(out.square().neg().add(1));

function sameBits(a: Tensor, b: Tensor): void {
  assert.deepEqual(a.shape, b.shape);
  assert.equal(a.dtype, b.dtype);
  const x = a.toArray();
  const y = b.toArray();
  for (let i = 0; i < x.length; i++) assert.ok(Object.is(x[i], y[i]), `element ${i}: ${x[i]} vs ${y[i]}`);
}

test('tanhGrad: bit for bit the values of the four-op chain, float32 and float64, strided g too', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    for (const shape of [[10], [3, 4, 5], [1, 12, 8, 8], [1000], [2, 1, 2, 3, 2]]) {
      const out = uniform(shape, { seed: 3, dtype }).tanh();
      const g = uniform(shape, { seed: 4, dtype, low: -3, high: 3 });
      sameBits(tanhGrad(g, out), chain(g, out));
      sameBits(tanhGrad(nonContiguous(g), out), chain(g, out));
    }
  }
  assert.deepEqual([...tanhGrad(tensor([1, 2, -1]), tensor([0, 0.5, 1])).toArray()], [1, 1.5, -0]);
});

test('tanhGrad: dtypes or shapes it does not fuse still follow the chain', () => {
  const out = uniform([4], { seed: 5 }).tanh();
  const g64 = uniform([4], { seed: 6, dtype: 'float64' });
  assert.deepEqual(tanhGrad(g64, out).toArray(), chain(g64, out).toArray());
  const gBroadcast = uniform([1], { seed: 7 });
  assert.deepEqual(tanhGrad(gBroadcast, out).toArray(), chain(gBroadcast, out).toArray());
});

test('tanh: gradients and gradients of gradients through the fused rule (float64)', () => {
  const x = uniform([3, 4], { seed: 8, dtype: 'float64' }).requiresGrad_(true);
  assert.ok(gradcheck((t) => t.tanh(), [x]));
  assert.ok(gradgradcheck((t) => t.tanh(), [x]));
  // the rule as an op of its own, in both inputs
  const g = uniform([3, 4], { seed: 9, dtype: 'float64' }).requiresGrad_(true);
  const y = uniform([3, 4], { seed: 10, dtype: 'float64', low: -0.9, high: 0.9 }).requiresGrad_(true);
  assert.ok(gradcheck((a, b) => tanhGrad(a, b), [g, y]));
  assert.ok(gradgradcheck((a, b) => tanhGrad(a, b), [g, y]));
  // through a pad, whose backward hands tanh a strided gradient
  const z = uniform([1, 2, 3, 3], { seed: 11, dtype: 'float64' }).requiresGrad_(true);
  assert.ok(gradgradcheck((t) => pad(t.tanh(), [1, 1, 1, 1], 'constant', -1).square(), [z]));
});
