import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Tensor, manualSeed, nn, optim, tensor, train, io, noGrad } from '../../src/index.js';
import { uniform } from '../helpers.js';

const x = uniform([12, 3], { seed: 1 });
const y = uniform([12, 1], { seed: 2 });
const yClass = tensor([0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0], { dtype: 'int32' });

function batches(a: Tensor, b: Tensor, size: number): [Tensor, Tensor][] {
  const out: [Tensor, Tensor][] = [];
  for (let s = 0; s < a.shape[0]!; s += size) out.push([a.narrow(0, s, size), b.narrow(0, s, size)]);
  return out;
}

function setup(): { model: nn.Linear; optimizer: optim.SGD } {
  manualSeed(3);
  const model = new nn.Linear(3, 1);
  return { model, optimizer: new optim.SGD(model.parameters(), { lr: 0.05 }) };
}

/** Replaces the epoch's `key` log with scripted values and records the weights at each epoch end. */
function scripted(key: string, values: number[], snapshots: Tensor[] = []): train.Callback {
  return {
    onEpochEnd(s) {
      s.logs[key] = values[s.epoch]!;
      snapshots.push(optim.parametersToVector(s.model.parameters()).clone());
    },
  };
}

const weights = (m: nn.Module): number[] => [...optim.parametersToVector(m.parameters()).toArray()];

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-train-'));
}

test('EarlyStopping stops after `patience` epochs without improvement and restores the best weights', async () => {
  const { model, optimizer } = setup();
  const snapshots: Tensor[] = [];
  const stop = new train.EarlyStopping({ monitor: 'val_loss', patience: 2, restoreBestWeights: true });
  const h = await train.fit(model, {
    epochs: 10, train: batches(x, y, 4), optimizer, loss: 'mse',
    callbacks: [scripted('val_loss', [1.0, 0.8, 0.9, 0.85, 0.1, 0.1], snapshots), stop],
  });
  assert.equal(h.epochs.length, 4, 'epochs 0-3 ran: epoch 1 was the best, 2 and 3 did not improve');
  assert.equal(stop.stoppedEpoch, 3);
  assert.equal(stop.bestEpoch, 1);
  assert.equal(stop.best, 0.8);
  assert.deepEqual(weights(model), [...snapshots[1]!.toArray()], 'the weights of epoch 1 are back');
  assert.notDeepEqual(weights(model), [...snapshots[3]!.toArray()]);
});

test('EarlyStopping: minDelta, mode max (auto from the name), baseline', async () => {
  const run = async (key: string, values: number[], options: train.EarlyStoppingOptions): Promise<number> => {
    const { model, optimizer } = setup();
    const h = await train.fit(model, { epochs: values.length, train: batches(x, y, 6), optimizer, loss: 'mse', callbacks: [scripted(key, values), new train.EarlyStopping(options)] });
    return h.epochs.length;
  };
  // 0.8 beats 1.0 by more than 0.15; 0.75 does not beat 0.8 by more than 0.15: stop at epoch 2.
  assert.equal(await run('val_loss', [1.0, 0.8, 0.75, 0.7, 0.6], { minDelta: 0.15, monitor: 'val_loss' }), 3);
  // val_accuracy is maximized: 0.5, 0.6, 0.7 improve, 0.65 does not: stop at epoch 3 (patience 0).
  assert.equal(await run('val_accuracy', [0.5, 0.6, 0.7, 0.65, 0.9], { monitor: 'val_accuracy' }), 4);
  // Improvements that do not beat the baseline 0.5 do not restart the wait: stop at epoch 2.
  assert.equal(await run('val_loss', [1.0, 0.8, 0.9, 0.7, 0.6], { monitor: 'val_loss', patience: 1, baseline: 0.5 }), 3);
  assert.throws(() => new train.EarlyStopping({ patience: -1 }), /EarlyStopping: patience must be an integer >= 0, got -1/);
  assert.throws(() => new train.EarlyStopping({ mode: 'up' as 'min' }), /EarlyStopping: mode must be 'min', 'max' or 'auto', got up/);
  const { model, optimizer } = setup();
  await assert.rejects(
    train.fit(model, { epochs: 1, train: batches(x, y, 6), optimizer, loss: 'mse', callbacks: [new train.EarlyStopping({ monitor: 'val_acc' })] }),
    /EarlyStopping: monitor 'val_acc' is not among the epoch's logs \(epoch, loss, lr, time\)/,
  );
});

