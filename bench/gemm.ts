/**
 * SGEMM throughput (float32 `matmul`) side by side with OpenBLAS through numpy, in the same run:
 *   square: n x n @ n x n for n = 256, 512, 1024, 2048; anchor ../shared/anchors/gemm_openblas.py
 *   mlp:    the products of one training step of the ANCHORS.md MLP (784-512-512-10, batch 128) as
 *           nn.Linear makes them: forward x @ W^T, input gradient g @ W, weight gradient x^T @ g
 *           (transposed operands are views, as in the library); anchor: the same expressions in
 *           numpy (MLP_ANCHOR below, same timing rule as gemm_openblas.py)
 *   threads: n = 1024 with 1 and 2 threads (setNumThreads), OpenBLAS with OPENBLAS_NUM_THREADS=1/2
 * GFLOP/s = 2*m*n*k / time per product; each figure times enough products for about 0.3 s after one
 * warm-up product. Runs alternate (ours, then the anchors in fresh Python processes); the tables
 * report medians, and the load average before each run, since the machine is shared.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { BenchContext, Library } from './run.js';

type Tensor = ReturnType<Library['randn']>;

const SQUARE = [256, 512, 1024, 2048];

interface Shape {
  label: string;
  /** a [m, k] and b [k, n]; `ta`/`tb`: the operand is the transpose of a stored [k, m] / [n, k] array */
  m: number;
  k: number;
  n: number;
  ta?: boolean;
  tb?: boolean;
}

const MLP: Shape[] = [
  { label: 'fwd 1: x[128,784] @ W1^T', m: 128, k: 784, n: 512, tb: true },
  { label: 'fwd 2: h[128,512] @ W2^T', m: 128, k: 512, n: 512, tb: true },
  { label: 'fwd 3: h[128,512] @ W3^T', m: 128, k: 512, n: 10, tb: true },
  { label: 'dX 3: g[128,10] @ W3', m: 128, k: 10, n: 512 },
  { label: 'dX 2: g[128,512] @ W2', m: 128, k: 512, n: 512 },
  { label: 'dX 1: g[128,512] @ W1', m: 128, k: 512, n: 784 },
  { label: 'dW 3: h^T @ g[128,10]', m: 512, k: 128, n: 10, ta: true },
  { label: 'dW 2: h^T @ g[128,512]', m: 512, k: 128, n: 512, ta: true },
  { label: 'dW 1: x^T @ g[128,512]', m: 784, k: 128, n: 512, ta: true },
];

/** numpy on the MLP shapes and on n = 1024 (its thread count comes from OPENBLAS_NUM_THREADS). */
const MLP_ANCHOR = `
import sys, time, json, numpy as np
shapes = json.loads(sys.argv[1])
def rate(f, flops):
    f(); reps = max(3, int(4e9 / flops)); t = time.perf_counter()
    for _ in range(reps): f()
    return flops / ((time.perf_counter() - t) / reps) / 1e9
out = []
for s in shapes:
    m, k, n = s['m'], s['k'], s['n']
    a = np.random.randn(k, m).astype(np.float32).T if s.get('ta') else np.random.randn(m, k).astype(np.float32)
    b = np.random.randn(n, k).astype(np.float32).T if s.get('tb') else np.random.randn(k, n).astype(np.float32)
    out.append(rate(lambda: a @ b, 2 * m * n * k))
print(json.dumps(out))
`;

function median(values: readonly number[]): number {
  const s = [...values].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** GFLOP/s of `a.matmul(b)`, each product's output disposed (as a training step's tidy would). */
function rate(a: Tensor, b: Tensor, flops: number): number {
  const t0 = process.hrtime.bigint();
  a.matmul(b).dispose(); // warm-up; its time sizes the timed loop
  const first = Math.max(Number(process.hrtime.bigint() - t0) / 1e9, 1e-6);
  const reps = Math.max(3, Math.ceil(0.3 / first));
  const t = process.hrtime.bigint();
  for (let i = 0; i < reps; i++) a.matmul(b).dispose();
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  return (flops * reps) / s / 1e9;
}

