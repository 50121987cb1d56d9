/** Accuracy and top-k accuracy, streaming over batches. */
import type { Tensor } from '../tensor/tensor.js';
import { checkClassLayout, checkTensor, classTargets, metricName, scoreRows, toLabels, type LabelOptions, type Metric } from './metric.js';

export interface AccuracyOptions extends LabelOptions {
  name?: string;
}

/**
 * The fraction of predictions equal to the target: argmax of class scores `[N, C, ...]` against
 * class indices, or thresholded binary / multi-label scores against 0/1 targets of the same shape
 * (every element counts, as Keras' binary accuracy).
 *
 * ```ts
 * const acc = new train.Accuracy();                  // logits or probabilities [N, C], labels [N]
 * const bin = new train.Accuracy({ fromLogits: true }); // binary logits [N], 0/1 targets [N]
 * ```
 */
export class Accuracy implements Metric {
  readonly name: string;
  private correct = 0;
  private total = 0;
  private readonly options: LabelOptions;

  constructor(options: AccuracyOptions = {}) {
    this.name = metricName('Accuracy', 'accuracy', options.name);
    this.options = { ...options };
  }

  reset(): void {
    this.correct = 0;
    this.total = 0;
  }

  update(output: Tensor, target: Tensor): void {
    const { predicted, actual } = toLabels('Accuracy', output, target, this.options);
    for (let i = 0; i < predicted.length; i++) if (predicted[i] === actual[i]) this.correct += 1;
    this.total += predicted.length;
  }

  compute(): number {
    return this.total === 0 ? NaN : this.correct / this.total;
  }
}

export interface TopKAccuracyOptions {
  /** How many of the highest scores may contain the target (default 5). */
  k?: number;
  name?: string;
}

/**
 * The fraction of samples whose target class is among the `k` highest scores (class scores
 * `[N, C, ...]`, class indices `[N, ...]`). A score tied with the target's counts in its favour: the
 * target is in the top k when fewer than k classes score strictly higher.
 *
 * ```ts
 * const top5 = new train.TopKAccuracy({ k: 5 }); // name 'top5'
 * ```
 */
export class TopKAccuracy implements Metric {
  readonly name: string;
  readonly k: number;
  private correct = 0;
  private total = 0;

  constructor(options: TopKAccuracyOptions = {}) {
    const k = options.k ?? 5;
    if (!Number.isInteger(k) || k < 1) throw new Error(`TopKAccuracy: k must be a positive integer, got ${String(k)}`);
    this.k = k;
    this.name = metricName('TopKAccuracy', `top${k}`, options.name);
  }

  reset(): void {
    this.correct = 0;
    this.total = 0;
  }

  update(output: Tensor, target: Tensor): void {
    const op = 'TopKAccuracy';
    checkTensor(op, 'output', output);
    checkTensor(op, 'target', target);
    const c = checkClassLayout(op, output, target);
    const { rows } = scoreRows(output);
    const labels = classTargets(op, target, c);
    for (let i = 0; i < labels.length; i++) {
      const base = i * c;
      const own = rows[base + labels[i]!]!;
      let higher = 0;
      for (let j = 0; j < c && higher < this.k; j++) if (rows[base + j]! > own) higher += 1;
      if (higher < this.k) this.correct += 1;
    }
    this.total += labels.length;
  }

  compute(): number {
    return this.total === 0 ? NaN : this.correct / this.total;
  }
}
