import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nn, tensor, gradcheck, gradgradcheck, manualSeed, noGrad, zeros, Tensor, Generator } from '../../src/index.js';
import { assertClose, uniform } from '../helpers.js';
import { fillDeterministic, flat, wave } from './reference-fill.js';


/** PyTorch 1.13 MultiheadAttention outputs (float64): fillDeterministic weights, query wave [3, 2, 4], key phase 0.9, value phase 1.7. */
const REF = {
  mha: {out: [0.2766415685, -0.073005136, 0.1819044303, 0.4390656445, 0.3222107651, -0.1223745326, 0.0504919747, 0.259935723, 0.2764667439, -0.0732564574, 0.1816422584, 0.4388611028, 0.321195861, -0.1237010581, 0.0492003229, 0.2590163309, 0.2761374619, -0.0736312612, 0.1813198335, 0.4386752758, 0.3204261955, -0.1249504391, 0.047797571, 0.2578266138], w: [0.3412038393, 0.3288839778, 0.3299121829, 0.0, 0.0, 0.3403705304, 0.3318922184, 0.3277372512, 0.0, 0.0, 0.3379022447, 0.3362598394, 0.3258379159, 0.0, 0.0, 0.182110212, 0.1833053834, 0.1943207607, 0.2118677047, 0.2283959392, 0.1918944109, 0.1932315856, 0.1983669772, 0.2053646627, 0.2111423637, 0.2021482299, 0.2040238933, 0.2024348467, 0.1981468673, 0.1932461628]},
  mhakv: {out: [-0.0030876248, 0.1988604039, -0.2320457408, -0.3828394614, 0.0846922704, 0.2404870608, -0.2474454139, -0.4512429926, -0.0027083315, 0.1991390818, -0.2319404703, -0.3829350955, 0.0849647681, 0.2407058449, -0.247337491, -0.4512741208, -0.0022418104, 0.1995415139, -0.2317072446, -0.3829319958, 0.085079958, 0.2407637231, -0.2473520424, -0.451357301], w: [0.1842118178, 0.1633566087, 0.1459321029, 0.1838075406, 0.1640924817, 0.1585994483, 0.1815369552, 0.1614355078, 0.1535051873, 0.1813589273, 0.1619606856, 0.1602027368, 0.1748501497, 0.1584709489, 0.1693806794, 0.1750770458, 0.1585730836, 0.1636480925, 0.1428188127, 0.1766611841, 0.1931968746, 0.1430679411, 0.1756305389, 0.1686246486, 0.1525286109, 0.1718054914, 0.1842389112, 0.1527363376, 0.1711791018, 0.1675115471, 0.1665450059, 0.164342875, 0.1729999693, 0.1667116259, 0.1642243931, 0.1651761308, 0.1883108099, 0.1557518741, 0.1488117793, 0.1881436903, 0.1564649975, 0.1625168489, 0.1776648272, 0.1633335267, 0.1545619748, 0.1774739067, 0.1637738887, 0.1631918759, 0.1635160483, 0.1743041679, 0.161421529, 0.1632716762, 0.1743428648, 0.1631437137, 0.1669949033, 0.1744161525, 0.1564835501, 0.1666423706, 0.1746299732, 0.1608330503, 0.1767616098, 0.1606899909, 0.1622850342, 0.1767956208, 0.1609582662, 0.1625094781, 0.1863727449, 0.1468893885, 0.1685903233, 0.1868736334, 0.1471842723, 0.1640896377]},
};

const F = nn.functional;

/** softmax(q k^T / sqrt(E)) v written out with plain numbers, q [L, E], k [S, E], v [S, Ev]. */
function naiveAttention(q: number[][], k: number[][], v: number[][], keep?: boolean[][]): number[][] {
  const E = q[0]!.length;
  return q.map((qi, i) => {
    const scores = k.map((kj, j) => (keep && !keep[i]![j] ? -Infinity : qi.reduce((s, x, e) => s + x * kj[e]!, 0) / Math.sqrt(E)));
    const m = Math.max(...scores);
    const ex = scores.map((s) => Math.exp(s - m));
    const z = ex.reduce((a, b) => a + b, 0);
    return v[0]!.map((_, f) => ex.reduce((s, w, j) => s + (w / z) * v[j]![f]!, 0));
  });
}

