/** train, eval and predict on a user's data: a CSV table and a folder of class folders of images (in-process). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { data, type Tensor } from '../../src/index.js';
import { seeded } from '../helpers.js';
import { tempDir, tesseraInProcess as tessera } from './run-cli.js';

/** Three well separated blobs in (x, y), an uninformative category column, and a text class column. */
function blobsCsv(rows: number, seed: number, withTarget = true): string {
  const rng = seeded(seed);
  const centers: Record<string, [number, number]> = { north: [0, 10], east: [10, 0], south: [0, -10] };
  const names = Object.keys(centers);
  const lines = [withTarget ? 'x,y,colour,place' : 'x,y,colour'];
  for (let i = 0; i < rows; i++) {
    const name = names[i % 3]!;
    const [cx, cy] = centers[name]!;
    const colour = rng() < 0.5 ? 'red' : 'blue';
    const cells = [(cx + 2 * (rng() - 0.5)).toFixed(3), (cy + 2 * (rng() - 0.5)).toFixed(3), colour];
    if (withTarget) cells.push(name);
    lines.push(cells.join(','));
  }
  return lines.join('\n') + '\n';
}

/** An 8x8 PNG: a bright bar across the top rows ('top') or the bottom rows ('bottom'), with noise. */
function barPng(where: 'top' | 'bottom', rng: () => number): Buffer {
  const png = new PNG({ width: 8, height: 8 });
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      const bright = where === 'top' ? y < 3 : y >= 5;
      const g = Math.round(255 * Math.min(1, Math.max(0, (bright ? 0.85 : 0.1) + 0.2 * (rng() - 0.5))));
      png.data.set([g, g, g, 255], (y * 8 + x) * 4);
    }
  }
  return PNG.sync.write(png);
}

describe('tessera on a CSV table', () => {
  const dir = tempDir('csv');
  const csv = join(dir, 'places.csv');
  writeFileSync(csv, blobsCsv(150, 1));
  const run = join(dir, 'run');

  it('train --data file.csv needs --target and an MLP', async () => {
    const noTarget = await tessera(['train', '--data', csv, '--model', 'mlp']);
    assert.equal(noTarget.code, 1);
    assert.match(noTarget.stderr, /is a CSV file: name the column to predict with --target <column>/);
    const cnn = await tessera(['train', '--data', csv, '--target', 'place']);
    assert.equal(cnn.code, 1);
    assert.match(cnn.stderr, /--model digit-cnn needs images, but the CSV file .* is a table; use --model mlp/);
  });

  it('trains an MLP on a held-out split, and eval / predict read new files the same way', async () => {
    const r = await tessera(['train', '--data', csv, '--target', 'place', '--model', 'mlp', '--epochs', '15', '--batch-size', '16', '--out', run, '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    const accuracy = Number(/^Test accuracy (\d+\.\d+)%/.exec(r.stdout)![1]);
    assert.ok(accuracy >= 90, r.stdout);
    // The 20% holdout of 150 rows.
    const logs = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n');
    assert.equal(logs.length, 15);

    const fresh = join(dir, 'fresh.csv');
    writeFileSync(fresh, blobsCsv(30, 2));
    const e = await tessera(['eval', '--model-file', join(run, 'model.safetensors'), '--data', fresh, '--json']);
    assert.equal(e.code, 0, e.stderr);
    const result = JSON.parse(e.stdout) as { examples: number; accuracy: number; perClass: Array<{ name: string }> };
    assert.equal(result.examples, 30);
    assert.ok(result.accuracy >= 0.9);
    assert.deepEqual(result.perClass.map((c) => c.name), ['east', 'north', 'south']);

    const unlabeled = join(dir, 'unlabeled.csv');
    writeFileSync(unlabeled, blobsCsv(3, 3, false));
    const p = await tessera(['predict', unlabeled, '--model-file', join(run, 'model.safetensors')]);
    assert.equal(p.code, 0, p.stderr);
    assert.deepEqual(p.stdout.trim().split('\n').map((line) => line.split(' (')[0]), ['row 1: north', 'row 2: east', 'row 3: south']);

    const image = await tessera(['predict', join(dir, 'x.png'), '--model-file', join(run, 'model.safetensors')]);
    assert.equal(image.code, 1);
    assert.match(image.stderr, /the model was trained on a table \(CSV\), so it classifies CSV rows/);
  });
});

describe('tessera on a folder of images', () => {
  it('trains on class folders (grayscale, resized), names the classes, and predicts an image', async () => {
    const dir = tempDir('images');
    const rng = seeded(5);
    for (const where of ['top', 'bottom'] as const) {
      mkdirSync(join(dir, 'bars', where), { recursive: true });
      for (let i = 0; i < 15; i++) writeFileSync(join(dir, 'bars', where, `${i}.png`), barPng(where, rng));
    }
    const run = join(dir, 'run');
    const r = await tessera(['train', '--data', join(dir, 'bars'), '--model', 'mlp', '--image-size', '8', '--epochs', '10', '--batch-size', '4', '--out', run]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /the image folder '.*bars' \(30 images\)/);
    assert.match(r.stdout, /24 train \/ 6 test examples, 2 classes/);
    assert.match(r.stdout, /^Test accuracy 100\.00%/m);
    writeFileSync(join(dir, 'probe.png'), barPng('bottom', rng));
    const p = await tessera(['predict', join(dir, 'probe.png'), '--model-file', join(run, 'model.safetensors'), '--json', '--no-invert']);
    assert.equal(p.code, 0, p.stderr);
    const prediction = JSON.parse(p.stdout) as { class: string; ranked: Array<{ class: string }> };
    assert.equal(prediction.class, 'bottom');
    assert.deepEqual(prediction.ranked.map((x) => x.class).sort(), ['bottom', 'top']);
  });
});

/** An IDX (MNIST format) file of uint8 values with the given dims. */
function idx(values: Uint8Array, dims: number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.set([0, 0, 0x08, dims.length]);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(values)]);
}

