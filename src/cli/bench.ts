/**
 * `tessera bench`: a short built-in throughput check of this machine and backend: matrix multiply
 * GFLOP/s, training samples/s of the default digit CNN and of an MLP, and the per-op overhead of
 * small tensors. Each measurement repeats its work for about --seconds and reports the median pass.
 * The repository's full benchmarks, with the PyTorch anchors side by side, are `npm run bench`.
 */
import type { Tensor } from '../tensor/tensor.js';
import { manualSeed, randn } from '../tensor/random.js';
import { randint } from '../tensor/random-discrete.js';
import { tidy } from '../tensor/scope.js';
import { noGrad } from '../autograd/grad-mode.js';
import { backendInfo } from '../backend/native/info.js';
import { Adam } from '../optim/adam.js';
import { crossEntropy } from '../nn/functional/losses-classification.js';
import type { Module } from '../nn/module.js';
import { digitCnn } from '../models/cnn.js';
import { mlp } from '../models/mlp.js';
import { parseArgs, formatHelp, UsageError } from './args.js';
import { RUNTIME_FLAGS, applyRuntimeFlags, formatCount, io, type Command } from './command.js';

const CASES = ['matmul', 'digit-cnn', 'mlp', 'overhead'] as const;
type CaseName = (typeof CASES)[number];

const spec = {
  name: 'bench',
  summary: 'A quick throughput check: matmul GFLOP/s, training samples/s, per-op overhead.',
  details: 'For the full benchmarks with PyTorch figures side by side, run `npm run bench` in the repository.',
  flags: {
    only: { type: 'string', description: `Run one check: ${CASES.join(', ')}`, metavar: 'name' },
    seconds: { type: 'number', min: 0, exclusiveMin: true, description: 'About how long each check runs', defaultText: '1.5' },
    json: { type: 'boolean', description: 'Print the results as JSON' },
    ...RUNTIME_FLAGS,
  },
  examples: ['tessera bench', 'tessera bench --only digit-cnn --threads 1', 'tessera bench --backend js --seconds 3'],
} as const;

interface Result {
  name: CaseName;
  what: string;
  value: number;
  unit: string;
}

/** Runs `pass` (after one warm-up) until `seconds` have passed (at least 3 times); the median pass in seconds. */
function medianPass(seconds: number, pass: () => void): number {
  pass();
  const times: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (times.length < 3 || (performance.now() < end && times.length < 1000)) {
    const t = performance.now();
    pass();
    times.push((performance.now() - t) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

function trainingStep(model: Module, x: Tensor, y: Tensor): () => void {
  const opt = new Adam(model.parameters(), { lr: 1e-3 });
  model.train();
  return () =>
    tidy(() => {
      opt.zeroGrad();
      const loss = crossEntropy(model.forward(x) as Tensor, y);
      loss.backward();
      opt.step();
      loss.item();
    });
}

function measure(name: CaseName, seconds: number): Result {
  manualSeed(0);
  switch (name) {
    case 'matmul': {
      const n = 512;
      const a = randn([n, n]);
      const b = randn([n, n]);
      const t = medianPass(seconds, () => noGrad(() => tidy(() => void a.matmul(b).numel)));
      return { name, what: `matmul ${n}x${n} float32`, value: (2 * n ** 3) / t / 1e9, unit: 'GFLOP/s' };
    }
    case 'digit-cnn': {
      const batch = 128;
      const t = medianPass(seconds, trainingStep(digitCnn(), randn([batch, 1, 28, 28]), randint(0, 10, [batch])));
      return { name, what: `digit-cnn training, Adam, batch ${batch}`, value: batch / t, unit: 'samples/s' };
    }
    case 'mlp': {
      const batch = 128;
      const t = medianPass(seconds, trainingStep(mlp(), randn([batch, 784]), randint(0, 10, [batch])));
      return { name, what: `MLP 784-512-512-10 training, Adam, batch ${batch}`, value: batch / t, unit: 'samples/s' };
    }
    case 'overhead': {
      const a = randn([4]);
      const reps = 1000;
      const t = medianPass(seconds, () =>
        noGrad(() =>
          tidy(() => {
            for (let i = 0; i < reps; i++) a.add(a);
          }),
        ),
      );
      return { name, what: '`a + a` on 4 elements, no autograd', value: reps / t, unit: 'ops/s' };
    }
  }
}

async function run(argv: readonly string[]): Promise<number> {
  const { flags, help } = parseArgs(spec, argv);
  if (help) {
    io.stdout.write(formatHelp(spec));
    return 0;
  }
  if (flags.only !== undefined && !(CASES as readonly string[]).includes(flags.only)) {
    throw new UsageError(`--only must be one of ${CASES.join(', ')}; got '${flags.only}'`, spec.name);
  }
  applyRuntimeFlags(spec.name, flags);
  const info = backendInfo();
  const where = info.backend === 'native' ? `native backend, ${info.isa}, ${info.threads} thread${info.threads === 1 ? '' : 's'}` : 'js backend';
  const names = flags.only !== undefined ? [flags.only as CaseName] : [...CASES];
  const seconds = flags.seconds ?? 1.5;
  if (flags.json !== true) io.stdout.write(`tessera bench (${where}); about ${seconds} s per check\n`);
  const results: Result[] = [];
  for (const name of names) {
    const r = measure(name, seconds);
    results.push(r);
    if (flags.json !== true) {
      const value = r.value >= 100 ? formatCount(r.value) : r.value.toFixed(1);
      io.stdout.write(`  ${r.what.padEnd(46)}${value.padStart(12)} ${r.unit}\n`);
    }
  }
  if (flags.json === true) io.stdout.write(JSON.stringify({ backend: info.backend, isa: info.isa, threads: info.threads, results }, null, 2) + '\n');
  return 0;
}

export const benchCommand: Command = { spec, run };
