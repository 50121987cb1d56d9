/**
 * The data pipeline: what a DataLoader epoch costs, and whether worker threads pay.
 *
 * 1. Gathering: one epoch over the 8,000 training digits ([1, 28, 28] float32, batch 64) with the
 *    TensorDataset fast path (one row copy per sample straight from the dataset's storage), against
 *    reading rows and stacking them (the path any custom collate takes) and against one indexSelect
 *    per tensor per batch.
 * 2. Augmentation alone: one epoch with randomAffine (10 degrees, 10% shift, scale 0.9-1.1) in this thread.
 * 3. Augmentation while a model trains: a small CNN (conv5-8, pool, conv5-16, pool, dense 10; Adam)
 *    trained on TRAIN_SAMPLES augmented digits per epoch, with the batches built
 *      - in this thread, sync iteration (numWorkers 0),
 *      - in this thread, async iteration (prefetch 1),
 *      - in 1 and in 2 worker threads (async iteration, batches built while the model trains),
 *    and, as the floor, training on the same digits without augmentation. Worker start-up (a fresh
 *    isolate that imports the library and this module, and builds the dataset) is timed apart: the
 *    pool outlives the epoch, so it is paid once per loader.
 *
 * Found on the 2-core shared machine (load 6-15, two runs of --runs 5, medians): the row-copy fast
 * path is 1.7-2.8x faster than read+stack and 4-7x faster than indexSelect; randomAffine costs
 * 55-82 us per 28x28 sample in this thread; while training, 1 worker gave 1.10-1.24x and 2 workers
 * 1.13-1.36x over building batches in this thread, against a ceiling (no augmentation at all) of
 * 1.31-1.49x; async iteration without workers gave no gain (0.56-0.90x: one thread cannot overlap
 * CPU work with CPU work). Worker start-up was 2-5 s (each isolate compiles the TypeScript through
 * tsx); it is paid once per loader, since the pool outlives the epoch.
 *
 * This module is also what the workers import: `augmentedDigits` builds the dataset there. It must
 * have no side effects at import.
 */
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchContext, Library } from './run.js';

const BATCH = 64;
const TRAIN_SAMPLES = 1920; // 30 batches per training epoch keeps a run under a minute on a busy machine
const SPLIT_SEED = 2024;

type Tensor = InstanceType<Library['Tensor']>;

interface MnistDigit {
  raw: number[];
  length: number;
}

/** The 8,000 training digits as [N, 1, 28, 28] and int32 labels (the split of test/nn/digits.ts). */
function loadTrainDigits(lib: Library): { x: Tensor; y: Tensor } {
  const mnist = createRequire(import.meta.url)('mnist') as MnistDigit[];
  const total = mnist.slice(0, 10).reduce((n, d) => n + d.length, 0);
  const pixels = new Float32Array(total * 784);
  const labels = new Int32Array(total);
  let k = 0;
  for (let d = 0; d < 10; d++) {
    pixels.set(mnist[d]!.raw, k * 784);
    labels.fill(d, k, k + mnist[d]!.length);
    k += mnist[d]!.length;
  }
  const order = lib.randperm(total, { generator: new lib.Generator(SPLIT_SEED) }).slice(0, 0, 8000);
  const x = lib.indexSelect(lib.tensor(pixels, { shape: [total, 1, 28, 28] }), 0, order);
  return { x, y: lib.indexSelect(lib.tensor(labels), 0, order) };
}

/**
 * The first `n` training digits with random-affine augmentation (imported by the worker threads too;
 * `libUrl` names the library build the main thread uses, so both sides share one Tensor class).
 */
export async function augmentedDigits(libUrl: string, n: number, augment = true): Promise<unknown> {
  const lib = (await import(libUrl)) as Library;
  const { x, y } = loadTrainDigits(lib);
  const ds = new lib.data.TensorDataset(x.slice(0, 0, n), y.slice(0, 0, n));
  if (!augment) return ds;
  const affine = lib.data.transforms.randomAffine({ degrees: 10, translate: [0.1, 0.1], scale: [0.9, 1.1] });
  return ds.map(([img, label], rng) => [affine(img!, rng), label]);
}

function cnn(lib: Library): { step: (x: Tensor, y: Tensor) => void } {
  const { nn, optim } = lib;
  lib.manualSeed(0);
  const model = new nn.Sequential(
    new nn.Conv2d(1, 8, 5),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(8, 16, 5),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(16 * 4 * 4, 10),
  );
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  return {
    step: (x, y) => {
      opt.zeroGrad();
      nn.functional.crossEntropy(model.forward(x) as Tensor, y).backward();
      opt.step();
    },
  };
}

