/**
 * conv2d/conv1d with a bias record one node that adds the bias into the conv's output: the values and
 * gradients must be those of the unfused chain conv(x, w) + b.reshape([O, 1, 1]), bit for bit, and
 * gradients of gradients must still flow (float64 gradgradcheck).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conv1d, conv2d, gradcheck, gradgradcheck, type Tensor } from '../../../src/index.js';
import { nonContiguous, uniform } from '../../helpers.js';

function sameBits(a: Tensor, b: Tensor, what: string): void {
  assert.deepEqual(a.shape, b.shape, what);
  const x = a.toArray();
  const y = b.toArray();
  for (let i = 0; i < x.length; i++) assert.ok(Object.is(x[i], y[i]), `${what}: element ${i}: ${x[i]} vs ${y[i]}`);
}

test('conv2d with bias: one node, the chain values and gradients bit for bit (float32)', () => {
  const cases = [
    { x: [1, 1, 20, 20], w: [12, 1, 5, 5], stride: 2, padding: 0 },
    { x: [2, 12, 12, 12], w: [12, 12, 5, 5], stride: 2, padding: 1 },
    { x: [3, 4, 9, 7], w: [6, 2, 3, 3], stride: 1, padding: 1, groups: 2 },
  ];
  for (const c of cases) {
    const opts = { stride: c.stride, padding: c.padding, groups: c.groups ?? 1 };
    const x1 = uniform(c.x, { seed: 1, low: -1, high: 1 }).requiresGrad_();
    const w1 = uniform(c.w, { seed: 2, low: -1, high: 1 }).requiresGrad_();
    const b1 = uniform([c.w[0]!], { seed: 3, low: -1, high: 1 }).requiresGrad_();
    const [x2, w2, b2] = [x1, w1, b1].map((t) => t.detach().clone().requiresGrad_());
    const fused = conv2d(x1, w1, b1, opts);
    const chain = conv2d(x2!, w2!, null, opts).add(b2!.reshape([c.w[0]!, 1, 1]));
    assert.equal(fused.gradFn?.name, 'conv2d');
    sameBits(fused, chain, `${c.x} forward`);
    const g = uniform(fused.shape, { seed: 4, low: -1, high: 1 });
    fused.backward(g);
    chain.backward(g);
    sameBits(x1.grad!, x2!.grad!, `${c.x} input grad`);
    sameBits(w1.grad!, w2!.grad!, `${c.x} weight grad`);
    sameBits(b1.grad!, b2!.grad!, `${c.x} bias grad`);
  }
});

test('conv2d with a strided bias and conv1d with bias match the chain', () => {
  const x = uniform([2, 3, 6, 6], { seed: 5 });
  const w = uniform([4, 3, 3, 3], { seed: 6 });
  const b = nonContiguous(uniform([4], { seed: 7 }));
  sameBits(conv2d(x, w, b), conv2d(x, w).add(b.reshape([4, 1, 1])), 'strided bias');
  const x1 = uniform([2, 3, 10], { seed: 8 });
  const w1 = uniform([5, 3, 3], { seed: 9 });
  const b1 = uniform([5], { seed: 10 });
  sameBits(conv1d(x1, w1, b1, { padding: 1 }), conv1d(x1, w1, null, { padding: 1 }).add(b1.reshape([5, 1])), 'conv1d');
});

test('conv2d with bias: gradcheck and gradgradcheck in all three operands (float64)', () => {
  const f64 = { dtype: 'float64' as const };
  const x = uniform([1, 2, 5, 5], { seed: 11, ...f64 }).requiresGrad_();
  const w = uniform([3, 2, 3, 3], { seed: 12, ...f64 }).requiresGrad_();
  const b = uniform([3], { seed: 13, ...f64 }).requiresGrad_();
  const f = (a: Tensor, c: Tensor, d: Tensor): Tensor => conv2d(a, c, d, { stride: 2, padding: 1 }).tanh();
  assert.ok(gradcheck(f, [x, w, b]));
  assert.ok(gradgradcheck(f, [x, w, b]));
});
