import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator } from '../../src/index.js';
import { main, makeSequences } from '../../examples/sequence-classifier.js';

test('sequence-classifier: the GRU learns the order rule well above chance', async () => {
  const r = await main({ train: 400, epochs: 3, hidden: 16, log: () => {} });
  assert.ok(r.losses[2]! < r.losses[0]!, `losses ${r.losses.join(', ')}`);
  assert.ok(r.accuracies[2]! > 0.8, `accuracies ${r.accuracies.join(', ')}`);
});

test('sequence-classifier data: both markers once per sequence, label = 1 before 2, balanced', () => {
  const s = makeSequences(200, { vocab: 8, minLength: 4, maxLength: 9, generator: new Generator(1) });
  let ones = 0;
  s.lengths.forEach((len, i) => {
    const row = Array.from(s.tokens.subarray(i * 9, i * 9 + 9));
    assert.ok(len >= 4 && len <= 9);
    assert.equal(row.filter((t) => t === 1).length, 1);
    assert.equal(row.filter((t) => t === 2).length, 1);
    assert.ok(row.slice(len).every((t) => t === 0));
    assert.equal(s.labels[i], row.indexOf(1) < row.indexOf(2) ? 1 : 0);
    ones += s.labels[i]!;
  });
  assert.ok(ones > 70 && ones < 130, `${ones} of 200 labels are 1`);
});
