import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, nn, tensor } from '../../../src/index.js';
import { cutmix, mixup } from '../../../src/data/transforms/index.js';
import { assertClose, uniform } from '../../helpers.js';

const x = uniform([4, 1, 4, 4], { seed: 1 });
const y = tensor([0, 1, 2, 1], { dtype: 'int32' });

test('mixup: lam x + (1 - lam) x[perm], soft targets that sum to 1', () => {
  const m = mixup({ alpha: 0.4, numClasses: 3 })(x, y, new Generator(2));
  assert.ok(m.lam >= 0 && m.lam <= 1);
  const perm = Array.from(m.permutation);
  assert.deepEqual([...perm].sort(), [0, 1, 2, 3]);
  const xv = x.tolist() as number[][][][];
  const expected = xv.map((xi, i) => xi.map((c) => c.map((r, a) => r.map((v, b) => m.lam * v + (1 - m.lam) * xv[perm[i]!]![0]![a]![b]!))));
  assertClose(m.x, expected);
  assert.deepEqual(m.yB.tolist(), perm.map((p) => (y.tolist() as number[])[p]));
  assert.deepEqual(m.y.shape, [4, 3]);
  const rows = m.y.tolist() as number[][];
  rows.forEach((r, i) => {
    assert.ok(Math.abs(r.reduce((a, b) => a + b, 0) - 1) < 1e-6);
    assert.ok(r[(y.tolist() as number[])[i]!]! >= m.lam - 1e-6);
  });
  assert.deepEqual(mixup({ numClasses: 3 })(x, y, new Generator(5)).x.tolist(), mixup({ numClasses: 3 })(x, y, new Generator(5)).x.tolist());
});

test('crossEntropy with the soft targets equals the lam-weighted pair of losses', () => {
  const m = mixup({ alpha: 1, numClasses: 3 })(x, y, new Generator(3));
  const logits = uniform([4, 3], { seed: 4 });
  const soft = nn.functional.crossEntropy(logits, m.y).item();
  const pair = m.lam * nn.functional.crossEntropy(logits, m.yA).item() + (1 - m.lam) * nn.functional.crossEntropy(logits, m.yB).item();
  assert.ok(Math.abs(soft - pair) < 1e-5, `${soft} vs ${pair}`);
});

test('mixup accepts probability targets', () => {
  const probs = tensor([[1, 0], [0, 1]]);
  const m = mixup({ alpha: 1 })(uniform([2, 3], { seed: 5 }), probs, new Generator(1));
  const p = Array.from(m.permutation);
  const expected = [0, 1].map((i) => [0, 1].map((c) => m.lam * (probs.tolist() as number[][])[i]![c]! + (1 - m.lam) * (probs.tolist() as number[][])[p[i]!]![c]!));
  assertClose(m.y, expected);
});

test('cutmix pastes one box of the partner and weighs targets by its area', () => {
  const a = tensor(Array.from({ length: 4 }, (_, i) => Array.from({ length: 1 }, () => Array.from({ length: 6 }, () => new Array(6).fill(i)))));
  const labels = tensor([0, 1, 2, 3], { dtype: 'int32' });
  for (let s = 0; s < 10; s++) {
    const m = cutmix({ alpha: 1, numClasses: 4 })(a, labels, new Generator(s));
    const out = m.x.tolist() as number[][][][];
    out.forEach((img, i) => {
      const partner = m.permutation[i]!;
      const flat = img[0]!.flat();
      const pasted = flat.filter((v) => v === partner && partner !== i).length;
      assert.ok(flat.every((v) => v === i || v === partner));
      if (partner !== i) assert.ok(Math.abs(pasted / 36 - (1 - m.lam)) < 1e-9, `pasted ${pasted}, lam ${m.lam}`);
      const row = (m.y.tolist() as number[][])[i]!;
      if (partner !== i) assert.ok(Math.abs(row[i]! - m.lam) < 1e-6 && Math.abs(row[partner]! - (1 - m.lam)) < 1e-6);
    });
  }
});

test('mix errors', () => {
  assert.throws(() => mixup({ alpha: 0 }), /mixup: alpha must be a positive number, got 0/);
  assert.throws(() => mixup()(x, y), /mixup: numClasses \(a positive integer\) is needed for class-index targets/);
  assert.throws(() => mixup({ numClasses: 2 })(x, y), /mixup: target 2 at index 2 is out of range for 2 classes/);
  assert.throws(() => mixup({ numClasses: 3 })(x, tensor([0, 1], { dtype: 'int32' })), /mixup: y must have x's batch size 4 in dim 0, got \[2\]/);
  assert.throws(() => cutmix({ numClasses: 3 })(uniform([4, 16]), y), /cutmix: x must have at least 4 dims \[N, C, H, W\], got \[4,16\]/);
});