function operands(lib: Library, s: Shape): [Tensor, Tensor] {
  const a = s.ta ? lib.randn([s.k, s.m]).mT : lib.randn([s.m, s.k]);
  const b = s.tb ? lib.randn([s.n, s.k]).mT : lib.randn([s.k, s.n]);
  return [a, b];
}

function anchorPython(): string | null {
  const python = process.env['ANCHOR_PYTHON'] ?? '/usr/bin/python3';
  return existsSync(python) ? python : null;
}

/** The anchors' environment: the two OpenBLAS variables pin an older kernel, so they are unset. */
function anchorEnv(threads?: number): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env['OPENBLAS_CORETYPE'];
  delete env['OPENBLAS_L2_SIZE'];
  if (threads !== undefined) env['OPENBLAS_NUM_THREADS'] = String(threads);
  return env;
}

function runPython(python: string, args: string[], env: NodeJS.ProcessEnv): string | null {
  const r = spawnSync(python, args, { encoding: 'utf8', env });
  if (r.status !== 0) {
    console.warn(`gemm: an anchor failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
    return null;
  }
  return r.stdout;
}

/** OpenBLAS GFLOP/s per square size, from gemm_openblas.py's output. */
function squareAnchor(python: string, script: string): Map<number, number> | null {
  const out = runPython(python, [script], anchorEnv());
  if (out === null) return null;
  const rates = new Map<number, number>();
  for (const line of out.split('\n')) {
    const m = /^(\d+)\topenblas ([\d.]+) GFLOP\/s/.exec(line);
    if (m) rates.set(Number(m[1]), Number(m[2]));
  }
  return rates;
}

function shapesAnchor(python: string, shapes: readonly Shape[], threads?: number): number[] | null {
  const out = runPython(python, ['-c', MLP_ANCHOR, JSON.stringify(shapes)], anchorEnv(threads));
  return out === null ? null : (JSON.parse(out) as number[]);
}

function numpyInfo(python: string): string {
  const r = spawnSync(python, ['-c', 'import numpy, numpy.__config__ as c; print(numpy.__version__)'], { encoding: 'utf8', env: anchorEnv() });
  return r.status === 0 ? `numpy ${r.stdout.trim()}` : 'numpy missing';
}

const f1 = (x: number): string => x.toFixed(1);
const ratio = (o: number, t: number | undefined): string => (t === undefined || !(t > 0) ? '—' : `${(o / t).toFixed(2)}x`);

export function run(ctx: BenchContext): void {
  const { lib } = ctx;
  const info = lib.backendInfo();
  const python = ctx.anchor ? anchorPython() : null;
  const script = join(ctx.root, '..', 'shared', 'anchors', 'gemm_openblas.py');
  const haveSquare = python !== null && existsSync(script);
  if (ctx.anchor && !haveSquare) console.log('(OpenBLAS anchor not found: needs /usr/bin/python3 with numpy and ../shared/anchors/gemm_openblas.py)');
  console.log(`machine: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} logical cores; node ${process.version}; ` +
    `backend ${info.backend}, isa ${info.isa ?? '-'}, ${info.threads} threads` + (python ? `; ${numpyInfo(python)}` : ''));
  if (info.backend !== 'native') console.log('(the native addon is not active: these are the TypeScript kernels)');
  const threads = info.threads;
  const sq = SQUARE.map((n) => [lib.randn([n, n]), lib.randn([n, n])] as const);
  const mlp = MLP.map((s) => operands(lib, s));
  const t1024 = [lib.randn([1024, 1024]), lib.randn([1024, 1024])] as const;
  const ours = { sq: [] as number[][], mlp: [] as number[][], one: [] as number[], two: [] as number[] };
  const blas = { sq: [] as Map<number, number>[], mlp: [] as number[][], one: [] as number[], two: [] as number[] };
  const loads: number[] = [];
  for (let r = 0; r < ctx.runs; r++) {
    loads.push(loadavg()[0]!);
    const sqRates = sq.map(([a, b], i) => rate(a, b, 2 * SQUARE[i]! ** 3));
    const mlpRates = mlp.map(([a, b], i) => rate(a, b, 2 * MLP[i]!.m * MLP[i]!.n * MLP[i]!.k));
    lib.setNumThreads(1);
    const one = rate(t1024[0], t1024[1], 2 * 1024 ** 3);
    lib.setNumThreads(2);
    const two = rate(t1024[0], t1024[1], 2 * 1024 ** 3);
    lib.setNumThreads(threads);
    ours.sq.push(sqRates);
    ours.mlp.push(mlpRates);
    ours.one.push(one);
    ours.two.push(two);
    let line = `run ${r + 1}/${ctx.runs} (load ${loads[r]!.toFixed(2)}): tessera ${SQUARE.map((n, i) => `${n}: ${f1(sqRates[i]!)}`).join(', ')}; 1024 1t ${f1(one)} 2t ${f1(two)}`;
    if (haveSquare) {
      const s = squareAnchor(python!, script);
      const m = shapesAnchor(python!, MLP);
      const t = shapesAnchor(python!, [{ label: '1024', m: 1024, k: 1024, n: 1024 }], 1);
      const t2 = shapesAnchor(python!, [{ label: '1024', m: 1024, k: 1024, n: 1024 }], 2);
      if (s) blas.sq.push(s);
      if (m) blas.mlp.push(m);
      if (t) blas.one.push(t[0]!);
      if (t2) blas.two.push(t2[0]!);
      if (s) line += ` | openblas ${SQUARE.map((n) => `${n}: ${f1(s.get(n) ?? NaN)}`).join(', ')}`;
      if (t && t2) line += `; 1024 1t ${f1(t[0]!)} 2t ${f1(t2[0]!)}`;
    }
    console.log(line);
  }
  const anchorSq = (n: number): number | undefined => (blas.sq.length > 0 ? median(blas.sq.map((m) => m.get(n) ?? NaN)) : undefined);
  console.log(`\nmedians over ${ctx.runs} runs, GFLOP/s (load average before the runs: ${loads.map((l) => l.toFixed(2)).join(', ')}):\n`);
  console.log('| product | Tessera | OpenBLAS | ratio |');
  console.log('| --- | --- | --- | --- |');
  SQUARE.forEach((n, i) => {
    const o = median(ours.sq.map((x) => x[i]!));
    console.log(`| ${n} x ${n} @ ${n} x ${n} | ${f1(o)} | ${anchorSq(n) === undefined ? '—' : f1(anchorSq(n)!)} | ${ratio(o, anchorSq(n))} |`);
  });
  MLP.forEach((s, i) => {
    const o = median(ours.mlp.map((x) => x[i]!));
    const t = blas.mlp.length > 0 ? median(blas.mlp.map((x) => x[i]!)) : undefined;
    console.log(`| MLP ${s.label} | ${f1(o)} | ${t === undefined ? '—' : f1(t)} | ${ratio(o, t)} |`);
  });
  const o1 = median(ours.one);
  const o2 = median(ours.two);
  const b1 = blas.one.length > 0 ? median(blas.one) : undefined;
  const b2 = blas.two.length > 0 ? median(blas.two) : undefined;
  console.log(`| 1024, 1 thread | ${f1(o1)} | ${b1 === undefined ? '—' : f1(b1)} | ${ratio(o1, b1)} |`);
  console.log(`| 1024, 2 threads | ${f1(o2)} | ${b2 === undefined ? '—' : f1(b2)} | ${ratio(o2, b2)} |`);
  console.log(`\n2 threads / 1 thread at 1024: Tessera ${(o2 / o1).toFixed(2)}x (median of per-run ratios ` +
    `${median(ours.two.map((x, i) => x / ours.one[i]!)).toFixed(2)}x)` + (b1 && b2 ? `, OpenBLAS ${(b2 / b1).toFixed(2)}x` : ''));
}
