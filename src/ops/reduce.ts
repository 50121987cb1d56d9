/**
 * Reductions over any set of dims, with keepdim. Sums of bool and int32 give int32, as PyTorch's give
 * int64; floating reductions keep the input's dtype.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import { isFloating } from '../tensor/dtype.js';
import { normalizeDims } from '../tensor/shape.js';
import type { ReduceOp } from '../backend/backend.js';
import { backend } from '../backend/registry.js';
import { record } from '../autograd/record.js';
import { keepDims, reduceKernel } from './support.js';
import { fromData } from './util.js';

export type Dims = number | readonly number[] | null | undefined;



/** Sum over `dims` (all when omitted). */
export function sum(x: Tensor, dims?: Dims, keepdim = false): Tensor {
  const d = normalizeDims('sum', dims, x.ndim);
  const outDtype = isFloating(x.dtype) ? x.dtype : 'int32';
  const out = reduceKernel('sum', x, d, keepdim, outDtype);
  const inShape = x.shape;
  return record('sum', out, [x], (g) => [keepDims(g, inShape, d, keepdim).expand(inShape)]);
}

/** Mean over `dims` (all when omitted); floating inputs only, as in PyTorch. */
export function mean(x: Tensor, dims?: Dims, keepdim = false): Tensor {
  if (!isFloating(x.dtype)) throw new Error(`mean: input must be floating point, got ${x.dtype}; cast with .to('float32')`);
  const d = normalizeDims('mean', dims, x.ndim);
  let count = 1;
  for (const i of d) count *= x.shape[i]!;
  return sum(x, d, keepdim).div(count);
}

/** True where every element over `dims` is non-zero (bool result). */
export function all(x: Tensor, dims?: Dims, keepdim = false): Tensor {
  return reduceKernel('all', x, normalizeDims('all', dims, x.ndim), keepdim, 'bool');
}

/** True where any element over `dims` is non-zero (bool result). */
export function any(x: Tensor, dims?: Dims, keepdim = false): Tensor {
  return reduceKernel('any', x, normalizeDims('any', dims, x.ndim), keepdim, 'bool');
}
