/**
 * Reductions over any set of dims. One calling convention for the whole family:
 *
 * - `dims` is a number, an array of numbers, or omitted / null for every dim; negative dims count
 *   from the end. An empty array reduces nothing (NumPy's `axis=()`; PyTorch would reduce all dims).
 * - Simple reductions take `(x, dims?, keepdim = false)`; `keepdim` keeps reduced dims with size 1.
 * - `max`/`min`/`argmax`/`argmin` take one `dim`, as in PyTorch.
 * - `var`/`std`/`varMean`/`stdMean` take `(x, dims?, { correction = 1, keepdim = false })`, and
 *   `norm` takes `(x, p = 2, dims?, keepdim = false)`; they live in reduce-stats.ts.
 *
 * Sums and products of bool and int32 give int32 (PyTorch's int64 role); max/min keep the dtype;
 * floating reductions keep the input's floating dtype.
 */
import { Tensor } from '../tensor/tensor.js';
import { isFloating } from '../tensor/dtype.js';
import { formatShape } from '../tensor/shape.js';
import { arange } from '../tensor/creation.js';
import type { ReduceOp } from '../backend/backend.js';
import { backend } from '../backend/registry.js';
import { nonDifferentiable, record } from '../autograd/record.js';
import { keepDims, reduceKernel } from './support.js';
import { checkTensor, fromData } from './util.js';
import { checkDim, checkKeepdim, checkNonEmpty, countOf, reduceDims, shiftRight } from './reduce-support.js';
import { maximum, minimum } from './binary.js';
import { where } from './compare.js';
import { cumprod } from './scan.js';

export { var_ as var, std, varMean, stdMean, logsumexp, norm } from './reduce-stats.js';
export type { VarOptions, NormOrder } from './reduce-stats.js';

/** A set of dims to reduce: one dim, several, or null / undefined for all. */
export type Dims = number | readonly number[] | null | undefined;

/** What `max(x, dim)` and `min(x, dim)` return: the extreme values and their int32 indices along dim. */
export interface ValuesIndices {
  values: Tensor;
  indices: Tensor;
}

// ---- sums and products -----------------------------------------------------------------------

/**
 * Sum over `dims` (all when omitted). Bool and int32 inputs give int32; an empty sum is 0.
 *
 * ```ts
 * sum(tensor([[1, 2], [3, 4]]), 1); // [3, 7]
 * sum(tensor([[1, 2], [3, 4]]), -1, true); // [[3], [7]]
 * ```
 */
export function sum(x: Tensor, dims?: Dims, keepdim = false): Tensor {
  const d = reduceDims('sum', x, dims, keepdim);
  const floating = isFloating(x.dtype);
  const out = reduceKernel('sum', x, d, keepdim, floating ? x.dtype : 'int32');
  if (!floating) return nonDifferentiable('sum', out);
  const inShape = x.shape;
  return record('sum', out, [x], (g) => [keepDims(g, inShape, d, keepdim).expand(inShape)]);
}

/**
 * Mean over `dims` (all when omitted). Floating inputs only, as in PyTorch; the mean of an empty
 * set is NaN.
 *
 * ```ts
 * mean(tensor([[1, 2], [3, 4]]), 0); // [2, 3]
 * ```
 */
export function mean(x: Tensor, dims?: Dims, keepdim = false): Tensor {
  const d = reduceDims('mean', x, dims, keepdim);
  if (!isFloating(x.dtype)) {
    throw new Error(`mean: input must be floating point, got ${x.dtype} of shape ${formatShape(x.shape)}; cast it with .to('float32')`);
  }
  return sum(x, d, keepdim).div(countOf(x, d));
}

/**
 * Product over `dims` (all when omitted; PyTorch's `prod` takes one dim, this takes any set). Bool
 * and int32 inputs give int32; an empty product is 1. The gradient is exact where the input has
 * zeros: with one zero in a slice, only the zero's position gets a gradient (the product of the
 * others); with several, the whole slice's gradient is zero.
 *
 * ```ts
 * prod(tensor([[1, 2], [3, 4]]), 1); // [2, 12]
 * ```
 */
export function prod(x: Tensor, dims?: Dims, keepdim = false): Tensor {
  const d = reduceDims('prod', x, dims, keepdim);
  const floating = isFloating(x.dtype);
  const out = reduceKernel('prod', x, d, keepdim, floating ? x.dtype : 'int32');
  if (!floating) return nonDifferentiable('prod', out);
  const inShape = x.shape;
  return record(
    'prod',
    out,
    [x],
    (g) => [keepDims(g, inShape, d, keepdim).mul(productOfOthers(x, d, keepDims(out, inShape, d, keepdim)))],
    [x, out],
  );
}

