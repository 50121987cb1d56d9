/**
 * Training memory: does a long `train.fit` hold its memory flat, or does it leak?
 *
 * The workload: 10 epochs of `train.fit` on the bundled digits (`data.datasets.digits`, the 8,000
 * training digits with random-affine augmentation through the DataLoader's `transform`, shuffled,
 * batch 64; the 2,000 test digits as validation every epoch), the ANCHORS.md MLP
 * (784-512-512-10, ReLU), Adam (lr 1e-3), a cosine schedule stepped per batch, an accuracy metric.
 * After each epoch (a callback's `onEpochEnd`, after validation) the process's memory is read:
 * resident set size, V8 heap in use, and memory outside the heap (`external`, of which
 * `arrayBuffers` holds the tensors' typed arrays) — each after two full collections (`global.gc`),
 * so what is left is what is still reachable, not garbage waiting for the collector.
 *
 * The figure: RSS after epoch 10 against RSS after epoch 1, in percent (the issue asks for < 10%).
 * Epoch 1 is the reference rather than the start because the first epoch grows the heap, the
 * allocator's pools and the JIT's code to their working size; a leak shows as growth after that.
 *
 * The training runs in a child process started with `--expose-gc` (and only this workload), so
 * other benchmarks of the same `npm run bench` do not blur its figures: `run` spawns
 * `node --expose-gc --import tsx bench/train-memory.ts --child <library URL> [--count-objects]`.
 * Findings (BENCHMARKS.md, "Training memory"): live tensors, tensor memory and the heap are flat;
 * what moves RSS is the native allocator's pool of freed blocks, whose size follows how much
 * garbage one collection happened to free at once.
 */
import { spawnSync } from 'node:child_process';
import { Session } from 'node:inspector/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchContext, Library } from './run.js';

/** 10 (the figure); TRAIN_MEMORY_EPOCHS=30 shows longer runs. */
const EPOCHS = Number(process.env['TRAIN_MEMORY_EPOCHS'] ?? 10);
if (!Number.isInteger(EPOCHS) || EPOCHS < 2) throw new Error(`train-memory: TRAIN_MEMORY_EPOCHS must be an integer >= 2, got ${process.env['TRAIN_MEMORY_EPOCHS']}`);
const BATCH = 64;
const CHILD_FLAG = '--child';
const COUNT_FLAG = '--count-objects';

/** One epoch's memory reading, in bytes (and the epoch's training figures, to show it trained). */
export interface EpochMemory {
  epoch: number;
  rss: number;
  heapUsed: number;
  /** V8's heap as committed (in use plus free space V8 keeps). */
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** Native backend: bytes of its blocks that back live tensors (part of `arrayBuffers`); 0 on js. */
  nativeLive: number;
  /** Native backend: freed blocks its allocator keeps for reuse (in RSS, not in `external`); 0 on js. */
  pooled: number;
  /** Live Tensor objects and live storages (the buffers tensors and their views share); null when not counted. */
  tensors: number | null;
  storages: number | null;
  loss: number;
  valAccuracy: number;
  seconds: number;
}

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('train-memory: the child must run with --expose-gc');
  // Two passes: the first can only queue finalizers (FinalizationRegistry, native buffers'
  // release callbacks); the second frees what those released.
  gc();
  gc();
}

type Reading = Omit<EpochMemory, 'epoch' | 'loss' | 'valAccuracy' | 'seconds'>;

interface PoolStats {
  liveBytes: number;
  pooledBytes: number;
}

/**
 * The native allocator's statistics, read through the library's internal module (not public API:
 * a diagnostic of this benchmark). null on the js backend or when the module is not there.
 */
async function poolReader(libUrl: string): Promise<(() => PoolStats) | null> {
  try {
    const load = (await import(new URL('./backend/native/load.js', libUrl).href)) as { addonStatus: { addon: { poolStats(): PoolStats } | null } };
    const addon = load.addonStatus.addon;
    return addon === null ? null : () => addon.poolStats();
  } catch {
    return null;
  }
}

/**
 * Counts the live instances of a class through the inspector's `Runtime.queryObjects` (what a heap
 * snapshot's class summary shows, without writing one): it walks the heap for objects whose
 * prototype chain contains `prototype`.
 */
async function instanceCounter(prototype: object): Promise<{ count: () => Promise<number>; close: () => void }> {
  const session = new Session();
  session.connect();
  const key = `__trainMemoryPrototype${Math.random().toString(36).slice(2)}`;
  (globalThis as Record<string, unknown>)[key] = prototype;
  const proto = await session.post('Runtime.evaluate', { expression: `globalThis.${key}` });
  const count = async (): Promise<number> => {
    // @types/node lacks this method's overload: its reply is { objects: RemoteObject }.
    const found = (await session.post('Runtime.queryObjects', { prototypeObjectId: proto.result.objectId!, objectGroup: 'count' })) as unknown as { objects: { objectId: string } };
    const n = await session.post('Runtime.callFunctionOn', { objectId: found.objects.objectId, functionDeclaration: 'function () { return this.length; }', returnByValue: true });
    await session.post('Runtime.releaseObjectGroup', { objectGroup: 'count' });
    return n.result.value as number;
  };
  // An open session keeps the process alive: close it when the run is over.
  return { count, close: () => session.disconnect() };
}

