/**
 * The report.html of a `tessera train` run, through the training report of src/train/report.ts: the
 * run's facts, the loss / accuracy / learning-rate curves, the test confusion matrix and the
 * misclassified test images.
 */
import type { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/grad-mode.js';
import { softmax } from '../ops/nn/softmax.js';
import { writeReport, type ReportData } from '../train/report.js';
import type { StepRecord } from '../train/types.js';
import { formatCount } from './command.js';
import type { ModelCard } from './model-file.js';
import type { RunConfig } from './train.js';

export interface RunReportInput {
  title: string;
  source: string;
  config: RunConfig;
  card: ModelCard;
  parameters: number;
  backend: string;
  /** Every epoch's logs, those before a resume included. */
  epochs: Array<Record<string, number>>;
  /** This session's optimizer steps. */
  steps: StepRecord[];
  testAccuracy: number;
  testLoss: number;
  /** Training time of this session, and the samples it trained on. */
  seconds: number;
  samples: number;
  stopped: string | null;
  testX: Tensor;
  testY: Tensor;
  /** The model's outputs for testX. */
  testOutput: Tensor;
}

/** How many misclassified test images the report shows. */
const MAX_SHOWN = 48;

/** Writes the report; returns its path. */
export function writeRunReport(path: string, input: RunReportInput): string {
  const { card, config } = input;
  const output = input.testOutput;
  const scores = noGrad(() => softmax(output, 1));
  const predicted = output.argmax(1).toArray();
  const confidence = scores.amax(1).toArray();
  const truth = input.testY.toArray();
  const classes = card.classes;
  const labels = card.classNames ?? Array.from({ length: classes }, (_, k) => String(k));
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < truth.length; i++) matrix[truth[i]!]![predicted[i]!]! += 1;

  const misclassified: NonNullable<ReportData['misclassified']> = [];
  const { kind, channels, height, width, range } = card.prep;
  if (kind === 'image' && (channels === 1 || channels === 3)) {
    const pixels = input.testX.toArray();
    const size = channels * height * width;
    for (let i = 0; i < truth.length && misclassified.length < MAX_SHOWN; i++) {
      if (truth[i] === predicted[i]) continue;
      // Back to [0, 1] from the model's range, for display.
      const image = Float32Array.from(pixels.subarray(i * size, (i + 1) * size), (v) => (v - range[0]) / (range[1] - range[0]));
      misclassified.push({ image, height, width, label: labels[truth[i]!]!, predicted: labels[predicted[i]!]!, probability: confidence[i]! });
    }
  }
  const facts: Record<string, string | number> = {
    model: `${card.model} (${formatCount(input.parameters)} parameters)`,
    data: input.source,
    'test accuracy': `${(input.testAccuracy * 100).toFixed(2)}%`,
    'test loss': Number(input.testLoss.toFixed(4)),
    epochs: `${input.epochs.length} of ${config.epochs}${input.stopped !== null ? ` (${input.stopped})` : ''}`,
    optimizer: `${config.optimizer}, lr ${config.lr}, ${config.schedule} schedule${config.weightDecay > 0 ? `, weight decay ${config.weightDecay}` : ''}`,
    'batch size': config.batchSize,
    augmentation: config.shift > 0 && kind === 'image' ? `random shifts of up to ${config.shift} pixel(s)` : 'none',
    'label smoothing': config.labelSmoothing,
    seed: config.seed,
    backend: input.backend,
    'training time': `${input.seconds.toFixed(1)} s (${formatCount(input.samples / Math.max(input.seconds, 1e-9))} samples/s)`,
  };
  return writeReport(path, {
    title: input.title,
    facts,
    history: { epochs: input.epochs, steps: input.steps },
    confusion: { labels, matrix },
    misclassified,
  });
}
