/**
 * `tessera train`: trains a model (by default the fast digit CNN on the bundled digits) and writes
 * a run folder: model.safetensors (weights and what predict needs), checkpoint.safetensors (to
 * continue with --resume), metrics.jsonl (one line per epoch) and report.html.
 *
 * Ctrl-C stops at the end of the current batch; the run folder then holds the last completed
 * epoch's checkpoint (resume from it) and the model as it was when stopped. A second Ctrl-C quits
 * at once.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { manualSeed } from '../tensor/random.js';
import { backendInfo } from '../backend/native/info.js';
import { DataLoader } from '../data/dataloader.js';
import { TensorDataset } from '../data/dataset.js';
import { randomCrop } from '../data/transforms/crop.js';
import { saveCheckpoint, loadCheckpoint } from '../io/checkpoint.js';
import { parseSafetensorsHeader } from '../io/safetensors-parse.js';
import { decodeJson } from '../io/json-values.js';
import { fit } from '../train/fit.js';
import { predict } from '../train/evaluate.js';
import { noGrad } from '../autograd/grad-mode.js';
import { ProgressBar } from '../train/callbacks/progress-bar.js';
import { JSONLLogger } from '../train/callbacks/jsonl-logger.js';
import { NaNGuard } from '../train/callbacks/nan-guard.js';
import type { Callback, History, TrainState } from '../train/types.js';
import { getModel, modelNames, type ModelSpec } from '../models/registry.js';
import { UsageError, formatHelp, parseArgs } from './args.js';
import { RUNTIME_FLAGS, applyRuntimeFlags, formatCount, io, type Command } from './command.js';
import { inputShape, prepareTrainingData } from './data.js';
import { saveTrainedModel, type ModelCard } from './model-file.js';
import { OPTIMIZERS, SCHEDULES, makeLoss, makeOptimizer, makeSchedule, type OptimizerName, type ScheduleName } from './recipe.js';
import { writeRunReport } from './run-report.js';

const spec = {
  name: 'train',
  summary: 'Train a model and write a run folder (weights, checkpoint, metrics, report).',
  details: [
    'With no options: the digit CNN on the bundled digits (8,000 train / 2,000 test), 8 epochs: about 99% test accuracy in about 30 s on two cores.',
    'Each model brings a recipe (optimizer, learning rate, schedule, epochs, batch size); the options override it.',
    `Models: ${modelNames().join(', ')}.`,
  ].join('\n'),
  flags: {
    model: { type: 'string', description: 'The model to train', metavar: 'name', defaultText: 'digit-cnn' },
    epochs: { type: 'int', min: 1, description: 'Passes over the training data', defaultText: "the model's recipe" },
    'batch-size': { type: 'int', min: 1, description: 'Examples per optimizer step', metavar: 'n' },
    lr: { type: 'number', min: 0, exclusiveMin: true, description: 'Learning rate (the peak, for onecycle)' },
    optimizer: { type: 'string', choices: OPTIMIZERS, description: 'Optimizer' },
    schedule: { type: 'string', choices: SCHEDULES, description: 'Learning-rate schedule, stepped every batch' },
    'weight-decay': { type: 'number', min: 0, description: 'Weight decay', defaultText: '0 (adamw: 0.01)' },
    'label-smoothing': { type: 'number', min: 0, description: 'Label smoothing of the cross-entropy loss (0 to 1)', metavar: 'eps' },
    shift: { type: 'int', min: 0, description: 'Augmentation: shift training images by up to this many pixels', metavar: 'pixels' },
    seed: { type: 'int', min: 0, description: 'Seeds the initialization, the shuffling and the augmentation', defaultText: '1' },
    data: { type: 'string', description: 'An IDX folder, a CSV file (with --target) or a folder of class folders of images', metavar: 'path', defaultText: 'the bundled digits' },
    target: { type: 'string', description: 'The CSV column to predict', metavar: 'column' },
    'image-size': { type: 'int', min: 4, description: 'Side to resize image files to (when the model does not fix one)', metavar: 'pixels', defaultText: '28' },
    color: { type: 'boolean', description: 'Keep the colour channels of image files (default: grayscale)' },
    out: { type: 'string', description: 'The run folder', metavar: 'dir', defaultText: 'runs/<date>-<time>' },
    resume: { type: 'string', description: "Continue a run from its checkpoint.safetensors (with the run's settings)", metavar: 'checkpoint' },
    quiet: { type: 'boolean', description: 'No progress bar; print only the result' },
    ...RUNTIME_FLAGS,
    limit: { type: 'int', min: 1, description: 'Use only the first N training and test examples (quick checks)', metavar: 'n', hidden: true },
  },
  examples: [
    'tessera train',
    'tessera train --epochs 10 --lr 0.005 --seed 3',
    'tessera train --model lecun1989',
    'tessera train --model mlp --optimizer sgd --lr 0.1 --schedule cosine',
    'tessera train --data ./fashion-mnist --epochs 8 --out runs/fashion',
    'tessera train --data iris.csv --target species --model mlp --epochs 50',
    'tessera train --resume runs/20260101-120000/checkpoint.safetensors',
  ],
} as const;

/** Everything that decides what a run computes; saved in its checkpoint so --resume repeats it. */
export interface RunConfig {
  model: string;
  epochs: number;
  batchSize: number;
  lr: number;
  optimizer: OptimizerName;
  schedule: ScheduleName;
  weightDecay: number;
  shift: number;
  labelSmoothing: number;
  seed: number;
  data: string | null;
  target: string | null;
  imageSize: number | null;
  color: boolean;
  limit: number | null;
}

