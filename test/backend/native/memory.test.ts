/**
 * Native memory: 64-byte aligned pooled buffers, given back to the pool when a tensor is disposed
 * (its buffer detached, so no view can reach freed memory) or garbage-collected, and a
 * synchronous loop that allocates without disposing keeps its memory bounded.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backend, ones, setBackend, tidy } from '../../../src/index.js';
import { addonStatus } from '../../../src/backend/native/load.js';
import { nativeBackend, skipReason } from './support.js';

function onNative(name: string, fn: () => void): void {
  it(name, (t) => {
    if (skipReason !== null) return t.skip(skipReason);
    const previous = backend().name;
    setBackend('native');
    try {
      fn();
    } finally {
      setBackend(previous);
    }
  });
}

describe('native memory', () => {
  onNative('alloc gives zero-filled, 64-byte aligned pooled arrays; small ones are plain JS arrays', () => {
    const addon = addonStatus.addon!;
    const nb = nativeBackend();
    for (const dtype of ['float32', 'float64', 'int32', 'bool'] as const) {
      const big = nb.alloc(dtype, 100_003);
      assert.equal(big.length, 100_003);
      assert.ok(addon.isAligned(big), `${dtype} buffer is 64-byte aligned`);
      assert.ok(big.every((v) => v === 0), `${dtype} buffer is zero-filled`);
    }
    const small = nb.alloc('float32', 3);
    assert.equal(small.length, 3);
    assert.equal(addon.release(small), false, 'a small array is a JS array, not the pool\'s');
  });

  onNative('kernel outputs are pooled and aligned', () => {
    const y = ones([300, 301]).mul(2);
    assert.ok(addonStatus.addon!.isAligned(y.data));
    assert.equal(y.data[90_299], 2);
  });

  onNative('dispose detaches the buffer and returns its memory to the pool at once', () => {
    const addon = addonStatus.addon!;
    const y = ones([512, 512]).add(1);
    const data = y.data;
    const before = addon.poolStats();
    y.dispose();
    const after = addon.poolStats();
    assert.equal(data.length, 0, 'the old array is detached: nothing can read freed memory through it');
    assert.equal(data.buffer.byteLength, 0);
    assert.ok(after.liveBytes <= before.liveBytes - 512 * 512 * 4, `live bytes ${before.liveBytes} -> ${after.liveBytes}`);
    assert.ok(y.isDisposed);
    // the next allocation of that size reuses the block
    const hits = addon.poolStats().hits;
    ones([512, 512]).add(1);
    assert.ok(addon.poolStats().hits > hits);
  });

  onNative('tidy returns the temporaries of a block to the pool', () => {
    const addon = addonStatus.addon!;
    const x = ones([256, 256]);
    const live = addon.poolStats().liveBytes;
    const kept = tidy(() => x.add(1).mul(3).exp().sum());
    assert.ok(addon.poolStats().liveBytes <= live + 64, 'the three 256 KiB temporaries are back in the pool');
    assert.ok(Number.isFinite(kept.item()));
  });

  onNative('disposing a tensor on a JS array (not the pool\'s) leaves other arrays alone', () => {
    const a = ones([3]);
    const b = a.add(1);
    a.dispose();
    assert.deepEqual([...b.data], [2, 2, 2]);
  });

  onNative('a synchronous loop that never disposes stays bounded (buffers come back when collected)', () => {
    const addon = addonStatus.addon!;
    const x = ones([256, 1024]); // 1 MiB
    let peak = 0;
    for (let i = 0; i < 3000; i++) {
      x.add(i); // 1 MiB of garbage per iteration, 3 GiB in all
      if (i % 100 === 0) peak = Math.max(peak, addon.poolStats().liveBytes);
    }
    assert.ok(peak < 1024 * 1024 * 1024, `peak live native memory ${(peak / 2 ** 20).toFixed(0)} MiB`);
  });
});
