/** Behaviour of ops/unary.ts beyond the conformance table: dtypes, edge values, gradients at edges. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../src/index.js';
import { grad, tensor, Tensor } from '../../src/index.js';
import { assertClose, assertThrowsMatching } from '../helpers.js';

type Unary = (x: Tensor) => Tensor;

/** Ops that compute in floating point: integer and bool inputs give float32. */
const FLOATING: Record<string, Unary> = {
  exp: ops.exp, expm1: ops.expm1, log: ops.log, log1p: ops.log1p, log2: ops.log2, sqrt: ops.sqrt, rsqrt: ops.rsqrt,
  reciprocal: ops.reciprocal, sin: ops.sin, cos: ops.cos, tan: ops.tan, atan: ops.atan, asin: ops.asin, acos: ops.acos,
  sinh: ops.sinh, cosh: ops.cosh, asinh: ops.asinh, acosh: ops.acosh, atanh: ops.atanh, tanh: ops.tanh,
  sigmoid: ops.sigmoid, erf: ops.erf, leakyRelu: (x) => ops.leakyRelu(x), elu: (x) => ops.elu(x), selu: ops.selu,
  gelu: (x) => ops.gelu(x), geluTanh: (x) => ops.gelu(x, 'tanh'), silu: ops.silu, softplus: (x) => ops.softplus(x),
  softplusBeta: (x) => ops.softplus(x, 2, 5), mish: ops.mish,
};

/** Ops that keep the input's dtype. */
const PRESERVING: Record<string, Unary> = {
  neg: ops.neg, abs: ops.abs, sign: ops.sign, floor: ops.floor, ceil: ops.ceil, round: ops.round, trunc: ops.trunc, relu: ops.relu,
};

const d = (values: number[], requiresGrad = false): Tensor => tensor(values, { dtype: 'float64', requiresGrad });

/** dy/dx (elementwise ops: the gradient of sum(y)), optionally as a differentiable tensor. */
function derivative(f: Unary, x: Tensor, createGraph = false): Tensor {
  const [g] = grad(f(x).sum(), [x], { createGraph });
  return g!;
}

describe('unary ops: dtypes', () => {
  for (const [name, f] of Object.entries(FLOATING)) {
    it(`${name}: int32 and bool inputs compute in float32, with the float32 op's values`, () => {
      const ints = tensor([1, 2, 3], { dtype: 'int32' });
      const out = f(ints);
      assert.equal(out.dtype, 'float32');
      assertClose(out, f(tensor([1, 2, 3])));
      const fromBool = f(tensor([true, false]));
      assert.equal(fromBool.dtype, 'float32');
      assertClose(fromBool, f(tensor([1, 0])));
    });
    it(`${name}: float64 stays float64`, () => {
      assert.equal(f(d([0.5])).dtype, 'float64');
    });
  }

  for (const [name, f] of Object.entries(PRESERVING)) {
    it(`${name}: int32 stays int32, without a gradient`, () => {
      const out = f(tensor([-3, 0, 4], { dtype: 'int32' }));
      assert.equal(out.dtype, 'int32');
      assert.equal(out.requiresGrad, false);
    });
  }

  it('neg and abs of int32 give exact integers (wrapping at -2^31, as two\'s complement does)', () => {
    assert.deepEqual(ops.neg(tensor([5, -7, 0], { dtype: 'int32' })).tolist(), [-5, 7, 0]);
    assert.deepEqual(ops.abs(tensor([5, -7, -2147483647], { dtype: 'int32' })).tolist(), [5, 7, 2147483647]);
    assert.deepEqual(ops.neg(tensor([-2147483648], { dtype: 'int32' })).tolist(), [-2147483648]);
  });

  it('square of int32 wraps exactly, even where a double product would round', () => {
    const values = [46341, 123456789, -99999999];
    const out = ops.square(tensor(values, { dtype: 'int32' }));
    assert.equal(out.dtype, 'int32');
    assert.deepEqual(out.tolist(), values.map((v) => Number(BigInt.asIntN(32, BigInt(v) * BigInt(v)))));
  });

  it('square of bool gives int32, as in PyTorch', () => {
    const out = ops.square(tensor([true, false]));
    assert.equal(out.dtype, 'int32');
    assert.deepEqual(out.tolist(), [1, 0]);
  });

  it('neg of a bool tensor throws and points to logicalNot', () => {
    assertThrowsMatching(() => ops.neg(tensor([true, false])), /^neg: negation of a bool tensor is not supported; use logicalNot/);
    assertThrowsMatching(() => tensor([true]).neg(), /^neg: /);
  });

  it('isnan, isfinite and isinf return bool, also for int32 inputs', () => {
    const ints = tensor([1, -2], { dtype: 'int32' });
    assert.deepEqual(ops.isnan(ints).tolist(), [false, false]);
    assert.deepEqual(ops.isfinite(ints).tolist(), [true, true]);
    assert.deepEqual(ops.isinf(ints).tolist(), [false, false]);
    assert.equal(ops.isnan(tensor([NaN])).dtype, 'bool');
  });

  it('the Tensor methods forward to the ops', () => {
    const x = tensor([-1, 0.5, 2]);
    assertClose(x.exp(), ops.exp(x));
    assertClose(x.gelu('tanh'), ops.gelu(x, 'tanh'));
    assertClose(x.softplus(2, 1), ops.softplus(x, 2, 1));
    assertClose(x.leakyRelu(0.3), ops.leakyRelu(x, 0.3));
    assertClose(x.elu(0.5), ops.elu(x, 0.5));
  });
});

