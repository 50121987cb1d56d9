/** ModelCheckpoint: save training checkpoints (or weights) during fit. */
import fs from 'node:fs';
import nodePath from 'node:path';
import { saveCheckpoint, saveModel, type StatefulScheduler } from '../../io/checkpoint.js';
import type { Callback, TrainState } from '../types.js';
import { Monitor, type MonitorOptions } from './monitor.js';
import { allFinite } from './nan-guard.js';

export interface ModelCheckpointOptions extends MonitorOptions {
  /** A folder for `best.safetensors` and `last.safetensors` (created when missing). */
  dir?: string;
  /**
   * A file template for per-epoch files: `{epoch}` (epochs completed, from 1), `{step}`, or any log
   * (`{val_loss}`), each with an optional format: `{epoch:03d}`, `{val_loss:.4f}`, `{loss:.2e}`.
   */
  path?: string;
  /** Write template files only when the monitored log improves (default false). */
  saveBestOnly?: boolean;
  /** Write `best.safetensors` in `dir` whenever the monitored log improves (default true with dir). */
  saveBest?: boolean;
  /** Write `last.safetensors` in `dir` (default true with dir). */
  saveLast?: boolean;
  /** Write template files and `last` every this many epochs (default 1); `last` also after the final epoch. */
  every?: number;
  /** Save only the model's weights (io.saveModel) instead of full checkpoints (io.saveCheckpoint). */
  weightsOnly?: boolean;
  /** The best value to beat at the start (a resumed run: the `best` in its checkpoint's extra). */
  initialBest?: number;
}

/** Fills a path template from a map of values; an unknown name is an error. */
export function formatTemplate(template: string, values: Record<string, number>): string {
  return template.replace(/\{([A-Za-z_][\w]*)(?::([^}]*))?\}/g, (_, name: string, format: string | undefined) => {
    const v = values[name];
    if (v === undefined) throw new Error(`ModelCheckpoint: the path template names '{${name}}', which is not among ${Object.keys(values).join(', ')}`);
    if (format === undefined || format === '') return String(v);
    const m = /^(0?)(\d*)(?:\.(\d+))?([dfe])$/.exec(format);
    if (m === null) throw new Error(`ModelCheckpoint: unknown format '${format}' in the path template (use e.g. 03d, .4f, .2e)`);
    const [, zero, width, precision, kind] = m;
    let text = kind === 'd' ? String(Math.round(v)) : kind === 'f' ? v.toFixed(Number(precision ?? 6)) : v.toExponential(Number(precision ?? 6));
    const w = Number(width || 0);
    if (text.length < w) text = zero === '0' && !text.startsWith('-') ? text.padStart(w, '0') : text.padStart(w, ' ');
    return text;
  });
}

/**
 * Saves checkpoints as training goes: `best` and `last` files in `dir`, and/or per-epoch files from
 * a `path` template. A checkpoint (io.saveCheckpoint) holds the model, optimizer, scheduler (when it
 * has a state dict), the RNG state, `epoch` = epochs completed and `step` = optimizer steps taken,
 * and in `extra` the monitor, its best value and the epoch's logs; so a run continues with
 * `loadCheckpoint(...)` and `fit(..., { initialEpoch: epoch, initialStep: step })` (and
 * `initialBest: extra.best` here). With `weightsOnly`, files hold the weights alone (io.saveModel).
 * Nothing is written while the model has non-finite weights (listed in `skipped` instead).
 *
 * ```ts
 * const ckpt = new train.ModelCheckpoint({ dir: 'runs/a', monitor: 'val_accuracy' });
 * new train.ModelCheckpoint({ path: 'runs/a/epoch{epoch:03d}-{val_loss:.3f}.safetensors', every: 5 });
 * ```
 */
export class ModelCheckpoint implements Callback {
  readonly dir: string | null;
  readonly path: string | null;
  readonly saveBestOnly: boolean;
  readonly saveBest: boolean;
  readonly saveLast: boolean;
  readonly every: number;
  readonly weightsOnly: boolean;
  private readonly watch: Monitor;
  /** The best monitored value so far. */
  best = NaN;
  /** The files written, in order (a file written twice is listed twice). */
  readonly saved: string[] = [];
  /** Files not written because the model had non-finite weights, in order. */
  readonly skipped: string[] = [];
  private readonly initialBest: number | null;
  private lastSavedEpoch = -1;

