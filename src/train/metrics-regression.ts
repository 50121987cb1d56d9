/** Regression metrics, streaming: mean absolute error, (root) mean squared error and R². */
import type { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { checkTensor, metricName, valuesOf, type Metric } from './metric.js';

/** Output and target values, flattened; their element counts must match ([N, 1] with [N] is fine). */
function pairValues(op: string, output: Tensor, target: Tensor): [Float64Array, Float64Array] {
  checkTensor(op, 'output', output);
  checkTensor(op, 'target', target);
  if (output.numel !== target.numel) {
    throw new Error(`${op}: output of shape ${formatShape(output.shape)} and target of shape ${formatShape(target.shape)} have different numbers of elements`);
  }
  return [valuesOf(output), valuesOf(target)];
}

/** The base of the metrics that are a mean of an elementwise error. */
abstract class MeanError implements Metric {
  readonly name: string;
  protected sum = 0;
  protected count = 0;
  constructor(op: string, fallback: string, name: string | undefined) {
    this.name = metricName(op, fallback, name);
  }
  protected abstract error(diff: number): number;
  reset(): void {
    this.sum = 0;
    this.count = 0;
  }
  update(output: Tensor, target: Tensor): void {
    const [o, t] = pairValues(this.constructor.name, output, target);
    for (let i = 0; i < o.length; i++) this.sum += this.error(o[i]! - t[i]!);
    this.count += o.length;
  }
  compute(): number {
    return this.count === 0 ? NaN : this.sum / this.count;
  }
}

/**
 * Mean absolute error over every element seen.
 *
 * ```ts
 * const mae = new train.MeanAbsoluteError(); // name 'mae'
 * ```
 */
export class MeanAbsoluteError extends MeanError {
  constructor(options: { name?: string } = {}) {
    super('MeanAbsoluteError', 'mae', options.name);
  }
  protected error(diff: number): number {
    return Math.abs(diff);
  }
}

/**
 * Mean squared error over every element seen.
 *
 * ```ts
 * const mse = new train.MeanSquaredError(); // name 'mse'
 * ```
 */
export class MeanSquaredError extends MeanError {
  constructor(options: { name?: string } = {}) {
    super('MeanSquaredError', 'mse', options.name);
  }
  protected error(diff: number): number {
    return diff * diff;
  }
}

/**
 * The square root of the mean squared error over every element seen (Keras' definition: one root
 * of the pooled mean, not a mean of per-batch or per-output roots).
 *
 * ```ts
 * const rmse = new train.RootMeanSquaredError(); // name 'rmse'
 * ```
 */
export class RootMeanSquaredError extends MeanError {
  constructor(options: { name?: string } = {}) {
    super('RootMeanSquaredError', 'rmse', options.name);
  }
  protected error(diff: number): number {
    return diff * diff;
  }
  override compute(): number {
    return Math.sqrt(super.compute());
  }
}

/**
 * The coefficient of determination, 1 - SS_res / SS_tot, for each output (targets `[N]` are one
 * output, `[N, D]` are D), averaged uniformly over outputs as sklearn's r2_score. A constant target
 * scores 1 when predicted exactly, else 0 (sklearn's force_finite). The target variance is
 * accumulated with Chan's pairwise update, so it is exact across batches without cancellation.
 *
 * ```ts
 * const r2 = new train.R2Score(); // name 'r2'
 * ```
 */
export class R2Score implements Metric {
  readonly name: string;
  private outputs = 0;
  private count = 0;
  private mean = new Float64Array(0);
  private m2 = new Float64Array(0);
  private residual = new Float64Array(0);

  constructor(options: { name?: string } = {}) {
    this.name = metricName('R2Score', 'r2', options.name);
  }

  reset(): void {
    this.outputs = 0;
    this.count = 0;
  }

  update(output: Tensor, target: Tensor): void {
    const [o, t] = pairValues('R2Score', output, target);
    const n = target.ndim === 0 ? 1 : target.shape[0]!;
    if (n === 0) return;
    const d = t.length / n;
    if (this.count === 0) {
      this.outputs = d;
      this.mean = new Float64Array(d);
      this.m2 = new Float64Array(d);
      this.residual = new Float64Array(d);
    } else if (d !== this.outputs) {
      throw new Error(`R2Score: got targets with ${d} outputs per sample after ${this.outputs}`);
    }
    for (let j = 0; j < d; j++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += t[i * d + j]!;
      const batchMean = sum / n;
      let batchM2 = 0;
      let res = 0;
      for (let i = 0; i < n; i++) {
        const v = t[i * d + j]!;
        batchM2 += (v - batchMean) ** 2;
        res += (o[i * d + j]! - v) ** 2;
      }
      const total = this.count + n;
      const delta = batchMean - this.mean[j]!;
      this.m2[j] = this.m2[j]! + batchM2 + (delta * delta * this.count * n) / total;
      this.mean[j] = this.mean[j]! + (delta * n) / total;
      this.residual[j] = this.residual[j]! + res;
    }
    this.count += n;
  }

  compute(): number {
    if (this.count === 0) return NaN;
    let sum = 0;
    for (let j = 0; j < this.outputs; j++) {
      const ssTot = this.m2[j]!;
      const ssRes = this.residual[j]!;
      sum += ssTot === 0 ? (ssRes === 0 ? 1 : 0) : 1 - ssRes / ssTot;
    }
    return sum / this.outputs;
  }
}
