/**
 * IDX files, the format of MNIST and its relatives (Fashion-MNIST, KMNIST, EMNIST): two zero bytes, a
 * type code, the number of dims, the dims as big-endian uint32, then the values, big-endian, in C order.
 * Files may be gzipped; that is detected from the bytes (1f 8b), not from the name.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Tensor } from '../../tensor/tensor.js';
import { fromArray } from '../../tensor/creation.js';
import { TensorDataset } from '../dataset.js';
import { maybeGunzip, readBytes, reason } from './files.js';

/** The element types IDX defines, by type code (0x08 ... 0x0E). */
export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

const TYPE_CODES: Record<number, { type: IdxType; bytes: number }> = {
  0x08: { type: 'uint8', bytes: 1 },
  0x09: { type: 'int8', bytes: 1 },
  0x0b: { type: 'int16', bytes: 2 },
  0x0c: { type: 'int32', bytes: 4 },
  0x0d: { type: 'float32', bytes: 4 },
  0x0e: { type: 'float64', bytes: 8 },
};

/** A decoded IDX file: its element type, dims, and values in native byte order. */
export interface IdxArray {
  type: IdxType;
  shape: number[];
  values: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

/**
 * Decodes the bytes of an IDX file (gunzipping them first when gzipped). `name` appears in errors.
 *
 * ```ts
 * const { type, shape, values } = parseIdx(readFileSync('train-labels-idx1-ubyte'), 'labels');
 * ```
 */
export function parseIdx(bytes: Uint8Array, name = 'IDX data'): IdxArray {
  const op = 'parseIdx';
  const raw = maybeGunzip(op, bytes, name);
  if (raw.length < 4) throw new Error(`${op}: ${name} is truncated: ${raw.length} bytes, too short for the 4-byte IDX magic number`);
  if (raw[0] !== 0 || raw[1] !== 0) {
    throw new Error(`${op}: ${name} is not an IDX file: it starts with ${hex(raw.subarray(0, 4))}, expected 00 00 <type> <ndim>`);
  }
  const code = raw[2]!;
  const kind = TYPE_CODES[code];
  if (kind === undefined) {
    throw new Error(`${op}: ${name} has unknown IDX type code 0x${code.toString(16).padStart(2, '0')} (expected 0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E)`);
  }
  const ndim = raw[3]!;
  const headerBytes = 4 + 4 * ndim;
  if (raw.length < headerBytes) throw new Error(`${op}: ${name} is truncated: its header declares ${ndim} dims (${headerBytes} bytes), the file has ${raw.length} bytes`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let d = 0; d < ndim; d++) {
    const size = view.getUint32(4 + 4 * d, false);
    shape.push(size);
    count *= size;
  }
  const dataBytes = count * kind.bytes;
  const found = raw.length - headerBytes;
  if (found < dataBytes) {
    throw new Error(`${op}: ${name} is truncated: shape [${shape.join(', ')}] of ${kind.type} needs ${dataBytes} bytes of data, the file has ${found}`);
  }
  if (found > dataBytes) {
    throw new Error(`${op}: ${name} has a size mismatch: shape [${shape.join(', ')}] of ${kind.type} needs ${dataBytes} bytes of data, the file has ${found} (${found - dataBytes} extra)`);
  }
  return { type: kind.type, shape, values: readValues(view, headerBytes, count, kind.type) };
}

/** Reads `count` big-endian values of `type` starting at byte `offset`. */
function readValues(view: DataView, offset: number, count: number, type: IdxType): IdxArray['values'] {
  switch (type) {
    case 'uint8':
      return new Uint8Array(view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + count));
    case 'int8':
      return new Int8Array(view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + count));
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i, false);
      return out;
    }
  }
}

/** The tensor of a decoded IDX array: integer types become int32, floats keep their width. */
export function idxToTensor(idx: IdxArray): Tensor {
  const { type, shape, values } = idx;
  if (type === 'float32' || type === 'float64' || type === 'int32') return fromArray(values as Float32Array | Float64Array | Int32Array, shape, type);
  return fromArray(Int32Array.from(values), shape, 'int32');
}

/**
 * Reads an IDX file (gzipped or not) into a tensor: uint8/int8/int16/int32 data as int32, float32 and
 * float64 as themselves.
 *
 * ```ts
 * const labels = loadIdx('data/train-labels-idx1-ubyte.gz'); // int32 [60000]
 * ```
 */
