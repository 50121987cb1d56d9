/** Schedules that cycle: cosine annealing with warm restarts (SGDR) and the one-cycle policy. */
import type { Optimizer } from './optimizer.js';
import { checkBoolean, checkChoice, checkFinite, checkInteger, checkPositive, checkUnit } from './check.js';
import { LRScheduler, checkOptimizer, perGroup } from './lr-scheduler.js';

/**
 * Cosine annealing with warm restarts (SGDR, Loshchilov & Hutter 2017): within a cycle of T_i
 * epochs, lr = etaMin + (initial - etaMin)(1 + cos(pi T_cur / T_i)) / 2; the first cycle lasts
 * `T0` epochs and each next one `TMult` times longer. `step()` advances one epoch; `step(epoch)`
 * accepts fractional epochs, to anneal within an epoch batch by batch:
 *
 * ```ts
 * const sched = new optim.CosineAnnealingWarmRestarts(opt, { T0: 10, TMult: 2 });
 * for (let epoch = 0; epoch < 70; epoch++)
 *   for (let i = 0; i < itersPerEpoch; i++) { train(); sched.step(epoch + i / itersPerEpoch); }
 * ```
 *
 * The cycle of a fractional epoch is found exactly (PyTorch takes a floating logarithm, which can
 * land one cycle early right at a restart).
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  T0: number;
  Ti: number;
  TMult: number;
  etaMin: number;
  TCur: number;

  constructor(optimizer: Optimizer, options: { T0: number; TMult?: number; etaMin?: number }, lastEpoch = -1) {
    super(optimizer, lastEpoch);
    const { T0, TMult = 1, etaMin = 0 } = options ?? {};
    checkInteger('CosineAnnealingWarmRestarts', 'T0', T0, 1);
    checkInteger('CosineAnnealingWarmRestarts', 'TMult', TMult, 1);
    checkFinite('CosineAnnealingWarmRestarts', 'etaMin', etaMin);
    this.T0 = T0;
    this.Ti = T0;
    this.TMult = TMult;
    this.etaMin = etaMin;
    this.TCur = lastEpoch;
    this.initialStep();
  }

  protected computeLr(): number[] {
    return this.baseLrs.map((base) => this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * this.TCur) / this.Ti))) / 2);
  }

  override step(epoch?: number): void {
    this.stepCount += 1;
    if (epoch === undefined && this.lastEpoch < 0) epoch = 0;
    if (epoch === undefined) {
      epoch = this.lastEpoch + 1;
      this.TCur += 1;
      if (this.TCur >= this.Ti) {
        this.TCur -= this.Ti;
        this.Ti *= this.TMult;
      }
    } else {
      if (typeof epoch !== 'number' || !Number.isFinite(epoch) || epoch < 0) {
        throw new Error(`CosineAnnealingWarmRestarts: epoch must be a finite number >= 0, got ${String(epoch)}`);
      }
      if (epoch >= this.T0 && this.TMult === 1) {
        this.TCur = epoch % this.T0;
        this.Ti = this.T0;
      } else if (epoch >= this.T0) {
        // Cycle n starts at T0 (TMult^n - 1) / (TMult - 1) and lasts T0 TMult^n.
        let n = 0;
        let start = 0;
        let length = this.T0;
        while (start + length <= epoch) {
          start += length;
          length *= this.TMult;
          n++;
        }
        this.TCur = epoch - start;
        this.Ti = length;
      } else {
        this.Ti = this.T0;
        this.TCur = epoch;
      }
    }
    this.lastEpoch = Math.floor(epoch);
    this.setLrs(this.computeLr());
  }
}

export interface OneCycleLROptions {
  /** The peak lr, or one per parameter group. */
  maxLr: number | readonly number[];
  /** The number of steps in the cycle; or give epochs and stepsPerEpoch. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** The fraction of the cycle spent increasing the lr (default 0.3). */
  pctStart?: number;
  /** 'cos' (default) or 'linear' annealing. */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle the momentum (or Adam's beta1) inversely to the lr (default true). */
  cycleMomentum?: boolean;
  /** The momentum at the lr's peak (default 0.85). */
  baseMomentum?: number | readonly number[];
  /** The momentum at the start and end (default 0.95). */
  maxMomentum?: number | readonly number[];
  /** initial lr = maxLr / divFactor (default 25). */
  divFactor?: number;
  /** min lr = initial lr / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  /** Three phases as in Smith's paper (up, down to the initial lr, then annihilate) instead of fastai's two. */
  threePhase?: boolean;
}

type LrKey = 'initial' | 'max' | 'min';
type MomentumKey = 'max' | 'base';
interface Phase {
  endStep: number;
  startLr: LrKey;
  endLr: LrKey;
  startMomentum: MomentumKey;
  endMomentum: MomentumKey;
}

/** Sets every group's initialLr to maxLr / divFactor before the base constructor reads it. */
function prepareOneCycle(optimizer: Optimizer, options: OneCycleLROptions, lastEpoch: number): Optimizer {
  checkOptimizer('OneCycleLR', optimizer);
  if (options === null || typeof options !== 'object') throw new Error('OneCycleLR: options { maxLr, totalSteps | epochs and stepsPerEpoch, ... } are required');
  const { maxLr, divFactor = 25 } = options;
  checkPositive('OneCycleLR', 'divFactor', divFactor);
  const maxLrs = perGroup('OneCycleLR', 'maxLr', maxLr, optimizer.paramGroups.length);
  if (lastEpoch === -1) optimizer.paramGroups.forEach((g, i) => (g.initialLr = maxLrs[i]! / divFactor));
  return optimizer;
}

