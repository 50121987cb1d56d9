#!/usr/bin/env node
/**
 * Builds the native addon (native/) with node-gyp. Run by `npm ci` / `npm install` (the package's
 * "install" script) and by `npm run build:native`.
 *
 * A failed build must not fail the install: the library then runs on its TypeScript backend. So on
 * failure this prints ONE warning naming the reason (the compiler's first error line, or why
 * node-gyp could not start), records it in native/build/tessera-build-error.txt for the runtime to
 * report (backendInfo()), and exits 0. `--strict` (used by build:native) prints the whole log and
 * exits 1 instead. TESSERA_SKIP_NATIVE=1 skips the build.
 *
 * node-gyp is npm's bundled one (npm_config_node_gyp, set by npm for scripts), else `node-gyp` on
 * PATH. Node's headers come from the installed Node (<prefix>/include/node) when present, so that
 * nothing is downloaded.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = join(root, 'native');
const errorFile = join(nativeDir, 'build', 'tessera-build-error.txt');
const strict = process.argv.includes('--strict');

function fail(reason, log) {
  if (strict) {
    if (log) process.stderr.write(log);
    console.error(`tessera: the native addon did not build: ${reason}`);
    process.exit(1);
  }
  try {
    mkdirSync(dirname(errorFile), { recursive: true });
    writeFileSync(errorFile, `${reason}\n`);
  } catch {
    // the warning below still says why
  }
  console.warn(
    `tessera: warning: the native addon did not build (${reason}); Tessera will run on its TypeScript backend. ` +
      'Run `npm run build:native` for the full log.',
  );
  process.exit(0);
}

/** The most telling line of a failed build's log: the compiler's first error, else node-gyp's. */
function reasonFrom(log) {
  const lines = log.split('\n').map((l) => l.trim());
  const pick =
    lines.find((l) => /\berror\b/i.test(l) && !l.startsWith('gyp ') && !/^make(\[\d+\])?:/.test(l)) ??
    lines.find((l) => l.startsWith('gyp ERR! stack Error:')) ??
    lines.find((l) => l.startsWith('gyp ERR!')) ??
    lines.filter((l) => l !== '').pop() ??
    'unknown error';
  return pick.replace(/^gyp ERR! (stack )?/, '').slice(0, 300);
}

if (process.env['TESSERA_SKIP_NATIVE'] === '1') {
  if (strict) fail('TESSERA_SKIP_NATIVE=1 is set');
  process.exit(0);
}

let command;
let args;
const bundled = process.env['npm_config_node_gyp'];
if (bundled && existsSync(bundled)) {
  command = process.execPath;
  args = [bundled];
} else {
  command = process.platform === 'win32' ? 'node-gyp.cmd' : 'node-gyp';
  args = [];
}
args.push('rebuild', `--jobs=${Math.max(1, cpus().length)}`);
if (!process.env['npm_config_nodedir']) {
  const prefix = dirname(dirname(process.execPath));
  if (existsSync(join(prefix, 'include', 'node', 'common.gypi'))) args.push(`--nodedir=${prefix}`);
}

rmSync(errorFile, { force: true });
const started = Date.now();
const r = spawnSync(command, args, { cwd: nativeDir, encoding: 'utf8', env: process.env, shell: process.platform === 'win32' });
const log = `${r.stdout ?? ''}${r.stderr ?? ''}`;
if (r.error) fail(`could not run node-gyp: ${r.error.message}`, log);
if (r.status !== 0) fail(reasonFrom(log), log);
const addon = join(nativeDir, 'build', 'Release', 'tessera.node');
if (!existsSync(addon)) fail('node-gyp succeeded but native/build/Release/tessera.node is missing', log);
// Load it once in a separate process: an addon that builds but cannot load (a missing symbol, a
// CPU feature probe gone wrong) must be reported now, not found by the first user.
const probe = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(addon)}).info()`], { encoding: 'utf8' });
if (probe.status !== 0) {
  rmSync(addon, { force: true });
  fail(`the addon built but does not load: ${(probe.stderr || probe.error?.message || '').trim().split('\n').find((l) => /error/i.test(l)) ?? 'unknown error'}`, log);
}
if (strict) process.stdout.write(log);
console.log(`tessera: native addon built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
