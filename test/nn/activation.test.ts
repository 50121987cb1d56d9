import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gradcheck, gradgradcheck, nn, tensor, type Tensor } from '../../src/index.js';
import { assertClose, assertThrowsMatching, uniform } from '../helpers.js';

const f64 = { dtype: 'float64' } as const;
const sig = (v: number): number => 1 / (1 + Math.exp(-v));
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;
// The standard normal CDF at 1 and -1 (for GELU).
const PHI_1 = 0.8413447460685429;

/** Each module on the points [-2, -0.5, 0.5, 3] against hand-computed values. */
const POINTS = [-2, -0.5, 0.5, 3];
const CASES: [string, () => nn.Module, (v: number) => number][] = [
  ['ReLU', () => new nn.ReLU(), (v) => Math.max(v, 0)],
  ['ReLU6', () => new nn.ReLU6(), (v) => Math.min(Math.max(v, 0), 6)],
  ['LeakyReLU', () => new nn.LeakyReLU(0.2), (v) => (v > 0 ? v : 0.2 * v)],
  ['PReLU', () => new nn.PReLU(), (v) => (v > 0 ? v : 0.25 * v)],
  ['ELU', () => new nn.ELU(2), (v) => (v > 0 ? v : 2 * (Math.exp(v) - 1))],
  ['SELU', () => new nn.SELU(), (v) => SELU_SCALE * (v > 0 ? v : SELU_ALPHA * (Math.exp(v) - 1))],
  ['CELU', () => new nn.CELU(0.5), (v) => (v > 0 ? v : 0.5 * (Math.exp(v / 0.5) - 1))],
  ['GELU', () => new nn.GELU(), (v) => v * (v === -2 ? 0.02275013194817921 : v === -0.5 ? 0.3085375387259869 : v === 0.5 ? 0.6914624612740131 : 0.9986501019683699)],
  ['GELU tanh', () => new nn.GELU('tanh'), (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)))],
  ['SiLU', () => new nn.SiLU(), (v) => v * sig(v)],
  ['Mish', () => new nn.Mish(), (v) => v * Math.tanh(Math.log1p(Math.exp(v)))],
  ['Hardswish', () => new nn.Hardswish(), (v) => (v * Math.min(Math.max(v + 3, 0), 6)) / 6],
  ['Hardsigmoid', () => new nn.Hardsigmoid(), (v) => Math.min(Math.max(v + 3, 0), 6) / 6],
  ['Hardtanh', () => new nn.Hardtanh(-1, 2), (v) => Math.min(Math.max(v, -1), 2)],
  ['Sigmoid', () => new nn.Sigmoid(), sig],
  ['Tanh', () => new nn.Tanh(), Math.tanh],
  ['Softplus', () => new nn.Softplus(2, 5), (v) => (2 * v > 5 ? v : Math.log1p(Math.exp(2 * v)) / 2)],
  ['Softsign', () => new nn.Softsign(), (v) => v / (1 + Math.abs(v))],
  ['LogSigmoid', () => new nn.LogSigmoid(), (v) => Math.log(sig(v))],
  ['Tanhshrink', () => new nn.Tanhshrink(), (v) => v - Math.tanh(v)],
  ['Hardshrink', () => new nn.Hardshrink(0.6), (v) => (Math.abs(v) > 0.6 ? v : 0)],
  ['Softshrink', () => new nn.Softshrink(), (v) => (v > 0.5 ? v - 0.5 : v < -0.5 ? v + 0.5 : 0)],
];

describe('elementwise activation modules', () => {
  for (const [name, make, f] of CASES) {
    it(`${name} matches its formula and passes gradcheck`, () => {
      const m = make();
      assertClose(m.forward(tensor(POINTS, f64)), POINTS.map(f));
      // float64 gradients: random points in [-3, 3] (kinks are hit with probability 0).
      const xs = uniform([2, 3], { seed: name.length, low: -3, high: 3, dtype: 'float64' }).requiresGrad_(true);
      assert.ok(gradcheck((v) => m.forward(v), [xs]));
      assert.ok(gradgradcheck((v) => m.forward(v), [xs]));
    });
  }

  it('GELU at 1 is Phi(1)', () => {
    assertClose(new nn.GELU().forward(tensor([1], f64)), [PHI_1]);
  });
});

