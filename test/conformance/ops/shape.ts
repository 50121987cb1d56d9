/**
 * Conformance entries for ops/shape.ts. None of these ops broadcast their operands, so the
 * 'broadcast' sample feeds expanded inputs (stride-0 dims), which the copying kernels must read right.
 */
import { arange, cat, chunk, flip, ones, pad, repeat, roll, split, stack, tensor, tile, tril, triu, unbind, zeros } from '../../../src/index.js';
import type { Tensor } from '../../../src/index.js';
import type { OpEntry, OpTableFragment, Sample } from '../harness.js';
import { uniform } from '../../helpers.js';

/** [rows, cols] float32 holding 0, 1, 2, ... */
const grid = (rows: number, cols: number): Tensor => arange(rows * cols).reshape(rows, cols).float();
/** A [3,4] input whose rows are one stored row of 4, broadcast (stride 0 in dim 0). */
const broadcastRows = (seed = 21): Tensor => uniform([1, 4], { seed }).expand(3, 4);

function entry(
  call: (...xs: Tensor[]) => Tensor | readonly Tensor[],
  samples: () => Sample[],
  errors: OpEntry['errors'],
  notApplicable?: OpEntry['notApplicable'],
): OpEntry {
  return { call, samples, differentiable: true, errors, ...(notApplicable ? { notApplicable } : {}) };
}

