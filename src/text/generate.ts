/**
 * Autoregressive generation from a causal language model: greedy decoding, temperature, top-k and
 * top-p (nucleus) sampling, with a KV cache or by recomputing the (cropped) context at every step.
 */
import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { fromArray } from '../tensor/creation.js';
import { defaultGenerator, type Generator } from '../tensor/generator.js';
import { noGrad } from '../autograd/grad-mode.js';
import { tidy } from '../tensor/scope.js';

/** What generate needs of a model: GPT's forward, context length and cache. */
export interface CausalLM {
  readonly contextLength: number;
  readonly training: boolean;
  forward(idx: Tensor, options?: { cache?: unknown }): Tensor;
  createCache(): { readonly length: number; reset(): void };
  train(mode?: boolean): unknown;
}

export interface GenerateOptions {
  /** Number of tokens to append. */
  maxNewTokens: number;
  /** Divides the logits before sampling (default 1); lower is more conservative. */
  temperature?: number;
  /** Sample only among the k most likely tokens. */
  topK?: number;
  /** Sample only among the smallest set of most likely tokens whose probabilities sum to >= p. */
  topP?: number;
  /** Take the most likely token instead of sampling (default false). */
  greedy?: boolean;
  /** Draw the samples from this generator (default: the global one). */
  generator?: Generator;
  /** Decode with a KV cache (default true); false recomputes the whole context for every token. */
  useCache?: boolean;
  /** Stop a sequence after it emits one of these tokens (the token is kept). */
  stopTokens?: readonly number[];
}

function checkLogits(op: string, logits: Tensor): void {
  if (!(logits instanceof Tensor) || logits.ndim < 1 || (logits.dtype !== 'float32' && logits.dtype !== 'float64')) {
    throw new Error(`${op}: logits must be a floating tensor [..., vocab], got ${logits instanceof Tensor ? `${logits.dtype} ${formatShape(logits.shape)}` : typeof logits}`);
  }
}

/** Applies `filter` to each row (last dim) of a copy of the logits. */
function mapRows(logits: Tensor, filter: (row: Float64Array) => void): Tensor {
  const values = Float64Array.from(logits.contiguous().toArray() as ArrayLike<number>);
  const V = logits.shape[logits.ndim - 1]!;
  for (let r = 0; r < values.length; r += V) filter(values.subarray(r, r + V));
  return fromArray(logits.dtype === 'float64' ? values : Float32Array.from(values), [...logits.shape], logits.dtype);
}

/** Keeps the k largest entries of the row (ties at the k-th value all kept), -Infinity elsewhere. */
function topKRow(row: Float64Array, k: number): void {
  if (k >= row.length) return;
  const kth = Float64Array.from(row).sort().reverse()[k - 1]!;
  for (let i = 0; i < row.length; i++) if (row[i]! < kth) row[i] = -Infinity;
}

/** Keeps the smallest set of most likely entries whose softmax mass reaches p, -Infinity elsewhere. */
function topPRow(row: Float64Array, p: number): void {
  const order = Array.from(row.keys()).sort((a, b) => row[b]! - row[a]! || a - b);
  const max = row[order[0]!]!;
  if (max === -Infinity) return;
  let total = 0;
  for (const i of order) total += Math.exp(row[i]! - max);
  let mass = 0;
  let kept = 0;
  // The most likely token always stays, so p near 0 is greedy rather than empty.
  while (kept < order.length && (kept === 0 || mass < p * total)) mass += Math.exp(row[order[kept++]!]! - max);
  for (let j = kept; j < order.length; j++) row[order[j]!] = -Infinity;
}

/**
 * Logits with all but the k largest entries of each row (last dim) set to -Infinity.
 *
 * ```ts
 * topKFilter(tensor([1, 3, 2]), 2); // [-Infinity, 3, 2]
 * ```
 */
