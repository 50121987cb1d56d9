/**
 * The native fused optimizer updates (adamStep, sgdStep) against the op path (`fused: false`) of
 * the same optimizer: several steps, every option, float32 and float64, a parameter small enough
 * for the reference elementwise kernels and one big enough to split over the thread pool, on
 * every kernel table. The fused update promises the op path's result bit for bit, so the
 * comparison is exact.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { optim, setBackend, backend, tensor } from '../../../src/index.js';
import type { DType, Tensor } from '../../../src/index.js';
import type { Optimizer } from '../../../src/optim/index.js';
import { addonStatus } from '../../../src/backend/native/load.js';
import { seeded } from '../../helpers.js';
import { assertSame, countAddonCalls, forEachKernelTable, skipReason } from './support.js';

const STEPS = 4;
/** Below the elementwise threshold (the op path runs js kernels), above it, and above the pool's grain. */
const SIZES = [37, 1000, 70001];

/** Values with zeros, both signs and a few large ones; `specials` adds infinities and NaN. */
function values(n: number, seed: number, specials = false): Float64Array {
  const rng = seeded(seed);
  return new Float64Array(n).map((_, i) => {
    if (specials && i % 97 === 5) return [Infinity, -Infinity, NaN][i % 3]!;
    if (i % 53 === 0) return 0;
    return (rng() - 0.5) * (i % 11 === 0 ? 40 : 2);
  });
}

/**
 * A parameter at an offset inside a larger storage (contiguous, so the fused path takes it), so
 * that offsets reach the kernel.
 */
function makeParam(n: number, dtype: DType): Tensor {
  const base = tensor(values(n + 3, 11), { dtype });
  return base.narrow(0, 3, n).detach().requiresGrad_(true);
}

/** Runs STEPS steps with fresh gradients each; returns the parameter after each step. */
function trajectory(make: (p: Tensor) => Optimizer, n: number, dtype: DType, specials: boolean): Float32Array[] | Float64Array[] {
  const p = makeParam(n, dtype);
  const opt = make(p);
  const out: (Float32Array | Float64Array)[] = [];
  for (let s = 0; s < STEPS; s++) {
    p.grad = tensor(values(n, 100 + s, specials && s === 1), { dtype });
    opt.step();
    out.push(p.detach().contiguous().toArray() as Float32Array | Float64Array);
  }
  return out as Float32Array[] | Float64Array[];
}

function check(name: string, make: (p: Tensor, fused: boolean) => Optimizer, kernel: 'adamStep' | 'sgdStep', specials = false): void {
  it(name, (t) => {
    if (skipReason !== null) return t.skip(skipReason);
    const previous = backend().name;
    setBackend('native');
    try {
      forEachKernelTable((table) => {
        for (const dtype of ['float32', 'float64'] as DType[]) {
          for (const n of SIZES) {
            let fused: Float32Array[] | Float64Array[] = [];
            const counts = countAddonCalls(() => (fused = trajectory((p) => make(p, true), n, dtype, specials)));
            assert.equal(counts[kernel], STEPS, `${kernel} calls (${dtype}, n ${n})`);
            const ops = trajectory((p) => make(p, false), n, dtype, specials);
            fused.forEach((row, s) => assertSame(row, ops[s]!, dtype, `${table} ${dtype} n ${n} step ${s + 1}`, true));
          }
        }
      });
    } finally {
      setBackend(previous);
    }
  });
}

