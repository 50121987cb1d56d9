import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, manualSeed, nn, optim, tensor, train, data, noGrad } from '../../src/index.js';
import { uniform, assertClose } from '../helpers.js';

/** Two Gaussian-ish blobs split by the plane x0 + x1 = 0: labels 1 above it, 0 below. */
function separable(n: number, seed = 3): { x: Tensor; y: Tensor } {
  const x = uniform([n, 2], { seed, low: -1, high: 1 });
  const v = x.toArray();
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const s = v[2 * i]! + v[2 * i + 1]!;
    // Push points away from the boundary so the classes are cleanly separable.
    const shift = s >= 0 ? 0.3 : -0.3;
    v[2 * i] = v[2 * i]! + shift;
    v[2 * i + 1] = v[2 * i + 1]! + shift;
    labels[i] = s >= 0 ? 1 : 0;
  }
  return { x: tensor(v, { shape: [n, 2] }), y: tensor(labels) };
}

/** Asserts |actual - expected| <= atol + rtol * |expected|. */
function near(actual: number, expected: number, rtol = 1e-6, atol = 1e-7, what = 'value'): void {
  assert.ok(Math.abs(actual - expected) <= atol + rtol * Math.abs(expected), `${what}: got ${actual}, expected ${expected}`);
}

function loaderOf(x: Tensor, y: Tensor, batchSize: number, shuffle = false): data.DataLoader<Tensor[]> {
  return new data.DataLoader(new data.TensorDataset(x, y), { batchSize, shuffle, seed: 7 });
}

/** Batches [x, y] of consecutive rows, as a plain array (no DataLoader). */
function batches(x: Tensor, y: Tensor, size: number): [Tensor, Tensor][] {
  const out: [Tensor, Tensor][] = [];
  const n = x.shape[0]!;
  for (let s = 0; s < n; s += size) out.push([x.narrow(0, s, Math.min(size, n - s)), y.narrow(0, s, Math.min(size, n - s))]);
  return out;
}

test('fit decreases the loss on a separable problem and reaches 100% accuracy (DataLoader, shuffled)', async () => {
  manualSeed(0);
  const { x, y } = separable(128);
  const model = new nn.Sequential(new nn.Linear(2, 8), new nn.Tanh(), new nn.Linear(8, 2));
  const history = await train.fit(model, {
    epochs: 15,
    train: loaderOf(x, y, 16, true),
    val: loaderOf(x, y, 64),
    optimizer: new optim.Adam(model.parameters(), { lr: 0.05 }),
    loss: nn.functional.crossEntropy,
    metrics: ['accuracy'],
  });
  assert.equal(history.epochs.length, 15);
  const first = history.epochs[0]!;
  const last = history.epochs.at(-1)!;
  assert.ok(last['loss']! < first['loss']! * 0.3, `loss ${first['loss']} -> ${last['loss']}`);
  assert.equal(last['val_accuracy'], 1);
  assert.ok(last['accuracy']! >= 0.98);
  for (const key of ['epoch', 'loss', 'accuracy', 'val_loss', 'val_accuracy', 'lr', 'time']) assert.ok(key in last, key);
  assert.equal(last['epoch'], 14);
  assert.equal(last['lr'], 0.05);
  assert.equal(history.steps.length, 15 * 8);
  assert.deepEqual(Object.keys(history.steps[0]!), ['step', 'loss', 'lr']);
  assert.equal(history.steps[0]!.step, 1);
  assert.equal(history.steps.at(-1)!.step, 120);
  assert.equal(model.training, true, 'the model mode is restored');
  // evaluate agrees with the last validation pass; predict returns every row.
  const evald = await train.evaluate(model, loaderOf(x, y, 50), { loss: 'crossEntropy', metrics: ['accuracy'] });
  near(evald['loss']!, last['val_loss']!, 1e-6, 1e-7, 'evaluate loss');
  assert.equal(evald['accuracy'], 1);
  const out = train.predict(model, x, { batchSize: 50 });
  assert.deepEqual([...out.shape], [128, 2]);
  assert.equal(out.requiresGrad, false);
  const fromLoader = await train.predict(model, loaderOf(x, y, 40));
  assertClose(fromLoader, out, { atol: 1e-6 });
});

test('the epoch loss is the sample-weighted mean of batch losses', async () => {
  manualSeed(1);
  const x = uniform([10, 3], { seed: 4 });
  const y = uniform([10, 1], { seed: 5 });
  const model = new nn.Linear(3, 1);
  // lr 0: the weights never change, so the loss over all 10 rows is the epoch's loss.
  const history = await train.fit(model, { epochs: 1, train: batches(x, y, 4), optimizer: new optim.SGD(model.parameters(), { lr: 0 }), loss: 'mse' });
  const full = noGrad(() => nn.functional.mseLoss(model.forward(x), y).item());
  near(history.epochs[0]!['loss']!, full, 1e-6, 1e-7, 'epoch loss');
  assert.equal(history.steps.length, 3);
});

