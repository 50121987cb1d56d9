/**
 * Discrete random tensors: integers, permutations, Bernoulli masks and categorical draws. Re-exported
 * by random.ts; the generator and its documentation are in generator.ts.
 */
import type { Tensor } from './tensor.js';
import type { DType, TypedArray } from './dtype.js';
import { allocArray, DEFAULT_FLOAT, isFloating } from './dtype.js';
import { broadcastShapes, formatShape, numelOf, shapesEqual } from './shape.js';
import { checkDType } from './args.js';
import { fromArray } from './creation.js';
import type { Generator } from './generator.js';
import { checkTensorArg, finish, generatorOf, shapeArg, type RandomOptions } from './random-support.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const TWO_POW_32 = 4294967296;

// ---- integers -------------------------------------------------------------------------------------

/**
 * Uniform integers in [low, high) (low defaults to 0), int32 unless `dtype` says float32/float64:
 * randint(10, [3]), randint(-5, 5, [2, 2]).
 */
export function randint(high: number, shape: readonly number[], options?: RandomOptions): Tensor;
export function randint(low: number, high: number, shape: readonly number[], options?: RandomOptions): Tensor;
export function randint(a: number, b: number | readonly number[], c?: readonly number[] | RandomOptions, d?: RandomOptions): Tensor {
  const [low, high, shape, options] = typeof b === 'number' ? [a, b, c as readonly number[], d ?? {}] : [0, a, b, (c as RandomOptions | undefined) ?? {}];
  return randintImpl('randint', low, high, shapeArg('randint', shape), options);
}

/** randint with the shape (and, unless given, dtype) of `t`: randintLike(t, 10), randintLike(t, -3, 3). */
export function randintLike(t: Tensor, high: number, options?: RandomOptions): Tensor;
export function randintLike(t: Tensor, low: number, high: number, options?: RandomOptions): Tensor;
export function randintLike(t: Tensor, a: number, b?: number | RandomOptions, c?: RandomOptions): Tensor {
  checkTensorArg('randintLike', t);
  const [low, high, options] = typeof b === 'number' ? [a, b, c ?? {}] : [0, a, b ?? {}];
  return randintImpl('randintLike', low, high, t.shape.slice(), { ...options, dtype: options.dtype ?? t.dtype });
}

function randintImpl(op: string, low: number, high: number, shape: number[], options: RandomOptions): Tensor {
  if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high)) throw new Error(`${op}: low and high must be integers, got ${low} and ${high}`);
  if (low >= high) throw new Error(`${op}: expects low < high, got low ${low} and high ${high}`);
  const dtype = checkDType(op, options.dtype, 'int32');
  if (dtype === 'bool') throw new Error(`${op}: dtype must be int32, float32 or float64, got bool`);
  if (dtype === 'int32' && (low < INT32_MIN || high - 1 > INT32_MAX)) {
    throw new Error(`${op}: the range [${low}, ${high}) does not fit in int32`);
  }
  if (high - low > TWO_POW_32) throw new Error(`${op}: the range [${low}, ${high}) is wider than 2^32`);
  const gen = generatorOf(op, options);
  const data = allocArray(dtype, numelOf(shape));
  const span = high - low;
  for (let i = 0; i < data.length; i++) data[i] = low + gen.nextBelow(span);
  return finish(op, data, shape, dtype, options);
}

/** A random permutation of 0..n-1 (Fisher-Yates), int32 unless `dtype`. */
export function randperm(n: number, options: RandomOptions = {}): Tensor {
  if (!Number.isInteger(n) || n < 0 || n > INT32_MAX) throw new Error(`randperm: n must be a non-negative integer below 2^31, got ${n}`);
  const dtype = checkDType('randperm', options.dtype, 'int32');
  if (dtype === 'bool') throw new Error('randperm: dtype must be int32, float32 or float64, got bool');
  const gen = generatorOf('randperm', options);
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = gen.nextBelow(i + 1);
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  const data = dtype === 'int32' ? perm : allocArray(dtype, n);
  if (data !== perm) data.set(perm);
  return finish('randperm', data, [n], dtype, options);
}

// ---- sampling -------------------------------------------------------------------------------------

/**
 * 1 with probability p, else 0, elementwise. `p` is a number (with `shape`, default 0-d) or a tensor
 * of probabilities (broadcast to `shape` when given). The result has p's floating dtype (float32 for a
 * number) unless `dtype` is given; a bool mask is `{ dtype: 'bool' }`. Not differentiable.
 *
 * ```ts
 * const mask = bernoulli(0.9, [4, 4]);
 * const coins = bernoulli(tensor([0.1, 0.5, 0.9]));
 * ```
 */
