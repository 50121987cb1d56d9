/**
 * Transformer stacks with PyTorch's structure and parameter names: TransformerEncoder
 * (`layers.0.self_attn...`, `norm.weight`), TransformerDecoder, and the encoder-decoder Transformer
 * (`encoder.layers.0...`, `decoder.norm.bias`), plus generateSquareSubsequentMask.
 */
import type { Tensor } from '../../tensor/tensor.js';
import { fromArray } from '../../tensor/creation.js';
import type { FloatDType } from '../../tensor/dtype.js';
import { Module } from '../module.js';
import { ModuleList } from '../containers.js';
import { xavierUniform_ } from '../init.js';
import { KVCache } from './attention-cache.js';
import { LayerNorm } from './norm.js';
import { checkInt } from './support.js';
import {
  TransformerDecoderLayer,
  TransformerEncoderLayer,
  type TransformerDecoderLayerForwardOptions,
  type TransformerEncoderLayerForwardOptions,
  type TransformerLayerOptions,
} from './transformer-layers.js';

/**
 * The causal mask of a sequence of n: float [n, n], 0 on and below the diagonal, -Infinity above,
 * so position i attends positions <= i (added to the attention scores).
 *
 * ```ts
 * generateSquareSubsequentMask(3); // [[0, -inf, -inf], [0, 0, -inf], [0, 0, 0]]
 * ```
 */
export function generateSquareSubsequentMask(n: number, options: { dtype?: FloatDType } = {}): Tensor {
  checkInt('generateSquareSubsequentMask', 'n', n, 0);
  const dtype = options.dtype ?? 'float32';
  const values = dtype === 'float64' ? new Float64Array(n * n) : new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) values[i * n + j] = -Infinity;
  return fromArray(values, [n, n], dtype);
}

/** Layers from a prototype (cloned, as PyTorch's deepcopy: equal initial weights) or a factory. */
function buildLayers<L extends Module & { clone(): L }>(op: string, layer: L | ((index: number) => L), numLayers: number): L[] {
  checkInt(op, 'numLayers', numLayers, 1);
  if (typeof layer === 'function') return Array.from({ length: numLayers }, (_, i) => layer(i));
  if (!(layer instanceof Module)) throw new Error(`${op}: expects a layer or a factory (index) => layer, got ${typeof layer}`);
  return Array.from({ length: numLayers }, () => layer.clone());
}

export interface TransformerStackOptions {
  /** Applied to the last layer's output, e.g. a LayerNorm (default none). */
  norm?: Module | null;
}

export interface TransformerEncoderForwardOptions {
  /** Attention mask [L, L] or [N * nhead, L, L] (bool true = not allowed; float added). */
  mask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  isCausal?: boolean;
}

/**
 * A stack of numLayers encoder layers, then `norm` if given. Pass a layer (copied numLayers times
 * with equal weights, as PyTorch) or a factory `(i) => layer`.
 *
 * ```ts
 * const enc = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(256, 4, { batchFirst: true }), 6);
 * const h = enc.forward(x, { mask: nn.generateSquareSubsequentMask(x.shape[1]) });
 * ```
 */
export class TransformerEncoder extends Module {
  readonly numLayers: number;
  layers: ModuleList;
  norm: Module | null;

  constructor(encoderLayer: TransformerEncoderLayer | ((index: number) => TransformerEncoderLayer), numLayers: number, options: TransformerStackOptions = {}) {
    super();
    this.numLayers = numLayers;
    this.layers = new ModuleList(buildLayers('TransformerEncoder', encoderLayer, numLayers));
    this.norm = options.norm ?? null;
  }

  override forward(src: Tensor, options: TransformerEncoderForwardOptions = {}): Tensor {
    const layerOptions: TransformerEncoderLayerForwardOptions = { srcMask: options.mask, srcKeyPaddingMask: options.srcKeyPaddingMask, isCausal: options.isCausal };
    let x = src;
    for (const layer of this.layers) x = (layer as TransformerEncoderLayer).forward(x, layerOptions);
    return this.norm === null ? x : (this.norm.forward(x) as Tensor);
  }
}

export interface TransformerDecoderForwardOptions extends Omit<TransformerDecoderLayerForwardOptions, 'cache'> {
  /** Incremental decoding: one KVCache per layer (see createCache). */
  cache?: readonly KVCache[] | null;
}

/**
 * A stack of numLayers decoder layers, then `norm` if given. For incremental decoding, pass
 * `cache: decoder.createCache()` and feed only the new target positions each call.
 *
 * ```ts
 * const dec = new nn.TransformerDecoder(new nn.TransformerDecoderLayer(256, 4), 6);
 * const y = dec.forward(tgt, memory, { tgtIsCausal: true });
 * ```
 */
export class TransformerDecoder extends Module {
  readonly numLayers: number;
  layers: ModuleList;
  norm: Module | null;

