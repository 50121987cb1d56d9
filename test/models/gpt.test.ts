import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gradcheck, manualSeed, nn, noGrad, optim, tensor, Generator, Tensor } from '../../src/index.js';
import { GPT } from '../../src/models/gpt.js';
import { assertClose } from '../helpers.js';

type Positional = 'learned' | 'sinusoidal' | 'rotary';

function ids(rows: number[][]): Tensor {
  return tensor(rows, { dtype: 'int32' });
}

function tiny(positional: Positional, extra: Partial<ConstructorParameters<typeof GPT>[0]> = {}): InstanceType<typeof GPT> {
  return new GPT({ vocabSize: 11, contextLength: 8, dModel: 8, numLayers: 2, numHeads: 2, positional, dtype: 'float64', generator: new Generator(7), ...extra });
}

describe('GPT', () => {
  it('maps [B, T] int32 ids to logits [B, T, V], and [T] to [T, V]', () => {
    const model = tiny('learned');
    assert.deepEqual(model.forward(ids([[1, 2, 3], [4, 5, 6]])).shape, [2, 3, 11]);
    assert.deepEqual(model.forward(tensor([1, 2], { dtype: 'int32' })).shape, [2, 11]);
  });

  it('ties the LM head to the token embedding by default (GPT-2 names, one shared weight)', () => {
    const tied = tiny('learned');
    const untied = tiny('learned', { tieWeights: false });
    const names = Object.keys(tied.stateDict());
    assert.ok(names.includes('wte.weight') && names.includes('wpe.weight') && names.includes('blocks.1.attn.in_proj_weight') && names.includes('blocks.0.mlp.c_fc.weight') && names.includes('ln_f.weight'));
    assert.ok(!names.some((n) => n.startsWith('lm_head')));
    assert.equal(untied.numParameters() - tied.numParameters(), 11 * 8);
    // The head's gradient reaches the embedding: a token that is never an input still gets one.
    const logits = tied.forward(ids([[1, 2]]));
    logits.select(-1, 9).sum().backward();
    const g = tied.wte.weight.grad!.select(0, 9);
    assert.ok(g.abs().sum().item() > 0);
    // Tied logits are the final hidden states times the embedding matrix.
    const h = noGrad(() => tied.ln_f.forward(tied.blocks.at(1).forward(tied.blocks.at(0).forward(tied.wpe!.forward(tied.wte.forward(ids([[3, 4]])))))));
    assertClose(noGrad(() => tied.forward(ids([[3, 4]]))), h.matmul(tied.wte.weight.mT), { atol: 1e-12, rtol: 1e-12 });
  });

  for (const positional of ['learned', 'sinusoidal', 'rotary'] as const) {
    it(`is causal: logits at t do not depend on tokens after t (${positional})`, () => {
      const model = tiny(positional);
      const a = noGrad(() => model.forward(ids([[1, 2, 3, 4, 5]])));
      const b = noGrad(() => model.forward(ids([[1, 2, 3, 9, 0]])));
      assertClose(a.narrow(1, 0, 3), b.narrow(1, 0, 3), { atol: 1e-12, rtol: 1e-12 });
      assert.ok(a.narrow(1, 3, 1).sub(b.narrow(1, 3, 1)).abs().max().item() > 1e-6);
    });

    it(`decodes with a KV cache exactly as the full causal pass (${positional})`, () => {
      const model = tiny(positional).eval();
      const seq = [[3, 1, 4, 1, 5, 9, 2], [6, 5, 3, 5, 8, 9, 7]];
      const full = noGrad(() => model.forward(ids(seq)));
      const cache = model.createCache();
      const parts = noGrad(() => [
        model.forward(ids(seq.map((r) => r.slice(0, 3))), { cache }),
        model.forward(ids(seq.map((r) => r.slice(3, 4))), { cache }),
        model.forward(ids(seq.map((r) => r.slice(4, 7))), { cache }),
      ]);
      assert.equal(cache.length, 7);
      assertClose(parts[0]!, full.narrow(1, 0, 3), { atol: 1e-10, rtol: 1e-10 });
      assertClose(parts[1]!, full.narrow(1, 3, 1), { atol: 1e-10, rtol: 1e-10 });
      assertClose(parts[2]!, full.narrow(1, 4, 3), { atol: 1e-10, rtol: 1e-10 });
      cache.reset();
      assert.equal(cache.length, 0);
    });
  }

  it('passes gradcheck in float64 over all parameters', () => {
    const model = new GPT({ vocabSize: 5, contextLength: 4, dModel: 4, numLayers: 1, numHeads: 2, dtype: 'float64', generator: new Generator(3) });
    const idx = ids([[1, 0, 4]]);
    assert.ok(gradcheck(() => model.forward(idx), model.parameters()));
  });

  it('learns: a few Adam steps lower the loss on a repeating sequence', () => {
    manualSeed(1);
    const model = new GPT({ vocabSize: 6, contextLength: 8, dModel: 16, numLayers: 1, numHeads: 2 });
    const x = ids([[0, 1, 2, 3, 4, 5, 0, 1]]);
    const y = ids([[1, 2, 3, 4, 5, 0, 1, 2]]);
    const opt = new optim.Adam(model.parameters(), { lr: 1e-2 });
    const lossOf = (): Tensor => nn.functional.crossEntropy(model.forward(x).reshape(-1, 6), y.reshape(-1));
    const first = noGrad(() => lossOf().item());
    for (let i = 0; i < 30; i++) {
      opt.zeroGrad();
      lossOf().backward();
      opt.step();
    }
    assert.ok(noGrad(() => lossOf().item()) < first / 4, 'loss should fall well below a quarter');
  });

  it('rejects bad options and inputs with clear messages', () => {
    assert.throws(() => new GPT({ vocabSize: 5, contextLength: 4, dModel: 6, numHeads: 4 }), /GPT: dModel must be divisible by numHeads, got dModel 6 and numHeads 4/);
    assert.throws(() => new GPT({ vocabSize: 0, contextLength: 4 }), /GPT: vocabSize must be a positive integer, got 0/);
    assert.throws(() => new GPT({ vocabSize: 5, contextLength: 4, positional: 'alibi' as Positional }), /GPT: positional must be 'learned', 'sinusoidal' or 'rotary'/);
    assert.throws(() => new GPT({ vocabSize: 5, contextLength: 4, dModel: 6, numHeads: 2, positional: 'rotary' }), /GPT: rotary positions need an even head size/);
    const model = tiny('learned');
    assert.throws(() => model.forward(tensor([[1, 2]])), /GPT: idx must be an int32 tensor \[batch, time\] or \[time\], got a float32 tensor of shape \[1,2\]/);
    assert.throws(() => model.forward(ids([[1, 2, 3, 4, 5, 6, 7, 8, 9]])), /GPT: positions \[0, 9\) must lie within the context length 8/);
    const cache = model.createCache();
    noGrad(() => model.forward(ids([[1, 2, 3, 4, 5, 6]]), { cache }));
    assert.throws(() => noGrad(() => model.forward(ids([[1, 2, 3]]), { cache })), /GPT: positions \[6, 9\) must lie within the context length 8 \(crop the sequence or reset the cache\)/);
    assert.throws(() => model.forward(ids([[1]]), { cache: tiny('learned', { numLayers: 3 }).createCache() }), /GPT: cache must come from this model's createCache\(\) \(2 layers\)/);
  });
});
