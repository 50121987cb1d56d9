/** Layers that move data around without parameters: Identity, Flatten, Unflatten, Upsample. */
import type { Tensor } from '../../tensor/tensor.js';
import { Module } from '../module.js';
import { interpolate, type InterpolateMode, type InterpolateOptions } from '../../ops/nn/interpolate.js';
import { checkInt, showTuple } from './support.js';

/**
 * Returns its input unchanged (extra arguments are ignored, as in PyTorch): a placeholder, e.g. to
 * replace a model's head.
 */
export class Identity extends Module {
  constructor(..._args: unknown[]) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return x;
  }
}

/**
 * Flattens dims startDim..endDim into one (defaults 1 and -1: everything but the batch dim).
 *
 * ```ts
 * new nn.Flatten().forward(zeros([8, 32, 5, 5])); // [8, 800]
 * ```
 */
export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
    checkInt('Flatten', 'startDim', startDim, -Infinity);
    checkInt('Flatten', 'endDim', endDim, -Infinity);
  }
  override forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `startDim=${this.startDim}, endDim=${this.endDim}`;
  }
}

/**
 * Splits dim `dim` into `unflattenedSize` (one entry may be -1).
 *
 * ```ts
 * new nn.Unflatten(1, [32, 5, 5]).forward(zeros([8, 800])); // [8, 32, 5, 5]
 * ```
 */
export class Unflatten extends Module {
  readonly unflattenedSize: number[];
  constructor(readonly dim: number, unflattenedSize: readonly number[]) {
    super();
    checkInt('Unflatten', 'dim', dim, -Infinity);
    if (!Array.isArray(unflattenedSize) || unflattenedSize.length === 0 || !unflattenedSize.every((s) => Number.isInteger(s) && s >= -1)) {
      throw new Error(`Unflatten: unflattenedSize must be a non-empty list of sizes (one may be -1), got ${JSON.stringify(unflattenedSize)}`);
    }
    this.unflattenedSize = [...unflattenedSize];
  }
  override forward(x: Tensor): Tensor {
    return x.unflatten(this.dim, this.unflattenedSize);
  }
  override extraRepr(): string {
    return `dim=${this.dim}, unflattenedSize=${showTuple(this.unflattenedSize)}`;
  }
}

/**
 * Resizes [N, C, L] or [N, C, H, W] input by `size` or `scaleFactor`, with mode 'nearest' (default),
 * 'linear' or 'bilinear' (the interpolate op).
 *
 * ```ts
 * new nn.Upsample({ scaleFactor: 2, mode: 'bilinear', alignCorners: false });
 * ```
 */
export class Upsample extends Module {
  readonly size: number | readonly number[] | null;
  readonly scaleFactor: number | readonly number[] | null;
  readonly mode: InterpolateMode;
  readonly alignCorners: boolean | null;

  constructor(options: InterpolateOptions) {
    super();
    if (options === null || typeof options !== 'object') throw new Error('Upsample: expects an options object with size or scaleFactor');
    if ((options.size === undefined) === (options.scaleFactor === undefined)) {
      throw new Error('Upsample: give exactly one of size and scaleFactor');
    }
    this.size = options.size ?? null;
    this.scaleFactor = options.scaleFactor ?? null;
    this.mode = options.mode ?? 'nearest';
    this.alignCorners = options.alignCorners ?? null;
  }

  override forward(x: Tensor): Tensor {
    const o: InterpolateOptions = { mode: this.mode };
    if (this.size !== null) o.size = this.size;
    if (this.scaleFactor !== null) o.scaleFactor = this.scaleFactor;
    if (this.alignCorners !== null) o.alignCorners = this.alignCorners;
    return interpolate(x, o);
  }

  override extraRepr(): string {
    const what = this.size !== null ? `size=${showTuple(this.size)}` : `scaleFactor=${showTuple(this.scaleFactor!)}`;
    return `${what}, mode='${this.mode}'${this.alignCorners !== null ? `, alignCorners=${this.alignCorners}` : ''}`;
  }
}
