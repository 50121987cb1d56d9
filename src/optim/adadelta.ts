/** Adadelta (Zeiler 2012). */
import type { Tensor } from '../tensor/tensor.js';
import { zerosLike } from '../tensor/creation.js';
import { Optimizer, type OptimizerOptions, type ParamGroup, type Params } from './optimizer.js';
import { checkBoolean, checkNonNegative, checkUnit, withDefaults } from './check.js';

export interface AdadeltaOptions extends OptimizerOptions {
  /** Scales the update (default 1.0). */
  lr: number;
  /** Decay rate of the running averages (default 0.9). */
  rho: number;
  /** Added inside the square roots (default 1e-6). */
  eps: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  maximize: boolean;
}

const ADADELTA_DEFAULTS: AdadeltaOptions = { lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false };

interface AdadeltaState {
  [key: string]: Tensor | number;
  step: number;
  squareAvg: Tensor;
  accDelta: Tensor;
}

/**
 * Adadelta: v = rho v + (1 - rho) g^2; delta = sqrt(u + eps) / sqrt(v + eps) * g;
 * u = rho u + (1 - rho) delta^2; p -= lr delta.
 *
 * ```ts
 * const opt = new optim.Adadelta(model.parameters());
 * ```
 */
export class Adadelta extends Optimizer<AdadeltaOptions> {
  constructor(params: Params<AdadeltaOptions>, options: Partial<AdadeltaOptions> = {}) {
    super(params, withDefaults('Adadelta', ADADELTA_DEFAULTS, options));
  }

  protected override checkOptions(o: AdadeltaOptions): void {
    super.checkOptions(o);
    checkUnit(this.name, 'rho', o.rho, true);
    checkNonNegative(this.name, 'eps', o.eps);
    checkNonNegative(this.name, 'weightDecay', o.weightDecay);
    checkBoolean(this.name, 'maximize', o.maximize);
  }

  protected updateGroup(group: ParamGroup<AdadeltaOptions>): void {
    const { lr, rho, eps, weightDecay, maximize } = group;
    for (const p of group.params) {
      const grad = p.grad;
      if (grad === null) continue;
      const s = this.stateOf<AdadeltaState>(p, () => ({ step: 0, squareAvg: zerosLike(p), accDelta: zerosLike(p) }));
      s.step += 1;
      let g = maximize ? grad.neg() : grad;
      if (weightDecay !== 0) g = g.add(p, weightDecay);
      s.squareAvg.mul_(rho).add_(g.square(), 1 - rho);
      const delta = s.accDelta.add(eps).sqrt().div(s.squareAvg.add(eps).sqrt()).mul(g);
      s.accDelta.mul_(rho).add_(delta.square(), 1 - rho);
      p.sub_(delta, lr);
    }
  }
}