export function topKFilter(logits: Tensor, k: number): Tensor {
  checkLogits('topKFilter', logits);
  if (!Number.isInteger(k) || k < 1) throw new Error(`topKFilter: k must be a positive integer, got ${String(k)}`);
  return mapRows(logits, (row) => topKRow(row, k));
}

/**
 * Nucleus filtering: per row, keeps the smallest set of most likely tokens whose probabilities
 * (softmax of the row) sum to at least p, sets the rest to -Infinity. The top token always stays.
 *
 * ```ts
 * topPFilter(tensor([Math.log(0.5), Math.log(0.3), Math.log(0.2)]), 0.7); // keeps 0.5 and 0.3
 * ```
 */
export function topPFilter(logits: Tensor, p: number): Tensor {
  checkLogits('topPFilter', logits);
  if (typeof p !== 'number' || !(p > 0 && p <= 1)) throw new Error(`topPFilter: p must be in (0, 1], got ${String(p)}`);
  return mapRows(logits, (row) => topPRow(row, p));
}

interface Sampler {
  temperature: number;
  topK: number | undefined;
  topP: number | undefined;
  greedy: boolean;
  generator: Generator;
}

/** One token from a row of logits. */
function pick(row: Float64Array, s: Sampler): number {
  if (s.greedy) {
    let best = 0;
    for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
    return best;
  }
  for (let i = 0; i < row.length; i++) row[i] = row[i]! / s.temperature;
  if (s.topK !== undefined) topKRow(row, s.topK);
  if (s.topP !== undefined) topPRow(row, s.topP);
  let max = -Infinity;
  for (const v of row) max = Math.max(max, v);
  let total = 0;
  for (let i = 0; i < row.length; i++) total += row[i] = Math.exp(row[i]! - max);
  // Inverse-CDF draw: the first token whose cumulative mass passes u (skipping zero-mass tokens).
  const u = s.generator.nextFloat64() * total;
  let acc = 0;
  let last = 0;
  for (let i = 0; i < row.length; i++) {
    if (row[i] === 0) continue;
    acc += row[i]!;
    last = i;
    if (u < acc) return i;
  }
  return last;
}

function checkOptions(options: GenerateOptions): Sampler & { maxNewTokens: number; useCache: boolean; stop: Set<number> } {
  const op = 'generate';
  const { maxNewTokens, temperature = 1, topK, topP, greedy = false, generator = defaultGenerator, useCache = true, stopTokens = [] } = options;
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 0) throw new Error(`${op}: maxNewTokens must be an integer >= 0, got ${String(maxNewTokens)}`);
  if (typeof temperature !== 'number' || !(temperature > 0) || !Number.isFinite(temperature)) throw new Error(`${op}: temperature must be a positive number, got ${String(temperature)} (use greedy: true for argmax decoding)`);
  if (topK !== undefined && (!Number.isInteger(topK) || topK < 1)) throw new Error(`${op}: topK must be a positive integer, got ${String(topK)}`);
  if (topP !== undefined && (typeof topP !== 'number' || !(topP > 0 && topP <= 1))) throw new Error(`${op}: topP must be in (0, 1], got ${String(topP)}`);
  for (const t of stopTokens) if (!Number.isInteger(t) || t < 0) throw new Error(`${op}: stopTokens must be token ids, got ${String(t)}`);
  return { maxNewTokens, temperature, topK, topP, greedy, generator, useCache, stop: new Set(stopTokens) };
}

/**
 * Extends a prompt by up to `maxNewTokens` tokens, one at a time, each drawn from the model's
 * distribution for the next position (greedy, or sampled with temperature / top-k / top-p from
 * `generator`). Returns prompt and continuation together: a `number[]` for a `number[]` prompt, an
 * int32 tensor [B, T + n] for a [B, T] (or [T] -> [T + n]) tensor prompt.
 *
 * With `useCache` (default) the prompt is run once and each new token attends over the cached keys
 * and values; without, the last `contextLength` tokens are recomputed for every new token. Both give
 * the same tokens. Past the context length the cache cannot slide (positions are absolute), so each
 * step then recomputes the cropped window, as without the cache. The model runs in eval mode under
 * noGrad (its mode is restored). A sequence ends early after one of `stopTokens`; in a batch, rows
 * that stopped are padded with their stop token until all have stopped.
 *
 * ```ts
 * const ids = generate(model, tok.encode('The '), { maxNewTokens: 100, temperature: 0.8, topK: 20, generator: new Generator(1) });
 * console.log(tok.decode(ids));
 * ```
 */
