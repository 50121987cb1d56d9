/** Adamax: Adam with the infinity norm (Kingma & Ba 2015, section 7). */
import type { Tensor } from '../tensor/tensor.js';
import { zerosLike } from '../tensor/creation.js';
import { Optimizer, type OptimizerOptions, type ParamGroup, type Params } from './optimizer.js';
import { checkBetas, checkBoolean, checkNonNegative, withDefaults } from './check.js';

export interface AdamaxOptions extends OptimizerOptions {
  /** Learning rate (default 2e-3). */
  lr: number;
  /** Decay rates of the first moment and of the infinity norm (default [0.9, 0.999]). */
  betas: readonly [number, number];
  /** Added to |g| before the maximum (default 1e-8). */
  eps: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  maximize: boolean;
}

const ADAMAX_DEFAULTS: AdamaxOptions = { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false };

interface AdamaxState {
  [key: string]: Tensor | number;
  step: number;
  expAvg: Tensor;
  expInf: Tensor;
}

/**
 * Adamax as PyTorch defines it: m = b1 m + (1 - b1) g; u = max(b2 u, |g| + eps);
 * p -= lr / (1 - b1^t) * m / u.
 *
 * ```ts
 * const opt = new optim.Adamax(model.parameters());
 * ```
 */
export class Adamax extends Optimizer<AdamaxOptions> {
  constructor(params: Params<AdamaxOptions>, options: Partial<AdamaxOptions> = {}) {
    super(params, withDefaults('Adamax', ADAMAX_DEFAULTS, options));
  }

  protected override checkOptions(o: AdamaxOptions): void {
    super.checkOptions(o);
    checkBetas(this.name, o.betas);
    checkNonNegative(this.name, 'eps', o.eps);
    checkNonNegative(this.name, 'weightDecay', o.weightDecay);
    checkBoolean(this.name, 'maximize', o.maximize);
  }

  protected updateGroup(group: ParamGroup<AdamaxOptions>): void {
    const { lr, eps, weightDecay, maximize } = group;
    const [beta1, beta2] = group.betas;
    for (const p of group.params) {
      const grad = p.grad;
      if (grad === null) continue;
      const s = this.stateOf<AdamaxState>(p, () => ({ step: 0, expAvg: zerosLike(p), expInf: zerosLike(p) }));
      s.step += 1;
      let g = maximize ? grad.neg() : grad;
      if (weightDecay !== 0) g = g.add(p, weightDecay);
      s.expAvg.mul_(beta1).add_(g, 1 - beta1);
      s.expInf.copy_(s.expInf.mul(beta2).maximum(g.abs().add(eps)));
      p.sub_(s.expAvg.div(s.expInf), lr / (1 - beta1 ** s.step));
    }
  }
}
