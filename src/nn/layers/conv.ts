/**
 * Convolution layers: Conv1d, Conv2d and their transposes over the conv ops, with PyTorch's options,
 * defaults and initialization (kaiming uniform with a = sqrt(5) on the weight, bias from
 * U(-1/sqrt(fanIn), 1/sqrt(fanIn))). Non-zero padding modes pad the input explicitly first.
 */
import type { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { Module, type Parameter } from '../module.js';
import { calculateFanInAndFanOut, kaimingUniform_, uniform_, type InitOptions } from '../init.js';
import { conv1d, conv2d, convTranspose1d, convTranspose2d } from '../../ops/nn/conv.js';
import { pad } from '../../ops/shape.js';
import { checkInt, newParameter, showTuple, tuple, type LayerOptions } from './support.js';

/** How a convolution fills the border: zeros (default) or from the input itself. */
export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

export interface ConvLayerOptions extends LayerOptions {
  stride?: number | readonly number[];
  /** Border added on both sides (default 0), or 'same' (output size = input size; stride 1) or 'valid' (0). */
  padding?: number | readonly number[] | 'same' | 'valid';
  dilation?: number | readonly number[];
  groups?: number;
  bias?: boolean;
  paddingMode?: PaddingMode;
}

export interface ConvTransposeLayerOptions extends LayerOptions {
  stride?: number | readonly number[];
  padding?: number | readonly number[];
  outputPadding?: number | readonly number[];
  dilation?: number | readonly number[];
  groups?: number;
  bias?: boolean;
}

/** What Conv1d/Conv2d and their transposes share: the shapes, the parameters and their initialization. */
export abstract class ConvNd extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly dilation: number[];
  readonly groups: number;
  weight: Parameter;
  bias: Parameter | null;

  protected constructor(
    op: string,
    spatial: number,
    transposed: boolean,
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly number[],
    options: ConvLayerOptions | ConvTransposeLayerOptions,
  ) {
    super();
    checkInt(op, 'inChannels', inChannels, 1);
    checkInt(op, 'outChannels', outChannels, 1);
    const groups = options.groups ?? 1;
    checkInt(op, 'groups', groups, 1);
    if (inChannels % groups !== 0) throw new Error(`${op}: inChannels ${inChannels} must be divisible by groups ${groups}`);
    if (outChannels % groups !== 0) throw new Error(`${op}: outChannels ${outChannels} must be divisible by groups ${groups}`);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = tuple(op, 'kernelSize', kernelSize, spatial, 1);
    this.stride = tuple(op, 'stride', options.stride ?? 1, spatial, 1);
    this.dilation = tuple(op, 'dilation', options.dilation ?? 1, spatial, 1);
    this.groups = groups;
    const shape = transposed
      ? [inChannels, outChannels / groups, ...this.kernelSize]
      : [outChannels, inChannels / groups, ...this.kernelSize];
    this.weight = newParameter(op, shape, options);
    this.bias = options.bias === false ? null : newParameter(op, [outChannels], options);
    this.resetParameters(options);
  }

  /** Draws fresh initial values (PyTorch's reset_parameters). */
  resetParameters(options: InitOptions = {}): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5), generator: options.generator });
    if (this.bias !== null) {
      const [fanIn] = calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      uniform_(this.bias, -bound, bound, options);
    }
  }

  protected baseRepr(padding: string, extra: string[] = []): string {
    const parts = [`${this.inChannels}, ${this.outChannels}, kernelSize=${showTuple(this.kernelSize)}, stride=${showTuple(this.stride)}`];
    if (padding !== '') parts.push(`padding=${padding}`);
    if (this.dilation.some((d) => d !== 1)) parts.push(`dilation=${showTuple(this.dilation)}`);
    parts.push(...extra);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (this.bias === null) parts.push('bias=false');
    return parts.join(', ');
  }
}

/** Conv1d and Conv2d: padding modes and the forward. */
abstract class ConvForward extends ConvNd {
  readonly padding: number[] | 'same' | 'valid';
  readonly paddingMode: PaddingMode;
  private readonly spatial: number;
  private readonly opName: string;

