/**
 * The `tessera` command: dispatches to train, eval, predict, bench and doctor.
 *
 * A mistake in the command line (unknown command or flag, missing value, bad number) prints one
 * line saying what is wrong and exits with code 2; a failure while working (a missing file, a model
 * that does not fit the data) prints `tessera <command>: error: ...` and exits with 1. Neither
 * prints a stack trace unless TESSERA_DEBUG=1.
 *
 * Run from the sources with `node --import tsx src/cli/main.ts <command> ...`, or installed as
 * `npx tessera <command> ...` (bin/tessera.js runs the built copy of this file).
 */
import { pathToFileURL } from 'node:url';
// The backends register themselves when imported (the package root does the same).
import '../backend/js/index.js';
import '../backend/native/index.js';
import { UsageError, suggest, usageLine } from './args.js';
import { io, packageVersion, type CliStreams, type Command } from './command.js';
import { doctorCommand } from './doctor.js';
import { trainCommand } from './train.js';
import { evalCommand } from './eval.js';
import { predictCommand } from './predict.js';
import { benchCommand } from './bench.js';

const COMMANDS: readonly Command[] = [trainCommand, evalCommand, predictCommand, benchCommand, doctorCommand];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.spec.name.length)) + 2;
  return [
    `tessera ${packageVersion()}: deep learning for TypeScript`,
    '',
    'Usage: tessera <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.spec.name.padEnd(width)}${c.spec.summary}`),
    '',
    'Examples:',
    '  tessera train                                  # the default CNN on the bundled digits (about 99% in about 30 s)',
    '  tessera train --model lecun1989 --epochs 3     # the 1989 net, SGD at batch size 1',
    '  tessera train --data ./mnist --epochs 5        # an MNIST-style IDX folder',
    '  tessera train --data iris.csv --target species --model mlp',
    '  tessera eval --model-file runs/<time>/model.safetensors',
    '  tessera predict digit.png --model-file runs/<time>/model.safetensors',
    '  tessera bench',
    '  tessera doctor',
    '',
    "Run 'tessera <command> --help' for a command's options.",
    '',
  ].join('\n');
}

/**
 * Runs one command line (the words after `tessera`); resolves to the exit code. Output goes to
 * `streams` (default the process's stdout and stderr).
 */
export async function main(argv: readonly string[], streams?: CliStreams): Promise<number> {
  const saved = { ...io };
  if (streams !== undefined) Object.assign(io, streams);
  try {
    return await dispatch(argv);
  } finally {
    Object.assign(io, saved);
  }
}

async function dispatch(argv: readonly string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help') {
    io.stdout.write(overview());
    return first === undefined ? 2 : 0;
  }
  if (first === '--version' || first === '-v' || first === 'version') {
    io.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  if (first === 'help') {
    if (rest[0] === undefined) {
      io.stdout.write(overview());
      return 0;
    }
    const target = COMMANDS.find((c) => c.spec.name === rest[0]);
    if (target !== undefined) return target.run(['--help']);
    io.stderr.write(`tessera help: unknown command '${rest[0]}'; commands: ${COMMANDS.map((c) => c.spec.name).join(', ')}\n`);
    return 2;
  }
  const command = COMMANDS.find((c) => c.spec.name === first);
  if (command === undefined) {
    const hint = suggest(first, COMMANDS.map((c) => c.spec.name));
    const what = first.startsWith('-') ? `unknown option '${first}' before the command` : `unknown command '${first}'`;
    io.stderr.write(`tessera: ${what}${hint !== null ? ` (did you mean '${hint}'?)` : ''}; commands: ${COMMANDS.map((c) => c.spec.name).join(', ')}\n`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    return reportFailure(command, e);
  }
}

function reportFailure(command: Command, e: unknown): number {
  const debug = process.env['TESSERA_DEBUG'] === '1';
  if (e instanceof UsageError) {
    io.stderr.write(`tessera ${command.spec.name}: ${e.message}\nUsage: ${usageLine(command.spec)}\n`);
    return 2;
  }
  const message = e instanceof Error ? e.message : String(e);
  io.stderr.write(`tessera ${command.spec.name}: error: ${message}\n`);
  if (debug && e instanceof Error && e.stack !== undefined) io.stderr.write(`${e.stack}\n`);
  else io.stderr.write('(set TESSERA_DEBUG=1 for the stack trace)\n');
  return 1;
}

/** Runs `main` on this process's arguments and sets the exit code (bin/tessera.js calls this). */
export async function runCli(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  process.exitCode = await main(argv);
}

// Run directly (`node --import tsx src/cli/main.ts ...`), not when imported by bin/tessera.js or tests.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await runCli();
