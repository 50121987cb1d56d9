import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nn, gradcheck, manualSeed, noGrad, Tensor } from '../../src/index.js';
import { assertClose, uniform } from '../helpers.js';
import { fillDeterministic, flat, wave } from './reference-fill.js';


/**
 * PyTorch 1.13 outputs (float64, batch_first, dropout 0): encoder layers (dModel 4, nhead 2, ff 6,
 * gelu) on wave [2, 3, 4] with a square subsequent mask; decoder layers (relu) on the same target with
 * memory wave [2, 5, 4] phase 0.9 and the target mask. `True` is normFirst.
 */
const REF = {
  encFalse: [-0.015400553, -0.2169133801, 0.2468532987, 0.0932611736, -0.060178653, -0.3430768208, 0.2545759271, 0.2211615073, -0.024845068, -0.2513165347, 0.2494086409, 0.1262510832, -0.0151992781, -0.1965917867, 0.2469801347, 0.1152159603, -0.0941864821, -0.3877980047, 0.2564220413, 0.3098063473, -0.0022002331, -0.1314051437, 0.2409795431, 0.0505836781],
  encTrue: [1.3956437869, 0.7326834706, -0.2281429338, -0.5251929323, -0.5703836019, -0.5999301264, -0.3055676843, 0.661192261, 1.3687178378, 1.1408172522, 0.4235850994, 0.0670857016, -0.3167426784, -0.8126313819, -0.8861064842, -0.0122512585, 0.9244090877, 1.1231223102, 0.8394345525, 0.7239120017, 0.2735930449, -0.5697521332, -1.1009827844, -0.5697446039],
  decFalse: [0.0294546033, -0.3932106989, 0.3590177199, 0.5159989736, 0.0590695491, -0.3163199012, 0.3328777891, 0.5834691817, 0.0336260317, -0.3853159333, 0.3586467261, 0.5240414371, 0.0382182171, -0.3474597656, 0.3439665333, 0.5630271119, 0.0829362596, -0.2988265872, 0.3296837955, 0.5886332485, 0.0242823181, -0.3908325786, 0.3561539234, 0.5208030954],
  decTrue: [1.442407765, 0.7344099916, 0.0308877899, -0.2209689863, -0.5168607755, -0.5880833972, -0.0297658401, 0.9944754267, 1.4100593457, 1.1465531833, 0.6947864564, 0.3738826718, -0.2648331985, -0.7995249757, -0.6080294949, 0.3557187263, 0.9530749051, 1.1275492522, 1.1241672699, 1.0199997307, 0.325279492, -0.5647793103, -0.8403317533, -0.2351639514],
};

describe('TransformerEncoderLayer and TransformerDecoderLayer', () => {
  for (const normFirst of [false, true]) {
    it(`match PyTorch (${normFirst ? 'pre' : 'post'}-norm)`, () => {
      const enc = new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 6, dropout: 0, activation: 'gelu', normFirst, batchFirst: true, dtype: 'float64' });
      fillDeterministic(enc);
      const mask = nn.generateSquareSubsequentMask(3, { dtype: 'float64' });
      const x = wave([2, 3, 4]);
      assertClose(flat(enc.forward(x, { srcMask: mask })), normFirst ? REF.encTrue : REF.encFalse, { atol: 1e-9 });
      const dec = new nn.TransformerDecoderLayer(4, 2, { dimFeedforward: 6, dropout: 0, normFirst, batchFirst: true, dtype: 'float64' });
      fillDeterministic(dec);
      assertClose(flat(dec.forward(x, wave([2, 5, 4], 0.9), { tgtMask: mask })), normFirst ? REF.decTrue : REF.decFalse, { atol: 1e-9 });
    });
  }

  it("names parameters as PyTorch's state dicts", () => {
    const attn = (p: string) => [`${p}.in_proj_weight`, `${p}.in_proj_bias`, `${p}.out_proj.weight`, `${p}.out_proj.bias`];
    const ff = ['linear1.weight', 'linear1.bias', 'linear2.weight', 'linear2.bias'];
    const norms = (n: number) => Array.from({ length: n }, (_, i) => [`norm${i + 1}.weight`, `norm${i + 1}.bias`]).flat();
    const encKeys = [...attn('self_attn'), ...ff, ...norms(2)];
    const decKeys = [...attn('self_attn'), ...attn('multihead_attn'), ...ff, ...norms(3)];
    assert.deepEqual(Object.keys(new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }).stateDict()), encKeys);
    assert.deepEqual(Object.keys(new nn.TransformerDecoderLayer(8, 2, { dimFeedforward: 16 }).stateDict()), decKeys);
    const model = new nn.Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 16 });
    assert.deepEqual(Object.keys(model.stateDict()), [
      ...encKeys.map((k) => `encoder.layers.0.${k}`), 'encoder.norm.weight', 'encoder.norm.bias',
      ...decKeys.map((k) => `decoder.layers.0.${k}`), 'decoder.norm.weight', 'decoder.norm.bias',
    ]);
  });

  it('accepts an activation function, and dropout is off in eval mode', () => {
    manualSeed(1);
    const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, activation: (x: Tensor) => x.tanh() });
    const x = uniform([3, 2, 8], { seed: 2 });
    const train = layer.forward(x);
    layer.eval();
    assertClose(layer.forward(x), layer.forward(x));
    assert.ok(!train.allclose(layer.forward(x)));
    assert.throws(() => new nn.TransformerEncoderLayer(8, 2, { activation: 'swish' as 'relu' }), /TransformerEncoderLayer: activation must be 'relu', 'gelu', a function or a Module/);
  });

  it('passes gradcheck in float64 (inputs and parameters)', () => {
    manualSeed(2);
    const layer = new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 4, dropout: 0, batchFirst: true, normFirst: true, dtype: 'float64' });
    const x = uniform([1, 3, 4], { seed: 3, dtype: 'float64' }).requiresGrad_(true);
    assert.ok(gradcheck((a: Tensor) => layer.forward(a, { isCausal: true }), [x, ...layer.parameters()]));
  });
});

