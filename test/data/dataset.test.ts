import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, arange, tensor } from '../../src/index.js';
import { ConcatDataset, MapDataset, Subset, TensorDataset, randomSplit, type Dataset } from '../../src/data/index.js';

const x = arange(12).reshape([6, 2]);
const y = tensor([0, 1, 2, 3, 4, 5], { dtype: 'int32' });

test('TensorDataset returns row i of every tensor', () => {
  const ds = new TensorDataset(x, y);
  assert.equal(ds.length, 6);
  const [xi, yi] = ds.get(4);
  assert.deepEqual(xi!.tolist(), [8, 9]);
  assert.equal(yi!.item(), 4);
  assert.deepEqual(yi!.shape, []);
});

test('TensorDataset errors', () => {
  assert.throws(() => new TensorDataset(), /TensorDataset: needs at least one tensor/);
  assert.throws(() => new TensorDataset(x, tensor([1, 2])), /same size in dim 0.*tensor 1 has shape \[2\]/);
  assert.throws(() => new TensorDataset(tensor(3)), /tensor 0 is 0-d/);
  assert.throws(() => new TensorDataset(x).get(6), /TensorDataset: index 6 is out of range for a dataset of length 6/);
  assert.throws(() => new TensorDataset(x).get(-1), /index -1 is out of range/);
});

test('Subset and ConcatDataset map indices', () => {
  const ds = new TensorDataset(y);
  const sub = new Subset(ds, [5, 0, 3]);
  assert.equal(sub.length, 3);
  assert.deepEqual([0, 1, 2].map((i) => sub.get(i)[0]!.item()), [5, 0, 3]);
  assert.throws(() => new Subset(ds, [1, 6]), /Subset: index 6 at position 1 is out of range for a dataset of length 6/);
  const cat = new ConcatDataset([sub, ds]);
  assert.equal(cat.length, 9);
  assert.deepEqual(Array.from({ length: 9 }, (_, i) => cat.get(i)[0]!.item()), [5, 0, 3, 0, 1, 2, 3, 4, 5]);
  assert.throws(() => cat.get(9), /ConcatDataset: index 9 is out of range/);
  assert.throws(() => new ConcatDataset([]), /ConcatDataset: needs at least one dataset/);
});

test('ConcatDataset skips empty datasets', () => {
  const empty = new Subset(new TensorDataset(y), []);
  const cat = new ConcatDataset([empty, new TensorDataset(y), empty]);
  assert.equal(cat.length, 6);
  assert.equal(cat.get(0)[0]!.item(), 0);
  assert.equal(cat.get(5)[0]!.item(), 5);
});

test('map passes the generator through and derives one when read directly', () => {
  const ds = new TensorDataset(y).map(([v], rng, i) => [v!.item(), rng.nextFloat64(), i] as const);
  const g1 = new Generator(7);
  const g2 = new Generator(7);
  assert.equal(ds.get(2, g1)[1], g2.nextFloat64());
  assert.deepEqual(ds.get(3), ds.get(3)); // same derived generator each time
  assert.notEqual(ds.get(3)[1], ds.get(4)[1]);
  assert.equal(ds.get(3)[2], 3);
  // Wrappers forward the generator to the mapped dataset.
  const sub = new Subset(ds, [3]);
  const g3 = new Generator(9);
  assert.equal(sub.get(0, g3)[1], new Generator(9).nextFloat64());
  assert.throws(() => new MapDataset(ds, 3 as never), /MapDataset: fn must be a function/);
});

test('randomSplit with counts: disjoint, covering, seeded', () => {
  const ds = new TensorDataset(arange(10));
  const [a, b] = randomSplit(ds, [7, 3], { seed: 1 });
  assert.equal(a!.length, 7);
  assert.equal(b!.length, 3);
  const all = [...a!.indices, ...b!.indices].sort((p, q) => p - q);
  assert.deepEqual(all, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const [a2] = randomSplit(ds, [7, 3], { seed: 1 });
  assert.deepEqual(a2!.indices, a!.indices);
  const [a3] = randomSplit(ds, [7, 3], { seed: 2 });
  assert.notDeepEqual(a3!.indices, a!.indices);
  // A generator gives the seed when none is passed.
  assert.deepEqual(randomSplit(ds, [5, 5], { generator: new Generator(3) })[0]!.indices, randomSplit(ds, [5, 5], { generator: new Generator(3) })[0]!.indices);
});

test('randomSplit with fractions deals the remainder in order (PyTorch rule)', () => {
  const ds: Dataset<unknown> = { length: 10, get: (i: number) => i };
  assert.deepEqual(randomSplit(ds, [0.34, 0.33, 0.33], { seed: 0 }).map((s) => s.length), [4, 3, 3]);
  assert.deepEqual(randomSplit(ds, [0.25, 0.25, 0.5], { seed: 0 }).map((s) => s.length), [3, 2, 5]);
  assert.deepEqual(randomSplit(ds, [1, 0], { seed: 0 }).map((s) => s.length), [10, 0]);
  assert.throws(() => randomSplit(ds, [5, 4], { seed: 0 }), /randomSplit: lengths \[5, 4\] sum to 9, but the dataset has 10 samples/);
  assert.throws(() => randomSplit(ds, [0.5, 0.4], { seed: 0 }), /randomSplit: fractions must sum to 1/);
  assert.throws(() => randomSplit(ds, [-1, 11], { seed: 0 }), /randomSplit: lengths must be non-negative/);
});
