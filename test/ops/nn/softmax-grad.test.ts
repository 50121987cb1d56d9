import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gradcheck, gradgradcheck, tensor, Tensor } from '../../../src/index.js';
import { softmax } from '../../../src/ops/nn/softmax.js';
import { softmaxGrad } from '../../../src/ops/nn/softmax-grad.js';
import { nonContiguous, uniform } from '../../helpers.js';

/** The chain softmax's rule used to be. */
const chain = (g: Tensor, y: Tensor, dim: number): Tensor => {
  const gy = g.mul(y);
  return gy.sub(y.mul(gy.sum(dim, true)));
};

function close(a: Tensor, b: Tensor, tol: number): void {
  assert.deepEqual(a.shape, b.shape);
  const x = a.toArray();
  const y = b.toArray();
  for (let i = 0; i < x.length; i++) assert.ok(Math.abs(x[i]! - y[i]!) <= tol, `element ${i}: ${x[i]} vs ${y[i]}`);
}

test('softmaxGrad: the chain values along every dim, float32 and float64, strided g too', () => {
  for (const [dtype, tol] of [['float32', 1e-6], ['float64', 1e-15]] as const) {
    for (const dim of [0, 1, 2]) {
      const y = softmax(uniform([3, 4, 5], { seed: dim + 1, dtype, low: -3, high: 3 }), dim);
      const g = uniform([3, 4, 5], { seed: 7, dtype, low: -2, high: 2 });
      close(softmaxGrad(g, y, dim), chain(g, y, dim), tol);
      close(softmaxGrad(nonContiguous(g), y, dim), chain(g, y, dim), tol);
    }
  }
  // hand-computed: y = [0.5, 0.5], g = [1, 0]: sum(g y) = 0.5, dx = [0.25, -0.25]
  close(softmaxGrad(tensor([1, 0]), tensor([0.5, 0.5]), 0), tensor([0.25, -0.25]), 1e-7);
  // a masked key (y = 0) gets no gradient
  close(softmaxGrad(tensor([[3, 1, 2]]), tensor([[0.25, 0, 0.75]]), 1), tensor([[0.1875, 0, -0.1875]]), 1e-7);
});

test('softmaxGrad: rejects operands of different dtypes or shapes', () => {
  const y = softmax(uniform([2, 3]), 1);
  assert.throws(() => softmaxGrad(uniform([3, 2]), y, 1), /softmaxGrad: g and y/);
  assert.throws(() => softmaxGrad(uniform([2, 3], { dtype: 'float64' }), y, 1), /softmaxGrad: g and y/);
});

test('softmax and softmaxGrad: gradients and gradients of gradients (float64)', () => {
  const x = uniform([3, 5], { seed: 8, dtype: 'float64', low: -2, high: 2 }).requiresGrad_(true);
  for (const dim of [0, 1]) {
    assert.ok(gradcheck((t) => softmax(t, dim), [x]));
    assert.ok(gradgradcheck((t) => softmax(t, dim), [x]));
  }
  const g = uniform([3, 5], { seed: 9, dtype: 'float64' }).requiresGrad_(true);
  const z = uniform([3, 5], { seed: 10, dtype: 'float64', low: -2, high: 2 }).requiresGrad_(true);
  const op = (a: Tensor, b: Tensor): Tensor => softmaxGrad(a, softmax(b, 1), 1);
  assert.ok(gradcheck(op, [g, z]));
  assert.ok(gradgradcheck(op, [g, z]));
});
