/**
 * Sequence classification where order matters: each sequence (random length 6..24, tokens 3..V-1)
 * contains the marker tokens 1 and 2 once each, at random places; the label is whether 1 comes
 * before 2. Every sequence holds the same bag of markers, so a model that ignores order is at chance
 * (50%). An embedding, a GRU over the padded batch (with each sequence's length, so padding is
 * skipped) and a linear read-out of the last valid hidden state learn the rule.
 *
 * Run: `node --import tsx examples/sequence-classifier.ts [--epochs 8] [--train 2000] [--hidden 32] [--seed 0]`
 */
import { pathToFileURL } from 'node:url';
import { Generator, Tensor, fromArray, manualSeed, nn, noGrad, optim, tidy } from '../src/index.js';

export interface ClassifierOptions {
  epochs?: number;
  /** Training sequences (a quarter as many are held out). */
  train?: number;
  hidden?: number;
  vocab?: number;
  minLength?: number;
  maxLength?: number;
  batch?: number;
  lr?: number;
  seed?: number;
  log?: (line: string) => void;
}

export interface ClassifierResult {
  /** Held-out accuracy after each epoch. */
  accuracies: number[];
  losses: number[];
}

interface Split {
  /** [n, maxLength] int32, 0 = padding. */
  tokens: Int32Array;
  lengths: number[];
  labels: Int32Array;
}

/** n sequences with markers 1 and 2 placed at random; label 1 when 1 precedes 2. */
export function makeSequences(n: number, options: { vocab: number; minLength: number; maxLength: number; generator: Generator }): Split {
  const { vocab, minLength, maxLength, generator: g } = options;
  const tokens = new Int32Array(n * maxLength);
  const lengths: number[] = [];
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const len = minLength + g.nextBelow(maxLength - minLength + 1);
    for (let t = 0; t < len; t++) tokens[i * maxLength + t] = 3 + g.nextBelow(vocab - 3);
    const a = g.nextBelow(len);
    let b = g.nextBelow(len - 1);
    if (b >= a) b++;
    tokens[i * maxLength + a] = 1;
    tokens[i * maxLength + b] = 2;
    labels[i] = a < b ? 1 : 0;
    lengths.push(len);
  }
  return { tokens, lengths, labels };
}

class GruClassifier extends nn.Module {
  embed: nn.Embedding;
  gru: nn.GRU;
  head: nn.Linear;

  constructor(vocab: number, hidden: number) {
    super();
    this.embed = new nn.Embedding(vocab, 16, { paddingIdx: 0 });
    this.gru = new nn.GRU(16, hidden, { batchFirst: true });
    this.head = new nn.Linear(hidden, 2);
  }

  override forward(tokens: Tensor, lengths: readonly number[]): Tensor {
    const [, h] = this.gru.forward(this.embed.forward(tokens), null, { lengths }) as [Tensor, Tensor];
    return this.head.forward(h.select(0, 0));
  }
}

/** Rows [from, to) of a split, cropped to their longest sequence. */
function rows(s: Split, from: number, to: number, maxLength: number): [Tensor, number[], Tensor] {
  const lengths = s.lengths.slice(from, to);
  const T = Math.max(...lengths);
  const out = new Int32Array((to - from) * T);
  for (let i = from; i < to; i++) out.set(s.tokens.subarray(i * maxLength, i * maxLength + T), (i - from) * T);
  return [fromArray(out, [to - from, T], 'int32'), lengths, fromArray(s.labels.slice(from, to), [to - from], 'int32')];
}

export async function main(options: ClassifierOptions = {}): Promise<ClassifierResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const { epochs = 8, train = 2000, hidden = 32, vocab = 12, minLength = 6, maxLength = 24, batch = 32, lr = 1e-2, seed = 0 } = options;
  if (!(Number.isInteger(minLength) && minLength >= 2 && maxLength >= minLength)) throw new Error(`sequence-classifier: need 2 <= minLength <= maxLength, got ${minLength} and ${maxLength}`);
  const g = new Generator(seed);
  const trainSet = makeSequences(train, { vocab, minLength, maxLength, generator: g });
  const nTest = Math.max(1, Math.floor(train / 4));
  const testSet = makeSequences(nTest, { vocab, minLength, maxLength, generator: g });
  manualSeed(seed);
  const model = new GruClassifier(vocab, hidden);
  const opt = new optim.Adam(model.parameters(), { lr });
  log(`sequence-classifier: ${train} training and ${nTest} held-out sequences of length ${minLength}..${maxLength}; label = marker 1 before marker 2 (chance 50%)`);
  const accuracies: number[] = [];
  const losses: number[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    model.train();
    let sum = 0;
    let batches = 0;
    for (let start = 0; start < train; start += batch) {
      const [x, lengths, y] = rows(trainSet, start, Math.min(train, start + batch), maxLength);
      sum += tidy(() => {
        opt.zeroGrad();
        const loss = nn.functional.crossEntropy(model.forward(x, lengths), y);
        loss.backward();
        optim.clipGradNorm(model.parameters(), 1);
        opt.step();
        return loss.item();
      });
      batches++;
    }
    model.eval();
    let correct = 0;
    for (let start = 0; start < nTest; start += 256) {
      const [x, lengths, y] = rows(testSet, start, Math.min(nTest, start + 256), maxLength);
      correct += tidy(() => noGrad(() => model.forward(x, lengths).argmax(1).eq(y).sum().item()));
    }
    accuracies.push(correct / nTest);
    losses.push(sum / batches);
    log(`epoch ${epoch}: train loss ${(sum / batches).toFixed(4)}, held-out accuracy ${((100 * correct) / nTest).toFixed(1)}%`);
  }
  return { accuracies, losses };
}

function parseArgs(argv: readonly string[]): ClassifierOptions {
  const options: ClassifierOptions = {};
  const known = ['--epochs', '--train', '--hidden', '--vocab', '--batch', '--lr', '--seed'];
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i]!;
    const v = Number(argv[i + 1]);
    if (!known.includes(flag)) throw new Error(`sequence-classifier: unknown flag ${flag} (known: ${known.join(', ')})`);
    if (!Number.isFinite(v) || v < 0) throw new Error(`sequence-classifier: ${flag} must be a number >= 0, got ${String(argv[i + 1])}`);
    (options as Record<string, number>)[flag.slice(2)] = v;
  }
  return options;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(parseArgs(process.argv.slice(2))).catch((e: unknown) => {
    console.error((e as Error).message);
    process.exit(1);
  });
}
