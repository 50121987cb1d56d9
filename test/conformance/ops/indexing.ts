/**
 * Conformance entries for ops/indexing.ts (and indexing-advanced.ts, which it re-exports).
 *
 * Conventions here: index tensors are int32 inputs, so the harness checks them in non-contiguous
 * layouts too. A dim, a class count or an index count that a sample varies travels as a 0-d int32
 * input (read with `.item()`), so that one `call` serves every sample. 'broadcast' samples feed an
 * expanded index (stride 0), or operands that really broadcast (masks, index tensors). Samples for
 * scatter and indexPut (without accumulate) never write one position twice: there the last write
 * wins and only the winner has a gradient, which finite differences would see but the rule not.
 * In-place entries write into a clone, so that the harness's inputs stay untouched.
 */
import {
  arange, gather, index, indexAdd, indexAdd_, indexPut, indexPut_, indexSelect, maskedFill, maskedFill_,
  maskedSelect, nonzero, oneHot, scatter, scatter_, scatterAdd, scatterAdd_, take, tensor, zeros,
} from '../../../src/index.js';
import type { Tensor } from '../../../src/index.js';
import type { NestedArray } from '../../../src/tensor/creation.js';
import type { OpEntry, OpTableFragment, Sample } from '../harness.js';
import { uniform } from '../../helpers.js';

const i32 = (values: NestedArray): Tensor => tensor(values, { dtype: 'int32' });
const bool = (values: NestedArray): Tensor => tensor(values, { dtype: 'bool' });
/** [rows, cols] float32 holding 0, 1, 2, ...: each value names its position. */
const grid = (rows: number, cols: number): Tensor => arange(rows * cols).reshape(rows, cols).float();
const n = (t: Tensor): number => t.item();

function entry(call: (...inputs: Tensor[]) => Tensor | readonly Tensor[], samples: () => Sample[], errors: OpEntry['errors'], differentiable = true): OpEntry {
  return { call: call as OpEntry['call'], samples, differentiable, errors };
}

// ---- gather / scatter ------------------------------------------------------------------------------

const gatherSamples = (): Sample[] => [
  { kind: 'contiguous', inputs: [uniform([3, 4], { seed: 1 }), i32(1), i32([[0, 3], [1, 1], [2, 0]])], gradgrad: true },
  { kind: 'known values', inputs: [tensor([[1, 2], [3, 4]]), i32(1), i32([[0, 0], [1, 0]])], expected: [[1, 1], [4, 3]] },
  { kind: 'known values, dim 0, index smaller than input', inputs: [grid(3, 3), i32(0), i32([[2, 0], [1, 1]])], expected: [[6, 1], [3, 4]] },
  { kind: 'broadcast', inputs: [uniform([2, 4], { seed: 2 }), i32(1), i32([[0], [3]]).expand(2, 3)] },
  { kind: 'zero-size', inputs: [zeros([0, 3]), i32(1), zeros([0, 2], { dtype: 'int32' })] },
  { kind: 'zero-size index of a non-empty input', inputs: [uniform([2, 3], { seed: 3 }), i32(1), zeros([2, 0], { dtype: 'int32' })] },
  { kind: '0-d', inputs: [tensor(2.5), i32(0), i32(0)], expected: 2.5 },
];

function gatherErrors(): ReturnType<OpEntry['errors']> {
  return [
    { name: 'a float index', call: () => gather(zeros([2, 2]), 0, zeros([2, 2])), message: /^gather: index must be an int32 tensor, got float32 \[2,2\]/ },
    { name: 'an index of another rank', call: () => gather(zeros([4]), 0, zeros([2, 3], { dtype: 'int32' })), message: /^gather: index \[2,3\] has 2 dims but input \[4\] has 1/ },
    { name: 'an index value past the end', call: () => gather(zeros([2, 5]), 1, i32([[7]])), message: /^gather: index 7 is out of bounds for dim 1 with size 5/ },
    { name: 'a negative index value', call: () => gather(zeros([2, 5]), 1, i32([[-1]])), message: /^gather: index -1 is out of bounds for dim 1 with size 5/ },
    { name: 'an index larger than the input off dim', call: () => gather(zeros([2, 5]), 1, zeros([3, 1], { dtype: 'int32' })), message: /^gather: index \[3,1\] is larger than input \[2,5\] at dim 0 \(3 > 2\)/ },
    { name: 'a dim out of range', call: () => gather(zeros([2, 5]), 2, zeros([1, 1], { dtype: 'int32' })), message: /^gather: dim 2 is out of range/ },
  ];
}

