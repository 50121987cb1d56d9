import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { encode as encodeJpeg } from 'jpeg-js';
import { Generator, data } from '../../../src/index.js';
import type { Tensor } from '../../../src/index.js';
import { assertClose } from '../../helpers.js';

const { imageFolder, DataLoader } = data;

const made: string[] = [];
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A flat-colored w x h image as PNG bytes. */
function flatPng(w: number, h: number, rgb: [number, number, number]): Uint8Array {
  const pixels = Buffer.from(Array.from({ length: w * h }, () => [...rgb, 255]).flat());
  return PNG.sync.write({ width: w, height: h, data: pixels } as PNG);
}

/** root/dog/{b.png, a.jpg}, root/cat/c.png, plus files that are not samples. */
function makeFolder(): string {
  const root = mkdtempSync(join(tmpdir(), 'tessera-folder-'));
  made.push(root);
  mkdirSync(join(root, 'dog'));
  mkdirSync(join(root, 'cat'));
  mkdirSync(join(root, '.hidden'));
  writeFileSync(join(root, 'dog', 'b.png'), flatPng(4, 2, [255, 0, 0]));
  writeFileSync(join(root, 'dog', 'a.JPG'), encodeJpeg({ width: 8, height: 8, data: Buffer.alloc(256, 255) }, 100).data);
  writeFileSync(join(root, 'dog', 'notes.txt'), 'not an image');
  writeFileSync(join(root, 'dog', '.DS_Store'), 'x');
  writeFileSync(join(root, 'cat', 'c.png'), flatPng(2, 2, [0, 0, 255]));
  writeFileSync(join(root, '.hidden', 'z.png'), flatPng(2, 2, [0, 0, 0]));
  writeFileSync(join(root, 'stray.png'), flatPng(2, 2, [0, 0, 0]));
  return root;
}

test('imageFolder lists sorted classes and samples, and decodes images when read', () => {
  const root = makeFolder();
  const ds = imageFolder(root);
  assert.deepEqual(ds.classes, ['cat', 'dog']);
  assert.deepEqual(ds.classToIndex, { cat: 0, dog: 1 });
  assert.equal(ds.length, 3);
  assert.deepEqual(ds.samples.map(([p, k]) => [p.slice(root.length + 1), k]), [['cat/c.png', 0], ['dog/a.JPG', 1], ['dog/b.png', 1]]);
  assert.deepEqual(ds.targets, [0, 1, 1]);
  const [cat, label] = ds.get(0);
  assert.equal(label, 0);
  assert.deepEqual(cat.shape, [3, 2, 2]);
  assertClose(cat.select(1, 1).select(1, 1), [0, 0, 1]);
  const [white] = ds.get(1);
  assert.deepEqual(white.shape, [3, 8, 8]);
  assertClose(white.mean(), 1, { atol: 2 / 255 });
  assert.deepEqual(ds.get(2)[0].shape, [3, 2, 4]);
  assert.throws(() => ds.get(3), /ImageFolder: index 3 is out of range for a dataset of length 3/);
});

test('imageFolder resizes and converts to grayscale, so a DataLoader can stack mixed sizes', () => {
  const ds = imageFolder(makeFolder(), { size: 4, grayscale: true });
  const loader = new DataLoader(ds, { batchSize: 3 });
  const batches = [...loader] as [Tensor, Tensor][];
  assert.equal(batches.length, 1);
  const [images, labels] = batches[0]!;
  assert.deepEqual(images.shape, [3, 1, 4, 4]);
  assert.deepEqual(labels.tolist(), [0, 1, 1]);
  assert.equal(labels.dtype, 'int32');
  assertClose(images.select(0, 0).mean(), 0.114); // pure blue
  assertClose(images.select(0, 2).mean(), 0.299); // pure red
});

test('imageFolder transforms get the sample generator; cache keeps decoded images safe from edits', () => {
  const seen: number[] = [];
  const ds = imageFolder(makeFolder(), {
    transform: (x, rng) => {
      seen.push(rng.nextFloat64());
      return x.mul(2);
    },
    seed: 5,
  });
  const [doubled] = ds.get(0);
  assertClose(doubled.select(0, 2).mean(), 2);
  ds.get(0);
  assert.equal(seen[0], seen[1], 'the same index draws the same numbers outside a loader');
  ds.get(0, new Generator(123));
  assert.equal(seen[2], new Generator(123).nextFloat64());

  const cached = imageFolder(makeFolder(), { cache: true });
  const first = cached.get(2)[0];
  first.mul_(0);
  assertClose(cached.get(2)[0].select(0, 0).mean(), 1, { message: 'the cached copy is unchanged' });
});

test('imageFolder errors name the folder or the file', () => {
  const root = mkdtempSync(join(tmpdir(), 'tessera-folder-'));
  made.push(root);
  assert.throws(() => imageFolder(root), /imageFolder: '.*' has no sub-folders; expected one folder of images per class/);
  assert.throws(() => imageFolder(join(root, 'absent')), /imageFolder: cannot list the folder '.*absent'/);
  mkdirSync(join(root, 'empty'));
  writeFileSync(join(root, 'empty', 'a.gif'), 'GIF89a');
  assert.throws(() => imageFolder(root), /imageFolder: no \.png\/\.jpg\/\.jpeg files in the class folders of '.*' \(empty\)/);
  writeFileSync(join(root, 'empty', 'broken.png'), Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]));
  const ds = imageFolder(root, { extensions: ['.png', '.gif'] });
  assert.equal(ds.length, 2);
  assert.throws(() => ds.get(0), /loadImage: '.*a\.gif' is not a PNG or JPEG image/);
  assert.throws(() => ds.get(1), /loadImage: cannot decode '.*broken\.png' as PNG/);
  assert.throws(() => imageFolder(root, { transform: 3 as never }), /imageFolder: transform must be a function/);
});
