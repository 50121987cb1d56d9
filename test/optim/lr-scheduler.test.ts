/** The epoch-indexed schedules, SequentialLR, goyalWarmup and ReduceLROnPlateau against their formulas. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, optim } from '../../src/index.js';
import type { Optimizer, LRScheduler } from '../../src/optim/index.js';
import { assertThrowsMatching } from '../helpers.js';
import { param } from './support.js';

const sgd = (lr = 0.1, groups = 1): optim.SGD =>
  new optim.SGD(Array.from({ length: groups }, (_, i) => ({ params: [param()], lr: lr * (i + 1) })), { lr, momentum: 0.9 });

/** The lr of group `g` at epochs 0..n-1 (the constructor applies epoch 0). */
function lrs(sched: { getLastLr(): number[]; step(): void }, n: number, g = 0): number[] {
  const out: number[] = [];
  for (let e = 0; e < n; e++) {
    if (e > 0) sched.step();
    out.push(sched.getLastLr()[g]!);
  }
  return out;
}

function assertSeries(actual: number[], expected: (e: number) => number, tol = 1e-12): void {
  actual.forEach((v, e) => {
    const want = expected(e);
    assert.ok(Math.abs(v - want) <= tol * (1 + Math.abs(want)), `epoch ${e}: got ${v}, expected ${want}`);
  });
}

describe('epoch schedules against their formulas', () => {
  it('StepLR', () => {
    const opt = sgd();
    assertSeries(lrs(new optim.StepLR(opt, { stepSize: 3, gamma: 0.3 }), 100), (e) => 0.1 * 0.3 ** Math.floor(e / 3));
    assertSeries([opt.paramGroups[0]!.lr], () => 0.1 * 0.3 ** 33);
  });

  it('MultiStepLR, with a repeated milestone counting twice', () => {
    const ms = [9, 2, 5, 5];
    assertSeries(lrs(new optim.MultiStepLR(sgd(), { milestones: ms }), 30), (e) => 0.1 * 0.1 ** ms.filter((m) => m <= e).length);
  });

  it('ExponentialLR', () => {
    assertSeries(lrs(new optim.ExponentialLR(sgd(), { gamma: 0.9 }), 100), (e) => 0.1 * 0.9 ** e);
  });

  it('LinearLR, default warm-up and a decay', () => {
    assertSeries(lrs(new optim.LinearLR(sgd()), 20), (e) => 0.1 * (1 / 3 + ((2 / 3) * Math.min(e, 5)) / 5));
    assertSeries(lrs(new optim.LinearLR(sgd(), { startFactor: 1, endFactor: 0.25, totalIters: 8 }), 20), (e) => 0.1 * (1 - (0.75 * Math.min(e, 8)) / 8));
  });

  it('CosineAnnealingLR over three periods', () => {
    const T = 10;
    const eta = 0.001;
    assertSeries(lrs(new optim.CosineAnnealingLR(sgd(), { TMax: T, etaMin: eta }), 3 * T + 5), (e) => eta + ((0.1 - eta) * (1 + Math.cos((Math.PI * e) / T))) / 2);
    // By hand: half-way down, at the minimum, and back up.
    const l = lrs(new optim.CosineAnnealingLR(sgd(), { TMax: 4 }), 9);
    assertSeries([l[2]!, l[4]!, l[8]!], (i) => [0.05, 0, 0.1][i]!);
  });

  it('LambdaLR, one function per group', () => {
    const opt = sgd(0.1, 2);
    const sched = new optim.LambdaLR(opt, [(e) => 1 / (e + 1), (e) => 0.5 ** e]);
    const g0: number[] = [];
    const g1: number[] = [];
    for (let e = 0; e < 12; e++) {
      if (e > 0) sched.step();
      g0.push(opt.paramGroups[0]!.lr);
      g1.push(opt.paramGroups[1]!.lr);
    }
    assertSeries(g0, (e) => 0.1 / (e + 1));
    assertSeries(g1, (e) => 0.2 * 0.5 ** e);
  });

  it('chain: two schedules on one optimizer compose', () => {
    const opt = sgd();
    const a = new optim.StepLR(opt, { stepSize: 2, gamma: 0.5 });
    const b = new optim.ExponentialLR(opt, { gamma: 0.9 });
    const seen: number[] = [];
    for (let e = 0; e < 15; e++) {
      if (e > 0) {
        a.step();
        b.step();
      }
      seen.push(opt.paramGroups[0]!.lr);
    }
    assertSeries(seen, (e) => 0.1 * 0.5 ** Math.floor(e / 2) * 0.9 ** e);
  });

  it('step(epoch) jumps with the closed form', () => {
    const sched = new optim.StepLR(sgd(), { stepSize: 3, gamma: 0.5 });
    sched.step(7);
    assert.equal(sched.getLastLr()[0], 0.1 * 0.25);
    assert.equal(sched.lastEpoch, 7);
    const cos = new optim.CosineAnnealingLR(sgd(), { TMax: 10 });
    cos.step(5);
    assertSeries(cos.getLastLr(), () => 0.05);
  });

  it('write initialLr once and read it as the base lr', () => {
    const opt = sgd();
    new optim.StepLR(opt, { stepSize: 1, gamma: 0.5 }).step();
    assert.equal(opt.paramGroups[0]!.initialLr, 0.1);
    const second = new optim.ExponentialLR(opt, { gamma: 0.5 });
    assert.deepEqual(second.baseLrs, [0.1]);
  });
});

