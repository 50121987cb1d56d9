/** EarlyStopping: stop when a monitored log has stopped improving. */
import { noGrad } from '../../autograd/grad-mode.js';
import type { Module, StateDict } from '../../nn/module.js';
import type { Callback, TrainState } from '../types.js';
import { Monitor, type MonitorOptions } from './monitor.js';

export interface EarlyStoppingOptions extends MonitorOptions {
  /** Epochs without improvement to wait before stopping (default 0: stop at the first). */
  patience?: number;
  /** A value the monitored log must beat for the wait to restart (default none). */
  baseline?: number;
  /** Put back the weights of the best epoch when training ends (default false). */
  restoreBestWeights?: boolean;
}

/** A deep copy of a model's state dict (parameters and persistent buffers). */
export function copyStateDict(model: Module): StateDict {
  return noGrad(() => Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, t.clone()])));
}

/**
 * Stops training once the monitored log has not improved (by more than `minDelta`) for `patience`
 * epochs, with Keras' rules: the wait restarts only when a value beats both the best so far and
 * `baseline`. With `restoreBestWeights`, a copy of the weights is kept at each best epoch and put
 * back when training ends, whether it stopped early or ran all its epochs (so the model leaving fit
 * is the best one seen).
 *
 * ```ts
 * const stop = new train.EarlyStopping({ monitor: 'val_loss', patience: 3, restoreBestWeights: true });
 * await train.fit(model, { ..., callbacks: [stop] });
 * stop.stoppedEpoch; // the epoch index it stopped after, or -1
 * ```
 */
export class EarlyStopping implements Callback {
  readonly patience: number;
  readonly baseline: number | null;
  readonly restoreBestWeights: boolean;
  private readonly watch: Monitor;
  /** The best monitored value so far. */
  best = NaN;
  /** The epoch index of the best value (-1 before any). */
  bestEpoch = -1;
  /** The epoch index training was stopped after (-1 when it was not). */
  stoppedEpoch = -1;
  /** Epochs since the last improvement. */
  wait = 0;
  private bestWeights: StateDict | null = null;

  constructor(options: EarlyStoppingOptions = {}) {
    const op = 'EarlyStopping';
    this.watch = new Monitor(op, options);
    const { patience = 0, baseline, restoreBestWeights = false } = options;
    if (!Number.isInteger(patience) || patience < 0) throw new Error(`${op}: patience must be an integer >= 0, got ${String(patience)}`);
    if (baseline !== undefined && (typeof baseline !== 'number' || Number.isNaN(baseline))) throw new Error(`${op}: baseline must be a number, got ${String(baseline)}`);
    if (typeof restoreBestWeights !== 'boolean') throw new Error(`${op}: restoreBestWeights must be true or false, got ${String(restoreBestWeights)}`);
    this.patience = patience;
    this.baseline = baseline ?? null;
    this.restoreBestWeights = restoreBestWeights;
  }

  /** The monitored log's name. */
  get monitor(): string {
    return this.watch.monitor;
  }

  onTrainBegin(): void {
    this.best = this.watch.worst();
    this.bestEpoch = -1;
    this.stoppedEpoch = -1;
    this.wait = 0;
    this.bestWeights = null;
  }

  onEpochEnd(state: TrainState): void {
    const current = this.watch.value(state.logs);
    this.wait += 1;
    if (this.watch.improves(current, this.best)) {
      this.best = current;
      this.bestEpoch = state.epoch;
      if (this.restoreBestWeights) this.bestWeights = copyStateDict(state.model);
      if (this.baseline === null || this.watch.improves(current, this.baseline)) this.wait = 0;
      return;
    }
    // Keep the first epoch's weights, so there is something to restore even if nothing improves.
    if (this.restoreBestWeights && this.bestWeights === null) this.bestWeights = copyStateDict(state.model);
    if (this.wait >= this.patience) {
      this.stoppedEpoch = state.epoch;
      state.stopTraining = true;
    }
  }

  onTrainEnd(state: TrainState): void {
    if (this.restoreBestWeights && this.bestWeights !== null) state.model.loadStateDict(this.bestWeights);
  }
}
