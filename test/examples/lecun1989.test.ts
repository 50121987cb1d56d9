import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { manualSeed, models } from '../../src/index.js';
import { SEED, TEST_SIZE, TRAIN_SIZE, errorRate, loadLecunData, numpyPermutation } from '../../examples/lecun1989.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('lecun1989: the shuffle is NumPy legacy permutation(10000) after seed(1337), as in the PyTorch reproduction', () => {
  const perm = numpyPermutation(10000, SEED);
  // printed by `np.random.seed(1337); np.random.permutation(10000)` (NumPy's MT19937 RandomState)
  assert.deepEqual(perm.slice(0, 10), [9927, 3245, 2303, 7707, 8820, 6206, 6895, 5924, 6423, 4195]);
  assert.deepEqual(perm.slice(-5), [3239, 9448, 860, 8381, 3223]);
  assert.deepEqual([...perm].sort((a, b) => a - b), Array.from({ length: 10000 }, (_, i) => i));
});

test('lecun1989: 16x16 digits in [-1, 1], targets +-1 with one +1, the 7,291 / 2,007 split', () => {
  const d = loadLecunData();
  assert.deepEqual(d.trainX.shape, [TRAIN_SIZE, 1, 16, 16]);
  assert.deepEqual(d.testX.shape, [TEST_SIZE, 1, 16, 16]);
  assert.deepEqual(d.trainY.shape, [TRAIN_SIZE, 10]);
  assert.ok(d.trainX.min().item() >= -1 && d.trainX.max().item() <= 1);
  assert.equal(d.trainX.min().item(), -1); // the background
  assert.deepEqual([...d.trainY.eq(1).sum(1).toArray()].every((n) => n === 1), true);
  assert.equal(d.trainY.eq(-1).sum().item(), TRAIN_SIZE * 9);
  // the first labels of the PyTorch script's shuffled order (the package's digits are grouped by class)
  assert.deepEqual([...d.trainY.argmax(1).toArray().slice(0, 10)], [9, 3, 2, 7, 8, 6, 6, 5, 6, 4]);
  assert.deepEqual([...d.testY.argmax(1).toArray().slice(0, 10)], [7, 9, 1, 2, 3, 2, 2, 6, 9, 0]);
  // a pixel the PyTorch script's F.interpolate(..., align_corners=False) * 2 - 1 gives 0.77838
  assert.ok(Math.abs(d.trainX.toArray()[100]! - 0.77838) < 1e-5);
  // untrained, the net is about as good as chance
  manualSeed(SEED);
  assert.ok(errorRate(models.lecun1989(), d.testX, d.testY) > 0.7);
});

test('lecun1989: a short run (2 passes over 1,000 digits) brings the test error down', () => {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'examples/lecun1989.ts', '2', '--train', '1000', '--test', '500'], { cwd: root, encoding: 'utf8' });
  const passes = [...out.matchAll(/pass (\d+): train err ([\d.]+)% test err ([\d.]+)% t=[\d.]+s \((\d+) samples\/s\)/g)].map((m) => ({
    train: Number(m[2]),
    test: Number(m[3]),
    samplesPerSecond: Number(m[4]),
  }));
  assert.equal(passes.length, 2, out);
  assert.ok(passes[0]!.test < 60, out);
  assert.ok(passes[1]!.test < passes[0]!.test, out);
  assert.ok(passes[1]!.test < 30, out);
  assert.ok(passes[1]!.train < passes[0]!.train, out);
  assert.ok(passes.every((p) => p.samplesPerSecond > 0), out);
  assert.match(out, /^total [\d.]+s, \d+ samples\/s$/m);
  assert.throws(
    () => execFileSync(process.execPath, ['--import', 'tsx', 'examples/lecun1989.ts', '0'], { cwd: root, encoding: 'utf8', stdio: 'pipe' }),
    /lecun1989: passes must be a positive integer, got 0/,
  );
});
