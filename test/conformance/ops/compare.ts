/** Conformance entries for ops/compare.ts. */
import {
  eq, ne, lt, le, gt, ge, logicalAnd, logicalOr, logicalXor, logicalNot, allclose, isclose, where, clamp,
  tensor, zeros, Tensor,
} from '../../../src/index.js';
import type { ErrorCase, OpEntry, OpTableFragment, Sample } from '../harness.js';
import { uniform } from '../../helpers.js';
import { binarySamples } from './arithmetic.js';

/** Integers in [-2, 2] as floats: ties are common, so eq/le/ge see both outcomes. */
function small(shape: number[], seed: number): Tensor {
  return uniform(shape, { seed, low: -2, high: 2 }).round();
}

function pairSamples(): Sample[] {
  return [
    { kind: 'contiguous', inputs: [small([2, 3], 1), small([2, 3], 2)] },
    { kind: 'broadcast', inputs: [small([3, 1], 3), small([1, 4], 4)] },
    { kind: 'zero-size', inputs: [zeros([0, 3]), small([3], 5)] },
    { kind: '0-d', inputs: [small([], 6), small([2], 7)] },
  ];
}

function binaryErrors(name: string, call: (a: never, b: never) => unknown): ErrorCase[] {
  return [
    { name: 'shapes that do not broadcast', call: () => call(zeros([2, 3]) as never, zeros([4]) as never), message: new RegExp(`^${name}: shapes \\[2,3\\] and \\[4\\] cannot be broadcast`) },
    { name: 'a string operand', call: () => call(zeros([2]) as never, 'x' as never), message: new RegExp(`^${name}: second operand must be a Tensor or a number`) },
    { name: 'an array operand', call: () => call([1, 2] as never, zeros([2]) as never), message: new RegExp(`^${name}: first operand must be a Tensor or a number, got an array`) },
  ];
}

function comparison(name: string, f: (a: Tensor, b: Tensor) => Tensor, a: number[], b: number[], expected: boolean[]): OpEntry {
  return {
    call: f as OpEntry['call'],
    differentiable: false,
    samples: () => [
      ...pairSamples(),
      { kind: 'known values (NaN compares false, except ne)', inputs: [tensor(a), tensor(b)], expected },
      // the int32 operand and the float64 0-d tensor are both read as float32, the promoted type
      { kind: 'mixed dtypes', inputs: [tensor([1, 2, 3], { dtype: 'int32' }), tensor(2, { dtype: 'float64' })] },
    ],
    errors: () => binaryErrors(name, f as never),
  };
}

// One row of operands for every comparison: equal, less, greater, NaN on either side, infinities.
const A = [1, 1, 2, NaN, 1, -Infinity, Infinity];
const B = [1, 2, 1, 1, NaN, -Infinity, 1];

function logical(name: string, f: (a: Tensor, b: Tensor) => Tensor, expected: boolean[]): OpEntry {
  return {
    call: f as OpEntry['call'],
    differentiable: false,
    samples: () => [
      ...pairSamples(),
      // truth values: nonzero (NaN and 0.5 included) is true
      { kind: 'known values', inputs: [tensor([0, 0, 1, 0.5, NaN]), tensor([0, 2, 0, -3, 0])], expected },
      { kind: 'bool operands', inputs: [tensor([true, true, false, false]), tensor([true, false, true, false])] },
    ],
    errors: () => binaryErrors(name, f as never),
  };
}

function closeSamples(): Sample[] {
  return [
    ...binarySamples(),
    // |a - b| <= atol + rtol |b|: 1e-6 apart is close at rtol 1e-5; infinities only to themselves
    {
      kind: 'known values',
      inputs: [tensor([1, 1 + 2e-6, 100, Infinity, Infinity, NaN, 0], { dtype: 'float64' }), tensor([1, 1, 100.01, Infinity, -Infinity, NaN, 1e-9], { dtype: 'float64' })],
      expected: [true, true, false, true, false, false, true],
    },
  ];
}

