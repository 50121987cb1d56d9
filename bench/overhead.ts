/**
 * Per-op framework overhead on 4-element float32 tensors, side by side with PyTorch's anchor
 * (../shared/anchors/torch_overhead.py), whose definitions this mirrors exactly:
 *   add:   N = 200,000 calls of `a.add(a)`, no tensor requiring grad; ops/s = N / time
 *   mul:   N calls of `b.mul(b)`, b requiring grad (each call records a graph node)
 *   chain: N / 10 iterations of { x = b; 10 times x = x.mul(b); x.sum().backward() };
 *          ops/s = N / time, i.e. counting the 10 multiplies (the sum and backward are overhead)
 * Runs alternate: ours, then the anchor in a fresh Python process, N times; medians are reported.
 * Ours gets one untimed warm-up pass first (the JIT's), the anchor none (it has no JIT to warm).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { BenchContext, Library } from './run.js';

const N = 200_000;

interface Figures {
  add: number;
  mul: number;
  chain: number;
}

const KEYS: (keyof Figures)[] = ['add', 'mul', 'chain'];
const LABELS: Record<keyof Figures, string> = {
  add: '`a.add(a)`, no autograd',
  mul: '`b.mul(b)`, b requires grad (recording)',
  chain: 'chain of 10 `mul`, forward + backward',
};

function timeIt(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

function measureOurs(lib: Library, n: number): Figures {
  const a = lib.ones([4]);
  const b = lib.ones([4], { requiresGrad: true });
  const add = n / timeIt(() => {
    for (let i = 0; i < n; i++) a.add(a);
  });
  const mul = n / timeIt(() => {
    for (let i = 0; i < n; i++) b.mul(b);
  });
  const chain = n / timeIt(() => {
    for (let i = 0; i < n / 10; i++) {
      let x = b;
      for (let j = 0; j < 10; j++) x = x.mul(b);
      x.sum().backward();
    }
  });
  return { add, mul, chain };
}

function anchorCommand(root: string): { python: string; script: string } | null {
  const script = process.env['TORCH_OVERHEAD_ANCHOR'] ?? join(root, '..', 'shared', 'anchors', 'torch_overhead.py');
  const python = process.env['ANCHOR_PYTHON'] ?? '/usr/bin/python3';
  if (!existsSync(script) || !existsSync(python)) return null;
  return { python, script };
}

/** The anchor's environment: the two OpenBLAS variables pin an older kernel, so they are unset. */
function anchorEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env['OPENBLAS_CORETYPE'];
  delete env['OPENBLAS_L2_SIZE'];
  return env;
}

function measureTorch(cmd: { python: string; script: string }): Figures | null {
  const r = spawnSync(cmd.python, [cmd.script], { encoding: 'utf8', env: anchorEnv() });
  if (r.status !== 0) {
    console.warn(`overhead: the PyTorch anchor failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
    return null;
  }
  const pick = (label: string): number => {
    const m = new RegExp(`${label}: (\\d+)k ops/s`).exec(r.stdout);
    if (!m) throw new Error(`overhead: cannot find '${label}' in the anchor's output:\n${r.stdout}`);
    return Number(m[1]) * 1e3;
  };
  return { add: pick('add no-grad'), mul: pick('mul with grad'), chain: pick('fwd\\+bwd chain of 10 muls') };
}

function torchVersion(python: string): string {
  const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', env: anchorEnv() });
  return r.status === 0 ? r.stdout.trim() : 'unknown';
}

function median(values: readonly number[]): number {
  const s = [...values].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const k = (opsPerSecond: number): string => `${Math.round(opsPerSecond / 1e3).toLocaleString('en-US')}k`;

export function run(ctx: BenchContext): void {
  const cmd = ctx.anchor ? anchorCommand(ctx.root) : null;
  if (ctx.anchor && cmd === null) console.log('(PyTorch anchor not found: set TORCH_OVERHEAD_ANCHOR and ANCHOR_PYTHON, or pass --no-anchor)');
  console.log(`machine: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} logical cores; node ${process.version}` +
    (cmd ? `; PyTorch ${torchVersion(cmd.python)}` : ''));
  measureOurs(ctx.lib, N / 10); // warm-up, untimed
  const ours: Figures[] = [];
  const torch: Figures[] = [];
  for (let r = 0; r < ctx.runs; r++) {
    const o = measureOurs(ctx.lib, N);
    ours.push(o);
    const t = cmd ? measureTorch(cmd) : null;
    if (t) torch.push(t);
    console.log(`run ${r + 1}/${ctx.runs}: tessera ${KEYS.map((key) => `${key} ${k(o[key])}`).join(', ')}` +
      (t ? ` | pytorch ${KEYS.map((key) => `${key} ${k(t[key])}`).join(', ')}` : ''));
  }
  console.log(`\nmedians over ${ctx.runs} runs (ops/s):\n`);
  // The per-run ratio compares two measurements taken seconds apart, so it is the steadier figure
  // on a shared machine whose load drifts during the session.
  const paired = torch.length === ours.length;
  console.log('| what | Tessera | PyTorch | ratio of medians | median of per-run ratios |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const key of KEYS) {
    const o = median(ours.map((f) => f[key]));
    const t = torch.length > 0 ? median(torch.map((f) => f[key])) : null;
    const perRun = paired && t !== null ? `${median(ours.map((f, i) => f[key] / torch[i]![key])).toFixed(1)}x` : '—';
    console.log(`| ${LABELS[key]} | ${k(o)} | ${t === null ? '—' : k(t)} | ${t === null ? '—' : `${(o / t).toFixed(1)}x`} | ${perRun} |`);
  }
}
