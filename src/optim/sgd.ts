/** Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay. */
import type { Tensor } from '../tensor/tensor.js';
import { zerosLike } from '../tensor/creation.js';
import { Optimizer, type OptimizerOptions, type ParamGroup, type Params } from './optimizer.js';
import { checkBoolean, checkFinite, checkNonNegative, withDefaults } from './check.js';
import { bumpVersions, fusable, fusedKernel } from './fused.js';

export interface SGDOptions extends OptimizerOptions {
  /** Learning rate (default 1e-3). */
  lr: number;
  /** Momentum factor (default 0: plain SGD). */
  momentum: number;
  /** Dampening of the momentum: the new gradient enters the buffer with weight 1 - dampening (default 0). */
  dampening: number;
  /** L2 penalty: `weightDecay * p` is added to the gradient (default 0). */
  weightDecay: number;
  /** Nesterov momentum (Sutskever et al. 2013), which needs momentum > 0 and dampening 0. */
  nesterov: boolean;
  /** Maximize the objective instead of minimizing it. */
  maximize: boolean;
  /** Use the backend's fused sgdStep kernel: null when it has one, true to require it, false never. */
  fused: boolean | null;
}

const SGD_DEFAULTS: SGDOptions = { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, fused: null };

interface SGDState {
  [key: string]: Tensor | number;
  momentumBuffer: Tensor;
}

/**
 * SGD as PyTorch defines it: with d = grad + weightDecay * p, the buffer is b = momentum * b +
 * (1 - dampening) * d (b = d on the first step), the direction is b (or d + momentum * b with
 * nesterov), and p -= lr * direction.
 *
 * ```ts
 * const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true });
 * opt.zeroGrad(); loss.backward(); opt.step();
 * ```
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: Params<SGDOptions>, options: Partial<SGDOptions> = {}) {
    super(params, withDefaults('SGD', SGD_DEFAULTS, options));
  }

  protected override checkOptions(o: SGDOptions): void {
    super.checkOptions(o);
    checkNonNegative(this.name, 'momentum', o.momentum);
    checkFinite(this.name, 'dampening', o.dampening);
    checkNonNegative(this.name, 'weightDecay', o.weightDecay);
    checkBoolean(this.name, 'nesterov', o.nesterov);
    checkBoolean(this.name, 'maximize', o.maximize);
    if (o.fused !== null) checkBoolean(this.name, 'fused', o.fused);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new Error(`${this.name}: nesterov momentum needs momentum > 0 and dampening 0, got momentum ${o.momentum} and dampening ${o.dampening}`);
    }
  }

  protected updateGroup(group: ParamGroup<SGDOptions>): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
    const kernel = fusedKernel(this.name, 'sgdStep', group.fused);
    for (const p of group.params) {
      const grad = p.grad;
      if (grad === null) continue;
      const existing = this.state.get(p) as SGDState | undefined;
      if (kernel !== null && fusable(p, grad, existing?.momentumBuffer ?? null)) {
        let buf: Tensor | null = null;
        if (momentum !== 0) {
          buf = existing?.momentumBuffer ?? zerosLike(p);
          this.state.set(p, { ...existing, momentumBuffer: buf });
        }
        kernel(p, grad, buf, { lr, momentum, dampening, nesterov, weightDecay, maximize, firstStep: existing?.momentumBuffer === undefined });
        bumpVersions(p, buf);
        continue;
      }
      let d = maximize ? grad.neg() : grad;
      if (weightDecay !== 0) d = d.add(p, weightDecay);
      if (momentum !== 0) {
        if (existing?.momentumBuffer === undefined) {
          const buf = d.clone();
          this.state.set(p, { ...existing, momentumBuffer: buf });
          d = nesterov ? d.add(buf, momentum) : buf;
        } else {
          const buf = existing.momentumBuffer.mul_(momentum).add_(d, 1 - dampening);
          d = nesterov ? d.add(buf, momentum) : buf;
        }
      }
      p.add_(d, -lr);
    }
  }
}
