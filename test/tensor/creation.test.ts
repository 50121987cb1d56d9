import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  tensor, full, zeros, ones, empty, zerosLike, onesLike, fullLike, emptyLike, arange, linspace, eye, Tensor,
} from '../../src/index.js';
import { assertThrowsMatching } from '../helpers.js';

describe('tensor()', () => {
  it('reads nested arrays into float32 with the nesting as shape', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    assert.ok(t instanceof Tensor);
    assert.equal(t.dtype, 'float32');
    assert.deepEqual(t.shape, [2, 3]);
    assert.equal(t.numel, 6);
    assert.equal(t.ndim, 2);
    assert.ok(t.isContiguous());
    assert.deepEqual(t.tolist(), [[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(Array.from(t.toArray()), [1, 2, 3, 4, 5, 6]);
    assert.ok(t.toArray() instanceof Float32Array);
    assert.deepEqual(tensor([[[1], [2]]]).shape, [1, 2, 1]);
  });

  it('rounds plain numbers to float32 and keeps them exact in float64', () => {
    assert.equal(tensor([0.1]).item(), Math.fround(0.1));
    assert.equal(tensor([0.1], { dtype: 'float64' }).item(), 0.1);
    assert.deepEqual(tensor([1.9, -1.9], { dtype: 'int32' }).tolist(), [1, -1]); // truncation toward zero
  });

  it('makes 0-d tensors from scalars', () => {
    const s = tensor(3.5);
    assert.deepEqual(s.shape, []);
    assert.equal(s.ndim, 0);
    assert.equal(s.numel, 1);
    assert.equal(s.item(), 3.5);
    assert.equal(s.tolist(), 3.5);
    const b = tensor(true);
    assert.equal(b.dtype, 'bool');
    assert.equal(b.tolist(), true);
    assert.equal(b.item(), 1);
  });

  it('makes bool tensors from booleans only; mixed with numbers they count as numbers', () => {
    const b = tensor([true, false, true]);
    assert.equal(b.dtype, 'bool');
    assert.deepEqual(b.tolist(), [true, false, true]);
    assert.ok(b.toArray() instanceof Uint8Array);
    const mixed = tensor([true, 2.5]);
    assert.equal(mixed.dtype, 'float32');
    assert.deepEqual(mixed.tolist(), [1, 2.5]);
    assert.deepEqual(tensor([0, 2, -1, NaN], { dtype: 'bool' }).tolist(), [false, true, true, true]);
  });

  it('makes empty tensors', () => {
    const e = tensor([]);
    assert.deepEqual(e.shape, [0]);
    assert.equal(e.dtype, 'float32');
    assert.equal(e.numel, 0);
    assert.deepEqual(e.tolist(), []);
    assert.deepEqual(tensor([[], []]).shape, [2, 0]);
    assert.deepEqual(tensor([[], []]).tolist(), [[], []]);
  });

  it('copies typed arrays, keeping their dtype, with an optional shape', () => {
    const src = new Float64Array([1, 2, 3, 4]);
    const t = tensor(src, { shape: [2, 2] });
    assert.equal(t.dtype, 'float64');
    assert.deepEqual(t.tolist(), [[1, 2], [3, 4]]);
    src[0] = 100;
    assert.equal(t.tolist() instanceof Array && (t.tolist() as number[][])[0]![0], 1, 'the data is copied');
    assert.equal(tensor(new Int32Array([1, 2])).dtype, 'int32');
    assert.equal(tensor(new Float32Array([1, 2])).dtype, 'float32');
    assert.equal(tensor(new Int16Array([-5, 7])).dtype, 'int32');
    assert.deepEqual(tensor(new Uint32Array([4294967295])).tolist(), [4294967295]);
    assert.equal(tensor(new Uint32Array([1])).dtype, 'float64');
    // A Uint8Array is bool's storage: it round-trips bool tensors...
    const mask = tensor([true, false]);
    assert.deepEqual(tensor(mask.toArray()).tolist(), [true, false]);
    // ...and bytes need an explicit dtype, rather than being silently turned into booleans.
    assert.deepEqual(tensor(new Uint8Array([0, 128, 255]), { dtype: 'int32' }).tolist(), [0, 128, 255]);
    assert.deepEqual(tensor(new Uint8Array([0, 255]), { dtype: 'bool' }).tolist(), [false, true]);
    // A view into a larger buffer reads only its own elements.
    const view = new Float32Array([9, 1, 2, 9]).subarray(1, 3);
    assert.deepEqual(tensor(view).tolist(), [1, 2]);
  });

  it('applies a shape to nested arrays too, and requiresGrad', () => {
    assert.deepEqual(tensor([1, 2, 3, 4], { shape: [2, 2] }).tolist(), [[1, 2], [3, 4]]);
    const w = tensor([1, 2], { requiresGrad: true });
    assert.ok(w.requiresGrad && w.isLeaf);
  });

  it('rejects bad input', () => {
    assertThrowsMatching(() => tensor([[1, 2], [3]]), /^tensor: ragged nested array: data\[1\] should be an array of length 2, got length 1/);
    assertThrowsMatching(() => tensor([1, [2]] as never), /^tensor: expected a number at data\[1\], got an array \(ragged nesting\?\)/);
    assertThrowsMatching(() => tensor([[1], 2] as never), /^tensor: ragged nested array: data\[1\] should be an array of length 1, got number/);
    assertThrowsMatching(() => tensor(['a'] as never), /^tensor: expected a number at data\[0\], got string/);
    assertThrowsMatching(() => tensor([null] as never), /^tensor: expected a number at data\[0\], got null/);
    assertThrowsMatching(() => tensor('abc' as never), /^tensor: expected a number, a boolean, nested arrays of them or a typed array, got string/);
    assertThrowsMatching(() => tensor([1, 2], { dtype: 'int64' as never }), /^tensor: unknown dtype 'int64' \(expected float32, float64, int32 or bool\)/);
    assertThrowsMatching(() => tensor(new Float32Array(3), { shape: [2, 2] }), /^tensor: shape \[2,2\] needs 4 elements, the array has 3/);
    assertThrowsMatching(() => tensor([1, 2, 3], { shape: [2, 2] }), /^tensor: shape \[2,2\] needs 4 elements, the data has 3/);
    assertThrowsMatching(() => tensor(new Float32Array(2), { shape: [-1, -2] }), /^tensor: invalid shape \[-1,-2\]/);
    assertThrowsMatching(() => tensor(new Uint8Array([0, 2])), /^tensor: a Uint8Array is read as bool, but it holds 2 at index 1; pass \{ dtype: 'int32' \}/);
    assertThrowsMatching(() => tensor(new BigInt64Array(2) as never), /^tensor: unsupported array type BigInt64Array/);
    assertThrowsMatching(() => tensor([1, 2], { dtype: 'int32', requiresGrad: true }), /^tensor: only floating-point tensors can require gradients, got dtype int32/);
  });
});

describe('values out', () => {
  it('item() reads one-element tensors of any shape, and refuses others', () => {
    assert.equal(tensor([[7]]).item(), 7);
    assert.equal(tensor([4, 5, 6]).select(0, 2).item(), 6); // a view with an offset
    assertThrowsMatching(() => tensor([1, 2]).item(), /^item: only one-element tensors can be converted to a number, got shape \[2\]/);
    assertThrowsMatching(() => zeros(0).item(), /^item: .* got shape \[0\]/);
  });

  it('toArray() and tolist() follow the logical order of views', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]).T;
    assert.deepEqual(Array.from(t.toArray()), [1, 4, 2, 5, 3, 6]);
    assert.deepEqual(t.tolist(), [[1, 4], [2, 5], [3, 6]]);
    // A contiguous view into a larger storage gives only its own elements.
    assert.deepEqual(Array.from(tensor([[1, 2], [3, 4]]).select(0, 1).toArray()), [3, 4]);
    const copy = t.toArray();
    copy[0] = 99;
    assert.equal(t.tolist() instanceof Array && (t.tolist() as number[][])[0]![0], 1, 'toArray returns a copy');
  });
});

