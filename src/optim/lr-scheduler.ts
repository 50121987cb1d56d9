/**
 * Learning-rate schedules with PyTorch's semantics. A schedule sets each parameter group's `lr`:
 * its constructor applies the first value, and each `step()` (once per epoch, or once per batch for
 * the per-iteration schedules) moves to the next one. Schedules are chainable as in PyTorch: most
 * compute the next lr from the group's current lr, so two schedules on one optimizer compose.
 * `step(epoch)` jumps to an epoch and uses the closed form where there is one (PyTorch deprecates
 * it; SequentialLR uses it to restart a schedule at its milestone).
 *
 * Every schedule's state (`stateDict()`) is a plain object of numbers and arrays; functions (the
 * lambdas of LambdaLR) are not saved and come from the constructor.
 */
import { Optimizer } from './optimizer.js';
import { checkFinite, checkInteger, checkPositive, checkUnit } from './check.js';

/** A schedule's state dict: plain data. */
export type SchedulerStateDict = Record<string, unknown>;

/** Keys never saved: the optimizer, and flags that only live during a call. */
const TRANSIENT = new Set(['optimizer', 'isInitial']);

/** The data fields of a schedule, deep-copied (functions and arrays of functions are skipped). */
export function saveFields(obj: object, skip: readonly string[] = []): SchedulerStateDict {
  const out: SchedulerStateDict = {};
  for (const [key, value] of Object.entries(obj)) {
    if (TRANSIENT.has(key) || skip.includes(key) || typeof value === 'function') continue;
    if (Array.isArray(value) && value.some((v) => typeof v === 'function')) continue;
    out[key] = structuredClone(value);
  }
  return out;
}

/** Writes saved fields back, refusing entries the schedule does not have. */
export function loadFields(obj: object, state: SchedulerStateDict, op: string, skip: readonly string[] = []): void {
  if (state === null || typeof state !== 'object' || Array.isArray(state)) throw new Error(`${op}: expected a state dict object from stateDict()`);
  for (const key of Object.keys(state)) {
    if (skip.includes(key)) continue;
    if (!(key in obj) || TRANSIENT.has(key)) throw new Error(`${op}: unknown entry '${key}' (is this the state of another kind of schedule?)`);
  }
  for (const [key, value] of Object.entries(state)) if (!skip.includes(key)) (obj as Record<string, unknown>)[key] = structuredClone(value);
}

/** A saved schedule's per-group lists must match the optimizer's groups. */
export function checkGroupCount(op: string, state: SchedulerStateDict, optimizer: Optimizer): void {
  const n = optimizer.paramGroups.length;
  for (const key of ['baseLrs', 'lastLr']) {
    const v = state?.[key];
    if (v !== undefined && (!Array.isArray(v) || v.length !== n)) {
      throw new Error(`${op}: the state's ${key} has ${Array.isArray(v) ? v.length : 'no'} entries, the optimizer has ${n} parameter groups`);
    }
  }
}

export function checkOptimizer(op: string, optimizer: unknown): asserts optimizer is Optimizer {
  if (!(optimizer instanceof Optimizer)) throw new Error(`${op}: expected an Optimizer, got ${optimizer === null ? 'null' : typeof optimizer}`);
}

/** A number, or one number per parameter group. */
export function perGroup(op: string, key: string, value: number | readonly number[], groups: number): number[] {
  if (Array.isArray(value)) {
    if (value.length !== groups) throw new Error(`${op}: ${key} has ${value.length} values, the optimizer has ${groups} parameter groups`);
    value.forEach((v, i) => checkFinite(op, `${key}[${i}]`, v));
    return [...value];
  }
  checkFinite(op, key, value);
  return new Array<number>(groups).fill(value as number);
}

