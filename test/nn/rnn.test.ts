import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nn, tensor, gradcheck, gradgradcheck, manualSeed, tidy, Tensor } from '../../src/index.js';
import { assertClose, uniform } from '../helpers.js';
import { fillDeterministic, flat, wave } from './reference-fill.js';


/** PyTorch 1.13 outputs (float64) for the configurations below, from fillDeterministic weights and wave inputs [4, 2, 3]. */
const REF = {
  lstm: {out: [-0.0764449429, -0.0730751245, 0.1396776722, 0.0627604687, -0.0663180372, -0.066264223, 0.13514455, 0.0584265325, -0.100841315, -0.1096448396, 0.1230463889, 0.0471680105, -0.1035160498, -0.1138471319, 0.1301568625, 0.0610741196, -0.1077567313, -0.135079209, 0.1151294896, 0.0570639688, -0.1098468083, -0.1361053125, 0.1065365015, 0.0438973063, -0.123458819, -0.1604373588, 0.0880274793, 0.0558398216, -0.1091314061, -0.1518486921, 0.0775826876, 0.0431171636], h: [0.1666115703, -0.1902809144, 0.0776792618, -0.2950380539, 0.0423353322, 0.1266975114, 0.0160776668, 0.1674915705, -0.123458819, -0.1604373588, -0.1091314061, -0.1518486921, 0.1396776722, 0.0627604687, 0.13514455, 0.0584265325], c: [0.3476407859, -0.3786678071, 0.1678686197, -0.5155574474, 0.0987646301, 0.2923762873, 0.0314497388, 0.4491899128, -0.2047189487, -0.305099754, -0.1774107904, -0.2856745285, 0.3779674898, 0.1277780036, 0.3663113668, 0.1185902729]},
  lstmproj: {out: [0.0747310072, 0.0611242684, 0.0312392071, 0.0145332012, 0.1052249315, 0.0680635947, 0.0884886999, 0.0664938192, 0.086746557, 0.0450409605, 0.1113001754, 0.0705222264, 0.1164495819, 0.0804719879, 0.0904239669, 0.0460766851], h: [0.1164495819, 0.0804719879, 0.0904239669, 0.0460766851], c: [-0.2433359562, -0.1932038511, 0.2323583558, 0.5519126457, -0.0597623611, -0.2371527592, 0.103146269, 0.5267626019]},
  gru: {out: [0.512085376, 0.2041068518, 0.2726125669, 0.1962871849, -0.050042569, -0.5527927524, 0.0763847916, 0.0049571994, 0.3228565597, 0.0906960793, 0.1725985054, 0.1272607254, 0.0195028782, -0.4261392836, 0.1388595283, 0.0815498078, 0.2004349265, -0.0173794968, 0.1100925249, 0.1489939578, 0.0923097799, -0.3036703505, 0.0811430542, 0.0400097751, 0.0726505388, -0.1495719947, -0.1454874262, -0.0504265335, 0.1320079967, -0.230736993, 0.0722220684, 0.165885827], h: [0.406252176, -0.2713357995, 0.1835485247, -0.5381950685, -0.0168728431, 0.189350918, -0.0050525625, 0.3965214786, 0.0726505388, -0.1495719947, 0.1320079967, -0.230736993, 0.2726125669, 0.1962871849, 0.0763847916, 0.0049571994]},
  rnnrelu: {out: [0.5844094055, 0.0, 0.1536373535, 0.0, 0.5648781911, 0.0, 0.6206378684, 0.0, 0.2946415255, 0.0, 0.5781895646, 0.0, 0.6536213653, 0.0, 0.2964731453, 0.0], h: [0.6536213653, 0.0, 0.2964731453, 0.0]},
};

