import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator } from '../../../src/index.js';
import { beta, gamma, normal, randInt } from '../../../src/data/transforms/random.js';

function moments(draw: () => number, n = 20000): { mean: number; variance: number } {
  const v = Array.from({ length: n }, draw);
  const mean = v.reduce((a, b) => a + b, 0) / n;
  return { mean, variance: v.reduce((a, b) => a + (b - mean) ** 2, 0) / n };
}

test('normal, gamma and beta have the right first two moments', () => {
  const g = new Generator(0);
  const nrm = moments(() => normal(g));
  assert.ok(Math.abs(nrm.mean) < 0.03 && Math.abs(nrm.variance - 1) < 0.05);
  for (const k of [0.3, 2.5]) {
    const m = moments(() => gamma(g, k));
    assert.ok(Math.abs(m.mean - k) < 0.05 * Math.max(k, 1), `gamma(${k}) mean ${m.mean}`);
    assert.ok(Math.abs(m.variance - k) < 0.1 * Math.max(k, 1), `gamma(${k}) variance ${m.variance}`);
  }
  const b = moments(() => beta(g, 0.2, 0.2));
  assert.ok(Math.abs(b.mean - 0.5) < 0.02);
  assert.ok(Math.abs(b.variance - 0.04 / (0.16 * 1.4)) < 0.01, `beta variance ${b.variance}`);
});

test('randInt covers both ends', () => {
  const g = new Generator(1);
  const seen = new Set(Array.from({ length: 200 }, () => randInt(g, 2, 5)));
  assert.deepEqual([...seen].sort(), [2, 3, 4, 5]);
  assert.equal(randInt(g, 3, 3), 3);
});