type Flags = ReturnType<typeof parseArgs<typeof spec>>['flags'];

function configFromFlags(flags: Flags, model: ModelSpec): RunConfig {
  const r = model.recipe;
  return {
    model: model.name,
    epochs: flags.epochs ?? r.epochs,
    batchSize: flags['batch-size'] ?? r.batchSize,
    lr: flags.lr ?? r.lr,
    optimizer: (flags.optimizer as OptimizerName | undefined) ?? r.optimizer,
    schedule: (flags.schedule as ScheduleName | undefined) ?? r.schedule,
    weightDecay: flags['weight-decay'] ?? 0,
    shift: flags.shift ?? r.shift,
    labelSmoothing: flags['label-smoothing'] ?? r.labelSmoothing,
    seed: flags.seed ?? 1,
    data: flags.data ?? null,
    target: flags.target ?? null,
    imageSize: flags['image-size'] ?? null,
    color: flags.color ?? false,
    limit: flags.limit ?? null,
  };
}

/** The settings a resumed run takes from its checkpoint; a flag that contradicts them is an error. */
function configFromCheckpoint(path: string, flags: Flags): { config: RunConfig; history: History } {
  let extra: Record<string, unknown>;
  try {
    const metadata = parseSafetensorsHeader(readFileSync(path)).metadata;
    if (metadata['format'] !== 'tessera-checkpoint') throw new Error('it is not a training checkpoint (model.safetensors holds weights only; resume from checkpoint.safetensors)');
    extra = decodeJson(metadata['extra'] ?? '{}', 'train', 'extra') as Record<string, unknown>;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`--resume '${path}': ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`, 'train');
  }
  const saved = extra['run'] as RunConfig | undefined;
  if (saved === undefined) throw new UsageError(`--resume '${path}': the checkpoint was not written by tessera train (no run settings in it)`, 'train');
  const config = { ...saved };
  const explicit: Partial<Record<keyof RunConfig, unknown>> = {
    model: flags.model === undefined ? undefined : modelSpecFor(flags.model).name, batchSize: flags['batch-size'], lr: flags.lr, optimizer: flags.optimizer, schedule: flags.schedule,
    weightDecay: flags['weight-decay'], shift: flags.shift, labelSmoothing: flags['label-smoothing'], seed: flags.seed, data: flags.data, target: flags.target, imageSize: flags['image-size'], limit: flags.limit,
  };
  for (const [key, value] of Object.entries(explicit)) {
    if (value !== undefined && value !== saved[key as keyof RunConfig]) {
      throw new UsageError(`--resume: the run was trained with ${key} ${JSON.stringify(saved[key as keyof RunConfig])}; a resumed run keeps its settings, so leave out that option`, 'train');
    }
  }
  if (flags.epochs !== undefined && flags.epochs !== saved.epochs) {
    if (saved.schedule !== 'constant') {
      throw new UsageError(`--resume: the ${saved.schedule} schedule was laid out for ${saved.epochs} epochs; only a run with --schedule constant can change its --epochs`, 'train');
    }
    config.epochs = flags.epochs;
  }
  const history = (extra['history'] as History | undefined) ?? { epochs: [], steps: [] };
  return { config, history };
}

/** The --model spec; an unknown name is a usage error. */
function modelSpecFor(name: string): ModelSpec {
  try {
    return getModel(name);
  } catch (e) {
    throw new UsageError(`--model: ${(e as Error).message.replace(/^getModel: /, '')}`, 'train');
  }
}

/** runs/YYYYMMDD-HHMMSS, with a suffix when that folder exists already. */
function defaultRunDir(): string {
  const d = new Date();
  const p = (n: number): string => String(n).padStart(2, '0');
  const base = join('runs', `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`);
  let dir = base;
  for (let k = 2; existsSync(dir); k++) dir = `${base}-${k}`;
  return dir;
}

