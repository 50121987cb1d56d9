import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nn, tensor, gradcheck, manualSeed, Tensor } from '../../src/index.js';
import { assertClose, uniform } from '../helpers.js';

/** Float64 gradcheck of a module's forward with respect to its inputs and all its parameters. */
function gradcheckModule(m: nn.Module, inputs: Tensor[]): boolean {
  m.double();
  const xs = inputs.map((x) => x.requiresGrad_(true));
  return gradcheck((...args: Tensor[]) => m.forward(...args.slice(0, xs.length)), [...xs, ...m.parameters()]);
}

const set = (p: Tensor, values: number[] | number[][] | number[][][]) => p.requiresGrad_(false).copy_(tensor(values)).requiresGrad_(true);

describe('Linear', () => {
  it('computes x W^T + b on batches and on extra leading dims', () => {
    const fc = new nn.Linear(2, 3);
    set(fc.weight, [[1, 2], [3, 4], [5, 6]]);
    set(fc.bias!, [1, 0, -1]);
    assertClose(fc.forward(tensor([[1, 1], [0, 2]])), [[4, 7, 10], [5, 8, 11]]);
    assertClose(fc.forward(tensor([[[1, 1]], [[0, 2]]])), [[[4, 7, 10]], [[5, 8, 11]]]);
    assertClose(fc.forward(tensor([1, 1])), [4, 7, 10]);
  });

  it("initializes like PyTorch: weight and bias within 1/sqrt(inFeatures)", () => {
    manualSeed(0);
    const fc = new nn.Linear(16, 200);
    const bound = 1 / 4;
    for (const t of [fc.weight, fc.bias!]) {
      const v = t.toArray();
      assert.ok(Math.max(...v) <= bound && Math.min(...v) >= -bound);
      assert.ok(Math.max(...v) > 0.9 * bound && Math.min(...v) < -0.9 * bound);
    }
    assert.deepEqual(fc.weight.shape, [200, 16]);
    assert.equal(fc.weight.requiresGrad, true);
  });

  it('bias: false, float64, names and printing', () => {
    const fc = new nn.Linear(3, 2, { bias: false, dtype: 'float64' });
    assert.equal(fc.bias, null);
    assert.equal(fc.weight.dtype, 'float64');
    assert.deepEqual(Object.keys(fc.stateDict()), ['weight']);
    assert.equal(fc.toString(), 'Linear(inFeatures=3, outFeatures=2, bias=false)  # 6 params, 6 trainable');
  });

  it('passes gradcheck in float64', () => {
    const fc = new nn.Linear(3, 2);
    assert.ok(gradcheckModule(fc, [uniform([4, 3], { dtype: 'float64', seed: 1 })]));
  });

  it('rejects mismatched inputs and bad sizes', () => {
    const fc = new nn.Linear(3, 2);
    assert.throws(() => fc.forward(tensor([[1, 2]])), /linear: input \[1,2\] does not end in 3 features \(weight \[2,3\]\)/);
    assert.throws(() => new nn.Linear(-1, 2), /Linear: inFeatures must be an integer >= 0, got -1/);
    assert.throws(() => new nn.Linear(2, 2, { dtype: 'int32' as 'float32' }), /dtype must be 'float32' or 'float64'/);
  });

  it('functional linear accepts a 1-D weight', () => {
    assertClose(nn.functional.linear(tensor([[1, 2], [3, 4]]), tensor([1, -1]), tensor(0.5)), [-0.5, -0.5]);
  });
});

describe('Bilinear', () => {
  it('computes x1^T A_k x2 + b_k', () => {
    const m = new nn.Bilinear(2, 2, 2);
    set(m.weight, [[[1, 2], [3, 4]], [[0, 1], [0, 0]]]);
    set(m.bias!, [0.5, 0]);
    // k = 0: [1, 2] A0 [3, -1] = [1, 2] . [1, 5] = 11; k = 1: x1_0 * x2_1 = -1.
    assertClose(m.forward(tensor([[1, 2]]), tensor([[3, -1]])), [[11.5, -1]]);
  });

  it('initializes within 1/sqrt(in1Features) and passes gradcheck', () => {
    manualSeed(1);
    const m = new nn.Bilinear(4, 3, 5);
    assert.deepEqual(m.weight.shape, [5, 4, 3]);
    for (const v of [...m.weight.toArray(), ...m.bias!.toArray()]) assert.ok(Math.abs(v) <= 0.5);
    assert.ok(gradcheckModule(m, [uniform([2, 4], { dtype: 'float64', seed: 2 }), uniform([2, 3], { dtype: 'float64', seed: 3 })]));
  });

  it('rejects mismatched inputs', () => {
    const m = new nn.Bilinear(2, 3, 1);
    assert.throws(() => m.forward(tensor([[1, 2]]), tensor([[1, 2]])), /bilinear: input2 \[1,2\] does not end in 3 features/);
    assert.throws(() => m.forward(tensor([[1, 2], [1, 2]]), tensor([[1, 2, 3]])), /same leading dims/);
  });
});
