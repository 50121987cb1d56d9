/**
 * A decoder-only causal language model in the GPT-2 mould: token embedding plus positions, pre-norm
 * blocks of causal self-attention and an MLP, a final LayerNorm and an LM head tied to the token
 * embedding. Incremental decoding goes through a per-layer KV cache (`createCache()`).
 */
import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import type { Generator } from '../tensor/random.js';
import { gelu, relu } from '../ops/unary.js';
import { Module } from '../nn/module.js';
import { ModuleList } from '../nn/containers.js';
import { constant_, normal_ } from '../nn/init.js';
import { linear } from '../nn/functional/linear.js';
import { Embedding } from '../nn/layers/embedding.js';
import { Linear } from '../nn/layers/linear.js';
import { LayerNorm } from '../nn/layers/norm.js';
import { Dropout } from '../nn/layers/dropout.js';
import { MultiheadAttention } from '../nn/layers/attention.js';
import { KVCache } from '../nn/layers/attention-cache.js';
import { LearnedPositionalEmbedding, RotaryEmbedding, SinusoidalPositionalEncoding } from '../nn/layers/positional.js';

export type GPTPositional = 'learned' | 'sinusoidal' | 'rotary';

export interface GPTOptions {
  /** Number of token ids. */
  vocabSize: number;
  /** Longest sequence the model reads (positions 0 .. contextLength - 1). */
  contextLength: number;
  /** Width of the residual stream (default 128). */
  dModel?: number;
  /** Number of blocks (default 4). */
  numLayers?: number;
  /** Attention heads per block; must divide dModel (default 4). */
  numHeads?: number;
  /** Dropout on the embeddings, the attention weights and each residual branch, in training (default 0). */
  dropout?: number;
  /** Hidden width of the MLP as a multiple of dModel (default 4). */
  ffMult?: number;
  /** MLP nonlinearity (default 'gelu', tanh-free, as PyTorch's default gelu). */
  activation?: 'gelu' | 'relu';
  /** Position information: learned absolute embeddings (default), fixed sinusoids or rotary. */
  positional?: GPTPositional;
  /** Share the token embedding with the LM head (default true). */
  tieWeights?: boolean;
  /** Parameter dtype (default 'float32'). */
  dtype?: 'float32' | 'float64';
  /** Draw the initial weights from this generator instead of the global one. */
  generator?: Generator;
}

export interface GPTForwardOptions {
  /** Incremental decoding: the keys and values of earlier positions; idx holds the positions after them. */
  cache?: GPTCache | null;
}

/**
 * The per-layer key/value caches of one batch of sequences being decoded. `length` positions are
 * cached; `reset()` starts over.
 */
export class GPTCache {
  readonly layers: KVCache[];

  constructor(numLayers: number) {
    this.layers = Array.from({ length: numLayers }, () => new KVCache());
  }

  get length(): number {
    return this.layers[0]?.length ?? 0;
  }

  reset(): void {
    for (const c of this.layers) c.reset();
  }
}

/** The MLP of a block: dModel -> ffMult * dModel -> dModel. */
class GPTMLP extends Module {
  c_fc: Linear;
  c_proj: Linear;
  private readonly act: (x: Tensor) => Tensor;

  constructor(dModel: number, hidden: number, activation: 'gelu' | 'relu', options: { dtype?: 'float32' | 'float64'; generator?: Generator | undefined }) {
    super();
    this.c_fc = new Linear(dModel, hidden, options);
    this.c_proj = new Linear(hidden, dModel, options);
    this.act = activation === 'gelu' ? (x) => gelu(x) : relu;
  }

  override forward(x: Tensor): Tensor {
    return this.c_proj.forward(this.act(this.c_fc.forward(x)));
  }
}

/** x + attn(ln_1(x)), then + mlp(ln_2(x)); the attention is causal and may read/extend a KV cache. */
class GPTBlock extends Module {
  ln_1: LayerNorm;
  attn: MultiheadAttention;
  ln_2: LayerNorm;
  mlp: GPTMLP;
  drop_attn: Dropout;
  drop_mlp: Dropout;

  constructor(dModel: number, numHeads: number, hidden: number, activation: 'gelu' | 'relu', dropout: number, options: { dtype?: 'float32' | 'float64'; generator?: Generator | undefined }) {
    super();
    this.ln_1 = new LayerNorm(dModel, { dtype: options.dtype });
    this.attn = new MultiheadAttention(dModel, numHeads, { dropout, batchFirst: true, ...options });
    this.ln_2 = new LayerNorm(dModel, { dtype: options.dtype });
    this.mlp = new GPTMLP(dModel, hidden, activation, options);
    this.drop_attn = new Dropout(dropout);
    this.drop_mlp = new Dropout(dropout);
  }

