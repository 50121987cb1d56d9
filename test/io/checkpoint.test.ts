import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { getRngState, manualSeed, rand, randn, tensor, tidy, io, nn, optim, Tensor } from '../../src/index.js';
import { tempDir } from './support.js';

/** A small model with every kind of state: weights, BatchNorm buffers (float and int32), dropout (RNG). */
function makeModel(): nn.Sequential {
  return new nn.Sequential(new nn.Linear(4, 8), new nn.BatchNorm1d(8), new nn.ReLU(), new nn.Dropout(0.25), new nn.Linear(8, 2));
}

interface Run {
  model: nn.Sequential;
  optimizer: optim.Adam;
  scheduler: optim.StepLR;
}

function setup(seed: number): Run {
  manualSeed(seed);
  const model = makeModel();
  const optimizer = new optim.Adam(model.parameters(), { lr: 0.05, amsgrad: true, weightDecay: 1e-3 });
  const scheduler = new optim.StepLR(optimizer, { stepSize: 2, gamma: 0.5 });
  return { model, optimizer, scheduler };
}

/** One training step on a batch drawn from the global RNG (so the data stream resumes too). */
function trainStep({ model, optimizer, scheduler }: Run): void {
  tidy(() => {
    const x = randn([6, 4]);
    const y = randn([6, 2]);
    optimizer.zeroGrad();
    nn.functional.mseLoss(model.forward(x) as Tensor, y).backward();
    optimizer.step();
    scheduler.step();
  });
}

function snapshot(model: nn.Module): Record<string, number[]> {
  return Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, Array.from(t.toArray())]));
}

test('resuming from a checkpoint gives bit-identical weights to an uninterrupted run', () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = path.join(dir, 'ckpt.safetensors');
    const straight = setup(7);
    for (let i = 0; i < 6; i++) trainStep(straight);
    const straightWeights = snapshot(straight.model);
    const straightRng = getRngState();

    const first = setup(7);
    for (let i = 0; i < 3; i++) trainStep(first);
    io.saveCheckpoint(file, { ...first, epoch: 1, step: 3, extra: { note: 'halfway' } });
    const rngAtSave = getRngState();

    // A fresh process would start from other weights and another RNG position.
    const resumed = setup(12345);
    rand([17]);
    const info = io.loadCheckpoint(file, resumed);
    assert.deepEqual(info, { epoch: 1, step: 3, extra: { note: 'halfway' } });
    assert.deepEqual(resumed.scheduler.getLastLr(), first.scheduler.getLastLr());
    assert.deepEqual(getRngState(), rngAtSave);
    for (let i = 0; i < 3; i++) trainStep(resumed);

    assert.deepEqual(snapshot(resumed.model), straightWeights);
    assert.notDeepEqual(snapshot(first.model), straightWeights, 'the last three steps changed the weights');
    assert.equal(resumed.optimizer.paramGroups[0]!.lr, straight.optimizer.paramGroups[0]!.lr);
    assert.deepEqual(getRngState(), straightRng, 'the global RNG is where the uninterrupted run left it');
    const a = resumed.optimizer.stateDict();
    const b = straight.optimizer.stateDict();
    assert.deepEqual(Object.keys(a.state), Object.keys(b.state));
    for (const [index, s] of Object.entries(b.state)) {
      for (const [key, v] of Object.entries(s)) {
        const w = a.state[Number(index)]![key]!;
        if (v instanceof Tensor) assert.deepEqual(Array.from((w as Tensor).toArray()), Array.from(v.toArray()), `${index}.${key}`);
        else assert.equal(w, v);
      }
    }
  } finally {
    cleanup();
  }
});

