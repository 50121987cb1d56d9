/** Matrix products: matmul with batch broadcasting, and the named special cases. */
import { Tensor } from '../tensor/tensor.js';
import { promoteTypes } from '../tensor/dtype.js';
import { broadcastShapes, formatShape, numelOf } from '../tensor/shape.js';
import type { View } from '../backend/backend.js';
import { backend } from '../backend/registry.js';
import { record } from '../autograd/record.js';
import { describe, fromData, sumToShape } from './util.js';

/**
 * PyTorch's matmul: 1-D x 1-D is a dot product (0-d result), a 1-D operand is treated as a row
 * (left) or column (right) vector whose dim is removed from the result, and the leading batch dims
 * of N-D operands broadcast. Mixed dtypes are promoted; bool operands are rejected.
 *
 * ```ts
 * matmul(randn(2, 3), randn(3, 4));        // [2, 4]
 * matmul(randn(5, 1, 2, 3), randn(4, 3, 6)); // [5, 4, 2, 6]
 * ```
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  return product('matmul', a, b);
}

function product(op: string, a: Tensor, b: Tensor): Tensor {
  if (!(a instanceof Tensor)) throw new Error(`${op}: first operand must be a Tensor, got ${describe(a)}`);
  if (!(b instanceof Tensor)) throw new Error(`${op}: second operand must be a Tensor, got ${describe(b)}`);
  if (a.ndim === 0 || b.ndim === 0) {
    throw new Error(`${op}: both operands need at least one dimension, got ${formatShape(a.shape)} x ${formatShape(b.shape)}`);
  }
  if (a.dtype === 'bool' || b.dtype === 'bool') throw new Error(`${op}: bool operands are not supported (${a.dtype} x ${b.dtype})`);
  if (a.ndim === 1 && b.ndim === 1) return matmulND(op, a.unsqueeze(0), b.unsqueeze(1), a, b).reshape([]);
  if (a.ndim === 1) return matmulND(op, a.unsqueeze(0), b, a, b).squeeze(-2);
  if (b.ndim === 1) return matmulND(op, a, b.unsqueeze(1), a, b).squeeze(-1);
  return matmulND(op, a, b, a, b);
}

function matmulND(op: string, a: Tensor, b: Tensor, origA: Tensor, origB: Tensor): Tensor {
  const m = a.shape[a.ndim - 2]!;
  const k = a.shape[a.ndim - 1]!;
  const k2 = b.shape[b.ndim - 2]!;
  const n = b.shape[b.ndim - 1]!;
  if (k !== k2) {
    throw new Error(`${op}: ${formatShape(origA.shape)} x ${formatShape(origB.shape)}: inner dimensions ${k} != ${k2}`);
  }
  let batchShape: number[];
  try {
    batchShape = broadcastShapes(op, a.shape.slice(0, -2), b.shape.slice(0, -2));
  } catch {
    throw new Error(`${op}: ${formatShape(origA.shape)} x ${formatShape(origB.shape)}: batch dimensions ${formatShape(a.shape.slice(0, -2))} and ${formatShape(b.shape.slice(0, -2))} cannot be broadcast`);
  }
  const dtype = promoteTypes(a.dtype, b.dtype);
  const av = batchView(a.dtype === dtype ? a : a.to(dtype), batchShape, m, k);
  const bv = batchView(b.dtype === dtype ? b : b.to(dtype), batchShape, k, n);
  const out = fromData(backend().matmul(av, bv, dtype), [...batchShape, m, n], dtype);
  return record(
    'matmul',
    out,
    [a, b],
    // d(AB)/dA = G B^T, d(AB)/dB = A^T G, summed over broadcast batch dims and cast back to the
    // operand's dtype (a promoted product must not hand a float32 leaf a float64 gradient).
    (g, needs) => [
      needs[0] ? sumToShape(g.matmul(b.mT), a.shape).to(a.dtype) : null,
      needs[1] ? sumToShape(a.mT.matmul(g), b.shape).to(b.dtype) : null,
    ],
    [a, b],
  );
}

/** A [batch, rows, cols] view of `t` broadcast to `batchShape`, copying only when strides can't express it. */
function batchView(t: Tensor, batchShape: readonly number[], rows: number, cols: number): View {
  const e = t.expand([...batchShape, rows, cols]);
  const nb = batchShape.length;
  const batch = numelOf(batchShape);
  // The batch dims collapse into one stride when each (ignoring size-1 dims) steps by the span of
  // the ones inside it; broadcast dims have stride 0 and collapse with each other.
  let stride: number | null = 0;
  let span = 0;
  for (let i = nb - 1; i >= 0 && stride !== null; i--) {
    const size = batchShape[i]!;
    if (size === 1) continue;
    const s = e.strides[i]!;
    if (span === 0) {
      stride = s;
      span = size;
    } else if (s === stride * span) span *= size;
    else stride = null;
  }
  if (stride !== null && batch > 0) {
    return { data: e.data, dtype: e.dtype, shape: [batch, rows, cols], strides: [stride, e.strides[nb]!, e.strides[nb + 1]!], offset: e.offset };
  }
  const c = e.contiguous();
  return { data: c.data, dtype: c.dtype, shape: [batch, rows, cols], strides: [rows * cols, cols, 1], offset: c.offset };
}

/** Matrix product of two 2-D tensors: [n, k] x [k, m] -> [n, m]. */
export function mm(a: Tensor, b: Tensor): Tensor {
  if (!(a instanceof Tensor) || !(b instanceof Tensor)) throw new Error(`mm: both operands must be Tensors, got ${describe(a)} and ${describe(b)}`);
  if (a.ndim !== 2 || b.ndim !== 2) throw new Error(`mm: expects two 2-D tensors, got ${formatShape(a.shape)} x ${formatShape(b.shape)}`);
  return product('mm', a, b);
}

/** Batched matrix product of 3-D tensors with equal batch sizes (no broadcasting): [B, n, k] x [B, k, m] -> [B, n, m]. */
export function bmm(a: Tensor, b: Tensor): Tensor {
  if (!(a instanceof Tensor) || !(b instanceof Tensor)) throw new Error(`bmm: both operands must be Tensors, got ${describe(a)} and ${describe(b)}`);
  if (a.ndim !== 3 || b.ndim !== 3 || a.shape[0] !== b.shape[0]) {
    throw new Error(`bmm: expects [B,n,k] x [B,k,m] with equal B, got ${formatShape(a.shape)} x ${formatShape(b.shape)}`);
  }
  return product('bmm', a, b);
}

/** Inner product of two 1-D tensors of equal length (0-d result). */
export function dot(a: Tensor, b: Tensor): Tensor {
  if (!(a instanceof Tensor) || !(b instanceof Tensor)) throw new Error(`dot: both operands must be Tensors, got ${describe(a)} and ${describe(b)}`);
  if (a.ndim !== 1 || b.ndim !== 1 || a.shape[0] !== b.shape[0]) {
    throw new Error(`dot: expects two 1-D tensors of equal length, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  return product('dot', a, b);
}

/** Outer product of two 1-D tensors: [n] x [m] -> [n, m]. */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (!(a instanceof Tensor) || !(b instanceof Tensor)) throw new Error(`outer: both operands must be Tensors, got ${describe(a)} and ${describe(b)}`);
  if (a.ndim !== 1 || b.ndim !== 1) throw new Error(`outer: expects two 1-D tensors, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  return a.unsqueeze(1).mul(b.unsqueeze(0));
}
