/**
 * Views: new shape/strides/offset over the same storage, allocating no data. Each is differentiable;
 * the backward of a view that selects part of its input embeds the gradient into zeros.
 */
import { Tensor } from '../tensor/tensor.js';
import { contiguousStrides, formatShape, normalizeDim, normalizeDims, numelOf, shapesEqual } from '../tensor/shape.js';
import { record } from '../autograd/record.js';
import { backend } from '../backend/registry.js';
import { embedGrad, inferShape } from './support.js';
import { checkTensor, fromData, sumToShape } from './util.js';

function makeView(x: Tensor, shape: readonly number[], strides: readonly number[], offset: number): Tensor {
  return new Tensor(x.storage, shape, strides, offset, x.base ?? x);
}

/** Strides that let `newShape` view the same memory, or null when a copy is needed. */
function viewStrides(oldShape: readonly number[], oldStrides: readonly number[], newShape: readonly number[]): number[] | null {
  if (oldShape.length === 0 || numelOf(oldShape) === 0) return contiguousStrides(newShape);
  const newStrides = new Array<number>(newShape.length);
  let viewD = newShape.length - 1;
  let chunkBaseStride = oldStrides[oldStrides.length - 1]!;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = oldShape.length - 1; d >= 0; d--) {
    tensorNumel *= oldShape[d]!;
    // At the start of a chunk of dims that are contiguous with each other.
    if (d === 0 || (oldShape[d - 1] !== 1 && oldStrides[d - 1] !== tensorNumel * chunkBaseStride)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        newStrides[viewD] = viewNumel * chunkBaseStride;
        viewNumel *= newShape[viewD]!;
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBaseStride = oldStrides[d - 1]!;
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  return viewD === -1 ? newStrides : null;
}

/** Same data, new shape; throws when the strides do not allow a view (use reshape then). */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  const newShape = inferShape('view', x, shape);
  const strides = viewStrides(x.shape, x.strides, newShape);
  if (strides === null) {
    throw new Error(
      `view: shape ${formatShape(newShape)} is not compatible with the strides of the input [${x.shape}] (strides [${x.strides}]); use reshape() or contiguous() first`,
    );
  }
  return reshapeResult(x, newShape, strides);
}

/** New shape; a view when the strides allow it, else a copy. One dimension may be -1. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const newShape = inferShape('reshape', x, shape);
  if (shapesEqual(newShape, x.shape)) return x;
  const strides = viewStrides(x.shape, x.strides, newShape);
  if (strides === null) return reshape(contiguous(x), newShape);
  return reshapeResult(x, newShape, strides);
}

function reshapeResult(x: Tensor, shape: number[], strides: number[]): Tensor {
  const inShape = x.shape;
  return record('reshape', makeView(x, shape, strides, x.offset), [x], (g) => [g.reshape(inShape)]);
}

/** A contiguous tensor with the same values (the input itself when already contiguous). */
export function contiguous(x: Tensor): Tensor {
  checkTensor('contiguous', x);
  if (x.isContiguous()) return x;
  return clone(x);
}

/** A copy with its own storage; differentiable (the gradient passes through). */
export function clone(x: Tensor): Tensor {
  checkTensor('clone', x);
  const out = fromData(backend().copy(x, x.dtype), x.shape, x.dtype);
  return record('clone', out, [x], (g) => [g]);
}

/** Swaps two dims (a view). `transpose(x, 0, 1)` of a [2,3] matrix is its [3,2] transpose. */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const nd = x.ndim;
  const a = normalizeDim('transpose', dim0, nd);
  const b = normalizeDim('transpose', dim1, nd);
  if (a === b || nd < 2) return record('transpose', makeView(x, x.shape, x.strides, x.offset), [x], (g) => [g]);
  const shape = x.shape.slice();
  const strides = x.strides.slice();
  [shape[a], shape[b]] = [shape[b]!, shape[a]!];
  [strides[a], strides[b]] = [strides[b]!, strides[a]!];
  return record('transpose', makeView(x, shape, strides, x.offset), [x], (g) => [g.transpose(a, b)]);
}

