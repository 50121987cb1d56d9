/**
 * Trained models on disk: `model.safetensors` holds the weights under PyTorch's names plus, in its
 * metadata, what is needed to use it again: the model's name, the preprocessing of its inputs and
 * the class names. `eval` and `predict` rebuild the model from that (or from --model, for weights
 * saved elsewhere, e.g. by PyTorch).
 */
import { readFileSync } from 'node:fs';
import type { Module } from '../nn/module.js';
import { CHECKPOINT_FORMAT, loadModel, saveModel } from '../io/checkpoint.js';
import { decodeJson } from '../io/json-values.js';
import { parseSafetensorsHeader } from '../io/safetensors-parse.js';
import { getModel, type ModelSpec } from '../models/registry.js';
import { UsageError } from './args.js';
import { inputShape, type Preprocessing } from './data.js';

/** What `train` records about a model besides its weights. */
export interface ModelCard {
  /** The registry name (digit-cnn, lecun1989, ...). */
  model: string;
  classes: number;
  classNames: string[] | null;
  prep: Preprocessing;
}

const KEY = 'tessera.card';

/** Writes the model's weights and its card (as JSON in the metadata). */
export function saveTrainedModel(path: string, model: Module, card: ModelCard, extra: Record<string, string> = {}): void {
  saveModel(path, model, { ...extra, [KEY]: JSON.stringify(card) });
}

/** The card stored in a model or checkpoint file, or null when the file has none (weights from elsewhere). */
export function readCard(path: string): ModelCard | null {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`cannot read the model file '${path}': ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const metadata = parseSafetensorsHeader(bytes).metadata ?? {};
  if (metadata['format'] === CHECKPOINT_FORMAT) {
    // A training checkpoint keeps the card among its extra data.
    const extra = decodeJson(metadata['extra'] ?? '{}', 'readCard', 'extra') as { card?: ModelCard };
    return extra.card ?? null;
  }
  const text = metadata[KEY];
  if (text === undefined) return null;
  try {
    return JSON.parse(text) as ModelCard;
  } catch {
    throw new Error(`the model file '${path}' has an unreadable ${KEY} entry`);
  }
}

/** The card for weights without one: the model's defaults for the bundled digits. */
function defaultCard(spec: ModelSpec): ModelCard {
  const side = spec.input.size ?? 28;
  return { model: spec.name, classes: 10, classNames: null, prep: { kind: 'image', channels: 1, height: side, width: side, range: [spec.input.range[0], spec.input.range[1]] } };
}

/**
 * Rebuilds the model a file holds and loads its weights. `modelName` (--model) is needed only for
 * files without a card; given with one, it must agree.
 */
export function loadTrainedModel(command: string, path: string, modelName: string | undefined): { model: Module; card: ModelCard; spec: ModelSpec } {
  const stored = readCard(path);
  let spec: ModelSpec;
  try {
    spec = getModel(modelName ?? stored?.model ?? '');
  } catch (e) {
    if (modelName === undefined && stored === null) {
      throw new UsageError(`'${path}' does not say which model it holds (it was not written by tessera train); name it with --model`, command);
    }
    throw new UsageError(`--model: ${(e as Error).message.replace(/^getModel: /, '')}`, command);
  }
  if (stored !== null && modelName !== undefined && getModel(stored.model).name !== spec.name) {
    throw new UsageError(`--model ${modelName} does not match '${path}', which holds a ${stored.model} model`, command);
  }
  const card = stored ?? defaultCard(spec);
  const model = spec.build(inputShape(card.prep, card.classes));
  try {
    loadModel(path, model);
  } catch (e) {
    throw new Error(`'${path}' does not fit a ${spec.name} model: ${(e as Error).message.replace(/^loadModel: /, '')}`);
  }
  model.eval();
  return { model, card, spec };
}
