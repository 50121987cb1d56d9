import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  Generator, DEFAULT_SEED, manualSeed, initialSeed, getRngState, setRngState, rand, randn, randint, uniform, normal,
  bernoulli, randperm, multinomial, randLike, randnLike, randintLike, tensor, zeros,
} from '../../src/index.js';
import { splitMix64 } from '../../src/tensor/generator.js';
import { assertThrowsMatching } from '../helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function values(t: { toArray(): ArrayLike<number> }): number[] {
  return Array.from(t.toArray());
}

function meanVar(xs: ArrayLike<number>): [number, number] {
  let m = 0;
  for (let i = 0; i < xs.length; i++) m += xs[i]!;
  m /= xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i]! - m) ** 2;
  return [m, v / (xs.length - 1)];
}

/** Pearson's statistic of observed counts against expected probabilities. */
function chiSquare(counts: readonly number[], probs: readonly number[], total: number): number {
  let chi = 0;
  probs.forEach((p, i) => {
    if (p > 0) chi += (counts[i]! - total * p) ** 2 / (total * p);
  });
  return chi;
}

describe('the generator algorithm', () => {
  it('seeds with SplitMix64 (published outputs for seed 0)', () => {
    let x = 0n;
    let out: bigint;
    [x, out] = splitMix64(x);
    assert.equal(out, 0xe220a8397b1dcdafn);
    [x, out] = splitMix64(x);
    assert.equal(out, 0x6e789e6aa1b965f4n);
    // The two outputs, low half first, are the four state words.
    assert.deepEqual(new Generator(0).getState().state, [0x7b1dcdaf, 0xe220a839, 0xa1b965f4, 0x6e789e6a]);
  });

  it('is xoshiro128** (outputs of the C reference implementation from a known state)', () => {
    const g = new Generator();
    g.setState({ algorithm: 'xoshiro128**', seed: 0, state: [0x964d4a0c, 0xd40ab895, 0xad7fdecb, 0x3006f0f0] });
    assert.deepEqual([g.nextUint32(), g.nextUint32(), g.nextUint32(), g.nextUint32()], [0xf1391922, 0x6fe53806, 0xa5be2840, 0xf510ee70]);
    assert.deepEqual(g.getState().state, [0xfc65379c, 0x52006d70, 0x87487639, 0xf1908343]);
  });

  it('derives floats from the top 24 bits (float32) and 53 bits of two outputs (float64)', () => {
    const raw = new Generator(5);
    const a = raw.nextUint32();
    const b = raw.nextUint32();
    const c = raw.nextUint32();
    assert.deepEqual(values(rand([1], { generator: new Generator(5) })), [(a >>> 8) / 2 ** 24]);
    const f64 = rand([1], { dtype: 'float64', generator: new Generator(5) }).item();
    assert.equal(f64, ((a >>> 5) * 2 ** 26 + (b >>> 6)) / 2 ** 53);
    // float32 takes one output per value, float64 two.
    const g = new Generator(5);
    rand([2], { generator: g });
    assert.equal(g.nextUint32(), c);
  });

  it('gives unbiased integers below n, including n = 2^32', () => {
    const g = new Generator(3);
    const copy = new Generator(3);
    assert.equal(g.nextBelow(2 ** 32), copy.nextUint32());
    for (let i = 0; i < 1000; i++) {
      const v = g.nextBelow(7);
      assert.ok(Number.isInteger(v) && v >= 0 && v < 7);
    }
  });
});

