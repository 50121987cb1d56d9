/**
 * Random tensors. Every function draws from one global seeded generator (xoshiro128**, see
 * generator.ts for the algorithm, seeding and float derivation), or from the `generator` option.
 * The global generator starts seeded with DEFAULT_SEED (0), so a program is reproducible even without
 * `manualSeed`. Floats: float32 values use 24 random bits, float64 values 53; normal values come from
 * the Box-Muller transform on float64 uniforms (pairs: cos and sin), whatever the dtype, so
 * randn in float32 is randn in float64 rounded. Backends do not take part: values are generated here.
 *
 * ```ts
 * manualSeed(42);
 * const w = randn(3, 4);                          // float32, standard normal
 * const i = randint(0, 10, [5]);                  // int32 in [0, 10)
 * const g = new Generator(7);
 * const u = rand([2], { dtype: 'float64', generator: g });
 * ```
 */
import { Tensor } from './tensor.js';
import type { DType, TypedArray } from './dtype.js';
import { allocArray, resultType, toFloating } from './dtype.js';
import { broadcastShapes, formatShape, numelOf, shapesEqual } from './shape.js';
import { splitSizeArgs, type SizeArgs } from './args.js';
import { fromArray } from './creation.js';
import { defaultGenerator, type Generator, type RngState } from './generator.js';
import { checkTensorArg, finish, floatDType, generatorOf, shapeArg, type RandomOptions } from './random-support.js';
import { noGrad } from '../autograd/grad-mode.js';

export { Generator, DEFAULT_SEED, defaultGenerator, type RngState } from './generator.js';
export type { RandomOptions } from './random-support.js';
export { randint, randintLike, randperm, bernoulli, multinomial } from './random-discrete.js';

/** Seeds the global generator (a safe integer); returns it. */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}

/** The seed the global generator was last seeded with. */
export function initialSeed(): number {
  return defaultGenerator.initialSeed();
}

/** The global generator's state as plain JSON, for checkpoints. */
export function getRngState(): RngState {
  return defaultGenerator.getState();
}

/** Restores the global generator's state from `getRngState()`. */
export function setRngState(state: RngState): void {
  defaultGenerator.setState(state);
}

// ---- internals ------------------------------------------------------------------------------------

const F32 = new Float32Array(1);
const F32_BITS = new Uint32Array(F32.buffer);
const F64 = new Float64Array(1);
const F64_BITS = new BigUint64Array(F64.buffer);

/** The largest value of `dtype` below x (x finite). */
function nextDown(x: number, dtype: DType): number {
  if (dtype === 'float32') {
    F32[0] = x;
    if (x === 0) return -1.401298464324817e-45;
    F32_BITS[0] = x > 0 ? F32_BITS[0]! - 1 : F32_BITS[0]! + 1;
    return F32[0]!;
  }
  F64[0] = x;
  if (x === 0) return -Number.MIN_VALUE;
  F64_BITS[0] = x > 0 ? F64_BITS[0]! - 1n : F64_BITS[0]! + 1n;
  return F64[0]!;
}

/** Fills `out` with uniform values in [low, high) of `dtype` (24-bit uniforms for float32, 53 for float64). */
function fillUniform(out: TypedArray, gen: Generator, dtype: DType, low: number, high: number): void {
  const n = out.length;
  const f64 = dtype === 'float64';
  if (low === 0 && high === 1) {
    for (let i = 0; i < n; i++) out[i] = f64 ? gen.nextFloat64() : gen.nextFloat32();
    return;
  }
  if (low === high) {
    out.fill(low);
    return;
  }
  // low + (high - low) u can round up to `high` in the output dtype; keep the interval half-open.
  const top = f64 ? high : Math.fround(high);
  const below = Math.max(nextDown(top, dtype), f64 ? low : Math.fround(low));
  const span = high - low;
  for (let i = 0; i < n; i++) {
    const u = f64 ? gen.nextFloat64() : gen.nextFloat32();
    const v = f64 ? low + span * u : Math.fround(low + span * u);
    out[i] = v >= top ? below : v;
  }
}

/** Fills `out` with normal values by Box-Muller, two per pair of float64 uniforms (the last sine is dropped for odd lengths). */
function fillNormal(out: TypedArray, gen: Generator, mean: number, std: number): void {
  const n = out.length;
  for (let i = 0; i < n; i += 2) {
    const u1 = 1 - gen.nextFloat64(); // in (0, 1], so the log is finite
    const u2 = gen.nextFloat64();
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    out[i] = mean + std * r * Math.cos(theta);
    if (i + 1 < n) out[i + 1] = mean + std * r * Math.sin(theta);
  }
}

// ---- uniform and normal ---------------------------------------------------------------------------

/** Uniform values in [0, 1): rand(2, 3), rand([2, 3], { dtype, requiresGrad, generator }). */
export function rand(...args: SizeArgs<RandomOptions>): Tensor {
  const [shape, options] = splitSizeArgs<RandomOptions>('rand', args);
  return randImpl('rand', shape, options);
}

