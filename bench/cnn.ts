/**
 * Training throughput on the ANCHORS.md CNN workload, side by side with PyTorch 1.13
 * (../shared/anchors/torch_train.py, whose `cnn` model and loop this mirrors) and TensorFlow.js on
 * its wasm backend (../shared/anchors/tfjs_train.js, run from /tmp/tfjs where it is installed):
 *   input [128, 1, 28, 28], conv3x3-32, relu, conv3x3-64, relu, maxpool2, flatten, dense128, relu,
 *   dense10, cross-entropy, Adam (lr 1e-3); one step = zeroGrad, forward, backward, step, run as
 *   train.fit runs it: inside tidy, the previous gradients disposed (a bare loop that leaves the
 *   step's buffers to the garbage collector measured about 8% slower: 0.90x PyTorch against 1.1x).
 * samples/s = steps * 128 / time over 10 timed steps (after warm-up, as the anchor does: 5 warm-up
 * steps, 10 timed). Runs alternate ours / the anchors (fresh processes, which also run the scripts'
 * other workloads; only the `cnn` line is read). Afterwards one profiled pass times every backend
 * kernel call, to show where a step's time goes. bench/mlp.ts reuses this runner for the MLP.
 *
 * `--cpu-time` (with TESSERA_NUM_THREADS=1): both sides in samples per second of process CPU time,
 * PyTorch through an inline copy of the anchor's workload on one thread (TORCH_CPU_ANCHOR): on a
 * shared machine the wall-clock figures of both swing by 2 to 3 times from run to run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { BenchContext, Library } from './run.js';

const BATCH = 128;
const WARMUP = 5;
const PROFILE_STEPS = 5;

type Tensor = InstanceType<Library['Tensor']>;
type Module = InstanceType<Library['nn']['Module']>;

interface Workload {
  step: () => number;
}

/** One training workload of the anchor scripts. */
export interface TrainingSpec {
  /** The anchors' name for it: the line `<name>  b128  N samples/s` of their output. */
  name: 'mlp' | 'cnn';
  /** How the tables describe it. */
  label: string;
  /** Timed steps per run (the PyTorch anchor's own count). */
  steps: number;
  model: (lib: Library) => Module;
}

/** The model, Adam, a fixed batch (random inputs and labels, as the anchors) and one training step. */
function workload(lib: Library, spec: TrainingSpec): Workload {
  const { nn, optim } = lib;
  lib.manualSeed(0);
  const model = spec.model(lib);
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const x = lib.randn([BATCH, 1, 28, 28]);
  const y: Tensor = lib.tensor(Int32Array.from({ length: BATCH }, () => Math.floor(Math.random() * 10)), { dtype: 'int32' });
  return {
    // One step as train.fit runs it: inside tidy (the step's temporaries go back to the allocator's
    // pool at once, instead of when the garbage collector finds them) and with the previous step's
    // gradients disposed before they are cleared.
    step: () =>
      lib.tidy(() => {
        for (const p of model.parameters()) p.grad?.dispose();
        opt.zeroGrad();
        const loss = nn.functional.crossEntropy(model.forward(x) as Tensor, y);
        loss.backward();
        opt.step();
        return loss.item();
      }),
  };
}

function samplesPerSecond(w: Workload, steps: number): number {
  const t = process.hrtime.bigint();
  for (let i = 0; i < steps; i++) w.step();
  return (steps * BATCH) / (Number(process.hrtime.bigint() - t) / 1e9);
}

/** The anchor's environment: the two OpenBLAS variables pin an older kernel, so they are unset. */
function anchorEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env['OPENBLAS_CORETYPE'];
  delete env['OPENBLAS_L2_SIZE'];
  return env;
}

interface Anchor {
  name: string;
  /** Runs the anchor once; its figure for the workload, or null with a reason printed once. */
  measure: (threads: number) => number | null;
}

function lineOf(name: string): RegExp {
  return new RegExp(`^${name}\\s+b128\\s+(\\d+) samples/s`, 'm');
}

