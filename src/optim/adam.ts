/** Adam (Kingma & Ba 2015), its AMSGrad variant (Reddi et al. 2018) and AdamW (Loshchilov & Hutter 2019). */
import type { Tensor } from '../tensor/tensor.js';
import { zerosLike } from '../tensor/creation.js';
import { Optimizer, type OptimizerOptions, type ParamGroup, type Params } from './optimizer.js';
import { checkBetas, checkBoolean, checkNonNegative, withDefaults } from './check.js';
import { bumpVersions, fusable, fusedKernel } from './fused.js';

export interface AdamOptions extends OptimizerOptions {
  /** Learning rate (default 1e-3). */
  lr: number;
  /** Decay rates of the first and second moment averages (default [0.9, 0.999]). */
  betas: readonly [number, number];
  /** Added to the denominator for stability (default 1e-8). */
  eps: number;
  /** Weight decay: an L2 penalty added to the gradient, or decoupled (AdamW) with decoupledWeightDecay. */
  weightDecay: number;
  /** Decay the weights directly, `p *= 1 - lr * weightDecay`, as AdamW does (default false). */
  decoupledWeightDecay: boolean;
  /** Use the maximum of the past second moments (AMSGrad). */
  amsgrad: boolean;
  /** Maximize the objective instead of minimizing it. */
  maximize: boolean;
  /** Use the backend's fused adamStep kernel: null when it has one, true to require it, false never. */
  fused: boolean | null;
}

export type AdamWOptions = Omit<AdamOptions, 'decoupledWeightDecay'>;

const ADAM_DEFAULTS: AdamOptions = {
  lr: 1e-3,
  betas: [0.9, 0.999],
  eps: 1e-8,
  weightDecay: 0,
  decoupledWeightDecay: false,
  amsgrad: false,
  maximize: false,
  fused: null,
};

const ADAMW_DEFAULTS: AdamOptions = { ...ADAM_DEFAULTS, weightDecay: 1e-2, decoupledWeightDecay: true };

interface AdamState {
  [key: string]: Tensor | number;
  step: number;
  expAvg: Tensor;
  expAvgSq: Tensor;
}

/**
 * Adam with PyTorch's update: m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2 (with AMSGrad, the
 * running maximum of v is used below), p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
 * `weightDecay` adds `weightDecay * p` to g (L2), unless `decoupledWeightDecay`.
 *
 * ```ts
 * const opt = new optim.Adam(model.parameters(), { lr: 3e-4 });
 * ```
 */
export class Adam extends Optimizer<AdamOptions> {
  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, withDefaults('Adam', ADAM_DEFAULTS, options));
  }

  protected override checkOptions(o: AdamOptions): void {
    super.checkOptions(o);
    checkBetas(this.name, o.betas);
    checkNonNegative(this.name, 'eps', o.eps);
    checkNonNegative(this.name, 'weightDecay', o.weightDecay);
    checkBoolean(this.name, 'decoupledWeightDecay', o.decoupledWeightDecay);
    checkBoolean(this.name, 'amsgrad', o.amsgrad);
    checkBoolean(this.name, 'maximize', o.maximize);
    if (o.fused !== null) checkBoolean(this.name, 'fused', o.fused);
  }

  protected updateGroup(group: ParamGroup<AdamOptions>): void {
    const { lr, eps, weightDecay, decoupledWeightDecay, amsgrad, maximize } = group;
    const [beta1, beta2] = group.betas;
    const kernel = fusedKernel(this.name, 'adamStep', group.fused);
    for (const p of group.params) {
      const grad = p.grad;
      if (grad === null) continue;
      const s = this.stateOf<AdamState>(p, () => ({ step: 0, expAvg: zerosLike(p), expAvgSq: zerosLike(p) }));
      if (amsgrad && s['maxExpAvgSq'] === undefined) s['maxExpAvgSq'] = zerosLike(p);
      const vmax = amsgrad ? (s['maxExpAvgSq'] as Tensor) : null;
      s.step += 1;
      const step = s.step;
      if (kernel !== null && fusable(p, grad, s.expAvg, s.expAvgSq, vmax)) {
        kernel(p, grad, s.expAvg, s.expAvgSq, vmax, { lr, beta1, beta2, eps, weightDecay, decoupledWeightDecay, amsgrad, maximize, step });
        bumpVersions(p, s.expAvg, s.expAvgSq, vmax);
        continue;
      }
      let g = maximize ? grad.neg() : grad;
      if (weightDecay !== 0) {
        if (decoupledWeightDecay) p.mul_(1 - lr * weightDecay);
        else g = g.add(p, weightDecay);
      }
      s.expAvg.mul_(beta1).add_(g, 1 - beta1);
      s.expAvgSq.mul_(beta2).add_(g.square(), 1 - beta2);
      let second = s.expAvgSq;
      if (vmax !== null) second = vmax.copy_(vmax.maximum(s.expAvgSq));
      const stepSize = lr / (1 - beta1 ** step);
      const denom = second.sqrt().div(Math.sqrt(1 - beta2 ** step)).add(eps);
      p.sub_(s.expAvg.div(denom), stepSize);
    }
  }
}

/**
 * AdamW: Adam with decoupled weight decay, `p *= 1 - lr * weightDecay` before the Adam update
 * (Loshchilov & Hutter 2019). Default weightDecay 1e-2, as in PyTorch.
 *
 * ```ts
 * const opt = new optim.AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.05 });
 * ```
 */
export class AdamW extends Adam {
  constructor(params: Params<AdamOptions>, options: Partial<AdamWOptions> = {}) {
    if (options !== null && typeof options === 'object' && 'decoupledWeightDecay' in options) {
      throw new Error("AdamW: unknown option 'decoupledWeightDecay' (AdamW always decouples weight decay; use Adam to choose)");
    }
    super(params, { ...withDefaults<AdamOptions>('AdamW', ADAMW_DEFAULTS, options), decoupledWeightDecay: true });
  }

  protected override checkOptions(o: AdamOptions): void {
    super.checkOptions(o);
    if (o.decoupledWeightDecay !== true) throw new Error('AdamW: decoupledWeightDecay is always true; use Adam for L2 weight decay');
  }
}