test('the checkpoint file is ONE safetensors file with the documented names and metadata', () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = path.join(dir, 'c.safetensors');
    const run = setup(1);
    trainStep(run);
    io.saveCheckpoint(file, { ...run, epoch: 0, step: 1 });
    assert.deepEqual(fs.readdirSync(dir), ['c.safetensors']);
    const { tensors, metadata } = io.loadSafetensors(file);
    const names = Object.keys(tensors).sort();
    assert.ok(names.includes('model.0.weight') && names.includes('model.1.running_mean') && names.includes('model.1.num_batches_tracked'));
    assert.equal(tensors['model.1.num_batches_tracked']!.dtype, 'int32');
    assert.ok(names.includes('optimizer.state.0.exp_avg') || names.some((n) => /^optimizer\.state\.0\.\w+$/.test(n)), names.join());
    assert.ok(names.every((n) => n.startsWith('model.') || /^optimizer\.state\.\d+\./.test(n)), names.join());
    assert.equal(metadata['format'], 'tessera-checkpoint');
    assert.equal(metadata['version'], '1');
    assert.equal(metadata['epoch'], '0');
    assert.equal(metadata['step'], '1');
    const opt = JSON.parse(metadata['optimizer']!);
    assert.equal(opt.class, 'Adam');
    assert.equal(opt.paramGroups[0].lr, 0.05);
    assert.deepEqual(opt.paramGroups[0].params, [0, 1, 2, 3, 4, 5]);
    assert.equal(opt.state['0'].step, 1);
    assert.equal(JSON.parse(metadata['scheduler']!).class, 'StepLR');
    assert.deepEqual(JSON.parse(metadata['rng']!).algorithm, 'xoshiro128**');
  } finally {
    cleanup();
  }
});

test('ReduceLROnPlateau state with ±Infinity survives, and the schedule continues identically', () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = path.join(dir, 'p.safetensors');
    for (const mode of ['min', 'max'] as const) {
      const model = new nn.Linear(2, 1);
      const opt = new optim.SGD(model.parameters(), { lr: 1 });
      const sched = new optim.ReduceLROnPlateau(opt, { mode, patience: 1, factor: 0.5 });
      io.saveCheckpoint(file, { model, optimizer: opt, scheduler: sched, epoch: 0, step: 0 });
      const opt2 = new optim.SGD(model.parameters(), { lr: 1 });
      const sched2 = new optim.ReduceLROnPlateau(opt2, { mode, patience: 1, factor: 0.5 });
      sched2.best = 42;
      io.loadCheckpoint(file, { model, optimizer: opt2, scheduler: sched2 });
      assert.equal(sched2.best, mode === 'min' ? Infinity : -Infinity);
    }
    // Mid-run: continue both and compare the lr sequence.
    const model = new nn.Linear(2, 1);
    const metrics = [1, 0.9, 0.95, 0.97, 0.99, 0.5, 0.6, 0.7, 0.8];
    const opt = new optim.SGD(model.parameters(), { lr: 1 });
    const sched = new optim.ReduceLROnPlateau(opt, { patience: 1, factor: 0.5, cooldown: 1 });
    metrics.slice(0, 4).forEach((m) => sched.step(m));
    io.saveCheckpoint(file, { model, optimizer: opt, scheduler: sched, epoch: 4, step: 4 });
    const opt2 = new optim.SGD(model.parameters(), { lr: 1 });
    const sched2 = new optim.ReduceLROnPlateau(opt2, { patience: 1, factor: 0.5, cooldown: 1 });
    io.loadCheckpoint(file, { model, optimizer: opt2, scheduler: sched2 });
    const lrs1: number[] = [];
    const lrs2: number[] = [];
    for (const m of metrics.slice(4)) {
      sched.step(m);
      sched2.step(m);
      lrs1.push(opt.paramGroups[0]!.lr);
      lrs2.push(opt2.paramGroups[0]!.lr);
    }
    assert.deepEqual(lrs2, lrs1);
    assert.ok(lrs1.at(-1)! < 1, 'the schedule did reduce the lr');
  } finally {
    cleanup();
  }
});

