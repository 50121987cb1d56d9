/** Creating tensors from data and from sizes. */
import { Tensor } from './tensor.js';
import { Storage } from './storage.js';
import type { DType, TypedArray } from './dtype.js';
import { allocArray, DEFAULT_FLOAT, isFloating } from './dtype.js';
import { checkShape, contiguousStrides, formatShape, numelOf } from './shape.js';
import { checkDType, splitSizeArgs, type SizeArgs as SizeArgsOf } from './args.js';

export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

/** Nested arrays of numbers or booleans, to any depth. */
export type NestedArray = number | boolean | readonly NestedArray[];

/** Typed arrays `tensor()` reads: the storage types, and other integer arrays (read as int32, Uint32 as float64). */
export type ArrayInput = TypedArray | Int8Array | Int16Array | Uint16Array | Uint8ClampedArray | Uint32Array;

/** Sizes as separate numbers or one array, optionally followed by options: `zeros(2, 3)`, `zeros([2, 3], {dtype})`. */
export type SizeArgs = SizeArgsOf<CreateOptions>;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** Applies `requiresGrad`, naming the op when the dtype cannot have gradients. */
function finish(op: string, t: Tensor, options: CreateOptions | undefined): Tensor {
  if (options?.requiresGrad) {
    if (!isFloating(t.dtype)) throw new Error(`${op}: only floating-point tensors can require gradients, got dtype ${t.dtype}`);
    t.requiresGrad_(true);
  }
  return t;
}

/** Internal: a contiguous tensor that takes ownership of `data` (no copy). */
export function fromArray(data: TypedArray, shape: readonly number[], dtype: DType): Tensor {
  return new Tensor(new Storage(data, dtype), shape, contiguousStrides(shape), 0);
}

/** The dtype a typed array maps to: its own where one exists, else the narrowest that holds every value. */
function dtypeOfArray(data: ArrayBufferView): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  // Uint8Array is bool's storage type, so it round-trips bool tensors (`tensor(b.toArray())`).
  if (data instanceof Uint8Array) return 'bool';
  if (data instanceof Int8Array || data instanceof Int16Array || data instanceof Uint16Array || data instanceof Uint8ClampedArray) return 'int32';
  if (data instanceof Uint32Array) return 'float64'; // values up to 2^32 - 1 do not fit int32
  throw new Error(`tensor: unsupported array type ${data.constructor.name} (expected a Float32Array, Float64Array, Int32Array, Uint8Array or another integer array)`);
}

/**
 * A tensor from nested arrays, a typed array (1-D, or with `shape`), or a scalar. Plain JS numbers
 * become float32 (JS cannot tell 1 from 1.0); arrays of booleans only become bool. A typed array
 * keeps its type (a Uint8Array is read as bool and must hold only 0 and 1 unless `dtype` says
 * otherwise: pass `{ dtype: 'int32' }` or `'float32'` for bytes). Values are always copied.
 *
 * ```ts
 * tensor([[1, 2], [3, 4]]);                  // float32 [2, 2]
 * tensor([1, 2, 3], { dtype: 'int32' });
 * tensor(new Float64Array([1, 2, 3, 4]), { shape: [2, 2] });
 * tensor(3.5);                               // 0-d
 * ```
 */
