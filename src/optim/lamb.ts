/** LAMB: layer-wise adaptive moments for large-batch training (You et al. 2019, "Large Batch Optimization for Deep Learning: Training BERT in 76 minutes"). */
import type { Tensor } from '../tensor/tensor.js';
import { zerosLike } from '../tensor/creation.js';
import { Optimizer, type OptimizerOptions, type ParamGroup, type Params } from './optimizer.js';
import { checkBetas, checkBoolean, checkNonNegative, withDefaults } from './check.js';

export interface LAMBOptions extends OptimizerOptions {
  /** Learning rate (default 1e-3). */
  lr: number;
  /** Decay rates of the moment averages (default [0.9, 0.999]). */
  betas: readonly [number, number];
  /** Added to the denominator (default 1e-6, as in the paper's experiments). */
  eps: number;
  /** Decoupled weight decay lambda, added to the Adam direction before the trust ratio (default 0). */
  weightDecay: number;
  /** Divide the moments by 1 - beta^t (default true). */
  biasCorrection: boolean;
  /**
   * Scale each parameter's step by the trust ratio ||p|| / ||update|| (default true). A group with
   * false takes plain Adam-with-decay steps: use it to exclude biases and norm weights.
   */
  trustAdaptation: boolean;
  maximize: boolean;
}

const LAMB_DEFAULTS: LAMBOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-6, weightDecay: 0, biasCorrection: true, trustAdaptation: true, maximize: false };

interface LAMBState {
  [key: string]: Tensor | number;
  step: number;
  expAvg: Tensor;
  expAvgSq: Tensor;
}

/**
 * LAMB (Algorithm 2 of You et al. 2019), per parameter tensor ("layer"): m and v as in Adam,
 * r = m^ / (sqrt(v^) + eps) with the bias-corrected moments, u = r + weightDecay * p, and
 * p -= lr * (||p|| / ||u||) * u. The trust ratio is 1 when either norm is 0 (a fresh zero-initialized
 * bias, a zero update), and the scaling function phi is the identity.
 *
 * ```ts
 * const opt = new optim.LAMB(model.parameters(), { lr: 2e-3, weightDecay: 0.01 });
 * ```
 */
export class LAMB extends Optimizer<LAMBOptions> {
  constructor(params: Params<LAMBOptions>, options: Partial<LAMBOptions> = {}) {
    super(params, withDefaults('LAMB', LAMB_DEFAULTS, options));
  }

  protected override checkOptions(o: LAMBOptions): void {
    super.checkOptions(o);
    checkBetas(this.name, o.betas);
    checkNonNegative(this.name, 'eps', o.eps);
    checkNonNegative(this.name, 'weightDecay', o.weightDecay);
    checkBoolean(this.name, 'biasCorrection', o.biasCorrection);
    checkBoolean(this.name, 'trustAdaptation', o.trustAdaptation);
    checkBoolean(this.name, 'maximize', o.maximize);
  }

  protected updateGroup(group: ParamGroup<LAMBOptions>): void {
    const { lr, eps, weightDecay, biasCorrection, trustAdaptation, maximize } = group;
    const [beta1, beta2] = group.betas;
    for (const p of group.params) {
      const grad = p.grad;
      if (grad === null) continue;
      const s = this.stateOf<LAMBState>(p, () => ({ step: 0, expAvg: zerosLike(p), expAvgSq: zerosLike(p) }));
      s.step += 1;
      const g = maximize ? grad.neg() : grad;
      s.expAvg.mul_(beta1).add_(g, 1 - beta1);
      s.expAvgSq.mul_(beta2).add_(g.square(), 1 - beta2);
      const bc1 = biasCorrection ? 1 - beta1 ** s.step : 1;
      const bc2 = biasCorrection ? 1 - beta2 ** s.step : 1;
      let u = s.expAvg.div(bc1).div(s.expAvgSq.div(bc2).sqrt().add(eps));
      if (weightDecay !== 0) u = u.add(p, weightDecay);
      let ratio = 1;
      if (trustAdaptation) {
        const pn = p.norm().item();
        const un = u.norm().item();
        if (pn > 0 && un > 0) ratio = pn / un;
      }
      p.sub_(u, lr * ratio);
    }
  }
}
