/**
 * TransformerEncoderLayer and TransformerDecoderLayer (Vaswani 2017) with PyTorch's options,
 * defaults, forward order and parameter names (`self_attn.in_proj_weight`, `linear1.weight`,
 * `norm1.weight`, ...): post-norm by default, pre-norm with `normFirst`.
 */
import type { Tensor } from '../../tensor/tensor.js';
import { gelu, relu } from '../../ops/unary.js';
import { Module } from '../module.js';
import { MultiheadAttention } from './attention.js';
import type { KVCache } from './attention-cache.js';
import { Linear } from './linear.js';
import { LayerNorm } from './norm.js';
import { Dropout } from './dropout.js';
import { checkInt, type LayerOptions } from './support.js';

/** The feed-forward nonlinearity: a name, a function or a module. */
export type TransformerActivation = 'relu' | 'gelu' | ((x: Tensor) => Tensor) | Module;

export interface TransformerLayerOptions extends LayerOptions {
  /** Hidden size of the feed-forward block (default 2048). */
  dimFeedforward?: number;
  /** Dropout after attention, inside and after the feed-forward block (default 0.1). */
  dropout?: number;
  /** Feed-forward nonlinearity (default 'relu'). */
  activation?: TransformerActivation;
  /** LayerNorm eps (default 1e-5). */
  layerNormEps?: number;
  /** Inputs are [batch, length, dModel] instead of [length, batch, dModel] (default false). */
  batchFirst?: boolean;
  /** Pre-norm: normalize before each block instead of after the residual sum (default false). */
  normFirst?: boolean;
  /** Biases in the projections and LayerNorms (default true). */
  bias?: boolean;
}

export interface TransformerEncoderLayerForwardOptions {
  /** Attention mask [L, L] or [N * nhead, L, L] (bool true = not allowed; float added). */
  srcMask?: Tensor | null;
  /** [N, L]: bool true = padding. */
  srcKeyPaddingMask?: Tensor | null;
  /** Causal self-attention. */
  isCausal?: boolean;
}

export interface TransformerDecoderLayerForwardOptions {
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
  /** Causal self-attention over the target. */
  tgtIsCausal?: boolean;
  memoryIsCausal?: boolean;
  /** Incremental decoding: the self-attention keys and values of earlier target positions. */
  cache?: KVCache | null;
}

function activationFn(op: string, activation: TransformerActivation): (x: Tensor) => Tensor {
  if (activation === 'relu') return relu;
  if (activation === 'gelu') return (x) => gelu(x);
  if (activation instanceof Module) return (x) => activation.forward(x) as Tensor;
  if (typeof activation === 'function') return activation;
  throw new Error(`${op}: activation must be 'relu', 'gelu', a function or a Module, got ${JSON.stringify(activation)}`);
}

/** What both layers share: the configuration, the feed-forward block and the norms' construction. */
abstract class TransformerLayerBase extends Module {
  readonly dModel: number;
  readonly nhead: number;
  readonly normFirst: boolean;
  protected readonly config: TransformerLayerOptions;
  protected readonly act: (x: Tensor) => Tensor;

  constructor(op: string, dModel: number, nhead: number, options: TransformerLayerOptions) {
    super();
    checkInt(op, 'dModel', dModel, 1);
    checkInt(op, 'nhead', nhead, 1);
    checkInt(op, 'dimFeedforward', options.dimFeedforward ?? 2048, 1);
    this.dModel = dModel;
    this.nhead = nhead;
    this.normFirst = options.normFirst ?? false;
    this.config = { ...options };
    this.act = activationFn(op, options.activation ?? 'relu');
  }

  protected attention(options: TransformerLayerOptions): MultiheadAttention {
    const { dropout = 0.1, bias = true, batchFirst = false, dtype, generator } = options;
    return new MultiheadAttention(this.dModel, this.nhead, { dropout, bias, batchFirst, dtype, generator });
  }

  protected norm(options: TransformerLayerOptions): LayerNorm {
    return new LayerNorm(this.dModel, { eps: options.layerNormEps ?? 1e-5, bias: options.bias ?? true, dtype: options.dtype });
  }

  /** The same configuration, for cloning (dtype follows the current parameters). */
  protected cloneOptions(): TransformerLayerOptions {
    const dtype = this.parameters()[0]?.dtype;
    return { ...this.config, dtype: dtype === 'float64' ? 'float64' : 'float32' };
  }
}

/**
 * Self-attention then a feed-forward block, each wrapped in a residual connection with dropout and
 * LayerNorm. Defaults as PyTorch: dimFeedforward 2048, dropout 0.1, relu, eps 1e-5, post-norm.
 *
 * ```ts
 * const layer = new nn.TransformerEncoderLayer(512, 8, { batchFirst: true, normFirst: true });
 * const y = layer.forward(x, { srcKeyPaddingMask: pad });   // x [N, L, 512]
 * ```
 */
export class TransformerEncoderLayer extends TransformerLayerBase {
  self_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;

