import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, ones, tensor } from '../../../src/index.js';
import { erase, randomErasing } from '../../../src/data/transforms/index.js';

test('erase sets exactly the rectangle', () => {
  const x = ones([2, 3, 4]);
  const y = erase(x, 1, 1, 2, 2, [0, 7]).tolist() as number[][][];
  assert.deepEqual(y[0], [[1, 1, 1, 1], [1, 0, 0, 1], [1, 0, 0, 1]]);
  assert.deepEqual(y[1], [[1, 1, 1, 1], [1, 7, 7, 1], [1, 7, 7, 1]]);
  assert.throws(() => erase(x, 2, 0, 2, 1), /erase: rectangle top 2, left 0, size 2x1 does not fit in an image of 3x4/);
});

test('randomErasing (p = 1) erases one rectangle of area within the scale range', () => {
  const x = ones([1, 20, 20]);
  const t = randomErasing({ p: 1, scale: [0.1, 0.2], value: 0 });
  for (let s = 0; s < 30; s++) {
    const y = t(x, new Generator(s)).tolist() as number[][][];
    const rows: number[] = [];
    const cols: number[] = [];
    let zeros = 0;
    y[0]!.forEach((row, i) => row.forEach((v, j) => {
      if (v === 0) {
        rows.push(i);
        cols.push(j);
        zeros++;
      }
    }));
    assert.ok(zeros > 0, 'something was erased');
    const h = Math.max(...rows) - Math.min(...rows) + 1;
    const w = Math.max(...cols) - Math.min(...cols) + 1;
    assert.equal(zeros, h * w, 'the erased pixels form a rectangle');
    // Rounding h and w to whole pixels moves the area a little beyond [0.1, 0.2] * 400.
    assert.ok(zeros >= 30 && zeros <= 95, `area ${zeros}`);
  }
});

test('randomErasing: p = 0 keeps the image; random values; errors', () => {
  const x = ones([1, 8, 8]);
  assert.equal(randomErasing({ p: 0 })(x, new Generator(0)), x);
  const y = randomErasing({ p: 1, value: 'random' })(x, new Generator(2)).toArray();
  assert.ok(y.some((v) => v !== 1 && v !== 0));
  assert.deepEqual(randomErasing({ p: 1 })(x, new Generator(4)).tolist(), randomErasing({ p: 1 })(x, new Generator(4)).tolist());
  assert.throws(() => randomErasing({ scale: [0.5, 2] }), /randomErasing: scale must lie within \[0, 1\]/);
  assert.throws(() => randomErasing({ value: 'noise' as never }), /randomErasing: value must be a number, an array or 'random'/);
  assert.throws(() => randomErasing()(tensor([1]), new Generator(0)), /randomErasing: expects an image of shape/);
});
