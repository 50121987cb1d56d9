/**
 * linear on a 2-D input runs as one op (linear-fused.ts): the values and gradients must be those of
 * the chain x.matmul(w.mT).add(b), bit for bit, and gradients of gradients must still flow.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gradcheck, gradgradcheck, nn, type Tensor } from '../../../src/index.js';
import { nonContiguous, uniform } from '../../helpers.js';

const F = nn.functional;

function sameBits(a: Tensor, b: Tensor, what: string): void {
  assert.deepEqual(a.shape, b.shape, what);
  const x = a.toArray();
  const y = b.toArray();
  for (let i = 0; i < x.length; i++) assert.ok(Object.is(x[i], y[i]), `${what}: element ${i}: ${x[i]} vs ${y[i]}`);
}

test('linear: one node with the chain values and gradients bit for bit (float32 and float64)', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    for (const [rows, inF, outF] of [[1, 192, 30], [1, 30, 10], [5, 7, 3], [33, 64, 48], [1, 3, 2], [130, 16, 40]] as const) {
      for (const withBias of [true, false]) {
        const x1 = uniform([rows, inF], { seed: 1, low: -1, high: 1, dtype }).requiresGrad_();
        const w1 = uniform([outF, inF], { seed: 2, low: -1, high: 1, dtype }).requiresGrad_();
        const b1 = withBias ? uniform([outF], { seed: 3, low: -1, high: 1, dtype }).requiresGrad_() : null;
        const x2 = x1.detach().clone().requiresGrad_();
        const w2 = w1.detach().clone().requiresGrad_();
        const b2 = b1 === null ? null : b1.detach().clone().requiresGrad_();
        const fused = F.linear(x1, w1, b1);
        const plain = x2.matmul(w2.mT);
        const chain = b2 === null ? plain : plain.add(b2);
        const what = `${dtype} [${rows},${inF}]x[${outF},${inF}] bias ${withBias}`;
        assert.equal(fused.gradFn?.name, 'linear', what);
        sameBits(fused, chain, `${what} forward`);
        const g = uniform(fused.shape, { seed: 4, low: -1, high: 1, dtype });
        fused.backward(g);
        chain.backward(g);
        sameBits(x1.grad!, x2.grad!, `${what} input grad`);
        sameBits(w1.grad!, w2.grad!, `${what} weight grad`);
        assert.ok(w1.grad!.isContiguous(), `${what}: the weight's gradient keeps its layout`);
        if (b1 !== null) sameBits(b1.grad!, b2!.grad!, `${what} bias grad`);
      }
    }
  }
});

test('linear: strided operands, and inputs it does not fuse, match the chain', () => {
  const x = nonContiguous(uniform([4, 6], { seed: 5 }));
  const w = nonContiguous(uniform([3, 6], { seed: 6 }));
  const b = nonContiguous(uniform([3], { seed: 7 }));
  sameBits(F.linear(x, w, b), x.matmul(w.mT).add(b), 'strided');
  const x3 = uniform([2, 4, 6], { seed: 8 });
  sameBits(F.linear(x3, w, b), x3.reshape(-1, 6).matmul(w.mT).add(b).reshape([2, 4, 3]), '3-D input');
  const x64 = uniform([4, 6], { seed: 9, dtype: 'float64' });
  sameBits(F.linear(x64, w, b), x64.matmul(w.mT).add(b), 'mixed dtypes');
});

test('linear: gradcheck and gradgradcheck in all three operands (float64), one row and several', () => {
  const f64 = { dtype: 'float64' as const };
  for (const rows of [1, 3]) {
    const x = uniform([rows, 4], { seed: 10, ...f64 }).requiresGrad_();
    const w = uniform([2, 4], { seed: 11, ...f64 }).requiresGrad_();
    const b = uniform([2], { seed: 12, ...f64 }).requiresGrad_();
    const f = (a: Tensor, c: Tensor, d: Tensor): Tensor => F.linear(a, c, d).tanh();
    assert.ok(gradcheck(f, [x, w, b]));
    assert.ok(gradgradcheck(f, [x, w, b]));
  }
});
