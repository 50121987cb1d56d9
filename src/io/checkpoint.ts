/**
 * Training checkpoints and plain model weights, both as single safetensors files.
 *
 * A checkpoint holds everything needed to continue training exactly where it stopped:
 * - tensors `model.<name>` (the model's state dict: parameters and persistent buffers),
 *   `optimizer.state.<paramIndex>.<key>` (moment buffers...) and `extra.<key>` (tensors in `extra`);
 * - `__metadata__` strings: `format: 'tessera-checkpoint'`, `version`, `epoch`, `step`, and JSON
 *   for `optimizer` (class, param groups, numeric state such as `step`), `scheduler` (class and
 *   state dict), `rng` (the global generator's state) and `extra`. The JSON keeps ±Infinity, NaN
 *   and -0 (json-values.ts), which ReduceLROnPlateau's state needs.
 * Model weights (`saveModel`) are the state dict under PyTorch's names with `format: 'pt'`, so
 * `safetensors.torch.load_file` + `load_state_dict` read them on the PyTorch side.
 */
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/grad-mode.js';
import { Generator, getRngState, setRngState, type RngState } from '../tensor/random.js';
import { Module, type LoadStateDictResult } from '../nn/module.js';
import { Optimizer, type OptimizerStateDict, type ParamState, type SavedParamGroup } from '../optim/optimizer.js';
import { loadSafetensors, saveSafetensors } from './safetensors.js';
import { decodeJson, encodeJson } from './json-values.js';

export const CHECKPOINT_FORMAT = 'tessera-checkpoint';
export const CHECKPOINT_VERSION = 1;

/** Anything with a state dict of plain data: every LR schedule, or a user's own. */
export interface StatefulScheduler {
  stateDict(): Record<string, unknown>;
  loadStateDict(state: Record<string, unknown>): void;
}

export interface SaveCheckpointOptions {
  model: Module;
  optimizer?: Optimizer;
  scheduler?: StatefulScheduler;
  /** Non-negative integers, returned by `loadCheckpoint` (e.g. epochs completed, optimizer steps taken). */
  epoch: number;
  step: number;
  /** Save the global RNG state (default true), so dropout, shuffles and random ops continue identically. */
  rng?: boolean;
  /** Anything else: plain JSON data (non-finite numbers kept), and tensors as top-level values. */
  extra?: Record<string, unknown>;
}

export interface LoadCheckpointOptions {
  model: Module;
  /** Restored when given; the checkpoint must then hold the state of an optimizer of the same class. */
  optimizer?: Optimizer;
  scheduler?: StatefulScheduler;
  /** Restore the global RNG state when the checkpoint has one (default true). */
  restoreRng?: boolean;
  /** Missing or unexpected model keys are errors (default true), as in `Module.loadStateDict`. */
  strict?: boolean;
}

export interface CheckpointInfo {
  epoch: number;
  step: number;
  extra: Record<string, unknown>;
}

const MODEL = 'model.';
const OPT_STATE = 'optimizer.state.';
const EXTRA = 'extra.';

function checkCount(op: string, key: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new Error(`${op}: ${key} must be a non-negative integer, got ${String(value)}`);
  return value;
}

function checkParts(op: string, options: { model?: unknown; optimizer?: unknown; scheduler?: unknown } | null): void {
  if (options === null || typeof options !== 'object') throw new Error(`${op}: expected an options object { model, ... }`);
  if (!(options.model instanceof Module)) throw new Error(`${op}: model must be an nn.Module`);
  if (options.optimizer !== undefined && !(options.optimizer instanceof Optimizer)) throw new Error(`${op}: optimizer must be an Optimizer`);
  const s = options.scheduler as Partial<StatefulScheduler> | undefined;
  if (s !== undefined && (s === null || typeof s.stateDict !== 'function' || typeof s.loadStateDict !== 'function')) {
    throw new Error(`${op}: scheduler must have stateDict() and loadStateDict()`);
  }
}

const className = (x: object): string => x.constructor.name;

