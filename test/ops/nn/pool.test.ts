import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  adaptiveAvgPool1d, adaptiveAvgPool2d, arange, avgPool1d, avgPool2d, gradcheck, gradgradcheck, maxPool1d, maxPool2d, tensor, zeros,
} from '../../../src/index.js';
import type { Tensor } from '../../../src/index.js';
import { assertClose, uniform } from '../../helpers.js';

const u = (shape: number[], seed: number) => uniform(shape, { seed, dtype: 'float64' });
const row = (values: number[]) => tensor([[values]]);

describe('maxPool2d and maxPool1d', () => {
  it('follow PyTorch output sizes, including the ceil-mode rule that drops a window starting in the padding', () => {
    assert.deepEqual(maxPool1d(zeros([1, 1, 5]), { kernelSize: 2, ceilMode: true }).shape, [1, 1, 3]);
    assert.deepEqual(maxPool1d(zeros([1, 1, 5]), { kernelSize: 2 }).shape, [1, 1, 2]);
    // ceil((5 + 2 - 3) / 3) + 1 = 3, but the third window would start at 5, in the right padding
    assert.deepEqual(maxPool1d(zeros([1, 1, 5]), { kernelSize: 3, stride: 3, padding: 1, ceilMode: true }).shape, [1, 1, 2]);
    assert.deepEqual(maxPool2d(zeros([2, 3, 7, 6]), { kernelSize: [3, 2], stride: [2, 1], padding: [1, 0], dilation: [1, 2] }).shape, [2, 3, 4, 4]);
  });

  it('never picks the -Infinity padding, even over negative inputs', () => {
    assert.deepEqual(maxPool1d(row([-5, -3, -4]), { kernelSize: 2, stride: 1, padding: 1 }).tolist(), [[[-5, -3, -3, -4]]]);
  });

  it('returns flat per-plane argmax indices; ties go to the first', () => {
    const x = tensor([[[1, 9, 9], [4, 2, 0]], [[0, 0, 0], [7, 7, 1]]]); // unbatched [C=2, 2, 3]
    const [y, idx] = maxPool2d(x, { kernelSize: 2, stride: 1, returnIndices: true });
    assert.deepEqual(y.tolist(), [[[9, 9]], [[7, 7]]]);
    assert.deepEqual(idx.tolist(), [[[1, 1]], [[3, 4]]]);
    assert.equal(idx.dtype, 'int32');
    const [, idx1] = maxPool1d(row([3, 1, 4, 1, 5]), { kernelSize: 2, returnIndices: true });
    assert.deepEqual(idx1.tolist(), [[[0, 2]]]);
  });

  it('propagates NaN', () => {
    assert.ok(Number.isNaN((maxPool1d(row([1, NaN, 3, 4]), 2).toArray() as Float32Array)[0]!));
  });

  it('sends each window gradient to its argmax, adding up over overlapping windows', () => {
    const x = tensor([[[1, 3, 2, 0]]], { requiresGrad: true });
    maxPool1d(x, { kernelSize: 2, stride: 1 }).sum().backward();
    assert.deepEqual(x.grad!.tolist(), [[[0, 2, 1, 0]]]);
  });

  it('pass gradcheck and gradgradcheck with stride, padding, dilation and ceil mode', () => {
    const x = u([1, 2, 5, 6], 1).requiresGrad_();
    const f = (t: Tensor) => maxPool2d(t, { kernelSize: [2, 3], stride: [2, 1], padding: [1, 1], dilation: [1, 2], ceilMode: true });
    assert.ok(gradcheck(f, [x]));
    assert.ok(gradgradcheck(f, [x]));
  });
});

