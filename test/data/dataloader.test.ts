import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, Tensor, arange, manualSeed, tensor } from '../../src/index.js';
import { DataLoader, MapDataset, gatherRows, RandomSampler, TensorDataset, deriveSeed, loadDatasetModule, type IterableDataset } from '../../src/data/index.js';
import { randomHorizontalFlip } from '../../src/data/transforms/index.js';
import { nonContiguous } from '../helpers.js';

const N = 10;
const xs = arange(N * 2).reshape([N, 2]);
const ys = arange(N, { dtype: 'int32' });
const ds = new TensorDataset(xs, ys);

const labels = (loader: Iterable<unknown>): number[][] => [...loader].map((b) => ((b as Tensor[])[1]!.tolist() as number[]));

test('sequential batches, length and dropLast', () => {
  const loader = new DataLoader(ds, { batchSize: 4 });
  assert.equal(loader.length, 3);
  assert.deepEqual(labels(loader), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  const [xb] = [...loader][2] as Tensor[];
  assert.deepEqual(xb!.tolist(), [[16, 17], [18, 19]]);
  const dropped = new DataLoader(ds, { batchSize: 4, dropLast: true });
  assert.equal(dropped.length, 2);
  assert.deepEqual(labels(dropped).map((b) => b.length), [4, 4]);
  assert.equal(new DataLoader(ds, { batchSize: 20, dropLast: true }).length, 0);
  assert.deepEqual(labels(new DataLoader(ds, { batchSize: 20, dropLast: true })), []);
  assert.equal(new DataLoader(ds).length, 10);
});

test('shuffling is a function of (seed, epoch)', () => {
  const a = new DataLoader(ds, { batchSize: 3, shuffle: true, seed: 4 });
  const b = new DataLoader(ds, { batchSize: 3, shuffle: true, seed: 4 });
  const e0 = labels(a);
  assert.deepEqual(e0.flat().sort((p, q) => p - q), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(labels(b), e0);
  const e1 = labels(a); // epoch advanced automatically after a full pass
  assert.notDeepEqual(e1, e0);
  b.setEpoch(1);
  assert.deepEqual(labels(b), e1);
  a.setEpoch(0);
  assert.deepEqual(labels(a), e0);
  assert.notDeepEqual(labels(new DataLoader(ds, { batchSize: 3, shuffle: true, seed: 5 })), e0);
  // The order is the RandomSampler's for the same seed.
  assert.deepEqual(e0.flat(), [...new RandomSampler(N, { seed: 4 }).indices(0)]);
});

test('epoch bookkeeping: a pass left early does not advance it', () => {
  const loader = new DataLoader(ds, { batchSize: 3, shuffle: true, seed: 1 });
  assert.equal(loader.epoch, 0);
  for (const _ of loader) break;
  assert.equal(loader.epoch, 0);
  [...loader];
  assert.equal(loader.epoch, 1);
  loader.setEpoch(7);
  [...loader];
  assert.equal(loader.epoch, 8);
  assert.throws(() => loader.setEpoch(-1), /DataLoader: setEpoch expects a non-negative integer, got -1/);
});

test('without a seed the loader draws one from the global generator', () => {
  manualSeed(3);
  const a = new DataLoader(ds, { batchSize: 3, shuffle: true });
  manualSeed(3);
  const b = new DataLoader(ds, { batchSize: 3, shuffle: true });
  assert.equal(a.seed, b.seed);
  assert.deepEqual(labels(a), labels(b));
  assert.equal(new DataLoader(ds, { generator: new Generator(2) }).seed, new DataLoader(ds, { generator: new Generator(2) }).seed);
});

test('the TensorDataset fast path equals reading and stacking rows', () => {
  const fast = new DataLoader(ds, { batchSize: 4, shuffle: true, seed: 9 });
  const slow = new DataLoader(ds, { batchSize: 4, shuffle: true, seed: 9, collate: (s) => s.map((row) => row.map((t) => t.tolist())) });
  const f = [...fast] as Tensor[][];
  const s = [...slow] as unknown as number[][][][];
  assert.equal(f.length, s.length);
  f.forEach((batch, k) => {
    assert.deepEqual(batch[0]!.tolist(), s[k]!.map((row) => row[0]));
    assert.deepEqual(batch[1]!.tolist(), s[k]!.map((row) => row[1]));
    assert.equal(batch[1]!.dtype, 'int32');
  });
});

test('the fast path reads non-contiguous and offset tensors correctly', () => {
  const strided = new TensorDataset(nonContiguous(xs), ys.slice(0, 0, N));
  const offset = new TensorDataset(arange(N * 2 + 2).slice(0, 2).reshape([N, 2]), ys);
  const [b1] = [...new DataLoader(strided, { batchSize: 3, sampler: [4, 0, 9] })] as Tensor[][];
  assert.deepEqual(b1![0]!.tolist(), [[8, 9], [0, 1], [18, 19]]);
  const [b2] = [...new DataLoader(offset, { batchSize: 2, sampler: [0, 9] })] as Tensor[][];
  assert.deepEqual(b2![0]!.tolist(), [[2, 3], [20, 21]]);
  assert.throws(() => gatherRows(xs, [10]), /DataLoader: index 10 is out of range for a dataset of length 10/);
});

test('sampler, batchSampler and custom collate', () => {
  assert.deepEqual(labels(new DataLoader(ds, { batchSize: 2, sampler: [9, 0, 5] })), [[9, 0], [5]]);
  const byBatches = new DataLoader(ds, { batchSampler: [[1, 2], [7]] });
  assert.equal(byBatches.length, 2);
  assert.deepEqual(labels(byBatches), [[1, 2], [7]]);
  const sums = [...new DataLoader(ds, { batchSize: 5, collate: (s) => s.reduce((acc, [, y]) => acc + y!.item(), 0) })];
  assert.deepEqual(sums, [10, 35]);
});

test('per-sample transforms draw from the (seed, epoch, index) generator', () => {
  const images = arange(N * 4, { dtype: 'float32' }).reshape([N, 1, 2, 2]);
  const loader = new DataLoader(new TensorDataset(images, ys), { batchSize: 5, shuffle: true, seed: 2, transform: randomHorizontalFlip(0.5) });
  const batches = [...loader] as Tensor[][];
  const flip = randomHorizontalFlip(0.5);
  for (const [xb, yb] of batches) {
    const ids = yb!.tolist() as number[];
    ids.forEach((i, r) => {
      const expected = flip(images.select(0, i), new Generator(deriveSeed(2, 0, i)));
      assert.deepEqual(xb!.select(0, r).tolist(), expected.tolist());
    });
  }
  // Same seed and epoch give the same augmentation whatever the batch size.
  const again = new DataLoader(new TensorDataset(images, ys), { batchSize: 2, shuffle: true, seed: 2, transform: randomHorizontalFlip(0.5) });
  const byId = (bs: Tensor[][]): Map<number, unknown> => new Map(bs.flatMap(([x, y]) => (y!.tolist() as number[]).map((i, r) => [i, x!.select(0, r).tolist()] as const)));
  assert.deepEqual(byId([...again] as Tensor[][]), byId(batches));
});

test('transform errors', () => {
  const numbers = { length: 2, get: (i: number) => i };
  assert.throws(() => [...new DataLoader(numbers, { transform: randomHorizontalFlip() })], /DataLoader: transform needs samples that are a tensor or an array/);
  assert.throws(() => [...new DataLoader(new TensorDataset(ys), { transform: randomHorizontalFlip(), batchSize: 2 })], /randomHorizontalFlip: expects an image of shape \[C, H, W\], got \[\]/);
});

test('option errors', () => {
  assert.throws(() => new DataLoader(ds, { batchSize: 0 }), /DataLoader: batchSize must be a positive integer, got 0/);
  assert.throws(() => new DataLoader(ds, { shuffle: true, sampler: [1] }), /DataLoader: shuffle and sampler are exclusive/);
  assert.throws(() => new DataLoader(ds, { batchSampler: [[0]], batchSize: 2 }), /batchSampler is exclusive with batchSize/);
  assert.throws(() => new DataLoader(5 as never), /DataLoader: dataset must be map-style/);
  assert.throws(() => new DataLoader(ds, { numWorkers: 1 }), /DataLoader: numWorkers needs a dataset a worker can build/);
  assert.throws(() => new DataLoader(ds, { numWorkers: -1 }), /numWorkers must be a non-negative integer, got -1/);
  assert.throws(() => new DataLoader(ds, { prefetch: 0 }), /DataLoader: prefetch must be a positive integer, got 0/);
});

test('iterable datasets are batched in order', () => {
  const stream: IterableDataset<number> = {
    *[Symbol.iterator]() {
      for (let i = 0; i < 7; i++) yield i * 1.5;
    },
  };
  const loader = new DataLoader(stream, { batchSize: 3 });
  assert.deepEqual([...loader].map((b) => (b as Tensor).tolist()), [[0, 1.5, 3], [4.5, 6, 7.5], [9]]);
  assert.throws(() => loader.length, /length is unknown for an iterable dataset/);
  assert.equal(new DataLoader({ ...stream, length: 7, [Symbol.iterator]: stream[Symbol.iterator] }, { batchSize: 3, dropLast: true }).length, 2);
  assert.throws(() => new DataLoader(stream, { shuffle: true }), /shuffle, sampler and batchSampler need a map-style dataset/);
});

test('async iteration yields the same batches as sync iteration', async () => {
  const loader = new DataLoader(ds, { batchSize: 4, shuffle: true, seed: 8, prefetch: 2 });
  const sync = labels(loader);
  loader.setEpoch(0);
  const got: number[][] = [];
  for await (const b of loader) got.push(((b as Tensor[])[1]!.tolist() as number[]));
  assert.deepEqual(got, sync);
  assert.equal(loader.epoch, 1);
  // Errors in building a batch reach the consumer.
  const bad = new DataLoader({ length: 3, get: (i: number) => (i === 2 ? null : i) }, { batchSize: 1 });
  await assert.rejects(async () => {
    for await (const _ of bad) void _;
  }, /defaultCollate: sample 0 is null/);
});

test('worker threads give the same batches as this thread', async () => {
  const spec = { module: new URL('./worker-dataset.ts', import.meta.url), export: 'makeDataset', args: [N] };
  const local = await loadDatasetModule(spec);
  assert.ok(local instanceof MapDataset);
  const inThread = new DataLoader(local, { batchSize: 3, shuffle: true, seed: 6 });
  const expected = [...inThread].map((b) => (b as Tensor[]).map((t) => t.tolist()));
  const pooled = new DataLoader(local, { batchSize: 3, shuffle: true, seed: 6, numWorkers: 2 });
  try {
    for (let epoch = 0; epoch < 2; epoch++) {
      inThread.setEpoch(epoch);
      const want = epoch === 0 ? expected : [...inThread].map((b) => (b as Tensor[]).map((t) => t.tolist()));
      const got: unknown[] = [];
      for await (const b of pooled) got.push((b as Tensor[]).map((t) => t.tolist()));
      assert.deepEqual(got, want);
    }
    assert.equal(pooled.epoch, 2);
  } finally {
    await pooled.close();
  }
  const failing = new DataLoader(await loadDatasetModule({ module: new URL('./worker-dataset.ts', import.meta.url), export: 'makeFailing' }), { batchSize: 2, numWorkers: 1 });
  try {
    await assert.rejects(async () => {
      for await (const _ of failing) void _;
    }, /DataLoader worker 0: .*sample 3 is broken/);
  } finally {
    await failing.close();
  }
  await assert.rejects(loadDatasetModule({ module: new URL('./worker-dataset.ts', import.meta.url), export: 'nope' }), /has no export 'nope'/);
  assert.throws(() => new DataLoader(local, { numWorkers: 1, transform: (x) => x }), /transform and targetTransform cannot be sent to worker threads/);
  void tensor;
});

test('batches of a TensorDataset are typed as tensor arrays (checked by tsc)', () => {
  const loader = new DataLoader(new TensorDataset(tensor([[1, 2], [3, 4], [5, 6]]), tensor([0, 1, 0], { dtype: 'int32' })), { batchSize: 2 });
  const shapes: number[][] = [];
  for (const [x, y] of loader) {
    const typed: [Tensor, Tensor] = [x, y];
    shapes.push(typed[0].shape.slice(), typed[1].shape.slice());
  }
  assert.deepEqual(shapes, [[2, 2], [2], [1, 2], [1]]);
});