function closeErrors(name: string, call: (a: Tensor, b: Tensor, rtol?: number, atol?: number) => unknown): ErrorCase[] {
  return [
    { name: 'negative rtol', call: () => call(zeros([2]), zeros([2]), -1), message: new RegExp(`^${name}: rtol must be a number >= 0, got -1`) },
    { name: 'NaN atol', call: () => call(zeros([2]), zeros([2]), 1e-5, NaN), message: new RegExp(`^${name}: atol must be a number >= 0, got NaN`) },
    { name: 'a number operand', call: () => call(zeros([2]), 1 as never), message: new RegExp(`^${name}: second input must be a Tensor, got number`) },
    { name: 'shapes that do not broadcast', call: () => call(zeros([2, 3]), zeros([4])), message: new RegExp(`^${name}: shapes \\[2,3\\] and \\[4\\] cannot be broadcast`) },
  ];
}

export const compare = {
  eq: comparison('eq', eq, A, B, [true, false, false, false, false, true, false]),
  ne: comparison('ne', ne, A, B, [false, true, true, true, true, false, true]),
  lt: comparison('lt', lt, A, B, [false, true, false, false, false, false, false]),
  le: comparison('le', le, A, B, [true, true, false, false, false, true, false]),
  gt: comparison('gt', gt, A, B, [false, false, true, false, false, false, true]),
  ge: comparison('ge', ge, A, B, [true, false, true, false, false, true, true]),
  logicalAnd: logical('logicalAnd', logicalAnd, [false, false, false, true, false]),
  logicalOr: logical('logicalOr', logicalOr, [false, true, true, true, true]),
  logicalXor: logical('logicalXor', logicalXor, [false, true, true, false, true]),
  logicalNot: {
    call: logicalNot as OpEntry['call'],
    differentiable: false,
    samples: () => [
      { kind: 'contiguous', inputs: [small([2, 3], 1)] },
      { kind: 'broadcast', inputs: [small([3, 1], 2).expand([3, 4])] },
      { kind: 'zero-size', inputs: [zeros([0, 3])] },
      { kind: '0-d', inputs: [tensor(0)] },
      { kind: 'known values', inputs: [tensor([0, 1, -0.5, NaN, -0])], expected: [true, false, false, false, true] },
      { kind: 'bool and int32 inputs', inputs: [tensor([true, false])], expected: [false, true] },
      { kind: 'int32 input', inputs: [tensor([0, 7], { dtype: 'int32' })], expected: [true, false] },
    ],
    errors: () => [{ name: 'a number', call: () => logicalNot(1 as never), message: /^logicalNot: input must be a Tensor, got number/ }],
  },
  // allclose answers with a boolean; the call wraps it in a 0-d bool tensor to compare.
  allclose: {
    call: ((a: Tensor, b: Tensor) => [tensor(allclose(a, b)), tensor(allclose(a, b, 1e-5, 1e-8, true))]) as OpEntry['call'],
    differentiable: false,
    samples: () => [
      ...binarySamples(),
      { kind: 'close everywhere', inputs: [tensor([1, 2, Infinity]), tensor([1 + 1e-6, 2, Infinity])], expected: true },
      { kind: 'one far element', inputs: [tensor([1, 2, 3]), tensor([1, 2, 3.1])], expected: false },
      { kind: 'NaN only with equalNan', inputs: [tensor([1, NaN]), tensor([1, NaN])], expected: false },
      { kind: 'broadcast and empty: vacuously true', inputs: [zeros([0, 2]), tensor([1, 2])], expected: true },
    ],
    errors: () => closeErrors('allclose', allclose),
  },
  // The second output is with equalNan.
  isclose: {
    call: ((a: Tensor, b: Tensor) => [isclose(a, b), isclose(a, b, 1e-5, 1e-8, true)]) as OpEntry['call'],
    differentiable: false,
    samples: () => [
      ...closeSamples(),
      { kind: 'bool operands are compared for equality', inputs: [tensor([true, false]), tensor([true, true])], expected: [true, false] },
      { kind: 'int32 operands', inputs: [tensor([100000, 3], { dtype: 'int32' }), tensor([100001, 5], { dtype: 'int32' })], expected: [true, false] },
    ],
    errors: () => closeErrors('isclose', isclose),
  },
  where: {
    call: where as OpEntry['call'],
    differentiable: true,
    samples: () => [
      { kind: 'contiguous', inputs: [tensor([[true, false, true], [false, false, true]]), uniform([2, 3], { seed: 1 }), uniform([2, 3], { seed: 2 })], gradgrad: true },
      { kind: 'broadcast', inputs: [tensor([[true], [false], [true]]), uniform([1, 4], { seed: 3 }), uniform([4], { seed: 4 })] },
      { kind: 'zero-size', inputs: [zeros([0, 3], { dtype: 'bool' }), zeros([0, 3]), uniform([3], { seed: 5 })] },
      { kind: '0-d', inputs: [tensor(true), uniform([], { seed: 6 }), uniform([2], { seed: 7 })] },
      { kind: 'known values', inputs: [tensor([true, false, true]), tensor([1, 2, 3]), tensor([-1, -2, -3])], expected: [1, -2, 3] },
      { kind: 'NaN in the branch not taken', inputs: [tensor([true, false]), tensor([1, NaN]), tensor([NaN, 4])], expected: [1, 4], noGradcheck: true },
      { kind: 'int32 and float32 branches promote', inputs: [tensor([true, false]), tensor([7, 8], { dtype: 'int32' }), tensor([0.5, 1.5])], expected: [7, 1.5] },
    ],
    errors: () => [
      { name: 'a float condition', call: () => where(zeros([2]), zeros([2]), zeros([2])), message: /^where: condition must be a bool tensor, got a float32 tensor of shape \[2\]/ },
      { name: 'a number condition', call: () => where(1 as never, zeros([2]), zeros([2])), message: /^where: condition must be a bool tensor, got number/ },
      { name: 'shapes that do not broadcast', call: () => where(zeros([2], { dtype: 'bool' }), zeros([3]), 0), message: /^where: shapes \[2\] and \[3\] cannot be broadcast/ },
      { name: 'a string branch', call: () => where(zeros([2], { dtype: 'bool' }), 'a' as never, 0), message: /^where: first operand must be a Tensor or a number, got string/ },
    ],
  },
  // Tensor bounds, scalar bounds and one-sided bounds in one call; inputs stay clear of every bound.
  clamp: {
    call: ((x: Tensor, lo: Tensor, hi: Tensor) => [clamp(x, lo, hi), clamp(x, -0.5, 0.5), clamp(x, null, 0.25), clamp(x, -0.25)]) as OpEntry['call'],
    differentiable: true,
    samples: () => [
      { kind: 'contiguous', inputs: [uniform([2, 3], { seed: 1 }), uniform([2, 3], { seed: 2, low: -1, high: -0.1 }), uniform([2, 3], { seed: 3, low: 0.1, high: 1 })], gradgrad: true },
      { kind: 'broadcast', inputs: [uniform([3, 4], { seed: 4 }), uniform([4], { seed: 5, low: -1, high: -0.1 }), uniform([3, 1], { seed: 6, low: 0.1, high: 1 })] },
      { kind: 'zero-size', inputs: [zeros([0, 3]), uniform([3], { seed: 7, low: -1, high: -0.1 }), uniform([], { seed: 8, low: 0.1, high: 1 })] },
      { kind: '0-d', inputs: [uniform([], { seed: 9 }), uniform([], { seed: 10, low: -1, high: -0.1 }), uniform([2], { seed: 11, low: 0.1, high: 1 })] },
      { kind: 'known values (NaN passes)', inputs: [tensor([-2, -1, 0, 1, 2, NaN]), tensor(-1), tensor(1)], expected: [-1, -1, 0, 1, 1, NaN], noGradcheck: true },
      // lower bound above the upper one elementwise: the upper bound wins, as in PyTorch
      { kind: 'crossed tensor bounds', inputs: [tensor([0, 5]), tensor([2, 2]), tensor([1, 1])], expected: [1, 1] },
    ],
    errors: () => [
      { name: 'no bounds', call: () => clamp(zeros([2])), message: /^clamp: at least one of min and max must be given/ },
      { name: 'min above max', call: () => clamp(zeros([2]), 2, 1), message: /^clamp: min 2 is greater than max 1/ },
      { name: 'a string bound', call: () => clamp(zeros([2]), 'a' as never), message: /^clamp: min must be a number, a Tensor, null or undefined, got string/ },
      { name: 'a bool tensor', call: () => clamp(zeros([2], { dtype: 'bool' }), 0, 1), message: /^clamp: bool tensors cannot be clamped/ },
      { name: 'a number input', call: () => clamp(3 as never, 0, 1), message: /^clamp: input must be a Tensor, got number/ },
      { name: 'bounds that do not broadcast', call: () => clamp(zeros([2]), zeros([3])), message: /^clamp: shapes \[2\] and \[3\] cannot be broadcast/ },
    ],
  },
} satisfies OpTableFragment;