describe('reproducibility', () => {
  it('gives these exact values after manualSeed(0) (any change to the algorithm shows here)', () => {
    manualSeed(0);
    assert.deepEqual(values(rand(4)), [0.8702547550201416, 0.6016939282417297, 0.6697971224784851, 0.76515793800354]);
    assert.deepEqual(values(randn([4], { dtype: 'float64' })), [0.05468463102191066, -0.9459247929838188, 0.35621271386850073, -1.339381503678949]);
    assert.deepEqual(values(randint(0, 10, [8])), [2, 8, 2, 3, 0, 5, 8, 1]);
    assert.deepEqual(values(randperm(8)), [1, 2, 7, 5, 6, 4, 3, 0]);
    assert.deepEqual(values(multinomial(tensor([1, 2, 3, 4]), 4)), [1, 2, 0, 3]);
    assert.deepEqual(values(bernoulli(0.5, [8])), [1, 1, 0, 0, 0, 0, 0, 1]);
  });

  it('starts the global generator at DEFAULT_SEED (0) in a fresh process', () => {
    const code = "const m = await import('./src/index.ts'); console.log(JSON.stringify([m.initialSeed(), ...m.rand(3).toArray()]))";
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' });
    assert.equal(DEFAULT_SEED, 0);
    assert.deepEqual(JSON.parse(out), [0, 0.8702547550201416, 0.6016939282417297, 0.6697971224784851]);
  });

  it('repeats a stream for the same seed and differs for another', () => {
    manualSeed(123);
    const a = values(randn(50));
    const b = values(rand(3, 4));
    manualSeed(123);
    assert.deepEqual(values(randn(50)), a);
    assert.deepEqual(values(rand(3, 4)), b);
    manualSeed(124);
    assert.notDeepEqual(values(randn(50)), a);
    assert.equal(initialSeed(), 124);
    // Negative seeds are valid (taken modulo 2^64) and differ from their absolute value.
    manualSeed(-124);
    assert.notDeepEqual(values(randn(50)), a);
  });

  it('keeps a Generator independent of the global stream', () => {
    manualSeed(7);
    const expected = values(rand(5));
    manualSeed(7);
    const g = new Generator(99);
    const fromG = values(rand([5], { generator: g }));
    assert.deepEqual(values(rand(5)), expected, 'drawing from g must not move the global stream');
    assert.deepEqual(values(rand([5], { generator: new Generator(99) })), fromG);
    assert.notDeepEqual(fromG, expected);
  });

  it('saves and restores the state through JSON', () => {
    manualSeed(11);
    rand(3);
    const saved = JSON.parse(JSON.stringify(getRngState())) as ReturnType<typeof getRngState>;
    const next = values(randn(10));
    rand(100);
    setRngState(saved);
    assert.deepEqual(values(randn(10)), next);
    assert.equal(initialSeed(), 11);
    const g = new Generator(1);
    const state = g.getState();
    const a = values(randint(0, 1000, [20], { generator: g }));
    g.setState(state);
    assert.deepEqual(values(randint(0, 1000, [20], { generator: g })), a);
  });

  it('draws normals identically for float32 and float64 (float32 is the rounded float64)', () => {
    const f64 = values(randn([7], { dtype: 'float64', generator: new Generator(4) }));
    const f32 = values(randn([7], { generator: new Generator(4) }));
    assert.deepEqual(f32, f64.map(Math.fround));
  });
});

describe('shapes, dtypes and options', () => {
  it('accepts sizes like zeros()', () => {
    assert.deepEqual(rand(2, 3).shape, [2, 3]);
    assert.deepEqual(randn([4]).shape, [4]);
    assert.deepEqual(rand().shape, []);
    assert.deepEqual(rand(0, 3).shape, [0, 3]);
    const t = rand([2, 2], { dtype: 'float64', requiresGrad: true });
    assert.equal(t.dtype, 'float64');
    assert.ok(t.requiresGrad && t.isLeaf);
    assert.equal(randint(5, [3]).dtype, 'int32');
    assert.equal(randint(0, 5, [3], { dtype: 'float64' }).dtype, 'float64');
    assert.equal(randperm(4, { dtype: 'float32' }).dtype, 'float32');
    assert.equal(bernoulli(tensor([0.5], { dtype: 'float64' })).dtype, 'float64');
    assert.equal(bernoulli(0.5, [3], { dtype: 'bool' }).dtype, 'bool');
  });

  it('makes *Like tensors with the shape and dtype of the model', () => {
    const x = zeros([2, 3], { dtype: 'float64' });
    assert.deepEqual(randLike(x).shape, [2, 3]);
    assert.equal(randLike(x).dtype, 'float64');
    assert.equal(randnLike(x, { dtype: 'float32' }).dtype, 'float32');
    const i = randintLike(zeros([4], { dtype: 'int32' }), 3, 6);
    assert.equal(i.dtype, 'int32');
    assert.ok(values(i).every((v) => v >= 3 && v < 6));
    assert.ok(values(randintLike(x, 2)).every((v) => v === 0 || v === 1));
  });

  it('keeps uniform() half-open even when rounding to float32 would reach high', () => {
    // Between 1 and the next float32 there is nothing: every value must be 1, never 1 + 2^-23.
    const t = uniform([1000], 1, 1 + 2 ** -23, { generator: new Generator(2) });
    assert.ok(values(t).every((v) => v === 1));
    const d = uniform([1000], -2, 3, { dtype: 'float64', generator: new Generator(2) });
    assert.ok(values(d).every((v) => v >= -2 && v < 3));
    assert.ok(values(uniform([3], 4, 4)).every((v) => v === 4));
  });

  it('computes normal() with tensor mean and std, without gradients', () => {
    const mean = tensor([0, 100, -100], { requiresGrad: true });
    const out = normal(mean, tensor([0, 0, 1e-3]));
    assert.deepEqual(out.shape, [3]);
    assert.equal(out.gradFn, null);
    assert.equal(out.requiresGrad, false);
    const v = values(out);
    assert.equal(v[0], 0);
    assert.equal(v[1], 100);
    assert.ok(Math.abs(v[2]! + 100) < 0.01);
    assert.deepEqual(normal(tensor([[1], [2]]), tensor([1, 1, 1])).shape, [2, 3]);
    assert.equal(normal(tensor([1], { dtype: 'float64' }), 2).dtype, 'float64');
    assert.equal(normal(0, 1, [2, 2]).dtype, 'float32');
  });
});

