/**
 * The key/value cache of incremental (autoregressive) decoding: the projected keys and values of the
 * tokens seen so far, per batch and head, so that each new token is projected once and then
 * attends over everything before it.
 */
import type { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { cat } from '../../ops/shape.js';
import { keep } from '../../tensor/scope.js';

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
      key = cat([this.key, key], 2);
      value = cat([this.value, value], 2);
    }
    // Kept: a tidy around one decoding step must not free what the next step reads.
    this.key = keep(key);
    this.value = keep(value);
    return [key, value];
  }

  /** Forgets every cached position. */
  reset(): void {
    this.key = null;
    this.value = null;
  }
}
