/**
 * The area under the ROC curve, from ranks (the Mann-Whitney U statistic), with tied scores sharing
 * their average rank, which is the trapezoidal area sklearn's roc_auc_score gives.
 */
import type { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/grad-mode.js';
import { softmax } from '../ops/nn/softmax.js';
import { binaryTargets, checkClassLayout, checkTensor, classTargets, isBinaryPair, metricName, scoreRows, valuesOf, type Metric } from './metric.js';

/**
 * The ROC AUC of `scores` for the 0/1 `labels`: the probability that a random positive scores above
 * a random negative, ties counting one half. NaN when either class is absent.
 *
 * ```ts
 * binaryAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]); // 0.75
 * ```
 */
export function binaryAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let positiveRankSum = 0;
  for (let i = 0; i < n; ) {
    // A run of tied scores [i, j) gets the mean of the ranks i+1 ... j.
    let j = i + 1;
    while (j < n && scores[order[j]!] === scores[order[i]!]) j++;
    const rank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) {
      if (labels[order[k]!] === 1) {
        positives += 1;
        positiveRankSum += rank;
      }
    }
    i = j;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export interface RocAucOptions {
  /**
   * Multiclass scores: 'auto' (default) applies a softmax unless every row already is a probability
   * distribution (values in [0, 1] summing to 1), since one-vs-rest ranks need comparable scores;
   * true always applies it; false never.
   */
  softmax?: 'auto' | boolean;
  name?: string;
}

/**
 * ROC AUC, streaming (it keeps every score until `compute()`). Binary: scores `[N]` (or `[N, 1]`,
 * probabilities or logits: only their order matters) with 0/1 targets. Multiclass: scores `[N, C]`
 * with class indices `[N]`, the macro mean of the one-vs-rest AUCs over the classes that have both
 * positives and negatives (sklearn's multi_class='ovr', average='macro'). NaN when no class has both.
 *
 * ```ts
 * const auc = new train.RocAuc(); // name 'auc'
 * ```
 */
export class RocAuc implements Metric {
  readonly name: string;
  private scores: number[] = [];
  private labels: number[] = [];
  private numClasses: number | null = null;
  private readonly softmax: 'auto' | boolean;

  constructor(options: RocAucOptions = {}) {
    const sm = options.softmax ?? 'auto';
    if (sm !== 'auto' && typeof sm !== 'boolean') throw new Error(`RocAuc: softmax must be 'auto', true or false, got ${String(sm)}`);
    this.softmax = sm;
    this.name = metricName('RocAuc', 'auc', options.name);
  }

  reset(): void {
    this.scores = [];
    this.labels = [];
    this.numClasses = null;
  }

  update(output: Tensor, target: Tensor): void {
    const op = 'RocAuc';
    checkTensor(op, 'output', output);
    checkTensor(op, 'target', target);
    if (isBinaryPair(output, target)) {
      this.expectClasses(op, 1);
      for (const v of valuesOf(output)) this.scores.push(v);
      for (const v of binaryTargets(op, target)) this.labels.push(v);
      return;
    }
    const c = checkClassLayout(op, output, target);
    if (output.ndim !== 2) throw new Error(`RocAuc: multiclass scores must be [N, C], got ${output.ndim} dims`);
    this.expectClasses(op, c);
    const { rows } = scoreRows(this.needsSoftmax(output) ? noGrad(() => softmax(output.detach(), 1)) : output);
    for (const v of rows) this.scores.push(v);
    for (const v of classTargets(op, target, c)) this.labels.push(v);
  }

  private expectClasses(op: string, c: number): void {
    if (this.numClasses === null) this.numClasses = c;
    else if (this.numClasses !== c) throw new Error(`${op}: got ${c === 1 ? 'binary scores' : `${c} classes`} after ${this.numClasses === 1 ? 'binary scores' : `${this.numClasses} classes`}`);
  }

  private needsSoftmax(output: Tensor): boolean {
    if (this.softmax !== 'auto') return this.softmax;
    const { rows, numClasses: c } = scoreRows(output);
    for (let i = 0; i < rows.length; i += c) {
      let sum = 0;
      for (let j = 0; j < c; j++) {
        const v = rows[i + j]!;
        if (!(v >= 0 && v <= 1)) return true;
        sum += v;
      }
      if (Math.abs(sum - 1) > 1e-3) return true;
    }
    return false;
  }

  compute(): number {
    const c = this.numClasses;
    if (c === null) return NaN;
    if (c === 1) return binaryAuc(this.scores, this.labels);
    const n = this.labels.length;
    let sum = 0;
    let used = 0;
    for (let k = 0; k < c; k++) {
      const column = new Float64Array(n);
      const isK = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        column[i] = this.scores[i * c + k]!;
        isK[i] = this.labels[i] === k ? 1 : 0;
      }
      const auc = binaryAuc(column, isK);
      if (!Number.isNaN(auc)) {
        sum += auc;
        used += 1;
      }
    }
    return used === 0 ? NaN : sum / used;
  }
}
