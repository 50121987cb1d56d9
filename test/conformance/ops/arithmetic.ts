/** Conformance entries for ops/binary.ts. */
import { add, sub, mul, div, pow, maximum, minimum, remainder, floorDivide, atan2, tensor, zeros } from '../../../src/index.js';
import type { OpEntry, OpTableFragment, Sample } from '../harness.js';
import { uniform } from '../../helpers.js';

/** The standard samples for a broadcasting binary op: same shape, broadcast, zero-size and 0-d. */
export function binarySamples(low = -1, high = 1, low2 = low, high2 = high): Sample[] {
  return [
    { kind: 'contiguous', inputs: [uniform([2, 3], { seed: 1, low, high }), uniform([2, 3], { seed: 2, low: low2, high: high2 })], gradgrad: true },
    { kind: 'broadcast', inputs: [uniform([3, 1], { seed: 3, low, high }), uniform([1, 4], { seed: 4, low: low2, high: high2 })] },
    { kind: 'zero-size', inputs: [zeros([0, 3]), uniform([3], { seed: 5, low: low2, high: high2 })] },
    { kind: '0-d', inputs: [uniform([], { seed: 6, low, high }), uniform([2], { seed: 7, low: low2, high: high2 })] },
  ];
}

function binaryEntry(name: string, f: (a: never, b: never) => unknown, samples: Sample[], extraErrors: OpEntry['errors'] = () => []): OpEntry {
  const call = f as unknown as OpEntry['call'];
  return {
    call,
    differentiable: true,
    samples: () => samples,
    errors: () => [
      { name: 'shapes that do not broadcast', call: () => call(zeros([2, 3]), zeros([4])), message: new RegExp(`^${name}: shapes \\[2,3\\] and \\[4\\] cannot be broadcast`) },
      { name: 'a non-tensor operand', call: () => call(zeros([2]), 'x' as never), message: new RegExp(`^${name}: second operand must be a Tensor or a number`) },
      ...extraErrors(),
    ],
  };
}

export const arithmetic = {
  add: {
    ...binaryEntry('add', add, [
      ...binarySamples(),
      { kind: 'known values', inputs: [tensor([1, 2, 3]), tensor([[10], [20]])], expected: [[11, 12, 13], [21, 22, 23]] },
    ]),
  },
  sub: binaryEntry('sub', sub, [...binarySamples(), { kind: 'known values', inputs: [tensor([5, 7]), tensor([2, 10])], expected: [3, -3] }]),
  mul: binaryEntry('mul', mul, [...binarySamples(), { kind: 'known values', inputs: [tensor([1.5, -2]), tensor([4, 3])], expected: [6, -6] }]),
  div: binaryEntry('div', div, [
    // divisors kept away from zero, where finite differences blow up
    ...binarySamples(-1, 1, 0.5, 2),
    { kind: 'known values', inputs: [tensor([1, -3], { dtype: 'int32' }), tensor([2, 2], { dtype: 'int32' })], expected: [0.5, -1.5], noGradcheck: true },
  ]),
  pow: binaryEntry('pow', pow, [
    // positive bases: x^y with y real needs x > 0
    ...binarySamples(0.5, 2, -1.5, 1.5),
    { kind: 'known values', inputs: [tensor([2, 3, 4]), tensor([3, 2, 0.5])], expected: [8, 9, 2] },
  ]),
  maximum: binaryEntry('maximum', maximum, [
    ...binarySamples(),
    { kind: 'known values', inputs: [tensor([1, 5, NaN]), tensor([3, 2, 0])], expected: [3, 5, NaN], noGradcheck: true },
  ]),
  minimum: binaryEntry('minimum', minimum, [
    ...binarySamples(),
    { kind: 'known values', inputs: [tensor([1, 5, NaN]), tensor([3, 2, 0])], expected: [1, 2, NaN], noGradcheck: true },
  ]),
  remainder: binaryEntry('remainder', remainder, [
    // operands away from the discontinuities at multiples of the divisor
    { kind: 'contiguous', inputs: [tensor([0.3, 1.7, 2.4, -0.6]), tensor([1, 1, 1, 1])] },
    { kind: 'broadcast', inputs: [tensor([[0.3], [1.4]]), tensor([1, 2])] },
    { kind: 'zero-size', inputs: [zeros([0]), tensor([1.5])] },
    { kind: '0-d', inputs: [tensor(2.5), tensor([2, -2])] },
    { kind: 'known values (sign of the divisor)', inputs: [tensor([-3, 3, -3, 3], { dtype: 'int32' }), tensor([2, -2, -2, 2], { dtype: 'int32' })], expected: [1, -1, -1, 1] },
  ]),
  floorDivide: {
    ...binaryEntry('floorDivide', floorDivide, [
      ...binarySamples(-3, 3, 0.5, 2),
      { kind: 'known values', inputs: [tensor([-7, 7], { dtype: 'int32' }), tensor([2, 2], { dtype: 'int32' })], expected: [-4, 3] },
    ]),
    differentiable: false,
  },
  atan2: binaryEntry('atan2', atan2, [
    ...binarySamples(0.2, 1, 0.2, 1),
    { kind: 'known values', inputs: [tensor([1, 1, -1]), tensor([1, -1, 0])], expected: [Math.PI / 4, (3 * Math.PI) / 4, -Math.PI / 2] },
  ]),
} satisfies OpTableFragment;