/** scatter-like samples: (x, dim, index, src), with no position written twice. */
function scatterSamples(accumulate = false): Sample[] {
  return [
    { kind: 'contiguous', inputs: [uniform([3, 4], { seed: 4 }), i32(1), i32([[0, 3], [2, 1], [1, 0]]), uniform([3, 2], { seed: 5 })], gradgrad: true },
    { kind: 'known values', inputs: [zeros([2, 3]), i32(0), i32([[1, 0, 1]]), tensor([[5, 6, 7]])], expected: [[0, 6, 0], [5, 0, 7]] },
    // every row writes columns 2 and 0 of its own row; src is larger than the index and cropped
    { kind: 'broadcast', inputs: [uniform([3, 4], { seed: 6 }), i32(1), i32([[2, 0]]).expand(3, 2), uniform([3, 3], { seed: 7 })] },
    { kind: 'zero-size', inputs: [uniform([2, 3], { seed: 8 }), i32(1), zeros([2, 0], { dtype: 'int32' }), zeros([2, 0])] },
    { kind: '0-d', inputs: [tensor(1.5), i32(0), i32(0), tensor(-2)], expected: accumulate ? -0.5 : -2 },
  ];
}

function scatterErrors(op: string, f: (x: Tensor, dim: number, index: Tensor, src: Tensor) => Tensor): ReturnType<OpEntry['errors']> {
  const m = (s: string) => new RegExp(`^${op}: ${s}`);
  return [
    { name: 'a float index', call: () => f(zeros([2, 2]), 0, zeros([2, 2]), zeros([2, 2])), message: m('index must be an int32 tensor, got float32 \\[2,2\\]') },
    { name: 'an index value past the end', call: () => f(zeros([2, 5]), 1, i32([[7]]), zeros([1, 1])), message: m('index 7 is out of bounds for dim 1 with size 5') },
    { name: 'a negative index value', call: () => f(zeros([2, 5]), 1, i32([[-2]]), zeros([1, 1])), message: m('index -2 is out of bounds for dim 1 with size 5') },
    { name: 'src smaller than the index', call: () => f(zeros([2, 5]), 1, zeros([2, 2], { dtype: 'int32' }), zeros([2, 1])), message: m('index \\[2,2\\] is larger than src \\[2,1\\] at dim 1 \\(2 > 1\\)') },
    { name: 'an index of another rank', call: () => f(zeros([2, 5]), 1, zeros([2], { dtype: 'int32' }), zeros([2])), message: m('index \\[2\\] has 1 dims but input \\[2,5\\] has 2') },
    { name: 'src of another dtype', call: () => f(zeros([2, 5]), 1, zeros([2, 1], { dtype: 'int32' }), zeros([2, 1], { dtype: 'float64' })), message: m('src dtype float64 does not match input dtype float32') },
  ];
}

// ---- indexSelect, indexAdd, take -------------------------------------------------------------------

const indexAddSamples = (): Sample[] => [
  { kind: 'contiguous', inputs: [uniform([3, 2], { seed: 9 }), i32(0), i32([0, 2, 0]), uniform([3, 2], { seed: 10 })], gradgrad: true },
  { kind: 'known values (repeats accumulate)', inputs: [grid(2, 3), i32(1), i32([2, 0, 2]), tensor([[1, 10, 100], [2, 20, 200]])], expected: [[10, 1, 103], [23, 4, 207]] },
  { kind: 'broadcast', inputs: [uniform([2, 3], { seed: 11 }), i32(1), i32(1).expand(2), uniform([2, 1], { seed: 12 }).expand(2, 2)] },
  { kind: 'zero-size', inputs: [uniform([2, 3], { seed: 13 }), i32(0), zeros([0], { dtype: 'int32' }), zeros([0, 3])] },
  { kind: '0-d', inputs: [tensor(1.5), i32(0), i32(0), tensor(2)], expected: 3.5 },
];

