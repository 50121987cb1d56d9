/** Lion: evolved sign momentum (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms"). */
import type { Tensor } from '../tensor/tensor.js';
import { zerosLike } from '../tensor/creation.js';
import { Optimizer, type OptimizerOptions, type ParamGroup, type Params } from './optimizer.js';
import { checkBetas, checkBoolean, checkNonNegative, withDefaults } from './check.js';

export interface LionOptions extends OptimizerOptions {
  /** Learning rate (default 1e-4; the paper suggests 3-10x smaller than AdamW's). */
  lr: number;
  /** Interpolation factor of the update (beta1) and decay of the momentum (beta2) (default [0.9, 0.99]). */
  betas: readonly [number, number];
  /** Decoupled weight decay (default 0; the paper suggests 3-10x larger than AdamW's). */
  weightDecay: number;
  maximize: boolean;
}

const LION_DEFAULTS: LionOptions = { lr: 1e-4, betas: [0.9, 0.99], weightDecay: 0, maximize: false };

interface LionState {
  [key: string]: Tensor | number;
  expAvg: Tensor;
}

/**
 * Lion (Algorithm 2 of Chen et al. 2023): p *= 1 - lr weightDecay; p -= lr sign(b1 m + (1 - b1) g);
 * then m = b2 m + (1 - b2) g. Every coordinate moves by exactly lr (or 0 where the interpolation is 0).
 *
 * ```ts
 * const opt = new optim.Lion(model.parameters(), { lr: 1e-4, weightDecay: 1.0 });
 * ```
 */
export class Lion extends Optimizer<LionOptions> {
  constructor(params: Params<LionOptions>, options: Partial<LionOptions> = {}) {
    super(params, withDefaults('Lion', LION_DEFAULTS, options));
  }

  protected override checkOptions(o: LionOptions): void {
    super.checkOptions(o);
    checkBetas(this.name, o.betas);
    checkNonNegative(this.name, 'weightDecay', o.weightDecay);
    checkBoolean(this.name, 'maximize', o.maximize);
  }

  protected updateGroup(group: ParamGroup<LionOptions>): void {
    const { lr, weightDecay, maximize } = group;
    const [beta1, beta2] = group.betas;
    for (const p of group.params) {
      const grad = p.grad;
      if (grad === null) continue;
      const s = this.stateOf<LionState>(p, () => ({ expAvg: zerosLike(p) }));
      const g = maximize ? grad.neg() : grad;
      if (weightDecay !== 0) p.mul_(1 - lr * weightDecay);
      p.sub_(s.expAvg.mul(beta1).add(g, 1 - beta1).sign(), lr);
      s.expAvg.mul_(beta2).add_(g, 1 - beta2);
    }
  }
}
