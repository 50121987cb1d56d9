/**
 * Benchmark runner: `npm run bench` runs every benchmark, `npm run bench -- overhead` one of them.
 *
 * Benchmarks measure the compiled library that users get (dist/src/index.js, built here first with
 * tsconfig.build.json). `--source` measures src/ through tsx instead: from an ES module entry (this
 * package is "type": "module") the two are within noise of each other; see BENCHMARKS.md.
 *
 * Flags: --runs N (default 5), --source, --no-build (use dist/ as it is), --no-anchor (skip PyTorch).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export type Library = typeof import('../src/index.js');

export interface BenchContext {
  lib: Library;
  root: string;
  runs: number;
  anchor: boolean;
}

const BENCHMARKS: Record<string, () => Promise<{ run: (ctx: BenchContext) => Promise<void> | void }>> = {
  overhead: () => import('./overhead.js'),
  gemm: () => import('./gemm.js'),
  cnn: () => import('./cnn.js'),
  gpt: () => import('./gpt.js'),
  lecun: () => import('./lecun.js'),
  mlp: () => import('./mlp.js'),
  data: () => import('./data.js'),
  'train-memory': () => import('./train-memory.js'),
};

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function flagValue(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function build(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
  } catch (e) {
    // tsc still emits JavaScript when there are type errors; go on if it did, but say so.
    const out = String((e as { stdout?: Buffer }).stdout ?? '');
    console.warn(`bench: tsc reported errors (continuing with what it emitted):\n${out.split('\n').slice(0, 5).join('\n')}`);
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const runs = Number(flagValue(args, '--runs') ?? 5);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`bench: --runs must be a positive integer, got ${flagValue(args, '--runs')}`);
  const names = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--runs');
  for (const n of names) {
    if (!(n in BENCHMARKS)) throw new Error(`bench: unknown benchmark '${n}' (available: ${Object.keys(BENCHMARKS).join(', ')})`);
  }
  const source = args.includes('--source');
  if (!source && !args.includes('--no-build')) build();
  const entry = source ? join(root, 'src', 'index.ts') : join(root, 'dist', 'src', 'index.js');
  if (!existsSync(entry)) throw new Error(`bench: ${entry} is missing; run without --no-build`);
  const lib = (await import(pathToFileURL(entry).href)) as Library;
  console.log(`library: ${source ? 'src/ through tsx' : 'compiled dist/src/index.js'}`);
  const ctx: BenchContext = { lib, root, runs, anchor: !args.includes('--no-anchor') };
  for (const name of names.length > 0 ? names : Object.keys(BENCHMARKS)) {
    console.log(`\n## ${name}\n`);
    const mod = await BENCHMARKS[name]!();
    await mod.run(ctx);
  }
}

await main();