describe('SequentialLR', () => {
  it('warm-up then exponential decay, restarting at the milestone', () => {
    const opt = sgd();
    const warm = new optim.LinearLR(opt, { startFactor: 0.1, totalIters: 4 });
    const decay = new optim.ExponentialLR(opt, { gamma: 0.9 });
    const sched = new optim.SequentialLR(opt, { schedulers: [warm, decay], milestones: [4] });
    assertSeries(lrs(sched, 30), (e) => (e < 4 ? 0.1 * (0.1 + (0.9 * e) / 4) : 0.1 * 0.9 ** (e - 4)));
  });

  it('three schedules, one with warm restarts', () => {
    const opt = sgd();
    const a = new optim.LinearLR(opt, { startFactor: 0.5, totalIters: 2 });
    const b = new optim.CosineAnnealingWarmRestarts(opt, { T0: 4 });
    const c = new optim.StepLR(opt, { stepSize: 1, gamma: 0.5 });
    const sched = new optim.SequentialLR(opt, { schedulers: [a, b, c], milestones: [3, 11] });
    assertSeries(lrs(sched, 15), (e) => {
      if (e < 3) return 0.1 * (0.5 + (0.5 * Math.min(e, 2)) / 2);
      if (e < 11) return (0.1 * (1 + Math.cos((Math.PI * ((e - 3) % 4)) / 4))) / 2;
      return 0.1 * 0.5 ** (e - 11);
    });
  });

  it('checks its arguments', () => {
    const opt = sgd();
    const a = new optim.StepLR(opt, { stepSize: 2 });
    const other = new optim.StepLR(sgd(), { stepSize: 2 });
    assertThrowsMatching(() => new optim.SequentialLR(opt, { schedulers: [a, a], milestones: [] }), /SequentialLR: expected 1 milestones \(one fewer than the schedulers\), got 0/);
    assertThrowsMatching(() => new optim.SequentialLR(opt, { schedulers: [a, other], milestones: [3] }), /schedulers\[1\] \(StepLR\) belongs to a different optimizer/);
    assertThrowsMatching(() => new optim.SequentialLR(opt, { schedulers: [], milestones: [] }), /schedulers must be a non-empty array/);
    assertThrowsMatching(() => new optim.SequentialLR(opt, { schedulers: [a, a, a], milestones: [5, 3] }), /milestones must increase/);
    const plateau = new optim.ReduceLROnPlateau(opt);
    assertThrowsMatching(() => new optim.SequentialLR(opt, { schedulers: [plateau as never], milestones: [] }), /ReduceLROnPlateau cannot be sequenced/);
  });
});

