import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cat, gradcheck, gradgradcheck, tensor, Tensor } from '../../src/index.js';
import { gelu } from '../../src/ops/unary.js';
import { geluGrad } from '../../src/ops/gelu-grad.js';
import { nonContiguous, uniform } from '../helpers.js';

/** The chain gelu's rule used to be: g * (Phi(x) + x phi(x)) as eleven ops. */
const chain = (g: Tensor, x: Tensor): Tensor =>
  g.mul(x.mul(Math.SQRT1_2).erf().add(1).mul(0.5).add(x.mul(x.square().mul(-0.5).exp().mul(1 / Math.sqrt(2 * Math.PI)))));

function close(a: Tensor, b: Tensor, tol: number): void {
  assert.deepEqual(a.shape, b.shape);
  const x = a.toArray();
  const y = b.toArray();
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(y[i]!)) assert.ok(Number.isNaN(x[i]!), `element ${i}: ${x[i]} vs NaN`);
    else assert.ok(Math.abs(x[i]! - y[i]!) <= tol * Math.max(1, Math.abs(y[i]!)), `element ${i}: ${x[i]} vs ${y[i]}`);
  }
}

test('geluGrad: the chain values within float tolerance, edge values included, strided g too', () => {
  const edges = [0, -0, 1e-30, -1e-30, 1e-9, 1e-4, -0.75, 13, -13, 14.5, -14.5, 20, -20, 1e10, -1e10, Infinity, -Infinity, NaN];
  for (const [dtype, tol] of [['float32', 1e-6], ['float64', 1e-14]] as const) {
    const x = cat([uniform([2000], { seed: 3, dtype, low: -8, high: 8 }), tensor(edges, { dtype })]);
    const g = uniform(x.shape, { seed: 4, dtype, low: -3, high: 3 });
    close(geluGrad(g, x, gelu(x)), chain(g, x), tol);
    close(geluGrad(nonContiguous(g), x, gelu(x)), chain(g, x), tol);
  }
  // hand-computed: gelu'(0) = 1/2, gelu'(1) = Phi(1) + phi(1) = 0.8413447 + 0.2419707
  close(geluGrad(tensor([1, 2]), tensor([0, 1]), gelu(tensor([0, 1]))), tensor([0.5, 2 * 1.0833154]), 1e-6);
});

test('geluGrad: rejects operands of different dtypes or shapes', () => {
  const x = uniform([3]);
  assert.throws(() => geluGrad(uniform([4]), x, gelu(x)), /geluGrad: g, x and out/);
  assert.throws(() => geluGrad(uniform([3], { dtype: 'float64' }), x, gelu(x)), /geluGrad: g, x and out/);
});

test('gelu: the fused rule gives the chain gradient; an in-place write to the output falls back to the chain', () => {
  const x = uniform([5, 7], { seed: 5, low: -4, high: 4 }).requiresGrad_(true);
  const g = uniform([5, 7], { seed: 6 });
  gelu(x).backward(g);
  close(x.grad!, chain(g, x.detach()), 1e-6);
  x.grad = null;
  const y = gelu(x);
  y.mul_(2); // the rule reads Phi(x) from y: it must notice
  y.backward(g);
  close(x.grad!, chain(g.mul(2), x.detach()), 1e-6);
});

test('gelu and geluGrad: gradients and gradients of gradients (float64)', () => {
  const x = uniform([3, 4], { seed: 8, dtype: 'float64', low: -3, high: 3 }).requiresGrad_(true);
  assert.ok(gradcheck((t) => gelu(t), [x]));
  assert.ok(gradgradcheck((t) => gelu(t), [x]));
  const g = uniform([3, 4], { seed: 9, dtype: 'float64' }).requiresGrad_(true);
  const z = uniform([3, 4], { seed: 10, dtype: 'float64', low: -3, high: 3 }).requiresGrad_(true);
  const op = (a: Tensor, b: Tensor): Tensor => geluGrad(a, b, gelu(b.detach()));
  assert.ok(gradcheck(op, [g, z]));
  assert.ok(gradgradcheck(op, [g, z]));
});