describe('tessera on an IDX folder', () => {
  it('trains on its train files, tests on its t10k files, and eval uses the test split', async () => {
    const dir = tempDir('idx');
    const [images, labels] = data.datasets.digits({ split: 'train' }).tensors as [Tensor, Tensor];
    const write = (prefix: string, from: number, n: number): void => {
      const pixels = Uint8Array.from(images.slice(0, from, from + n).toArray(), (v) => Math.round(v * 255));
      writeFileSync(join(dir, 'mnist', `${prefix}-images-idx3-ubyte`), idx(pixels, [n, 28, 28]));
      writeFileSync(join(dir, 'mnist', `${prefix}-labels-idx1-ubyte`), idx(Uint8Array.from(labels.slice(0, from, from + n).toArray()), [n]));
    };
    mkdirSync(join(dir, 'mnist'));
    write('train', 0, 256);
    write('t10k', 256, 64);
    const run = join(dir, 'run');
    const r = await tessera(['train', '--data', join(dir, 'mnist'), '--epochs', '2', '--out', run]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /digit-cnn on the IDX folder '.*mnist'/);
    assert.match(r.stdout, /256 train \/ 64 test examples, 10 classes/);
    const e = await tessera(['eval', '--model-file', join(run, 'model.safetensors'), '--data', join(dir, 'mnist'), '--json']);
    assert.equal(e.code, 0, e.stderr);
    assert.equal((JSON.parse(e.stdout) as { examples: number }).examples, 64);
  });
});

describe('tessera on a CSV with missing values', () => {
  it('fills them (mean for numbers, most frequent for categories), in training and in new files', async () => {
    const dir = tempDir('missing');
    const lines = blobsCsv(90, 4).trim().split('\n');
    lines[5] = lines[5]!.replace(/^[^,]*,/, ',');
    lines[9] = lines[9]!.replace(/,(red|blue),/, ',,');
    writeFileSync(join(dir, 'gaps.csv'), lines.join('\n') + '\n');
    const run = join(dir, 'run');
    const r = await tessera(['train', '--data', join(dir, 'gaps.csv'), '--target', 'place', '--model', 'mlp', '--epochs', '10', '--batch-size', '8', '--out', run, '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Test accuracy \d+\.\d\d% \(loss \d\.\d{4}\)/);
    writeFileSync(join(dir, 'new.csv'), 'x,y,colour\n,10,\n');
    const p = await tessera(['predict', join(dir, 'new.csv'), '--model-file', join(run, 'model.safetensors'), '--json']);
    assert.equal(p.code, 0, p.stderr);
    const [row] = JSON.parse(p.stdout) as Array<{ class: string; ranked: Array<{ probability: number }> }>;
    assert.ok(row!.ranked.every((x) => Number.isFinite(x.probability)));
  });
});
