/**
 * MultiheadAttention with PyTorch's options, masks, parameter names and initialization, plus
 * incremental decoding through a KVCache and optional rotary position embeddings.
 *
 * Mask conventions are PyTorch's nn.MultiheadAttention ones (not those of the functional
 * scaledDotProductAttention): a bool `attnMask` or `keyPaddingMask` marks with true what may NOT be
 * attended; a float one is added to the scores.
 */
import { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { fromArray, zeros } from '../../tensor/creation.js';
import { keep } from '../../tensor/scope.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { cat, pad } from '../../ops/shape.js';
import { Module, Parameter } from '../module.js';
import { constant_, xavierNormal_, xavierUniform_, type InitOptions } from '../init.js';
import { linear } from '../functional/linear.js';
import { attend, causalMask, keyPaddingToMask, type AttentionMask } from '../functional/attention.js';
import { Linear } from './linear.js';
import { checkInt, newParameter, type LayerOptions } from './support.js';
import type { KVCache } from './attention-cache.js';
import type { RotaryEmbedding } from './positional.js';

export interface MultiheadAttentionOptions extends LayerOptions {
  /** Dropout on the attention weights, in training (default 0). */
  dropout?: number;
  /** Biases of the input and output projections (default true). */
  bias?: boolean;
  /** Learned key and value vectors `bias_k`, `bias_v` appended to the keys and values (default false). */
  addBiasKV?: boolean;
  /** Append an all-zero key and value (default false). */
  addZeroAttn?: boolean;
  /** Features of the keys (default embedDim). */
  kdim?: number;
  /** Features of the values (default embedDim). */
  vdim?: number;
  /** Inputs and outputs are [batch, length, features] instead of [length, batch, features] (default false). */
  batchFirst?: boolean;
}

export interface MultiheadAttentionForwardOptions {
  /** [batch, S] (or [S] unbatched): bool true = padded key, ignored; float is added. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights (default true). */
  needWeights?: boolean;
  /** [L, S] or [batch * numHeads, L, S]: bool true = not allowed; float is added. */
  attnMask?: Tensor | null;
  /** Average the returned weights over heads ([batch, L, S]) instead of per head ([batch, numHeads, L, S]) (default true). */
  averageAttnWeights?: boolean;
  /** Query i attends only keys up to its own position (aligned after the cached keys). */
  isCausal?: boolean;
  /**
   * Self-attention decoding: the new keys and values are appended to this cache and the queries
   * attend over all of it. Masks then cover S = cached + new keys.
   */
  cache?: KVCache | null;
  /** Rotate queries and keys per head at their positions (cached length onwards). */
  rotary?: RotaryEmbedding | null;
}

/**
 * Multi-head attention (Vaswani 2017): queries, keys and values projected to numHeads heads of
 * embedDim / numHeads features, scaled dot-product attention per head, heads concatenated and
 * projected by `out_proj`. Inputs [L, N, E] (batchFirst [N, L, E], or unbatched [L, E]); returns
 * [output like query, weights or null]. Parameters as PyTorch: `in_proj_weight` [3E, E] and
 * `in_proj_bias` [3E] (or `q_proj_weight`, `k_proj_weight`, `v_proj_weight` when kdim / vdim differ
 * from embedDim), `bias_k` / `bias_v` with addBiasKV, `out_proj.weight` / `out_proj.bias`.
 *
 * ```ts
 * const mha = new nn.MultiheadAttention(64, 8, { batchFirst: true });
 * const [y, w] = mha.forward(x, x, x, { keyPaddingMask: pad }); // w [N, L, S], rows sum to 1
 * ```
 */
export class MultiheadAttention extends Module {
  readonly embedDim: number;
  readonly numHeads: number;
  readonly headDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly addZeroAttn: boolean;
  declare in_proj_weight: Parameter | null;
  declare q_proj_weight: Parameter | null;
  declare k_proj_weight: Parameter | null;
  declare v_proj_weight: Parameter | null;
  declare in_proj_bias: Parameter | null;
  declare bias_k: Parameter | null;
  declare bias_v: Parameter | null;
  out_proj: Linear;
  /** The query-row scale of the packed projection (see project), by dtype. */
  private rowScale: Tensor | null = null;

  constructor(embedDim: number, numHeads: number, options: MultiheadAttentionOptions = {}) {
    super();
    const op = 'MultiheadAttention';
    checkInt(op, 'embedDim', embedDim, 1);
    checkInt(op, 'numHeads', numHeads, 1);
    if (embedDim % numHeads !== 0) throw new Error(`${op}: embedDim must be divisible by numHeads, got embedDim ${embedDim} and numHeads ${numHeads}`);
    const { dropout = 0, bias = true, addBiasKV = false, addZeroAttn = false, kdim = embedDim, vdim = embedDim, batchFirst = false } = options;
    checkInt(op, 'kdim', kdim, 1);
    checkInt(op, 'vdim', vdim, 1);
    if (typeof dropout !== 'number' || !(dropout >= 0 && dropout <= 1)) throw new Error(`${op}: dropout must be a probability in [0, 1], got ${String(dropout)}`);
    this.embedDim = embedDim;
    this.numHeads = numHeads;
    this.headDim = embedDim / numHeads;
    this.kdim = kdim;
    this.vdim = vdim;
    this.dropout = dropout;
    this.batchFirst = batchFirst;
    this.addZeroAttn = addZeroAttn;
    const E = embedDim;
    const same = this.sameEmbedDim;
    // Registration order gives PyTorch's state-dict order.
    this.registerParameter('in_proj_weight', same ? newParameter(op, [3 * E, E], options) : null);
    this.registerParameter('q_proj_weight', same ? null : newParameter(op, [E, E], options));
    this.registerParameter('k_proj_weight', same ? null : newParameter(op, [E, kdim], options));
    this.registerParameter('v_proj_weight', same ? null : newParameter(op, [E, vdim], options));
    this.registerParameter('in_proj_bias', bias ? newParameter(op, [3 * E], options) : null);
    this.registerParameter('bias_k', addBiasKV ? newParameter(op, [1, 1, E], options) : null);
    this.registerParameter('bias_v', addBiasKV ? newParameter(op, [1, 1, E], options) : null);
    this.out_proj = new Linear(E, E, { bias, dtype: options.dtype, generator: options.generator });
    this.resetParameters(options);
  }

  /** Whether keys and values have embedDim features (one packed `in_proj_weight`). */
  get sameEmbedDim(): boolean {
    return this.kdim === this.embedDim && this.vdim === this.embedDim;
  }

  /** PyTorch's init: xavier-uniform projections, zero projection biases, xavier-normal bias_k / bias_v. */
  resetParameters(options: InitOptions = {}): void {
    for (const w of [this.in_proj_weight, this.q_proj_weight, this.k_proj_weight, this.v_proj_weight]) if (w !== null) xavierUniform_(w, 1, options);
    if (this.in_proj_bias !== null) constant_(this.in_proj_bias, 0);
    if (this.out_proj.bias !== null) constant_(this.out_proj.bias, 0);
    for (const b of [this.bias_k, this.bias_v]) if (b !== null) xavierNormal_(b, 1, options);
  }

  /** Rows [i * E, (i + 1) * E) of the packed projection (i = 0 query, 1 key, 2 value). */
  private projection(i: number): [Tensor, Tensor | null] {
    const E = this.embedDim;
    const w = this.in_proj_weight !== null ? this.in_proj_weight.narrow(0, i * E, E) : [this.q_proj_weight, this.k_proj_weight, this.v_proj_weight][i]!;
    return [w, this.in_proj_bias === null ? null : this.in_proj_bias.narrow(0, i * E, E)];
  }

  /**
   * q, k, v projected ([N, *, E] each), q already multiplied by the attention scale 1 / sqrt(headDim).
   * For many query rows the scale goes into q's weights and bias (E * (E + 1) multiplications per
   * call, where scaling q costs rows * E, on a strided view of the packed product); for a few (one
   * new token while decoding) into q itself. One matmul when query, key and value are the same tensor.
   */
  private project(query: Tensor, key: Tensor, value: Tensor, selfAttention: boolean): [Tensor, Tensor, Tensor] {
    const scale = 1 / Math.sqrt(this.headDim);
    const rows = query.numel / this.embedDim;
    const intoWeights = rows > 3 * this.embedDim;
    if (selfAttention && this.in_proj_weight !== null) {
      let weight: Tensor = this.in_proj_weight;
      let bias: Tensor | null = this.in_proj_bias;
      if (intoWeights) {
        const rowScale = this.queryRowScale(scale);
        weight = weight.mul(rowScale);
        bias = bias === null ? null : bias.mul(rowScale.reshape(-1));
      }
      const [q, k, v] = linear(query, weight, bias).chunk(3, -1) as [Tensor, Tensor, Tensor];
      return [intoWeights ? q : q.mul(scale), k, v];
    }
    const [q, k, v] = [query, key, value].map((x, i) => {
      const [w, b] = this.projection(i);
      if (i !== 0) return linear(x, w, b);
      return intoWeights ? linear(x, w.mul(scale), b === null ? null : b.mul(scale)) : linear(x, w, b).mul(scale);
    }) as [Tensor, Tensor, Tensor];
    return [q, k, v];
  }

  /** [3E, 1]: `scale` on the query rows of the packed projection, 1 on the key and value rows (built once). */
  private queryRowScale(scale: number): Tensor {
    const dtype = this.in_proj_weight!.dtype;
    if (this.rowScale === null || this.rowScale.dtype !== dtype) {
      const E = this.embedDim;
      const values = dtype === 'float64' ? new Float64Array(3 * E).fill(1) : new Float32Array(3 * E).fill(1);
      values.fill(scale, 0, E);
      // Kept: it outlives the tidy block of the first forward.
      this.rowScale = keep(noGrad(() => fromArray(values, [3 * E, 1], dtype)));
    }
    return this.rowScale;
  }

  override forward(query: Tensor, key: Tensor, value: Tensor, options: MultiheadAttentionForwardOptions = {}): [Tensor, Tensor | null] {
    const op = 'MultiheadAttention';
    const { needWeights = true, averageAttnWeights = true, isCausal = false, cache = null, rotary = null } = options;
    const selfAttention = query === key && key === value;
    const batched = this.checkInputs(query, key, value);
    const layout = (x: Tensor): Tensor => (!batched ? x.unsqueeze(0) : this.batchFirst ? x : x.transpose(0, 1));
    const [q0, k0, v0] = [layout(query), layout(key), layout(value)];
    const N = q0.shape[0]!;
    const L = q0.shape[1]!;
    const H = this.numHeads;
    const hd = this.headDim;
    let [q, k, v] = this.project(q0, k0, v0, selfAttention);
    let extra = 0; // keys appended after the given ones (bias_k, zero attention)
    if (this.bias_k !== null && this.bias_v !== null) {
      k = cat([k, this.bias_k.expand(N, 1, this.embedDim)], 1);
      v = cat([v, this.bias_v.expand(N, 1, this.embedDim)], 1);
      extra++;
    }
    // [N, H, *, hd], made contiguous once here: the batched products (scores, weights times values)
    // would otherwise copy these strided views of the packed projection in the forward pass and
    // again in the backward pass, where each is read by the other operand's gradient.
    const heads = (x: Tensor): Tensor => x.reshape(N, x.shape[1]!, H, hd).transpose(1, 2).contiguous();
    let qh = heads(q);
    let kh = heads(k);
    let vh = heads(v);
    const past = cache?.length ?? 0;
    if (rotary !== null) {
      qh = rotary.forward(qh, past);
      kh = rotary.forward(kh, past);
    }
    if (cache !== null) [kh, vh] = cache.append(kh, vh);
    if (this.addZeroAttn) {
      kh = cat([kh, zeros([N, H, 1, hd], { dtype: kh.dtype })], 2);
      vh = cat([vh, zeros([N, H, 1, hd], { dtype: vh.dtype })], 2);
      extra++;
    }
    const S = kh.shape[2]!; // all keys, extras included
    const given = S - extra;
    const masks: AttentionMask[] = [];
    if (options.attnMask != null) masks.push(padColumns(this.attnMaskOf(options.attnMask, N, L, given), extra));
    if (options.keyPaddingMask != null) {
      const kpm = batched ? options.keyPaddingMask : options.keyPaddingMask.unsqueeze(0);
      masks.push(padColumns(keyPaddingToMask(op, kpm, 4, N, given), extra));
    }
    // Without extra keys the causal mask goes in as attend's cached float bias (the cheap path).
    if (isCausal && extra > 0) masks.push(padColumns(causalMask(L, given, past), extra));
    const causalOffset = isCausal && extra === 0 ? past : null;
    const [out, weights] = attend(qh, kh, vh, masks, { scale: 1, dropoutP: this.training ? this.dropout : 0, causalOffset });
    let output = this.out_proj.forward(out.transpose(1, 2).reshape(N, L, this.embedDim));
    output = !batched ? output.squeeze(0) : this.batchFirst ? output : output.transpose(0, 1);
    if (!needWeights) return [output, null];
    let w = averageAttnWeights ? weights.mean(1) : weights;
    if (!batched) w = w.squeeze(0);
    return [output, w];
  }

  /** Checks shapes; returns whether the inputs are batched. */
  private checkInputs(query: Tensor, key: Tensor, value: Tensor): boolean {
    const op = 'MultiheadAttention';
    for (const [name, t] of [['query', query], ['key', key], ['value', value]] as const) {
      if (!(t instanceof Tensor)) throw new Error(`${op}: ${name} must be a Tensor, got ${typeof t}`);
    }
    const batched = query.ndim === 3;
    if ((query.ndim !== 2 && query.ndim !== 3) || key.ndim !== query.ndim || value.ndim !== query.ndim) {
      throw new Error(`${op}: query, key and value must all be 3-D (batched) or all 2-D (unbatched), got ${formatShape(query.shape)}, ${formatShape(key.shape)}, ${formatShape(value.shape)}`);
    }
    const last = (t: Tensor): number => t.shape[t.ndim - 1]!;
    if (last(query) !== this.embedDim) throw new Error(`${op}: query must have ${this.embedDim} features (embedDim), got ${formatShape(query.shape)}`);
    if (last(key) !== this.kdim) throw new Error(`${op}: key must have ${this.kdim} features (kdim), got ${formatShape(key.shape)}`);
    if (last(value) !== this.vdim) throw new Error(`${op}: value must have ${this.vdim} features (vdim), got ${formatShape(value.shape)}`);
    const seqDim = batched && this.batchFirst ? 1 : 0;
    if (key.shape[seqDim] !== value.shape[seqDim]) throw new Error(`${op}: key ${formatShape(key.shape)} and value ${formatShape(value.shape)} must have the same length`);
    if (batched) {
      const b = this.batchFirst ? 0 : 1;
      if (key.shape[b] !== query.shape[b] || value.shape[b] !== query.shape[b]) {
        throw new Error(`${op}: query ${formatShape(query.shape)}, key ${formatShape(key.shape)} and value ${formatShape(value.shape)} must have the same batch size`);
      }
    }
    return batched;
  }

  /** attnMask [L, S] or [N * H, L, S] in the core's form ([N, H, L, S] broadcastable, bool = attend). */
  private attnMaskOf(mask: Tensor, N: number, L: number, S: number): AttentionMask {
    const op = 'MultiheadAttention';
    if (!(mask instanceof Tensor) || mask.dtype === 'int32') throw new Error(`${op}: attnMask must be a bool or float tensor`);
    let shaped: Tensor;
    if (mask.ndim === 2 && mask.shape[0] === L && mask.shape[1] === S) shaped = mask;
    else if (mask.ndim === 3 && mask.shape[0] === N * this.numHeads && mask.shape[1] === L && mask.shape[2] === S) shaped = mask.reshape(N, this.numHeads, L, S);
    else throw new Error(`${op}: attnMask must be [${L}, ${S}] or [${N * this.numHeads}, ${L}, ${S}] (batch * numHeads, L, S), got ${formatShape(mask.shape)}`);
    return mask.dtype === 'bool' ? shaped.logicalNot() : shaped;
  }

  override extraRepr(): string {
    const parts = [`embedDim=${this.embedDim}`, `numHeads=${this.numHeads}`];
    if (this.dropout !== 0) parts.push(`dropout=${this.dropout}`);
    if (!this.sameEmbedDim) parts.push(`kdim=${this.kdim}`, `vdim=${this.vdim}`);
    if (this.batchFirst) parts.push('batchFirst=true');
    return parts.join(', ');
  }
}

/** A mask over the given keys widened with `extra` attended columns (for bias_k / zero attention). */
function padColumns(mask: AttentionMask, extra: number): AttentionMask {
  if (extra === 0) return mask;
  if (mask.dtype === 'bool') return pad(mask.to('float32'), [0, extra], 'constant', 1).bool();
  return pad(mask, [0, extra], 'constant', 0);
}
