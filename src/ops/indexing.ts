/**
 * Indexing by tensors of indices (int32, PyTorch's int64 role) and by masks: gather and scatter along
 * a dim, indexSelect/indexAdd, masked ops, take, oneHot, nonzero. Every index value is checked here
 * before a kernel sees it. All gradients are written with gather and scatter-add, which are each
 * other's backward, so they are differentiable again. Advanced indexing (`index`, `indexPut`) is in
 * indexing-advanced.ts.
 */
import { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import { isFloating } from '../tensor/dtype.js';
import { broadcastShapes, formatShape, normalizeDim, numelOf, shapesEqual } from '../tensor/shape.js';
import { backend } from '../backend/registry.js';
import { nonDifferentiable, record } from '../autograd/record.js';
import { inPlace } from './support.js';
import { broadcastView, describe, fromData, scalarTensor } from './util.js';
import { where } from './compare.js';

export { index, indexPut, indexPut_ } from './indexing-advanced.js';
export type { IndexItem, IndexSlice } from './indexing-advanced.js';

// ---- validation -------------------------------------------------------------------------------

/** `float32 [2,2]` for a tensor, a plain description otherwise: what error messages show. */
function shown(x: unknown): string {
  return x instanceof Tensor ? `${x.dtype} ${formatShape(x.shape)}` : describe(x);
}

function checkInput(op: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new Error(`${op}: input must be a Tensor, got ${describe(x)}`);
}

function checkIndexTensor(op: string, index: unknown, what = 'index'): asserts index is Tensor {
  if (!(index instanceof Tensor) || index.dtype !== 'int32') throw new Error(`${op}: ${what} must be an int32 tensor, got ${shown(index)}`);
}

/** A 1-D (or 0-d) int32 index, as indexSelect and indexAdd take. */
function checkVectorIndex(op: string, index: unknown): asserts index is Tensor {
  if (!(index instanceof Tensor) || index.dtype !== 'int32' || index.ndim > 1) {
    throw new Error(`${op}: index must be a 1-D int32 tensor, got ${shown(index)}`);
  }
}

/**
 * Checks every value of `index` against `size`; returns the index with negative values wrapped
 * (a new tensor only when there were any). `where` ends the message: `dim 1 with size 5`.
 */
function checkIndexValues(op: string, index: Tensor, size: number, where: string, allowNegative: boolean): Tensor {
  const values = backend().copy(index, 'int32');
  let negatives = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v >= size || v < (allowNegative ? -size : 0)) throw new Error(`${op}: index ${v} is out of bounds for ${where}`);
    if (v < 0) negatives = true;
  }
  if (!negatives) return index;
  for (let i = 0; i < values.length; i++) if (values[i]! < 0) values[i] = values[i]! + size;
  return fromData(values, index.shape, 'int32');
}

/** The shape with 0-d read as [1], as PyTorch's gather and scatter do. */
function atLeast1d(shape: readonly number[]): readonly number[] {
  return shape.length === 0 ? [1] : shape;
}

/** gather/scatter's shape rules: same number of dims; index no larger than `other` off `dim`. */
function checkAlongDim(op: string, d: number, index: Tensor, what: string, other: readonly number[], includeDim: boolean): void {
  const xs = atLeast1d(other);
  const is = atLeast1d(index.shape);
  if (is.length !== xs.length) {
    throw new Error(`${op}: index ${formatShape(index.shape)} has ${index.ndim} dims but ${what} ${formatShape(other)} has ${other.length}`);
  }
  for (let k = 0; k < xs.length; k++) {
    if ((k !== d || includeDim) && is[k]! > xs[k]!) {
      throw new Error(`${op}: index ${formatShape(index.shape)} is larger than ${what} ${formatShape(other)} at dim ${k} (${is[k]} > ${xs[k]})`);
    }
  }
}

function checkSameDtype(op: string, x: Tensor, src: Tensor, what = 'src'): void {
  if (src.dtype !== x.dtype) throw new Error(`${op}: ${what} dtype ${src.dtype} does not match input dtype ${x.dtype}`);
}

// ---- the two recorded primitives ----------------------------------------------------------------

function zerosOf(shape: readonly number[], dtype: DType): Tensor {
  return fromData(backend().alloc(dtype, numelOf(shape)), shape, dtype);
}

/** gather with validated arguments. Backward: scatter-add into zeros. */
function gatherRaw(x: Tensor, d: number, index: Tensor): Tensor {
  const out = fromData(backend().gather(x, d, index), index.shape, x.dtype);
  if (!isFloating(x.dtype)) return nonDifferentiable('gather', out);
  const inShape = x.shape;
  return record('gather', out, [x], (g) => [scatterRaw(zerosOf(inShape, g.dtype), d, index, g, true)], [index]);
}

