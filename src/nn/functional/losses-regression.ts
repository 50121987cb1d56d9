/**
 * Regression and distribution losses: squared, absolute, smooth-L1, Huber and squared-log errors,
 * Kullback-Leibler divergence, and the Poisson and Gaussian negative log-likelihoods. Input and target
 * must have the same shape (PyTorch broadcasts them with a warning; here a mismatch is an error).
 */
import type { Tensor } from '../../tensor/tensor.js';
import { formatShape, shapesEqual } from '../../tensor/shape.js';
import {
  checkBoolean,
  checkNumber,
  checkReduction,
  floatTensor,
  nonNegative,
  positive,
  reduce,
  sameShape,
  type Reduction,
} from './loss-support.js';
import { canFuseMse, fusedMse } from './mse-fused.js';

export interface LossOptions {
  /** 'mean' (the default) averages over every element, 'sum' adds them, 'none' keeps them. */
  reduction?: Reduction;
}

function pair(op: string, input: Tensor, target: Tensor, options: LossOptions): Reduction {
  floatTensor(op, input, 'input');
  floatTensor(op, target, 'target');
  sameShape(op, input, target);
  const reduction = options.reduction ?? 'mean';
  checkReduction(op, reduction);
  return reduction;
}

/**
 * Mean squared error: (x - y)^2 per element.
 *
 * ```ts
 * mseLoss(tensor([1, 2]), tensor([1, 4])); // 2
 * ```
 */
export function mseLoss(input: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const reduction = pair('mseLoss', input, target, options);
  // One op instead of four (same values bit for bit): see mse-fused.ts.
  if (reduction !== 'none' && canFuseMse(input, target)) return fusedMse(input, target, reduction);
  return reduce(input.sub(target).square(), reduction);
}

/** Mean absolute error: |x - y| per element (gradient 0 where x = y). */
export function l1Loss(input: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const reduction = pair('l1Loss', input, target, options);
  return reduce(input.sub(target).abs(), reduction);
}

export interface SmoothL1LossOptions extends LossOptions {
  /** Where the loss turns from quadratic to linear (default 1; 0 gives the L1 loss). */
  beta?: number;
}

/**
 * 0.5 d^2 / beta where |d| < beta, |d| - 0.5 beta elsewhere, with d = x - y (Fast R-CNN's box loss).
 * It equals huberLoss / beta.
 */
export function smoothL1Loss(input: Tensor, target: Tensor, options: SmoothL1LossOptions = {}): Tensor {
  const op = 'smoothL1Loss';
  const reduction = pair(op, input, target, options);
  const beta = options.beta ?? 1;
  checkNumber(op, 'beta', beta, nonNegative, 'a finite number >= 0');
  const d = input.sub(target);
  const ad = d.abs();
  if (beta === 0) return reduce(ad, reduction);
  return reduce(d.square().mul(0.5 / beta).where(ad.lt(beta), ad.sub(0.5 * beta)), reduction);
}

export interface HuberLossOptions extends LossOptions {
  /** Where the loss turns from quadratic to linear (default 1). */
  delta?: number;
}

/** 0.5 d^2 where |d| < delta, delta (|d| - 0.5 delta) elsewhere, with d = x - y (Huber 1964). */
export function huberLoss(input: Tensor, target: Tensor, options: HuberLossOptions = {}): Tensor {
  const op = 'huberLoss';
  const reduction = pair(op, input, target, options);
  const delta = options.delta ?? 1;
  checkNumber(op, 'delta', delta, positive, 'a finite number > 0');
  const d = input.sub(target);
  const ad = d.abs();
  return reduce(d.square().mul(0.5).where(ad.lt(delta), ad.sub(0.5 * delta).mul(delta)), reduction);
}

/**
 * Mean squared logarithmic error (Keras's MSLE): (log(1 + x) - log(1 + y))^2, for non-negative
 * quantities spanning orders of magnitude. Values <= -1 give NaN.
 */
export function msleLoss(input: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const reduction = pair('msleLoss', input, target, options);
  return reduce(input.log1p().sub(target.log1p()).square(), reduction);
}

export interface KlDivOptions {
  /**
   * 'mean' (the default, as in PyTorch) averages over every element, which is not the KL divergence;
   * 'batchmean' divides the sum by the batch size (dim 0), which is.
   */
  reduction?: Reduction | 'batchmean';
  /** The target holds log-probabilities rather than probabilities (default false). */
  logTarget?: boolean;
}

/**
 * Kullback-Leibler divergence KL(target || input) with `input` holding log-probabilities:
 * target (log target - input) per element, 0 where target = 0.
 *
 * ```ts
 * klDiv(logits.logSoftmax(1), teacherProbs, { reduction: 'batchmean' });
 * ```
 */