test('accumulate k=2 with batch b gives the update of batch 2b (SGD)', async () => {
  const x = uniform([16, 4], { seed: 11 });
  const y = uniform([16, 2], { seed: 12 });
  const run = async (size: number, accumulate: number): Promise<{ w: Tensor; steps: number; losses: number[] }> => {
    manualSeed(5);
    const model = new nn.Sequential(new nn.Linear(4, 6), new nn.Tanh(), new nn.Linear(6, 2));
    const h = await train.fit(model, { epochs: 2, train: batches(x, y, size), optimizer: new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }), loss: 'mse', accumulate });
    return { w: optim.parametersToVector(model.parameters()), steps: h.steps.length, losses: h.steps.map((s) => s.loss) };
  };
  const big = await run(8, 1);
  const small = await run(4, 2);
  assert.equal(big.steps, 4);
  assert.equal(small.steps, 4);
  assertClose(small.w, big.w, { rtol: 1e-5, atol: 1e-6 });
  assertClose(tensor(small.losses), big.losses, { rtol: 1e-5, atol: 1e-6 });
});

test('accumulate: a remainder group at the epoch end is stepped with its mean gradient', async () => {
  const x = uniform([12, 3], { seed: 21 });
  const y = uniform([12, 1], { seed: 22 });
  const run = async (parts: [Tensor, Tensor][], accumulate: number): Promise<Tensor> => {
    manualSeed(6);
    const model = new nn.Linear(3, 1);
    await train.fit(model, { epochs: 1, train: parts, optimizer: new optim.SGD(model.parameters(), { lr: 0.2 }), loss: 'mse', accumulate });
    return optim.parametersToVector(model.parameters());
  };
  // 3 batches of 4 with k = 2: one full group (rows 0-7) and a remainder (rows 8-11), as batches [8, 4].
  const accumulated = await run(batches(x, y, 4), 2);
  const direct = await run([[x.narrow(0, 0, 8), y.narrow(0, 0, 8)], [x.narrow(0, 8, 4), y.narrow(0, 8, 4)]], 1);
  assertClose(accumulated, direct, { rtol: 1e-5, atol: 1e-6 });
});

test('gradient clipping by norm and by value is applied before the step', async () => {
  const x = tensor([[10, -20, 30]]);
  const y = tensor([[100]]);
  const fresh = (): nn.Linear => {
    const m = new nn.Linear(3, 1);
    noGrad(() => {
      m.weight.fill_(0);
      m.bias!.fill_(0);
    });
    return m;
  };
  // Gradient of (w.x + b - 100)^2 at 0: -200 * [10, -20, 30, 1]; SGD lr 1 moves by minus the clipped gradient.
  const byNorm = fresh();
  await train.fit(byNorm, { epochs: 1, train: [[x, y]], optimizer: new optim.SGD(byNorm.parameters(), { lr: 1 }), loss: 'mse', clipGradNorm: 1 });
  const moved = optim.parametersToVector(byNorm.parameters());
  near(moved.norm().item(), 1, 1e-5);
  const g = tensor([10, -20, 30, 1]);
  assertClose(moved, g.div(g.norm()), { rtol: 1e-5, atol: 1e-6 });
  const byValue = fresh();
  await train.fit(byValue, { epochs: 1, train: [[x, y]], optimizer: new optim.SGD(byValue.parameters(), { lr: 1 }), loss: 'mse', clipGradValue: 0.5 });
  assertClose(optim.parametersToVector(byValue.parameters()), [0.5, -0.5, 0.5, 0.5]);
  const byInfNorm = fresh();
  await train.fit(byInfNorm, { epochs: 1, train: [[x, y]], optimizer: new optim.SGD(byInfNorm.parameters(), { lr: 1 }), loss: 'mse', clipGradNorm: { maxNorm: 3, normType: 'inf' } });
  near(optim.parametersToVector(byInfNorm.parameters()).abs().max().item(), 3, 1e-5);
});

