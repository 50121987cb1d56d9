import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gradcheck, gradgradcheck, interpolate, tensor } from '../../../src/index.js';
import type { Tensor } from '../../../src/index.js';
import { assertClose, uniform } from '../../helpers.js';

const u = (shape: number[], seed: number) => uniform(shape, { seed, dtype: 'float64' });
const img = tensor([[[[1, 2], [3, 4]]]]);

describe("interpolate, mode 'nearest'", () => {
  it('repeats pixels when upsampling by an integer factor', () => {
    assert.deepEqual(interpolate(img, { scaleFactor: 2 }).tolist(), [[[[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]]]);
    assert.deepEqual(interpolate(img, { size: [2, 3] }).tolist(), [[[[1, 1, 2], [3, 3, 4]]]]);
  });

  it('picks src = floor(dst * in / out) when downsampling or for fractional factors', () => {
    const x = tensor([[[0, 1, 2, 3, 4]]]);
    assert.deepEqual(interpolate(x, { size: 2 }).tolist(), [[[0, 2]]]);
    assert.deepEqual(interpolate(x, { size: 3 }).tolist(), [[[0, 1, 3]]]);
    // scale 1 / 1.5: floor(j * 0.6667) for j = 0..5
    assert.deepEqual(interpolate(tensor([[[0, 1, 2, 3]]]), { scaleFactor: 1.5 }).tolist(), [[[0, 0, 1, 2, 2, 3]]]);
  });

  it('uses 1 / scaleFactor, not in / out, when a factor is given (PyTorch without recomputeScaleFactor)', () => {
    // 5 * 0.7 = 3.5 -> 3 outputs; the factor maps dst 1 to floor(1 / 0.7) = 1 and dst 2 to floor(2.857) = 2
    assert.deepEqual(interpolate(tensor([[[0, 1, 2, 3, 4]]]), { scaleFactor: 0.7 }).tolist(), [[[0, 1, 2]]]);
    // with size 3 instead: floor(j * 5/3) = 0, 1, 3
    assert.deepEqual(interpolate(tensor([[[0, 1, 2, 3, 4]]]), { size: 3 }).tolist(), [[[0, 1, 3]]]);
  });

  it('sums the gradient of every copy', () => {
    const x = tensor([[[[1, 2], [3, 4]]]], { requiresGrad: true });
    interpolate(x, { scaleFactor: [2, 3] }).sum().backward();
    assert.deepEqual(x.grad!.tolist(), [[[[6, 6], [6, 6]]]]);
  });
});

describe("interpolate, modes 'bilinear' and 'linear'", () => {
  it('match PyTorch with alignCorners false (half-pixel centers, edges clamped)', () => {
    assertClose(interpolate(img, { scaleFactor: 2, mode: 'bilinear' }), [[[[1, 1.25, 1.75, 2], [1.5, 1.75, 2.25, 2.5], [2.5, 2.75, 3.25, 3.5], [3, 3.25, 3.75, 4]]]]);
    assertClose(interpolate(tensor([[[1, 2, 3, 4]]]), { size: 2, mode: 'linear' }), [[[1.5, 3.5]]]);
  });

  it('match PyTorch with alignCorners true (corner pixels fixed)', () => {
    assertClose(interpolate(img, { size: 3, mode: 'bilinear', alignCorners: true }), [[[[1, 1.5, 2], [2, 2.5, 3], [3, 3.5, 4]]]]);
    assertClose(interpolate(tensor([[[1, 2, 3, 4]]]), { size: 3, mode: 'linear', alignCorners: true }), [[[1, 2.5, 4]]]);
    assertClose(interpolate(tensor([[[1, 2, 3, 4]]]), { size: 1, mode: 'linear', alignCorners: true }), [[[1]]]);
  });

  it('keep a NaN local to the outputs that read it', () => {
    const x = tensor([[[[NaN, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1]]]]);
    const y = interpolate(x, { scaleFactor: 2, mode: 'bilinear' }).toArray() as Float32Array;
    const nan = [...y].map((v, i) => (Number.isNaN(v) ? i : -1)).filter((i) => i >= 0);
    // output rows and columns 0..2 read input row/column 0 with a non-zero weight (1, 0.75, 0.25)
    assert.deepEqual(nan, [0, 1, 2, 8, 9, 10, 16, 17, 18]);
  });

  it('return a copy for the identity size', () => {
    const y = interpolate(img, { size: 2, mode: 'bilinear' });
    assert.notEqual(y, img);
    assert.deepEqual(y.tolist(), img.tolist());
  });

  it('pass gradcheck and gradgradcheck', () => {
    const x = u([1, 2, 3, 2], 1).requiresGrad_();
    for (const options of [
      { size: [5, 3], mode: 'bilinear' as const },
      { size: [2, 4], mode: 'bilinear' as const, alignCorners: true },
      { scaleFactor: 1.5, mode: 'bilinear' as const },
      { size: [5, 3] },
    ]) {
      assert.ok(gradcheck((t: Tensor) => interpolate(t, options), [x]));
      assert.ok(gradgradcheck((t: Tensor) => interpolate(t, options), [x]));
    }
  });
});
