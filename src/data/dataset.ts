/**
 * Datasets: indexed collections of samples (map-style) and streams (iterable).
 *
 * A map-style dataset's `get(index, rng?)` returns one sample. `rng` is the per-sample Generator a
 * DataLoader derives from (seed, epoch, index): random transforms draw from it, so a sample's
 * augmentation does not depend on batch order, workers or the resume point. Datasets that wrap
 * others pass it through.
 *
 * ```ts
 * const ds = new TensorDataset(x, y);                 // items [x[i], y[i]]
 * const [train, val] = randomSplit(ds, [0.8, 0.2], { seed: 0 });
 * const aug = train.map(([img, label], rng) => [flip(img, rng), label]);
 * ```
 */
import { Tensor } from '../tensor/tensor.js';
import { Generator } from '../tensor/generator.js';
import { formatShape } from '../tensor/shape.js';
import { deriveSeed, permutation, seedFrom } from './sampler.js';

/** A map-style dataset: `length` samples, any of them by index. */
export interface Dataset<T> {
  readonly length: number;
  /** Sample `index` (0 <= index < length); `rng` is the sample's generator for random transforms. */
  get(index: number, rng?: Generator): T;
}

/** A dataset read as a stream; `length`, when present, is the number of samples it yields. */
export interface IterableDataset<T> {
  [Symbol.iterator](): Iterator<T>;
  readonly length?: number;
}

/** True for a map-style dataset (has `get` and a numeric `length`). */
export function isMapDataset(d: unknown): d is Dataset<unknown> {
  return typeof d === 'object' && d !== null && typeof (d as Dataset<unknown>).get === 'function' && typeof (d as Dataset<unknown>).length === 'number';
}

/** Throws unless 0 <= index < length, naming the dataset class. */
export function checkIndex(op: string, index: number, length: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    throw new Error(`${op}: index ${index} is out of range for a dataset of length ${length}`);
  }
}

/** A per-sample transform for `.map`: the sample, its generator, its index. */
export type SampleFn<T, U> = (sample: T, rng: Generator, index: number) => U;

/**
 * Base class of the map-style datasets here: adds `.map(fn)` (a lazy per-sample transform).
 * Subclass it and implement `length` and `get` for your own data.
 */
export abstract class BaseDataset<T> implements Dataset<T> {
  abstract readonly length: number;
  abstract get(index: number, rng?: Generator): T;

  /**
   * A dataset whose sample i is `fn(this.get(i), rng, i)`, computed when read.
   *
   * ```ts
   * ds.map(([x, y], rng) => [randomFlip(x, rng), y]);
   * ```
   */
  map<U>(fn: SampleFn<T, U>, options: MapDatasetOptions = {}): MapDataset<T, U> {
    return new MapDataset(this, fn, options);
  }
}

/**
 * Row i of each tensor: `new TensorDataset(x, y).get(i)` is `[x[i], y[i]]` (views, no copy). Every
 * tensor must have the same size in dim 0. A DataLoader with the default collate gathers whole
 * batches from `tensors` with one indexSelect each instead of stacking rows.
 */
export class TensorDataset extends BaseDataset<Tensor[]> {
  readonly tensors: readonly Tensor[];
  readonly length: number;

  constructor(...tensors: Tensor[]) {
    super();
    if (tensors.length === 0) throw new Error('TensorDataset: needs at least one tensor');
    tensors.forEach((t, k) => {
      if (!(t instanceof Tensor)) throw new Error(`TensorDataset: argument ${k} is not a Tensor`);
      if (t.ndim === 0) throw new Error(`TensorDataset: tensor ${k} is 0-d; every tensor needs a first dim to index`);
    });
    const n = tensors[0]!.shape[0]!;
    tensors.forEach((t, k) => {
      if (t.shape[0] !== n) {
        throw new Error(`TensorDataset: every tensor must have the same size in dim 0; tensor 0 has ${n} (shape ${formatShape(tensors[0]!.shape)}), tensor ${k} has shape ${formatShape(t.shape)}`);
      }
    });
    this.tensors = tensors;
    this.length = n;
  }

  get(index: number): Tensor[] {
    checkIndex('TensorDataset', index, this.length);
    return this.tensors.map((t) => t.select(0, index));
  }
}

/** The samples of `dataset` at `indices`, in that order: `new Subset(ds, [3, 1, 4])`. */
export class Subset<T> extends BaseDataset<T> {
  readonly dataset: Dataset<T>;
  readonly indices: readonly number[];

  constructor(dataset: Dataset<T>, indices: ArrayLike<number>) {
    super();
    if (!isMapDataset(dataset)) throw new Error('Subset: dataset must be a map-style dataset (with length and get)');
    const list = Array.from(indices);
    list.forEach((v, k) => {
      if (!Number.isInteger(v) || v < 0 || v >= dataset.length) {
        throw new Error(`Subset: index ${v} at position ${k} is out of range for a dataset of length ${dataset.length}`);
      }
    });
    this.dataset = dataset;
    this.indices = list;
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number, rng?: Generator): T {
    checkIndex('Subset', index, this.indices.length);
    return this.dataset.get(this.indices[index]!, rng);
  }
}

/** Several datasets one after the other: `new ConcatDataset([a, b]).get(a.length)` is `b.get(0)`. */
export class ConcatDataset<T> extends BaseDataset<T> {
  readonly datasets: readonly Dataset<T>[];
  /** cumulative[k] = total length of datasets 0..k. */
  readonly cumulativeSizes: readonly number[];

