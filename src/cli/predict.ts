/**
 * `tessera predict`: the class of an image (PNG or JPEG) or of each row of a CSV file, with the
 * probabilities, from a model trained by `tessera train`.
 */
import { extname } from 'node:path';
import type { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/grad-mode.js';
import { softmax } from '../ops/nn/softmax.js';
import { loadImage } from '../data/loaders/image.js';
import { loadCsv } from '../data/loaders/csv.js';
import { parseArgs, formatHelp, UsageError } from './args.js';
import { RUNTIME_FLAGS, applyRuntimeFlags, io, type Command } from './command.js';
import { imagesFor, standardize } from './data.js';
import { loadTrainedModel, type ModelCard } from './model-file.js';

const spec = {
  name: 'predict',
  summary: 'Classify an image (PNG, JPEG) or the rows of a CSV file with a trained model.',
  details: [
    'Images are converted as the training images were (size, channels, value range). Digit models learn',
    'light digits on a dark background, as in MNIST: an image with a light background is inverted first',
    '(say --invert or --no-invert to decide yourself).',
  ].join('\n'),
  positionals: [{ name: 'input', description: 'An image file (.png, .jpg) or a CSV file with the training columns', required: true }],
  flags: {
    'model-file': { type: 'string', description: 'The trained weights (model.safetensors of a run)', metavar: 'path' },
    model: { type: 'string', description: 'The model, for weights not written by tessera train', metavar: 'name' },
    top: { type: 'int', min: 1, description: 'Show this many most likely classes', metavar: 'k', defaultText: 'all, up to 10' },
    invert: { type: 'boolean', description: 'Invert the image (1 - value) before classifying', defaultText: 'when its border is light' },
    json: { type: 'boolean', description: 'Print the results as JSON' },
    ...RUNTIME_FLAGS,
  },
  examples: [
    'tessera predict digit.png --model-file runs/20260101-120000/model.safetensors',
    'tessera predict scan.jpg --model-file model.safetensors --top 3',
    'tessera predict flowers.csv --model-file runs/iris/model.safetensors --json',
  ],
} as const;

interface Prediction {
  /** The row (CSV) or the file (image). */
  item: string;
  class: string;
  index: number;
  /** Class name and probability (or score, for models without a softmax reading), most likely first. */
  ranked: Array<{ class: string; probability: number }>;
}

/** Whether an image [C, H, W] in [0, 1] looks like dark marks on a light background (its border is light). */
function lightBackground(image: Tensor): boolean {
  const [c, h, w] = image.shape as [number, number, number];
  const v = image.toArray();
  let sum = 0;
  let count = 0;
  for (let k = 0; k < c; k++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if (y !== 0 && y !== h - 1 && x !== 0 && x !== w - 1) continue;
        sum += v[k * h * w + y * w + x]!;
        count += 1;
      }
    }
  }
  return sum / count > 0.5;
}

function imageInput(path: string, card: ModelCard, invertFlag: boolean | undefined): { x: Tensor; note: string | null } {
  const { prep } = card;
  if (prep.kind !== 'image') throw new Error(`the model was trained on a table (CSV), so it classifies CSV rows, not the image '${path}'`);
  let image = loadImage(path, { grayscale: prep.channels === 1, size: [prep.height, prep.width] });
  let note: string | null = null;
  const invert = invertFlag ?? lightBackground(image);
  if (invert) {
    image = noGrad(() => image.neg().add(1));
    if (invertFlag === undefined) note = 'the image has a light background, so it was inverted to match the training images (light on dark); --no-invert keeps it';
  }
  return { x: imagesFor(image.unsqueeze(0), prep), note };
}

function tableInput(path: string, card: ModelCard): { x: Tensor; rows: number } {
  const { prep } = card;
  if (prep.kind !== 'table' || prep.schema === undefined || prep.mean === undefined || prep.std === undefined) {
    throw new Error(`the model was trained on images, so it classifies image files, not the CSV '${path}'`);
  }
  // The target column is not needed to predict; the file may or may not have it.
  const csv = loadCsv(path, { schema: { ...prep.schema, target: null } });
  return { x: standardize(csv.features, prep.mean, prep.std), rows: csv.features.shape[0]! };
}

async function run(argv: readonly string[]): Promise<number> {
  const { flags, positionals, help } = parseArgs(spec, argv);
  if (help) {
    io.stdout.write(formatHelp(spec));
    return 0;
  }
  const modelFile = flags['model-file'];
  if (modelFile === undefined) throw new UsageError('--model-file <path> is required (the model.safetensors of a training run)', spec.name);
  applyRuntimeFlags(spec.name, flags);
  const input = positionals[0]!;
  const { model, card, spec: modelSpec } = loadTrainedModel(spec.name, modelFile, flags.model);
  const isTable = extname(input).toLowerCase() === '.csv';
  const notes: string[] = [];
  let x: Tensor;
  let items: string[];
  if (isTable) {
    const t = tableInput(input, card);
    x = t.x;
    items = Array.from({ length: t.rows }, (_, i) => `row ${i + 1}`);
  } else {
    const img = imageInput(input, card, flags.invert);
    x = img.x;
    items = [input];
    if (img.note !== null) notes.push(img.note);
  }
  // Cross-entropy models give logits: softmax reads them as probabilities. The 1989 net's tanh
  // outputs are scores in (-1, 1); a softmax of them still ranks the classes but is no probability.
  const scores = modelSpec.recipe.loss === 'crossEntropy';
  const output = noGrad(() => model.forward(x) as Tensor);
  const values = (scores ? noGrad(() => softmax(output, 1)) : output).toArray();
  const classes = card.classes;
  const names = card.classNames ?? Array.from({ length: classes }, (_, k) => String(k));
  const top = Math.min(flags.top ?? Math.min(classes, 10), classes);
  const predictions: Prediction[] = items.map((item, i) => {
    const row = Array.from({ length: classes }, (_, k) => ({ index: k, value: values[i * classes + k]! }));
    row.sort((a, b) => b.value - a.value);
    return { item, class: names[row[0]!.index]!, index: row[0]!.index, ranked: row.slice(0, top).map((v) => ({ class: names[v.index]!, probability: v.value })) };
  });
  if (flags.json === true) {
    io.stdout.write(JSON.stringify(isTable ? predictions : predictions[0], null, 2) + '\n');
    return 0;
  }
  for (const note of notes) io.stderr.write(`note: ${note}\n`);
  const label = scores ? 'probability' : 'score (tanh output)';
  const lines: string[] = [];
  for (const p of predictions) {
    if (isTable) {
      lines.push(`${p.item}: ${p.class} (${p.ranked.map((r) => `${r.class} ${(r.probability * 100).toFixed(1)}%`).join(', ')})`);
      continue;
    }
    lines.push(`${p.item}: class ${p.class}`, `  ${'class'.padEnd(8)}${label}`);
    for (const r of p.ranked) {
      const value = scores ? `${(r.probability * 100).toFixed(2).padStart(6)}%  ${'#'.repeat(Math.round(r.probability * 30))}` : r.probability.toFixed(4).padStart(7);
      lines.push(`  ${r.class.padEnd(8)}${value}`);
    }
  }
  io.stdout.write(lines.join('\n') + '\n');
  return 0;
}

export const predictCommand: Command = { spec, run };
