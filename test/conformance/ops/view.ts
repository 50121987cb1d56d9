/**
 * Conformance entries for ops/view.ts. Views do not broadcast their operand, so their 'broadcast'
 * sample feeds an expanded input (stride-0 dims): the layout a view must cope with (reshape of it
 * has to copy). Expected values use arange data, so each element names its own position.
 */
import {
  arange, clone, contiguous, expand, flatten, movedim, narrow, permute, reshape, select, slice, squeeze,
  tensor, transpose, unflatten, unsqueeze, view as viewOp, zeros,
} from '../../../src/index.js';
import type { Tensor } from '../../../src/index.js';
import type { OpEntry, OpTableFragment, Sample } from '../harness.js';
import { uniform } from '../../helpers.js';

/** [rows, cols] float32 holding 0, 1, 2, ... */
const grid = (rows: number, cols: number): Tensor => arange(rows * cols).reshape(rows, cols).float();
/** A [3,4] input whose rows are one stored row of 4, broadcast (stride 0 in dim 0). */
const broadcastRows = (): Tensor => uniform([1, 4], { seed: 11 }).expand(3, 4);

function entry(call: (x: Tensor) => Tensor, samples: () => Sample[], errors: OpEntry['errors'], notApplicable?: OpEntry['notApplicable']): OpEntry {
  return { call: call as OpEntry['call'], samples, differentiable: true, errors, ...(notApplicable ? { notApplicable } : {}) };
}

