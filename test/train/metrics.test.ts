import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, train, Tensor } from '../../src/index.js';

function near(actual: number, expected: number, what = 'value', tol = 1e-9): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: got ${actual}, expected ${expected}`);
}

/** Logits whose argmax is each predicted class (numClasses columns). */
function logitsFor(predicted: number[], numClasses: number): Tensor {
  return tensor(predicted.map((p) => Array.from({ length: numClasses }, (_, c) => (c === p ? 2 : -1))));
}

const labels = (v: number[]): Tensor => tensor(v, { dtype: 'int32' });

test('Accuracy: class scores (streaming over batches), binary probabilities and logits', () => {
  const acc = new train.Accuracy();
  acc.update(tensor([[2, 1, 0], [0, 3, 1]]), labels([0, 1])); // both right
  acc.update(tensor([[1, 0, 0.5], [0, 0, 5]]), labels([2, 2])); // argmax 0 (wrong), 2 (right)
  near(acc.compute(), 3 / 4);
  acc.reset();
  assert.ok(Number.isNaN(acc.compute()));
  const bin = new train.Accuracy();
  bin.update(tensor([0.2, 0.7, 0.5, 0.9]), tensor([0, 1, 1, 1])); // 0.5 is not above the threshold
  near(bin.compute(), 3 / 4);
  const logits = new train.Accuracy({ fromLogits: true });
  logits.update(tensor([[-1], [2], [0.1], [-0.5]]), tensor([0, 1, 1, 0])); // [N, 1] scores with [N] targets
  near(logits.compute(), 1);
  const seg = new train.Accuracy(); // [N, C, L] scores with [N, L] targets
  seg.update(tensor([[[1, 0], [0, 1]]]), tensor([[0, 0]], { dtype: 'int32' }));
  near(seg.compute(), 1 / 2);
  assert.throws(() => acc.update(tensor([[1, 0, 0]]), labels([5])), /Accuracy: target 0 is 5, expected a class index in \[0, 3\)/);
  assert.throws(() => acc.update(tensor([[1, 0, 0]]), labels([0, 1])), /Accuracy: cannot pair output of shape \[1,3\] with target of shape \[2\]/);
  assert.throws(() => bin.update(tensor([0.5]), tensor([2])), /Accuracy: binary target 0 is 2, expected 0 or 1/);
});

test('TopKAccuracy counts ties in the target\'s favour', () => {
  const scores = tensor([[0.1, 0.5, 0.2, 0.2], [0.3, 0.3, 0.2, 0.2], [0.9, 0.05, 0.03, 0.02]]);
  const target = labels([3, 1, 3]);
  const top2 = new train.TopKAccuracy({ k: 2 });
  top2.update(scores, target);
  near(top2.compute(), 2 / 3);
  assert.equal(top2.name, 'top2');
  const top1 = new train.TopKAccuracy({ k: 1 });
  top1.update(scores, target);
  near(top1.compute(), 1 / 3);
  assert.throws(() => new train.TopKAccuracy({ k: 0 }), /TopKAccuracy: k must be a positive integer, got 0/);
});

test('confusion matrix, precision, recall and F1 match sklearn on its documented example', () => {
  // sklearn: y_true = [0, 1, 2, 0, 1, 2], y_pred = [0, 2, 1, 0, 0, 1].
  const out = logitsFor([0, 2, 1, 0, 0, 1], 3);
  const y = labels([0, 1, 2, 0, 1, 2]);
  const cm = new train.ConfusionMatrix();
  cm.update(out.narrow(0, 0, 3), y.narrow(0, 0, 3));
  cm.update(out.narrow(0, 3, 3), y.narrow(0, 3, 3));
  assert.deepEqual(cm.compute(), [[2, 0, 0], [1, 0, 1], [0, 2, 0]]);
  assert.deepEqual(cm.compute('true'), [[1, 0, 0], [0.5, 0, 0.5], [0, 1, 0]]);
  assert.deepEqual(cm.compute('pred'), [[2 / 3, 0, 0], [1 / 3, 0, 1], [0, 1, 0]]);
  const value = (m: train.Metric): number => {
    m.update(out, y);
    return m.compute();
  };
  near(value(new train.Precision()), 2 / 9, 'precision macro');
  near(value(new train.Precision({ average: 'micro' })), 1 / 3, 'precision micro');
  near(value(new train.Precision({ average: 'weighted' })), 2 / 9, 'precision weighted');
  near(value(new train.Recall()), 1 / 3, 'recall macro');
  near(value(new train.F1Score()), 0.8 / 3, 'f1 macro');
  near(value(new train.F1Score({ average: 'micro' })), 1 / 3, 'f1 micro');
  const f1 = new train.F1Score();
  f1.update(out, y);
  assert.deepEqual(f1.perClass(), { precision: [2 / 3, 0, 0], recall: [1, 0, 0], f1: [0.8, 0, 0], support: [2, 2, 2] });
  // A fourth output column that no target or prediction uses is left out of the macro mean (sklearn's labels).
  const wide = new train.F1Score();
  wide.update(logitsFor([0, 2, 1, 0, 0, 1], 4), y);
  near(wide.compute(), 0.8 / 3, 'f1 macro with an unused class');
});

test('F1 macro: a class present in the targets but never predicted counts 0 (sklearn)', () => {
  const f1 = new train.F1Score();
  f1.update(logitsFor([0, 0, 0, 0], 2), labels([0, 0, 1, 1]));
  // Class 0: P = 2/4, R = 1, F1 = 2/3; class 1: never predicted, F1 = 0.
  near(f1.compute(), 1 / 3);
  const p = new train.Precision();
  p.update(logitsFor([0, 0, 0, 0], 2), labels([0, 0, 1, 1]));
  near(p.compute(), 0.25);
});

test('binary precision / recall / F1 score the positive class; names carry the averaging', () => {
  const probs = tensor([0.9, 0.6, 0.4, 0.8, 0.1]);
  const y = tensor([1, 0, 1, 1, 0]);
  // Predictions [1, 1, 0, 1, 0]: TP 2, FP 1, FN 1.
  for (const M of [train.Precision, train.Recall, train.F1Score]) {
    const m = new M();
    m.update(probs, y);
    near(m.compute(), 2 / 3, M.name);
  }
  const macro = new train.F1Score({ average: 'macro' });
  macro.update(probs, y);
  // Class 0: TP 1, FP 1, FN 1 -> F1 1/2; class 1: 2/3.
  near(macro.compute(), (1 / 2 + 2 / 3) / 2);
  assert.equal(macro.name, 'f1_macro');
  assert.equal(new train.Recall().name, 'recall');
});

test('ROC AUC: rank-based with ties, binary and macro one-vs-rest', () => {
  near(train.binaryAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75);
  near(train.binaryAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1]), 0.5);
  near(train.binaryAuc([0.1, 0.5, 0.5, 0.9], [0, 0, 1, 1]), 0.875);
  assert.ok(Number.isNaN(train.binaryAuc([0.1, 0.2], [1, 1])));
  const auc = new train.RocAuc();
  auc.update(tensor([0.1, 0.4]), tensor([0, 0]));
  auc.update(tensor([0.35, 0.8]), tensor([1, 1]));
  near(auc.compute(), 0.75);
  const probs = [[0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.1, 0.3, 0.6], [0.4, 0.4, 0.2], [0.3, 0.3, 0.4]];
  const y = labels([0, 1, 2, 1, 0]);
  const multi = new train.RocAuc();
  multi.update(tensor(probs), y);
  near(multi.compute(), (5 / 6 + 1 + 1) / 3, 'probabilities');
  // Logits: softmax(log p) = p, so the same AUC.
  const fromLogits = new train.RocAuc();
  fromLogits.update(tensor(probs).log().add(3), y);
  near(fromLogits.compute(), (5 / 6 + 1 + 1) / 3, 'logits', 1e-6);
});

test('regression metrics: MAE, MSE, RMSE, R² (streaming, multi-output)', () => {
  const o = tensor([1, 2, 3, 4]);
  const t = tensor([1.5, 2, 2, 5]);
  const value = (m: train.Metric): number => {
    m.update(o.narrow(0, 0, 1), t.narrow(0, 0, 1));
    m.update(o.narrow(0, 1, 3), t.narrow(0, 1, 3));
    return m.compute();
  };
  near(value(new train.MeanAbsoluteError()), 0.625, 'mae');
  near(value(new train.MeanSquaredError()), 0.5625, 'mse');
  near(value(new train.RootMeanSquaredError()), 0.75, 'rmse');
  near(value(new train.R2Score()), 1 - 2.25 / 7.6875, 'r2', 1e-7);
  const r2 = new train.R2Score();
  const two = (a: number[], b: number[]): Tensor => tensor(a.map((v, i) => [v, b[i]!]));
  r2.update(two([1, 2], [3, 3]), two([1.5, 2], [3, 3]));
  r2.update(two([3, 4], [3, 3]), two([2, 5], [3, 3]));
  near(r2.compute(), (1 - 2.25 / 7.6875 + 1) / 2, 'r2 two outputs (the constant one scores 1)', 1e-7);
  assert.throws(() => new train.MeanAbsoluteError().update(tensor([1, 2]), tensor([1])), /MeanAbsoluteError: output of shape \[2\] and target of shape \[1\]/);
});

test('metricFromName builds metrics by name', () => {
  assert.equal(train.metricFromName('accuracy').name, 'accuracy');
  const top3 = train.metricFromName('top3') as train.TopKAccuracy;
  assert.equal(top3.k, 3);
  assert.equal(train.metricFromName('f1_micro').name, 'f1_micro');
  assert.ok(train.metricFromName('auc') instanceof train.RocAuc);
  assert.ok(train.metricFromName('r2') instanceof train.R2Score);
  assert.throws(() => train.metricFromName('bogus'), /metricFromName: unknown metric 'bogus'/);
});
