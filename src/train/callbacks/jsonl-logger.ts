/** JSONLLogger: one JSON object per line, per epoch (and optionally per optimizer step). */
import fs from 'node:fs';
import nodePath from 'node:path';
import type { Callback, TrainState } from '../types.js';

export interface JSONLLoggerOptions {
  /** Also write a line for every optimizer step: `{ type: 'step', epoch, step, loss, lr }` (default false). */
  steps?: boolean;
  /** Append to an existing file (a resumed run) instead of replacing it (default false). */
  append?: boolean;
}

/** JSON with non-finite numbers as strings ("NaN", "Infinity"), which plain JSON would turn into null. */
function line(record: Record<string, unknown>): string {
  return JSON.stringify(record, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)) + '\n';
}

/**
 * Writes `{ "type": "epoch", "epoch": 0, "loss": ..., "val_loss": ..., "lr": ..., "time": ... }`
 * per epoch, and with `steps: true` also `{ "type": "step", "epoch", "step", "loss", "lr" }` per
 * optimizer step, one JSON object per line, appended as training runs.
 *
 * ```ts
 * new train.JSONLLogger('runs/a/log.jsonl', { steps: true });
 * ```
 */
export class JSONLLogger implements Callback {
  readonly steps: boolean;
  readonly append: boolean;
  private stepsWritten = 0;

  constructor(readonly path: string, options: JSONLLoggerOptions = {}) {
    if (typeof path !== 'string' || path === '') throw new Error(`JSONLLogger: path must be a non-empty string, got ${String(path)}`);
    this.steps = options.steps === true;
    this.append = options.append === true;
  }

  onTrainBegin(state: TrainState): void {
    fs.mkdirSync(nodePath.dirname(this.path), { recursive: true });
    if (!this.append) fs.writeFileSync(this.path, '');
    this.stepsWritten = state.history.steps.length;
  }

  onBatchEnd(state: TrainState): void {
    if (!this.steps) return;
    // Steps land in the history when the optimizer steps (every `accumulate` batches).
    const steps = state.history.steps;
    let text = '';
    for (; this.stepsWritten < steps.length; this.stepsWritten++) text += line({ type: 'step', epoch: state.epoch, ...steps[this.stepsWritten]! });
    if (text !== '') fs.appendFileSync(this.path, text);
  }

  onEpochEnd(state: TrainState): void {
    this.onBatchEnd(state); // a remainder step taken after the last batch
    fs.appendFileSync(this.path, line({ type: 'epoch', ...state.logs, epoch: state.epoch }));
  }
}
