import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteBPETokenizer } from '../../src/text/index.js';

const corpus = 'low low low low low lower lower newest newest newest newest newest newest widest widest widest';

test('ByteBPETokenizer.train: merges the most frequent pairs first, deterministically', () => {
  const tok = ByteBPETokenizer.train(corpus, { vocabSize: 260 });
  const bytes = (s: string) => [...new TextEncoder().encode(s)];
  // Pre-tokens: 'low' x1, ' low' x4, ' lower' x2, ' newest' x6, ' widest' x3.
  // Pair counts: ' '+'l' 6, 'l'+'o' 7, 'o'+'w' 7, ' '+'n' 6, 'e'+'s' 9, 's'+'t' 9, ... 'e'+'s' and 's'+'t'
  // tie at 9 and ('e','s') has the smaller ids, so it is merged first; then (256,'t') has 9.
  assert.deepEqual(tok.merges[0], [bytes('e')[0], bytes('s')[0]]);
  assert.deepEqual(tok.merges[1], [256, bytes('t')[0]]);
  assert.equal(tok.vocabSize, 260);
  assert.deepEqual(ByteBPETokenizer.train(corpus, { vocabSize: 260 }).toJSON(), tok.toJSON());
});

test('ByteBPETokenizer: encode uses the merges and decode inverts it on any text', () => {
  const tok = ByteBPETokenizer.train(corpus, { vocabSize: 280 });
  const ids = tok.encode(' newest');
  assert.ok(ids.length < 7, `expected merges to shorten ' newest', got ${ids.length} tokens`);
  for (const s of [corpus, 'unseen wörds, digits 12345 and emoji 😀!\n\ttabs', '']) assert.equal(tok.decode(tok.encode(s)), s);
});

test('ByteBPETokenizer: special tokens are single ids and are never merged across', () => {
  const tok = ByteBPETokenizer.train(`${corpus}<|endoftext|>${corpus}`, { vocabSize: 270, specialTokens: ['<|endoftext|>'] });
  const eot = tok.specialId('<|endoftext|>');
  assert.equal(eot, 269);
  const ids = tok.encode('low<|endoftext|>low');
  assert.equal(ids.filter((i) => i === eot).length, 1);
  assert.equal(tok.decode(ids), 'low<|endoftext|>low');
  assert.ok(!tok.encode('<|endoftext|>', { allowSpecial: false }).includes(eot));
});

test('ByteBPETokenizer: JSON round trip and validation', () => {
  const tok = ByteBPETokenizer.train(corpus, { vocabSize: 270, specialTokens: ['<pad>'] });
  const back = ByteBPETokenizer.fromJSON(JSON.parse(JSON.stringify(tok)));
  assert.deepEqual(back.encode(corpus), tok.encode(corpus));
  assert.throws(() => ByteBPETokenizer.train(corpus, { vocabSize: 100 }), /vocabSize must be an integer in \[256/);
  assert.throws(() => new ByteBPETokenizer([[300, 1]]), /merge 0 joins \[300, 1\], but only ids below 256 exist/);
  assert.throws(() => new ByteBPETokenizer([[1, 2], [1, 2]]), /merge 1 repeats the pair \[1, 2\]/);
  assert.throws(() => tok.decode([5000]), /token id 5000 is outside the vocabulary \[0, 270\)/);
  assert.throws(() => tok.specialId('<eos>'), /"<eos>" is not a special token/);
});

test('ByteBPETokenizer.train: stops early when no pair reaches minFrequency', () => {
  const tok = ByteBPETokenizer.train('abcdef', { vocabSize: 300 });
  assert.equal(tok.merges.length, 0);
});
