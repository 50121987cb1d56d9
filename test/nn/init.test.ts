import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nn, empty, zeros, manualSeed, Generator, tensor, Tensor } from '../../src/index.js';
import { assertClose } from '../helpers.js';

const init = nn.init;

function stats(t: Tensor): { mean: number; std: number; min: number; max: number } {
  const v = t.toArray();
  let s = 0;
  for (const x of v) s += x;
  const mean = s / v.length;
  let q = 0;
  for (const x of v) q += (x - mean) ** 2;
  return { mean, std: Math.sqrt(q / (v.length - 1)), min: Math.min(...v), max: Math.max(...v) };
}

describe('calculateGain', () => {
  it("gives PyTorch's table", () => {
    assert.equal(init.calculateGain('linear'), 1);
    assert.equal(init.calculateGain('conv2d'), 1);
    assert.equal(init.calculateGain('convTranspose2d'), 1);
    assert.equal(init.calculateGain('sigmoid'), 1);
    assert.equal(init.calculateGain('tanh'), 5 / 3);
    assert.equal(init.calculateGain('relu'), Math.SQRT2);
    assert.equal(init.calculateGain('selu'), 0.75);
    assertClose(tensor(init.calculateGain('leaky_relu')), tensor(Math.sqrt(2 / (1 + 0.01 ** 2))));
    assertClose(tensor(init.calculateGain('leakyRelu', 0.2)), tensor(1.3867504905630728));
    assert.equal(init.calculateGain('leaky_relu', Math.sqrt(5)), Math.sqrt(2 / 6));
    assert.throws(() => init.calculateGain('swish' as nn.init.Nonlinearity), /unsupported nonlinearity "swish"/);
  });

  it('fans: Linear [out, in] and Conv [O, C, kh, kw]', () => {
    assert.deepEqual(init.calculateFanInAndFanOut(empty([3, 5])), [5, 3]);
    assert.deepEqual(init.calculateFanInAndFanOut(empty([8, 4, 3, 2])), [24, 48]);
    assert.throws(() => init.calculateFanInAndFanOut(empty([3])), /fewer than 2 dims, got shape \[3\]/);
  });
});

describe('fills', () => {
  it('constant, zeros, ones and eye', () => {
    assertClose(init.constant_(empty([2, 2]), 3), [[3, 3], [3, 3]]);
    assertClose(init.zeros_(empty([2])), [0, 0]);
    assertClose(init.ones_(empty([2])), [1, 1]);
    assertClose(init.eye_(empty([2, 3])), [[1, 0, 0], [0, 1, 0]]);
    assertClose(init.constant_(zeros([2], { dtype: 'int32' }), 4), [4, 4]);
  });

  it('work on parameters (in place, without recording) and return the same tensor', () => {
    const p = new nn.Parameter(zeros([4, 4]));
    assert.equal(init.normal_(p), p);
    assert.equal(p.isLeaf, true);
    assert.equal(p.gradFn, null);
  });

  it('uniform_ stays in [a, b) with mean (a+b)/2 and std (b-a)/sqrt(12)', () => {
    manualSeed(0);
    const s = stats(init.uniform_(empty([10000]), -2, 4));
    assert.ok(s.min >= -2 && s.max < 4, `range ${s.min}..${s.max}`);
    assert.ok(Math.abs(s.mean - 1) < 0.05, `mean ${s.mean}`);
    assert.ok(Math.abs(s.std - 6 / Math.sqrt(12)) < 0.03, `std ${s.std}`);
  });

  it('normal_ has the requested mean and std', () => {
    manualSeed(0);
    const s = stats(init.normal_(empty([10000], { dtype: 'float64' }), 3, 0.5));
    assert.ok(Math.abs(s.mean - 3) < 0.02, `mean ${s.mean}`);
    assert.ok(Math.abs(s.std - 0.5) < 0.015, `std ${s.std}`);
  });

  it('rejects non-floating targets and bad arguments', () => {
    assert.throws(() => init.normal_(zeros([2], { dtype: 'int32' })), /normal_: expects a floating-point tensor, got int32/);
    assert.throws(() => init.uniform_(empty([2]), 1, 0), /a <= b/);
    assert.throws(() => init.normal_(empty([2]), 0, -1), /std >= 0/);
    assert.throws(() => init.kaimingUniform_(empty([2, 2]), { mode: 'fan' as nn.init.FanMode }), /mode must be 'fanIn' or 'fanOut'/);
  });
});

