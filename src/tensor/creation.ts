/** Creating tensors from data and from sizes. */
import { Tensor } from './tensor.js';
import { Storage } from './storage.js';
import type { DType, TypedArray } from './dtype.js';
import { allocArray, DEFAULT_FLOAT, isDType } from './dtype.js';
import { checkShape, contiguousStrides, formatShape, numelOf, shapeArgs } from './shape.js';

export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

/** Nested arrays of numbers or booleans, to any depth. */
export type NestedArray = number | boolean | readonly NestedArray[];

function checkDType(op: string, dtype: unknown): DType {
  if (dtype === undefined) return DEFAULT_FLOAT;
  if (!isDType(dtype)) throw new Error(`${op}: unknown dtype '${String(dtype)}' (expected float32, float64, int32 or bool)`);
  return dtype;
}

function finish(t: Tensor, options: CreateOptions | undefined): Tensor {
  if (options?.requiresGrad) t.requiresGrad_(true);
  return t;
}

export function fromArray(data: TypedArray, shape: readonly number[], dtype: DType): Tensor {
  return new Tensor(new Storage(data, dtype), shape, contiguousStrides(shape), 0);
}

function dtypeOfArray(data: TypedArray): DType {
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint8Array) return 'bool';
  return 'float32';
}

/**
 * A tensor from nested arrays, a typed array (1-D, or with `shape`), or a scalar. Plain JS numbers
 * become float32 (JS cannot tell 1 from 1.0), booleans become bool; a typed array keeps its type.
 *
 * ```ts
 * tensor([[1, 2], [3, 4]]);                  // float32 [2, 2]
 * tensor([1, 2, 3], { dtype: 'int32' });
 * tensor(new Float64Array([1, 2, 3, 4]), { shape: [2, 2] });
 * ```
 */
export function tensor(data: NestedArray | TypedArray, options: CreateOptions & { shape?: readonly number[] } = {}): Tensor {
  if (ArrayBuffer.isView(data)) {
    const typed = data as TypedArray;
    const dtype = options.dtype === undefined ? dtypeOfArray(typed) : checkDType('tensor', options.dtype);
    const shape = options.shape ? checkShape('tensor', options.shape) : [typed.length];
    if (numelOf(shape) !== typed.length) {
      throw new Error(`tensor: shape ${formatShape(shape)} needs ${numelOf(shape)} elements, the array has ${typed.length}`);
    }
    const arr = allocArray(dtype, typed.length);
    for (let i = 0; i < typed.length; i++) arr[i] = typed[i]!;
    return finish(fromArray(arr, shape, dtype), options);
  }
  const shape: number[] = [];
  let probe: NestedArray = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0]!;
  }
  const inferred: DType = typeof probe === 'boolean' ? 'bool' : DEFAULT_FLOAT;
  const dtype = options.dtype === undefined ? inferred : checkDType('tensor', options.dtype);
  const out = allocArray(dtype, numelOf(shape));
  let k = 0;
  const walk = (node: NestedArray, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof node === 'number') out[k++] = dtype === 'bool' ? (node !== 0 ? 1 : 0) : node;
      else if (typeof node === 'boolean') out[k++] = node ? 1 : 0;
      else throw new Error(`tensor: expected a number at ${path}, got ${Array.isArray(node) ? 'an array' : typeof node} (ragged nesting?)`);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw new Error(`tensor: ragged nested array: ${path} should have length ${shape[depth]}, got ${Array.isArray(node) ? node.length : typeof node}`);
    }
    for (let i = 0; i < node.length; i++) walk(node[i]!, depth + 1, `${path}[${i}]`);
  };
  walk(data, 0, 'data');
  return finish(fromArray(out, shape, dtype), options);
}

/** Sizes as separate numbers or one array, optionally followed by options: `zeros(2, 3)`, `zeros([2, 3], {dtype})`. */
export type SizeArgs = (number | readonly number[] | CreateOptions)[];

