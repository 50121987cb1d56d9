import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Tensor, data, io, manualSeed, nn, optim, tensor, train } from '../../src/index.js';
import { uniform } from '../helpers.js';

const x = uniform([40, 4], { seed: 31 });
const y = tensor(Array.from({ length: 40 }, (_, i) => (i * 7) % 3), { dtype: 'int32' });

interface Run {
  model: nn.Sequential;
  optimizer: optim.Adam;
  scheduler: optim.StepLR;
  loader: data.DataLoader<Tensor[]>;
}

/** Model (with dropout), optimizer and schedule built from the same seed, and a shuffled loader. */
function build(): Run {
  manualSeed(123);
  const model = new nn.Sequential(new nn.Linear(4, 16), new nn.ReLU(), new nn.Dropout(0.3), new nn.Linear(16, 3));
  const optimizer = new optim.Adam(model.parameters(), { lr: 0.01 });
  const scheduler = new optim.StepLR(optimizer, { stepSize: 3, gamma: 0.5 });
  const loader = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 8, shuffle: true, seed: 99 });
  return { model, optimizer, scheduler, loader };
}

const options = (r: Run, epochs: number, extra: Partial<train.FitOptions> = {}): train.FitOptions => ({
  epochs, train: r.loader, optimizer: r.optimizer, scheduler: r.scheduler, schedulerStep: 'batch', loss: 'crossEntropy', metrics: ['accuracy'], ...extra,
});

function bits(t: Tensor): number[] {
  return [...new Uint32Array(new Float32Array(t.toArray()).buffer)];
}

test('2 epochs + checkpoint + fresh objects + loadCheckpoint + 2 epochs is bit-identical to 4 epochs', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-resume-'));
  try {
    const whole = build();
    const wholeHistory = await train.fit(whole.model, options(whole, 4));

    const first = build();
    const ckpt = new train.ModelCheckpoint({ dir, saveBest: false });
    await train.fit(first.model, options(first, 2, { callbacks: [ckpt] }));
    // Something else draws from the global generator in between: the checkpoint's RNG state must undo it.
    uniform([3]);
    manualSeed(777);

    const second = build(); // fresh model (other random init), optimizer, schedule and loader
    const info = io.loadCheckpoint(ckpt.lastPath!, { model: second.model, optimizer: second.optimizer, scheduler: second.scheduler });
    assert.equal(info.epoch, 2);
    assert.equal(info.step, 10);
    const resumed = await train.fit(second.model, options(second, 4, { initialEpoch: info.epoch, initialStep: info.step }));

    const a = whole.model.stateDict();
    const b = second.model.stateDict();
    for (const key of Object.keys(a)) assert.deepEqual(bits(b[key]!), bits(a[key]!), `${key} differs`);
    const optA = whole.optimizer.stateDict().state;
    const optB = second.optimizer.stateDict().state;
    for (const [i, s] of Object.entries(optA)) {
      for (const [k, v] of Object.entries(s)) {
        const w = optB[Number(i)]![k]!;
        if (v instanceof Tensor) assert.deepEqual(bits(w as Tensor), bits(v), `optimizer state ${i}.${k}`);
        else assert.equal(w, v);
      }
    }
    assert.deepEqual(resumed.epochs.map((e) => [e['epoch'], e['loss'], e['accuracy'], e['lr']]), wholeHistory.epochs.slice(2).map((e) => [e['epoch'], e['loss'], e['accuracy'], e['lr']]));
    assert.deepEqual(resumed.steps, wholeHistory.steps.slice(10));
    assert.equal(second.scheduler.lastEpoch, whole.scheduler.lastEpoch);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('without setEpoch or the RNG state a resumed run would differ (the test above can fail)', async () => {
  const whole = build();
  await train.fit(whole.model, options(whole, 2));
  const other = build();
  manualSeed(5); // a different dropout stream
  await train.fit(other.model, options(other, 2));
  const a = whole.model.stateDict()['0.weight']!;
  const b = other.model.stateDict()['0.weight']!;
  assert.notDeepEqual(bits(a), bits(b));
});
