/**
 * `tessera eval`: a trained model's accuracy and loss on a test set (by default the bundled digits'
 * test split), per-class accuracy and the confusion matrix.
 */
import { noGrad } from '../autograd/grad-mode.js';
import { predict } from '../train/evaluate.js';
import { parseArgs, formatHelp, UsageError } from './args.js';
import { RUNTIME_FLAGS, applyRuntimeFlags, formatCount, io, type Command } from './command.js';
import { prepareEvalData } from './data.js';
import { loadTrainedModel } from './model-file.js';
import { makeLoss } from './recipe.js';

const spec = {
  name: 'eval',
  summary: "Measure a trained model's accuracy on a test set.",
  details: "The data is prepared as it was for training (the preprocessing is stored in the model file).\nWithout --data: the bundled digits' 2,000 test examples; an IDX folder gives its test split.",
  flags: {
    'model-file': { type: 'string', description: 'The trained weights (model.safetensors of a run, or a checkpoint)', metavar: 'path' },
    model: { type: 'string', description: 'The model, for weights not written by tessera train', metavar: 'name' },
    data: { type: 'string', description: 'An IDX folder, a CSV file or a folder of class folders', metavar: 'path', defaultText: 'the bundled digits, test split' },
    target: { type: 'string', description: "The CSV column holding the classes (default: the training run's)", metavar: 'column' },
    'batch-size': { type: 'int', min: 1, description: 'Examples per forward pass', metavar: 'n', defaultText: '500' },
    json: { type: 'boolean', description: 'Print the results as one JSON object' },
    ...RUNTIME_FLAGS,
    limit: { type: 'int', min: 1, description: 'Use only the first N examples', metavar: 'n', hidden: true },
  },
  examples: [
    'tessera eval --model-file runs/20260101-120000/model.safetensors',
    'tessera eval --model-file model.safetensors --data ./mnist',
    'tessera eval --model-file lecun.safetensors --model lecun1989 --json',
  ],
} as const;

async function run(argv: readonly string[]): Promise<number> {
  const { flags, help } = parseArgs(spec, argv);
  if (help) {
    io.stdout.write(formatHelp(spec));
    return 0;
  }
  const path = flags['model-file'];
  if (path === undefined) throw new UsageError('--model-file <path> is required (the model.safetensors of a training run)', spec.name);
  applyRuntimeFlags(spec.name, flags);
  const { model, card, spec: modelSpec } = loadTrainedModel(spec.name, path, flags.model);
  const { source, split, classNames } = prepareEvalData(flags.data, flags.target, card.prep, flags.limit);
  const start = performance.now();
  const output = predict(model, split.x, { batchSize: flags['batch-size'] ?? 500 });
  const seconds = (performance.now() - start) / 1000;
  const classes = card.classes;
  const lossValue = noGrad(() => makeLoss(modelSpec.recipe.loss, classes)(output, split.y).item());
  const predicted = output.argmax(1).toArray();
  const truth = split.y.toArray();
  const n = truth.length;
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const t = truth[i]!;
    if (t >= classes) throw new Error(`the data has class ${t}, but the model knows ${classes} classes (0 to ${classes - 1})`);
    confusion[t]![predicted[i]!]! += 1;
    if (t === predicted[i]) correct += 1;
  }
  const names = card.classNames ?? classNames ?? Array.from({ length: classes }, (_, k) => String(k));
  const perClass = confusion.map((row, k) => {
    const total = row.reduce((a, b) => a + b, 0);
    return { name: names[k] ?? String(k), total, accuracy: total === 0 ? NaN : row[k]! / total };
  });
  if (flags.json === true) {
    io.stdout.write(JSON.stringify({ model: modelSpec.name, modelFile: path, data: source, examples: n, accuracy: correct / n, loss: lossValue, seconds, perClass, confusion }, null, 2) + '\n');
    return 0;
  }
  const lines = [
    `tessera eval: ${modelSpec.name} from ${path} on ${source}`,
    `Accuracy ${((correct / n) * 100).toFixed(2)}% (${formatCount(correct)} of ${formatCount(n)}), loss ${lossValue.toFixed(4)}, ${formatCount(n / Math.max(seconds, 1e-9))} examples/s`,
    '',
    'Per class:',
    ...perClass.map((c) => `  ${c.name.padEnd(Math.max(...names.map((s) => s.length)))}  ${Number.isNaN(c.accuracy) ? '   -   ' : `${(c.accuracy * 100).toFixed(2).padStart(6)}%`}  of ${c.total}`),
  ];
  if (classes <= 20) {
    const width = Math.max(4, ...confusion.flat().map((v) => String(v).length + 1), ...names.map((s) => Math.min(s.length, 8) + 1));
    const label = Math.max(...names.map((s) => s.length));
    lines.push('', 'Confusion matrix (rows: true class, columns: predicted):');
    lines.push(`  ${''.padEnd(label)} ${names.map((s) => s.slice(0, 8).padStart(width)).join('')}`);
    confusion.forEach((row, k) => lines.push(`  ${names[k]!.padEnd(label)} ${row.map((v) => String(v).padStart(width)).join('')}`));
  }
  io.stdout.write(lines.join('\n') + '\n');
  return 0;
}

export const evalCommand: Command = { spec, run };