describe('distributions (generous bounds: about 5 standard errors or more)', () => {
  const N = 100_000;

  it('rand: uniform on [0, 1) with mean 1/2 and variance 1/12', () => {
    const x = rand([N], { generator: new Generator(10) }).toArray();
    const [m, v] = meanVar(x);
    assert.ok(Math.abs(m - 0.5) < 0.005, `mean ${m}`);
    assert.ok(Math.abs(v - 1 / 12) < 0.003, `variance ${v}`);
    assert.ok(x.every((u) => u >= 0 && u < 1));
    const d = rand([N], { dtype: 'float64', generator: new Generator(11) }).toArray();
    assert.ok(Math.abs(meanVar(d)[0] - 0.5) < 0.005);
  });

  it('randn: mean 0, variance 1, and 5% beyond 1.96', () => {
    const x = randn([N], { generator: new Generator(12) }).toArray();
    const [m, v] = meanVar(x);
    assert.ok(Math.abs(m) < 0.02, `mean ${m}`);
    assert.ok(Math.abs(v - 1) < 0.03, `variance ${v}`);
    const tails = x.filter((z) => Math.abs(z) > 1.959964).length / N;
    assert.ok(Math.abs(tails - 0.05) < 0.005, `tail fraction ${tails}`);
  });

  it('normal and uniform scale and shift', () => {
    const [m, v] = meanVar(normal(3, 2, [N], { generator: new Generator(13) }).toArray());
    assert.ok(Math.abs(m - 3) < 0.04, `mean ${m}`);
    assert.ok(Math.abs(v - 4) < 0.12, `variance ${v}`);
    const u = uniform([N], -2, 3, { generator: new Generator(14) }).toArray();
    assert.ok(u.every((x) => x >= -2 && x < 3));
    assert.ok(Math.abs(meanVar(u)[0] - 0.5) < 0.03);
  });

  it('randint: every value of [low, high) and nothing else, evenly', () => {
    const x = randint(-3, 4, [N], { generator: new Generator(15) }).toArray();
    const counts = new Array<number>(7).fill(0);
    for (const v of x) {
      assert.ok(v >= -3 && v < 4, `value ${v}`);
      counts[v + 3]!++;
    }
    assert.ok(chiSquare(counts, new Array(7).fill(1 / 7), N) < 35, `counts ${counts}`);
    // A range wider than 2^31 (the whole int32 range) works too.
    const wide = randint(-(2 ** 31), 2 ** 31, [1000], { generator: new Generator(16) }).toArray();
    assert.ok(wide.some((v) => v < -(2 ** 30)) && wide.some((v) => v > 2 ** 30));
  });

  it('bernoulli: the rate of ones is p', () => {
    const x = bernoulli(0.3, [N], { generator: new Generator(17) }).toArray();
    const rate = Array.from(x).reduce((a, b) => a + b, 0) / N;
    assert.ok(Math.abs(rate - 0.3) < 0.008, `rate ${rate}`);
    const p = tensor([0, 1, 0.5]).expand([N / 10, 3]);
    const y = bernoulli(p, undefined, { generator: new Generator(18) });
    const cols = y.sum(0).toArray();
    assert.equal(cols[0], 0);
    assert.equal(cols[1], N / 10);
    assert.ok(Math.abs(cols[2]! / (N / 10) - 0.5) < 0.03);
    // A tensor p broadcast to a larger shape.
    assert.deepEqual(bernoulli(tensor([0, 1]), [3, 2]).tolist(), [[0, 1], [0, 1], [0, 1]]);
  });

  it('randperm: a permutation, each position uniform', () => {
    const p = values(randperm(1000, { generator: new Generator(19) }));
    assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
    assert.notDeepEqual(p.slice(0, 20), Array.from({ length: 20 }, (_, i) => i));
    assert.deepEqual(values(randperm(0)), []);
    const g = new Generator(20);
    const firsts = new Array<number>(4).fill(0);
    for (let i = 0; i < 8000; i++) firsts[randperm(4, { generator: g }).toArray()[0]!]!++;
    assert.ok(chiSquare(firsts, [0.25, 0.25, 0.25, 0.25], 8000) < 30, `first elements ${firsts}`);
  });

  it('multinomial with replacement: frequencies follow the weights, zero weights never drawn', () => {
    const probs = [0.1, 0.2, 0.3, 0.4, 0];
    const x = multinomial(tensor(probs).mul(5), N, true, { generator: new Generator(21) }).toArray();
    const counts = new Array<number>(5).fill(0);
    for (const v of x) counts[v]!++;
    assert.equal(counts[4], 0);
    assert.ok(chiSquare(counts, probs, N) < 30, `counts ${counts}`);
    const two = multinomial(tensor([[0, 1], [1, 0]]), 6, true);
    assert.deepEqual(two.tolist(), [[1, 1, 1, 1, 1, 1], [0, 0, 0, 0, 0, 0]]);
    assert.equal(two.dtype, 'int32');
  });

  it('multinomial without replacement: no repeats, and the order of a sequential draw', () => {
    const w = [1, 2, 3, 4];
    const rows = 20_000;
    const x = multinomial(tensor(w).expand([rows, 4]), 3, false, { generator: new Generator(22) });
    assert.deepEqual(x.shape, [rows, 3]);
    const data = x.toArray();
    const first = new Array<number>(4).fill(0);
    const second = new Array<number>(4).fill(0);
    for (let r = 0; r < rows; r++) {
      const row = [data[3 * r]!, data[3 * r + 1]!, data[3 * r + 2]!];
      assert.equal(new Set(row).size, 3, `row ${r} repeats: ${row}`);
      first[row[0]!]!++;
      second[row[1]!]!++;
    }
    const p = w.map((v) => v / 10);
    assert.ok(chiSquare(first, p, rows) < 30, `first draws ${first}`);
    // P(second = j) = sum over i != j of p_i p_j / (1 - p_i).
    const p2 = p.map((pj, j) => p.reduce((s, pi, i) => (i === j ? s : s + (pi * pj) / (1 - pi)), 0));
    assert.ok(chiSquare(second, p2, rows) < 30, `second draws ${second}`);
    // Zero-weight categories are never drawn; all non-zero ones can be.
    const z = multinomial(tensor([0, 5, 0, 1]), 2);
    assert.deepEqual([...z.toArray()].sort(), [1, 3]);
  });
});

