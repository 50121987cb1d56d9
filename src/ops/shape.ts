/**
 * Shape ops: joining (cat, stack), splitting (split, chunk, unbind), repeating (repeat, tile),
 * reordering (flip, roll), padding (pad) and triangular masks (tril, triu). Splits return views; the
 * rest return new tensors. Only cat, flip and constant pad call kernels; the others are composed from
 * views and those three, so their gradients come for free.
 */
import { Tensor } from '../tensor/tensor.js';
import { allocArray, promoteTypes, type TypedArray } from '../tensor/dtype.js';
import { contiguousStrides, formatShape, normalizeDim, normalizeDims, numelOf, shapeArgs, shapesEqual } from '../tensor/shape.js';
import type { View } from '../backend/backend.js';
import { backend } from '../backend/registry.js';
import { isRecording, record } from '../autograd/record.js';
import { withGradMode } from '../autograd/grad-mode.js';
import type { BackwardFn } from '../autograd/node.js';
import { clone, expand, flatten, narrow, reshape, select, unsqueeze } from './view.js';
import { where } from './compare.js';
import { broadcastView, checkTensor, fromData, scalarTensor } from './util.js';

/** The part of `t` at start..start+length-1 along `dim`, as a plain view for a kernel. */
function region(t: View, dim: number, start: number, length: number): View {
  const shape = t.shape.slice();
  shape[dim] = length;
  return { data: t.data, dtype: t.dtype, shape, strides: t.strides, offset: t.offset + start * t.strides[dim]! };
}

function checkList(op: string, tensors: readonly Tensor[]): void {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new Error(`${op}: expected a non-empty array of tensors`);
  tensors.forEach((t, i) => checkTensor(op, t, `element ${i}`));
}

/**
 * Joins tensors along an existing dim. Dtypes promote as in arithmetic (an int32 and a float32
 * tensor give float32). As in PyTorch, 1-d tensors of shape [0] are skipped whatever the others'
 * shapes, for compatibility with code that starts from an empty accumulator.
 *
 * ```ts
 * cat([tensor([[1, 2]]), tensor([[3, 4]])]);    // [[1, 2], [3, 4]]
 * cat([tensor([[1, 2]]), tensor([[3]])], 1);    // [[1, 2, 3]]
 * ```
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  checkList('cat', tensors);
  const dtype = tensors.map((t) => t.dtype).reduce(promoteTypes);
  const legacyEmpty = (t: Tensor) => t.ndim === 1 && t.shape[0] === 0;
  let kept = tensors.map((_, i) => i).filter((i) => !legacyEmpty(tensors[i]!));
  if (kept.length === 0) kept = tensors.map((_, i) => i);
  const ref = tensors[kept[0]!]!;
  for (const i of kept) {
    if (tensors[i]!.ndim === 0) throw new Error(`cat: zero-dimensional tensor (at position ${i}) cannot be concatenated`);
  }
  const d = normalizeDim('cat', dim, ref.ndim);
  for (const i of kept) {
    const t = tensors[i]!;
    if (t.ndim !== ref.ndim) {
      throw new Error(`cat: tensors must have the same number of dimensions, got ${formatShape(ref.shape)} and ${formatShape(t.shape)}`);
    }
    for (let k = 0; k < ref.ndim; k++) {
      if (k !== d && t.shape[k] !== ref.shape[k]) {
        throw new Error(`cat: sizes of tensor ${i} ${formatShape(t.shape)} must match ${formatShape(ref.shape)} except in dim ${d}`);
      }
    }
  }
  const starts = new Array<number>(tensors.length).fill(0);
  let total = 0;
  for (const i of kept) {
    starts[i] = total;
    total += tensors[i]!.shape[d]!;
  }
  const shape = ref.shape.slice();
  shape[d] = total;
  const out = fromData(backend().alloc(dtype, numelOf(shape)), shape, dtype);
  for (const i of kept) backend().assign(region(out, d, starts[i]!, tensors[i]!.shape[d]!), tensors[i]!);
  const isKept = new Set(kept);
  return record('cat', out, tensors, (g, needs) =>
    tensors.map((t, i) => {
      if (!needs[i]) return null;
      if (!isKept.has(i)) return fromData(backend().alloc(t.dtype, 0), [0], t.dtype);
      const part = narrow(g, d, starts[i]!, t.shape[d]!);
      return part.dtype === t.dtype ? part : part.to(t.dtype);
    }),
  );
}

/**
 * Joins same-shaped tensors along a new dim.
 *
 * ```ts
 * stack([tensor([1, 2]), tensor([3, 4])]);      // [[1, 2], [3, 4]]
 * stack([tensor([1, 2]), tensor([3, 4])], 1);   // [[1, 3], [2, 4]]
 * ```
 */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  checkList('stack', tensors);
  const ref = tensors[0]!;
  tensors.forEach((t, i) => {
    if (!shapesEqual(t.shape, ref.shape)) {
      throw new Error(`stack: expects tensors of equal shape, got ${formatShape(ref.shape)} at entry 0 and ${formatShape(t.shape)} at entry ${i}`);
    }
  });
  const d = normalizeDim('stack', dim, ref.ndim + 1);
  return cat(tensors.map((t) => unsqueeze(t, d)), d);
}

