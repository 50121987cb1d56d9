/**
 * Classification losses: cross-entropy (class indices or probabilities, label smoothing, class
 * weights, ignoreIndex), negative log-likelihood, binary cross-entropy on probabilities and on logits,
 * and the focal loss. All are composed from differentiable ops (logSoftmax, gather, where, ...), so
 * their gradients, and gradients of gradients, come from those ops.
 */
import { Tensor } from '../../tensor/tensor.js';
import { isFloating } from '../../tensor/dtype.js';
import { formatShape } from '../../tensor/shape.js';
import { oneHot } from '../../ops/indexing.js';
import { describe } from '../../ops/util.js';
import {
  broadcastWeight,
  checkNumber,
  checkReduction,
  finite,
  floatTensor,
  reduce,
  sameShape,
  show,
  type Reduction,
} from './loss-support.js';

export interface NllLossOptions {
  /** A weight per class ([C]); the mean divides by the summed weights of the counted targets. */
  weight?: Tensor | null;
  /** Targets equal to this class are skipped: no loss, no gradient, not counted in the mean (default -100). */
  ignoreIndex?: number;
  /** Default 'mean'. */
  reduction?: Reduction;
}

export interface CrossEntropyOptions extends NllLossOptions {
  /**
   * Mixes the target with the uniform distribution: (1 - s) * target + s / C (default 0; Szegedy
   * 2016). Works with class indices and with probabilities.
   */
  labelSmoothing?: number;
}

/**
 * Cross-entropy between logits and targets, with PyTorch's semantics. `input` is [C], [N, C] or
 * [N, C, d1, ...] (class dim 1; dim 0 when unbatched). The target is either int32 class indices of the
 * input's shape without the class dim, or floating class probabilities of the input's own shape.
 *
 * ```ts
 * crossEntropy(logits, labels);                              // logits [N, C], labels int32 [N]
 * crossEntropy(logits, labels, { labelSmoothing: 0.1, ignoreIndex: 0 });
 * crossEntropy(logits, softTargets);                         // softTargets [N, C], rows sum to 1
 * ```
 */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const op = 'crossEntropy';
  const { classDim, classes } = classLayout(op, input);
  const { reduction, weight, ignoreIndex } = nllOptions(op, options, classes, input.dtype);
  const smoothing = options.labelSmoothing ?? 0;
  checkNumber(op, 'labelSmoothing', smoothing, (v) => v >= 0 && v <= 1, 'a number in [0, 1]');
  if (!(target instanceof Tensor)) throw new Error(`${op}: target must be a Tensor, got ${describe(target)}`);
  const logp = input.logSoftmax(classDim);

  if (isFloating(target.dtype)) {
    if (!sameShapeAs(input, target)) {
      throw new Error(
        `${op}: a floating target holds class probabilities and must have the input's shape ${formatShape(input.shape)}, got ${formatShape(target.shape)}; ` +
          `class indices must be int32 of shape ${formatShape(withoutDim(input.shape, classDim))}`,
      );
    }
    if (options.ignoreIndex !== undefined && ignoreIndex >= 0) {
      throw new Error(`${op}: ignoreIndex ${ignoreIndex} applies only to class-index targets, not to class probabilities`);
    }
    const probs = smoothing > 0 ? target.mul(1 - smoothing).add(smoothing / classes) : target;
    let terms = logp.mul(probs);
    if (weight !== null) terms = terms.mul(weight.reshape(classShape(input, classDim)));
    return reduce(terms.sum(classDim).neg(), reduction);
  }

  const nll = nllCore(op, logp, target, classDim, classes, weight, ignoreIndex);
  const main = reduceNll(nll, reduction);
  if (smoothing === 0) return main;
  // PyTorch's smoothing term: -sum_c w_c log p_c per element, zero where ignored, reduced with the same
  // denominator as the NLL term (the summed target weights), then mixed in with weight s / C.
  let all = logp;
  if (weight !== null) all = all.mul(weight.reshape(classShape(input, classDim)));
  const smooth = all.sum(classDim).neg().where(nll.counted, 0);
  const smoothReduced = reduction === 'none' ? smooth : reduction === 'sum' ? smooth.sum() : smooth.sum().div(nll.weights.sum());
  return main.mul(1 - smoothing).add(smoothReduced.mul(smoothing / classes));
}