describe('scaledDotProductAttention', () => {
  const q = uniform([3, 2], { seed: 1, dtype: 'float64' });
  const k = uniform([4, 2], { seed: 2, dtype: 'float64' });
  const v = uniform([4, 3], { seed: 3, dtype: 'float64' });
  const rows = (t: Tensor) => t.tolist() as number[][];

  it('computes softmax(q k^T / sqrt(E)) v, and returns weights that sum to 1', () => {
    const [out, w] = F.scaledDotProductAttention(q, k, v, { returnWeights: true });
    assertClose(out, naiveAttention(rows(q), rows(k), rows(v)));
    assertClose(w.sum(-1), [1, 1, 1]);
    assertClose(F.scaledDotProductAttention(q, k, v, { scale: 1 }), naiveAttention(rows(q.mul(Math.sqrt(2))), rows(k), rows(v)));
  });

  it('bool masks mark what takes part; float masks are added; key padding marks what does not', () => {
    const keep = [[true, false, true, true], [false, true, true, false], [true, true, true, true]];
    const expected = naiveAttention(rows(q), rows(k), rows(v), keep);
    assertClose(F.scaledDotProductAttention(q, k, v, { attnMask: tensor(keep) }), expected);
    const additive = tensor(keep.map((r) => r.map((b) => (b ? 0 : -Infinity))), { dtype: 'float64' });
    assertClose(F.scaledDotProductAttention(q, k, v, { attnMask: additive }), expected);
    const bias = uniform([3, 4], { seed: 9, dtype: 'float64' });
    const [, w] = F.scaledDotProductAttention(q, k, v, { attnMask: bias, returnWeights: true });
    const [, w0] = F.scaledDotProductAttention(q, k, v, { returnWeights: true });
    // Adding a bias b to the scores multiplies the weights by exp(b) before normalizing.
    assertClose(w, w0.mul(bias.exp()).div(w0.mul(bias.exp()).sum(-1, true)));
    // Key padding [N, S] on batched inputs [N, H, L, E].
    const qb = q.reshape(1, 1, 3, 2);
    const out = F.scaledDotProductAttention(qb, k.reshape(1, 1, 4, 2), v.reshape(1, 1, 4, 3), { keyPaddingMask: tensor([[false, false, true, true]]) });
    assertClose(out.reshape(3, 3), naiveAttention(rows(q), rows(k).slice(0, 2), rows(v).slice(0, 2)));
  });

  it('isCausal: the output at step t does not depend on inputs after t', () => {
    const x = uniform([2, 5, 4], { seed: 4 });
    const y = x.clone();
    y.narrow(1, 3, 2).copy_(uniform([2, 2, 4], { seed: 5 }));
    const a = F.scaledDotProductAttention(x, x, x, { isCausal: true });
    const b = F.scaledDotProductAttention(y, y, y, { isCausal: true });
    assertClose(b.narrow(1, 0, 3), a.narrow(1, 0, 3));
    assert.ok(!b.narrow(1, 3, 2).allclose(a.narrow(1, 3, 2)));
    const tri = tensor(Array.from({ length: 5 }, (_, i) => Array.from({ length: 5 }, (_, j) => j <= i)));
    assertClose(a, F.scaledDotProductAttention(x, x, x, { attnMask: tri }));
  });

  it('fully masked rows give zeros, with finite (zero) gradients, instead of NaN', () => {
    const keep = tensor([[true, true, false, false], [false, false, false, false], [true, false, false, false]]);
    const qq = q.clone().requiresGrad_(true);
    const [out, w] = F.scaledDotProductAttention(qq, k, v, { attnMask: keep, returnWeights: true });
    assertClose(out.select(0, 1), [0, 0, 0]);
    assertClose(w.select(0, 1), [0, 0, 0, 0]);
    assertClose(out.select(0, 2), v.select(0, 0));
    out.sum().backward();
    assert.ok(qq.grad!.isfinite().all().item());
    assertClose(qq.grad!.select(0, 1), [0, 0]);
  });

  it('dropout on the weights draws from the generator', () => {
    const a = F.scaledDotProductAttention(q, k, v, { dropoutP: 0.5, generator: new Generator(1) });
    const b = F.scaledDotProductAttention(q, k, v, { dropoutP: 0.5, generator: new Generator(1) });
    assertClose(a, b);
    assert.ok(!a.allclose(F.scaledDotProductAttention(q, k, v)));
  });

  it('passes gradcheck and gradgradcheck in float64 (with a mask)', () => {
    const qq = q.clone().requiresGrad_(true);
    const kk = k.clone().requiresGrad_(true);
    const vv = v.clone().requiresGrad_(true);
    const mask = tensor([[true, false, true, true], [true, true, true, false], [false, true, true, true]]);
    const fn = (a: Tensor, b: Tensor, c: Tensor) => F.scaledDotProductAttention(a, b, c, { attnMask: mask });
    assert.ok(gradcheck(fn, [qq, kk, vv]));
    assert.ok(gradgradcheck(fn, [qq, kk, vv]));
  });

  it('rejects mismatched shapes and bad options', () => {
    assert.throws(() => F.scaledDotProductAttention(q, uniform([4, 3], { dtype: 'float64' }), v), /scaledDotProductAttention: query \[3,2\] and key \[4,3\] must have the same last dim/);
    assert.throws(() => F.scaledDotProductAttention(q, k, uniform([5, 3], { dtype: 'float64' })), /same source length/);
    assert.throws(() => F.scaledDotProductAttention(q, k, v, { dropoutP: 2 }), /dropoutP must be a probability/);
    assert.throws(() => F.scaledDotProductAttention(q, k, v, { attnMask: tensor([[1]], { dtype: 'int32' }) }), /attnMask must be bool/);
  });
});

