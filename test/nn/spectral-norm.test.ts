import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gradcheck, manualSeed, nn, tensor, type Tensor } from '../../src/index.js';
import { assertClose, assertThrowsMatching, uniform } from '../helpers.js';

const f64 = { dtype: 'float64' } as const;

/** The largest singular value of a matrix, by power iteration on A^T A run to convergence (plain JS). */
function topSingularValue(a: number[][]): number {
  const n = a[0]!.length;
  let v = Array.from({ length: n }, (_, i) => 1 + i / n);
  let sigma = 0;
  for (let it = 0; it < 5000; it++) {
    const av = a.map((row) => row.reduce((s, x, j) => s + x * v[j]!, 0));
    const atav = v.map((_, j) => a.reduce((s, row, i) => s + row[j]! * av[i]!, 0));
    const norm = Math.hypot(...atav);
    v = atav.map((x) => x / norm);
    sigma = Math.sqrt(norm);
  }
  return sigma;
}

function matrix(t: Tensor): number[][] {
  return t.detach().reshape([t.shape[0]!, -1]).to('float64').tolist() as number[][];
}

/** A float64 Linear layer holding `w` as its weight. */
function linearWith(w: number[][]): nn.Linear {
  const layer = new nn.Linear(w[0]!.length, w.length, f64);
  layer.weight.data.set(w.flat());
  return layer;
}

const weightOf = (m: nn.Module): Tensor => (m as unknown as { weight: Tensor }).weight;