describe('xavier and kaiming', () => {
  it('xavierUniform_ bound gain * sqrt(6 / (fanIn + fanOut)) and matching std', () => {
    manualSeed(1);
    const w = init.xavierUniform_(empty([200, 100]), 2);
    const bound = 2 * Math.sqrt(6 / 300);
    const s = stats(w);
    assert.ok(s.min >= -bound && s.max <= bound);
    assert.ok(s.max > 0.98 * bound && s.min < -0.98 * bound, 'the values fill the range');
    assert.ok(Math.abs(s.std - bound / Math.sqrt(3)) < 0.02 * bound, `std ${s.std}`);
  });

  it('xavierNormal_ std gain * sqrt(2 / (fanIn + fanOut))', () => {
    manualSeed(2);
    const s = stats(init.xavierNormal_(empty([200, 100])));
    const std = Math.sqrt(2 / 300);
    assert.ok(Math.abs(s.std - std) < 0.02 * std, `std ${s.std} vs ${std}`);
    assert.ok(Math.abs(s.mean) < 0.05 * std);
  });

  it('kaimingUniform_ bounds: relu on fanIn, fanOut mode, and a = sqrt(5) as in Linear', () => {
    manualSeed(3);
    const w = empty([64, 32, 3, 3]); // fanIn 288, fanOut 576
    let s = stats(init.kaimingUniform_(w, { nonlinearity: 'relu' }));
    let bound = Math.SQRT2 * Math.sqrt(3 / 288);
    assert.ok(s.min >= -bound && s.max <= bound && s.max > 0.98 * bound);
    assert.ok(Math.abs(s.std - bound / Math.sqrt(3)) < 0.03 * bound, `std ${s.std}`);
    s = stats(init.kaimingUniform_(w, { mode: 'fanOut', nonlinearity: 'relu' }));
    bound = Math.SQRT2 * Math.sqrt(3 / 576);
    assert.ok(s.min >= -bound && s.max <= bound && s.max > 0.98 * bound);
    s = stats(init.kaimingUniform_(w, { a: Math.sqrt(5) }));
    bound = 1 / Math.sqrt(288);
    assert.ok(s.min >= -bound && s.max <= bound && s.max > 0.98 * bound);
  });

  it('kaimingNormal_ std gain / sqrt(fan)', () => {
    manualSeed(4);
    const s = stats(init.kaimingNormal_(empty([100, 400]), { nonlinearity: 'relu' }));
    const std = Math.SQRT2 / Math.sqrt(400);
    assert.ok(Math.abs(s.std - std) < 0.02 * std, `std ${s.std} vs ${std}`);
    const t = stats(init.kaimingNormal_(empty([100, 400]), { mode: 'fan_out', nonlinearity: 'tanh' }));
    assert.ok(Math.abs(t.std - 5 / 3 / 10) < 0.02 * (5 / 3 / 10), `std ${t.std}`);
  });

  it('zero-element tensors are left alone', () => {
    assert.deepEqual(init.kaimingUniform_(empty([0, 3])).shape, [0, 3]);
    assert.deepEqual(init.xavierNormal_(empty([3, 0])).shape, [3, 0]);
  });
});

