/**
 * Conformance entries for pooling, interpolation, embedding and dropout (spread into `nn` by nn.ts).
 * Each entry fixes its options, named in a comment; test/ops/nn/*.test.ts covers the rest.
 */
import {
  Generator, adaptiveAvgPool1d, adaptiveAvgPool2d, arange, avgPool1d, avgPool2d, bernoulli, dropout, embedding, interpolate,
  maxPool1d, maxPool2d, tensor, zeros,
} from '../../../src/index.js';
import type { Tensor } from '../../../src/index.js';
import type { OpEntry, OpTableFragment } from '../harness.js';
import { randomInts, uniform } from '../../helpers.js';

const SPATIAL = { '0-d': 'spatial ops need a channel dim and at least one spatial dim' } as const;
const u = (shape: number[], seed: number) => uniform(shape, { seed });
/** [1, 1, rows, cols] float32 holding 0, 1, 2, ... */
const plane = (rows: number, cols: number): Tensor => arange(rows * cols).reshape([1, 1, rows, cols]).float();

function entry(call: (...xs: Tensor[]) => Tensor | readonly Tensor[], samples: OpEntry['samples'], errors: OpEntry['errors'], notApplicable?: OpEntry['notApplicable']): OpEntry {
  return { call: call as OpEntry['call'], samples, differentiable: true, errors, ...(notApplicable ? { notApplicable } : {}) };
}