function torchAnchor(root: string, spec: TrainingSpec): Anchor | null {
  const script = process.env['TORCH_TRAIN_ANCHOR'] ?? join(root, '..', 'shared', 'anchors', 'torch_train.py');
  const python = process.env['ANCHOR_PYTHON'] ?? '/usr/bin/python3';
  if (!existsSync(script) || !existsSync(python)) {
    console.log('(PyTorch anchor missing: set TORCH_TRAIN_ANCHOR and ANCHOR_PYTHON, or pass --no-anchor)');
    return null;
  }
  return {
    name: 'PyTorch 1.13',
    measure: (threads) => {
      const r = spawnSync(python, [script, String(threads)], { encoding: 'utf8', env: anchorEnv() });
      const m = lineOf(spec.name).exec(r.stdout ?? '');
      if (r.status !== 0 || !m) {
        console.warn(`${spec.name}: the PyTorch anchor failed: ${(r.stderr || r.error?.message || r.stdout || '').trim().split('\n').pop()}`);
        return null;
      }
      return Number(m[1]);
    },
  };
}

/**
 * TensorFlow.js on wasm: the anchor script requires @tensorflow/tfjs from the scratch folder
 * /tmp/tfjs (TFJS_DIR), which is not a dependency of this package. The script runs the MLP, then
 * the CNN; its line is read even when a later workload fails (the installed wasm backend has no
 * Conv2DBackpropFilter kernel, so it cannot train the CNN).
 */
function tfjsAnchor(root: string, spec: TrainingSpec): Anchor | null {
  const dir = process.env['TFJS_DIR'] ?? '/tmp/tfjs';
  const script = process.env['TFJS_TRAIN_ANCHOR'] ?? join(root, '..', 'shared', 'anchors', 'tfjs_train.js');
  if (!existsSync(join(dir, 'node_modules', '@tensorflow', 'tfjs-backend-wasm')) || !existsSync(script)) {
    console.log(`(TF.js wasm anchor missing: no ${dir}/node_modules/@tensorflow/tfjs-backend-wasm or no ${script})`);
    return null;
  }
  let failure: string | null = null;
  return {
    name: 'TF.js wasm',
    measure: () => {
      if (failure !== null) return null;
      const env = { ...process.env, NODE_PATH: join(dir, 'node_modules') };
      const r = spawnSync(process.execPath, [script, 'wasm'], { cwd: dir, encoding: 'utf8', env, timeout: 600_000 });
      const m = lineOf(spec.name).exec(r.stdout ?? '');
      if (!m) {
        const why = (r.stderr || r.error?.message || '').split('\n').find((l) => /Error/.test(l)) ?? 'no figure in its output';
        failure = why.trim();
        console.warn(`${spec.name}: the TF.js wasm anchor gives no figure: ${failure}`);
        return null;
      }
      return Number(m[1]);
    },
  };
}

/**
 * The PyTorch workloads of torch_train.py (same models, batch, loss and optimizer), timed in process
 * CPU time instead of wall-clock time: with one thread on each side, CPU time counts the work done
 * and not the time spent waiting for a core, which on a shared machine is most of the difference
 * between runs. Prints one samples-per-CPU-second figure.
 */
const TORCH_CPU_ANCHOR = `
import sys, time, torch, torch.nn as nn, torch.nn.functional as F
torch.manual_seed(0); torch.set_num_threads(1)
name, steps = sys.argv[1], int(sys.argv[2])
if name == 'mlp':
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
else:
    model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(64 * 12 * 12, 128), nn.ReLU(), nn.Linear(128, 10))
opt = torch.optim.Adam(model.parameters(), 1e-3)
x, y = torch.randn(128, 1, 28, 28), torch.randint(0, 10, (128,))
def step():
    opt.zero_grad(); loss = F.cross_entropy(model(x), y); loss.backward(); opt.step()
for _ in range(5): step()
t = time.process_time()
for _ in range(steps): step()
print(steps * 128 / (time.process_time() - t))
`;

