/** SequentialLR, and the large-minibatch recipe of Goyal et al. (2017) built on it. */
import type { Optimizer } from './optimizer.js';
import { checkInteger, checkNonNegative, checkPositive } from './check.js';
import { LambdaLR, LRScheduler, MultiStepLR, bisectRight, checkOptimizer, loadFields, saveFields, type SchedulerStateDict } from './lr-scheduler.js';

/**
 * Runs schedules one after another: `schedulers[i]` drives the lr from `milestones[i - 1]` (its
 * epoch 0, where it restarts from the initial lr in closed form) until `milestones[i]`.
 *
 * ```ts
 * const warmup = new optim.LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 * const decay = new optim.CosineAnnealingLR(opt, { TMax: 95 });
 * const sched = new optim.SequentialLR(opt, { schedulers: [warmup, decay], milestones: [5] });
 * ```
 */
export class SequentialLR extends LRScheduler {
  schedulers: LRScheduler[];
  milestones: number[];

  constructor(optimizer: Optimizer, options: { schedulers: readonly LRScheduler[]; milestones: readonly number[] }, lastEpoch = -1) {
    super(optimizer, lastEpoch);
    const op = 'SequentialLR';
    const { schedulers, milestones } = options ?? {};
    if (!Array.isArray(schedulers) || schedulers.length === 0) throw new Error(`${op}: schedulers must be a non-empty array of schedules`);
    schedulers.forEach((s, i) => {
      if (!(s instanceof LRScheduler)) throw new Error(`${op}: schedulers[${i}] is not an LRScheduler (ReduceLROnPlateau cannot be sequenced)`);
      if (s.optimizer !== optimizer) throw new Error(`${op}: schedulers[${i}] (${s.constructor.name}) belongs to a different optimizer`);
    });
    if (!Array.isArray(milestones) || milestones.length !== schedulers.length - 1) {
      throw new Error(`${op}: expected ${schedulers.length - 1} milestones (one fewer than the schedulers), got ${Array.isArray(milestones) ? milestones.length : typeof milestones}`);
    }
    milestones.forEach((m, i) => {
      checkInteger(op, `milestones[${i}]`, m, 1);
      if (i > 0 && m <= milestones[i - 1]!) throw new Error(`${op}: milestones must increase, got ${JSON.stringify(milestones)}`);
    });
    this.schedulers = [...schedulers];
    this.milestones = [...milestones];
    this.lastEpoch = lastEpoch + 1;
    // The schedules' constructors each applied their first lr: start over from the initial lr,
    // undo their first steps, and let only the first schedule take its step.
    for (const g of optimizer.paramGroups) g.lr = g.initialLr!;
    const undo = (s: LRScheduler): void => {
      if (s instanceof SequentialLR) s.schedulers.forEach(undo);
      else s.lastEpoch -= 1;
    };
    this.schedulers.forEach(undo);
    this.schedulers[0]!.initialStep();
    this.lastLr = this.schedulers[0]!.getLastLr();
  }

  protected computeLr(): number[] {
    return this.currentLrs();
  }

  override initialStep(): void {
    this.schedulers[0]!.initialStep();
    this.lastLr = this.schedulers[0]!.getLastLr();
  }