describe('bad input', () => {
  it('rejects bad sizes, dtypes and options', () => {
    assertThrowsMatching(() => rand(-1), /^rand: invalid shape \[-1\]: sizes must be non-negative integers/);
    assertThrowsMatching(() => randn([2, 1.5]), /^randn: invalid shape \[2,1.5\]/);
    assertThrowsMatching(() => rand([2], { dtype: 'int32' }), /^rand: dtype must be float32 or float64, got int32/);
    assertThrowsMatching(() => randLike(zeros([2], { dtype: 'int32' })), /^randLike: dtype must be float32 or float64, got int32/);
    assertThrowsMatching(() => rand([2], { dtype: 'float16' as never }), /^rand: unknown dtype 'float16'/);
    assertThrowsMatching(() => rand([2], { generator: {} as never }), /^rand: generator must be a Generator/);
    assertThrowsMatching(() => randint(0, 5, [2], { requiresGrad: true }), /^randint: only floating-point tensors can require gradients/);
    assertThrowsMatching(() => uniform([2], 1, 0), /^uniform: expects finite low <= high, got low 1 and high 0/);
    assertThrowsMatching(() => uniform(3 as never), /^uniform: shape must be an array/);
  });

  it('rejects bad integer ranges', () => {
    assertThrowsMatching(() => randint(5, 5, [2]), /^randint: expects low < high, got low 5 and high 5/);
    assertThrowsMatching(() => randint(6, 5, [2]), /^randint: expects low < high/);
    assertThrowsMatching(() => randint(0, [2]), /^randint: expects low < high, got low 0 and high 0/);
    assertThrowsMatching(() => randint(0, 2.5, [2]), /^randint: low and high must be integers/);
    assertThrowsMatching(() => randint(0, 2 ** 31 + 1, [2]), /^randint: the range \[0, 2147483649\) does not fit in int32/);
    assertThrowsMatching(() => randint(0, 2 ** 33, [2], { dtype: 'float64' }), /^randint: the range .* is wider than 2\^32/);
    assertThrowsMatching(() => randint(0, 3, [2], { dtype: 'bool' }), /^randint: dtype must be int32, float32 or float64/);
    assertThrowsMatching(() => randperm(-1), /^randperm: n must be a non-negative integer/);
    assertThrowsMatching(() => randperm(2.5), /^randperm: n must be a non-negative integer/);
  });

  it('rejects bad probabilities and parameters', () => {
    assertThrowsMatching(() => bernoulli(1.5), /^bernoulli: p must be in \[0, 1\], got 1.5/);
    assertThrowsMatching(() => bernoulli(-0.1, [2]), /^bernoulli: p must be in \[0, 1\], got -0.1/);
    assertThrowsMatching(() => bernoulli(NaN), /^bernoulli: p must be in \[0, 1\], got NaN/);
    assertThrowsMatching(() => bernoulli(tensor([0.5, 2])), /^bernoulli: probabilities must be in \[0, 1\], got 2 at flat index 1/);
    assertThrowsMatching(() => bernoulli(tensor([0.5, 0.5]), [3]), /^bernoulli: shapes \[2\] and \[3\] cannot be broadcast/);
    assertThrowsMatching(() => bernoulli(tensor([0.5, 0.5]), [1]), /^bernoulli: probabilities of shape \[2\] cannot be broadcast to shape \[1\]/);
    assertThrowsMatching(() => normal(0, -1, [2]), /^normal: std must be finite and non-negative, got -1/);
    assertThrowsMatching(() => normal(tensor([0]), tensor([1, -1])), /^normal: std must be finite and non-negative, got -1 at flat index 1/);
    assertThrowsMatching(() => normal(0, 1), /^normal: with numbers for mean and std, pass a shape/);
    assertThrowsMatching(() => normal(tensor([0, 1]), 1, [3]), /^normal: shape \[3\] differs from the shape \[2\] of mean and std/);
  });

  it('rejects bad multinomial input', () => {
    assertThrowsMatching(() => multinomial(tensor([0.5, 0.5]), 3), /^multinomial: cannot draw 3 samples without replacement from 2 categories/);
    assertThrowsMatching(() => multinomial(tensor([0, 1, 0]), 2), /^multinomial: cannot draw 2 samples without replacement from row 0, which has 1 categories of non-zero probability/);
    assertThrowsMatching(() => multinomial(tensor([0.5, -0.5]), 1), /^multinomial: probabilities must be finite and non-negative, got -0.5 at flat index 1/);
    assertThrowsMatching(() => multinomial(tensor([0.5, Infinity]), 1), /^multinomial: probabilities must be finite and non-negative, got Infinity/);
    assertThrowsMatching(() => multinomial(tensor([0.5, NaN]), 1), /^multinomial: probabilities must be finite and non-negative, got NaN/);
    assertThrowsMatching(() => multinomial(tensor([[1, 1], [0, 0]]), 1, true), /^multinomial: the probabilities of row 1 sum to 0/);
    assertThrowsMatching(() => multinomial(zeros([2, 2, 2]), 1), /^multinomial: probs must be 1-D or 2-D, got shape \[2,2,2\]/);
    assertThrowsMatching(() => multinomial(zeros([0]), 1), /^multinomial: probs of shape \[0\] has no categories/);
    assertThrowsMatching(() => multinomial(tensor([1, 1]), 0), /^multinomial: numSamples must be a positive integer, got 0/);
    assertThrowsMatching(() => multinomial(tensor([true, false]), 1), /^multinomial: probs cannot be a bool tensor/);
  });

  it('rejects bad seeds and states', () => {
    assertThrowsMatching(() => manualSeed(1.5), /^manualSeed: the seed must be an integer/);
    assertThrowsMatching(() => manualSeed(2 ** 60), /^manualSeed: the seed must be an integer/);
    assertThrowsMatching(() => setRngState({ algorithm: 'mt19937' } as never), /^setRngState: expected \{ algorithm: 'xoshiro128\*\*'/);
    assertThrowsMatching(() => setRngState({ algorithm: 'xoshiro128**', seed: 0, state: [0, 0, 0, 0] }), /^setRngState: an all-zero state is not valid/);
    assertThrowsMatching(() => setRngState({ algorithm: 'xoshiro128**', seed: 0, state: [1, 2, 3, -4] }), /^setRngState: state words must be integers in \[0, 2\^32\)/);
  });
});
