/** RAdam: Adam with a rectified adaptive learning rate (Liu et al. 2020). */
import type { Tensor } from '../tensor/tensor.js';
import { zerosLike } from '../tensor/creation.js';
import { Optimizer, type OptimizerOptions, type ParamGroup, type Params } from './optimizer.js';
import { checkBetas, checkBoolean, checkNonNegative, withDefaults } from './check.js';

export interface RAdamOptions extends OptimizerOptions {
  /** Learning rate (default 1e-3). */
  lr: number;
  /** Decay rates of the moment averages (default [0.9, 0.999]). */
  betas: readonly [number, number];
  /** Added to the denominator (default 1e-8). */
  eps: number;
  /** Weight decay, as an L2 penalty or decoupled (default 0). */
  weightDecay: number;
  /** Decay the weights directly, `p *= 1 - lr * weightDecay`, as AdamW does (default false). */
  decoupledWeightDecay: boolean;
  maximize: boolean;
}

const RADAM_DEFAULTS: RAdamOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, decoupledWeightDecay: false, maximize: false };

interface RAdamState {
  [key: string]: Tensor | number;
  step: number;
  expAvg: Tensor;
  expAvgSq: Tensor;
}

/**
 * RAdam as PyTorch defines it. With rho_inf = 2 / (1 - b2) - 1 and
 * rho_t = rho_inf - 2 t b2^t / (1 - b2^t): while rho_t <= 5 the step is SGD with momentum,
 * p -= lr m / (1 - b1^t); afterwards it is Adam's step scaled by the rectification
 * r_t = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t)):
 * p -= lr r_t m / (1 - b1^t) * sqrt(1 - b2^t) / (sqrt(v) + eps).
 *
 * ```ts
 * const opt = new optim.RAdam(model.parameters());
 * ```
 */
export class RAdam extends Optimizer<RAdamOptions> {
  constructor(params: Params<RAdamOptions>, options: Partial<RAdamOptions> = {}) {
    super(params, withDefaults('RAdam', RADAM_DEFAULTS, options));
  }

  protected override checkOptions(o: RAdamOptions): void {
    super.checkOptions(o);
    checkBetas(this.name, o.betas);
    checkNonNegative(this.name, 'eps', o.eps);
    checkNonNegative(this.name, 'weightDecay', o.weightDecay);
    checkBoolean(this.name, 'decoupledWeightDecay', o.decoupledWeightDecay);
    checkBoolean(this.name, 'maximize', o.maximize);
  }

  protected updateGroup(group: ParamGroup<RAdamOptions>): void {
    const { lr, eps, weightDecay, decoupledWeightDecay, maximize } = group;
    const [beta1, beta2] = group.betas;
    const rhoInf = 2 / (1 - beta2) - 1;
    for (const p of group.params) {
      const grad = p.grad;
      if (grad === null) continue;
      const s = this.stateOf<RAdamState>(p, () => ({ step: 0, expAvg: zerosLike(p), expAvgSq: zerosLike(p) }));
      s.step += 1;
      const t = s.step;
      let g = maximize ? grad.neg() : grad;
      if (weightDecay !== 0) {
        if (decoupledWeightDecay) p.mul_(1 - lr * weightDecay);
        else g = g.add(p, weightDecay);
      }
      s.expAvg.mul_(beta1).add_(g, 1 - beta1);
      s.expAvgSq.mul_(beta2).add_(g.square(), 1 - beta2);
      const bc1 = 1 - beta1 ** t;
      const bc2 = 1 - beta2 ** t;
      const rhoT = rhoInf - (2 * t * beta2 ** t) / bc2;
      if (rhoT > 5) {
        const rect = Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
        p.sub_(s.expAvg.div(s.expAvgSq.sqrt().add(eps)), ((lr * rect) / bc1) * Math.sqrt(bc2));
      } else {
        p.sub_(s.expAvg, lr / bc1);
      }
    }
  }
}
