/**
 * The optional fused-kernel hook: a backend that offers adamStep/sgdStep gets called, with the
 * contract's arguments, and gives what the op path gives; others fall back to the ops.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { backend, registerBackend, setBackend, tensor, optim } from '../../src/index.js';
import type { Backend, Tensor, View } from '../../src/index.js';
import type { AdamStepParams, FusedOptimizerKernels, Optimizer, SgdStepParams } from '../../src/optim/index.js';
import { assertThrowsMatching } from '../helpers.js';
import { GRADS, assertTrajectory, param, runSteps } from './support.js';

const calls = { adam: 0, sgd: 0 };

/** Reference kernels written from the documented contract, element by element. */
function adamStep(p: View, g: View, m: View, v: View, vmax: View | null, h: AdamStepParams): void {
  for (let i = 0; i < p.shape.reduce((a, b) => a * b, 1); i++) {
    const pi = p.offset + i;
    let gi = g.data[g.offset + i]! * (h.maximize ? -1 : 1);
    if (h.weightDecay !== 0) {
      if (h.decoupledWeightDecay) p.data[pi] = p.data[pi]! * (1 - h.lr * h.weightDecay);
      else gi += h.weightDecay * p.data[pi]!;
    }
    m.data[m.offset + i] = h.beta1 * m.data[m.offset + i]! + (1 - h.beta1) * gi;
    v.data[v.offset + i] = h.beta2 * v.data[v.offset + i]! + (1 - h.beta2) * gi * gi;
    let second = v.data[v.offset + i]!;
    if (vmax !== null) second = vmax.data[vmax.offset + i] = Math.max(vmax.data[vmax.offset + i]!, second);
    const denom = Math.sqrt(second) / Math.sqrt(1 - h.beta2 ** h.step) + h.eps;
    p.data[pi] = p.data[pi]! - (h.lr / (1 - h.beta1 ** h.step)) * (m.data[m.offset + i]! / denom);
  }
  calls.adam++;
}

function sgdStep(p: View, g: View, buf: View | null, h: SgdStepParams): void {
  for (let i = 0; i < p.shape.reduce((a, b) => a * b, 1); i++) {
    const pi = p.offset + i;
    let d = g.data[g.offset + i]! * (h.maximize ? -1 : 1) + h.weightDecay * p.data[pi]!;
    if (buf !== null) {
      const b = h.firstStep ? d : h.momentum * buf.data[buf.offset + i]! + (1 - h.dampening) * d;
      buf.data[buf.offset + i] = b;
      d = h.nesterov ? d + h.momentum * b : b;
    }
    p.data[pi] = p.data[pi]! - h.lr * d;
  }
  calls.sgd++;
}

const original = backend().name;
const kernels: FusedOptimizerKernels = { adamStep, sgdStep };
const fake = Object.create(backend(), {
  name: { value: 'fused-test' },
  adamStep: { value: kernels.adamStep },
  sgdStep: { value: kernels.sgdStep },
}) as Backend;
registerBackend(fake, -100);
setBackend(original);
after(() => setBackend(original));

/** Runs the same optimizer on the fused backend and on the op path. */
function compare(make: (p: Tensor, fused: boolean) => Optimizer): { fused: number[][]; ops: number[][] } {
  setBackend('fused-test');
  try {
    const p = param();
    const fused = runSteps(make(p, true), p, GRADS);
    const q = param();
    const ops = runSteps(make(q, false), q, GRADS);
    return { fused, ops };
  } finally {
    setBackend(original);
  }
}

describe('fused optimizer kernels', () => {
  const adamCases: [string, Partial<optim.AdamOptions>][] = [
    ['plain', { lr: 0.1 }],
    ['amsgrad, L2 decay, maximize', { lr: 0.1, amsgrad: true, weightDecay: 0.1, maximize: true, betas: [0.5, 0.6] }],
    ['decoupled decay', { lr: 0.1, weightDecay: 0.3, decoupledWeightDecay: true }],
  ];
  for (const [name, options] of adamCases) {
    it(`Adam (${name}) calls adamStep and matches the op path`, () => {
      const before = calls.adam;
      const { fused, ops } = compare((p, f) => new optim.Adam([p], { ...options, fused: f ? null : false }));
      assert.equal(calls.adam - before, GRADS.length);
      assertTrajectory(fused, ops);
    });
  }

  it('AdamW calls adamStep with decoupled weight decay', () => {
    const { fused, ops } = compare((p, f) => new optim.AdamW([p], { lr: 0.1, weightDecay: 0.5, fused: f }));
    assertTrajectory(fused, ops);
  });

  const sgdCases: [string, Partial<optim.SGDOptions>][] = [
    ['plain', { lr: 0.1 }],
    ['momentum, dampening, weight decay', { lr: 0.1, momentum: 0.9, dampening: 0.2, weightDecay: 0.1 }],
    ['nesterov, maximize', { lr: 0.1, momentum: 0.8, nesterov: true, maximize: true }],
  ];
  for (const [name, options] of sgdCases) {
    it(`SGD (${name}) calls sgdStep and matches the op path`, () => {
      const before = calls.sgd;
      const { fused, ops } = compare((p, f) => new optim.SGD([p], { ...options, fused: f ? true : false }));
      assert.equal(calls.sgd - before, GRADS.length);
      assertTrajectory(fused, ops);
    });
  }

  it('bumps the versions of what the kernel wrote', () => {
    setBackend('fused-test');
    try {
      const p = param();
      const opt = new optim.Adam([p]);
      const v = p.version;
      runSteps(opt, p, GRADS.slice(0, 1));
      assert.equal(p.version, v + 1);
    } finally {
      setBackend(original);
    }
  });

  it('falls back to the ops for non-contiguous parameters', () => {
    setBackend('fused-test');
    try {
      const base = tensor([[1, 2], [3, 4]], { dtype: 'float64' });
      const p = base.T.detach().requiresGrad_(true);
      assert.equal(p.isContiguous(), false);
      const before = calls.sgd;
      p.grad = tensor([[1, 1], [1, 1]], { dtype: 'float64' });
      new optim.SGD([p], { lr: 0.5 }).step();
      assert.equal(calls.sgd, before);
      assert.deepEqual(p.tolist(), [[0.5, 2.5], [1.5, 3.5]]);
    } finally {
      setBackend(original);
    }
  });

  it('fused: true needs a backend with the kernel; fused: false never calls it', () => {
    // Inherit everything but the fused kernels (the active backend may have them).
    const plain = Object.create(backend(), {
      name: { value: 'no-fused-test' },
      adamStep: { value: undefined },
      sgdStep: { value: undefined },
    }) as Backend;
    registerBackend(plain, -100);
    setBackend('no-fused-test');
    try {
      const p = param();
      p.grad = tensor(GRADS[0]!, { dtype: 'float64' });
      assertThrowsMatching(() => new optim.Adam([p], { fused: true }).step(), /Adam: fused is true but the active backend 'no-fused-test' has no adamStep kernel/);
      assertThrowsMatching(() => new optim.SGD([p], { fused: true }).step(), /SGD: fused is true but the active backend 'no-fused-test' has no sgdStep kernel/);
      new optim.Adam([p]).step(); // null: the op path
    } finally {
      setBackend(original);
    }
    setBackend('fused-test');
    try {
      const before = calls.adam;
      const p = param();
      runSteps(new optim.Adam([p], { fused: false }), p, GRADS);
      assert.equal(calls.adam, before);
    } finally {
      setBackend(original);
    }
  });
});
