/**
 * Proof on a real task: the MLP of ANCHORS.md learns the digits of the `mnist` package (fixed split,
 * 8,000 train / 2,000 test; see digits.ts).
 *
 * The configuration follows the active backend. On 'native': the anchor MLP 784-512-512-10 (ReLU),
 * Adam with a cosine schedule, random 1-pixel shifts of the training images, and the bar of
 * 97% test accuracy. On the TypeScript backend, which is far slower, a 784-128-10 MLP for fewer
 * passes, held to a lower bar that still proves learning (a constant guess scores about 11%).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_SIZE, TRAIN_SIZE, describeRun, setupName, loadDigits, mlp, trainAndTest, type TrainConfig } from './digits.js';

interface Setup {
  hidden: number[];
  config: TrainConfig;
  threshold: number;
}

const SETUPS: Record<'native' | 'js', Setup> = {
  native: { hidden: [512, 512], config: { epochs: 20, batchSize: 128, lr: 2e-3, shift: 1, seed: 1, images: false }, threshold: 0.97 },
  js: { hidden: [128], config: { epochs: 3, batchSize: 100, lr: 3e-3, shift: 0, seed: 1, images: false }, threshold: 0.9 },
};

describe('digits: the data', () => {
  it('splits the 10,000 digits of the mnist package into 8,000 and 2,000, every class in both', () => {
    const d = loadDigits();
    assert.deepEqual([...d.trainX.shape, ...d.testX.shape], [TRAIN_SIZE, 784, TEST_SIZE, 784]);
    assert.deepEqual([d.trainY.dtype, ...d.trainY.shape, ...d.testY.shape], ['int32', TRAIN_SIZE, TEST_SIZE]);
    // The package's class sizes (0.json ... 9.json), split between the two sets.
    const sizes = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
    const count = (y: Int32Array): number[] => sizes.map((_, c) => y.filter((v) => v === c).length);
    const train = count(d.trainY.toArray() as Int32Array);
    const test = count(d.testY.toArray() as Int32Array);
    assert.deepEqual(train.map((n, c) => n + test[c]!), sizes);
    assert.ok(test.every((n) => n > 150), `test classes ${test}`);
    assert.equal(d.trainX.min().item(), 0);
    assert.equal(d.trainX.max().item(), 1);
  });
});

describe('digits: MLP', () => {
  it('reaches its test-accuracy bar on the active backend', (t) => {
    const setup = SETUPS[setupName()];
    const result = trainAndTest(() => mlp(setup.hidden), setup.config);
    t.diagnostic(describeRun(`MLP 784-${setup.hidden.join('-')}-10`, setup.config, result));
    assert.ok(result.accuracy >= setup.threshold, `test accuracy ${result.accuracy} is below ${setup.threshold}`);
  });
});