  constructor(decoderLayer: TransformerDecoderLayer | ((index: number) => TransformerDecoderLayer), numLayers: number, options: TransformerStackOptions = {}) {
    super();
    this.numLayers = numLayers;
    this.layers = new ModuleList(buildLayers('TransformerDecoder', decoderLayer, numLayers));
    this.norm = options.norm ?? null;
  }

  /** One empty KVCache per layer. */
  createCache(): KVCache[] {
    return Array.from({ length: this.numLayers }, () => new KVCache());
  }

  override forward(tgt: Tensor, memory: Tensor, options: TransformerDecoderForwardOptions = {}): Tensor {
    const { cache = null, ...rest } = options;
    if (cache !== null && (!Array.isArray(cache) || cache.length !== this.numLayers)) {
      throw new Error(`TransformerDecoder: cache must hold one KVCache per layer (${this.numLayers}), got ${Array.isArray(cache) ? cache.length : typeof cache}`);
    }
    let x = tgt;
    let i = 0;
    for (const layer of this.layers) x = (layer as TransformerDecoderLayer).forward(x, memory, { ...rest, cache: cache?.[i++] ?? null });
    return this.norm === null ? x : (this.norm.forward(x) as Tensor);
  }
}

export interface TransformerOptions extends TransformerLayerOptions {
  /** Encoder layers (default 6). */
  numEncoderLayers?: number;
  /** Decoder layers (default 6). */
  numDecoderLayers?: number;
  /** Use this encoder instead of building one. */
  customEncoder?: Module | null;
  /** Use this decoder instead of building one. */
  customDecoder?: Module | null;
}

export interface TransformerForwardOptions {
  srcMask?: Tensor | null;
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
  srcIsCausal?: boolean;
  tgtIsCausal?: boolean;
  memoryIsCausal?: boolean;
}

/**
 * The encoder-decoder Transformer (Vaswani 2017), PyTorch's nn.Transformer: defaults dModel 512,
 * nhead 8, 6 + 6 layers, dimFeedforward 2048, dropout 0.1; final LayerNorms on both stacks; every
 * parameter of 2 or more dims re-drawn by xavier uniform (so layers differ).
 *
 * ```ts
 * const model = new nn.Transformer({ dModel: 256, nhead: 4, batchFirst: true });
 * const y = model.forward(src, tgt, { tgtMask: nn.generateSquareSubsequentMask(tgt.shape[1]) });
 * ```
 */
export class Transformer extends Module {
  readonly dModel: number;
  readonly nhead: number;
  readonly batchFirst: boolean;
  encoder: Module;
  decoder: Module;

  constructor(options: TransformerOptions & { dModel?: number; nhead?: number } = {}) {
    super();
    const { dModel = 512, nhead = 8, numEncoderLayers = 6, numDecoderLayers = 6, customEncoder = null, customDecoder = null, ...layerOptions } = options;
    this.dModel = dModel;
    this.nhead = nhead;
    this.batchFirst = layerOptions.batchFirst ?? false;
    const finalNorm = (): LayerNorm => new LayerNorm(dModel, { eps: layerOptions.layerNormEps ?? 1e-5, bias: layerOptions.bias ?? true, dtype: layerOptions.dtype });
    this.encoder = customEncoder ?? new TransformerEncoder(() => new TransformerEncoderLayer(dModel, nhead, layerOptions), numEncoderLayers, { norm: finalNorm() });
    this.decoder = customDecoder ?? new TransformerDecoder(() => new TransformerDecoderLayer(dModel, nhead, layerOptions), numDecoderLayers, { norm: finalNorm() });
    for (const p of this.parameters()) if (p.ndim > 1) xavierUniform_(p, 1, { generator: layerOptions.generator });
  }

  /** src [S, N, E] and tgt [T, N, E] (batchFirst [N, *, E]) to [T, N, E]. */
  override forward(src: Tensor, tgt: Tensor, options: TransformerForwardOptions = {}): Tensor {
    const memory = this.encoder.forward(src, { mask: options.srcMask, srcKeyPaddingMask: options.srcKeyPaddingMask, isCausal: options.srcIsCausal }) as Tensor;
    return this.decoder.forward(tgt, memory, {
      tgtMask: options.tgtMask,
      memoryMask: options.memoryMask,
      tgtKeyPaddingMask: options.tgtKeyPaddingMask,
      memoryKeyPaddingMask: options.memoryKeyPaddingMask,
      tgtIsCausal: options.tgtIsCausal,
      memoryIsCausal: options.memoryIsCausal,
    }) as Tensor;
  }

  /** Same as the free function generateSquareSubsequentMask. */
  static generateSquareSubsequentMask(n: number, options: { dtype?: FloatDType } = {}): Tensor {
    return generateSquareSubsequentMask(n, options);
  }
}