/**
 * Negative log-likelihood of log-probabilities (e.g. the output of logSoftmax) at int32 class
 * indices: -weight[t] * input[n, t]. Shapes as in crossEntropy with class-index targets.
 *
 * ```ts
 * nllLoss(logits.logSoftmax(1), labels);
 * ```
 */
export function nllLoss(input: Tensor, target: Tensor, options: NllLossOptions = {}): Tensor {
  const op = 'nllLoss';
  const { classDim, classes } = classLayout(op, input);
  const { reduction, weight, ignoreIndex } = nllOptions(op, options, classes, input.dtype);
  if (!(target instanceof Tensor)) throw new Error(`${op}: target must be a Tensor, got ${describe(target)}`);
  return reduceNll(nllCore(op, input, target, classDim, classes, weight, ignoreIndex), reduction);
}

export interface BinaryCrossEntropyOptions {
  /** Weights that broadcast to the input's shape, multiplying each element's loss. */
  weight?: Tensor | null;
  /** Default 'mean'. */
  reduction?: Reduction;
}

/**
 * Binary cross-entropy of probabilities: -w (t log x + (1 - t) log(1 - x)), each log floored at -100
 * as in PyTorch, so x = 0 or 1 gives a finite loss. Input values must lie in [0, 1]; the target has
 * the input's shape (probabilities, usually 0 or 1). Prefer binaryCrossEntropyWithLogits on raw scores:
 * it is stable where sigmoid saturates.
 *
 * ```ts
 * binaryCrossEntropy(scores.sigmoid(), labels);
 * ```
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: BinaryCrossEntropyOptions = {}): Tensor {
  const op = 'binaryCrossEntropy';
  floatTensor(op, input, 'input');
  floatTensor(op, target, 'target');
  sameShape(op, input, target);
  const reduction = options.reduction ?? 'mean';
  checkReduction(op, reduction);
  const weight = broadcastWeight(op, 'weight', options.weight, input.shape, input.dtype);
  const values = input.toArray();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= 0 && v <= 1)) {
      throw new Error(`${op}: input must hold probabilities in [0, 1], got ${v} at element ${i} (apply sigmoid first, or use binaryCrossEntropyWithLogits)`);
    }
  }
  let loss = target.mul(flooredLog(input)).add(target.neg().add(1).mul(flooredLog(input.neg().add(1)))).neg();
  if (weight !== null) loss = loss.mul(weight);
  return reduce(loss, reduction);
}

export interface BinaryCrossEntropyWithLogitsOptions extends BinaryCrossEntropyOptions {
  /**
   * Weight of the positive term, broadcast along the last dim (one per class, [C]): values above 1
   * raise recall, below 1 precision (e.g. negatives / positives for an imbalanced class).
   */
  posWeight?: Tensor | null;
}

/**
 * Binary cross-entropy of logits, in the stable form
 * (1 - t) x + (1 + (posWeight - 1) t) log(1 + e^-x), which never takes the log of a rounded sigmoid:
 * a logit of -1000 with target 1 costs exactly 1000.
 *
 * ```ts
 * binaryCrossEntropyWithLogits(scores, labels, { posWeight: tensor([3]) });
 * ```
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, options: BinaryCrossEntropyWithLogitsOptions = {}): Tensor {
  const op = 'binaryCrossEntropyWithLogits';
  const reduction = options.reduction ?? 'mean';
  checkReduction(op, reduction);
  return reduce(bceWithLogits(op, input, target, options), reduction);
}

function bceWithLogits(op: string, input: Tensor, target: Tensor, options: BinaryCrossEntropyWithLogitsOptions): Tensor {
  floatTensor(op, input, 'input');
  floatTensor(op, target, 'target');
  sameShape(op, input, target);
  const weight = broadcastWeight(op, 'weight', options.weight, input.shape, input.dtype);
  const posWeight = broadcastWeight(op, 'posWeight', options.posWeight, input.shape, input.dtype);
  // softplus(-x) = log(1 + e^-x), computed without overflow, with the exact gradient -sigmoid(-x).
  const logTerm = input.neg().softplus();
  const scale = posWeight === null ? null : posWeight.sub(1).mul(target).add(1);
  let loss = target.neg().add(1).mul(input).add(scale === null ? logTerm : scale.mul(logTerm));
  if (weight !== null) loss = loss.mul(weight);
  return loss;
}

export interface SigmoidFocalLossOptions {
  /** Weight of the positive class, (1 - alpha) for negatives; a negative value turns it off (default 0.25). */
  alpha?: number;
  /** Focusing exponent on (1 - p_t): 0 is plain binary cross-entropy (default 2). */
  gamma?: number;
  /** Default 'none', as in torchvision. */
  reduction?: Reduction;
}

