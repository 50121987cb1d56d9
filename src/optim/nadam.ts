/** NAdam: Adam with Nesterov momentum (Dozat 2016). */
import type { Tensor } from '../tensor/tensor.js';
import { zerosLike } from '../tensor/creation.js';
import { Optimizer, type OptimizerOptions, type ParamGroup, type Params } from './optimizer.js';
import { checkBetas, checkBoolean, checkNonNegative, withDefaults } from './check.js';

export interface NAdamOptions extends OptimizerOptions {
  /** Learning rate (default 2e-3). */
  lr: number;
  /** Decay rates of the moment averages (default [0.9, 0.999]). */
  betas: readonly [number, number];
  /** Added to the denominator (default 1e-8). */
  eps: number;
  /** Weight decay, as an L2 penalty or decoupled (default 0). */
  weightDecay: number;
  /** The momentum schedule's decay psi: mu_t = beta1 (1 - 0.5 * 0.96^(t psi)) (default 4e-3). */
  momentumDecay: number;
  /** Decay the weights directly, `p *= 1 - lr * weightDecay`, as AdamW does (default false). */
  decoupledWeightDecay: boolean;
  maximize: boolean;
}

const NADAM_DEFAULTS: NAdamOptions = {
  lr: 2e-3,
  betas: [0.9, 0.999],
  eps: 1e-8,
  weightDecay: 0,
  momentumDecay: 4e-3,
  decoupledWeightDecay: false,
  maximize: false,
};

interface NAdamState {
  [key: string]: Tensor | number;
  step: number;
  muProduct: number;
  expAvg: Tensor;
  expAvgSq: Tensor;
}

/**
 * NAdam as PyTorch defines it: with mu_t = b1 (1 - 0.5 * 0.96^(t psi)) and their running product
 * P_t, m and v as in Adam, and d = sqrt(v / (1 - b2^t)) + eps:
 * p -= lr (1 - mu_t) / (1 - P_t) * g / d + lr mu_{t+1} / (1 - P_t mu_{t+1}) * m / d.
 *
 * ```ts
 * const opt = new optim.NAdam(model.parameters(), { lr: 2e-3 });
 * ```
 */
export class NAdam extends Optimizer<NAdamOptions> {
  constructor(params: Params<NAdamOptions>, options: Partial<NAdamOptions> = {}) {
    super(params, withDefaults('NAdam', NADAM_DEFAULTS, options));
  }

  protected override checkOptions(o: NAdamOptions): void {
    super.checkOptions(o);
    checkBetas(this.name, o.betas);
    checkNonNegative(this.name, 'eps', o.eps);
    checkNonNegative(this.name, 'weightDecay', o.weightDecay);
    checkNonNegative(this.name, 'momentumDecay', o.momentumDecay);
    checkBoolean(this.name, 'decoupledWeightDecay', o.decoupledWeightDecay);
    checkBoolean(this.name, 'maximize', o.maximize);
  }

  protected updateGroup(group: ParamGroup<NAdamOptions>): void {
    const { lr, eps, weightDecay, momentumDecay, decoupledWeightDecay, maximize } = group;
    const [beta1, beta2] = group.betas;
    for (const p of group.params) {
      const grad = p.grad;
      if (grad === null) continue;
      const s = this.stateOf<NAdamState>(p, () => ({ step: 0, muProduct: 1, expAvg: zerosLike(p), expAvgSq: zerosLike(p) }));
      s.step += 1;
      const t = s.step;
      let g = maximize ? grad.neg() : grad;
      if (weightDecay !== 0) {
        if (decoupledWeightDecay) p.mul_(1 - lr * weightDecay);
        else g = g.add(p, weightDecay);
      }
      const mu = beta1 * (1 - 0.5 * 0.96 ** (t * momentumDecay));
      const muNext = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentumDecay));
      s.muProduct *= mu;
      s.expAvg.mul_(beta1).add_(g, 1 - beta1);
      s.expAvgSq.mul_(beta2).add_(g.square(), 1 - beta2);
      const denom = s.expAvgSq.div(1 - beta2 ** t).sqrt().add(eps);
      p.sub_(g.div(denom), (lr * (1 - mu)) / (1 - s.muProduct));
      p.sub_(s.expAvg.div(denom), (lr * muNext) / (1 - s.muProduct * muNext));
    }
  }
}
