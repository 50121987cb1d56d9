/**
 * Where `tessera train` and `tessera eval` get their examples: the bundled digits, an MNIST-style
 * IDX folder, a CSV file (with a target column) or a folder of images sorted into class folders,
 * turned into whole tensors ready for a model: images [N, C, H, W] resized to what the model wants
 * and scaled to its value range, tables [N, F] standardized with the training rows' statistics.
 *
 * How raw inputs became model inputs is recorded as a `Preprocessing` and saved with the model, so
 * `eval` and `predict` treat new inputs exactly the same way.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Tensor } from '../tensor/tensor.js';
import { Generator } from '../tensor/generator.js';
import { fromArray } from '../tensor/creation.js';
import { randperm } from '../tensor/random-discrete.js';
import { indexSelect } from '../ops/indexing.js';
import { stack } from '../ops/shape.js';
import { interpolate } from '../ops/nn/interpolate.js';
import { noGrad } from '../autograd/grad-mode.js';
import type { Dataset } from '../data/dataset.js';
import { digits } from '../data/datasets.js';
import { loadIdxFolder } from '../data/loaders/idx.js';
import { loadCsv, type CsvData, type CsvSchema } from '../data/loaders/csv.js';
import { imageFolder } from '../data/loaders/image-folder.js';
import type { InputShape, ModelSpec } from '../models/registry.js';

/** How raw inputs become model inputs; saved in the model file's metadata. */
export interface Preprocessing {
  kind: 'image' | 'table';
  /** The per-sample input shape the model was built for (tables: 1 x 1 x features). */
  channels: number;
  height: number;
  width: number;
  /** Images: pixel values in [0, 1] are mapped linearly onto this range. */
  range: [number, number];
  /** Tables: per-feature mean and standard deviation of the training rows. */
  mean?: number[];
  std?: number[];
  /** Tables: the columns, types and category vocabularies, to read new files the same way. */
  schema?: CsvSchema;
}

export interface Split {
  x: Tensor;
  /** int32 class indices [N]. */
  y: Tensor;
}

export interface PreparedData {
  /** Where the examples came from, for messages and the report. */
  source: string;
  train: Split;
  test: Split;
  classes: number;
  /** Class names when the data has them (image folders, category targets); else null. */
  classNames: string[] | null;
  prep: Preprocessing;
}

export interface DataRequest {
  /** --data: a path, or undefined for the bundled digits. */
  path?: string | undefined;
  /** --target: the CSV column to predict. */
  target?: string | undefined;
  model: ModelSpec;
  /** --image-size: the side images are resized to when the model does not fix one (default 28). */
  imageSize?: number | undefined;
  /** --color: keep 3 channels of image files (default: grayscale). */
  color?: boolean | undefined;
  /** --limit: use only the first N training and N test examples. */
  limit?: number | undefined;
}

/** The share of examples held out for testing when the data has no test split of its own. */
const HOLDOUT = 0.2;
/** The seed of that holdout split: fixed, so every run (whatever its --seed) tests on the same examples. */
const HOLDOUT_SEED = 2024;

type Kind = 'digits' | 'idx' | 'csv' | 'images';

/** What kind of data a --data path holds. */
export function dataKind(path: string | undefined): Kind {
  if (path === undefined) return 'digits';
  if (!existsSync(path)) throw new Error(`--data: '${path}' does not exist`);
  if (statSync(path).isFile()) {
    if (/\.(csv|tsv|txt)$/i.test(path)) return 'csv';
    throw new Error(`--data: '${path}' is a file but not a .csv; give a CSV file, an IDX folder or a folder of class folders of images`);
  }
  const names = readdirSync(path);
  if (names.some((n) => /idx[13][-_.]ubyte/i.test(n))) return 'idx';
  return 'images';
}

/** Loads, splits and preprocesses the data of a `train` run. */
export function prepareTrainingData(request: DataRequest): PreparedData {
  const kind = dataKind(request.path);
  const raw = loadRaw(kind, request, 'train');
  return finish(raw, request);
}

/** Loads the examples to evaluate a trained model on, preprocessed as it was trained. */
export function prepareEvalData(path: string | undefined, target: string | undefined, prep: Preprocessing, limit?: number): { source: string; split: Split; classNames: string[] | null } {
  const kind = dataKind(path);
  if ((kind === 'csv') !== (prep.kind === 'table')) {
    throw new Error(`the model was trained on ${prep.kind === 'table' ? 'a table (CSV)' : 'images'}, but --data ${path ?? '(the bundled digits)'} holds ${kind === 'csv' ? 'a table' : 'images'}`);
  }
  if (kind === 'csv') {
    const csv = loadCsv(path!, { schema: prep.schema, target: target ?? prep.schema?.target ?? undefined, targetDtype: 'int32' });
    if (csv.target === undefined) throw new Error(`--data '${path}': no target column to compare predictions with; give --target`);
    const x = standardize(csv.features, prep.mean!, prep.std!);
    return { source: path!, split: limitSplit({ x, y: csv.target }, limit), classNames: categoryNames(csv.encoders[csv.targetName ?? '']) };
  }
  const raw = loadRaw(kind, { path, model: null, imageSize: prep.height, color: prep.channels === 3 }, 'eval');
  const test = raw.test ?? raw.train;
  const x = imagesFor(test.x, prep);
  return { source: raw.source, split: limitSplit({ x, y: test.y }, limit), classNames: raw.classNames };
}