describe('RNN, LSTM, GRU against PyTorch', () => {
  it('LSTM, 2 layers, bidirectional', () => {
    const m = new nn.LSTM(3, 2, { numLayers: 2, bidirectional: true, dtype: 'float64' });
    fillDeterministic(m);
    const [out, [h, c]] = m.forward(wave([4, 2, 3]));
    assert.deepEqual(out.shape, [4, 2, 4]);
    assert.deepEqual(h.shape, [4, 2, 2]);
    assertClose(flat(out), REF.lstm.out, { atol: 1e-9 });
    assertClose(flat(h), REF.lstm.h, { atol: 1e-9 });
    assertClose(flat(c), REF.lstm.c, { atol: 1e-9 });
  });

  it('LSTM with a projection (projSize)', () => {
    const m = new nn.LSTM(3, 4, { projSize: 2, dtype: 'float64' });
    fillDeterministic(m);
    const [out, [h, c]] = m.forward(wave([4, 2, 3]));
    assert.deepEqual([out.shape, h.shape, c.shape], [[4, 2, 2], [1, 2, 2], [1, 2, 4]]);
    assertClose(flat(out), REF.lstmproj.out, { atol: 1e-9 });
    assertClose(flat(h), REF.lstmproj.h, { atol: 1e-9 });
    assertClose(flat(c), REF.lstmproj.c, { atol: 1e-9 });
  });

  it('GRU, 2 layers, bidirectional, from a given h0', () => {
    const m = new nn.GRU(3, 2, { numLayers: 2, bidirectional: true, dtype: 'float64' });
    fillDeterministic(m);
    const [out, h] = m.forward(wave([4, 2, 3]), wave([4, 2, 2], 1.1));
    assertClose(flat(out), REF.gru.out, { atol: 1e-9 });
    assertClose(flat(h), REF.gru.h, { atol: 1e-9 });
  });

  it('RNN with relu', () => {
    const m = new nn.RNN(3, 2, { nonlinearity: 'relu', dtype: 'float64' });
    fillDeterministic(m);
    const [out, h] = m.forward(wave([4, 2, 3]));
    assertClose(flat(out), REF.rnnrelu.out, { atol: 1e-9 });
    assertClose(flat(h), REF.rnnrelu.h, { atol: 1e-9 });
  });
});

