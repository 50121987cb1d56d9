/**
 * Shared pieces of the optimizer tests: running an optimizer on given gradients, and reference
 * updates written from the algorithms' published formulas (PyTorch's documentation and the
 * papers), element by element in plain JS numbers.
 */
import { tensor, type Tensor } from '../../src/index.js';
import type { Optimizer } from '../../src/optim/index.js';
import { assertClose } from '../helpers.js';

export const P0 = [0.5, -1.5, 2.0, 0.0];
/** Gradients of three steps (with a zero and sign changes, and a shrinking one for AMSGrad). */
export const GRADS = [
  [0.3, -0.8, 1.5, 0.0],
  [-0.2, 0.4, 0.1, 0.7],
  [0.05, -0.1, -2.0, 0.3],
];

export const param = (values: readonly number[] = P0): Tensor => tensor([...values], { dtype: 'float64', requiresGrad: true });

/** Sets each gradient by hand and steps; returns the parameter values after each step. */
export function runSteps(opt: Optimizer, p: Tensor, grads: readonly (readonly number[])[]): number[][] {
  const out: number[][] = [];
  for (const g of grads) {
    p.grad = tensor([...g], { dtype: p.dtype });
    opt.step();
    out.push([...p.toArray()]);
  }
  return out;
}

/** Compares trajectories with float64 tolerances. */
export function assertTrajectory(actual: number[][], expected: number[][], message = ''): void {
  actual.forEach((row, i) => assertClose(tensor(row, { dtype: 'float64' }), tensor(expected[i]!, { dtype: 'float64' }), { message: `${message} step ${i + 1}` }));
}

type Vec = number[];
const map = (a: Vec, f: (x: number, i: number) => number): Vec => a.map(f);
const norm = (a: Vec): number => Math.sqrt(a.reduce((s, x) => s + x * x, 0));

/** Runs `update(theta, g, t, state)` over the gradient list; returns theta after each step. */
function trajectory<S>(p0: Vec, grads: readonly (readonly number[])[], init: () => S, update: (theta: Vec, g: Vec, t: number, s: S) => Vec): Vec[] {
  let theta = [...p0];
  const s = init();
  return grads.map((g, k) => (theta = update(theta, [...g], k + 1, s)));
}

export interface RefOptions {
  lr: number;
  weightDecay?: number;
  maximize?: boolean;
}

const prep = (theta: Vec, g: Vec, o: RefOptions): Vec => {
  const gg = o.maximize ? g.map((x) => -x) : g;
  return o.weightDecay ? map(gg, (x, i) => x + o.weightDecay! * theta[i]!) : gg;
};

export function refSGD(p0: Vec, grads: readonly (readonly number[])[], o: RefOptions & { momentum?: number; dampening?: number; nesterov?: boolean }): Vec[] {
  const mu = o.momentum ?? 0;
  const tau = o.dampening ?? 0;
  return trajectory(p0, grads, () => ({ b: [] as Vec }), (theta, g0, t, s) => {
    let g = prep(theta, g0, o);
    if (mu !== 0) {
      s.b = t > 1 ? map(s.b, (b, i) => mu * b + (1 - tau) * g[i]!) : [...g];
      g = o.nesterov ? map(g, (x, i) => x + mu * s.b[i]!) : s.b;
    }
    return map(theta, (x, i) => x - o.lr * g[i]!);
  });
}

export function refAdam(
  p0: Vec,
  grads: readonly (readonly number[])[],
  o: RefOptions & { betas?: [number, number]; eps?: number; amsgrad?: boolean; decoupled?: boolean },
): Vec[] {
  const [b1, b2] = o.betas ?? [0.9, 0.999];
  const eps = o.eps ?? 1e-8;
  return trajectory(p0, grads, () => ({ m: p0.map(() => 0), v: p0.map(() => 0), vmax: p0.map(() => 0) }), (theta, g0, t, s) => {
    let th = theta;
    if (o.decoupled) th = map(theta, (x) => x * (1 - o.lr * (o.weightDecay ?? 0)));
    const g = o.decoupled ? prep(theta, g0, { ...o, weightDecay: 0 }) : prep(theta, g0, o);
    s.m = map(s.m, (m, i) => b1 * m + (1 - b1) * g[i]!);
    s.v = map(s.v, (v, i) => b2 * v + (1 - b2) * g[i]! ** 2);
    s.vmax = map(s.vmax, (v, i) => Math.max(v, s.v[i]!));
    const vv = o.amsgrad ? s.vmax : s.v;
    return map(th, (x, i) => x - (o.lr * (s.m[i]! / (1 - b1 ** t))) / (Math.sqrt(vv[i]! / (1 - b2 ** t)) + eps));
  });
}