interface Probes {
  pool: (() => PoolStats) | null;
  /** Present in the counting run only (see `run`). */
  counters: { tensors: Awaited<ReturnType<typeof instanceCounter>>; storages: Awaited<ReturnType<typeof instanceCounter>> } | null;
}

async function reading(probes: Probes): Promise<Reading> {
  collect();
  const m = process.memoryUsage();
  const stats = probes.pool?.();
  return {
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
    nativeLive: stats?.liveBytes ?? 0,
    pooled: stats?.pooledBytes ?? 0,
    tensors: (await probes.counters?.tensors.count()) ?? null,
    storages: (await probes.counters?.storages.count()) ?? null,
  };
}

/** The workload itself; runs in the child. Prints one JSON line per epoch, prefixed `epoch-memory `. */
async function child(libUrl: string, countObjects: boolean): Promise<void> {
  const lib = (await import(libUrl)) as Library;
  const { data, nn, optim, train } = lib;
  const probes: Probes = {
    pool: lib.backend().name === 'native' ? await poolReader(libUrl) : null,
    counters: countObjects
      ? { tensors: await instanceCounter(lib.Tensor.prototype), storages: await instanceCounter(Object.getPrototypeOf(lib.zeros([1]).storage) as object) }
      : null,
  };
  lib.manualSeed(0);
  const augment = data.transforms.randomAffine({ degrees: 10, translate: [0.1, 0.1], scale: [0.9, 1.1] });
  const trainLoader = new data.DataLoader(data.datasets.digits({ split: 'train' }), { batchSize: BATCH, shuffle: true, seed: 0, transform: augment });
  const valLoader = new data.DataLoader(data.datasets.digits({ split: 'test' }), { batchSize: 500 });
  const model = new nn.Sequential(
    new nn.Flatten(),
    new nn.Linear(784, 512), new nn.ReLU(),
    new nn.Linear(512, 512), new nn.ReLU(),
    new nn.Linear(512, 10),
  );
  const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const scheduler = new optim.lrScheduler.CosineAnnealingLR(optimizer, { TMax: EPOCHS * trainLoader.length });
  console.log(`epoch-memory-start ${JSON.stringify({ backend: lib.backend().name, ...(await reading(probes)) })}`);
  await train.fit(model, {
    epochs: EPOCHS,
    train: trainLoader,
    val: valLoader,
    optimizer,
    scheduler,
    schedulerStep: 'batch',
    loss: 'crossEntropy',
    metrics: ['accuracy'],
    callbacks: [
      {
        onEpochEnd: async (s) => {
          const row: EpochMemory = {
            epoch: s.epoch + 1,
            ...(await reading(probes)),
            loss: s.logs['loss']!,
            valAccuracy: s.logs['val_accuracy']!,
            seconds: s.logs['time']!,
          };
          console.log(`epoch-memory ${JSON.stringify(row)}`);
        },
      },
    ],
  });
  probes.counters?.tensors.close();
  probes.counters?.storages.close();
}

const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);

interface ChildResult {
  start: Reading & { backend: string };
  rows: EpochMemory[];
}

/** One training run in a fresh `node --expose-gc` process. */
function runChild(ctx: BenchContext, libUrl: string, options: { countObjects?: boolean; env?: NodeJS.ProcessEnv } = {}): ChildResult {
  const self = fileURLToPath(import.meta.url);
  const res = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', self, CHILD_FLAG, libUrl, ...(options.countObjects ? [COUNT_FLAG] : [])], {
    cwd: ctx.root,
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
    env: { ...process.env, ...options.env },
    // With stdin a pipe (spawnSync's default) the child spun at 100% CPU once the inspector session
    // was open, and never finished; it reads nothing, so it gets none.
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (res.status !== 0) throw new Error(`train-memory: the child failed (status ${res.status}):\n${res.stderr}`);
  const lines = res.stdout.split('\n');
  const startLine = lines.find((l) => l.startsWith('epoch-memory-start '));
  const rows = lines.filter((l) => l.startsWith('epoch-memory ')).map((l) => JSON.parse(l.slice('epoch-memory '.length)) as EpochMemory);
  if (startLine === undefined || rows.length !== EPOCHS) {
    throw new Error(`train-memory: expected ${EPOCHS} epoch readings, got ${rows.length}:\n${res.stdout}\n${res.stderr}`);
  }
  return { start: JSON.parse(startLine.slice('epoch-memory-start '.length)) as ChildResult['start'], rows };
}

