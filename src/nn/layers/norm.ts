/**
 * Normalization layers with PyTorch's defaults, parameter names and buffers: BatchNorm1d/2d/3d,
 * InstanceNorm1d/2d/3d, LayerNorm, GroupNorm, RMSNorm. Running statistics are buffers registered under
 * PyTorch's names (`running_mean`, `running_var`, `num_batches_tracked`), so state dicts map one to
 * one; camelCase getters read them.
 */
import type { Tensor } from '../../tensor/tensor.js';
import type { FloatDType } from '../../tensor/dtype.js';
import { formatShape } from '../../tensor/shape.js';
import { ones, zeros } from '../../tensor/creation.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { Module, Parameter } from '../module.js';
import { batchNorm, groupNorm, instanceNorm, layerNorm, rmsNorm } from '../functional/norm.js';
import { showTuple } from './support.js';

export interface BatchNormOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Weight of the new batch in the running statistics (default 0.1); null for a cumulative average. */
  momentum?: number | null;
  /** Learnable per-channel weight (init 1) and bias (init 0) (default true). */
  affine?: boolean;
  /** Keep running statistics for eval mode (default true; false for InstanceNorm). */
  trackRunningStats?: boolean;
  /** dtype of the parameters and running statistics (default float32). */
  dtype?: FloatDType;
}

function checkPositiveInt(layer: string, name: string, v: unknown): asserts v is number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`${layer}: ${name} must be a positive integer, got ${String(v)}`);
}

function checkEps(layer: string, eps: unknown): void {
  if (typeof eps !== 'number' || !(eps >= 0) || !Number.isFinite(eps)) throw new Error(`${layer}: eps must be a finite number >= 0, got ${String(eps)}`);
}

/**
 * What BatchNorm and InstanceNorm share (PyTorch's _NormBase): per-channel `weight` and `bias`, and the
 * running statistics buffers when `trackRunningStats` (otherwise registered as null, as in PyTorch).
 */
