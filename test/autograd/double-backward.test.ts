/** Gradients of gradients: createGraph, gradgradcheck on the core ops, and a PINN-style u''(x). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, grad, gradcheck, gradgradcheck, noGrad, enableGrad, softmax, logSoftmax, conv2d, Tensor } from '../../src/index.js';
import { record } from '../../src/autograd/record.js';
import { assertClose, seeded, uniform } from '../helpers.js';

const input = (shape: number[], seed: number, low = -1, high = 1): Tensor =>
  uniform(shape, { seed, low, high, dtype: 'float64' }).requiresGrad_(true);

describe('gradgradcheck on core ops', () => {
  const unaryCases: [string, (x: Tensor) => Tensor, number, number][] = [
    ['tanh', (x) => x.tanh(), -2, 2],
    ['sigmoid', (x) => x.sigmoid(), -3, 3],
    ['exp', (x) => x.exp(), -1, 1],
    // log away from 0, where finite differences blow up
    ['log', (x) => x.log(), 0.5, 2],
  ];
  for (const [name, f, low, high] of unaryCases) {
    it(name, () => {
      const x = input([2, 3], 11, low, high);
      assert.equal(gradcheck(f, [x]), true);
      assert.equal(gradgradcheck(f, [x]), true);
    });
  }

  it('mul (with broadcasting)', () => {
    const f = (a: Tensor, b: Tensor) => a.mul(b);
    assert.equal(gradgradcheck(f, [input([2, 3], 1), input([2, 3], 2)]), true);
    assert.equal(gradgradcheck(f, [input([3, 1], 3), input([1, 2], 4)]), true);
  });

  it('div (divisor away from 0)', () => {
    const f = (a: Tensor, b: Tensor) => a.div(b);
    assert.equal(gradgradcheck(f, [input([2, 3], 5), input([2, 3], 6, 0.5, 2)]), true);
  });

  it('matmul', () => {
    const f = (a: Tensor, b: Tensor) => a.matmul(b);
    assert.equal(gradgradcheck(f, [input([2, 3], 7), input([3, 2], 8)]), true);
    assert.equal(gradgradcheck(f, [input([3], 9), input([3, 2], 10)]), true);
  });

  it('softmax and logSoftmax', () => {
    const x = input([2, 3], 15, -2, 2);
    assert.equal(gradgradcheck((t: Tensor) => softmax(t, 1), [x]), true);
    assert.equal(gradgradcheck((t: Tensor) => softmax(t, 0), [x]), true);
    assert.equal(gradgradcheck((t: Tensor) => logSoftmax(t, -1), [x]), true);
  });

  it('conv2d (with bias, stride and padding)', () => {
    const x = input([1, 2, 4, 4], 16);
    const w = input([2, 2, 2, 2], 17);
    const b = input([2], 18);
    const f = (a: Tensor, k: Tensor, c: Tensor) => conv2d(a, k, c, { stride: 2, padding: 1 });
    assert.equal(gradcheck(f, [x, w, b]), true);
    assert.equal(gradgradcheck(f, [x, w, b]), true);
  });

  it('a composition of them', () => {
    const f = (a: Tensor, b: Tensor) => a.matmul(b).tanh().mul(a.sigmoid().sum()).exp();
    assert.equal(gradgradcheck(f, [input([2, 2], 12), input([2, 2], 13)]), true);
  });

  it('fails for a backward rule that is not itself differentiable', () => {
    // x^2 with a rule that detaches x: first derivatives are right, second derivatives are lost.
    const badSquare = (x: Tensor): Tensor => {
      const out = noGrad(() => x.square());
      return record('badSquare', out, [x], (g) => [g.mul(x.detach()).mul(2)], [x]);
    };
    const x = input([3], 14);
    assert.equal(gradcheck(badSquare, [x]), true);
    assert.throws(() => gradgradcheck(badSquare, [x]), /^Error: gradcheck: Jacobian mismatch/);
  });
});

describe('second derivatives through grad(createGraph)', () => {
  it('d2/dx2 of sin is -sin, d3/dx3 is -cos', () => {
    const x = tensor([0.3, 1.1, -2], { dtype: 'float64', requiresGrad: true });
    const [d1] = grad(x.sin().sum(), [x], { createGraph: true });
    const [d2] = grad(d1!.sum(), [x], { createGraph: true });
    const [d3] = grad(d2!.sum(), [x]);
    assertClose(d1!, [Math.cos(0.3), Math.cos(1.1), Math.cos(-2)]);
    assertClose(d2!, [-Math.sin(0.3), -Math.sin(1.1), -Math.sin(-2)]);
    assertClose(d3!, [-Math.cos(0.3), -Math.cos(1.1), -Math.cos(-2)]);
  });

  it('a gradient penalty: d/dw |d(loss)/dx|^2', () => {
    // loss = sum(w * x^2): dloss/dx = 2wx, penalty = sum(4 w^2 x^2), dpenalty/dw = 8 w x^2.
    const x = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const w = tensor([0.5, -3], { dtype: 'float64', requiresGrad: true });
    const [gx] = grad(w.mul(x.square()).sum(), [x], { createGraph: true });
    gx!.square().sum().backward();
    assertClose(w.grad!, [8 * 0.5 * 1, 8 * -3 * 4]);
    assertClose(x.grad!, [8 * 0.25 * 1, 8 * 9 * 2]); // dpenalty/dx = 8 w^2 x
  });
});

describe('PINN: u\'\'(x) of a tanh MLP', () => {
  // u(x) = W2 tanh(W1 x + b1) + b2 with 1 input, 8 hidden units, 1 output, float64.
  const hidden = 8;
  const rng = seeded(2024);
  const values = (n: number) => Float64Array.from({ length: n }, () => 2 * rng() - 1);
  const w1 = tensor(values(hidden), { dtype: 'float64', shape: [1, hidden] }).requiresGrad_(true);
  const b1 = tensor(values(hidden), { dtype: 'float64', shape: [hidden] }).requiresGrad_(true);
  const w2 = tensor(values(hidden), { dtype: 'float64', shape: [hidden, 1] }).requiresGrad_(true);
  const b2 = tensor(values(1), { dtype: 'float64', shape: [1] }).requiresGrad_(true);
  const u = (x: Tensor): Tensor => x.matmul(w1).add(b1).tanh().matmul(w2).add(b2);
  const points = [-1.5, -0.4, 0, 0.3, 1.2];

  // The closed form: u'' = sum_j w2_j w1_j^2 (-2 t_j (1 - t_j^2)), t_j = tanh(w1_j x + b1_j).
  const exact = (x: number): number => {
    const W1 = w1.toArray();
    const B1 = b1.toArray();
    const W2 = w2.toArray();
    let s = 0;
    for (let j = 0; j < hidden; j++) {
      const t = Math.tanh(W1[j]! * x + B1[j]!);
      s += W2[j]! * W1[j]! ** 2 * (-2 * t * (1 - t * t));
    }
    return s;
  };

  it('matches the closed form and finite differences of u', () => {
    const x = tensor(points.map((p) => [p]), { dtype: 'float64', requiresGrad: true });
    const out = u(x);
    // Each u(x_i) depends on x_i only, so the gradient of the sum is the pointwise derivative.
    const [ux] = grad(out.sum(), [x], { createGraph: true });
    const [uxx] = grad(ux!.sum(), [x], { createGraph: true });
    assert.equal(uxx!.requiresGrad, true);
    assertClose(uxx!, points.map((p) => [exact(p)]));

    const h = 1e-4;
    const at = (v: number) => noGrad(() => u(tensor([[v]], { dtype: 'float64' })).item());
    points.forEach((p, i) => {
      const fd2 = (at(p + h) - 2 * at(p) + at(p - h)) / (h * h);
      const fd1 = (at(p + h) - at(p - h)) / (2 * h);
      const ad2 = uxx!.toArray()[i]!;
      const ad1 = ux!.toArray()[i]!;
      // FD error: O(h^2) truncation plus O(eps / h^2) rounding, about 1e-8 here.
      assert.ok(Math.abs(ad2 - fd2) < 1e-6, `u''(${p}): autograd ${ad2}, finite differences ${fd2}`);
      assert.ok(Math.abs(ad1 - fd1) < 1e-8, `u'(${p}): autograd ${ad1}, finite differences ${fd1}`);
    });
  });

  it('trains through the residual: the loss on u\'\' backpropagates into the weights', () => {
    // Residual of u'' = -u at the points; its gradient w.r.t. the weights needs third-order terms.
    const x = tensor(points.map((p) => [p]), { dtype: 'float64', requiresGrad: true });
    // gradcheck evaluates the function under noGrad for finite differences; the residual needs
    // recording inside to take u'' at all, hence enableGrad.
    const residual = (params: Tensor[]): Tensor =>
      enableGrad(() => {
        const [W1, B1, W2, B2] = params as [Tensor, Tensor, Tensor, Tensor];
        const out = x.matmul(W1).add(B1).tanh().matmul(W2).add(B2);
        const [ux] = grad(out.sum(), [x], { createGraph: true });
        const [uxx] = grad(ux!.sum(), [x], { createGraph: true });
        return uxx!.add(out).square().mean();
      });
    const params = [w1, b1, w2, b2];
    assert.equal(gradcheck((...ps: Tensor[]) => residual(ps), params), true);
  });
});
