/**
 * How samples and batches cross a worker thread boundary: tensors become `{ dtype, shape, data }`
 * records whose typed arrays are transferred (moved, not copied); arrays, plain objects and
 * primitives go through structured clone as they are.
 */
import { Tensor } from '../tensor/tensor.js';
import type { DType, TypedArray } from '../tensor/dtype.js';
import { fromArray } from '../tensor/creation.js';

interface EncodedTensor {
  $tensor: true;
  dtype: DType;
  shape: number[];
  data: TypedArray;
}

/** Replaces every tensor in `value` by a transferable record; collects the buffers to transfer. */
export function encodeTree(value: unknown, transfer: ArrayBuffer[]): unknown {
  if (value instanceof Tensor) {
    const c = value.contiguous();
    // Always copy into a fresh buffer before transferring: the storage may be shared with tensors the
    // dataset keeps (a row view of a whole dataset) or be native memory that cannot be transferred.
    // One copy of a collated batch costs far less than building it.
    const data = c.data.slice(c.offset, c.offset + c.numel) as TypedArray;
    transfer.push(data.buffer as ArrayBuffer);
    const rec: EncodedTensor = { $tensor: true, dtype: value.dtype, shape: value.shape.slice(), data };
    return rec;
  }
  if (Array.isArray(value)) return value.map((v) => encodeTree(v, transfer));
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = encodeTree(v, transfer);
    return out;
  }
  return value;
}

/** The inverse of encodeTree: records become tensors that own the received buffers. */
export function decodeTree(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeTree);
  if (value !== null && typeof value === 'object') {
    const rec = value as Partial<EncodedTensor>;
    if (rec.$tensor === true) return fromArray(rec.data!, rec.shape!, rec.dtype!);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = decodeTree(v);
    return out;
  }
  return value;
}
