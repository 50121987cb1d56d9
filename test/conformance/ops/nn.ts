/**
 * Conformance entries for ops/nn/*. One call per entry, so each entry fixes its options (named in a
 * comment); the option space (strides, dilation, groups, 'same', ceil mode...) is covered in
 * test/ops/nn/*.test.ts. A 'broadcast' sample feeds an expanded (stride-0) operand, the layout the
 * kernels must read correctly. Spatial ops have no 0-d form.
 */
import { arange, conv1d, conv2d, convTranspose1d, convTranspose2d, logSoftmax, ones, softmax, tensor, zeros } from '../../../src/index.js';
import type { Tensor } from '../../../src/index.js';
import type { OpEntry, OpTableFragment } from '../harness.js';
import { uniform } from '../../helpers.js';
import { nnPool } from './nn-pool.js';

const SPATIAL = { '0-d': 'spatial ops need a channel dim and at least one spatial dim' } as const;
const u = (shape: number[], seed: number) => uniform(shape, { seed });
/** [1, 1, rows, cols] float32 holding 0, 1, 2, ... */
const plane = (rows: number, cols: number): Tensor => arange(rows * cols).reshape([1, 1, rows, cols]).float();
/** Input channels over weight channels: the groups a sample's shapes imply. */
const groupsOf = (x: Tensor, w: Tensor, spatial: number) => x.shape[x.ndim - spatial - 1]! / w.shape[1]!;
const opt = (b: Tensor | undefined) => b ?? null;

function entry(call: (...xs: Tensor[]) => Tensor | readonly Tensor[], samples: OpEntry['samples'], errors: OpEntry['errors'], notApplicable?: OpEntry['notApplicable']): OpEntry {
  return { call: call as OpEntry['call'], samples, differentiable: true, errors, ...(notApplicable ? { notApplicable } : {}) };
}

