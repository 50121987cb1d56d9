/**
 * The models by name, as the `tessera` command offers them: how each is built for a dataset's
 * shape, what input it expects, and the training recipe it is known to do well with.
 *
 * ```ts
 * const spec = models.getModel('digit-cnn');
 * const net = spec.build({ channels: 1, height: 28, width: 28, classes: 10 });
 * spec.recipe; // { epochs: 8, batchSize: 128, lr: 0.01, optimizer: 'adam', schedule: 'onecycle', ... }
 * ```
 */
import type { Module } from '../nn/module.js';
import { lecun1989 } from './lecun1989.js';
import { mlp } from './mlp.js';
import { anchorCnn, digitCnn } from './cnn.js';

/** What a dataset gives a model: per-sample input shape and the number of classes. */
export interface InputShape {
  /** Image channels; for tabular data, 1. */
  channels: number;
  /** Image height and width; for tabular data, 1 and the number of features. */
  height: number;
  width: number;
  classes: number;
}

/** How a model wants its inputs. */
export interface InputFormat {
  /** 'image': [C, H, W] images, resized to `size` x `size` when given; 'any': any sample shape (flattened by the model). */
  kind: 'image' | 'any';
  /** The side images are resized to (the model's layers are sized for it); absent: any size. */
  size?: number;
  /** Pixel values in [0, 1] are mapped linearly onto this range (lecun1989 wants [-1, 1]). */
  range: readonly [number, number];
}

/** A known-good way to train the model: the `tessera train` defaults for it. */
export interface Recipe {
  epochs: number;
  batchSize: number;
  lr: number;
  optimizer: 'sgd' | 'adam' | 'adamw';
  /** 'onecycle': OneCycleLR to `lr` (stepped per batch); 'cosine': cosine annealing from `lr` to 0 per batch; 'constant'. */
  schedule: 'onecycle' | 'cosine' | 'constant';
  /** 'crossEntropy' on logits, or 'tanhMse': squared error against targets of +1 (the class) and -1 (the others). */
  loss: 'crossEntropy' | 'tanhMse';
  /** Random shifts of training images by up to this many pixels (0: none). */
  shift: number;
  /** Cross-entropy's label smoothing (0: none). */
  labelSmoothing: number;
}

export interface ModelSpec {
  name: string;
  /** Other accepted spellings. */
  aliases: readonly string[];
  description: string;
  input: InputFormat;
  recipe: Recipe;
  /** A freshly initialized model for inputs of this shape (draws from the global generator). */
  build(shape: InputShape): Module;
}

function square(name: string, shape: InputShape): number {
  if (shape.height !== shape.width) throw new Error(`${name}: expects square images, got ${shape.height}x${shape.width}`);
  return shape.height;
}

export const MODELS: readonly ModelSpec[] = [
  {
    name: 'digit-cnn',
    aliases: ['digitcnn', 'digitCnn', 'default'],
    description: 'small fast CNN (conv5x5-32/2, conv3x3-64, pool, batchnorm, dense); the default',
    input: { kind: 'image', range: [0, 1] },
    recipe: { epochs: 8, batchSize: 128, lr: 1e-2, optimizer: 'adam', schedule: 'onecycle', loss: 'crossEntropy', shift: 1, labelSmoothing: 0.1 },
    build: (s) => digitCnn({ channels: s.channels, imageSize: square('digit-cnn', s), classes: s.classes }),
  },
  {
    name: 'cnn',
    aliases: ['anchor-cnn', 'anchorCnn'],
    description: 'the benchmark CNN of ANCHORS.md (conv3x3-32, conv3x3-64, pool, dense128, dense)',
    input: { kind: 'image', range: [0, 1] },
    recipe: { epochs: 6, batchSize: 128, lr: 3e-3, optimizer: 'adam', schedule: 'cosine', loss: 'crossEntropy', shift: 1, labelSmoothing: 0 },
    build: (s) => anchorCnn({ channels: s.channels, imageSize: square('cnn', s), classes: s.classes }),
  },
  {
    name: 'mlp',
    aliases: [],
    description: 'multilayer perceptron 512-512 with ReLU (flattens any input)',
    input: { kind: 'any', range: [0, 1] },
    recipe: { epochs: 10, batchSize: 128, lr: 1e-3, optimizer: 'adam', schedule: 'cosine', loss: 'crossEntropy', shift: 0, labelSmoothing: 0 },
    build: (s) => mlp({ inputs: s.channels * s.height * s.width, classes: s.classes }),
  },
  {
    name: 'lecun1989',
    aliases: ['lenet1989', 'lecun'],
    description: 'the 1989 net (16x16 inputs in [-1, 1], tanh, squared error, SGD at batch size 1)',
    input: { kind: 'image', size: 16, range: [-1, 1] },
    recipe: { epochs: 3, batchSize: 1, lr: 0.03, optimizer: 'sgd', schedule: 'constant', loss: 'tanhMse', shift: 0, labelSmoothing: 0 },
    build: (s) => {
      if (s.channels !== 1 || s.height !== 16 || s.width !== 16 || s.classes !== 10) {
        throw new Error(`lecun1989: is made for 1x16x16 images and 10 classes, got ${s.channels}x${s.height}x${s.width} and ${s.classes} classes`);
      }
      return lecun1989();
    },
  },
];

/** The names `getModel` accepts, canonical ones first. */
export function modelNames(): string[] {
  return MODELS.map((m) => m.name);
}

/**
 * The model spec for a name or alias (case-insensitive).
 *
 * ```ts
 * models.getModel('lecun1989').build({ channels: 1, height: 16, width: 16, classes: 10 });
 * ```
 */
export function getModel(name: string): ModelSpec {
  const wanted = name.toLowerCase();
  const found = MODELS.find((m) => m.name === wanted || m.aliases.some((a) => a.toLowerCase() === wanted));
  if (found === undefined) throw new Error(`getModel: unknown model '${name}'; known models: ${modelNames().join(', ')}`);
  return found;
}
