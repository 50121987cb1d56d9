import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backend, cat, gradcheck, gradgradcheck, setBackend, tensor, Tensor } from '../../src/index.js';
import { relu } from '../../src/ops/unary.js';
import { reluGrad } from '../../src/ops/relu-grad.js';
import { addonStatus } from '../../src/backend/native/load.js';
import { nonContiguous, uniform } from '../helpers.js';

/** The chain relu's rule used to be. */
const chain = (g: Tensor, out: Tensor): Tensor => g.mul(out.gt(0).to(g.dtype));

/** Runs fn on the js backend and, when the addon loaded, on the native one. */
function onEachBackend(fn: (name: string) => void): void {
  const previous = backend().name;
  try {
    for (const name of addonStatus.addon === null ? ['js'] : ['js', 'native']) {
      setBackend(name);
      fn(name);
    }
  } finally {
    setBackend(previous);
  }
}

function assertIdentical(a: Tensor, b: Tensor, what: string): void {
  assert.deepEqual(a.shape, b.shape, `${what}: shape`);
  assert.equal(a.dtype, b.dtype, `${what}: dtype`);
  const x = a.toArray();
  const y = b.toArray();
  for (let i = 0; i < x.length; i++) {
    assert.ok(Object.is(x[i], y[i]) || (Number.isNaN(x[i]!) && Number.isNaN(y[i]!)), `${what}: element ${i} is ${x[i]}, the chain gives ${y[i]}`);
  }
}

test('reluGrad: hand-computed values, -0 where a negative g is masked, NaN for a masked Infinity', () => {
  onEachBackend((name) => {
    const r = reluGrad(tensor([1, 2, 3, -4, Infinity, 5]), tensor([0, 0.5, 2, 0, -1, NaN])).toArray();
    assert.deepEqual(Array.from(r.slice(0, 3)), [0, 2, 3], name);
    assert.ok(Object.is(r[3], -0), `${name}: -4 * 0 is -0, got ${r[3]}`);
    assert.ok(Number.isNaN(r[4]!), `${name}: Infinity * 0 is NaN, got ${r[4]}`);
    assert.equal(r[5], 0, `${name}: a NaN output masks its gradient`);
  });
});

test('reluGrad: the chain values bit for bit on odd sizes, specials and strided operands, both backends', () => {
  const specials = [0, -0, 1e-45, -1e-45, Infinity, -Infinity, NaN, 3, -3];
  onEachBackend((name) => {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const n of [1, 7, 255, 1031, 40961]) {
        const out = relu(cat([uniform([n], { seed: n, dtype, low: -2, high: 2 }), tensor(specials, { dtype })]));
        const g = cat([uniform([n], { seed: n + 1, dtype, low: -3, high: 3 }), tensor([...specials].reverse(), { dtype })]);
        const what = `${name} ${dtype} n=${n}`;
        assertIdentical(reluGrad(g, out), chain(g, out), what);
        assertIdentical(reluGrad(nonContiguous(g), out), chain(g, out), `${what} strided g`);
        assertIdentical(reluGrad(g, nonContiguous(out)), chain(g, out), `${what} strided out`);
      }
      // a transposed 2-d g, as a gradient arriving through a permute does
      const out = relu(uniform([37, 53], { seed: 5, dtype }));
      const g = uniform([53, 37], { seed: 6, dtype }).transpose(0, 1);
      assertIdentical(reluGrad(g, out), chain(g, out), `${name} ${dtype} transposed g`);
    }
  });
});

test('reluGrad: operands of other dtypes or shapes take the chain', () => {
  const out = relu(uniform([4, 3], { seed: 2, dtype: 'float64' }));
  const g = uniform([3], { seed: 3 }); // float32, broadcast over rows
  assertIdentical(reluGrad(g, out), chain(g, out), 'broadcast mixed dtype');
  assert.deepEqual(reluGrad(g, out).shape, [4, 3]);
});

test('relu: backward and double backward through the fused rule (float64 gradcheck, gradgradcheck)', () => {
  onEachBackend(() => {
    // inputs kept away from the kink at 0, where the derivative is not defined
    const x = uniform([5, 53], { seed: 8, dtype: 'float64', low: 0.1, high: 2 }).mul(uniform([5, 53], { seed: 9, dtype: 'float64' }).sign()).requiresGrad_(true);
    assert.ok(gradcheck((t) => relu(t).mul(t), [x]));
    assert.ok(gradgradcheck((t) => relu(t).mul(t), [x]));
    const g = uniform([5, 53], { seed: 10, dtype: 'float64' }).requiresGrad_(true);
    const out = relu(x.detach());
    assert.ok(gradcheck((a) => reluGrad(a, out), [g]));
    assert.ok(gradgradcheck((a) => reluGrad(a, out).square(), [g]));
    // relu'(x) = 1 for x > 0 and 0 otherwise, through autograd
    const y = tensor([-1, 0, 2, 3], { dtype: 'float64' }).requiresGrad_(true);
    relu(y).sum().backward();
    assert.deepEqual(Array.from(y.grad!.toArray()), [0, 0, 1, 1]);
  });
});
