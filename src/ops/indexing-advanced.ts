/**
 * PyTorch's `x[...]` and `x[...] = v` (and `+=`): numbers select, null and slices keep a dim, int32
 * tensors index several dims at once with broadcasting, bool tensors are masks. Basic indexing (no
 * tensors) gives a view; advanced indexing gathers through indexSelect, and writes scatter through
 * flat positions, so both are differentiable with no rule of their own.
 *
 * As in PyTorch (and unlike NumPy), numbers are applied first as `select`, so they never count as
 * advanced indices: for x of shape [2,3,4], `index(x, 0, null, idx)` has shape [3, idx.numel].
 */
import { Tensor } from '../tensor/tensor.js';
import { tensor, type NestedArray } from '../tensor/creation.js';
import { broadcastShapes, formatShape, numelOf, shapesEqual } from '../tensor/shape.js';
import { backend } from '../backend/registry.js';
import { inPlace } from './support.js';
import { broadcastView, describe, fromData, scalarTensor } from './util.js';
import { indexSelect, nonzero, scatter, scatterAdd } from './indexing.js';

/** A Python slice `start:end:step`; omitted fields mean the whole dim, step 1. */
export interface IndexSlice {
  start?: number | null;
  end?: number | null;
  step?: number | null;
}

/**
 * One entry of an index: a number (select, negative counts from the end), null (a full `:`), a slice,
 * `'...'` (as many `:` as needed), an int32 tensor (integer array indexing) or a bool tensor (mask).
 * A (nested) JS array stands for the tensor it would make: integers index, booleans mask.
 */
export type IndexItem = number | null | '...' | IndexSlice | Tensor | readonly NestedArray[];

/** A JS array item as the int32 or bool tensor it stands for. */
function arrayItem(op: string, item: readonly NestedArray[], i: number): Tensor {
  const leaves: unknown[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else leaves.push(v);
  };
  walk(item);
  if (leaves.length > 0 && leaves.every((v) => typeof v === 'boolean')) return tensor(item, { dtype: 'bool' });
  if (!leaves.every((v) => typeof v === 'number' && Number.isInteger(v))) {
    throw new Error(`${op}: index ${i} is an array that is neither all integers nor all booleans`);
  }
  return tensor(item, { dtype: 'int32' });
}

function shown(x: unknown): string {
  return x instanceof Tensor ? `${x.dtype} ${formatShape(x.shape)}` : describe(x);
}

function isSlice(item: unknown): item is IndexSlice {
  if (typeof item !== 'object' || item === null || item instanceof Tensor || Array.isArray(item)) return false;
  return Object.keys(item).every((k) => k === 'start' || k === 'end' || k === 'step');
}

/** How many input dims an index item consumes. */
function dimsUsed(op: string, item: Exclude<IndexItem, readonly NestedArray[]>, i: number): number {
  if (item === '...') return 0;
  if (item === null) return 1;
  if (typeof item === 'number') {
    if (!Number.isInteger(item)) throw new Error(`${op}: index ${i} must be an integer, got ${item}`);
    return 1;
  }
  if (item instanceof Tensor) {
    if (item.dtype === 'bool') return item.ndim;
    if (item.dtype === 'int32') return 1;
  } else if (isSlice(item)) {
    for (const key of ['start', 'end'] as const) {
      const v = item[key];
      if (v != null && !Number.isInteger(v)) throw new Error(`${op}: slice ${key} must be an integer, got ${v}`);
    }
    if (item.step != null && (!Number.isInteger(item.step) || item.step <= 0)) {
      throw new Error(`${op}: slice step must be a positive integer, got ${item.step}`);
    }
    return 1;
  }
  throw new Error(`${op}: index ${i} must be a number, null, '...', a slice {start, end, step} or an int32/bool tensor, got ${shown(item)}`);
}

interface Advanced {
  /** The dim of the (basic-indexed) view it indexes. */
  dim: number;
  index: Tensor;
  /** The input dim, for error messages. */
  srcDim: number;
}

