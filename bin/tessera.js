#!/usr/bin/env node
// The `tessera` command: runs the compiled CLI (dist/src/cli/main.js, built by `npm run build`,
// which `npm ci` / `npm install` run through the `prepare` script).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist', 'src', 'cli', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write(`tessera: the compiled CLI is missing (${entry}).\nRun \`npm run build\` in ${root} first.\n`);
  process.exit(1);
}
const { runCli } = await import(pathToFileURL(entry).href);
await runCli(process.argv.slice(2));