  override step(): void {
    this.stepCount += 1;
    this.lastEpoch += 1;
    const idx = bisectRight(this.milestones, this.lastEpoch);
    const scheduler = this.schedulers[idx]!;
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) scheduler.step(0);
    else scheduler.step();
    this.lastLr = scheduler.getLastLr();
  }

  /** Its own counters, and each schedule's state dict under `schedulers`. */
  override stateDict(): SchedulerStateDict {
    return { ...saveFields(this, ['schedulers']), schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  override loadStateDict(state: SchedulerStateDict): void {
    const op = 'SequentialLR.loadStateDict';
    const saved = state?.['schedulers'];
    if (!Array.isArray(saved) || saved.length !== this.schedulers.length) {
      throw new Error(`${op}: the state holds ${Array.isArray(saved) ? saved.length : 'no'} schedules, this SequentialLR has ${this.schedulers.length}`);
    }
    loadFields(this, state, op, ['schedulers']);
    saved.forEach((s, i) => this.schedulers[i]!.loadStateDict(s as SchedulerStateDict));
  }
}

export interface GoyalWarmupOptions {
  /** The batch size of this run. */
  batchSize: number;
  /** The batch size `baseLr` is meant for (default 256, as in the paper). */
  baseBatchSize?: number;
  /** The lr for baseBatchSize (the paper's 0.1); default: each group's current lr. */
  baseLr?: number;
  /** Epochs of gradual warm-up (default 5). */
  warmupEpochs?: number;
  /** Optimizer steps per epoch: the schedule is stepped once per batch. */
  stepsPerEpoch: number;
  /** Epochs, counted from the start of training, at which the lr is divided by 10 (default [30, 60, 80]). */
  milestones?: readonly number[];
  /** The factor applied at each milestone (default 0.1). */
  gamma?: number;
  /**
   * A schedule to use after the warm-up instead of the step decay, built on the optimizer (whose
   * lrs are then the scaled ones) and stepped once per batch from the end of the warm-up.
   */
  after?: (optimizer: Optimizer) => LRScheduler;
}

/**
 * The large-minibatch SGD recipe of Goyal et al. 2017 ("Accurate, Large Minibatch SGD: Training
 * ImageNet in 1 Hour"), as a schedule stepped once per batch:
 * - linear scaling: with k = batchSize / baseBatchSize, each group's lr becomes k * baseLr;
 * - gradual warm-up: the lr starts at baseLr and grows by the same amount every iteration, reaching
 *   k * baseLr after `warmupEpochs` epochs;
 * - then step decay (lr / 10 at epochs 30, 60 and 80 by default) or the schedule `after` builds.
 *
 * It sets the groups' lr and initialLr to the scaled value, and returns a SequentialLR (LambdaLR
 * warm-up, then the decay), whose state dict round-trips like any schedule's. When batchSize is
 * not larger than baseBatchSize there is nothing to warm up: pass warmupEpochs: 0.
 *
 * ```ts
 * const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9, weightDecay: 1e-4 });
 * const sched = optim.goyalWarmup(opt, { batchSize: 8192, stepsPerEpoch: 156 }); // lr 0.1 -> 3.2
 * for (const batch of loader) { ...; opt.step(); sched.step(); }
 * ```
 */
export function goyalWarmup(optimizer: Optimizer, options: GoyalWarmupOptions): SequentialLR {
  const op = 'goyalWarmup';
  checkOptimizer(op, optimizer);
  if (options === null || typeof options !== 'object') throw new Error(`${op}: options { batchSize, stepsPerEpoch, ... } are required`);
  const { batchSize, baseBatchSize = 256, baseLr, warmupEpochs = 5, stepsPerEpoch, milestones = [30, 60, 80], gamma = 0.1, after } = options;
  checkInteger(op, 'batchSize', batchSize, 1);
  checkInteger(op, 'baseBatchSize', baseBatchSize, 1);
  if (baseLr !== undefined) checkNonNegative(op, 'baseLr', baseLr);
  checkNonNegative(op, 'warmupEpochs', warmupEpochs);
  checkInteger(op, 'stepsPerEpoch', stepsPerEpoch, 1);
  checkPositive(op, 'gamma', gamma);
  if (after !== undefined && typeof after !== 'function') throw new Error(`${op}: after must be a function (optimizer) => schedule`);
  const warmupSteps = Math.round(warmupEpochs * stepsPerEpoch);
  if (!Array.isArray(milestones)) throw new Error(`${op}: milestones must be an array of epochs`);
  const decaySteps = milestones.map((m, i) => {
    checkNonNegative(op, `milestones[${i}]`, m);
    const s = Math.round(m * stepsPerEpoch) - warmupSteps;
    if (after === undefined && s <= 0) throw new Error(`${op}: milestone ${m} falls within the ${warmupEpochs}-epoch warm-up`);
    return s;
  });
  const k = batchSize / baseBatchSize;
  for (const g of optimizer.paramGroups) {
    const scaled = k * (baseLr ?? g.lr);
    g.lr = scaled;
    g.initialLr = scaled;
  }
  // Warm-up factor relative to the scaled lr: 1/k at iteration 0, growing linearly to 1.
  const start = 1 / k;
  const warmup = warmupSteps > 0 ? new LambdaLR(optimizer, (t) => start + ((1 - start) * t) / warmupSteps) : null;
  const rest = after !== undefined ? after(optimizer) : new MultiStepLR(optimizer, { milestones: decaySteps, gamma });
  if (!(rest instanceof LRScheduler)) throw new Error(`${op}: after must return an LRScheduler`);
  if (warmup === null) return new SequentialLR(optimizer, { schedulers: [rest], milestones: [] });
  return new SequentialLR(optimizer, { schedulers: [warmup, rest], milestones: [warmupSteps] });
}