export function tensor(data: NestedArray | ArrayInput, options: CreateOptions & { shape?: readonly number[] } = {}): Tensor {
  if (ArrayBuffer.isView(data)) {
    if (data instanceof DataView) throw new Error('tensor: a DataView is not supported; pass a typed array');
    const typed = data as ArrayInput;
    const dtype = checkDType('tensor', options.dtype, dtypeOfArray(typed));
    const shape = options.shape ? checkShape('tensor', options.shape) : [typed.length];
    if (numelOf(shape) !== typed.length) {
      throw new Error(`tensor: shape ${formatShape(shape)} needs ${numelOf(shape)} elements, the array has ${typed.length}`);
    }
    if (options.dtype === undefined && typed instanceof Uint8Array) {
      const bad = typed.findIndex((v) => v > 1);
      if (bad >= 0) {
        throw new Error(`tensor: a Uint8Array is read as bool, but it holds ${typed[bad]} at index ${bad}; pass { dtype: 'int32' } or { dtype: 'float32' } for byte data`);
      }
    }
    const arr = allocArray(dtype, typed.length);
    if (dtype === 'bool') for (let i = 0; i < typed.length; i++) arr[i] = typed[i] !== 0 ? 1 : 0;
    else for (let i = 0; i < typed.length; i++) arr[i] = typed[i]!;
    return finish('tensor', fromArray(arr, shape, dtype), options);
  }
  if (typeof data !== 'number' && typeof data !== 'boolean' && !Array.isArray(data)) {
    throw new Error(`tensor: expected a number, a boolean, nested arrays of them or a typed array, got ${data === null ? 'null' : typeof data}`);
  }
  const shape: number[] = [];
  let probe: NestedArray = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0]!;
  }
  const values = new Float64Array(numelOf(shape));
  let k = 0;
  let sawNumber = false;
  const walk = (node: NestedArray, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof node === 'number') {
        values[k++] = node;
        sawNumber = true;
      } else if (typeof node === 'boolean') values[k++] = node ? 1 : 0;
      else throw new Error(`tensor: expected a number at ${path}, got ${Array.isArray(node) ? 'an array' : node === null ? 'null' : typeof node} (ragged nesting?)`);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw new Error(`tensor: ragged nested array: ${path} should be an array of length ${shape[depth]}, got ${Array.isArray(node) ? `length ${node.length}` : typeof node}`);
    }
    for (let i = 0; i < node.length; i++) walk(node[i]!, depth + 1, `${path}[${i}]`);
  };
  walk(data, 0, 'data');
  // Booleans mixed with numbers count as numbers, as in PyTorch; an empty array is float.
  const inferred: DType = sawNumber || values.length === 0 ? DEFAULT_FLOAT : 'bool';
  const dtype = checkDType('tensor', options.dtype, inferred);
  const out = allocArray(dtype, values.length);
  if (dtype === 'bool') for (let i = 0; i < values.length; i++) out[i] = values[i] !== 0 ? 1 : 0;
  else out.set(values);
  let finalShape = shape;
  if (options.shape) {
    finalShape = checkShape('tensor', options.shape);
    if (numelOf(finalShape) !== values.length) {
      throw new Error(`tensor: shape ${formatShape(finalShape)} needs ${numelOf(finalShape)} elements, the data has ${values.length} (shape ${formatShape(shape)})`);
    }
  }
  return finish('tensor', fromArray(out, finalShape, dtype), options);
}

function fill(op: string, shape: number[], value: number | boolean, options: CreateOptions): Tensor {
  const dtype = checkDType(op, options.dtype, typeof value === 'boolean' ? 'bool' : DEFAULT_FLOAT);
  if (typeof value !== 'number' && typeof value !== 'boolean') throw new Error(`${op}: the fill value must be a number or a boolean, got ${typeof value}`);
  const data = allocArray(dtype, numelOf(shape));
  const v = typeof value === 'boolean' ? (value ? 1 : 0) : dtype === 'bool' ? (value !== 0 ? 1 : 0) : value;
  if (v !== 0) data.fill(v);
  return finish(op, fromArray(data, shape, dtype), options);
}

/** A tensor of `shape` filled with `value` (float32 for numbers, bool for booleans, unless `dtype`). */
export function full(shape: readonly number[], value: number | boolean, options: CreateOptions = {}): Tensor {
  if (!Array.isArray(shape)) throw new Error(`full: shape must be an array of sizes, got ${typeof shape}`);
  return fill('full', checkShape('full', shape), value, options);
}

/** zeros(2, 3) or zeros([2, 3], {dtype}). */
export function zeros(...args: SizeArgs): Tensor {
  const [shape, options] = splitSizeArgs<CreateOptions>('zeros', args);
  return fill('zeros', shape, 0, options);
}

/** ones(2, 3) or ones([2, 3], {dtype}). */
export function ones(...args: SizeArgs): Tensor {
  const [shape, options] = splitSizeArgs<CreateOptions>('ones', args);
  return fill('ones', shape, 1, options);
}

/** Uninitialized in PyTorch; here zero-filled (typed arrays always are). */
export function empty(...args: SizeArgs): Tensor {
  const [shape, options] = splitSizeArgs<CreateOptions>('empty', args);
  return fill('empty', shape, 0, options);
}

function like(op: string, t: Tensor, value: number | boolean, options: CreateOptions): Tensor {
  if (!(t instanceof Tensor)) throw new Error(`${op}: expected a Tensor, got ${t === null ? 'null' : typeof t}`);
  return fill(op, t.shape.slice(), value, { dtype: options.dtype ?? t.dtype, requiresGrad: options.requiresGrad ?? false });
}

/** Zeros with the shape and dtype of `t` (the dtype may be overridden). */
export function zerosLike(t: Tensor, options: CreateOptions = {}): Tensor {
  return like('zerosLike', t, 0, options);
}