abstract class NormBase extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Parameter | null = null;
  bias: Parameter | null = null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;

  constructor(layer: string, numFeatures: number, options: BatchNormOptions, defaults: { affine: boolean; trackRunningStats: boolean }) {
    super();
    checkPositiveInt(layer, 'numFeatures', numFeatures);
    const { eps = 1e-5, momentum = 0.1, affine = defaults.affine, trackRunningStats = defaults.trackRunningStats, dtype = 'float32' } = options;
    checkEps(layer, eps);
    if (momentum !== null && (typeof momentum !== 'number' || !Number.isFinite(momentum))) {
      throw new Error(`${layer}: momentum must be a number or null (cumulative average), got ${String(momentum)}`);
    }
    this.numFeatures = numFeatures;
    this.eps = eps;
    this.momentum = momentum;
    this.affine = affine;
    this.trackRunningStats = trackRunningStats;
    if (affine) {
      this.weight = new Parameter(ones([numFeatures], { dtype }));
      this.bias = new Parameter(zeros([numFeatures], { dtype }));
    }
    if (trackRunningStats) {
      this.registerBuffer('running_mean', zeros([numFeatures], { dtype }));
      this.registerBuffer('running_var', ones([numFeatures], { dtype }));
      this.registerBuffer('num_batches_tracked', zeros([], { dtype: 'int32' }));
    } else {
      this.registerBuffer('running_mean', null);
      this.registerBuffer('running_var', null);
      this.registerBuffer('num_batches_tracked', null);
    }
  }

  get runningMean(): Tensor | null {
    return this.running_mean;
  }
  get runningVar(): Tensor | null {
    return this.running_var;
  }
  get numBatchesTracked(): Tensor | null {
    return this.num_batches_tracked;
  }

  /** Running mean 0, running variance 1, no batches tracked. */
  resetRunningStats(): void {
    if (!this.trackRunningStats) return;
    noGrad(() => {
      this.running_mean!.zero_();
      this.running_var!.fill_(1);
      this.num_batches_tracked!.zero_();
    });
  }

  /** Running statistics reset, weight 1, bias 0. */
  resetParameters(): void {
    this.resetRunningStats();
    if (this.affine) {
      noGrad(() => {
        this.weight!.fill_(1);
        this.bias!.fill_(0);
      });
    }
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.affine}, trackRunningStats=${this.trackRunningStats}`;
  }
}

/** BatchNorm's forward for a layer that accepts inputs of `dims` dims. */
abstract class BatchNormBase extends NormBase {
  constructor(
    private readonly layer: string,
    private readonly dims: readonly number[],
    numFeatures: number,
    options: BatchNormOptions,
  ) {
    super(layer, numFeatures, options, { affine: true, trackRunningStats: true });
  }

  override forward(x: Tensor): Tensor {
    if (!this.dims.includes(x.ndim)) {
      throw new Error(`${this.layer}: expected a ${this.dims.map((d) => `${d}-D`).join(' or ')} input, got shape ${formatShape(x.shape)}`);
    }
    if (x.shape[1] !== this.numFeatures) {
      throw new Error(`${this.layer}: expected input with ${this.numFeatures} channels (dim 1), got shape ${formatShape(x.shape)}`);
    }
    let factor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats && this.num_batches_tracked !== null) {
      const count = noGrad(() => this.num_batches_tracked!.add_(1)).item();
      // momentum null: the running statistics are the plain average of every batch seen so far.
      if (this.momentum === null) factor = 1 / count;
    }
    // Batch statistics in training, and in eval when there are no running statistics to use.
    const useBatchStats = this.training || (this.running_mean === null && this.running_var === null);
    const track = !this.training || this.trackRunningStats;
    return batchNorm(x, track ? this.running_mean : null, track ? this.running_var : null, this.weight, this.bias, useBatchStats, factor, this.eps);
  }
}

/**
 * Batch normalization over [N, C] or [N, C, L] inputs (Ioffe 2015): per channel, training normalizes
 * with the batch's mean and biased variance and updates the running statistics; eval mode normalizes
 * with the running statistics. Defaults as PyTorch: eps 1e-5, momentum 0.1, affine, trackRunningStats.
 *
 * ```ts
 * const bn = new nn.BatchNorm1d(64);
 * const y = bn.forward(x);    // training: batch statistics
 * bn.eval(); bn.forward(x);   // running statistics
 * ```
 */
export class BatchNorm1d extends BatchNormBase {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super('BatchNorm1d', [2, 3], numFeatures, options);
  }
}

/** Batch normalization over [N, C, H, W] inputs, per channel; see BatchNorm1d. */
export class BatchNorm2d extends BatchNormBase {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super('BatchNorm2d', [4], numFeatures, options);
  }
}

/** Batch normalization over [N, C, D, H, W] inputs, per channel; see BatchNorm1d. */
export class BatchNorm3d extends BatchNormBase {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super('BatchNorm3d', [5], numFeatures, options);
  }
}

/** InstanceNorm's forward for `spatial` spatial dims; unbatched inputs get a batch dim of 1. */
abstract class InstanceNormBase extends NormBase {
  constructor(
    private readonly layer: string,
    private readonly spatial: number,
    numFeatures: number,
    options: BatchNormOptions,
  ) {
    super(layer, numFeatures, options, { affine: false, trackRunningStats: false });
  }

  override forward(x: Tensor): Tensor {
    const s = this.spatial;
    if (x.ndim !== s + 1 && x.ndim !== s + 2) {
      throw new Error(`${this.layer}: expected a ${s + 1}-D (unbatched) or ${s + 2}-D (batched) input, got shape ${formatShape(x.shape)}`);
    }
    const batched = x.ndim === s + 2 ? x : x.unsqueeze(0);
    if (this.affine && batched.shape[1] !== this.numFeatures) {
      throw new Error(`${this.layer}: expected input with ${this.numFeatures} channels (dim ${x.ndim - s - 1}), got shape ${formatShape(x.shape)}`);
    }
    // As PyTorch: input statistics in training and whenever there are no running ones; momentum null is 0 here.
    const useInputStats = this.training || !this.trackRunningStats;
    const out = instanceNorm(batched, this.running_mean, this.running_var, this.weight, this.bias, useInputStats, this.momentum ?? 0, this.eps);
    return x.ndim === s + 2 ? out : out.squeeze(0);
  }
}

/**
 * Instance normalization (Ulyanov 2016) of [N, C, L] or [C, L] inputs: each channel of each sample by
 * its own statistics. Defaults as PyTorch: no affine, no running statistics.
 */
export class InstanceNorm1d extends InstanceNormBase {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super('InstanceNorm1d', 1, numFeatures, options);
  }
}

/**
 * Instance normalization of [N, C, H, W] or [C, H, W] inputs (style transfer's normalization): each
 * [H, W] plane by its own mean and variance. Defaults as PyTorch: affine false, trackRunningStats
 * false, eps 1e-5, momentum 0.1.
 *
 * ```ts
 * const norm = new nn.InstanceNorm2d(64, { affine: true });
 * ```
 */
export class InstanceNorm2d extends InstanceNormBase {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super('InstanceNorm2d', 2, numFeatures, options);
  }
}

/** Instance normalization of [N, C, D, H, W] or [C, D, H, W] inputs; see InstanceNorm2d. */
export class InstanceNorm3d extends InstanceNormBase {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super('InstanceNorm3d', 3, numFeatures, options);
  }
}

function shapeOf(layer: string, normalizedShape: unknown): number[] {
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : Array.isArray(normalizedShape) ? [...(normalizedShape as unknown[])] : null;
  if (shape === null || shape.length === 0 || !shape.every((s) => typeof s === 'number' && Number.isInteger(s) && s >= 1)) {
    throw new Error(`${layer}: normalizedShape must be a positive integer or a non-empty list of them, got ${JSON.stringify(normalizedShape)}`);
  }
  return shape as number[];
}

export interface LayerNormOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Learnable elementwise weight (init 1) and bias (init 0) of shape normalizedShape (default true). */
  elementwiseAffine?: boolean;
  /** With elementwiseAffine, whether to have the bias (default true). */
  bias?: boolean;
  dtype?: FloatDType;
}

/**
 * Layer normalization (Ba 2016) over the trailing dims `normalizedShape`, with an elementwise weight
 * and bias. Defaults as PyTorch: eps 1e-5, elementwiseAffine, bias.
 *
 * ```ts
 * const ln = new nn.LayerNorm(512);        // over the last dim
 * const ln2 = new nn.LayerNorm([8, 8]);    // over the last two
 * ```
 */
export class LayerNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null = null;
  bias: Parameter | null = null;

  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    const { eps = 1e-5, elementwiseAffine = true, bias = true, dtype = 'float32' } = options;
    this.normalizedShape = shapeOf('LayerNorm', normalizedShape);
    checkEps('LayerNorm', eps);
    this.eps = eps;
    this.elementwiseAffine = elementwiseAffine;
    if (elementwiseAffine) {
      this.weight = new Parameter(ones(this.normalizedShape, { dtype }));
      if (bias) this.bias = new Parameter(zeros(this.normalizedShape, { dtype }));
    }
  }

  override forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${showTuple(this.normalizedShape)}, eps=${this.eps}, elementwiseAffine=${this.elementwiseAffine}`;
  }
}