/**
 * For each element, the product of the other elements of its slice over `dims` (d prod / d x).
 * Without zeros that is out / x. With zeros, exclusive products from the left and from the right:
 * they only multiply, so they are exact with zeros and differentiable again (through cumprod, whose
 * own gradient handles zeros).
 */
function productOfOthers(x: Tensor, dims: readonly number[], outKept: Tensor): Tensor {
  if (x.numel === 0) return x.mul(0);
  if (!x.eq(0).any().item()) return outKept.div(x);
  // Move the reduced dims last and flatten them into one.
  const rest = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const perm = [...rest, ...dims];
  const moved = x.permute(perm);
  const n = countOf(x, dims);
  const flat = moved.reshape([...rest.map((i) => x.shape[i]!), n]);
  const left = exclusiveCumprod(flat);
  const right = exclusiveCumprod(flat.flip(-1)).flip(-1);
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => (inverse[p] = i));
  return left.mul(right).reshape(moved.shape).permute(inverse);
}

/** Products of the elements strictly before each position along the last dim (1 at the start). */
function exclusiveCumprod(t: Tensor): Tensor {
  return shiftRight(cumprod(t, -1), 1, 1);
}

// ---- extremes ---------------------------------------------------------------------------------

/**
 * The largest value over `dims` (all when omitted), keeping the dtype. Reducing a size-0 dim is an
 * error (there is no identity). Ties split the gradient evenly, as in PyTorch; NaN propagates and
 * takes the whole gradient.
 *
 * ```ts
 * amax(tensor([[1, 5], [3, 2]]), 1); // [5, 3]
 * ```
 */
export function amax(x: Tensor, dims?: Dims, keepdim = false): Tensor {
  return extreme('amax', 'max', x, dims, keepdim);
}

/** The smallest value over `dims` (all when omitted); see `amax`. */
export function amin(x: Tensor, dims?: Dims, keepdim = false): Tensor {
  return extreme('amin', 'min', x, dims, keepdim);
}

function extreme(name: string, op: ReduceOp, x: Tensor, dims: unknown, keepdim: boolean): Tensor {
  const d = reduceDims(name, x, dims, keepdim);
  checkNonEmpty(name, x, d);
  const out = reduceKernel(op, x, d, keepdim, x.dtype);
  if (!isFloating(x.dtype)) return nonDifferentiable(name, out);
  const inShape = x.shape;
  return record(
    name,
    out,
    [x],
    (g) => {
      // Every element equal to the result shares the gradient; when the result is NaN, the NaNs do.
      const outKept = keepDims(out, inShape, d, keepdim);
      const mask = x.eq(outKept).logicalOr(x.isnan()).to(g.dtype);
      return [keepDims(g, inShape, d, keepdim).mul(mask).div(mask.sum(d, true))];
    },
    [x, out],
  );
}

/**
 * `max(x)`: the largest value (0-d), as `amax(x)`. `max(x, dim, keepdim?)`: `{ values, indices }`
 * along one dim, indices int32 (the first occurrence among ties; NaN counts as the largest); the
 * gradient goes to the chosen index only. `max(x, other)`: the elementwise `maximum`.
 *
 * ```ts
 * const { values, indices } = max(tensor([[1, 5], [3, 2]]), 1); // [5, 3], [1, 0]
 * ```
 */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function max(x: Tensor, other: Tensor): Tensor;
export function max(x: Tensor, dimOrOther?: number | Tensor, keepdim = false): Tensor | ValuesIndices {
  if (dimOrOther instanceof Tensor) return maximum(x, dimOrOther);
  if (dimOrOther === undefined) return extreme('max', 'max', x, undefined, false);
  return valuesIndices('max', x, dimOrOther, keepdim);
}

/** `min(x)`, `min(x, dim, keepdim?)` -> `{ values, indices }`, or `min(x, other)`; see `max`. */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function min(x: Tensor, other: Tensor): Tensor;
export function min(x: Tensor, dimOrOther?: number | Tensor, keepdim = false): Tensor | ValuesIndices {
  if (dimOrOther instanceof Tensor) return minimum(x, dimOrOther);
  if (dimOrOther === undefined) return extreme('min', 'min', x, undefined, false);
  return valuesIndices('min', x, dimOrOther, keepdim);
}

