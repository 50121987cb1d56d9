/** bench and doctor in-process: their JSON output holds real measurements. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backend } from '../../src/index.js';
import { tesseraInProcess as tessera } from './run-cli.js';

describe('tessera bench', () => {
  it('measures each check and reports positive figures', async () => {
    const r = await tessera(['bench', '--seconds', '0.05', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { backend: string; results: Array<{ name: string; value: number; unit: string }> };
    assert.equal(report.backend, backend().name);
    assert.deepEqual(report.results.map((x) => [x.name, x.unit]), [['matmul', 'GFLOP/s'], ['digit-cnn', 'samples/s'], ['mlp', 'samples/s'], ['overhead', 'ops/s']]);
    for (const x of report.results) assert.ok(Number.isFinite(x.value) && x.value > 0, `${x.name}: ${x.value}`);
  });

  it('--only runs one check, printed as a table line', async () => {
    const r = await tessera(['bench', '--only', 'overhead', '--seconds', '0.05']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /^tessera bench \((native backend, \w+, \d+ threads?|js backend)\)/);
    assert.match(lines[1]!, /^ {2}`a \+ a` on 4 elements, no autograd +[\d,]+ ops\/s$/);
  });
});

describe('tessera doctor', () => {
  it('--json describes the active backend and leaves it active', async () => {
    const before = backend().name;
    const r = await tessera(['doctor', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const facts = JSON.parse(r.stdout) as { backend: string; backends: string[]; selfCheck: { ok: boolean; maxDifference: number } | null; packages: Record<string, string | null> };
    assert.equal(facts.backend, before);
    assert.ok(facts.backends.includes('js'));
    if (before === 'native') assert.ok(facts.selfCheck !== null && facts.selfCheck.ok && facts.selfCheck.maxDifference < 1e-3);
    else assert.equal(facts.selfCheck, null);
    assert.ok(facts.packages['mnist'] !== null);
    assert.equal(backend().name, before);
  });
});
