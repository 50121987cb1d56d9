/**
 * Loss modules: thin Module wrappers over the functions of functional/losses*.ts, with PyTorch's
 * names and defaults. Options are fixed at construction; `forward(input, target)` computes the loss.
 * Class weights (`weight`, `pos_weight`) are buffers, as in PyTorch, so they follow the state dict.
 *
 * ```ts
 * const criterion = new nn.CrossEntropyLoss({ labelSmoothing: 0.1 });
 * const loss = criterion.forward(model.forward(x), labels);
 * ```
 */
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';
import * as F from './functional/losses.js';
import { checkReduction, type Reduction } from './functional/loss-support.js';

/** The base of the loss modules: holds the reduction. */
export abstract class Loss extends Module {
  readonly reduction: Reduction;
  constructor(name: string, reduction: Reduction | undefined) {
    super();
    this.reduction = reduction ?? 'mean';
    checkReduction(name, this.reduction);
  }
  override extraRepr(): string {
    return `reduction='${this.reduction}'`;
  }
}

/** A loss with an optional per-class `weight` buffer. */
export abstract class WeightedLoss extends Loss {
  declare weight: Tensor | null;
  constructor(name: string, weight: Tensor | null | undefined, reduction: Reduction | undefined) {
    super(name, reduction);
    this.registerBuffer('weight', weight ?? null);
  }
}

/** Mean absolute error; see functional `l1Loss`. */
export class L1Loss extends Loss {
  constructor(options: F.LossOptions = {}) {
    super('L1Loss', options.reduction);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.l1Loss(input, target, { reduction: this.reduction });
  }
}

/** Mean squared error; see functional `mseLoss`. */
export class MSELoss extends Loss {
  constructor(options: F.LossOptions = {}) {
    super('MSELoss', options.reduction);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, { reduction: this.reduction });
  }
}

/** Mean squared logarithmic error; see functional `msleLoss`. */
export class MSLELoss extends Loss {
  constructor(options: F.LossOptions = {}) {
    super('MSLELoss', options.reduction);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.msleLoss(input, target, { reduction: this.reduction });
  }
}

/**
 * Cross-entropy of logits against class indices or class probabilities; see functional `crossEntropy`.
 *
 * ```ts
 * new nn.CrossEntropyLoss({ weight: tensor([1, 2, 1]), ignoreIndex: -1 }).forward(logits, labels);
 * ```
 */
export class CrossEntropyLoss extends WeightedLoss {
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;
  constructor(options: F.CrossEntropyOptions = {}) {
    super('CrossEntropyLoss', options.weight, options.reduction);
    this.ignoreIndex = options.ignoreIndex ?? -100;
    this.labelSmoothing = options.labelSmoothing ?? 0;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.crossEntropy(input, target, {
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
      reduction: this.reduction,
      labelSmoothing: this.labelSmoothing,
    });
  }
  override extraRepr(): string {
    return `ignoreIndex=${this.ignoreIndex}, reduction='${this.reduction}', labelSmoothing=${this.labelSmoothing}`;
  }
}