/**
 * Views of consecutive pieces along `dim`: pieces of `splitSizeOrSections` elements (the last may be
 * shorter), or pieces of the listed sizes, which must add up to the dim's size.
 *
 * ```ts
 * split(arange(5), 2);          // [0, 1], [2, 3], [4]
 * split(arange(5), [1, 4]);     // [0], [1, 2, 3, 4]
 * ```
 */
export function split(x: Tensor, splitSizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  checkTensor('split', x);
  if (x.ndim === 0) throw new Error('split: expects at least a 1-dimensional tensor, got a 0-d tensor');
  const d = normalizeDim('split', dim, x.ndim);
  const size = x.shape[d]!;
  let sizes: number[];
  if (typeof splitSizeOrSections === 'number') {
    const s = splitSizeOrSections;
    if (!Number.isInteger(s) || s < 0) throw new Error(`split: split size must be a non-negative integer, got ${s}`);
    if (s === 0 && size !== 0) throw new Error(`split: split size can only be 0 when the dim has size 0, but dim ${d} has size ${size}`);
    const count = s === 0 ? 1 : Math.max(Math.ceil(size / s), 1);
    sizes = Array.from({ length: count }, (_, i) => Math.min(s, size - i * s));
  } else {
    if (!Array.isArray(splitSizeOrSections)) throw new Error(`split: expected a size or an array of sizes, got ${typeof splitSizeOrSections}`);
    sizes = splitSizeOrSections.slice();
    if (!sizes.every((s) => Number.isInteger(s) && s >= 0)) throw new Error(`split: sizes [${sizes}] must be non-negative integers`);
    const sum = sizes.reduce((a, b) => a + b, 0);
    if (sum !== size) throw new Error(`split: sizes [${sizes}] sum to ${sum} but dim ${d} has size ${size}`);
  }
  if (sizes.length < 2 || !isRecording(x)) {
    let start = 0;
    return sizes.map((len) => {
      const piece = narrow(x, d, start, len);
      start += len;
      return piece;
    });
  }
  return recordSplit(x, d, sizes);
}

/**
 * The pieces of a split that autograd follows, whose gradients meet in one concatenation instead of
 * each piece writing into its own zero-filled copy of the input and the engine adding those copies
 * (three [2048,384] buffers and two adds per attention layer for a q/k/v chunk). Each piece's node
 * leaves its gradient in a slot and sends a 0-d token on to a shared node, `joint`; the engine runs
 * `joint` after every piece that received a gradient (it follows them in topological order), and
 * `joint` concatenates the slots, with zeros only for pieces that got none. The concatenation is an
 * ordinary recorded op, so double backward goes through it.
 */
