import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gradcheck, gradgradcheck, tensor, type Tensor } from '../../../src/index.js';
import {
  celu,
  glu,
  hardshrink,
  hardsigmoid,
  hardswish,
  hardtanh,
  logsigmoid,
  prelu,
  relu6,
  softmin,
  softshrink,
  softsign,
  tanhshrink,
} from '../../../src/nn/functional/activations.js';
import { assertClose, assertThrowsMatching, uniform } from '../../helpers.js';

/** d(sum f(x))/dx at the given points, in float64. */
function gradAt(f: (x: Tensor) => Tensor, values: number[]): Tensor {
  const x = tensor(values, { dtype: 'float64', requiresGrad: true });
  f(x).sum().backward();
  return x.grad!;
}

/** float64 gradcheck and gradgradcheck on random values in [-5, 5) (kinks are hit with probability 0). */
function checkGradients(f: (x: Tensor) => Tensor, shape: number[] = [2, 3], seed = 1): void {
  const x = uniform(shape, { seed, low: -5, high: 5, dtype: 'float64' }).requiresGrad_(true);
  assert.ok(gradcheck(f, [x]));
  assert.ok(gradgradcheck(f, [x]));
}

describe('hardtanh and relu6', () => {
  it('clamp to the bounds with a gradient of 1 strictly inside, 0 at and beyond the bounds (as PyTorch)', () => {
    assertClose(hardtanh(tensor([-2, -1, 0.5, 1, 3])), [-1, -1, 0.5, 1, 1]);
    assertClose(gradAt(hardtanh, [-2, -1, 0.5, 1, 3]), [0, 0, 1, 0, 0]);
    assertClose(hardtanh(tensor([-3, 0, 3]), -2, 2.5), [-2, 0, 2.5]);
    assertClose(relu6(tensor([-1, 0, 3, 6, 7])), [0, 0, 3, 6, 6]);
    assertClose(gradAt(relu6, [-1, 0, 3, 6, 7]), [0, 0, 1, 0, 0]);
  });

  it('keep NaN and the dtype of integer inputs', () => {
    const y = relu6(tensor([NaN, 8])).toArray();
    assert.ok(Number.isNaN(y[0]!));
    assert.equal(y[1], 6);
    const i = relu6(tensor([-3, 2, 9], { dtype: 'int32' }));
    assert.equal(i.dtype, 'int32');
    assert.deepEqual(i.tolist(), [0, 2, 6]);
  });

  it('pass gradcheck and gradgradcheck', () => {
    checkGradients((x) => hardtanh(x, -2, 3));
    checkGradients(relu6, [3, 3], 2);
  });

  it('reject bad bounds', () => {
    assertThrowsMatching(() => hardtanh(tensor([1]), 2, 1), /^hardtanh: minVal 2 is greater than maxVal 1/);
    assertThrowsMatching(() => hardtanh(tensor([1]), NaN), /hardtanh: minVal must be a number/);
    assertThrowsMatching(() => relu6(tensor([true])), /relu6: bool tensors are not supported/);
  });
});

describe('hardsigmoid and hardswish', () => {
  it('match relu6(x + 3) / 6 and x relu6(x + 3) / 6 at hand-computed points', () => {
    assertClose(hardsigmoid(tensor([-4, -3, 0, 1.5, 3, 4])), [0, 0, 0.5, 0.75, 1, 1]);
    assertClose(gradAt(hardsigmoid, [-4, -1, 0, 2, 4]), [0, 1 / 6, 1 / 6, 1 / 6, 0]);
    assertClose(hardswish(tensor([-4, -1, 0, 1, 4])), [0, -1 / 3, 0, 2 / 3, 4]);
    // Inside (-3, 3) the slope is x / 3 + 1 / 2.
    assertClose(gradAt(hardswish, [-4, -1, 0, 1, 4]), [0, 1 / 6, 0.5, 5 / 6, 1]);
  });

  it('pass gradcheck and gradgradcheck', () => {
    checkGradients(hardsigmoid);
    checkGradients(hardswish, [2, 4], 3);
  });

  it('reject integer inputs', () => {
    assertThrowsMatching(() => hardswish(tensor([1], { dtype: 'int32' })), /^hardswish: input must be a floating-point tensor/);
  });
});

describe('celu', () => {
  it('is x above 0 and alpha (e^(x / alpha) - 1) below', () => {
    assertClose(celu(tensor([-1, 2], { dtype: 'float64' }), 2), [2 * (Math.exp(-0.5) - 1), 2]);
    assertClose(celu(tensor([-1, 0.5], { dtype: 'float64' })), [Math.exp(-1) - 1, 0.5]);
    assertClose(gradAt((x) => celu(x, 2), [-1, 0, 2]), [Math.exp(-0.5), 1, 1]);
  });

  it('has no NaN gradient for large positive inputs and passes gradgradcheck', () => {
    const g = gradAt((x) => celu(x, 0.01), [1000]);
    assertClose(g, [1]);
    checkGradients((x) => celu(x, 1.5));
    checkGradients((x) => celu(x));
  });

  it('rejects alpha 0', () => {
    assertThrowsMatching(() => celu(tensor([1]), 0), /celu: alpha must not be 0/);
  });
});