describe('goyalWarmup', () => {
  it('scales the lr with the batch size after a linear warm-up, then decays by steps', () => {
    const opt = new optim.SGD([param()], { lr: 0.1, momentum: 0.9 });
    const sched = optim.goyalWarmup(opt, { batchSize: 1024, stepsPerEpoch: 3, warmupEpochs: 2, milestones: [4, 7] });
    // k = 4: 0.1 -> 0.4 over 6 iterations; / 10 at iterations 12 and 21.
    assertSeries(lrs(sched, 30), (t) => (t < 6 ? 0.1 + (0.3 * t) / 6 : t < 12 ? 0.4 : t < 21 ? 0.04 : 0.004));
    assert.equal(opt.paramGroups[0]!.initialLr, 0.4);
  });

  it('takes baseLr, scales every group, and hands over to a given schedule', () => {
    const opt = sgd(1, 2);
    const T = 10;
    const sched = optim.goyalWarmup(opt, {
      baseLr: 0.1, batchSize: 512, stepsPerEpoch: 2, warmupEpochs: 1,
      after: (o) => new optim.CosineAnnealingLR(o, { TMax: T }),
    });
    const seen = lrs(sched, 15, 1);
    assertSeries(seen, (t) => (t < 2 ? 0.1 + (0.1 * t) / 2 : (0.2 * (1 + Math.cos((Math.PI * (t - 2)) / T))) / 2));
    assert.equal(opt.paramGroups[0]!.lr, opt.paramGroups[1]!.lr);
  });

  it('rejects milestones inside the warm-up and bad sizes', () => {
    assertThrowsMatching(() => optim.goyalWarmup(sgd(), { batchSize: 1024, stepsPerEpoch: 10, milestones: [3] }), /goyalWarmup: milestone 3 falls within the 5-epoch warm-up/);
    assertThrowsMatching(() => optim.goyalWarmup(sgd(), { batchSize: 0, stepsPerEpoch: 10 }), /goyalWarmup: batchSize must be an integer >= 1, got 0/);
    assertThrowsMatching(() => optim.goyalWarmup(sgd(), { batchSize: 512 } as never), /goyalWarmup: stepsPerEpoch must be an integer >= 1, got undefined/);
  });

  it('without warm-up epochs is the scaled step decay alone', () => {
    const sched = optim.goyalWarmup(sgd(), { batchSize: 128, stepsPerEpoch: 1, warmupEpochs: 0, milestones: [2] });
    assertSeries(lrs(sched, 5), (t) => (t < 2 ? 0.05 : 0.005));
  });
});

describe('ReduceLROnPlateau', () => {
  it('reduces after more than patience bad epochs, then cools down, down to minLr', () => {
    const opt = sgd(1);
    const sched = new optim.ReduceLROnPlateau(opt, { patience: 2, factor: 0.5, cooldown: 1, minLr: 0.2 });
    const metrics = [10, 9, 9, 9, 9, 9, 9, 9, 8, 9, 9, 9, 9, 9, 9, 9];
    const seen = metrics.map((m) => {
      sched.step(m);
      return opt.paramGroups[0]!.lr;
    });
    // Epochs 3-5 are bad: the third reduces. The cooldown swallows epoch 6; 7 and 8 are bad, 9 improves;
    // 10-12 are bad: reduce; cooldown at 13; 14-16 bad: 0.125 is below minLr, so 0.2.
    assert.deepEqual(seen, [1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.2]);
    assert.equal(sched.best, 8);
  });

  it('max mode, absolute threshold, tensor metrics', () => {
    const opt = sgd(1);
    const sched = new optim.ReduceLROnPlateau(opt, { mode: 'max', patience: 0, threshold: 0.1, thresholdMode: 'abs' });
    const seen = [0.5, 0.65, 0.7, 0.9].map((m) => {
      sched.step(tensor(m));
      return opt.paramGroups[0]!.lr;
    });
    // 0.7 is not 0.1 above 0.65: reduced.
    assert.deepEqual(seen, [1, 1, 0.1, 0.1]);
  });

  it('relative threshold in min mode, eps skips tiny reductions', () => {
    const opt = sgd(1e-9);
    const sched = new optim.ReduceLROnPlateau(opt, { patience: 0, threshold: 0.1 });
    sched.step(1);
    sched.step(0.95); // not below 1 * (1 - 0.1): bad, but the reduction 1e-9 -> 1e-10 is below eps
    assert.equal(opt.paramGroups[0]!.lr, 1e-9);
    assert.equal(sched.best, 1);
  });

  it('checks its options', () => {
    assertThrowsMatching(() => new optim.ReduceLROnPlateau(sgd(), { factor: 1 }), /ReduceLROnPlateau: factor must be in \[0, 1\), got 1/);
    assertThrowsMatching(() => new optim.ReduceLROnPlateau(sgd(), { mode: 'avg' as never }), /mode must be one of 'min', 'max', got 'avg'/);
    assertThrowsMatching(() => new optim.ReduceLROnPlateau(sgd(), { minLr: [0, 0] }), /minLr has 2 values, the optimizer has 1 parameter groups/);
    assertThrowsMatching(() => new optim.ReduceLROnPlateau(sgd(), { patience: 1.5 }), /patience must be an integer >= 0/);
  });
});

