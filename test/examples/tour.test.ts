import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('the README tour (examples/tour.ts) runs and fits the line', () => {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'examples/tour.ts'], { cwd: root, encoding: 'utf8' });
  const fitted = /fitted w = (-?[\d.]+), b = (-?[\d.]+)/.exec(out);
  assert.ok(fitted, out);
  assert.ok(Math.abs(Number(fitted[1]) - 3) < 0.1, `w = ${fitted[1]}`);
  assert.ok(Math.abs(Number(fitted[2]) + 2) < 0.1, `b = ${fitted[2]}`);
  const second = /sin''\(0.5\) = (-?[\d.]+), -sin\(0.5\) = (-?[\d.]+)/.exec(out);
  assert.ok(second, out);
  assert.equal(second[1], second[2]);
});
