/**
 * The ANCHORS.md GPT workload, side by side with PyTorch 1.13, and KV-cached generation.
 *
 * Training: 4 pre-norm layers, d=128, 4 heads, gelu, dropout 0, context 64, vocabulary 65, batch 32,
 * Adam (lr 1e-3), cross-entropy over all positions, as the anchor (../shared/anchors/torch_train.py's
 * GPT: learned positions, nn.TransformerEncoderLayer with norm_first, a final LayerNorm, an untied
 * Linear head). Ours: models.GPT with tieWeights false (its head has no bias: 65 fewer parameters).
 * sequences/s over 10 timed steps after 5 warm-up steps, at 1 and 2 threads; each of our runs is
 * followed by the anchor's GPT part (ANCHOR_SCRIPT below, the script's GPT class and loop verbatim,
 * without its MLP and CNN runs, plus a CPU clock) in a fresh Python process.
 *
 * Two figures per side: wall-clock sequences/s, and CPU time per step (process.cpuUsage() here,
 * time.process_time() there: user + system time of the whole process, all threads). On a machine
 * shared with other work the wall clock measures the neighbours as much as the code; CPU time is
 * what the step itself costs, so its ratio is the one to compare at 1 thread (at 2 threads it also
 * counts the time threads spend spinning or waiting in their pools).
 *
 * Generation: the same model with context 256, batch 1, greedy; 64 new tokens after a 192-token
 * prompt (contexts 192..255), with the KV cache vs recomputing the whole context per token.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchContext, Library } from './run.js';

const BATCH = 32;
const T = 64;
const V = 65;
const WARMUP = 5;
const STEPS = 10;

type Tensor = InstanceType<Library['Tensor']>;
type GPTModule = typeof import('../src/models/gpt.js');
type GenerateModule = typeof import('../src/text/generate.js');

/**
 * GPT and generate from the same build as `lib` (dist/ or src/): tensors of one build are not
 * tensors of the other.
 */
async function sequenceModules(ctx: BenchContext): Promise<[GPTModule, GenerateModule]> {
  const { Tensor: SourceTensor } = await import('../src/tensor/tensor.js');
  if (SourceTensor === ctx.lib.Tensor) return Promise.all([import('../src/models/gpt.js'), import('../src/text/generate.js')]);
  const dist = (file: string): string => pathToFileURL(join(ctx.root, 'dist', 'src', file)).href;
  return (await Promise.all([import(dist('models/gpt.js')), import(dist('text/generate.js'))])) as [GPTModule, GenerateModule];
}

/** torch_train.py's GPT and run(), verbatim, for the gpt line only. */
const ANCHOR_SCRIPT = `
import sys, time, torch, torch.nn as nn, torch.nn.functional as F
torch.manual_seed(0)
torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
class GPT(nn.Module):
    def __init__(s, V=65, T=64, d=128, L=4, h=4):
        super().__init__(); s.tok = nn.Embedding(V, d); s.pos = nn.Parameter(torch.zeros(T, d))
        layer = nn.TransformerEncoderLayer(d, h, 4 * d, 0.0, batch_first=True, norm_first=True, activation='gelu')
        s.enc = nn.TransformerEncoder(layer, L); s.ln = nn.LayerNorm(d); s.head = nn.Linear(d, V)
        s.register_buffer('mask', torch.triu(torch.full((T, T), float('-inf')), 1))
    def forward(s, x):
        h = s.tok(x) + s.pos[: x.shape[1]]
        return s.head(s.ln(s.enc(h, mask=s.mask)))
def run(name, model, make_batch, loss_fn, steps=30, warm=5):
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    x, y = make_batch()
    for i in range(warm + steps):
        if i == warm: t = time.perf_counter(); c = time.process_time()
        opt.zero_grad(); loss = loss_fn(model(x), y); loss.backward(); opt.step()
    dt = time.perf_counter() - t
    cpu = (time.process_time() - c) / steps * 1000
    print(f"{name}\\t{steps * x.shape[0] / dt:.0f} samples/s\\tloss {loss.item():.3f}\\tcpu {cpu:.1f} ms/step")
run("gpt  b32x64", GPT(), lambda: (torch.randint(0, 65, (32, 64)), torch.randint(0, 65, (32, 64))),
    lambda o, y: F.cross_entropy(o.reshape(-1, 65), y.reshape(-1)), steps=10)
`;

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function anchorEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env['OPENBLAS_CORETYPE'];
  delete env['OPENBLAS_L2_SIZE'];
  return env;
}

/** One measurement: wall-clock sequences/s and CPU milliseconds per step. */
interface Speed {
  rate: number;
  cpuMs: number;
}

function measureTorch(python: string, threads: number): Speed | null {
  const r = spawnSync(python, ['-c', ANCHOR_SCRIPT, String(threads)], { encoding: 'utf8', env: anchorEnv() });
  const m = /^gpt\s+b32x64\s+(\d+) samples\/s.*cpu ([\d.]+) ms\/step/m.exec(r.stdout ?? '');
  if (r.status !== 0 || !m) {
    console.warn(`gpt: the PyTorch anchor failed: ${(r.stderr || r.error?.message || r.stdout || '').trim().split('\n').pop()}`);
    return null;
  }
  return { rate: Number(m[1]), cpuMs: Number(m[2]) };
}

