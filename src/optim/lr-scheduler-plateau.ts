/** ReduceLROnPlateau: lower the lr when a monitored metric stops improving. */
import { Tensor } from '../tensor/tensor.js';
import type { Optimizer } from './optimizer.js';
import { checkChoice, checkInteger, checkNonNegative, checkUnit } from './check.js';
import { checkGroupCount, checkOptimizer, loadFields, perGroup, saveFields, type SchedulerStateDict } from './lr-scheduler.js';

export interface ReduceLROnPlateauOptions {
  /** 'min' (default): the metric should decrease (a loss); 'max': it should increase (an accuracy). */
  mode?: 'min' | 'max';
  /** new lr = lr * factor (default 0.1). */
  factor?: number;
  /** Epochs without improvement tolerated before reducing (default 10). */
  patience?: number;
  /** The margin an improvement must pass (default 1e-4). */
  threshold?: number;
  /** 'rel' (default): better than best * (1 -+ threshold); 'abs': better than best -+ threshold. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting bad epochs again (default 0). */
  cooldown?: number;
  /** A lower bound on the lr, or one per group (default 0). */
  minLr?: number | readonly number[];
  /** A reduction smaller than eps is skipped (default 1e-8). */
  eps?: number;
}

/**
 * Reduces each group's lr by `factor` once the metric passed to `step(metric)` has not improved for
 * more than `patience` epochs, then waits `cooldown` epochs. PyTorch's semantics throughout.
 *
 * ```ts
 * const sched = new optim.ReduceLROnPlateau(opt, { mode: 'min', patience: 5 });
 * for (const epoch of epochs) { train(); sched.step(validationLoss()); }
 * ```
 */
export class ReduceLROnPlateau {
  readonly optimizer: Optimizer;
  mode: 'min' | 'max';
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  cooldown: number;
  minLrs: number[];
  /** The scalar minLr, which extends to groups added later; null when given per group. */
  defaultMinLr: number | null;
  eps: number;
  lastEpoch = 0;
  /** The best metric so far (+-Infinity before the first step). */
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  protected lastLr: number[];

  constructor(optimizer: Optimizer, options: ReduceLROnPlateauOptions = {}) {
    const op = 'ReduceLROnPlateau';
    checkOptimizer(op, optimizer);
    const { mode = 'min', factor = 0.1, patience = 10, threshold = 1e-4, thresholdMode = 'rel', cooldown = 0, minLr = 0, eps = 1e-8 } = options ?? {};
    checkChoice(op, 'mode', mode, ['min', 'max'] as const);
    checkUnit(op, 'factor', factor);
    checkInteger(op, 'patience', patience, 0);
    checkNonNegative(op, 'threshold', threshold);
    checkChoice(op, 'thresholdMode', thresholdMode, ['rel', 'abs'] as const);
    checkInteger(op, 'cooldown', cooldown, 0);
    checkNonNegative(op, 'eps', eps);
    this.optimizer = optimizer;
    this.mode = mode;
    this.factor = factor;
    this.patience = patience;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
    this.cooldown = cooldown;
    this.minLrs = perGroup(op, 'minLr', minLr, optimizer.paramGroups.length);
    this.minLrs.forEach((m, i) => checkNonNegative(op, `minLr[${i}]`, m));
    this.defaultMinLr = Array.isArray(minLr) ? null : (minLr as number);
    this.eps = eps;
    this.best = mode === 'min' ? Infinity : -Infinity;
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  /** Records one epoch's metric (a number or a one-element tensor) and reduces the lr if it has plateaued. */
  step(metric: number | Tensor): void {
    const current = metric instanceof Tensor ? metric.item() : metric;
    if (typeof current !== 'number') throw new Error(`ReduceLROnPlateau.step: metric must be a number or a one-element Tensor, got ${typeof metric}`);
    this.lastEpoch += 1;
    if (this.isBetter(current)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad epochs in cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** Whether the scheduler is waiting after a reduction. */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  private isBetter(a: number): boolean {
    const { best, threshold } = this;
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - threshold) : a < best - threshold;
    return this.thresholdMode === 'rel' ? a > best * (1 + threshold) : a > best + threshold;
  }

  private reduceLr(): void {
    const groups = this.optimizer.paramGroups;
    if (groups.length !== this.minLrs.length) {
      if (this.defaultMinLr === null) {
        throw new Error(`ReduceLROnPlateau: the optimizer now has ${groups.length} parameter groups but minLr lists ${this.minLrs.length}; update minLrs`);
      }
      this.minLrs = new Array<number>(groups.length).fill(this.defaultMinLr);
    }
    groups.forEach((g, i) => {
      const newLr = Math.max(g.lr * this.factor, this.minLrs[i]!);
      if (g.lr - newLr > this.eps) g.lr = newLr;
    });
  }

  /** The learning rates after the last step, one per group. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The scheduler's state (plain data; `best` may be +-Infinity, which JSON cannot hold). */
  stateDict(): SchedulerStateDict {
    return saveFields(this);
  }

  loadStateDict(state: SchedulerStateDict): void {
    const op = 'ReduceLROnPlateau.loadStateDict';
    checkGroupCount(op, state, this.optimizer);
    loadFields(this, state, op);
  }
}