describe('unary ops: values at the edges', () => {
  it('round goes half to even and keeps the sign of -0.5', () => {
    const out = ops.round(d([0.5, 1.5, 2.5, 3.5, -0.5, -1.5, -2.5, 0.49999999999999994, 4503599627370497]));
    const values = [...out.toArray()];
    assert.deepEqual(values, [0, 2, 2, 4, -0, -2, -2, 0, 4503599627370497]);
    assert.ok(Object.is(values[4], -0), 'round(-0.5) is -0');
  });

  it('round, floor, ceil and trunc pass infinities and NaN through', () => {
    for (const f of [ops.round, ops.floor, ops.ceil, ops.trunc]) {
      const v = [...f(tensor([Infinity, -Infinity, NaN])).toArray()];
      assert.deepEqual(v.slice(0, 2), [Infinity, -Infinity]);
      assert.ok(Number.isNaN(v[2]));
    }
  });

  it('tanh and sigmoid saturate at +-1000 without NaN, and their gradients there are 0', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const x = tensor([1000, -1000], { dtype, requiresGrad: true });
      assert.deepEqual([...ops.tanh(x).toArray()], [1, -1]);
      assert.deepEqual([...ops.sigmoid(x).toArray()], [1, 0]);
      assert.deepEqual([...derivative(ops.tanh, x).toArray()], [0, 0]);
      assert.deepEqual([...derivative(ops.sigmoid, x).toArray()], [0, 0]);
    }
  });

  it('exp overflows to Infinity where each dtype does, and underflows to 0', () => {
    assert.deepEqual([...ops.exp(tensor([88, 89, -104])).toArray()].map(Number.isFinite), [true, false, true]);
    assert.equal(ops.exp(tensor([89])).item(), Infinity);
    assert.ok(Number.isFinite(ops.exp(d([709])).item()));
    assert.equal(ops.exp(d([710])).item(), Infinity);
    assert.equal(ops.exp(d([-1000])).item(), 0);
  });

  it('activations are finite at +-1000', () => {
    const x = d([1000, -1000]);
    for (const [name, f] of Object.entries(FLOATING)) {
      if (['exp', 'expm1', 'log', 'log1p', 'log2', 'sqrt', 'rsqrt', 'asin', 'acos', 'acosh', 'atanh', 'sinh', 'cosh'].includes(name)) continue;
      for (const v of f(x).toArray()) assert.ok(Number.isFinite(v), `${name} at +-1000 gave ${v}`);
    }
    assert.deepEqual([...ops.silu(x).toArray()], [1000, -0]);
    assert.deepEqual([...ops.gelu(x).toArray()], [1000, -0]);
    assert.deepEqual([...ops.softplus(x).toArray()], [1000, 0]);
    assert.deepEqual([...ops.mish(x).toArray()], [1000, -0]);
  });

  it('NaN propagates through every floating op and activation', () => {
    for (const [name, f] of Object.entries({ ...FLOATING, ...PRESERVING })) {
      assert.ok(Number.isNaN(f(tensor([NaN])).item()), `${name}(NaN) should be NaN`);
    }
  });

  it('sign keeps NaN (NumPy\'s choice; PyTorch gives 0) and maps infinities to +-1', () => {
    const v = [...ops.sign(tensor([NaN, Infinity, -Infinity, -0, 0])).toArray()];
    assert.ok(Number.isNaN(v[0]));
    assert.deepEqual(v.slice(1), [1, -1, 0, 0]);
  });

  it('relu(NaN) is NaN and relu(-Infinity) is 0', () => {
    const v = [...ops.relu(tensor([NaN, -Infinity, Infinity])).toArray()];
    assert.ok(Number.isNaN(v[0]));
    assert.deepEqual(v.slice(1), [0, Infinity]);
  });

  it('domain edges: log(0) = -Infinity, sqrt(-1) = NaN, atanh(+-1) = +-Infinity, asin(2) = NaN', () => {
    assert.equal(ops.log(tensor([0])).item(), -Infinity);
    assert.ok(Number.isNaN(ops.sqrt(tensor([-1])).item()));
    assert.deepEqual([...ops.atanh(tensor([1, -1])).toArray()], [Infinity, -Infinity]);
    assert.ok(Number.isNaN(ops.asin(tensor([2])).item()));
    assert.ok(Number.isNaN(ops.acosh(tensor([0.5])).item()));
  });

  it('expm1 and log1p keep full relative accuracy near 0', () => {
    assertClose(ops.expm1(d([1e-12, -1e-15])), [1e-12 + 5e-25, -1e-15], { rtol: 1e-15, atol: 0 });
    assertClose(ops.log1p(d([1e-12, -1e-15])), [1e-12 - 5e-25, -1e-15], { rtol: 1e-15, atol: 0 });
  });

  it('erf matches reference values to double precision, is odd, and keeps the sign of -0', () => {
    // erf(x) evaluated in 40-digit arithmetic (mpmath), rounded to double; one point per formula region
    const xs = [1e-8, 0.25, 0.75, 1.5, 2.5, 4, 5.5];
    const ref = [1.1283791670955126e-8, 0.27632639016823696, 0.7111556336535151, 0.9661051464753108, 0.999593047982555, 0.9999999845827421, 0.9999999999999927];
    assertClose(ops.erf(d(xs)), ref, { rtol: 7e-16, atol: 0 });
    assertClose(ops.erf(d(xs.map((x) => -x))), ref.map((v) => -v), { rtol: 7e-16, atol: 0 });
    assert.ok(Object.is(ops.erf(d([-0])).item(), -0));
  });

  it('gelu: exact and tanh forms at known points', () => {
    assertClose(ops.gelu(d([1, -1, 0])), [0.8413447460685429, -0.15865525393145707, 0]);
    assertClose(ops.gelu(d([1, -1, 2]), 'tanh'), [0.8411919906082768, -0.15880800939172324, 1.954597694087775]);
    assertThrowsMatching(() => ops.gelu(d([1]), 'fast' as never), /^gelu: approximate must be 'none' or 'tanh', got 'fast'/);
  });

  it('elu, selu and leakyRelu at -1 with default and custom parameters', () => {
    assertClose(ops.elu(d([-1, 2])), [Math.expm1(-1), 2]);
    assertClose(ops.elu(d([-1]), 0.5), [0.5 * Math.expm1(-1)]);
    assertClose(ops.selu(d([-1, 1])), [-1.1113307378125625, 1.0507009873554805]);
    assertClose(ops.leakyRelu(d([-1, 3])), [-0.01, 3]);
    assertClose(ops.leakyRelu(d([-1, 3]), 0.2), [-0.2, 3]);
  });

  it('softplus: ln 2 at 0; exactly linear above the threshold; beta scales the input', () => {
    assertClose(ops.softplus(d([0, 1])), [Math.LN2, 1.3132616875182228]);
    // PyTorch's threshold: beta x > 20 returns x itself
    assert.equal(ops.softplus(d([20.5])).item(), 20.5);
    // beta 2, threshold 1: log(1 + e^(2x)) / 2 up to 2x = 1, then x
    assertClose(ops.softplus(d([0.25, -1, 1, 0.5]), 2, 1), [0.48703849209005334, 0.06346400552148625, 1, Math.log1p(Math.E) / 2]);
    assertThrowsMatching(() => ops.softplus(d([1]), 0), /^softplus: beta must be a finite nonzero number, got 0/);
    assertThrowsMatching(() => ops.softplus(d([1]), Infinity), /^softplus: beta must be a finite nonzero number, got Infinity/);
  });

  it('mish and silu at known points', () => {
    assertClose(ops.mish(d([1, -1])), [0.8650983882673103, -0.30340146137410895]);
    assertClose(ops.silu(d([1, -1])), [0.7310585786300049, -0.2689414213699951]);
  });
});

