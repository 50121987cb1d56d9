/**
 * Samplers: which dataset indices an epoch visits, and in what order.
 *
 * Determinism: a sampler's order is a pure function of (its seed, the epoch), never of how many times
 * it was iterated before, so a run resumed at epoch 7 sees the same order as one that ran through
 * epochs 0..6. Each epoch draws from a fresh Generator seeded with `deriveSeed(seed, epoch, stream)`.
 * A sampler built without a seed takes one from the global generator when it is constructed, so
 * `manualSeed(s)` before building it makes it reproducible.
 *
 * ```ts
 * const s = new RandomSampler(1000, { seed: 1 });
 * const order = [...s.indices(0)];            // epoch 0; indices(1) is another permutation
 * const b = new BatchSampler(s, 32, { dropLast: true });
 * for (const batch of b.batches(0)) { ... }  // arrays of 32 indices
 * ```
 */
import { Generator, defaultGenerator } from '../tensor/generator.js';

/** Anything with a number of indices per epoch and an epoch's order. */
export interface Sampler {
  /** How many indices one epoch yields. */
  readonly length: number;
  /** The indices of `epoch`, in order. Must not depend on earlier calls. */
  indices(epoch: number): Iterable<number>;
}

/** Groups indices into batches. */
export interface BatchSamplerLike {
  /** Batches per epoch. */
  readonly length: number;
  batches(epoch: number): Iterable<number[]>;
}

// ---- seeds ----------------------------------------------------------------------------------------

/** murmur3's 32-bit finaliser: a bijection on 32-bit words with full avalanche. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A safe-integer seed derived from a base seed and any integers (epoch, sample index, stream tag), for
 * `new Generator(...)`. Nearby inputs give unrelated outputs; the Generator's own SplitMix64 seeding
 * scrambles it again. Pure 32-bit arithmetic, so cheap enough to call once per sample.
 *
 * ```ts
 * const g = new Generator(deriveSeed(seed, epoch, index));
 * ```
 */
export function deriveSeed(seed: number, ...parts: number[]): number {
  if (!Number.isSafeInteger(seed)) throw new Error(`deriveSeed: seed must be a safe integer, got ${seed}`);
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  let a = fmix32(lo ^ fmix32(hi + 0x9e3779b9));
  let b = fmix32(hi ^ fmix32(lo + 0x7f4a7c15));
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k]!;
    if (!Number.isSafeInteger(p)) throw new Error(`deriveSeed: part ${k} must be a safe integer, got ${p}`);
    const plo = p >>> 0;
    const phi = Math.floor(p / 4294967296) >>> 0;
    a = fmix32(a ^ fmix32(plo + Math.imul(k + 1, 0x9e3779b9)) ^ phi);
    b = fmix32(b ^ fmix32(plo ^ Math.imul(k + 1, 0x85ebca6b)) ^ fmix32(phi + 1));
  }
  return (a & 0x1fffff) * 4294967296 + b; // 21 + 32 = 53 bits: a safe integer
}

/** Stream tags, so that a sampler's generator never coincides with a sample's for the same seed. */
export const SAMPLER_STREAM = -1;

/** A seed for when the caller gave none: drawn from `generator` or the global one. */
export function seedFrom(generator?: Generator): number {
  const g = generator ?? defaultGenerator;
  return (g.nextUint32() & 0x1fffff) * 4294967296 + g.nextUint32();
}

function checkEpoch(op: string, epoch: number): void {
  if (!Number.isSafeInteger(epoch) || epoch < 0) throw new Error(`${op}: epoch must be a non-negative integer, got ${epoch}`);
}