describe('filled tensors', () => {
  it('accepts sizes as numbers or one array, with options', () => {
    assert.deepEqual(zeros(2, 3).shape, [2, 3]);
    assert.deepEqual(zeros([2, 3]).tolist(), [[0, 0, 0], [0, 0, 0]]);
    assert.deepEqual(ones(2, { dtype: 'int32' }).tolist(), [1, 1]);
    assert.equal(ones(2, { dtype: 'int32' }).dtype, 'int32');
    assert.deepEqual(ones([2], { dtype: 'bool' }).tolist(), [true, true]);
    assert.deepEqual(zeros().shape, []);
    assert.deepEqual(zeros([]).shape, []);
    assert.deepEqual(zeros(0, 4).shape, [0, 4]);
    assert.deepEqual(empty(3).tolist(), [0, 0, 0]);
    assert.equal(zeros(2).dtype, 'float32');
    assert.ok(ones(2, { requiresGrad: true }).requiresGrad);
  });

  it('full() infers float32 from numbers and bool from booleans', () => {
    assert.deepEqual(full([2], 7.5).tolist(), [7.5, 7.5]);
    assert.equal(full([2], 7).dtype, 'float32');
    assert.deepEqual(full([2], true).tolist(), [true, true]);
    assert.equal(full([1], true).dtype, 'bool');
    assert.deepEqual(full([2], 3, { dtype: 'bool' }).tolist(), [true, true]);
    assert.deepEqual(full([2], -2, { dtype: 'float64' }).tolist(), [-2, -2]);
    assert.deepEqual(full([], NaN).tolist(), NaN);
  });

  it('*Like() copies shape and dtype, and allows overriding the dtype', () => {
    const x = tensor([[1, 2]], { dtype: 'float64' }).requiresGrad_();
    const z = zerosLike(x);
    assert.deepEqual(z.shape, [1, 2]);
    assert.equal(z.dtype, 'float64');
    assert.equal(z.requiresGrad, false, 'requiresGrad is not inherited');
    assert.deepEqual(onesLike(x, { dtype: 'int32' }).tolist(), [[1, 1]]);
    assert.deepEqual(fullLike(x, 4).tolist(), [[4, 4]]);
    assert.deepEqual(emptyLike(x.T).shape, [2, 1]);
    assert.ok(onesLike(x, { requiresGrad: true }).requiresGrad);
  });

  it('rejects bad sizes and options', () => {
    assertThrowsMatching(() => zeros(-1), /^zeros: invalid shape \[-1\]: sizes must be non-negative integers/);
    assertThrowsMatching(() => ones([2, -3]), /^ones: invalid shape \[2,-3\]/);
    assertThrowsMatching(() => empty(1.5), /^empty: invalid shape \[1.5\]/);
    assertThrowsMatching(() => zeros(NaN), /^zeros: invalid shape \[NaN\]/);
    assertThrowsMatching(() => full([-1], 0), /^full: invalid shape \[-1\]/);
    assertThrowsMatching(() => full(3 as never, 0), /^full: shape must be an array of sizes/);
    assertThrowsMatching(() => zeros(2, '3' as never), /^zeros: expected sizes as numbers \(zeros\(2, 3\)\) or one array/);
    assertThrowsMatching(() => zeros(2, [3] as never), /^zeros: expected sizes as numbers/);
    assertThrowsMatching(() => zeros(2, null as never), /^zeros: expected sizes and an optional options object, got null/);
    assertThrowsMatching(() => zeros([2], { dtype: 'float16' as never }), /^zeros: unknown dtype 'float16'/);
    assertThrowsMatching(() => ones([2], { dtype: 'int32', requiresGrad: true }), /^ones: only floating-point tensors can require gradients/);
    assertThrowsMatching(() => zerosLike([1, 2] as never), /^zerosLike: expected a Tensor, got object/);
    assertThrowsMatching(() => full([1], 'x' as never), /^full: the fill value must be a number or a boolean, got string/);
  });
});