/**
 * scatter/scatter-add with validated arguments; a tensor `src` has exactly the index's shape.
 * Backward: the input's gradient passes except where values were overwritten; src's is gathered.
 */
function scatterRaw(x: Tensor, d: number, index: Tensor, src: Tensor | number, accumulate: boolean): Tensor {
  const srcView = typeof src === 'number' ? broadcastView(scalarTensor(src, x.dtype), index.shape) : src;
  const out = fromData(backend().scatter(x, d, index, srcView, accumulate), x.shape, x.dtype);
  const name = accumulate ? 'scatterAdd' : 'scatter';
  if (!isFloating(x.dtype)) return nonDifferentiable(name, out);
  return record(
    name,
    out,
    [x, typeof src === 'number' ? null : src],
    (g, needs) => [
      needs[0] ? (accumulate ? g : scatterRaw(g, d, index, 0, false)) : null,
      needs[1] ? gatherRaw(g, d, index) : null,
    ],
    [index],
  );
}

/** The leading corner of `src` with the index's shape (src may be larger in any dim). */
function cropTo(src: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(src.shape, shape)) return src;
  let s = src.ndim === 0 ? src.reshape([1]) : src;
  const target = atLeast1d(shape);
  for (let k = 0; k < target.length; k++) if (s.shape[k] !== target[k]) s = s.narrow(k, 0, target[k]!);
  return shape.length === 0 ? s.reshape([]) : s;
}

/** A 1-D index viewed along `d` of `shape` (stride 0 elsewhere), for gather/scatter. */
function spreadIndex(index: Tensor, d: number, shape: readonly number[]): Tensor {
  const n = index.numel;
  const ones = shape.map((_, k) => (k === d ? n : 1));
  return index.reshape(ones).expand(shape.map((s, k) => (k === d ? n : s)));
}

// ---- gather and scatter ---------------------------------------------------------------------------

/**
 * out[i][j] = x[index[i][j]][j] (dim 0), x[i][index[i][j]] (dim 1), and so on. The index has as many
 * dims as x and is no larger off `dim`; the output has the index's shape. Negative indices are errors.
 *
 * ```ts
 * gather(tensor([[1, 2], [3, 4]]), 1, tensor([[0, 0], [1, 0]], { dtype: 'int32' })); // [[1, 1], [4, 3]]
 * ```
 */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  checkInput('gather', x);
  checkIndexTensor('gather', index);
  const d = normalizeDim('gather', dim, x.ndim);
  checkAlongDim('gather', d, index, 'input', x.shape, false);
  const checked = checkIndexValues('gather', index, atLeast1d(x.shape)[d]!, `dim ${d} with size ${atLeast1d(x.shape)[d]}`, false);
  return gatherRaw(x, d, checked);
}

function prepareScatter(op: string, x: Tensor, dim: number, index: Tensor, src: unknown): [number, Tensor, Tensor | number] {
  checkInput(op, x);
  checkIndexTensor(op, index);
  const d = normalizeDim(op, dim, x.ndim);
  checkAlongDim(op, d, index, 'input', x.shape, false);
  let s: Tensor | number;
  if (typeof src === 'number' || typeof src === 'boolean') s = Number(src);
  else if (src instanceof Tensor) {
    checkAlongDim(op, d, index, 'src', src.shape, true);
    checkSameDtype(op, x, src);
    s = cropTo(src, index.shape);
  } else throw new Error(`${op}: src must be a Tensor or a number, got ${describe(src)}`);
  const size = atLeast1d(x.shape)[d]!;
  return [d, checkIndexValues(op, index, size, `dim ${d} with size ${size}`, false), s];
}

/**
 * A copy of x with values written at `index` along `dim`: out[index[i][j]][j] = src[i][j] (dim 0).
 * `src` is a tensor of x's dtype (at least the index's size) or a number. Where the index repeats a
 * position, the last write wins. `x.clone().scatter_(...)` in PyTorch.
 */
export function scatter(x: Tensor, dim: number, index: Tensor, src: Tensor | number): Tensor {
  const [d, idx, s] = prepareScatter('scatter', x, dim, index, src);
  return scatterRaw(x, d, idx, s, false);
}

/** In-place scatter: writes into x and returns it. */
export function scatter_(x: Tensor, dim: number, index: Tensor, src: Tensor | number): Tensor {
  const [d, idx, s] = prepareScatter('scatter_', x, dim, index, src);
  return inPlace('scatter_', x, () => scatterRaw(x, d, idx, s, false));
}