/**
 * Saves model, optimizer, scheduler, RNG state and counters to ONE safetensors file, atomically.
 *
 * ```ts
 * saveCheckpoint('run/last.safetensors', { model, optimizer, scheduler, epoch, step, extra: { bestLoss } });
 * ```
 */
export function saveCheckpoint(path: string, options: SaveCheckpointOptions): void {
  const op = 'saveCheckpoint';
  checkParts(op, options);
  const { model, optimizer, scheduler, rng = true, extra = {} } = options;
  const epoch = checkCount(op, 'epoch', options.epoch);
  const step = checkCount(op, 'step', options.step);
  if (typeof rng !== 'boolean') throw new Error(`${op}: rng must be a boolean, got ${typeof rng}`);
  if (extra === null || typeof extra !== 'object' || Array.isArray(extra)) throw new Error(`${op}: extra must be a plain object`);

  const tensors = new Map<string, Tensor>();
  for (const [name, t] of Object.entries(model.stateDict())) tensors.set(MODEL + name, t);
  const metadata: Record<string, string> = { format: CHECKPOINT_FORMAT, version: String(CHECKPOINT_VERSION), epoch: String(epoch), step: String(step) };
  if (optimizer !== undefined) {
    const { state, paramGroups } = optimizer.stateDict();
    const numbers: Record<string, Record<string, number>> = {};
    for (const [index, s] of Object.entries(state)) {
      for (const [key, value] of Object.entries(s)) {
        if (value instanceof Tensor) tensors.set(`${OPT_STATE}${index}.${key}`, value);
        else (numbers[index] ??= {})[key] = value;
      }
    }
    metadata['optimizer'] = encodeJson({ class: className(optimizer), paramGroups, state: numbers }, op, 'optimizer');
  }
  if (scheduler !== undefined) metadata['scheduler'] = encodeJson({ class: className(scheduler), state: scheduler.stateDict() }, op, 'scheduler');
  if (rng) metadata['rng'] = JSON.stringify(getRngState());
  const plainExtra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(extra)) {
    if (value instanceof Tensor) tensors.set(EXTRA + key, value);
    else plainExtra[key] = value;
  }
  metadata['extra'] = encodeJson(plainExtra, op, 'extra');
  saveSafetensors(path, tensors, metadata);
}

function parseCount(op: string, metadata: Record<string, string>, key: string): number {
  const text = metadata[key];
  const value = text !== undefined && /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value)) throw new Error(`${op}: the checkpoint's ${key} is ${JSON.stringify(text)}, not a non-negative integer`);
  return value;
}