  protected constructor(op: string, spatial: number, inChannels: number, outChannels: number, kernelSize: number | readonly number[], options: ConvLayerOptions) {
    super(op, spatial, false, inChannels, outChannels, kernelSize, options);
    this.opName = op;
    this.spatial = spatial;
    const p = options.padding ?? 0;
    if (p === 'same') {
      if (this.stride.some((s) => s !== 1)) throw new Error(`${op}: padding 'same' is not supported for strided convolutions (stride ${showTuple(this.stride)})`);
      this.padding = 'same';
    } else if (p === 'valid') this.padding = 'valid';
    else this.padding = tuple(op, 'padding', p, spatial, 0);
    const mode = options.paddingMode ?? 'zeros';
    if (!['zeros', 'reflect', 'replicate', 'circular'].includes(mode)) {
      throw new Error(`${op}: paddingMode must be 'zeros', 'reflect', 'replicate' or 'circular', got ${JSON.stringify(mode)}`);
    }
    this.paddingMode = mode;
  }

  override forward(x: Tensor): Tensor {
    const conv = this.spatial === 1 ? conv1d : conv2d;
    // One options literal per call (not a spread of a second one): this runs once per layer per step.
    if (this.paddingMode === 'zeros') return conv(x, this.weight, this.bias, { stride: this.stride, dilation: this.dilation, groups: this.groups, padding: this.padding });
    const opts = { stride: this.stride, dilation: this.dilation, groups: this.groups };
    // Pad explicitly in the chosen mode, then convolve without padding. F.pad lists the last dim first.
    const amounts: number[] = [];
    for (let d = this.spatial - 1; d >= 0; d--) {
      if (this.padding === 'same') {
        const total = this.dilation[d]! * (this.kernelSize[d]! - 1);
        amounts.push(Math.floor(total / 2), total - Math.floor(total / 2));
      } else {
        const p = this.padding === 'valid' ? 0 : this.padding[d]!;
        amounts.push(p, p);
      }
    }
    if (x.ndim !== this.spatial + 1 && x.ndim !== this.spatial + 2) {
      throw new Error(`${this.opName}: expected a ${this.spatial + 1}-D or ${this.spatial + 2}-D input, got shape ${formatShape(x.shape)}`);
    }
    const padded = pad(x, amounts, this.paddingMode);
    return conv(padded, this.weight, this.bias, { ...opts, padding: 0 });
  }

  override extraRepr(): string {
    const padding = typeof this.padding === 'string' ? `'${this.padding}'` : this.padding.some((p) => p !== 0) ? showTuple(this.padding) : '';
    return this.baseRepr(padding, this.paddingMode !== 'zeros' ? [`paddingMode='${this.paddingMode}'`] : []);
  }
}

/**
 * 1-D convolution over [N, C, L] (or [C, L]); weight [outChannels, inChannels / groups, k].
 *
 * ```ts
 * new nn.Conv1d(16, 32, 3, { padding: 1 }).forward(x); // [N, 32, L]
 * ```
 */
export class Conv1d extends ConvForward {
  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly number[], options: ConvLayerOptions = {}) {
    super('Conv1d', 1, inChannels, outChannels, kernelSize, options);
  }
}

/**
 * 2-D convolution over [N, C, H, W] (or [C, H, W]); weight [outChannels, inChannels / groups, kh, kw].
 *
 * ```ts
 * new nn.Conv2d(1, 32, 3).forward(x);                    // [N, 32, H - 2, W - 2]
 * new nn.Conv2d(3, 64, 7, { stride: 2, padding: 3, bias: false });
 * ```
 */
export class Conv2d extends ConvForward {
  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly number[], options: ConvLayerOptions = {}) {
    super('Conv2d', 2, inChannels, outChannels, kernelSize, options);
  }
}

/** ConvTranspose1d and ConvTranspose2d: output padding and the forward. */
abstract class ConvTransposeForward extends ConvNd {
  readonly padding: number[];
  readonly outputPadding: number[];
  private readonly spatial: number;
  private readonly opName: string;