describe('TransformerEncoder, TransformerDecoder, Transformer', () => {
  it('generateSquareSubsequentMask is 0 on and below the diagonal, -Infinity above', () => {
    assert.deepEqual(nn.generateSquareSubsequentMask(3).tolist(), [[0, -Infinity, -Infinity], [0, 0, -Infinity], [0, 0, 0]]);
    assert.deepEqual(nn.Transformer.generateSquareSubsequentMask(1).tolist(), [[0]]);
  });

  it('copies the layer numLayers times with equal but separate weights, and applies the final norm', () => {
    manualSeed(3);
    const proto = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
    const enc = new nn.TransformerEncoder(proto, 3, { norm: new nn.LayerNorm(8) });
    const layers = [...enc.layers] as nn.TransformerEncoderLayer[];
    assert.equal(layers.length, 3);
    assertClose(layers[2]!.linear1.weight, proto.linear1.weight);
    assert.notEqual(layers[1]!.linear1.weight, layers[2]!.linear1.weight);
    assert.equal(enc.parameters().length, 3 * 12 + 2);
    const made = new nn.TransformerEncoder((i) => new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 + i }), 2);
    assert.deepEqual((made.layers.at(1) as nn.TransformerEncoderLayer).linear1.weight.shape, [17, 8]);
  });

  it('is causal under generateSquareSubsequentMask: step t ignores inputs after t', () => {
    manualSeed(4);
    const enc = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }), 2).eval();
    const x = uniform([5, 2, 8], { seed: 5 });
    const y = x.clone();
    y.narrow(0, 3, 2).copy_(uniform([2, 2, 8], { seed: 6 }));
    const mask = nn.generateSquareSubsequentMask(5);
    const a = enc.forward(x, { mask });
    const b = enc.forward(y, { mask });
    assertClose(b.narrow(0, 0, 3), a.narrow(0, 0, 3));
    assert.ok(!b.narrow(0, 3, 2).allclose(a.narrow(0, 3, 2)));
    assertClose(enc.forward(x, { isCausal: true }), a);
    // Without the mask, earlier steps see later ones.
    assert.ok(!enc.forward(y).narrow(0, 0, 3).allclose(enc.forward(x).narrow(0, 0, 3)));
  });

  it('Transformer: shapes, distinct re-initialized layers, causal target', () => {
    manualSeed(5);
    const model = new nn.Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 16, batchFirst: true }).eval();
    const enc = model.encoder as nn.TransformerEncoder;
    const w0 = (enc.layers.at(0) as nn.TransformerEncoderLayer).linear1.weight;
    const w1 = (enc.layers.at(1) as nn.TransformerEncoderLayer).linear1.weight;
    assert.ok(!w0.allclose(w1));
    const src = uniform([2, 6, 8], { seed: 7 });
    const tgt = uniform([2, 4, 8], { seed: 8 });
    const tgtMask = nn.generateSquareSubsequentMask(4);
    const out = model.forward(src, tgt, { tgtMask });
    assert.deepEqual(out.shape, [2, 4, 8]);
    const tgt2 = tgt.clone();
    tgt2.narrow(1, 2, 2).copy_(uniform([2, 2, 8], { seed: 9 }));
    assertClose(model.forward(src, tgt2, { tgtMask }).narrow(1, 0, 2), out.narrow(1, 0, 2));
  });

  it('TransformerDecoder with a cache decodes step by step as the full causal pass', () => {
    manualSeed(6);
    for (const normFirst of [false, true]) {
      const dec = new nn.TransformerDecoder(new nn.TransformerDecoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true, normFirst }), 2, { norm: new nn.LayerNorm(8) }).eval();
      const memory = uniform([2, 3, 8], { seed: 10 });
      const tgt = uniform([2, 4, 8], { seed: 11 });
      const full = dec.forward(tgt, memory, { tgtIsCausal: true });
      const cache = dec.createCache();
      noGrad(() => {
        for (let t = 0; t < 4; t++) {
          const step = dec.forward(tgt.narrow(1, t, 1), memory, { tgtIsCausal: true, cache });
          assertClose(step, full.narrow(1, t, 1), { message: `normFirst ${normFirst}, step ${t}` });
        }
      });
      assert.throws(() => dec.forward(tgt, memory, { cache: [] }), /TransformerDecoder: cache must hold one KVCache per layer \(2\), got 0/);
    }
  });
});
