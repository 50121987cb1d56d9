/**
 * dtypes: PyTorch's type promotion (as torch.result_type gives it, with int32 in int64's role) and
 * conversions with `to()`.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { grad, promoteTypes, resultType, tensor, to, Tensor } from '../../src/index.js';
import type { DType } from '../../src/index.js';
import { canCast, castValue, scalarDType, toFloating } from '../../src/tensor/dtype.js';
import { assertThrowsMatching } from '../helpers.js';

const t = (dtype: DType, ndim = 1) => ({ dtype, ndim });
const z = (dtype: DType) => ({ dtype, ndim: 0 });

describe('resultType: PyTorch\'s promotion rules', () => {
  // [what, operands, torch.result_type's answer with int64 read as int32]
  const cases: [string, Parameters<typeof resultType>, DType][] = [
    ['int32 tensor + integer scalar', [t('int32'), 2], 'int32'],
    ['int32 tensor + float scalar', [t('int32'), 2.5], 'float32'],
    ['float32 tensor + float64 0-d tensor', [t('float32'), z('float64')], 'float32'],
    ['int32 tensor + float64 0-d tensor', [t('int32'), z('float64')], 'float64'],
    ['int32 tensor + float32 0-d tensor', [t('int32'), z('float32')], 'float32'],
    ['bool tensor + bool tensor', [t('bool'), t('bool')], 'bool'],
    ['bool tensor + integer scalar', [t('bool'), 1], 'int32'],
    ['bool tensor + float scalar', [t('bool'), 1.5], 'float32'],
    ['bool tensor + bool scalar', [t('bool'), true], 'bool'],
    ['int32 tensor + bool scalar', [t('int32'), true], 'int32'],
    ['float32 [3] + float64 [3]', [t('float32'), t('float64')], 'float64'],
    ['float64 tensor + float scalar', [t('float64'), 2.5], 'float64'],
    ['float32 tensor + int32 tensor', [t('float32'), t('int32')], 'float32'],
    ['float32 tensor + int32 0-d tensor', [t('float32'), z('int32')], 'float32'],
    ['bool tensor + int32 0-d tensor', [t('bool'), z('int32')], 'int32'],
    ['bool tensor + float64 0-d tensor', [t('bool'), z('float64')], 'float64'],
    ['int32 0-d + float scalar (no dimensioned tensor)', [z('int32'), 2.5], 'float32'],
    ['float64 0-d + float32 0-d', [z('float64'), z('float32')], 'float64'],
    ['float32 0-d + integer scalar', [z('float32'), 3], 'float32'],
    ['int32 tensor + float64 0-d + float scalar', [t('int32'), z('float64'), 2.5], 'float64'],
    ['int32 tensor + int32 0-d + float scalar', [t('int32'), z('int32'), 2.5], 'float32'],
    ['two integer scalars', [1, 2], 'int32'],
    ['integer and float scalars', [1, 2.5], 'float32'],
    ['two bool scalars', [true, false], 'bool'],
    ['integer scalar written with a point (JS cannot tell 2.0 from 2)', [t('int32'), 2.0], 'int32'],
    ['non-finite scalars are floats', [t('int32'), Infinity], 'float32'],
    ['NaN is a float', [t('int32'), NaN], 'float32'],
  ];
  for (const [what, operands, expected] of cases) {
    it(`${what} -> ${expected}`, () => assert.equal(resultType(...operands), expected));
  }

  it('is symmetric in the order of operands', () => {
    for (const [, operands, expected] of cases) assert.equal(resultType(...[...operands].reverse()), expected);
  });

  it('integers beyond int32 count as floats (Tessera\'s choice: never silently wrap a scalar)', () => {
    assert.equal(scalarDType(2147483647), 'int32');
    assert.equal(scalarDType(-2147483648), 'int32');
    assert.equal(scalarDType(2 ** 31), 'float32');
    assert.equal(scalarDType(-(2 ** 31) - 1), 'float32');
    assert.equal(resultType(t('int32'), 1e10), 'float32');
  });
});

describe('promotion through ops', () => {
  const i32 = (v: number[]) => tensor(v, { dtype: 'int32' });
  const f64 = (v: number | number[]) => tensor(v, { dtype: 'float64' });

  it('int32 tensor + 2 stays int32; + 2.5 becomes float32', () => {
    const a = i32([1, 2]).add(2);
    assert.equal(a.dtype, 'int32');
    assert.deepEqual(a.tolist(), [3, 4]);
    const b = i32([1, 2]).add(2.5);
    assert.equal(b.dtype, 'float32');
    assert.deepEqual(b.tolist(), [3.5, 4.5]);
  });

  it('a float64 0-d tensor keeps float32 but lifts int32 to float64', () => {
    assert.equal(tensor([1, 2]).add(f64(1)).dtype, 'float32');
    assert.equal(i32([1, 2]).add(f64(0.5)).dtype, 'float64');
    assert.deepEqual(i32([1, 2]).add(f64(0.5)).tolist(), [1.5, 2.5]);
  });

  it('bool + bool is bool (logical or); bool + 1 is int32', () => {
    const b = tensor([true, false]).add(tensor([true, false]));
    assert.equal(b.dtype, 'bool');
    assert.deepEqual(b.tolist(), [true, false]);
    const i = tensor([true, false]).add(1);
    assert.equal(i.dtype, 'int32');
    assert.deepEqual(i.tolist(), [2, 1]);
  });

  it('float32 [3] + float64 [3] is float64', () => {
    assert.equal(tensor([1, 2, 3]).add(f64([1, 2, 3])).dtype, 'float64');
  });

  it('int32 / int32 is true division in float32; floorDivide keeps int32', () => {
    const q = i32([1, -3]).div(i32([2, 2]));
    assert.equal(q.dtype, 'float32');
    assert.deepEqual(q.tolist(), [0.5, -1.5]);
    assert.equal(i32([7]).floorDivide(i32([2])).dtype, 'int32');
  });

  it('comparisons give bool whatever the operands', () => {
    assert.equal(i32([1]).lt(2.5).dtype, 'bool');
    assert.equal(tensor([1]).eq(f64([1])).dtype, 'bool');
    assert.equal(tensor([true]).ne(tensor([false])).dtype, 'bool');
  });

  it('int32 arithmetic wraps like two\'s complement', () => {
    assert.deepEqual(i32([2147483647]).add(1).tolist(), [-2147483648]);
    assert.deepEqual(i32([65536]).mul(65536).tolist(), [0]);
    assert.deepEqual(i32([-2147483648]).sub(1).tolist(), [2147483647]);
  });

  it('an integer scalar beyond int32 does not wrap: int32 tensor * 2^31 is float32', () => {
    const out = i32([1, -1]).mul(2 ** 31);
    assert.equal(out.dtype, 'float32');
    assert.deepEqual(out.tolist(), [2147483648, -2147483648]);
  });
});

describe('promoteTypes, canCast, toFloating', () => {
  it('promoteTypes orders bool < int32 < float32 < float64', () => {
    const order: DType[] = ['bool', 'int32', 'float32', 'float64'];
    for (let i = 0; i < order.length; i++) {
      for (let j = 0; j < order.length; j++) {
        assert.equal(promoteTypes(order[i]!, order[j]!), order[Math.max(i, j)]);
      }
    }
  });

  it('canCast allows same or higher category (PyTorch\'s in-place rule)', () => {
    assert.equal(canCast('int32', 'float32'), true);
    assert.equal(canCast('float64', 'float32'), true);
    assert.equal(canCast('bool', 'int32'), true);
    assert.equal(canCast('float32', 'int32'), false);
    assert.equal(canCast('int32', 'bool'), false);
  });

  it('toFloating maps integers and bool to float32', () => {
    assert.equal(toFloating('int32'), 'float32');
    assert.equal(toFloating('bool'), 'float32');
    assert.equal(toFloating('float64'), 'float64');
  });
});

describe('to(): conversions', () => {
  it('float to int32 truncates toward zero', () => {
    assert.deepEqual(tensor([2.7, -2.7, 0.5, -0.5, 1.999]).to('int32').tolist(), [2, -2, 0, 0, 1]);
    assert.deepEqual(tensor([-1e-30, 123456.9], { dtype: 'float64' }).int().tolist(), [0, 123456]);
  });

  it('NaN becomes 0 and out-of-range values saturate (PyTorch leaves both undefined)', () => {
    const out = tensor([NaN, Infinity, -Infinity, 3e9, -3e9]).to('int32');
    assert.deepEqual(out.tolist(), [0, 2147483647, -2147483648, 2147483647, -2147483648]);
  });

  it('anything to bool is x != 0: NaN is true, -0 is false', () => {
    assert.deepEqual(tensor([0, -0, 0.1, -3, NaN, Infinity]).to('bool').tolist(), [false, false, true, true, true, true]);
    assert.deepEqual(tensor([0, 5, -1], { dtype: 'int32' }).bool().tolist(), [false, true, true]);
  });

  it('bool to numbers is 0 and 1', () => {
    const b = tensor([true, false]);
    assert.deepEqual(b.int().tolist(), [1, 0]);
    assert.deepEqual(b.float().tolist(), [1, 0]);
    assert.deepEqual(b.double().tolist(), [1, 0]);
  });

  it('float64 to float32 rounds to nearest; int32 to float32 rounds above 2^24', () => {
    assert.equal(tensor([0.1], { dtype: 'float64' }).float().item(), Math.fround(0.1));
    assert.equal(tensor([1e39], { dtype: 'float64' }).float().item(), Infinity);
    assert.deepEqual(tensor([16777217, -16777219], { dtype: 'int32' }).float().tolist(), [16777216, -16777220]);
    assert.deepEqual(tensor([16777217], { dtype: 'int32' }).double().tolist(), [16777217]);
  });

  it('returns the tensor itself when the dtype already matches', () => {
    const x = tensor([1, 2]);
    assert.equal(x.to('float32'), x);
  });

  it('converts non-contiguous views', () => {
    const x = tensor([[1.5, 2.5], [3.5, 4.5]]).T;
    assert.deepEqual(x.to('int32').tolist(), [[1, 3], [2, 4]]);
    assert.deepEqual(x.to('float64').tolist(), [[1.5, 3.5], [2.5, 4.5]]);
  });

  it('passes gradients between floating dtypes, in the input\'s dtype', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.to('float64');
    assert.equal(y.requiresGrad, true);
    const [g] = grad(y.mul(y).sum(), [x]);
    assert.equal(g!.dtype, 'float32');
    assert.deepEqual(g!.tolist(), [2, 4]);
  });

  it('cuts the graph when converting to int32 or bool', () => {
    const x = tensor([1.5], { requiresGrad: true });
    assert.equal(x.to('int32').requiresGrad, false);
    assert.equal(x.to('bool').requiresGrad, false);
  });

  it('rejects unknown dtypes and non-tensors', () => {
    assertThrowsMatching(() => tensor([1]).to('int64' as never), /^to: unknown dtype 'int64' \(expected float32, float64, int32 or bool\)/);
    assertThrowsMatching(() => to([1] as never, 'int32'), /^to: input must be a Tensor, got an array/);
  });
});

describe('creation: how JS values map to dtypes', () => {
  it('JS numbers become float32 (JS cannot tell 1 from 1.0), booleans bool', () => {
    assert.equal(tensor([1, 2]).dtype, 'float32');
    assert.equal(tensor(3).dtype, 'float32');
    assert.equal(tensor([true]).dtype, 'bool');
  });

  it('typed arrays keep their type', () => {
    const cases: [ArrayLike<number>, DType][] = [
      [new Float64Array([1]), 'float64'],
      [new Int32Array([1]), 'int32'],
      [new Float32Array([1]), 'float32'],
      [new Uint8Array([1]), 'bool'],
    ];
    for (const [data, dtype] of cases) assert.equal(tensor(data as never).dtype, dtype);
  });

  it('an int32 tensor built from non-integers holds their truncations', () => {
    const x: Tensor = tensor([1.9, -1.9], { dtype: 'int32' });
    assert.deepEqual(x.tolist(), [1, -1]);
  });
});

describe('castValue: the conversion rule for one number', () => {
  it('agrees with to() on every target dtype', () => {
    const values = [2.7, -2.7, -0.5, 0, NaN, Infinity, -Infinity, 3e9, -3e9, 0.1, 16777217];
    const x = tensor(new Float64Array(values));
    for (const dtype of ['bool', 'int32', 'float32', 'float64'] as const) {
      assert.deepEqual([...x.to(dtype).toArray()], values.map((v) => castValue(v, dtype)), dtype);
    }
  });
});
