/** Embedding lookup: rows of a weight matrix picked by integer indices, differentiable in the weight. */
import type { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { checkFloating, checkTensor, fromData } from '../util.js';
import { show, takeAlong } from './support.js';

export interface EmbeddingOptions {
  /** Lookups of this row (negative counts from the end) return it but pass it no gradient. */
  paddingIdx?: number | null;
}

/**
 * weight[indices]: indices (int32, any shape) into the rows of weight [numEmbeddings, dim]; the
 * result has shape [...indices.shape, dim].
 *
 * ```ts
 * const w = randn([10, 4], { requiresGrad: true });
 * embedding(tensor([[1, 2], [0, 9]], { dtype: 'int32' }), w); // [2, 2, 4]
 * ```
 */
export function embedding(indices: Tensor, weight: Tensor, options: EmbeddingOptions = {}): Tensor {
  const op = 'embedding';
  checkTensor(op, indices, 'indices');
  checkTensor(op, weight, 'weight');
  if (indices.dtype !== 'int32') throw new Error(`${op}: indices must be an int32 tensor, got ${indices.dtype} of shape ${formatShape(indices.shape)}`);
  if (weight.ndim !== 2) throw new Error(`${op}: weight must be 2-D [numEmbeddings, embeddingDim], got shape ${formatShape(weight.shape)}`);
  checkFloating(op, weight, 'weight');
  const [rows, dim] = weight.shape as [number, number];
  let pad: number | null = options.paddingIdx ?? null;
  if (pad !== null) {
    if (!Number.isInteger(pad) || pad < -rows || pad >= rows) {
      throw new Error(`${op}: paddingIdx ${show(pad)} is out of range for weight ${formatShape(weight.shape)} (expected ${-rows}..${rows - 1})`);
    }
    if (pad < 0) pad += rows;
  }
  const flat = indices.contiguous().reshape([indices.numel, 1]);
  const values = flat.data.subarray(flat.offset, flat.offset + indices.numel);
  for (const v of values) {
    if (v < 0 || v >= rows) throw new Error(`${op}: index ${v} is out of range for weight ${formatShape(weight.shape)} (${rows} rows)`);
  }
  let out = takeAlong(weight, 0, flat.expand([indices.numel, dim]));
  if (pad !== null) {
    // The padding row's value still comes back, but through a detached copy: no gradient reaches it.
    const keep = fromData(Uint8Array.from(values, (v) => (v === pad ? 0 : 1)), [indices.numel, 1], 'bool');
    out = out.where(keep, out.detach());
  }
  return out.reshape([...indices.shape, dim]);
}