describe('spectralNorm', () => {
  it("registers PyTorch's weight_orig parameter and weight_u, weight_v buffers", () => {
    manualSeed(0);
    const layer = nn.spectralNorm(new nn.Linear(3, 4));
    assert.deepEqual(Object.keys(layer.stateDict()), ['bias', 'weight_orig', 'weight_u', 'weight_v']);
    assert.deepEqual([...layer.namedParameters()].map(([n]) => n), ['bias', 'weight_orig']);
    const u = layer.getBuffer('weight_u')!;
    const v = layer.getBuffer('weight_v')!;
    assert.deepEqual([u.shape, v.shape], [[4], [3]]);
    assertClose(u.norm(), 1, { atol: 1e-6 });
    assertClose(v.norm(), 1, { atol: 1e-6 });
    // `weight` is a plain tensor now (not a parameter), recomputed before every forward.
    assert.ok(!(weightOf(layer) instanceof nn.Parameter));
  });

  it('divides a known matrix by its largest singular value after a few training steps', () => {
    manualSeed(1);
    // Singular values 2 and 1: power iteration converges like (1/2)^(2k).
    const layer = nn.spectralNorm(linearWith([[2, 0, 0], [0, 1, 0]]));
    for (let i = 0; i < 25; i++) layer.forward(tensor([[1, 1, 1]], f64));
    assertClose(weightOf(layer), [[1, 0, 0], [0, 0.5, 0]], { atol: 1e-9 });
  });

  it('brings the largest singular value of a random weight to 1', () => {
    manualSeed(2);
    const w = matrix(uniform([5, 4], { seed: 3, dtype: 'float64' }));
    const sigma = topSingularValue(w);
    const layer = nn.spectralNorm(linearWith(w), { nPowerIterations: 200 });
    const x = uniform([2, 4], { seed: 4, dtype: 'float64' });
    const y = layer.forward(x);
    assertClose(tensor([topSingularValue(matrix(weightOf(layer)))], f64), [1], { rtol: 1e-6 });
    assertClose(weightOf(layer), tensor(w, f64).div(sigma), { rtol: 1e-6, atol: 1e-9 });
    // The forward uses the normalized weight.
    assertClose(y, x.matmul(tensor(w, f64).div(sigma).T).add(layer.bias!), { rtol: 1e-6, atol: 1e-9 });
  });

  it('updates u and v only in training mode', () => {
    manualSeed(3);
    const layer = nn.spectralNorm(new nn.Linear(3, 3, f64));
    const x = uniform([1, 3], { seed: 5, dtype: 'float64' });
    const u0 = layer.getBuffer('weight_u')!.clone();
    layer.forward(x);
    const u1 = layer.getBuffer('weight_u')!.clone();
    assert.ok(u1.sub(u0).abs().max().item() > 1e-6, 'training forward updates u');
    layer.eval();
    const y1 = layer.forward(x);
    const y2 = layer.forward(x);
    assertClose(layer.getBuffer('weight_u')!, u1);
    assertClose(y2, y1);
    // Eval mode: sigma = u^T W v with the stored vectors.
    const w = layer.getParameter('weight_orig')!;
    const sigma = layer.getBuffer('weight_u')!.dot(w.matmul(layer.getBuffer('weight_v')!));
    assertClose(weightOf(layer), w.div(sigma));
  });

  it('passes gradcheck through sigma (eval mode, u and v fixed)', () => {
    manualSeed(4);
    const layer = nn.spectralNorm(new nn.Linear(3, 2, f64));
    layer.forward(uniform([1, 3], { seed: 6, dtype: 'float64' })); // one power-iteration step
    layer.eval();
    const x = uniform([2, 3], { seed: 7, dtype: 'float64' }).requiresGrad_(true);
    assert.ok(gradcheck((input) => layer.forward(input), [x, ...layer.parameters()]));
  });

  it('uses dim 0 for Conv2d and dim 1 for ConvTranspose2d', () => {
    const conv = nn.spectralNorm(new nn.Conv2d(2, 5, 3));
    assert.deepEqual([conv.getBuffer('weight_u')!.shape, conv.getBuffer('weight_v')!.shape], [[5], [18]]);
    const deconv = nn.spectralNorm(new nn.ConvTranspose2d(2, 5, 3));
    assert.deepEqual([deconv.getBuffer('weight_u')!.shape, deconv.getBuffer('weight_v')!.shape], [[5], [18]]);
    const y = conv.forward(uniform([1, 2, 4, 4], { seed: 8 }));
    assert.deepEqual(y.shape, [1, 5, 2, 2]);
  });

  it('round-trips its state dict', () => {
    manualSeed(5);
    const a = nn.spectralNorm(new nn.Linear(3, 2, f64));
    a.forward(uniform([1, 3], { seed: 9, dtype: 'float64' }));
    const b = nn.spectralNorm(new nn.Linear(3, 2, f64));
    b.loadStateDict(a.stateDict());
    a.eval();
    b.eval();
    const x = uniform([2, 3], { seed: 10, dtype: 'float64' });
    assertClose(b.forward(x), a.forward(x));
  });

  it('is undone by removeSpectralNorm, keeping the normalized weight', () => {
    manualSeed(6);
    const layer = nn.spectralNorm(linearWith([[2, 0], [0, 1]]), { nPowerIterations: 30 });
    layer.forward(tensor([[1, 1]], f64));
    nn.removeSpectralNorm(layer);
    assert.deepEqual(Object.keys(layer.stateDict()), ['bias', 'weight']);
    assert.ok(layer.weight instanceof nn.Parameter);
    assertClose(layer.weight, [[1, 0], [0, 0.5]], { atol: 1e-9 });
  });

  it('rejects a second application, a missing parameter and bad options', () => {
    const layer = nn.spectralNorm(new nn.Linear(2, 2));
    assertThrowsMatching(() => nn.spectralNorm(layer), /^spectralNorm: 'weight' of Linear is already spectrally normalized/);
    assertThrowsMatching(() => nn.spectralNorm(new nn.Linear(2, 2), { name: 'kernel' }), /^spectralNorm: Linear has no parameter 'kernel'/);
    assertThrowsMatching(() => nn.spectralNorm(new nn.Linear(2, 2), { nPowerIterations: 0 }), /^spectralNorm: nPowerIterations must be a positive integer/);
    assertThrowsMatching(() => nn.removeSpectralNorm(new nn.Linear(2, 2)), /^removeSpectralNorm: 'weight' of Linear is not spectrally normalized/);
  });
});
