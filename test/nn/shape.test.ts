import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nn, tensor, zeros, arange, gradcheck, Tensor } from '../../src/index.js';
import { assertClose, uniform } from '../helpers.js';

const u = (shape: number[], seed: number) => uniform(shape, { dtype: 'float64', seed }).requiresGrad_(true);

describe('Identity', () => {
  it('returns its input and ignores constructor arguments', () => {
    const x = tensor([1, 2]);
    assert.equal(new nn.Identity(54, { unused: true }).forward(x), x);
    assert.equal(new nn.Identity().numParameters(), 0);
  });
});

describe('Flatten and Unflatten', () => {
  it('Flatten keeps the batch dim by default; Unflatten undoes it', () => {
    const x = arange(24).reshape(2, 3, 4).float();
    const flat = new nn.Flatten().forward(x);
    assert.deepEqual(flat.shape, [2, 12]);
    assertClose(flat.select(1, 5), [5, 17]);
    assert.deepEqual(new nn.Flatten(0, 1).forward(x).shape, [6, 4]);
    const back = new nn.Unflatten(1, [3, -1]).forward(flat);
    assert.deepEqual(back.shape, [2, 3, 4]);
    assertClose(back, x);
    assert.equal(new nn.Unflatten(1, [3, 4]).toString(), 'Unflatten(dim=1, unflattenedSize=(3, 4))');
  });

  it('pass gradcheck and reject bad sizes', () => {
    assert.ok(gradcheck((x: Tensor) => new nn.Unflatten(-1, [2, 2]).forward(new nn.Flatten().forward(x)), [u([2, 2, 2], 1)]));
    assert.throws(() => new nn.Unflatten(1, []), /unflattenedSize must be a non-empty list/);
    assert.throws(() => new nn.Unflatten(1, [5, 5]).forward(zeros([2, 12])), /unflatten/);
    assert.throws(() => new nn.Flatten(0.5), /Flatten: startDim must be an integer, got 0.5/);
  });
});

describe('Upsample', () => {
  it('nearest doubles each pixel', () => {
    const up = new nn.Upsample({ scaleFactor: 2 });
    assertClose(up.forward(tensor([[[[1, 2], [3, 4]]]])), [[[[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]]]);
    assert.equal(up.extraRepr(), "scaleFactor=2, mode='nearest'");
  });

  it('bilinear with alignCorners interpolates between the corner pixels', () => {
    const up = new nn.Upsample({ size: 3, mode: 'bilinear', alignCorners: true });
    assertClose(up.forward(tensor([[[[0, 1], [2, 3]]]])), [[[[0, 0.5, 1], [1, 1.5, 2], [2, 2.5, 3]]]]);
    assertClose(new nn.Upsample({ size: 3, mode: 'linear', alignCorners: true }).forward(tensor([[[0, 2]]])), [[[0, 1, 2]]]);
  });

  it('passes gradcheck and needs exactly one of size and scaleFactor', () => {
    assert.ok(gradcheck((x: Tensor) => new nn.Upsample({ scaleFactor: 2, mode: 'bilinear' }).forward(x), [u([1, 1, 2, 3], 2)]));
    assert.throws(() => new nn.Upsample({}), /exactly one of size and scaleFactor/);
    assert.throws(() => new nn.Upsample({ size: 2, scaleFactor: 2 }), /exactly one of size and scaleFactor/);
  });
});
