import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gradcheck, gradgradcheck, manualSeed, nn, noGrad, tensor, type Tensor } from '../../src/index.js';
import { assertClose, assertThrowsMatching, uniform } from '../helpers.js';

const f64 = { dtype: 'float64' } as const;
const weightOf = (m: nn.Module): Tensor => (m as unknown as { weight: Tensor }).weight;

describe('weightNorm', () => {
  it("registers PyTorch's weight_g and weight_v and reproduces the original weight", () => {
    manualSeed(0);
    const layer = new nn.Linear(3, 4, f64);
    const original = layer.weight.clone();
    nn.weightNorm(layer);
    assert.deepEqual(Object.keys(layer.stateDict()), ['bias', 'weight_g', 'weight_v']);
    const g = layer.getParameter('weight_g')!;
    assert.deepEqual(g.shape, [4, 1]);
    assertClose(g, original.norm(2, 1, true));
    assertClose(layer.getParameter('weight_v')!, original);
    assertClose(weightOf(layer), original);
    const x = uniform([2, 3], { seed: 1, dtype: 'float64' });
    assertClose(layer.forward(x), x.matmul(original.T).add(layer.bias!));
  });

  it('computes g v / ||v|| for a known weight, per row (dim 0), per column (dim 1) or whole (null)', () => {
    const w = [[3, 4], [0, 2]];
    const make = (): nn.Linear => {
      const l = new nn.Linear(2, 2, f64);
      l.weight.data.set(w.flat());
      return l;
    };
    const rows = nn.weightNorm(make());
    assertClose(rows.getParameter('weight_g')!, [[5], [2]]);
    noGrad(() => rows.getParameter('weight_g')!.copy_(tensor([[10], [1]], f64)));
    rows.forward(tensor([[0, 0]], f64));
    assertClose(weightOf(rows), [[6, 8], [0, 1]]);
    const cols = nn.weightNorm(make(), { dim: 1 });
    assertClose(cols.getParameter('weight_g')!, [[3, Math.sqrt(20)]]);
    const whole = nn.weightNorm(make(), { dim: null });
    assert.deepEqual(whole.getParameter('weight_g')!.shape, []);
    assertClose(whole.getParameter('weight_g')!, Math.sqrt(29));
    assertClose(weightOf(whole), w);
  });

  it('passes gradcheck and gradgradcheck with respect to g, v, bias and the input', () => {
    manualSeed(1);
    const layer = nn.weightNorm(new nn.Linear(3, 2, f64));
    const x = uniform([2, 3], { seed: 2, dtype: 'float64' }).requiresGrad_(true);
    const params = layer.parameters();
    assert.deepEqual(params.map((p) => p.shape), [[2], [2, 1], [2, 3]]);
    assert.ok(gradcheck((input) => layer.forward(input), [x, ...params]));
    assert.ok(gradgradcheck((input) => layer.forward(input), [x, ...params]));
  });

  it('keeps one magnitude per output channel of a Conv2d', () => {
    manualSeed(2);
    const conv = new nn.Conv2d(2, 3, 3);
    const original = conv.weight.clone();
    nn.weightNorm(conv);
    assert.deepEqual(conv.getParameter('weight_g')!.shape, [3, 1, 1, 1]);
    const x = uniform([1, 2, 4, 4], { seed: 3 });
    conv.forward(x);
    assertClose(weightOf(conv), original, { atol: 1e-6 });
  });

  it('round-trips its state dict and is undone by removeWeightNorm', () => {
    manualSeed(3);
    const a = nn.weightNorm(new nn.Linear(2, 3, f64));
    noGrad(() => a.getParameter('weight_g')!.mul_(2));
    const b = nn.weightNorm(new nn.Linear(2, 3, f64));
    b.loadStateDict(a.stateDict());
    const x = uniform([2, 2], { seed: 4, dtype: 'float64' });
    assertClose(b.forward(x), a.forward(x));
    const expected = weightOf(a).detach().clone();
    nn.removeWeightNorm(a);
    assert.deepEqual(Object.keys(a.stateDict()), ['bias', 'weight']);
    assert.ok(a.weight instanceof nn.Parameter);
    assertClose(a.weight, expected);
  });

  it('rejects a second application and a missing parameter', () => {
    const layer = nn.weightNorm(new nn.Linear(2, 2));
    assertThrowsMatching(() => nn.weightNorm(layer), /^weightNorm: 'weight' of Linear is already weight-normalized/);
    assertThrowsMatching(() => nn.weightNorm(new nn.Linear(2, 2), { name: 'w' }), /^weightNorm: Linear has no parameter 'w'/);
    assertThrowsMatching(() => nn.weightNorm(new nn.Linear(2, 2), { dim: 2 }), /^weightNorm: dim 2 is out of range/);
    assertThrowsMatching(() => nn.removeWeightNorm(new nn.Linear(2, 2)), /^removeWeightNorm: 'weight' of Linear is not weight-normalized/);
  });
});
