/**
 * The entry point of a DataLoader worker thread (started by worker-pool.ts). It builds the dataset
 * from the spec it is sent, then answers batch requests: each sample is read with the generator
 * derived from (seed, epoch, index), collated when asked, and sent back with its buffers transferred.
 */
import { parentPort } from 'node:worker_threads';
import '../index.js'; // registers the backends, as in the main thread
import { setNumThreads } from '../backend/native/info.js';
import { Generator } from '../tensor/generator.js';
import type { Dataset } from './dataset.js';
import { defaultCollate } from './collate.js';
import { deriveSeed } from './sampler.js';
import { encodeTree } from './worker-codec.js';
import { resolveDatasetModule, type WorkerDatasetSpec } from './worker-pool.js';

// Workers prepare data with plain loops; native kernels inside them run single-threaded so that they
// do not compete with the main thread's pool for the same cores.
try {
  setNumThreads(1);
} catch {
  // the TypeScript backend has no threads to set
}

interface InitMessage {
  type: 'init';
  id: number;
  spec: WorkerDatasetSpec;
}
interface BatchMessage {
  type: 'batch';
  id: number;
  indices: number[];
  seed: number;
  epoch: number;
  collate: boolean;
}

let dataset: Dataset<unknown> | null = null;
const port = parentPort!;

port.on('message', (msg: InitMessage | BatchMessage) => {
  void handle(msg).catch((e: unknown) => {
    const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
    port.postMessage({ id: msg.id, ok: false, message });
  });
});

async function handle(msg: InitMessage | BatchMessage): Promise<void> {
  if (msg.type === 'init') {
    dataset = await resolveDatasetModule(msg.spec);
    port.postMessage({ id: msg.id, ok: true, payload: dataset.length });
    return;
  }
  if (dataset === null) throw new Error('a batch was requested before the dataset was built');
  const ds = dataset;
  const samples = msg.indices.map((i) => ds.get(i, new Generator(deriveSeed(msg.seed, msg.epoch, i))));
  const transfer: ArrayBuffer[] = [];
  const payload = encodeTree(msg.collate ? defaultCollate(samples) : samples, transfer);
  port.postMessage({ id: msg.id, ok: true, payload }, transfer);
}