/** Stops training at the end of the current batch on the first Ctrl-C; quits on the second. */
class InterruptHandler implements Callback {
  interrupted = false;
  private state: TrainState | null = null;
  private readonly onSignal = (): void => {
    if (this.interrupted) process.exit(130);
    this.interrupted = true;
    if (this.state !== null) this.state.stopTraining = true;
    io.stderr.write('\ntessera train: stopping after this batch (Ctrl-C again to quit now)\n');
  };

  onTrainBegin(state: TrainState): void {
    this.state = state;
    process.on('SIGINT', this.onSignal);
  }

  onTrainEnd(): void {
    process.off('SIGINT', this.onSignal);
  }

  /** Removes the handler if training ended by an error. */
  dispose(): void {
    process.off('SIGINT', this.onSignal);
  }
}

/** Where the run's files are and what to do with them (with --quiet, only the folder). */
function printFiles(runDir: string, interrupted: boolean, quiet: boolean): void {
  const near = relative(process.cwd(), runDir);
  const shown = near === '' ? '.' : near.startsWith('..') ? resolve(runDir) : near;
  if (quiet) {
    io.stdout.write(`${shown}/\n`);
    return;
  }
  io.stdout.write(
    [
      `Run folder ${shown}/`,
      `  model.safetensors       the trained model (tessera eval / predict --model-file ${join(shown, 'model.safetensors')})`,
      `  checkpoint.safetensors  ${interrupted ? 'the last whole epoch; ' : ''}continue with: tessera train --resume ${join(shown, 'checkpoint.safetensors')}`,
      '  metrics.jsonl           one line of logs per epoch',
      '  report.html             the training report (open in a browser)',
      '',
    ].join('\n'),
  );
}

