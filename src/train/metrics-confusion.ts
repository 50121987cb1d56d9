/**
 * The confusion matrix, and precision, recall and F1 computed from it (macro, micro, weighted or
 * binary averaging, with sklearn's definitions: a 0/0 ratio counts as 0, and macro averages run over
 * the classes that occur in the targets or the predictions).
 */
import type { Tensor } from '../tensor/tensor.js';
import { metricName, toLabels, type LabelOptions, type Metric } from './metric.js';

export interface ConfusionMatrixOptions extends LabelOptions {
  /** The number of classes (default: from the output, C of [N, C], 2 for binary scores). */
  numClasses?: number;
}

/**
 * Counts of (true class, predicted class) pairs, streaming over batches. `compute()` returns the
 * matrix: rows are true classes, columns predicted ones (sklearn's layout).
 *
 * ```ts
 * const cm = new train.ConfusionMatrix();
 * cm.update(logits, labels);
 * cm.compute(); // [[50, 2], [3, 45]]
 * cm.compute('true'); // each row divided by its total (recall on the diagonal)
 * ```
 */
export class ConfusionMatrix {
  readonly name = 'confusion_matrix';
  private counts: number[][] = [];
  private classes: number | null;
  private readonly options: LabelOptions;
  /** Whether the batches seen were binary / multi-label (thresholded) rather than class scores. */
  binary = false;

  constructor(options: ConfusionMatrixOptions = {}) {
    const n = options.numClasses;
    if (n !== undefined && (!Number.isInteger(n) || n < 1)) throw new Error(`ConfusionMatrix: numClasses must be a positive integer, got ${String(n)}`);
    this.classes = n ?? null;
    this.options = { ...options };
    if (n !== undefined) this.counts = square(n);
  }

  /** The number of classes (0 before the first update when not given). */
  get numClasses(): number {
    return this.classes ?? 0;
  }

  reset(): void {
    this.counts = this.classes === null ? [] : square(this.classes);
  }

  update(output: Tensor, target: Tensor): void {
    const { predicted, actual, numClasses, binary } = toLabels('ConfusionMatrix', output, target, this.options);
    if (this.classes === null) {
      this.classes = numClasses;
      this.counts = square(numClasses);
    } else if (numClasses > this.classes) {
      throw new Error(`ConfusionMatrix: the output has ${numClasses} classes, the matrix ${this.classes} (numClasses)`);
    }
    this.binary = binary;
    for (let i = 0; i < predicted.length; i++) this.counts[actual[i]!]![predicted[i]!]! += 1;
  }

  /**
   * The matrix (a copy). `normalize`: 'true' divides each row by its sum, 'pred' each column, 'all'
   * everything by the total (empty rows or columns stay 0).
   */
  compute(normalize?: 'true' | 'pred' | 'all'): number[][] {
    const m = this.counts.map((row) => [...row]);
    if (normalize === undefined) return m;
    const n = m.length;
    if (normalize === 'all') {
      const total = m.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
      return m.map((row) => row.map((v) => (total === 0 ? 0 : v / total)));
    }
    if (normalize === 'true') return m.map((row) => {
      const s = row.reduce((a, b) => a + b, 0);
      return row.map((v) => (s === 0 ? 0 : v / s));
    });
    if (normalize === 'pred') {
      const sums = Array.from({ length: n }, (_, j) => m.reduce((s, row) => s + row[j]!, 0));
      return m.map((row) => row.map((v, j) => (sums[j] === 0 ? 0 : v / sums[j]!)));
    }
    throw new Error(`ConfusionMatrix.compute: normalize must be 'true', 'pred' or 'all', got ${String(normalize)}`);
  }
}

