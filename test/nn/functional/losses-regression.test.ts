/**
 * Regression and distribution losses: values by hand (and from PyTorch 1.13 in float64 where noted),
 * every reduction, float64 gradcheck, bad inputs.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gradcheck, gradgradcheck, tensor } from '../../../src/index.js';
import { nn } from '../../../src/index.js';
import { assertClose, assertThrowsMatching, uniform } from '../../helpers.js';

const F = nn.functional;
const f64 = { dtype: 'float64' as const };
const sum = (v: number[]): number => v.reduce((a, b) => a + b, 0);

describe('mseLoss and l1Loss', () => {
  const x = tensor([[1, 2], [3, -4]], f64);
  const y = tensor([[1, 4], [0, -3.5]], f64);

  it('are the mean squared and absolute errors, by hand, in every reduction', () => {
    assertClose(F.mseLoss(x, y), (0 + 4 + 9 + 0.25) / 4);
    assertClose(F.mseLoss(x, y, { reduction: 'sum' }), 13.25);
    assertClose(F.mseLoss(x, y, { reduction: 'none' }), [[0, 4], [9, 0.25]]);
    assertClose(F.l1Loss(x, y), (0 + 2 + 3 + 0.5) / 4);
    assertClose(F.l1Loss(x, y, { reduction: 'sum' }), 5.5);
    assertClose(F.l1Loss(x, y, { reduction: 'none' }), [[0, 2], [3, 0.5]]);
  });

  it('give 2 (x - y) / n and sign(x - y) / n as gradients (0 where x = y for L1)', () => {
    const a = x.clone().requiresGrad_(true);
    F.mseLoss(a, y).backward();
    assertClose(a.grad!, [[0, -1], [1.5, -0.25]]);
    const b = x.clone().requiresGrad_(true);
    F.l1Loss(b, y).backward();
    assertClose(b.grad!, [[0, -0.25], [0.25, -0.25]]);
  });

  it('give NaN for the mean of empty inputs, 0 for the sum', () => {
    assert.ok(Number.isNaN(F.mseLoss(tensor([]), tensor([])).item()));
    assert.equal(F.mseLoss(tensor([]), tensor([]), { reduction: 'sum' }).item(), 0);
  });

  it('refuse shapes that PyTorch would broadcast by accident', () => {
    assertThrowsMatching(() => F.mseLoss(tensor([[1], [2]]), tensor([1, 2])), /^mseLoss: target \[2\] must have the input's shape \[2,1\]$/);
    assertThrowsMatching(() => F.l1Loss(tensor([1]), tensor([1], { dtype: 'int32' })), /l1Loss: target must be a floating-point tensor/);
    assertThrowsMatching(() => F.mseLoss(tensor([1]), tensor([1]), { reduction: 'batchmean' as 'mean' }), /mseLoss: reduction must be 'mean', 'sum', 'none', got 'batchmean'/);
  });

  it('pass gradcheck and gradgradcheck in both arguments', () => {
    const a = uniform([2, 3], { seed: 1, dtype: 'float64' }).requiresGrad_(true);
    const b = uniform([2, 3], { seed: 2, dtype: 'float64' }).requiresGrad_(true);
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      assert.ok(gradcheck((a, b) => F.mseLoss(a, b, { reduction }), [a, b]));
      assert.ok(gradcheck((a, b) => F.l1Loss(a, b, { reduction }), [a, b]));
    }
    assert.ok(gradgradcheck((a, b) => F.mseLoss(a, b), [a, b]));
  });
});

describe('smoothL1Loss and huberLoss', () => {
  const d = tensor([0, 0.3, 2, -4], f64);
  const zero = tensor([0, 0, 0, 0], f64);

  it('are quadratic inside beta / delta and linear outside (PyTorch values)', () => {
    // beta 0.5: 0.5 d^2 / 0.5 = d^2 inside; |d| - 0.25 outside.
    assertClose(F.smoothL1Loss(d, zero, { beta: 0.5, reduction: 'none' }), [0, 0.09, 1.75, 3.75]);
    // delta 1.5: 0.5 d^2 inside; 1.5 (|d| - 0.75) outside.
    assertClose(F.huberLoss(d, zero, { delta: 1.5, reduction: 'none' }), [0, 0.045, 1.875, 4.875]);
    assertClose(F.smoothL1Loss(d, zero), sum([0, 0.045, 1.5, 3.5]) / 4);
    assertClose(F.huberLoss(d, zero, { reduction: 'sum' }), sum([0, 0.045, 1.5, 3.5]));
  });

  it('relate as huber(delta) = delta * smoothL1(beta = delta); beta 0 is L1', () => {
    const x = uniform([5], { seed: 3, dtype: 'float64', low: -3, high: 3 });
    assertClose(F.huberLoss(x, zero.narrow(0, 0, 1).expand([5]), { delta: 0.7 }), F.smoothL1Loss(x, zero.narrow(0, 0, 1).expand([5]), { beta: 0.7 }).mul(0.7));
    assertClose(F.smoothL1Loss(d, zero, { beta: 0 }), F.l1Loss(d, zero));
  });

  it('pass gradcheck', () => {
    const x = tensor([0.1, 0.3, 2, -4, -0.2], { dtype: 'float64', requiresGrad: true });
    const y = tensor([0, -0.1, 0.5, 0, 0.3], { dtype: 'float64', requiresGrad: true });
    assert.ok(gradcheck((x, y) => F.smoothL1Loss(x, y, { beta: 0.5 }), [x, y]));
    assert.ok(gradcheck((x, y) => F.huberLoss(x, y, { delta: 1.5, reduction: 'none' }), [x, y]));
  });

  it('reject bad thresholds', () => {
    assertThrowsMatching(() => F.smoothL1Loss(d, zero, { beta: -1 }), /smoothL1Loss: beta must be a finite number >= 0, got -1/);
    assertThrowsMatching(() => F.huberLoss(d, zero, { delta: 0 }), /huberLoss: delta must be a finite number > 0, got 0/);
  });
});

describe('msleLoss', () => {
  it('is the squared error of log(1 + x), by hand', () => {
    const x = tensor([0, 1, 9], f64);
    const y = tensor([1, 1, 99], f64);
    const rows = [Math.log(2) ** 2, 0, Math.log(10) ** 2];
    assertClose(F.msleLoss(x, y, { reduction: 'none' }), rows);
    assertClose(F.msleLoss(x, y), sum(rows) / 3);
  });

  it('passes gradcheck', () => {
    const x = uniform([4], { seed: 4, dtype: 'float64', low: 0, high: 5 }).requiresGrad_(true);
    const y = uniform([4], { seed: 5, dtype: 'float64', low: 0, high: 5 }).requiresGrad_(true);
    assert.ok(gradcheck((x, y) => F.msleLoss(x, y), [x, y]));
  });
});

describe('klDiv', () => {
  const logq = tensor([[-1.2, -0.4, -2.0], [-0.1, -3.0, -2.5]], f64);
  const p = tensor([[0.2, 0.5, 0.3], [0, 0.6, 0.4]], f64);
  const elements = [
    [0.2 * (Math.log(0.2) + 1.2), 0.5 * (Math.log(0.5) + 0.4), 0.3 * (Math.log(0.3) + 2.0)],
    [0, 0.6 * (Math.log(0.6) + 3.0), 0.4 * (Math.log(0.4) + 2.5)],
  ];

  it('is p (log p - input) per element, 0 where p = 0, in every reduction', () => {
    assertClose(F.klDiv(logq, p, { reduction: 'none' }), elements);
    const total = sum(elements.flat());
    assertClose(F.klDiv(logq, p), total / 6);
    assertClose(F.klDiv(logq, p, { reduction: 'sum' }), total);
    assertClose(F.klDiv(logq, p, { reduction: 'batchmean' }), total / 2);
    assertClose(F.klDiv(logq, p, { reduction: 'batchmean' }), 1.068667659463085); // PyTorch
  });

  it('takes log-probability targets with logTarget', () => {
    assertClose(F.klDiv(logq, p.add(1e-300).log(), { logTarget: true, reduction: 'none' }), elements);
  });

  it('passes gradcheck in input and target (targets away from 0)', () => {
    const x = logq.clone().requiresGrad_(true);
    const t = tensor([[0.2, 0.5, 0.3], [0.1, 0.5, 0.4]], { dtype: 'float64', requiresGrad: true });
    assert.ok(gradcheck((x, t) => F.klDiv(x, t, { reduction: 'batchmean' }), [x, t]));
    assert.ok(gradcheck((x, t) => F.klDiv(x, t, { logTarget: true }), [x, t]));
  });

  it('has a finite gradient at p = 0', () => {
    const t = p.clone().requiresGrad_(true);
    F.klDiv(logq, t, { reduction: 'sum' }).backward();
    assert.ok((t.grad!.toArray() as Float64Array).every(Number.isFinite));
  });

  it('rejects bad options', () => {
    assertThrowsMatching(() => F.klDiv(logq, p, { reduction: 'batch' as 'sum' }), /klDiv: reduction must be 'mean', 'batchmean', 'sum', 'none', got 'batch'/);
    assertThrowsMatching(() => F.klDiv(logq, p, { logTarget: 1 as unknown as boolean }), /klDiv: logTarget must be a boolean, got 1/);
  });
});

describe('poissonNllLoss', () => {
  const t = tensor([0, 1, 3, 7], f64);

  it('is e^x - t x for log-rates, with Stirling terms for t > 1 when full (PyTorch values)', () => {
    const x = tensor([0.5, 1.2, -0.3, 2], f64);
    const plain = [Math.exp(0.5), Math.exp(1.2) - 1.2, Math.exp(-0.3) + 0.9, Math.exp(2) - 14];
    assertClose(F.poissonNllLoss(x, t, { reduction: 'none' }), plain);
    const stirling = (v: number): number => v * Math.log(v) - v + 0.5 * Math.log(2 * Math.PI * v);
    assertClose(F.poissonNllLoss(x, t, { full: true, reduction: 'none' }), [plain[0]!, plain[1]!, plain[2]! + stirling(3), plain[3]! + stirling(7)]);
    assertClose(F.poissonNllLoss(x, t, { full: true, reduction: 'none' }), [1.648721270700128, 2.120116922736547, 3.404899764224774, 1.902320750050173]);
    assertClose(F.poissonNllLoss(x, t), sum(plain) / 4);
  });

  it('is x - t log(x + eps) for rates', () => {
    const x = tensor([0.5, 1.2, 0.3, 2], f64);
    assertClose(F.poissonNllLoss(x, t, { logInput: false, reduction: 'none' }), [0.5, 1.017678434872712, 3.91191831297781, -2.852030298919617]);
  });

  it('passes gradcheck', () => {
    const x = tensor([0.5, 1.2, 0.3, 2], { dtype: 'float64', requiresGrad: true });
    // Not t = 1: the Stirling term starts there with a jump (as in PyTorch).
    const target = tensor([0.5, 1.5, 3, 7], { dtype: 'float64', requiresGrad: true });
    assert.ok(gradcheck((x, t) => F.poissonNllLoss(x, t, { full: true }), [x, target]));
    assert.ok(gradcheck((x, t) => F.poissonNllLoss(x, t, { logInput: false, reduction: 'sum' }), [x, target]));
  });

  it('rejects bad options', () => {
    assertThrowsMatching(() => F.poissonNllLoss(t, t, { eps: -1 }), /poissonNllLoss: eps must be a finite number >= 0, got -1/);
  });
});

describe('gaussianNllLoss', () => {
  const x = tensor([[0.5, 1], [2, -1]], f64);
  const y = tensor([[0, 1.5], [1, 1]], f64);
  const nll = (m: number, t: number, v: number): number => 0.5 * (Math.log(v) + (m - t) ** 2 / v);

  it('is 0.5 (log v + (x - t)^2 / v), with one variance per element or per row', () => {
    const v = tensor([[0.5, 2], [1, 4]], f64);
    const rows = [[nll(0.5, 0, 0.5), nll(1, 1.5, 2)], [nll(2, 1, 1), nll(-1, 1, 4)]];
    assertClose(F.gaussianNllLoss(x, y, v, { reduction: 'none' }), rows);
    assertClose(F.gaussianNllLoss(x, y, v), sum(rows.flat()) / 4);
    const perRow = [[nll(0.5, 0, 0.5), nll(1, 1.5, 0.5)], [nll(2, 1, 2), nll(-1, 1, 2)]];
    assertClose(F.gaussianNllLoss(x, y, tensor([0.5, 2], f64), { reduction: 'none' }), perRow);
    assertClose(F.gaussianNllLoss(x, y, tensor([[0.5], [2]], f64), { reduction: 'none' }), perRow);
  });

  it('adds 0.5 log(2 pi) when full (PyTorch values)', () => {
    assertClose(F.gaussianNllLoss(x, y, tensor([0.5, 2], f64), { full: true, reduction: 'none' }), [
      [0.8223649429247, 0.8223649429247],
      [1.515512123484645, 2.265512123484645],
    ]);
  });

  it('clamps the variance at eps in the forward only', () => {
    const v = tensor([[0, 1], [1, 1]], { dtype: 'float64', requiresGrad: true });
    const loss = F.gaussianNllLoss(x, y, v, { eps: 0.25, reduction: 'sum' });
    assertClose(loss, nll(0.5, 0, 0.25) + nll(1, 1.5, 1) + nll(2, 1, 1) + nll(-1, 1, 1));
    loss.backward();
    // d/dv at the clamped entry, evaluated at v = eps: 0.5 (1/v - (x - t)^2 / v^2).
    assertClose(v.grad!.select(0, 0).narrow(0, 0, 1), [0.5 * (1 / 0.25 - 0.25 / 0.0625)]);
  });

  it('passes gradcheck in mean, target and variance', () => {
    const m = x.clone().requiresGrad_(true);
    const t = y.clone().requiresGrad_(true);
    const v = tensor([0.5, 2], { dtype: 'float64', requiresGrad: true });
    assert.ok(gradcheck((m, t, v) => F.gaussianNllLoss(m, t, v, { full: true }), [m, t, v]));
  });

  it('rejects negative variances and shapes that do not fit', () => {
    assertThrowsMatching(() => F.gaussianNllLoss(x, y, tensor([0.5, -2], f64)), /gaussianNllLoss: variance must be non-negative, got -2 at element 1/);
    assertThrowsMatching(() => F.gaussianNllLoss(x, y, tensor([1, 2, 3], f64)), /gaussianNllLoss: variance \[3\] must have the input's shape \[2,2\], or that shape without its last dim or with a last dim of 1/);
  });
});