/** A copy of x with `src` added at `index` along `dim`; repeated positions accumulate. */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  if (!(src instanceof Tensor)) throw new Error(`scatterAdd: src must be a Tensor, got ${describe(src)}`);
  const [d, idx, s] = prepareScatter('scatterAdd', x, dim, index, src);
  return scatterRaw(x, d, idx, s, true);
}

/** In-place scatterAdd. */
export function scatterAdd_(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  if (!(src instanceof Tensor)) throw new Error(`scatterAdd_: src must be a Tensor, got ${describe(src)}`);
  const [d, idx, s] = prepareScatter('scatterAdd_', x, dim, index, src);
  return inPlace('scatterAdd_', x, () => scatterRaw(x, d, idx, s, true));
}

// ---- indexSelect, indexAdd, take ---------------------------------------------------------------

/**
 * The entries of x at `index` (1-D int32, no negatives) along `dim`; that dim becomes index's length.
 *
 * ```ts
 * indexSelect(tensor([[1, 2], [3, 4], [5, 6]]), 0, tensor([2, 0], { dtype: 'int32' })); // [[5, 6], [1, 2]]
 * ```
 */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  checkInput('indexSelect', x);
  checkVectorIndex('indexSelect', index);
  const d = normalizeDim('indexSelect', dim, x.ndim);
  if (x.ndim === 0 && index.numel !== 1) throw new Error(`indexSelect: a 0-d input takes exactly one index, got ${index.numel}`);
  const x1 = x.ndim === 0 ? x.reshape([1]) : x;
  const size = x1.shape[d]!;
  const idx = checkIndexValues('indexSelect', index, size, `dim ${d} with size ${size}`, false);
  const out = gatherRaw(x1, d, spreadIndex(idx, d, x1.shape));
  return x.ndim === 0 ? out.reshape([]) : out;
}

/**
 * x with `alpha * src` added at `index` (1-D int32) along `dim`; src is x's shape with that dim
 * replaced by index's length. Repeated indices accumulate.
 */
export function indexAdd(x: Tensor, dim: number, index: Tensor, src: Tensor, alpha = 1): Tensor {
  return indexAddImpl('indexAdd', x, dim, index, src, alpha, false);
}

/** In-place indexAdd. */
export function indexAdd_(x: Tensor, dim: number, index: Tensor, src: Tensor, alpha = 1): Tensor {
  return indexAddImpl('indexAdd_', x, dim, index, src, alpha, true);
}

function indexAddImpl(op: string, x: Tensor, dim: number, index: Tensor, src: Tensor, alpha: number, inplace: boolean): Tensor {
  checkInput(op, x);
  checkVectorIndex(op, index);
  if (!(src instanceof Tensor)) throw new Error(`${op}: src must be a Tensor, got ${describe(src)}`);
  checkSameDtype(op, x, src);
  const d = normalizeDim(op, dim, x.ndim);
  const x1 = x.ndim === 0 ? x.reshape([1]) : x;
  const src1 = src.ndim === 0 ? src.reshape([1]) : src;
  const expected = x1.shape.map((s, k) => (k === d ? index.numel : s));
  if (!shapesEqual(src1.shape, expected)) {
    throw new Error(`${op}: src ${formatShape(src.shape)} should have shape ${formatShape(expected)} (input ${formatShape(x.shape)} with dim ${d} of the index's length ${index.numel})`);
  }
  const size = x1.shape[d]!;
  const idx = spreadIndex(checkIndexValues(op, index, size, `dim ${d} with size ${size}`, false), d, expected);
  const scaled = alpha === 1 ? src1 : src1.mul(alpha);
  const compute = () => {
    const out = scatterRaw(x1, d, idx, scaled, true);
    return x.ndim === 0 ? out.reshape([]) : out;
  };
  return inplace ? inPlace(op, x, compute) : compute();
}

/**
 * The elements of x, read as 1-D in row-major order, at `index` (any shape; negative values count
 * from the end). The result has the index's shape.
 */
export function take(x: Tensor, index: Tensor): Tensor {
  checkInput('take', x);
  checkIndexTensor('take', index);
  const n = x.numel;
  const idx = checkIndexValues('take', index, n, `input with ${n} elements`, true);
  return gatherRaw(x.reshape([n]), 0, idx.reshape([idx.numel])).reshape(index.shape);
}

// ---- masks --------------------------------------------------------------------------------------

function checkMask(op: string, mask: unknown): asserts mask is Tensor {
  if (!(mask instanceof Tensor) || mask.dtype !== 'bool') throw new Error(`${op}: mask must be a bool tensor, got ${shown(mask)}`);
}

function fillValue(op: string, x: Tensor, value: unknown): Tensor {
  if (typeof value === 'number' || typeof value === 'boolean') return scalarTensor(value, x.dtype);
  if (!(value instanceof Tensor) || value.ndim !== 0) throw new Error(`${op}: value must be a number or a 0-d tensor, got ${shown(value)}`);
  return value.dtype === x.dtype ? value : value.to(x.dtype);
}