/** The parts of a checkpoint file, validated but not yet applied. */
interface ParsedCheckpoint {
  epoch: number;
  step: number;
  model: Map<string, Tensor>;
  optimizer: { class: string; stateDict: OptimizerStateDict } | null;
  scheduler: { class: string; state: Record<string, unknown> } | null;
  rng: RngState | null;
  extra: Record<string, unknown>;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function readCheckpoint(op: string, path: string): ParsedCheckpoint {
  let contents;
  try {
    contents = loadSafetensors(path);
  } catch (e) {
    throw new Error(`${op}: ${(e as Error).message}`);
  }
  const { tensors, metadata } = contents;
  if (metadata['format'] !== CHECKPOINT_FORMAT) {
    const found = metadata['format'] === undefined ? 'no format entry' : `format ${JSON.stringify(metadata['format'])}`;
    throw new Error(`${op}: '${path}' is not a Tessera checkpoint (its metadata has ${found}); plain weights load with loadModel`);
  }
  const version = parseCount(op, metadata, 'version');
  if (version < 1 || version > CHECKPOINT_VERSION) throw new Error(`${op}: '${path}' is checkpoint version ${version}; this Tessera reads versions up to ${CHECKPOINT_VERSION}`);

  const model = new Map<string, Tensor>();
  const optTensors: [number, string, Tensor][] = [];
  const extra: Record<string, unknown> = {};
  for (const [name, t] of Object.entries(tensors)) {
    if (name.startsWith(MODEL)) model.set(name.slice(MODEL.length), t);
    else if (name.startsWith(EXTRA)) Object.defineProperty(extra, name.slice(EXTRA.length), { value: t, enumerable: true, writable: true, configurable: true });
    else {
      const m = /^optimizer\.state\.(\d+)\.(.+)$/s.exec(name);
      if (m === null) throw new Error(`${op}: unexpected tensor '${name}' in '${path}' (expected model.*, optimizer.state.<index>.<key> or extra.*)`);
      optTensors.push([Number(m[1]), m[2]!, t]);
    }
  }

  let optimizer: ParsedCheckpoint['optimizer'] = null;
  if (metadata['optimizer'] !== undefined) {
    const saved = decodeJson(metadata['optimizer'], op, 'the optimizer metadata');
    if (!isRecord(saved) || typeof saved['class'] !== 'string' || !Array.isArray(saved['paramGroups']) || !isRecord(saved['state'])) {
      throw new Error(`${op}: the optimizer metadata must be { class, paramGroups, state }`);
    }
    const state: Record<number, ParamState> = {};
    for (const [index, s] of Object.entries(saved['state'])) {
      if (!isRecord(s)) throw new Error(`${op}: the optimizer state of parameter ${index} must be an object`);
      state[Number(index)] = { ...(s as ParamState) };
    }
    for (const [index, key, t] of optTensors) (state[index] ??= {})[key] = t;
    optimizer = { class: saved['class'], stateDict: { state, paramGroups: saved['paramGroups'] as SavedParamGroup[] } };
  } else if (optTensors.length > 0) {
    throw new Error(`${op}: '${path}' has optimizer state tensors but no optimizer metadata`);
  }

  let scheduler: ParsedCheckpoint['scheduler'] = null;
  if (metadata['scheduler'] !== undefined) {
    const saved = decodeJson(metadata['scheduler'], op, 'the scheduler metadata');
    if (!isRecord(saved) || typeof saved['class'] !== 'string' || !isRecord(saved['state'])) throw new Error(`${op}: the scheduler metadata must be { class, state }`);
    scheduler = { class: saved['class'], state: saved['state'] };
  }

  let rng: RngState | null = null;
  if (metadata['rng'] !== undefined) {
    rng = decodeJson(metadata['rng'], op, 'the rng metadata') as RngState;
    try {
      new Generator(0).setState(rng); // validates without touching the global generator
    } catch (e) {
      throw new Error(`${op}: the checkpoint's RNG state is not valid: ${(e as Error).message}`);
    }
  }

  if (metadata['extra'] !== undefined) {
    const saved = decodeJson(metadata['extra'], op, 'the extra metadata');
    if (!isRecord(saved)) throw new Error(`${op}: the extra metadata must be an object`);
    for (const [key, value] of Object.entries(saved)) Object.defineProperty(extra, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return { epoch: parseCount(op, metadata, 'epoch'), step: parseCount(op, metadata, 'step'), model, optimizer, scheduler, rng, extra };
}

/**
 * Restores a checkpoint from `saveCheckpoint` into `model` (and `optimizer`, `scheduler`, and the
 * global RNG unless `restoreRng` is false); returns its epoch, step and extra. Everything is checked
 * first: when anything does not fit (another model, another optimizer class...), it throws and the
 * model, optimizer, scheduler and RNG are left as they were.
 *
 * ```ts
 * const { epoch, step } = loadCheckpoint('run/last.safetensors', { model, optimizer, scheduler });
 * ```
 */
export function loadCheckpoint(path: string, options: LoadCheckpointOptions): CheckpointInfo {
  const op = 'loadCheckpoint';
  checkParts(op, options);
  const { model, optimizer, scheduler, restoreRng = true, strict = true } = options;
  const saved = readCheckpoint(op, path);
  if (optimizer !== undefined) {
    if (saved.optimizer === null) throw new Error(`${op}: '${path}' holds no optimizer state, but an optimizer was given to restore`);
    if (saved.optimizer.class !== className(optimizer)) throw new Error(`${op}: '${path}' holds the state of optimizer class ${saved.optimizer.class}, not ${className(optimizer)}`);
  }
  if (scheduler !== undefined) {
    if (saved.scheduler === null) throw new Error(`${op}: '${path}' holds no scheduler state, but a scheduler was given to restore`);
    if (saved.scheduler.class !== className(scheduler)) throw new Error(`${op}: '${path}' holds the state of scheduler class ${saved.scheduler.class}, not ${className(scheduler)}`);
  }

  // The model first (its loadStateDict checks every key and shape before copying, so a model
  // mismatch is reported as such and changes nothing); then the optimizer and scheduler, whose
  // failure restores all three from backups (the model's is a copy, so only made when needed).
  const needBackup = optimizer !== undefined || scheduler !== undefined;
  const modelBackup = needBackup ? noGrad(() => new Map(Object.entries(model.stateDict()).map(([k, t]) => [k, t.clone()]))) : null;
  try {
    model.loadStateDict(saved.model, { strict });
  } catch (e) {
    throw new Error(`${op}: '${path}': ${(e as Error).message}`);
  }
  const optimizerBackup = optimizer && { state: new Map(optimizer.state), groups: optimizer.paramGroups.map((g) => ({ ...g })) };
  const schedulerBackup = scheduler?.stateDict();
  try {
    if (optimizer !== undefined) optimizer.loadStateDict(saved.optimizer!.stateDict);
    if (scheduler !== undefined) scheduler.loadStateDict(saved.scheduler!.state);
  } catch (e) {
    if (modelBackup !== null) model.loadStateDict(modelBackup, { strict: false });
    if (optimizer !== undefined && optimizerBackup !== undefined) {
      optimizer.state.clear();
      for (const [p, s] of optimizerBackup.state) optimizer.state.set(p, s);
      optimizer.paramGroups.forEach((g, i) => {
        for (const key of Object.keys(g)) if (!(key in optimizerBackup.groups[i]!)) delete (g as unknown as Record<string, unknown>)[key];
        Object.assign(g, optimizerBackup.groups[i]);
      });
    }
    if (scheduler !== undefined && schedulerBackup !== undefined) scheduler.loadStateDict(schedulerBackup);
    throw new Error(`${op}: '${path}': ${(e as Error).message}`);
  }
  if (restoreRng && saved.rng !== null) setRngState(saved.rng);
  return { epoch: saved.epoch, step: saved.step, extra: saved.extra };
}

/**
 * Saves a model's weights (its state dict, PyTorch names) as safetensors with `format: 'pt'`.
 *
 * ```ts
 * saveModel('digits.safetensors', model, { accuracy: '0.987' });
 * ```
 */
export function saveModel(path: string, model: Module, metadata: Record<string, string> = {}): void {
  if (!(model instanceof Module)) throw new Error('saveModel: model must be an nn.Module');
  saveSafetensors(path, model.stateDict(), { format: 'pt', ...metadata });
}

/**
 * Loads weights into `model` from a safetensors file: one from `saveModel` or PyTorch
 * (`safetensors.torch.save_file(model.state_dict(), ...)`), or the model part of a checkpoint.
 * Shape mismatches (and, with `strict`, missing or unexpected names) are errors, as in
 * `Module.loadStateDict`. Returns the missing/unexpected keys and the file's metadata.
 *
 * ```ts
 * loadModel('digits.safetensors', model);
 * ```
 */
export function loadModel(path: string, model: Module, options: { strict?: boolean } = {}): LoadStateDictResult & { metadata: Record<string, string> } {
  if (!(model instanceof Module)) throw new Error('loadModel: model must be an nn.Module');
  let contents;
  try {
    contents = loadSafetensors(path);
  } catch (e) {
    throw new Error(`loadModel: ${(e as Error).message}`);
  }
  let entries = Object.entries(contents.tensors);
  if (contents.metadata['format'] === CHECKPOINT_FORMAT) {
    entries = entries.filter(([name]) => name.startsWith(MODEL)).map(([name, t]) => [name.slice(MODEL.length), t]);
  }
  try {
    return { ...model.loadStateDict(new Map(entries), { strict: options.strict ?? true }), metadata: contents.metadata };
  } catch (e) {
    throw new Error(`loadModel: '${path}': ${(e as Error).message}`);
  }
}
