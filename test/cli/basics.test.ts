/** The `tessera` command as a real process: help, version, doctor, exit codes, a tiny training run. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSafetensorsHeader } from '../../src/io/safetensors-parse.js';
import { ROOT, hasStackTrace, tempDir, tessera } from './run-cli.js';

describe('tessera as a process', { concurrency: true }, () => {
  it('--help lists the commands and examples; --version prints the package version', async () => {
    const r = await tessera(['--help']);
    assert.equal(r.code, 0);
    for (const name of ['train', 'eval', 'predict', 'bench', 'doctor']) assert.match(r.stdout, new RegExp(`^  ${name} `, 'm'));
    assert.match(r.stdout, /Examples:\n  tessera train/);
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const v = await tessera(['--version']);
    assert.equal(v.code, 0);
    assert.equal(v.stdout, `${version}\n`);
  });

  it('bin/tessera.js runs the compiled CLI, or says how to build it', async () => {
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(process.execPath, [join(ROOT, 'bin', 'tessera.js'), '--version'], (error, stdout, stderr) => resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr })),
    );
    if (existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'))) {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
    } else {
      assert.equal(r.code, 1);
      assert.match(r.stderr, /the compiled CLI is missing .*\nRun `npm run build`/);
    }
    assert.match(readFileSync(join(ROOT, 'bin', 'tessera.js'), 'utf8'), /^#!\/usr\/bin\/env node\n/);
  });

  it('doctor reports the backend, threads and versions, and checks the kernels', async () => {
    const r = await tessera(['doctor'], { env: { TESSERA_NUM_THREADS: '1' } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^tessera +\d+\.\d+\.\d+/m);
    assert.match(r.stdout, new RegExp(`^node +${process.version.replace(/\./g, '\\.')}`, 'm'));
    assert.match(r.stdout, /^backend +(native|js)/m);
    assert.match(r.stdout, /^addon +(loaded from|NOT loaded: )/m);
    assert.match(r.stdout, /^threads +1 \(from TESSERA_NUM_THREADS\)/m);
    assert.match(r.stdout, /^check +(skipped|native vs js .* ok)/m);
  });

  it('doctor --json gives the facts as JSON; --backend js switches the backend', async () => {
    const r = await tessera(['doctor', '--json', '--backend', 'js']);
    assert.equal(r.code, 0, r.stderr);
    const facts = JSON.parse(r.stdout) as { backend: string; threads: number; addon: { loaded: boolean; error: string | null }; node: string };
    assert.equal(facts.backend, 'js');
    assert.equal(facts.threads, 1);
    assert.equal(facts.node, process.version);
    assert.equal(facts.addon.loaded, facts.addon.error === null);
  });

  it('a bad flag exits with code 2 and one message, without a stack trace', async () => {
    const r = await tessera(['train', '--epochs', 'x']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, "tessera train: --epochs expects an integer, got 'x'\nUsage: tessera train [options]\n");
    const unknown = await tessera(['trian']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^tessera: unknown command 'trian' \(did you mean 'train'\?\)/);
  });

  it('a failure while working exits with code 1 and the reason; TESSERA_DEBUG=1 adds the stack', async () => {
    const r = await tessera(['eval', '--model-file', 'no/such/model.safetensors']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "tessera eval: error: cannot read the model file 'no/such/model.safetensors': no such file\n(set TESSERA_DEBUG=1 for the stack trace)\n");
    assert.ok(!hasStackTrace(r.stderr));
    const debug = await tessera(['eval', '--model-file', 'no/such/model.safetensors'], { env: { TESSERA_DEBUG: '1' } });
    assert.equal(debug.code, 1);
    assert.ok(hasStackTrace(debug.stderr), debug.stderr);
  });

  it('train --epochs 1 on 500 digits writes the run folder', async () => {
    const out = join(tempDir('train'), 'run');
    const r = await tessera(['train', '--epochs', '1', '--limit', '500', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^tessera train: digit-cnn on the bundled digits/);
    assert.match(r.stdout, /^Epoch 1\/1$/m);
    assert.match(r.stdout, /^Test accuracy \d+\.\d\d% \(loss \d+\.\d+\) after 1 epoch\(s\)/m);
    for (const file of ['model.safetensors', 'checkpoint.safetensors', 'metrics.jsonl', 'report.html']) {
      assert.ok(existsSync(join(out, file)), `${file} is missing`);
      assert.ok(r.stdout.includes(file));
    }
    const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n');
    assert.equal(lines.length, 1);
    const epoch = JSON.parse(lines[0]!) as Record<string, number>;
    assert.equal(epoch['epoch'], 0);
    assert.ok(epoch['val_accuracy']! >= 0 && epoch['val_accuracy']! <= 1);
  });

  it('Ctrl-C stops after the current batch and keeps the checkpoint of the last whole epoch', async () => {
    const out = join(tempDir('interrupt'), 'run');
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), 'train', '--limit', '1000', '--epochs', '50', '--schedule', 'constant', '--out', out], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    let signalled = false;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      // Interrupt during the second epoch, once the first one's checkpoint is written.
      if (!signalled && stdout.includes('Epoch 2/50')) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, stderr);
    assert.match(stderr, /stopping after this batch/);
    assert.match(stdout, /^Test accuracy .* stopped by Ctrl-C in epoch 2;/m);
    const metadata = parseSafetensorsHeader(readFileSync(join(out, 'checkpoint.safetensors'))).metadata;
    assert.equal(metadata['epoch'], '1');
    assert.ok(existsSync(join(out, 'model.safetensors')) && existsSync(join(out, 'report.html')));
  });
});