test('extra keeps non-finite numbers, -0, undefined, tagged-looking strings and tensors', () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = path.join(dir, 'e.safetensors');
    const model = new nn.Linear(1, 1);
    const extra = {
      best: { loss: Infinity, acc: -Infinity, nan: NaN, zero: -0, none: undefined, nil: null },
      tags: ['#Infinity', '##x', '#', 'plain'],
      history: [1, 2.5, 'a'],
      flag: true,
      confusion: tensor([[3, 1], [0, 4]], { dtype: 'int32' }),
    };
    io.saveCheckpoint(file, { model, epoch: 2, step: 10, extra, rng: false });
    const info = io.loadCheckpoint(file, { model });
    const { confusion, ...rest } = info.extra as typeof extra;
    assert.deepEqual(Array.from(confusion.toArray()), [3, 1, 0, 4]);
    assert.deepEqual(confusion.shape, [2, 2]);
    assert.ok(Object.is(rest.best.zero, -0));
    assert.ok(Number.isNaN(rest.best.nan));
    assert.ok('none' in rest.best && rest.best.none === undefined);
    assert.deepEqual(Object.keys(rest).sort(), ['best', 'flag', 'history', 'tags']);
    assert.equal(rest.flag, true);
    assert.deepEqual(rest.tags, ['#Infinity', '##x', '#', 'plain']);
    assert.deepEqual([rest.best.loss, rest.best.acc, rest.best.nil], [Infinity, -Infinity, null]);
    assert.deepEqual(rest.history, [1, 2.5, 'a']);
    assert.throws(() => io.saveCheckpoint(file, { model, epoch: 0, step: 0, extra: { when: new Date() } }), /saveCheckpoint: cannot save Date at extra.when/);
    const loop: Record<string, unknown> = {};
    loop['self'] = loop;
    assert.throws(() => io.saveCheckpoint(file, { model, epoch: 0, step: 0, extra: { loop } }), /saveCheckpoint: cannot save the circular reference at extra.loop.self/);
    assert.throws(() => io.saveCheckpoint(file, { model, epoch: 0, step: 0, extra: { n: 1n } }), /saveCheckpoint: cannot save a bigint at extra.n/);
  } finally {
    cleanup();
  }
});

test('RNG: saved by default and restored unless restoreRng is false; rng: false saves none', () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = path.join(dir, 'r.safetensors');
    const model = new nn.Linear(1, 1);
    manualSeed(3);
    const atSave = getRngState();
    io.saveCheckpoint(file, { model, epoch: 0, step: 0 });
    const expected = Array.from(rand([4]).toArray());
    rand([9]);
    const moved = getRngState();
    io.loadCheckpoint(file, { model, restoreRng: false });
    assert.deepEqual(getRngState(), moved);
    io.loadCheckpoint(file, { model });
    assert.deepEqual(getRngState(), atSave);
    assert.deepEqual(Array.from(rand([4]).toArray()), expected);

    io.saveCheckpoint(file, { model, epoch: 0, step: 0, rng: false });
    assert.equal(io.loadSafetensors(file).metadata['rng'], undefined);
    const before = getRngState();
    io.loadCheckpoint(file, { model });
    assert.deepEqual(getRngState(), before);
  } finally {
    cleanup();
  }
});