/** The index of the first element greater than x in sorted `a` (Python's bisect_right). */
export function bisectRight(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < a[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The base of the epoch-indexed schedules. `lastEpoch` is the index of the last step taken (-1
 * before the first); pass it, with an optimizer whose groups hold `initialLr`, only to resume.
 * Subclasses set their fields, then call `initialStep()` at the end of their constructor.
 */
export abstract class LRScheduler {
  readonly optimizer: Optimizer;
  /** Each group's lr when the schedule started (its `initialLr`). */
  baseLrs: number[];
  lastEpoch: number;
  protected stepCount = 0;
  protected lastLr: number[] = [];
  /** True during the constructor's step: chainable forms then keep the current lr. */
  protected isInitial = false;

  constructor(optimizer: Optimizer, lastEpoch = -1) {
    const op = new.target.name;
    checkOptimizer(op, optimizer);
    checkInteger(op, 'lastEpoch', lastEpoch, -1);
    this.optimizer = optimizer;
    optimizer.paramGroups.forEach((group, i) => {
      if (lastEpoch === -1) group.initialLr ??= group.lr;
      else if (group.initialLr === undefined) {
        throw new Error(`${op}: parameter group ${i} has no initialLr, which resuming with lastEpoch ${lastEpoch} needs; load the optimizer's state dict first`);
      }
    });
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr!);
    this.lastEpoch = lastEpoch;
  }

  protected get name(): string {
    return this.constructor.name;
  }

  /** @internal Resets the step count and applies the first lr (constructors, SequentialLR). */
  initialStep(): void {
    this.stepCount = 0;
    this.isInitial = true;
    try {
      this.step();
    } finally {
      this.isInitial = false;
    }
  }

  /** The next lr of each group, from the current ones (the chainable form). */
  protected abstract computeLr(): number[];

  /** The lr of each group at `lastEpoch` from `baseLrs`, or null where the schedule has no closed form. */
  protected closedFormLr(): number[] | null {
    return null;
  }

  /**
   * Advances the schedule by one step and sets each group's lr. `epoch` (PyTorch's deprecated
   * form) jumps to that epoch instead, using the closed form where there is one.
   */
  step(epoch?: number): void {
    this.stepCount += 1;
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch += 1;
      values = this.computeLr();
    } else {
      checkFinite(this.name, 'epoch', epoch);
      this.lastEpoch = epoch;
      values = this.closedFormLr() ?? this.computeLr();
    }
    this.setLrs(values);
  }

  protected setLrs(values: readonly number[]): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = values[i]!;
    });
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The learning rates the last step set, one per group. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  protected currentLrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The schedule's state: every data field but the optimizer. */
  stateDict(): SchedulerStateDict {
    return saveFields(this);
  }

  /** Restores a state from `stateDict()`. The optimizer's state (group lrs) is restored separately. */
  loadStateDict(state: SchedulerStateDict): void {
    checkGroupCount(`${this.name}.loadStateDict`, state, this.optimizer);
    loadFields(this, state, `${this.name}.loadStateDict`);
  }
}

/**
 * lr = initial lr * lrLambda(epoch), with one function for all groups or one per group.
 *
 * ```ts
 * const sched = new optim.LambdaLR(opt, (epoch) => 0.95 ** epoch);
 * ```
 */
export class LambdaLR extends LRScheduler {
  protected lrLambdas: ((epoch: number) => number)[];

  constructor(optimizer: Optimizer, lrLambda: ((epoch: number) => number) | readonly ((epoch: number) => number)[], lastEpoch = -1) {
    super(optimizer, lastEpoch);
    const n = optimizer.paramGroups.length;
    if (Array.isArray(lrLambda)) {
      if (lrLambda.length !== n) throw new Error(`LambdaLR: expected ${n} lrLambda functions (one per parameter group), got ${lrLambda.length}`);
      this.lrLambdas = [...lrLambda];
    } else this.lrLambdas = new Array(n).fill(lrLambda);
    this.lrLambdas.forEach((f, i) => {
      if (typeof f !== 'function') throw new Error(`LambdaLR: lrLambda ${i} must be a function of the epoch, got ${typeof f}`);
    });
    this.initialStep();
  }

  protected computeLr(): number[] {
    return this.baseLrs.map((base, i) => {
      const factor = this.lrLambdas[i]!(this.lastEpoch);
      if (typeof factor !== 'number' || Number.isNaN(factor)) throw new Error(`LambdaLR: lrLambda ${i} returned ${String(factor)} at epoch ${this.lastEpoch}`);
      return base * factor;
    });
  }
}

/**
 * Multiplies the lr by `gamma` every `stepSize` epochs: lr = initial lr * gamma^floor(epoch / stepSize).
 *
 * ```ts
 * const sched = new optim.StepLR(opt, { stepSize: 30, gamma: 0.1 });
 * ```
 */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;

  constructor(optimizer: Optimizer, options: { stepSize: number; gamma?: number }, lastEpoch = -1) {
    super(optimizer, lastEpoch);
    const { stepSize, gamma = 0.1 } = options ?? {};
    checkInteger('StepLR', 'stepSize', stepSize, 1);
    checkFinite('StepLR', 'gamma', gamma);
    this.stepSize = stepSize;
    this.gamma = gamma;
    this.initialStep();
  }

  protected computeLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.currentLrs();
    return this.currentLrs().map((lr) => lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => base * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}

/**
 * Multiplies the lr by `gamma` at each milestone epoch (a milestone listed twice counts twice).
 *
 * ```ts
 * const sched = new optim.MultiStepLR(opt, { milestones: [30, 80], gamma: 0.1 });
 * ```
 */
export class MultiStepLR extends LRScheduler {
  /** Sorted. */
  milestones: number[];
  gamma: number;

  constructor(optimizer: Optimizer, options: { milestones: readonly number[]; gamma?: number }, lastEpoch = -1) {
    super(optimizer, lastEpoch);
    const { milestones, gamma = 0.1 } = options ?? {};
    if (!Array.isArray(milestones)) throw new Error(`MultiStepLR: milestones must be an array of epochs, got ${typeof milestones}`);
    milestones.forEach((m, i) => checkInteger('MultiStepLR', `milestones[${i}]`, m, 0));
    checkFinite('MultiStepLR', 'gamma', gamma);
    this.milestones = [...milestones].sort((a, b) => a - b);
    this.gamma = gamma;
    this.initialStep();
  }

