/**
 * Position information for attention models: fixed sinusoidal encodings (Vaswani 2017), learned
 * absolute position embeddings (GPT-2 / BERT style), and rotary embeddings (Su 2021, RoFormer) that
 * rotate queries and keys so that their dot product depends on relative position only.
 */
import { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { fromArray } from '../../tensor/creation.js';
import type { FloatDType } from '../../tensor/dtype.js';
import { cat, stack } from '../../ops/shape.js';
import { dropout } from '../../ops/nn/dropout.js';
import { Module, type Parameter } from '../module.js';
import { normal_, type InitOptions } from '../init.js';
import { checkInt, newParameter, type LayerOptions } from './support.js';

export interface PositionalOptions {
  /** Longest sequence (offset + length) the module serves (default 5000). */
  maxLen?: number;
  /** Inputs are [batch, time, dModel] instead of [time, batch, dModel] (default false). */
  batchFirst?: boolean;
}

/** The time dim of x ([T, N, E], batchFirst [N, T, E], unbatched [T, E]) and checks. */
function timeDim(op: string, x: Tensor, dModel: number, batchFirst: boolean): number {
  if (!(x instanceof Tensor) || (x.ndim !== 2 && x.ndim !== 3) || x.shape[x.ndim - 1] !== dModel) {
    const got = x instanceof Tensor ? formatShape(x.shape) : typeof x;
    throw new Error(`${op}: expected input [${batchFirst ? 'batch, time' : 'time, batch'}, ${dModel}] or [time, ${dModel}], got ${got}`);
  }
  return x.ndim === 3 && batchFirst ? 1 : 0;
}

/** Rows [offset, offset + T) of a [maxLen, E] table shaped to add onto x. */
function table(op: string, pe: Tensor, x: Tensor, dim: number, offset: number): Tensor {
  const T = x.shape[dim]!;
  const maxLen = pe.shape[0]!;
  if (!Number.isInteger(offset) || offset < 0 || offset + T > maxLen) {
    throw new Error(`${op}: positions [${offset}, ${offset + T}) exceed maxLen ${maxLen} (offset must be an integer >= 0)`);
  }
  const rows = pe.narrow(0, offset, T);
  // [T, E] broadcasts against [N, T, E] and [T, E]; [T, N, E] needs [T, 1, E].
  return x.ndim === 3 && dim === 0 ? rows.unsqueeze(1) : rows;
}

export interface SinusoidalPositionalEncodingOptions extends PositionalOptions {
  /** Dropout on the sum, in training (default 0). */
  dropout?: number;
  dtype?: FloatDType;
}

/**
 * Adds pe[pos, 2i] = sin(pos / 10000^(2i / dModel)), pe[pos, 2i + 1] = cos(same) to x, then dropout.
 * The table is a non-persistent buffer `pe` [maxLen, dModel] (recomputed, so not in state dicts).
 * `forward(x, offset)` starts at position `offset` (incremental decoding).
 *
 * ```ts
 * const pos = new nn.SinusoidalPositionalEncoding(512, { dropout: 0.1, batchFirst: true });
 * const h = pos.forward(embed.forward(tokens).mul(Math.sqrt(512)));
 * ```
 */
export class SinusoidalPositionalEncoding extends Module {
  readonly dModel: number;
  readonly maxLen: number;
  readonly batchFirst: boolean;
  readonly p: number;
  declare pe: Tensor;

  constructor(dModel: number, options: SinusoidalPositionalEncodingOptions = {}) {
    super();
    const { maxLen = 5000, batchFirst = false, dropout: p = 0, dtype = 'float32' } = options;
    checkInt('SinusoidalPositionalEncoding', 'dModel', dModel, 1);
    checkInt('SinusoidalPositionalEncoding', 'maxLen', maxLen, 1);
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new Error(`SinusoidalPositionalEncoding: dropout must be a probability in [0, 1], got ${String(p)}`);
    this.dModel = dModel;
    this.maxLen = maxLen;
    this.batchFirst = batchFirst;
    this.p = p;
    const values = new Float64Array(maxLen * dModel);
    for (let pos = 0; pos < maxLen; pos++) {
      for (let i = 0; 2 * i < dModel; i++) {
        const angle = pos / Math.pow(10000, (2 * i) / dModel);
        values[pos * dModel + 2 * i] = Math.sin(angle);
        if (2 * i + 1 < dModel) values[pos * dModel + 2 * i + 1] = Math.cos(angle);
      }
    }
    this.registerBuffer('pe', fromArray(dtype === 'float64' ? values : Float32Array.from(values), [maxLen, dModel], dtype), false);
  }

  override forward(x: Tensor, offset = 0): Tensor {
    const op = 'SinusoidalPositionalEncoding';
    const d = timeDim(op, x, this.dModel, this.batchFirst);
    return dropout(x.add(table(op, this.pe, x, d, offset)), this.p, this.training && this.p > 0);
  }

  override extraRepr(): string {
    return `${this.dModel}, maxLen=${this.maxLen}, dropout=${this.p}, batchFirst=${this.batchFirst}`;
  }
}

export interface LearnedPositionalEmbeddingOptions extends PositionalOptions, LayerOptions {
  /** Standard deviation of the N(0, std^2) initialization (default 0.02, as GPT-2 and BERT). */
  std?: number;
}

/**
 * Adds a learned vector per position: `weight` [maxLen, dModel] (default maxLen 1024), rows
 * [offset, offset + T) added to x.
 *
 * ```ts
 * const pos = new nn.LearnedPositionalEmbedding(512, 256, { batchFirst: true });
 * const h = pos.forward(tokEmbed.forward(tokens)); // [N, T, 256]
 * ```
 */
export class LearnedPositionalEmbedding extends Module {
  readonly maxLen: number;
  readonly dModel: number;
  readonly batchFirst: boolean;
  readonly std: number;
  weight: Parameter;

  constructor(maxLen: number, dModel: number, options: LearnedPositionalEmbeddingOptions = {}) {
    super();
    checkInt('LearnedPositionalEmbedding', 'maxLen', maxLen, 1);
    checkInt('LearnedPositionalEmbedding', 'dModel', dModel, 1);
    const std = options.std ?? 0.02;
    if (typeof std !== 'number' || !(std >= 0)) throw new Error(`LearnedPositionalEmbedding: std must be a number >= 0, got ${String(std)}`);
    this.maxLen = maxLen;
    this.dModel = dModel;
    this.batchFirst = options.batchFirst ?? false;
    this.std = std;
    this.weight = newParameter('LearnedPositionalEmbedding', [maxLen, dModel], options);
    this.resetParameters(options);
  }

  resetParameters(options: InitOptions = {}): void {
    normal_(this.weight, 0, this.std, options);
  }

  override forward(x: Tensor, offset = 0): Tensor {
    const op = 'LearnedPositionalEmbedding';
    return x.add(table(op, this.weight, x, timeDim(op, x, this.dModel, this.batchFirst), offset));
  }

  override extraRepr(): string {
    return `${this.maxLen}, ${this.dModel}, batchFirst=${this.batchFirst}`;
  }
}

export interface RotaryOptions {
  /** Base of the frequencies theta_i = base^(-2i / dim) (default 10000). */
  base?: number;
  /**
   * Pair features (2i, 2i + 1) (GPT-J, the RoFormer paper) instead of (i, i + dim / 2)
   * (GPT-NeoX, LLaMA; the default).
   */
  interleaved?: boolean;
}

/** Positions as a list: an offset (then offset, offset + 1, ...), a number array or an integer tensor. */
function positionList(op: string, positions: number | readonly number[] | Tensor, T: number): number[] {
  if (typeof positions === 'number') {
    if (!Number.isInteger(positions) || positions < 0) throw new Error(`${op}: offset must be an integer >= 0, got ${positions}`);
    return Array.from({ length: T }, (_, t) => positions + t);
  }
  const list = positions instanceof Tensor ? Array.from(positions.toArray(), Number) : [...positions];
  if (list.length !== T || (positions instanceof Tensor && positions.ndim !== 1)) {
    throw new Error(`${op}: expected ${T} positions (one per step of dim -2), got ${positions instanceof Tensor ? formatShape(positions.shape) : list.length}`);
  }
  return list;
}

/**
 * Rotary position embedding: rotates each pair of features of x [..., T, D] by angle pos * theta_i,
 * theta_i = base^(-2i / dim), over the first `dim` features (D >= dim; the rest pass through, as
 * partial rotary). Applied to queries and keys, q_m . k_n depends only on m - n. No parameters.
 *
 * ```ts
 * const rope = new nn.RotaryEmbedding(64);
 * const q2 = rope.forward(q, past);            // q [B, H, T, 64], positions past .. past + T - 1
 * const mha = new nn.MultiheadAttention(512, 8, { batchFirst: true });
 * mha.forward(x, x, x, { rotary: rope, isCausal: true });
 * ```
 */
export class RotaryEmbedding extends Module {
  readonly dim: number;
  readonly base: number;
  readonly interleaved: boolean;

  constructor(dim: number, options: RotaryOptions = {}) {
    super();
    checkInt('RotaryEmbedding', 'dim', dim, 2);
    if (dim % 2 !== 0) throw new Error(`RotaryEmbedding: dim must be even, got ${dim}`);
    const base = options.base ?? 10000;
    if (typeof base !== 'number' || !(base > 0)) throw new Error(`RotaryEmbedding: base must be a positive number, got ${String(base)}`);
    this.dim = dim;
    this.base = base;
    this.interleaved = options.interleaved ?? false;
  }

  /** cos and sin [T, dim / 2] of pos * theta_i. */
  angles(positions: readonly number[], dtype: FloatDType): [Tensor, Tensor] {
    const half = this.dim / 2;
    const cos = new Float64Array(positions.length * half);
    const sin = new Float64Array(positions.length * half);
    positions.forEach((pos, t) => {
      for (let i = 0; i < half; i++) {
        const a = pos * Math.pow(this.base, (-2 * i) / this.dim);
        cos[t * half + i] = Math.cos(a);
        sin[t * half + i] = Math.sin(a);
      }
    });
    const make = (v: Float64Array): Tensor => fromArray(dtype === 'float64' ? v : Float32Array.from(v), [positions.length, half], dtype);
    return [make(cos), make(sin)];
  }

  /** x [..., T, D] rotated at `positions` (an offset, default 0, or one position per step). */
  override forward(x: Tensor, positions: number | readonly number[] | Tensor = 0): Tensor {
    const op = 'RotaryEmbedding';
    if (!(x instanceof Tensor) || x.ndim < 2 || x.shape[x.ndim - 1]! < this.dim) {
      throw new Error(`${op}: expected input [..., time, >= ${this.dim}], got ${x instanceof Tensor ? formatShape(x.shape) : typeof x}`);
    }
    if (x.dtype !== 'float32' && x.dtype !== 'float64') throw new Error(`${op}: expected a floating input, got ${x.dtype}`);
    const T = x.shape[x.ndim - 2]!;
    const [cos, sin] = this.angles(positionList(op, positions, T), x.dtype);
    const D = x.shape[x.ndim - 1]!;
    const rot = D === this.dim ? x : x.narrow(-1, 0, this.dim);
    const half = this.dim / 2;
    let out: Tensor;
    if (this.interleaved) {
      const pairs = rot.unflatten(-1, [half, 2]);
      const a = pairs.select(-1, 0);
      const b = pairs.select(-1, 1);
      out = stack([a.mul(cos).sub(b.mul(sin)), b.mul(cos).add(a.mul(sin))], -1).flatten(-2);
    } else {
      const a = rot.narrow(-1, 0, half);
      const b = rot.narrow(-1, half, half);
      out = cat([a.mul(cos).sub(b.mul(sin)), b.mul(cos).add(a.mul(sin))], -1);
    }
    return D === this.dim ? out : cat([out, x.narrow(-1, this.dim, D - this.dim)], -1);
  }

  override extraRepr(): string {
    return `${this.dim}, base=${this.base}, interleaved=${this.interleaved}`;
  }
}

/**
 * Rotates queries and keys [..., T, D] with rotary embeddings over their whole last dim, at
 * `positions` (an offset, default 0, or one position per step; keys may take their own).
 *
 * ```ts
 * const [q2, k2] = applyRotary(q, k, 0);    // q, k [B, H, T, 64]
 * ```
 */
export function applyRotary(q: Tensor, k: Tensor, positions: number | readonly number[] | Tensor = 0, options: RotaryOptions & { keyPositions?: number | readonly number[] | Tensor } = {}): [Tensor, Tensor] {
  if (!(q instanceof Tensor) || !(k instanceof Tensor)) throw new Error('applyRotary: q and k must be Tensors');
  const D = q.shape[q.ndim - 1]!;
  if (k.shape[k.ndim - 1] !== D) throw new Error(`applyRotary: q ${formatShape(q.shape)} and k ${formatShape(k.shape)} must have the same last dim`);
  const rope = new RotaryEmbedding(D, options);
  return [rope.forward(q, positions), rope.forward(k, options.keyPositions ?? positions)];
}
