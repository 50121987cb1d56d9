/**
 * fit: the Keras-style training loop over the PyTorch-style pieces (Module, Optimizer, schedules,
 * DataLoader). Each batch runs inside `tidy`, so memory stays flat however long training runs.
 */
import { Tensor } from '../tensor/tensor.js';
import { tidy } from '../tensor/scope.js';
import { noGrad } from '../autograd/grad-mode.js';
import { clipGradNorm, clipGradValue } from '../optim/clip.js';
import type { Module } from '../nn/module.js';
import { Mean } from './metric.js';
import { batchSizeOf, batchesOf, computeLoss, forward, lengthOf, unpack } from './batch.js';
import { runEvaluation } from './evaluate.js';
import { checkFitOptions, type FitConfig } from './fit-options.js';
import { ProgressBar } from './callbacks/progress-bar.js';
import type { Callback, FitOptions, History, TrainState } from './types.js';

/**
 * Trains `model` for epochs `initialEpoch ... epochs - 1` and returns the history.
 *
 * Per batch: forward, loss (scaled by 1/accumulate), backward, metric updates; every `accumulate`
 * batches (and once more for a remainder at the epoch's end, its gradients rescaled to the mean
 * over the batches it has): clipping by value, then by norm, the optimizer step, and the scheduler
 * when `schedulerStep` is 'batch'. Per epoch: validation (eval mode, no gradients), then the
 * scheduler when stepped per epoch (ReduceLROnPlateau with the monitored log), then `onEpochEnd`.
 * Before each epoch the loaders' `setEpoch(epoch)` is called, so a shuffled DataLoader's order
 * depends only on its seed and the epoch, and a run resumed with `initialEpoch` sees the same data.
 *
 * ```ts
 * const history = await train.fit(model, {
 *   epochs: 10, train: trainLoader, val: valLoader,
 *   optimizer: new optim.Adam(model.parameters(), { lr: 1e-3 }),
 *   loss: nn.functional.crossEntropy, metrics: ['accuracy'],
 *   callbacks: [new train.EarlyStopping({ monitor: 'val_loss', patience: 3 })],
 *   verbose: true,
 * });
 * history.epochs.at(-1)!.val_accuracy;
 * ```
 */
export async function fit<B>(model: Module, options: FitOptions<B>): Promise<History> {
  const cfg = checkFitOptions(model, options);
  const callbacks = [...cfg.callbacks];
  if (cfg.verbose && !callbacks.some((c) => c instanceof ProgressBar)) callbacks.push(new ProgressBar());
  const history: History = { epochs: [], steps: [] };
  const batches = lengthOf(cfg.train);
  const stepsPerEpoch = batches === null ? null : Math.ceil(batches / cfg.accumulate);
  const state: TrainState = {
    model,
    optimizer: cfg.optimizer,
    scheduler: cfg.scheduler,
    epoch: cfg.initialEpoch,
    // Resuming without a step count: the steps an uninterrupted run would have taken, when knowable.
    step: cfg.initialStep ?? (stepsPerEpoch === null ? 0 : cfg.initialEpoch * stepsPerEpoch),
    epochs: cfg.epochs,
    initialEpoch: cfg.initialEpoch,
    batch: 0,
    batchesPerEpoch: batches,
    batchSize: 0,
    samplesSeen: 0,
    logs: {},
    currentMetrics: () => Object.fromEntries(cfg.metrics.map((m) => [m.name, m.compute()])),
    history,
    stopTraining: false,
  };
  const emit = async (hook: keyof Callback): Promise<void> => {
    for (const cb of callbacks) await cb[hook]?.(state);
  };
  const wasTraining = model.training;
  try {
    await emit('onTrainBegin');
    for (let epoch = cfg.initialEpoch; epoch < cfg.epochs && !state.stopTraining; epoch++) {
      state.epoch = epoch;
      cfg.train.setEpoch?.(epoch);
      cfg.val?.setEpoch?.(epoch);
      state.logs = {};
      await emit('onEpochBegin');
      const start = performance.now();
      const logs: Record<string, number> = { epoch, ...(await trainEpoch(cfg, state, emit)) };
      if (cfg.val !== null) {
        const valLogs = await runEvaluation('fit (validation)', model, cfg.val, cfg.loss, cfg.metrics, cfg.batchToInputs);
        for (const [k, v] of Object.entries(valLogs)) logs[`val_${k}`] = v;
      }
      logs['lr'] = currentLr(cfg);
      stepSchedulerPerEpoch(cfg, logs);
      logs['time'] = (performance.now() - start) / 1000;
      history.epochs.push(logs);
      state.logs = { ...logs };
      await emit('onEpochEnd');
    }
    await emit('onTrainEnd');
  } finally {
    model.train(wasTraining);
  }
  return history;
}