test('clear errors: not a checkpoint, another model, another optimizer or scheduler; nothing changes on failure', () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = path.join(dir, 'x.safetensors');
    const run = setup(2);
    trainStep(run);
    io.saveCheckpoint(file, { ...run, epoch: 1, step: 1 });

    const weights = path.join(dir, 'weights.safetensors');
    io.saveModel(weights, run.model);
    assert.throws(() => io.loadCheckpoint(weights, { model: run.model }), /loadCheckpoint: '.*weights\.safetensors' is not a Tessera checkpoint \(its metadata has format "pt"\); plain weights load with loadModel/);
    fs.writeFileSync(path.join(dir, 'junk'), 'not safetensors at all');
    assert.throws(() => io.loadCheckpoint(path.join(dir, 'junk'), { model: run.model }), /^Error: loadCheckpoint: safetensors: .*junk: the header length is/);

    // Another architecture: the optimizer and scheduler of the target stay as they were.
    const other = setup(3);
    other.model = new nn.Sequential(new nn.Linear(4, 5), new nn.BatchNorm1d(5), new nn.ReLU(), new nn.Dropout(0.25), new nn.Linear(5, 2));
    other.optimizer = new optim.Adam(other.model.parameters(), { lr: 0.01 });
    other.scheduler = new optim.StepLR(other.optimizer, { stepSize: 3 });
    trainStep(other);
    const modelBefore = snapshot(other.model);
    const optBefore = JSON.stringify(other.optimizer.paramGroups.map((g) => ({ ...g, params: g.params.length })));
    const optStateBefore = [...other.optimizer.state.values()];
    const schedBefore = JSON.stringify(other.scheduler.stateDict());
    const rngBefore = getRngState();
    assert.throws(() => io.loadCheckpoint(file, other), /loadCheckpoint: '.*x\.safetensors': loadStateDict: error\(s\) in loading the state dict for Sequential:\n  size mismatch for 0\.weight: copying a tensor of shape \[8,4\] from the state dict, the shape in the current model is \[5,4\]/);
    assert.deepEqual(snapshot(other.model), modelBefore);
    assert.equal(JSON.stringify(other.optimizer.paramGroups.map((g) => ({ ...g, params: g.params.length }))), optBefore);
    assert.deepEqual([...other.optimizer.state.values()], optStateBefore);
    assert.equal(JSON.stringify(other.scheduler.stateDict()), schedBefore);
    assert.deepEqual(getRngState(), rngBefore);

    // Same model, but an optimizer over fewer parameters: the model is loaded, then rolled back.
    const fewer = setup(5);
    fewer.optimizer = new optim.Adam([...fewer.model.parameters()].slice(0, 4), { lr: 0.05, amsgrad: true, weightDecay: 1e-3 });
    const fewerBefore = snapshot(fewer.model);
    assert.throws(() => io.loadCheckpoint(file, { model: fewer.model, optimizer: fewer.optimizer }), /loadCheckpoint: '.*': Adam\.loadStateDict: parameter group 0 has 6 parameters in the state dict, 4 in the optimizer/);
    assert.deepEqual(snapshot(fewer.model), fewerBefore);
    assert.notDeepEqual(snapshot(run.model), fewerBefore);

    // Same architecture but the model alone differs in a buffer name: the model error comes through.
    const renamed = setup(4);
    renamed.model = new nn.Sequential(new nn.Linear(4, 8), new nn.BatchNorm1d(8), new nn.ReLU(), new nn.Dropout(0.25), new nn.Linear(8, 2), new nn.Linear(2, 2));
    renamed.optimizer = new optim.Adam(makeModel().parameters(), { lr: 0.05, amsgrad: true, weightDecay: 1e-3 });
    assert.throws(() => io.loadCheckpoint(file, { model: renamed.model }), /loadCheckpoint: '.*': loadStateDict: error\(s\) in loading the state dict for Sequential:\n  missing key\(s\): "5\.weight", "5\.bias"/);
    assert.doesNotThrow(() => io.loadCheckpoint(file, { model: renamed.model, strict: false }));

    const sgd = new optim.SGD(run.model.parameters(), { lr: 0.1 });
    assert.throws(() => io.loadCheckpoint(file, { model: run.model, optimizer: sgd }), /loadCheckpoint: '.*' holds the state of optimizer class Adam, not SGD/);
    const plateau = new optim.ReduceLROnPlateau(run.optimizer);
    assert.throws(() => io.loadCheckpoint(file, { model: run.model, scheduler: plateau }), /holds the state of scheduler class StepLR, not ReduceLROnPlateau/);
    const bare = path.join(dir, 'bare.safetensors');
    io.saveCheckpoint(bare, { model: run.model, epoch: 0, step: 0 });
    assert.throws(() => io.loadCheckpoint(bare, run), /loadCheckpoint: '.*bare\.safetensors' holds no optimizer state, but an optimizer was given/);
    // The checkpoint's optimizer state is simply not used when no optimizer is given.
    assert.doesNotThrow(() => io.loadCheckpoint(file, { model: run.model }));
  } finally {
    cleanup();
  }
});

test('saveCheckpoint / loadCheckpoint validate their options', () => {
  const model = new nn.Linear(1, 1);
  assert.throws(() => io.saveCheckpoint('/tmp/unused', { model, epoch: -1, step: 0 }), /saveCheckpoint: epoch must be a non-negative integer, got -1/);
  assert.throws(() => io.saveCheckpoint('/tmp/unused', { model, epoch: 0, step: 1.5 }), /saveCheckpoint: step must be a non-negative integer, got 1.5/);
  assert.throws(() => io.saveCheckpoint('/tmp/unused', { model: {} as nn.Module, epoch: 0, step: 0 }), /saveCheckpoint: model must be an nn.Module/);
  assert.throws(() => io.saveCheckpoint('/tmp/unused', { model, optimizer: {} as optim.Adam, epoch: 0, step: 0 }), /saveCheckpoint: optimizer must be an Optimizer/);
  assert.throws(() => io.saveCheckpoint('/tmp/unused', { model, scheduler: {} as optim.StepLR, epoch: 0, step: 0 }), /saveCheckpoint: scheduler must have stateDict\(\) and loadStateDict\(\)/);
  assert.throws(() => io.loadCheckpoint('/tmp/unused', null as unknown as io.LoadCheckpointOptions), /loadCheckpoint: expected an options object/);
});