/**
 * The focal loss of RetinaNet (Lin 2017) on logits, as torchvision's sigmoid_focal_loss:
 * alpha_t (1 - p_t)^gamma * BCE(x, t), where p_t is the probability given to the true label. It
 * shrinks the loss of well-classified examples so that rare hard ones dominate.
 *
 * ```ts
 * sigmoidFocalLoss(scores, labels, { reduction: 'mean' });
 * ```
 */
export function sigmoidFocalLoss(input: Tensor, target: Tensor, options: SigmoidFocalLossOptions = {}): Tensor {
  const op = 'sigmoidFocalLoss';
  const alpha = options.alpha ?? 0.25;
  const gamma = options.gamma ?? 2;
  const reduction = options.reduction ?? 'none';
  checkNumber(op, 'alpha', alpha, (v) => v <= 1 && Number.isFinite(v), 'a number <= 1 (negative to turn it off)');
  checkNumber(op, 'gamma', gamma, (v) => v >= 0 && Number.isFinite(v), 'a number >= 0');
  checkReduction(op, reduction);
  const ce = bceWithLogits(op, input, target, {});
  const p = input.sigmoid();
  const pt = p.mul(target).add(p.neg().add(1).mul(target.neg().add(1)));
  const base = pt.neg().add(1);
  // base^gamma with base = 0 kept out of pow, whose gradient there is infinite for gamma < 1.
  const positive = base.gt(0);
  const modulating = base.where(positive, 1).pow(gamma).where(positive, gamma === 0 ? 1 : 0);
  let loss = ce.mul(modulating);
  if (alpha >= 0) loss = target.mul(alpha).add(target.neg().add(1).mul(1 - alpha)).mul(loss);
  return reduce(loss, reduction);
}

export interface MultiMarginLossOptions {
  /** 1 (hinge) or 2 (squared hinge); default 1. */
  p?: 1 | 2;
  /** Default 1. */
  margin?: number;
  /** A weight per class ([C]), applied by the target class. */
  weight?: Tensor | null;
  reduction?: Reduction;
}

/**
 * The multi-class hinge loss: per sample, sum over classes i != y of max(0, margin - x[y] + x[i])^p,
 * divided by C. Input [N, C] or [C]; target int32 [N] or [].
 */
export function multiMarginLoss(input: Tensor, target: Tensor, options: MultiMarginLossOptions = {}): Tensor {
  const op = 'multiMarginLoss';
  const { classDim, classes } = classLayout(op, input);
  if (input.ndim > 2) throw new Error(`${op}: input must be [C] or [N, C], got ${formatShape(input.shape)}`);
  const p = options.p ?? 1;
  const margin = options.margin ?? 1;
  const reduction = options.reduction ?? 'mean';
  if (p !== 1 && p !== 2) throw new Error(`${op}: p must be 1 or 2, got ${show(p)}`);
  checkNumber(op, 'margin', margin, finite, 'a finite number');
  checkReduction(op, reduction);
  const weight = classWeight(op, options.weight, classes, input.dtype);
  if (!(target instanceof Tensor)) throw new Error(`${op}: target must be a Tensor, got ${describe(target)}`);
  checkClassTarget(op, input, target, classDim, classes, null);
  const chosen = input.gather(classDim, target.unsqueeze(classDim));
  // relu, not clamp: PyTorch's gradient is zero where the margin is met exactly.
  let terms = input.sub(chosen).add(margin).relu();
  if (p === 2) terms = terms.square();
  if (weight !== null) terms = terms.mul(weight.indexSelect(0, target.reshape([-1])).reshape(chosen.shape));
  const others = oneHot(target, classes).eq(0);
  return reduce(terms.where(others, 0).sum(classDim).div(classes), reduction);
}

// ---- shared by the class-index losses ----------------------------------------------------------

/** The class dim and class count of an input laid out as [C], [N, C] or [N, C, d1, ...]. */
function classLayout(op: string, input: unknown): { classDim: number; classes: number } {
  floatTensor(op, input, 'input');
  if (input.ndim === 0) throw new Error(`${op}: input must have a class dim ([C], [N, C] or [N, C, d1, ...]), got a 0-d tensor`);
  const classDim = input.ndim === 1 ? 0 : 1;
  return { classDim, classes: input.shape[classDim]! };
}

