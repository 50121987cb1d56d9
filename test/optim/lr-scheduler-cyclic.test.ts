/** CosineAnnealingWarmRestarts and OneCycleLR against their formulas. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { optim } from '../../src/index.js';
import { assertThrowsMatching } from '../helpers.js';
import { param } from './support.js';

const near = (a: number, b: number, tol = 1e-12): boolean => Math.abs(a - b) <= tol * (1 + Math.abs(b));

function assertSeries(actual: number[], expected: (i: number) => number, what = 'step'): void {
  actual.forEach((v, i) => assert.ok(near(v, expected(i)), `${what} ${i}: got ${v}, expected ${expected(i)}`));
}

/** SGDR by hand: cycle lengths T0, T0 TMult, ...; the position of epoch e in its cycle. */
function sgdr(e: number, T0: number, TMult: number, base: number, etaMin: number): number {
  let start = 0;
  let len = T0;
  while (e >= start + len) {
    start += len;
    len *= TMult;
  }
  return etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * (e - start)) / len))) / 2;
}

describe('CosineAnnealingWarmRestarts', () => {
  it('restarts after T0, then after cycles TMult times longer', () => {
    const opt = new optim.SGD([param()], { lr: 0.1 });
    const sched = new optim.CosineAnnealingWarmRestarts(opt, { T0: 3, TMult: 2, etaMin: 0.01 });
    const seen: number[] = [];
    for (let e = 0; e < 50; e++) {
      if (e > 0) sched.step();
      seen.push(opt.paramGroups[0]!.lr);
    }
    assertSeries(seen, (e) => sgdr(e, 3, 2, 0.1, 0.01), 'epoch');
    // Restarts at epochs 3, 9, 21 and 45.
    for (const e of [0, 3, 9, 21, 45]) assert.ok(near(seen[e]!, 0.1), `restart at ${e}`);
  });

  it('anneals within epochs given fractional epochs', () => {
    for (const TMult of [1, 2, 3]) {
      const opt = new optim.SGD([param()], { lr: 1 });
      const sched = new optim.CosineAnnealingWarmRestarts(opt, { T0: 2, TMult });
      const iters = 4;
      for (let epoch = 0; epoch < 20; epoch++) {
        for (let i = 0; i < iters; i++) {
          const e = epoch + i / iters;
          sched.step(e);
          assert.ok(near(opt.paramGroups[0]!.lr, sgdr(e, 2, TMult, 1, 0)), `TMult ${TMult} epoch ${e}: ${opt.paramGroups[0]!.lr}`);
          assert.equal(sched.lastEpoch, epoch);
        }
      }
    }
  });

  it('continues with step() after step(epoch), as in PyTorch', () => {
    const opt = new optim.SGD([param()], { lr: 1 });
    const sched = new optim.CosineAnnealingWarmRestarts(opt, { T0: 10 });
    sched.step(26);
    sched.step(); // 27
    assert.ok(near(opt.paramGroups[0]!.lr, sgdr(27, 10, 1, 1, 0)));
  });

  it('checks its options', () => {
    const opt = new optim.SGD([param()]);
    assertThrowsMatching(() => new optim.CosineAnnealingWarmRestarts(opt, { T0: 1.5 }), /CosineAnnealingWarmRestarts: T0 must be an integer >= 1, got 1\.5/);
    assertThrowsMatching(() => new optim.CosineAnnealingWarmRestarts(opt, { T0: 2, TMult: 0 }), /TMult must be an integer >= 1, got 0/);
    const sched = new optim.CosineAnnealingWarmRestarts(opt, { T0: 2 });
    assertThrowsMatching(() => sched.step(-1), /CosineAnnealingWarmRestarts: epoch must be a finite number >= 0, got -1/);
  });
});

const cosAnneal = (a: number, b: number, pct: number): number => b + ((a - b) / 2) * (1 + Math.cos(Math.PI * pct));
const linAnneal = (a: number, b: number, pct: number): number => a + (b - a) * pct;