  protected constructor(op: string, spatial: number, inChannels: number, outChannels: number, kernelSize: number | readonly number[], options: ConvTransposeLayerOptions) {
    super(op, spatial, true, inChannels, outChannels, kernelSize, options);
    this.opName = op;
    this.spatial = spatial;
    if ((options as ConvLayerOptions).paddingMode !== undefined && (options as ConvLayerOptions).paddingMode !== 'zeros') {
      throw new Error(`${op}: only paddingMode 'zeros' is supported, as in PyTorch`);
    }
    this.padding = tuple(op, 'padding', options.padding ?? 0, spatial, 0);
    this.outputPadding = tuple(op, 'outputPadding', options.outputPadding ?? 0, spatial, 0);
    for (let d = 0; d < spatial; d++) {
      if (this.outputPadding[d]! >= Math.max(this.stride[d]!, this.dilation[d]!)) {
        throw new Error(`${op}: outputPadding ${showTuple(this.outputPadding)} must be smaller than stride ${showTuple(this.stride)} or dilation ${showTuple(this.dilation)}`);
      }
    }
  }

  /**
   * With `outputSize` (the spatial size, or the full shape), picks the output padding that gives it,
   * as PyTorch does, among the sizes a strided convolution maps to the same input size.
   */
  override forward(x: Tensor, outputSize?: readonly number[]): Tensor {
    const outputPadding = outputSize === undefined ? this.outputPadding : this.outputPaddingFor(x, outputSize);
    const conv = this.spatial === 1 ? convTranspose1d : convTranspose2d;
    return conv(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, outputPadding, dilation: this.dilation, groups: this.groups });
  }

  private outputPaddingFor(x: Tensor, outputSize: readonly number[]): number[] {
    const n = this.spatial;
    const size = outputSize.length === n ? outputSize : outputSize.length === x.ndim ? outputSize.slice(x.ndim - n) : null;
    if (size === null) throw new Error(`${this.opName}: outputSize ${formatShape(outputSize)} must list ${n} spatial sizes (or the full output shape)`);
    return size.map((want, d) => {
      const inSize = x.shape[x.ndim - n + d]!;
      const min = (inSize - 1) * this.stride[d]! - 2 * this.padding[d]! + this.dilation[d]! * (this.kernelSize[d]! - 1) + 1;
      const max = min + this.stride[d]! - 1;
      if (!(want >= min && want <= max)) {
        throw new Error(`${this.opName}: requested an output size of ${formatShape(size)}, but valid sizes for input ${formatShape(x.shape)} range from ${min} to ${max} in spatial dim ${d}`);
      }
      return want - min;
    });
  }

  override extraRepr(): string {
    const padding = this.padding.some((p) => p !== 0) ? showTuple(this.padding) : '';
    const extra = this.outputPadding.some((p) => p !== 0) ? [`outputPadding=${showTuple(this.outputPadding)}`] : [];
    return this.baseRepr(padding, extra);
  }
}

/** Transposed 1-D convolution over [N, Cin, L]; weight [inChannels, outChannels / groups, k]. */
export class ConvTranspose1d extends ConvTransposeForward {
  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly number[], options: ConvTransposeLayerOptions = {}) {
    super('ConvTranspose1d', 1, inChannels, outChannels, kernelSize, options);
  }
}

/**
 * Transposed 2-D convolution (learned upsampling) over [N, Cin, H, W]; weight
 * [inChannels, outChannels / groups, kh, kw]. Output size (H - 1) * stride - 2 * padding +
 * dilation * (k - 1) + outputPadding + 1.
 *
 * ```ts
 * const up = new nn.ConvTranspose2d(64, 32, 3, { stride: 2, padding: 1, outputPadding: 1 }); // doubles H, W
 * up.forward(x, [2 * H, 2 * W]); // or pick the size per call
 * ```
 */
export class ConvTranspose2d extends ConvTransposeForward {
  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly number[], options: ConvTransposeLayerOptions = {}) {
    super('ConvTranspose2d', 2, inChannels, outChannels, kernelSize, options);
  }
}