function nllOptions(op: string, options: NllLossOptions, classes: number, dtype: Tensor['dtype']): { reduction: Reduction; weight: Tensor | null; ignoreIndex: number } {
  const reduction = options.reduction ?? 'mean';
  checkReduction(op, reduction);
  const ignoreIndex = options.ignoreIndex ?? -100;
  checkNumber(op, 'ignoreIndex', ignoreIndex, Number.isInteger, 'an integer');
  return { reduction, weight: classWeight(op, options.weight, classes, dtype), ignoreIndex };
}

function classWeight(op: string, weight: unknown, classes: number, dtype: Tensor['dtype']): Tensor | null {
  if (weight == null) return null;
  floatTensor(op, weight, 'weight');
  if (weight.ndim !== 1 || weight.shape[0] !== classes) {
    throw new Error(`${op}: weight must be a 1-D tensor of ${classes} class weights, got ${formatShape(weight.shape)}`);
  }
  return weight.dtype === dtype ? weight : weight.to(dtype);
}

/** Checks an int32 class-index target against the input's layout and class count. */
function checkClassTarget(op: string, input: Tensor, target: Tensor, classDim: number, classes: number, ignoreIndex: number | null): void {
  const expected = withoutDim(input.shape, classDim);
  if (target.dtype !== 'int32') {
    throw new Error(`${op}: target must be an int32 tensor of class indices of shape ${formatShape(expected)}, got ${describe(target)}`);
  }
  if (!sameShapeAs({ shape: expected }, target)) {
    throw new Error(`${op}: target ${formatShape(target.shape)} does not match input ${formatShape(input.shape)}: expected shape ${formatShape(expected)}`);
  }
  const values = target.toArray();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if ((v < 0 || v >= classes) && v !== ignoreIndex) {
      throw new Error(`${op}: target ${formatShape(target.shape)} has class ${v} but input ${formatShape(input.shape)} has ${classes} classes`);
    }
  }
}

interface Nll {
  /** -weight[t] * logp[t] per element, zero where ignored. */
  losses: Tensor;
  /** weight[t] per element (1 without class weights), zero where ignored: the mean's denominator. */
  weights: Tensor;
  /** Where the target is not ignoreIndex. */
  counted: Tensor;
}

function nllCore(op: string, logp: Tensor, target: Tensor, classDim: number, classes: number, weight: Tensor | null, ignoreIndex: number): Nll {
  checkClassTarget(op, logp, target, classDim, classes, ignoreIndex);
  const counted = target.ne(ignoreIndex);
  // Ignored positions read class 0 (always valid when there are classes) and are then zeroed.
  const safe = target.where(counted, 0);
  const picked = classes === 0 ? logp.sum(classDim) : logp.gather(classDim, safe.unsqueeze(classDim)).squeeze(classDim);
  const perClass = weight === null ? null : weight.indexSelect(0, safe.reshape([-1])).reshape(target.shape);
  const weights = perClass === null ? counted.to(logp.dtype) : perClass.where(counted, 0);
  return { losses: picked.neg().mul(weights), weights, counted };
}

/** PyTorch's NLL mean is a weighted mean: the summed losses over the summed target weights. */
function reduceNll(nll: Nll, reduction: Reduction): Tensor {
  if (reduction === 'none') return nll.losses;
  if (reduction === 'sum') return nll.losses.sum();
  return nll.losses.sum().div(nll.weights.sum());
}

/** log(x) floored at -100; where floored, the log is taken of 1, so the gradient is 0, not 0 * Infinity. */
function flooredLog(x: Tensor): Tensor {
  const ok = x.detach().log().ge(-100);
  return x.where(ok, 1).log().where(ok, -100);
}

function withoutDim(shape: readonly number[], dim: number): number[] {
  return shape.filter((_, i) => i !== dim);
}

/** [1, C, 1, ...]: a per-class tensor laid out to broadcast along the class dim. */
function classShape(input: Tensor, classDim: number): number[] {
  return input.shape.map((s, i) => (i === classDim ? s : 1));
}

function sameShapeAs(a: { shape: readonly number[] }, b: { shape: readonly number[] }): boolean {
  return a.shape.length === b.shape.length && a.shape.every((s, i) => s === b.shape[i]);
}