describe('PReLU', () => {
  it('learns one slope, or one per channel, initialized to 0.25', () => {
    const shared = new nn.PReLU();
    assert.equal(shared.numParameters(), 1);
    assert.deepEqual(Object.keys(shared.stateDict()), ['weight']);
    const perChannel = new nn.PReLU(3, { init: 0.1, ...f64 });
    assert.deepEqual(perChannel.weight.tolist(), [0.1, 0.1, 0.1]);
    assert.equal(perChannel.extraRepr(), 'numParameters=3');
    perChannel.weight.data.set([0.1, 0.2, 0.3]);
    const x = tensor([[[-1, 1]], [[-1, 1]], [[-1, 1]]], f64).permute(1, 0, 2); // [N=1, C=3, L=2]
    assertClose(perChannel.forward(x), [[[-0.1, 1], [-0.2, 1], [-0.3, 1]]]);
  });

  it('passes gradcheck with respect to its slopes', () => {
    const m = new nn.PReLU(2, f64);
    const x = uniform([3, 2, 2], { seed: 20, low: -2, high: 2, dtype: 'float64' }).requiresGrad_(true);
    assert.ok(gradcheck((v) => m.forward(v), [x, m.weight]));
  });
});

describe('Softmax, LogSoftmax, Softmin, GLU', () => {
  it('normalize along their dim', () => {
    const x = tensor([[1, 2, 3], [0, 0, 0]], f64);
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const z = e[0]! + e[1]! + e[2]!;
    assertClose(new nn.Softmax(1).forward(x), [e.map((v) => v / z), [1 / 3, 1 / 3, 1 / 3]]);
    assertClose(new nn.LogSoftmax(-1).forward(x), [e.map((v) => Math.log(v / z)), [-Math.log(3), -Math.log(3), -Math.log(3)]]);
    assertClose(new nn.Softmin(0).forward(tensor([[1], [2]], f64)), [[sig(1)], [sig(-1)]]);
    assertClose(new nn.GLU().forward(tensor([[2, 0]], f64)), [[1]]);
    const xs = uniform([2, 4], { seed: 21, dtype: 'float64' }).requiresGrad_(true);
    for (const m of [new nn.Softmax(0), new nn.LogSoftmax(1), new nn.Softmin(1), new nn.GLU(1)]) {
      assert.ok(gradcheck((v: Tensor) => m.forward(v), [xs]), m.constructor.name);
    }
  });

  it('require an integer dim', () => {
    assertThrowsMatching(() => new nn.Softmax(undefined as unknown as number), /^Softmax: dim must be an integer/);
    assert.equal(new nn.LogSoftmax(1).extraRepr(), 'dim=1');
  });
});

describe('activation options', () => {
  it('are checked and printed', () => {
    assertThrowsMatching(() => new nn.Hardtanh(1, -1), /^Hardtanh: minVal 1 is greater than maxVal -1/);
    assertThrowsMatching(() => new nn.GELU('fast' as 'tanh'), /^GELU: approximate must be 'none' or 'tanh'/);
    assertThrowsMatching(() => new nn.CELU(0), /^CELU: alpha must not be 0/);
    assertThrowsMatching(() => new nn.PReLU(0), /^PReLU: numParameters must be a positive integer/);
    assert.equal(new nn.LeakyReLU().extraRepr(), 'negativeSlope=0.01');
    assert.equal(new nn.GELU('tanh').extraRepr(), "approximate='tanh'");
    assert.equal(new nn.ReLU().numParameters(), 0);
  });
});
