import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { data } from '../../../src/index.js';
import { assertClose } from '../../helpers.js';

const { loadIdx, loadIdxFolder, parseIdx } = data;

/** IDX bytes: 00 00 code ndim, big-endian dims, then `body` (already big-endian). */
function idx(code: number, dims: number[], body: number[] | Uint8Array): Uint8Array {
  const head = [0, 0, code, dims.length];
  for (const d of dims) head.push((d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255);
  return Uint8Array.from([...head, ...body]);
}

const made: string[] = [];
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-idx-'));
  made.push(dir);
  return dir;
}

test('loadIdx reads unsigned bytes as int32 with big-endian dims', () => {
  const dir = tempDir();
  const path = join(dir, 'a-idx2-ubyte');
  writeFileSync(path, idx(0x08, [2, 3], [0, 1, 2, 253, 254, 255]));
  const t = loadIdx(path);
  assert.equal(t.dtype, 'int32');
  assert.deepEqual(t.shape, [2, 3]);
  assert.deepEqual(t.tolist(), [[0, 1, 2], [253, 254, 255]]);
});

test('loadIdx decodes signed and float types big-endian', () => {
  const dir = tempDir();
  // int8: 0xff = -1, 0x80 = -128.
  writeFileSync(join(dir, 'i8'), idx(0x09, [3], [0xff, 0x80, 0x7f]));
  assert.deepEqual(loadIdx(join(dir, 'i8')).tolist(), [-1, -128, 127]);
  // int16: 0x0102 = 258, 0xfffe = -2.
  writeFileSync(join(dir, 'i16'), idx(0x0b, [2], [0x01, 0x02, 0xff, 0xfe]));
  assert.deepEqual(loadIdx(join(dir, 'i16')).tolist(), [258, -2]);
  // int32: 0x00010000 = 65536, 0xffffffff = -1.
  writeFileSync(join(dir, 'i32'), idx(0x0c, [2], [0, 1, 0, 0, 255, 255, 255, 255]));
  assert.deepEqual(loadIdx(join(dir, 'i32')).tolist(), [65536, -1]);
  // float32: 0x3fc00000 = 1.5, 0xc0200000 = -2.5.
  writeFileSync(join(dir, 'f32'), idx(0x0d, [2], [0x3f, 0xc0, 0, 0, 0xc0, 0x20, 0, 0]));
  const f = loadIdx(join(dir, 'f32'));
  assert.equal(f.dtype, 'float32');
  assert.deepEqual(f.tolist(), [1.5, -2.5]);
  // float64: 0x3ff8000000000000 = 1.5.
  writeFileSync(join(dir, 'f64'), idx(0x0e, [1, 1], [0x3f, 0xf8, 0, 0, 0, 0, 0, 0]));
  const g = loadIdx(join(dir, 'f64'));
  assert.equal(g.dtype, 'float64');
  assert.deepEqual(g.tolist(), [[1.5]]);
});

test('gzipped IDX files are detected by their magic number, not their name', () => {
  const dir = tempDir();
  const bytes = idx(0x08, [4], [9, 8, 7, 6]);
  writeFileSync(join(dir, 'plain.gz'), bytes); // a misleading name: not actually gzipped
  writeFileSync(join(dir, 'packed'), gzipSync(bytes));
  assert.deepEqual(loadIdx(join(dir, 'plain.gz')).tolist(), [9, 8, 7, 6]);
  assert.deepEqual(loadIdx(join(dir, 'packed')).tolist(), [9, 8, 7, 6]);
  assert.deepEqual(parseIdx(gzipSync(bytes)).shape, [4]);
});

