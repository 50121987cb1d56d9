import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nn, tensor, gradcheck, manualSeed, noGrad, Tensor } from '../../src/index.js';
import { assertClose } from '../helpers.js';

const ints = (v: number[] | number[][]) => tensor(v, { dtype: 'int32' });
const set = (p: Tensor, values: number[][]) => noGrad(() => p.copy_(tensor(values)));

describe('Embedding', () => {
  it('looks up rows: output [...indices.shape, dim]', () => {
    const e = new nn.Embedding(3, 2);
    set(e.weight, [[0, 0], [1, 2], [3, 4]]);
    assertClose(e.forward(ints([[1, 2], [0, 1]])), [[[1, 2], [3, 4]], [[0, 0], [1, 2]]]);
    assert.equal(e.toString(), 'Embedding(3, 2)  # 6 params, 6 trainable');
  });

  it('initializes from N(0, 1)', () => {
    manualSeed(0);
    const v = [...new nn.Embedding(1000, 10).weight.toArray()];
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    assert.ok(Math.abs(mean) < 0.03 && Math.abs(std - 1) < 0.02, `mean ${mean} std ${std}`);
  });

  it('paddingIdx: the row starts at zero and gets no gradient; negative indices count from the end', () => {
    manualSeed(1);
    const e = new nn.Embedding(4, 3, { paddingIdx: -1 });
    assert.equal(e.paddingIdx, 3);
    assertClose(e.weight.select(0, 3), [0, 0, 0]);
    e.forward(ints([3, 1, 3, 1])).mul(tensor([[1, 2, 3]])).sum().backward();
    assertClose(e.weight.grad!, [[0, 0, 0], [2, 4, 6], [0, 0, 0], [0, 0, 0]]);
    assert.equal(e.extraRepr(), '4, 3, paddingIdx=3');
    assert.throws(() => new nn.Embedding(4, 3, { paddingIdx: 4 }), /paddingIdx 4 must be within \[-4, 3\]/);
  });

  it('maxNorm renormalizes the looked-up rows in place, outside the graph', () => {
    const e = new nn.Embedding(3, 2, { maxNorm: 1 });
    set(e.weight, [[3, 4], [0.3, 0.4], [6, 8]]);
    const out = e.forward(ints([0, 1, 0]));
    const s = 1 / (5 + 1e-7);
    assertClose(e.weight, [[3 * s, 4 * s], [0.3, 0.4], [6, 8]]);
    assertClose(out, [[3 * s, 4 * s], [0.3, 0.4], [3 * s, 4 * s]]);
    assert.equal(e.weight.isLeaf, true);
    out.sum().backward();
    assertClose(e.weight.grad!, [[2, 2], [1, 1], [0, 0]]);
  });

  it('maxNorm with normType 1', () => {
    const e = new nn.Embedding(2, 2, { maxNorm: 2, normType: 1 });
    set(e.weight, [[3, -4], [0.5, 0.5]]);
    e.forward(ints([0, 1]));
    assertClose(e.weight, [[(3 * 2) / (7 + 1e-7), (-4 * 2) / (7 + 1e-7)], [0.5, 0.5]]);
  });

  it('fromPretrained shares the tensor and freezes by default', () => {
    const w = tensor([[1, 2], [3, 4]]);
    const e = nn.Embedding.fromPretrained(w);
    assert.equal(e.weight.requiresGrad, false);
    assert.equal(e.weight.storage, w.storage);
    assertClose(e.forward(ints([1])), [[3, 4]]);
    assert.equal(nn.Embedding.fromPretrained(w, { freeze: false }).weight.requiresGrad, true);
    assertClose(nn.Embedding.fromPretrained(w, { paddingIdx: 0 }).weight, [[1, 2], [3, 4]], { message: 'the padding row is not zeroed' });
  });

  it('passes gradcheck in float64 (repeated indices accumulate)', () => {
    const e = new nn.Embedding(4, 2).double();
    assert.ok(gradcheck(() => e.forward(ints([[0, 2], [2, 3]])), [e.weight]));
  });

  it('rejects bad indices', () => {
    const e = new nn.Embedding(3, 2);
    assert.throws(() => e.forward(ints([3])), /embedding: index 3 is out of range for weight \[3,2\]/);
    assert.throws(() => e.forward(tensor([1])), /indices must be an int32 tensor/);
    assert.throws(() => new nn.Embedding(3, 2, { maxNorm: -1 }), /maxNorm must be a positive number/);
  });
});
