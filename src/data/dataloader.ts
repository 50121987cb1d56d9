/**
 * DataLoader: batches from a dataset, in a seeded order, synchronously or asynchronously.
 *
 * ```ts
 * const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 64, shuffle: true, seed: 0 });
 * for (let epoch = 0; epoch < 10; epoch++) {
 *   loader.setEpoch(epoch);                    // optional: see "Epochs" below
 *   for (const [xb, yb] of loader) { ... }     // or: for await (const [xb, yb] of loader)
 * }
 * ```
 *
 * Determinism. The order of an epoch depends only on (seed, epoch) (see sampler.ts), and sample i's
 * generator, which `transform` and MapDatasets draw from, is `new Generator(deriveSeed(seed, epoch, i))`.
 * So batches are the same whether they are built in this thread or in workers, and a run resumed at
 * epoch e sees what an uninterrupted one saw. Without `seed`, one is drawn at construction from
 * `generator` or the global generator (so `manualSeed` before building the loader fixes it).
 *
 * Epochs. `setEpoch(e)` chooses the epoch of the next iteration. Without it, each iteration that runs
 * to the end advances the epoch by one (an iteration left early, e.g. to peek at one batch, does not),
 * so a plain `for` loop per epoch shuffles differently every time. `loader.epoch` is the epoch the
 * next iteration will use.
 *
 * Speed. For a TensorDataset with the default collate and no transform, a batch is gathered straight
 * from the dataset's tensors, one row copy per sample, without building per-sample view tensors
 * (`gatherRows`; bench/data.ts compares it with reading and stacking rows, and with indexSelect,
 * which is slower here because the general gather kernel walks every element).
 * Async iteration prepares up to `prefetch` batches ahead; in this single thread that only overlaps
 * with the consumer's own awaits (I/O), while `numWorkers` builds batches in worker threads in
 * parallel with training (see worker-pool.ts, and bench/data.ts for when that pays).
 */
import { Tensor } from '../tensor/tensor.js';
import { Generator } from '../tensor/generator.js';
import { fromArray } from '../tensor/creation.js';
import { allocArray } from '../tensor/dtype.js';
import { indexSelect } from '../ops/indexing.js';
import { noGrad } from '../autograd/grad-mode.js';
import { TensorDataset, isMapDataset, type Dataset, type IterableDataset } from './dataset.js';
import { defaultCollate, type CollateFn, type Collated } from './collate.js';
import { BatchSampler, RandomSampler, SequentialSampler, asSampler, deriveSeed, seedFrom, type BatchSamplerLike, type Sampler } from './sampler.js';
import { WorkerPool, workerSpecOf, type WorkerDatasetSpec } from './worker-pool.js';
import type { Transform } from './transforms/transform.js';

export interface DataLoaderOptions<T, B> {
  /** Samples per batch (default 1). */
  batchSize?: number;
  /** Random order each epoch (default false). Exclusive with sampler and batchSampler. */
  shuffle?: boolean;
  /** Base seed of the shuffling and of every sample's generator. */
  seed?: number;
  /** Where to draw the seed from when `seed` is absent (once, at construction; default the global generator). */
  generator?: Generator;
  /** Drop the last, smaller batch (default false). */
  dropLast?: boolean;
  /** Samples → batch (default defaultCollate). */
  collate?: CollateFn<T, B>;
  /** The indices of each epoch (replaces shuffle). */
  sampler?: Sampler | readonly number[];
  /** Whole batches of indices (replaces batchSize, shuffle, sampler, dropLast). */
  batchSampler?: BatchSamplerLike | readonly (readonly number[])[];
  /**
   * Applied with the sample's generator to the input: the first element of an array sample (`x` of
   * `[x, y]`), or the sample itself when it is a tensor.
   */
  transform?: Transform;
  /** Applied to the second element of an array sample (the target). */
  targetTransform?: Transform;
  /** Batches prepared ahead during async iteration (default 1; with workers, per worker; default 2 then). */
  prefetch?: number;
  /**
   * Worker threads that build batches during async iteration (default 0: this thread). Needs a
   * dataset from `loadDatasetModule` or the `worker` option; sync iteration always uses this thread.
   */
  numWorkers?: number;
  /** How workers build the dataset, when it was not loaded with `loadDatasetModule`. */
  worker?: WorkerDatasetSpec;
}