describe('ranges', () => {
  it('arange() gives int32 for integer arguments and float32 otherwise', () => {
    const a = arange(5);
    assert.equal(a.dtype, 'int32');
    assert.deepEqual(a.tolist(), [0, 1, 2, 3, 4]);
    assert.deepEqual(arange(2, 5).tolist(), [2, 3, 4]);
    assert.deepEqual(arange(5, 0, -2).tolist(), [5, 3, 1]);
    assert.deepEqual(arange(0, 1, 0.25).tolist(), [0, 0.25, 0.5, 0.75]);
    assert.equal(arange(0, 1, 0.25).dtype, 'float32');
    assert.deepEqual(arange(3, 3).tolist(), []);
    assert.deepEqual(arange(4, { dtype: 'float64' }).tolist(), [0, 1, 2, 3]);
    assert.equal(arange(1, 3, { dtype: 'float64' }).dtype, 'float64');
    assert.ok(arange(3, { dtype: 'float32', requiresGrad: true }).requiresGrad);
    // The length is ceil((end - start) / step) in double precision, as in PyTorch, rounding quirk
    // included: (1.3 - 1) / 0.1 is 3.0000000000000004, so torch.arange(1, 1.3, 0.1) has 4 values too.
    assert.equal(arange(1, 1.3, 0.1).numel, 4);
    assert.equal(arange(0, 0.3, 0.1).numel, 3);
    assert.equal(arange(0, 10, 3).numel, 4);
  });

  it('arange() rejects zero, wrong-sign and non-finite steps', () => {
    assertThrowsMatching(() => arange(0, 5, 0), /^arange: step must be non-zero/);
    assertThrowsMatching(() => arange(0, 5, -1), /^arange: step -1 has the wrong sign to go from 0 to 5/);
    assertThrowsMatching(() => arange(5, 0), /^arange: step 1 has the wrong sign to go from 5 to 0/);
    assertThrowsMatching(() => arange(0, Infinity), /^arange: end must be a finite number, got Infinity/);
    assertThrowsMatching(() => arange(0, 5, NaN), /^arange: step must be a finite number, got NaN/);
    assertThrowsMatching(() => arange(0, 3e9), /^arange: values from 0 to 2999999999 do not fit in int32; pass \{ dtype: 'float64' \}/);
    assertThrowsMatching(() => arange(3, { dtype: 'int8' as never }), /^arange: unknown dtype 'int8'/);
  });

  it('linspace() includes both ends exactly', () => {
    assert.deepEqual(linspace(0, 1, 5).tolist(), [0, 0.25, 0.5, 0.75, 1]);
    assert.deepEqual(linspace(-1, 1, 3, { dtype: 'float64' }).tolist(), [-1, 0, 1]);
    const l = linspace(0.1, 0.7, 7, { dtype: 'float64' }).tolist() as number[];
    assert.equal(l[0], 0.1);
    assert.equal(l[6], 0.7);
    assert.deepEqual(linspace(3, 10, 1).tolist(), [3], 'one step gives start, as in PyTorch');
    assert.deepEqual(linspace(3, 10, 0).tolist(), []);
    assert.deepEqual(linspace(5, 1, 3).tolist(), [5, 3, 1]);
    assertThrowsMatching(() => linspace(0, 1, -1), /^linspace: steps must be a non-negative integer, got -1/);
    assertThrowsMatching(() => linspace(0, 1, 2.5), /^linspace: steps must be a non-negative integer/);
    assertThrowsMatching(() => linspace(0, NaN, 2), /^linspace: start 0 and end NaN must be finite/);
  });

  it('eye() makes square and rectangular identities', () => {
    assert.deepEqual(eye(2).tolist(), [[1, 0], [0, 1]]);
    assert.deepEqual(eye(2, 3).tolist(), [[1, 0, 0], [0, 1, 0]]);
    assert.deepEqual(eye(3, 1).tolist(), [[1], [0], [0]]);
    assert.equal(eye(2, { dtype: 'int32' }).dtype, 'int32');
    assert.equal(eye(2, 2, { dtype: 'float64' }).dtype, 'float64');
    assert.deepEqual(eye(0).shape, [0, 0]);
    assertThrowsMatching(() => eye(-1), /^eye: invalid shape \[-1,-1\]/);
    assertThrowsMatching(() => eye(2, 1.5), /^eye: invalid shape \[2,1.5\]/);
  });
});
