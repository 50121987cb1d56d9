import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, Generator, text } from '../../src/index.js';
import { GPT } from '../../src/models/gpt.js';

const { generate, topKFilter, topPFilter } = text;

function model(positional: 'learned' | 'rotary' = 'learned'): GPT {
  // float64 so that cached and recomputed logits cannot round into different tokens.
  return new GPT({ vocabSize: 13, contextLength: 6, dModel: 8, numLayers: 2, numHeads: 2, positional, dtype: 'float64', generator: new Generator(11) });
}

describe('topKFilter and topPFilter', () => {
  it('top-k keeps the k largest logits per row', () => {
    assert.deepEqual(topKFilter(tensor([[1, 3, 2, 0], [5, -1, 4, 6]]), 2).tolist(), [[-Infinity, 3, 2, -Infinity], [5, -Infinity, -Infinity, 6]]);
    assert.deepEqual(topKFilter(tensor([1, 2]), 5).tolist(), [1, 2]);
    assert.throws(() => topKFilter(tensor([1, 2]), 0), /topKFilter: k must be a positive integer, got 0/);
  });

  it('top-p keeps the smallest most likely set whose probability reaches p', () => {
    const logits = tensor([0.1, 0.5, 0.25, 0.15].map(Math.log), { dtype: 'float64' });
    const kept = (p: number): boolean[] => (topPFilter(logits, p).tolist() as number[]).map((v) => v !== -Infinity);
    assert.deepEqual(kept(0.5), [false, true, false, false]); // 0.5 alone reaches 0.5
    assert.deepEqual(kept(0.51), [false, true, true, false]); // 0.5 + 0.25 = 0.75
    assert.deepEqual(kept(0.75), [false, true, true, false]);
    assert.deepEqual(kept(0.8), [false, true, true, true]); // 0.9
    assert.deepEqual(kept(1), [true, true, true, true]);
    assert.deepEqual(kept(0.01), [false, true, false, false]); // the top token always stays
    // Kept logits are unchanged; rows are filtered independently.
    assert.deepEqual(topPFilter(tensor([[0, 0, 10], [10, 0, 0]]), 0.9).tolist(), [[-Infinity, -Infinity, 10], [10, -Infinity, -Infinity]]);
    assert.throws(() => topPFilter(logits, 0), /topPFilter: p must be in \(0, 1\], got 0/);
  });
});

describe('generate', () => {
  it('greedy decoding gives the same tokens with and without the KV cache, and equals top-k = 1', () => {
    for (const positional of ['learned', 'rotary'] as const) {
      const m = model(positional);
      const cached = generate(m, [1, 2, 3], { maxNewTokens: 8, greedy: true });
      const recomputed = generate(m, [1, 2, 3], { maxNewTokens: 8, greedy: true, useCache: false });
      assert.equal(cached.length, 11);
      assert.deepEqual(cached.slice(0, 3), [1, 2, 3]);
      assert.deepEqual(cached, recomputed);
      assert.deepEqual(generate(m, [1, 2, 3], { maxNewTokens: 8, topK: 1, generator: new Generator(5) }), cached);
    }
  });

  it('greedy picks the argmax of the last position (hand-checked step)', () => {
    const m = model();
    const logits = m.forward(tensor([[4, 7]], { dtype: 'int32' })).select(1, 1).select(0, 0);
    const best = logits.argmax().item();
    assert.deepEqual(generate(m, [4, 7], { maxNewTokens: 1, greedy: true }), [4, 7, best]);
  });

  it('sampling under the same seed gives the same tokens with and without the cache', () => {
    const m = model();
    for (const opts of [{ temperature: 1 }, { temperature: 0.7, topK: 4 }, { temperature: 1.3, topP: 0.8 }]) {
      const a = generate(m, [0, 5], { maxNewTokens: 10, ...opts, generator: new Generator(42) });
      const b = generate(m, [0, 5], { maxNewTokens: 10, ...opts, generator: new Generator(42), useCache: false });
      assert.deepEqual(a, b);
    }
    // A different seed gives a different continuation (13 tokens, 10 draws at temperature 2).
    const a = generate(m, [0], { maxNewTokens: 10, temperature: 2, generator: new Generator(1) });
    const b = generate(m, [0], { maxNewTokens: 10, temperature: 2, generator: new Generator(2) });
    assert.notDeepEqual(a, b);
  });

  it('top-k sampling only ever draws among the k most likely tokens', () => {
    const m = model();
    const logits = m.forward(tensor([[3]], { dtype: 'int32' })).select(1, 0).select(0, 0);
    const allowed = new Set((topKFilter(logits, 3).tolist() as number[]).flatMap((v, i) => (v === -Infinity ? [] : [i])));
    const g = new Generator(9);
    for (let i = 0; i < 40; i++) assert.ok(allowed.has(generate(m, [3], { maxNewTokens: 1, topK: 3, temperature: 5, generator: g })[1]!));
  });

  it('runs past the context length (the window slides) and batches tensor prompts', () => {
    const m = model();
    const long = generate(m, [1, 2, 3, 4, 5], { maxNewTokens: 6, greedy: true });
    assert.equal(long.length, 11);
    assert.deepEqual(long, generate(m, [1, 2, 3, 4, 5], { maxNewTokens: 6, greedy: true, useCache: false }));
    const batch = generate(m, tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'int32' }), { maxNewTokens: 4, greedy: true });
    assert.deepEqual(batch.shape, [2, 7]);
    assert.deepEqual((batch.tolist() as number[][])[0], generate(m, [1, 2, 3], { maxNewTokens: 4, greedy: true }));
    assert.deepEqual((batch.tolist() as number[][])[1], generate(m, [4, 5, 6], { maxNewTokens: 4, greedy: true }));
  });

  it('stops after a stop token and restores the training mode', () => {
    const m = model();
    const free = generate(m, [1], { maxNewTokens: 6, greedy: true });
    const stop = free[3]!;
    const first = free.indexOf(stop, 1);
    assert.deepEqual(generate(m, [1], { maxNewTokens: 6, greedy: true, stopTokens: [stop] }), free.slice(0, first + 1));
    assert.equal(m.training, true);
  });

  it('rejects bad options with clear messages', () => {
    const m = model();
    assert.throws(() => generate(m, [1], { maxNewTokens: -1 }), /generate: maxNewTokens must be an integer >= 0, got -1/);
    assert.throws(() => generate(m, [1], { maxNewTokens: 1, temperature: 0 }), /generate: temperature must be a positive number, got 0 \(use greedy: true/);
    assert.throws(() => generate(m, [1], { maxNewTokens: 1, topP: 1.5 }), /generate: topP must be in \(0, 1\], got 1.5/);
    assert.throws(() => generate(m, [], { maxNewTokens: 1 }), /generate: prompt must be a non-empty array of token ids/);
    assert.throws(() => generate(m, tensor([1, 2]), { maxNewTokens: 1 }), /generate: a tensor prompt must be int32 \[batch, time\] or \[time\]/);
  });
});
