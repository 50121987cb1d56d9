import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CharTokenizer } from '../../src/text/index.js';

test('CharTokenizer: sorted vocabulary, encode and decode round trip', () => {
  const tok = CharTokenizer.fromText('hello world');
  assert.deepEqual(tok.chars, [' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w']);
  assert.equal(tok.vocabSize, 8);
  assert.deepEqual(tok.encode('hold'), [3, 5, 4, 1]);
  assert.equal(tok.decode(tok.encode('hello world')), 'hello world');
});

test('CharTokenizer: code points outside the BMP are one token', () => {
  const tok = CharTokenizer.fromText('a😀b');
  assert.equal(tok.vocabSize, 3);
  assert.deepEqual(tok.encode('😀a'), [2, 0]);
  assert.equal(tok.decode([2, 1]), '😀b');
});

test('CharTokenizer: unknown characters throw or map to the unknown token', () => {
  assert.throws(() => CharTokenizer.fromText('abc').encode('abz'), /CharTokenizer.encode: character "z" at offset 2 is not in the vocabulary/);
  const tok = CharTokenizer.fromText('abc', { unknown: '?' });
  assert.deepEqual(tok.encode('az'), [0, 3]);
  assert.equal(tok.decode(tok.encode('az')), 'a?');
});

test('CharTokenizer: JSON round trip and bad inputs', () => {
  const tok = CharTokenizer.fromText('the quick brown fox');
  const back = CharTokenizer.fromJSON(JSON.parse(JSON.stringify(tok)));
  assert.deepEqual(back.encode('the fox'), tok.encode('the fox'));
  assert.throws(() => tok.decode([99]), /token id 99 is outside the vocabulary \[0, \d+\)/);
  assert.throws(() => new CharTokenizer(['a', 'a']), /duplicate character "a"/);
  assert.throws(() => new CharTokenizer(['ab']), /must be one character/);
  assert.throws(() => CharTokenizer.fromJSON({ type: 'bpe' } as never), /expected \{ type: 'char'/);
});
