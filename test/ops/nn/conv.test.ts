import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { conv1d, conv2d, convTranspose1d, convTranspose2d, enableGrad, grad, gradcheck, gradgradcheck, tensor, zeros } from '../../../src/index.js';
import type { Tensor } from '../../../src/index.js';
import { assertClose, uniform } from '../../helpers.js';

const u = (shape: number[], seed: number) => uniform(shape, { seed, dtype: 'float64' });
const dotAll = (a: Tensor, b: Tensor) => a.mul(b).sum().item();

/** x [N, C, H, W] with explicit zero rows/columns added: top, bottom, left, right. */
function padExplicit(x: Tensor, top: number, bottom: number, left: number, right: number): Tensor {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const src = x.contiguous().toArray();
  const out = new Float64Array(N * C * (H + top + bottom) * (W + left + right));
  const Hp = H + top + bottom;
  const Wp = W + left + right;
  for (let p = 0; p < N * C; p++) {
    for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) out[(p * Hp + h + top) * Wp + w + left] = src[(p * H + h) * W + w]!;
  }
  return tensor(out, { shape: [N, C, Hp, Wp] });
}

describe('conv2d options', () => {
  it("'same' pads like PyTorch: the odd extra zero goes at the end", () => {
    const x = u([1, 2, 5, 4], 1);
    for (const [kernel, dilation] of [[[2, 4], [1, 1]], [[2, 3], [3, 1]], [[3, 3], [2, 2]]] as const) {
      const w = u([3, 2, kernel[0], kernel[1]], 2);
      const total = kernel.map((k, i) => dilation[i]! * (k - 1));
      const [th, tw] = total as [number, number];
      const expected = conv2d(padExplicit(x, Math.floor(th / 2), th - Math.floor(th / 2), Math.floor(tw / 2), tw - Math.floor(tw / 2)), w, null, { dilation: [...dilation] });
      const y = conv2d(x, w, null, { padding: 'same', dilation: [...dilation] });
      assert.deepEqual(y.shape, [1, 3, 5, 4]);
      assertClose(y, expected, { message: `kernel ${kernel} dilation ${dilation}` });
    }
  });

  it("'valid' is padding 0, and a number applies to both dims", () => {
    const x = u([1, 1, 4, 5], 3);
    const w = u([2, 1, 3, 2], 4);
    assertClose(conv2d(x, w, null, { padding: 'valid' }), conv2d(x, w));
    assertClose(conv2d(x, w, null, { padding: 1, stride: 2 }), conv2d(x, w, null, { padding: [1, 1], stride: [2, 2] }));
  });

  it('gives PyTorch output sizes for stride, padding and dilation', () => {
    const y = conv2d(zeros([2, 3, 11, 7]), zeros([4, 3, 3, 2]), null, { stride: [2, 3], padding: [1, 2], dilation: [2, 1] });
    // floor((11 + 2 - 4 - 1) / 2) + 1 = 5; floor((7 + 4 - 1 - 1) / 3) + 1 = 4
    assert.deepEqual(y.shape, [2, 4, 5, 4]);
  });

  it('groups convolve channel groups independently', () => {
    const x = u([1, 4, 3, 3], 5);
    const w = u([2, 2, 2, 2], 6);
    const y = conv2d(x, w, null, { groups: 2 });
    const first = conv2d(x.narrow(1, 0, 2), w.narrow(0, 0, 1));
    const second = conv2d(x.narrow(1, 2, 2), w.narrow(0, 1, 1));
    assertClose(y.narrow(1, 0, 1), first);
    assertClose(y.narrow(1, 1, 1), second);
  });

  it('adds the bias per output channel', () => {
    const x = u([2, 1, 3, 3], 7);
    const w = u([2, 1, 2, 2], 8);
    const b = tensor([10, -20], { dtype: 'float64' });
    assertClose(conv2d(x, w, b), conv2d(x, w).add(b.reshape([1, 2, 1, 1])));
  });

  it('accepts unbatched [C, H, W] input', () => {
    const x = u([2, 4, 4], 9);
    const w = u([3, 2, 3, 3], 10);
    const y = conv2d(x, w, null, { padding: 1 });
    assert.deepEqual(y.shape, [3, 4, 4]);
    assertClose(y, conv2d(x.unsqueeze(0), w, null, { padding: 1 }).squeeze(0));
  });

  it('handles an empty batch, forward and backward', () => {
    const w = u([3, 2, 2, 2], 11).requiresGrad_();
    const y = conv2d(zeros([0, 2, 3, 3], { dtype: 'float64' }), w);
    assert.deepEqual(y.shape, [0, 3, 2, 2]);
    y.sum().backward();
    assert.deepEqual(w.grad!.tolist(), zeros([3, 2, 2, 2]).tolist());
  });

  it('passes gradcheck and gradgradcheck with stride, padding, dilation and groups together', () => {
    const x = u([2, 4, 5, 6], 12).requiresGrad_();
    const w = u([2, 2, 2, 3], 13).requiresGrad_();
    const b = u([2], 14).requiresGrad_();
    const f = (x: Tensor, w: Tensor, b: Tensor) => conv2d(x, w, b, { stride: [2, 1], padding: [1, 0], dilation: [1, 2], groups: 2 });
    assert.ok(gradcheck(f, [x, w, b]));
    const xs = u([1, 2, 3, 3], 15).requiresGrad_();
    const ws = u([2, 1, 2, 2], 16).requiresGrad_();
    assert.ok(gradgradcheck((x: Tensor, w: Tensor) => conv2d(x, w, null, { stride: 2, padding: 1, groups: 2 }), [xs, ws]));
    assert.ok(gradgradcheck((x: Tensor, w: Tensor) => conv2d(x, w, null, { padding: 'same' }), [xs, u([1, 2, 2, 2], 17).requiresGrad_()]));
  });

  it('supports a gradient penalty (the gradient of a gradient norm)', () => {
    const x = u([1, 1, 4, 4], 18).requiresGrad_();
    const w = u([1, 1, 3, 3], 19).requiresGrad_();
    // gradcheck evaluates under noGrad; the penalty's inner gradient needs recording anyway
    const penalty = (w: Tensor) =>
      enableGrad(() => {
        const y = conv2d(x, w, null, { padding: 1 }).tanh().sum();
        const [gx] = grad(y, x, { createGraph: true });
        return gx!.square().sum();
      });
    assert.ok(gradcheck(penalty, [w]));
  });
});

