/**
 * Conformance entries for ops/unary.ts. Input ranges keep finite differences valid: inside each
 * function's domain (log on positives, asin inside (-1, 1), acosh above 1) and away from kinks
 * (relu, abs and friends at 0), where a central difference would average the two one-sided slopes.
 */
import {
  neg, abs, sign, exp, expm1, log, log1p, log2, sqrt, rsqrt, square, reciprocal, sin, cos, tan, atan, asin, acos,
  sinh, cosh, asinh, acosh, atanh, tanh, sigmoid, erf, floor, ceil, round, trunc, isnan, isfinite, isinf, relu,
  leakyRelu, elu, selu, gelu, silu, softplus, mish, tensor, zeros, Tensor,
} from '../../../src/index.js';
import type { OpEntry, OpTableFragment, Sample } from '../harness.js';
import { seeded, uniform } from '../../helpers.js';

/** Values with |x| in [low, high] and random signs: clear of a kink at 0. */
function signedUniform(shape: readonly number[], seed: number, low = 0.2, high = 1): Tensor {
  const rng = seeded(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: n }, () => (rng() < 0.5 ? -1 : 1) * (low + (high - low) * rng()));
  return tensor(new Float32Array(values), { shape });
}

/** The four standard layouts for a unary op; 'broadcast' is an expanded (stride-0) input. */
function samples(low = -1, high = 1, options: { gradgrad?: boolean; signed?: boolean } = {}): Sample[] {
  const make = (shape: number[], seed: number): Tensor =>
    options.signed ? signedUniform(shape, seed, low, high) : uniform(shape, { seed, low, high });
  return [
    { kind: 'contiguous', inputs: [make([2, 3], 1)], gradgrad: options.gradgrad },
    { kind: 'broadcast', inputs: [make([3, 1], 2).expand([3, 4])] },
    { kind: 'zero-size', inputs: [zeros([0, 3])] },
    { kind: '0-d', inputs: [make([], 3)] },
  ];
}

function entry(name: string, call: (x: Tensor) => Tensor | readonly Tensor[], sampleList: Sample[], extra: Partial<OpEntry> = {}): OpEntry {
  return {
    call: call as OpEntry['call'],
    differentiable: true,
    samples: () => sampleList,
    errors: () => [
      { name: 'a number instead of a tensor', call: () => call(2 as never), message: new RegExp(`^${name}: input must be a Tensor, got number`) },
      { name: 'an array instead of a tensor', call: () => call([1, 2] as never), message: new RegExp(`^${name}: input must be a Tensor, got an array`) },
      ...(extra.errors?.() ?? []),
    ],
    ...(extra.differentiable === false ? { differentiable: false } : {}),
  };
}

const known = (values: number[], expected: number[], extra: Partial<Sample> = {}): Sample => ({
  kind: 'known values',
  inputs: [tensor(values)],
  expected,
  ...extra,
});

const PI = Math.PI;
const SELU_SCALE = 1.0507009873554805;

