/**
 * The addon loaded in several Node threads at once (worker_threads): each thread registers its own
 * metadata buffer and gets its own results while the main thread keeps computing.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { ones, setBackend } from '../../../src/index.js';
import { addonStatus } from '../../../src/backend/native/load.js';
import { skipReason } from './support.js';

it('native kernels run in worker threads alongside the main thread', async (t) => {
  if (skipReason !== null) return t.skip(skipReason);
  setBackend('native');
  // Workers use the raw addon (no TypeScript loader there): exp of n values of `scale`, summed.
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const addon = require(workerData.path);
    const meta = new Float64Array(4096);
    addon.init(meta);
    const n = 90000;
    let total = 0;
    for (let i = 0; i < 50; i++) {
      const x = addon.alloc(0, n, false);
      x.fill(workerData.scale);
      const y = addon.alloc(0, n, false);
      meta.set([3 /* exp */, 0, 1, n, 1, 0]);
      if (!addon.unary(y, x)) throw new Error('unary declined');
      total = 0;
      for (let j = 0; j < n; j++) total += y[j];
      addon.release(x);
    }
    parentPort.postMessage(total);`;
  const scales = [0.001, 0.002, 0.003];
  const workers = scales.map((scale) => new Promise<number>((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: { scale, path: addonStatus.path } });
    w.once('message', resolve);
    w.once('error', reject);
  }));
  let main = 0;
  for (let i = 0; i < 50; i++) main = ones([300, 300]).mul(0.004).exp().sum().item();
  const results = await Promise.all(workers);
  scales.forEach((scale, i) => assert.ok(Math.abs(results[i]! - 90000 * Math.fround(Math.exp(Math.fround(scale)))) < 0.05, `worker ${i}: ${results[i]}`));
  assert.ok(Math.abs(main - 90000 * Math.exp(0.004)) < 1, `main: ${main}`);
});