describe('orthogonal_', () => {
  const gram = (w: Tensor, rowsOrthonormal: boolean) => (rowsOrthonormal ? w.matmul(w.T) : w.T.matmul(w));

  it('wide matrices get orthonormal rows (W W^T = I), tall ones orthonormal columns', () => {
    manualSeed(5);
    const wide = init.orthogonal_(empty([3, 5], { dtype: 'float64' }));
    assertClose(gram(wide, true), [[1, 0, 0], [0, 1, 0], [0, 0, 1]], { atol: 1e-12 });
    const tall = init.orthogonal_(empty([5, 2], { dtype: 'float64' }));
    assertClose(gram(tall, false), [[1, 0], [0, 1]], { atol: 1e-12 });
  });

  it('scales by the gain and flattens trailing dims', () => {
    manualSeed(6);
    const w = init.orthogonal_(empty([2, 2, 3]), 2);
    const flat = w.reshape(2, 6);
    assertClose(flat.matmul(flat.T), [[4, 0], [0, 4]], { atol: 1e-5 });
    assert.throws(() => init.orthogonal_(empty([3])), /2 or more dims/);
  });
});

describe('truncNormal_', () => {
  it('stays within [a, b] and has the truncated normal moments', () => {
    manualSeed(7);
    const s = stats(init.truncNormal_(empty([20000], { dtype: 'float64' })));
    assert.ok(s.min >= -2 && s.max <= 2);
    // N(0, 1) truncated to [-2, 2]: mean 0, variance 1 - 2 * 2 phi(2) / (2 Phi(2) - 1) = 0.7737.
    assert.ok(Math.abs(s.mean) < 0.02, `mean ${s.mean}`);
    assert.ok(Math.abs(s.std - Math.sqrt(0.773741)) < 0.015, `std ${s.std}`);
  });

  it('takes absolute bounds around a shifted mean', () => {
    manualSeed(8);
    const s = stats(init.truncNormal_(empty([5000]), 10, 2, 9, 10));
    assert.ok(s.min >= 9 && s.max <= 10 && s.min < 9.05 && s.max > 9.95);
    // One-sided: N(10, 4) on [9, 10] has its mean below the midpoint, at 10 - 2 (phi(0) - phi(-0.5)) / (Phi(0) - Phi(-0.5)).
    const expected = 10 - (2 * (0.3989422804 - 0.3520653268)) / (0.5 - 0.3085375387);
    assert.ok(Math.abs(s.mean - expected) < 0.02, `mean ${s.mean} vs ${expected}`);
    assert.throws(() => init.truncNormal_(empty([2]), 0, 1, 2, 1), /a < b/);
  });
});

describe('reproducibility', () => {
  it('manualSeed gives the same values; a generator leaves the global stream alone', () => {
    const draw = () => [
      init.kaimingUniform_(empty([4, 3])),
      init.normal_(empty([5])),
      init.orthogonal_(empty([3, 3])),
      init.truncNormal_(empty([4])),
      init.xavierNormal_(empty([2, 6])),
    ];
    manualSeed(42);
    const a = draw();
    manualSeed(42);
    const b = draw();
    a.forEach((t, i) => assert.deepEqual(t.toArray(), b[i]!.toArray()));
    const c = draw();
    assert.notDeepEqual(a[0]!.toArray(), c[0]!.toArray());

    manualSeed(9);
    const g1 = init.uniform_(empty([6]), 0, 1, { generator: new Generator(3) });
    const afterGen = init.uniform_(empty([6]));
    manualSeed(9);
    assert.deepEqual(init.uniform_(empty([6])).toArray(), afterGen.toArray(), 'the global stream was not advanced');
    assert.deepEqual(init.uniform_(empty([6]), 0, 1, { generator: new Generator(3) }).toArray(), g1.toArray());
  });

  it('layers built after the same seed are identical', () => {
    manualSeed(11);
    const a = new nn.Sequential(new nn.Linear(3, 4), new nn.Conv2d(1, 2, 3), new nn.Embedding(5, 2));
    manualSeed(11);
    const b = new nn.Sequential(new nn.Linear(3, 4), new nn.Conv2d(1, 2, 3), new nn.Embedding(5, 2));
    for (const [k, v] of Object.entries(a.stateDict())) assert.deepEqual(v.toArray(), b.stateDict()[k]!.toArray(), k);
  });
});