export const unary = {
  neg: entry('neg', neg, [
    ...samples(),
    known([1, -2.5, 0], [-1, 2.5, -0]),
    { kind: 'int32 keeps its dtype and wraps', inputs: [tensor([3, -2147483648], { dtype: 'int32' })], expected: [-3, -2147483648] },
  ], {
    errors: () => [{ name: 'bool input', call: () => neg(tensor([true])), message: /^neg: negation of a bool tensor is not supported; use logicalNot/ }],
  }),
  abs: entry('abs', abs, [...samples(0.2, 1, { signed: true }), known([-1.5, 2, -0], [1.5, 2, 0], { noGradcheck: true })]),
  sign: entry('sign', sign, [
    ...samples(0.2, 1, { signed: true }),
    // NaN stays NaN (NumPy); PyTorch's CPU kernel gives 0, a known PyTorch bug (pytorch#41245).
    known([-2, 0, 3, NaN, -Infinity], [-1, 0, 1, NaN, -1], { noGradcheck: true }),
  ]),
  exp: entry('exp', exp, [
    ...samples(-1, 1, { gradgrad: true }),
    // overflow gives Infinity, not NaN: e^1000 in float32 (and float64); e^-1000 underflows to 0
    known([0, 1, -1, 1000, -1000, 100], [1, Math.E, 1 / Math.E, Infinity, 0, Infinity], { noGradcheck: true }),
    { kind: 'int32 input gives float32', inputs: [tensor([0, 2], { dtype: 'int32' })], expected: [1, Math.exp(2)] },
  ]),
  expm1: entry('expm1', expm1, [...samples(), known([0, 1e-10, 1], [0, 1e-10, Math.E - 1], { rtol: 1e-6, atol: 0 })]),
  log: entry('log', log, [
    ...samples(0.5, 2, { gradgrad: true }),
    known([1, Math.E, 0, -1], [0, 1, -Infinity, NaN], { noGradcheck: true }),
  ]),
  log1p: entry('log1p', log1p, [...samples(-0.5, 1), known([0, 1e-10, Math.E - 1, -1], [0, 1e-10, 1, -Infinity], { rtol: 1e-6, atol: 0, noGradcheck: true })]),
  log2: entry('log2', log2, [...samples(0.5, 2), known([1, 8, 0.5], [0, 3, -1])]),
  sqrt: entry('sqrt', sqrt, [...samples(0.5, 2, { gradgrad: true }), known([4, 0, 2.25, -1], [2, 0, 1.5, NaN], { noGradcheck: true })]),
  rsqrt: entry('rsqrt', rsqrt, [...samples(0.5, 2), known([4, 0.25, 0], [0.5, 2, Infinity], { noGradcheck: true })]),
  square: entry('square', square, [...samples(-1, 1, { gradgrad: true }), known([3, -2, 0.5], [9, 4, 0.25])]),
  reciprocal: entry('reciprocal', reciprocal, [...samples(0.5, 2), known([2, -0.5, 0], [0.5, -2, Infinity], { noGradcheck: true })]),
  sin: entry('sin', sin, [...samples(-1, 1, { gradgrad: true }), known([0, PI / 2, PI / 6], [0, 1, 0.5])]),
  cos: entry('cos', cos, [...samples(), known([0, PI, PI / 3], [1, -1, 0.5])]),
  tan: entry('tan', tan, [...samples(), known([0, PI / 4, -PI / 4], [0, 1, -1])]),
  atan: entry('atan', atan, [...samples(), known([0, 1, -1, Infinity], [0, PI / 4, -PI / 4, PI / 2], { noGradcheck: true })]),
  asin: entry('asin', asin, [...samples(-0.9, 0.9), known([0, 0.5, 1, -1, 2], [0, PI / 6, PI / 2, -PI / 2, NaN], { noGradcheck: true })]),
  acos: entry('acos', acos, [...samples(-0.9, 0.9), known([1, 0.5, 0, -1], [0, PI / 3, PI / 2, PI], { noGradcheck: true })]),
  sinh: entry('sinh', sinh, [...samples(), known([0, 1, -1], [0, 1.1752011936438014, -1.1752011936438014])]),
  cosh: entry('cosh', cosh, [...samples(), known([0, 1, -1], [1, 1.5430806348152437, 1.5430806348152437])]),
  asinh: entry('asinh', asinh, [...samples(), known([0, 1, -1], [0, 0.881373587019543, -0.881373587019543])]),
  acosh: entry('acosh', acosh, [...samples(1.2, 3), known([1, 2, 0.5], [0, 1.3169578969248166, NaN], { noGradcheck: true })]),
  atanh: entry('atanh', atanh, [...samples(-0.9, 0.9), known([0, 0.5, 1, -1], [0, 0.5493061443340548, Infinity, -Infinity], { noGradcheck: true })]),
  tanh: entry('tanh', tanh, [
    ...samples(-2, 2, { gradgrad: true }),
    // saturates to exactly +-1 at large inputs, never NaN
    known([0, 0.5, 1000, -1000], [0, 0.46211715726000974, 1, -1]),
  ]),
  sigmoid: entry('sigmoid', sigmoid, [
    ...samples(-3, 3, { gradgrad: true }),
    known([0, 2, 1000, -1000], [0.5, 0.8807970779778823, 1, 0]),
  ]),
  erf: entry('erf', erf, [
    ...samples(-2, 2, { gradgrad: true }),
    known([0, 0.5, -0.5, 1, 2, 10, -10], [0, 0.5204998778130465, -0.5204998778130465, 0.8427007929497149, 0.9953222650189527, 1, -1]),
    // float64 holds the series' full accuracy (reference values from the defining integral)
    { kind: 'float64 accuracy', inputs: [tensor([0.1, 0.5, 3], { dtype: 'float64' })], expected: [0.1124629160182849, 0.5204998778130465, 0.9999779095030014], rtol: 1e-15, atol: 0 },
  ]),
  // Rounding: random inputs are nowhere near the jumps, where the zero gradient would not hold
  // (known values at integers and halves skip gradcheck).
  floor: entry('floor', floor, [...samples(-3, 3), known([1.5, -1.5, 2, -0.2], [1, -2, 2, -1], { noGradcheck: true })]),
  ceil: entry('ceil', ceil, [...samples(-3, 3), known([1.5, -1.5, 2, 0.2], [2, -1, 2, 1], { noGradcheck: true })]),
  round: entry('round', round, [
    ...samples(-3, 3),
    // half to even; at the halves the function jumps, so no gradcheck there
    known([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.4, 2.6], [0, 2, 2, -0, -2, -2, 0, 3], { noGradcheck: true }),
  ]),
  trunc: entry('trunc', trunc, [...samples(-3, 3), known([1.7, -1.7, 0.2, -0.2], [1, -1, 0, -0])]),
  isnan: entry('isnan', isnan, [...samples(), known([1, NaN, Infinity, -Infinity], [0, 1, 0, 0])], { differentiable: false }),
  isfinite: entry('isfinite', isfinite, [...samples(), known([1, NaN, Infinity, -Infinity], [1, 0, 0, 0])], { differentiable: false }),
  isinf: entry('isinf', isinf, [...samples(), known([1, NaN, Infinity, -Infinity], [0, 0, 1, 1])], { differentiable: false }),
  relu: entry('relu', relu, [
    ...samples(0.2, 1, { signed: true }),
    known([-1, 0, 2, NaN, -Infinity], [0, 0, 2, NaN, 0], { noGradcheck: true }),
  ]),
  // The call returns the default slope and slope 0.2; expected values are for the first output.
  leakyRelu: entry('leakyRelu', (x) => [leakyRelu(x), leakyRelu(x, 0.2)], [
    ...samples(0.2, 1, { signed: true }),
    known([-1, 2, -100], [-0.01, 2, -1]),
  ], {
    errors: () => [{ name: 'a non-number slope', call: () => leakyRelu(zeros([2]), 'a' as never), message: /^leakyRelu: negativeSlope must be a number, got a/ }],
  }),
  elu: entry('elu', (x) => [elu(x), elu(x, 0.5)], [
    ...samples(0.2, 2, { signed: true, gradgrad: true }),
    known([-1, 0, 2, -1000], [-0.6321205588285577, 0, 2, -1], { noGradcheck: true }),
  ], {
    errors: () => [{ name: 'NaN alpha', call: () => elu(zeros([2]), NaN), message: /^elu: alpha must be a number, got NaN/ }],
  }),
  selu: entry('selu', selu, [
    ...samples(0.2, 2, { signed: true }),
    known([-1, 0, 1], [-1.1113307378125625, 0, SELU_SCALE], { noGradcheck: true }),
  ]),
  // Exact (erf) and tanh-approximated GELU; expected values are for the exact form.
  gelu: entry('gelu', (x) => [gelu(x), gelu(x, 'tanh')], [
    ...samples(-2, 2, { gradgrad: true }),
    known([0, 1, -1, 10, -10], [0, 0.8413447460685429, -0.15865525393145707, 10, -0]),
  ], {
    errors: () => [{ name: 'an unknown approximation', call: () => gelu(zeros([2]), 'erf' as never), message: /^gelu: approximate must be 'none' or 'tanh', got 'erf'/ }],
  }),
  silu: entry('silu', silu, [
    ...samples(-2, 2, { gradgrad: true }),
    known([0, 1, -1, 1000, -1000], [0, 0.7310585786300049, -0.2689414213699951, 1000, -0]),
  ]),
  // Default softplus and beta 2 / threshold 1 (linear where 2x > 1); expected values are the default's.
  softplus: entry('softplus', (x) => [softplus(x), softplus(x, 2, 1)], [
    ...samples(-2, 2, { gradgrad: true }),
    known([0, 1, -30, 30, 1000], [Math.LN2, 1.3132616875182228, 9.357622968839737e-14, 30, 1000], { atol: 0 }),
  ], {
    errors: () => [
      { name: 'beta 0', call: () => softplus(zeros([2]), 0), message: /^softplus: beta must be a finite nonzero number, got 0/ },
      { name: 'NaN threshold', call: () => softplus(zeros([2]), 1, NaN), message: /^softplus: threshold must be a number, got NaN/ },
    ],
  }),
  mish: entry('mish', mish, [
    ...samples(-2, 2, { gradgrad: true }),
    known([1, 0, -1, 2], [0.8650983882673103, 0, -0.30340146137410895, 1.9439589595339946]),
  ]),
} satisfies OpTableFragment;