export function bernoulli(p: Tensor | number, shape?: readonly number[], options: RandomOptions = {}): Tensor {
  const gen = generatorOf('bernoulli', options);
  if (typeof p === 'number') {
    if (!(p >= 0 && p <= 1)) throw new Error(`bernoulli: p must be in [0, 1], got ${p}`);
    const outShape = shape === undefined ? [] : shapeArg('bernoulli', shape);
    const dtype = checkDType('bernoulli', options.dtype, DEFAULT_FLOAT);
    const data = allocArray(dtype, numelOf(outShape));
    fillBernoulli(data, gen, dtype, () => p);
    return finish('bernoulli', data, outShape, dtype, options);
  }
  checkTensorArg('bernoulli', p);
  const outShape = shape === undefined ? p.shape.slice() : shapeArg('bernoulli', shape);
  if (!shapesEqual(broadcastShapes('bernoulli', p.shape, outShape), outShape)) {
    throw new Error(`bernoulli: probabilities of shape ${formatShape(p.shape)} cannot be broadcast to shape ${formatShape(outShape)}`);
  }
  const probs = p.expand(outShape).toArray();
  for (let i = 0; i < probs.length; i++) {
    const v = probs[i]!;
    if (!(v >= 0 && v <= 1)) throw new Error(`bernoulli: probabilities must be in [0, 1], got ${v} at flat index ${i}`);
  }
  const dtype = checkDType('bernoulli', options.dtype, isFloating(p.dtype) ? p.dtype : DEFAULT_FLOAT);
  const data = allocArray(dtype, numelOf(outShape));
  fillBernoulli(data, gen, dtype, (i) => probs[i]!);
  return finish('bernoulli', data, outShape, dtype, options);
}

/** u < p with u uniform in [0, 1): 53-bit uniforms for float64 results, 24-bit otherwise. */
function fillBernoulli(out: TypedArray, gen: Generator, dtype: DType, p: (i: number) => number): void {
  const f64 = dtype === 'float64';
  for (let i = 0; i < out.length; i++) out[i] = (f64 ? gen.nextFloat64() : gen.nextFloat32()) < p(i) ? 1 : 0;
}

/**
 * Draws `numSamples` category indices (int32) from each row of `probs` ([n] or [rows, n]), with
 * weights proportional to the (non-negative, finite, not all zero) values. Without replacement a
 * category is drawn at most once per row, in the order a sequential draw would pick them.
 *
 * ```ts
 * multinomial(tensor([0.1, 0.6, 0.3]), 2);          // e.g. [1, 2]
 * multinomial(tensor([[1, 1], [0, 1]]), 4, true);    // [2, 4]
 * ```
 */
export function multinomial(probs: Tensor, numSamples: number, replacement = false, options: { generator?: Generator } = {}): Tensor {
  checkTensorArg('multinomial', probs);
  const gen = generatorOf('multinomial', options);
  if (probs.ndim !== 1 && probs.ndim !== 2) throw new Error(`multinomial: probs must be 1-D or 2-D, got shape ${formatShape(probs.shape)}`);
  if (probs.dtype === 'bool') throw new Error('multinomial: probs cannot be a bool tensor');
  if (!Number.isInteger(numSamples) || numSamples <= 0) throw new Error(`multinomial: numSamples must be a positive integer, got ${numSamples}`);
  const n = probs.shape[probs.ndim - 1]!;
  const rows = probs.ndim === 2 ? probs.shape[0]! : 1;
  if (n === 0) throw new Error(`multinomial: probs of shape ${formatShape(probs.shape)} has no categories`);
  if (!replacement && numSamples > n) {
    throw new Error(`multinomial: cannot draw ${numSamples} samples without replacement from ${n} categories`);
  }
  const w = probs.toArray();
  for (let i = 0; i < w.length; i++) {
    const v = w[i]!;
    if (!(v >= 0) || !Number.isFinite(v)) throw new Error(`multinomial: probabilities must be finite and non-negative, got ${v} at flat index ${i}`);
  }
  const out = new Int32Array(rows * numSamples);
  const cdf = new Float64Array(n);
  const keys = new Float64Array(n);
  const order: number[] = [];
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    let total = 0;
    let positive = 0;
    for (let j = 0; j < n; j++) {
      total += w[base + j]!;
      cdf[j] = total;
      if (w[base + j]! > 0) positive++;
    }
    if (!(total > 0)) throw new Error(`multinomial: the probabilities of row ${r} sum to ${total}; they must not all be zero`);
    if (replacement) {
      for (let s = 0; s < numSamples; s++) out[r * numSamples + s] = searchCdf(cdf, gen.nextFloat64() * total);
      continue;
    }
    if (positive < numSamples) {
      throw new Error(`multinomial: cannot draw ${numSamples} samples without replacement from row ${r}, which has ${positive} categories of non-zero probability`);
    }
    // Efraimidis-Spirakis: key_j = log(u_j) / w_j; the k largest keys, in decreasing order, are
    // distributed as k successive draws without replacement. One uniform per category, in order.
    order.length = 0;
    for (let j = 0; j < n; j++) {
      const u = 1 - gen.nextFloat64();
      const wj = w[base + j]!;
      if (wj > 0) {
        keys[j] = Math.log(u) / wj;
        order.push(j);
      }
    }
    order.sort((x, y) => keys[y]! - keys[x]! || x - y);
    for (let s = 0; s < numSamples; s++) out[r * numSamples + s] = order[s]!;
  }
  return fromArray(out, probs.ndim === 2 ? [rows, numSamples] : [numSamples], 'int32');
}

/** The first index whose cumulative weight exceeds x (categories of zero weight are never chosen). */
function searchCdf(cdf: Float64Array, x: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  // x can round up to the total: fall back to the last category with weight.
  while (lo > 0 && cdf[lo] === cdf[lo - 1]) lo--;
  return lo;
}