export function refRMSprop(
  p0: Vec,
  grads: readonly (readonly number[])[],
  o: RefOptions & { alpha?: number; eps?: number; momentum?: number; centered?: boolean },
): Vec[] {
  const alpha = o.alpha ?? 0.99;
  const eps = o.eps ?? 1e-8;
  const mu = o.momentum ?? 0;
  return trajectory(p0, grads, () => ({ v: p0.map(() => 0), gave: p0.map(() => 0), b: p0.map(() => 0) }), (theta, g0, _t, s) => {
    const g = prep(theta, g0, o);
    s.v = map(s.v, (v, i) => alpha * v + (1 - alpha) * g[i]! ** 2);
    let vt = s.v;
    if (o.centered) {
      s.gave = map(s.gave, (a, i) => alpha * a + (1 - alpha) * g[i]!);
      vt = map(s.v, (v, i) => v - s.gave[i]! ** 2);
    }
    if (mu > 0) {
      s.b = map(s.b, (b, i) => mu * b + g[i]! / (Math.sqrt(vt[i]!) + eps));
      return map(theta, (x, i) => x - o.lr * s.b[i]!);
    }
    return map(theta, (x, i) => x - (o.lr * g[i]!) / (Math.sqrt(vt[i]!) + eps));
  });
}

export function refAdagrad(p0: Vec, grads: readonly (readonly number[])[], o: RefOptions & { lrDecay?: number; initial?: number; eps?: number }): Vec[] {
  const eps = o.eps ?? 1e-10;
  return trajectory(p0, grads, () => ({ sum: p0.map(() => o.initial ?? 0) }), (theta, g0, t, s) => {
    const g = prep(theta, g0, o);
    const clr = o.lr / (1 + (t - 1) * (o.lrDecay ?? 0));
    s.sum = map(s.sum, (a, i) => a + g[i]! ** 2);
    return map(theta, (x, i) => x - (clr * g[i]!) / (Math.sqrt(s.sum[i]!) + eps));
  });
}

export function refAdadelta(p0: Vec, grads: readonly (readonly number[])[], o: RefOptions & { rho?: number; eps?: number }): Vec[] {
  const rho = o.rho ?? 0.9;
  const eps = o.eps ?? 1e-6;
  return trajectory(p0, grads, () => ({ v: p0.map(() => 0), u: p0.map(() => 0) }), (theta, g0, _t, s) => {
    const g = prep(theta, g0, o);
    s.v = map(s.v, (v, i) => rho * v + (1 - rho) * g[i]! ** 2);
    const dx = map(g, (x, i) => (Math.sqrt(s.u[i]! + eps) / Math.sqrt(s.v[i]! + eps)) * x);
    s.u = map(s.u, (u, i) => rho * u + (1 - rho) * dx[i]! ** 2);
    return map(theta, (x, i) => x - o.lr * dx[i]!);
  });
}

export function refAdamax(p0: Vec, grads: readonly (readonly number[])[], o: RefOptions & { betas?: [number, number]; eps?: number }): Vec[] {
  const [b1, b2] = o.betas ?? [0.9, 0.999];
  const eps = o.eps ?? 1e-8;
  return trajectory(p0, grads, () => ({ m: p0.map(() => 0), u: p0.map(() => 0) }), (theta, g0, t, s) => {
    const g = prep(theta, g0, o);
    s.m = map(s.m, (m, i) => b1 * m + (1 - b1) * g[i]!);
    s.u = map(s.u, (u, i) => Math.max(b2 * u, Math.abs(g[i]!) + eps));
    return map(theta, (x, i) => x - (o.lr * s.m[i]!) / ((1 - b1 ** t) * s.u[i]!));
  });
}

export function refNAdam(
  p0: Vec,
  grads: readonly (readonly number[])[],
  o: RefOptions & { betas?: [number, number]; eps?: number; psi?: number; decoupled?: boolean },
): Vec[] {
  const [b1, b2] = o.betas ?? [0.9, 0.999];
  const eps = o.eps ?? 1e-8;
  const psi = o.psi ?? 4e-3;
  const mu = (t: number): number => b1 * (1 - 0.5 * 0.96 ** (t * psi));
  const prod = (t: number): number => Array.from({ length: t }, (_, i) => mu(i + 1)).reduce((a, b) => a * b, 1);
  return trajectory(p0, grads, () => ({ m: p0.map(() => 0), v: p0.map(() => 0) }), (theta, g0, t, s) => {
    const th = o.decoupled ? map(theta, (x) => x * (1 - o.lr * (o.weightDecay ?? 0))) : theta;
    const g = o.decoupled ? prep(theta, g0, { ...o, weightDecay: 0 }) : prep(theta, g0, o);
    s.m = map(s.m, (m, i) => b1 * m + (1 - b1) * g[i]!);
    s.v = map(s.v, (v, i) => b2 * v + (1 - b2) * g[i]! ** 2);
    const mhat = map(s.m, (m, i) => (mu(t + 1) * m) / (1 - prod(t + 1)) + ((1 - mu(t)) * g[i]!) / (1 - prod(t)));
    return map(th, (x, i) => x - (o.lr * mhat[i]!) / (Math.sqrt(s.v[i]! / (1 - b2 ** t)) + eps));
  });
}

