/**
 * Choosing the backend: native is the default when the addon loads; TESSERA_BACKEND and setBackend
 * override it; when the addon is missing, asking for it gives one warning that says why, and the
 * library runs on js. Also backendInfo() and setNumThreads().
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backendInfo, listBackends, setNumThreads, tensor } from '../../../src/index.js';
import { assertThrowsMatching } from '../../helpers.js';
import { skipReason } from './support.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Runs a snippet against the library in a fresh process with the given environment. */
function runWith(env: Record<string, string>, code: string): { stdout: string; stderr: string; status: number | null } {
  const script = `import * as T from ${JSON.stringify(join(root, 'src', 'index.ts'))};\n${code}`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, TESSERA_BACKEND: '', TESSERA_ADDON: '', ...env },
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

const PROBE = `const y = T.tensor([1, 2, 3]).mul(2).add(T.ones([3000]).sum()); console.log(JSON.stringify({ backend: T.backendInfo().backend, y: y.tolist(), error: T.backendInfo().addon.error }));`;

describe('backend selection', () => {
  it('without the addon, TESSERA_BACKEND=native warns once, says why, and runs on js', () => {
    const r = runWith({ TESSERA_BACKEND: 'native', TESSERA_ADDON: join(root, 'no-such-dir', 'tessera.node') }, `{ ${PROBE} }\n{ ${PROBE} }`);
    assert.equal(r.status, 0, r.stderr);
    const warnings = r.stderr.split('\n').filter((l) => l.includes('warning'));
    assert.equal(warnings.length, 1, `one warning, got:\n${r.stderr}`);
    assert.match(warnings[0]!, /TESSERA_BACKEND=native is not available/);
    assert.match(warnings[0]!, /no-such-dir.*does not exist/);
    const out = JSON.parse(r.stdout.split('\n')[0]!);
    assert.equal(out.backend, 'js');
    assert.deepEqual(out.y, [3002, 3004, 3006]);
    assert.match(out.error, /does not exist/);
  });

  it('without the addon and without asking for it, nothing is printed', () => {
    const r = runWith({ TESSERA_ADDON: join(root, 'no-such-dir', 'tessera.node') }, PROBE);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr.trim(), '');
    assert.equal(JSON.parse(r.stdout).backend, 'js');
  });

  it('without the addon, setBackend(\'native\') throws with the reason', () => {
    const r = runWith({ TESSERA_ADDON: join(root, 'no-such-dir', 'tessera.node') }, `try { T.setBackend('native'); } catch (e) { console.log(e.message); }`);
    assert.match(r.stdout, /^setBackend: backend 'native' is not available: .*does not exist.*\(available: js\)/);
  });

  it('native is the default when the addon loads, and TESSERA_BACKEND=js overrides it', (t) => {
    if (skipReason !== null) return t.skip(skipReason);
    assert.equal(JSON.parse(runWith({}, PROBE).stdout).backend, 'native');
    const r = runWith({ TESSERA_BACKEND: 'js' }, PROBE);
    assert.equal(r.stderr.trim(), '');
    assert.equal(JSON.parse(r.stdout).backend, 'js');
  });
});

describe('backendInfo and setNumThreads', () => {
  it('backendInfo reports the backend, the ISA path and the thread count', (t) => {
    const info = backendInfo();
    assert.ok(listBackends().includes(info.backend));
    if (skipReason !== null) {
      assert.equal(info.addon.loaded, false);
      assert.equal(typeof info.addon.error, 'string');
      return t.skip(skipReason);
    }
    assert.equal(info.addon.loaded, true);
    assert.equal(info.addon.error, null);
    assert.ok(['generic', 'avx2', 'avx512'].includes(info.isa!), info.isa!);
    assert.ok(Number.isInteger(info.threads) && info.threads >= 1);
  });

  it('setNumThreads changes the native thread count; results do not depend on it', (t) => {
    if (skipReason !== null) return t.skip(skipReason);
    const before = backendInfo().addon.loaded ? backendInfo().threads : 1;
    const x = tensor(Array.from({ length: 300_000 }, (_, i) => Math.sin(i)));
    try {
      setNumThreads(1);
      assert.equal(backendInfo().threads, 1);
      const one = [x.exp().sum().item(), x.amax().item()];
      setNumThreads(3);
      assert.equal(backendInfo().threads, 3);
      const three = [x.exp().sum().item(), x.amax().item()];
      assert.equal(three[1], one[1]);
      assert.ok(Math.abs(three[0]! - one[0]!) <= 1e-6 * Math.abs(one[0]!));
    } finally {
      setNumThreads(before);
    }
  });

  it('setNumThreads rejects anything but an integer from 1 to 1024', () => {
    for (const bad of [0, -1, 1.5, NaN, 5000]) assertThrowsMatching(() => setNumThreads(bad), /^setNumThreads: expected an integer from 1 to 1024, got/);
  });
});
