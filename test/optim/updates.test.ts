/**
 * Each optimizer's first steps against its update computed by hand: literal values for the simplest
 * cases, and the published formulas (test/optim/support.ts) for every option, on float64 parameters.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, optim } from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import type { Optimizer } from '../../src/optim/index.js';
import {
  GRADS, P0, assertTrajectory, param, refAdadelta, refAdagrad, refAdam, refAdamax, refLAMB, refLARS, refLion, refNAdam,
  refRAdam, refRMSprop, refSGD, runSteps,
} from './support.js';

/** Eight steps of gradients (RAdam's rectification starts at step 6 with the default betas). */
const GRADS8 = Array.from({ length: 8 }, (_, k) => P0.map((_, i) => Math.sin(1.7 * k + 2.3 * i) * (1 + 0.5 * i)));

interface Case {
  name: string;
  make: (p: Tensor) => Optimizer;
  ref: (p0: number[], grads: number[][]) => number[][];
  grads?: number[][];
}

const cases: Case[] = [
  { name: 'SGD', make: (p) => new optim.SGD([p], { lr: 0.1 }), ref: (p, g) => refSGD(p, g, { lr: 0.1 }) },
  {
    name: 'SGD momentum, dampening, weight decay',
    make: (p) => new optim.SGD([p], { lr: 0.05, momentum: 0.9, dampening: 0.3, weightDecay: 0.1 }),
    ref: (p, g) => refSGD(p, g, { lr: 0.05, momentum: 0.9, dampening: 0.3, weightDecay: 0.1 }),
  },
  {
    name: 'SGD nesterov, maximize',
    make: (p) => new optim.SGD([p], { lr: 0.05, momentum: 0.8, nesterov: true, maximize: true }),
    ref: (p, g) => refSGD(p, g, { lr: 0.05, momentum: 0.8, nesterov: true, maximize: true }),
  },
  { name: 'Adam', make: (p) => new optim.Adam([p], { lr: 0.1 }), ref: (p, g) => refAdam(p, g, { lr: 0.1 }) },
  {
    name: 'Adam amsgrad, L2 weight decay, eps',
    make: (p) => new optim.Adam([p], { lr: 0.1, betas: [0.5, 0.6], eps: 1e-3, amsgrad: true, weightDecay: 0.2 }),
    ref: (p, g) => refAdam(p, g, { lr: 0.1, betas: [0.5, 0.6], eps: 1e-3, amsgrad: true, weightDecay: 0.2 }),
  },
  {
    name: 'Adam maximize, decoupled weight decay',
    make: (p) => new optim.Adam([p], { lr: 0.1, maximize: true, weightDecay: 0.3, decoupledWeightDecay: true }),
    ref: (p, g) => refAdam(p, g, { lr: 0.1, maximize: true, weightDecay: 0.3, decoupled: true }),
  },
  { name: 'AdamW (default weight decay 1e-2)', make: (p) => new optim.AdamW([p], { lr: 0.1 }), ref: (p, g) => refAdam(p, g, { lr: 0.1, weightDecay: 1e-2, decoupled: true }) },
  {
    name: 'AdamW amsgrad',
    make: (p) => new optim.AdamW([p], { lr: 0.1, weightDecay: 0.5, amsgrad: true, betas: [0.8, 0.5] }),
    ref: (p, g) => refAdam(p, g, { lr: 0.1, weightDecay: 0.5, amsgrad: true, betas: [0.8, 0.5], decoupled: true }),
  },
  { name: 'RMSprop', make: (p) => new optim.RMSprop([p]), ref: (p, g) => refRMSprop(p, g, { lr: 1e-2 }) },
  {
    name: 'RMSprop centered, momentum, weight decay',
    make: (p) => new optim.RMSprop([p], { lr: 0.01, alpha: 0.9, centered: true, momentum: 0.5, weightDecay: 0.1, eps: 1e-4 }),
    ref: (p, g) => refRMSprop(p, g, { lr: 0.01, alpha: 0.9, centered: true, momentum: 0.5, weightDecay: 0.1, eps: 1e-4 }),
  },
  {
    name: 'RMSprop maximize, momentum',
    make: (p) => new optim.RMSprop([p], { lr: 0.01, momentum: 0.9, maximize: true }),
    ref: (p, g) => refRMSprop(p, g, { lr: 0.01, momentum: 0.9, maximize: true }),
  },
  { name: 'Adagrad', make: (p) => new optim.Adagrad([p]), ref: (p, g) => refAdagrad(p, g, { lr: 1e-2 }) },
  {
    name: 'Adagrad lrDecay, initialAccumulatorValue, weight decay, maximize',
    make: (p) => new optim.Adagrad([p], { lr: 0.5, lrDecay: 0.1, initialAccumulatorValue: 0.2, weightDecay: 0.05, maximize: true }),
    ref: (p, g) => refAdagrad(p, g, { lr: 0.5, lrDecay: 0.1, initial: 0.2, weightDecay: 0.05, maximize: true }),
  },
  { name: 'Adadelta', make: (p) => new optim.Adadelta([p]), ref: (p, g) => refAdadelta(p, g, { lr: 1 }) },
  {
    name: 'Adadelta rho, eps, weight decay',
    make: (p) => new optim.Adadelta([p], { lr: 0.5, rho: 0.7, eps: 1e-3, weightDecay: 0.1 }),
    ref: (p, g) => refAdadelta(p, g, { lr: 0.5, rho: 0.7, eps: 1e-3, weightDecay: 0.1 }),
  },
  { name: 'Adamax', make: (p) => new optim.Adamax([p]), ref: (p, g) => refAdamax(p, g, { lr: 2e-3 }) },
  {
    name: 'Adamax betas, weight decay, maximize',
    make: (p) => new optim.Adamax([p], { lr: 0.1, betas: [0.5, 0.7], weightDecay: 0.1, maximize: true, eps: 1e-2 }),
    ref: (p, g) => refAdamax(p, g, { lr: 0.1, betas: [0.5, 0.7], weightDecay: 0.1, maximize: true, eps: 1e-2 }),
  },
  { name: 'NAdam', make: (p) => new optim.NAdam([p]), ref: (p, g) => refNAdam(p, g, { lr: 2e-3 }) },
  {
    name: 'NAdam momentumDecay, L2 weight decay',
    make: (p) => new optim.NAdam([p], { lr: 0.1, momentumDecay: 0.5, weightDecay: 0.1, betas: [0.8, 0.9] }),
    ref: (p, g) => refNAdam(p, g, { lr: 0.1, psi: 0.5, weightDecay: 0.1, betas: [0.8, 0.9] }),
  },
  {
    name: 'NAdam decoupled weight decay',
    make: (p) => new optim.NAdam([p], { lr: 0.1, weightDecay: 0.2, decoupledWeightDecay: true }),
    ref: (p, g) => refNAdam(p, g, { lr: 0.1, weightDecay: 0.2, decoupled: true }),
  },
  { name: 'RAdam', make: (p) => new optim.RAdam([p], { lr: 0.1 }), ref: (p, g) => refRAdam(p, g, { lr: 0.1 }), grads: GRADS8 },
  {
    name: 'RAdam L2 weight decay, betas',
    make: (p) => new optim.RAdam([p], { lr: 0.1, weightDecay: 0.1, betas: [0.8, 0.9] }),
    ref: (p, g) => refRAdam(p, g, { lr: 0.1, weightDecay: 0.1, betas: [0.8, 0.9] }),
    grads: GRADS8,
  },
  {
    name: 'RAdam decoupled weight decay, maximize',
    make: (p) => new optim.RAdam([p], { lr: 0.1, weightDecay: 0.1, decoupledWeightDecay: true, maximize: true }),
    ref: (p, g) => refRAdam(p, g, { lr: 0.1, weightDecay: 0.1, decoupled: true, maximize: true }),
    grads: GRADS8,
  },
  { name: 'LAMB', make: (p) => new optim.LAMB([p], { lr: 0.1 }), ref: (p, g) => refLAMB(p, g, { lr: 0.1 }) },
  {
    name: 'LAMB weight decay, no bias correction',
    make: (p) => new optim.LAMB([p], { lr: 0.1, weightDecay: 0.3, biasCorrection: false, betas: [0.7, 0.8] }),
    ref: (p, g) => refLAMB(p, g, { lr: 0.1, weightDecay: 0.3, biasCorrection: false, betas: [0.7, 0.8] }),
  },
  {
    name: 'LAMB without trust adaptation, maximize',
    make: (p) => new optim.LAMB([p], { lr: 0.1, weightDecay: 0.1, trustAdaptation: false, maximize: true }),
    ref: (p, g) => refLAMB(p, g, { lr: 0.1, weightDecay: 0.1, adapt: false, maximize: true }),
  },
  { name: 'LARS', make: (p) => new optim.LARS([p], { lr: 2 }), ref: (p, g) => refLARS(p, g, { lr: 2 }) },
  {
    name: 'LARS weight decay, trust coefficient, nesterov',
    make: (p) => new optim.LARS([p], { lr: 1, weightDecay: 0.05, trustCoefficient: 0.02, nesterov: true, momentum: 0.8 }),
    ref: (p, g) => refLARS(p, g, { lr: 1, weightDecay: 0.05, eta: 0.02, nesterov: true, momentum: 0.8 }),
  },
  {
    name: 'LARS without momentum or adaptation, maximize',
    make: (p) => new optim.LARS([p], { lr: 0.1, momentum: 0, trustAdaptation: false, weightDecay: 0.1, maximize: true }),
    ref: (p, g) => refLARS(p, g, { lr: 0.1, momentum: 0, adapt: false, weightDecay: 0.1, maximize: true }),
  },
  { name: 'Lion', make: (p) => new optim.Lion([p], { lr: 0.1 }), ref: (p, g) => refLion(p, g, { lr: 0.1 }) },
  {
    name: 'Lion weight decay, betas, maximize',
    make: (p) => new optim.Lion([p], { lr: 0.1, weightDecay: 0.5, betas: [0.5, 0.9], maximize: true }),
    ref: (p, g) => refLion(p, g, { lr: 0.1, weightDecay: 0.5, betas: [0.5, 0.9], maximize: true }),
  },
];

