import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, Tensor, tensor } from '../../../src/index.js';
import { compose, flipImage, randomApply, randomChoice } from '../../../src/data/transforms/index.js';

const x = tensor([[[1, 2]]]);
const addOne = (t: Tensor): Tensor => t.add(1);
const double = (t: Tensor): Tensor => t.mul(2);

test('compose applies in order and shares the generator', () => {
  assert.deepEqual(compose([addOne, double])(x, new Generator(0)).tolist(), [[[4, 6]]]);
  assert.deepEqual(compose([double, addOne])(x, new Generator(0)).tolist(), [[[3, 5]]]);
  assert.equal(compose([])(x, new Generator(0)), x);
  const draws: number[] = [];
  const record = (t: Tensor, rng: Generator): Tensor => (draws.push(rng.nextUint32()), t);
  compose([record, record])(x, new Generator(1));
  const g = new Generator(1);
  assert.deepEqual(draws, [g.nextUint32(), g.nextUint32()]);
  assert.throws(() => compose([addOne, 3 as never]), /compose: transform 1 is not a function/);
});

test('randomApply and randomChoice', () => {
  assert.equal(randomApply(addOne, 0)(x, new Generator(0)), x);
  assert.deepEqual(randomApply(addOne, 1)(x, new Generator(0)).tolist(), [[[2, 3]]]);
  const choice = randomChoice([addOne, (t) => flipImage(t, true)]);
  const seen = new Set<string>();
  for (let s = 0; s < 40; s++) seen.add(JSON.stringify(choice(x, new Generator(s)).tolist()));
  assert.deepEqual([...seen].sort(), ['[[[2,3]]]', '[[[2,1]]]'].sort());
  assert.throws(() => randomApply(addOne, 2), /randomApply: p must be a probability in \[0, 1\], got 2/);
  assert.throws(() => randomChoice([]), /randomChoice: expects a non-empty array/);
});
