/**
 * A character-level GPT trained on the Jargon File (public domain; Debian's `jargon-text` package
 * installs it as /usr/share/doc/jargon-text/jargon.txt.gz). AdamW with linear warm-up and cosine
 * decay, gradient clipping at 1; every `--every` steps it prints the training loss, the loss on
 * held-out text (the last 10%) and a sample generated with the KV cache.
 *
 * Run: `node --import tsx examples/char-gpt.ts [--text file] [--steps 300] [--context 64] [--layers 3]
 *   [--d-model 128] [--heads 4] [--batch 32] [--lr 3e-3] [--every 50] [--seed 0]`
 * A plain-text or .gz file may replace the Jargon File with --text.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { Generator, Tensor, backend, fromArray, manualSeed, nn, noGrad, optim, text, tidy } from '../src/index.js';
import { GPT } from '../src/models/gpt.js';

export const JARGON_PATH = '/usr/share/doc/jargon-text/jargon.txt.gz';

export interface CharGptOptions {
  /** Text file to train on (.gz is decompressed); default the Jargon File. */
  textPath?: string;
  /** The training text itself (instead of a file). */
  corpus?: string;
  steps?: number;
  context?: number;
  layers?: number;
  dModel?: number;
  heads?: number;
  batch?: number;
  /** Peak learning rate (default 3e-3). */
  lr?: number;
  /** Log (and sample) every this many steps. */
  every?: number;
  /** Characters generated per sample (default 200). */
  sampleLength?: number;
  seed?: number;
  log?: (line: string) => void;
}

export interface CharGptResult {
  /** Mean training loss of each logging interval. */
  trainLosses: number[];
  /** Held-out loss at each logging point (the first before any training). */
  valLosses: number[];
  sample: string;
  model: GPT;
  tokenizer: text.CharTokenizer;
}

/** The training text: the given corpus, a file, or the Jargon File (with install advice when missing). */
export function loadText(path: string = JARGON_PATH): string {
  if (!existsSync(path)) {
    const advice = path === JARGON_PATH ? ' Install it with `apt-get install jargon-text`, or pass --text <file>.' : '';
    throw new Error(`char-gpt: text file ${path} not found.${advice}`);
  }
  const bytes = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** Linear warm-up over `warmup` steps, then cosine decay to 10% of the peak at `total`. */
export function warmupCosine(warmup: number, total: number): (step: number) => number {
  return (step) => {
    if (step < warmup) return (step + 1) / warmup;
    const progress = Math.min(1, (step - warmup) / Math.max(1, total - warmup));
    return 0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress));
  };
}

/** B random windows of T + 1 characters: inputs [B, T] and next-character targets [B, T]. */
function batchOf(data: Int32Array, B: number, T: number, g: Generator): [Tensor, Tensor] {
  const x = new Int32Array(B * T);
  const y = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    const start = g.nextBelow(data.length - T - 1);
    x.set(data.subarray(start, start + T), b * T);
    y.set(data.subarray(start + 1, start + T + 1), b * T);
  }
  return [fromArray(x, [B, T], 'int32'), fromArray(y, [B, T], 'int32')];
}

