import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, dropout, manualSeed, ones, tensor } from '../../../src/index.js';
import { assertClose, uniform } from '../../helpers.js';

describe('dropout', () => {
  it('zeroes about a fraction p and scales the rest by 1 / (1 - p)', () => {
    manualSeed(1);
    const n = 20000;
    const y = dropout(ones([n]), 0.3).toArray();
    let dropped = 0;
    for (const v of y) {
      if (v === 0) dropped++;
      else assert.ok(Math.abs(v - 1 / 0.7) < 1e-6, `kept value ${v}`);
    }
    // 5 standard deviations of a binomial fraction: sqrt(0.3 * 0.7 / n) ~ 0.0032
    assert.ok(Math.abs(dropped / n - 0.3) < 0.017, `dropped fraction ${dropped / n}`);
  });

  it('is reproducible under manualSeed and follows the global stream', () => {
    manualSeed(42);
    const a = dropout(ones([64]), 0.5).toArray();
    const b = dropout(ones([64]), 0.5).toArray();
    manualSeed(42);
    assert.deepEqual(dropout(ones([64]), 0.5).toArray(), a);
    assert.notDeepEqual(a, b);
  });

  it('draws from the generator option without touching the global stream', () => {
    manualSeed(5);
    const expected = dropout(ones([32]), 0.5).toArray();
    manualSeed(5);
    const own = dropout(ones([32]), 0.5, true, { generator: new Generator(99) }).toArray();
    assert.deepEqual(dropout(ones([32]), 0.5).toArray(), expected);
    assert.deepEqual(dropout(ones([32]), 0.5, true, { generator: new Generator(99) }).toArray(), own);
  });

  it('passes the input through when not training or when p is 0', () => {
    const x = uniform([3, 4], { seed: 1 });
    assert.equal(dropout(x, 0.5, false), x);
    assert.equal(dropout(x, 0), x);
  });

  it('gives zeros with p = 1, and a zero gradient', () => {
    const x = tensor([1, -2, 3], { requiresGrad: true });
    const y = dropout(x, 1);
    assertClose(y, [0, 0, 0]);
    y.sum().backward();
    assertClose(x.grad!, [0, 0, 0]);
  });

  it('passes the gradient through the kept elements, scaled', () => {
    const x = ones([100], { dtype: 'float64', requiresGrad: true });
    const y = dropout(x, 0.2, true, { generator: new Generator(3) });
    y.sum().backward();
    assert.deepEqual(x.grad!.tolist(), y.detach().tolist());
  });
});