/** Applies the basic items (views) and collects the tensor items against the resulting view. */
function split(op: string, x: Tensor, items: readonly Exclude<IndexItem, readonly NestedArray[]>[]): { y: Tensor; adv: Advanced[] } {
  let used = 0;
  let ellipses = 0;
  items.forEach((item, i) => {
    used += dimsUsed(op, item, i);
    if (item === '...') ellipses++;
  });
  if (ellipses > 1) throw new Error(`${op}: an index can have only one ellipsis ('...')`);
  if (used > x.ndim) throw new Error(`${op}: too many indices for a tensor of shape ${formatShape(x.shape)}: ${used} dims indexed`);
  let y = x;
  let dim = 0;
  let src = 0;
  const adv: Advanced[] = [];
  items.forEach((item, i) => {
    if (item === '...') {
      dim += x.ndim - used;
      src += x.ndim - used;
    } else if (item === null) {
      dim++;
      src++;
    } else if (typeof item === 'number') {
      const size = y.shape[dim]!;
      if (item < -size || item >= size) throw new Error(`${op}: index ${item} is out of bounds for dim ${src} with size ${size}`);
      y = y.select(dim, item < 0 ? item + size : item);
      src++;
    } else if (item instanceof Tensor && item.dtype === 'int32') {
      adv.push({ dim: dim++, index: item, srcDim: src++ });
    } else if (item instanceof Tensor && item.ndim === 0) {
      // x[True] adds a dim of size 1, x[False] one of size 0.
      y = y.unsqueeze(dim);
      const keep = item.item() !== 0;
      adv.push({ dim: dim++, index: fromData(new Int32Array(keep ? 1 : 0), [keep ? 1 : 0], 'int32'), srcDim: src });
    } else if (item instanceof Tensor) {
      const k = item.ndim;
      const covered = y.shape.slice(dim, dim + k);
      if (!shapesEqual(covered, item.shape)) {
        throw new Error(
          `${op}: the mask ${formatShape(item.shape)} at index ${i} does not match the shape ${formatShape(covered)} of dims ${src}..${src + k - 1} of the input ${formatShape(x.shape)}`,
        );
      }
      const coords = nonzero(item);
      for (let j = 0; j < k; j++) adv.push({ dim: dim + j, index: coords.select(1, j), srcDim: src + j });
      dim += k;
      src += k;
    } else {
      const s = item as IndexSlice;
      y = y.slice(dim, s.start ?? 0, s.end ?? Infinity, s.step ?? 1);
      dim++;
      src++;
    }
  });
  return { y, adv };
}

/**
 * The advanced indices folded into one flat index over the indexed dims (row-major in their order),
 * shaped like their broadcast; every value is checked and negatives wrapped.
 */
function linearIndex(op: string, y: Tensor, adv: readonly Advanced[]): { linear: Int32Array; shape: number[] } {
  let shape = adv[0]!.index.shape.slice();
  for (const a of adv.slice(1)) shape = broadcastShapes(op, shape, a.index.shape);
  const n = numelOf(shape);
  const linear = new Int32Array(n);
  let mult = 1;
  for (let j = adv.length - 1; j >= 0; j--) {
    const a = adv[j]!;
    const size = y.shape[a.dim]!;
    const values = backend().copy(broadcastView(a.index, shape), 'int32');
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      if (v < -size || v >= size) throw new Error(`${op}: index ${v} is out of bounds for dim ${a.srcDim} with size ${size}`);
      linear[i] = linear[i]! + (v < 0 ? v + size : v) * mult;
    }
    mult *= size;
  }
  return { linear, shape };
}

function apply(op: string, x: Tensor, raw: readonly IndexItem[]): Tensor {
  if (!(x instanceof Tensor)) throw new Error(`${op}: input must be a Tensor, got ${describe(x)}`);
  const items = raw.map((item, i) => (Array.isArray(item) ? arrayItem(op, item, i) : item)) as Exclude<IndexItem, readonly NestedArray[]>[];
  const { y, adv } = split(op, x, items);
  if (adv.length === 0) return y;
  const { linear, shape } = linearIndex(op, y, adv);
  const flat = fromData(linear, [linear.length], 'int32');
  const dims = adv.map((a) => a.dim);
  if (dims.length === 1) {
    const d = dims[0]!;
    const r = indexSelect(y, d, flat);
    return shape.length === 1 ? r : r.reshape([...y.shape.slice(0, d), ...shape, ...y.shape.slice(d + 1)]);
  }
  // Bring the indexed dims to the front, merge them into one, and pick rows of that.
  const others = y.shape.map((_, k) => k).filter((k) => !dims.includes(k));
  const rest = others.map((k) => y.shape[k]!);
  const merged = numelOf(dims.map((d) => y.shape[d]!));
  const z = y.permute([...dims, ...others]).reshape([merged, ...rest]);
  let r = indexSelect(z, 0, flat).reshape([...shape, ...rest]);
  // Adjacent indexed dims keep their place; indexed dims split by a slice go first (NumPy's rule).
  const adjacent = dims.every((d, j) => d === dims[0]! + j);
  if (adjacent && dims[0]! > 0 && shape.length > 0) {
    const from = shape.map((_, j) => j);
    r = r.movedim(from, from.map((j) => dims[0]! + j));
  }
  return r;
}