/** Negative log-likelihood of log-probabilities; see functional `nllLoss`. */
export class NLLLoss extends WeightedLoss {
  readonly ignoreIndex: number;
  constructor(options: F.NllLossOptions = {}) {
    super('NLLLoss', options.weight, options.reduction);
    this.ignoreIndex = options.ignoreIndex ?? -100;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
  override extraRepr(): string {
    return `ignoreIndex=${this.ignoreIndex}, reduction='${this.reduction}'`;
  }
}

/** Binary cross-entropy of probabilities; see functional `binaryCrossEntropy`. */
export class BCELoss extends WeightedLoss {
  constructor(options: F.BinaryCrossEntropyOptions = {}) {
    super('BCELoss', options.weight, options.reduction);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/** Binary cross-entropy of logits (stable form, posWeight); see functional `binaryCrossEntropyWithLogits`. */
export class BCEWithLogitsLoss extends WeightedLoss {
  declare pos_weight: Tensor | null;
  constructor(options: F.BinaryCrossEntropyWithLogitsOptions = {}) {
    super('BCEWithLogitsLoss', options.weight, options.reduction);
    this.registerBuffer('pos_weight', options.posWeight ?? null);
  }
  /** The `pos_weight` buffer. */
  get posWeight(): Tensor | null {
    return this.pos_weight;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(input, target, { weight: this.weight, posWeight: this.pos_weight, reduction: this.reduction });
  }
}

/** torchvision's sigmoid focal loss (default reduction 'none'); see functional `sigmoidFocalLoss`. */
export class SigmoidFocalLoss extends Loss {
  readonly alpha: number;
  readonly gamma: number;
  constructor(options: F.SigmoidFocalLossOptions = {}) {
    super('SigmoidFocalLoss', options.reduction ?? 'none');
    this.alpha = options.alpha ?? 0.25;
    this.gamma = options.gamma ?? 2;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.sigmoidFocalLoss(input, target, { alpha: this.alpha, gamma: this.gamma, reduction: this.reduction });
  }
  override extraRepr(): string {
    return `alpha=${this.alpha}, gamma=${this.gamma}, reduction='${this.reduction}'`;
  }
}

/** Smooth L1 loss; see functional `smoothL1Loss`. */
export class SmoothL1Loss extends Loss {
  readonly beta: number;
  constructor(options: F.SmoothL1LossOptions = {}) {
    super('SmoothL1Loss', options.reduction);
    this.beta = options.beta ?? 1;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.smoothL1Loss(input, target, { beta: this.beta, reduction: this.reduction });
  }
  override extraRepr(): string {
    return `beta=${this.beta}, reduction='${this.reduction}'`;
  }
}

/** Huber loss; see functional `huberLoss`. */
export class HuberLoss extends Loss {
  readonly delta: number;
  constructor(options: F.HuberLossOptions = {}) {
    super('HuberLoss', options.reduction);
    this.delta = options.delta ?? 1;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.huberLoss(input, target, { delta: this.delta, reduction: this.reduction });
  }
  override extraRepr(): string {
    return `delta=${this.delta}, reduction='${this.reduction}'`;
  }
}

/** Kullback-Leibler divergence of log-probabilities; see functional `klDiv`. */
export class KLDivLoss extends Module {
  readonly reduction: Reduction | 'batchmean';
  readonly logTarget: boolean;
  constructor(options: F.KlDivOptions = {}) {
    super();
    this.reduction = options.reduction ?? 'mean';
    checkReduction('KLDivLoss', this.reduction, ['mean', 'batchmean', 'sum', 'none']);
    this.logTarget = options.logTarget ?? false;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
  override extraRepr(): string {
    return `reduction='${this.reduction}', logTarget=${this.logTarget}`;
  }
}

/** Poisson negative log-likelihood; see functional `poissonNllLoss`. */
export class PoissonNLLLoss extends Loss {
  readonly logInput: boolean;
  readonly full: boolean;
  readonly eps: number;
  constructor(options: F.PoissonNllLossOptions = {}) {
    super('PoissonNLLLoss', options.reduction);
    this.logInput = options.logInput ?? true;
    this.full = options.full ?? false;
    this.eps = options.eps ?? 1e-8;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.poissonNllLoss(input, target, { logInput: this.logInput, full: this.full, eps: this.eps, reduction: this.reduction });
  }
  override extraRepr(): string {
    return `logInput=${this.logInput}, full=${this.full}, eps=${this.eps}, reduction='${this.reduction}'`;
  }
}

/** Gaussian negative log-likelihood; `forward(input, target, variance)`; see functional `gaussianNllLoss`. */
export class GaussianNLLLoss extends Loss {
  readonly full: boolean;
  readonly eps: number;
  constructor(options: F.GaussianNllLossOptions = {}) {
    super('GaussianNLLLoss', options.reduction);
    this.full = options.full ?? false;
    this.eps = options.eps ?? 1e-6;
  }
  override forward(input: Tensor, target: Tensor, variance: Tensor): Tensor {
    return F.gaussianNllLoss(input, target, variance, { full: this.full, eps: this.eps, reduction: this.reduction });
  }
  override extraRepr(): string {
    return `full=${this.full}, eps=${this.eps}, reduction='${this.reduction}'`;
  }
}

/** Cosine embedding loss; `forward(input1, input2, target)`; see functional `cosineEmbeddingLoss`. */
export class CosineEmbeddingLoss extends Loss {
  readonly margin: number;
  constructor(options: F.MarginLossOptions = {}) {
    super('CosineEmbeddingLoss', options.reduction);
    this.margin = options.margin ?? 0;
  }
  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return F.cosineEmbeddingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
  override extraRepr(): string {
    return `margin=${this.margin}, reduction='${this.reduction}'`;
  }
}

/** Margin ranking loss; `forward(input1, input2, target)`; see functional `marginRankingLoss`. */
export class MarginRankingLoss extends Loss {
  readonly margin: number;
  constructor(options: F.MarginLossOptions = {}) {
    super('MarginRankingLoss', options.reduction);
    this.margin = options.margin ?? 0;
  }
  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return F.marginRankingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
  override extraRepr(): string {
    return `margin=${this.margin}, reduction='${this.reduction}'`;
  }
}

/** Hinge embedding loss; see functional `hingeEmbeddingLoss`. */
export class HingeEmbeddingLoss extends Loss {
  readonly margin: number;
  constructor(options: F.MarginLossOptions = {}) {
    super('HingeEmbeddingLoss', options.reduction);
    this.margin = options.margin ?? 1;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.hingeEmbeddingLoss(input, target, { margin: this.margin, reduction: this.reduction });
  }
  override extraRepr(): string {
    return `margin=${this.margin}, reduction='${this.reduction}'`;
  }
}

/** Multi-class hinge loss; see functional `multiMarginLoss`. */
export class MultiMarginLoss extends WeightedLoss {
  readonly p: 1 | 2;
  readonly margin: number;
  constructor(options: F.MultiMarginLossOptions = {}) {
    super('MultiMarginLoss', options.weight, options.reduction);
    this.p = options.p ?? 1;
    this.margin = options.margin ?? 1;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.multiMarginLoss(input, target, { p: this.p, margin: this.margin, weight: this.weight, reduction: this.reduction });
  }
  override extraRepr(): string {
    return `p=${this.p}, margin=${this.margin}, reduction='${this.reduction}'`;
  }
}

/** Triplet margin loss; `forward(anchor, positive, negative)`; see functional `tripletMarginLoss`. */
export class TripletMarginLoss extends Loss {
  readonly margin: number;
  readonly p: number;
  readonly eps: number;
  readonly swap: boolean;
  constructor(options: F.TripletMarginLossOptions = {}) {
    super('TripletMarginLoss', options.reduction);
    this.margin = options.margin ?? 1;
    this.p = options.p ?? 2;
    this.eps = options.eps ?? 1e-6;
    this.swap = options.swap ?? false;
  }
  override forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return F.tripletMarginLoss(anchor, positive, negative, { margin: this.margin, p: this.p, eps: this.eps, swap: this.swap, reduction: this.reduction });
  }
  override extraRepr(): string {
    return `margin=${this.margin}, p=${this.p}, eps=${this.eps}, swap=${this.swap}, reduction='${this.reduction}'`;
  }
}

/** Structural dissimilarity (1 - SSIM) / 2 with a Gaussian window; see functional `dssim`. */
export class DSSIMLoss extends Loss {
  readonly options: Readonly<F.SsimOptions>;
  constructor(options: F.SsimOptions = {}) {
    super('DSSIMLoss', options.reduction);
    this.options = { ...options, reduction: this.reduction };
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.dssim(input, target, this.options);
  }
  override extraRepr(): string {
    const o = this.options;
    return `windowSize=${o.windowSize ?? 11}, sigma=${o.sigma ?? 1.5}, dataRange=${o.dataRange ?? 1}, reduction='${this.reduction}'`;
  }
}

/**
 * The perceptual loss over a frozen feature extractor; see functional `perceptualLoss`. An extractor
 * that is a Module becomes a child of this loss (so `eval()` reaches it); its parameters get no
 * gradient from this loss.
 */
export class PerceptualLoss extends Loss {
  readonly extractor: F.FeatureExtractor;
  readonly layers: readonly number[] | undefined;
  readonly weights: readonly number[] | undefined;
  constructor(extractor: F.FeatureExtractor, options: F.PerceptualLossOptions = {}) {
    super('PerceptualLoss', options.reduction);
    this.extractor = extractor;
    this.layers = options.layers;
    this.weights = options.weights;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.perceptualLoss(this.extractor, input, target, { layers: this.layers, weights: this.weights, reduction: this.reduction });
  }
}
