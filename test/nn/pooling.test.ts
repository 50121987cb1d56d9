import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nn, tensor, arange, gradcheck, Tensor } from '../../src/index.js';
import { assertClose, uniform } from '../helpers.js';

const grid = (h: number, w: number) => arange(h * w).reshape(1, 1, h, w).float();
const u = (shape: number[], seed: number) => uniform(shape, { dtype: 'float64', seed }).requiresGrad_(true);
const check = (m: nn.Module, x: Tensor) => gradcheck((x: Tensor) => m.forward(x) as Tensor, [x]);

describe('MaxPool', () => {
  it('MaxPool2d(2) takes the max of each 2x2 block, stride defaulting to the kernel', () => {
    assertClose(new nn.MaxPool2d(2).forward(grid(4, 4)), [[[[5, 7], [13, 15]]]]);
    assert.deepEqual(new nn.MaxPool2d(3, { stride: 2, padding: 1 }).forward(grid(5, 5)).shape, [1, 1, 3, 3]);
    assert.deepEqual(new nn.MaxPool2d({ kernelSize: 2, ceilMode: true }).forward(grid(5, 5)).shape, [1, 1, 3, 3]);
  });

  it('returnIndices gives [values, flat indices into each plane]', () => {
    const [v, i] = new nn.MaxPool2d(2, { returnIndices: true }).forward(grid(2, 4)) as [Tensor, Tensor];
    assertClose(v, [[[[5, 7]]]]);
    assert.deepEqual(i.tolist(), [[[[5, 7]]]]);
  });

  it('MaxPool1d over [N, C, L]', () => {
    assertClose(new nn.MaxPool1d(2, { stride: 1 }).forward(tensor([[[1, 3, 2, 5]]])), [[[3, 3, 5]]]);
  });

  it('passes gradcheck in float64 and prints its settings', () => {
    assert.ok(check(new nn.MaxPool2d(2, { stride: 1 }), u([1, 2, 3, 3], 1)));
    assert.ok(check(new nn.MaxPool1d(3, { stride: 2, padding: 1 }), u([2, 1, 5], 2)));
    assert.equal(new nn.MaxPool2d(2).toString(), 'MaxPool2d(kernelSize=2, stride=2, padding=0, dilation=1, ceilMode=false)');
  });

  it('reports bad windows through the op', () => {
    assert.throws(() => new nn.MaxPool2d(3).forward(grid(2, 2)), /maxPool2d: the window \[3,3\] is larger than the input/);
  });
});

describe('AvgPool', () => {
  it('AvgPool2d(2) averages 2x2 blocks', () => {
    assertClose(new nn.AvgPool2d(2).forward(grid(4, 4)), [[[[2.5, 4.5], [10.5, 12.5]]]]);
  });

  it('AvgPool1d with padding counts the padded zeros unless told not to', () => {
    const x = tensor([[[1, 2, 3, 4]]]);
    assertClose(new nn.AvgPool1d(3, { stride: 1, padding: 1 }).forward(x), [[[1, 2, 3, 7 / 3]]]);
    assertClose(new nn.AvgPool1d({ kernelSize: 3, stride: 1, padding: 1, countIncludePad: false }).forward(x), [[[1.5, 2, 3, 3.5]]]);
    assert.equal(new nn.AvgPool1d(3, { countIncludePad: false }).extraRepr(), 'kernelSize=3, stride=3, padding=0, ceilMode=false, countIncludePad=false');
  });

  it('passes gradcheck in float64', () => {
    assert.ok(check(new nn.AvgPool2d(2, { stride: 1, padding: 1 }), u([1, 1, 3, 3], 3)));
    assert.ok(check(new nn.AvgPool1d(2), u([1, 2, 4], 4)));
  });
});

describe('AdaptiveAvgPool', () => {
  it('AdaptiveAvgPool2d(1) is global average pooling', () => {
    assertClose(new nn.AdaptiveAvgPool2d(1).forward(grid(3, 4)), [[[[5.5]]]]);
  });

  it("uses PyTorch's overlapping windows, and null keeps a dim", () => {
    // Rows of a 3x4 grid: window 0 = rows 0-1, window 1 = rows 1-2.
    assertClose(new nn.AdaptiveAvgPool2d([2, null]).forward(grid(3, 4)), [[[[2, 3, 4, 5], [6, 7, 8, 9]]]]);
    assertClose(new nn.AdaptiveAvgPool1d(2).forward(tensor([[[1, 2, 3]]])), [[[1.5, 2.5]]]);
    assert.equal(new nn.AdaptiveAvgPool2d([2, null]).extraRepr(), 'outputSize=(2, null)');
  });

  it('passes gradcheck in float64', () => {
    assert.ok(check(new nn.AdaptiveAvgPool2d([2, 3]), u([1, 2, 3, 4], 5)));
  });
});