/** Reorders all dims (a view): dim i of the result is dim `dims[i]` of x. `permute(zeros([2,3,4]), [2,0,1])` is [4,2,3]. */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  const nd = x.ndim;
  if (dims.length !== nd) throw new Error(`permute: got ${dims.length} dims [${dims}] for a tensor of shape ${formatShape(x.shape)}`);
  const perm = dims.map((d) => normalizeDim('permute', d, nd));
  if (new Set(perm).size !== nd) throw new Error(`permute: dims [${dims}] repeat a dimension`);
  const inverse = new Array<number>(nd);
  perm.forEach((p, i) => (inverse[p] = i));
  const out = makeView(x, perm.map((p) => x.shape[p]!), perm.map((p) => x.strides[p]!), x.offset);
  return record('permute', out, [x], (g) => [g.permute(inverse)]);
}

/** Moves dims from `source` to `destination`, keeping the others in order. */
export function movedim(x: Tensor, source: number | readonly number[], destination: number | readonly number[]): Tensor {
  const src = (typeof source === 'number' ? [source] : source).map((d) => normalizeDim('movedim', d, x.ndim));
  const dst = (typeof destination === 'number' ? [destination] : destination).map((d) => normalizeDim('movedim', d, x.ndim));
  if (src.length !== dst.length) throw new Error(`movedim: source [${src}] and destination [${dst}] differ in length`);
  if (new Set(src).size !== src.length) throw new Error(`movedim: source [${src}] repeats a dimension`);
  if (new Set(dst).size !== dst.length) throw new Error(`movedim: destination [${dst}] repeats a dimension`);
  if (x.ndim === 0) return permute(x, []);
  const perm = new Array<number>(x.ndim).fill(-1);
  src.forEach((s, i) => (perm[dst[i]!] = s));
  const rest = Array.from({ length: x.ndim }, (_, i) => i).filter((d) => !src.includes(d));
  let r = 0;
  for (let i = 0; i < x.ndim; i++) if (perm[i] === -1) perm[i] = rest[r++]!;
  return permute(x, perm);
}

/** Elements start..start+length-1 along `dim`. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  if (x.ndim === 0) throw new Error('narrow: cannot narrow a 0-d tensor');
  const d = normalizeDim('narrow', dim, x.ndim);
  const size = x.shape[d]!;
  const s = start < 0 ? start + size : start;
  if (!Number.isInteger(s) || !Number.isInteger(length) || s < 0 || length < 0 || s + length > size) {
    throw new Error(`narrow: start ${start} and length ${length} are out of range for dim ${d} of size ${size} (shape ${formatShape(x.shape)})`);
  }
  return slice(x, d, s, s + length, 1);
}

/**
 * Python-style slice along `dim`: start (inclusive), end (exclusive), positive step; negative start
 * and end count from the end, and out-of-range bounds are clamped as in Python.
 */
export function slice(x: Tensor, dim: number, start = 0, end: number = Infinity, step = 1): Tensor {
  if (x.ndim === 0) throw new Error('slice: cannot slice a 0-d tensor');
  const d = normalizeDim('slice', dim, x.ndim);
  if (!Number.isInteger(step) || step <= 0) throw new Error(`slice: step must be a positive integer, got ${step}`);
  // Infinite bounds are allowed (they clamp like Python's missing bounds); fractional ones are not.
  const bound = (v: number) => Number.isInteger(v) || v === Infinity || v === -Infinity;
  if (!bound(start) || !bound(end)) throw new Error(`slice: start ${start} and end ${end} must be integers`);
  const size = x.shape[d]!;
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + size : v, 0), size);
  const s = clamp(start);
  const e = Math.max(clamp(end), s);
  const len = Math.ceil((e - s) / step);
  const shape = x.shape.slice();
  const strides = x.strides.slice();
  shape[d] = len;
  strides[d] = x.strides[d]! * step;
  const out = makeView(x, shape, strides, x.offset + (len > 0 ? s * x.strides[d]! : 0));
  const inShape = x.shape;
  return record('slice', out, [x], (g) => [embedGrad(g, inShape, (t) => slice(t, d, s, e, step))]);
}

/** The slice at `index` along `dim`, with that dim removed. */
export function select(x: Tensor, dim: number, index: number): Tensor {
  if (x.ndim === 0) throw new Error('select: cannot select from a 0-d tensor');
  const d = normalizeDim('select', dim, x.ndim);
  const size = x.shape[d]!;
  const i = index < 0 ? index + size : index;
  if (!Number.isInteger(i) || i < 0 || i >= size) {
    throw new Error(`select: index ${index} is out of range for dim ${d} of size ${size} (shape ${formatShape(x.shape)})`);
  }
  const shape = x.shape.filter((_, k) => k !== d);
  const strides = x.strides.filter((_, k) => k !== d);
  const out = makeView(x, shape, strides, x.offset + i * x.strides[d]!);
  const inShape = x.shape;
  return record('select', out, [x], (g) => [embedGrad(g, inShape, (t) => select(t, d, i))]);
}

