/**
 * Every loss function, by kind (the functional forms behind the loss modules of nn/losses.ts). Each
 * takes `reduction: 'mean' | 'sum' | 'none'` with PyTorch's default and semantics.
 */
export type { Reduction } from './loss-support.js';
export * from './losses-classification.js';
export * from './losses-regression.js';
export * from './losses-embedding.js';
export * from './losses-image.js';