function checkCount(op: string, name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${op}: ${name} must be a non-negative integer, got ${n}`);
}

/** Options shared by the random samplers. */
export interface SeedOptions {
  /** Base seed; the order of epoch e is f(seed, e). Default: drawn from `generator` or the global generator. */
  seed?: number;
  /** Where to draw the seed from when `seed` is absent (once, at construction). */
  generator?: Generator;
}

function epochGenerator(op: string, seed: number, epoch: number): Generator {
  checkEpoch(op, epoch);
  return new Generator(deriveSeed(seed, epoch, SAMPLER_STREAM));
}

// ---- samplers ---------------------------------------------------------------------------------------

/** 0, 1, ..., n-1 every epoch: `new SequentialSampler(dataset.length)`. */
export class SequentialSampler implements Sampler {
  readonly length: number;
  constructor(length: number) {
    checkCount('SequentialSampler', 'length', length);
    this.length = length;
  }
  *indices(epoch: number): Iterable<number> {
    checkEpoch('SequentialSampler', epoch);
    for (let i = 0; i < this.length; i++) yield i;
  }
}

export interface RandomSamplerOptions extends SeedOptions {
  /** Draw with replacement (default false: a permutation). */
  replacement?: boolean;
  /** Indices per epoch (default n). Without replacement, more than n repeats whole permutations. */
  numSamples?: number;
}

/**
 * A random order of 0..n-1 per epoch: a permutation (Fisher-Yates), or `numSamples` uniform draws
 * with `replacement`. Without replacement, `numSamples > n` concatenates fresh permutations, as
 * PyTorch does.
 *
 * ```ts
 * new RandomSampler(100, { seed: 3 });
 * new RandomSampler(100, { replacement: true, numSamples: 500, seed: 3 });
 * ```
 */
export class RandomSampler implements Sampler {
  readonly length: number;
  readonly seed: number;
  private readonly n: number;
  private readonly replacement: boolean;

  constructor(n: number, options: RandomSamplerOptions = {}) {
    checkCount('RandomSampler', 'the dataset length', n);
    this.n = n;
    this.replacement = options.replacement ?? false;
    const numSamples = options.numSamples ?? n;
    if (!Number.isSafeInteger(numSamples) || numSamples < 0) throw new Error(`RandomSampler: numSamples must be a non-negative integer, got ${numSamples}`);
    if (n === 0 && numSamples > 0) throw new Error(`RandomSampler: cannot draw ${numSamples} samples from an empty dataset`);
    this.length = numSamples;
    this.seed = options.seed ?? seedFrom(options.generator);
    if (!Number.isSafeInteger(this.seed)) throw new Error(`RandomSampler: seed must be a safe integer, got ${this.seed}`);
  }

  *indices(epoch: number): Iterable<number> {
    const g = epochGenerator('RandomSampler', this.seed, epoch);
    if (this.replacement) {
      for (let i = 0; i < this.length; i++) yield g.nextBelow(this.n);
      return;
    }
    let left = this.length;
    while (left > 0) {
      const perm = permutation(this.n, g);
      const take = Math.min(left, this.n);
      for (let i = 0; i < take; i++) yield perm[i]!;
      left -= take;
    }
  }
}

/** A Fisher-Yates permutation of 0..n-1 from `g` (the same algorithm as randperm). */
export function permutation(n: number, g: Generator): Int32Array {
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = g.nextBelow(i + 1);
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  return perm;
}

/**
 * A random permutation of the given indices per epoch (e.g. a validation fold of one dataset).
 *
 * ```ts
 * new SubsetRandomSampler([0, 5, 9, 12], { seed: 1 });
 * ```
 */
export class SubsetRandomSampler implements Sampler {
  readonly length: number;
  readonly seed: number;
  private readonly subset: Int32Array;

  constructor(indices: ArrayLike<number>, options: SeedOptions = {}) {
    this.subset = Int32Array.from(checkIndexList('SubsetRandomSampler', indices));
    this.length = this.subset.length;
    this.seed = options.seed ?? seedFrom(options.generator);
  }

  *indices(epoch: number): Iterable<number> {
    const perm = permutation(this.length, epochGenerator('SubsetRandomSampler', this.seed, epoch));
    for (let i = 0; i < perm.length; i++) yield this.subset[perm[i]!]!;
  }
}

function checkIndexList(op: string, indices: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < indices.length; i++) {
    const v = indices[i]!;
    if (!Number.isInteger(v) || v < 0 || v > 2147483647) throw new Error(`${op}: indices must be non-negative integers, got ${v} at position ${i}`);
    out.push(v);
  }
  return out;
}

export interface WeightedRandomSamplerOptions extends SeedOptions {
  /** Default true. Without replacement, numSamples must not exceed the number of positive weights. */
  replacement?: boolean;
}

/**
 * Draws `numSamples` indices with probability proportional to `weights` (need not sum to 1), e.g. to
 * balance classes: weight each sample by 1 / (its class's count).
 *
 * With replacement each draw is a binary search in the cumulative weights (O(log n)); without, each
 * draw removes the chosen index (O(n) per draw, sequential sampling without replacement like
 * torch.multinomial).
 *
 * ```ts
 * new WeightedRandomSampler([0.1, 0.9], 100, { seed: 0 }); // index 1 about 90 times
 * ```
 */
export class WeightedRandomSampler implements Sampler {
  readonly length: number;
  readonly seed: number;
  private readonly weights: Float64Array;
  private readonly replacement: boolean;

  constructor(weights: ArrayLike<number>, numSamples: number, options: WeightedRandomSamplerOptions = {}) {
    const op = 'WeightedRandomSampler';
    if (weights.length === 0) throw new Error(`${op}: weights must not be empty`);
    this.weights = Float64Array.from(weights as ArrayLike<number>);
    let positive = 0;
    for (let i = 0; i < this.weights.length; i++) {
      const w = this.weights[i]!;
      if (!(w >= 0) || !Number.isFinite(w)) throw new Error(`${op}: weights must be finite and non-negative, got ${w} at index ${i}`);
      if (w > 0) positive++;
    }
    if (positive === 0) throw new Error(`${op}: at least one weight must be positive`);
    if (!Number.isSafeInteger(numSamples) || numSamples <= 0) throw new Error(`${op}: numSamples must be a positive integer, got ${numSamples}`);
    this.replacement = options.replacement ?? true;
    if (!this.replacement && numSamples > positive) {
      throw new Error(`${op}: cannot draw ${numSamples} samples without replacement from ${positive} positive weights`);
    }
    this.length = numSamples;
    this.seed = options.seed ?? seedFrom(options.generator);
  }

  *indices(epoch: number): Iterable<number> {
    const g = epochGenerator('WeightedRandomSampler', this.seed, epoch);
    const n = this.weights.length;
    if (this.replacement) {
      const cum = new Float64Array(n);
      let total = 0;
      for (let i = 0; i < n; i++) cum[i] = total += this.weights[i]!;
      for (let s = 0; s < this.length; s++) {
        const u = g.nextFloat64() * total;
        // The first i with cum[i] > u; zero-weight entries have cum equal to their predecessor's and are skipped.
        let lo = 0;
        let hi = n - 1;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (cum[mid]! > u) hi = mid;
          else lo = mid + 1;
        }
        yield lo;
      }
      return;
    }
    const w = Float64Array.from(this.weights);
    let total = w.reduce((a, b) => a + b, 0);
    for (let s = 0; s < this.length; s++) {
      let u = g.nextFloat64() * total;
      let pick = -1;
      for (let i = 0; i < n; i++) {
        if (w[i]! <= 0) continue;
        pick = i; // the last positive entry absorbs rounding at the top end
        if (u < w[i]!) break;
        u -= w[i]!;
      }
      total -= w[pick]!;
      w[pick] = 0;
      yield pick;
    }
  }
}

export interface BatchSamplerOptions {
  /** Drop the last batch when it is smaller than batchSize (default false). */
  dropLast?: boolean;
}

/**
 * Groups a sampler's indices into arrays of `batchSize` (the last may be shorter unless `dropLast`).
 *
 * ```ts
 * const b = new BatchSampler(new SequentialSampler(10), 4);
 * [...b.batches(0)]; // [[0,1,2,3], [4,5,6,7], [8,9]]
 * ```
 */
export class BatchSampler implements BatchSamplerLike {
  readonly sampler: Sampler;
  readonly batchSize: number;
  readonly dropLast: boolean;

  constructor(sampler: Sampler | readonly number[], batchSize: number, options: BatchSamplerOptions = {}) {
    if (!Number.isSafeInteger(batchSize) || batchSize <= 0) throw new Error(`BatchSampler: batchSize must be a positive integer, got ${batchSize}`);
    this.sampler = asSampler('BatchSampler', sampler);
    this.batchSize = batchSize;
    this.dropLast = options.dropLast ?? false;
  }

  get length(): number {
    const n = this.sampler.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  *batches(epoch: number): Iterable<number[]> {
    let batch: number[] = [];
    for (const i of this.sampler.indices(epoch)) {
      batch.push(i);
      if (batch.length === this.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.dropLast) yield batch;
  }
}

/** A fixed list of indices as a Sampler (the same order every epoch). */
export function asSampler(op: string, s: Sampler | readonly number[]): Sampler {
  if (Array.isArray(s)) {
    const list = checkIndexList(op, s);
    return { length: list.length, indices: () => list };
  }
  const sampler = s as Sampler;
  if (typeof sampler?.indices !== 'function' || typeof sampler.length !== 'number') {
    throw new Error(`${op}: sampler must be an array of indices or have 'length' and 'indices(epoch)', got ${String(s)}`);
  }
  return sampler;
}
