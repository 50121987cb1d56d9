/** Every op, by family. The Tensor methods and the public API forward here. */
export * from './cast.js';
export * from './view.js';
export * from './binary.js';
export * from './unary.js';
export * from './reduce.js';
export * from './linalg.js';
export * from './inplace.js';
export * from './compare.js';
