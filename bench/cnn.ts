/**
 * Training throughput on the ANCHORS.md CNN workload, side by side with PyTorch 1.13
 * (../shared/anchors/torch_train.py, whose `cnn` model and loop this mirrors):
 *   input [128, 1, 28, 28], conv3x3-32, relu, conv3x3-64, relu, maxpool2, flatten, dense128, relu,
 *   dense10, cross-entropy, Adam (lr 1e-3); one step = zeroGrad, forward, backward, step.
 * samples/s = steps * 128 / time over 10 timed steps (after warm-up, as the anchor does: 5 warm-up
 * steps, 10 timed). Runs alternate ours / the anchor (a fresh Python process, which also runs the
 * script's MLP and GPT workloads; only its cnn line is read). Afterwards one profiled pass times every
 * backend kernel call, to show where a step's time goes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { BenchContext, Library } from './run.js';

const BATCH = 128;
const WARMUP = 5;
const STEPS = 10;
const PROFILE_STEPS = 5;

type Tensor = InstanceType<Library['Tensor']>;

interface Workload {
  step: () => number;
}

/** The model, optimizer, a fixed batch (random inputs and labels, as the anchor) and one training step. */
function workload(lib: Library): Workload {
  const { nn, optim } = lib;
  lib.manualSeed(0);
  const model = new nn.Sequential(
    new nn.Conv2d(1, 32, 3),
    new nn.ReLU(),
    new nn.Conv2d(32, 64, 3),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(64 * 12 * 12, 128),
    new nn.ReLU(),
    new nn.Linear(128, 10),
  );
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const x = lib.randn([BATCH, 1, 28, 28]);
  const y: Tensor = lib.tensor(Int32Array.from({ length: BATCH }, () => Math.floor(Math.random() * 10)), { dtype: 'int32' });
  return {
    step: () => {
      opt.zeroGrad();
      const loss = nn.functional.crossEntropy(model.forward(x) as Tensor, y);
      loss.backward();
      opt.step();
      return loss.item();
    },
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

function anchorCommand(root: string): { python: string; script: string } | null {
  const script = process.env['TORCH_TRAIN_ANCHOR'] ?? join(root, '..', 'shared', 'anchors', 'torch_train.py');
  const python = process.env['ANCHOR_PYTHON'] ?? '/usr/bin/python3';
  return existsSync(script) && existsSync(python) ? { python, script } : null;
}

function measureTorch(cmd: { python: string; script: string }, threads: number): number | null {
  const r = spawnSync(cmd.python, [cmd.script, String(threads)], { encoding: 'utf8', env: anchorEnv() });
  const m = /^cnn\s+b128\s+(\d+) samples\/s/m.exec(r.stdout ?? '');
  if (r.status !== 0 || !m) {
    console.warn(`cnn: the PyTorch anchor failed: ${(r.stderr || r.error?.message || r.stdout || '').trim().split('\n').pop()}`);
    return null;
  }
  return Number(m[1]);
}

function median(values: readonly number[]): number {
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
  matmul: 'matmul (dense layers)',
  scatter: 'gather/scatter (max-pool backward, loss)',
  gather: 'gather/scatter (max-pool backward, loss)',
};

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
      const e = times.get(name) ?? { ms: 0, calls: 0 };
      e.ms += performance.now() - t;
      e.calls++;
      times.set(name, e);
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
  const groups = new Map<string, { ms: number; kernels: string[] }>();
  for (const [name, { ms, calls }] of times) {
    const g = GROUPS[name] ?? 'elementwise, reductions, copies';
    const e = groups.get(g) ?? { ms: 0, kernels: [] };
    e.ms += ms / steps;
    e.kernels.push(`${name} ${(ms / steps).toFixed(1)} ms / ${Math.round(calls / steps)} calls`);
    groups.set(g, e);
  }
  const inKernels = [...groups.values()].reduce((a, g) => a + g.ms, 0);
  console.log(`\nwhere a step's time goes (${steps} profiled steps, ${total.toFixed(1)} ms/step):\n`);
  console.log('| part | ms/step | share | kernels (ms/step, calls/step) |');
  console.log('| --- | --- | --- | --- |');
  for (const [g, { ms, kernels }] of [...groups].sort((a, b) => b[1].ms - a[1].ms)) {
    console.log(`| ${g} | ${ms.toFixed(1)} | ${((100 * ms) / total).toFixed(0)}% | ${kernels.sort().join('; ')} |`);
  }
  console.log(`| outside kernels (ops, autograd, optimizer in TypeScript) | ${(total - inKernels).toFixed(1)} | ${((100 * (total - inKernels)) / total).toFixed(0)}% | |`);
}

export function run(ctx: BenchContext): void {
  const { lib } = ctx;
  const info = lib.backendInfo();
  const cmd = ctx.anchor ? anchorCommand(ctx.root) : null;
  if (ctx.anchor && cmd === null) console.log('(PyTorch anchor not found: set TORCH_TRAIN_ANCHOR and ANCHOR_PYTHON, or pass --no-anchor)');
  console.log(
    `machine: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} logical cores; node ${process.version}; ` +
      `backend ${info.backend} (${info.isa ?? 'no addon'}, ${info.threads} threads); load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
  );
  const w = workload(lib);
  for (let i = 0; i < WARMUP; i++) w.step();
  const ours: number[] = [];
  const torch: number[] = [];
  for (let r = 0; r < ctx.runs; r++) {
    const o = samplesPerSecond(w, STEPS);
    ours.push(o);
    const t = cmd ? measureTorch(cmd, info.threads) : null;
    if (t !== null) torch.push(t);
    console.log(`run ${r + 1}/${ctx.runs}: tessera ${o.toFixed(0)} samples/s` + (t !== null ? ` | pytorch ${t} samples/s (ratio ${(o / t).toFixed(2)})` : ''));
  }
  const o = median(ours);
  console.log(`\nmedians over ${ctx.runs} runs, load average after: ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  console.log('| workload | Tessera | PyTorch 1.13 | ratio of medians | median of per-run ratios |');
  console.log('| --- | --- | --- | --- | --- |');
  if (torch.length > 0) {
    const t = median(torch);
    const perRun = torch.length === ours.length ? `${median(ours.map((v, i) => v / torch[i]!)).toFixed(2)}x` : '—';
    console.log(`| CNN, batch ${BATCH}, Adam (samples/s) | ${o.toFixed(0)} | ${t.toFixed(0)} | ${(o / t).toFixed(2)}x | ${perRun} |`);
  } else {
    console.log(`| CNN, batch ${BATCH}, Adam (samples/s) | ${o.toFixed(0)} | — | — | — |`);
  }
  profile(lib, w, PROFILE_STEPS);
}