async function run(argv: readonly string[]): Promise<number> {
  const { flags, help } = parseArgs(spec, argv);
  if (help) {
    io.stdout.write(formatHelp(spec));
    return 0;
  }
  applyRuntimeFlags(spec.name, flags);
  const quiet = flags.quiet === true;
  const say = (line: string): void => {
    if (!quiet) io.stdout.write(line + '\n');
  };
  const started = performance.now();

  let config: RunConfig;
  let previous: History = { epochs: [], steps: [] };
  if (flags.resume !== undefined) ({ config, history: previous } = configFromCheckpoint(flags.resume, flags));
  else {
    config = configFromFlags(flags, modelSpecFor(flags.model ?? 'digit-cnn'));
  }
  const modelSpec = getModel(config.model);
  const runDir = flags.out ?? (flags.resume !== undefined ? dirname(flags.resume) : defaultRunDir());

  manualSeed(config.seed);
  const data = prepareTrainingData({ path: config.data ?? undefined, target: config.target ?? undefined, model: modelSpec, imageSize: config.imageSize ?? undefined, color: config.color, limit: config.limit ?? undefined });
  const model = modelSpec.build(inputShape(data.prep, data.classes));
  const card: ModelCard = { model: modelSpec.name, classes: data.classes, classNames: data.classNames, prep: data.prep };
  const image = data.prep.kind === 'image';
  const transform = image && config.shift > 0 ? randomCrop([data.prep.height, data.prep.width], { padding: config.shift, fill: data.prep.range[0] }) : undefined;
  const trainLoader = new DataLoader(new TensorDataset(data.train.x, data.train.y), { batchSize: config.batchSize, shuffle: true, seed: config.seed, transform });
  const testLoader = new DataLoader(new TensorDataset(data.test.x, data.test.y), { batchSize: 500 });
  const optimizer = makeOptimizer(config.optimizer, model, config.lr, config.weightDecay);
  const scheduler = makeSchedule(config.schedule, optimizer, config.lr, config.epochs * trainLoader.length);
  const loss = makeLoss(modelSpec.recipe.loss, data.classes, config.labelSmoothing);

  let initialEpoch = 0;
  let initialStep = 0;
  if (flags.resume !== undefined) {
    const info = loadCheckpoint(flags.resume, { model, optimizer, scheduler: scheduler ?? undefined });
    initialEpoch = info.epoch;
    initialStep = info.step;
  }
  mkdirSync(runDir, { recursive: true });
  const files = {
    model: join(runDir, 'model.safetensors'),
    checkpoint: join(runDir, 'checkpoint.safetensors'),
    metrics: join(runDir, 'metrics.jsonl'),
    report: join(runDir, 'report.html'),
  };

  const parameters = model.parameters().reduce((n, p) => n + p.numel, 0);
  const info = backendInfo();
  const where = info.backend === 'native' ? `native backend (${info.isa}, ${info.threads} thread${info.threads === 1 ? '' : 's'})` : 'js backend';
  say(`tessera train: ${modelSpec.name} on ${data.source}`);
  say(
    `  ${formatCount(parameters)} parameters; ${formatCount(data.train.y.shape[0]!)} train / ${formatCount(data.test.y.shape[0]!)} test examples, ${data.classes} classes; ` +
      `${config.optimizer} lr ${config.lr} ${config.schedule}; batch ${config.batchSize}; seed ${config.seed}; ${where}`,
  );
  const extras = [
    image && config.shift > 0 ? `random shifts of up to ${config.shift} pixel${config.shift === 1 ? '' : 's'}` : '',
    config.labelSmoothing > 0 ? `label smoothing ${config.labelSmoothing}` : '',
    config.weightDecay > 0 ? `weight decay ${config.weightDecay}` : '',
  ].filter((x) => x !== '');
  if (extras.length > 0) say(`  ${extras.join('; ')}`);
  if (info.backend !== 'native' && flags.backend === undefined && !info.addon.loaded) {
    io.stderr.write(`tessera train: warning: the native addon is not loaded (${info.addon.error ?? 'unknown reason'}); training runs on the much slower js backend (see tessera doctor)\n`);
  }
  if (initialEpoch > 0) say(`  resuming after epoch ${initialEpoch} of ${config.epochs} (step ${initialStep}) from ${flags.resume}`);

  const interrupt = new InterruptHandler();
  const checkpointing: Callback = {
    onEpochEnd: (state) => {
      // An epoch cut short by Ctrl-C is not saved: the checkpoint stays at the last whole epoch, so
      // resuming repeats exactly what an uninterrupted run would have done.
      if (interrupt.interrupted) return;
      const history = { epochs: [...previous.epochs, ...state.history.epochs], steps: [] };
      saveCheckpoint(files.checkpoint, { model, optimizer, scheduler: scheduler ?? undefined, epoch: state.epoch + 1, step: state.step, extra: { run: config, card, history } });
    },
  };
  const callbacks: Callback[] = [interrupt, new NaNGuard({ stream: io.stderr }), new JSONLLogger(files.metrics, { append: initialEpoch > 0 }), checkpointing];
  if (!quiet) callbacks.unshift(new ProgressBar({ stream: io.stdout }));

  const trainStart = performance.now();
  let history: History;
  try {
    history = await fit(model, {
      epochs: config.epochs,
      train: trainLoader,
      val: testLoader,
      optimizer,
      scheduler,
      schedulerStep: 'batch',
      loss,
      metrics: ['accuracy'],
      callbacks,
      initialEpoch,
      initialStep,
    });
  } finally {
    interrupt.dispose();
  }
  const trainSeconds = (performance.now() - trainStart) / 1000;

  // The final model on the test set, once: its accuracy, its loss without label smoothing (the
  // figure `tessera eval` gives), and the outputs the report's confusion matrix is made from.
  const testOutput = predict(model, data.test.x, { batchSize: 500 });
  const final = noGrad(() => ({
    accuracy: testOutput.argmax(1).eq(data.test.y).countNonzero().item() / data.test.y.shape[0]!,
    loss: makeLoss(modelSpec.recipe.loss, data.classes)(testOutput, data.test.y).item(),
  }));
  saveTrainedModel(files.model, model, card, { 'tessera.test_accuracy': String(final.accuracy) });
  const allEpochs = [...previous.epochs, ...history.epochs];
  const samples = history.epochs.length * data.train.y.shape[0]!;
  writeRunReport(files.report, {
    title: `${modelSpec.name} on ${data.source}`,
    source: data.source,
    config,
    card,
    parameters,
    backend: where,
    epochs: allEpochs,
    steps: history.steps,
    testAccuracy: final.accuracy,
    testLoss: final.loss,
    seconds: trainSeconds,
    samples,
    stopped: interrupt.interrupted ? 'stopped by Ctrl-C, the last one cut short' : null,
    testX: data.test.x,
    testY: data.test.y,
    testOutput,
  });

  const total = (performance.now() - started) / 1000;
  const accuracy = `${(final.accuracy * 100).toFixed(2)}%`;
  const status = interrupt.interrupted ? `stopped by Ctrl-C in epoch ${allEpochs.length}` : `after ${allEpochs.length} epoch(s)`;
  const speed = trainSeconds > 0 ? `, ${formatCount(samples / trainSeconds)} samples/s` : '';
  io.stdout.write(`Test accuracy ${accuracy} (loss ${final.loss.toFixed(4)}) ${status}; training ${trainSeconds.toFixed(1)} s${speed}, total ${total.toFixed(1)} s\n`);
  printFiles(runDir, interrupt.interrupted, quiet);
  return 0;
}

export const trainCommand: Command = { spec, run };