/** Every schedule: a copy restored from state dicts continues exactly like the original. */
const ROUND_TRIP: [string, (opt: Optimizer) => { step(): void; stateDict(): Record<string, unknown>; loadStateDict(s: Record<string, unknown>): void; getLastLr(): number[] }][] = [
  ['StepLR', (o) => new optim.StepLR(o, { stepSize: 3, gamma: 0.5 })],
  ['MultiStepLR', (o) => new optim.MultiStepLR(o, { milestones: [2, 6, 9] })],
  ['ExponentialLR', (o) => new optim.ExponentialLR(o, { gamma: 0.8 })],
  ['LinearLR', (o) => new optim.LinearLR(o, { startFactor: 0.2, totalIters: 10 })],
  ['CosineAnnealingLR', (o) => new optim.CosineAnnealingLR(o, { TMax: 6, etaMin: 0.01 })],
  ['LambdaLR', (o) => new optim.LambdaLR(o, (e) => 1 / (1 + e))],
  ['CosineAnnealingWarmRestarts', (o) => new optim.CosineAnnealingWarmRestarts(o, { T0: 2, TMult: 2 })],
  ['OneCycleLR', (o) => new optim.OneCycleLR(o, { maxLr: 1, totalSteps: 30, threePhase: true })],
  ['SequentialLR', (o) => new optim.SequentialLR(o, { schedulers: [new optim.LinearLR(o, { totalIters: 3 }), new optim.StepLR(o, { stepSize: 2 })], milestones: [5] })],
  ['goyalWarmup', (o) => optim.goyalWarmup(o, { batchSize: 2048, stepsPerEpoch: 2, milestones: [8] })],
];