export function refRAdam(
  p0: Vec,
  grads: readonly (readonly number[])[],
  o: RefOptions & { betas?: [number, number]; eps?: number; decoupled?: boolean },
): Vec[] {
  const [b1, b2] = o.betas ?? [0.9, 0.999];
  const eps = o.eps ?? 1e-8;
  const rhoInf = 2 / (1 - b2) - 1;
  return trajectory(p0, grads, () => ({ m: p0.map(() => 0), v: p0.map(() => 0) }), (theta, g0, t, s) => {
    const th = o.decoupled ? map(theta, (x) => x * (1 - o.lr * (o.weightDecay ?? 0))) : theta;
    const g = o.decoupled ? prep(theta, g0, { ...o, weightDecay: 0 }) : prep(theta, g0, o);
    s.m = map(s.m, (m, i) => b1 * m + (1 - b1) * g[i]!);
    s.v = map(s.v, (v, i) => b2 * v + (1 - b2) * g[i]! ** 2);
    const mhat = map(s.m, (m) => m / (1 - b1 ** t));
    const rho = rhoInf - (2 * t * b2 ** t) / (1 - b2 ** t);
    if (rho > 5) {
      const r = Math.sqrt(((rho - 4) * (rho - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rho));
      return map(th, (x, i) => x - o.lr * mhat[i]! * r * (Math.sqrt(1 - b2 ** t) / (Math.sqrt(s.v[i]!) + eps)));
    }
    return map(th, (x, i) => x - o.lr * mhat[i]!);
  });
}

export function refLAMB(
  p0: Vec,
  grads: readonly (readonly number[])[],
  o: RefOptions & { betas?: [number, number]; eps?: number; biasCorrection?: boolean; adapt?: boolean },
): Vec[] {
  const [b1, b2] = o.betas ?? [0.9, 0.999];
  const eps = o.eps ?? 1e-6;
  return trajectory(p0, grads, () => ({ m: p0.map(() => 0), v: p0.map(() => 0) }), (theta, g0, t, s) => {
    const g = prep(theta, g0, { ...o, weightDecay: 0 });
    s.m = map(s.m, (m, i) => b1 * m + (1 - b1) * g[i]!);
    s.v = map(s.v, (v, i) => b2 * v + (1 - b2) * g[i]! ** 2);
    const bc = o.biasCorrection ?? true;
    const r = map(s.m, (m, i) => (m / (bc ? 1 - b1 ** t : 1)) / (Math.sqrt(s.v[i]! / (bc ? 1 - b2 ** t : 1)) + eps));
    const u = map(r, (x, i) => x + (o.weightDecay ?? 0) * theta[i]!);
    const pn = norm(theta);
    const un = norm(u);
    const ratio = (o.adapt ?? true) && pn > 0 && un > 0 ? pn / un : 1;
    return map(theta, (x, i) => x - o.lr * ratio * u[i]!);
  });
}

export function refLARS(
  p0: Vec,
  grads: readonly (readonly number[])[],
  o: RefOptions & { momentum?: number; eta?: number; eps?: number; nesterov?: boolean; adapt?: boolean },
): Vec[] {
  const mu = o.momentum ?? 0.9;
  const eta = o.eta ?? 1e-3;
  const eps = o.eps ?? 1e-8;
  const beta = o.weightDecay ?? 0;
  return trajectory(p0, grads, () => ({ b: [] as Vec }), (theta, g0, t, s) => {
    const g = o.maximize ? g0.map((x) => -x) : g0;
    const pn = norm(theta);
    const gn = norm(g);
    const local = (o.adapt ?? true) && pn > 0 && gn > 0 ? (eta * pn) / (gn + beta * pn + eps) : 1;
    let d = map(g, (x, i) => local * (x + beta * theta[i]!));
    if (mu !== 0) {
      s.b = t > 1 ? map(s.b, (b, i) => mu * b + d[i]!) : [...d];
      d = o.nesterov ? map(d, (x, i) => x + mu * s.b[i]!) : s.b;
    }
    return map(theta, (x, i) => x - o.lr * d[i]!);
  });
}

export function refLion(p0: Vec, grads: readonly (readonly number[])[], o: RefOptions & { betas?: [number, number] }): Vec[] {
  const [b1, b2] = o.betas ?? [0.9, 0.99];
  return trajectory(p0, grads, () => ({ m: p0.map(() => 0) }), (theta, g0, _t, s) => {
    const g = o.maximize ? g0.map((x) => -x) : g0;
    const c = map(s.m, (m, i) => b1 * m + (1 - b1) * g[i]!);
    const next = map(theta, (x, i) => x * (1 - o.lr * (o.weightDecay ?? 0)) - o.lr * Math.sign(c[i]!));
    s.m = map(s.m, (m, i) => b2 * m + (1 - b2) * g[i]!);
    return next;
  });
}
