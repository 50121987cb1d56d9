/**
 * Worker threads that build batches in parallel with the main thread.
 *
 * Functions cannot be sent to a worker, so a worker builds its own copy of the dataset from a module
 * it can import: `{ module, export, args }` names a module URL (or path), an export in it, and the
 * arguments for it when the export is a (possibly async) factory. Each batch request carries the
 * indices, seed and epoch; the worker reads every sample with the generator derived from (seed,
 * epoch, index), exactly as the main thread would, so batches are identical with any number of
 * workers. Results come back as transferred typed arrays (see worker-codec.ts).
 *
 * Workers are kept referenced only while requests are in flight, so an idle pool never keeps the
 * process alive; `close()` ends them.
 */
import { Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { isMapDataset, type Dataset } from './dataset.js';
import { decodeTree } from './worker-codec.js';

/** Where a worker finds the dataset: `module` (URL or path) exports `export` (default 'default'). */
export interface WorkerDatasetSpec {
  module: string | URL;
  /** The export's name (default 'default'): a dataset, or a (possibly async) function returning one. */
  export?: string;
  /** Arguments for the export when it is a function (structured-cloneable values). */
  args?: unknown[];
}

/** Marks a dataset with the spec that rebuilds it in a worker (set by loadDatasetModule). */
export const WORKER_SPEC = Symbol.for('tessera.data.workerSpec');

function moduleUrl(spec: WorkerDatasetSpec): string {
  const m = spec.module;
  if (m instanceof URL) return m.href;
  if (typeof m !== 'string' || m.length === 0) throw new Error(`WorkerDatasetSpec: module must be a URL or a path, got ${String(m)}`);
  return /^[a-z]+:/i.test(m) ? m : pathToFileURL(m).href;
}

/** Imports the spec's module and returns the dataset it describes (used by workers and the main thread). */
export async function resolveDatasetModule(spec: WorkerDatasetSpec): Promise<Dataset<unknown>> {
  const url = moduleUrl(spec);
  const name = spec.export ?? 'default';
  const mod = (await import(url)) as Record<string, unknown>;
  if (!(name in mod)) throw new Error(`WorkerDatasetSpec: module ${url} has no export '${name}' (it exports ${Object.keys(mod).join(', ') || 'nothing'})`);
  let value = mod[name];
  if (typeof value === 'function' && !isMapDataset(value)) value = await (value as (...a: unknown[]) => unknown)(...(spec.args ?? []));
  if (!isMapDataset(value)) throw new Error(`WorkerDatasetSpec: export '${name}' of ${url} did not give a map-style dataset (with length and get)`);
  return value;
}

/**
 * Imports a dataset from a module and remembers how, so that a DataLoader with `numWorkers` can build
 * the same dataset in its workers.
 *
 * ```ts
 * // augmented.ts: export function makeTrain(seed) { return digits({ split: 'train' }).map(...) }
 * const ds = await loadDatasetModule({ module: new URL('./augmented.ts', import.meta.url), export: 'makeTrain', args: [0] });
 * const loader = new DataLoader(ds, { batchSize: 64, shuffle: true, numWorkers: 2 });
 * ```
 */
export async function loadDatasetModule<T = unknown>(spec: WorkerDatasetSpec): Promise<Dataset<T>> {
  const ds = await resolveDatasetModule(spec);
  Object.defineProperty(ds, WORKER_SPEC, { value: { ...spec, module: moduleUrl(spec) }, enumerable: false, configurable: true });
  return ds as Dataset<T>;
}

/** The spec a dataset was loaded with, if any. */
export function workerSpecOf(ds: unknown): WorkerDatasetSpec | undefined {
  return typeof ds === 'object' && ds !== null ? ((ds as Record<symbol, unknown>)[WORKER_SPEC] as WorkerDatasetSpec | undefined) : undefined;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  worker: number;
}

/** A request for one batch: the worker reads `indices` and collates them when `collate`. */
export interface BatchRequest {
  indices: number[];
  seed: number;
  epoch: number;
  collate: boolean;
}

/** Starts a worker on worker.js, or on worker.ts through tsx's loader when running from source. */
function startWorker(spec: WorkerDatasetSpec): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(fromSource ? './worker.ts' : './worker.js', import.meta.url);
  const target = moduleUrl(spec);
  if (!fromSource && !/\.(m|c)?ts$/.test(target)) return new Worker(entry);
  // TypeScript sources (the library's or the dataset module's) need tsx's loader inside the worker:
  // hooks registered with --import in the main thread do not reach worker threads.
  let api: string;
  try {
    api = import.meta.resolve('tsx/esm/api');
  } catch {
    throw new Error(`DataLoader: numWorkers needs the 'tsx' package to load TypeScript (${target}) in worker threads; compile it to JavaScript or install tsx`);
  }
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { eval: true });
}

/** A fixed set of workers, each holding a copy of the dataset. */
export class WorkerPool {
  readonly size: number;
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private closed = false;
  private failure: Error | null = null;
  /** Resolves when every worker has built its dataset (rejects with the first failure). */
  readonly ready: Promise<void>;

  constructor(size: number, spec: WorkerDatasetSpec, expectedLength: number) {
    this.size = size;
    const inits: Promise<unknown>[] = [];
    for (let k = 0; k < size; k++) {
      const w = startWorker(spec);
      this.workers.push(w);
      w.on('message', (m: { id: number; ok: boolean; payload?: unknown; message?: string }) => this.settle(m));
      w.on('error', (e: Error) => this.fail(k, e));
      w.on('exit', (code) => {
        if (!this.closed) this.fail(k, new Error(`DataLoader: worker ${k} exited unexpectedly with code ${code}`));
      });
      inits.push(this.send(k, { type: 'init', spec: { ...spec, module: moduleUrl(spec) } }));
    }
    this.ready = Promise.all(inits).then((lengths) => {
      lengths.forEach((n, k) => {
        if (n !== expectedLength) throw new Error(`DataLoader: worker ${k} built a dataset of length ${String(n)}, but the loader's dataset has ${expectedLength}; the worker spec must build the same dataset`);
      });
    });
    this.ready.catch(() => undefined); // reported to whoever awaits a batch
    this.updateRefs();
  }

  /** Asks worker `k` for one batch; resolves with the decoded batch (or list of samples). */
  request(k: number, req: BatchRequest): Promise<unknown> {
    return this.ready.then(() => this.send(k, { type: 'batch', ...req })).then(decodeTree);
  }

  /** Ends every worker. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pending.values()) p.reject(new Error('DataLoader: the worker pool was closed'));
    this.pending.clear();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private send(k: number, msg: Record<string, unknown>): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error('DataLoader: the worker pool was closed'));
    const id = this.nextId++;
    const p = new Promise<unknown>((resolve, reject) => this.pending.set(id, { resolve, reject, worker: k }));
    this.workers[k]!.postMessage({ ...msg, id });
    this.updateRefs();
    return p;
  }

  private settle(m: { id: number; ok: boolean; payload?: unknown; message?: string }): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    this.updateRefs();
    if (m.ok) p.resolve(m.payload);
    else p.reject(new Error(`DataLoader worker ${p.worker}: ${m.message}`));
  }

  private fail(k: number, e: Error): void {
    this.failure ??= new Error(`DataLoader: worker ${k} failed: ${e.message}`);
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(this.failure);
    }
    this.updateRefs();
  }

  /** Workers keep the process alive only while there is work in flight. */
  private updateRefs(): void {
    const busy = this.pending.size > 0;
    for (const w of this.workers) {
      if (busy) w.ref();
      else w.unref();
    }
  }
}