function positiveInt(name: string, v: number): number {
  if (!Number.isSafeInteger(v) || v <= 0) throw new Error(`DataLoader: ${name} must be a positive integer, got ${v}`);
  return v;
}

/** A DataLoader over a map-style or iterable dataset; see the file comment. */
/** The batch type of a loader with the default collate: untyped samples give untyped batches. */
export type DefaultBatch<T> = unknown extends T ? unknown : Collated<T>;

export class DataLoader<T = unknown, B = DefaultBatch<T>> implements Iterable<B>, AsyncIterable<B> {
  readonly dataset: Dataset<T> | IterableDataset<T>;
  readonly batchSize: number;
  readonly dropLast: boolean;
  /** The base seed of shuffling and sample generators. */
  readonly seed: number;
  readonly numWorkers: number;
  readonly prefetch: number;
  private readonly batchSampler: BatchSamplerLike | null;
  private readonly collateFn: CollateFn<T, B>;
  private readonly customCollate: boolean;
  private readonly transform: Transform | undefined;
  private readonly targetTransform: Transform | undefined;
  private readonly workerSpec: WorkerDatasetSpec | undefined;
  private nextEpoch = 0;
  private pool: WorkerPool | null = null;

  constructor(dataset: Dataset<T> | IterableDataset<T>, options: DataLoaderOptions<T, B> = {}) {
    const o = options;
    const mapStyle = isMapDataset(dataset);
    if (!mapStyle && typeof (dataset as IterableDataset<T>)?.[Symbol.iterator] !== 'function') {
      throw new Error('DataLoader: dataset must be map-style (length and get) or iterable');
    }
    this.dataset = dataset;
    this.batchSize = positiveInt('batchSize', o.batchSize ?? 1);
    this.dropLast = o.dropLast ?? false;
    this.seed = o.seed ?? seedFrom(o.generator);
    if (!Number.isSafeInteger(this.seed)) throw new Error(`DataLoader: seed must be a safe integer, got ${this.seed}`);
    this.collateFn = o.collate ?? (defaultCollate as unknown as CollateFn<T, B>);
    this.customCollate = o.collate !== undefined;
    if (o.collate !== undefined && typeof o.collate !== 'function') throw new Error('DataLoader: collate must be a function');
    this.transform = o.transform;
    this.targetTransform = o.targetTransform;
    this.numWorkers = o.numWorkers ?? 0;
    if (!Number.isSafeInteger(this.numWorkers) || this.numWorkers < 0) throw new Error(`DataLoader: numWorkers must be a non-negative integer, got ${this.numWorkers}`);
    this.prefetch = positiveInt('prefetch', o.prefetch ?? (this.numWorkers > 0 ? 2 : 1));
    this.batchSampler = mapStyle ? this.makeBatchSampler(dataset, o) : null;
    if (!mapStyle && (o.shuffle || o.sampler || o.batchSampler)) {
      throw new Error('DataLoader: shuffle, sampler and batchSampler need a map-style dataset, not an iterable one');
    }
    this.workerSpec = o.worker ?? workerSpecOf(dataset);
    if (this.numWorkers > 0) {
      if (!mapStyle) throw new Error('DataLoader: numWorkers needs a map-style dataset');
      if (this.workerSpec === undefined) {
        throw new Error('DataLoader: numWorkers needs a dataset a worker can build: load it with loadDatasetModule({ module, export, args }) or pass the worker option');
      }
      if (this.transform || this.targetTransform) {
        throw new Error('DataLoader: transform and targetTransform cannot be sent to worker threads; apply them in the worker dataset (dataset.map) instead');
      }
    }
  }

