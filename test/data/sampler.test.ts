import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, manualSeed } from '../../src/index.js';
import { BatchSampler, RandomSampler, SequentialSampler, SubsetRandomSampler, WeightedRandomSampler, deriveSeed } from '../../src/data/index.js';

const sorted = (a: Iterable<number>): number[] => [...a].sort((p, q) => p - q);

test('SequentialSampler yields 0..n-1', () => {
  assert.deepEqual([...new SequentialSampler(4).indices(3)], [0, 1, 2, 3]);
  assert.throws(() => new SequentialSampler(-1), /SequentialSampler: length must be a non-negative integer, got -1/);
});

test('RandomSampler: a permutation that is a function of (seed, epoch)', () => {
  const s = new RandomSampler(20, { seed: 5 });
  const e0 = [...s.indices(0)];
  assert.deepEqual(sorted(e0), Array.from({ length: 20 }, (_, i) => i));
  assert.deepEqual([...s.indices(1)].length, 20);
  assert.notDeepEqual([...s.indices(1)], e0);
  // Independent of history: epoch 0 again, and from another sampler with the same seed.
  assert.deepEqual([...s.indices(0)], e0);
  assert.deepEqual([...new RandomSampler(20, { seed: 5 }).indices(0)], e0);
  assert.notDeepEqual([...new RandomSampler(20, { seed: 6 }).indices(0)], e0);
  assert.throws(() => [...s.indices(-1)], /RandomSampler: epoch must be a non-negative integer, got -1/);
});

test('RandomSampler: seed from the global generator when absent', () => {
  manualSeed(11);
  const a = new RandomSampler(10);
  manualSeed(11);
  const b = new RandomSampler(10);
  assert.equal(a.seed, b.seed);
  assert.deepEqual([...a.indices(2)], [...b.indices(2)]);
  assert.equal(new RandomSampler(10, { generator: new Generator(1) }).seed, new RandomSampler(10, { generator: new Generator(1) }).seed);
});

test('RandomSampler: numSamples and replacement', () => {
  const more = [...new RandomSampler(5, { seed: 0, numSamples: 12 }).indices(0)];
  assert.equal(more.length, 12);
  assert.deepEqual(sorted(more.slice(0, 5)), [0, 1, 2, 3, 4]); // whole permutations first
  assert.deepEqual(sorted(more.slice(5, 10)), [0, 1, 2, 3, 4]);
  const withRep = [...new RandomSampler(3, { seed: 0, replacement: true, numSamples: 3000 }).indices(0)];
  assert.equal(withRep.length, 3000);
  for (let v = 0; v < 3; v++) {
    const count = withRep.filter((i) => i === v).length;
    assert.ok(Math.abs(count - 1000) < 120, `value ${v} drawn ${count} times`);
  }
  assert.equal(new RandomSampler(10, { seed: 0, numSamples: 4 }).length, 4);
  assert.throws(() => new RandomSampler(0, { numSamples: 2, seed: 0 }), /RandomSampler: cannot draw 2 samples from an empty dataset/);
  assert.throws(() => new RandomSampler(3, { numSamples: 1.5, seed: 0 }), /RandomSampler: numSamples must be a non-negative integer, got 1.5/);
});

test('SubsetRandomSampler permutes the given indices', () => {
  const s = new SubsetRandomSampler([3, 9, 4, 7], { seed: 2 });
  assert.deepEqual(sorted(s.indices(0)), [3, 4, 7, 9]);
  assert.deepEqual([...s.indices(4)], [...s.indices(4)]);
  assert.throws(() => new SubsetRandomSampler([1, -2]), /SubsetRandomSampler: indices must be non-negative integers, got -2 at position 1/);
});

test('WeightedRandomSampler frequencies follow the weights', () => {
  const w = [1, 0, 3, 6];
  const draws = [...new WeightedRandomSampler(w, 20000, { seed: 3 }).indices(0)];
  const freq = [0, 1, 2, 3].map((v) => draws.filter((d) => d === v).length / draws.length);
  assert.equal(freq[1], 0);
  // Binomial standard deviation at n = 20000 is at most 0.0036; allow 4 of them.
  [0.1, 0, 0.3, 0.6].forEach((p, i) => assert.ok(Math.abs(freq[i]! - p) < 0.015, `index ${i}: ${freq[i]} vs ${p}`));
  const other = [...new WeightedRandomSampler(w, 100, { seed: 3 }).indices(1)];
  assert.notDeepEqual(other, draws.slice(0, 100));
});

test('WeightedRandomSampler without replacement draws distinct positive-weight indices', () => {
  const s = new WeightedRandomSampler([5, 0, 1, 1], 3, { seed: 1, replacement: false });
  const d = [...s.indices(0)];
  assert.deepEqual(sorted(d), [0, 2, 3]);
  // The heavy index comes first most of the time.
  let first = 0;
  for (let e = 0; e < 400; e++) if ([...s.indices(e)][0] === 0) first++;
  assert.ok(Math.abs(first / 400 - 5 / 7) < 0.08, `index 0 first in ${first}/400 epochs`);
  assert.throws(() => new WeightedRandomSampler([1, 0, 1], 3, { replacement: false }), /cannot draw 3 samples without replacement from 2 positive weights/);
  assert.throws(() => new WeightedRandomSampler([1, -1], 3), /WeightedRandomSampler: weights must be finite and non-negative, got -1 at index 1/);
  assert.throws(() => new WeightedRandomSampler([0, 0], 3), /at least one weight must be positive/);
  assert.throws(() => new WeightedRandomSampler([1], 0), /numSamples must be a positive integer, got 0/);
});

test('BatchSampler groups indices, with and without dropLast', () => {
  const b = new BatchSampler(new SequentialSampler(10), 4);
  assert.equal(b.length, 3);
  assert.deepEqual([...b.batches(0)], [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  const d = new BatchSampler(new SequentialSampler(10), 4, { dropLast: true });
  assert.equal(d.length, 2);
  assert.deepEqual([...d.batches(0)], [[0, 1, 2, 3], [4, 5, 6, 7]]);
  assert.deepEqual([...new BatchSampler([5, 2, 7], 2).batches(0)], [[5, 2], [7]]);
  assert.throws(() => new BatchSampler(new SequentialSampler(3), 0), /BatchSampler: batchSize must be a positive integer, got 0/);
  assert.throws(() => new BatchSampler({} as never, 2), /BatchSampler: sampler must be an array of indices/);
});

test('deriveSeed: deterministic, sensitive to every part, a safe integer', () => {
  assert.equal(deriveSeed(1, 2, 3), deriveSeed(1, 2, 3));
  const seen = new Set<number>();
  for (let s = 0; s < 4; s++) for (let e = 0; e < 4; e++) for (let i = 0; i < 4; i++) seen.add(deriveSeed(s, e, i));
  assert.equal(seen.size, 64);
  assert.notEqual(deriveSeed(1, 2, 3), deriveSeed(1, 3, 2));
  assert.ok(Number.isSafeInteger(deriveSeed(2 ** 52, 7)));
  assert.throws(() => deriveSeed(0.5), /deriveSeed: seed must be a safe integer, got 0.5/);
});