test('ModelCheckpoint writes best, last and templated files that loadCheckpoint reads back', async () => {
  const dir = tmpDir();
  try {
    const { model, optimizer } = setup();
    const snapshots: Tensor[] = [];
    const ckpt = new train.ModelCheckpoint({ dir, path: path.join(dir, 'ep{epoch:02d}-{val_loss:.2f}.safetensors'), monitor: 'val_loss' });
    await train.fit(model, { epochs: 3, train: batches(x, y, 4), optimizer, loss: 'mse', callbacks: [scripted('val_loss', [1.0, 0.5, 0.7], snapshots), ckpt] });
    assert.deepEqual(fs.readdirSync(dir).sort(), ['best.safetensors', 'ep01-1.00.safetensors', 'ep02-0.50.safetensors', 'ep03-0.70.safetensors', 'last.safetensors']);
    const fresh = new nn.Linear(3, 1);
    const best = io.loadCheckpoint(path.join(dir, 'best.safetensors'), { model: fresh, optimizer: new optim.SGD(fresh.parameters(), { lr: 1 }), restoreRng: false });
    assert.equal(best.epoch, 2, 'epochs completed at the best epoch');
    assert.equal(best.step, 6);
    assert.equal(best.extra['best'], 0.5);
    assert.equal(best.extra['monitor'], 'val_loss');
    assert.deepEqual(weights(fresh), [...snapshots[1]!.toArray()]);
    const last = io.loadCheckpoint(path.join(dir, 'last.safetensors'), { model: fresh, restoreRng: false });
    assert.equal(last.epoch, 3);
    assert.deepEqual(weights(fresh), weights(model));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('ModelCheckpoint: saveBestOnly, every N epochs, weightsOnly', async () => {
  const dir = tmpDir();
  try {
    const { model, optimizer } = setup();
    const bestOnly = new train.ModelCheckpoint({ path: path.join(dir, 'a', 'e{epoch}.safetensors'), saveBestOnly: true, monitor: 'val_loss' });
    const every = new train.ModelCheckpoint({ dir: path.join(dir, 'b'), path: path.join(dir, 'b', 'e{epoch}.safetensors'), every: 2, saveBest: false });
    const weightsOnly = new train.ModelCheckpoint({ dir: path.join(dir, 'c'), weightsOnly: true, monitor: 'val_loss' });
    await train.fit(model, { epochs: 3, train: batches(x, y, 4), optimizer, loss: 'mse', callbacks: [scripted('val_loss', [1.0, 1.2, 0.7]), bestOnly, every, weightsOnly] });
    assert.deepEqual(fs.readdirSync(path.join(dir, 'a')).sort(), ['e1.safetensors', 'e3.safetensors']);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'b')).sort(), ['e2.safetensors', 'last.safetensors']);
    assert.deepEqual(every.saved.map((f) => path.basename(f)), ['e2.safetensors', 'last.safetensors', 'last.safetensors'], 'last at epoch 2, and after the final epoch');
    const fresh = new nn.Linear(3, 1);
    io.loadModel(path.join(dir, 'c', 'last.safetensors'), fresh);
    assert.deepEqual(weights(fresh), weights(model));
    assert.throws(() => new train.ModelCheckpoint({}), /ModelCheckpoint: give dir/);
    assert.throws(() => train.formatTemplate('{nope}', { loss: 1 }), /ModelCheckpoint: the path template names '\{nope\}'/);
    assert.equal(train.formatTemplate('e{epoch:03d}-{loss:.3f}-{lr:.1e}', { epoch: 7, loss: 0.12345, lr: 0.001 }), 'e007-0.123-1.0e-3');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('CSVLogger and JSONLLogger write one row per epoch (JSONL also per step)', async () => {
  const dir = tmpDir();
  try {
    const { model, optimizer } = setup();
    const csv = path.join(dir, 'log.csv');
    const jsonl = path.join(dir, 'sub', 'log.jsonl');
    const h = await train.fit(model, {
      epochs: 2, train: batches(x, y, 6), val: batches(x, y, 12), optimizer, loss: 'mse', metrics: ['mae'],
      callbacks: [new train.CSVLogger(csv), new train.JSONLLogger(jsonl, { steps: true })],
    });
    const rows = fs.readFileSync(csv, 'utf8').trim().split('\n');
    assert.equal(rows[0], 'epoch,loss,mae,val_loss,val_mae,lr,time');
    assert.equal(rows.length, 3);
    assert.deepEqual(rows[2]!.split(',').slice(0, 6).map(Number), [1, h.epochs[1]!['loss'], h.epochs[1]!['mae'], h.epochs[1]!['val_loss'], h.epochs[1]!['val_mae'], 0.05]);
    const lines = fs.readFileSync(jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l.type), ['step', 'step', 'epoch', 'step', 'step', 'epoch']);
    assert.deepEqual(lines[3], { type: 'step', epoch: 1, ...h.steps[2] });
    assert.equal(lines[5].val_mae, h.epochs[1]!['val_mae']);
    // A resumed run appends, without a second header.
    await train.fit(model, { epochs: 3, initialEpoch: 2, train: batches(x, y, 6), val: batches(x, y, 12), optimizer, loss: 'mse', metrics: ['mae'], callbacks: [new train.CSVLogger(csv, { append: true })] });
    const after = fs.readFileSync(csv, 'utf8').trim().split('\n');
    assert.equal(after.length, 4);
    assert.equal(after[3]!.split(',')[0], '2');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** y = lin(x) + 0 * sqrt(gate): finite, but gate's gradient is 0 * inf = NaN. */
class Gated extends nn.Module {
  lin = new nn.Linear(3, 1);
  gate = new nn.Parameter(tensor([0]));
  override forward(input: Tensor): Tensor {
    return this.lin.forward(input).add(this.gate.sqrt().mul(0));
  }
}

test('NaNGuard names the first non-finite gradient, parameter or loss, with epoch, batch and step', async () => {
  const sink: string[] = [];
  const stream = { write: (t: string) => sink.push(t) };
  manualSeed(0);
  const gated = new Gated();
  const guard = new train.NaNGuard({ stream });
  const h = await train.fit(gated, { epochs: 3, train: batches(x, y, 4), optimizer: new optim.SGD(gated.lin.parameters(), { lr: 0.1 }), loss: 'mse', callbacks: [guard] });
  assert.equal(h.epochs.length, 1, 'training stopped in the first epoch');
  assert.equal(h.steps.length, 1, 'after the first batch');
  assert.match(guard.error!.message, /^NaNGuard: the gradient of 'gate' has 1 non-finite value of 1 \(e\.g\. NaN\) at epoch 0, batch 0 \(after 1 optimizer steps\)/);
  assert.deepEqual(sink, [guard.error!.message + '\n']);

  const { model, optimizer } = setup();
  const poison = new train.LambdaCallback({
    onBatchEnd: (s) => {
      if (s.epoch === 1 && s.batch === 1) noGrad(() => (s.model as nn.Linear).weight.narrow(1, 1, 2).fill_(Infinity));
    },
  });
  const paramGuard = new train.NaNGuard({ stream: null, action: 'throw' });
  await assert.rejects(
    train.fit(model, { epochs: 3, train: batches(x, y, 4), optimizer, loss: 'mse', callbacks: [poison, paramGuard] }),
    /NaNGuard: parameter 'weight' has 2 non-finite values of 3 \(e\.g\. Infinity\) at epoch 1, batch 1 \(after 5 optimizer steps\)/,
  );

  const lossGuard = new train.NaNGuard({ stream: null });
  const bad = y.clone();
  noGrad(() => bad.narrow(0, 8, 1).fill_(NaN));
  const setup2 = setup();
  await train.fit(setup2.model, { epochs: 2, train: batches(x, bad, 4), optimizer: setup2.optimizer, loss: 'mse', callbacks: [lossGuard] });
  assert.match(lossGuard.error!.message, /NaNGuard: the loss is NaN at epoch 0, batch 2/);
});

test('ProgressBar off a TTY prints a line every 10% and a summary per epoch', async () => {
  const out: string[] = [];
  let now = 0;
  const bar = new train.ProgressBar({ stream: { write: (t) => out.push(t), isTTY: false }, width: 10, clock: () => (now += 50) });
  const xs = uniform([20, 3], { seed: 5 });
  const ys = tensor(Array.from({ length: 20 }, (_, i) => i % 2), { dtype: 'int32' });
  const model = new nn.Linear(3, 2);
  await train.fit(model, { epochs: 2, train: batches(xs, ys, 1), val: batches(xs, ys, 10), optimizer: new optim.SGD(model.parameters(), { lr: 0.01 }), loss: 'crossEntropy', metrics: ['accuracy'], callbacks: [bar] });
  const text = out.join('');
  const lines = text.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 2 * (1 + 9 + 1), text);
  assert.equal(lines[0], 'Epoch 1/2');
  assert.match(lines[1]!, /^ 2\/20 \[=>\.{8}\] - ETA \d+s - loss: \d\.\d{4} - accuracy: \d\.\d{4} - \d+ samples\/s$/);
  assert.match(lines[5]!, /^10\/20 \[=====>\.{4}\] - /);
  assert.match(lines[10]!, /^20\/20 \[==========\] - \d+s - loss: \d\.\d{4} - accuracy: \d\.\d{4} - val_loss: \d\.\d{4} - val_accuracy: \d\.\d{4} - lr: 0\.0100$/);
  assert.equal(lines[11], 'Epoch 2/2');
  assert.ok(!text.includes('\r'));
});

test('ProgressBar on a TTY redraws one line with \\r', async () => {
  const out: string[] = [];
  const bar = new train.ProgressBar({ stream: { write: (t) => out.push(t), isTTY: true }, minIntervalMs: 0, width: 4 });
  const { model, optimizer } = setup();
  await train.fit(model, { epochs: 1, train: batches(x, y, 3), optimizer, loss: 'mse', callbacks: [bar] });
  assert.equal(out[0], 'Epoch 1/1\n');
  assert.equal(out.length, 1 + 4 + 1);
  for (const w of out.slice(1, 5)) assert.match(w, /^\r\d\/4 \[[=>.]{4}\] - .*\x1b\[K$/);
  assert.match(out[5]!, /^\r4\/4 \[====\] - \d+s - loss: .* - lr: 0\.0500\x1b\[K\n$/);
});

test('LambdaCallback hooks run in order; stopTraining mid-epoch finishes the epoch', async () => {
  const events: string[] = [];
  const { model, optimizer } = setup();
  const h = await train.fit(model, {
    epochs: 3, train: batches(x, y, 4), val: batches(x, y, 12), optimizer, loss: 'mse',
    callbacks: [new train.LambdaCallback({
      onTrainBegin: () => void events.push('train'),
      onEpochBegin: (s) => void events.push(`epoch${s.epoch}`),
      onBatchBegin: (s) => void events.push(`b${s.batch}`),
      onBatchEnd: async (s) => {
        await Promise.resolve();
        events.push(`e${s.batch}`);
        if (s.epoch === 1 && s.batch === 0) s.stopTraining = true;
      },
      onEpochEnd: (s) => void events.push(`end${s.epoch}:${'val_loss' in s.logs}`),
      onTrainEnd: () => void events.push('done'),
    })],
  });
  assert.deepEqual(events, ['train', 'epoch0', 'b0', 'e0', 'b1', 'e1', 'b2', 'e2', 'end0:true', 'epoch1', 'b0', 'e0', 'end1:true', 'done']);
  assert.equal(h.epochs.length, 2);
  assert.equal(h.steps.length, 4);
  assert.throws(() => new train.LambdaCallback({ onEpochStart: () => {} } as train.Callback), /LambdaCallback: unknown hook 'onEpochStart'/);
});

test('LearningRateScheduler sets the lr per epoch or per batch from a function', async () => {
  const { model, optimizer } = setup();
  const h = await train.fit(model, { epochs: 3, train: batches(x, y, 6), optimizer, loss: 'mse', callbacks: [new train.LearningRateScheduler((epoch) => 0.1 / (epoch + 1))] });
  assert.deepEqual(h.epochs.map((e) => e['lr']), [0.1, 0.05, 0.1 / 3]);
  const warm = await train.fit(model, { epochs: 2, train: batches(x, y, 6), optimizer, loss: 'mse', callbacks: [new train.LearningRateScheduler((step) => 0.01 * (step + 1), { per: 'batch' })] });
  assert.deepEqual(warm.steps.map((s) => s.lr), [0.01, 0.02, 0.03, 0.04]);
  await assert.rejects(
    train.fit(model, { epochs: 1, train: batches(x, y, 6), optimizer, loss: 'mse', callbacks: [new train.LearningRateScheduler(() => -1)] }),
    /LearningRateScheduler: the schedule returned -1 for epoch 0/,
  );
});

test('metrics over fit match a direct computation over the whole epoch', async () => {
  manualSeed(2);
  const model = new nn.Linear(3, 2);
  // lr 0: weights are fixed, so the epoch's metrics equal the metrics of one pass over all rows.
  const h = await train.fit(model, { epochs: 1, train: batches(x, yClass, 4), optimizer: new optim.SGD(model.parameters(), { lr: 0 }), loss: 'crossEntropy', metrics: ['accuracy', 'f1', 'auc'] });
  const out = noGrad(() => model.forward(x));
  for (const name of ['accuracy', 'f1', 'auc']) {
    const m = train.metricFromName(name);
    m.update(out, yClass);
    assert.equal(h.epochs[0]![name], m.compute(), name);
  }
});

test('ModelCheckpoint keeps the last good file when the weights turn non-finite, and honours initialBest', async () => {
  const dir = tmpDir();
  try {
    const { model, optimizer } = setup();
    const poison = new train.LambdaCallback({
      onBatchEnd: (s) => {
        if (s.epoch === 1 && s.batch === 0) noGrad(() => (s.model as nn.Linear).bias!.fill_(NaN));
      },
    });
    const ckpt = new train.ModelCheckpoint({ dir, monitor: 'loss' });
    const snapshots: Tensor[] = [];
    await train.fit(model, { epochs: 2, train: batches(x, y, 4), optimizer, loss: 'mse', callbacks: [scripted('loss', [1, 0.5], snapshots), poison, new train.NaNGuard({ stream: null }), ckpt] });
    assert.deepEqual(ckpt.saved.map((f) => path.basename(f)), ['best.safetensors', 'last.safetensors']);
    assert.deepEqual(ckpt.skipped.map((f) => path.basename(f)), ['best.safetensors', 'last.safetensors'], 'epoch 1 skipped');
    const fresh = new nn.Linear(3, 1);
    io.loadModel(ckpt.lastPath!, fresh);
    assert.deepEqual(weights(fresh), [...snapshots[0]!.toArray()]);

    const resumed = new train.ModelCheckpoint({ dir: path.join(dir, 'r'), monitor: 'loss', initialBest: 0.2 });
    const s2 = setup();
    await train.fit(s2.model, { epochs: 1, train: batches(x, y, 4), optimizer: s2.optimizer, loss: 'mse', callbacks: [scripted('loss', [0.3]), resumed] });
    assert.deepEqual(resumed.saved.map((f) => path.basename(f)), ['last.safetensors'], '0.3 does not beat the initial best 0.2');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