describe('RNN layers: parameters and layout', () => {
  it("names parameters exactly as PyTorch's state dict", () => {
    assert.deepEqual(Object.keys(new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true }).stateDict()), [
      'weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0',
      'weight_ih_l0_reverse', 'weight_hh_l0_reverse', 'bias_ih_l0_reverse', 'bias_hh_l0_reverse',
      'weight_ih_l1', 'weight_hh_l1', 'bias_ih_l1', 'bias_hh_l1',
      'weight_ih_l1_reverse', 'weight_hh_l1_reverse', 'bias_ih_l1_reverse', 'bias_hh_l1_reverse',
    ]);
    assert.deepEqual(Object.keys(new nn.LSTM(3, 4, { projSize: 2 }).stateDict()), ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', 'weight_hr_l0']);
    assert.deepEqual(Object.keys(new nn.GRU(3, 4, { numLayers: 2, bias: false }).stateDict()), ['weight_ih_l0', 'weight_hh_l0', 'weight_ih_l1', 'weight_hh_l1']);
    const lstm = new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true, projSize: 2 });
    assert.deepEqual(lstm.stateDict().weight_ih_l1!.shape, [16, 4]);
    assert.deepEqual(lstm.stateDict().weight_hh_l1_reverse!.shape, [16, 2]);
    assert.deepEqual(lstm.stateDict().weight_hr_l1_reverse!.shape, [2, 4]);
  });

  it('initializes every parameter within 1/sqrt(hiddenSize)', () => {
    manualSeed(3);
    const gru = new nn.GRU(5, 25, { numLayers: 2 });
    for (const p of gru.parameters()) {
      const v = p.toArray();
      assert.ok(Math.max(...v) <= 0.2 && Math.min(...v) >= -0.2 && Math.max(...v) > 0.15);
    }
  });

  it('batchFirst and unbatched inputs give the same numbers in their layouts', () => {
    manualSeed(4);
    const m = new nn.LSTM(3, 2, { numLayers: 2, bidirectional: true });
    const mb = new nn.LSTM(3, 2, { numLayers: 2, bidirectional: true, batchFirst: true });
    mb.loadStateDict(m.stateDict());
    const x = uniform([5, 2, 3], { seed: 5 });
    const [out, [h, c]] = m.forward(x);
    const [outB, [hB, cB]] = mb.forward(x.transpose(0, 1).contiguous());
    assert.deepEqual(outB.shape, [2, 5, 4]);
    assertClose(outB, out.transpose(0, 1));
    assertClose(hB, h);
    assertClose(cB, c);
    const [out1, [h1]] = m.forward(x.select(1, 1));
    assert.deepEqual([out1.shape, h1.shape], [[5, 4], [4, 2]]);
    assertClose(out1, out.select(1, 1));
    assertClose(h1, h.select(1, 1));
  });

  it('the reverse direction equals a forward RNN run on the flipped sequence', () => {
    manualSeed(5);
    const bi = new nn.GRU(3, 4, { bidirectional: true });
    const fwd = new nn.GRU(3, 4);
    const sd = bi.stateDict();
    fwd.loadStateDict({ weight_ih_l0: sd.weight_ih_l0_reverse!, weight_hh_l0: sd.weight_hh_l0_reverse!, bias_ih_l0: sd.bias_ih_l0_reverse!, bias_hh_l0: sd.bias_hh_l0_reverse! });
    const x = uniform([6, 2, 3], { seed: 6 });
    const [out, h] = bi.forward(x);
    const [outRev, hRev] = fwd.forward(x.flip(0));
    assertClose(out.narrow(2, 4, 4), outRev.flip(0));
    assertClose(h.select(0, 1), hRev.select(0, 0));
  });

  it('dropout acts between layers in training only, never after the last layer', () => {
    manualSeed(6);
    const x = uniform([4, 2, 3], { seed: 7 });
    const x2 = uniform([4, 2, 3], { seed: 8 });
    const deep = new nn.GRU(3, 4, { numLayers: 2, dropout: 1 });
    // Every first-layer output dropped: the second layer sees zeros, whatever the input.
    assertClose(deep.forward(x)[0], deep.forward(x2)[0]);
    deep.eval();
    assert.ok(!deep.forward(x)[0].allclose(deep.forward(x2)[0]));
    const single = new nn.GRU(3, 4, { dropout: 0.5 });
    const train = single.forward(x)[0];
    assertClose(train, single.eval().forward(x)[0]);
  });

  it('rejects bad options and shapes with clear messages', () => {
    assert.throws(() => new nn.GRU(3, 4, { projSize: 2 } as nn.RNNLayerOptions), /GRU: projSize is only supported by LSTM/);
    assert.throws(() => new nn.LSTM(3, 4, { projSize: 4 }), /LSTM: projSize must be smaller than hiddenSize/);
    assert.throws(() => new nn.RNN(3, 4, { dropout: 2 }), /RNN: dropout must be a probability/);
    const m = new nn.LSTM(3, 4, { numLayers: 2 });
    assert.throws(() => m.forward(uniform([5, 2, 4])), /LSTM: expected input \[time, batch, 3\] or unbatched \[time, 3\], got \[5,2,4\]/);
    assert.throws(() => m.forward(uniform([5, 2, 3]), [uniform([1, 2, 4]), uniform([2, 2, 4])]), /LSTM: h0 must be \[2,2,4\]/);
    assert.throws(() => m.forward(uniform([5, 2, 3]), null, { lengths: [5, 6] }), /LSTM: lengths\[1\] must be an integer in \[0, 5\], got 6/);
    assert.throws(() => m.forward(uniform([5, 2, 3]), null, { lengths: [5] }), /LSTM: lengths has 1 entries, but the batch has 2/);
    const holes = tensor([[false, true, false, true, true], [false, false, false, false, false]]);
    assert.throws(() => m.forward(uniform([5, 2, 3]), null, { paddingMask: holes }), /LSTM: paddingMask row 0 has a valid step at 2 after padding at 1/);
  });
});