describe('unary ops: gradients', () => {
  it('relu, abs and leakyRelu at 0 take PyTorch\'s one-sided choices', () => {
    const x = d([0, -2, 3], true);
    assert.deepEqual([...derivative(ops.relu, x).toArray()], [0, 0, 1]);
    assert.deepEqual([...derivative(ops.abs, x).toArray()], [0, -1, 1]);
    assertClose(derivative((t) => ops.leakyRelu(t, 0.1), x), [0.1, 0.1, 1]);
  });

  it('rounding and sign have zero gradient', () => {
    const x = d([0.3, -1.7], true);
    for (const f of [ops.floor, ops.ceil, ops.round, ops.trunc, ops.sign]) {
      assert.deepEqual([...derivative(f, x).toArray()], [0, 0]);
    }
  });

  it('second derivatives at known points', () => {
    const x = d([0.5], true);
    const t = Math.tanh(0.5);
    const s = 1 / (1 + Math.exp(-0.5));
    const second = (f: Unary): number => derivative((y) => derivative(f, y, true), x).item();
    assertClose(d([second(ops.tanh)]), [-2 * t * (1 - t * t)]);
    assertClose(d([second(ops.sigmoid)]), [s * (1 - s) * (1 - 2 * s)]);
    assertClose(d([second(ops.exp)]), [Math.exp(0.5)]);
    assertClose(d([second(ops.log)]), [-4]);
    // d2/dx2 softplus = sigmoid'
    assertClose(d([second((y) => ops.softplus(y))]), [s * (1 - s)]);
  });

  it('elu and selu double backward stays finite at large positive inputs (no Infinity * 0)', () => {
    const x = d([1000, -1], true);
    for (const f of [(t: Tensor) => ops.elu(t), ops.selu]) {
      const g2 = derivative((y) => derivative(f, y, true), x);
      for (const v of g2.toArray()) assert.ok(Number.isFinite(v), `got ${v}`);
      assert.equal(g2.toArray()[0], 0);
    }
  });

  it('integer inputs never require grad, so floating ops of them are constants', () => {
    const out = ops.exp(tensor([1, 2], { dtype: 'int32' }));
    assert.equal(out.requiresGrad, false);
    assert.equal(out.gradFn, null);
  });

  it('bad inputs name the op', () => {
    assertThrowsMatching(() => ops.exp([1, 2] as never), /^exp: input must be a Tensor, got an array/);
    assertThrowsMatching(() => ops.gelu(3 as never), /^gelu: input must be a Tensor, got number/);
    assertThrowsMatching(() => ops.leakyRelu(d([1]), '0.1' as never), /^leakyRelu: negativeSlope must be a number, got 0.1/);
  });
});