  constructor(dModel: number, nhead: number, options: TransformerLayerOptions = {}) {
    super('TransformerEncoderLayer', dModel, nhead, options);
    const { dimFeedforward = 2048, dropout = 0.1, bias = true, dtype, generator } = options;
    this.self_attn = this.attention(options);
    this.linear1 = new Linear(dModel, dimFeedforward, { bias, dtype, generator });
    this.dropout = new Dropout(dropout);
    this.linear2 = new Linear(dimFeedforward, dModel, { bias, dtype, generator });
    this.norm1 = this.norm(options);
    this.norm2 = this.norm(options);
    this.dropout1 = new Dropout(dropout);
    this.dropout2 = new Dropout(dropout);
  }

  override forward(src: Tensor, options: TransformerEncoderLayerForwardOptions = {}): Tensor {
    const sa = (x: Tensor): Tensor =>
      this.dropout1.forward(this.self_attn.forward(x, x, x, { attnMask: options.srcMask, keyPaddingMask: options.srcKeyPaddingMask, isCausal: options.isCausal, needWeights: false })[0]);
    const ff = (x: Tensor): Tensor => this.dropout2.forward(this.linear2.forward(this.dropout.forward(this.act(this.linear1.forward(x)))));
    let x = src;
    if (this.normFirst) {
      x = x.add(sa(this.norm1.forward(x)));
      return x.add(ff(this.norm2.forward(x)));
    }
    x = this.norm1.forward(x.add(sa(x)));
    return this.norm2.forward(x.add(ff(x)));
  }

  /** A new layer with the same configuration and a copy of these weights (what PyTorch's deepcopy gives). */
  clone(): TransformerEncoderLayer {
    const copy = new TransformerEncoderLayer(this.dModel, this.nhead, this.cloneOptions());
    copy.loadStateDict(this.stateDict());
    return this.training ? copy.train() : copy.eval();
  }

  override extraRepr(): string {
    return `dModel=${this.dModel}, nhead=${this.nhead}, normFirst=${this.normFirst}`;
  }
}

/**
 * Masked self-attention over the target, attention over the encoder's memory, then a feed-forward
 * block, each with residual, dropout and LayerNorm (pre- or post-norm). Pass a KVCache as `cache`
 * to decode one (or a few) new target positions at a time.
 *
 * ```ts
 * const layer = new nn.TransformerDecoderLayer(512, 8);
 * const y = layer.forward(tgt, memory, { tgtIsCausal: true });
 * ```
 */
export class TransformerDecoderLayer extends TransformerLayerBase {
  self_attn: MultiheadAttention;
  multihead_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  norm3: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  dropout3: Dropout;

  constructor(dModel: number, nhead: number, options: TransformerLayerOptions = {}) {
    super('TransformerDecoderLayer', dModel, nhead, options);
    const { dimFeedforward = 2048, dropout = 0.1, bias = true, dtype, generator } = options;
    this.self_attn = this.attention(options);
    this.multihead_attn = this.attention(options);
    this.linear1 = new Linear(dModel, dimFeedforward, { bias, dtype, generator });
    this.dropout = new Dropout(dropout);
    this.linear2 = new Linear(dimFeedforward, dModel, { bias, dtype, generator });
    this.norm1 = this.norm(options);
    this.norm2 = this.norm(options);
    this.norm3 = this.norm(options);
    this.dropout1 = new Dropout(dropout);
    this.dropout2 = new Dropout(dropout);
    this.dropout3 = new Dropout(dropout);
  }

  override forward(tgt: Tensor, memory: Tensor, options: TransformerDecoderLayerForwardOptions = {}): Tensor {
    const sa = (x: Tensor): Tensor =>
      this.dropout1.forward(
        this.self_attn.forward(x, x, x, { attnMask: options.tgtMask, keyPaddingMask: options.tgtKeyPaddingMask, isCausal: options.tgtIsCausal, cache: options.cache, needWeights: false })[0],
      );
    const mha = (x: Tensor): Tensor =>
      this.dropout2.forward(
        this.multihead_attn.forward(x, memory, memory, { attnMask: options.memoryMask, keyPaddingMask: options.memoryKeyPaddingMask, isCausal: options.memoryIsCausal, needWeights: false })[0],
      );
    const ff = (x: Tensor): Tensor => this.dropout3.forward(this.linear2.forward(this.dropout.forward(this.act(this.linear1.forward(x)))));
    let x = tgt;
    if (this.normFirst) {
      x = x.add(sa(this.norm1.forward(x)));
      x = x.add(mha(this.norm2.forward(x)));
      return x.add(ff(this.norm3.forward(x)));
    }
    x = this.norm1.forward(x.add(sa(x)));
    x = this.norm2.forward(x.add(mha(x)));
    return this.norm3.forward(x.add(ff(x)));
  }

  /** A new layer with the same configuration and a copy of these weights. */
  clone(): TransformerDecoderLayer {
    const copy = new TransformerDecoderLayer(this.dModel, this.nhead, this.cloneOptions());
    copy.loadStateDict(this.stateDict());
    return this.training ? copy.train() : copy.eval();
  }

  override extraRepr(): string {
    return `dModel=${this.dModel}, nhead=${this.nhead}, normFirst=${this.normFirst}`;
  }
}