export interface GroupNormOptions {
  eps?: number;
  /** Learnable per-channel weight (init 1) and bias (init 0) (default true). */
  affine?: boolean;
  dtype?: FloatDType;
}

/**
 * Group normalization (Wu 2018): the channels of [N, C, *] inputs split into `numGroups` groups, each
 * normalized per sample; independent of the batch size. Defaults as PyTorch: eps 1e-5, affine.
 *
 * ```ts
 * const gn = new nn.GroupNorm(8, 64); // 8 groups of 8 channels
 * ```
 */
export class GroupNorm extends Module {
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;
  readonly affine: boolean;
  weight: Parameter | null = null;
  bias: Parameter | null = null;

  constructor(numGroups: number, numChannels: number, options: GroupNormOptions = {}) {
    super();
    checkPositiveInt('GroupNorm', 'numGroups', numGroups);
    checkPositiveInt('GroupNorm', 'numChannels', numChannels);
    if (numChannels % numGroups !== 0) throw new Error(`GroupNorm: numChannels (${numChannels}) must be divisible by numGroups (${numGroups})`);
    const { eps = 1e-5, affine = true, dtype = 'float32' } = options;
    checkEps('GroupNorm', eps);
    this.numGroups = numGroups;
    this.numChannels = numChannels;
    this.eps = eps;
    this.affine = affine;
    if (affine) {
      this.weight = new Parameter(ones([numChannels], { dtype }));
      this.bias = new Parameter(zeros([numChannels], { dtype }));
    }
  }

  override forward(x: Tensor): Tensor {
    if (x.ndim >= 2 && x.shape[1] !== this.numChannels) {
      throw new Error(`GroupNorm: expected input with ${this.numChannels} channels (dim 1), got shape ${formatShape(x.shape)}`);
    }
    return groupNorm(x, this.numGroups, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${this.eps}, affine=${this.affine}`;
  }
}

export interface RMSNormOptions {
  /** Added to the mean square; default null: the machine epsilon of the input's dtype. */
  eps?: number | null;
  /** Learnable elementwise weight (init 1) (default true). */
  elementwiseAffine?: boolean;
  dtype?: FloatDType;
}

/**
 * Root-mean-square normalization (Zhang 2019) over the trailing dims `normalizedShape`, with an
 * elementwise weight: x / sqrt(mean(x^2) + eps) * weight. Defaults as PyTorch: eps null (the dtype's
 * machine epsilon), elementwiseAffine.
 *
 * ```ts
 * const norm = new nn.RMSNorm(4096);
 * ```
 */
export class RMSNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly eps: number | null;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null = null;

  constructor(normalizedShape: number | readonly number[], options: RMSNormOptions = {}) {
    super();
    const { eps = null, elementwiseAffine = true, dtype = 'float32' } = options;
    this.normalizedShape = shapeOf('RMSNorm', normalizedShape);
    if (eps !== null) checkEps('RMSNorm', eps);
    this.eps = eps;
    this.elementwiseAffine = elementwiseAffine;
    if (elementwiseAffine) this.weight = new Parameter(ones(this.normalizedShape, { dtype }));
  }

  override forward(x: Tensor): Tensor {
    return rmsNorm(x, this.normalizedShape, this.weight, this.eps);
  }

  override extraRepr(): string {
    return `${showTuple(this.normalizedShape)}, eps=${this.eps}, elementwiseAffine=${this.elementwiseAffine}`;
  }
}
