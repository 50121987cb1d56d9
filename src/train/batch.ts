/**
 * What the training loop, evaluate and predict share: taking batches apart, calling the model,
 * losses by name, iterating sync or async sources, and option checks.
 */
import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { Module } from '../nn/module.js';
import * as F from '../nn/functional/index.js';
import type { BatchSource, LossFn, UnpackedBatch } from './types.js';

/** Losses by name, for `fit({ loss: 'crossEntropy' })`. */
const LOSSES: Record<string, LossFn> = {
  crossEntropy: (o, t) => F.crossEntropy(o, t),
  nll: (o, t) => F.nllLoss(o, t),
  mse: (o, t) => F.mseLoss(o, t),
  l1: (o, t) => F.l1Loss(o, t),
  huber: (o, t) => F.huberLoss(o, t),
  smoothL1: (o, t) => F.smoothL1Loss(o, t),
  bce: (o, t) => F.binaryCrossEntropy(o, t),
  bceWithLogits: (o, t) => F.binaryCrossEntropyWithLogits(o, t),
};

/** The loss function of `fit`'s / `evaluate`'s `loss` option (a function, or a name of LOSSES). */
export function resolveLoss(op: string, loss: unknown): LossFn {
  if (typeof loss === 'function') return loss as LossFn;
  if (typeof loss === 'string') {
    const fn = LOSSES[loss];
    if (fn === undefined) throw new Error(`${op}: unknown loss '${loss}'; pass a function (output, target) => Tensor or one of ${Object.keys(LOSSES).join(', ')}`);
    return fn;
  }
  throw new Error(`${op}: loss must be a function (output, target) => Tensor or a loss name, got ${loss === null ? 'null' : typeof loss}`);
}

/**
 * The default way to take a batch apart: `[x, y]` arrays (what DataLoader yields for a
 * TensorDataset), `{ x, y }` objects (also `input`/`target`), or a lone tensor / `[x]` (inputs
 * only, for predict).
 */
export function defaultUnpack(batch: unknown): UnpackedBatch {
  if (batch instanceof Tensor) return { inputs: [batch] };
  if (Array.isArray(batch)) {
    if (batch.length === 1) return { inputs: [batch[0]] };
    if (batch.length === 2) return { inputs: [batch[0]], target: batch[1] };
    throw new Error(`a batch array must be [x] or [x, y], got ${batch.length} elements; pass batchToInputs to take such batches apart`);
  }
  if (batch !== null && typeof batch === 'object') {
    const b = batch as Record<string, unknown>;
    const x = 'x' in b ? b['x'] : b['input'];
    if (x !== undefined) return 'y' in b || 'target' in b ? { inputs: [x], target: 'y' in b ? b['y'] : b['target'] } : { inputs: [x] };
  }
  throw new Error('a batch must be [x, y], { x, y } or a Tensor; pass batchToInputs to take other batches apart');
}

/** Takes a batch apart with the user's function or the default, checking the result. */
export function unpack(op: string, batch: unknown, batchToInputs?: (batch: any) => UnpackedBatch): UnpackedBatch {
  let out: UnpackedBatch;
  try {
    out = batchToInputs ? batchToInputs(batch) : defaultUnpack(batch);
  } catch (e) {
    if (batchToInputs) throw e;
    throw new Error(`${op}: ${(e as Error).message}`);
  }
  if (out === null || typeof out !== 'object' || !Array.isArray(out.inputs)) {
    throw new Error(`${op}: batchToInputs must return { inputs: [...], target }, got ${out === null ? 'null' : typeof out}`);
  }
  return out;
}

/** The number of samples in a batch: dim 0 of the target, else of the first tensor input (1 if none). */
export function batchSizeOf(batch: UnpackedBatch): number {
  const candidates = [batch.target, ...batch.inputs];
  for (const c of candidates) if (c instanceof Tensor) return c.ndim === 0 ? 1 : c.shape[0]!;
  return 1;
}

/** Calls the model on a batch's inputs. */
export function forward(model: Module, batch: UnpackedBatch): unknown {
  return model.forward(...batch.inputs);
}

/** Calls the loss and checks it returned a one-element tensor. */
export function computeLoss(op: string, loss: LossFn, output: unknown, target: unknown): Tensor {
  if (target === undefined) throw new Error(`${op}: the batch has no target to compute the loss with (batches must be [x, y] or { x, y })`);
  const value = loss(output, target);
  if (!(value instanceof Tensor)) throw new Error(`${op}: the loss function must return a Tensor, got ${value === null ? 'null' : typeof value}`);
  if (value.numel !== 1) throw new Error(`${op}: the loss function must return a one-element tensor, got shape ${formatShape(value.shape)} (use reduction 'mean')`);
  return value;
}

/** Checks a batch source is iterable, sync or async. */
export function checkSource(op: string, key: string, source: unknown): asserts source is BatchSource {
  const ok = source !== null && typeof source === 'object' && (Symbol.asyncIterator in source || Symbol.iterator in source);
  if (!ok) throw new Error(`${op}: ${key} must be a DataLoader or an iterable of batches, got ${source === null ? 'null' : typeof source}`);
}

/** The batches of a source as one async iteration (async iterables natively, sync ones wrapped). */
export function batchesOf<B>(source: BatchSource<B>): AsyncIterable<B> | Iterable<B> {
  return Symbol.asyncIterator in source ? (source as AsyncIterable<B>) : (source as Iterable<B>);
}

/** The number of batches of a source, when it says (a DataLoader's or an array's length). */
export function lengthOf(source: BatchSource): number | null {
  let n: unknown;
  try {
    n = (source as { length?: unknown }).length;
  } catch {
    return null; // a DataLoader over an iterable dataset without a length
  }
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : null;
}

/** Runs `fn` with the model in training or eval mode, then restores the mode it had. */
export async function withMode<T>(model: Module, training: boolean, fn: () => Promise<T>): Promise<T> {
  const was = model.training;
  model.train(training);
  try {
    return await fn();
  } finally {
    model.train(was);
  }
}

/** Checks that `value` is a Module. */
export function checkModel(op: string, model: unknown): asserts model is Module {
  if (!(model instanceof Module)) throw new Error(`${op}: model must be an nn.Module, got ${model === null ? 'null' : typeof model}`);
}

/** An integer option >= min. */
export function checkInt(op: string, key: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    const what = min === 1 ? 'a positive integer' : `an integer >= ${min}`;
    throw new Error(`${op}: ${key} must be ${what}, got ${String(value)}`);
  }
  return value;
}

/** A number option > 0 (or >= 0 with allowZero). */
export function checkPositiveNumber(op: string, key: string, value: unknown, allowZero = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new Error(`${op}: ${key} must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${String(value)}`);
  }
  return value;
}
