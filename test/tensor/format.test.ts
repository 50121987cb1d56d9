import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, arange, zeros, full, linspace } from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { pyExponential, pyFixed } from '../../src/tensor/format.js';
import { assertThrowsMatching } from '../helpers.js';

const nan = NaN;
const inf = Infinity;
const f = (n: number): Tensor => arange(n).float();

/**
 * Each expected string is what PyTorch 1.13 prints for the same values (`repr(t)`), with our
 * spellings: `true`/`false`, `dtype=float64` for `dtype=torch.float64`, `requiresGrad=true` for
 * `requires_grad=True`, and int32 in the role of int64 except that int32 always names its dtype.
 */
const CASES: [string, () => string, string][] = [
  ['ints-as-float', () => tensor([1, 2, 3]).toString(), "tensor([1., 2., 3.])"],
  ['fractions', () => tensor([1.5, 2.25]).toString(), "tensor([1.5000, 2.2500])"],
  ['sci', () => tensor([1e-8, 1e10]).toString(), "tensor([1.0000e-08, 1.0000e+10])"],
  ['2d', () => tensor([[1, 2], [3, 4]]).toString(), "tensor([[1., 2.],\n        [3., 4.]])"],
  ['3d', () => f(24).reshape(2, 3, 4).toString(), "tensor([[[ 0.,  1.,  2.,  3.],\n         [ 4.,  5.,  6.,  7.],\n         [ 8.,  9., 10., 11.]],\n\n        [[12., 13., 14., 15.],\n         [16., 17., 18., 19.],\n         [20., 21., 22., 23.]]])"],
  ['4d', () => f(16).reshape(2, 2, 2, 2).div(3).toString(), "tensor([[[[0.0000, 0.3333],\n          [0.6667, 1.0000]],\n\n         [[1.3333, 1.6667],\n          [2.0000, 2.3333]]],\n\n\n        [[[2.6667, 3.0000],\n          [3.3333, 3.6667]],\n\n         [[4.0000, 4.3333],\n          [4.6667, 5.0000]]]])"],
  ['0d-int', () => tensor(3).toString(), "tensor(3.)"],
  ['0d-frac', () => tensor(3.5).toString(), "tensor(3.5000)"],
  ['0d-neg', () => tensor(-0.25).toString(), "tensor(-0.2500)"],
  ['empty', () => tensor([]).toString(), "tensor([])"],
  ['empty-2d', () => zeros(0, 3).toString(), "tensor([], size=(0, 3))"],
  ['empty-3d-f64', () => zeros([2, 0, 1], { dtype: 'float64' }).toString(), "tensor([], size=(2, 0, 1), dtype=float64)"],
  ['empty-int', () => zeros([0], { dtype: 'int32' }).toString(), "tensor([], dtype=int32)"],
  ['empty-bool', () => zeros([0], { dtype: 'bool' }).toString(), "tensor([], dtype=bool)"],
  ['summ-1d', () => f(2000).toString(), "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])"],
  ['summ-2d', () => f(2000).reshape(40, 50).toString(), "tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 4.7000e+01, 4.8000e+01,\n         4.9000e+01],\n        [5.0000e+01, 5.1000e+01, 5.2000e+01,  ..., 9.7000e+01, 9.8000e+01,\n         9.9000e+01],\n        [1.0000e+02, 1.0100e+02, 1.0200e+02,  ..., 1.4700e+02, 1.4800e+02,\n         1.4900e+02],\n        ...,\n        [1.8500e+03, 1.8510e+03, 1.8520e+03,  ..., 1.8970e+03, 1.8980e+03,\n         1.8990e+03],\n        [1.9000e+03, 1.9010e+03, 1.9020e+03,  ..., 1.9470e+03, 1.9480e+03,\n         1.9490e+03],\n        [1.9500e+03, 1.9510e+03, 1.9520e+03,  ..., 1.9970e+03, 1.9980e+03,\n         1.9990e+03]])"],
  ['summ-int', () => arange(1001).toString(), "tensor([   0,    1,    2,  ...,  998,  999, 1000], dtype=int32)"],
  ['zero-ten', () => tensor([0, 10]).toString(), "tensor([ 0., 10.])"],
  ['nonfinite', () => tensor([nan, inf, -inf, 1.5]).toString(), "tensor([   nan,    inf,   -inf, 1.5000])"],
  ['nonfinite-int-mode', () => tensor([nan, 1, 2]).toString(), "tensor([nan, 1., 2.])"],
  ['nonfinite-only', () => tensor([nan, inf]).toString(), "tensor([nan, inf])"],
  ['neg-zero', () => tensor([-0, 1]).toString(), "tensor([-0., 1.])"],
  ['ties', () => tensor([0.03125, 0.09375, 0.15625]).toString(), "tensor([0.0312, 0.0938, 0.1562])"],
  ['small-sci', () => tensor([1e-5, 1]).toString(), "tensor([1.0000e-05, 1.0000e+00])"],
  ['big-int-sci', () => tensor([123456789, 1]).toString(), "tensor([1.2346e+08, 1.0000e+00])"],
  ['ratio-500', () => tensor([1000.5, 2]).toString(), "tensor([1000.5000,    2.0000])"],
  ['int-ratio-1001', () => tensor([1, 1001]).toString(), "tensor([1.0000e+00, 1.0010e+03])"],
  ['int-ratio-1000', () => tensor([1, 1000]).toString(), "tensor([   1., 1000.])"],
  ['wrap', () => f(30).mul(1.5).toString(), "tensor([ 0.0000,  1.5000,  3.0000,  4.5000,  6.0000,  7.5000,  9.0000, 10.5000,\n        12.0000, 13.5000, 15.0000, 16.5000, 18.0000, 19.5000, 21.0000, 22.5000,\n        24.0000, 25.5000, 27.0000, 28.5000, 30.0000, 31.5000, 33.0000, 34.5000,\n        36.0000, 37.5000, 39.0000, 40.5000, 42.0000, 43.5000])"],
  ['wrap-2d', () => f(40).reshape(2, 20).mul(1.25).toString(), "tensor([[ 0.0000,  1.2500,  2.5000,  3.7500,  5.0000,  6.2500,  7.5000,  8.7500,\n         10.0000, 11.2500, 12.5000, 13.7500, 15.0000, 16.2500, 17.5000, 18.7500,\n         20.0000, 21.2500, 22.5000, 23.7500],\n        [25.0000, 26.2500, 27.5000, 28.7500, 30.0000, 31.2500, 32.5000, 33.7500,\n         35.0000, 36.2500, 37.5000, 38.7500, 40.0000, 41.2500, 42.5000, 43.7500,\n         45.0000, 46.2500, 47.5000, 48.7500]])"],
  ['float64', () => tensor([1, 2], { dtype: 'float64' }).toString(), "tensor([1., 2.], dtype=float64)"],
  ['requires-grad', () => tensor([1, 2], { requiresGrad: true }).toString(), "tensor([1., 2.], requiresGrad=true)"],
  ['bool', () => tensor([true, false]).toString(), "tensor([ true, false])"],
  ['bool-2d', () => tensor([[true], [false]]).toString(), "tensor([[ true],\n        [false]])"],
  ['ints', () => tensor([1, -20, 300], { dtype: 'int32' }).toString(), "tensor([  1, -20, 300], dtype=int32)"],
  ['int-2d', () => tensor([[1, -20], [300, 4]], { dtype: 'int32' }).toString(), "tensor([[  1, -20],\n        [300,   4]], dtype=int32)"],
  ['zeros', () => zeros(3).toString(), "tensor([0., 0., 0.])"],
  ['2d-sci', () => tensor([[1e-8, 1], [2, 3]]).toString(), "tensor([[1.0000e-08, 1.0000e+00],\n        [2.0000e+00, 3.0000e+00]])"],
  ['suffix-wrap', () => tensor(new Array(9).fill(1.123456), { dtype: 'float64', requiresGrad: true }).toString(), "tensor([1.1235, 1.1235, 1.1235, 1.1235, 1.1235, 1.1235, 1.1235, 1.1235, 1.1235],\n       dtype=float64, requiresGrad=true)"],
  ['precision-2', () => tensor([1.23456, 2.5]).toString({ precision: 2 }), "tensor([1.23, 2.50])"],
  ['precision-0', () => tensor([1.5, 2.5, 0.5]).toString({ precision: 0 }), "tensor([2, 2, 0])"],
  ['precision-2-sci', () => tensor([1.23456e-7, 2.5]).toString({ precision: 2 }), "tensor([1.23e-07, 2.50e+00])"],
  ['float32-tenth', () => tensor([0.1, 0.2]).toString(), "tensor([0.1000, 0.2000])"],
  ['neg-align', () => tensor([-1.5, 2.25, 10]).toString(), "tensor([-1.5000,  2.2500, 10.0000])"],
  ['sci-carry', () => tensor([9.99996e-5, 1]).toString(), "tensor([1.0000e-04, 1.0000e+00])"],
  ['fixed-carry', () => tensor([9.99996, 0.5]).toString(), "tensor([10.0000,  0.5000])"],
  ['big-exp', () => tensor([1e-300, 1e300], { dtype: 'float64' }).toString(), "tensor([1.0000e-300, 1.0000e+300], dtype=float64)"],
  ['seven', () => f(7).toString(), "tensor([0., 1., 2., 3., 4., 5., 6.])"],
  ['max-1e8', () => tensor([1e8, 1.5e8]).toString(), "tensor([1.0000e+08, 1.5000e+08])"],
  ['one-elem-2d', () => tensor([[5]]).toString(), "tensor([[5.]])"],
  ['summ-rows-only', () => f(2000).reshape(2, 1000).toString(), "tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 9.9700e+02, 9.9800e+02,\n         9.9900e+02],\n        [1.0000e+03, 1.0010e+03, 1.0020e+03,  ..., 1.9970e+03, 1.9980e+03,\n         1.9990e+03]])"],
  ['summ-float-wide', () => linspace(-1, 1, 1500).toString(), "tensor([-1.0000, -0.9987, -0.9973,  ...,  0.9973,  0.9987,  1.0000])"],
];

