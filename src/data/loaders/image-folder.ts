/**
 * A dataset of image files sorted into one sub-folder per class (`root/cat/1.png`, `root/dog/7.jpg`),
 * as PyTorch's ImageFolder: classes are the sorted sub-folder names, a sample is `[image, classIndex]`,
 * and images are decoded when read (optionally cached), so opening a large folder is cheap.
 */
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Tensor } from '../../tensor/tensor.js';
import { Generator } from '../../tensor/generator.js';
import { BaseDataset, checkIndex } from '../dataset.js';
import { deriveSeed } from '../sampler.js';
import type { Transform } from '../transforms/transform.js';
import { loadImage, type ImageOptions } from './image.js';
import { reason } from './files.js';

export interface ImageFolderOptions extends ImageOptions {
  /** Applied to each decoded image [C, H, W] with the sample's generator (see Transform). */
  transform?: Transform;
  /** File extensions to include, lower case with the dot (default ['.png', '.jpg', '.jpeg']). */
  extensions?: readonly string[];
  /** Keep decoded images (before `transform`) in memory after the first read. Default false. */
  cache?: boolean;
  /** Seed of the generators `transform` gets when `get` is called without one (outside a DataLoader). Default 0. */
  seed?: number;
}

/**
 * `root/<class>/<file>` images as a map-style dataset of `[image [C, H, W] float32, classIndex]`.
 *
 * ```ts
 * const ds = imageFolder('data/flowers/train', { size: 64, transform: randomHorizontalFlip() });
 * ds.classes;                 // ['daisy', 'rose', 'tulip']
 * const loader = new DataLoader(ds, { batchSize: 32, shuffle: true, seed: 0 });
 * ```
 */
export class ImageFolder extends BaseDataset<[Tensor, number]> {
  readonly root: string;
  /** Sorted class (sub-folder) names. */
  readonly classes: readonly string[];
  readonly classToIndex: Readonly<Record<string, number>>;
  /** Every sample's file path and class index, classes in order, files sorted within each. */
  readonly samples: readonly (readonly [string, number])[];
  /** Every sample's class index. */
  readonly targets: readonly number[];
  private readonly options: ImageFolderOptions;
  private readonly cached = new Map<number, Tensor>();

  constructor(root: string, options: ImageFolderOptions = {}) {
    super();
    const op = 'imageFolder';
    const extensions = (options.extensions ?? ['.png', '.jpg', '.jpeg']).map((e) => e.toLowerCase());
    if (options.transform !== undefined && typeof options.transform !== 'function') throw new Error(`${op}: transform must be a function (image, rng) => image, got ${typeof options.transform}`);
    const seed = options.seed ?? 0;
    if (!Number.isSafeInteger(seed)) throw new Error(`${op}: seed must be a safe integer, got ${seed}`);
    // Hidden entries (.DS_Store, .ipynb_checkpoints) are not classes or samples.
    const classes = listDir(op, root).filter((n) => !n.startsWith('.') && isDirectory(join(root, n))).sort();
    if (classes.length === 0) throw new Error(`${op}: '${root}' has no sub-folders; expected one folder of images per class (root/<class>/<image>)`);
    const samples: [string, number][] = [];
    classes.forEach((name, k) => {
      const dir = join(root, name);
      const files = listDir(op, dir).filter((f) => !f.startsWith('.') && extensions.includes(extname(f).toLowerCase()) && !isDirectory(join(dir, f))).sort();
      for (const f of files) samples.push([join(dir, f), k]);
    });
    if (samples.length === 0) throw new Error(`${op}: no ${extensions.join('/')} files in the class folders of '${root}' (${classes.join(', ')})`);
    this.root = root;
    this.classes = classes;
    this.classToIndex = Object.fromEntries(classes.map((c, k) => [c, k]));
    this.samples = samples;
    this.targets = samples.map((s) => s[1]);
    this.options = { ...options, seed };
  }

  get length(): number {
    return this.samples.length;
  }

  /** Sample `index`: its image (decoded now, or from the cache) and class index. */
  get(index: number, rng?: Generator): [Tensor, number] {
    checkIndex('ImageFolder', index, this.samples.length);
    const [path, label] = this.samples[index]!;
    let image = this.cached.get(index);
    if (image === undefined) {
      image = loadImage(path, this.options);
      if (this.options.cache) this.cached.set(index, image);
    }
    const transform = this.options.transform;
    if (transform === undefined) return [this.options.cache ? image.clone() : image, label];
    return [transform(image, rng ?? new Generator(deriveSeed(this.options.seed!, 0, index))), label];
  }
}

/**
 * Opens `root/<class>/<image>` as an ImageFolder dataset (see the class for the options).
 *
 * ```ts
 * const ds = imageFolder('data/shapes', { size: 32, grayscale: true });
 * ```
 */
export function imageFolder(root: string, options: ImageFolderOptions = {}): ImageFolder {
  return new ImageFolder(root, options);
}

function listDir(op: string, dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (e) {
    throw new Error(`${op}: cannot list the folder '${dir}': ${reason(e)}`);
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