function recordSplit(x: Tensor, d: number, sizes: readonly number[]): Tensor[] {
  const slots = new Array<Tensor | null>(sizes.length).fill(null);
  const token = scalarTensor(0, x.dtype);
  const joinGradients: BackwardFn = (_token, needs) => {
    if (!needs[0]) return [null];
    const parts = slots.map((g, i) => {
      if (g !== null) return g;
      const shape = x.shape.slice();
      shape[d] = sizes[i]!;
      return fromData(backend().alloc(x.dtype, numelOf(shape)), shape, x.dtype);
    });
    slots.fill(null);
    return [cat(parts, d)];
  };
  const joint = record('split', withGradMode(false, () => x.detach()), [x], joinGradients);
  const jointNode = joint.gradEdge();
  let start = 0;
  return sizes.map((len, i) => {
    const view = withGradMode(false, () => narrow(x, d, start, len));
    start += len;
    return record('split', view, [joint], (g, needs) => {
      if (!needs[0]) return [null];
      // A slot still filled here is left from a pass that threw before reaching `joint`: overwritten.
      slots[i] = g;
      // `joint` saves nothing, so it may run again after a pass without retainGraph released it: a
      // later backward through another piece (its own node still armed) must still reach the input,
      // as it did when every piece had its own edge to it. Each piece's node keeps the usual rule.
      jointNode.backwardFn = joinGradients;
      return [token];
      // `token` listed as saved: a tidy() around the forward pass then keeps it for a later backward.
    }, [token]);
  });
}

/**
 * Splits into `chunks` views of equal size along `dim` (the last may be smaller, and there may be
 * fewer than `chunks` when the size does not allow that many, as in PyTorch).
 *
 * ```ts
 * chunk(arange(5), 3);   // [0, 1], [2, 3], [4]
 * chunk(arange(6), 4);   // [0, 1], [2, 3], [4, 5]
 * ```
 */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  checkTensor('chunk', x);
  if (x.ndim === 0) throw new Error('chunk: expects at least a 1-dimensional tensor, got a 0-d tensor');
  if (!Number.isInteger(chunks) || chunks <= 0) throw new Error(`chunk: chunks must be a positive integer, got ${chunks}`);
  const d = normalizeDim('chunk', dim, x.ndim);
  const size = x.shape[d]!;
  // An empty dim still gives `chunks` (empty) pieces.
  if (size === 0) return split(x, new Array<number>(chunks).fill(0), d);
  return split(x, Math.ceil(size / chunks), d);
}

/**
 * The slices along `dim`, each with that dim removed (views).
 *
 * ```ts
 * unbind(tensor([[1, 2], [3, 4]]));   // [1, 2], [3, 4]
 * ```
 */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  checkTensor('unbind', x);
  if (x.ndim === 0) throw new Error('unbind: cannot unbind a 0-d tensor');
  const d = normalizeDim('unbind', dim, x.ndim);
  return Array.from({ length: x.shape[d]! }, (_, i) => select(x, d, i));
}

/**
 * Repeats the whole tensor `repeats[i]` times along each dim; extra leading repeats add dims.
 *
 * ```ts
 * repeat(tensor([1, 2]), 2);      // [1, 2, 1, 2]
 * repeat(tensor([1, 2]), 2, 1);   // [[1, 2], [1, 2]]
 * ```
 */
export function repeat(x: Tensor, ...repeats: (number | readonly number[])[]): Tensor {
  checkTensor('repeat', x);
  const reps = shapeArgs(repeats);
  if (reps.length < x.ndim) {
    throw new Error(`repeat: got ${reps.length} repeats [${reps}] for the ${x.ndim} dims of ${formatShape(x.shape)}; give at least one per dim`);
  }
  return repeatImpl('repeat', x, reps);
}

/**
 * Like `repeat`, but with fewer repeats than dims the leading dims are repeated once (NumPy's tile).
 *
 * ```ts
 * tile(tensor([[1, 2]]), [2]);   // [[1, 2, 1, 2]]
 * ```
 */
