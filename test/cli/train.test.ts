/** train, eval, predict and --resume end to end on small slices of the bundled digits (in-process). */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { data, type Tensor } from '../../src/index.js';
import { readCard } from '../../src/cli/model-file.js';
import { tempDir, tesseraInProcess as tessera } from './run-cli.js';

const readMetrics = (dir: string): Array<Record<string, number>> =>
  readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);

/** A 28x28 grayscale image [1, 28, 28] in [0, 1] as PNG bytes, optionally inverted. */
function png(image: Tensor, invert: boolean): Buffer {
  const v = image.toArray();
  const out = new PNG({ width: 28, height: 28 });
  for (let i = 0; i < 784; i++) {
    const g = Math.round((invert ? 1 - v[i]! : v[i]!) * 255);
    out.data.set([g, g, g, 255], i * 4);
  }
  return PNG.sync.write(out);
}

describe('tessera train / eval / predict', () => {
  const root = tempDir('flow');
  const run = join(root, 'run');
  const common = ['--limit', '300', '--schedule', 'constant', '--quiet'];

  before(async () => {
    const r = await tessera(['train', '--epochs', '1', '--out', run, ...common]);
    assert.equal(r.code, 0, r.stderr);
  });

  it('train --quiet prints only the result and the run folder', async () => {
    const again = await tessera(['train', '--epochs', '1', '--out', join(root, 'quiet'), ...common]);
    const lines = again.stdout.trim().split('\n');
    assert.equal(lines.length, 2, again.stdout);
    assert.match(lines[0]!, /^Test accuracy \d+\.\d\d% \(loss \d\.\d{4}\) after 1 epoch\(s\); training \d+\.\d s/);
    assert.match(lines[1]!, /quiet\/$/);
    // The same seed and settings: the same result.
    assert.deepEqual(readMetrics(join(root, 'quiet')).map((e) => e['val_accuracy']), readMetrics(run).map((e) => e['val_accuracy']));
  });

  it('eval measures the accuracy train reported, on the same examples', async () => {
    const r = await tessera(['eval', '--model-file', join(run, 'model.safetensors'), '--limit', '300', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { accuracy: number; examples: number; model: string; confusion: number[][]; perClass: Array<{ total: number }> };
    assert.equal(result.model, 'digit-cnn');
    assert.equal(result.examples, 300);
    assert.ok(Math.abs(result.accuracy - readMetrics(run)[0]!['val_accuracy']!) < 1e-9);
    assert.equal(result.confusion.flat().reduce((a, b) => a + b, 0), 300);
    assert.equal(result.perClass.reduce((n, c) => n + c.total, 0), 300);
    const text = await tessera(['eval', '--model-file', join(run, 'model.safetensors'), '--limit', '300']);
    assert.match(text.stdout, /^Accuracy \d+\.\d\d% \(\d+ of 300\), loss \d\.\d{4}/m);
    assert.match(text.stdout, /Confusion matrix \(rows: true class, columns: predicted\):/);
  });

  it('predict classifies a PNG, inverting a dark-on-light one to match the training digits', async () => {
    const [images] = data.datasets.digits({ split: 'test' }).tensors as [Tensor, Tensor];
    const digit = images.select(0, 0);
    writeFileSync(join(root, 'digit.png'), png(digit, false));
    writeFileSync(join(root, 'ink.png'), png(digit, true));
    const model = ['--model-file', join(run, 'model.safetensors')];
    const plain = await tessera(['predict', join(root, 'digit.png'), ...model, '--json']);
    assert.equal(plain.code, 0, plain.stderr);
    const p = JSON.parse(plain.stdout) as { class: string; index: number; ranked: Array<{ class: string; probability: number }> };
    assert.equal(p.ranked.length, 10);
    assert.ok(Math.abs(p.ranked.reduce((s, r) => s + r.probability, 0) - 1) < 1e-5);
    assert.equal(p.ranked[0]!.class, p.class);
    assert.ok(p.ranked.every((r, i) => i === 0 || r.probability <= p.ranked[i - 1]!.probability));
    const inverted = await tessera(['predict', join(root, 'ink.png'), ...model, '--json']);
    assert.equal((JSON.parse(inverted.stdout) as { class: string }).class, p.class);
    const shown = await tessera(['predict', join(root, 'ink.png'), ...model, '--top', '3']);
    assert.match(shown.stderr, /^note: the image has a light background, so it was inverted/);
    assert.match(shown.stdout, new RegExp(`: class ${p.class}\n  class +probability\n  ${p.class} +\\d+\\.\\d\\d%`));
    assert.equal(shown.stdout.trim().split('\n').length, 2 + 3);
    const kept = await tessera(['predict', join(root, 'ink.png'), ...model, '--no-invert']);
    assert.equal(kept.stderr, '');
  });

  it('--resume continues a run exactly as an uninterrupted one', async () => {
    const straight = join(root, 'straight');
    assert.equal((await tessera(['train', '--epochs', '2', '--out', straight, ...common])).code, 0);
    const resumed = join(root, 'resumed');
    assert.equal((await tessera(['train', '--epochs', '1', '--out', resumed, ...common])).code, 0);
    const r = await tessera(['train', '--resume', join(resumed, 'checkpoint.safetensors'), '--epochs', '2']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /resuming after epoch 1 of 2 \(step 3\)/);
    assert.doesNotMatch(r.stdout, /Epoch 1\/2/);
    assert.match(r.stdout, /Epoch 2\/2/);
    const a = readMetrics(straight);
    const b = readMetrics(resumed);
    assert.equal(b.length, 2);
    for (const key of ['loss', 'accuracy', 'val_loss', 'val_accuracy']) assert.equal(b[1]![key], a[1]![key], key);
  });

  it('--resume refuses settings that contradict the checkpoint, and files that are not checkpoints', async () => {
    const lr = await tessera(['train', '--resume', join(run, 'checkpoint.safetensors'), '--lr', '0.5']);
    assert.equal(lr.code, 2);
    assert.match(lr.stderr, /--resume: the run was trained with lr 0\.01; a resumed run keeps its settings/);
    const weights = await tessera(['train', '--resume', join(run, 'model.safetensors')]);
    assert.equal(weights.code, 2);
    assert.match(weights.stderr, /it is not a training checkpoint/);
  });

  it('trains the 1989 net at batch size 1 on 16x16 digits in [-1, 1]', async () => {
    const dir = join(root, 'lecun');
    const r = await tessera(['train', '--model', 'lecun1989', '--epochs', '1', '--limit', '200', '--out', dir, '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    const card = readCard(join(dir, 'model.safetensors'))!;
    assert.equal(card.model, 'lecun1989');
    assert.equal(card.prep.height, 16);
    assert.deepEqual(card.prep.range, [-1, 1]);
    const e = await tessera(['eval', '--model-file', join(dir, 'model.safetensors'), '--limit', '200', '--json']);
    assert.equal(e.code, 0, e.stderr);
    // eval prepares the digits as train did (16x16, [-1, 1]): the same accuracy and squared error.
    const result = JSON.parse(e.stdout) as { accuracy: number; loss: number };
    const logged = readMetrics(dir)[0]!;
    assert.ok(Math.abs(result.accuracy - logged['val_accuracy']!) < 1e-9);
    assert.ok(Math.abs(result.loss - logged['val_loss']!) < 1e-5);
    // Outputs of 0 would score 1.0; 200 SGD steps already bring the outputs towards the +-1 targets.
    assert.ok(result.loss < 0.6, `loss ${result.loss}`);
  });
});
