import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { io } from '../../src/index.js';
import { tempDir } from './support.js';

test('atomicWriteFile creates, replaces, writes strings as UTF-8 and leaves no temporary file', () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = path.join(dir, 'out.bin');
    io.atomicWriteFile(file, new Uint8Array([1, 2, 3]));
    assert.deepEqual([...fs.readFileSync(file)], [1, 2, 3]);
    io.atomicWriteFile(file, 'héllo');
    assert.equal(fs.readFileSync(file, 'utf8'), 'héllo');
    io.atomicWriteFile(file, new Uint8Array(0));
    assert.equal(fs.readFileSync(file).length, 0);
    // A view into a larger buffer writes only its own bytes.
    io.atomicWriteFile(file, new Uint8Array([9, 8, 7, 6]).subarray(1, 3));
    assert.deepEqual([...fs.readFileSync(file)], [8, 7]);
    assert.deepEqual(fs.readdirSync(dir), ['out.bin']);
  } finally {
    cleanup();
  }
});

test('atomicWriteFile keeps the permissions of the file it replaces', { skip: process.platform === 'win32' }, () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = path.join(dir, 'secret');
    fs.writeFileSync(file, 'old', { mode: 0o600 });
    fs.chmodSync(file, 0o600);
    io.atomicWriteFile(file, 'new');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  } finally {
    cleanup();
  }
});

test('a write that fails midway leaves the old file intact and removes the temporary file', () => {
  const { dir, cleanup } = tempDir();
  const file = path.join(dir, 'model.safetensors');
  fs.writeFileSync(file, 'old contents');
  const realWrite = fs.writeSync;
  let calls = 0;
  // The first write call stores half of the bytes, the second fails as a full disk would.
  const writeMock = mock.method(fs, 'writeSync', (fd: number, buffer: Uint8Array, offset: number, length: number) => {
    calls++;
    if (calls > 1) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    return realWrite(fd, buffer, offset, Math.ceil(length / 2));
  });
  try {
    assert.throws(() => io.atomicWriteFile(file, new Uint8Array(1000).fill(7)), /ENOSPC/);
    assert.equal(calls, 2);
    assert.equal(fs.readFileSync(file, 'utf8'), 'old contents');
    assert.deepEqual(fs.readdirSync(dir), ['model.safetensors']);
  } finally {
    writeMock.mock.restore();
    cleanup();
  }
});

test('a failing fsync or rename also leaves the old file intact', () => {
  const { dir, cleanup } = tempDir();
  const file = path.join(dir, 'ckpt');
  fs.writeFileSync(file, 'old');
  try {
    for (const method of ['fsyncSync', 'renameSync'] as const) {
      const m = mock.method(fs, method, () => {
        throw new Error(`EIO: simulated ${method} failure`);
      });
      try {
        assert.throws(() => io.atomicWriteFile(file, 'new'), new RegExp(`simulated ${method}`));
      } finally {
        m.mock.restore();
      }
      assert.equal(fs.readFileSync(file, 'utf8'), 'old');
      assert.deepEqual(fs.readdirSync(dir), ['ckpt']);
    }
  } finally {
    cleanup();
  }
});

test('atomicWriteFile rejects bad arguments and missing directories clearly', () => {
  assert.throws(() => io.atomicWriteFile('', 'x'), /atomicWriteFile: path must be a non-empty string/);
  assert.throws(() => io.atomicWriteFile('/tmp/x', 5 as unknown as string), /atomicWriteFile: data must be a Uint8Array or a string, got number/);
  assert.throws(() => io.atomicWriteFile('/nonexistent-dir-tessera/x', 'x'), /ENOENT/);
});

test('a process killed while rewriting a file leaves a complete old or new version', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = path.join(dir, 'big.bin');
    const size = 4 << 20;
    fs.writeFileSync(file, new Uint8Array(size).fill(0));
    const atomicModule = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/io/atomic.ts');
    // The child rewrites the file in a loop, alternating all-1 and all-2 contents, and says when it has begun.
    const script = `import { atomicWriteFile } from ${JSON.stringify(atomicModule)};
      const a = new Uint8Array(${size}).fill(1), b = new Uint8Array(${size}).fill(2);
      for (let i = 0; ; i++) { atomicWriteFile(${JSON.stringify(file)}, i % 2 ? b : a); if (i === 2) process.stdout.write('go\\n'); }`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`child exited early with ${code}`)));
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const bytes = fs.readFileSync(file);
    assert.equal(bytes.length, size);
    assert.ok(bytes[0] === 1 || bytes[0] === 2, `first byte ${bytes[0]}`);
    assert.ok(bytes.every((v) => v === bytes[0]), 'the file mixes two versions');
    // Only temporary files of the killed writer may remain next to it.
    for (const name of fs.readdirSync(dir)) assert.ok(name === 'big.bin' || name.startsWith('.big.bin.tmp-'), name);
  } finally {
    cleanup();
  }
});
