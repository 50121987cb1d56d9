/**
 * Conformance entries for ops/scan.ts. Each call scans along the first and the last dim (by a
 * negative index), as two outputs; the expected values are those of the first.
 */
import { cumsum, cumprod, logcumsumexp, tensor, zeros, Tensor } from '../../../src/index.js';
import type { ErrorCase, OpEntry, OpTableFragment, Sample } from '../harness.js';
import { uniform } from '../../helpers.js';

const f64 = (v: number[]): Tensor => tensor(v, { dtype: 'float64' });

function samples(low = -1, high = 1): Sample[] {
  return [
    { kind: 'contiguous', inputs: [uniform([2, 3, 4], { seed: 1, low, high })], gradgrad: true },
    { kind: 'broadcast', inputs: [uniform([1, 4], { seed: 2, low, high }).expand([3, 4])] },
    { kind: 'zero-size', inputs: [zeros([0, 3])] },
    { kind: 'zero-size (scanned dim empty)', inputs: [zeros([3, 0])] },
    { kind: '0-d', inputs: [uniform([], { seed: 3, low, high })] },
  ];
}

function entry(name: string, f: (x: Tensor, dim: number) => Tensor, sampleList: Sample[], extraErrors: ErrorCase[] = []): OpEntry {
  return {
    call: ((x: Tensor) => [f(x, 0), f(x, -1)]) as OpEntry['call'],
    differentiable: true,
    samples: () => sampleList,
    errors: () => [
      { name: 'no dim', call: () => f(zeros([2, 3]), undefined as never), message: new RegExp(`^${name}: dim must be a number, got undefined`) },
      { name: 'several dims', call: () => f(zeros([2, 3]), [0, 1] as never), message: new RegExp(`^${name}: dim must be a number, got an array`) },
      { name: 'dim out of range', call: () => f(zeros([2, 3]), 2), message: new RegExp(`^${name}: dim 2 is out of range for a tensor of 2 dimension\\(s\\) \\(expected -2\\.\\.1\\)`) },
      { name: 'a number instead of a tensor', call: () => f(2 as never, 0), message: new RegExp(`^${name}: input must be a Tensor, got number`) },
      ...extraErrors,
    ],
  };
}

export const scan = {
  cumsum: entry('cumsum', cumsum, [
    ...samples(),
    { kind: 'known values', inputs: [tensor([1, 2, 3])], expected: [1, 3, 6] },
    { kind: 'known values, 2-d along dim 0', inputs: [tensor([[1, 2], [3, 4]])], expected: [[1, 2], [4, 6]] },
    { kind: 'int32 gives int32', inputs: [tensor([5, -2, 4], { dtype: 'int32' })], expected: [5, 3, 7] },
    { kind: 'bool gives int32', inputs: [tensor([true, false, true])], expected: [1, 1, 2] },
  ]),
  cumprod: entry('cumprod', cumprod, [
    ...samples(0.5, 1.5),
    { kind: 'known values', inputs: [tensor([1, 2, 3])], expected: [1, 2, 6] },
    // a polynomial, smooth at zeros: finite differences check the exact zero handling
    { kind: 'one zero', inputs: [f64([2, 0, 3, 4])], expected: [2, 0, 0, 0], gradgrad: true },
    { kind: 'several zeros', inputs: [f64([0, 3, 0, 2, 5, 0, -1, 2]).reshape([2, 4])], expected: [[0, 3, 0, 2], [0, 0, 0, 4]], gradgrad: true },
    { kind: 'int32 gives int32', inputs: [tensor([2, -3, 4], { dtype: 'int32' })], expected: [2, -6, -24] },
  ]),
  logcumsumexp: entry('logcumsumexp', logcumsumexp, [
    ...samples(),
    { kind: 'known values', inputs: [tensor([0, 0, 0])], expected: [0, Math.LN2, Math.log(3)] },
    // running values 1000 apart: a single shift by the maximum would lose the first one
    { kind: 'a wide range', inputs: [f64([-1000, 0, 1000])], expected: [-1000, 0, 1000] },
    { kind: 'infinities', inputs: [tensor([-Infinity, 0, -Infinity, Infinity, 1])], expected: [-Infinity, 0, 0, Infinity, Infinity], noGradcheck: true },
  ], [
    { name: 'an int32 input', call: () => logcumsumexp(tensor([1, 2], { dtype: 'int32' }), 0), message: /^logcumsumexp: input must be floating point, got int32 of shape \[2\]/ },
  ]),
} satisfies OpTableFragment;