describe('conv1d', () => {
  it('is conv2d on a unit height', () => {
    const x = u([2, 4, 9], 20);
    const w = u([6, 2, 3], 21);
    const b = u([6], 22);
    const options = { stride: 2, padding: 2, dilation: 2, groups: 2 };
    assertClose(conv1d(x, w, b, options), conv2d(x.unsqueeze(2), w.unsqueeze(2), b, { stride: [1, 2], padding: [0, 2], dilation: [1, 2], groups: 2 }).squeeze(2));
    assert.deepEqual(conv1d(x.select(0, 0), w, b, { padding: 'same', groups: 2 }).shape, [6, 9]);
  });
});

describe('convTranspose2d', () => {
  it('is the adjoint of conv2d with the same options', () => {
    const x = u([2, 4, 7, 6], 23);
    const w = u([6, 2, 3, 2], 24);
    const options = { stride: [2, 3], padding: [1, 0], dilation: [2, 1], groups: 2 };
    const y = conv2d(x, w, null, options);
    const g = u(y.shape as number[], 25);
    // 7 = (4-1)*2 - 2 + 4 + op + 1 -> op 0; 6 = (2-1)*3 + 1 + op + 1 -> op 1
    const back = convTranspose2d(g, w, null, { ...options, outputPadding: [0, 1] });
    assert.deepEqual(back.shape, x.shape);
    assert.ok(Math.abs(dotAll(y, g) - dotAll(x, back)) < 1e-10);
  });

  it('doubles the size with stride 2, padding 1, outputPadding 1 and a 3x3 kernel', () => {
    assert.deepEqual(convTranspose2d(zeros([1, 3, 5, 4]), zeros([3, 2, 3, 3]), null, { stride: 2, padding: 1, outputPadding: 1 }).shape, [1, 2, 10, 8]);
  });

  it('adds the bias per output channel, with groups', () => {
    const x = u([1, 4, 2, 2], 26);
    const w = u([4, 3, 2, 2], 27);
    const b = u([6], 28);
    const y = convTranspose2d(x, w, b, { groups: 2 });
    assert.deepEqual(y.shape, [1, 6, 3, 3]);
    assertClose(y, convTranspose2d(x, w, null, { groups: 2 }).add(b.reshape([6, 1, 1])));
  });

  it('passes gradcheck and gradgradcheck with outputPadding and groups', () => {
    const x = u([1, 2, 2, 2], 29).requiresGrad_();
    const w = u([2, 1, 2, 2], 30).requiresGrad_();
    const b = u([2], 31).requiresGrad_();
    const f = (x: Tensor, w: Tensor, b: Tensor) => convTranspose2d(x, w, b, { stride: 2, outputPadding: 1, groups: 2 });
    assert.ok(gradcheck(f, [x, w, b]));
    assert.ok(gradgradcheck(f, [x, w, b]));
  });
});

describe('convTranspose1d', () => {
  it('is convTranspose2d on a unit height and accepts unbatched input', () => {
    const x = u([2, 2, 4], 32);
    const w = u([2, 3, 3], 33);
    const options = { stride: 2, padding: 1, outputPadding: 1, dilation: 1 };
    const y = convTranspose1d(x, w, null, options);
    assertClose(y, convTranspose2d(x.unsqueeze(2), w.unsqueeze(2), null, { stride: [1, 2], padding: [0, 1], outputPadding: [0, 1] }).squeeze(2));
    assertClose(convTranspose1d(x.select(0, 1), w, null, options), y.select(0, 1));
  });
});