describe('schedule state dicts', () => {
  for (const [name, make] of ROUND_TRIP) {
    it(`${name}: a restored copy continues identically`, () => {
      const optA = sgd(0.1, 2);
      const a = make(optA);
      for (let i = 0; i < 7; i++) a.step();
      const saved = { opt: optA.stateDict(), sched: JSON.parse(JSON.stringify(a.stateDict())) as Record<string, unknown> };
      const optB = sgd(0.1, 2);
      const b = make(optB); // built first, as PyTorch asks: constructing applies the initial lr
      optB.loadStateDict(saved.opt);
      b.loadStateDict(saved.sched);
      for (let i = 0; i < 12; i++) {
        a.step();
        b.step();
        assert.deepEqual(b.getLastLr(), a.getLastLr(), `step ${i}`);
        assert.deepEqual(optB.paramGroups.map((g) => [g.lr, g.momentum]), optA.paramGroups.map((g) => [g.lr, g.momentum]));
      }
    });
  }

  it('ReduceLROnPlateau: a restored copy continues identically', () => {
    const optA = sgd(1);
    const a = new optim.ReduceLROnPlateau(optA, { patience: 1, cooldown: 1 });
    const metrics = [5, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 3];
    metrics.slice(0, 5).forEach((m) => a.step(m));
    const optB = sgd(1);
    const b = new optim.ReduceLROnPlateau(optB, { patience: 1, cooldown: 1 });
    optB.loadStateDict(optA.stateDict());
    b.loadStateDict(a.stateDict());
    for (const m of metrics.slice(5)) {
      a.step(m);
      b.step(m);
      assert.deepEqual(b.getLastLr(), a.getLastLr());
    }
    assert.ok(a.getLastLr()[0]! < 1e-2);
  });

  it('refuse the state of another kind of schedule or another optimizer shape', () => {
    const step = new optim.StepLR(sgd(), { stepSize: 2 });
    const cos = new optim.CosineAnnealingLR(sgd(), { TMax: 3 });
    assertThrowsMatching(() => cos.loadStateDict(step.stateDict()), /CosineAnnealingLR\.loadStateDict: unknown entry 'stepSize'/);
    const two = new optim.StepLR(sgd(0.1, 2), { stepSize: 2 });
    assertThrowsMatching(() => two.loadStateDict(step.stateDict()), /StepLR\.loadStateDict: the state's baseLrs has 1 entries, the optimizer has 2 parameter groups/);
  });
});

describe('schedule option errors', () => {
  const cases: [(o: Optimizer) => LRScheduler | unknown, RegExp][] = [
    [(o) => new optim.StepLR(o, { stepSize: 0 }), /StepLR: stepSize must be an integer >= 1, got 0/],
    [(o) => new optim.StepLR(o, { stepSize: 2, gamma: NaN }), /StepLR: gamma must be a finite number, got NaN/],
    [(o) => new optim.MultiStepLR(o, { milestones: [1.5] }), /MultiStepLR: milestones\[0\] must be an integer >= 0, got 1\.5/],
    [(o) => new optim.ExponentialLR(o, {} as never), /ExponentialLR: gamma must be a finite number, got undefined/],
    [(o) => new optim.LinearLR(o, { startFactor: 0 }), /LinearLR: startFactor must be in \(0, 1\], got 0/],
    [(o) => new optim.LinearLR(o, { endFactor: 1.5 }), /LinearLR: endFactor must be in \[0, 1\], got 1\.5/],
    [(o) => new optim.CosineAnnealingLR(o, { TMax: 0 }), /CosineAnnealingLR: TMax must be a finite number > 0, got 0/],
    [(o) => new optim.LambdaLR(o, [(e: number) => e, (e: number) => e]), /LambdaLR: expected 1 lrLambda functions \(one per parameter group\), got 2/],
    [(o) => new optim.LambdaLR(o, () => NaN), /LambdaLR: lrLambda 0 returned NaN at epoch 0/],
    [() => new optim.StepLR({} as never, { stepSize: 1 }), /StepLR: expected an Optimizer, got object/],
    [(o) => new optim.StepLR(o, { stepSize: 1 }, 4), /StepLR: parameter group 0 has no initialLr, which resuming with lastEpoch 4 needs/],
    [(o) => new optim.StepLR(o, { stepSize: 1 }, -2), /StepLR: lastEpoch must be an integer >= -1, got -2/],
  ];
  for (const [make, pattern] of cases) it(`throws ${pattern.source}`, () => assertThrowsMatching(() => make(sgd()), pattern));

  it('resume with lastEpoch from an optimizer that holds initialLr', () => {
    const opt = sgd();
    opt.paramGroups[0]!.initialLr = 0.1;
    opt.paramGroups[0]!.lr = 0.025;
    const sched = new optim.StepLR(opt, { stepSize: 2, gamma: 0.5 }, 4);
    assert.equal(sched.getLastLr()[0], 0.025); // the constructor's step keeps the loaded lr
    sched.step(); // epoch 6
    assert.equal(sched.getLastLr()[0], 0.0125);
  });
});
