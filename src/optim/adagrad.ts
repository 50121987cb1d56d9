/** Adagrad (Duchi et al. 2011). */
import type { Tensor } from '../tensor/tensor.js';
import { fullLike } from '../tensor/creation.js';
import { Optimizer, type OptimizerOptions, type ParamGroup, type Params } from './optimizer.js';
import { checkBoolean, checkNonNegative, withDefaults } from './check.js';

export interface AdagradOptions extends OptimizerOptions {
  /** Learning rate (default 1e-2). */
  lr: number;
  /** Learning-rate decay: step t uses lr / (1 + (t - 1) lrDecay) (default 0). */
  lrDecay: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Starting value of the sum of squared gradients (default 0). */
  initialAccumulatorValue: number;
  /** Added to the denominator for stability (default 1e-10). */
  eps: number;
  maximize: boolean;
}

const ADAGRAD_DEFAULTS: AdagradOptions = { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false };

interface AdagradState {
  [key: string]: Tensor | number;
  step: number;
  sum: Tensor;
}

/**
 * Adagrad as PyTorch defines it: s += g^2; p -= lr_t g / (sqrt(s) + eps) with
 * lr_t = lr / (1 + (t - 1) lrDecay). The accumulator starts at `initialAccumulatorValue`; it is
 * created at a parameter's first step (PyTorch creates it in the constructor; the updates agree).
 *
 * ```ts
 * const opt = new optim.Adagrad(model.parameters(), { lr: 0.1 });
 * ```
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: Params<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    super(params, withDefaults('Adagrad', ADAGRAD_DEFAULTS, options));
  }

  protected override checkOptions(o: AdagradOptions): void {
    super.checkOptions(o);
    checkNonNegative(this.name, 'lrDecay', o.lrDecay);
    checkNonNegative(this.name, 'weightDecay', o.weightDecay);
    checkNonNegative(this.name, 'initialAccumulatorValue', o.initialAccumulatorValue);
    checkNonNegative(this.name, 'eps', o.eps);
    checkBoolean(this.name, 'maximize', o.maximize);
  }

  protected updateGroup(group: ParamGroup<AdagradOptions>): void {
    const { lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize } = group;
    for (const p of group.params) {
      const grad = p.grad;
      if (grad === null) continue;
      const s = this.stateOf<AdagradState>(p, () => ({ step: 0, sum: fullLike(p, initialAccumulatorValue) }));
      s.step += 1;
      let g = maximize ? grad.neg() : grad;
      if (weightDecay !== 0) g = g.add(p, weightDecay);
      const clr = lr / (1 + (s.step - 1) * lrDecay);
      s.sum.add_(g.square());
      p.sub_(g.div(s.sum.sqrt().add(eps)), clr);
    }
  }
}