describe('MultiheadAttention', () => {
  it('matches PyTorch with a key padding mask (head-averaged weights)', () => {
    const m = new nn.MultiheadAttention(4, 2, { dtype: 'float64' });
    fillDeterministic(m);
    const kpm = tensor([[false, false, false, true, true], [false, false, false, false, false]]);
    const [out, w] = m.forward(wave([3, 2, 4]), wave([5, 2, 4], 0.9), wave([5, 2, 4], 1.7), { keyPaddingMask: kpm });
    assert.deepEqual([out.shape, w!.shape], [[3, 2, 4], [2, 3, 5]]);
    assertClose(flat(out), REF.mha.out, { atol: 1e-9 });
    assertClose(flat(w!), REF.mha.w, { atol: 1e-9 });
  });

  it('matches PyTorch with kdim, vdim and addBiasKV (per-head weights)', () => {
    const m = new nn.MultiheadAttention(4, 2, { kdim: 3, vdim: 5, addBiasKV: true, dtype: 'float64' });
    fillDeterministic(m);
    const [out, w] = m.forward(wave([3, 2, 4]), wave([5, 2, 3], 0.9), wave([5, 2, 5], 1.7), { averageAttnWeights: false });
    assert.deepEqual(w!.shape, [2, 2, 3, 6]);
    assertClose(flat(out), REF.mhakv.out, { atol: 1e-9 });
    assertClose(flat(w!), REF.mhakv.w, { atol: 1e-9 });
  });

  it("names parameters as PyTorch and initializes like it", () => {
    assert.deepEqual(Object.keys(new nn.MultiheadAttention(8, 2).stateDict()), ['in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']);
    assert.deepEqual(Object.keys(new nn.MultiheadAttention(8, 2, { kdim: 3, vdim: 5 }).stateDict()), ['q_proj_weight', 'k_proj_weight', 'v_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']);
    assert.deepEqual(Object.keys(new nn.MultiheadAttention(8, 2, { addBiasKV: true }).stateDict()), ['in_proj_weight', 'in_proj_bias', 'bias_k', 'bias_v', 'out_proj.weight', 'out_proj.bias']);
    assert.deepEqual(Object.keys(new nn.MultiheadAttention(8, 2, { bias: false }).stateDict()), ['in_proj_weight', 'out_proj.weight']);
    manualSeed(2);
    const m = new nn.MultiheadAttention(64, 4);
    const bound = Math.sqrt(6 / (64 + 192)); // xavier uniform over the packed [192, 64]
    const w = m.in_proj_weight!.toArray();
    assert.ok(Math.max(...w) <= bound && Math.max(...w) > 0.95 * bound);
    assert.equal(m.in_proj_bias!.abs().sum().item(), 0);
    assert.equal(m.out_proj.bias!.abs().sum().item(), 0);
    assert.throws(() => new nn.MultiheadAttention(10, 3), /MultiheadAttention: embedDim must be divisible by numHeads, got embedDim 10 and numHeads 3/);
  });

  it('returns weights that sum to 1, per head or averaged; batchFirst and unbatched layouts agree', () => {
    manualSeed(3);
    const m = new nn.MultiheadAttention(8, 2, { batchFirst: true });
    const x = uniform([2, 5, 8], { seed: 6 });
    const [out, w] = m.forward(x, x, x);
    assertClose(w!.sum(-1), tensor(new Float32Array(10).fill(1), { shape: [2, 5] }));
    const [, wHeads] = m.forward(x, x, x, { averageAttnWeights: false });
    assert.deepEqual(wHeads!.shape, [2, 2, 5, 5]);
    assertClose(wHeads!.mean(1), w!);
    const [out1, w1] = m.forward(x.select(0, 1), x.select(0, 1), x.select(0, 1));
    assertClose(out1, out.select(0, 1));
    assertClose(w1!, w!.select(0, 1));
    assert.equal(m.forward(x, x, x, { needWeights: false })[1], null);
  });

  it('uses PyTorch mask conventions: bool true = not allowed, float added, [N*H, L, S] masks', () => {
    manualSeed(4);
    const m = new nn.MultiheadAttention(4, 2, { batchFirst: true });
    const x = uniform([2, 3, 4], { seed: 7 });
    const blocked = tensor([[false, true, true], [false, false, true], [false, false, false]]);
    const additive = tensor([[0, -Infinity, -Infinity], [0, 0, -Infinity], [0, 0, 0]]);
    const [a, wa] = m.forward(x, x, x, { attnMask: blocked });
    const [b] = m.forward(x, x, x, { attnMask: additive });
    const [c] = m.forward(x, x, x, { isCausal: true });
    const [d] = m.forward(x, x, x, { attnMask: blocked.unsqueeze(0).expand(4, 3, 3).contiguous() });
    assertClose(b, a);
    assertClose(c, a);
    assertClose(d, a);
    assertClose(wa!.select(1, 0), [[1, 0, 0], [1, 0, 0]]);
    assert.throws(() => m.forward(x, x, x, { attnMask: tensor([[true]]) }), /attnMask must be \[3, 3\] or \[4, 3, 3\]/);
    assert.throws(() => m.forward(x, x, x, { keyPaddingMask: tensor([[true]]) }), /keyPaddingMask must be a bool or float tensor \[batch, source length\] = \[2, 3\]/);
  });

  it('with a KVCache, one token at a time equals full causal attention', () => {
    manualSeed(5);
    const m = new nn.MultiheadAttention(8, 2, { batchFirst: true });
    m.eval();
    const x = uniform([2, 5, 8], { seed: 8 });
    const [full] = m.forward(x, x, x, { isCausal: true, needWeights: false });
    const cache = new nn.KVCache();
    noGrad(() => {
      for (let t = 0; t < 5; t++) {
        const xt = x.narrow(1, t, 1);
        const [yt] = m.forward(xt, xt, xt, { cache, isCausal: true, needWeights: false });
        assertClose(yt, full.narrow(1, t, 1), { message: `step ${t}` });
      }
    });
    assert.equal(cache.length, 5);
    // Two steps at once after a prefix of three also match.
    cache.reset();
    const [prefix] = m.forward(x.narrow(1, 0, 3), x.narrow(1, 0, 3), x.narrow(1, 0, 3), { cache, isCausal: true });
    const rest = x.narrow(1, 3, 2);
    const [tail] = m.forward(rest, rest, rest, { cache, isCausal: true });
    assertClose(prefix, full.narrow(1, 0, 3));
    assertClose(tail, full.narrow(1, 3, 2));
    assert.throws(() => cache.append(zeros([1, 2, 1, 4]), zeros([1, 2, 1, 4])), /KVCache: new keys \[1,2,1,4\] do not match the cached \[2,2,5,4\]/);
  });

  it('passes gradcheck in float64 (inputs and parameters, with a key padding mask)', () => {
    manualSeed(6);
    const m = new nn.MultiheadAttention(4, 2, { batchFirst: true, dtype: 'float64' });
    const q = uniform([1, 2, 4], { seed: 9, dtype: 'float64' }).requiresGrad_(true);
    const kv = uniform([1, 3, 4], { seed: 10, dtype: 'float64' }).requiresGrad_(true);
    const kpm = tensor([[false, false, true]]);
    assert.ok(gradcheck((a: Tensor, b: Tensor) => {
      const [out, w] = m.forward(a, b, b, { keyPaddingMask: kpm });
      return [out, w!];
    }, [q, kv, ...m.parameters()]));
  });
});