function indexAddErrors(op: string, f: (x: Tensor, dim: number, index: Tensor, src: Tensor) => Tensor): ReturnType<OpEntry['errors']> {
  return [
    { name: 'a 2-D index', call: () => f(zeros([3, 2]), 0, zeros([2, 2], { dtype: 'int32' }), zeros([4, 2])), message: new RegExp(`^${op}: index must be a 1-D int32 tensor, got int32 \\[2,2\\]`) },
    { name: 'src of the wrong shape', call: () => f(zeros([3, 2]), 0, i32([0, 1]), zeros([3, 2])), message: new RegExp(`^${op}: src \\[3,2\\] should have shape \\[2,2\\]`) },
    { name: 'an index value past the end', call: () => f(zeros([3, 2]), 0, i32([3]), zeros([1, 2])), message: new RegExp(`^${op}: index 3 is out of bounds for dim 0 with size 3`) },
    { name: 'src of another dtype', call: () => f(zeros([3, 2]), 0, i32([0]), zeros([1, 2], { dtype: 'int32' })), message: new RegExp(`^${op}: src dtype int32 does not match input dtype float32`) },
  ];
}

// ---- masks ------------------------------------------------------------------------------------------

const maskedFillSamples = (): Sample[] => [
  { kind: 'contiguous', inputs: [uniform([2, 3], { seed: 14 }), bool([[true, false, true], [false, false, true]]), tensor(0.5)], gradgrad: true },
  { kind: 'known values', inputs: [tensor([1, 2, 3]), bool([true, false, true]), tensor(9)], expected: [9, 2, 9] },
  { kind: 'broadcast', inputs: [uniform([2, 3], { seed: 15 }), bool([[true], [false]]), tensor(-1)] },
  { kind: 'zero-size', inputs: [zeros([0, 3]), bool([true, false, true]), tensor(1)] },
  { kind: '0-d', inputs: [tensor(4), bool(true), tensor(1)], expected: 1 },
];

function maskedFillErrors(op: string, f: (x: Tensor, mask: Tensor, value: Tensor | number) => Tensor): ReturnType<OpEntry['errors']> {
  return [
    { name: 'a float mask', call: () => f(zeros([2, 2]), zeros([2, 2]), 1), message: new RegExp(`^${op}: mask must be a bool tensor, got float32 \\[2,2\\]`) },
    { name: 'a 1-D value', call: () => f(zeros([2, 2]), bool([true, false]), zeros([2])), message: new RegExp(`^${op}: value must be a number or a 0-d tensor, got float32 \\[2\\]`) },
    { name: 'a mask that does not broadcast', call: () => f(zeros([2, 2]), bool([true, false, true]), 1), message: new RegExp(`^${op}: shapes \\[2,2\\] and \\[3\\] cannot be broadcast`) },
  ];
}

// ---- advanced indexing --------------------------------------------------------------------------------

function indexErrors(op: string, f: (x: Tensor, ...items: Parameters<typeof index>[1][]) => Tensor): ReturnType<OpEntry['errors']> {
  const m = (s: string) => new RegExp(`^${op}: ${s}`);
  return [
    { name: 'an index value past the end', call: () => f(zeros([3, 5]), null, i32([1, 7])), message: m('index 7 is out of bounds for dim 1 with size 5') },
    { name: 'a negative value past the start', call: () => f(zeros([3, 5]), i32([-4])), message: m('index -4 is out of bounds for dim 0 with size 3') },
    { name: 'a number past the end', call: () => f(zeros([3, 5]), 3), message: m('index 3 is out of bounds for dim 0 with size 3') },
    { name: 'too many indices', call: () => f(zeros([3, 5]), 0, 0, 0), message: m('too many indices for a tensor of shape \\[3,5\\]: 3 dims indexed') },
    { name: 'a float index', call: () => f(zeros([3, 5]), zeros([2])), message: m("index 0 must be a number, null, '...', a slice \\{start, end, step\\} or an int32/bool tensor, got float32 \\[2\\]") },
    { name: 'index tensors that do not broadcast', call: () => f(zeros([3, 5]), i32([0, 1]), i32([0, 1, 2])), message: m('shapes \\[2\\] and \\[3\\] cannot be broadcast') },
    { name: 'a mask of the wrong shape', call: () => f(zeros([3, 5]), bool([[true, false]])), message: m('the mask \\[1,2\\] at index 0 does not match the shape \\[3,5\\] of dims 0..1') },
    { name: 'a zero slice step', call: () => f(zeros([3, 5]), { step: 0 }), message: m('slice step must be a positive integer, got 0') },
    { name: 'an array of fractions', call: () => f(zeros([3, 5]), [0.5, 1]), message: m('index 0 is an array that is neither all integers nor all booleans') },
    { name: 'two ellipses', call: () => f(zeros([3, 5]), '...', '...'), message: m("an index can have only one ellipsis \\('...'\\)") },
  ];
}