test('malformed IDX files give errors that name the file', () => {
  const dir = tempDir();
  const write = (name: string, bytes: Uint8Array | number[]): string => {
    const p = join(dir, name);
    writeFileSync(p, Uint8Array.from(bytes));
    return p;
  };
  assert.throws(() => loadIdx(write('short', [0, 0])), /loadIdx: '.*short' is truncated: 2 bytes/);
  assert.throws(() => loadIdx(write('magic', [0x50, 0x4b, 3, 4, 0, 0])), /loadIdx: '.*magic' is not an IDX file: it starts with 50 4b 03 04/);
  assert.throws(() => loadIdx(write('code', [0, 0, 0x0a, 1, 0, 0, 0, 1, 5])), /'.*code' has unknown IDX type code 0x0a/);
  assert.throws(() => loadIdx(write('dims', [0, 0, 8, 3, 0, 0, 0, 1])), /'.*dims' is truncated: its header declares 3 dims \(16 bytes\)/);
  assert.throws(() => loadIdx(write('data', idx(0x08, [2, 2], [1, 2, 3]))), /'.*data' is truncated: shape \[2, 2\] of uint8 needs 4 bytes of data, the file has 3/);
  assert.throws(() => loadIdx(write('extra', idx(0x0b, [1], [0, 1, 2]))), /'.*extra' has a size mismatch: shape \[1\] of int16 needs 2 bytes of data, the file has 3 \(1 extra\)/);
  assert.throws(() => loadIdx(write('badgz', [0x1f, 0x8b, 1, 2, 3, 4])), /'.*badgz' looks gzipped \(starts with 1f 8b\) but cannot be decompressed/);
  assert.throws(() => loadIdx(join(dir, 'nope')), /loadIdx: cannot read '.*nope': no such file or directory/);
  // Truncated gzip streams of a valid file.
  const gz = gzipSync(idx(0x08, [100], new Uint8Array(100)));
  assert.throws(() => loadIdx(write('cut.gz', gz.subarray(0, gz.length - 12))), /cut\.gz' looks gzipped .* cannot be decompressed/);
});

/** Writes an MNIST-style split: images [n, h, w] from `pixels`, labels. */
function writeSplit(dir: string, prefix: string, h: number, w: number, pixels: number[], labels: number[], gzip: boolean): void {
  const n = labels.length;
  const ext = gzip ? '.gz' : '';
  const z = (b: Uint8Array): Uint8Array => (gzip ? gzipSync(b) : b);
  writeFileSync(join(dir, `${prefix}-images-idx3-ubyte${ext}`), z(idx(0x08, [n, h, w], pixels)));
  writeFileSync(join(dir, `${prefix}-labels-idx1-ubyte${ext}`), z(idx(0x08, [n], labels)));
}

test('loadIdxFolder builds train and test TensorDatasets of [1, H, W] images in [0, 1] and int32 labels', () => {
  const dir = tempDir();
  writeSplit(dir, 'train', 2, 3, [0, 51, 102, 153, 204, 255, 255, 0, 0, 0, 0, 255], [7, 2], true);
  writeSplit(dir, 't10k', 2, 3, [255, 255, 255, 0, 0, 0], [4], false);
  writeFileSync(join(dir, 'README.txt'), 'not data');
  const { train, test: testSet } = loadIdxFolder(dir);
  assert.equal(train.length, 2);
  assert.equal(testSet.length, 1);
  const [x0, y0] = train.get(0) as [ReturnType<typeof loadIdx>, ReturnType<typeof loadIdx>];
  assert.deepEqual(x0.shape, [1, 2, 3]);
  assert.equal(x0.dtype, 'float32');
  assertClose(x0, [[[0, 0.2, 0.4], [0.6, 0.8, 1]]]);
  assert.equal(y0.dtype, 'int32');
  assert.equal(y0.item(), 7);
  assert.equal(train.get(1)[1]!.item(), 2);
  assertClose(testSet.get(0)[0]!, [[[1, 1, 1], [0, 0, 0]]]);
  assert.equal(testSet.get(0)[1]!.item(), 4);
});

test('loadIdxFolder accepts dotted names, test- prefixes and both a .gz and its extracted copy', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'train-images.idx3-ubyte'), idx(0x08, [1, 1, 1], [255]));
  writeFileSync(join(dir, 'train-labels.idx1-ubyte'), idx(0x08, [1], [3]));
  writeFileSync(join(dir, 'train-labels.idx1-ubyte.gz'), gzipSync(idx(0x08, [1], [3])));
  writeFileSync(join(dir, 'emnist-digits-test-images-idx3-ubyte'), idx(0x08, [1, 1, 1], [0]));
  writeFileSync(join(dir, 'emnist-digits-test-labels-idx1-ubyte'), idx(0x08, [1], [5]));
  const { train, test: testSet } = loadIdxFolder(dir);
  assert.equal(train.get(0)[1]!.item(), 3);
  assert.equal(testSet.get(0)[1]!.item(), 5);
});

test('loadIdxFolder errors name the folder and files', () => {
  const empty = tempDir();
  assert.throws(() => loadIdxFolder(empty), /loadIdxFolder: no train images file \(train-images-idx3-ubyte\[\.gz\]\) in '.*'; it is empty/);
  assert.throws(() => loadIdxFolder(join(empty, 'missing')), /loadIdxFolder: cannot list the folder '.*missing'/);

  const mismatch = tempDir();
  writeSplit(mismatch, 'train', 1, 1, [1, 2], [0, 1], false);
  writeFileSync(join(mismatch, 't10k-images-idx3-ubyte'), idx(0x08, [2, 1, 1], [1, 2]));
  writeFileSync(join(mismatch, 't10k-labels-idx1-ubyte'), idx(0x08, [3], [0, 1, 2]));
  assert.throws(() => loadIdxFolder(mismatch), /'.*t10k-images-idx3-ubyte' has 2 images but '.*t10k-labels-idx1-ubyte' has 3 labels/);

  const noTest = tempDir();
  writeSplit(noTest, 'train', 1, 1, [1], [0], false);
  assert.throws(() => loadIdxFolder(noTest), /no test images file \(t10k-images-idx3-ubyte\[\.gz\]\) in '.*'; it holds train-images-idx3-ubyte/);

  const two = tempDir();
  mkdirSync(join(two, 'sub'));
  writeSplit(two, 'fashion-train', 1, 1, [1], [0], false);
  writeSplit(two, 'kmnist-train', 1, 1, [1], [0], false);
  assert.throws(() => loadIdxFolder(two), /several train images files in '.*': fashion-train-images-idx3-ubyte, kmnist-train-images-idx3-ubyte/);

  const truncated = tempDir();
  writeSplit(truncated, 'train', 2, 2, [1, 2, 3, 4, 5, 6, 7], [0, 1], false);
  writeSplit(truncated, 't10k', 1, 1, [1], [0], false);
  assert.throws(() => loadIdxFolder(truncated), /loadIdxFolder: '.*train-images-idx3-ubyte' is truncated: shape \[2, 2, 2\] of uint8 needs 8 bytes/);
});
