/**
 * The shapes the training loop shares with its callbacks: the options of `fit`, the state a
 * callback sees, and the history `fit` returns.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { Module } from '../nn/module.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Metric } from './metric.js';

/**
 * A learning-rate schedule as `fit` drives it: `step()`, or ReduceLROnPlateau's `step(value)` with
 * the monitored log (hence the loose parameter type, which both signatures satisfy).
 */
export interface SchedulerLike {
  step(value?: any): void;
  stateDict?(): Record<string, unknown>;
  loadStateDict?(state: Record<string, unknown>): void;
}

/** A batch taken apart: the arguments of `model.forward`, and the target (absent for `predict`). */
export interface UnpackedBatch {
  inputs: unknown[];
  target?: unknown;
}

/** What `fit` and `evaluate` read batches from: a DataLoader, or any sync or async iterable. */
export type BatchSource<B = unknown> = (Iterable<B> | AsyncIterable<B>) & {
  /** The number of batches, when known (DataLoader's `length`). */
  readonly length?: number;
  /** DataLoader's: makes the shuffle order of epoch `e` depend only on (seed, e). */
  setEpoch?(epoch: number): void;
};

/** A loss: a function of (output, target) that returns a one-element tensor. */
export type LossFn = (output: any, target: any) => Tensor;

/**
 * The state every callback hook receives (one object, updated in place through training).
 * `epoch` is the 0-based index of the current epoch, `step` the number of optimizer steps taken
 * so far (across epochs, including those before `initialEpoch` when resuming from a checkpoint).
 */
export interface TrainState {
  model: Module;
  optimizer: Optimizer;
  scheduler: SchedulerLike | null;
  epoch: number;
  /** Optimizer steps taken so far (with `accumulate: k`, one per k batches). */
  step: number;
  /** The epoch index training ends before (fit's `epochs`). */
  epochs: number;
  /** The epoch index training started from (fit's `initialEpoch`). */
  initialEpoch: number;
  /** The 0-based index of the current batch in its epoch. */
  batch: number;
  /** Batches per epoch, when the loader has a length; else null. */
  batchesPerEpoch: number | null;
  /** Samples in the current batch. */
  batchSize: number;
  /** Samples seen so far in this epoch. */
  samplesSeen: number;
  /**
   * In `onBatchEnd`: `loss` (the running, sample-weighted mean over the epoch so far),
   * `batch_loss` (this batch), `lr`. In `onEpochEnd` and `onTrainEnd`: the epoch's logs as recorded
   * in the history (`loss`, each metric, `val_*`, `lr`, `time`, `epoch`).
   */
  logs: Record<string, number>;
  /** The training metrics over the epoch so far (computed on demand: some metrics sort all their data). */
  currentMetrics(): Record<string, number>;
  history: History;
  /** Set to true to stop: fit finishes the current batch (and epoch, with its validation), then returns. */
  stopTraining: boolean;
}

/**
 * Hooks called by `fit`, each with the shared TrainState; each may return a Promise, which fit
 * awaits. Order: onTrainBegin, then per epoch onEpochBegin, per batch onBatchBegin and onBatchEnd,
 * onEpochEnd (after validation), and onTrainEnd (also when training stopped early).
 */
export interface Callback {
  onTrainBegin?(state: TrainState): void | Promise<void>;
  onEpochBegin?(state: TrainState): void | Promise<void>;
  onBatchBegin?(state: TrainState): void | Promise<void>;
  onBatchEnd?(state: TrainState): void | Promise<void>;
  onEpochEnd?(state: TrainState): void | Promise<void>;
  onTrainEnd?(state: TrainState): void | Promise<void>;
}

/** One optimizer step in the history: the loss of the step's batch(es) and the lr it used. */
export interface StepRecord {
  step: number;
  loss: number;
  lr: number;
}

/**
 * What `fit` returns. `epochs[i]` holds one epoch's logs: `epoch` (its 0-based index), `loss`, each
 * training metric by name, `val_loss` and `val_<metric>` with a validation loader, `lr` (of the
 * epoch's last step, first parameter group) and `time` (seconds, validation included).
 */
export interface History {
  epochs: Array<Record<string, number>>;
  steps: StepRecord[];
}

/** Gradient clipping by total norm: a max norm, or with the norm's order. */
export type ClipNormOption = number | { maxNorm: number; normType?: number | 'inf' };

/** The options of `fit`. */
export interface FitOptions<B = unknown> {
  /** The epoch index to stop before (with `initialEpoch: 2, epochs: 4`, epochs 2 and 3 run). */
  epochs: number;
  train: BatchSource<B>;
  val?: BatchSource<B> | null;
  optimizer: Optimizer;
  /** A loss function, or a name: 'crossEntropy', 'mse', 'l1', 'bce', 'bceWithLogits', 'nll', 'huber', 'smoothL1'. */
  loss: LossFn | string;
  /** Metric objects or names ('accuracy', 'top5', 'f1', 'auc', 'mae', ... see `metricFromName`). */
  metrics?: Array<Metric | string>;
  scheduler?: SchedulerLike | null;
  /** When to step the scheduler: after every optimizer step ('batch') or every epoch ('epoch', default). */
  schedulerStep?: 'batch' | 'epoch';
  /** The log ReduceLROnPlateau is stepped with (default 'val_loss' with a validation loader, else 'loss'). */
  schedulerMonitor?: string;
  /** Accumulate gradients over this many batches per optimizer step (default 1). */
  accumulate?: number;
  clipGradNorm?: ClipNormOption;
  clipGradValue?: number;
  callbacks?: Callback[];
  /** Print a progress bar to stdout (adds a ProgressBar unless one is among the callbacks; default false). */
  verbose?: boolean;
  /** The epoch index to start from when resuming (default 0). */
  initialEpoch?: number;
  /** The step count to start from when resuming (default: the history's, else 0); a checkpoint's `step`. */
  initialStep?: number;
  /** Takes a batch apart into model inputs and a target (default: `[x, y]` arrays, `{ x, y }` objects). */
  batchToInputs?: (batch: B) => UnpackedBatch;
}
