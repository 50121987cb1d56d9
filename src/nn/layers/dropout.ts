/**
 * Dropout layers: active in training mode, the identity in eval mode. Dropout (elementwise),
 * Dropout1d/2d/3d (whole channels, Tompson 2015), AlphaDropout and FeatureAlphaDropout (SELU networks,
 * Klambauer 2017), StochasticDepth and DropPath (whole residual branches per sample, Huang 2016).
 * Masks come from the seeded global generator (manualSeed).
 */
import type { Tensor } from '../../tensor/tensor.js';
import { dropout } from '../../ops/nn/dropout.js';
import { Module } from '../module.js';
import { alphaDropout, dropPath, dropout1d, dropout2d, dropout3d, featureAlphaDropout, stochasticDepth } from '../functional/dropout.js';

function checkP(layer: string, p: unknown): number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new Error(`${layer}: dropout probability has to be between 0 and 1, got ${String(p)}`);
  return p;
}

/** Shared by the dropout layers: the probability and its printed form. */
abstract class DropoutBase extends Module {
  readonly p: number;
  constructor(layer: string, p: number) {
    super();
    this.p = checkP(layer, p);
  }
  override extraRepr(): string {
    return `p=${this.p}`;
  }
}

/**
 * Zeroes each element with probability `p` (default 0.5) during training and scales the rest by
 * 1 / (1 - p) (Srivastava 2014); the identity in eval mode.
 *
 * ```ts
 * const drop = new nn.Dropout(0.1);
 * drop.forward(x);           // training
 * drop.eval().forward(x);    // x
 * ```
 */
export class Dropout extends DropoutBase {
  constructor(p = 0.5) {
    super('Dropout', p);
  }
  override forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training);
  }
}

/** Zeroes whole channels of [N, C, L] or [C, L] inputs with probability `p` (default 0.5) in training. */
export class Dropout1d extends DropoutBase {
  constructor(p = 0.5) {
    super('Dropout1d', p);
  }
  override forward(x: Tensor): Tensor {
    return dropout1d(x, this.p, this.training);
  }
}

/**
 * Spatial dropout (Tompson 2015): zeroes whole channels of [N, C, H, W] or [C, H, W] inputs with
 * probability `p` (default 0.5) in training, scaling the rest by 1 / (1 - p).
 *
 * ```ts
 * new nn.Sequential(new nn.Conv2d(3, 16, 3), new nn.ReLU(), new nn.Dropout2d(0.2));
 * ```
 */
export class Dropout2d extends DropoutBase {
  constructor(p = 0.5) {
    super('Dropout2d', p);
  }
  override forward(x: Tensor): Tensor {
    return dropout2d(x, this.p, this.training);
  }
}

/** Zeroes whole channels of [N, C, D, H, W] or [C, D, H, W] inputs with probability `p` in training. */
export class Dropout3d extends DropoutBase {
  constructor(p = 0.5) {
    super('Dropout3d', p);
  }
  override forward(x: Tensor): Tensor {
    return dropout3d(x, this.p, this.training);
  }
}

/**
 * Alpha dropout (Klambauer 2017) for SELU networks: dropped units take SELU's saturation value and the
 * result is rescaled so that zero mean and unit variance are kept. Default p 0.5.
 *
 * ```ts
 * new nn.Sequential(new nn.Linear(64, 64), new nn.SELU(), new nn.AlphaDropout(0.1));
 * ```
 */
export class AlphaDropout extends DropoutBase {
  constructor(p = 0.5) {
    super('AlphaDropout', p);
  }
  override forward(x: Tensor): Tensor {
    return alphaDropout(x, this.p, this.training);
  }
}

/** Alpha dropout of whole channels of [N, C, *] inputs. Default p 0.5. */
export class FeatureAlphaDropout extends DropoutBase {
  constructor(p = 0.5) {
    super('FeatureAlphaDropout', p);
  }
  override forward(x: Tensor): Tensor {
    return featureAlphaDropout(x, this.p, this.training);
  }
}

/**
 * Stochastic depth (Huang 2016), as torchvision's StochasticDepth: in training, drops its input (a
 * residual branch) with probability `p` per sample (`'row'`) or for the whole batch (`'batch'`),
 * scaling survivors by 1 / (1 - p). Use it on the branch, before the residual addition.
 *
 * ```ts
 * const sd = new nn.StochasticDepth(0.1, 'row');
 * const y = x.add(sd.forward(block.forward(x)));
 * ```
 */
export class StochasticDepth extends DropoutBase {
  readonly mode: 'row' | 'batch';
  constructor(p: number, mode: 'row' | 'batch') {
    super('StochasticDepth', p);
    if (mode !== 'row' && mode !== 'batch') throw new Error(`StochasticDepth: mode must be 'row' or 'batch', got ${JSON.stringify(mode)}`);
    this.mode = mode;
  }
  override forward(x: Tensor): Tensor {
    return stochasticDepth(x, this.p, this.mode, this.training);
  }
  override extraRepr(): string {
    return `p=${this.p}, mode=${this.mode}`;
  }
}

export interface DropPathOptions {
  /** Scale survivors by 1 / (1 - p) (default true). */
  scaleByKeep?: boolean;
}

/**
 * Drop path (timm's name for per-sample stochastic depth): in training, zeroes each sample of its
 * input (a residual branch) with probability `p` (default 0), scaling survivors by 1 / (1 - p).
 *
 * ```ts
 * const y = x.add(new nn.DropPath(0.1).forward(branch));
 * ```
 */
export class DropPath extends DropoutBase {
  readonly scaleByKeep: boolean;
  constructor(p = 0, options: DropPathOptions = {}) {
    super('DropPath', p);
    this.scaleByKeep = options.scaleByKeep ?? true;
  }
  override forward(x: Tensor): Tensor {
    return dropPath(x, this.p, this.training, this.scaleByKeep);
  }
  override extraRepr(): string {
    return `p=${this.p}, scaleByKeep=${this.scaleByKeep}`;
  }
}
