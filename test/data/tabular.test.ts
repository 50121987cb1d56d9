import { test } from 'node:test';
import assert from 'node:assert/strict';
import { data, tensor } from '../../src/index.js';
import { assertClose } from '../helpers.js';

const { StandardScaler, MinMaxScaler, IndexEncoder, LabelEncoder, OneHotEncoder } = data;

test('StandardScaler: population std, constant features keep scale 1, inverse round-trips', () => {
  const x = tensor([[1, 2], [3, 2], [5, 2]]);
  const s = new StandardScaler().fit(x);
  const std = Math.sqrt(8 / 3);
  assertClose(tensor(s.mean!), [3, 2]);
  assertClose(tensor(s.scale!), [std, 1]);
  const y = s.transform(x);
  assert.equal(y.dtype, 'float32');
  assertClose(y, [[-2 / std, 0], [0, 0], [2 / std, 0]]);
  assertClose(s.inverseTransform(y), x);
  assertClose(new StandardScaler({ withMean: false }).fitTransform(x), [[1 / std, 2], [3 / std, 2], [5 / std, 2]]);
  assertClose(new StandardScaler({ withStd: false }).fitTransform(x), [[-2, 0], [0, 0], [2, 0]]);
  // float64 in, float64 out; int32 in, float32 out.
  assert.equal(s.transform(x.double()).dtype, 'float64');
  assert.equal(s.transform(tensor([[1, 2]], { dtype: 'int32' })).dtype, 'float32');
  // Statistics over every leading dim: [2, 2, 1] has 4 samples of one feature.
  assertClose(tensor(new StandardScaler().fit(tensor([[[0], [2]], [[4], [6]]])).mean!), [3]);
});

test('StandardScaler skips NaNs when fitting and passes them through', () => {
  const x = tensor([[1, NaN], [3, 4], [NaN, 8]]);
  const s = new StandardScaler().fit(x);
  assertClose(tensor(s.mean!), [2, 6]);
  assertClose(tensor(s.scale!), [1, 2]);
  assertClose(s.transform(x), [[-1, NaN], [1, -1], [NaN, 1]]);
});

test('StandardScaler state is plain JSON and restores the same transform', () => {
  const x = tensor([[1, 10], [2, 30], [6, 20]]);
  const s = new StandardScaler().fit(x);
  const restored = new StandardScaler().loadStateDict(JSON.parse(JSON.stringify(s.stateDict())));
  assertClose(restored.transform(x), s.transform(x));
  assert.throws(() => new StandardScaler().transform(x), /StandardScaler\.transform: this scaler is not fitted; call fit\(\) first/);
  assert.throws(() => s.transform(tensor([[1, 2, 3]])), /StandardScaler\.transform: fitted on 2 features, got shape \[1,3\] with 3/);
  assert.throws(() => s.fit(tensor([1, 2, 3])), /StandardScaler\.fit: expected a tensor of shape \[N, features\].*got shape \[3\]; reshape one feature with x\.reshape\(-1, 1\)/);
  assert.throws(() => s.fit(tensor([[1, NaN], [2, NaN]])), /StandardScaler\.fit: feature 1 has no values \(all NaN or no rows\)/);
  assert.throws(() => new StandardScaler().loadStateDict({ mean: [1, 2], scale: [1] } as never), /StandardScaler\.loadStateDict: 'scale' must be an array of 2 numbers/);
});

test('MinMaxScaler maps each feature to the range, clips on request, and round-trips', () => {
  const x = tensor([[1, 10, 7], [3, 10, 8], [5, 30, 9]]);
  const s = new MinMaxScaler().fit(x);
  assert.deepEqual(s.dataMin, [1, 10, 7]);
  assert.deepEqual(s.dataMax, [5, 30, 9]);
  assertClose(s.transform(x), [[0, 0, 0], [0.5, 0, 0.5], [1, 1, 1]]);
  assertClose(s.inverseTransform(s.transform(x)), x);
  const sym = new MinMaxScaler({ featureRange: [-1, 1] }).fit(x);
  assertClose(sym.transform(tensor([[9, 20, 8]])), [[3, 0, 0]]);
  const clipped = new MinMaxScaler({ featureRange: [-1, 1], clip: true }).fit(x);
  assertClose(clipped.transform(tensor([[9, 0, 8]])), [[1, -1, 0]]);
  // A constant feature is shifted to the range's low end.
  assertClose(new MinMaxScaler().fitTransform(tensor([[4], [4]])), [[0], [0]]);
  const restored = new MinMaxScaler().loadStateDict(JSON.parse(JSON.stringify(sym.stateDict())));
  assert.deepEqual(restored.featureRange, [-1, 1]);
  assertClose(restored.transform(x), sym.transform(x));
  assert.throws(() => new MinMaxScaler({ featureRange: [1, 0] }), /MinMaxScaler: featureRange must be \[low, high\] with low < high, got \[1,0\]/);
  assert.throws(() => new MinMaxScaler().inverseTransform(x), /MinMaxScaler\.inverseTransform: this scaler is not fitted/);
});

