/**
 * LearningRateScheduler: the learning rate as a function of the epoch (Keras' callback).
 *
 * Schedule objects (optim.StepLR, OneCycleLR, ReduceLROnPlateau...) are not wrapped in a callback:
 * they go in fit's `scheduler` option with `schedulerStep`, so that fit steps them at the right
 * point (after the optimizer step, or after validation with the monitored value) and checkpoints
 * save them. This callback covers the other common case, a plain function.
 */
import type { Callback, TrainState } from '../types.js';

export interface LearningRateSchedulerOptions {
  /** Call the function before every epoch (default) with (epoch, lr), or before every batch with (step, lr). */
  per?: 'epoch' | 'batch';
}

/**
 * Sets every parameter group's lr to `schedule(index, currentLr)` before each epoch (index = epoch)
 * or, with `per: 'batch'`, before each batch (index = optimizer steps taken so far).
 *
 * ```ts
 * new train.LearningRateScheduler((epoch, lr) => (epoch < 5 ? lr : lr * 0.9));
 * new train.LearningRateScheduler((step) => 1e-3 * Math.min(1, (step + 1) / 500), { per: 'batch' }); // warmup
 * ```
 */
export class LearningRateScheduler implements Callback {
  readonly per: 'epoch' | 'batch';

  constructor(private readonly schedule: (index: number, lr: number) => number, options: LearningRateSchedulerOptions = {}) {
    if (typeof schedule !== 'function') throw new Error(`LearningRateScheduler: schedule must be a function (index, lr) => lr, got ${typeof schedule}`);
    const per = options.per ?? 'epoch';
    if (per !== 'epoch' && per !== 'batch') throw new Error(`LearningRateScheduler: per must be 'epoch' or 'batch', got ${String(per)}`);
    this.per = per;
  }

  onEpochBegin(state: TrainState): void {
    if (this.per === 'epoch') this.apply(state, state.epoch);
  }

  onBatchBegin(state: TrainState): void {
    if (this.per === 'batch') this.apply(state, state.step);
  }

  private apply(state: TrainState, index: number): void {
    const groups = state.optimizer.paramGroups;
    const lr = this.schedule(index, groups[0]?.lr ?? NaN);
    if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
      throw new Error(`LearningRateScheduler: the schedule returned ${String(lr)} for ${this.per} ${index}; expected a finite number >= 0`);
    }
    for (const g of groups) g.lr = lr;
  }
}
