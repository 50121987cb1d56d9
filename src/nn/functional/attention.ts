/**
 * Scaled dot-product attention, softmax(q k^T * scale + mask) v, composed from matmul, softmax and
 * where, so every backend runs it and gradients of any order come for free.
 *
 * Masks follow PyTorch 2.x's `scaled_dot_product_attention`: a bool `attnMask` marks with true the
 * pairs that take part in attention; a float one is added to the scores. `keyPaddingMask` is
 * MultiheadAttention's: true marks padded keys, which no query attends.
 *
 * Rows where every key is masked out give zeros (output and weights), with zero gradients, where
 * PyTorch gives NaN: a query with nothing to attend to contributes nothing, and one such row cannot
 * poison a whole batch's loss.
 */
import { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { fromArray } from '../../tensor/creation.js';
import type { Generator } from '../../tensor/random.js';
import { where } from '../../ops/compare.js';
import { softmax } from '../../ops/nn/softmax.js';
import { dropout } from '../../ops/nn/dropout.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { keep } from '../../tensor/scope.js';
import { checkFloating, checkTensor } from '../../ops/util.js';

export interface ScaledDotProductAttentionOptions {
  /**
   * Broadcastable to [..., L, S]. bool: true = the pair takes part in attention (PyTorch 2.x);
   * float: added to the scores (0 keeps, -Infinity masks).
   */
  attnMask?: Tensor | null;
  /** [N, S] for inputs [N, ..., L, E]: bool true marks a padded key (ignored); float is added. */
  keyPaddingMask?: Tensor | null;
  /** Query i attends keys j <= i only (top-left aligned, as PyTorch). Combines with the masks. */
  isCausal?: boolean;
  /** Dropout on the attention weights (applied whenever > 0, as PyTorch's functional form). */
  dropoutP?: number;
  /** Multiplies q k^T; default 1 / sqrt(E). */
  scale?: number | null;
  /** Draw the dropout mask from this generator. */
  generator?: Generator;
}

/**
 * A mask in the form the core takes: bool (true = attend) or float (added), broadcastable to the
 * scores [..., L, S].
 */
export type AttentionMask = Tensor;

/**
 * Attention of queries q [..., L, E] over keys k [..., S, E] and values v [..., S, Ev] (leading dims
 * broadcast): softmax(q k^T * scale + masks) v, [..., L, Ev]. With `returnWeights`, also the
 * attention weights [..., L, S] (after dropout, as MultiheadAttention returns them).
 *
 * ```ts
 * const out = scaledDotProductAttention(q, k, v, { isCausal: true });        // q, k, v [B, H, T, D]
 * const [o, w] = scaledDotProductAttention(q, k, v, { attnMask: keep, returnWeights: true });
 * ```
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, options: ScaledDotProductAttentionOptions & { returnWeights: true }): [Tensor, Tensor];
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, options?: ScaledDotProductAttentionOptions & { returnWeights?: false }): Tensor;
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, options: ScaledDotProductAttentionOptions & { returnWeights?: boolean } = {}): Tensor | [Tensor, Tensor] {
  const op = 'scaledDotProductAttention';
  checkAttentionInputs(op, q, k, v);
  const S = k.shape[k.ndim - 2]!;
  const masks: AttentionMask[] = [];
  if (options.attnMask != null) masks.push(checkMask(op, 'attnMask', options.attnMask));
  if (options.keyPaddingMask != null) masks.push(keyPaddingToMask(op, options.keyPaddingMask, q.ndim, q.shape[0]!, S));
  const [out, weights] = attend(q, k, v, masks, {
    scale: options.scale ?? null,
    dropoutP: checkDropout(op, options.dropoutP ?? 0),
    generator: options.generator,
    causalOffset: options.isCausal === true ? 0 : null,
  });
  return options.returnWeights === true ? [out, weights] : out;
}

/**
 * bool [L, S]: query i (at absolute position i + offset) may attend key j when j <= i + offset.
 * offset 0 is PyTorch's top-left alignment; offset S - L aligns the last query with the last key
 * (queries appended after cached keys).
 */
export function causalMask(L: number, S: number, offset: number): Tensor {
  const keep = new Uint8Array(L * S);
  for (let i = 0; i < L; i++) {
    const last = Math.min(S - 1, i + offset);
    for (let j = 0; j <= last; j++) keep[i * S + j] = 1;
  }
  return fromArray(keep, [L, S], 'bool');
}

/**
 * A key padding mask [N, S] (bool true = padded, or float added) reshaped to broadcast against
 * scores of `ndim` dims whose first dim is N: [N, 1, ..., 1, S], bool turned into "attend" form.
 */
export function keyPaddingToMask(op: string, mask: Tensor, ndim: number, batch: number, S: number): AttentionMask {
  checkTensor(op, mask);
  if (mask.ndim !== 2 || mask.shape[0] !== batch || mask.shape[1] !== S || mask.dtype === 'int32') {
    throw new Error(`${op}: keyPaddingMask must be a bool or float tensor [batch, source length] = [${batch}, ${S}], got a ${mask.dtype} tensor of shape ${formatShape(mask.shape)}`);
  }
  if (ndim < 3) throw new Error(`${op}: keyPaddingMask needs batched inputs [N, ..., L, E], got ${ndim}-D inputs`);
  const shaped = mask.reshape([batch, ...new Array<number>(ndim - 2).fill(1), S]);
  return mask.dtype === 'bool' ? shaped.logicalNot() : shaped;
}

/** Float causal biases (0 = attend, -Infinity = masked) by L, S, offset and dtype, built once each. */
const causalBiases = new Map<string, Tensor>();

/**
 * The causal mask as a float bias [L, S] to add to the scores (one add, whose backward is the
 * identity, where a bool mask costs a `where` forward and backward), or null when every query sees
 * every key (one new token after a KV cache). Cached: training builds the same one at every step.
 */
export function causalBias(L: number, S: number, offset: number, dtype: 'float32' | 'float64'): Tensor | null {
  if (offset >= S - 1) return null;
  const key = `${L},${S},${offset},${dtype}`;
  let bias = causalBiases.get(key);
  if (bias === undefined) {
    const values = dtype === 'float64' ? new Float64Array(L * S) : new Float32Array(L * S);
    for (let i = 0; i < L; i++) for (let j = Math.max(0, i + offset + 1); j < S; j++) values[i * S + j] = -Infinity;
    if (causalBiases.size >= 64) causalBiases.clear();
    // Kept: the cache outlives the tidy block that first asked for it.
    bias = keep(noGrad(() => fromArray(values, [L, S], dtype)));
    causalBiases.set(key, bias);
  }
  return bias;
}

/**
 * The core: scores, masks, softmax (zeros for fully masked rows), dropout, weights times values.
 * `causalOffset` (not null) adds the causal mask aligned at that offset (see causalMask); alone, it
 * leaves every row at least key 0 to attend, so the fully-masked-row check is skipped.
 */
export function attend(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  masks: readonly AttentionMask[],
  options: { scale: number | null; dropoutP: number; generator?: Generator | undefined; causalOffset?: number | null },
): [Tensor, Tensor] {
  const E = q.shape[q.ndim - 1]!;
  const scale = options.scale ?? 1 / Math.sqrt(E);
  // Scaling q costs L*E multiplications instead of L*S (MultiheadAttention folds it into q's weights).
  let scores = (scale === 1 ? q : q.mul(scale)).matmul(k.transpose(-2, -1));
  for (const m of masks) scores = m.dtype === 'bool' ? where(m, scores, -Infinity) : scores.add(m);
  const causalOffset = options.causalOffset ?? null;
  if (causalOffset !== null) {
    if (causalOffset < 0) throw new Error(`attend: causalOffset must be >= 0, got ${causalOffset}`);
    const L = q.shape[q.ndim - 2]!;
    const S = k.shape[k.ndim - 2]!;
    const bias = causalBias(L, S, causalOffset, scores.dtype === 'float64' ? 'float64' : 'float32');
    if (bias !== null) scores = scores.add(bias);
  }
  let weights: Tensor;
  if (masks.length === 0) {
    weights = softmax(scores, -1);
  } else {
    // A row with no finite score would give NaN: give it finite scores, then zero weights.
    const dead = noGrad(() => scores.amax(-1, true).eq(-Infinity));
    if (noGrad(() => dead.any().item()) !== 0) {
      weights = where(dead, 0, softmax(where(dead, 0, scores), -1));
    } else {
      weights = softmax(scores, -1);
    }
  }
  if (options.dropoutP > 0) weights = dropout(weights, options.dropoutP, true, { generator: options.generator });
  return [weights.matmul(v), weights];
}

function checkAttentionInputs(op: string, q: Tensor, k: Tensor, v: Tensor): void {
  for (const [name, t] of [['query', q], ['key', k], ['value', v]] as const) {
    checkTensor(op, t);
    checkFloating(op, t);
    if (t.ndim < 2) throw new Error(`${op}: ${name} must have at least 2 dims [..., length, features], got ${formatShape(t.shape)}`);
  }
  const E = q.shape[q.ndim - 1]!;
  if (k.shape[k.ndim - 1] !== E) throw new Error(`${op}: query ${formatShape(q.shape)} and key ${formatShape(k.shape)} must have the same last dim`);
  if (k.shape[k.ndim - 2] !== v.shape[v.ndim - 2]) throw new Error(`${op}: key ${formatShape(k.shape)} and value ${formatShape(v.shape)} must have the same source length (dim -2)`);
}

function checkMask(op: string, name: string, mask: Tensor): Tensor {
  checkTensor(op, mask);
  if (mask.dtype === 'int32') throw new Error(`${op}: ${name} must be bool (true = attend) or floating (added), got int32`);
  return mask;
}

function checkDropout(op: string, p: unknown): number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new Error(`${op}: dropoutP must be a probability in [0, 1], got ${String(p)}`);
  return p;
}