export const view = {
  view: entry(
    (x) => viewOp(x, x.ndim === 0 ? [1, 1] : [x.shape[0]!, -1, 2]),
    () => [
      { kind: 'contiguous', inputs: [grid(2, 4)], expected: [[[0, 1], [2, 3]], [[4, 5], [6, 7]]], gradgrad: true },
      // splitting the last dim of a broadcast input is still a view
      { kind: 'broadcast', inputs: [broadcastRows()] },
      { kind: 'zero-size', inputs: [zeros([2, 0])] },
      { kind: '0-d', inputs: [tensor(7)], expected: [[7]] },
    ],
    () => [
      { name: 'a transposed input', call: () => viewOp(grid(2, 3).transpose(0, 1), [6]), message: /^view: shape \[6\] is not compatible with the strides of the input \[3,2\] \(strides \[1,3\]\); use reshape\(\)/ },
      { name: 'merging a broadcast dim', call: () => viewOp(broadcastRows(), [12]), message: /^view: shape \[12\] is not compatible with the strides of the input \[3,4\] \(strides \[0,1\]\)/ },
      { name: 'the wrong element count', call: () => viewOp(zeros([2, 3]), [4]), message: /^view: shape \[4\] is invalid for input of shape \[2,3\] \(6 elements\)/ },
      { name: 'two -1 sizes', call: () => viewOp(zeros([2, 3]), [-1, -1]), message: /^view: only one dimension can be -1/ },
      { name: 'a negative size', call: () => viewOp(zeros([2, 3]), [-2, -3]), message: /^view: invalid size -2/ },
    ],
  ),
  reshape: entry(
    (x) => reshape(x, x.ndim === 0 ? [1] : [2, 2, -1]),
    () => [
      { kind: 'contiguous', inputs: [grid(2, 4)], expected: [[[0, 1], [2, 3]], [[4, 5], [6, 7]]], gradgrad: true },
      { kind: 'broadcast', inputs: [uniform([1, 4], { seed: 13 }).expand(2, 4)] },
      { kind: 'transposed (copies)', inputs: [grid(4, 2).transpose(0, 1)], expected: [[[0, 2], [4, 6]], [[1, 3], [5, 7]]] },
      { kind: 'zero-size', inputs: [zeros([4, 0])] },
      { kind: '0-d', inputs: [tensor(5)], expected: [5] },
    ],
    () => [
      { name: 'the wrong element count', call: () => reshape(zeros([2, 3]), [4, 2]), message: /^reshape: shape \[4,2\] is invalid for input of shape \[2,3\]/ },
      { name: 'an unresolvable -1', call: () => reshape(zeros([2, 3]), [4, -1]), message: /^reshape: shape \[4,-1\] is invalid/ },
      { name: 'a fractional size', call: () => reshape(zeros([2, 3]), [1.5, 4]), message: /^reshape: invalid size 1.5/ },
    ],
  ),
  contiguous: entry(
    contiguous,
    () => [
      { kind: 'contiguous', inputs: [grid(2, 3)], expected: [[0, 1, 2], [3, 4, 5]] },
      { kind: 'broadcast', inputs: [broadcastRows()] },
      { kind: 'transposed', inputs: [grid(3, 2).transpose(0, 1)], expected: [[0, 2, 4], [1, 3, 5]] },
      { kind: 'zero-size', inputs: [zeros([0, 2])] },
      { kind: '0-d', inputs: [tensor(3)], expected: 3 },
    ],
    () => [{ name: 'a non-tensor', call: () => contiguous([1, 2] as never), message: /^contiguous: input must be a Tensor, got an array/ }],
  ),
  clone: entry(
    clone,
    () => [
      { kind: 'contiguous', inputs: [grid(2, 3)], expected: [[0, 1, 2], [3, 4, 5]], gradgrad: true },
      { kind: 'broadcast', inputs: [broadcastRows()] },
      { kind: 'zero-size', inputs: [zeros([3, 0])] },
      { kind: '0-d', inputs: [tensor(-1.5)], expected: -1.5 },
      { kind: 'known values (int32)', inputs: [tensor([4, -2], { dtype: 'int32' })], expected: [4, -2] },
    ],
    () => [
      { name: 'a disposed tensor', call: () => { const t = zeros([2]); t.dispose(); return clone(t); }, message: /was disposed/ },
      { name: 'a non-tensor', call: () => clone(3 as never), message: /^clone: input must be a Tensor, got number/ },
    ],
  ),
  transpose: entry(
    (x) => transpose(x, 0, -1),
    () => [
      { kind: 'contiguous', inputs: [grid(2, 3)], expected: [[0, 3], [1, 4], [2, 5]], gradgrad: true },
      { kind: 'broadcast', inputs: [broadcastRows()] },
      { kind: 'zero-size', inputs: [zeros([0, 2])] },
      { kind: '0-d', inputs: [tensor(4)], expected: 4 },
      { kind: '3-d', inputs: [arange(12).reshape(2, 3, 2).float()], expected: [[[0, 6], [2, 8], [4, 10]], [[1, 7], [3, 9], [5, 11]]] },
    ],
    () => [{ name: 'a dim out of range', call: () => transpose(zeros([2, 3]), 0, 2), message: /^transpose: dim 2 is out of range for a tensor of 2 dimension/ }],
  ),
  permute: entry(
    (x) => permute(x, x.ndim === 3 ? [2, 0, 1] : x.shape.map((_, i) => x.ndim - 1 - i)),
    () => [
      { kind: 'contiguous', inputs: [arange(6).reshape(1, 2, 3).float()], expected: [[[0, 3]], [[1, 4]], [[2, 5]]] },
      { kind: 'broadcast', inputs: [broadcastRows()] },
      { kind: 'zero-size', inputs: [zeros([2, 0, 3])] },
      { kind: '0-d', inputs: [tensor(1)], expected: 1 },
    ],
    () => [
      { name: 'too few dims', call: () => permute(zeros([2, 3]), [0]), message: /^permute: got 1 dims \[0\] for a tensor of shape \[2,3\]/ },
      { name: 'a repeated dim', call: () => permute(zeros([2, 3]), [1, -1]), message: /^permute: dims \[1,-1\] repeat a dimension/ },
      { name: 'a dim out of range', call: () => permute(zeros([2, 3]), [0, 2]), message: /^permute: dim 2 is out of range/ },
    ],
  ),
  movedim: entry(
    (x) => (x.ndim === 0 ? movedim(x, 0, 0) : movedim(x, 0, -1)),
    () => [
      { kind: 'contiguous', inputs: [arange(6).reshape(3, 1, 2).float()], expected: [[[0, 2, 4], [1, 3, 5]]] },
      { kind: 'broadcast', inputs: [broadcastRows()] },
      { kind: 'zero-size', inputs: [zeros([0, 2])] },
      { kind: '0-d', inputs: [tensor(9)], expected: 9 },
    ],
    () => [
      { name: 'lengths differ', call: () => movedim(zeros([2, 3]), [0, 1], [1]), message: /^movedim: source \[0,1\] and destination \[1\] differ in length/ },
      { name: 'a repeated source', call: () => movedim(zeros([2, 3, 4]), [0, 0], [1, 2]), message: /^movedim: source \[0,0\] repeats a dimension/ },
      { name: 'a repeated destination', call: () => movedim(zeros([2, 3, 4]), [0, 1], [2, -1]), message: /^movedim: destination \[2,2\] repeats a dimension/ },
      { name: 'a dim out of range', call: () => movedim(zeros([2, 3]), 3, 0), message: /^movedim: dim 3 is out of range/ },
    ],
  ),
  narrow: entry(
    (x) => narrow(x, -1, 1, 2),
    () => [
      { kind: 'contiguous', inputs: [grid(2, 4)], expected: [[1, 2], [5, 6]], gradgrad: true },
      { kind: 'broadcast', inputs: [broadcastRows()] },
      { kind: 'zero-size', inputs: [zeros([0, 3])] },
    ],
    () => [
      { name: 'past the end', call: () => narrow(zeros([2, 3]), 1, 2, 2), message: /^narrow: start 2 and length 2 are out of range for dim 1 of size 3 \(shape \[2,3\]\)/ },
      { name: 'a negative length', call: () => narrow(zeros([3]), 0, 0, -1), message: /^narrow: start 0 and length -1 are out of range/ },
      { name: 'a 0-d tensor', call: () => narrow(tensor(1), 0, 0, 1), message: /^narrow: cannot narrow a 0-d tensor/ },
    ],
    { '0-d': 'a 0-d tensor has no dim to narrow (rejected, see errors)' },
  ),
  slice: entry(
    (x) => slice(x, 1, -4, undefined, 2),
    () => [
      { kind: 'contiguous', inputs: [grid(2, 5)], expected: [[1, 3], [6, 8]], gradgrad: true },
      { kind: 'broadcast', inputs: [broadcastRows()] },
      { kind: 'zero-size', inputs: [zeros([2, 0])] },
      { kind: 'clamped bounds', inputs: [grid(1, 2)], expected: [[0]] },
    ],
    () => [
      { name: 'a zero step', call: () => slice(zeros([3]), 0, 0, 3, 0), message: /^slice: step must be a positive integer, got 0/ },
      { name: 'a negative step', call: () => slice(zeros([3]), 0, 0, 3, -1), message: /^slice: step must be a positive integer, got -1/ },
      { name: 'a fractional start', call: () => slice(zeros([3]), 0, 0.5), message: /^slice: start 0.5 and end Infinity must be integers/ },
      { name: 'a 0-d tensor', call: () => slice(tensor(1), 0), message: /^slice: cannot slice a 0-d tensor/ },
    ],
    { '0-d': 'a 0-d tensor has no dim to slice (rejected, see errors)' },
  ),
  select: entry(
    (x) => select(x, 0, -1),
    () => [
      { kind: 'contiguous', inputs: [grid(3, 2)], expected: [4, 5], gradgrad: true },
      { kind: 'broadcast', inputs: [broadcastRows()] },
      { kind: 'zero-size', inputs: [zeros([2, 0])] },
      { kind: '1-d to 0-d', inputs: [tensor([1, 2, 3])], expected: 3 },
    ],
    () => [
      { name: 'an index out of range', call: () => select(zeros([2, 3]), 1, 3), message: /^select: index 3 is out of range for dim 1 of size 3 \(shape \[2,3\]\)/ },
      { name: 'a 0-d tensor', call: () => select(tensor(1), 0, 0), message: /^select: cannot select from a 0-d tensor/ },
      { name: 'a dim out of range', call: () => select(zeros([2]), 1, 0), message: /^select: dim 1 is out of range/ },
    ],
    { '0-d': 'a 0-d tensor has no dim to select from (rejected, see errors); the 1-d sample gives a 0-d result' },
  ),
  expand: entry(
    (x) => expand(x, x.ndim === 0 ? [2, 3] : [2, -1, 3]),
    () => [
      { kind: 'contiguous', inputs: [tensor([[1], [2]])], expected: [[[1, 1, 1], [2, 2, 2]], [[1, 1, 1], [2, 2, 2]]], gradgrad: true },
      { kind: 'broadcast', inputs: [uniform([1, 1], { seed: 14 }).expand(4, 1)] },
      { kind: 'zero-size', inputs: [zeros([0, 1])] },
      { kind: '0-d', inputs: [tensor(5)], expected: [[5, 5, 5], [5, 5, 5]] },
    ],
    () => [
      { name: 'a size that is not 1', call: () => expand(zeros([2, 3]), [2, 4]), message: /^expand: shape \[2,3\] cannot be expanded to \[2,4\] \(dimension 1: 3 vs 4\)/ },
      { name: 'fewer dims', call: () => expand(zeros([2, 3]), [3]), message: /^expand: cannot expand shape \[2,3\] to fewer dimensions \[3\]/ },
      { name: '-1 for a new dim', call: () => expand(zeros([3]), [-1, 3]), message: /^expand: -1 is not allowed for a new leading dimension/ },
      { name: 'a negative size', call: () => expand(zeros([1]), [-2]), message: /^expand: invalid size -2 in shape \[-2\]/ },
    ],
  ),
  squeeze: entry(
    (x) => squeeze(x),
    () => [
      { kind: 'contiguous', inputs: [arange(3).reshape(1, 3, 1).float()], expected: [0, 1, 2] },
      { kind: 'broadcast', inputs: [uniform([1, 1], { seed: 15 }).expand(1, 3)] },
      { kind: 'zero-size', inputs: [zeros([1, 0])] },
      { kind: '0-d', inputs: [tensor(2)], expected: 2 },
    ],
    () => [
      { name: 'a dim out of range', call: () => squeeze(zeros([1, 2]), 2), message: /^squeeze: dim 2 is out of range/ },
      { name: 'a repeated dim', call: () => squeeze(zeros([1, 2]), [0, -2]), message: /^squeeze: dim 0 appears more than once/ },
    ],
  ),
  unsqueeze: entry(
    (x) => unsqueeze(x, -1),
    () => [
      { kind: 'contiguous', inputs: [tensor([1, 2])], expected: [[1], [2]], gradgrad: true },
      { kind: 'broadcast', inputs: [broadcastRows()] },
      { kind: 'zero-size', inputs: [zeros([0])] },
      { kind: '0-d', inputs: [tensor(3)], expected: [3] },
    ],
    () => [{ name: 'a dim out of range', call: () => unsqueeze(zeros([2]), 2), message: /^unsqueeze: dim 2 is out of range for a tensor of 2 dimension/ }],
  ),
  flatten: entry(
    (x) => flatten(x, x.ndim === 3 ? 1 : 0),
    () => [
      { kind: 'contiguous', inputs: [arange(8).reshape(2, 2, 2).float()], expected: [[0, 1, 2, 3], [4, 5, 6, 7]] },
      { kind: 'broadcast', inputs: [broadcastRows()] },
      { kind: 'zero-size', inputs: [zeros([2, 0, 3])] },
      { kind: '0-d', inputs: [tensor(4)], expected: [4] },
    ],
    () => [
      { name: 'start after end', call: () => flatten(zeros([2, 3, 4]), 2, 1), message: /^flatten: startDim 2 comes after endDim 1 for shape \[2,3,4\]/ },
      { name: 'a dim out of range', call: () => flatten(zeros([2, 3]), 0, 2), message: /^flatten: dim 2 is out of range/ },
    ],
  ),
  unflatten: entry(
    (x) => unflatten(x, -1, [2, -1]),
    () => [
      { kind: 'contiguous', inputs: [grid(1, 6)], expected: [[[0, 1, 2], [3, 4, 5]]] },
      { kind: 'broadcast', inputs: [broadcastRows()] },
      { kind: 'zero-size', inputs: [zeros([0, 4])] },
    ],
    () => [
      { name: 'sizes that do not multiply', call: () => unflatten(zeros([2, 6]), 1, [4, 2]), message: /^unflatten: sizes \[4,2\] do not multiply to 6 \(dim 1 of shape \[2,6\]\)/ },
      { name: 'two -1 sizes', call: () => unflatten(zeros([6]), 0, [-1, -1]), message: /^unflatten: only one size can be -1, got \[-1,-1\]/ },
      { name: 'no sizes', call: () => unflatten(zeros([6]), 0, []), message: /^unflatten: sizes must be non-empty/ },
      { name: 'a 0-d tensor', call: () => unflatten(tensor(1), 0, [1]), message: /^unflatten: cannot unflatten a 0-d tensor/ },
    ],
    { '0-d': 'a 0-d tensor has no dim to unflatten (rejected, see errors)' },
  ),
} satisfies OpTableFragment;
