/**
 * Conformance entries for ops/sort.ts. Ops that return { values, indices } are called as
 * [values, indices], so both outputs are compared across layouts; gradcheck looks at the values.
 * A dim or a k that samples vary travels as a 0-d int32 input (read with `.item()`). Random samples
 * have no ties, where sorting is not differentiable. 'broadcast' samples feed an expanded input.
 */
import { argsort, kthvalue, msort, sort as sortOp, tensor, topk, zeros } from '../../../src/index.js';
import type { Tensor } from '../../../src/index.js';
import type { NestedArray } from '../../../src/tensor/creation.js';
import type { OpEntry, OpTableFragment, Sample } from '../harness.js';
import { uniform } from '../../helpers.js';

const i32 = (values: NestedArray): Tensor => tensor(values, { dtype: 'int32' });
const n = (t: Tensor): number => t.item();

function entry(call: (...inputs: Tensor[]) => Tensor | readonly Tensor[], samples: () => Sample[], errors: OpEntry['errors']): OpEntry {
  return { call: call as OpEntry['call'], samples, differentiable: true, errors };
}

export const sort = {
  sort: entry(
    (x, d) => {
      const r = sortOp(x!, n(d!));
      return [r.values, r.indices];
    },
    () => [
      { kind: 'contiguous', inputs: [uniform([3, 4], { seed: 1 }), i32(-1)], gradgrad: true },
      { kind: 'known values (stable, NaN last)', inputs: [tensor([3, NaN, 1, 2, 1]), i32(0)], expected: [1, 1, 2, 3, NaN], noGradcheck: true },
      { kind: 'known values, dim 0', inputs: [tensor([[3, 0], [1, 5], [2, 4]]), i32(0)], expected: [[1, 0], [2, 4], [3, 5]] },
      { kind: 'known values, int32', inputs: [i32([5, -2, 7, 0]), i32(0)], expected: [-2, 0, 5, 7] },
      { kind: 'broadcast', inputs: [uniform([1, 4], { seed: 2 }).expand(3, 4), i32(1)] },
      { kind: 'zero-size', inputs: [zeros([2, 0]), i32(1)] },
      { kind: '0-d', inputs: [tensor(4), i32(0)], expected: 4 },
    ],
    () => [
      { name: 'a dim out of range', call: () => sortOp(zeros([2, 3]), 2), message: /^sort: dim 2 is out of range for a tensor of 2 dimension\(s\)/ },
      { name: 'a non-tensor input', call: () => sortOp([3, 1] as never), message: /^sort: input must be a Tensor, got an array/ },
    ],
  ),
  // Called descending, so that direction is checked in every layout too.
  argsort: {
    ...entry(
      (x, d) => argsort(x!, n(d!), true),
      () => [
        { kind: 'contiguous', inputs: [uniform([3, 4], { seed: 3 }), i32(1)] },
        { kind: 'known values (stable, NaN first)', inputs: [tensor([3, NaN, 1, 2, 1]), i32(0)], expected: [1, 0, 3, 2, 4] },
        { kind: 'known values, dim 0', inputs: [tensor([[3, 0], [1, 5], [2, 4]]), i32(0)], expected: [[0, 1], [2, 2], [1, 0]] },
        { kind: 'broadcast', inputs: [uniform([4, 1], { seed: 4 }).expand(4, 3), i32(0)] },
        { kind: 'zero-size', inputs: [zeros([0, 3]), i32(0)] },
        { kind: '0-d', inputs: [tensor(4), i32(-1)], expected: 0 },
      ],
      () => [{ name: 'a dim out of range', call: () => argsort(zeros([2]), -2), message: /^argsort: dim -2 is out of range/ }],
    ),
    differentiable: false,
  },
  msort: entry(
    (x) => msort(x!),
    () => [
      { kind: 'contiguous', inputs: [uniform([4, 2], { seed: 5 })], gradgrad: true },
      { kind: 'known values', inputs: [tensor([[3, 0], [1, 5], [2, 4]])], expected: [[1, 0], [2, 4], [3, 5]] },
      { kind: 'broadcast', inputs: [uniform([3, 1], { seed: 6 }).expand(3, 2)] },
      { kind: 'zero-size', inputs: [zeros([0, 3])] },
      { kind: '0-d', inputs: [tensor(-1)], expected: -1 },
    ],
    () => [{ name: 'a non-tensor input', call: () => msort(1 as never), message: /^msort: input must be a Tensor, got number/ }],
  ),
  topk: entry(
    (x, k, d) => {
      const r = topk(x!, n(k!), n(d!));
      return [r.values, r.indices];
    },
    () => [
      { kind: 'contiguous', inputs: [uniform([3, 5], { seed: 7 }), i32(2), i32(1)], gradgrad: true },
      { kind: 'known values', inputs: [tensor([1, 5, 3, 4]), i32(2), i32(0)], expected: [5, 4] },
      { kind: 'known values, NaN is largest', inputs: [tensor([1, NaN, 3]), i32(2), i32(0)], expected: [NaN, 3], noGradcheck: true },
      { kind: 'known values, dim 0', inputs: [tensor([[3, 0], [1, 5], [2, 4]]), i32(1), i32(0)], expected: [[3, 5]] },
      { kind: 'broadcast', inputs: [uniform([1, 4], { seed: 8 }).expand(2, 4), i32(3), i32(1)] },
      { kind: 'zero-size', inputs: [uniform([2, 3], { seed: 9 }), i32(0), i32(1)] },
      { kind: '0-d', inputs: [tensor(2), i32(1), i32(0)], expected: 2 },
    ],
    () => [
      { name: 'k larger than the dim', call: () => topk(zeros([2, 5]), 7, 1), message: /^topk: k 7 is out of range for dim 1 with size 5/ },
      { name: 'a negative k', call: () => topk(zeros([5]), -1), message: /^topk: k -1 is out of range for dim 0 with size 5/ },
      { name: 'a fractional k', call: () => topk(zeros([5]), 1.5), message: /^topk: k 1.5 is out of range/ },
    ],
  ),
  kthvalue: entry(
    (x, k, d) => {
      const r = kthvalue(x!, n(k!), n(d!));
      return [r.values, r.indices];
    },
    () => [
      { kind: 'contiguous', inputs: [uniform([3, 4], { seed: 10 }), i32(2), i32(1)], gradgrad: true },
      { kind: 'known values', inputs: [tensor([4, 1, 3]), i32(2), i32(0)], expected: 3 },
      { kind: 'known values, dim 0', inputs: [tensor([[3, 0], [1, 5], [2, 4]]), i32(3), i32(0)], expected: [3, 5] },
      { kind: 'broadcast', inputs: [uniform([3, 1], { seed: 11 }).expand(3, 2), i32(1), i32(0)] },
      { kind: 'zero-size', inputs: [zeros([0, 3]), i32(1), i32(1)] },
      { kind: '0-d', inputs: [tensor(2), i32(1), i32(0)], expected: 2 },
    ],
    () => [
      { name: 'k of zero', call: () => kthvalue(zeros([5]), 0), message: /^kthvalue: k 0 is out of range for dim 0 with size 5/ },
      { name: 'k past the end', call: () => kthvalue(zeros([2, 3]), 4, 1), message: /^kthvalue: k 4 is out of range for dim 1 with size 3/ },
    ],
  ),
} satisfies OpTableFragment;