/**
 * `x[i0, i1, ...]` with PyTorch's rules. Without tensor items the result is a view.
 *
 * ```ts
 * const x = arange(12).reshape(3, 4);
 * index(x, 1);                                   // row 1: [4, 5, 6, 7]
 * index(x, null, { start: 1, step: 2 });         // x[:, 1::2]
 * index(x, tensor([0, 2], { dtype: 'int32' }), tensor([1, 3], { dtype: 'int32' })); // [1, 11]
 * index(x, x.gt(6));                             // [7, 8, 9, 10, 11]
 * index(x, [2, 0]);                              // rows 2 and 0, as x[[2, 0]]
 * ```
 */
export function index(x: Tensor, ...indices: IndexItem[]): Tensor {
  return apply('index', x, indices);
}

function putImpl(op: string, x: Tensor, indices: readonly IndexItem[], values: Tensor | number | boolean, accumulate: boolean): Tensor {
  if (!(x instanceof Tensor)) throw new Error(`${op}: input must be a Tensor, got ${describe(x)}`);
  if (!Array.isArray(indices)) throw new Error(`${op}: indices must be an array of index items, got ${describe(indices)}`);
  // Index the flat positions of x the same way: the written elements, in the result's layout.
  const n = x.numel;
  const all = new Int32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  const positions = apply(op, fromData(all, x.shape, 'int32'), indices);
  const shape = positions.shape;
  const m = positions.numel;
  let src: Tensor;
  if (typeof values === 'number' || typeof values === 'boolean') src = scalarTensor(values, x.dtype).expand([m]);
  else if (values instanceof Tensor) {
    if (values.dtype !== x.dtype) throw new Error(`${op}: values dtype ${values.dtype} does not match input dtype ${x.dtype}`);
    if (!broadcastsTo(values.shape, shape)) {
      throw new Error(`${op}: values ${formatShape(values.shape)} cannot be broadcast to the indexed shape ${formatShape(shape)}`);
    }
    src = values.expand(shape).reshape([m]);
  } else throw new Error(`${op}: values must be a Tensor or a number, got ${describe(values)}`);
  const flatX = x.reshape([n]);
  const flatPos = positions.reshape([m]);
  const out = accumulate ? scatterAdd(flatX, 0, flatPos, src) : scatter(flatX, 0, flatPos, src);
  return out.reshape(x.shape);
}

function broadcastsTo(from: readonly number[], to: readonly number[]): boolean {
  if (from.length > to.length) return false;
  const lead = to.length - from.length;
  return from.every((s, i) => s === 1 || s === to[lead + i]);
}

/**
 * A copy of x with `values` written at `x[indices]` (added there when `accumulate`, so repeated
 * positions sum; without it the last write wins). `values` broadcasts to the indexed shape.
 *
 * ```ts
 * indexPut(zeros(3), [tensor([0, 0, 2], { dtype: 'int32' })], tensor([1, 2, 3]), true); // [3, 0, 3]
 * ```
 */
export function indexPut(x: Tensor, indices: readonly IndexItem[], values: Tensor | number | boolean, accumulate = false): Tensor {
  return putImpl('indexPut', x, indices, values, accumulate);
}

/** In-place indexPut: `x[indices] = values` (or `+=` with accumulate). */
export function indexPut_(x: Tensor, indices: readonly IndexItem[], values: Tensor | number | boolean, accumulate = false): Tensor {
  return inPlace('indexPut_', x, () => putImpl('indexPut_', x, indices, values, accumulate));
}
