import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { data } from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { loadDigits } from '../nn/digits.js';
import { assertClose } from '../helpers.js';

const { datasets, resizeImage } = data;

test('digits: the fixed 8,000 / 2,000 split, identical to the digits proof', () => {
  const train = datasets.digits({ split: 'train' });
  const testSet = datasets.digits({ split: 'test' });
  assert.equal(train.length, 8000);
  assert.equal(testSet.length, 2000);
  const [image, label] = train.get(0) as [Tensor, Tensor];
  assert.deepEqual(image.shape, [1, 28, 28]);
  assert.equal(image.dtype, 'float32');
  assert.deepEqual(label.shape, []);
  assert.equal(label.dtype, 'int32');
  const proof = loadDigits();
  const [trainX, trainY] = train.tensors as [Tensor, Tensor];
  const [testX, testY] = testSet.tensors as [Tensor, Tensor];
  assert.deepEqual(trainX.shape, [8000, 1, 28, 28]);
  assert.deepEqual(trainX.toArray(), proof.trainX.toArray());
  assert.deepEqual(trainY.toArray(), proof.trainY.toArray());
  assert.deepEqual(testX.toArray(), proof.testX.toArray());
  assert.deepEqual(testY.toArray(), proof.testY.toArray());
  const pixels = trainX.toArray();
  assert.ok(pixels.every((v) => v >= 0 && v <= 1));
  assert.ok(Math.max(...pixels.subarray(0, 784)) > 0.9, 'a digit has ink');
});

test('digitsRaw: all 10,000 in the package order (every 0, then every 1, ...)', () => {
  const { images, labels } = datasets.digitsRaw();
  assert.deepEqual(images.shape, [10000, 1, 28, 28]);
  assert.deepEqual(labels.shape, [10000]);
  const y = labels.toArray();
  for (let i = 1; i < y.length; i++) assert.ok(y[i - 1]! <= y[i]!, `labels are grouped by class at ${i}`);
  assert.equal(y[0], 0);
  assert.equal(y[9999], 9);
  const mnist = createRequire(import.meta.url)('mnist') as { raw: number[]; length: number }[];
  const counts = Array.from({ length: 10 }, (_, d) => y.filter((v) => v === d).length);
  assert.deepEqual(counts, mnist.slice(0, 10).map((d) => d.length));
  // The first image of digit 1 sits right after the last 0.
  const first1 = images.select(0, counts[0]!).reshape(-1).toArray();
  assert.deepEqual(Array.from(first1), mnist[1]!.raw.slice(0, 784).map(Math.fround));
  // The split's labels together are a permutation of these.
  const split = [...datasets.digits({ split: 'train' }).tensors[1]!.toArray(), ...datasets.digits({ split: 'test' }).tensors[1]!.toArray()];
  assert.deepEqual(Array.from({ length: 10 }, (_, d) => split.filter((v) => v === d).length), counts);
});

test('16 x 16 digits: bilinear resize of the 28 x 28 digits, split kept', () => {
  const raw16 = datasets.digitsRaw({ size: 16 });
  assert.deepEqual(raw16.images.shape, [10000, 1, 16, 16]);
  // An independent implementation of the same sampling (the loaders' direct resize).
  assertClose(raw16.images, resizeImage(datasets.digitsRaw().images, [16, 16]), { atol: 1e-6 });
  const train16 = datasets.digits({ split: 'train', size: 16 });
  const train28 = datasets.digits({ split: 'train' });
  assert.deepEqual(train16.get(0)[0]!.shape, [1, 16, 16]);
  for (const i of [0, 1234, 7999]) {
    assertClose(train16.get(i)[0]!, resizeImage(train28.get(i)[0]!, 16), { atol: 1e-6 });
    assert.equal(train16.get(i)[1]!.item(), train28.get(i)[1]!.item());
  }
});

test('digits returns fresh tensors each call and checks its options', () => {
  const a = datasets.digits({ split: 'test' });
  const before = a.get(5)[0]!.sum().item();
  (a.tensors[0] as Tensor).mul_(0);
  const b = datasets.digits({ split: 'test' });
  assert.equal(b.get(5)[0]!.sum().item(), before);
  datasets.digitsRaw().images.mul_(0);
  assert.ok(datasets.digitsRaw().images.sum().item() > 0);
  assert.throws(() => datasets.digits({ split: 'val' as never }), /datasets\.digits: split must be 'train' or 'test', got "val"/);
  assert.throws(() => datasets.digits({ split: 'train', size: 32 as never }), /datasets\.digits: size must be 28 or 16, got 32/);
  assert.throws(() => datasets.digits(undefined as never), /datasets\.digits: expected options \{ split/);
  assert.throws(() => datasets.digitsRaw({ size: 8 as never }), /datasets\.digitsRaw: size must be 28 or 16, got 8/);
});