test('a scheduler is stepped per batch or per epoch; ReduceLROnPlateau gets the monitored value', async () => {
  const x = uniform([12, 2], { seed: 2 });
  const y = uniform([12, 1], { seed: 3 });
  const make = (): { model: nn.Linear; opt: optim.SGD } => {
    manualSeed(0);
    const model = new nn.Linear(2, 1);
    return { model, opt: new optim.SGD(model.parameters(), { lr: 1 }) };
  };
  {
    const { model, opt } = make();
    const sched = new optim.StepLR(opt, { stepSize: 1, gamma: 0.5 });
    const h = await train.fit(model, { epochs: 2, train: batches(x, y, 4), optimizer: opt, loss: 'mse', scheduler: sched, schedulerStep: 'batch' });
    assert.equal(sched.lastEpoch, 6, 'stepped once per batch');
    assert.deepEqual(h.steps.map((s) => s.lr), [1, 0.5, 0.25, 0.125, 0.0625, 0.03125]);
  }
  {
    const { model, opt } = make();
    const sched = new optim.StepLR(opt, { stepSize: 1, gamma: 0.5 });
    const h = await train.fit(model, { epochs: 3, train: batches(x, y, 4), optimizer: opt, loss: 'mse', scheduler: sched });
    assert.equal(sched.lastEpoch, 3, 'stepped once per epoch');
    assert.deepEqual(h.epochs.map((e) => e['lr']), [1, 0.5, 0.25]);
  }
  {
    const { model, opt } = make();
    const sched = new optim.StepLR(opt, { stepSize: 1, gamma: 0.5 });
    await train.fit(model, { epochs: 2, train: batches(x, y, 4), optimizer: opt, loss: 'mse', scheduler: sched, schedulerStep: 'batch', accumulate: 2 });
    assert.equal(sched.lastEpoch, 4, 'with accumulate 2: 2 optimizer steps per epoch (one full group, one remainder)');
  }
  {
    const { model, opt } = make();
    const sched = new optim.ReduceLROnPlateau(opt, { patience: 0, factor: 0.1 });
    const seen: number[] = [];
    const original = sched.step.bind(sched);
    sched.step = (v: number | Tensor) => {
      seen.push(v as number);
      original(v);
    };
    const h = await train.fit(model, { epochs: 2, train: batches(x, y, 4), val: batches(x, y, 6), optimizer: new optim.SGD(model.parameters(), { lr: 0 }), loss: 'mse', scheduler: sched });
    assert.deepEqual(seen, h.epochs.map((e) => e['val_loss']));
  }
});

test('fit accepts async iterables, { x, y } batches and batchToInputs', async () => {
  const x = uniform([8, 2], { seed: 9 });
  const y = uniform([8, 1], { seed: 10 });
  async function* gen(): AsyncGenerator<{ x: Tensor; y: Tensor }> {
    for (const [xb, yb] of batches(x, y, 4)) yield { x: xb, y: yb };
  }
  const source = { [Symbol.asyncIterator]: gen };
  manualSeed(0);
  const model = new nn.Linear(2, 1);
  const h = await train.fit(model, { epochs: 2, train: source, optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), loss: 'mse' });
  assert.equal(h.steps.length, 4);
  const custom = await train.fit(model, {
    epochs: 1,
    train: batches(x, y, 8).map(([a, b]) => ({ features: a, label: b })),
    batchToInputs: (b: { features: Tensor; label: Tensor }) => ({ inputs: [b.features], target: b.label }),
    optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }),
    loss: 'mse',
  });
  assert.equal(custom.steps.length, 1);
});

test('fit: model.train() during training, eval() with noGrad during validation', async () => {
  const modes: string[] = [];
  class Probe extends nn.Module {
    lin = new nn.Linear(2, 1);
    override forward(x: Tensor): Tensor {
      const out = this.lin.forward(x);
      modes.push(`${this.training ? 'train' : 'eval'}:${out.requiresGrad ? 'grad' : 'nograd'}`);
      return out;
    }
  }
  const x = uniform([4, 2], { seed: 1 });
  const y = uniform([4, 1], { seed: 2 });
  const model = new Probe();
  model.eval();
  await train.fit(model, { epochs: 1, train: batches(x, y, 2), val: batches(x, y, 4), optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), loss: 'mse' });
  assert.deepEqual(modes, ['train:grad', 'train:grad', 'eval:nograd']);
  assert.equal(model.training, false, 'the mode the model had is restored');
});

