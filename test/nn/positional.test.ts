import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nn, tensor, gradcheck, manualSeed, noGrad, Tensor } from '../../src/index.js';
import { assertClose, uniform } from '../helpers.js';

describe('SinusoidalPositionalEncoding', () => {
  it('adds sin / cos of pos / 10000^(2i / dModel), from an offset', () => {
    const pe = new nn.SinusoidalPositionalEncoding(4, { maxLen: 10 });
    const zeros = tensor(new Float32Array(3 * 4), { shape: [3, 1, 4] });
    const row = (p: number) => [Math.sin(p), Math.cos(p), Math.sin(p / 100), Math.cos(p / 100)];
    assertClose(pe.forward(zeros), [[row(0)], [row(1)], [row(2)]]);
    assertClose(pe.forward(zeros, 7), [[row(7)], [row(8)], [row(9)]]);
    assert.throws(() => pe.forward(zeros, 8), /SinusoidalPositionalEncoding: positions \[8, 11\) exceed maxLen 10/);
    assert.deepEqual(Object.keys(pe.stateDict()), []); // recomputed, not saved
  });

  it('handles batchFirst, unbatched inputs and odd dModel', () => {
    const pe = new nn.SinusoidalPositionalEncoding(3, { batchFirst: true });
    const x = uniform([2, 4, 3], { seed: 1 });
    const y = pe.forward(x);
    assertClose(y.sub(x).select(0, 1).select(0, 2), [Math.sin(2), Math.cos(2), Math.sin(2 / 10000 ** (2 / 3))]);
    assertClose(pe.forward(x.select(0, 0)), y.select(0, 0));
    assert.throws(() => pe.forward(uniform([2, 4, 5])), /SinusoidalPositionalEncoding: expected input \[batch, time, 3\]/);
  });

  it('applies dropout in training only', () => {
    manualSeed(1);
    const pe = new nn.SinusoidalPositionalEncoding(8, { dropout: 0.5 });
    const x = uniform([5, 2, 8], { seed: 2 });
    assert.ok(!pe.forward(x).allclose(pe.eval().forward(x)));
    assertClose(pe.forward(x), pe.forward(x));
  });
});

describe('LearnedPositionalEmbedding', () => {
  it('adds learned rows [offset, offset + T) and learns them', () => {
    manualSeed(2);
    const pos = new nn.LearnedPositionalEmbedding(6, 3, { batchFirst: true });
    assert.deepEqual(Object.keys(pos.stateDict()), ['weight']);
    assert.ok(pos.weight.std().item() < 0.05);
    const x = uniform([2, 3, 3], { seed: 3 });
    const y = pos.forward(x, 2);
    assertClose(y.sub(x).select(0, 1), pos.weight.narrow(0, 2, 3));
    y.sum().backward();
    assertClose(pos.weight.grad!.sum(1), [0, 0, 6, 6, 6, 0]);
    assert.throws(() => pos.forward(x, 4), /LearnedPositionalEmbedding: positions \[4, 7\) exceed maxLen 6/);
  });
});

describe('RotaryEmbedding', () => {
  const dot = (a: Tensor, b: Tensor) => a.mul(b).sum(-1);

  it('rotates pairs: position 0 is the identity, norms are kept, q . k depends on m - n only', () => {
    const rope = new nn.RotaryEmbedding(4, { base: 100 });
    const q = uniform([1, 4], { seed: 4, dtype: 'float64' });
    const k = uniform([1, 4], { seed: 5, dtype: 'float64' });
    assertClose(rope.forward(q, 0), q);
    assertClose(rope.forward(q, 7).norm(), q.norm());
    const at = (x: Tensor, p: number) => rope.forward(x, p);
    assertClose(dot(at(q, 5), at(k, 3)), dot(at(q, 9), at(k, 7)));
    assert.ok(!dot(at(q, 5), at(k, 3)).allclose(dot(at(q, 5), at(k, 4))));
    // Position 1, half-split pairs (x0, x2) and (x1, x3), angles 1 and 1/10.
    const x = tensor([[1, 2, 3, 4]], { dtype: 'float64' });
    const [c0, s0, c1, s1] = [Math.cos(1), Math.sin(1), Math.cos(0.1), Math.sin(0.1)];
    assertClose(rope.forward(x, 1), [[1 * c0 - 3 * s0, 2 * c1 - 4 * s1, 3 * c0 + 1 * s0, 4 * c1 + 2 * s1]]);
  });

  it('interleaved pairs, explicit positions, partial rotary and applyRotary', () => {
    const x = tensor([[1, 2, 3, 4]], { dtype: 'float64' });
    const inter = new nn.RotaryEmbedding(4, { base: 100, interleaved: true });
    const [c0, s0, c1, s1] = [Math.cos(1), Math.sin(1), Math.cos(0.1), Math.sin(0.1)];
    assertClose(inter.forward(x, [1]), [[1 * c0 - 2 * s0, 2 * c0 + 1 * s0, 3 * c1 - 4 * s1, 4 * c1 + 3 * s1]]);
    const partial = new nn.RotaryEmbedding(2);
    assertClose(partial.forward(x, 1), [[c0 - 2 * s0, 2 * c0 + s0, 3, 4]]);
    const q = uniform([2, 3, 4], { seed: 6, dtype: 'float64' });
    const [qr, kr] = nn.applyRotary(q, q, tensor([4, 5, 6], { dtype: 'int32' }));
    assertClose(qr, new nn.RotaryEmbedding(4).forward(q, 4));
    assertClose(kr, qr);
    assert.throws(() => new nn.RotaryEmbedding(3), /RotaryEmbedding: dim must be even, got 3/);
    assert.throws(() => partial.forward(x, [1, 2]), /RotaryEmbedding: expected 1 positions/);
  });

  it('passes gradcheck in float64', () => {
    const rope = new nn.RotaryEmbedding(4);
    assert.ok(gradcheck((x: Tensor) => rope.forward(x, 3), [uniform([2, 3, 4], { seed: 7, dtype: 'float64' }).requiresGrad_(true)]));
  });

  it('inside MultiheadAttention: cached decoding equals the full pass, and scores are shift-invariant', () => {
    manualSeed(3);
    const mha = new nn.MultiheadAttention(8, 2, { batchFirst: true }).eval();
    const rope = new nn.RotaryEmbedding(4);
    const x = uniform([1, 4, 8], { seed: 8 });
    const [full, w] = mha.forward(x, x, x, { isCausal: true, rotary: rope });
    const [plain] = mha.forward(x, x, x, { isCausal: true });
    assert.ok(!full.allclose(plain));
    const cache = new nn.KVCache();
    noGrad(() => {
      for (let t = 0; t < 4; t++) {
        const xt = x.narrow(1, t, 1);
        assertClose(mha.forward(xt, xt, xt, { cache, isCausal: true, rotary: rope })[0], full.narrow(1, t, 1));
      }
    });
    // The score between two tokens depends on their distance, not on where the pair starts.
    const q = uniform([1, 2, 4], { seed: 9, dtype: 'float64' });
    const shifted = (p: number) => dot(rope.forward(q, p).select(1, 1), rope.forward(q, p).select(1, 0));
    assertClose(shifted(0), shifted(11));
    assert.deepEqual(w!.shape, [1, 4, 4]);
  });
});