  protected computeLr(): number[] {
    const hits = this.milestones.filter((m) => m === this.lastEpoch).length;
    if (hits === 0) return this.currentLrs();
    return this.currentLrs().map((lr) => lr * this.gamma ** hits);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => base * this.gamma ** bisectRight(this.milestones, this.lastEpoch));
  }
}

/**
 * Multiplies the lr by `gamma` every epoch: lr = initial lr * gamma^epoch.
 *
 * ```ts
 * const sched = new optim.ExponentialLR(opt, { gamma: 0.95 });
 * ```
 */
export class ExponentialLR extends LRScheduler {
  gamma: number;

  constructor(optimizer: Optimizer, options: { gamma: number }, lastEpoch = -1) {
    super(optimizer, lastEpoch);
    checkFinite('ExponentialLR', 'gamma', options?.gamma);
    this.gamma = options.gamma;
    this.initialStep();
  }

  protected computeLr(): number[] {
    if (this.isInitial) return this.currentLrs();
    return this.currentLrs().map((lr) => lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => base * this.gamma ** this.lastEpoch);
  }
}

/**
 * Scales the lr by a factor that moves linearly from `startFactor` (default 1/3) to `endFactor`
 * (default 1) over `totalIters` steps (default 5), then stays: a linear warm-up by default.
 *
 * ```ts
 * const warmup = new optim.LinearLR(opt, { startFactor: 0.1, totalIters: 500 }); // step per batch
 * ```
 */
export class LinearLR extends LRScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;

  constructor(optimizer: Optimizer, options: { startFactor?: number; endFactor?: number; totalIters?: number } = {}, lastEpoch = -1) {
    super(optimizer, lastEpoch);
    const { startFactor = 1 / 3, endFactor = 1, totalIters = 5 } = options ?? {};
    if (typeof startFactor !== 'number' || !(startFactor > 0 && startFactor <= 1)) {
      throw new Error(`LinearLR: startFactor must be in (0, 1], got ${String(startFactor)}`);
    }
    checkUnit('LinearLR', 'endFactor', endFactor, true);
    checkInteger('LinearLR', 'totalIters', totalIters, 1);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.initialStep();
  }

  protected computeLr(): number[] {
    const { startFactor: s, endFactor: e, totalIters: n } = this;
    if (this.lastEpoch === 0) return this.currentLrs().map((lr) => lr * s);
    if (this.isInitial || this.lastEpoch > n) return this.currentLrs();
    // The ratio of consecutive factors: (s + (e - s) t / n) / (s + (e - s)(t - 1) / n).
    return this.currentLrs().map((lr) => lr * (1 + (e - s) / (n * s + (this.lastEpoch - 1) * (e - s))));
  }

  protected override closedFormLr(): number[] {
    const { startFactor: s, endFactor: e, totalIters: n } = this;
    return this.baseLrs.map((base) => base * (s + ((e - s) * Math.min(n, this.lastEpoch)) / n));
  }
}

/**
 * Cosine annealing from the initial lr down to `etaMin` over `TMax` steps (SGDR of Loshchilov &
 * Hutter 2017 without the restarts): lr_t = etaMin + (initial - etaMin)(1 + cos(pi t / TMax)) / 2.
 * Past TMax the cosine continues (the lr climbs back), as in PyTorch.
 *
 * Computed in PyTorch's recursive (chainable) form, lr_t = etaMin + (lr_{t-1} - etaMin) *
 * (1 + cos(pi t / TMax)) / (1 + cos(pi (t - 1) / TMax)), which equals the closed form when nothing
 * else changes the lr (up to rounding); `step(epoch)` uses the closed form.
 *
 * ```ts
 * const sched = new optim.CosineAnnealingLR(opt, { TMax: 100, etaMin: 1e-5 });
 * ```
 */
export class CosineAnnealingLR extends LRScheduler {
  TMax: number;
  etaMin: number;

  constructor(optimizer: Optimizer, options: { TMax: number; etaMin?: number }, lastEpoch = -1) {
    super(optimizer, lastEpoch);
    const { TMax, etaMin = 0 } = options ?? {};
    checkPositive('CosineAnnealingLR', 'TMax', TMax);
    checkFinite('CosineAnnealingLR', 'etaMin', etaMin);
    this.TMax = TMax;
    this.etaMin = etaMin;
    this.initialStep();
  }

  protected computeLr(): number[] {
    const { TMax: T, etaMin, lastEpoch: t } = this;
    if (this.isInitial) return this.currentLrs();
    if ((t - 1 - T) % (2 * T) === 0) {
      // The step just after a minimum, where the ratio below would divide by 1 + cos(pi) = 0.
      return this.currentLrs().map((lr, i) => lr + ((this.baseLrs[i]! - etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    const ratio = (1 + Math.cos((Math.PI * t) / T)) / (1 + Math.cos((Math.PI * (t - 1)) / T));
    return this.currentLrs().map((lr) => ratio * (lr - etaMin) + etaMin);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / this.TMax))) / 2);
  }
}