/** indexPut-like samples: (x, values, ...index tensors), no position written twice. */
function indexPutSamples(): Sample[] {
  return [
    { kind: 'contiguous', inputs: [uniform([3, 4], { seed: 16 }), uniform([2], { seed: 17 }), i32([0, 2]), i32([3, 1])], gradgrad: true },
    { kind: 'known values', inputs: [grid(2, 3), tensor([-1, -2]), i32([1, 0]), i32([2, 0])], expected: [[-2, 1, 2], [3, 4, -1]] },
    // values [4] broadcast over the two selected rows
    { kind: 'broadcast', inputs: [uniform([3, 4], { seed: 18 }), uniform([4], { seed: 19 }), i32([2, 0])] },
    { kind: 'mask', inputs: [grid(2, 2), tensor(7), bool([[true, false], [false, true]])], expected: [[7, 1], [2, 7]] },
    { kind: 'zero-size', inputs: [uniform([3], { seed: 20 }), tensor(1), zeros([0], { dtype: 'int32' })] },
    { kind: '0-d', inputs: [uniform([3], { seed: 21 }), tensor(5), i32(-1)] },
  ];
}

function indexPutErrors(op: string, f: typeof indexPut): ReturnType<OpEntry['errors']> {
  return [
    { name: 'values that do not broadcast', call: () => f(zeros([3, 4]), [i32([0, 1])], zeros([3])), message: new RegExp(`^${op}: values \\[3\\] cannot be broadcast to the indexed shape \\[2,4\\]`) },
    { name: 'values of another dtype', call: () => f(zeros([3]), [i32([0])], zeros([1], { dtype: 'float64' })), message: new RegExp(`^${op}: values dtype float64 does not match input dtype float32`) },
    { name: 'an index value past the end', call: () => f(zeros([3]), [i32([3])], 1), message: new RegExp(`^${op}: index 3 is out of bounds for dim 0 with size 3`) },
    { name: 'indices that are not an array', call: () => f(zeros([3]), i32([0]) as never, 1), message: new RegExp(`^${op}: indices must be an array of index items`) },
  ];
}