/** Ones with the shape and dtype of `t`. */
export function onesLike(t: Tensor, options: CreateOptions = {}): Tensor {
  return like('onesLike', t, 1, options);
}

/** `value` everywhere, with the shape and dtype of `t`. */
export function fullLike(t: Tensor, value: number | boolean, options: CreateOptions = {}): Tensor {
  return like('fullLike', t, value, options);
}

/** Like `zerosLike` (storage is always initialized). */
export function emptyLike(t: Tensor, options: CreateOptions = {}): Tensor {
  return like('emptyLike', t, 0, options);
}

/**
 * Values from start (inclusive) to end (exclusive) by step: arange(5), arange(2, 5), arange(0, 1, 0.25).
 * Integer arguments give int32, as PyTorch gives int64; any fractional argument gives float32. The
 * length is ceil((end - start) / step), computed in double precision as PyTorch does.
 */
export function arange(end: number, options?: CreateOptions): Tensor;
export function arange(start: number, end: number, options?: CreateOptions): Tensor;
export function arange(start: number, end: number, step: number, options?: CreateOptions): Tensor;
export function arange(start: number, a?: number | CreateOptions, b?: number | CreateOptions, c?: CreateOptions): Tensor {
  const nums: number[] = [start];
  let options: CreateOptions = {};
  for (const arg of [a, b, c]) {
    if (arg === undefined) continue;
    if (typeof arg === 'number') nums.push(arg);
    else if (typeof arg === 'object' && arg !== null) options = arg;
    else throw new Error(`arange: expected numbers and an optional options object, got ${typeof arg}`);
  }
  let end: number;
  let step = 1;
  if (nums.length === 1) [start, end] = [0, nums[0]!];
  else [start, end, step = 1] = nums as [number, number, number?];
  for (const [name, v] of [['start', start], ['end', end], ['step', step]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`arange: ${name} must be a finite number, got ${v}`);
  }
  if (step === 0) throw new Error('arange: step must be non-zero');
  if ((end - start) * step < 0) throw new Error(`arange: step ${step} has the wrong sign to go from ${start} to ${end}`);
  const allInt = Number.isInteger(start) && Number.isInteger(end) && Number.isInteger(step);
  const dtype = checkDType('arange', options.dtype, allInt ? 'int32' : DEFAULT_FLOAT);
  const n = Math.max(0, Math.ceil((end - start) / step));
  if (dtype === 'int32' && n > 0) {
    const last = start + (n - 1) * step;
    if (start < INT32_MIN || start > INT32_MAX || last < INT32_MIN || last > INT32_MAX) {
      throw new Error(`arange: values from ${start} to ${last} do not fit in int32; pass { dtype: 'float64' }`);
    }
  }
  const data = allocArray(dtype, n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return finish('arange', fromArray(data, [n], dtype), options);
}

/**
 * `steps` evenly spaced values from start to end, both included: linspace(0, 1, 5) is
 * [0, 0.25, 0.5, 0.75, 1]. Float32 unless `dtype`.
 */
export function linspace(start: number, end: number, steps: number, options: CreateOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`linspace: steps must be a non-negative integer, got ${steps}`);
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new Error(`linspace: start ${start} and end ${end} must be finite`);
  const dtype = checkDType('linspace', options.dtype, DEFAULT_FLOAT);
  const data = allocArray(dtype, steps);
  if (steps === 1) data[0] = start;
  else if (steps > 1) {
    const delta = (end - start) / (steps - 1);
    // Fill from both ends, as PyTorch does, so that the first value is exactly start and the last exactly end.
    const half = Math.floor(steps / 2);
    for (let i = 0; i < steps; i++) data[i] = i < half ? start + i * delta : end - (steps - 1 - i) * delta;
  }
  return finish('linspace', fromArray(data, [steps], dtype), options);
}

/** The n x m identity (m defaults to n): eye(3), eye(2, 4), eye(3, { dtype: 'float64' }). */
export function eye(n: number, m?: number | CreateOptions, options: CreateOptions = {}): Tensor {
  if (typeof m === 'object' && m !== null) [m, options] = [undefined, m];
  const cols = m ?? n;
  const s = checkShape('eye', [n, cols]);
  const dtype = checkDType('eye', options.dtype, DEFAULT_FLOAT);
  const data = allocArray(dtype, n * cols);
  for (let i = 0; i < Math.min(n, cols); i++) data[i * cols + i] = 1;
  return finish('eye', fromArray(data, s, dtype), options);
}
