/** RMSprop (Tieleman & Hinton 2012), with the centered variant of Graves (2013) and momentum. */
import type { Tensor } from '../tensor/tensor.js';
import { zerosLike } from '../tensor/creation.js';
import { Optimizer, type OptimizerOptions, type ParamGroup, type Params } from './optimizer.js';
import { checkBoolean, checkNonNegative, withDefaults } from './check.js';

export interface RMSpropOptions extends OptimizerOptions {
  /** Learning rate (default 1e-2). */
  lr: number;
  /** Smoothing constant of the squared-gradient average (default 0.99). */
  alpha: number;
  /** Added to the denominator for stability (default 1e-8). */
  eps: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Momentum factor (default 0). */
  momentum: number;
  /** Normalize by the estimated variance of the gradient instead of its second moment. */
  centered: boolean;
  maximize: boolean;
}

const RMSPROP_DEFAULTS: RMSpropOptions = { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false };

interface RMSpropState {
  [key: string]: Tensor | number;
  step: number;
  squareAvg: Tensor;
}

/**
 * RMSprop as PyTorch defines it: v = alpha v + (1 - alpha) g^2; the denominator is sqrt(v) + eps, or
 * sqrt(v - mean(g)^2) + eps when centered (mean(g) is a running average too); with momentum,
 * b = momentum b + g / denom and p -= lr b, else p -= lr g / denom. Note that eps is added after
 * the square root, as in PyTorch (TensorFlow adds it inside).
 *
 * ```ts
 * const opt = new optim.RMSprop(model.parameters(), { lr: 1e-3, centered: true });
 * ```
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: Params<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    super(params, withDefaults('RMSprop', RMSPROP_DEFAULTS, options));
  }

  protected override checkOptions(o: RMSpropOptions): void {
    super.checkOptions(o);
    checkNonNegative(this.name, 'alpha', o.alpha);
    checkNonNegative(this.name, 'eps', o.eps);
    checkNonNegative(this.name, 'weightDecay', o.weightDecay);
    checkNonNegative(this.name, 'momentum', o.momentum);
    checkBoolean(this.name, 'centered', o.centered);
    checkBoolean(this.name, 'maximize', o.maximize);
  }

  protected updateGroup(group: ParamGroup<RMSpropOptions>): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = group;
    for (const p of group.params) {
      const grad = p.grad;
      if (grad === null) continue;
      const s = this.stateOf<RMSpropState>(p, () => ({ step: 0, squareAvg: zerosLike(p) }));
      s.step += 1;
      let g = maximize ? grad.neg() : grad;
      if (weightDecay !== 0) g = g.add(p, weightDecay);
      s.squareAvg.mul_(alpha).add_(g.square(), 1 - alpha);
      let avg: Tensor;
      if (centered) {
        const gradAvg = (s['gradAvg'] as Tensor | undefined) ?? (s['gradAvg'] = zerosLike(p));
        gradAvg.mul_(alpha).add_(g, 1 - alpha);
        avg = s.squareAvg.sub(gradAvg.square()).sqrt();
      } else {
        avg = s.squareAvg.sqrt();
      }
      avg = avg.add(eps);
      if (momentum > 0) {
        const buf = (s['momentumBuffer'] as Tensor | undefined) ?? (s['momentumBuffer'] = zerosLike(p));
        buf.mul_(momentum).add_(g.div(avg));
        p.sub_(buf, lr);
      } else {
        p.sub_(g.div(avg), lr);
      }
    }
  }
}
