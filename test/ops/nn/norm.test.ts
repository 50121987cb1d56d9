/**
 * The fused normalization ops (layerNormOp, batchNormOp): values against the composite formula,
 * gradients of first and second order (float64 gradcheck and gradgradcheck: the second order goes
 * through the op-written backward), the fused backward kernel used exactly when no graph of the
 * backward is built, and the same results on the native and the reference backends.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backend, grad, gradcheck, gradgradcheck, setBackend, tensor, type Tensor } from '../../../src/index.js';
import type { Backend } from '../../../src/index.js';
import { batchNormOp, layerNormOp } from '../../../src/ops/nn/norm.js';
import { assertClose, uniform } from '../../helpers.js';
import { skipReason } from '../../backend/native/support.js';

const f64 = { dtype: 'float64' } as const;

/** The composite formula the fused ops replace. */
function reference(x: Tensor, dims: number[], w: Tensor | null, b: Tensor | null, eps: number): Tensor {
  const [variance, mean] = x.varMean(dims, { correction: 0, keepdim: true });
  let y = x.sub(mean).mul(variance.add(eps).rsqrt());
  if (w !== null) y = y.mul(w);
  if (b !== null) y = y.add(b);
  return y;
}

const leaf = (shape: number[], seed: number, scale = 1): Tensor => uniform(shape, { seed, dtype: 'float64', low: -scale, high: scale }).requiresGrad_(true);

/** Counts calls of the active backend's kernel `name` while `fn` runs. */
function counting(name: keyof Backend, fn: () => void): number {
  const be = backend() as unknown as Record<string, (...a: unknown[]) => unknown>;
  const original = be[name]!;
  let calls = 0;
  be[name] = (...a: unknown[]) => {
    calls++;
    return original.apply(be, a);
  };
  try {
    fn();
  } finally {
    be[name] = original;
  }
  return calls;
}

describe('layerNormOp', () => {
  it('normalizes over the last k dims, with and without weight and bias', () => {
    assertClose(layerNormOp(tensor([1, 2, 3], f64), 1, null, null, 0), [-Math.sqrt(1.5), 0, Math.sqrt(1.5)]);
    const x = uniform([2, 3, 4], { seed: 1, dtype: 'float64', low: -3, high: 5 });
    const w = uniform([3, 4], { seed: 2, dtype: 'float64' });
    const b = uniform([3, 4], { seed: 3, dtype: 'float64' });
    assertClose(layerNormOp(x, 2, w, b, 1e-5), reference(x, [1, 2], w, b, 1e-5));
    assertClose(layerNormOp(x, 1, null, b.select(0, 0), 1e-3), reference(x, [2], null, b.select(0, 0), 1e-3));
    // float32, a non-contiguous input
    const xt = uniform([5, 6], { seed: 4 }).T;
    assertClose(layerNormOp(xt, 1, null, null, 1e-5), reference(xt, [1], null, null, 1e-5));
  });

  it('passes gradcheck and gradgradcheck (float64)', () => {
    const x = leaf([2, 3, 4], 5, 2);
    const w = leaf([4], 6);
    const b = leaf([4], 7);
    const f = (x: Tensor, w: Tensor, b: Tensor) => layerNormOp(x, 1, w, b, 1e-5);
    assert.ok(gradcheck(f, [x, w, b]));
    assert.ok(gradgradcheck(f, [x, w, b]));
    const g2 = (x: Tensor, w: Tensor) => layerNormOp(x, 2, w, null, 1e-3);
    assert.ok(gradcheck(g2, [x, leaf([3, 4], 8)]));
    assert.ok(gradgradcheck(g2, [x, leaf([3, 4], 8)]));
  });

  it('runs the fused backward kernel without createGraph, the op-written one with it; both agree', () => {
    const x = leaf([4, 6], 9, 2);
    const w = leaf([6], 10);
    const b = leaf([6], 11);
    const g = uniform([4, 6], { seed: 12, dtype: 'float64' });
    let fused: (Tensor | null)[] = [];
    let ops: (Tensor | null)[] = [];
    assert.equal(counting('layerNormBackward', () => (fused = grad(layerNormOp(x, 1, w, b, 1e-5), [x, w, b], { gradOutputs: g }))), 1);
    assert.equal(counting('layerNormBackward', () => (ops = grad(layerNormOp(x, 1, w, b, 1e-5), [x, w, b], { gradOutputs: g, createGraph: true }))), 0);
    fused.forEach((t, i) => assertClose(t!, ops[i]!, { message: `input ${i}` }));
    assert.equal(ops[0]!.requiresGrad, true);
  });
});

