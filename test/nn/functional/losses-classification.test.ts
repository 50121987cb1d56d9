/**
 * Classification losses. Expected values are computed by hand in the test (logsumexp written out),
 * or, where the formula has many parts (label smoothing with weights and ignored targets), taken from
 * PyTorch 1.13 in float64 on the same inputs.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gradcheck, gradgradcheck, tensor, type Tensor } from '../../../src/index.js';
import { nn } from '../../../src/index.js';
import { assertClose, assertThrowsMatching, uniform } from '../../helpers.js';

const F = nn.functional;
const f64 = { dtype: 'float64' as const };
const int = (values: number | number[] | number[][]): Tensor => tensor(values, { dtype: 'int32' });
const lse = (row: number[]): number => {
  const m = Math.max(...row);
  return m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
};

// Shared inputs (the PyTorch reference values below use these).
const X = [
  [1.0, 2.0, 3.0],
  [0.5, -1.0, 2.0],
  [-0.3, 0.8, 0.1],
  [2.5, 0.0, -1.5],
];
const T = [2, 0, 1, 1];
const W = [0.5, 2.0, 1.5];
const perRow = X.map((row, i) => lse(row) - row[T[i]!]!);

describe('crossEntropy with class indices', () => {
  it('is the mean of logsumexp(x) - x[t], by hand', () => {
    const loss = F.crossEntropy(tensor(X, f64), int(T));
    assertClose(loss, perRow.reduce((a, b) => a + b) / 4);
    assert.deepEqual(loss.shape, []);
  });

  it('supports every reduction', () => {
    assertClose(F.crossEntropy(tensor(X, f64), int(T), { reduction: 'none' }), perRow);
    assertClose(F.crossEntropy(tensor(X, f64), int(T), { reduction: 'sum' }), perRow.reduce((a, b) => a + b));
  });

  it('works in float32 with float32 results', () => {
    const loss = F.crossEntropy(tensor(X), int(T));
    assert.equal(loss.dtype, 'float32');
    assertClose(loss, perRow.reduce((a, b) => a + b) / 4);
  });

  it('weights each target by its class and divides the mean by the summed weights', () => {
    const w = T.map((t) => W[t]!);
    const weighted = perRow.map((l, i) => l * w[i]!);
    const total = weighted.reduce((a, b) => a + b);
    assertClose(F.crossEntropy(tensor(X, f64), int(T), { weight: tensor(W, f64) }), total / w.reduce((a, b) => a + b));
    assertClose(F.crossEntropy(tensor(X, f64), int(T), { weight: tensor(W, f64), reduction: 'sum' }), total);
    assertClose(F.crossEntropy(tensor(X, f64), int(T), { weight: tensor(W, f64), reduction: 'none' }), weighted);
  });

  it('skips ignoreIndex targets: no loss, no gradient, not counted in the mean', () => {
    const x = tensor(X, { dtype: 'float64', requiresGrad: true });
    const loss = F.crossEntropy(x, int([2, -100, 1, -100]));
    assertClose(loss, (perRow[0]! + perRow[2]!) / 2);
    loss.backward();
    assert.deepEqual(x.grad!.select(0, 1).tolist(), [0, 0, 0]);
    assert.deepEqual(x.grad!.select(0, 3).tolist(), [0, 0, 0]);
    // A custom ignoreIndex, which may also be a valid class.
    assertClose(F.crossEntropy(tensor(X, f64), int(T), { ignoreIndex: 1 }), (perRow[0]! + perRow[1]!) / 2);
    assertClose(F.crossEntropy(tensor(X, f64), int([2, -100, 1, -100]), { reduction: 'none' }), [perRow[0]!, 0, perRow[2]!, 0]);
  });

  it('gives NaN for the mean and 0 for the sum when every target is ignored (as PyTorch)', () => {
    assert.ok(Number.isNaN(F.crossEntropy(tensor(X), int([-100, -100, -100, -100])).item()));
    assert.equal(F.crossEntropy(tensor(X), int([-100, -100, -100, -100]), { reduction: 'sum' }).item(), 0);
  });

  it('mixes in the uniform distribution with labelSmoothing', () => {
    // By hand, without weights: (1 - s) * nll + s / C * mean over rows of -sum_c log p_c.
    const s = 0.2;
    const uniformTerm = X.map((row) => row.reduce((acc, v) => acc + (lse(row) - v), 0) / 3);
    const expected = X.map((_, i) => (1 - s) * perRow[i]! + s * uniformTerm[i]!).reduce((a, b) => a + b) / 4;
    assertClose(F.crossEntropy(tensor(X, f64), int(T), { labelSmoothing: s }), expected);
    assertClose(F.crossEntropy(tensor(X, f64), int(T), { labelSmoothing: s }), 1.400485947639008); // PyTorch
  });

  it('matches PyTorch with weights, label smoothing and ignored targets together', () => {
    const w = tensor(W, f64);
    const t = int([2, -100, 1, 1]);
    const o = { weight: w, labelSmoothing: 0.2 };
    assertClose(F.crossEntropy(tensor(X, f64), int(T), o), 1.359131707508227);
    assertClose(F.crossEntropy(tensor(X, f64), t, o), 1.262530190414168);
    assertClose(F.crossEntropy(tensor(X, f64), t, { ...o, reduction: 'sum' }), 6.943916047277925);
    assertClose(F.crossEntropy(tensor(X, f64), t, { ...o, reduction: 'none' }), [0.797822081185091, 0, 1.234168551185987, 4.911925414906848]);
  });

  it('takes extra dims [N, C, d1] with targets [N, d1] (PyTorch values)', () => {
    const x = tensor(
      [
        [[0.2, -0.4], [1.0, 0.3], [-0.7, 0.9]],
        [[0.0, 0.5], [-1.2, 0.8], [0.6, -0.1]],
      ],
      f64,
    );
    const t = int([[2, 0], [1, -100]]);
    const o = { weight: tensor(W, f64), labelSmoothing: 0.1 };
    assertClose(F.crossEntropy(x, t, { ...o, reduction: 'none' }), [[3.119890631056718, 0.996418386387392], [4.411862315965148, 0]]);
    assertClose(F.crossEntropy(x, t, o), 2.132042833352314);
    // The same as moving the class dim last and flattening.
    const flat = x.permute(0, 2, 1).reshape([4, 3]);
    assertClose(F.crossEntropy(x, t), F.crossEntropy(flat, t.reshape([4])));
  });

  it('takes an unbatched input [C] with a 0-d target', () => {
    const loss = F.crossEntropy(tensor(X[0]!, f64), int(2));
    assertClose(loss, perRow[0]!);
    assertClose(F.crossEntropy(tensor(X[0]!, f64), tensor(2, { dtype: 'int32' }), { reduction: 'none' }), perRow[0]!);
  });

  it('has the gradient (softmax - onehot) / N', () => {
    const x = tensor(X, { dtype: 'float64', requiresGrad: true });
    F.crossEntropy(x, int(T)).backward();
    const expected = X.map((row, i) => row.map((v, c) => (Math.exp(v - lse(row)) - (c === T[i] ? 1 : 0)) / 4));
    assertClose(x.grad!, expected);
  });

  it('stays finite for huge logits', () => {
    const loss = F.crossEntropy(tensor([[1000, 0], [0, -1000]]), int([1, 0]), { reduction: 'none' });
    assertClose(loss, [1000, 0]);
  });
});

describe('crossEntropy with class probabilities', () => {
  const P = [
    [0.1, 0.2, 0.7],
    [0.3, 0.3, 0.4],
    [1.0, 0.0, 0.0],
    [0.25, 0.25, 0.5],
  ];

  it('is -sum_c p_c log softmax(x)_c, by hand', () => {
    const rows = X.map((row, i) => row.reduce((acc, v, c) => acc - P[i]![c]! * (v - lse(row)), 0));
    assertClose(F.crossEntropy(tensor(X, f64), tensor(P, f64), { reduction: 'none' }), rows);
    assertClose(F.crossEntropy(tensor(X, f64), tensor(P, f64)), 1.705902614305675); // PyTorch
  });

  it('equals the class-index loss for one-hot targets', () => {
    const oneHot = T.map((t) => [0, 1, 2].map((c) => (c === t ? 1 : 0)));
    assertClose(F.crossEntropy(tensor(X, f64), tensor(oneHot, f64)), F.crossEntropy(tensor(X, f64), int(T)));
  });

  it('matches PyTorch with weights and label smoothing (the mean divides by N, not by weights)', () => {
    const o = { weight: tensor(W, f64), labelSmoothing: 0.3 };
    assertClose(F.crossEntropy(tensor(X, f64), tensor(P, f64), o), 2.215365691576352);
    assertClose(F.crossEntropy(tensor(X, f64), tensor(P, f64), { ...o, reduction: 'none' }), [
      1.241028648444352, 2.417063694003876, 0.998014150030084, 4.205356273827095,
    ]);
  });

  it('rejects ignoreIndex, which applies only to class indices', () => {
    assertThrowsMatching(() => F.crossEntropy(tensor(X), tensor(P), { ignoreIndex: 0 }), /crossEntropy: ignoreIndex 0 applies only to class-index targets/);
  });
});

describe('crossEntropy and nllLoss validation', () => {
  const x = tensor([[1, 2, 3, 4, 5], [1, 2, 3, 4, 5], [1, 2, 3, 4, 5], [1, 2, 3, 4, 5]]);
  it('names the class that is out of range', () => {
    assertThrowsMatching(() => F.crossEntropy(x, int([1, 2, 7, 0])), /^crossEntropy: target \[4\] has class 7 but input \[4,5\] has 5 classes$/);
    assertThrowsMatching(() => F.crossEntropy(x, int([1, -1, 0, 0])), /crossEntropy: target \[4\] has class -1 but input \[4,5\] has 5 classes/);
    assertThrowsMatching(() => F.nllLoss(x, int([5, 0, 0, 0])), /nllLoss: target \[4\] has class 5/);
  });

  it('checks the target shape and dtype', () => {
    assertThrowsMatching(() => F.crossEntropy(x, int([1, 2, 3])), /crossEntropy: target \[3\] does not match input \[4,5\]: expected shape \[4\]/);
    assertThrowsMatching(() => F.crossEntropy(x, tensor([1, 2, 3, 0])), /crossEntropy: a floating target holds class probabilities and must have the input's shape \[4,5\], got \[4\]; class indices must be int32 of shape \[4\]/);
    assertThrowsMatching(() => F.crossEntropy(x, tensor([true, false, true, true])), /crossEntropy: target must be an int32 tensor of class indices of shape \[4\], got a bool tensor/);
    assertThrowsMatching(() => F.nllLoss(x, tensor([1, 2, 3, 0])), /nllLoss: target must be an int32 tensor/);
    assertThrowsMatching(() => F.crossEntropy(x, [1, 2] as unknown as Tensor), /crossEntropy: target must be a Tensor, got an array/);
  });

  it('checks the input', () => {
    assertThrowsMatching(() => F.crossEntropy(tensor(1), int(0)), /crossEntropy: input must have a class dim/);
    assertThrowsMatching(() => F.crossEntropy(int([[1, 2]]), int([0])), /crossEntropy: input must be a floating-point tensor, got a int32 tensor of shape \[1,2\]/);
  });

  it('checks the options', () => {
    assertThrowsMatching(() => F.crossEntropy(x, int([0, 0, 0, 0]), { weight: tensor([1, 2]) }), /crossEntropy: weight must be a 1-D tensor of 5 class weights, got \[2\]/);
    assertThrowsMatching(() => F.crossEntropy(x, int([0, 0, 0, 0]), { labelSmoothing: 1.5 }), /crossEntropy: labelSmoothing must be a number in \[0, 1\], got 1.5/);
    assertThrowsMatching(() => F.crossEntropy(x, int([0, 0, 0, 0]), { reduction: 'avg' as 'mean' }), /crossEntropy: reduction must be 'mean', 'sum', 'none', got 'avg'/);
    assertThrowsMatching(() => F.nllLoss(x, int([0, 0, 0, 0]), { ignoreIndex: 0.5 }), /nllLoss: ignoreIndex must be an integer, got 0.5/);
  });
});

describe('nllLoss', () => {
  it('is -input[t] (weighted), by hand', () => {
    const logp = tensor(X, f64).logSoftmax(1);
    assertClose(F.nllLoss(logp, int(T)), F.crossEntropy(tensor(X, f64), int(T)));
    assertClose(F.nllLoss(tensor(X, f64), int(T), { reduction: 'none' }), T.map((t, i) => -X[i]![t]!));
    // Weighted mean: sum(-w[t] x[t]) / sum(w[t]) = -(1.5*3 + 0.5*0.5 + 2*0.8 + 2*0) / 6.
    assertClose(F.nllLoss(tensor(X, f64), int(T), { weight: tensor(W, f64) }), -1.058333333333333);
  });

  it('passes gradcheck and gradgradcheck through crossEntropy', () => {
    const x = uniform([3, 4], { seed: 3, dtype: 'float64' }).requiresGrad_(true);
    const w = tensor([0.5, 1, 2, 1.5], { dtype: 'float64', requiresGrad: true });
    const t = int([3, -100, 0]);
    assert.ok(gradcheck((x, w) => F.nllLoss(x.logSoftmax(1), t, { weight: w }), [x, w]));
    assert.ok(gradgradcheck((x) => F.crossEntropy(x, t, { labelSmoothing: 0.1 }), [x]));
  });
});

describe('crossEntropy gradcheck', () => {
  it('with weights, smoothing, ignored targets and extra dims', () => {
    const x = uniform([2, 3, 2], { seed: 5, dtype: 'float64' }).requiresGrad_(true);
    const w = tensor(W, { dtype: 'float64', requiresGrad: true });
    const t = int([[2, 0], [1, -100]]);
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      assert.ok(gradcheck((x, w) => F.crossEntropy(x, t, { weight: w, labelSmoothing: 0.2, reduction }), [x, w]), reduction);
    }
  });

  it('with probability targets, in both input and target', () => {
    const x = uniform([3, 4], { seed: 6, dtype: 'float64' }).requiresGrad_(true);
    const p = uniform([3, 4], { seed: 7, dtype: 'float64', low: 0, high: 1 }).requiresGrad_(true);
    assert.ok(gradcheck((x, p) => F.crossEntropy(x, p, { labelSmoothing: 0.1, weight: tensor([1, 2, 3, 4], f64) }), [x, p]));
  });
});

describe('binaryCrossEntropy', () => {
  it('is -(t log x + (1 - t) log(1 - x)), by hand', () => {
    const x = tensor([0.2, 0.9, 0.6], f64);
    const t = tensor([0, 1, 0.25], f64);
    const rows = [-Math.log(0.8), -Math.log(0.9), -(0.25 * Math.log(0.6) + 0.75 * Math.log(0.4))];
    assertClose(F.binaryCrossEntropy(x, t, { reduction: 'none' }), rows);
    assertClose(F.binaryCrossEntropy(x, t), rows.reduce((a, b) => a + b) / 3);
    assertClose(F.binaryCrossEntropy(x, t, { reduction: 'sum' }), rows.reduce((a, b) => a + b));
    assertClose(F.binaryCrossEntropy(x, t, { weight: tensor([1, 2, 3], f64), reduction: 'none' }), rows.map((r, i) => r * (i + 1)));
  });

  it('floors each log at -100, so certain mistakes cost 100 and the gradient stays finite', () => {
    const x = tensor([0, 1, 0, 1], { dtype: 'float64', requiresGrad: true });
    const loss = F.binaryCrossEntropy(x, tensor([1, 0, 0, 1], f64), { reduction: 'none' });
    assertClose(loss, [100, 100, 0, 0]);
    loss.sum().backward();
    assert.ok((x.grad!.toArray() as Float64Array).every(Number.isFinite));
  });

  it('broadcasts a weight and rejects values outside [0, 1]', () => {
    const x = tensor([[0.5, 0.5], [0.5, 0.5]], f64);
    assertClose(F.binaryCrossEntropy(x, tensor([[1, 1], [1, 1]], f64), { weight: tensor([1, 3], f64), reduction: 'none' }), [
      [Math.LN2, 3 * Math.LN2],
      [Math.LN2, 3 * Math.LN2],
    ]);
    assertThrowsMatching(() => F.binaryCrossEntropy(tensor([0.5, 1.5]), tensor([1, 0])), /binaryCrossEntropy: input must hold probabilities in \[0, 1\], got 1.5 at element 1/);
    assertThrowsMatching(() => F.binaryCrossEntropy(tensor([0.5, NaN]), tensor([1, 0])), /got NaN at element 1/);
    assertThrowsMatching(() => F.binaryCrossEntropy(tensor([0.5, 0.5]), tensor([1])), /binaryCrossEntropy: target \[1\] must have the input's shape \[2\]/);
    assertThrowsMatching(() => F.binaryCrossEntropy(tensor([0.5]), tensor([1]), { weight: tensor([1, 2]) }), /binaryCrossEntropy: weight \[2\] does not broadcast to the input's shape \[1\]/);
  });

  it('passes gradcheck in input and target', () => {
    const x = uniform([2, 3], { seed: 8, dtype: 'float64', low: 0.05, high: 0.95 }).requiresGrad_(true);
    const t = uniform([2, 3], { seed: 9, dtype: 'float64', low: 0, high: 1 }).requiresGrad_(true);
    assert.ok(gradcheck((x, t) => F.binaryCrossEntropy(x, t, { weight: tensor([1, 2, 0.5], f64) }), [x, t]));
  });
});

describe('binaryCrossEntropyWithLogits', () => {
  it('equals binaryCrossEntropy of the sigmoid for moderate logits', () => {
    const x = uniform([3, 4], { seed: 10, dtype: 'float64', low: -4, high: 4 });
    const t = uniform([3, 4], { seed: 11, dtype: 'float64', low: 0, high: 1 });
    assertClose(F.binaryCrossEntropyWithLogits(x, t), F.binaryCrossEntropy(x.sigmoid(), t));
  });

  it('is exact where the sigmoid saturates', () => {
    const loss = F.binaryCrossEntropyWithLogits(tensor([-1000, 1000, 0, 50]), tensor([1, 0, 1, 1]), { reduction: 'none' });
    assertClose(loss, [1000, 1000, Math.LN2, 0]);
  });

  it('weights the positive term with posWeight, by hand and against PyTorch', () => {
    // One element: x = 0.3, t = 1, posWeight 4: 4 * log(1 + e^-0.3).
    assertClose(F.binaryCrossEntropyWithLogits(tensor([0.3], f64), tensor([1], f64), { posWeight: tensor([4], f64) }), 4 * Math.log1p(Math.exp(-0.3)));
    const x = tensor(X, f64);
    const t = x.gt(0.6).to('float64');
    const o = { weight: tensor([1, 0.5, 2], f64), posWeight: tensor([3, 1, 0.5], f64) };
    assertClose(F.binaryCrossEntropyWithLogits(x, t, o), 0.460353375445398);
  });

  it('has the gradient sigmoid(x) - t at x = 0 too', () => {
    const x = tensor([0, 0, 2], { dtype: 'float64', requiresGrad: true });
    F.binaryCrossEntropyWithLogits(x, tensor([1, 0, 1], f64), { reduction: 'sum' }).backward();
    assertClose(x.grad!, [-0.5, 0.5, 1 / (1 + Math.exp(-2)) - 1]);
  });

  it('passes gradcheck with weight and posWeight, in every argument', () => {
    const x = uniform([2, 3], { seed: 12, dtype: 'float64', low: -3, high: 3 }).requiresGrad_(true);
    const t = uniform([2, 3], { seed: 13, dtype: 'float64', low: 0, high: 1 }).requiresGrad_(true);
    const w = tensor([1, 2, 0.5], { dtype: 'float64', requiresGrad: true });
    const pw = tensor([3, 1, 0.5], { dtype: 'float64', requiresGrad: true });
    assert.ok(gradcheck((x, t, w, pw) => F.binaryCrossEntropyWithLogits(x, t, { weight: w, posWeight: pw }), [x, t, w, pw]));
    assert.ok(gradgradcheck((x) => F.binaryCrossEntropyWithLogits(x, t.detach(), { posWeight: pw.detach() }), [x]));
  });

  it('rejects bad inputs', () => {
    assertThrowsMatching(() => F.binaryCrossEntropyWithLogits(tensor([1, 2]), int([1, 0])), /binaryCrossEntropyWithLogits: target must be a floating-point tensor/);
    assertThrowsMatching(() => F.binaryCrossEntropyWithLogits(tensor([[1, 2]]), tensor([[1, 0]]), { posWeight: tensor([1, 2, 3]) }), /posWeight \[3\] does not broadcast to the input's shape \[1,2\]/);
  });
});

describe('sigmoidFocalLoss', () => {
  it('is alpha_t (1 - p_t)^gamma BCE, by hand', () => {
    // x = 0, t = 1: p_t = 0.5, BCE = ln 2; alpha_t = 0.25.
    assertClose(F.sigmoidFocalLoss(tensor([0], f64), tensor([1], f64)), [0.25 * 0.25 * Math.LN2]);
    // x = 2, t = 0: p_t = 1 - sigmoid(2), BCE = softplus(2); alpha_t = 0.75.
    const s = 1 / (1 + Math.exp(-2));
    assertClose(F.sigmoidFocalLoss(tensor([2], f64), tensor([0], f64)), [0.75 * s * s * Math.log1p(Math.exp(2))]);
  });

  it('reduces to BCE with gamma 0 and alpha off, and defaults to no reduction (torchvision)', () => {
    const x = uniform([2, 3], { seed: 14, dtype: 'float64', low: -3, high: 3 });
    const t = x.gt(0).to('float64');
    assertClose(F.sigmoidFocalLoss(x, t, { gamma: 0, alpha: -1 }), F.binaryCrossEntropyWithLogits(x, t, { reduction: 'none' }));
    assert.deepEqual(F.sigmoidFocalLoss(x, t).shape, [2, 3]);
    assertClose(F.sigmoidFocalLoss(x, t, { reduction: 'mean' }), F.sigmoidFocalLoss(x, t).mean());
    assertClose(F.sigmoidFocalLoss(x, t, { reduction: 'sum' }), F.sigmoidFocalLoss(x, t).sum());
  });

  it('passes gradcheck, also with a fractional gamma', () => {
    const x = uniform([2, 3], { seed: 15, dtype: 'float64', low: -3, high: 3 }).requiresGrad_(true);
    const t = tensor([[1, 0, 1], [0, 0, 1]], f64);
    assert.ok(gradcheck((x) => F.sigmoidFocalLoss(x, t, { reduction: 'mean' }), [x]));
    assert.ok(gradcheck((x) => F.sigmoidFocalLoss(x, t, { gamma: 0.5, alpha: 0.6 }), [x]));
  });

  it('rejects bad options', () => {
    assertThrowsMatching(() => F.sigmoidFocalLoss(tensor([0]), tensor([1]), { gamma: -1 }), /sigmoidFocalLoss: gamma must be a number >= 0, got -1/);
    assertThrowsMatching(() => F.sigmoidFocalLoss(tensor([0]), tensor([1]), { alpha: 2 }), /sigmoidFocalLoss: alpha must be a number <= 1/);
  });
});

describe('multiMarginLoss', () => {
  it("matches PyTorch's documentation example", () => {
    // x = [0.1, 0.2, 0.4, 0.8], y = 3: ((1 - 0.7) + (1 - 0.6) + (1 - 0.4)) / 4 = 0.325.
    assertClose(F.multiMarginLoss(tensor([[0.1, 0.2, 0.4, 0.8]], f64), int([3])), 0.325);
    assertClose(F.multiMarginLoss(tensor([0.1, 0.2, 0.4, 0.8], f64), tensor(3, { dtype: 'int32' })), 0.325);
  });

  it('matches PyTorch with p = 2, a margin and class weights', () => {
    const o = { p: 2 as const, margin: 0.7, weight: tensor(W, f64), reduction: 'none' as const };
    assertClose(F.multiMarginLoss(tensor(X, f64), int(T), o), [0, 0.806666666666667, 0, 6.826666666666668]);
    assertClose(F.multiMarginLoss(tensor(X, f64), int(T)), 0.525);
  });

  it('passes gradcheck away from the hinge kinks', () => {
    const x = tensor(X, { dtype: 'float64', requiresGrad: true });
    const w = tensor(W, { dtype: 'float64', requiresGrad: true });
    assert.ok(gradcheck((x, w) => F.multiMarginLoss(x, int(T), { p: 2, margin: 0.7, weight: w }), [x, w]));
  });

  it('rejects bad inputs', () => {
    assertThrowsMatching(() => F.multiMarginLoss(tensor(X), int(T), { p: 3 as 1 }), /multiMarginLoss: p must be 1 or 2, got 3/);
    assertThrowsMatching(() => F.multiMarginLoss(tensor(X), int([0, 1, 2, 3])), /multiMarginLoss: target \[4\] has class 3 but input \[4,3\] has 3 classes/);
    assertThrowsMatching(() => F.multiMarginLoss(tensor([[[1]]]), int([[0]])), /multiMarginLoss: input must be \[C\] or \[N, C\]/);
  });
});