export function tile(x: Tensor, ...reps: (number | readonly number[])[]): Tensor {
  checkTensor('tile', x);
  const r = shapeArgs(reps);
  return repeatImpl('tile', x, [...new Array<number>(Math.max(x.ndim - r.length, 0)).fill(1), ...r]);
}

function repeatImpl(op: string, x: Tensor, reps: readonly number[]): Tensor {
  if (!reps.every((r) => Number.isInteger(r) && r >= 0)) throw new Error(`${op}: repeats [${reps}] must be non-negative integers`);
  const shape = [...new Array<number>(reps.length - x.ndim).fill(1), ...x.shape];
  // View [1, s0, 1, s1, ...], broadcast it to [r0, s0, r1, s1, ...], then copy into [r0*s0, r1*s1, ...].
  const spread = expand(reshape(x, shape.flatMap((s) => [1, s])), shape.flatMap((s, i) => [reps[i]!, s]));
  const out = reshape(spread, shape.map((s, i) => s * reps[i]!));
  // When the repeats allow a view (all ones, or only stride-0 repeats), still return a copy.
  return out.storage === x.storage ? clone(out) : out;
}

/**
 * Reverses the order of elements along the given dims (a copy, as in PyTorch).
 *
 * ```ts
 * flip(tensor([[1, 2], [3, 4]]), 1);   // [[2, 1], [4, 3]]
 * ```
 */
export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  checkTensor('flip', x);
  const ds = normalizeDims('flip', dims, x.ndim);
  // A view that walks the flipped dims backwards (negative strides), copied by the copy kernel.
  const strides = x.strides.slice();
  let offset = x.offset;
  for (const d of ds) {
    if (x.shape[d]! <= 1) continue;
    offset += (x.shape[d]! - 1) * strides[d]!;
    strides[d] = -strides[d]!;
  }
  const reversed: View = { data: x.data, dtype: x.dtype, shape: x.shape, strides, offset };
  const out = fromData(backend().copy(reversed, x.dtype), x.shape, x.dtype);
  return record('flip', out, [x], (g) => [flip(g, ds)]);
}

/**
 * Shifts elements along `dims` circularly (elements pushed off the end come back at the start).
 * Without dims, the tensor is rolled as if flattened, then given back its shape.
 *
 * ```ts
 * roll(tensor([1, 2, 3, 4, 5]), 2);                  // [4, 5, 1, 2, 3]
 * roll(tensor([[1, 2], [3, 4]]), [1, 1], [0, 1]);    // [[4, 3], [2, 1]]
 * ```
 */
export function roll(x: Tensor, shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
  checkTensor('roll', x);
  const sh = typeof shifts === 'number' ? [shifts] : shifts.slice();
  if (!sh.every((s) => Number.isInteger(s))) throw new Error(`roll: shifts [${sh}] must be integers`);
  const dimList = dims === undefined ? [] : typeof dims === 'number' ? [dims] : dims;
  if (dimList.length === 0) {
    if (sh.length !== 1) throw new Error(`roll: without dims, shifts must be a single number, got [${sh}]`);
    return reshape(roll(flatten(x), sh, 0), x.shape);
  }
  const ds = dimList.map((d) => normalizeDim('roll', d, x.ndim));
  if (ds.length !== sh.length) throw new Error(`roll: shifts [${sh}] and dims [${dimList}] must have the same length`);
  let out = x;
  ds.forEach((d, i) => {
    const n = x.ndim === 0 ? 0 : x.shape[d]!;
    if (n === 0) return;
    const s = ((sh[i]! % n) + n) % n;
    if (s !== 0) out = cat([narrow(out, d, n - s, s), narrow(out, d, 0, n - s)], d);
  });
  return out === x ? clone(x) : out;
}

export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';
const PAD_MODES: readonly string[] = ['constant', 'reflect', 'replicate', 'circular'];