function seconds(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function median(v: number[]): number {
  const s = v.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

type Loader = InstanceType<Library['data']['DataLoader']>;

async function trainEpoch(lib: Library, loader: Loader, asyncIter: boolean, model: ReturnType<typeof cnn>): Promise<number> {
  const t0 = process.hrtime.bigint();
  if (asyncIter) {
    for await (const b of loader) lib.tidy(() => model.step((b as Tensor[])[0]!, (b as Tensor[])[1]!));
  } else {
    for (const b of loader) lib.tidy(() => model.step((b as Tensor[])[0]!, (b as Tensor[])[1]!));
  }
  return seconds(t0);
}

export async function run(ctx: BenchContext): Promise<void> {
  const { lib } = ctx;
  const { DataLoader, TensorDataset, loadDatasetModule } = lib.data;
  const runs = Math.min(ctx.runs, 5);
  console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load ${loadavg()[0]!.toFixed(1)}; backend ${lib.backend().name}`);

  // 1. Gathering: fast path against per-sample stacking.
  const { x, y } = loadTrainDigits(lib);
  const full = new TensorDataset(x, y);
  const fast = new DataLoader(full, { batchSize: BATCH, shuffle: true, seed: 0 });
  const stacked = new DataLoader(full, { batchSize: BATCH, shuffle: true, seed: 0, collate: (s) => lib.data.defaultCollate(s) });
  const sampler = new lib.data.BatchSampler(new lib.data.RandomSampler(8000, { seed: 0 }), BATCH);
  const tFast: number[] = [];
  const tStack: number[] = [];
  const tSelect: number[] = [];
  for (let r = 0; r < runs + 1; r++) {
    let t0 = process.hrtime.bigint();
    for (const _ of fast) void _;
    if (r > 0) tFast.push(seconds(t0));
    t0 = process.hrtime.bigint();
    for (const _ of stacked) void _;
    if (r > 0) tStack.push(seconds(t0));
    t0 = process.hrtime.bigint();
    for (const b of sampler.batches(r)) {
      const idx = lib.tensor(Int32Array.from(b));
      void [lib.indexSelect(x, 0, idx), lib.indexSelect(y, 0, idx)];
    }
    if (r > 0) tSelect.push(seconds(t0));
  }
  const ms = (v: number[]): string => `${(median(v) * 1e3).toFixed(1)} ms`;
  console.log(`1. one epoch of 8000 digits, batch ${BATCH}: row-copy fast path ${ms(tFast)}; read rows + stack ${ms(tStack)} (${(median(tStack) / median(tFast)).toFixed(1)}x); indexSelect per tensor ${ms(tSelect)} (${(median(tSelect) / median(tFast)).toFixed(1)}x)`);

  // 2. Augmentation alone.
  const source = process.argv.includes('--source');
  const libUrl = pathToFileURL(join(ctx.root, source ? 'src/index.ts' : 'dist/src/index.js')).href;
  const augFull = (await augmentedDigits(libUrl, 8000)) as ConstructorParameters<typeof DataLoader>[0];
  const augLoader = new DataLoader(augFull, { batchSize: BATCH, shuffle: true, seed: 0 });
  const tAug: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    for (const _ of augLoader) void _;
    tAug.push(seconds(t0));
  }
  console.log(`2. one epoch of 8000 digits with randomAffine, this thread: ${(median(tAug) * 1e3).toFixed(0)} ms (${((median(tAug) / 8000) * 1e6).toFixed(0)} us per sample)`);

  // 3. Augmentation while training.
  const spec = { module: import.meta.url, export: 'augmentedDigits', args: [libUrl, TRAIN_SAMPLES] };
  const aug = await loadDatasetModule(spec);
  const plain = (await augmentedDigits(libUrl, TRAIN_SAMPLES, false)) as ConstructorParameters<typeof DataLoader>[0];
  const configs: { name: string; loader: Loader; asyncIter: boolean }[] = [
    { name: 'no augmentation (floor)', loader: new DataLoader(plain, { batchSize: BATCH, shuffle: true, seed: 0 }), asyncIter: false },
    { name: 'augment, 0 workers, sync', loader: new DataLoader(aug, { batchSize: BATCH, shuffle: true, seed: 0 }), asyncIter: false },
    { name: 'augment, 0 workers, async prefetch', loader: new DataLoader(aug, { batchSize: BATCH, shuffle: true, seed: 0 }), asyncIter: true },
    { name: 'augment, 1 worker', loader: new DataLoader(aug, { batchSize: BATCH, shuffle: true, seed: 0, numWorkers: 1 }), asyncIter: true },
    { name: 'augment, 2 workers', loader: new DataLoader(aug, { batchSize: BATCH, shuffle: true, seed: 0, numWorkers: 2 }), asyncIter: true },
  ];
  // Warm-up epoch for each (starts the worker pools; their start-up is timed here).
  for (const c of configs) {
    const model = cnn(lib);
    const t = await trainEpoch(lib, c.loader, c.asyncIter, model);
    if (c.loader.numWorkers > 0) console.log(`   ${c.name}: first epoch incl. worker start-up ${(t * 1e3).toFixed(0)} ms`);
  }
  const times = new Map<string, number[]>(configs.map((c) => [c.name, []]));
  for (let r = 0; r < runs; r++) {
    for (const c of configs) {
      const model = cnn(lib);
      times.get(c.name)!.push(await trainEpoch(lib, c.loader, c.asyncIter, model));
    }
  }
  const base = median(times.get('augment, 0 workers, sync')!);
  console.log(`3. training epoch of ${TRAIN_SAMPLES} digits (batch ${BATCH}, small CNN), median of ${runs}:`);
  for (const c of configs) {
    const m = median(times.get(c.name)!);
    console.log(`   ${c.name.padEnd(36)} ${(m * 1e3).toFixed(0).padStart(6)} ms   ${(base / m).toFixed(2)}x vs 0 workers sync`);
  }
  for (const c of configs) await c.loader.close();
}