describe('RNN layers: variable-length batches', () => {
  const lengths = [5, 2, 3];
  const padded = (seed: number) => {
    // Padding filled with noise: it must not leak into any result.
    return uniform([5, 3, 3], { seed, dtype: 'float64' });
  };

  it('LSTM: each padded sequence gives what it gives alone, padded outputs are zero', () => {
    manualSeed(7);
    const m = new nn.LSTM(3, 2, { numLayers: 2, bidirectional: true, dtype: 'float64' });
    const x = padded(9);
    const [out, [h, c]] = m.forward(x, null, { lengths });
    lengths.forEach((n, b) => {
      const [outAlone, [hAlone, cAlone]] = m.forward(x.narrow(0, 0, n).narrow(1, b, 1));
      assertClose(out.narrow(0, 0, n).narrow(1, b, 1), outAlone, { message: `sequence ${b}` });
      assertClose(h.narrow(1, b, 1), hAlone);
      assertClose(c.narrow(1, b, 1), cAlone);
      if (n < 5) assert.equal(out.narrow(0, n, 5 - n).select(1, b).abs().sum().item(), 0);
    });
  });

  it('GRU with batchFirst: lengths as a tensor, a padding mask, and an initial state', () => {
    manualSeed(8);
    const m = new nn.GRU(3, 4, { bidirectional: true, batchFirst: true, dtype: 'float64' });
    const x = padded(10).transpose(0, 1).contiguous(); // [3, 5, 3]
    const h0 = uniform([2, 3, 4], { seed: 11, dtype: 'float64' });
    const [out, h] = m.forward(x, h0, { lengths: tensor(lengths, { dtype: 'int32' }) });
    const mask = tensor(lengths.map((n) => Array.from({ length: 5 }, (_, t) => t >= n)));
    const [outMask, hMask] = m.forward(x, h0, { paddingMask: mask });
    assertClose(outMask, out);
    assertClose(hMask, h);
    lengths.forEach((n, b) => {
      const [outAlone, hAlone] = m.forward(x.narrow(0, b, 1).narrow(1, 0, n), h0.narrow(1, b, 1));
      assertClose(out.narrow(0, b, 1).narrow(1, 0, n), outAlone);
      assertClose(h.narrow(1, b, 1), hAlone);
    });
  });

  it('gradients flow only through the valid steps (and pass gradcheck)', () => {
    manualSeed(9);
    const m = new nn.LSTM(2, 2, { bidirectional: true, dtype: 'float64' });
    const x = uniform([3, 2, 2], { seed: 12, dtype: 'float64' }).requiresGrad_(true);
    const [out, [h]] = m.forward(x, null, { lengths: [3, 1] });
    out.sum().add(h.sum()).backward();
    assert.equal(x.grad!.narrow(0, 1, 2).select(1, 1).abs().sum().item(), 0);
    assert.ok(x.grad!.select(1, 0).abs().sum().item() > 0);
    const params = m.parameters();
    assert.ok(gradcheck((xi: Tensor, ...ps: Tensor[]) => {
      void ps;
      const [o, [hn, cn]] = m.forward(xi, null, { lengths: [3, 1] });
      return [o, hn, cn];
    }, [x.detach().requiresGrad_(true), ...params]));
  });

  it('second derivatives through the time loop pass gradgradcheck; a retained graph backpropagates twice', () => {
    manualSeed(10);
    const m = new nn.GRU(2, 2, { dtype: 'float64' });
    const x = uniform([3, 1, 2], { seed: 13, dtype: 'float64' }).requiresGrad_(true);
    assert.ok(gradgradcheck((xi: Tensor) => m.forward(xi, null, { lengths: [2] })[0], [x]));
    const [out] = m.forward(x);
    out.sum().backward(undefined, { retainGraph: true });
    const once = x.grad!.clone();
    out.sum().backward();
    assertClose(x.grad!, once.mul(2));
    // A forward inside tidy() keeps what the backward needs.
    x.grad = null;
    tidy(() => m.forward(x)[0].sum()).backward();
    assertClose(x.grad!, once);
  });
});
