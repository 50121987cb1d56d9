/**
 * Metrics by name, for `fit({ metrics: ['accuracy', 'top5'] })`, and the check that turns fit's
 * metric list into objects.
 */
import { Accuracy, TopKAccuracy } from './metrics-accuracy.js';
import { F1Score, Precision, Recall, type Average } from './metrics-confusion.js';
import { RocAuc } from './metrics-auc.js';
import { MeanAbsoluteError, MeanSquaredError, R2Score, RootMeanSquaredError } from './metrics-regression.js';
import type { Metric } from './metric.js';

const NAMED: Record<string, () => Metric> = {
  accuracy: () => new Accuracy(),
  acc: () => new Accuracy({ name: 'acc' }),
  auc: () => new RocAuc(),
  roc_auc: () => new RocAuc({ name: 'roc_auc' }),
  mae: () => new MeanAbsoluteError(),
  mse: () => new MeanSquaredError(),
  rmse: () => new RootMeanSquaredError(),
  r2: () => new R2Score(),
};

const SCORES = { precision: Precision, recall: Recall, f1: F1Score } as const;

/** The names `metricFromName` knows, for error messages and documentation. */
export const METRIC_NAMES = [...Object.keys(NAMED), 'top<k> (top5, top1, ...)', 'precision', 'recall', 'f1', 'precision_micro', 'f1_macro', 'recall_weighted', '...'];

/**
 * A new metric object for a name: 'accuracy' (or 'acc'), 'top<k>' (top-k accuracy, e.g. 'top5'),
 * 'precision' / 'recall' / 'f1' (default averaging, or with a suffix '_macro', '_micro',
 * '_weighted', '_binary'), 'auc' (or 'roc_auc'), 'mae', 'mse', 'rmse', 'r2'.
 *
 * ```ts
 * train.metricFromName('f1_micro').name; // 'f1_micro'
 * ```
 */
export function metricFromName(name: string): Metric {
  const make = NAMED[name];
  if (make !== undefined) return make();
  const topK = /^top_?(\d+)$/.exec(name);
  if (topK !== null) return new TopKAccuracy({ k: Number(topK[1]), name });
  const score = /^(precision|recall|f1)(?:_(macro|micro|weighted|binary))?$/.exec(name);
  if (score !== null) {
    const Score = SCORES[score[1] as keyof typeof SCORES];
    return score[2] === undefined ? new Score() : new Score({ average: score[2] as Average });
  }
  throw new Error(`metricFromName: unknown metric '${name}'; known: ${METRIC_NAMES.join(', ')}`);
}

/** Checks fit's / evaluate's `metrics` option and turns names into objects; names must be unique. */
export function resolveMetrics(op: string, metrics: unknown): Metric[] {
  if (metrics === undefined || metrics === null) return [];
  if (!Array.isArray(metrics)) throw new Error(`${op}: metrics must be an array of metric objects or names, got ${typeof metrics}`);
  const out = metrics.map((m, i) => {
    if (typeof m === 'string') return metricFromName(m);
    const ok = m !== null && typeof m === 'object' && typeof m.name === 'string' && ['reset', 'update', 'compute'].every((k) => typeof m[k] === 'function');
    if (!ok) throw new Error(`${op}: metrics[${i}] must be a metric name or an object with name, reset(), update() and compute()`);
    return m as Metric;
  });
  const seen = new Set<string>();
  for (const m of out) {
    if (m.name === 'loss' || seen.has(m.name)) throw new Error(`${op}: metric name '${m.name}' is ${m.name === 'loss' ? 'reserved for the loss' : 'used twice'}`);
    seen.add(m.name);
  }
  return out;
}