function printTable(result: ChildResult): void {
  console.log(`before training: rss ${mb(result.start.rss)} (memory in MB, each reading after two full collections)`);
  console.log('epoch   rss  heapUsed  heapTotal  external  arrayBuffers  native live  native pool  tensors  storages    loss  val_acc  time s');
  for (const r of result.rows) {
    const cells = [mb(r.rss), mb(r.heapUsed), mb(r.heapTotal), mb(r.external), mb(r.arrayBuffers), mb(r.nativeLive), mb(r.pooled), String(r.tensors ?? '-'), String(r.storages ?? '-')];
    const widths = [6, 10, 11, 10, 14, 13, 13, 9, 10];
    console.log(
      `${String(r.epoch).padStart(5)}${cells.map((c, i) => c.padStart(widths[i]!)).join('')} ` +
        `${r.loss.toFixed(4).padStart(7)} ${r.valAccuracy.toFixed(4).padStart(8)} ${r.seconds.toFixed(1).padStart(7)}`,
    );
  }
}

/** RSS growth from epoch 1 to the last, in percent. */
function rssGrowth(result: ChildResult): number {
  const first = result.rows[0]!;
  const last = result.rows[result.rows.length - 1]!;
  return ((last.rss - first.rss) / first.rss) * 100;
}

function summary(result: ChildResult): string {
  const first = result.rows[0]!;
  const last = result.rows[result.rows.length - 1]!;
  const d = (a: number, b: number): string => `${b >= a ? '+' : ''}${mb(b - a)}`;
  return (
    `RSS epoch 1 -> ${EPOCHS}: ${mb(first.rss)} -> ${mb(last.rss)} MB (${rssGrowth(result) >= 0 ? '+' : ''}${rssGrowth(result).toFixed(1)}%); ` +
    `heapUsed ${d(first.heapUsed, last.heapUsed)}, arrayBuffers ${d(first.arrayBuffers, last.arrayBuffers)}, native live ${d(first.nativeLive, last.nativeLive)}, ` +
    `native pool ${d(first.pooled, last.pooled)} MB` +
    (first.tensors === null ? '' : `; live tensors ${first.tensors} -> ${last.tensors}, storages ${first.storages} -> ${last.storages}`)
  );
}

/**
 * Runs the workload `min(runs, 5)` times (fresh processes) and prints the first run's table, each
 * run's figure and their median. Then one run that also counts the live Tensor and storage objects
 * after each epoch (a leak of tensors shows there even when RSS hides it), and, on the native
 * backend, one with TESSERA_POOL_MB=0 (the allocator keeps no freed blocks), which shows how much of
 * the RSS movement is the allocator's pool of freed blocks.
 */
export async function run(ctx: BenchContext): Promise<void> {
  const source = process.argv.includes('--source');
  const libUrl = pathToFileURL(join(ctx.root, source ? 'src/index.ts' : 'dist/src/index.js')).href;
  const runs = Math.min(ctx.runs, 5);
  console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load ${loadavg()[0]!.toFixed(1)}; node ${process.version}`);
  const results: ChildResult[] = [];
  for (let r = 0; r < runs; r++) {
    const result = runChild(ctx, libUrl);
    if (r === 0) {
      console.log(`backend ${result.start.backend}; ${EPOCHS} epochs of train.fit: MLP 784-512-512-10, 8000 augmented digits, batch ${BATCH}, Adam + cosine, validation each epoch`);
      printTable(result);
    }
    console.log(`run ${r + 1}: ${summary(result)}`);
    results.push(result);
  }
  const growth = results.map(rssGrowth).sort((a, b) => a - b);
  const median = growth[Math.floor(growth.length / 2)]!;
  const worst = Math.max(...growth.map(Math.abs));
  console.log(
    `RSS growth epoch 1 -> ${EPOCHS}, median of ${runs} runs: ${median.toFixed(1)}% (runs: ${growth.map((g) => g.toFixed(1)).join(', ')}); ` +
      (worst < 10 ? 'every run within the 10% bound' : Math.abs(median) < 10 ? 'median within the 10% bound, not every run' : 'OUTSIDE the 10% bound'),
  );
  // Counting live objects walks the heap (and compacts it), which would lower the next epochs' RSS:
  // so it runs apart from the figure's runs.
  const counted = runChild(ctx, libUrl, { countObjects: true });
  console.log(`with live-object counts: ${summary(counted)}`);
  if (results[0]!.start.backend === 'native') {
    const noPool = runChild(ctx, libUrl, { env: { TESSERA_POOL_MB: '0' } });
    console.log(`TESSERA_POOL_MB=0 (no pooling of freed blocks): ${summary(noPool)}`);
  }
}

if (process.argv[2] === CHILD_FLAG && process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === import.meta.url) {
  await child(process.argv[3]!, process.argv.includes(COUNT_FLAG));
}