describe('toString() prints as PyTorch does', () => {
  for (const [name, build, expected] of CASES) {
    it(name, () => assert.equal(build(), expected));
  }
});

describe('toString() details of our own', () => {
  it('names the gradient function of non-leaf tensors', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    assert.equal(x.mul(2).toString(), 'tensor([2., 4.], gradFn=<mul>)');
    assert.equal(x.detach().toString(), 'tensor([1., 2.])');
  });

  it('prints views in their logical order', () => {
    assert.equal(tensor([[1, 2, 3], [4, 5, 6]]).T.toString(), 'tensor([[1., 4.],\n        [2., 5.],\n        [3., 6.]])');
    assert.equal(tensor([1.5, 2, 3]).select(0, 0).toString(), 'tensor(1.5000)');
    assert.equal(tensor([1, 2, 3]).expand(2, 3).toString(), 'tensor([[1., 2., 3.],\n        [1., 2., 3.]])');
  });

  it('chooses the format from the printed values only when summarizing', () => {
    // The huge middle value is hidden by the summary, so it does not force scientific notation
    // (PyTorch prints the same).
    const t = full([2000], 1.5);
    t.data[1000] = 1e20;
    assert.equal(t.toString(), 'tensor([1.5000, 1.5000, 1.5000,  ..., 1.5000, 1.5000, 1.5000])');
  });

  it('prints a disposed tensor without reading it', () => {
    const t = tensor([1, 2]);
    t.dispose();
    assert.equal(t.toString(), 'tensor(<disposed>, shape=[2], dtype=float32)');
  });

  it('rejects a bad precision', () => {
    assertThrowsMatching(() => tensor([1]).toString({ precision: -1 }), /^toString: precision must be an integer from 0 to 20, got -1/);
    assertThrowsMatching(() => tensor([1]).toString({ precision: 1.5 }), /^toString: precision must be an integer/);
  });
});

describe('number formatting as Python\'s format()', () => {
  it('rounds half to even on the exact binary value', () => {
    assert.equal(pyFixed(0.125, 2), '0.12');
    assert.equal(pyFixed(0.375, 2), '0.38');
    assert.equal(pyFixed(2.5, 0), '2');
    assert.equal(pyFixed(3.5, 0), '4');
    assert.equal(pyFixed(1.005, 2), '1.00'); // 1.005 is 1.00499999999999989... in binary
    assert.equal(pyFixed(-0.00001, 4), '-0.0000');
    assert.equal(pyFixed(1e21, 1), '1000000000000000000000.0');
    assert.equal(pyExponential(125, 1), '1.2e+02');
    assert.equal(pyExponential(0, 4), '0.0000e+00');
    assert.equal(pyExponential(-9.99995e-10, 4), '-9.9999e-10'); // just below the tie in binary
    assert.equal(pyExponential(-9.99996e-10, 4), '-1.0000e-09'); // carries into the exponent
    assert.equal(pyExponential(5e-324, 2), '4.94e-324');
    assert.equal(pyExponential(1.5, 0), '2e+00');
    assert.equal(pyExponential(2.5, 0), '2e+00');
  });
});