test('IndexEncoder / LabelEncoder: sorted vocabulary, inverse, unknown handling, JSON state', () => {
  assert.equal(LabelEncoder, IndexEncoder);
  const enc = new IndexEncoder().fit(['dog', 'cat', 'dog', 'bird']);
  assert.deepEqual(enc.categories, ['bird', 'cat', 'dog']);
  assert.equal(enc.size, 3);
  const idx = enc.transform(['cat', 'dog', 'bird']);
  assert.equal(idx.dtype, 'int32');
  assert.deepEqual(idx.tolist(), [1, 2, 0]);
  assert.deepEqual(enc.inverseTransform(idx), ['cat', 'dog', 'bird']);
  assert.deepEqual(enc.inverseTransform([2]), ['dog']);
  assert.throws(() => enc.transform(['cow']), /IndexEncoder: unknown category "cow" \(known: "bird", "cat", "dog"\); pass handleUnknown: 'useUnknownValue'/);
  assert.throws(() => enc.decode(3), /IndexEncoder\.decode: index 3 is out of range for 3 categories/);
  const lenient = new IndexEncoder({ handleUnknown: 'useUnknownValue', unknownValue: 99 }).fit(['a']);
  assert.deepEqual(lenient.transform(['a', 'b']).tolist(), [0, 99]);
  // Numbers sort numerically; numbers and strings are distinct categories.
  assert.deepEqual(new IndexEncoder().fit([10, 9, 1, 9]).categories, [1, 9, 10]);
  assert.deepEqual(new IndexEncoder().fit(tensor([3, 1, 3], { dtype: 'int32' })).categories, [1, 3]);
  assert.deepEqual(new IndexEncoder().fit(['1', 1]).categories, [1, '1']);
  // Given categories keep their order.
  const fixed = new IndexEncoder({ categories: ['low', 'mid', 'high'] });
  assert.deepEqual(fixed.transform(['high', 'low']).tolist(), [2, 0]);
  assert.throws(() => new IndexEncoder({ categories: ['a', 'a'] }), /IndexEncoder: categories must be distinct/);
  const restored = new IndexEncoder().loadStateDict(JSON.parse(JSON.stringify(enc.stateDict())));
  assert.deepEqual(restored.transform(['dog']).tolist(), [2]);
  assert.throws(() => new IndexEncoder().transform(['a']), /IndexEncoder\.encode: this encoder is not fitted/);
  assert.throws(() => enc.fit([{}] as never), /IndexEncoder\.fit: values must be strings or numbers, got \[object Object\] at index 0/);
});

test('OneHotEncoder: one block per column, unknown handling, names, inverse, JSON state', () => {
  const rows = [['red', 'S'], ['blue', 'M'], ['red', 'M']];
  const enc = new OneHotEncoder().fit(rows);
  assert.deepEqual(enc.categories, [['blue', 'red'], ['M', 'S']]);
  const y = enc.transform([['blue', 'S'], ['red', 'M']]);
  assert.equal(y.dtype, 'float32');
  assert.deepEqual(y.tolist(), [[1, 0, 0, 1], [0, 1, 1, 0]]);
  assert.deepEqual(enc.featureNames(['color', 'size']), ['color=blue', 'color=red', 'size=M', 'size=S']);
  assert.deepEqual(enc.featureNames(), ['x0=blue', 'x0=red', 'x1=M', 'x1=S']);
  assert.deepEqual(enc.inverseTransform(y), [['blue', 'S'], ['red', 'M']]);
  assert.throws(() => enc.transform([['green', 'S']]), /OneHotEncoder\.transform: unknown category "green" in column 0 \(row 0\); pass handleUnknown: 'ignore'/);
  assert.throws(() => enc.transform([['red']]), /OneHotEncoder\.transform: fitted on 2 columns, got 1/);
  const ignore = new OneHotEncoder({ handleUnknown: 'ignore', dtype: 'float64' }).fit(rows);
  const z = ignore.transform([['green', 'S']]);
  assert.equal(z.dtype, 'float64');
  assert.deepEqual(z.tolist(), [[0, 0, 0, 1]]);
  assert.deepEqual(ignore.inverseTransform(z), [[null, 'S']]);
  // A tensor of integer codes, and a single column of values.
  const codes = new OneHotEncoder().fit(tensor([[2, 0], [5, 0]], { dtype: 'int32' }));
  assert.deepEqual(codes.transform(tensor([[5, 0]], { dtype: 'int32' })).tolist(), [[0, 1, 1]]);
  assert.deepEqual(new OneHotEncoder().fitTransform(['b', 'a', 'b']).tolist(), [[0, 1], [1, 0], [0, 1]]);
  const restored = new OneHotEncoder().loadStateDict(JSON.parse(JSON.stringify(enc.stateDict())));
  assert.deepEqual(restored.transform(rows).tolist(), enc.transform(rows).tolist());
  assert.throws(() => new OneHotEncoder().transform(rows), /OneHotEncoder\.transform: this encoder is not fitted/);
  assert.throws(() => enc.inverseTransform(tensor([[1, 0]])), /OneHotEncoder\.inverseTransform: expected a tensor \[N, 4\], got shape \[1,2\]/);
  assert.throws(() => new OneHotEncoder().fit([['a', 'b'], ['c']]), /OneHotEncoder\.fit: row 1 has 1 values, row 0 has 2/);
});