function square(n: number): number[][] {
  return Array.from({ length: n }, () => new Array<number>(n).fill(0));
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/** Per-class scores, as `perClass()` returns them. */
export interface PerClassScores {
  precision: number[];
  recall: number[];
  f1: number[];
  /** Samples of each class in the targets. */
  support: number[];
}

/** Precision, recall and F1 of every class of a confusion matrix (0/0 counts as 0). */
export function perClassScores(matrix: readonly (readonly number[])[]): PerClassScores {
  const n = matrix.length;
  const out: PerClassScores = { precision: [], recall: [], f1: [], support: [] };
  for (let c = 0; c < n; c++) {
    const tp = matrix[c]![c]!;
    const support = matrix[c]!.reduce((a, b) => a + b, 0);
    const predicted = matrix.reduce((s, row) => s + row[c]!, 0);
    const p = ratio(tp, predicted);
    const r = ratio(tp, support);
    out.precision.push(p);
    out.recall.push(r);
    out.f1.push(ratio(2 * tp, support + predicted));
    out.support.push(support);
  }
  return out;
}

/** How precision, recall and F1 combine the classes. */
export type Average = 'macro' | 'micro' | 'weighted' | 'binary';

export interface PrecisionRecallOptions extends ConfusionMatrixOptions {
  /**
   * 'macro': the unweighted mean over classes present in the targets or predictions; 'micro': from
   * the pooled counts (equals accuracy for single-label multiclass); 'weighted': the mean weighted by
   * support; 'binary': the score of class `positiveLabel`. Default 'binary' for binary scores,
   * 'macro' for class scores.
   */
  average?: Average;
  /** The class 'binary' averaging reports (default 1). */
  positiveLabel?: number;
  name?: string;
}

type Score = 'precision' | 'recall' | 'f1';

/** The shared machinery of Precision, Recall and F1Score. */
abstract class ConfusionScore implements Metric {
  readonly name: string;
  protected readonly matrix: ConfusionMatrix;
  private readonly average: Average | undefined;
  private readonly positiveLabel: number;

  constructor(op: string, private readonly score: Score, options: PrecisionRecallOptions) {
    const { average, positiveLabel = 1 } = options;
    if (average !== undefined && !['macro', 'micro', 'weighted', 'binary'].includes(average)) {
      throw new Error(`${op}: average must be 'macro', 'micro', 'weighted' or 'binary', got ${String(average)}`);
    }
    if (!Number.isInteger(positiveLabel) || positiveLabel < 0) throw new Error(`${op}: positiveLabel must be an integer >= 0, got ${String(positiveLabel)}`);
    this.average = average;
    this.positiveLabel = positiveLabel;
    this.matrix = new ConfusionMatrix(options);
    this.name = metricName(op, average === undefined ? score : `${score}_${average}`, options.name);
  }

  reset(): void {
    this.matrix.reset();
  }

  update(output: Tensor, target: Tensor): void {
    this.matrix.update(output, target);
  }

  /** Precision, recall, F1 and support of every class. */
  perClass(): PerClassScores {
    return perClassScores(this.matrix.compute());
  }

  compute(): number {
    const m = this.matrix.compute();
    if (m.length === 0) return NaN;
    const average = this.average ?? (this.matrix.binary ? 'binary' : 'macro');
    const scores = perClassScores(m);
    if (average === 'binary') {
      if (this.positiveLabel >= m.length) return 0;
      return scores[this.score][this.positiveLabel]!;
    }
    if (average === 'micro') {
      let tp = 0;
      let total = 0;
      m.forEach((row, c) => {
        tp += row[c]!;
        total += row.reduce((a, b) => a + b, 0);
      });
      // Pooled over classes, false positives and false negatives are both the off-diagonal total.
      return ratio(tp, total);
    }
    const present = m.map((row, c) => scores.support[c]! > 0 || m.some((r) => r[c]! > 0));
    if (average === 'weighted') {
      const total = scores.support.reduce((a, b) => a + b, 0);
      return ratio(scores[this.score].reduce((s, v, c) => s + v * scores.support[c]!, 0), total);
    }
    const used = scores[this.score].filter((_, c) => present[c]);
    return used.length === 0 ? NaN : used.reduce((a, b) => a + b, 0) / used.length;
  }
}

/**
 * Precision: of the samples predicted as a class, the fraction that are that class.
 *
 * ```ts
 * new train.Precision();                       // macro over classes ('precision')
 * new train.Precision({ average: 'micro' });   // 'precision_micro'
 * ```
 */
export class Precision extends ConfusionScore {
  constructor(options: PrecisionRecallOptions = {}) {
    super('Precision', 'precision', options);
  }
}

/**
 * Recall: of the samples of a class, the fraction predicted as that class.
 *
 * ```ts
 * const recall = new train.Recall({ average: 'weighted' });
 * ```
 */
export class Recall extends ConfusionScore {
  constructor(options: PrecisionRecallOptions = {}) {
    super('Recall', 'recall', options);
  }
}

/**
 * F1: the harmonic mean of precision and recall, 2TP / (2TP + FP + FN) per class; a class with
 * support that is never predicted scores 0.
 *
 * ```ts
 * const f1 = new train.F1Score(); // macro
 * f1.perClass().f1;               // one per class
 * ```
 */
export class F1Score extends ConfusionScore {
  constructor(options: PrecisionRecallOptions = {}) {
    super('F1Score', 'f1', options);
  }
}