  constructor(datasets: readonly Dataset<T>[]) {
    super();
    if (datasets.length === 0) throw new Error('ConcatDataset: needs at least one dataset');
    let total = 0;
    const cum: number[] = [];
    datasets.forEach((d, k) => {
      if (!isMapDataset(d)) throw new Error(`ConcatDataset: dataset ${k} is not map-style (needs length and get)`);
      total += d.length;
      cum.push(total);
    });
    this.datasets = datasets;
    this.cumulativeSizes = cum;
  }

  get length(): number {
    return this.cumulativeSizes[this.cumulativeSizes.length - 1]!;
  }

  get(index: number, rng?: Generator): T {
    checkIndex('ConcatDataset', index, this.length);
    let lo = 0;
    let hi = this.cumulativeSizes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulativeSizes[mid]! > index) hi = mid;
      else lo = mid + 1;
    }
    const start = lo === 0 ? 0 : this.cumulativeSizes[lo - 1]!;
    return this.datasets[lo]!.get(index - start, rng);
  }
}

export interface MapDatasetOptions {
  /**
   * Seed of the generators used when `get` is called without one (outside a DataLoader): sample i
   * then uses Generator(deriveSeed(seed, 0, i)), the same as a DataLoader with this seed at epoch 0.
   * Default 0.
   */
  seed?: number;
}

/**
 * Applies `fn(sample, rng, index)` to each sample of `dataset` when it is read. Inside a DataLoader
 * `rng` is the sample's (seed, epoch, index) generator; read directly, see `MapDatasetOptions.seed`.
 *
 * ```ts
 * const aug = new MapDataset(ds, ([x, y], rng) => [augment(x, rng), y]);
 * ```
 */
export class MapDataset<T, U> extends BaseDataset<U> {
  readonly dataset: Dataset<T>;
  private readonly fn: SampleFn<T, U>;
  private readonly seed: number;

  constructor(dataset: Dataset<T>, fn: SampleFn<T, U>, options: MapDatasetOptions = {}) {
    super();
    if (!isMapDataset(dataset)) throw new Error('MapDataset: dataset must be a map-style dataset (with length and get)');
    if (typeof fn !== 'function') throw new Error(`MapDataset: fn must be a function, got ${typeof fn}`);
    this.dataset = dataset;
    this.fn = fn;
    this.seed = options.seed ?? 0;
    if (!Number.isSafeInteger(this.seed)) throw new Error(`MapDataset: seed must be a safe integer, got ${this.seed}`);
  }

  get length(): number {
    return this.dataset.length;
  }

  get(index: number, rng?: Generator): U {
    checkIndex('MapDataset', index, this.length);
    const g = rng ?? new Generator(deriveSeed(this.seed, 0, index));
    return this.fn(this.dataset.get(index, g), g, index);
  }
}

export interface RandomSplitOptions {
  /** Seed of the permutation (default: drawn from `generator` or the global generator). */
  seed?: number;
  generator?: Generator;
}

/**
 * Splits a dataset into non-overlapping random subsets. `lengths` are counts summing to the dataset's
 * length, or fractions summing to 1: each gets floor(f * n) and the remainder is dealt one at a time
 * to the subsets in order (PyTorch's rule).
 *
 * ```ts
 * const [train, val] = randomSplit(ds, [0.9, 0.1], { seed: 42 });
 * const [a, b, c] = randomSplit(ds, [50, 30, 20], { seed: 42 });
 * ```
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: readonly number[], options: RandomSplitOptions = {}): Subset<T>[] {
  const op = 'randomSplit';
  if (!isMapDataset(dataset)) throw new Error(`${op}: dataset must be a map-style dataset (with length and get)`);
  if (lengths.length === 0) throw new Error(`${op}: lengths must not be empty`);
  const n = dataset.length;
  for (const l of lengths) {
    if (!(l >= 0) || !Number.isFinite(l)) throw new Error(`${op}: lengths must be non-negative numbers, got [${lengths.join(', ')}]`);
  }
  let counts: number[];
  const total = lengths.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) < 1e-9 && total <= n) {
    // Fractions (PyTorch's test: the lengths sum to 1 and that is not more than the dataset's size).
    counts = lengths.map((f) => Math.floor(f * n));
    let rest = n - counts.reduce((a, b) => a + b, 0);
    for (let k = 0; rest > 0; k = (k + 1) % counts.length, rest--) counts[k]!++;
  } else {
    if (!lengths.every((l) => Number.isInteger(l))) throw new Error(`${op}: fractions must sum to 1, got [${lengths.join(', ')}] (sum ${total})`);
    if (total !== n) throw new Error(`${op}: lengths [${lengths.join(', ')}] sum to ${total}, but the dataset has ${n} samples`);
    counts = lengths.slice();
  }
  const seed = options.seed ?? seedFrom(options.generator);
  if (!Number.isSafeInteger(seed)) throw new Error(`${op}: seed must be a safe integer, got ${seed}`);
  const perm = permutation(n, new Generator(seed));
  const out: Subset<T>[] = [];
  let start = 0;
  for (const c of counts) {
    out.push(new Subset(dataset, perm.subarray(start, start + c)));
    start += c;
  }
  return out;
}