export function klDiv(input: Tensor, target: Tensor, options: KlDivOptions = {}): Tensor {
  const op = 'klDiv';
  floatTensor(op, input, 'input');
  floatTensor(op, target, 'target');
  sameShape(op, input, target);
  const reduction = options.reduction ?? 'mean';
  checkReduction(op, reduction, ['mean', 'batchmean', 'sum', 'none']);
  const logTarget = options.logTarget ?? false;
  checkBoolean(op, 'logTarget', logTarget);
  let loss: Tensor;
  if (logTarget) {
    loss = target.exp().mul(target.sub(input));
  } else {
    // xlogy(t, t): the log is taken of 1 where t = 0, so that 0 * log 0 is 0 and its gradient finite.
    const present = target.ne(0);
    loss = target.mul(target.where(present, 1).log()).sub(target.mul(input));
  }
  if (reduction !== 'batchmean') return reduce(loss, reduction);
  const sum = loss.sum();
  return input.ndim === 0 ? sum : sum.div(input.shape[0]!);
}

export interface PoissonNllLossOptions extends LossOptions {
  /** The input is log(rate) (the default, true) rather than the rate itself. */
  logInput?: boolean;
  /** Adds Stirling's approximation of log(target!) where target > 1 (default false). */
  full?: boolean;
  /** Added to the rate before its log when logInput is false (default 1e-8). */
  eps?: number;
}

/**
 * Negative log-likelihood of a Poisson target: e^x - t x for log-rates (logInput, the default), or
 * x - t log(x + eps) for rates.
 */
export function poissonNllLoss(input: Tensor, target: Tensor, options: PoissonNllLossOptions = {}): Tensor {
  const op = 'poissonNllLoss';
  const reduction = pair(op, input, target, options);
  const logInput = options.logInput ?? true;
  const full = options.full ?? false;
  const eps = options.eps ?? 1e-8;
  checkBoolean(op, 'logInput', logInput);
  checkBoolean(op, 'full', full);
  checkNumber(op, 'eps', eps, nonNegative, 'a finite number >= 0');
  let loss = logInput ? input.exp().sub(target.mul(input)) : input.sub(target.mul(input.add(eps).log()));
  if (full) {
    // t log t - t + 0.5 log(2 pi t), counted only where t > 1 (computed on 1 elsewhere, then dropped).
    const counted = target.gt(1);
    const t = target.where(counted, 1);
    const stirling = t.mul(t.log()).sub(t).add(t.mul(2 * Math.PI).log().mul(0.5));
    loss = loss.add(stirling.where(counted, 0));
  }
  return reduce(loss, reduction);
}

export interface GaussianNllLossOptions extends LossOptions {
  /** Adds the constant 0.5 log(2 pi) (default false). */
  full?: boolean;
  /** The variance is clamped to at least eps in the forward (default 1e-6); the gradient passes as if unclamped. */
  eps?: number;
}

/**
 * Negative log-likelihood of a Gaussian target with predicted mean `input` and variance `variance`:
 * 0.5 (log v + (x - t)^2 / v). The variance has the input's shape (one per element), or the input's
 * shape without its last dim or with a last dim of 1 (one per row). Negative variances are errors.
 *
 * ```ts
 * gaussianNllLoss(mean, target, logVar.exp());
 * ```
 */
export function gaussianNllLoss(input: Tensor, target: Tensor, variance: Tensor, options: GaussianNllLossOptions = {}): Tensor {
  const op = 'gaussianNllLoss';
  const reduction = pair(op, input, target, options);
  floatTensor(op, variance, 'variance');
  const full = options.full ?? false;
  const eps = options.eps ?? 1e-6;
  checkBoolean(op, 'full', full);
  checkNumber(op, 'eps', eps, nonNegative, 'a finite number >= 0');
  let v = variance;
  if (!shapesEqual(v.shape, input.shape)) {
    const rows = input.shape.slice(0, -1);
    if (input.ndim > 0 && shapesEqual(v.shape, rows)) v = v.unsqueeze(-1);
    else if (!(input.ndim > 0 && v.ndim === input.ndim && shapesEqual(v.shape.slice(0, -1), rows) && v.shape[v.ndim - 1] === 1)) {
      throw new Error(
        `${op}: variance ${formatShape(v.shape)} must have the input's shape ${formatShape(input.shape)}, ` +
          `or that shape without its last dim or with a last dim of 1`,
      );
    }
  }
  const values = v.toArray();
  for (let i = 0; i < values.length; i++) {
    if (values[i]! < 0) throw new Error(`${op}: variance must be non-negative, got ${values[i]} at element ${i}`);
  }
  // PyTorch clamps under no_grad, in place: the forward sees max(v, eps), the gradient passes unchanged.
  const clamped = v.add(v.detach().clamp(eps).sub(v.detach()));
  let loss = clamped.log().add(input.sub(target).square().div(clamped)).mul(0.5);
  if (full) loss = loss.add(0.5 * Math.log(2 * Math.PI));
  return reduce(loss, reduction);
}
