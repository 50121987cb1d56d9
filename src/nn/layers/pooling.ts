/**
 * Pooling layers over the pooling ops: MaxPool1d/2d, AvgPool1d/2d, AdaptiveAvgPool1d/2d. Each takes
 * the kernel size and an options object (or one object with `kernelSize`), with PyTorch's defaults:
 * the stride defaults to the kernel size.
 *
 * ```ts
 * new nn.MaxPool2d(2);                                    // 2x2 windows, stride 2
 * new nn.MaxPool2d(3, { stride: 2, padding: 1 });
 * new nn.AvgPool2d({ kernelSize: 3, stride: 1, padding: 1, countIncludePad: false });
 * new nn.AdaptiveAvgPool2d(1);                            // global average pooling
 * ```
 */
import type { Tensor } from '../../tensor/tensor.js';
import { Module } from '../module.js';
import { adaptiveAvgPool1d, adaptiveAvgPool2d, avgPool1d, avgPool2d, maxPool1d, maxPool2d, type AvgPoolOptions, type MaxPoolOptions } from '../../ops/nn/pool.js';
import { showTuple } from './support.js';

type KernelSize = number | readonly number[];
type MaxOptions = Omit<MaxPoolOptions, 'kernelSize'>;
type AvgOptions = Omit<AvgPoolOptions, 'kernelSize'>;

function merge<T extends object>(op: string, kernelSize: KernelSize | (T & { kernelSize: KernelSize }), options: T): T & { kernelSize: KernelSize } {
  if (typeof kernelSize === 'number' || Array.isArray(kernelSize)) return { ...options, kernelSize: kernelSize as KernelSize };
  if (kernelSize === null || typeof kernelSize !== 'object') throw new Error(`${op}: expected a kernel size or an options object, got ${String(kernelSize)}`);
  return { ...(kernelSize as T & { kernelSize: KernelSize }), ...options };
}

function describeWindow(o: { kernelSize: KernelSize; stride?: KernelSize | null; padding?: KernelSize; dilation?: KernelSize; ceilMode?: boolean }, withDilation: boolean): string[] {
  const parts = [`kernelSize=${showTuple(o.kernelSize)}`, `stride=${showTuple(o.stride ?? o.kernelSize)}`, `padding=${showTuple(o.padding ?? 0)}`];
  if (withDilation) parts.push(`dilation=${showTuple(o.dilation ?? 1)}`);
  parts.push(`ceilMode=${o.ceilMode ?? false}`);
  return parts;
}

/** What a max pooling layer's forward returns: the values, or [values, indices] with `returnIndices: true`. */
export type MaxPoolResult<R extends boolean> = R extends true ? [Tensor, Tensor] : Tensor;

abstract class MaxPoolNd extends Module {
  readonly options: MaxPoolOptions;
  protected constructor(op: string, kernelSize: KernelSize | MaxPoolOptions, options: MaxOptions) {
    super();
    this.options = merge(op, kernelSize, options);
  }
  override extraRepr(): string {
    const parts = describeWindow(this.options, true);
    if (this.options.returnIndices) parts.push('returnIndices=true');
    return parts.join(', ');
  }
}

/** Max over windows of [N, C, L]; with `returnIndices: true`, forward returns [values, indices]. */
export class MaxPool1d<R extends boolean = false> extends MaxPoolNd {
  constructor(kernelSize: KernelSize | (MaxPoolOptions & { returnIndices?: R }), options: MaxOptions & { returnIndices?: R } = {}) {
    super('MaxPool1d', kernelSize, options);
  }
  override forward(x: Tensor): MaxPoolResult<R> {
    return maxPool1d(x, this.options) as MaxPoolResult<R>;
  }
}

/** Max over windows of [N, C, H, W]; with `returnIndices: true`, forward returns [values, indices]. */
export class MaxPool2d<R extends boolean = false> extends MaxPoolNd {
  constructor(kernelSize: KernelSize | (MaxPoolOptions & { returnIndices?: R }), options: MaxOptions & { returnIndices?: R } = {}) {
    super('MaxPool2d', kernelSize, options);
  }
  override forward(x: Tensor): MaxPoolResult<R> {
    return maxPool2d(x, this.options) as MaxPoolResult<R>;
  }
}

abstract class AvgPoolNd extends Module {
  readonly options: AvgPoolOptions;
  protected constructor(op: string, kernelSize: KernelSize | AvgPoolOptions, options: AvgOptions) {
    super();
    this.options = merge(op, kernelSize, options);
  }
  override extraRepr(): string {
    const parts = describeWindow(this.options, false);
    if (this.options.countIncludePad === false) parts.push('countIncludePad=false');
    if (this.options.divisorOverride != null) parts.push(`divisorOverride=${this.options.divisorOverride}`);
    return parts.join(', ');
  }
}

/** Average over windows of [N, C, L]. */
export class AvgPool1d extends AvgPoolNd {
  constructor(kernelSize: KernelSize | AvgPoolOptions, options: AvgOptions = {}) {
    super('AvgPool1d', kernelSize, options);
  }
  override forward(x: Tensor): Tensor {
    return avgPool1d(x, this.options);
  }
}

/** Average over windows of [N, C, H, W]. */
export class AvgPool2d extends AvgPoolNd {
  constructor(kernelSize: KernelSize | AvgPoolOptions, options: AvgOptions = {}) {
    super('AvgPool2d', kernelSize, options);
  }
  override forward(x: Tensor): Tensor {
    return avgPool2d(x, this.options);
  }
}

/** Average pooling of [N, C, L] to `outputSize` elements, whatever L is. */
export class AdaptiveAvgPool1d extends Module {
  constructor(readonly outputSize: number) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return adaptiveAvgPool1d(x, this.outputSize);
  }
  override extraRepr(): string {
    return `outputSize=${this.outputSize}`;
  }
}

/** Average pooling of [N, C, H, W] to `outputSize` (one number, or [h, w] with null keeping that dim). */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: number | readonly (number | null)[]) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
  override extraRepr(): string {
    const s = this.outputSize;
    return `outputSize=${typeof s === 'number' ? s : `(${s.map((v) => (v === null ? 'null' : v)).join(', ')})`}`;
  }
}