function torchCpuAnchor(spec: TrainingSpec): Anchor | null {
  const python = process.env['ANCHOR_PYTHON'] ?? '/usr/bin/python3';
  if (!existsSync(python)) return null;
  return {
    name: 'PyTorch 1.13 (CPU time)',
    measure: () => {
      // One thread everywhere: torch.set_num_threads(1) does not stop OpenBLAS's own pool, whose
      // spinning threads would count in the process's CPU time whenever a core is free.
      const env = { ...anchorEnv(), OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
      const r = spawnSync(python, ['-c', TORCH_CPU_ANCHOR, spec.name, String(cpuSteps(spec))], { encoding: 'utf8', env });
      const v = Number((r.stdout ?? '').trim());
      if (r.status !== 0 || !Number.isFinite(v)) {
        console.warn(`${spec.name}: the PyTorch CPU-time anchor failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
        return null;
      }
      return Math.round(v);
    },
  };
}

/** Steps timed in CPU-time mode, on both sides: four times the anchor's, to average over more garbage collections. */
const cpuSteps = (spec: TrainingSpec): number => 4 * spec.steps;

/** samples per second of process CPU time (all of Node's threads: ours must run with one). */
function samplesPerCpuSecond(w: Workload, steps: number): number {
  const u = process.cpuUsage();
  for (let i = 0; i < steps; i++) w.step();
  const d = process.cpuUsage(u);
  return (steps * BATCH) / ((d.user + d.system) / 1e6);
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Groups of kernels for the profile. */
const GROUPS: Record<string, string> = {
  conv2d: 'conv forward',
  conv2dInputGrad: 'conv backward (input)',
  conv2dWeightGrad: 'conv backward (weight)',
  maxPool2d: 'pooling',
  avgPool2d: 'pooling',
  avgPool2dGrad: 'pooling',
  maxPool2dGrad: 'max-pool backward',
  matmul: 'matmul (dense layers)',
  scatter: 'gather/scatter (loss)',
  gather: 'gather/scatter (loss)',
  adamStep: 'optimizer (fused)',
  sgdStep: 'optimizer (fused)',
};

/** Kernels whose first argument names the op: the profile lists them per op. */
const BY_OP = new Set(['unary', 'binary', 'reduce']);

/**
 * Times every kernel call of `steps` training steps by wrapping the active backend's methods (the
 * wrappers add a few microseconds per call, small next to these kernels). The rest of the step
 * (ops, autograd, optimizer bookkeeping in TypeScript) is reported as "outside kernels".
 */
function profile(lib: Library, w: Workload, steps: number): void {
  const be = lib.backend() as unknown as Record<string, unknown>;
  const times = new Map<string, { ms: number; calls: number }>();
  const saved = new Map<string, unknown>();
  for (const [name, fn] of Object.entries(be)) {
    if (typeof fn !== 'function') continue;
    saved.set(name, fn);
    be[name] = (...args: unknown[]) => {
      const t = performance.now();
      const r = (fn as (...a: unknown[]) => unknown)(...args);
      const key = BY_OP.has(name) ? `${name} ${String(args[0])}` : name;
      const e = times.get(key) ?? { ms: 0, calls: 0 };
      e.ms += performance.now() - t;
      e.calls++;
      times.set(key, e);
      return r;
    };
  }
  let total: number;
  try {
    const t = performance.now();
    for (let i = 0; i < steps; i++) w.step();
    total = (performance.now() - t) / steps;
  } finally {
    for (const [name, fn] of saved) be[name] = fn;
  }
  const groups = new Map<string, { ms: number; kernels: [number, string][] }>();
  for (const [key, { ms, calls }] of times) {
    const g = GROUPS[key] ?? 'elementwise, reductions, copies';
    const e = groups.get(g) ?? { ms: 0, kernels: [] };
    e.ms += ms / steps;
    e.kernels.push([ms, `${key} ${(ms / steps).toFixed(1)} ms / ${Math.round(calls / steps)} calls`]);
    groups.set(g, e);
  }
  const inKernels = [...groups.values()].reduce((a, g) => a + g.ms, 0);
  console.log(`\nwhere a step's time goes (${steps} profiled steps, ${total.toFixed(1)} ms/step):\n`);
  console.log('| part | ms/step | share | kernels (ms/step, calls/step), largest first |');
  console.log('| --- | --- | --- | --- |');
  for (const [g, { ms, kernels }] of [...groups].sort((a, b) => b[1].ms - a[1].ms)) {
    const list = kernels.sort((a, b) => b[0] - a[0]).map((k) => k[1]).join('; ');
    console.log(`| ${g} | ${ms.toFixed(1)} | ${((100 * ms) / total).toFixed(0)}% | ${list} |`);
  }
  console.log(`| outside kernels (ops, autograd, optimizer in TypeScript) | ${(total - inKernels).toFixed(1)} | ${((100 * (total - inKernels)) / total).toFixed(0)}% | |`);
}

function ratioCells(ours: readonly number[], theirs: readonly (number | null)[]): string {
  const pairs = ours.map((o, i) => [o, theirs[i]] as const).filter((p): p is readonly [number, number] => p[1] !== null && p[1] !== undefined);
  if (pairs.length === 0) return '— | — | —';
  const t = median(pairs.map((p) => p[1]));
  const o = median(ours);
  return `${t.toFixed(0)} | ${(o / t).toFixed(2)}x | ${median(pairs.map((p) => p[0] / p[1])).toFixed(2)}x`;
}

/** Runs a training benchmark: alternating runs of ours and each anchor, then the profile. */
export function runTraining(ctx: BenchContext, spec: TrainingSpec): void {
  const { lib } = ctx;
  const info = lib.backendInfo();
  // --cpu-time (one thread): both sides timed in process CPU time, against the inline PyTorch script.
  const cpuTime = process.argv.includes('--cpu-time');
  if (cpuTime && info.threads !== 1) throw new Error(`${spec.name}: --cpu-time needs one thread (TESSERA_NUM_THREADS=1), got ${info.threads}`);
  const candidates = cpuTime ? [torchCpuAnchor(spec)] : [torchAnchor(ctx.root, spec), tfjsAnchor(ctx.root, spec)];
  const anchors = ctx.anchor ? candidates.filter((a): a is Anchor => a !== null) : [];
  console.log(
    `machine: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} logical cores; node ${process.version}; ` +
      `backend ${info.backend} (${info.isa ?? 'no addon'}, ${info.threads} threads); load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
  );
  const w = workload(lib, spec);
  for (let i = 0; i < WARMUP; i++) w.step();
  const ours: number[] = [];
  const theirs: (number | null)[][] = anchors.map(() => []);
  for (let r = 0; r < ctx.runs; r++) {
    const o = cpuTime ? samplesPerCpuSecond(w, cpuSteps(spec)) : samplesPerSecond(w, spec.steps);
    ours.push(o);
    const parts = [`tessera ${o.toFixed(0)} samples/s`];
    anchors.forEach((a, i) => {
      const t = a.measure(info.threads);
      theirs[i]!.push(t);
      if (t !== null) parts.push(`${a.name} ${t} samples/s (ratio ${(o / t).toFixed(2)})`);
    });
    console.log(`run ${r + 1}/${ctx.runs}: ${parts.join(' | ')}`);
  }
  console.log(`\nmedians over ${ctx.runs} runs, ${info.threads} thread(s), load average after: ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  console.log('| workload | Tessera | anchor | anchor figure | ratio of medians | median of per-run ratios |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  const label = `${spec.label}, batch ${BATCH}, Adam (samples per ${cpuTime ? 'CPU ' : ''}second)`;
  if (anchors.length === 0) console.log(`| ${label} | ${median(ours).toFixed(0)} | — | — | — | — |`);
  anchors.forEach((a, i) => console.log(`| ${label} | ${median(ours).toFixed(0)} | ${a.name} | ${ratioCells(ours, theirs[i]!)} |`));
  profile(lib, w, PROFILE_STEPS);
}

/** The ANCHORS.md CNN, as torch_train.py builds it. */
export const CNN: TrainingSpec = {
  name: 'cnn',
  label: 'CNN',
  steps: 10,
  model: ({ nn }) =>
    new nn.Sequential(
      new nn.Conv2d(1, 32, 3),
      new nn.ReLU(),
      new nn.Conv2d(32, 64, 3),
      new nn.ReLU(),
      new nn.MaxPool2d(2),
      new nn.Flatten(),
      new nn.Linear(64 * 12 * 12, 128),
      new nn.ReLU(),
      new nn.Linear(128, 10),
    ),
};

export function run(ctx: BenchContext): void {
  runTraining(ctx, CNN);
}