/**
 * The 1cycle policy (Smith & Topin 2017, "Super-Convergence"), stepped once per batch: the lr rises
 * from maxLr / divFactor to maxLr over the first pctStart of the steps, then anneals to
 * initial / finalDivFactor; the momentum moves the opposite way between maxMomentum and
 * baseMomentum (for optimizers with `betas`, beta1 cycles). With `threePhase` the lr comes back
 * down to the initial lr symmetrically, then to the minimum.
 *
 * ```ts
 * const sched = new optim.OneCycleLR(opt, { maxLr: 0.1, epochs: 10, stepsPerEpoch: loader.length });
 * ```
 */
export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  phases: Phase[];
  annealStrategy: 'cos' | 'linear';
  cycleMomentum: boolean;
  useBeta1: boolean;
  maxLrs: number[];
  minLrs: number[];
  maxMomentums: number[];
  baseMomentums: number[];

  constructor(optimizer: Optimizer, options: OneCycleLROptions, lastEpoch = -1) {
    super(prepareOneCycle(optimizer, options, lastEpoch), lastEpoch);
    const op = 'OneCycleLR';
    const n = optimizer.paramGroups.length;
    const {
      maxLr, totalSteps, epochs, stepsPerEpoch, pctStart = 0.3, annealStrategy = 'cos', cycleMomentum = true,
      baseMomentum = 0.85, maxMomentum = 0.95, finalDivFactor = 1e4, threePhase = false,
    } = options;
    if (totalSteps !== undefined) {
      checkInteger(op, 'totalSteps', totalSteps, 1);
      this.totalSteps = totalSteps;
    } else if (epochs !== undefined && stepsPerEpoch !== undefined) {
      checkInteger(op, 'epochs', epochs, 1);
      checkInteger(op, 'stepsPerEpoch', stepsPerEpoch, 1);
      this.totalSteps = epochs * stepsPerEpoch;
    } else {
      throw new Error(`${op}: give totalSteps, or both epochs and stepsPerEpoch`);
    }
    checkUnit(op, 'pctStart', pctStart, true);
    checkChoice(op, 'annealStrategy', annealStrategy, ['cos', 'linear'] as const);
    checkBoolean(op, 'cycleMomentum', cycleMomentum);
    checkPositive(op, 'finalDivFactor', finalDivFactor);
    checkBoolean(op, 'threePhase', threePhase);
    const T = this.totalSteps;
    this.phases = threePhase
      ? [
          { endStep: pctStart * T - 1, startLr: 'initial', endLr: 'max', startMomentum: 'max', endMomentum: 'base' },
          { endStep: 2 * pctStart * T - 2, startLr: 'max', endLr: 'initial', startMomentum: 'base', endMomentum: 'max' },
          { endStep: T - 1, startLr: 'initial', endLr: 'min', startMomentum: 'max', endMomentum: 'max' },
        ]
      : [
          { endStep: pctStart * T - 1, startLr: 'initial', endLr: 'max', startMomentum: 'max', endMomentum: 'base' },
          { endStep: T - 1, startLr: 'max', endLr: 'min', startMomentum: 'base', endMomentum: 'max' },
        ];
    this.annealStrategy = annealStrategy;
    this.maxLrs = perGroup(op, 'maxLr', maxLr, n);
    this.minLrs = this.baseLrs.map((lr) => lr / finalDivFactor);
    this.cycleMomentum = cycleMomentum;
    const defaults = optimizer.defaults as unknown as Record<string, unknown>;
    this.useBeta1 = 'betas' in defaults;
    this.maxMomentums = perGroup(op, 'maxMomentum', maxMomentum, n);
    this.baseMomentums = perGroup(op, 'baseMomentum', baseMomentum, n);
    if (cycleMomentum) {
      if (!('momentum' in defaults) && !this.useBeta1) {
        throw new Error(`${op}: cycleMomentum needs an optimizer with a momentum or betas option, ${optimizer.constructor.name} has neither; pass cycleMomentum: false`);
      }
      if (lastEpoch === -1) this.maxMomentums.forEach((m, i) => this.setMomentum(i, m));
    }
    this.initialStep();
  }

  private setMomentum(i: number, m: number): void {
    const group = this.optimizer.paramGroups[i] as unknown as Record<string, unknown>;
    if (this.useBeta1) group['betas'] = [m, (group['betas'] as readonly number[])[1]];
    else group['momentum'] = m;
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'linear') return (end - start) * pct + start;
    return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  }

  protected computeLr(): number[] {
    const t = this.lastEpoch;
    if (t > this.totalSteps) throw new Error(`OneCycleLR: tried to step ${t} times; totalSteps is ${this.totalSteps}`);
    return this.optimizer.paramGroups.map((_, i) => {
      const lrs: Record<LrKey, number> = { initial: this.baseLrs[i]!, max: this.maxLrs[i]!, min: this.minLrs[i]! };
      const moms: Record<MomentumKey, number> = { max: this.maxMomentums[i]!, base: this.baseMomentums[i]! };
      let start = 0;
      for (const [k, phase] of this.phases.entries()) {
        if (t <= phase.endStep || k === this.phases.length - 1) {
          // A phase can be empty when totalSteps is tiny (pctStart * totalSteps < 1): it is then at
          // its end, rather than dividing 0 by 0 into a NaN learning rate.
          const span = phase.endStep - start;
          const pct = span > 0 ? (t - start) / span : 1;
          if (this.cycleMomentum) this.setMomentum(i, this.anneal(moms[phase.startMomentum], moms[phase.endMomentum], pct));
          return this.anneal(lrs[phase.startLr], lrs[phase.endLr], pct);
        }
        start = phase.endStep;
      }
      throw new Error('OneCycleLR: unreachable');
    });
  }
}
