/**
 * Every public op, by family. The Tensor methods and the package's API forward here, and the
 * conformance table is keyed by these exports (so an op without a test entry fails the type-check).
 * Internal helpers live in support.ts and util.ts, which are not re-exported.
 */
export * from './cast.js';
export * from './view.js';
export * from './binary.js';
export * from './unary.js';
export * from './compare.js';
export * from './reduce.js';
export * from './scan.js';
export * from './linalg.js';
export * from './einsum.js';
export * from './shape.js';
export * from './indexing.js';
export * from './sort.js';
export * from './inplace.js';
export * from './nn/softmax.js';
export * from './nn/conv.js';
export * from './nn/pool.js';
export * from './nn/interpolate.js';
export * from './nn/embedding.js';
export * from './nn/dropout.js';