describe('batchNormOp', () => {
  it('normalizes each channel over the batch and spatial dims; returns mean and biased variance', () => {
    const x = uniform([4, 3, 5], { seed: 13, dtype: 'float64', low: -2, high: 6 });
    const w = uniform([3], { seed: 14, dtype: 'float64' });
    const b = uniform([3], { seed: 15, dtype: 'float64' });
    const { out, mean, variance } = batchNormOp(x, w, b, 1e-5);
    assertClose(out, reference(x, [0, 2], w.reshape([1, 3, 1]), b.reshape([1, 3, 1]), 1e-5));
    assertClose(mean, x.mean([0, 2]));
    assertClose(variance, x.var([0, 2], { correction: 0 }));
    // [N, C] inputs: statistics over the batch only
    const x2 = uniform([6, 2], { seed: 16, dtype: 'float64' });
    assertClose(batchNormOp(x2, null, null, 0).out, reference(x2, [0], null, null, 0));
    // hand-computed: channel values 1, 3 -> mean 2, variance 1
    assertClose(batchNormOp(tensor([[1], [3]], f64), null, null, 0).out, [[-1], [1]]);
  });

  it('passes gradcheck and gradgradcheck (float64)', () => {
    const f = (x: Tensor, w: Tensor, b: Tensor) => batchNormOp(x, w, b, 1e-5).out;
    const args = [leaf([3, 2, 2, 3], 17, 2), leaf([2], 18), leaf([2], 19)];
    assert.ok(gradcheck(f, args));
    assert.ok(gradgradcheck(f, args));
    const plain = (x: Tensor) => batchNormOp(x, null, null, 1e-3).out;
    assert.ok(gradcheck(plain, [leaf([5, 3], 20)]));
    assert.ok(gradgradcheck(plain, [leaf([5, 3], 20)]));
  });

  it('runs the fused backward kernel without createGraph; both paths agree', () => {
    const x = leaf([3, 2, 4], 21, 2);
    const w = leaf([2], 22);
    const b = leaf([2], 23);
    const g = uniform([3, 2, 4], { seed: 24, dtype: 'float64' });
    let fused: (Tensor | null)[] = [];
    let ops: (Tensor | null)[] = [];
    assert.equal(counting('batchNormBackward', () => (fused = grad(batchNormOp(x, w, b, 1e-5).out, [x, w, b], { gradOutputs: g }))), 1);
    assert.equal(counting('batchNormBackward', () => (ops = grad(batchNormOp(x, w, b, 1e-5).out, [x, w, b], { gradOutputs: g, createGraph: true }))), 0);
    fused.forEach((t, i) => assertClose(t!, ops[i]!, { message: `input ${i}` }));
  });
});

describe('fused normalization: native against the reference backend', () => {
  it('same outputs and gradients (float32, sizes that use the native kernels and the threads)', (t) => {
    if (skipReason !== null) return t.skip(skipReason);
    const previous = backend().name;
    const run = (name: string) => {
      setBackend(name);
      try {
        const x = uniform([64, 32, 9, 9], { seed: 25, low: -2, high: 3 }).requiresGrad_(true);
        const w = uniform([32], { seed: 26 }).requiresGrad_(true);
        const b = uniform([32], { seed: 27 }).requiresGrad_(true);
        const g = uniform([64, 32, 9, 9], { seed: 28 });
        const bn = batchNormOp(x, w, b, 1e-5).out;
        const bnGrads = grad(bn, [x, w, b], { gradOutputs: g });
        const lw = uniform([9, 9], { seed: 29 }).requiresGrad_(true);
        const ln = layerNormOp(x, 2, lw, null, 1e-5);
        const lnGrads = grad(ln, [x, lw], { gradOutputs: g });
        return [bn, ...bnGrads, ln, ...lnGrads] as Tensor[];
      } finally {
        setBackend(previous);
      }
    };
    const native = run('native');
    const reference = run('js');
    native.forEach((v, i) => assertClose(v, reference[i]!, { message: `result ${i}` }));
  });
});