export function loadIdx(path: string): Tensor {
  return idxToTensor(parseIdxFile('loadIdx', path));
}

function parseIdxFile(op: string, path: string): IdxArray {
  const bytes = readBytes(op, path);
  try {
    return parseIdx(bytes, `'${path}'`);
  } catch (e) {
    throw new Error(`${op}: ${(e as Error).message.replace(/^parseIdx: /, '')}`);
  }
}

/** The two splits of an IDX dataset folder. */
export interface IdxSplits {
  /** `[image [1, H, W] float32, label int32]` items. */
  train: TensorDataset;
  test: TensorDataset;
}

const SPLIT_NAMES = { train: ['train'], test: ['t10k', 'test'] } as const;

/**
 * Reads an MNIST-style folder: `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`,
 * `t10k-images-idx3-ubyte` and `t10k-labels-idx1-ubyte` (each optionally `.gz`; `test-` for `t10k-`,
 * `.` or `_` for `-`, and a prefix such as `emnist-digits-` are accepted). Images become
 * [N, 1, H, W] float32 (uint8 pixels divided by 255), labels int32 [N].
 *
 * ```ts
 * const { train, test } = loadIdxFolder('data/fashion-mnist');
 * const loader = new DataLoader(train, { batchSize: 64, shuffle: true });
 * ```
 */
export function loadIdxFolder(dir: string): IdxSplits {
  const op = 'loadIdxFolder';
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => isFile(join(dir, n)));
  } catch (e) {
    throw new Error(`${op}: cannot list the folder '${dir}': ${reason(e)}`);
  }
  const split = (which: 'train' | 'test'): TensorDataset => {
    const imagesPath = join(dir, findFile(op, dir, names, which, 'images'));
    const labelsPath = join(dir, findFile(op, dir, names, which, 'labels'));
    const images = parseIdxFile(op, imagesPath);
    const labels = parseIdxFile(op, labelsPath);
    if (images.shape.length !== 3) throw new Error(`${op}: '${imagesPath}' should hold images [N, H, W], got shape [${images.shape.join(', ')}]`);
    if (labels.shape.length !== 1) throw new Error(`${op}: '${labelsPath}' should hold labels [N], got shape [${labels.shape.join(', ')}]`);
    if (labels.type === 'float32' || labels.type === 'float64') throw new Error(`${op}: '${labelsPath}' should hold integer labels, got ${labels.type}`);
    const [n, h, w] = images.shape as [number, number, number];
    if (labels.shape[0] !== n) throw new Error(`${op}: '${imagesPath}' has ${n} images but '${labelsPath}' has ${labels.shape[0]} labels`);
    return new TensorDataset(fromArray(imagePixels(images), [n, 1, h, w], 'float32'), idxToTensor(labels));
  };
  return { train: split('train'), test: split('test') };
}

/** float32 pixels: uint8 scaled to [0, 1], other types as they are. */
function imagePixels(images: IdxArray): Float32Array {
  if (images.type !== 'uint8') return Float32Array.from(images.values);
  const out = new Float32Array(images.values.length);
  for (let i = 0; i < out.length; i++) out[i] = images.values[i]! / 255;
  return out;
}

function findFile(op: string, dir: string, names: readonly string[], split: 'train' | 'test', kind: 'images' | 'labels'): string {
  const idx = kind === 'images' ? 'idx3' : 'idx1';
  const pattern = new RegExp(`(^|[-_.])(${SPLIT_NAMES[split].join('|')})[-_.]${kind}[-_.]${idx}[-_.]ubyte(\\.gz)?$`, 'i');
  const found = names.filter((n) => pattern.test(n)).sort();
  // The same file both compressed and extracted is common; the extracted one is quicker to read.
  const stems = [...new Set(found.map((n) => n.replace(/\.gz$/i, '')))];
  if (stems.length === 1) return found.find((n) => !/\.gz$/i.test(n)) ?? found[0]!;
  const wanted = `${split === 'train' ? 'train' : 't10k'}-${kind}-${idx}-ubyte[.gz]`;
  if (stems.length === 0) {
    const listing = names.length === 0 ? 'it is empty' : `it holds ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', ...' : ''}`;
    throw new Error(`${op}: no ${split} ${kind} file (${wanted}) in '${dir}'; ${listing}`);
  }
  throw new Error(`${op}: several ${split} ${kind} files in '${dir}': ${found.join(', ')}; keep one dataset per folder`);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}
