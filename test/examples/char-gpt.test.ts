import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main, loadText, warmupCosine } from '../../examples/char-gpt.js';

// A small corpus with structure to learn: repeated words in varying order.
const words = ['the ', 'hacker ', 'wrote ', 'a ', 'kludge ', 'and ', 'it ', 'ran. '];
let corpus = '';
for (let i = 0; i < 400; i++) corpus += words[(i * 7 + (i >> 3)) % words.length];

test('char-gpt trains a tiny GPT: the held-out loss falls and a sample is generated', async () => {
  const lines: string[] = [];
  const r = await main({ corpus, steps: 60, every: 30, context: 16, layers: 1, dModel: 32, heads: 2, batch: 16, lr: 1e-2, sampleLength: 20, log: (l) => lines.push(l) });
  assert.equal(r.valLosses.length, 3);
  assert.ok(r.valLosses[2]! < r.valLosses[0]! * 0.6, `val losses ${r.valLosses.join(', ')}`);
  assert.ok(r.trainLosses[1]! < r.trainLosses[0]!, `train losses ${r.trainLosses.join(', ')}`);
  assert.equal(r.sample.length, 8 + 20);
  assert.ok(lines.some((l) => /^step 60: train loss [\d.]+, val loss [\d.]+/.test(l)), lines.join('\n'));
});

test('char-gpt: a missing text file names the apt-get package; the schedule warms up then decays', () => {
  assert.throws(() => loadText('/nonexistent/jargon.txt'), /char-gpt: text file \/nonexistent\/jargon.txt not found/);
  const lr = warmupCosine(10, 110);
  assert.equal(lr(0), 0.1);
  assert.equal(lr(9), 1);
  assert.ok(Math.abs(lr(60) - 0.55) < 1e-12);
  assert.ok(Math.abs(lr(110) - 0.1) < 1e-12);
});