  constructor(options: ModelCheckpointOptions) {
    const op = 'ModelCheckpoint';
    if (options === null || typeof options !== 'object') throw new Error(`${op}: expected options { dir } or { path }`);
    const { dir, path, saveBestOnly = false, every = 1, weightsOnly = false } = options;
    if (dir === undefined && path === undefined) throw new Error(`${op}: give dir (for best/last files) and/or path (a per-epoch file template)`);
    for (const [key, v] of [['dir', dir], ['path', path]] as const) {
      if (v !== undefined && (typeof v !== 'string' || v === '')) throw new Error(`${op}: ${key} must be a non-empty string, got ${String(v)}`);
    }
    if (!Number.isInteger(every) || every < 1) throw new Error(`${op}: every must be a positive integer, got ${String(every)}`);
    this.watch = new Monitor(op, options);
    this.dir = dir ?? null;
    this.path = path ?? null;
    this.saveBestOnly = saveBestOnly === true;
    this.saveBest = options.saveBest ?? dir !== undefined;
    this.saveLast = options.saveLast ?? dir !== undefined;
    if ((this.saveBest || this.saveLast) && this.dir === null) throw new Error(`${op}: saveBest and saveLast need dir`);
    this.every = every;
    this.weightsOnly = weightsOnly === true;
    const { initialBest } = options;
    if (initialBest !== undefined && (typeof initialBest !== 'number' || Number.isNaN(initialBest))) throw new Error(`${op}: initialBest must be a number, got ${String(initialBest)}`);
    this.initialBest = initialBest ?? null;
  }

  /** Where `best` is written (null without dir). */
  get bestPath(): string | null {
    return this.dir === null ? null : nodePath.join(this.dir, 'best.safetensors');
  }

  /** Where `last` is written (null without dir). */
  get lastPath(): string | null {
    return this.dir === null ? null : nodePath.join(this.dir, 'last.safetensors');
  }

  onTrainBegin(): void {
    this.best = this.initialBest ?? this.watch.worst();
    this.lastSavedEpoch = -1;
  }

  onEpochEnd(state: TrainState): void {
    const needsMonitor = this.saveBest || this.saveBestOnly;
    const current = needsMonitor ? this.watch.value(state.logs) : NaN;
    const improved = needsMonitor && this.watch.improves(current, this.best);
    if (improved) this.best = current;
    const completed = state.epoch + 1;
    const periodic = completed % this.every === 0;
    if (this.path !== null && periodic && (!this.saveBestOnly || improved)) {
      this.write(formatTemplate(this.path, { ...state.logs, epoch: completed, step: state.step }), state);
    }
    if (improved && this.saveBest) this.write(this.bestPath!, state);
    if (periodic && this.saveLast) {
      this.write(this.lastPath!, state);
      this.lastSavedEpoch = state.epoch;
    }
  }

  onTrainEnd(state: TrainState): void {
    // The final epoch's state always lands in `last`, whatever `every` says.
    const finished = state.history.epochs.at(-1)?.['epoch'];
    if (this.saveLast && finished !== undefined && finished !== this.lastSavedEpoch) this.write(this.lastPath!, state);
  }

  private write(file: string, state: TrainState): void {
    // Weights gone NaN (a diverged run NaNGuard stopped) must not replace the last good checkpoint.
    if (!state.model.parameters().every((p) => allFinite(p))) {
      this.skipped.push(file);
      return;
    }
    fs.mkdirSync(nodePath.dirname(file), { recursive: true });
    if (this.weightsOnly) {
      saveModel(file, state.model, { epoch: String(state.epoch + 1), step: String(state.step) });
    } else {
      const s = state.scheduler as Partial<StatefulScheduler> | null;
      const scheduler = s !== null && typeof s.stateDict === 'function' && typeof s.loadStateDict === 'function' ? (s as StatefulScheduler) : undefined;
      saveCheckpoint(file, {
        model: state.model,
        optimizer: state.optimizer,
        scheduler,
        epoch: state.epoch + 1,
        step: state.step,
        extra: { monitor: this.watch.monitor, best: this.best, logs: { ...state.logs } },
      });
    }
    this.saved.push(file);
  }
}
