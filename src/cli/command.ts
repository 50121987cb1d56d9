/**
 * What every `tessera` command shares: its shape (a spec and a run function), the runtime flags
 * (--threads, --backend) and the package facts (version, root) shown by --version and doctor.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setBackend } from '../backend/registry.js';
import { setNumThreads } from '../backend/native/info.js';
import { UsageError, type CommandSpec, type FlagSpec } from './args.js';

/** Where the commands write: the process's streams, or others (the tests run commands in-process). */
export interface CliStreams {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
}

/** The streams of the command running now (set by `main`). */
export const io: CliStreams = { stdout: process.stdout, stderr: process.stderr };

/** A command: its spec (flags, help) and what it does with the words after its name; resolves to the exit code. */
export interface Command {
  spec: CommandSpec;
  run(argv: readonly string[]): Promise<number>;
}

/** Flags of every command that computes: where kernels run. */
export const RUNTIME_FLAGS = {
  threads: { type: 'int', min: 1, description: 'Threads for the native kernels', metavar: 'n', defaultText: 'TESSERA_NUM_THREADS or the available cores' },
  backend: { type: 'string', choices: ['native', 'js'], description: 'Kernel backend', defaultText: 'native when the addon loaded, else js' },
} as const satisfies Record<string, FlagSpec>;

/** Applies --backend and --threads before any tensor is made. */
export function applyRuntimeFlags(command: string, flags: { threads?: number | undefined; backend?: string | undefined }): void {
  if (flags.backend !== undefined) {
    try {
      setBackend(flags.backend);
    } catch (e) {
      // The native addon did not load: say why, as a usage problem of this machine rather than a crash.
      throw new UsageError(`--backend ${flags.backend}: ${(e as Error).message.replace(/^setBackend: /, '')}; run 'tessera doctor' for details`, command);
    }
  }
  if (flags.threads !== undefined) {
    try {
      setNumThreads(flags.threads);
    } catch (e) {
      throw new UsageError(`--threads ${flags.threads}: ${(e as Error).message.replace(/^setNumThreads: /, '')}`, command);
    }
  }
}

/** The package root (holding package.json), from src/cli or dist/src/cli alike. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'src'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

let version: string | null = null;

/** This package's version, from its package.json. */
export function packageVersion(): string {
  if (version !== null) return version;
  try {
    version = String((JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: unknown }).version ?? 'unknown');
  } catch {
    version = 'unknown';
  }
  return version;
}

/** A count with thousands separators: 12,345. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
