/**
 * Losses on pairs and triplets of embeddings or scores, with +1/-1 targets saying which pairs are alike
 * (or which item should rank first): cosine embedding, margin ranking, hinge embedding and triplet
 * margin losses.
 */
import { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { describe } from '../../ops/util.js';
import { checkBoolean, checkNumber, checkReduction, finite, floatTensor, nonNegative, reduce, sameShape, type Reduction } from './loss-support.js';

export interface MarginLossOptions {
  /** Default 'mean'. */
  reduction?: Reduction;
  margin?: number;
}

/** Throws unless `target` is a tensor of `shape` holding only 1 and -1 (any numeric dtype). */
function signTarget(op: string, target: unknown, shape: readonly number[]): Tensor {
  if (!(target instanceof Tensor) || target.dtype === 'bool') {
    throw new Error(`${op}: target must be a numeric tensor of 1 and -1, got ${describe(target)}`);
  }
  if (target.ndim !== shape.length || target.shape.some((s, i) => s !== shape[i])) {
    throw new Error(`${op}: target ${formatShape(target.shape)} must have shape ${formatShape(shape)}`);
  }
  const values = target.toArray();
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== 1 && values[i] !== -1) throw new Error(`${op}: target must hold only 1 and -1, got ${values[i]} at element ${i}`);
  }
  return target;
}

function options(op: string, o: MarginLossOptions, defaultMargin: number): { reduction: Reduction; margin: number } {
  const reduction = o.reduction ?? 'mean';
  const margin = o.margin ?? defaultMargin;
  checkReduction(op, reduction);
  checkNumber(op, 'margin', margin, finite, 'a finite number');
  return { reduction, margin };
}

/** Throws unless x is [D] (one pair) or [N, D] (a batch); returns the shape of the per-pair target. */
function vectors(op: string, x: Tensor): number[] {
  if (x.ndim !== 1 && x.ndim !== 2) throw new Error(`${op}: inputs must be [D] or [N, D], got ${formatShape(x.shape)}`);
  return x.shape.slice(0, -1);
}

/**
 * 1 - cos(x1, x2) for pairs marked 1, max(0, cos(x1, x2) - margin) for pairs marked -1; the cosine is
 * taken along the last dim of [N, D] (or [D]) inputs, with target [N] (or []).
 *
 * ```ts
 * cosineEmbeddingLoss(a, b, tensor([1, -1]), { margin: 0.2 });
 * ```
 */
export function cosineEmbeddingLoss(input1: Tensor, input2: Tensor, target: Tensor, o: MarginLossOptions = {}): Tensor {
  const op = 'cosineEmbeddingLoss';
  floatTensor(op, input1, 'input1');
  floatTensor(op, input2, 'input2');
  sameShape(op, input1, input2, 'input2');
  const y = signTarget(op, target, vectors(op, input1));
  const { reduction, margin } = options(op, o, 0);
  // PyTorch's form: the 1e-12 keeps a zero vector from dividing by zero.
  const dot = input1.mul(input2).sum(-1);
  const norms = input1.square().sum(-1).add(1e-12).mul(input2.square().sum(-1).add(1e-12)).sqrt();
  const cos = dot.div(norms);
  const loss = cos.neg().add(1).where(y.eq(1), cos.sub(margin).clamp(0));
  return reduce(loss, reduction);
}

/**
 * max(0, -y (x1 - x2) + margin): with y = 1, x1 should exceed x2 by the margin; with y = -1, the reverse.
 * All three tensors have the same shape.
 */
export function marginRankingLoss(input1: Tensor, input2: Tensor, target: Tensor, o: MarginLossOptions = {}): Tensor {
  const op = 'marginRankingLoss';
  floatTensor(op, input1, 'input1');
  floatTensor(op, input2, 'input2');
  sameShape(op, input1, input2, 'input2');
  const y = signTarget(op, target, input1.shape);
  const { reduction, margin } = options(op, o, 0);
  return reduce(input1.sub(input2).mul(y.to(input1.dtype).neg()).add(margin).clamp(0), reduction);
}

/**
 * x where y = 1 and max(0, margin - x) where y = -1: for distances x between pairs that are alike
 * (1) or not (-1). Default margin 1.
 */
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, o: MarginLossOptions = {}): Tensor {
  const op = 'hingeEmbeddingLoss';
  floatTensor(op, input, 'input');
  const y = signTarget(op, target, input.shape);
  const { reduction, margin } = options(op, o, 1);
  return reduce(input.where(y.eq(1), input.neg().add(margin).clamp(0)), reduction);
}

export interface TripletMarginLossOptions extends MarginLossOptions {
  /** The norm of the distances (default 2). */
  p?: number;
  /** Added to the differences before the norm, keeping its gradient finite (default 1e-6). */
  eps?: number;
  /** Uses the positive-negative distance when it is smaller (Balntas 2016; default false). */
  swap?: boolean;
}

/**
 * max(0, d(a, p) - d(a, n) + margin) with d the p-norm distance along the last dim of [N, D] (or [D])
 * anchors, positives and negatives (Schroff 2015's FaceNet loss). Default margin 1.
 *
 * ```ts
 * tripletMarginLoss(anchor, positive, negative, { margin: 0.5 });
 * ```
 */
export function tripletMarginLoss(anchor: Tensor, positive: Tensor, negative: Tensor, o: TripletMarginLossOptions = {}): Tensor {
  const op = 'tripletMarginLoss';
  floatTensor(op, anchor, 'anchor');
  floatTensor(op, positive, 'positive');
  floatTensor(op, negative, 'negative');
  sameShape(op, anchor, positive, 'positive');
  sameShape(op, anchor, negative, 'negative');
  vectors(op, anchor);
  const { reduction, margin } = options(op, o, 1);
  const p = o.p ?? 2;
  const eps = o.eps ?? 1e-6;
  const swap = o.swap ?? false;
  checkNumber(op, 'p', p, (v) => v > 0, 'a number > 0');
  checkNumber(op, 'eps', eps, nonNegative, 'a finite number >= 0');
  checkBoolean(op, 'swap', swap);
  // PyTorch's pairwise_distance: ||x1 - x2 + eps||_p.
  const distance = (a: Tensor, b: Tensor): Tensor => a.sub(b).add(eps).norm(p, -1);
  const dPos = distance(anchor, positive);
  let dNeg = distance(anchor, negative);
  if (swap) dNeg = dNeg.minimum(distance(positive, negative));
  return reduce(dPos.sub(dNeg).add(margin).clamp(0), reduction);
}
