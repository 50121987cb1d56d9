/**
 * What the loss functions share: the reduction modes, option checks and shape checks. Internal: the
 * public losses.ts re-exports only the loss files, not this one.
 */
import { Tensor } from '../../tensor/tensor.js';
import { isFloating } from '../../tensor/dtype.js';
import { formatShape, shapesEqual } from '../../tensor/shape.js';
import { describe } from '../../ops/util.js';

/** How a loss folds its per-element values: their mean (the default), their sum, or not at all. */
export type Reduction = 'mean' | 'sum' | 'none';

export function checkReduction(op: string, reduction: unknown, allowed: readonly string[] = REDUCTIONS): void {
  if (typeof reduction !== 'string' || !allowed.includes(reduction)) {
    throw new Error(`${op}: reduction must be ${allowed.map((r) => `'${r}'`).join(', ')}, got ${show(reduction)}`);
  }
}
const REDUCTIONS = ['mean', 'sum', 'none'];

/** Applies a reduction to per-element losses. */
export function reduce(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return loss;
  return reduction === 'sum' ? loss.sum() : loss.mean();
}

export function show(value: unknown): string {
  if (value instanceof Tensor) return describe(value);
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'number') return String(value);
  return value === undefined ? 'undefined' : JSON.stringify(value) ?? String(value);
}

/** Throws unless `x` is a floating-point Tensor. */
export function floatTensor(op: string, x: unknown, what: string): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new Error(`${op}: ${what} must be a Tensor, got ${describe(x)}`);
  if (!isFloating(x.dtype)) throw new Error(`${op}: ${what} must be a floating-point tensor, got ${describe(x)}`);
}

/**
 * Throws unless `target` has exactly the input's shape. Stricter than PyTorch, which broadcasts
 * (with a warning) and so turns an [N, 1] input against an [N] target into an [N, N] loss.
 */
export function sameShape(op: string, input: Tensor, target: Tensor, what = 'target'): void {
  if (!shapesEqual(input.shape, target.shape)) {
    throw new Error(`${op}: ${what} ${formatShape(target.shape)} must have the input's shape ${formatShape(input.shape)}`);
  }
}

/** Throws unless `value` is a number satisfying `ok` (described by `what`). */
export function checkNumber(op: string, name: string, value: unknown, ok: (v: number) => boolean, what: string): asserts value is number {
  if (typeof value !== 'number' || Number.isNaN(value) || !ok(value)) {
    throw new Error(`${op}: ${name} must be ${what}, got ${show(value)}`);
  }
}

export const finite = (v: number): boolean => Number.isFinite(v);
export const nonNegative = (v: number): boolean => v >= 0 && Number.isFinite(v);
export const positive = (v: number): boolean => v > 0 && Number.isFinite(v);

export function checkBoolean(op: string, name: string, value: unknown): asserts value is boolean {
  if (typeof value !== 'boolean') throw new Error(`${op}: ${name} must be a boolean, got ${show(value)}`);
}

/**
 * An optional floating weight that broadcasts against `shape` (e.g. per-element or per-class weights);
 * returned in `dtype` so that a float64 weight does not widen a float32 loss.
 */
export function broadcastWeight(op: string, name: string, weight: unknown, shape: readonly number[], dtype: Tensor['dtype']): Tensor | null {
  if (weight == null) return null;
  floatTensor(op, weight, name);
  const w = weight.shape;
  const lead = shape.length - w.length;
  const ok = lead >= 0 && w.every((s, i) => s === 1 || s === shape[lead + i]);
  if (!ok) throw new Error(`${op}: ${name} ${formatShape(w)} does not broadcast to the input's shape ${formatShape(shape)}`);
  return weight.dtype === dtype ? weight : weight.to(dtype);
}