export async function main(options: CharGptOptions = {}): Promise<CharGptResult> {
  const { steps = 300, context = 64, layers = 3, dModel = 128, heads = 4, batch = 32, lr = 3e-3, every = 50, sampleLength = 200, seed = 0 } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const corpus = options.corpus ?? loadText(options.textPath);
  const tokenizer = text.CharTokenizer.fromText(corpus);
  const ids = Int32Array.from(tokenizer.encode(corpus));
  const split = Math.floor(ids.length * 0.9);
  const train = ids.subarray(0, split);
  const val = ids.subarray(split);
  if (val.length < context + 2) throw new Error(`char-gpt: the text is too short for context ${context} (${ids.length} characters)`);

  manualSeed(seed);
  const model = new GPT({ vocabSize: tokenizer.vocabSize, contextLength: context, dModel, numLayers: layers, numHeads: heads, dropout: 0 });
  const opt = new optim.AdamW(model.parameters(), { lr, weightDecay: 0.01, betas: [0.9, 0.99] });
  const schedule = new optim.LambdaLR(opt, warmupCosine(Math.max(1, Math.floor(steps / 10)), steps));
  const g = new Generator(seed);
  const valBatches = Array.from({ length: 4 }, () => batchOf(val, batch, context, new Generator(seed + 1)));
  const lossOf = (x: Tensor, y: Tensor): Tensor => nn.functional.crossEntropy(model.forward(x).reshape(-1, tokenizer.vocabSize), y.reshape(-1));
  const valLoss = (): number => {
    model.eval();
    const l = noGrad(() => valBatches.reduce((s, [x, y]) => s + tidy(() => lossOf(x, y).item()), 0) / valBatches.length);
    model.train();
    return l;
  };

  log(`char-gpt on ${backend().name}: ${ids.length.toLocaleString('en-US')} characters, vocabulary ${tokenizer.vocabSize}, ${model.numParameters().toLocaleString('en-US')} parameters, ${steps} steps of ${batch}x${context}`);
  const trainLosses: number[] = [];
  const valLosses = [valLoss()];
  log(`step 0: val loss ${valLosses[0]!.toFixed(3)} (uniform guess ${Math.log(tokenizer.vocabSize).toFixed(3)})`);
  let sum = 0;
  let count = 0;
  let sample = '';
  const started = performance.now();
  for (let step = 1; step <= steps; step++) {
    const [x, y] = batchOf(train, batch, context, g);
    sum += tidy(() => {
      opt.zeroGrad();
      const loss = lossOf(x, y);
      loss.backward();
      optim.clipGradNorm(model.parameters(), 1);
      opt.step();
      return loss.item();
    });
    schedule.step();
    count++;
    if (step % every === 0 || step === steps) {
      trainLosses.push(sum / count);
      valLosses.push(valLoss());
      const prompt = tokenizer.encode(corpus.slice(split, split + 8));
      const out = text.generate(model, prompt, { maxNewTokens: sampleLength, temperature: 0.8, topK: 10, generator: new Generator(seed + step) });
      sample = tokenizer.decode(out);
      const seconds = (performance.now() - started) / 1000;
      log(`step ${step}: train loss ${(sum / count).toFixed(3)}, val loss ${valLosses[valLosses.length - 1]!.toFixed(3)}, lr ${schedule.getLastLr()[0]!.toExponential(2)}, ${((step * batch) / seconds).toFixed(1)} sequences/s`);
      log(`  sample: ${JSON.stringify(sample)}`);
      sum = 0;
      count = 0;
    }
  }
  return { trainLosses, valLosses, sample, model, tokenizer };
}

function parseArgs(argv: readonly string[]): CharGptOptions {
  const options: CharGptOptions = {};
  const numeric: Record<string, keyof CharGptOptions> = {
    '--steps': 'steps', '--context': 'context', '--layers': 'layers', '--d-model': 'dModel', '--heads': 'heads',
    '--batch': 'batch', '--lr': 'lr', '--every': 'every', '--seed': 'seed', '--sample-length': 'sampleLength',
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    if (flag === '--text') options.textPath = value;
    else if (flag in numeric) {
      const v = Number(value);
      if (!(v > 0) && !(flag === '--seed' && v === 0)) throw new Error(`char-gpt: ${flag} must be a positive number, got ${String(value)}`);
      (options as Record<string, number>)[numeric[flag]!] = v;
    } else throw new Error(`char-gpt: unknown flag ${flag} (see the comment at the top of examples/char-gpt.ts)`);
    i++;
  }
  return options;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(parseArgs(process.argv.slice(2))).catch((e: unknown) => {
    console.error((e as Error).message);
    process.exit(1);
  });
}