/**
 * Pads the last dims: `padding` lists (before, after) pairs starting from the last dim, as in
 * PyTorch's F.pad. 'constant' fills with `value` (negative amounts crop); 'reflect' mirrors without
 * repeating the edge; 'replicate' repeats the edge; 'circular' wraps around. Unlike PyTorch, the
 * non-constant modes accept any number of padded dims on inputs of any rank.
 *
 * ```ts
 * pad(tensor([1, 2, 3]), [2, 1]);              // [0, 0, 1, 2, 3, 0]
 * pad(tensor([1, 2, 3]), [2, 1], 'reflect');   // [3, 2, 1, 2, 3, 2]
 * ```
 */
export function pad(x: Tensor, padding: readonly number[], mode: PadMode = 'constant', value?: number): Tensor {
  checkTensor('pad', x);
  if (!Array.isArray(padding) || !padding.every((p) => Number.isInteger(p))) throw new Error(`pad: padding must be an array of integers, got ${JSON.stringify(padding)}`);
  if (padding.length % 2 !== 0) throw new Error(`pad: padding [${padding}] must have an even length (before/after pairs), got ${padding.length}`);
  if (padding.length / 2 > x.ndim) {
    throw new Error(`pad: padding [${padding}] covers ${padding.length / 2} dims but the input ${formatShape(x.shape)} has ${x.ndim}`);
  }
  if (!PAD_MODES.includes(mode)) throw new Error(`pad: unknown mode '${String(mode)}' (expected constant, reflect, replicate or circular)`);
  if (value !== undefined && typeof value !== 'number') throw new Error(`pad: value must be a number, got ${typeof value}`);
  if (mode !== 'constant' && value !== undefined && value !== 0) throw new Error(`pad: mode '${mode}' does not take a value, got ${value}`);
  const pairs = Array.from({ length: padding.length / 2 }, (_, k) => ({ d: x.ndim - 1 - k, before: padding[2 * k]!, after: padding[2 * k + 1]! }));
  for (const { d, before, after } of pairs) {
    const n = x.shape[d]!;
    if (mode === 'constant') {
      if (n + before + after < 0) throw new Error(`pad: padding (${before}, ${after}) would give dim ${d} of size ${n} a negative size`);
      continue;
    }
    for (const p of [before, after]) {
      if (p < 0) throw new Error(`pad: negative padding ${p} is only supported in constant mode (dim ${d})`);
      if (p === 0) continue;
      if (mode === 'reflect' && p >= n) throw new Error(`pad: reflect padding ${p} must be smaller than the input size ${n} in dim ${d}`);
      if (mode === 'replicate' && n === 0) throw new Error(`pad: replicate padding ${p} needs a non-empty dim ${d}, got size 0`);
      if (mode === 'circular' && p > n) throw new Error(`pad: circular padding ${p} must not exceed the input size ${n} in dim ${d}`);
    }
  }
  if (mode === 'constant') return padConstant(x, pairs, value ?? 0);
  let out = x;
  for (const { d, before, after } of pairs) out = padAlong(out, d, before, after, mode);
  return out === x ? clone(x) : out;
}

type PadPair = { d: number; before: number; after: number };

function padConstant(x: Tensor, pairs: readonly PadPair[], value: number): Tensor {
  // Negative amounts crop, which is a view; then the positive amounts need a new tensor.
  let y = x;
  for (const { d, before, after } of pairs) {
    if (before < 0 || after < 0) {
      const cut = Math.max(-before, 0);
      y = narrow(y, d, cut, y.shape[d]! - cut - Math.max(-after, 0));
    }
  }
  const shape = y.shape.slice();
  for (const { d, before, after } of pairs) shape[d] = shape[d]! + Math.max(before, 0) + Math.max(after, 0);
  const out = fromData(backend().alloc(y.dtype, numelOf(shape)), shape, y.dtype);
  if ((y.dtype === 'float32' || y.dtype === 'float64') && y.isContiguous()) {
    // The common case (a small image or feature map) in one pass: no view objects, no kernel calls.
    if (value !== 0) out.data.fill(value);
    const before = new Array<number>(shape.length).fill(0);
    for (const p of pairs) before[p.d] = Math.max(p.before, 0);
    copyIntoPadded(y.data, y.offset, y.shape, out.data, shape, before);
  } else {
    if (value !== 0) backend().assign(out, broadcastView(scalarTensor(value, y.dtype), shape));
    let inner: View = out;
    for (const { d, before } of pairs) inner = region(inner, d, Math.max(before, 0), y.shape[d]!);
    backend().assign(inner, y);
  }
  const interior = (g: Tensor) => pairs.reduce((t, { d, before }) => narrow(t, d, Math.max(before, 0), y.shape[d]!), g);
  return record('pad', out, [y], (g) => [interior(g)]);
}

