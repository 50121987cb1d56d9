/** CSVLogger: one CSV row per epoch. */
import fs from 'node:fs';
import nodePath from 'node:path';
import type { Callback, TrainState } from '../types.js';

export interface CSVLoggerOptions {
  /** The column separator (default ','). */
  separator?: string;
  /** Append to an existing file (a resumed run) instead of replacing it; the header is then not repeated. */
  append?: boolean;
}

/** A CSV field: numbers as JavaScript prints them (full precision), quoted when they need it. */
function field(value: unknown, separator: string): string {
  const text = value === undefined ? '' : String(value);
  return text.includes(separator) || text.includes('"') || text.includes('\n') ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Writes each epoch's logs as a CSV row (`epoch`, `loss`, metrics, `val_*`, `lr`, `time`). The
 * columns are those of the first epoch written; later logs missing a column leave it empty. Each
 * row is appended as the epoch ends, so the file is readable while training runs.
 *
 * ```ts
 * new train.CSVLogger('runs/a/log.csv', { append: true });
 * ```
 */
export class CSVLogger implements Callback {
  readonly separator: string;
  readonly append: boolean;
  private columns: string[] | null = null;

  constructor(readonly path: string, options: CSVLoggerOptions = {}) {
    if (typeof path !== 'string' || path === '') throw new Error(`CSVLogger: path must be a non-empty string, got ${String(path)}`);
    const { separator = ',', append = false } = options;
    if (typeof separator !== 'string' || separator.length !== 1 || separator === '"' || separator === '\n') {
      throw new Error(`CSVLogger: separator must be one character other than a quote or newline, got ${JSON.stringify(separator)}`);
    }
    this.separator = separator;
    this.append = append === true;
  }

  onTrainBegin(): void {
    fs.mkdirSync(nodePath.dirname(this.path), { recursive: true });
    this.columns = null;
    if (this.append && fs.existsSync(this.path)) {
      const header = fs.readFileSync(this.path, 'utf8').split('\n')[0] ?? '';
      if (header !== '') this.columns = header.split(this.separator);
    } else {
      fs.writeFileSync(this.path, '');
    }
  }

  onEpochEnd(state: TrainState): void {
    const logs = state.logs;
    if (this.columns === null) {
      this.columns = ['epoch', ...Object.keys(logs).filter((k) => k !== 'epoch')];
      fs.appendFileSync(this.path, this.columns.map((c) => field(c, this.separator)).join(this.separator) + '\n');
    }
    const row = this.columns.map((c) => field(c === 'epoch' ? state.epoch : logs[c], this.separator));
    fs.appendFileSync(this.path, row.join(this.separator) + '\n');
  }
}