/** Broadcasts to `shape` without copying (size-1 dims get stride 0); -1 keeps a size. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  const n = shape.length;
  const lead = n - x.ndim;
  if (lead < 0) throw new Error(`expand: cannot expand shape ${formatShape(x.shape)} to fewer dimensions ${formatShape(shape)}`);
  const outShape = new Array<number>(n);
  const strides = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const target = shape[i]!;
    if (!Number.isInteger(target) || target < -1) throw new Error(`expand: invalid size ${target} in shape ${formatShape(shape)}`);
    const own = i < lead ? 1 : x.shape[i - lead]!;
    if (target === -1) {
      if (i < lead) throw new Error(`expand: -1 is not allowed for a new leading dimension (shape ${formatShape(shape)})`);
      outShape[i] = own;
    } else if (own === target || own === 1) outShape[i] = target;
    else throw new Error(`expand: shape ${formatShape(x.shape)} cannot be expanded to ${formatShape(shape)} (dimension ${i}: ${own} vs ${target})`);
    strides[i] = i < lead || (own === 1 && outShape[i] !== 1) ? 0 : x.strides[i - lead]!;
  }
  if (shapesEqual(outShape, x.shape)) return x;
  const inShape = x.shape;
  return record('expand', makeView(x, outShape, strides, x.offset), [x], (g) => [sumToShape(g, inShape)]);
}

/** Removes size-1 dims (all of them, or the given ones when they have size 1). */
export function squeeze(x: Tensor, dims?: number | readonly number[]): Tensor {
  // Named dims whose size is not 1 are left alone, as in PyTorch.
  const drop = normalizeDims('squeeze', dims, x.ndim).filter((d) => x.shape[d] === 1);
  if (drop.length === 0) return x;
  const shape = x.shape.filter((_, i) => !drop.includes(i));
  const strides = x.strides.filter((_, i) => !drop.includes(i));
  const inShape = x.shape;
  return record('squeeze', makeView(x, shape, strides, x.offset), [x], (g) => [g.reshape(inShape)]);
}

/** Inserts a size-1 dim at `dim` (which may be ndim, or negative counting from ndim+1). */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim('unsqueeze', dim, x.ndim + 1);
  const shape = x.shape.slice();
  const strides = x.strides.slice();
  shape.splice(d, 0, 1);
  strides.splice(d, 0, d < x.ndim ? x.strides[d]! * x.shape[d]! : 1);
  const inShape = x.shape;
  return record('unsqueeze', makeView(x, shape, strides, x.offset), [x], (g) => [g.reshape(inShape)]);
}

/** Merges dims startDim..endDim into one. */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  const s = normalizeDim('flatten', startDim, x.ndim);
  const e = normalizeDim('flatten', endDim, x.ndim);
  if (x.ndim === 0) return reshape(x, [1]);
  if (s > e) throw new Error(`flatten: startDim ${startDim} comes after endDim ${endDim} for shape ${formatShape(x.shape)}`);
  const shape = [...x.shape.slice(0, s), numelOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

/** Splits `dim` into `sizes` (one may be -1). */
export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  if (x.ndim === 0) throw new Error('unflatten: cannot unflatten a 0-d tensor');
  if (sizes.length === 0) throw new Error('unflatten: sizes must be non-empty');
  if (sizes.filter((v) => v === -1).length > 1) throw new Error(`unflatten: only one size can be -1, got [${sizes}]`);
  const d = normalizeDim('unflatten', dim, x.ndim);
  const known = sizes.filter((v) => v !== -1).reduce((a, b) => a * b, 1);
  const resolved = sizes.map((v) => (v === -1 ? x.shape[d]! / known : v));
  if (numelOf(resolved) !== x.shape[d] || !resolved.every((v) => Number.isInteger(v) && v >= 0)) {
    throw new Error(`unflatten: sizes [${sizes}] do not multiply to ${x.shape[d]} (dim ${d} of shape ${formatShape(x.shape)})`);
  }
  return reshape(x, [...x.shape.slice(0, d), ...resolved, ...x.shape.slice(d + 1)]);
}
