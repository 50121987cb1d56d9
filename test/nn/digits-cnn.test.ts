/**
 * Proof on a real task: the CNN of ANCHORS.md learns the digits of the `mnist` package (fixed split,
 * 8,000 train / 2,000 test; see digits.ts).
 *
 * The configuration follows the active backend. On 'native': the anchor CNN (conv3x3-32, relu,
 * conv3x3-64, relu, maxpool2, flatten, dense128, relu, dense10) with Adam and a cosine schedule, held
 * to the bar of 98% test accuracy, with random 1-pixel shifts of the training images. On the
 * TypeScript backend, whose reference convolution is far slower, a CNN about 150 times cheaper
 * (smallCnn: two strided convolutions) for two passes, held to a lower bar that still proves learning
 * (a constant guess scores about 11%).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { anchorCnn, describeRun, setupName, smallCnn, trainAndTest, type TrainConfig } from './digits.js';
import type { nn } from '../../src/index.js';

interface Setup {
  name: string;
  build: () => nn.Module;
  config: TrainConfig;
  threshold: number;
}

const SETUPS: Record<'native' | 'js', Setup> = {
  native: { name: 'anchor CNN', build: anchorCnn, config: { epochs: 6, batchSize: 128, lr: 3e-3, shift: 1, seed: 1, images: true }, threshold: 0.98 },
  js: { name: 'small CNN', build: smallCnn, config: { epochs: 2, batchSize: 32, lr: 3e-3, shift: 0, seed: 1, images: true }, threshold: 0.9 },
};

describe('digits: CNN', () => {
  it('reaches its test-accuracy bar on the active backend', (t) => {
    const setup = SETUPS[setupName()];
    const result = trainAndTest(setup.build, setup.config);
    t.diagnostic(describeRun(setup.name, setup.config, result));
    assert.ok(result.accuracy >= setup.threshold, `test accuracy ${result.accuracy} is below ${setup.threshold}`);
  });
});