describe('native fused Adam equals the op path', () => {
  const cases: [string, Partial<optim.AdamOptions>][] = [
    ['defaults', {}],
    ['lr 0.1, betas 0.5/0.6, eps 1e-3', { lr: 0.1, betas: [0.5, 0.6], eps: 1e-3 }],
    ['amsgrad', { lr: 0.01, amsgrad: true }],
    ['maximize', { lr: 0.01, maximize: true }],
    ['L2 weight decay', { lr: 0.01, weightDecay: 0.1 }],
    ['decoupled weight decay', { lr: 0.01, weightDecay: 0.3, decoupledWeightDecay: true }],
    ['amsgrad, maximize, L2 decay', { lr: 0.05, amsgrad: true, maximize: true, weightDecay: 0.2 }],
    ['amsgrad, decoupled decay, beta1 0', { lr: 0.05, amsgrad: true, weightDecay: 0.2, decoupledWeightDecay: true, betas: [0, 0.9] }],
  ];
  for (const [name, options] of cases) {
    check(`Adam (${name})`, (p, fused) => new optim.Adam([p], { ...options, fused: fused ? true : false }), 'adamStep');
  }
  check('AdamW (defaults)', (p, fused) => new optim.AdamW([p], { fused: fused ? true : false }), 'adamStep');
  check('Adam with infinite and NaN gradients (amsgrad, L2)', (p, fused) => new optim.Adam([p], { amsgrad: true, weightDecay: 0.1, fused }), 'adamStep', true);
});

describe('native fused SGD equals the op path', () => {
  const cases: [string, Partial<optim.SGDOptions>][] = [
    ['plain', { lr: 0.1 }],
    ['maximize, weight decay', { lr: 0.1, maximize: true, weightDecay: 0.05 }],
    ['momentum', { lr: 0.1, momentum: 0.9 }],
    ['momentum, dampening, weight decay', { lr: 0.1, momentum: 0.9, dampening: 0.25, weightDecay: 0.1 }],
    ['nesterov', { lr: 0.1, momentum: 0.8, nesterov: true }],
    ['nesterov, maximize, weight decay', { lr: 0.1, momentum: 0.8, nesterov: true, maximize: true, weightDecay: 0.01 }],
  ];
  for (const [name, options] of cases) {
    check(`SGD (${name})`, (p, fused) => new optim.SGD([p], { ...options, fused: fused ? true : false }), 'sgdStep');
  }
  check('SGD with infinite and NaN gradients (momentum, decay)', (p, fused) => new optim.SGD([p], { lr: 0.1, momentum: 0.5, weightDecay: 0.1, fused }), 'sgdStep', true);
});

describe('native fused updates: arguments', () => {
  it('a range outside an array throws instead of writing past it', (t) => {
    if (skipReason !== null) return t.skip(skipReason);
    const addon = addonStatus.addon!;
    const p = new Float32Array(8);
    const g = new Float32Array(4);
    const buf = new Float32Array(8);
    const previous = backend().name;
    setBackend('native');
    try {
      const b = backend() as unknown as { sgdStep(...a: unknown[]): void };
      const view = (data: Float32Array, n: number) => ({ data, dtype: 'float32', shape: [n], strides: [1], offset: 0 });
      const h = { lr: 0.1, momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0, maximize: false, firstStep: true };
      assert.throws(() => b.sgdStep(view(p, 8), view(g, 8), view(buf, 8), h), /an optimizer update does not fit its arrays/);
      assert.deepEqual([...p], new Array(8).fill(0));
      assert.throws(() => (addon.sgdStep as (...a: unknown[]) => boolean)(p, 'not an array', null), /expected typed arrays/);
    } finally {
      setBackend(previous);
    }
  });

  it('int32 arrays take the reference loop', (t) => {
    if (skipReason !== null) return t.skip(skipReason);
    const previous = backend().name;
    setBackend('native');
    try {
      const b = backend() as unknown as { sgdStep(...a: unknown[]): void };
      const p = new Int32Array([10, 20]);
      const g = new Int32Array([1, -2]);
      b.sgdStep({ data: p, dtype: 'int32', shape: [2], strides: [1], offset: 0 }, { data: g, dtype: 'int32', shape: [2], strides: [1], offset: 0 }, null,
        { lr: 2, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, maximize: false, firstStep: true });
      assert.deepEqual([...p], [8, 24]);
    } finally {
      setBackend(previous);
    }
  });
});
