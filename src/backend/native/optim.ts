/**
 * Fused optimizer updates (the optional kernels of src/optim/fused.ts) on the native backend: one
 * pass over a parameter, its gradient and its state (native/src/optim/), instead of the dozen
 * elementwise ops and temporaries of the op path. The result equals the op path's bit for bit: the
 * scalars are computed here exactly as adam.ts and sgd.ts compute them, and the kernel rounds each
 * intermediate to the parameter's dtype as each op does.
 */
import type { TypedArray } from '../../tensor/dtype.js';
import type { View } from '../backend.js';
import type { AdamStepParams, FusedOptimizerKernels, SgdStepParams } from '../../optim/fused.js';
import type { NativeAddon } from './addon.js';
import { META } from './meta.js';

declare module './addon.js' {
  interface NativeAddon {
    /** Metadata: n, five offsets, then the Adam scalars (native/src/optim/binding_optim.cc). */
    adamStep(p: TypedArray, g: TypedArray, m: TypedArray, v: TypedArray, vmax: TypedArray | null): boolean;
    /** Metadata: n, three offsets, then the SGD scalars. */
    sgdStep(p: TypedArray, g: TypedArray, buf: TypedArray | null): boolean;
  }
}

function numel(v: View): number {
  let n = 1;
  for (const d of v.shape) n *= d;
  return n;
}

/** Rounds to the array's precision, as storing an op's result there does. */
function rounder(data: TypedArray): (x: number) => number {
  return data instanceof Float32Array ? Math.fround : (x: number) => x;
}

/**
 * The op path's arithmetic, one element at a time (dtypes the addon has no loop for). Each line is
 * one op of adam.ts, rounded as its result would be.
 */
function adamReference(p: View, g: View, m: View, v: View, vmax: View | null, h: AdamStepParams, c: AdamScalars): void {
  const r = rounder(p.data);
  const [b1, omb1, b2, omb2, eps, wd, factor, step, bias2] = [h.beta1, c.oneMinusBeta1, h.beta2, c.oneMinusBeta2, h.eps, h.weightDecay, c.decayFactor, c.stepSize, c.bias2Sqrt].map(r) as number[];
  for (let i = 0, n = numel(p); i < n; i++) {
    let gi = g.data[g.offset + i]!;
    if (h.maximize) gi = -gi;
    let pi = p.data[p.offset + i]!;
    if (h.weightDecay !== 0) {
      if (h.decoupledWeightDecay) pi = r(pi * factor!);
      else gi = r(gi + r(pi * wd!));
    }
    const mi = r(r(m.data[m.offset + i]! * b1!) + r(gi * omb1!));
    const vi = r(r(v.data[v.offset + i]! * b2!) + r(r(gi * gi) * omb2!));
    m.data[m.offset + i] = mi;
    v.data[v.offset + i] = vi;
    let second = vi;
    if (vmax !== null) {
      const old = vmax.data[vmax.offset + i]!;
      second = old > vi || Number.isNaN(old) ? old : vi;
      vmax.data[vmax.offset + i] = second;
    }
    const denom = r(r(r(Math.sqrt(second)) / bias2!) + eps!);
    p.data[p.offset + i] = r(pi - r(r(mi / denom) * step!));
  }
}

function sgdReference(p: View, g: View, buf: View | null, h: SgdStepParams): void {
  const r = rounder(p.data);
  const [lrNeg, mom, keep, wd] = [-h.lr, h.momentum, 1 - h.dampening, h.weightDecay].map(r) as number[];
  for (let i = 0, n = numel(p); i < n; i++) {
    let d = g.data[g.offset + i]!;
    if (h.maximize) d = -d;
    const pi = p.data[p.offset + i]!;
    if (h.weightDecay !== 0) d = r(d + r(pi * wd!));
    if (buf !== null) {
      const b = h.firstStep ? d : r(r(buf.data[buf.offset + i]! * mom!) + r(d * keep!));
      buf.data[buf.offset + i] = b;
      d = h.nesterov ? r(d + r(b * mom!)) : b;
    }
    p.data[p.offset + i] = r(pi + r(d * lrNeg!));
  }
}

/** The step's scalars, computed with adam.ts's expressions (so in the same double roundings). */
interface AdamScalars {
  oneMinusBeta1: number;
  oneMinusBeta2: number;
  decayFactor: number;
  stepSize: number;
  bias2Sqrt: number;
}

function adamScalars(h: AdamStepParams): AdamScalars {
  return {
    oneMinusBeta1: 1 - h.beta1,
    oneMinusBeta2: 1 - h.beta2,
    decayFactor: 1 - h.lr * h.weightDecay,
    stepSize: h.lr / (1 - h.beta1 ** h.step),
    bias2Sqrt: Math.sqrt(1 - h.beta2 ** h.step),
  };
}

/** adamStep and sgdStep for the native backend (index.ts adds them to the backend object). */
export function optimizerKernels(addon: NativeAddon): Required<FusedOptimizerKernels> {
  return {
    adamStep(p, g, m, v, vmax, h) {
      const c = adamScalars(h);
      const l2 = h.weightDecay !== 0 && !h.decoupledWeightDecay;
      const decoupled = h.weightDecay !== 0 && h.decoupledWeightDecay;
      const values = [
        numel(p), p.offset, g.offset, m.offset, v.offset, vmax?.offset ?? 0,
        h.beta1, c.oneMinusBeta1, h.beta2, c.oneMinusBeta2, h.eps, h.weightDecay, c.decayFactor, c.stepSize, c.bias2Sqrt,
        h.maximize ? 1 : 0, l2 ? 1 : 0, decoupled ? 1 : 0,
      ];
      for (let i = 0; i < values.length; i++) META[i] = values[i]!;
      if (!addon.adamStep(p.data, g.data, m.data, v.data, vmax?.data ?? null)) adamReference(p, g, m, v, vmax, h, c);
    },
    sgdStep(p, g, buf, h) {
      const mode = buf === null ? 0 : h.firstStep ? 1 : 2;
      const values = [
        numel(p), p.offset, g.offset, buf?.offset ?? 0,
        -h.lr, h.momentum, 1 - h.dampening, h.weightDecay, h.maximize ? 1 : 0, h.nesterov ? 1 : 0, mode,
      ];
      for (let i = 0; i < values.length; i++) META[i] = values[i]!;
      if (!addon.sgdStep(p.data, g.data, buf?.data ?? null)) sgdReference(p, g, buf, h);
    },
  };
}