async function trainingStep(ctx: BenchContext): Promise<() => number> {
  const { lib } = ctx;
  const { nn, optim } = lib;
  const [{ GPT }] = await sequenceModules(ctx);
  lib.manualSeed(0);
  const model = new GPT({ vocabSize: V, contextLength: T, dModel: 128, numLayers: 4, numHeads: 4, dropout: 0, activation: 'gelu', tieWeights: false });
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const x = lib.randint(0, V, [BATCH, T], { dtype: 'int32' });
  const y = lib.randint(0, V, [BATCH, T], { dtype: 'int32' });
  return () =>
    lib.tidy(() => {
      opt.zeroGrad();
      const loss = nn.functional.crossEntropy((model.forward(x) as Tensor).reshape(-1, V), y.reshape(-1));
      loss.backward();
      opt.step();
      return loss.item();
    });
}

async function training(ctx: BenchContext, threads: number, python: string | null): Promise<void> {
  const { lib } = ctx;
  lib.setNumThreads(threads);
  const step = await trainingStep(ctx);
  for (let i = 0; i < WARMUP; i++) step();
  const ours: Speed[] = [];
  const torch: Speed[] = [];
  for (let r = 0; r < ctx.runs; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < STEPS; i++) step();
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(c0);
    const o = { rate: (STEPS * BATCH) / wall, cpuMs: (cpu.user + cpu.system) / 1000 / STEPS };
    ours.push(o);
    const t = python !== null ? measureTorch(python, threads) : null;
    if (t !== null) torch.push(t);
    console.log(
      `${threads} thread(s), run ${r + 1}/${ctx.runs}: tessera ${o.rate.toFixed(1)} sequences/s, ${o.cpuMs.toFixed(0)} CPU ms/step` +
        (t !== null ? ` | pytorch ${t.rate} sequences/s, ${t.cpuMs.toFixed(0)} CPU ms/step (ratios: wall ${(o.rate / t.rate).toFixed(2)}, CPU ${(t.cpuMs / o.cpuMs).toFixed(2)})` : ''),
    );
  }
  const rate = median(ours.map((o) => o.rate));
  const cpuMs = median(ours.map((o) => o.cpuMs));
  if (torch.length === ours.length && torch.length > 0) {
    const tRate = median(torch.map((t) => t.rate));
    const tCpu = median(torch.map((t) => t.cpuMs));
    const perRun = (f: (o: Speed, t: Speed) => number): string => median(ours.map((o, i) => f(o, torch[i]!))).toFixed(2);
    console.log(`| GPT training, ${threads} thread(s) (sequences/s, wall) | ${rate.toFixed(1)} | ${tRate.toFixed(0)} | ${(rate / tRate).toFixed(2)}x | ${perRun((o, t) => o.rate / t.rate)}x |`);
    console.log(`| GPT training, ${threads} thread(s) (CPU ms/step; ratio PyTorch / Tessera) | ${cpuMs.toFixed(0)} | ${tCpu.toFixed(0)} | ${(tCpu / cpuMs).toFixed(2)}x | ${perRun((o, t) => t.cpuMs / o.cpuMs)}x |`);
  } else {
    console.log(`| GPT training, ${threads} thread(s) (sequences/s, wall) | ${rate.toFixed(1)} | — | — | — |`);
    console.log(`| GPT training, ${threads} thread(s) (CPU ms/step) | ${cpuMs.toFixed(0)} | — | — | — |`);
  }
}

async function generation(ctx: BenchContext): Promise<void> {
  const { lib } = ctx;
  const [{ GPT }, { generate }] = await sequenceModules(ctx);
  lib.manualSeed(0);
  const model = new GPT({ vocabSize: V, contextLength: 256, dModel: 128, numLayers: 4, numHeads: 4 });
  const prompt = Array.from({ length: 192 }, (_, i) => (i * 7) % V);
  const NEW = 64;
  const timeOne = (useCache: boolean): [number, number[]] => {
    const t0 = performance.now();
    const out = generate(model, prompt, { maxNewTokens: NEW, greedy: true, useCache });
    return [(performance.now() - t0) / NEW, out];
  };
  timeOne(true); // warm-up
  const cached: number[] = [];
  const recomputed: number[] = [];
  let same = true;
  for (let r = 0; r < ctx.runs; r++) {
    const [c, a] = timeOne(true);
    const [n, b] = timeOne(false);
    same &&= a.every((t, i) => t === b[i]);
    cached.push(c);
    recomputed.push(n);
    console.log(`generation run ${r + 1}/${ctx.runs}: KV cache ${c.toFixed(2)} ms/token | recompute ${n.toFixed(2)} ms/token (${(n / c).toFixed(1)}x)`);
  }
  const c = median(cached);
  const n = median(recomputed);
  console.log(`\n| generation, context 192..255, batch 1 (ms/token) | KV cache | recompute | speed-up | same tokens |`);
  console.log('| --- | --- | --- | --- | --- |');
  console.log(`| 64 greedy tokens, ${lib.backendInfo().threads} thread(s) | ${c.toFixed(2)} | ${n.toFixed(2)} | ${(n / c).toFixed(1)}x | ${same ? 'yes' : 'NO'} |`);
}

export async function run(ctx: BenchContext): Promise<void> {
  const { lib } = ctx;
  const python = process.env['ANCHOR_PYTHON'] ?? '/usr/bin/python3';
  const usePython = ctx.anchor && existsSync(python) ? python : null;
  if (ctx.anchor && usePython === null) console.log('(PyTorch anchor not found: set ANCHOR_PYTHON, or pass --no-anchor)');
  const info = lib.backendInfo();
  console.log(`machine: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} logical cores; node ${process.version}; backend ${info.backend} (${info.isa ?? 'no addon'}); load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const initialThreads = info.threads;
  console.log('\n| workload | Tessera | PyTorch 1.13 | ratio of medians | median of per-run ratios |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const threads of [1, 2]) await training(ctx, threads, usePython);
  lib.setNumThreads(initialThreads);
  console.log('');
  await generation(ctx);
  console.log(`\nload average after: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
}
