/**
 * The key/value cache of incremental (autoregressive) decoding: the projected keys and values of the
 * tokens seen so far, per batch and head, so that each new token is projected once and then
 * attends over everything before it.
 */
import type { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { cat } from '../../ops/shape.js';
import { keep } from '../../tensor/scope.js';
import { zeros } from '../../tensor/creation.js';
import { isGradEnabled } from '../../autograd/grad-mode.js';

/**
 * Past keys and values [batch, heads, length, headDim], grown by MultiheadAttention at each call
 * that passes it (`forward(x, x, x, { cache })`). One cache per attention layer; `reset()` to start
 * a new sequence. Decode under `noGrad` so that the cached tensors do not hold a graph.
 *
 * ```ts
 * const cache = new nn.KVCache();
 * for (let t = 0; t < n; t++) {
 *   const [y] = mha.forward(xt, xt, xt, { cache, needWeights: false }); // xt [batch, 1, E] (batchFirst)
 * }
 * cache.length; // n
 * ```
 */
export class KVCache {
  key: Tensor | null = null;
  value: Tensor | null = null;
  // Decoding without a graph writes into these, of room for `capacity` positions, and hands out
  // views of the filled part: one token then costs a copy of its own keys and values, not of all
  // the cached ones (cat). Strides of the views still let matmul take them without a copy.
  private keyBuffer: Tensor | null = null;
  private valueBuffer: Tensor | null = null;

  /** Number of cached positions. */
  get length(): number {
    return this.key === null ? 0 : this.key.shape[2]!;
  }

  /** Appends new keys and values [batch, heads, new, headDim]; returns all of them. */
  append(key: Tensor, value: Tensor): [Tensor, Tensor] {
    if (this.key !== null && this.value !== null) {
      const [kb, kh, , kd] = this.key.shape;
      if (key.ndim !== 4 || key.shape[0] !== kb || key.shape[1] !== kh || key.shape[3] !== kd) {
        throw new Error(`KVCache: new keys ${formatShape(key.shape)} do not match the cached ${formatShape(this.key.shape)} (batch, heads and head dim must agree)`);
      }
    }
    if (isGradEnabled() || key.requiresGrad || value.requiresGrad) {
      // With a graph, in-place writes would invalidate the views earlier steps saved: concatenate.
      this.keyBuffer = this.valueBuffer = null;
      if (this.key !== null && this.value !== null) {
        key = cat([this.key, key], 2);
        value = cat([this.value, value], 2);
      }
    } else {
      [key, value] = this.write(key, value);
    }
    // Kept: a tidy around one decoding step must not free what the next step reads.
    this.key = keep(key);
    this.value = keep(value);
    return [key, value];
  }

  /** Writes the new positions into the buffers (grown by doubling) and returns the filled views. */
  private write(key: Tensor, value: Tensor): [Tensor, Tensor] {
    const past = this.length;
    const total = past + key.shape[2]!;
    let kb = this.keyBuffer;
    let vb = this.valueBuffer;
    const fits = (b: Tensor | null, t: Tensor): b is Tensor =>
      b !== null && b.dtype === t.dtype && b.shape[0] === t.shape[0] && b.shape[1] === t.shape[1] && b.shape[3] === t.shape[3] && b.shape[2]! >= total;
    if (!fits(kb, key) || !fits(vb, value) || (past > 0 && (this.key!.data !== kb.data || this.value!.data !== vb.data))) {
      const capacity = Math.max(16, 2 * total);
      const grow = (old: Tensor | null, t: Tensor): Tensor => {
        const b = keep(zeros([t.shape[0]!, t.shape[1]!, capacity, t.shape[3]!], { dtype: t.dtype }));
        if (old !== null && past > 0) b.narrow(2, 0, past).copy_(old);
        return b;
      };
      kb = grow(this.key, key);
      vb = grow(this.value, value);
      this.keyBuffer = kb;
      this.valueBuffer = vb;
    }
    kb.narrow(2, past, key.shape[2]!).copy_(key);
    vb.narrow(2, past, value.shape[2]!).copy_(value);
    return [kb.narrow(2, 0, total), vb.narrow(2, 0, total)];
  }

  /** Forgets every cached position. */
  reset(): void {
    this.key = null;
    this.value = null;
    this.keyBuffer = null;
    this.valueBuffer = null;
  }
}