export const shape = {
  cat: entry(
    (...xs) => cat(xs, -1),
    () => [
      { kind: 'contiguous', inputs: [grid(2, 2), grid(2, 1).add(10)], expected: [[0, 1, 10], [2, 3, 11]], gradgrad: true },
      { kind: 'broadcast', inputs: [broadcastRows(), uniform([3, 1], { seed: 22 })] },
      { kind: 'zero-size', inputs: [zeros([2, 0]), uniform([2, 2], { seed: 23 })] },
      // PyTorch skips 1-d empty tensors whatever the other shapes (legacy behaviour)
      { kind: 'legacy [0] skipped', inputs: [zeros([0]), grid(1, 2), zeros([0])], expected: [[0, 1]] },
      { kind: 'promotes int32 and float32', inputs: [tensor([[1, 2]], { dtype: 'int32' }), tensor([[0.5]])], expected: [[1, 2, 0.5]] },
      { kind: 'one tensor', inputs: [tensor([[3, 4]])], expected: [[3, 4]] },
    ],
    () => [
      { name: 'different ranks', call: () => cat([zeros([2, 3]), zeros([3])]), message: /^cat: tensors must have the same number of dimensions, got \[2,3\] and \[3\]/ },
      { name: 'mismatched sizes', call: () => cat([zeros([2, 3]), zeros([2, 4])]), message: /^cat: sizes of tensor 1 \[2,4\] must match \[2,3\] except in dim 0/ },
      { name: 'a 0-d tensor', call: () => cat([zeros([2]), tensor(1)]), message: /^cat: zero-dimensional tensor \(at position 1\) cannot be concatenated/ },
      { name: 'no tensors', call: () => cat([]), message: /^cat: expected a non-empty array of tensors/ },
      { name: 'a non-tensor element', call: () => cat([zeros([2]), [1, 2] as never]), message: /^cat: element 1 must be a Tensor, got an array/ },
      { name: 'a dim out of range', call: () => cat([zeros([2]), zeros([2])], 1), message: /^cat: dim 1 is out of range/ },
    ],
    { '0-d': '0-d tensors cannot be concatenated (rejected, see errors); stack joins them' },
  ),
  stack: entry(
    (...xs) => stack(xs, xs[0]!.ndim === 0 ? 0 : 1),
    () => [
      { kind: 'contiguous', inputs: [tensor([1, 2]), tensor([3, 4])], expected: [[1, 3], [2, 4]], gradgrad: true },
      { kind: 'broadcast', inputs: [broadcastRows(), uniform([3, 4], { seed: 24 })] },
      { kind: 'zero-size', inputs: [zeros([0]), zeros([0])] },
      { kind: '0-d', inputs: [tensor(1), tensor(2), tensor(3)], expected: [1, 2, 3] },
    ],
    () => [
      { name: 'different shapes', call: () => stack([zeros([2, 3]), zeros([3, 2])]), message: /^stack: expects tensors of equal shape, got \[2,3\] at entry 0 and \[3,2\] at entry 1/ },
      { name: 'no tensors', call: () => stack([]), message: /^stack: expected a non-empty array of tensors/ },
      { name: 'a dim out of range', call: () => stack([zeros([2]), zeros([2])], 3), message: /^stack: dim 3 is out of range/ },
    ],
  ),
  split: entry(
    (x) => split(x, 2, -1),
    () => [
      { kind: 'contiguous', inputs: [grid(2, 5)], expected: [[0, 1], [5, 6]] },
      { kind: 'broadcast', inputs: [broadcastRows()] },
      { kind: 'zero-size', inputs: [zeros([3, 0])] },
    ],
    () => [
      { name: 'sizes that do not add up', call: () => split(zeros([5]), [2, 2]), message: /^split: sizes \[2,2\] sum to 4 but dim 0 has size 5/ },
      { name: 'a negative size', call: () => split(zeros([5]), [-1, 6]), message: /^split: sizes \[-1,6\] must be non-negative integers/ },
      { name: 'a zero split size', call: () => split(zeros([5]), 0), message: /^split: split size can only be 0 when the dim has size 0, but dim 0 has size 5/ },
      { name: 'a 0-d tensor', call: () => split(tensor(1), 1), message: /^split: expects at least a 1-dimensional tensor/ },
    ],
    { '0-d': 'a 0-d tensor has no dim to split (rejected, see errors)' },
  ),
  chunk: entry(
    (x) => chunk(x, 3, 0),
    () => [
      { kind: 'contiguous', inputs: [grid(5, 1)], expected: [[0], [1]] },
      { kind: 'broadcast', inputs: [broadcastRows()] },
      { kind: 'zero-size', inputs: [zeros([0, 2])] },
    ],
    () => [
      { name: 'zero chunks', call: () => chunk(zeros([4]), 0), message: /^chunk: chunks must be a positive integer, got 0/ },
      { name: 'a 0-d tensor', call: () => chunk(tensor(1), 1), message: /^chunk: expects at least a 1-dimensional tensor/ },
      { name: 'a dim out of range', call: () => chunk(zeros([4]), 2, 1), message: /^chunk: dim 1 is out of range/ },
    ],
    { '0-d': 'a 0-d tensor has no dim to chunk (rejected, see errors)' },
  ),
  unbind: entry(
    (x) => unbind(x, 1),
    () => [
      { kind: 'contiguous', inputs: [grid(2, 3)], expected: [0, 3] },
      { kind: 'broadcast', inputs: [broadcastRows()] },
      { kind: 'zero-size', inputs: [zeros([0, 2])] },
      { kind: 'empty along dim', inputs: [zeros([2, 0])] },
    ],
    () => [
      { name: 'a 0-d tensor', call: () => unbind(tensor(1)), message: /^unbind: cannot unbind a 0-d tensor/ },
      { name: 'a dim out of range', call: () => unbind(zeros([2]), 1), message: /^unbind: dim 1 is out of range/ },
    ],
    { '0-d': 'a 0-d tensor has no dim to unbind (rejected, see errors)' },
  ),
  repeat: entry(
    (x) => repeat(x, x.ndim === 0 ? [2] : [2, 1, 2]),
    () => [
      { kind: 'contiguous', inputs: [tensor([[1, 2]])], expected: [[[1, 2, 1, 2]], [[1, 2, 1, 2]]], gradgrad: true },
      { kind: 'broadcast', inputs: [broadcastRows()] },
      { kind: 'zero-size', inputs: [zeros([0, 3])] },
      { kind: '0-d', inputs: [tensor(7)], expected: [7, 7] },
    ],
    () => [
      { name: 'fewer repeats than dims', call: () => repeat(zeros([2, 3]), 2), message: /^repeat: got 1 repeats \[2\] for the 2 dims of \[2,3\]/ },
      { name: 'a negative repeat', call: () => repeat(zeros([2]), -1), message: /^repeat: repeats \[-1\] must be non-negative integers/ },
    ],
  ),
  tile: entry(
    (x) => tile(x, 2),
    () => [
      { kind: 'contiguous', inputs: [tensor([[1, 2], [3, 4]])], expected: [[1, 2, 1, 2], [3, 4, 3, 4]], gradgrad: true },
      { kind: 'broadcast', inputs: [broadcastRows()] },
      { kind: 'zero-size', inputs: [zeros([2, 0])] },
      { kind: '0-d', inputs: [tensor(3)], expected: [3, 3] },
    ],
    () => [
      { name: 'a fractional repeat', call: () => tile(zeros([2]), 1.5), message: /^tile: repeats \[1.5\] must be non-negative integers/ },
    ],
  ),
  flip: entry(
    (x) => flip(x, x.ndim === 0 ? [] : [0, -1]),
    () => [
      { kind: 'contiguous', inputs: [grid(2, 3)], expected: [[5, 4, 3], [2, 1, 0]], gradgrad: true },
      { kind: 'broadcast', inputs: [broadcastRows()] },
      { kind: 'zero-size', inputs: [zeros([0, 3])] },
      { kind: '0-d', inputs: [tensor(2)], expected: 2 },
      { kind: 'known values (int32, 3-d: first and last dims flipped)', inputs: [arange(8).reshape(2, 2, 2)], expected: [[[5, 4], [7, 6]], [[1, 0], [3, 2]]] },
    ],
    () => [
      { name: 'a repeated dim', call: () => flip(zeros([2, 3]), [1, -1]), message: /^flip: dim 1 appears more than once/ },
      { name: 'a dim out of range', call: () => flip(zeros([2, 3]), 2), message: /^flip: dim 2 is out of range/ },
    ],
  ),
  roll: entry(
    (x) => (x.ndim === 2 ? roll(x, [1, -1], [0, 1]) : roll(x, 2)),
    () => [
      { kind: 'contiguous', inputs: [tensor([1, 2, 3, 4, 5])], expected: [4, 5, 1, 2, 3], gradgrad: true },
      { kind: 'two dims', inputs: [grid(2, 3)], expected: [[4, 5, 3], [1, 2, 0]] },
      { kind: 'flattened', inputs: [grid(2, 2).reshape(1, 2, 2)], expected: [[[2, 3], [0, 1]]] },
      { kind: 'broadcast', inputs: [broadcastRows()] },
      { kind: 'zero-size', inputs: [zeros([0, 3])] },
      { kind: '0-d', inputs: [tensor(6)], expected: 6 },
    ],
    () => [
      { name: 'shifts and dims of different lengths', call: () => roll(zeros([2, 3]), [1, 2], 0), message: /^roll: shifts \[1,2\] and dims \[0\] must have the same length/ },
      { name: 'several shifts without dims', call: () => roll(zeros([2, 3]), [1, 2]), message: /^roll: without dims, shifts must be a single number, got \[1,2\]/ },
      { name: 'a fractional shift', call: () => roll(zeros([3]), 0.5), message: /^roll: shifts \[0.5\] must be integers/ },
      { name: 'a dim out of range', call: () => roll(zeros([3]), 1, 1), message: /^roll: dim 1 is out of range/ },
    ],
  ),
  pad: entry(
    (x) => (x.ndim === 0 ? pad(x, []) : pad(x, [2, 1], 'reflect')),
    () => [
      { kind: 'contiguous', inputs: [tensor([[1, 2, 3]])], expected: [[3, 2, 1, 2, 3, 2]], gradgrad: true },
      { kind: 'broadcast', inputs: [broadcastRows()] },
      { kind: 'zero-size', inputs: [zeros([0, 3])] },
      { kind: '0-d', inputs: [tensor(4)], expected: 4 },
    ],
    () => [
      { name: 'reflect padding too large', call: () => pad(zeros([1, 1, 3]), [5, 5], 'reflect'), message: /^pad: reflect padding 5 must be smaller than the input size 3 in dim 2/ },
      { name: 'an odd length', call: () => pad(zeros([2, 3]), [1, 1, 1]), message: /^pad: padding \[1,1,1\] must have an even length/ },
      { name: 'more dims than the input', call: () => pad(zeros([3]), [1, 1, 1, 1]), message: /^pad: padding \[1,1,1,1\] covers 2 dims but the input \[3\] has 1/ },
      { name: 'an unknown mode', call: () => pad(zeros([3]), [1, 1], 'wrap' as never), message: /^pad: unknown mode 'wrap'/ },
      { name: 'a value with reflect', call: () => pad(zeros([3]), [1, 1], 'reflect', 2), message: /^pad: mode 'reflect' does not take a value, got 2/ },
      { name: 'a negative output size', call: () => pad(zeros([3]), [-2, -2]), message: /^pad: padding \(-2, -2\) would give dim 0 of size 3 a negative size/ },
      { name: 'negative reflect padding', call: () => pad(zeros([3]), [-1, 0], 'reflect'), message: /^pad: negative padding -1 is only supported in constant mode/ },
      { name: 'replicating an empty dim', call: () => pad(zeros([2, 0]), [1, 0], 'replicate'), message: /^pad: replicate padding 1 needs a non-empty dim 1, got size 0/ },
      { name: 'circular padding too large', call: () => pad(zeros([2]), [3, 0], 'circular'), message: /^pad: circular padding 3 must not exceed the input size 2 in dim 0/ },
    ],
  ),
  tril: entry(
    (x) => tril(x),
    () => [
      { kind: 'contiguous', inputs: [grid(3, 3).add(1)], expected: [[1, 0, 0], [4, 5, 0], [7, 8, 9]], gradgrad: true },
      { kind: 'broadcast', inputs: [broadcastRows()] },
      { kind: 'zero-size', inputs: [zeros([0, 3])] },
      { kind: 'batched', inputs: [ones([2, 2, 2])], expected: [[[1, 0], [1, 1]], [[1, 0], [1, 1]]] },
    ],
    () => [
      { name: 'a 1-d input', call: () => tril(zeros([3])), message: /^tril: input must have at least 2 dimensions, got shape \[3\]/ },
      { name: 'a fractional diagonal', call: () => tril(zeros([2, 2]), 0.5), message: /^tril: diagonal must be an integer, got 0.5/ },
    ],
    { '0-d': 'tril needs a matrix (rejected, see errors)' },
  ),
  triu: entry(
    (x) => triu(x, 1),
    () => [
      { kind: 'contiguous', inputs: [grid(3, 3).add(1)], expected: [[0, 2, 3], [0, 0, 6], [0, 0, 0]], gradgrad: true },
      { kind: 'broadcast', inputs: [broadcastRows()] },
      { kind: 'zero-size', inputs: [zeros([3, 0])] },
      { kind: 'wide', inputs: [ones([2, 4])], expected: [[0, 1, 1, 1], [0, 0, 1, 1]] },
    ],
    () => [{ name: 'a 0-d input', call: () => triu(tensor(1)), message: /^triu: input must have at least 2 dimensions, got shape \[\]/ }],
    { '0-d': 'triu needs a matrix (rejected, see errors)' },
  ),
} satisfies OpTableFragment;