export function generate(model: CausalLM, prompt: readonly number[], options: GenerateOptions): number[];
export function generate(model: CausalLM, prompt: Tensor, options: GenerateOptions): Tensor;
export function generate(model: CausalLM, prompt: readonly number[] | Tensor, options: GenerateOptions): number[] | Tensor {
  const op = 'generate';
  let rows: number[][];
  if (prompt instanceof Tensor) {
    if (prompt.dtype !== 'int32' || (prompt.ndim !== 1 && prompt.ndim !== 2) || prompt.shape[prompt.ndim - 1] === 0) {
      throw new Error(`${op}: a tensor prompt must be int32 [batch, time] or [time] with time >= 1, got ${prompt.dtype} ${formatShape(prompt.shape)}`);
    }
    const T = prompt.shape[prompt.ndim - 1]!;
    const flat = Array.from(prompt.contiguous().toArray() as Int32Array);
    rows = Array.from({ length: flat.length / T }, (_, b) => flat.slice(b * T, (b + 1) * T));
  } else {
    if (!Array.isArray(prompt) || prompt.length === 0 || !prompt.every((t) => Number.isInteger(t) && t >= 0)) {
      throw new Error(`${op}: prompt must be a non-empty array of token ids (or an int32 tensor), got ${JSON.stringify(prompt)?.slice(0, 80)}`);
    }
    rows = [[...prompt]];
  }
  const s = checkOptions(options);
  const C = model.contextLength;
  const wasTraining = model.training;
  model.train(false);
  try {
    noGrad(() => decode(model, rows, s, C));
  } finally {
    model.train(wasTraining);
  }
  if (!(prompt instanceof Tensor)) return rows[0]!;
  const T = rows[0]!.length;
  const out = fromArray(Int32Array.from(rows.flat()), [rows.length, T], 'int32');
  return prompt.ndim === 1 ? out.squeeze(0) : out;
}

/** The decoding loop; appends to `rows` in place. */
function decode(model: CausalLM, rows: number[][], s: ReturnType<typeof checkOptions>, C: number): void {
  const B = rows.length;
  const stopped = new Array<number | null>(B).fill(null);
  const cache = s.useCache ? model.createCache() : null;
  for (let step = 0; step < s.maxNewTokens; step++) {
    const T = rows[0]!.length;
    const logits = tidy(() => {
      let input: number[][];
      let forwardCache: unknown = null;
      if (cache !== null && T <= C) {
        // Feed what the cache has not seen yet: the prompt at the first step, then the last token.
        input = rows.map((r) => r.slice(cache.length));
        forwardCache = cache;
      } else {
        // No cache, or past the context length: recompute the last C tokens from scratch.
        cache?.reset();
        input = rows.map((r) => r.slice(Math.max(0, T - C)));
      }
      const n = input[0]!.length;
      const idx = fromArray(Int32Array.from(input.flat()), [B, n], 'int32');
      const out = forwardCache !== null ? model.forward(idx, { cache: forwardCache }) : model.forward(idx);
      // Only the last position's logits are needed: [B, V].
      return out.select(1, n - 1).contiguous().toArray();
    });
    const V = logits.length / B;
    for (let b = 0; b < B; b++) {
      const token = stopped[b] ?? pick(Float64Array.from(logits.subarray(b * V, (b + 1) * V) as ArrayLike<number>), s);
      rows[b]!.push(token);
      if (stopped[b] === null && s.stop.has(token)) stopped[b] = token;
    }
    if (stopped.every((t) => t !== null)) break;
  }
}