test('fit: bad options are errors naming the option', async () => {
  const model = new nn.Linear(2, 1);
  const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
  const x = uniform([4, 2]);
  const y = uniform([4, 1]);
  const base = { epochs: 1, train: batches(x, y, 2), optimizer: opt, loss: 'mse' };
  await assert.rejects(train.fit(model, { ...base, epochs: 0 }), /fit: epochs must be a positive integer, got 0/);
  await assert.rejects(train.fit(model, { ...base, epochs: 1.5 }), /fit: epochs must be a positive integer, got 1.5/);
  await assert.rejects(train.fit(model, { ...base, accumulate: 0 }), /fit: accumulate must be a positive integer, got 0/);
  await assert.rejects(train.fit(model, { ...base, initialEpoch: 3 }), /fit: initialEpoch \(3\) must not exceed epochs \(1\)/);
  await assert.rejects(train.fit(model, { ...base, clipGradNorm: -1 }), /fit: clipGradNorm must be a positive number, got -1/);
  await assert.rejects(train.fit(model, { ...base, loss: 'nope' }), /fit: unknown loss 'nope'/);
  await assert.rejects(train.fit(model, { ...base, metrics: ['accuracy', 'accuracy'] }), /fit: metric name 'accuracy' is used twice/);
  await assert.rejects(train.fit(model, { ...base, metrics: ['bogus'] }), /metricFromName: unknown metric 'bogus'/);
  await assert.rejects(train.fit(model, { ...base, schedulerStep: 'step' as 'batch' }), /fit: schedulerStep must be 'batch' or 'epoch', got step/);
  await assert.rejects(train.fit(model, { ...base, train: 5 as unknown as Tensor[][] }), /fit: train must be a DataLoader or an iterable of batches, got number/);
  await assert.rejects(train.fit(model, { ...base, optimizer: {} as optim.SGD }), /fit: optimizer must be an Optimizer/);
  await assert.rejects(train.fit(model, { ...base, lossFn: 'mse' } as never), /fit: unknown option 'lossFn'/);
  await assert.rejects(train.fit({} as nn.Module, base), /fit: model must be an nn.Module/);
  await assert.rejects(train.fit(model, { ...base, train: [] }), /fit: the train loader yielded no batches in epoch 0/);
  await assert.rejects(train.fit(model, { ...base, loss: (o: Tensor, t: Tensor) => o.sub(t) }), /fit: the loss function must return a one-element tensor, got shape \[2,1\]/);
  await assert.rejects(train.fit(model, { ...base, train: [[x, y, y]] }), /fit: a batch array must be \[x\] or \[x, y\], got 3 elements/);
  const plateau = new optim.ReduceLROnPlateau(opt);
  await assert.rejects(train.fit(model, { ...base, scheduler: plateau, schedulerStep: 'batch' }), /fit: ReduceLROnPlateau steps once per epoch/);
  await assert.rejects(train.evaluate(model, batches(x, y, 2)), /evaluate: nothing to compute/);
  assert.throws(() => train.predict(model, x, { batchSize: 0 }), /predict: batchSize must be a positive integer, got 0/);
});

test('initialEpoch continues the epoch count and calls setEpoch on the loaders', async () => {
  const x = uniform([8, 2], { seed: 1 });
  const y = uniform([8, 1], { seed: 2 });
  const epochsSet: number[] = [];
  const list = batches(x, y, 4);
  const source = Object.assign(list, { setEpoch: (e: number) => epochsSet.push(e) });
  const model = new nn.Linear(2, 1);
  const h = await train.fit(model, { epochs: 4, initialEpoch: 2, train: source, optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), loss: 'mse' });
  assert.deepEqual(h.epochs.map((e) => e['epoch']), [2, 3]);
  assert.deepEqual(epochsSet, [2, 3]);
  assert.deepEqual(h.steps.map((s) => s.step), [5, 6, 7, 8], 'the step count continues from initialEpoch * steps per epoch');
});

test('fit frees each step\'s intermediates (tidy), keeping parameters, gradients and optimizer state', async () => {
  const hidden: Tensor[] = [];
  class Recorder extends nn.Module {
    a = new nn.Linear(2, 4);
    b = new nn.Linear(4, 1);
    override forward(input: Tensor): Tensor {
      const h = this.a.forward(input).tanh();
      hidden.push(h);
      return this.b.forward(h);
    }
  }
  const x = uniform([8, 2], { seed: 3 });
  const y = uniform([8, 1], { seed: 4 });
  const model = new Recorder();
  const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
  await train.fit(model, { epochs: 2, train: batches(x, y, 4), val: batches(x, y, 8), optimizer: opt, loss: 'mse', metrics: ['mae'] });
  assert.equal(hidden.length, 2 * (2 + 1));
  assert.ok(hidden.every((h) => h.storage.disposed), 'every activation of training and validation was freed');
  for (const p of model.parameters()) {
    assert.equal(p.storage.disposed, false);
    assert.equal(p.grad!.storage.disposed, false);
    for (const v of Object.values(opt.state.get(p)!)) if (v instanceof Tensor) assert.equal(v.storage.disposed, false);
  }
  assert.ok(Number.isFinite(train.predict(model, x).sum().item()));
});