interface RawData {
  source: string;
  train: Split;
  /** Absent: hold out part of train. */
  test: Split | null;
  classNames: string[] | null;
  table?: { schema: CsvSchema };
}

function loadRaw(kind: Kind, request: Omit<DataRequest, 'model'> & { model: ModelSpec | null }, purpose: 'train' | 'eval'): RawData {
  const path = request.path;
  switch (kind) {
    case 'digits': {
      // The 16x16 digits are the dataset's own resize (the one the 1989 net's figures use).
      const size = (request.model?.input.size ?? request.imageSize) === 16 ? 16 : 28;
      const split = (s: 'train' | 'test'): Split => {
        const [x, y] = digits({ split: s, size }).tensors as [Tensor, Tensor];
        return { x, y };
      };
      return { source: 'the bundled digits (8,000 train / 2,000 test)', train: split('train'), test: split('test'), classNames: null };
    }
    case 'idx': {
      const { train, test } = loadIdxFolder(path!);
      const [tx, ty] = train.tensors as [Tensor, Tensor];
      const [vx, vy] = test.tensors as [Tensor, Tensor];
      return { source: `the IDX folder '${path}'`, train: { x: tx, y: ty }, test: { x: vx, y: vy }, classNames: null };
    }
    case 'csv': {
      if (purpose === 'train' && request.target === undefined) throw new Error(`--data '${path}' is a CSV file: name the column to predict with --target <column>`);
      const csv = readTable(path!, request.target);
      if (csv.target === undefined) throw new Error(`--data '${path}': the CSV has no target column`);
      return {
        source: `the CSV file '${path}' (${csv.features.shape[0]} rows, ${csv.columns.length} features, target '${csv.targetName}')`,
        train: { x: csv.features, y: csv.target },
        test: null,
        classNames: categoryNames(csv.encoders[csv.targetName ?? '']),
        table: { schema: csv.schema },
      };
    }
    case 'images': {
      const size = request.model?.input.size ?? request.imageSize ?? 28;
      const options = { size, grayscale: request.color !== true };
      // root/train and root/test (or val) hold a ready split; else root holds the class folders.
      const sub = (name: string): string | null => (isDir(join(path!, name)) ? join(path!, name) : null);
      const trainDir = sub('train');
      const testDir = sub('test') ?? sub('val') ?? sub('valid');
      if (trainDir !== null && testDir !== null) {
        const train = imageFolder(trainDir, options);
        const test = imageFolder(testDir, options);
        if (purpose === 'eval') return { source: `the image folder '${testDir}'`, train: materialize(test), test: null, classNames: [...test.classes] };
        if (test.classes.join('\n') !== train.classes.join('\n')) {
          throw new Error(`--data '${path}': train/ has classes ${train.classes.join(', ')} but ${testDir} has ${test.classes.join(', ')}`);
        }
        return { source: `the image folder '${path}'`, train: materialize(train), test: materialize(test), classNames: [...train.classes] };
      }
      const all = imageFolder(path!, options);
      return { source: `the image folder '${path}' (${all.length} images)`, train: materialize(all), test: null, classNames: [...all.classes] };
    }
  }
}

function finish(raw: RawData, request: DataRequest): PreparedData {
  let { train, test } = raw;
  if (test === null) [train, test] = holdout(train);
  train = limitSplit(train, request.limit);
  test = limitSplit(test, request.limit);
  const classes = Math.max(maxLabel(train.y) + 1, maxLabel(test.y) + 1, raw.classNames?.length ?? 0);
  if (classes < 2) throw new Error(`the data has a single class (label 0); a classifier needs at least 2`);
  const spec = request.model;
  if (raw.table !== undefined) {
    if (spec.input.kind === 'image') throw new Error(`--model ${spec.name} needs images, but ${raw.source} is a table; use --model mlp`);
    const { mean, std } = columnStats(train.x);
    const features = train.x.shape[1]!;
    const prep: Preprocessing = { kind: 'table', channels: 1, height: 1, width: features, range: [0, 1], mean, std, schema: raw.table.schema };
    return { source: raw.source, train: { x: standardize(train.x, mean, std), y: train.y }, test: { x: standardize(test.x, mean, std), y: test.y }, classes, classNames: raw.classNames, prep };
  }
  // Images keep their size unless the model fixes one (image folders were already resized on reading).
  const [, c, h, w] = train.x.shape as [number, number, number, number];
  const prep: Preprocessing = { kind: 'image', channels: c, height: spec.input.size ?? h, width: spec.input.size ?? w, range: [spec.input.range[0], spec.input.range[1]] };
  return { source: raw.source, train: { x: imagesFor(train.x, prep), y: train.y }, test: { x: imagesFor(test.x, prep), y: test.y }, classes, classNames: raw.classNames, prep };
}