describe('reference kernels: integer, bool and C semantics', () => {
  it('int32 pow wraps exactly like repeated multiplication', () => {
    const base = tensor([2000, -3, 7], { dtype: 'int32' });
    const out = base.pow(3);
    assert.equal(out.dtype, 'int32');
    assert.deepEqual(out.tolist(), [2000, -3, 7].map((v) => Number(BigInt.asIntN(32, BigInt(v) ** 3n))));
    const big = tensor([3], { dtype: 'int32' }).pow(tensor([40], { dtype: 'int32' }));
    assert.deepEqual(big.tolist(), [Number(BigInt.asIntN(32, 3n ** 40n))]);
  });

  it('pow follows C: 1^NaN = 1, 1^Infinity = 1, (-1)^Infinity = 1', () => {
    assert.deepEqual(tensor([1, 1, -1, 2]).pow(tensor([NaN, Infinity, -Infinity, 0])).tolist(), [1, 1, 1, 1]);
    assert.deepEqual(tensor([1, -1]).pow(Infinity).tolist(), [1, 1]);
  });

  it('float floor division agrees with remainder: 1 // 0.1 is 9, as in Python and PyTorch', () => {
    const a = d([1, -1, 7.5, -7.5]);
    const b = d([0.1, 0.1, 2, 2]);
    assert.deepEqual(a.floorDivide(b).tolist(), [9, -10, 3, -4]);
    const back = a.floorDivide(b).mul(b).add(a.remainder(b));
    assertClose(back, a);
  });

  it('float floor division by zero gives infinities or NaN', () => {
    const v = [...d([1, -1, 0]).floorDivide(d([0, 0, 0])).toArray()];
    assert.deepEqual(v.slice(0, 2), [Infinity, -Infinity]);
    assert.ok(Number.isNaN(v[2]));
  });

  it('bool + bool stays bool with values 0 and 1 (True + True is True)', () => {
    const out = tensor([true, true, false]).add(tensor([true, false, false]));
    assert.equal(out.dtype, 'bool');
    assert.deepEqual([...out.toArray()], [1, 1, 0]);
  });
});