test('saveModel / loadModel: plain PyTorch-named weights, also read from a checkpoint', () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = path.join(dir, 'm.safetensors');
    manualSeed(5);
    const model = makeModel();
    io.saveModel(file, model, { accuracy: '0.98' });
    const { tensors, metadata } = io.loadSafetensors(file);
    assert.deepEqual(metadata, { format: 'pt', accuracy: '0.98' });
    assert.deepEqual(Object.keys(tensors).sort(), Object.keys(model.stateDict()).sort());
    manualSeed(6);
    const copy = makeModel();
    const result = io.loadModel(file, copy);
    assert.deepEqual(result, { missingKeys: [], unexpectedKeys: [], metadata: { format: 'pt', accuracy: '0.98' } });
    assert.deepEqual(snapshot(copy), snapshot(model));

    const ckpt = path.join(dir, 'c.safetensors');
    const run = setup(8);
    trainStep(run);
    io.saveCheckpoint(ckpt, { ...run, epoch: 1, step: 1 });
    const fromCkpt = makeModel();
    io.loadModel(ckpt, fromCkpt);
    assert.deepEqual(snapshot(fromCkpt), snapshot(run.model));

    assert.throws(() => io.loadModel(file, new nn.Linear(4, 8)), /loadModel: '.*m\.safetensors': loadStateDict: error\(s\) in loading the state dict for Linear:\n  missing key\(s\): "weight", "bias"\n  unexpected key\(s\): "0\.bias"/);
    assert.throws(() => io.loadModel(file, new nn.Sequential(new nn.Linear(4, 3))), /size mismatch for 0\.weight: copying a tensor of shape \[8,4\] from the state dict, the shape in the current model is \[3,4\]/);
    const partial = io.loadModel(file, new nn.Sequential(new nn.Linear(4, 8)), { strict: false });
    assert.ok(partial.unexpectedKeys.includes('1.running_mean'));
  } finally {
    cleanup();
  }
});

test('damaged checkpoint metadata gives errors that say what is wrong', () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = path.join(dir, 'bad.safetensors');
    const model = new nn.Linear(1, 1);
    const base = { format: 'tessera-checkpoint', version: '1', epoch: '0', step: '0' };
    const weights = { 'model.weight': tensor([[1]]), 'model.bias': tensor([0]) };
    const check = (metadata: Record<string, string>, pattern: RegExp, tensors: Record<string, Tensor> = weights, opts: Partial<io.LoadCheckpointOptions> = {}): void => {
      io.saveSafetensors(file, tensors, metadata);
      assert.throws(() => io.loadCheckpoint(file, { model, ...opts }), pattern);
    };
    check({ ...base, version: '2' }, /loadCheckpoint: '.*' is checkpoint version 2; this Tessera reads versions up to 1/);
    check({ ...base, epoch: '-1' }, /loadCheckpoint: the checkpoint's epoch is "-1", not a non-negative integer/);
    check({ format: base.format, version: '1', epoch: '3' }, /the checkpoint's step is undefined, not a non-negative integer/);
    check({ ...base, step: '1e3' }, /the checkpoint's step is "1e3"/);
    check({ ...base, extra: '{"a":' }, /loadCheckpoint: the extra metadata is not valid JSON/);
    check({ ...base, extra: '{"a":"#Inf"}' }, /loadCheckpoint: unknown tagged value "#Inf" at the extra metadata.a/);
    check({ ...base, extra: '[1]' }, /loadCheckpoint: the extra metadata must be an object/);
    check({ ...base, rng: '{"algorithm":"xoshiro128**","seed":1,"state":[0,0,0,0]}' }, /loadCheckpoint: the checkpoint's RNG state is not valid: setRngState: an all-zero state/);
    check({ ...base, optimizer: '{"class":"SGD"}' }, /loadCheckpoint: the optimizer metadata must be \{ class, paramGroups, state \}/);
    check({ ...base, scheduler: '{"state":{}}' }, /loadCheckpoint: the scheduler metadata must be \{ class, state \}/);
    check(base, /loadCheckpoint: unexpected tensor 'stray' in '.*' \(expected model\.\*, optimizer\.state\.<index>\.<key> or extra\.\*\)/, { ...weights, stray: tensor([1]) });
    check(base, /loadCheckpoint: '.*' has optimizer state tensors but no optimizer metadata/, { ...weights, 'optimizer.state.0.momentum_buffer': tensor([1]) });
    check({ format: 'something-else' }, /is not a Tessera checkpoint \(its metadata has format "something-else"\)/);
    check({}, /is not a Tessera checkpoint \(its metadata has no format entry\)/);
  } finally {
    cleanup();
  }
});
