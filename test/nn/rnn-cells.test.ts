import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nn, tensor, gradcheck, manualSeed, Tensor } from '../../src/index.js';
import { assertClose, uniform } from '../helpers.js';

const set = (p: Tensor | null, values: number[] | number[][]) => p!.requiresGrad_(false).copy_(tensor(values)).requiresGrad_(true);
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Float64 gradcheck of a cell's forward with respect to its inputs and all its parameters. */
function gradcheckCell(m: nn.Module, run: (...xs: Tensor[]) => Tensor | Tensor[], inputs: Tensor[]): boolean {
  m.double();
  const xs = inputs.map((x) => x.requiresGrad_(true));
  return gradcheck((...args: Tensor[]) => run(...args.slice(0, xs.length)), [...xs, ...m.parameters()]);
}

describe('RNNCell', () => {
  it('computes act(x W_ih^T + b_ih + h W_hh^T + b_hh) with tanh and relu', () => {
    for (const nonlinearity of ['tanh', 'relu'] as const) {
      const cell = new nn.RNNCell(2, 1, { nonlinearity });
      set(cell.weight_ih, [[0.5, -1]]);
      set(cell.weight_hh, [[2]]);
      set(cell.bias_ih, [0.1]);
      set(cell.bias_hh, [-0.3]);
      // x = [1, 2], h = 0.25: 0.5 - 2 + 0.1 + 0.5 - 0.3 = -1.2; x = [3, 1], h = -0.5: 1.5 - 1 + 0.1 - 1 - 0.3 = -0.7
      const pre = [-1.2, -0.7];
      const act = nonlinearity === 'tanh' ? Math.tanh : (v: number) => Math.max(0, v);
      assertClose(cell.forward(tensor([[1, 2], [3, 1]]), tensor([[0.25], [-0.5]])), [[act(pre[0]!)], [act(pre[1]!)]]);
    }
  });

  it('defaults to a zero state, takes unbatched inputs and checks shapes', () => {
    const cell = new nn.RNNCell(3, 4);
    const x = uniform([2, 3], { seed: 3 });
    assertClose(cell.forward(x), cell.forward(x, tensor(new Float32Array(8), { shape: [2, 4] })));
    assertClose(cell.forward(x.select(0, 1)), cell.forward(x).select(0, 1));
    assert.throws(() => cell.forward(uniform([2, 5])), /RNNCell: expected input \[batch, 3\] or \[3\], got \[2,5\]/);
    assert.throws(() => cell.forward(x, uniform([3, 4])), /RNNCell: h must be \[2,4\]/);
    assert.throws(() => new nn.RNNCell(3, 4, { nonlinearity: 'sigmoid' as 'tanh' }), /RNNCell: nonlinearity must be 'tanh' or 'relu'/);
  });

  it('passes gradcheck in float64', () => {
    const cell = new nn.RNNCell(3, 2);
    assert.ok(gradcheckCell(cell, (x, h) => cell.forward(x, h), [uniform([2, 3], { dtype: 'float64' }), uniform([2, 2], { dtype: 'float64', seed: 2 })]));
  });
});

describe('LSTMCell', () => {
  it('matches the equations written out by hand (gate order i, f, g, o)', () => {
    const cell = new nn.LSTMCell(1, 1);
    set(cell.weight_ih, [[0.5], [-0.5], [1], [2]]);
    set(cell.weight_hh, [[0.1], [0.2], [0.3], [0.4]]);
    set(cell.bias_ih, [0.1, 0.2, 0.3, 0.4]);
    set(cell.bias_hh, [0, -0.1, 0.1, -0.2]);
    const x = 0.7;
    const h = -0.4;
    const c = 0.9;
    const i = sigmoid(0.5 * x + 0.1 * h + 0.1);
    const f = sigmoid(-0.5 * x + 0.2 * h + 0.1);
    const g = Math.tanh(1 * x + 0.3 * h + 0.4);
    const o = sigmoid(2 * x + 0.4 * h + 0.2);
    const c1 = f * c + i * g;
    const h1 = o * Math.tanh(c1);
    const [hOut, cOut] = cell.forward(tensor([[x]]), [tensor([[h]]), tensor([[c]])]);
    assertClose(hOut, [[h1]]);
    assertClose(cOut, [[c1]]);
  });

  it('has PyTorch parameter names and shapes, and initializes within 1/sqrt(hidden)', () => {
    manualSeed(1);
    const cell = new nn.LSTMCell(3, 16);
    assert.deepEqual(Object.keys(cell.stateDict()), ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']);
    assert.deepEqual(cell.weight_ih.shape, [64, 3]);
    assert.deepEqual(cell.weight_hh.shape, [64, 16]);
    for (const p of cell.parameters()) {
      const v = p.toArray();
      assert.ok(Math.max(...v) <= 0.25 && Math.min(...v) >= -0.25);
    }
    assert.deepEqual(Object.keys(new nn.GRUCell(3, 4, { bias: false }).stateDict()), ['weight_ih', 'weight_hh']);
  });

  it('takes unbatched inputs and rejects a malformed state', () => {
    const cell = new nn.LSTMCell(2, 3);
    const x = uniform([2], { seed: 4 });
    const [h, c] = cell.forward(x);
    assert.deepEqual(h.shape, [3]);
    const [hb, cb] = cell.forward(x.unsqueeze(0));
    assertClose(h, hb.squeeze(0));
    assertClose(c, cb.squeeze(0));
    assert.throws(() => cell.forward(x, [h] as unknown as [Tensor, Tensor]), /LSTMCell: hx must be a pair \[h, c\]/);
  });

  it('passes gradcheck in float64', () => {
    const cell = new nn.LSTMCell(2, 2);
    const run = (x: Tensor, h: Tensor, c: Tensor) => cell.forward(x, [h, c]);
    assert.ok(gradcheckCell(cell, run, [uniform([2, 2], { dtype: 'float64' }), uniform([2, 2], { dtype: 'float64', seed: 2 }), uniform([2, 2], { dtype: 'float64', seed: 3 })]));
  });
});

describe('GRUCell', () => {
  it('matches the equations by hand, with b_hn inside the reset product', () => {
    const cell = new nn.GRUCell(1, 1);
    set(cell.weight_ih, [[0.5], [-0.5], [1]]);
    set(cell.weight_hh, [[0.1], [0.2], [0.3]]);
    set(cell.bias_ih, [0.1, 0.2, 0.3]);
    set(cell.bias_hh, [0.05, -0.1, 0.7]);
    const x = 0.7;
    const h = -0.4;
    const r = sigmoid(0.5 * x + 0.1 + 0.1 * h + 0.05);
    const z = sigmoid(-0.5 * x + 0.2 + 0.2 * h - 0.1);
    const n = Math.tanh(1 * x + 0.3 + r * (0.3 * h + 0.7));
    assertClose(cell.forward(tensor([[x]]), tensor([[h]])), [[(1 - z) * n + z * h]]);
  });

  it('passes gradcheck in float64', () => {
    const cell = new nn.GRUCell(2, 3);
    assert.ok(gradcheckCell(cell, (x, h) => cell.forward(x, h), [uniform([2, 2], { dtype: 'float64' }), uniform([2, 3], { dtype: 'float64', seed: 2 })]));
  });
});
