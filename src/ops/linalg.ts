/** Matrix products: matmul with batch broadcasting, and the named special cases. */
import { Tensor } from '../tensor/tensor.js';
import { promoteTypes } from '../tensor/dtype.js';
import { broadcastShapes, formatShape, numelOf } from '../tensor/shape.js';
import type { View } from '../backend/backend.js';
import { backend } from '../backend/registry.js';
import { record } from '../autograd/record.js';
import { fromData, sumToShape } from './util.js';

/**
 * PyTorch's matmul: 1-D x 1-D is a dot product, a 1-D operand is treated as a row (left) or column
 * (right) vector, and leading batch dims broadcast.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (!(a instanceof Tensor) || !(b instanceof Tensor)) throw new Error('matmul: both operands must be tensors');
  if (a.ndim === 0 || b.ndim === 0) {
    throw new Error(`matmul: both operands need at least one dimension, got ${formatShape(a.shape)} x ${formatShape(b.shape)}`);
  }
  if (a.dtype === 'bool' || b.dtype === 'bool') throw new Error(`matmul: bool operands are not supported (${a.dtype} x ${b.dtype})`);
  if (a.ndim === 1 && b.ndim === 1) return matmulND(a.unsqueeze(0), b.unsqueeze(1), a, b).reshape([]);
  if (a.ndim === 1) return matmulND(a.unsqueeze(0), b, a, b).squeeze(-2);
  if (b.ndim === 1) return matmulND(a, b.unsqueeze(1), a, b).squeeze(-1);
  return matmulND(a, b, a, b);
}

function matmulND(a: Tensor, b: Tensor, origA: Tensor, origB: Tensor): Tensor {
  const m = a.shape[a.ndim - 2]!;
  const k = a.shape[a.ndim - 1]!;
  const k2 = b.shape[b.ndim - 2]!;
  const n = b.shape[b.ndim - 1]!;
  if (k !== k2) {
    throw new Error(`matmul: ${formatShape(origA.shape)} x ${formatShape(origB.shape)}: inner dimensions ${k} != ${k2}`);
  }
  const batchShape = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const dtype = promoteTypes(a.dtype, b.dtype);
  const av = batchView(a.dtype === dtype ? a : a.to(dtype), batchShape, m, k);
  const bv = batchView(b.dtype === dtype ? b : b.to(dtype), batchShape, k, n);
  const out = fromData(backend().matmul(av, bv, dtype), [...batchShape, m, n], dtype);
  return record(
    'matmul',
    out,
    [a, b],
    (g, needs) => [
      needs[0] ? sumToShape(g.matmul(b.mT), a.shape) : null,
      needs[1] ? sumToShape(a.mT.matmul(g), b.shape) : null,
    ],
    [a, b],
  );
}

/** A [batch, rows, cols] view of `t` broadcast to `batchShape`, copying only when strides can't express it. */
function batchView(t: Tensor, batchShape: readonly number[], rows: number, cols: number): View {
  const e = t.expand([...batchShape, rows, cols]);
  const nb = batchShape.length;
  const batch = numelOf(batchShape);
  if (nb === 0) return { data: e.data, dtype: e.dtype, shape: [1, rows, cols], strides: [0, e.strides[0]!, e.strides[1]!], offset: e.offset };
  // The batch dims collapse into one stride when each is a whole multiple of the next (or broadcast).
  let stride: number | null = e.strides[nb - 1]!;
  let span = batchShape[nb - 1]!;
  for (let i = nb - 2; i >= 0 && stride !== null; i--) {
    const s = e.strides[i]!;
    if (batchShape[i] === 1) continue;
    if (s === 0 && stride === 0) continue;
    if (s !== stride * span) stride = null;
    span *= batchShape[i]!;
  }
  if (stride !== null && batch > 0) {
    return { data: e.data, dtype: e.dtype, shape: [batch, rows, cols], strides: [stride, e.strides[nb]!, e.strides[nb + 1]!], offset: e.offset };
  }
  const c = e.contiguous();
  return { data: c.data, dtype: c.dtype, shape: [batch, rows, cols], strides: [rows * cols, cols, 1], offset: c.offset };
}

/** 2-D x 2-D. */
export function mm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 2 || b.ndim !== 2) throw new Error(`mm: expects two 2-D tensors, got ${formatShape(a.shape)} x ${formatShape(b.shape)}`);
  return matmul(a, b);
}

/** Batched 3-D x 3-D with equal batch sizes. */
export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 3 || b.ndim !== 3 || a.shape[0] !== b.shape[0]) {
    throw new Error(`bmm: expects [B,M,K] x [B,K,N] with equal B, got ${formatShape(a.shape)} x ${formatShape(b.shape)}`);
  }
  return matmul(a, b);
}

/** Inner product of two 1-D tensors. */
export function dot(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1 || a.shape[0] !== b.shape[0]) {
    throw new Error(`dot: expects two 1-D tensors of equal length, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  return matmul(a, b);
}

/** Outer product of two 1-D tensors: [n] x [m] -> [n, m]. */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1) throw new Error(`outer: expects two 1-D tensors, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  return a.unsqueeze(1).mul(b.unsqueeze(0));
}
