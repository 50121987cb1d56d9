/**
 * The Metric interface and the helpers metrics share: streaming accumulation (so an epoch's metric
 * is exact over all its samples, not a mean of batch means), and turning a model's output and a
 * target into class labels.
 *
 * Conventions for classification (PyTorch's): class scores `[N, C]` (or `[N, C, d1, ...]`, classes
 * on dim 1) with integer class targets `[N]` (`[N, d1, ...]`); or, for binary and multi-label
 * problems, scores of the same shape as 0/1 targets (`[N, 1]` scores also go with `[N]` targets),
 * thresholded at `threshold` (0.5 for probabilities; pass `fromLogits: true` to threshold at 0).
 */
import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { noGrad } from '../autograd/grad-mode.js';

/**
 * A streaming metric: `reset()` at the start of an epoch, `update(output, target)` per batch,
 * `compute()` for the value over everything seen since the reset.
 *
 * ```ts
 * const acc = new train.Accuracy();
 * acc.update(logits, labels);
 * acc.compute(); // fraction correct
 * ```
 */
export interface Metric {
  /** The key of the metric in logs and history ('accuracy', 'top5', 'f1', ...). */
  readonly name: string;
  reset(): void;
  update(output: Tensor, target: Tensor): void;
  compute(): number;
}

/** Checks that `value` is a Tensor, naming the metric and argument otherwise. */
export function checkTensor(op: string, what: string, value: unknown): asserts value is Tensor {
  if (!(value instanceof Tensor)) throw new Error(`${op}: ${what} must be a Tensor, got ${value === null ? 'null' : typeof value}`);
}

/** The values as a Float64Array (a copy, detached from any graph). */
export function valuesOf(t: Tensor): Float64Array {
  return Float64Array.from(noGrad(() => t.detach().toArray()));
}

/** Options of the metrics that turn scores into labels. */
export interface LabelOptions {
  /** Binary / multi-label: a score above this is class 1 (default 0.5, or 0 with fromLogits). */
  threshold?: number;
  /** Binary / multi-label scores are logits rather than probabilities (threshold 0 by default). */
  fromLogits?: boolean;
}

/** Predicted and true labels of a batch, flattened, and the number of classes the output implies. */
export interface Labels {
  predicted: Int32Array;
  actual: Int32Array;
  numClasses: number;
  binary: boolean;
}

/** True when output and target are binary / multi-label (equal shapes, or [N, 1] with [N]). */
export function isBinaryPair(output: Tensor, target: Tensor): boolean {
  const o = output.shape;
  const t = target.shape;
  if (o.length === t.length && o.every((d, i) => d === t[i])) return true;
  return o.length === t.length + 1 && o[o.length - 1] === 1 && t.every((d, i) => d === o[i]);
}

/** Integer class targets as an Int32Array, checked to lie in [0, numClasses). */
export function classTargets(op: string, target: Tensor, numClasses: number): Int32Array {
  const values = valuesOf(target);
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= numClasses) {
      throw new Error(`${op}: target ${i} is ${v}, expected a class index in [0, ${numClasses})`);
    }
    out[i] = v;
  }
  return out;
}

/** Checks the class-score layout: output [N, C, ...] with target [N, ...]. */
export function checkClassLayout(op: string, output: Tensor, target: Tensor): number {
  const o = output.shape;
  const t = target.shape;
  const ok = o.length === t.length + 1 && o.length >= 2 && o[0] === t[0] && t.slice(1).every((d, i) => d === o[i + 2]);
  if (!ok) {
    throw new Error(
      `${op}: cannot pair output of shape ${formatShape(o)} with target of shape ${formatShape(t)}; expected class scores [N, C, ...] ` +
        'with class indices [N, ...], or scores and 0/1 targets of the same shape (binary)',
    );
  }
  return o[1]!;
}

/** The class scores as rows of C values: [N, C, d...] becomes [N * d..., C]. */
export function scoreRows(output: Tensor): { rows: Float64Array; numClasses: number } {
  const c = output.shape[1]!;
  const rows = noGrad(() => {
    const moved = output.ndim > 2 ? output.detach().movedim(1, -1) : output.detach();
    return Float64Array.from(moved.toArray());
  });
  return { rows, numClasses: c };
}

/** The binary threshold of `options`, checked. */
export function thresholdOf(op: string, options: LabelOptions): number {
  const t = options.threshold ?? (options.fromLogits ? 0 : 0.5);
  if (typeof t !== 'number' || !Number.isFinite(t)) throw new Error(`${op}: threshold must be a finite number, got ${String(t)}`);
  return t;
}

/** 0/1 targets as an Int32Array; anything else is an error. */
export function binaryTargets(op: string, target: Tensor): Int32Array {
  const values = valuesOf(target);
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== 0 && v !== 1) throw new Error(`${op}: binary target ${i} is ${v}, expected 0 or 1`);
    out[i] = v;
  }
  return out;
}

/** Predicted and true labels: argmax over dim 1 for class scores, a threshold for binary scores. */
export function toLabels(op: string, output: Tensor, target: Tensor, options: LabelOptions = {}): Labels {
  checkTensor(op, 'output', output);
  checkTensor(op, 'target', target);
  if (isBinaryPair(output, target)) {
    const threshold = thresholdOf(op, options);
    const scores = valuesOf(output);
    const predicted = new Int32Array(scores.length);
    for (let i = 0; i < scores.length; i++) predicted[i] = scores[i]! > threshold ? 1 : 0;
    return { predicted, actual: binaryTargets(op, target), numClasses: 2, binary: true };
  }
  const numClasses = checkClassLayout(op, output, target);
  const predicted = Int32Array.from(noGrad(() => output.detach().argmax(1).toArray()));
  return { predicted, actual: classTargets(op, target, numClasses), numClasses, binary: false };
}

/** A name for a metric: `options.name`, else the default. */
export function metricName(op: string, fallback: string, name: unknown): string {
  if (name === undefined) return fallback;
  if (typeof name !== 'string' || name === '') throw new Error(`${op}: name must be a non-empty string, got ${String(name)}`);
  return name;
}

/**
 * A sample-weighted running mean (the epoch loss: each batch's mean loss weighted by its size).
 *
 * ```ts
 * const m = new train.Mean('loss');
 * m.add(0.5, 32); m.add(0.3, 16);
 * m.compute(); // (0.5 * 32 + 0.3 * 16) / 48
 * ```
 */
export class Mean {
  private total = 0;
  private weight = 0;
  constructor(readonly name = 'mean') {}
  reset(): void {
    this.total = 0;
    this.weight = 0;
  }
  add(value: number, weight = 1): void {
    this.total += value * weight;
    this.weight += weight;
  }
  get count(): number {
    return this.weight;
  }
  compute(): number {
    return this.weight === 0 ? NaN : this.total / this.weight;
  }
}