describe('optimizer updates against their formulas', () => {
  for (const c of cases) {
    it(c.name, () => {
      const grads = c.grads ?? GRADS;
      const p = param();
      assertTrajectory(runSteps(c.make(p), p, grads), c.ref(P0, grads), c.name);
    });
  }
});

describe('optimizer updates by hand', () => {
  it('SGD with momentum 0.9 on p^2: buffers 2p, then 0.9 b + g', () => {
    const p = tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    const opt = new optim.SGD([p], { lr: 0.1, momentum: 0.9 });
    const seen: number[][] = [];
    for (let i = 0; i < 2; i++) {
      opt.zeroGrad();
      p.square().sum().backward();
      opt.step();
      seen.push([...p.toArray()]);
    }
    // step 1: b = 2p = [2, 4, 6], p = [0.8, 1.6, 2.4]; step 2: b = 0.9 [2, 4, 6] + [1.6, 3.2, 4.8] = [3.4, 6.8, 10.2]
    assertTrajectory(seen, [[0.8, 1.6, 2.4], [0.46, 0.92, 1.38]]);
  });

  it("Adam's first step moves each coordinate by about lr against the gradient's sign", () => {
    const p = param([0.5, -1.5]);
    runSteps(new optim.Adam([p], { lr: 0.1 }), p, [[0.3, -0.8]]);
    // m^ = g and v^ = g^2 on the first step: p -= lr g / (|g| + eps).
    assertTrajectory([[...p.toArray()]], [[0.5 - (0.1 * 0.3) / (0.3 + 1e-8), -1.5 + (0.1 * 0.8) / (0.8 + 1e-8)]]);
  });

  it('Lion moves every coordinate with a non-zero interpolation by exactly lr', () => {
    const p = param([1, 1, 1]);
    runSteps(new optim.Lion([p], { lr: 0.25 }), p, [[3, -1e-9, 0]]);
    assertTrajectory([[...p.toArray()]], [[0.75, 1.25, 1]]);
  });

  it('LARS scales the step by eta ||p|| / ||g||', () => {
    const p = param([3, 4]); // ||p|| = 5
    runSteps(new optim.LARS([p], { lr: 1, momentum: 0, trustCoefficient: 0.1 }), p, [[0, 2]]); // ||g|| = 2
    // local lr = 0.1 * 5 / 2 = 0.25
    assertTrajectory([[...p.toArray()]], [[3, 3.5]]);
  });

  it('LAMB scales the Adam direction to ||p|| * lr', () => {
    const p = param([3, 4]);
    runSteps(new optim.LAMB([p], { lr: 0.1, eps: 0 }), p, [[1, 1]]);
    // r = [1, 1] (first step, eps 0), trust ratio 5 / sqrt(2): p -= 0.1 * 5 / sqrt(2) * [1, 1]
    const d = 0.5 / Math.SQRT2;
    assertTrajectory([[...p.toArray()]], [[3 - d, 4 - d]]);
  });

  it('RAdam takes plain momentum steps while the variance is not tractable', () => {
    const p = param([1]);
    runSteps(new optim.RAdam([p], { lr: 0.1 }), p, [[2], [2]]);
    // m^ = 2 on both steps: p = 1 - 0.2 - 0.2
    assertTrajectory([[...p.toArray()]], [[0.6]]);
  });

  it('update parameters of float32 and of any shape in place', () => {
    for (const make of [(p: Tensor) => new optim.Adam([p], { lr: 0.1 }), (p: Tensor) => new optim.SGD([p], { lr: 0.1, momentum: 0.5 })]) {
      const p = tensor([[1, 2], [3, 4]], { requiresGrad: true });
      const storage = p.storage;
      p.grad = tensor([[1, 1], [1, 1]]);
      make(p).step();
      assert.equal(p.storage, storage);
      assert.equal(p.dtype, 'float32');
      assert.ok(p.toArray().every((v, i) => Math.abs(v - (i + 1 - 0.1)) < 1e-6));
    }
  });
});
