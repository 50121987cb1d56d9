/**
 * A watched log value (EarlyStopping, ModelCheckpoint): which log, which direction is better, and by
 * how much a value must beat the best to count as an improvement.
 */

/** Logs whose larger values are better; everything else (losses, errors) is better smaller. */
const HIGHER_IS_BETTER = /(^|_)(acc|accuracy|auc|roc_auc|f1|precision|recall|r2|top_?\d+)(_|$)/;

/** The direction 'auto' picks for a log name: 'max' for accuracies and scores, 'min' otherwise. */
export function autoMode(name: string): 'min' | 'max' {
  return HIGHER_IS_BETTER.test(name) ? 'max' : 'min';
}

export interface MonitorOptions {
  /** The log to watch (default 'val_loss' when the logs have it, else 'loss'). */
  monitor?: string;
  /** 'min', 'max', or 'auto' (default: from the name, see autoMode). */
  mode?: 'min' | 'max' | 'auto';
  /** The least change that counts as an improvement (default 0). */
  minDelta?: number;
}

/** A checked monitor: the value in an epoch's logs, and whether it improves on the best. */
export class Monitor {
  private name: string | null;
  private mode: 'min' | 'max' | 'auto';
  readonly minDelta: number;

  constructor(private readonly op: string, options: MonitorOptions) {
    const { monitor, mode = 'auto', minDelta = 0 } = options;
    if (monitor !== undefined && (typeof monitor !== 'string' || monitor === '')) throw new Error(`${op}: monitor must be a log name such as 'val_loss', got ${String(monitor)}`);
    if (!['min', 'max', 'auto'].includes(mode)) throw new Error(`${op}: mode must be 'min', 'max' or 'auto', got ${String(mode)}`);
    if (typeof minDelta !== 'number' || !(minDelta >= 0) || !Number.isFinite(minDelta)) throw new Error(`${op}: minDelta must be a number >= 0, got ${String(minDelta)}`);
    this.name = monitor ?? null;
    this.mode = mode;
    this.minDelta = minDelta;
  }

  /** The watched log's name (after the first `value()` call when it was left to default). */
  get monitor(): string {
    return this.name ?? 'val_loss';
  }

  /** 'min' or 'max', resolved. */
  get direction(): 'min' | 'max' {
    return this.mode === 'auto' ? autoMode(this.monitor) : this.mode;
  }

  /** The watched value in `logs`; an error lists the logs when it is missing. */
  value(logs: Record<string, number>): number {
    if (this.name === null) this.name = 'val_loss' in logs ? 'val_loss' : 'loss';
    const v = logs[this.name];
    if (typeof v !== 'number') throw new Error(`${this.op}: monitor '${this.name}' is not among the epoch's logs (${Object.keys(logs).join(', ')})`);
    return v;
  }

  /** The starting "best": +Infinity when smaller is better, -Infinity otherwise. */
  worst(): number {
    return this.direction === 'min' ? Infinity : -Infinity;
  }

  /** Whether `current` beats `best` by more than minDelta (NaN never does). */
  improves(current: number, best: number): boolean {
    if (Number.isNaN(current)) return false;
    return this.direction === 'min' ? current < best - this.minDelta : current > best + this.minDelta;
  }
}
