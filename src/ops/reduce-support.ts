/** Internal helpers of the reduction and scan families (not public ops: ops/index.ts skips this file). */
import type { Tensor } from '../tensor/tensor.js';
import { full } from '../tensor/creation.js';
import { formatShape, normalizeDim, normalizeDims } from '../tensor/shape.js';
import { cat } from './shape.js';
import { checkTensor, describe } from './util.js';

/** Checks the input, `dims` and `keepdim`; returns the dims sorted, unique and non-negative. */
export function reduceDims(op: string, x: unknown, dims: unknown, keepdim: unknown): number[] {
  checkTensor(op, x);
  if (dims !== undefined && dims !== null && typeof dims !== 'number') {
    if (!Array.isArray(dims) || dims.some((d) => typeof d !== 'number')) {
      throw new Error(`${op}: dims must be a number, an array of numbers, or omitted, got ${describe(dims)}`);
    }
  }
  checkKeepdim(op, keepdim);
  return normalizeDims(op, dims as number | number[] | undefined | null, x.ndim);
}

export function checkKeepdim(op: string, keepdim: unknown): void {
  if (typeof keepdim !== 'boolean') throw new Error(`${op}: keepdim must be a boolean, got ${describe(keepdim)}`);
}

/** Checks a single dim (a number, possibly negative); returns it non-negative. */
export function checkDim(op: string, x: Tensor, dim: unknown): number {
  if (typeof dim !== 'number') throw new Error(`${op}: dim must be a number, got ${describe(dim)}`);
  return normalizeDim(op, dim, x.ndim);
}

/** Throws when a reduction without an identity (max, min, argmax) would reduce a size-0 dim. */
export function checkNonEmpty(op: string, x: Tensor, dims: readonly number[]): void {
  for (const d of dims) {
    if (x.shape[d] === 0) {
      throw new Error(`${op}: cannot reduce over dim ${d} of size 0 in shape ${formatShape(x.shape)}: the operation has no identity`);
    }
  }
}

/** The number of elements each reduced result covers. */
export function countOf(x: Tensor, dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= x.shape[d]!;
  return n;
}

/** `t` moved `s` places towards the end of its last dim, `fill` entering at the start; differentiable. */
export function shiftRight(t: Tensor, s: number, fill: number): Tensor {
  const n = t.shape[t.ndim - 1]!;
  const head = full([...t.shape.slice(0, -1), Math.min(s, n)], fill, { dtype: t.dtype });
  return s >= n ? head : cat([head, t.narrow(-1, 0, n - s)], -1);
}

/** `t` moved `s` places towards the start of its last dim, `fill` entering at the end; differentiable. */
export function shiftLeft(t: Tensor, s: number, fill: number): Tensor {
  const n = t.shape[t.ndim - 1]!;
  const tail = full([...t.shape.slice(0, -1), Math.min(s, n)], fill, { dtype: t.dtype });
  return s >= n ? tail : cat([t.narrow(-1, s, n - s), tail], -1);
}