/** The model's input shape for this data. */
export function inputShape(prep: Preprocessing, classes: number): InputShape {
  return { channels: prep.channels, height: prep.height, width: prep.width, classes };
}

/** Images [N, C, H, W] in [0, 1] resized to the preprocessing's size and mapped onto its range. */
export function imagesFor(x: Tensor, prep: Preprocessing): Tensor {
  return noGrad(() => {
    let images = x;
    if (images.shape[2] !== prep.height || images.shape[3] !== prep.width) {
      images = interpolate(images, { size: [prep.height, prep.width], mode: 'bilinear', alignCorners: false });
    }
    const [lo, hi] = prep.range;
    return lo === 0 && hi === 1 ? images.contiguous() : images.mul(hi - lo).add(lo).contiguous();
  });
}

/** (x - mean) / std per column. */
export function standardize(x: Tensor, mean: readonly number[], std: readonly number[]): Tensor {
  const f = mean.length;
  if (x.shape[1] !== f) throw new Error(`the table has ${x.shape[1]} feature columns, but the model was trained on ${f}`);
  return noGrad(() => x.sub(fromArray(Float32Array.from(mean), [1, f], 'float32')).div(fromArray(Float32Array.from(std), [1, f], 'float32')).contiguous());
}

function columnStats(x: Tensor): { mean: number[]; std: number[] } {
  const [n, f] = x.shape as [number, number];
  const v = x.contiguous().toArray();
  const mean = new Array<number>(f).fill(0);
  const sq = new Array<number>(f).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) mean[j]! += v[i * f + j]! / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) sq[j]! += (v[i * f + j]! - mean[j]!) ** 2 / n;
  // A constant column would divide by zero: leave its scale alone.
  return { mean, std: sq.map((s) => (s > 1e-12 ? Math.sqrt(s) : 1)) };
}

/**
 * A CSV file for training. Missing feature values are filled, as a model cannot take NaN: with the
 * column's mean (numbers) or most frequent value (categories); the fill values go into the schema,
 * so files read later with it are filled the same way.
 */
function readTable(path: string, target: string | undefined): CsvData {
  const first = loadCsv(path, { target, targetDtype: 'int32' });
  if (!first.features.isnan().any().item()) return first;
  const fill = Object.fromEntries(first.schema.columns.map((c) => [c, first.schema.types[c] === 'category' ? 'mostFrequent' : 'mean'] as const));
  return loadCsv(path, { target, targetDtype: 'int32', fill });
}

/** Holds out HOLDOUT of the examples (a fixed seeded shuffle) as the test split. */
function holdout(all: Split): [Split, Split] {
  const n = all.x.shape[0]!;
  const nTest = Math.max(1, Math.round(n * HOLDOUT));
  if (n - nTest < 1) throw new Error(`only ${n} example(s): too few to hold out a test split`);
  const order = randperm(n, { generator: new Generator(HOLDOUT_SEED) });
  const pick = (from: number, to: number): Split => {
    const idx = order.slice(0, from, to);
    return { x: indexSelect(all.x, 0, idx), y: indexSelect(all.y, 0, idx) };
  };
  return [pick(0, n - nTest), pick(n - nTest, n)];
}

function limitSplit(split: Split, limit: number | undefined): Split {
  const n = split.x.shape[0]!;
  if (limit === undefined || limit >= n) return split;
  return { x: split.x.slice(0, 0, limit).contiguous(), y: split.y.slice(0, 0, limit).contiguous() };
}

function maxLabel(y: Tensor): number {
  if (y.dtype !== 'int32') throw new Error(`class labels must be integers, got ${y.dtype}`);
  const v = y.toArray();
  let max = -1;
  for (const label of v) {
    if (label < 0) throw new Error(`class labels must be non-negative, got ${label}`);
    if (label > max) max = label;
  }
  return max;
}

/** Reads every image of a folder dataset into one [N, C, H, W] tensor and the labels. */
function materialize(ds: Dataset<[Tensor, number]>): Split {
  if (ds.length === 0) throw new Error('the image folder holds no images');
  const images: Tensor[] = [];
  const labels = new Int32Array(ds.length);
  for (let i = 0; i < ds.length; i++) {
    const [image, label] = ds.get(i);
    images.push(image);
    labels[i] = label;
  }
  return { x: stack(images, 0), y: fromArray(labels, [ds.length], 'int32') };
}

function categoryNames(encoder: unknown): string[] | null {
  const values = (encoder as { categories?: unknown[] } | undefined)?.categories;
  return Array.isArray(values) ? values.map(String) : null;
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