describe('softsign, logsigmoid, tanhshrink', () => {
  it('match their formulas', () => {
    assertClose(softsign(tensor([-3, 0, 1])), [-0.75, 0, 0.5]);
    assertClose(gradAt(softsign, [-3, 0, 1]), [1 / 16, 1, 1 / 4]);
    assertClose(tanhshrink(tensor([1, 0], { dtype: 'float64' })), [1 - Math.tanh(1), 0]);
  });

  it('logsigmoid stays finite far from 0', () => {
    const y = logsigmoid(tensor([0, -100, 100], { dtype: 'float64' }));
    assertClose(y, [-Math.LN2, -100, -Math.exp(-100)]);
    assertClose(gradAt(logsigmoid, [0, -100, 100]), [0.5, 1, 0], { atol: 1e-30 });
  });

  it('pass gradcheck and gradgradcheck', () => {
    checkGradients(softsign);
    checkGradients(logsigmoid, [2, 3], 4);
    checkGradients(tanhshrink, [2, 3], 5);
  });
});

describe('prelu', () => {
  it('scales the negative part by a shared weight', () => {
    assertClose(prelu(tensor([[-2, 3], [1, -4]]), tensor([0.25])), [[-0.5, 3], [1, -1]]);
    assertClose(prelu(tensor([-2, 3]), tensor(0.5)), [-1, 3]);
  });

  it('uses one weight per channel along dim 1', () => {
    const x = tensor([[[-1, 2], [-3, -4]], [[5, -6], [-7, 8]]]); // [N=2, C=2, L=2]
    const w = tensor([0.1, 0.2]);
    assertClose(prelu(x, w), [[[-0.1, 2], [-0.6, -0.8]], [[5, -0.6], [-1.4, 8]]]);
  });

  it('sends the weight the sum of g x over the negative inputs, and passes gradcheck', () => {
    const x = tensor([[-1, 2], [-3, 4]], { dtype: 'float64', requiresGrad: true });
    const w = tensor([0.1, 0.2], { dtype: 'float64', requiresGrad: true });
    prelu(x, w).sum().backward();
    // Channels are columns here (dim 1): channel 0 holds -1 and -3, channel 1 no negatives.
    assertClose(w.grad!, [-4, 0]);
    assertClose(x.grad!, [[0.1, 1], [0.1, 1]]);
    const xs = uniform([3, 2, 2], { seed: 6, low: -3, high: 3, dtype: 'float64' }).requiresGrad_(true);
    const ws = uniform([2], { seed: 7, low: 0, high: 0.5, dtype: 'float64' }).requiresGrad_(true);
    assert.ok(gradcheck(prelu, [xs, ws]));
    assert.ok(gradgradcheck(prelu, [xs, ws]));
  });

  it('rejects a weight that fits neither one nor C channels', () => {
    assertThrowsMatching(() => prelu(tensor([[1, 2, 3]]), tensor([1, 2])), /^prelu: weight of shape \[2\] must have 1 element or one per channel \(3/);
    assertThrowsMatching(() => prelu(tensor([[1, 2]]), tensor([[1, 2]])), /prelu: weight must be 0-D or 1-D/);
  });
});

describe('glu', () => {
  it('gates the first half with the sigmoid of the second', () => {
    assertClose(glu(tensor([1, 0])), [0.5]);
    const x = tensor([[1, 2], [0, 100]], { dtype: 'float64' });
    assertClose(glu(x, 0), [[1 / (1 + Math.exp(-0)), 2 * (1 / (1 + Math.exp(-100)))]]);
  });

  it('passes gradcheck and gradgradcheck', () => {
    checkGradients((x) => glu(x, 1), [2, 4]);
  });

  it('needs an even dim', () => {
    assertThrowsMatching(() => glu(tensor([1, 2, 3])), /glu: halving dim -1 of shape \[3\] needs an even size, got 3/);
  });
});

describe('hardshrink, softshrink, softmin', () => {
  it('match their formulas', () => {
    assertClose(hardshrink(tensor([-1, -0.3, 0.2, 0.7])), [-1, 0, 0, 0.7]);
    assertClose(hardshrink(tensor([-1, 0.2, 0.7]), 0.8), [-1, 0, 0]);
    assertClose(softshrink(tensor([-1, -0.3, 0.2, 0.7])), [-0.5, 0, 0, 0.2]);
    assertClose(gradAt(softshrink, [-1, 0.2, 0.7]), [1, 0, 1]);
    assertClose(softmin(tensor([1, 2], { dtype: 'float64' }), 0), [1 / (1 + Math.exp(-1)), 1 / (1 + Math.exp(1))]);
  });

  it('pass gradcheck and gradgradcheck', () => {
    checkGradients((x) => hardshrink(x, 1));
    checkGradients((x) => softshrink(x, 1), [2, 3], 8);
    checkGradients((x) => softmin(x, 1), [2, 3], 9);
  });

  it('reject a negative lambd', () => {
    assertThrowsMatching(() => softshrink(tensor([1]), -1), /^softshrink: lambd must be a number >= 0, got -1/);
  });
});