  private makeBatchSampler(dataset: Dataset<T>, o: DataLoaderOptions<T, B>): BatchSamplerLike {
    if (o.batchSampler !== undefined) {
      if (o.shuffle || o.sampler !== undefined || o.dropLast || o.batchSize !== undefined) {
        throw new Error('DataLoader: batchSampler is exclusive with batchSize, shuffle, sampler and dropLast');
      }
      if (Array.isArray(o.batchSampler)) {
        const list = (o.batchSampler as readonly (readonly number[])[]).map((b) => b.slice());
        return { length: list.length, batches: () => list };
      }
      const bs = o.batchSampler as BatchSamplerLike;
      if (typeof bs.batches !== 'function') throw new Error('DataLoader: batchSampler must be an array of index arrays or have batches(epoch)');
      return bs;
    }
    if (o.shuffle && o.sampler !== undefined) throw new Error('DataLoader: shuffle and sampler are exclusive (a sampler sets the order)');
    const sampler = o.sampler !== undefined ? asSampler('DataLoader', o.sampler) : o.shuffle ? new RandomSampler(dataset.length, { seed: this.seed }) : new SequentialSampler(dataset.length);
    return new BatchSampler(sampler, this.batchSize, { dropLast: this.dropLast });
  }

  /** The number of batches per epoch (for an iterable dataset, only when it has a length). */
  get length(): number {
    if (this.batchSampler) return this.batchSampler.length;
    const n = (this.dataset as IterableDataset<T>).length;
    if (typeof n !== 'number') throw new Error('DataLoader: length is unknown for an iterable dataset without a length');
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The epoch the next iteration uses. */
  get epoch(): number {
    return this.nextEpoch;
  }

  /** Sets the epoch of the next iteration (its order and sample generators). */
  setEpoch(epoch: number): void {
    if (!Number.isSafeInteger(epoch) || epoch < 0) throw new Error(`DataLoader: setEpoch expects a non-negative integer, got ${epoch}`);
    this.nextEpoch = epoch;
  }

  /** Ends the worker threads, if any (they are restarted by the next async iteration). */
  async close(): Promise<void> {
    const p = this.pool;
    this.pool = null;
    if (p) await p.close();
  }

  // ---- building batches -----------------------------------------------------------------------

  /** True when a batch can be gathered from a TensorDataset's tensors directly. */
  private get gatherFast(): boolean {
    return this.dataset instanceof TensorDataset && !this.customCollate && !this.transform && !this.targetTransform;
  }

  /** Sample `index` of epoch `epoch`, with its generator and the transforms applied. */
  private sample(index: number, epoch: number, position = index): T {
    const plain = this.dataset instanceof TensorDataset && !this.transform && !this.targetTransform;
    const rng = plain ? undefined : new Generator(deriveSeed(this.seed, epoch, position));
    const s = (this.dataset as Dataset<T>).get(index, rng);
    return this.transformed(s, rng);
  }

  private transformed(s: T, rng: Generator | undefined): T {
    if (!this.transform && !this.targetTransform) return s;
    const g = rng!;
    if (s instanceof Tensor) {
      if (this.targetTransform) throw new Error('DataLoader: targetTransform needs array samples [input, target]');
      return this.transform!(s, g) as T;
    }
    if (!Array.isArray(s)) throw new Error('DataLoader: transform needs samples that are a tensor or an array [input, target, ...]');
    const out = s.slice();
    if (this.transform) out[0] = this.transform(asTensor('transform', out[0]), g);
    if (this.targetTransform) out[1] = this.targetTransform(asTensor('targetTransform', out[1]), g);
    return out as T;
  }

  /** One batch from a list of indices. */
  batchOf(indices: readonly number[], epoch: number): B {
    if (this.gatherFast) return (this.dataset as unknown as TensorDataset).tensors.map((t) => gatherRows(t, indices)) as B;
    return this.collateFn(indices.map((i) => this.sample(i, epoch)));
  }

  private beginEpoch(): number {
    return this.nextEpoch;
  }

  private endEpoch(epoch: number): void {
    // Advance only if nobody chose another epoch meanwhile.
    if (this.nextEpoch === epoch) this.nextEpoch = epoch + 1;
  }

  // ---- iteration ------------------------------------------------------------------------------

  *[Symbol.iterator](): Iterator<B> {
    const epoch = this.beginEpoch();
    if (this.batchSampler) {
      for (const indices of this.batchSampler.batches(epoch)) yield this.batchOf(indices, epoch);
    } else {
      yield* this.iterableBatches(epoch);
    }
    this.endEpoch(epoch);
  }

  /** Batches of an iterable dataset: consecutive samples, sample k's generator from (seed, epoch, k). */
  private *iterableBatches(epoch: number): IterableIterator<B> {
    let pending: T[] = [];
    let k = 0;
    for (const s of this.dataset as IterableDataset<T>) {
      const rng = this.transform || this.targetTransform ? new Generator(deriveSeed(this.seed, epoch, k)) : undefined;
      pending.push(this.transformed(s, rng));
      k++;
      if (pending.length === this.batchSize) {
        yield this.collateFn(pending);
        pending = [];
      }
    }
    if (pending.length > 0 && !this.dropLast) yield this.collateFn(pending);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    if (this.numWorkers > 0) {
      yield* this.workerBatches();
      return;
    }
    const source = this[Symbol.iterator]();
    // Run the sync iterator one batch ahead inside setImmediate callbacks: the next batch is built
    // while the consumer awaits something else. The epoch bookkeeping is the sync iterator's.
    const queue: Promise<IteratorResult<B>>[] = [];
    const timers: NodeJS.Immediate[] = [];
    const schedule = (): void => {
      queue.push(
        new Promise((resolve, reject) => {
          timers.push(
            setImmediate(() => {
              try {
                resolve(source.next());
              } catch (e) {
                reject(e);
              }
            }),
          );
        }),
      );
    };
    try {
      for (let k = 0; k < this.prefetch; k++) schedule();
      for (;;) {
        const r = await queue.shift()!;
        timers.shift();
        if (r.done) return;
        schedule();
        yield r.value;
      }
    } finally {
      for (const t of timers) clearImmediate(t);
    }
  }

  /** Async iteration with worker threads: batch k goes to worker k mod numWorkers, results in order. */
  private async *workerBatches(): AsyncGenerator<B> {
    const epoch = this.beginEpoch();
    this.pool ??= new WorkerPool(this.numWorkers, this.workerSpec!, (this.dataset as Dataset<T>).length);
    const pool = this.pool;
    const batches = this.batchSampler!.batches(epoch)[Symbol.iterator]();
    const queue: Promise<unknown>[] = [];
    let k = 0;
    const refill = (): void => {
      while (queue.length < this.prefetch * this.numWorkers) {
        const next = batches.next();
        if (next.done) return;
        const p = pool.request(k++ % this.numWorkers, { indices: next.value, seed: this.seed, epoch, collate: !this.customCollate });
        p.catch(() => undefined); // surfaced when awaited
        queue.push(p);
      }
    };
    refill();
    while (queue.length > 0) {
      const out = await queue.shift()!;
      refill();
      yield this.customCollate ? this.collateFn(out as T[]) : (out as B);
    }
    this.endEpoch(epoch);
  }
}

/**
 * Rows `indices` of t along dim 0, as a new tensor. A contiguous t is copied row by row with
 * TypedArray.set (one memcpy per sample, no per-sample tensor objects); otherwise indexSelect.
 */
export function gatherRows(t: Tensor, indices: readonly number[]): Tensor {
  const n = t.shape[0]!;
  for (const i of indices) {
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new Error(`DataLoader: index ${i} is out of range for a dataset of length ${n}`);
  }
  if (!t.isContiguous()) {
    const idx = fromArray(Int32Array.from(indices), [indices.length], 'int32');
    return noGrad(() => indexSelect(t, 0, idx));
  }
  const row = n === 0 ? 0 : t.numel / n;
  const src = t.data;
  const out = allocArray(t.dtype, row * indices.length);
  for (let k = 0; k < indices.length; k++) {
    const start = t.offset + indices[k]! * row;
    out.set(src.subarray(start, start + row) as never, k * row);
  }
  return fromArray(out, [indices.length, ...t.shape.slice(1)], t.dtype);
}

function asTensor(name: string, v: unknown): Tensor {
  if (!(v instanceof Tensor)) throw new Error(`DataLoader: ${name} expects a tensor, got ${v === null ? 'null' : typeof v}`);
  return v;
}
