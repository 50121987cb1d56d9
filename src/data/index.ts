/**
 * Data pipeline: datasets, samplers, collation, the DataLoader (with optional worker threads) and
 * image transforms. Exported from the package root as `data`.
 *
 * ```ts
 * import { data } from 'tessera';
 * const ds = new data.TensorDataset(x, y);
 * const loader = new data.DataLoader(ds, { batchSize: 64, shuffle: true, seed: 0, transform: data.transforms.randomHorizontalFlip() });
 * ```
 */
export * from './dataset.js';
export * from './sampler.js';
export * from './collate.js';
export * from './dataloader.js';
export { loadDatasetModule, type WorkerDatasetSpec } from './worker-pool.js';
export * as transforms from './transforms/index.js';
export type { Transform } from './transforms/transform.js';

// Loaders and built-in datasets (added by their owner):
export * from './loaders/index.js';
export * from './tabular.js';
export * as datasets from './datasets.js';