  override forward(x: Tensor, cache: KVCache | null = null, rotary: RotaryEmbedding | null = null): Tensor {
    const h = this.ln_1.forward(x);
    const [a] = this.attn.forward(h, h, h, { isCausal: true, needWeights: false, cache, rotary });
    x = x.add(this.drop_attn.forward(a));
    return x.add(this.drop_mlp.forward(this.mlp.forward(this.ln_2.forward(x))));
  }
}

function checkPositiveInt(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new Error(`GPT: ${name} must be a positive integer, got ${JSON.stringify(value)}`);
}

/**
 * A GPT: `forward(idx [B, T] int32) -> logits [B, T, vocabSize]`, position t seeing tokens 0..t only.
 * Parameters follow GPT-2's names (`wte`, `wpe`, `blocks.i.ln_1`, `blocks.i.attn`, `blocks.i.mlp.c_fc`,
 * `ln_f`) and initialization (N(0, 0.02), residual projections scaled by 1 / sqrt(2 * numLayers)).
 *
 * ```ts
 * const model = new models.GPT({ vocabSize: 65, contextLength: 64, dModel: 128, numLayers: 4, numHeads: 4 });
 * const logits = model.forward(idx);                                    // idx [B, T] int32
 * const loss = nn.functional.crossEntropy(logits.reshape(-1, 65), targets.reshape(-1));
 * const cache = model.createCache();                                    // decoding, under noGrad
 * model.forward(prompt, { cache }); model.forward(nextToken, { cache }); // [B, 1, V] per new token
 * ```
 */
export class GPT extends Module {
  readonly vocabSize: number;
  readonly contextLength: number;
  readonly dModel: number;
  readonly numLayers: number;
  readonly numHeads: number;
  readonly positional: GPTPositional;
  readonly tieWeights: boolean;
  wte: Embedding;
  wpe: LearnedPositionalEmbedding | SinusoidalPositionalEncoding | null;
  drop: Dropout;
  blocks: ModuleList;
  ln_f: LayerNorm;
  lm_head: Linear | null;
  private readonly rotary: RotaryEmbedding | null;
  private readonly embedScale: number;