/** One pass over the training batches; returns the epoch's loss and metrics. */
async function trainEpoch<B>(cfg: FitConfig<B>, state: TrainState, emit: (hook: keyof Callback) => Promise<void>): Promise<Record<string, number>> {
  const { model } = state;
  const k = cfg.accumulate;
  const epochLoss = new Mean('loss');
  for (const m of cfg.metrics) m.reset();
  let inGroup = 0;
  let groupLoss = 0;
  let index = 0;
  state.samplesSeen = 0;
  model.train();
  for await (const batch of batchesOf(cfg.train)) {
    const parts = unpack('fit', batch, cfg.batchToInputs);
    state.batch = index;
    state.batchSize = batchSizeOf(parts);
    await emit('onBatchBegin');
    if (inGroup === 0) zeroGrads(cfg, model);
    const lossValue = tidy(() => {
      const output = forward(model, parts);
      const loss = computeLoss('fit', cfg.loss, output, parts.target);
      (k === 1 ? loss : loss.div(k)).backward();
      if (cfg.metrics.length > 0) {
        if (!(output instanceof Tensor)) throw new Error('fit: metrics need the model to return a Tensor');
        noGrad(() => {
          for (const m of cfg.metrics) m.update(output.detach(), parts.target as Tensor);
        });
      }
      return loss.item();
    });
    inGroup += 1;
    groupLoss += lossValue;
    epochLoss.add(lossValue, state.batchSize);
    state.samplesSeen += state.batchSize;
    if (inGroup === k) {
      optimizerStep(cfg, state, groupLoss / k);
      inGroup = 0;
      groupLoss = 0;
    }
    state.logs = { loss: epochLoss.compute(), batch_loss: lossValue, lr: currentLr(cfg) };
    await emit('onBatchEnd');
    index += 1;
    if (state.stopTraining) {
      inGroup = 0; // a partial group of a stopped epoch is dropped, not stepped
      break;
    }
  }
  if (index === 0) throw new Error(`fit: the train loader yielded no batches in epoch ${state.epoch}`);
  if (inGroup > 0) {
    // The remainder's losses were scaled by 1/k; rescale so its update is the mean over its batches.
    noGrad(() => {
      for (const p of trainableParams(cfg)) p.grad?.mul_(k / inGroup);
    });
    optimizerStep(cfg, state, groupLoss / inGroup);
  }
  const logs: Record<string, number> = { loss: epochLoss.compute() };
  for (const m of cfg.metrics) logs[m.name] = m.compute();
  return logs;
}

/** Clipping, the optimizer step, the step record, and the scheduler when stepped per batch. */
function optimizerStep<B>(cfg: FitConfig<B>, state: TrainState, loss: number): void {
  tidy(() => {
    const params = trainableParams(cfg);
    if (cfg.clipValue !== null) clipGradValue(params, cfg.clipValue);
    if (cfg.clipNorm !== null) clipGradNorm(params, cfg.clipNorm.maxNorm, { normType: cfg.clipNorm.normType });
    cfg.optimizer.step();
  });
  state.step += 1;
  state.history.steps.push({ step: state.step, loss, lr: currentLr(cfg) });
  if (cfg.scheduler !== null && cfg.schedulerStep === 'batch') cfg.scheduler.step();
}

function stepSchedulerPerEpoch<B>(cfg: FitConfig<B>, logs: Record<string, number>): void {
  if (cfg.scheduler === null || cfg.schedulerStep !== 'epoch') return;
  if (cfg.plateauMonitor === null) {
    cfg.scheduler.step();
    return;
  }
  const value = logs[cfg.plateauMonitor];
  if (value === undefined) {
    throw new Error(`fit: schedulerMonitor '${cfg.plateauMonitor}' is not among the epoch's logs (${Object.keys(logs).join(', ')})`);
  }
  cfg.scheduler.step(value);
}

/** The parameters the optimizer updates, across its groups. */
function trainableParams<B>(cfg: FitConfig<B>): Tensor[] {
  return cfg.optimizer.paramGroups.flatMap((g) => g.params);
}

/**
 * Clears the optimizer's gradients and the model's (parameters outside the optimizer would pile up).
 * The previous step's gradient tensors are disposed first: set to null they would wait for the
 * garbage collector, and on the native backend each step's (a few MB for a mid-sized MLP) piled
 * up between collections and grew the allocator's pool of freed blocks, which the process keeps:
 * RSS rose about 10% over 10 epochs of bench/train-memory.ts. Backward gives each leaf a gradient
 * that owns its storage, so nothing else loses memory; a callback that keeps a `.grad` across
 * steps must keep a `.clone()` instead.
 */
function zeroGrads<B>(cfg: FitConfig<B>, model: Module): void {
  const params = new Set([...trainableParams(cfg), ...model.parameters()]);
  for (const p of params) p.grad?.dispose();
  cfg.optimizer.zeroGrad();
  model.zeroGrad();
}

/** The learning rate of the first parameter group. */
function currentLr<B>(cfg: FitConfig<B>): number {
  return cfg.optimizer.paramGroups[0]?.lr ?? NaN;
}