export const nn = {
  // dim 0 for inputs of 2+ dims (rows across the storage order), -1 otherwise.
  softmax: entry(
    (x) => softmax(x, x.ndim >= 2 ? 0 : -1),
    () => [
      { kind: 'contiguous', inputs: [u([3, 4], 1)], gradgrad: true },
      { kind: 'broadcast', inputs: [u([1, 4], 2).expand([3, 4])] },
      { kind: 'zero-size', inputs: [zeros([0, 3])] },
      { kind: '0-d', inputs: [u([], 3)], expected: 1 },
      { kind: 'known values', inputs: [tensor([1, 2, 3])], expected: [0.09003057, 0.24472847, 0.66524096] },
      { kind: 'large values (stability)', inputs: [tensor([1000, 1001])], expected: [0.26894142, 0.73105858] },
      // -Infinity is a mask: finite differences cannot move it
      { kind: 'masked entries', inputs: [tensor([0, -Infinity, 0])], expected: [0.5, 0, 0.5], noGradcheck: true },
    ],
    () => [
      { name: 'an integer input', call: () => softmax(tensor([1, 2], { dtype: 'int32' }), 0), message: /^softmax: input must be a floating-point tensor, got int32/ },
      { name: 'a dim out of range', call: () => softmax(zeros([2, 3]), 2), message: /^softmax: dim 2 is out of range/ },
      { name: 'a missing dim', call: () => (softmax as (x: Tensor) => Tensor)(zeros([2])), message: /^softmax: dim must be an integer, got undefined/ },
      { name: 'a bad dtype option', call: () => softmax(zeros([2]), 0, { dtype: 'int32' as never }), message: /^softmax: dtype must be 'float32' or 'float64', got 'int32'/ },
    ],
  ),
  logSoftmax: entry(
    (x) => logSoftmax(x, x.ndim >= 2 ? 0 : -1),
    () => [
      { kind: 'contiguous', inputs: [u([3, 4], 4)], gradgrad: true },
      { kind: 'broadcast', inputs: [u([1, 4], 5).expand([3, 4])] },
      { kind: 'zero-size', inputs: [zeros([0, 3])] },
      { kind: '0-d', inputs: [u([], 6)], expected: 0 },
      { kind: 'known values', inputs: [tensor([1, 2, 3])], expected: [-2.40760596, -1.40760596, -0.40760596] },
      // exp underflows here: log(softmax) would give -Infinity
      { kind: 'far apart', inputs: [tensor([0, 200], { dtype: 'float64' })], expected: [-200, 0] },
    ],
    () => [
      { name: 'an integer input', call: () => logSoftmax(tensor([1, 2], { dtype: 'int32' }), 0), message: /^logSoftmax: input must be a floating-point tensor/ },
      { name: 'a dim out of range', call: () => logSoftmax(zeros([2]), -2), message: /^logSoftmax: dim -2 is out of range/ },
    ],
  ),
  // padding 1; groups from the shapes
  conv2d: entry(
    (x, w, b) => conv2d(x, w, opt(b), { padding: 1, groups: groupsOf(x, w, 2) }),
    () => [
      { kind: 'contiguous', inputs: [u([2, 2, 4, 4], 1), u([3, 2, 3, 3], 2), u([3], 3)] },
      { kind: 'grouped (gradgrad)', inputs: [u([1, 2, 3, 3], 4), u([2, 1, 2, 2], 5), u([2], 6)], gradgrad: true },
      { kind: 'broadcast', inputs: [u([1, 2, 3, 3], 7), u([1, 2, 2, 2], 8).expand([3, 2, 2, 2])] },
      { kind: 'zero-size', inputs: [zeros([0, 2, 3, 3]), u([3, 2, 2, 2], 9)] },
      { kind: 'unbatched', inputs: [u([2, 3, 3], 10), u([1, 2, 2, 2], 11), u([1], 12)] },
      {
        kind: 'known values (2x2 kernel of ones)',
        inputs: [plane(3, 3).add(1), ones([1, 1, 2, 2])],
        expected: [[[[1, 3, 5, 3], [5, 12, 16, 9], [11, 24, 28, 15], [7, 15, 17, 9]]]],
      },
    ],
    () => [
      { name: 'channels that do not match', call: () => conv2d(zeros([8, 3, 32, 32]), zeros([16, 1, 3, 3])), message: /^conv2d: input \[8,3,32,32\] has 3 channels, weight \[16,1,3,3\] expects 1 \(groups=1\)/ },
      { name: 'groups not dividing the output channels', call: () => conv2d(zeros([1, 4, 5, 5]), zeros([3, 2, 3, 3]), null, { groups: 2 }), message: /^conv2d: weight \[3,2,3,3\] has 3 output channels, which groups=2 does not divide/ },
      { name: 'a kernel larger than the padded input', call: () => conv2d(zeros([1, 1, 2, 2]), zeros([1, 1, 3, 3])), message: /^conv2d: kernel \[3,3\] is larger than the padded input \[2,2\]/ },
      { name: 'a dilated kernel too large', call: () => conv2d(zeros([1, 1, 4, 4]), zeros([1, 1, 3, 3]), null, { dilation: 2 }), message: /^conv2d: kernel \[3,3\] \(dilated to \[5,5\]\) is larger than the padded input \[4,4\]/ },
      { name: 'a zero stride', call: () => conv2d(zeros([1, 1, 4, 4]), zeros([1, 1, 3, 3]), null, { stride: 0 }), message: /^conv2d: stride must be a positive integer or a list of 2 of them, got 0/ },
      { name: 'a negative padding', call: () => conv2d(zeros([1, 1, 4, 4]), zeros([1, 1, 3, 3]), null, { padding: [1, -1] }), message: /^conv2d: padding must be a non-negative integer or a list of 2 of them, got \[1,-1\]/ },
      { name: 'an unknown padding mode', call: () => conv2d(zeros([1, 1, 4, 4]), zeros([1, 1, 3, 3]), null, { padding: 'full' as never }), message: /^conv2d: padding must be 'same', 'valid'/ },
      { name: "'same' with a stride", call: () => conv2d(zeros([1, 1, 4, 4]), zeros([1, 1, 3, 3]), null, { padding: 'same', stride: 2 }), message: /^conv2d: padding='same' needs stride 1/ },
      { name: 'bad groups', call: () => conv2d(zeros([1, 2, 4, 4]), zeros([2, 2, 3, 3]), null, { groups: 0 }), message: /^conv2d: groups must be a positive integer, got 0/ },
      { name: 'a 2-D input', call: () => conv2d(zeros([4, 4]), zeros([1, 1, 3, 3])), message: /^conv2d: expected a 3-D \(unbatched\) or 4-D \(batched \[N, C, H, W\]\) input, got shape \[4,4\]/ },
      { name: 'a 3-D weight', call: () => conv2d(zeros([1, 1, 4, 4]), zeros([1, 3, 3])), message: /^conv2d: weight must be 4-D/ },
      { name: 'a bias of the wrong size', call: () => conv2d(zeros([1, 1, 4, 4]), zeros([2, 1, 3, 3]), zeros([3])), message: /^conv2d: bias must have shape \[2\]/ },
      { name: 'mixed dtypes', call: () => conv2d(zeros([1, 1, 4, 4]), zeros([1, 1, 3, 3], { dtype: 'float64' })), message: /^conv2d: weight dtype float64 does not match input dtype float32/ },
      { name: 'an integer input', call: () => conv2d(zeros([1, 1, 4, 4], { dtype: 'int32' }), zeros([1, 1, 3, 3], { dtype: 'int32' })), message: /^conv2d: input must be a floating-point tensor/ },
      { name: 'an empty spatial dim', call: () => conv2d(zeros([1, 1, 0, 4]), zeros([1, 1, 1, 1])), message: /^conv2d: input \[1,1,0,4\] has an empty channel or spatial dim/ },
    ],
    SPATIAL,
  ),
  // padding 1; groups from the shapes
  conv1d: entry(
    (x, w, b) => conv1d(x, w, opt(b), { padding: 1, groups: groupsOf(x, w, 1) }),
    () => [
      { kind: 'contiguous', inputs: [u([2, 2, 5], 1), u([3, 2, 3], 2), u([3], 3)], gradgrad: true },
      { kind: 'broadcast', inputs: [u([1, 4, 1], 4).expand([1, 4, 5]), u([2, 2, 2], 5)] },
      { kind: 'zero-size', inputs: [zeros([0, 2, 4]), u([3, 2, 2], 6)] },
      { kind: 'unbatched', inputs: [u([2, 4], 7), u([2, 2, 3], 8)] },
      { kind: 'known values', inputs: [tensor([[[1, 2, 3]]]), ones([1, 1, 2])], expected: [[[1, 3, 5, 3]]] },
    ],
    () => [
      { name: 'channels that do not match', call: () => conv1d(zeros([1, 3, 8]), zeros([4, 2, 3])), message: /^conv1d: input \[1,3,8\] has 3 channels, weight \[4,2,3\] expects 2 \(groups=1\)/ },
      { name: 'a 4-D input', call: () => conv1d(zeros([1, 1, 4, 4]), zeros([1, 1, 3])), message: /^conv1d: expected a 2-D \(unbatched\) or 3-D \(batched \[N, C, L\]\) input/ },
      { name: 'a kernel larger than the input', call: () => conv1d(zeros([1, 1, 2]), zeros([1, 1, 3])), message: /^conv1d: kernel \[3\] is larger than the padded input \[2\]/ },
      { name: 'a stride pair', call: () => conv1d(zeros([1, 1, 4]), zeros([1, 1, 3]), null, { stride: [1, 1] }), message: /^conv1d: stride must be a positive integer or a list of 1 of them/ },
    ],
    SPATIAL,
  ),
  // stride 2
  convTranspose2d: entry(
    (x, w, b) => convTranspose2d(x, w, opt(b), { stride: 2 }),
    () => [
      { kind: 'contiguous', inputs: [u([2, 2, 2, 3], 1), u([2, 3, 3, 3], 2), u([3], 3)] },
      { kind: 'small (gradgrad)', inputs: [u([1, 1, 2, 2], 4), u([1, 2, 2, 2], 5), u([2], 6)], gradgrad: true },
      { kind: 'broadcast', inputs: [u([1, 2, 1, 2], 7).expand([1, 2, 2, 2]), u([2, 1, 2, 2], 8)] },
      { kind: 'zero-size', inputs: [zeros([0, 2, 2, 2]), u([2, 1, 2, 2], 9)] },
      { kind: 'unbatched', inputs: [u([2, 2, 2], 10), u([2, 1, 3, 3], 11)] },
      {
        kind: 'known values (each input spreads over a 2x2 block)',
        inputs: [tensor([[[[1, 2], [3, 4]]]]), ones([1, 1, 2, 2])],
        expected: [[[[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]]],
      },
    ],
    () => [
      { name: 'channels that do not match', call: () => convTranspose2d(zeros([1, 3, 4, 4]), zeros([2, 4, 3, 3])), message: /^convTranspose2d: input \[1,3,4,4\] has 3 channels, weight \[2,4,3,3\] expects 2/ },
      { name: 'groups not dividing the channels', call: () => convTranspose2d(zeros([1, 3, 4, 4]), zeros([3, 1, 3, 3]), null, { groups: 2 }), message: /^convTranspose2d: weight \[3,1,3,3\] has 3 input channels, which groups=2 does not divide/ },
      { name: 'outputPadding too large', call: () => convTranspose2d(zeros([1, 1, 4, 4]), zeros([1, 1, 3, 3]), null, { stride: 2, outputPadding: 2 }), message: /^convTranspose2d: outputPadding \[2,2\] must be smaller than stride \[2,2\] or dilation \[1,1\]/ },
      { name: 'padding that empties the output', call: () => convTranspose2d(zeros([1, 1, 1, 1]), zeros([1, 1, 1, 1]), null, { padding: 1 }), message: /^convTranspose2d: the output size \[-1,-1\] is not positive/ },
      { name: "'same' padding", call: () => convTranspose2d(zeros([1, 1, 4, 4]), zeros([1, 1, 3, 3]), null, { padding: 'same' as never }), message: /^convTranspose2d: padding must be a non-negative integer/ },
    ],
    SPATIAL,
  ),
  // stride 2
  convTranspose1d: entry(
    (x, w, b) => convTranspose1d(x, w, opt(b), { stride: 2 }),
    () => [
      { kind: 'contiguous', inputs: [u([2, 2, 3], 1), u([2, 3, 3], 2), u([3], 3)], gradgrad: true },
      { kind: 'broadcast', inputs: [u([1, 1, 3], 4).expand([1, 2, 3]), u([2, 1, 2], 5)] },
      { kind: 'zero-size', inputs: [zeros([0, 2, 3]), u([2, 1, 2], 6)] },
      { kind: 'known values', inputs: [tensor([[[1, 2]]]), tensor([[[1, 2, 3]]])], expected: [[[1, 2, 5, 4, 6]]] },
    ],
    () => [
      { name: 'channels that do not match', call: () => convTranspose1d(zeros([1, 3, 4]), zeros([2, 4, 3])), message: /^convTranspose1d: input \[1,3,4\] has 3 channels, weight \[2,4,3\] expects 2/ },
      { name: 'a 2-D weight', call: () => convTranspose1d(zeros([1, 2, 4]), zeros([2, 3])), message: /^convTranspose1d: weight must be 3-D/ },
    ],
    SPATIAL,
  ),
  ...nnPool,
} satisfies OpTableFragment;