function valuesIndices(name: 'max' | 'min', x: Tensor, dim: unknown, keepdim: unknown): ValuesIndices {
  checkTensor(name, x);
  const k = checkDim(name, x, dim);
  checkKeepdim(name, keepdim);
  // A 0-d tensor reduces as a 1-element vector, and its results stay 0-d.
  const x1 = x.ndim === 0 ? x.reshape([1]) : x;
  checkNonEmpty(name, x1, [k]);
  const keptShape = x1.shape.map((s, i) => (i === k ? 1 : s));
  const outShape = x.ndim === 0 ? [] : keepdim ? keptShape : x1.shape.filter((_, i) => i !== k);
  const indicesKept = fromData(backend().argReduce(name === 'max' ? 'argmax' : 'argmin', x1, k), keptShape, 'int32');
  const valuesKept = reduceKernel(name, x1, [k], true, x.dtype);
  const indices = nonDifferentiable(name, indicesKept.reshape(outShape));
  const values = valuesKept.reshape(outShape);
  if (!isFloating(x.dtype)) return { values: nonDifferentiable(name, values), indices };
  const inShape = x.shape;
  const n = x1.shape[k]!;
  const recorded = record(
    name,
    values,
    [x],
    (g) => {
      // A one-hot mask of the chosen positions, from the indices: the gradient goes there only.
      const positions = arange(n, { dtype: 'int32' }).reshape(x1.shape.map((s, i) => (i === k ? s : 1)));
      return [where(positions.eq(indicesKept), g.reshape(keptShape), 0).reshape(inShape)];
    },
    [indicesKept],
  );
  return { values: recorded, indices };
}

/**
 * Index (int32) of the largest value along `dim`; without a dim, the index into the flattened
 * tensor. The first occurrence wins among ties; NaN counts as the largest. With `keepdim` and no
 * dim, the result has every dim of size 1.
 *
 * ```ts
 * argmax(tensor([[1, 5], [3, 2]]));    // 1 (flat index)
 * argmax(tensor([[1, 5], [3, 2]]), 1); // [1, 0]
 * ```
 */
export function argmax(x: Tensor, dim?: number | null, keepdim = false): Tensor {
  return argExtreme('argmax', x, dim, keepdim);
}

/** Index (int32) of the smallest value along `dim` (NaN counts as the smallest); see `argmax`. */
export function argmin(x: Tensor, dim?: number | null, keepdim = false): Tensor {
  return argExtreme('argmin', x, dim, keepdim);
}

function argExtreme(name: 'argmax' | 'argmin', x: Tensor, dim: unknown, keepdim: unknown): Tensor {
  checkTensor(name, x);
  checkKeepdim(name, keepdim);
  if (dim === undefined || dim === null) {
    if (x.numel === 0) throw new Error(`${name}: cannot take the ${name} of an empty tensor of shape ${formatShape(x.shape)}`);
    const flat = fromData(backend().argReduce(name, x.reshape([x.numel]), 0), [], 'int32');
    return nonDifferentiable(name, keepdim ? flat.reshape(x.shape.map(() => 1)) : flat);
  }
  const k = checkDim(name, x, dim);
  const x1 = x.ndim === 0 ? x.reshape([1]) : x;
  checkNonEmpty(name, x1, [k]);
  const keptShape = x1.shape.map((s, i) => (i === k ? 1 : s));
  const out = fromData(backend().argReduce(name, x1, k), keptShape, 'int32');
  const outShape = x.ndim === 0 ? [] : keepdim ? keptShape : x1.shape.filter((_, i) => i !== k);
  return nonDifferentiable(name, out.reshape(outShape));
}

// ---- logic and counting -----------------------------------------------------------------------

/** True where every element over `dims` is non-zero (NaN counts as non-zero); bool result, true when empty. */
export function all(x: Tensor, dims?: Dims, keepdim = false): Tensor {
  return nonDifferentiable('all', reduceKernel('all', x, reduceDims('all', x, dims, keepdim), keepdim, 'bool'));
}

/** True where any element over `dims` is non-zero (NaN counts as non-zero); bool result, false when empty. */
export function any(x: Tensor, dims?: Dims, keepdim = false): Tensor {
  return nonDifferentiable('any', reduceKernel('any', x, reduceDims('any', x, dims, keepdim), keepdim, 'bool'));
}

/**
 * The number of non-zero elements over `dims` (all when omitted), as int32. NaN counts as non-zero.
 *
 * ```ts
 * countNonzero(tensor([[0, 1], [2, 3]]), 1); // [1, 2]
 * ```
 */
export function countNonzero(x: Tensor, dims?: Dims, keepdim = false): Tensor {
  const d = reduceDims('countNonzero', x, dims, keepdim);
  return nonDifferentiable('countNonzero', reduceKernel('sum', x.ne(0), d, keepdim, 'int32'));
}