export function full(shape: readonly number[], value: number | boolean, options: CreateOptions = {}): Tensor {
  const dtype = options.dtype ?? (typeof value === 'boolean' ? 'bool' : DEFAULT_FLOAT);
  const s = checkShape('full', shape);
  const data = allocArray(checkDType('full', dtype), numelOf(s));
  const v = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  if (v !== 0) data.fill(v);
  return finish(fromArray(data, s, dtype), options);
}

/** zeros(2, 3) or zeros([2, 3], {dtype}). */
export function zeros(...args: SizeArgs): Tensor {
  const [shape, options] = splitArgs(args);
  return full(shape, 0, { ...options, dtype: options.dtype ?? DEFAULT_FLOAT });
}

export function ones(...args: SizeArgs): Tensor {
  const [shape, options] = splitArgs(args);
  return full(shape, 1, { ...options, dtype: options.dtype ?? DEFAULT_FLOAT });
}

/** Uninitialized in PyTorch; here zero-filled (typed arrays always are). */
export function empty(...args: SizeArgs): Tensor {
  return zeros(...args);
}

function splitArgs(args: readonly unknown[]): [number[], CreateOptions] {
  const last = args[args.length - 1];
  if (last !== undefined && typeof last === 'object' && !Array.isArray(last)) {
    return [shapeArgs(args.slice(0, -1) as (number | number[])[]), last as CreateOptions];
  }
  return [shapeArgs(args as (number | number[])[]), {}];
}

export function zerosLike(t: Tensor, options: CreateOptions = {}): Tensor {
  return full(t.shape, 0, { dtype: options.dtype ?? t.dtype, requiresGrad: options.requiresGrad ?? false });
}

export function onesLike(t: Tensor, options: CreateOptions = {}): Tensor {
  return full(t.shape, 1, { dtype: options.dtype ?? t.dtype, requiresGrad: options.requiresGrad ?? false });
}

export function fullLike(t: Tensor, value: number | boolean, options: CreateOptions = {}): Tensor {
  return full(t.shape, value, { dtype: options.dtype ?? t.dtype, requiresGrad: options.requiresGrad ?? false });
}

export function emptyLike(t: Tensor, options: CreateOptions = {}): Tensor {
  return zerosLike(t, options);
}

/**
 * Values from start (inclusive) to end (exclusive) by step: arange(5), arange(2, 5), arange(0, 1, 0.25).
 * Integer arguments give int32, as PyTorch gives int64; any fractional argument gives float32.
 */
export function arange(start: number, end?: number, step = 1, options: CreateOptions = {}): Tensor {
  if (end === undefined) [start, end] = [0, start];
  if (step === 0 || !Number.isFinite(step)) throw new Error(`arange: step must be a non-zero finite number, got ${step}`);
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new Error(`arange: start ${start} and end ${end} must be finite`);
  if ((end - start) * step < 0) throw new Error(`arange: step ${step} has the wrong sign to go from ${start} to ${end}`);
  const allInt = Number.isInteger(start) && Number.isInteger(end) && Number.isInteger(step);
  const dtype = checkDType('arange', options.dtype ?? (allInt ? 'int32' : DEFAULT_FLOAT));
  const n = Math.max(0, Math.ceil((end - start) / step));
  const data = allocArray(dtype, n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return finish(fromArray(data, [n], dtype), options);
}

/** `steps` evenly spaced values from start to end, both included. */
export function linspace(start: number, end: number, steps: number, options: CreateOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`linspace: steps must be a non-negative integer, got ${steps}`);
  const dtype = checkDType('linspace', options.dtype ?? DEFAULT_FLOAT);
  const data = allocArray(dtype, steps);
  const delta = steps > 1 ? (end - start) / (steps - 1) : 0;
  // Fill from both ends, as PyTorch does, so that the last value is exactly `end`.
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) data[i] = i < half ? start + i * delta : end - (steps - 1 - i) * delta;
  return finish(fromArray(data, [steps], dtype), options);
}

/** The n x m identity (m defaults to n). */
export function eye(n: number, m: number = n, options: CreateOptions = {}): Tensor {
  const s = checkShape('eye', [n, m]);
  const dtype = checkDType('eye', options.dtype ?? DEFAULT_FLOAT);
  const data = allocArray(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return finish(fromArray(data, s, dtype), options);
}
