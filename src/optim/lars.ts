/** LARS: layer-wise adaptive rate scaling for large-batch SGD (You, Gitman & Ginsburg 2017, "Large Batch Training of Convolutional Networks"). */
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, type OptimizerOptions, type ParamGroup, type Params } from './optimizer.js';
import { checkBoolean, checkFinite, checkNonNegative, withDefaults } from './check.js';

export interface LARSOptions extends OptimizerOptions {
  /** Global learning rate gamma (default 1e-3). */
  lr: number;
  /** Momentum factor m (default 0.9, as in the paper). */
  momentum: number;
  /** Dampening of the momentum (default 0). */
  dampening: number;
  /** Weight decay beta, added to the gradient and to the trust ratio's denominator (default 0). */
  weightDecay: number;
  nesterov: boolean;
  /** The trust coefficient eta (default 1e-3). */
  trustCoefficient: number;
  /** Added to the trust ratio's denominator (default 1e-8). */
  eps: number;
  /**
   * Scale each parameter's step by its local learning rate (default true: nothing is excluded). A
   * group with false takes plain SGD steps: use it to exclude biases and norm weights.
   */
  trustAdaptation: boolean;
  maximize: boolean;
}

const LARS_DEFAULTS: LARSOptions = {
  lr: 1e-3,
  momentum: 0.9,
  dampening: 0,
  weightDecay: 0,
  nesterov: false,
  trustCoefficient: 1e-3,
  eps: 1e-8,
  trustAdaptation: true,
  maximize: false,
};

interface LARSState {
  [key: string]: Tensor | number;
  momentumBuffer: Tensor;
}

/**
 * LARS (Algorithm 1 of You et al. 2017), per parameter tensor ("layer"): the local learning rate is
 * lambda = eta ||p|| / (||g|| + beta ||p|| + eps) (1 when either norm is 0), d = lambda (g + beta p),
 * then SGD's momentum on d: b = m b + (1 - dampening) d, p -= lr b (b = d on the first step). The
 * paper folds the global rate into the buffer (b = m b + gamma d, p -= b); keeping it outside, as
 * PyTorch's SGD does, gives the same steps while the learning rate is constant.
 *
 * ```ts
 * const opt = new optim.LARS(model.parameters(), { lr: 3.2, momentum: 0.9, weightDecay: 5e-4 });
 * ```
 */
export class LARS extends Optimizer<LARSOptions> {
  constructor(params: Params<LARSOptions>, options: Partial<LARSOptions> = {}) {
    super(params, withDefaults('LARS', LARS_DEFAULTS, options));
  }

  protected override checkOptions(o: LARSOptions): void {
    super.checkOptions(o);
    checkNonNegative(this.name, 'momentum', o.momentum);
    checkFinite(this.name, 'dampening', o.dampening);
    checkNonNegative(this.name, 'weightDecay', o.weightDecay);
    checkBoolean(this.name, 'nesterov', o.nesterov);
    checkNonNegative(this.name, 'trustCoefficient', o.trustCoefficient);
    checkNonNegative(this.name, 'eps', o.eps);
    checkBoolean(this.name, 'trustAdaptation', o.trustAdaptation);
    checkBoolean(this.name, 'maximize', o.maximize);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new Error(`${this.name}: nesterov momentum needs momentum > 0 and dampening 0, got momentum ${o.momentum} and dampening ${o.dampening}`);
    }
  }

  protected updateGroup(group: ParamGroup<LARSOptions>): void {
    const { lr, momentum, dampening, weightDecay, nesterov, trustCoefficient, eps, trustAdaptation, maximize } = group;
    for (const p of group.params) {
      const grad = p.grad;
      if (grad === null) continue;
      const g = maximize ? grad.neg() : grad;
      let local = 1;
      if (trustAdaptation) {
        const pn = p.norm().item();
        const gn = g.norm().item();
        if (pn > 0 && gn > 0) local = (trustCoefficient * pn) / (gn + weightDecay * pn + eps);
      }
      let d = weightDecay !== 0 ? g.add(p, weightDecay) : g;
      if (local !== 1) d = d.mul(local);
      if (momentum !== 0) {
        const existing = this.state.get(p) as LARSState | undefined;
        let buf: Tensor;
        if (existing?.momentumBuffer === undefined) {
          buf = d.clone();
          this.state.set(p, { ...existing, momentumBuffer: buf });
        } else {
          buf = existing.momentumBuffer.mul_(momentum).add_(d, 1 - dampening);
        }
        d = nesterov ? d.add(buf, momentum) : buf;
      }
      p.sub_(d, lr);
    }
  }
}