/** Standard normal values (mean 0, variance 1): randn(2, 3), randn([2, 3], { dtype }). */
export function randn(...args: SizeArgs<RandomOptions>): Tensor {
  const [shape, options] = splitSizeArgs<RandomOptions>('randn', args);
  return randnImpl('randn', shape, options);
}

function randImpl(op: string, shape: number[], options: RandomOptions): Tensor {
  const dtype = floatDType(op, options);
  const data = allocArray(dtype, numelOf(shape));
  fillUniform(data, generatorOf(op, options), dtype, 0, 1);
  return finish(op, data, shape, dtype, options);
}

function randnImpl(op: string, shape: number[], options: RandomOptions): Tensor {
  const dtype = floatDType(op, options);
  const data = allocArray(dtype, numelOf(shape));
  fillNormal(data, generatorOf(op, options), 0, 1);
  return finish(op, data, shape, dtype, options);
}

/** Uniform values in [low, high) (PyTorch's `uniform_` as a function): uniform([3], -1, 1). */
export function uniform(shape: readonly number[], low = 0, high = 1, options: RandomOptions = {}): Tensor {
  const s = shapeArg('uniform', shape);
  if (!Number.isFinite(low) || !Number.isFinite(high) || low > high) {
    throw new Error(`uniform: expects finite low <= high, got low ${low} and high ${high}`);
  }
  const dtype = floatDType('uniform', options);
  const data = allocArray(dtype, numelOf(s));
  fillUniform(data, generatorOf('uniform', options), dtype, low, high);
  return finish('uniform', data, s, dtype, options);
}

/**
 * Normal values with the given mean and standard deviation.
 * - `normal(0, 2, [3, 4])`: numbers and a shape.
 * - `normal(meanTensor, stdTensor)` (either may be a number): one draw per element of the broadcast
 *   shape, in the promoted floating dtype.
 * As in PyTorch, no gradient flows to `mean` or `std`; for the reparameterization trick write
 * `mean.add(std.mul(randnLike(mean)))`.
 */
export function normal(mean: Tensor | number, std: Tensor | number, shape?: readonly number[], options: RandomOptions = {}): Tensor {
  const gen = generatorOf('normal', options);
  const mt = mean instanceof Tensor;
  const st = std instanceof Tensor;
  if (!mt && typeof mean !== 'number') throw new Error(`normal: mean must be a Tensor or a number, got ${typeof mean}`);
  if (!st && typeof std !== 'number') throw new Error(`normal: std must be a Tensor or a number, got ${typeof std}`);
  checkStd(std);
  if (!mt && !st) {
    if (shape === undefined) throw new Error('normal: with numbers for mean and std, pass a shape: normal(0, 1, [2, 3])');
    const s = shapeArg('normal', shape);
    if (!Number.isFinite(mean)) throw new Error(`normal: mean must be finite, got ${mean}`);
    const dtype = floatDType('normal', options);
    const data = allocArray(dtype, numelOf(s));
    fillNormal(data, gen, mean as number, std as number);
    return finish('normal', data, s, dtype, options);
  }
  const outShape = broadcastShapes('normal', mt ? mean.shape : [], st ? std.shape : []);
  if (shape !== undefined && !shapesEqual(shapeArg('normal', shape), outShape)) {
    throw new Error(`normal: shape ${formatShape(shape)} differs from the shape ${formatShape(outShape)} of mean and std; omit it`);
  }
  if ((mt && mean.dtype === 'bool') || (st && std.dtype === 'bool')) throw new Error('normal: mean and std cannot be bool tensors');
  const dtype = options.dtype === undefined ? toFloating(resultType(mean, std)) : floatDType('normal', options);
  const z = allocArray(dtype, numelOf(outShape));
  fillNormal(z, gen, 0, 1);
  const out = noGrad(() => fromArray(z, outShape, dtype).mul(std).add(mean).to(dtype));
  return finish('normal', out.data, outShape, dtype, options);
}

function checkStd(std: Tensor | number): void {
  if (typeof std === 'number') {
    if (!(std >= 0) || !Number.isFinite(std)) throw new Error(`normal: std must be finite and non-negative, got ${std}`);
    return;
  }
  const values = std.toArray();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= 0) || !Number.isFinite(v)) throw new Error(`normal: std must be finite and non-negative, got ${v} at flat index ${i}`);
  }
}

/** Uniform values in [0, 1) with the shape (and, unless given, dtype) of `t`. */
export function randLike(t: Tensor, options: RandomOptions = {}): Tensor {
  checkTensorArg('randLike', t);
  return randImpl('randLike', t.shape.slice(), { ...options, dtype: options.dtype ?? t.dtype });
}

/** Standard normal values with the shape (and, unless given, dtype) of `t`. */
export function randnLike(t: Tensor, options: RandomOptions = {}): Tensor {
  checkTensorArg('randnLike', t);
  return randnImpl('randnLike', t.shape.slice(), { ...options, dtype: options.dtype ?? t.dtype });
}

// ---- argument checks ------------------------------------------------------------------------------