describe('OneCycleLR', () => {
  it('two cosine phases, with the momentum cycled the other way', () => {
    const opt = new optim.SGD([param()], { lr: 0.5, momentum: 0.9 });
    const T = 100;
    const sched = new optim.OneCycleLR(opt, { maxLr: 1, totalSteps: T });
    const up = 0.3 * T - 1; // the step at which the lr peaks
    const [initial, min] = [1 / 25, 1 / 25 / 1e4];
    for (let t = 0; t < T; t++) {
      if (t > 0) sched.step();
      const g = opt.paramGroups[0]!;
      const [lr, m] = t <= up
        ? [cosAnneal(initial, 1, t / up), cosAnneal(0.95, 0.85, t / up)]
        : [cosAnneal(1, min, (t - up) / (T - 1 - up)), cosAnneal(0.85, 0.95, (t - up) / (T - 1 - up))];
      assert.ok(near(g.lr, lr), `step ${t}: lr ${g.lr}, expected ${lr}`);
      assert.ok(near(g.momentum, m), `step ${t}: momentum ${g.momentum}, expected ${m}`);
    }
    assert.ok(near(sched.getLastLr()[0]!, min));
    assert.equal(opt.paramGroups[0]!.initialLr, 0.04);
  });

  it('linear annealing, three phases, epochs x stepsPerEpoch, beta1 cycled for Adam', () => {
    const opt = new optim.Adam([param()], { lr: 0.5, betas: [0.9, 0.99] });
    const sched = new optim.OneCycleLR(opt, { maxLr: 2, epochs: 5, stepsPerEpoch: 8, pctStart: 0.25, annealStrategy: 'linear', threePhase: true, divFactor: 10, finalDivFactor: 100 });
    const T = 40;
    const e1 = 0.25 * T - 1;
    const e2 = 2 * 0.25 * T - 2;
    const initial = 0.2;
    const min = 0.002;
    for (let t = 0; t < T; t++) {
      if (t > 0) sched.step();
      const [lr, m] = t <= e1
        ? [linAnneal(initial, 2, t / e1), linAnneal(0.95, 0.85, t / e1)]
        : t <= e2
          ? [linAnneal(2, initial, (t - e1) / (e2 - e1)), linAnneal(0.85, 0.95, (t - e1) / (e2 - e1))]
          : [linAnneal(initial, min, (t - e2) / (T - 1 - e2)), 0.95];
      const g = opt.paramGroups[0]!;
      assert.ok(near(g.lr, lr), `step ${t}: lr ${g.lr}, expected ${lr}`);
      assert.ok(near(g.betas[0], m), `step ${t}: beta1 ${g.betas[0]}, expected ${m}`);
      assert.equal(g.betas[1], 0.99);
    }
  });

  it('per-group peaks, no momentum cycling for optimizers without momentum', () => {
    const opt = new optim.Adagrad([{ params: [param()] }, { params: [param()] }]);
    const sched = new optim.OneCycleLR(opt, { maxLr: [1, 3], totalSteps: 10, cycleMomentum: false });
    assertSeries(sched.getLastLr(), (g) => [1 / 25, 3 / 25][g]!, 'group');
    sched.step();
    assert.ok(sched.getLastLr()[1]! > 3 / 25);
    assertThrowsMatching(
      () => new optim.OneCycleLR(new optim.Adagrad([param()]), { maxLr: 1, totalSteps: 10 }),
      /OneCycleLR: cycleMomentum needs an optimizer with a momentum or betas option, Adagrad has neither/,
    );
  });

  it('gives finite rates when a phase is empty (tiny totalSteps)', () => {
    const opt = new optim.SGD([param()], { lr: 1, momentum: 0.9 });
    const sched = new optim.OneCycleLR(opt, { maxLr: 1, totalSteps: 4, pctStart: 0.25 });
    const lrs = [opt.paramGroups[0]!.lr];
    for (let i = 0; i < 3; i++) {
      sched.step();
      lrs.push(opt.paramGroups[0]!.lr);
    }
    assert.ok(lrs.every(Number.isFinite), `expected finite rates, got ${lrs}`);
    assert.equal(lrs[0], 1); // the warm-up phase has no steps: it starts at its end, the peak
    for (let i = 1; i < lrs.length; i++) assert.ok(lrs[i]! < lrs[i - 1]!, `expected the rate to fall, got ${lrs}`);
    const single = new optim.OneCycleLR(new optim.SGD([param()], { lr: 1, momentum: 0.9 }), { maxLr: 1, totalSteps: 1 });
    assert.ok(Number.isFinite(single.getLastLr()[0]!));
  });

  it('errors when stepped past totalSteps', () => {
    const sched = new optim.OneCycleLR(new optim.SGD([param()]), { maxLr: 1, totalSteps: 5 });
    for (let i = 0; i < 5; i++) sched.step(); // PyTorch allows reaching totalSteps itself
    assertThrowsMatching(() => sched.step(), /OneCycleLR: tried to step 6 times; totalSteps is 5/);
  });

  it('checks its options', () => {
    const opt = new optim.SGD([param()]);
    assertThrowsMatching(() => new optim.OneCycleLR(opt, { maxLr: 1 }), /OneCycleLR: give totalSteps, or both epochs and stepsPerEpoch/);
    assertThrowsMatching(() => new optim.OneCycleLR(opt, { maxLr: 1, totalSteps: 0 }), /totalSteps must be an integer >= 1, got 0/);
    assertThrowsMatching(() => new optim.OneCycleLR(opt, { maxLr: 1, totalSteps: 10, pctStart: 1.5 }), /pctStart must be in \[0, 1\], got 1\.5/);
    assertThrowsMatching(() => new optim.OneCycleLR(opt, { maxLr: 1, totalSteps: 10, annealStrategy: 'exp' as never }), /annealStrategy must be one of 'cos', 'linear', got 'exp'/);
    assertThrowsMatching(() => new optim.OneCycleLR(opt, { maxLr: [1, 2], totalSteps: 10 }), /OneCycleLR: maxLr has 2 values, the optimizer has 1 parameter groups/);
  });
});