/** Copies contiguous `src` of `srcShape` into contiguous `dst` of `dstShape`, shifted by `before` per dim. */
function copyIntoPadded(src: TypedArray, srcOffset: number, srcShape: readonly number[], dst: TypedArray, dstShape: readonly number[], before: readonly number[]): void {
  const nd = srcShape.length;
  const n = numelOf(srcShape);
  if (n === 0) return;
  if (nd === 0) {
    dst[0] = src[srcOffset]!;
    return;
  }
  const dstStrides = contiguousStrides(dstShape);
  let base = 0;
  for (let d = 0; d < nd; d++) base += before[d]! * dstStrides[d]!;
  const row = srcShape[nd - 1]!;
  const idx = new Array<number>(nd).fill(0);
  for (let s = srcOffset, end = srcOffset + n; s < end; s += row) {
    for (let j = 0; j < row; j++) dst[base + j] = src[s + j]!;
    // advance the row index over dims nd-2 ... 0 like an odometer, moving `base` along dst
    for (let d = nd - 2; d >= 0; d--) {
      base += dstStrides[d]!;
      if (++idx[d]! < srcShape[d]!) break;
      base -= idx[d]! * dstStrides[d]!;
      idx[d] = 0;
    }
  }
}

function padAlong(y: Tensor, d: number, before: number, after: number, mode: PadMode): Tensor {
  if (before === 0 && after === 0) return y;
  const n = y.shape[d]!;
  const repeated = (t: Tensor, count: number) => expand(t, y.shape.map((s, i) => (i === d ? count : s)));
  let left: Tensor;
  let right: Tensor;
  if (mode === 'reflect') {
    left = flip(narrow(y, d, 1, before), d);
    right = flip(narrow(y, d, n - 1 - after, after), d);
  } else if (mode === 'replicate') {
    left = repeated(narrow(y, d, 0, 1), before);
    right = repeated(narrow(y, d, n - 1, 1), after);
  } else {
    left = narrow(y, d, n - before, before);
    right = narrow(y, d, 0, after);
  }
  return cat([left, y, right], d);
}

/**
 * The lower triangle of the last two dims: elements with column - row <= `diagonal` are kept, the
 * rest set to zero (diagonal 0 is the main diagonal, positive values go above it).
 *
 * ```ts
 * tril(ones([3, 3]));   // [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
 * ```
 */
export function tril(x: Tensor, diagonal = 0): Tensor {
  return triangle('tril', x, diagonal);
}

/** The upper triangle of the last two dims: elements with column - row >= `diagonal` are kept. */
export function triu(x: Tensor, diagonal = 0): Tensor {
  return triangle('triu', x, diagonal);
}

function triangle(op: 'tril' | 'triu', x: Tensor, diagonal: number): Tensor {
  checkTensor(op, x);
  if (x.ndim < 2) throw new Error(`${op}: input must have at least 2 dimensions, got shape ${formatShape(x.shape)}`);
  if (!Number.isInteger(diagonal)) throw new Error(`${op}: diagonal must be an integer, got ${diagonal}`);
  const rows = x.shape[x.ndim - 2]!;
  const cols = x.shape[x.ndim - 1]!;
  const mask = allocArray('bool', rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) mask[i * cols + j] = (op === 'tril' ? j - i <= diagonal : j - i >= diagonal) ? 1 : 0;
  }
  // A bool zero keeps bool inputs bool (an int 0 would promote them to int32).
  return where(fromData(mask, [rows, cols], 'bool'), x, x.dtype === 'bool' ? false : 0);
}
