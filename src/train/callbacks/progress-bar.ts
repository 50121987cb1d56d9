/** ProgressBar: a Keras-style progress line per epoch. */
import type { Callback, TrainState } from '../types.js';

/** A writable text stream; `isTTY` decides between redrawing one line and printing plain lines. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressBarOptions {
  /** Where to write (default process.stdout). */
  stream?: ProgressStream;
  /** Characters in the bar (default 30). */
  width?: number;
  /** On a TTY, the least time between redraws in ms (default 100; the last batch always draws). */
  minIntervalMs?: number;
  /** Off a TTY, print a line each time this fraction of the epoch more is done (default 0.1). */
  plainFraction?: number;
  /** The clock in ms (default performance.now), for tests. */
  clock?: () => number;
}

/** A log value: 4 decimals in a readable range, scientific otherwise. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a === 0 || (a >= 1e-3 && a < 1e5) ? v.toFixed(4) : v.toExponential(3);
}

/** Seconds as '42s', '3m07s' or '1h02m'. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Shows each epoch's progress: a header `Epoch 3/10`, then `step/total [=====>....] - ETA - loss -
 * metrics - samples/s`, and at the epoch's end a summary with the validation logs and the time. On
 * a TTY one line is redrawn in place with '\r'; elsewhere (a log file, CI) a plain line is printed
 * every `plainFraction` of the epoch and at its end. `fit({ verbose: true })` adds one on stdout.
 *
 * ```ts
 * await train.fit(model, { ..., callbacks: [new train.ProgressBar({ stream: process.stderr })] });
 * ```
 */
export class ProgressBar implements Callback {
  private readonly stream: ProgressStream;
  private readonly width: number;
  private readonly minIntervalMs: number;
  private readonly plainFraction: number;
  private readonly clock: () => number;
  private epochStart = 0;
  private lastDraw = -Infinity;
  private nextPlain = 0;
  private drawn = false;

  constructor(options: ProgressBarOptions = {}) {
    const { width = 30, minIntervalMs = 100, plainFraction = 0.1 } = options;
    if (!Number.isInteger(width) || width < 1) throw new Error(`ProgressBar: width must be a positive integer, got ${String(width)}`);
    if (typeof minIntervalMs !== 'number' || !(minIntervalMs >= 0)) throw new Error(`ProgressBar: minIntervalMs must be a number >= 0, got ${String(minIntervalMs)}`);
    if (typeof plainFraction !== 'number' || !(plainFraction > 0 && plainFraction <= 1)) throw new Error(`ProgressBar: plainFraction must be in (0, 1], got ${String(plainFraction)}`);
    this.stream = options.stream ?? process.stdout;
    this.width = width;
    this.minIntervalMs = minIntervalMs;
    this.plainFraction = plainFraction;
    this.clock = options.clock ?? (() => performance.now());
  }

  private get tty(): boolean {
    return this.stream.isTTY === true;
  }

  onEpochBegin(state: TrainState): void {
    this.stream.write(`Epoch ${state.epoch + 1}/${state.epochs}\n`);
    this.epochStart = this.clock();
    this.lastDraw = -Infinity;
    this.nextPlain = this.plainFraction;
    this.drawn = false;
  }

  onBatchEnd(state: TrainState): void {
    const done = state.batch + 1;
    const total = state.batchesPerEpoch;
    const now = this.clock();
    if (this.tty) {
      if (now - this.lastDraw < this.minIntervalMs && done !== total) return;
      this.lastDraw = now;
      this.stream.write(`\r${this.progressLine(state, now)}\x1b[K`);
      this.drawn = true;
      return;
    }
    // Plain output: a line at each plainFraction of a known total, except the last (the summary covers it).
    if (total === null || total === 0 || done >= total || done / total < this.nextPlain - 1e-12) return;
    while (done / total >= this.nextPlain - 1e-12) this.nextPlain += this.plainFraction;
    this.stream.write(`${this.progressLine(state, now)}\n`);
  }

  onEpochEnd(state: TrainState): void {
    const seconds = (this.clock() - this.epochStart) / 1000;
    const batches = state.batch + 1;
    const total = state.batchesPerEpoch ?? batches;
    const parts = [`${counter(batches, total)} ${this.bar(batches, total)}`, formatDuration(seconds)];
    for (const [k, v] of Object.entries(state.logs)) if (k !== 'epoch' && k !== 'time') parts.push(`${k}: ${formatValue(v)}`);
    this.stream.write(`${this.tty && this.drawn ? '\r' : ''}${parts.join(' - ')}${this.tty ? '\x1b[K' : ''}\n`);
  }

  private progressLine(state: TrainState, now: number): string {
    const done = state.batch + 1;
    const total = state.batchesPerEpoch;
    const elapsed = (now - this.epochStart) / 1000;
    const parts: string[] = [];
    if (total !== null) {
      parts.push(`${counter(done, total)} ${this.bar(done, total)}`);
      parts.push(`ETA ${formatDuration(done > 0 ? (elapsed / done) * (total - done) : NaN)}`);
    } else {
      parts.push(`${done}`);
    }
    parts.push(`loss: ${formatValue(state.logs['loss'] ?? NaN)}`);
    for (const [k, v] of Object.entries(state.currentMetrics())) parts.push(`${k}: ${formatValue(v)}`);
    if (elapsed > 0) parts.push(`${Math.round(state.samplesSeen / elapsed)} samples/s`);
    return parts.join(' - ');
  }

  private bar(done: number, total: number): string {
    const filled = total === 0 ? this.width : Math.min(this.width, Math.floor((done / total) * this.width));
    const head = filled < this.width ? '>' : '';
    return `[${'='.repeat(filled)}${head}${'.'.repeat(Math.max(0, this.width - filled - head.length))}]`;
  }
}

/** 'done/total' with done padded to total's width, so the bar does not jitter. */
function counter(done: number, total: number): string {
  return `${String(done).padStart(String(total).length)}/${total}`;
}