export const nnPool = {
  // kernel 2 (stride 2), ceil mode, with indices
  maxPool2d: entry(
    (x) => maxPool2d(x, { kernelSize: 2, ceilMode: true, returnIndices: true }),
    () => [
      { kind: 'contiguous', inputs: [u([2, 2, 5, 5], 1)], gradgrad: true },
      // repeated along the batch only: no ties inside a window
      { kind: 'broadcast', inputs: [u([1, 2, 4, 4], 2).expand([3, 2, 4, 4])] },
      { kind: 'zero-size', inputs: [zeros([0, 2, 4, 4])] },
      { kind: 'unbatched', inputs: [u([2, 3, 3], 3)] },
      { kind: 'known values', inputs: [plane(4, 4)], expected: [[[[5, 7], [13, 15]]]] },
      { kind: 'known values (ceil mode window over the edge)', inputs: [plane(3, 3)], expected: [[[[4, 5], [7, 8]]]] },
    ],
    () => [
      { name: 'a window larger than the input', call: () => maxPool2d(zeros([1, 1, 2, 2]), 3), message: /^maxPool2d: the window \[3,3\] is larger than the input \[1,1,2,2\] padded by \[0,0\]: the output would be \[0,0\]/ },
      { name: 'padding over half the kernel', call: () => maxPool2d(zeros([1, 1, 4, 4]), { kernelSize: 2, padding: 2 }), message: /^maxPool2d: padding \[2,2\] must be at most half the kernel size \[2,2\]/ },
      { name: 'a zero kernel', call: () => maxPool2d(zeros([1, 1, 4, 4]), 0), message: /^maxPool2d: kernelSize must be a positive integer or a list of 2 of them, got 0/ },
      { name: 'a missing kernel size', call: () => maxPool2d(zeros([1, 1, 4, 4]), {} as never), message: /^maxPool2d: kernelSize must be a positive integer or a list of 2 of them, got undefined/ },
      { name: 'a negative stride', call: () => maxPool2d(zeros([1, 1, 4, 4]), { kernelSize: 2, stride: -1 }), message: /^maxPool2d: stride must be a positive integer/ },
      { name: 'a 5-D input', call: () => maxPool2d(zeros([1, 1, 1, 4, 4]), 2), message: /^maxPool2d: expected a 3-D \(unbatched\) or 4-D/ },
      { name: 'an integer input', call: () => maxPool2d(zeros([1, 1, 4, 4], { dtype: 'int32' }), 2), message: /^maxPool2d: input must be a floating-point tensor/ },
    ],
    SPATIAL,
  ),
  // kernel 2, dilation 2, padding 1
  maxPool1d: entry(
    (x) => maxPool1d(x, { kernelSize: 2, dilation: 2, padding: 1 }),
    () => [
      { kind: 'contiguous', inputs: [u([2, 2, 6], 1)], gradgrad: true },
      { kind: 'broadcast', inputs: [u([1, 1, 6], 2).expand([2, 3, 6])] },
      { kind: 'zero-size', inputs: [zeros([0, 2, 5])] },
      { kind: 'unbatched', inputs: [u([2, 5], 3)] },
      // windows (-1, 1), (1, 3), (3, 5): padding never wins
      { kind: 'known values', inputs: [tensor([[[3, -1, 4, 1, -5, 9]]])], expected: [[[-1, 1, 9]]] },
    ],
    () => [
      { name: 'a window larger than the input', call: () => maxPool1d(zeros([1, 1, 2]), { kernelSize: 2, dilation: 3 }), message: /^maxPool1d: the window \[2\] \(dilated to \[4\]\) is larger than the input \[1,1,2\]/ },
      { name: 'a dilated window that only covers padding', call: () => maxPool1d(zeros([1, 1, 1]), { kernelSize: 2, dilation: 2, padding: 1 }), message: /^maxPool1d: window 0 along spatial dim 0 covers only padding \(input \[1,1,1\], kernel \[2\], dilation \[2\], padding \[1\]\)/ },
      { name: 'a non-boolean ceilMode', call: () => maxPool1d(zeros([1, 1, 4]), { kernelSize: 2, ceilMode: 1 as never }), message: /^maxPool1d: ceilMode must be a boolean/ },
    ],
    SPATIAL,
  ),
  // kernel 3, stride 2, padding 1 (padded zeros counted)
  avgPool2d: entry(
    (x) => avgPool2d(x, { kernelSize: 3, stride: 2, padding: 1 }),
    () => [
      { kind: 'contiguous', inputs: [u([2, 2, 5, 4], 1)], gradgrad: true },
      { kind: 'broadcast', inputs: [u([1, 1, 4, 4], 2).expand([2, 3, 4, 4])] },
      { kind: 'zero-size', inputs: [zeros([0, 2, 4, 4])] },
      { kind: 'unbatched', inputs: [u([2, 3, 3], 3)] },
      { kind: 'known values', inputs: [plane(4, 4)], expected: [[[[10 / 9, 24 / 9], [51 / 9, 10]]]] },
    ],
    () => [
      { name: 'a window larger than the input', call: () => avgPool2d(zeros([1, 1, 2, 2]), 3), message: /^avgPool2d: the window \[3,3\] is larger than the input/ },
      { name: 'a zero divisor', call: () => avgPool2d(zeros([1, 1, 4, 4]), { kernelSize: 2, divisorOverride: 0 }), message: /^avgPool2d: divisorOverride must be a non-zero integer, got 0/ },
      { name: 'a dilation', call: () => avgPool2d(zeros([1, 1, 4, 4]), { kernelSize: 2, dilation: 2 } as never), message: /^avgPool2d: average pooling has no dilation option/ },
      { name: 'padding over half the kernel', call: () => avgPool2d(zeros([1, 1, 4, 4]), { kernelSize: 3, padding: 2 }), message: /^avgPool2d: padding \[2,2\] must be at most half/ },
    ],
    SPATIAL,
  ),
  // kernel 3, stride 2, padding 1, padded zeros not counted, ceil mode
  avgPool1d: entry(
    (x) => avgPool1d(x, { kernelSize: 3, stride: 2, padding: 1, countIncludePad: false, ceilMode: true }),
    () => [
      { kind: 'contiguous', inputs: [u([2, 2, 6], 1)], gradgrad: true },
      { kind: 'broadcast', inputs: [u([1, 1, 6], 2).expand([2, 3, 6])] },
      { kind: 'zero-size', inputs: [zeros([0, 2, 6])] },
      { kind: 'unbatched', inputs: [u([2, 5], 3)] },
      // windows [-1,1], [1,3], [3,5], [5,7] clipped to the input
      { kind: 'known values', inputs: [tensor([[[1, 2, 3, 4, 5, 6]]])], expected: [[[1.5, 3, 5, 6]]] },
    ],
    () => [
      { name: 'a non-boolean countIncludePad', call: () => avgPool1d(zeros([1, 1, 4]), { kernelSize: 2, countIncludePad: 'no' as never }), message: /^avgPool1d: countIncludePad must be a boolean/ },
      { name: 'a bad options argument', call: () => avgPool1d(zeros([1, 1, 4]), 'big' as never), message: /^avgPool1d: expected a kernel size or an options object, got 'big'/ },
    ],
    SPATIAL,
  ),
  // output [3, 2]: uneven windows along H, even along W
  adaptiveAvgPool2d: entry(
    (x) => adaptiveAvgPool2d(x, [3, 2]),
    () => [
      { kind: 'contiguous', inputs: [u([2, 2, 5, 4], 1)], gradgrad: true },
      { kind: 'broadcast', inputs: [u([1, 1, 5, 4], 2).expand([2, 2, 5, 4])] },
      { kind: 'zero-size', inputs: [zeros([0, 2, 4, 4])] },
      { kind: 'unbatched', inputs: [u([2, 4, 4], 3)] },
      // rows [0,2), [1,4), [3,5); columns [0,2), [2,4); value 4r + c
      { kind: 'known values', inputs: [plane(5, 4)], expected: [[[[2.5, 4.5], [8.5, 10.5], [14.5, 16.5]]]] },
    ],
    () => [
      { name: 'a zero output size', call: () => adaptiveAvgPool2d(zeros([1, 1, 4, 4]), 0), message: /^adaptiveAvgPool2d: outputSize must be a positive integer or a list of 2 of them \(null keeps a size\), got 0/ },
      { name: 'a 2-D input', call: () => adaptiveAvgPool2d(zeros([4, 4]), 2), message: /^adaptiveAvgPool2d: expected a 3-D \(unbatched\) or 4-D/ },
    ],
    SPATIAL,
  ),
  // output 3
  adaptiveAvgPool1d: entry(
    (x) => adaptiveAvgPool1d(x, 3),
    () => [
      { kind: 'contiguous', inputs: [u([2, 2, 5], 1)], gradgrad: true },
      { kind: 'broadcast', inputs: [u([1, 1, 5], 2).expand([2, 2, 5])] },
      { kind: 'zero-size', inputs: [zeros([0, 2, 5])] },
      { kind: 'unbatched', inputs: [u([2, 7], 3)] },
      { kind: 'known values', inputs: [tensor([[[1, 2, 3, 4, 5]]])], expected: [[[1.5, 3, 4.5]]] },
    ],
    () => [
      { name: 'a fractional output size', call: () => adaptiveAvgPool1d(zeros([1, 1, 4]), 1.5), message: /^adaptiveAvgPool1d: outputSize must be a positive integer/ },
    ],
    SPATIAL,
  ),
  // 4-D: bilinear, scale 2, alignCorners false; 3-D: nearest to 5 elements
  interpolate: entry(
    (x) => (x.ndim === 4 ? interpolate(x, { scaleFactor: 2, mode: 'bilinear' }) : interpolate(x, { size: 5 })),
    () => [
      { kind: 'contiguous', inputs: [u([2, 2, 3, 2], 1)], gradgrad: true },
      { kind: 'nearest', inputs: [u([2, 2, 3], 2)], gradgrad: true },
      { kind: 'broadcast', inputs: [u([1, 1, 2, 3], 3).expand([2, 2, 2, 3])] },
      { kind: 'zero-size', inputs: [zeros([0, 2, 2, 2])] },
      { kind: 'known values (bilinear)', inputs: [tensor([[[[1, 2], [3, 4]]]])], expected: [[[[1, 1.25, 1.75, 2], [1.5, 1.75, 2.25, 2.5], [2.5, 2.75, 3.25, 3.5], [3, 3.25, 3.75, 4]]]] },
      // PyTorch's legacy nearest: src = floor(dst * 3/5)
      { kind: 'known values (nearest)', inputs: [tensor([[[1, 2, 3]]])], expected: [[[1, 1, 2, 2, 3]]] },
    ],
    () => [
      { name: 'both size and scaleFactor', call: () => interpolate(zeros([1, 1, 2, 2]), { size: 4, scaleFactor: 2 }), message: /^interpolate: give exactly one of size and scaleFactor/ },
      { name: 'neither size nor scaleFactor', call: () => interpolate(zeros([1, 1, 2, 2]), {}), message: /^interpolate: give exactly one of size and scaleFactor/ },
      { name: 'an unknown mode', call: () => interpolate(zeros([1, 1, 2, 2]), { size: 4, mode: 'bicubic' as never }), message: /^interpolate: mode must be 'nearest', 'linear' or 'bilinear', got 'bicubic'/ },
      { name: 'bilinear on 3-D input', call: () => interpolate(zeros([1, 1, 2]), { size: 4, mode: 'bilinear' }), message: /^interpolate: mode 'bilinear' needs a 4-D input, got shape \[1,1,2\]/ },
      { name: 'alignCorners with nearest', call: () => interpolate(zeros([1, 1, 2, 2]), { size: 4, alignCorners: true }), message: /^interpolate: alignCorners can only be set with the linear modes/ },
      { name: 'a scale that empties the output', call: () => interpolate(zeros([1, 1, 2, 2]), { scaleFactor: 0.25 }), message: /^interpolate: scaleFactor 0.25 turns input \[1,1,2,2\] into an empty output \[0,0\]/ },
      { name: 'a negative scale', call: () => interpolate(zeros([1, 1, 2, 2]), { scaleFactor: -2 }), message: /^interpolate: scaleFactor must be a positive number/ },
      { name: 'an unbatched input', call: () => interpolate(zeros([2, 2]), { size: 4 }), message: /^interpolate: expected a 3-D \[N, C, L\] or 4-D \[N, C, H, W\] input, got shape \[2,2\]/ },
    ],
    { '0-d': 'interpolation needs batch, channel and spatial dims' },
  ),
  embedding: entry(
    (idx, w) => embedding(idx!, w!),
    () => [
      { kind: 'contiguous', inputs: [randomInts([2, 3], 0, 5, 1), u([5, 4], 2)] },
      { kind: 'broadcast', inputs: [randomInts([1, 3], 0, 5, 3).expand([2, 3]), u([5, 2], 4)] },
      { kind: 'zero-size', inputs: [zeros([0], { dtype: 'int32' }), u([5, 3], 5)] },
      { kind: '0-d', inputs: [tensor(2, { dtype: 'int32' }), u([4, 3], 6)] },
      { kind: 'known values (repeated rows)', inputs: [tensor([2, 0, 2], { dtype: 'int32' }), arange(6).reshape([3, 2]).float()], expected: [[4, 5], [0, 1], [4, 5]], gradgrad: true },
    ],
    () => [
      { name: 'an index out of range', call: () => embedding(tensor([1, 7], { dtype: 'int32' }), zeros([5, 3])), message: /^embedding: index 7 is out of range for weight \[5,3\] \(5 rows\)/ },
      { name: 'a negative index', call: () => embedding(tensor([-1], { dtype: 'int32' }), zeros([5, 3])), message: /^embedding: index -1 is out of range/ },
      { name: 'float indices', call: () => embedding(tensor([1, 2]), zeros([5, 3])), message: /^embedding: indices must be an int32 tensor, got float32/ },
      { name: 'a 1-D weight', call: () => embedding(tensor([1], { dtype: 'int32' }), zeros([5])), message: /^embedding: weight must be 2-D/ },
      { name: 'paddingIdx out of range', call: () => embedding(tensor([1], { dtype: 'int32' }), zeros([5, 3]), { paddingIdx: 5 }), message: /^embedding: paddingIdx 5 is out of range for weight \[5,3\] \(expected -5..4\)/ },
    ],
  ),
  // p = 0.5 in training mode, the mask drawn from a generator seeded 7 on every call
  dropout: {
    ...entry(
      (x) => dropout(x, 0.5, true, { generator: new Generator(7) }),
      () => {
        const x = arange(1, 9).float();
        const mask = bernoulli(0.5, [8], { generator: new Generator(7) }).toArray();
        const expected = Array.from(x.toArray(), (v, i) => v * mask[i]! * 2);
        return [
          { kind: 'contiguous', inputs: [u([3, 4], 1)], gradgrad: true },
          { kind: 'broadcast', inputs: [u([1, 4], 2).expand([3, 4])] },
          { kind: 'zero-size', inputs: [zeros([0, 3])] },
          { kind: '0-d', inputs: [u([], 3)] },
          { kind: 'known values (kept x2, dropped 0)', inputs: [x], expected },
        ];
      },
      () => [
        { name: 'p above 1', call: () => dropout(zeros([2]), 1.5), message: /^dropout: p must be a probability in \[0, 1\], got 1.5/ },
        { name: 'p NaN', call: () => dropout(zeros([2]), NaN), message: /^dropout: p must be a probability in \[0, 1\], got null/ },
        { name: 'an integer input', call: () => dropout(zeros([2], { dtype: 'int32' })), message: /^dropout: input must be a floating-point tensor/ },
        { name: 'a non-boolean training flag', call: () => dropout(zeros([2]), 0.5, 'yes' as never), message: /^dropout: training must be a boolean/ },
      ],
    ),
    referenceOnly: true,
  },
} satisfies OpTableFragment;