  constructor(options: GPTOptions) {
    super();
    const { vocabSize, contextLength, dModel = 128, numLayers = 4, numHeads = 4, dropout = 0, ffMult = 4, activation = 'gelu', positional = 'learned', tieWeights = true, dtype, generator } = options;
    checkPositiveInt('vocabSize', vocabSize);
    checkPositiveInt('contextLength', contextLength);
    checkPositiveInt('dModel', dModel);
    checkPositiveInt('numLayers', numLayers);
    checkPositiveInt('numHeads', numHeads);
    if (dModel % numHeads !== 0) throw new Error(`GPT: dModel must be divisible by numHeads, got dModel ${dModel} and numHeads ${numHeads}`);
    if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) throw new Error(`GPT: dropout must be in [0, 1), got ${String(dropout)}`);
    if (typeof ffMult !== 'number' || !(ffMult > 0) || !Number.isInteger(ffMult * dModel)) throw new Error(`GPT: ffMult must be a positive number with ffMult * dModel an integer, got ${String(ffMult)}`);
    if (activation !== 'gelu' && activation !== 'relu') throw new Error(`GPT: activation must be 'gelu' or 'relu', got ${JSON.stringify(activation)}`);
    if (positional !== 'learned' && positional !== 'sinusoidal' && positional !== 'rotary') {
      throw new Error(`GPT: positional must be 'learned', 'sinusoidal' or 'rotary', got ${JSON.stringify(positional)}`);
    }
    if (positional === 'rotary' && (dModel / numHeads) % 2 !== 0) throw new Error(`GPT: rotary positions need an even head size, got dModel / numHeads = ${dModel / numHeads}`);
    this.vocabSize = vocabSize;
    this.contextLength = contextLength;
    this.dModel = dModel;
    this.numLayers = numLayers;
    this.numHeads = numHeads;
    this.positional = positional;
    this.tieWeights = tieWeights;
    const init = { dtype, generator };
    this.wte = new Embedding(vocabSize, dModel, init);
    this.wpe =
      positional === 'learned'
        ? new LearnedPositionalEmbedding(contextLength, dModel, { batchFirst: true, ...init })
        : positional === 'sinusoidal'
          ? new SinusoidalPositionalEncoding(dModel, { maxLen: contextLength, batchFirst: true, dtype })
          : null;
    this.rotary = positional === 'rotary' ? new RotaryEmbedding(dModel / numHeads) : null;
    // Fixed sinusoids have amplitude 1: scale the (0.02-sized) embeddings up to meet them (Vaswani 2017).
    this.embedScale = positional === 'sinusoidal' ? Math.sqrt(dModel) : 1;
    this.drop = new Dropout(dropout);
    const hidden = ffMult * dModel;
    this.blocks = new ModuleList(Array.from({ length: numLayers }, () => new GPTBlock(dModel, numHeads, hidden, activation, dropout, init)));
    this.ln_f = new LayerNorm(dModel, { dtype });
    this.lm_head = tieWeights ? null : new Linear(dModel, vocabSize, { bias: false, ...init });
    this.resetParameters(generator);
  }

  /** GPT-2's initialization: N(0, 0.02) weights, zero biases, residual projections N(0, 0.02 / sqrt(2L)). */
  resetParameters(generator?: Generator): void {
    const opts = { generator };
    const residualStd = 0.02 / Math.sqrt(2 * this.numLayers);
    normal_(this.wte.weight, 0, 0.02, opts);
    if (this.wpe instanceof LearnedPositionalEmbedding) normal_(this.wpe.weight, 0, 0.02, opts);
    for (const block of this.blocks) {
      const b = block as GPTBlock;
      normal_(b.attn.in_proj_weight!, 0, 0.02, opts);
      constant_(b.attn.in_proj_bias!, 0);
      normal_(b.attn.out_proj.weight, 0, residualStd, opts);
      constant_(b.attn.out_proj.bias!, 0);
      normal_(b.mlp.c_fc.weight, 0, 0.02, opts);
      constant_(b.mlp.c_fc.bias!, 0);
      normal_(b.mlp.c_proj.weight, 0, residualStd, opts);
      constant_(b.mlp.c_proj.bias!, 0);
    }
    if (this.lm_head !== null) normal_(this.lm_head.weight, 0, 0.02, opts);
  }

  /** A fresh, empty KV cache for `forward(idx, { cache })`. */
  createCache(): GPTCache {
    return new GPTCache(this.numLayers);
  }

  /**
   * Logits [B, T, vocabSize] for idx [B, T] (or [T] -> [T, vocabSize]). With a cache, idx holds the
   * positions after the cached ones (offset cache.length) and the cache grows by T.
   */
  override forward(idx: Tensor, options: GPTForwardOptions = {}): Tensor {
    const cache = options.cache ?? null;
    if (!(idx instanceof Tensor) || idx.dtype !== 'int32' || (idx.ndim !== 1 && idx.ndim !== 2)) {
      throw new Error(`GPT: idx must be an int32 tensor [batch, time] or [time], got ${idx instanceof Tensor ? `a ${idx.dtype} tensor of shape ${formatShape(idx.shape)}` : typeof idx}`);
    }
    if (idx.ndim === 1) return this.forward(idx.unsqueeze(0), options).squeeze(0);
    if (cache !== null && !(cache instanceof GPTCache && cache.layers.length === this.numLayers)) {
      throw new Error(`GPT: cache must come from this model's createCache() (${this.numLayers} layers)`);
    }
    const T = idx.shape[1]!;
    const offset = cache?.length ?? 0;
    if (T < 1 || offset + T > this.contextLength) {
      throw new Error(`GPT: positions [${offset}, ${offset + T}) must lie within the context length ${this.contextLength}` + (cache !== null ? ' (crop the sequence or reset the cache)' : ''));
    }
    let x = this.wte.forward(idx);
    if (this.embedScale !== 1) x = x.mul(this.embedScale);
    if (this.wpe !== null) x = this.wpe.forward(x, offset);
    x = this.drop.forward(x);
    let i = 0;
    for (const block of this.blocks) {
      x = (block as GPTBlock).forward(x, cache?.layers[i] ?? null, this.rotary);
      i++;
    }
    x = this.ln_f.forward(x);
    return this.lm_head !== null ? this.lm_head.forward(x) : linear(x, this.wte.weight);
  }

  override extraRepr(): string {
    return `vocabSize=${this.vocabSize}, contextLength=${this.contextLength}, dModel=${this.dModel}, numLayers=${this.numLayers}, numHeads=${this.numHeads}, positional=${this.positional}, tieWeights=${this.tieWeights}`;
  }
}