export const indexing = {
  gather: entry((x, d, i) => gather(x!, n(d!), i!), gatherSamples, gatherErrors),
  scatter: entry((x, d, i, s) => scatter(x!, n(d!), i!, s!), scatterSamples, () => scatterErrors('scatter', scatter)),
  scatter_: entry((x, d, i, s) => scatter_(x!.clone(), n(d!), i!, s!), scatterSamples, () => scatterErrors('scatter_', (x, d, i, s) => scatter_(x.clone(), d, i, s))),
  scatterAdd: entry(
    (x, d, i, s) => scatterAdd(x!, n(d!), i!, s!),
    () => [
      ...scatterSamples(true),
      { kind: 'known values (repeats accumulate)', inputs: [zeros([2, 3]), i32(1), i32([[0, 0], [2, 0]]), tensor([[1, 2], [3, 4]])], expected: [[3, 0, 0], [4, 0, 3]] },
      { kind: 'broadcast index with repeats', inputs: [uniform([2, 3], { seed: 22 }), i32(0), i32([[1, 1, 0]]).expand(2, 3), uniform([2, 3], { seed: 23 })] },
    ],
    () => scatterErrors('scatterAdd', scatterAdd),
  ),
  scatterAdd_: entry((x, d, i, s) => scatterAdd_(x!.clone(), n(d!), i!, s!), () => scatterSamples(true), () => scatterErrors('scatterAdd_', (x, d, i, s) => scatterAdd_(x.clone(), d, i, s))),
  indexSelect: entry(
    (x, d, i) => indexSelect(x!, n(d!), i!),
    () => [
      { kind: 'contiguous', inputs: [uniform([3, 4], { seed: 24 }), i32(0), i32([2, 0, 2])], gradgrad: true },
      { kind: 'known values', inputs: [grid(3, 2), i32(0), i32([2, 0])], expected: [[4, 5], [0, 1]] },
      { kind: 'known values, dim 1', inputs: [grid(2, 3), i32(1), i32([1, 1])], expected: [[1, 1], [4, 4]] },
      { kind: 'broadcast', inputs: [uniform([2, 3], { seed: 25 }), i32(1), i32(2).expand(3)] },
      { kind: 'zero-size', inputs: [uniform([2, 3], { seed: 26 }), i32(1), zeros([0], { dtype: 'int32' })] },
      // a 0-d index keeps the dim with size 1, as in PyTorch
      { kind: '0-d', inputs: [grid(2, 3), i32(1), i32(2)], expected: [[2], [5]] },
      { kind: '0-d input', inputs: [tensor(3), i32(0), i32([0])], expected: 3 },
    ],
    () => [
      { name: 'a 2-D float index', call: () => indexSelect(zeros([3]), 0, zeros([2, 2])), message: /^indexSelect: index must be a 1-D int32 tensor, got float32 \[2,2\]/ },
      { name: 'an index value past the end', call: () => indexSelect(zeros([2, 5]), 1, i32([7])), message: /^indexSelect: index 7 is out of bounds for dim 1 with size 5/ },
      { name: 'a negative index value', call: () => indexSelect(zeros([2, 5]), 1, i32([-1])), message: /^indexSelect: index -1 is out of bounds for dim 1 with size 5/ },
      { name: 'two indices into a 0-d input', call: () => indexSelect(zeros([]), 0, i32([0, 0])), message: /^indexSelect: a 0-d input takes exactly one index, got 2/ },
    ],
  ),
  indexAdd: entry((x, d, i, s) => indexAdd(x!, n(d!), i!, s!), indexAddSamples, () => indexAddErrors('indexAdd', indexAdd)),
  indexAdd_: entry((x, d, i, s) => indexAdd_(x!.clone(), n(d!), i!, s!), indexAddSamples, () => indexAddErrors('indexAdd_', (x, d, i, s) => indexAdd_(x.clone(), d, i, s))),
  take: entry(
    (x, i) => take(x!, i!),
    () => [
      { kind: 'contiguous', inputs: [uniform([2, 3], { seed: 27 }), i32([[0, 5], [-1, 2]])], gradgrad: true },
      { kind: 'known values', inputs: [grid(2, 3), i32([[0, 5], [-1, 3]])], expected: [[0, 5], [5, 3]] },
      { kind: 'broadcast', inputs: [uniform([4], { seed: 28 }), i32([1, 3]).expand(2, 2)] },
      { kind: 'zero-size', inputs: [uniform([2, 3], { seed: 29 }), zeros([0], { dtype: 'int32' })] },
      { kind: '0-d', inputs: [tensor(6), i32(0)], expected: 6 },
    ],
    () => [
      { name: 'an index value past the end', call: () => take(zeros([2, 3]), i32([6])), message: /^take: index 6 is out of bounds for input with 6 elements/ },
      { name: 'a negative value past the start', call: () => take(zeros([2, 3]), i32([-7])), message: /^take: index -7 is out of bounds for input with 6 elements/ },
      { name: 'a bool index', call: () => take(zeros([2, 3]), bool([true])), message: /^take: index must be an int32 tensor, got bool \[1\]/ },
    ],
  ),
  maskedFill: entry((x, m, v) => maskedFill(x!, m!, v!), maskedFillSamples, () => maskedFillErrors('maskedFill', maskedFill)),
  maskedFill_: entry(
    (x, m, v) => maskedFill_(x!.clone(), m!, v!),
    maskedFillSamples,
    () => [
      ...maskedFillErrors('maskedFill_', (x, m, v) => maskedFill_(x.clone(), m, v)),
      { name: 'a mask larger than the input', call: () => maskedFill_(zeros([3]), bool([[true], [false]]), 1), message: /^maskedFill_: mask \[2,1\] does not broadcast to the input's shape \[3\]/ },
    ],
  ),
  maskedSelect: entry(
    (x, m) => maskedSelect(x!, m!),
    () => [
      { kind: 'contiguous', inputs: [uniform([2, 3], { seed: 30 }), bool([[true, false, true], [false, true, true]])], gradgrad: true },
      { kind: 'known values', inputs: [grid(2, 2), bool([[false, true], [true, true]])], expected: [1, 2, 3] },
      // the input broadcasts up to the mask: its one row is selected from twice
      { kind: 'broadcast', inputs: [tensor([1, 2, 3]), bool([[true, false, true], [false, true, false]])], expected: [1, 3, 2] },
      { kind: 'zero-size', inputs: [zeros([0, 2]), bool([true, true])] },
      { kind: '0-d', inputs: [tensor(5), bool(true)], expected: [5] },
    ],
    () => [
      { name: 'an int mask', call: () => maskedSelect(zeros([2]), i32([1, 0])), message: /^maskedSelect: mask must be a bool tensor, got int32 \[2\]/ },
      { name: 'a mask that does not broadcast', call: () => maskedSelect(zeros([2]), bool([true, false, true])), message: /^maskedSelect: shapes \[2\] and \[3\] cannot be broadcast/ },
    ],
  ),
  oneHot: entry(
    (i, c) => oneHot(i!, n(c!)),
    () => [
      { kind: 'contiguous', inputs: [i32([0, 2, 1]), i32(-1)], expected: [[1, 0, 0], [0, 0, 1], [0, 1, 0]] },
      { kind: 'broadcast', inputs: [i32([1, 0]).expand(2, 2), i32(3)], expected: [[[0, 1, 0], [1, 0, 0]], [[0, 1, 0], [1, 0, 0]]] },
      { kind: 'zero-size', inputs: [zeros([0], { dtype: 'int32' }), i32(3)] },
      { kind: '0-d', inputs: [i32(1), i32(2)], expected: [0, 1] },
    ],
    () => [
      { name: 'a negative class', call: () => oneHot(i32([-1]), 3), message: /^oneHot: class values must be non-negative, got -1/ },
      { name: 'a class past numClasses', call: () => oneHot(i32([3]), 3), message: /^oneHot: class value 3 is out of range for numClasses 3/ },
      { name: 'an empty index without numClasses', call: () => oneHot(zeros([0], { dtype: 'int32' })), message: /^oneHot: cannot infer the number of classes from an empty index/ },
      { name: 'a float index', call: () => oneHot(zeros([2]), 3), message: /^oneHot: index must be an int32 tensor, got float32 \[2\]/ },
    ],
    false,
  ),
  nonzero: entry(
    (x) => nonzero(x!),
    () => [
      { kind: 'contiguous', inputs: [tensor([[1, 0], [0, NaN]])], expected: [[0, 0], [1, 1]] },
      { kind: 'bool', inputs: [bool([false, true, true])], expected: [[1], [2]] },
      { kind: 'broadcast', inputs: [tensor([[0, 3]]).expand(2, 2)], expected: [[0, 1], [1, 1]] },
      { kind: 'zero-size', inputs: [zeros([2, 0])] },
      // a 0-d input gives one row of no coordinates, or none
      { kind: '0-d', inputs: [tensor(2)], expected: [[]] },
    ],
    () => [{ name: 'a non-tensor input', call: () => nonzero([1, 0] as never), message: /^nonzero: input must be a Tensor, got an array/ }],
    false,
  ),
  argwhere: { aliasOf: 'nonzero' },
  index: entry(
    (x, ...items) => index(x!, ...items),
    () => [
      { kind: 'contiguous', inputs: [uniform([3, 4], { seed: 31 }), i32([0, 2, 2]), i32([3, -1, 0])], gradgrad: true },
      { kind: 'known values', inputs: [grid(3, 4), i32([0, 2]), i32([1, 3])], expected: [1, 11] },
      { kind: 'known values, one index keeps the other dims', inputs: [grid(3, 2), i32([[2], [0]])], expected: [[[4, 5]], [[0, 1]]] },
      { kind: 'broadcast', inputs: [grid(3, 4), i32([[0], [2]]), i32([1, 3])], expected: [[1, 3], [9, 11]] },
      { kind: 'mask', inputs: [grid(2, 3), grid(2, 3).gt(2.5)], expected: [3, 4, 5] },
      { kind: 'zero-size', inputs: [uniform([3, 4], { seed: 32 }), zeros([0], { dtype: 'int32' })] },
      { kind: '0-d', inputs: [grid(3, 2), i32(-1)], expected: [4, 5] },
    ],
    () => indexErrors('index', index),
  ),
  indexPut: entry((x, v, ...i) => indexPut(x!, i, v!), indexPutSamples, () => indexPutErrors('indexPut', indexPut)),
  indexPut_: entry(
    (x, v, ...i) => indexPut_(x!.clone(), i, v!),
    indexPutSamples,
    () => indexPutErrors('indexPut_', (x, i, v, a) => indexPut_(x.clone(), i, v, a)),
  ),
} satisfies OpTableFragment;