/**
 * x with `value` where `mask` is true (mask and x broadcast together). The gradient of x is zero at
 * the filled positions; a 0-d tensor value gets the sum of the rest.
 */
export function maskedFill(x: Tensor, mask: Tensor, value: number | boolean | Tensor): Tensor {
  checkInput('maskedFill', x);
  checkMask('maskedFill', mask);
  const v = fillValue('maskedFill', x, value);
  broadcastShapes('maskedFill', x.shape, mask.shape);
  return where(mask, v, x);
}

/** In-place maskedFill; the mask must broadcast to x's shape. */
export function maskedFill_(x: Tensor, mask: Tensor, value: number | boolean | Tensor): Tensor {
  checkInput('maskedFill_', x);
  checkMask('maskedFill_', mask);
  const v = fillValue('maskedFill_', x, value);
  if (!shapesEqual(broadcastShapes('maskedFill_', x.shape, mask.shape), x.shape)) {
    throw new Error(`maskedFill_: mask ${formatShape(mask.shape)} does not broadcast to the input's shape ${formatShape(x.shape)}`);
  }
  return inPlace('maskedFill_', x, () => where(mask, v, x));
}

/** Row-major flat positions of the true elements of a bool view. */
function truePositions(mask: Tensor, shape: readonly number[]): Int32Array {
  const flags = backend().copy(broadcastView(mask, shape), 'bool');
  let count = 0;
  for (let i = 0; i < flags.length; i++) if (flags[i] !== 0) count++;
  const out = new Int32Array(count);
  for (let i = 0, k = 0; i < flags.length; i++) if (flags[i] !== 0) out[k++] = i;
  return out;
}

/** The elements of x where `mask` is true (broadcast together), as a 1-D tensor in row-major order. */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  checkInput('maskedSelect', x);
  checkMask('maskedSelect', mask);
  const shape = broadcastShapes('maskedSelect', x.shape, mask.shape);
  const positions = truePositions(mask, shape);
  const flat = x.expand(shape).reshape([numelOf(shape)]);
  return gatherRaw(flat, 0, fromData(positions, [positions.length], 'int32'));
}

// ---- oneHot, nonzero ------------------------------------------------------------------------------

/**
 * An int32 tensor of shape [...index.shape, numClasses] with 1 at each index value and 0 elsewhere.
 * numClasses = -1 takes the largest value plus one.
 *
 * ```ts
 * oneHot(tensor([0, 2], { dtype: 'int32' }), 3); // [[1, 0, 0], [0, 0, 1]]
 * ```
 */
export function oneHot(index: Tensor, numClasses = -1): Tensor {
  checkIndexTensor('oneHot', index);
  if (!Number.isInteger(numClasses) || numClasses < -1) throw new Error(`oneHot: numClasses must be a non-negative integer or -1, got ${numClasses}`);
  const values = backend().copy(index, 'int32');
  let max = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < 0) throw new Error(`oneHot: class values must be non-negative, got ${v}`);
    if (v > max) max = v;
  }
  let classes = numClasses;
  if (classes === -1) {
    if (values.length === 0) throw new Error('oneHot: cannot infer the number of classes from an empty index; pass numClasses');
    classes = max + 1;
  } else if (max >= classes) throw new Error(`oneHot: class value ${max} is out of range for numClasses ${classes}`);
  const shape = [...index.shape, classes];
  const idx = fromData(values, [...index.shape, 1], 'int32');
  const base = zerosOf(shape, 'int32');
  const one = broadcastView(scalarTensor(1, 'int32'), idx.shape);
  return nonDifferentiable('oneHot', fromData(backend().scatter(base, shape.length - 1, idx, one, false), shape, 'int32'));
}

/**
 * The coordinates of the non-zero elements of x (NaN counts as non-zero), one row each in row-major
 * order: an int32 tensor of shape [n, x.ndim].
 */
export function nonzero(x: Tensor): Tensor {
  checkInput('nonzero', x);
  const positions = truePositions(x, x.shape);
  const nd = x.ndim;
  const out = new Int32Array(positions.length * nd);
  for (let r = 0; r < positions.length; r++) {
    let p = positions[r]!;
    for (let k = nd - 1; k >= 0; k--) {
      const s = x.shape[k]!;
      out[r * nd + k] = p % s;
      p = Math.floor(p / s);
    }
  }
  return nonDifferentiable('nonzero', fromData(out, [positions.length, nd], 'int32'));
}

/** Same as nonzero (NumPy's name). */
export function argwhere(x: Tensor): Tensor {
  return nonzero(x);
}
