/** The loss modules: each forwards to its functional form with its options; weights are buffers. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, type Tensor } from '../../src/index.js';
import { nn } from '../../src/index.js';
import { assertClose, assertThrowsMatching, uniform } from '../helpers.js';

const F = nn.functional;
const f64 = { dtype: 'float64' as const };
const x = uniform([4, 3], { seed: 1, dtype: 'float64' });
const y = uniform([4, 3], { seed: 2, dtype: 'float64' });
const probs = x.sigmoid();
const labels = tensor([2, 0, 1, -100], { dtype: 'int32' });
const classes = tensor([2, 0, 1, 1], { dtype: 'int32' });
const signs = tensor([1, -1, 1, -1], f64);

describe('loss modules', () => {
  it('compute what their functional forms compute, with the given options', () => {
    const w = tensor([0.5, 2, 1.5], f64);
    const cases: [nn.Module, Tensor[], Tensor][] = [
      [new nn.L1Loss({ reduction: 'sum' }), [x, y], F.l1Loss(x, y, { reduction: 'sum' })],
      [new nn.MSELoss(), [x, y], F.mseLoss(x, y)],
      [new nn.MSLELoss(), [probs, y.abs()], F.msleLoss(probs, y.abs())],
      [new nn.CrossEntropyLoss({ weight: w, labelSmoothing: 0.1 }), [x, labels], F.crossEntropy(x, labels, { weight: w, labelSmoothing: 0.1 })],
      [new nn.CrossEntropyLoss({ ignoreIndex: 0, reduction: 'none' }), [x, classes], F.crossEntropy(x, classes, { ignoreIndex: 0, reduction: 'none' })],
      [new nn.NLLLoss({ weight: w }), [x.logSoftmax(1), labels], F.nllLoss(x.logSoftmax(1), labels, { weight: w })],
      [new nn.BCELoss({ weight: w }), [probs, y.gt(0).to('float64')], F.binaryCrossEntropy(probs, y.gt(0).to('float64'), { weight: w })],
      [new nn.BCEWithLogitsLoss({ posWeight: w }), [x, probs], F.binaryCrossEntropyWithLogits(x, probs, { posWeight: w })],
      [new nn.SigmoidFocalLoss({ gamma: 1 }), [x, probs], F.sigmoidFocalLoss(x, probs, { gamma: 1 })],
      [new nn.SmoothL1Loss({ beta: 0.3 }), [x, y], F.smoothL1Loss(x, y, { beta: 0.3 })],
      [new nn.HuberLoss({ delta: 0.3 }), [x, y], F.huberLoss(x, y, { delta: 0.3 })],
      [new nn.KLDivLoss({ reduction: 'batchmean' }), [x.logSoftmax(1), y.softmax(1)], F.klDiv(x.logSoftmax(1), y.softmax(1), { reduction: 'batchmean' })],
      [new nn.PoissonNLLLoss({ full: true }), [x, probs.mul(3)], F.poissonNllLoss(x, probs.mul(3), { full: true })],
      [new nn.GaussianNLLLoss({ full: true }), [x, y, probs], F.gaussianNllLoss(x, y, probs, { full: true })],
      [new nn.CosineEmbeddingLoss({ margin: 0.2 }), [x, y, signs], F.cosineEmbeddingLoss(x, y, signs, { margin: 0.2 })],
      [new nn.MarginRankingLoss({ margin: 0.2 }), [x, y, signs.reshape([4, 1]).expand([4, 3])], F.marginRankingLoss(x, y, signs.reshape([4, 1]).expand([4, 3]), { margin: 0.2 })],
      [new nn.HingeEmbeddingLoss({ margin: 2 }), [x, signs.reshape([4, 1]).expand([4, 3])], F.hingeEmbeddingLoss(x, signs.reshape([4, 1]).expand([4, 3]), { margin: 2 })],
      [new nn.MultiMarginLoss({ p: 2, weight: w }), [x, classes], F.multiMarginLoss(x, classes, { p: 2, weight: w })],
      [new nn.TripletMarginLoss({ swap: true }), [x, y, probs], F.tripletMarginLoss(x, y, probs, { swap: true })],
    ];
    for (const [module, args, expected] of cases) {
      assertClose(module.forward(...args), expected, { message: module.constructor.name });
      assertClose(module.call(...args), expected, { message: `${module.constructor.name}.call` });
    }
  });

  it('default to PyTorch reductions: mean, except the focal loss (none, as in torchvision)', () => {
    assert.equal(new nn.MSELoss().reduction, 'mean');
    assert.equal(new nn.KLDivLoss().reduction, 'mean');
    assert.equal(new nn.SigmoidFocalLoss().reduction, 'none');
    assert.equal(new nn.CrossEntropyLoss().ignoreIndex, -100);
  });

  it('keep class weights as buffers in the state dict, as PyTorch does', () => {
    const ce = new nn.CrossEntropyLoss({ weight: tensor([1, 2, 3]) });
    assert.deepEqual(Object.keys(ce.stateDict()), ['weight']);
    assert.deepEqual(Object.keys(new nn.CrossEntropyLoss().stateDict()), []);
    const bce = new nn.BCEWithLogitsLoss({ weight: tensor([1, 2]), posWeight: tensor([3, 4]) });
    assert.deepEqual(Object.keys(bce.stateDict()), ['weight', 'pos_weight']);
    assert.deepEqual(bce.posWeight!.tolist(), [3, 4]);
    assert.equal(ce.parameters().length, 0);
    // Loading a state dict replaces the weights the forward uses.
    ce.loadStateDict({ weight: tensor([1, 0, 0]) });
    const logits = tensor([[1, 2, 3], [3, 2, 1]]);
    assertClose(ce.forward(logits, tensor([0, 1], { dtype: 'int32' })), F.crossEntropy(logits, tensor([0, 1], { dtype: 'int32' }), { weight: tensor([1, 0, 0]) }));
  });

  it('print their options', () => {
    assert.match(new nn.CrossEntropyLoss({ labelSmoothing: 0.1 }).toString(), /CrossEntropyLoss\(ignoreIndex=-100, reduction='mean', labelSmoothing=0.1\)/);
    assert.match(new nn.HuberLoss({ delta: 2 }).toString(), /HuberLoss\(delta=2, reduction='mean'\)/);
  });

  it('reject a bad reduction when constructed', () => {
    assertThrowsMatching(() => new nn.MSELoss({ reduction: 'avg' as 'mean' }), /MSELoss: reduction must be 'mean', 'sum', 'none', got 'avg'/);
    assertThrowsMatching(() => new nn.KLDivLoss({ reduction: 'avg' as 'mean' }), /KLDivLoss: reduction must be 'mean', 'batchmean', 'sum', 'none'/);
  });
});

describe('DSSIMLoss and PerceptualLoss modules', () => {
  it('DSSIMLoss forwards to dssim with its options', () => {
    const a = uniform([1, 1, 7, 7], { seed: 3, dtype: 'float64', low: 0, high: 1 });
    const b = uniform([1, 1, 7, 7], { seed: 4, dtype: 'float64', low: 0, high: 1 });
    assertClose(new nn.DSSIMLoss({ windowSize: 5 }).forward(a, b), F.dssim(a, b, { windowSize: 5 }));
  });

  it('PerceptualLoss holds a Module extractor as a child and leaves its parameters without gradient', () => {
    class Features extends nn.Module {
      weight = new nn.Parameter(uniform([2, 3], { seed: 5, dtype: 'float64' }));
      override forward(t: Tensor): Tensor[] {
        const a = t.matmul(this.weight.T);
        return [a, a.tanh()];
      }
    }
    const features = new Features();
    const loss = new nn.PerceptualLoss(features, { layers: [1] });
    assert.deepEqual([...loss.children()], [features]);
    const input = uniform([4, 3], { seed: 6, dtype: 'float64' }).requiresGrad_(true);
    const target = uniform([4, 3], { seed: 7, dtype: 'float64' });
    const value = loss.forward(input, target);
    assertClose(value, F.perceptualLoss(features, input, target, { layers: [1] }));
    value.backward();
    assert.equal(features.weight.grad, null);
    assert.ok(input.grad !== null);
  });
});