describe('avgPool2d and avgPool1d', () => {
  const x = row([1, 2, 3, 4, 5, 6]);

  it('count the padding in the divisor by default, clipped to the padded input in ceil mode', () => {
    // windows [-1,1], [1,3], [3,5], [5,7]; the last covers 5 and the padding at 6 only
    assertClose(avgPool1d(x, { kernelSize: 3, stride: 2, padding: 1, ceilMode: true }), [[[1, 3, 5, 3]]]);
    assertClose(avgPool1d(x, { kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), [[[1.5, 3, 5, 6]]]);
    assertClose(avgPool1d(row([1, 2, 3, 4, 5]), { kernelSize: 2, ceilMode: true }), [[[1.5, 3.5, 5]]]);
  });

  it('divide by divisorOverride when given', () => {
    assertClose(avgPool1d(x, { kernelSize: 2, divisorOverride: 4 }), [[[0.75, 1.75, 2.75]]]);
  });

  it('average 2-D windows', () => {
    const p = arange(16).reshape([1, 1, 4, 4]).float();
    assertClose(avgPool2d(p, 2), [[[[2.5, 4.5], [10.5, 12.5]]]]);
    assertClose(avgPool2d(p, { kernelSize: 3, stride: 2, padding: 1, countIncludePad: false }), [[[[2.5, 4], [8.5, 10]]]]);
  });

  it('spread the gradient over each window, divided by its divisor', () => {
    const t = tensor([[[1, 2, 3, 4, 5]]], { requiresGrad: true });
    avgPool1d(t, { kernelSize: 2, ceilMode: true }).sum().backward();
    assert.deepEqual(t.grad!.tolist(), [[[0.5, 0.5, 0.5, 0.5, 1]]]);
  });

  it('pass gradcheck and gradgradcheck with every option', () => {
    const t = u([2, 1, 5, 4], 2).requiresGrad_();
    for (const options of [
      { kernelSize: 3, stride: 2, padding: 1, ceilMode: true },
      { kernelSize: [3, 2], stride: 1, padding: [1, 0], countIncludePad: false },
      { kernelSize: 2, divisorOverride: 3 },
    ]) {
      assert.ok(gradcheck((v: Tensor) => avgPool2d(v, options), [t]));
      assert.ok(gradgradcheck((v: Tensor) => avgPool2d(v, options), [t]));
    }
  });
});

describe('adaptiveAvgPool2d and adaptiveAvgPool1d', () => {
  it('reduce to the mean with output size 1', () => {
    const x = u([2, 3, 5, 7], 3);
    assertClose(adaptiveAvgPool2d(x, 1), x.mean([2, 3], true));
  });

  it("use PyTorch's windows floor(i*H/out) .. ceil((i+1)*H/out)", () => {
    const x = u([1, 2, 7, 5], 4);
    const y = adaptiveAvgPool2d(x, [3, 4]);
    assert.deepEqual(y.shape, [1, 2, 3, 4]);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 4; j++) {
        const [h0, h1] = [Math.floor((i * 7) / 3), Math.ceil(((i + 1) * 7) / 3)];
        const [w0, w1] = [Math.floor((j * 5) / 4), Math.ceil(((j + 1) * 5) / 4)];
        const expected = x.narrow(2, h0, h1 - h0).narrow(3, w0, w1 - w0).mean([2, 3]);
        assertClose(y.select(3, j).select(2, i), expected, { message: `cell ${i},${j}` });
      }
    }
  });

  it('keep a dim given as null, and accept unbatched input', () => {
    const x = u([3, 6, 4], 5);
    const y = adaptiveAvgPool2d(x, [2, null]);
    assert.deepEqual(y.shape, [3, 2, 4]);
    assertClose(y, x.reshape([3, 2, 3, 4]).mean(2));
    assertClose(adaptiveAvgPool1d(row([1, 2, 3, 4, 5, 6]), 4), [[[1.5, 2.5, 4.5, 5.5]]]);
  });

  it('can enlarge (windows overlap) and pass gradcheck', () => {
    const x = u([1, 1, 2, 3], 6).requiresGrad_();
    assert.deepEqual(adaptiveAvgPool2d(x, [3, 5]).shape, [1, 1, 3, 5]);
    assert.ok(gradcheck((t: Tensor) => adaptiveAvgPool2d(t, [3, 5]), [x]));
    assert.ok(gradgradcheck((t: Tensor) => adaptiveAvgPool2d(t, [3, 2]), [x]));
  });
});
