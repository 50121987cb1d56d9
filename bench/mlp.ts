/**
 * Training throughput on the ANCHORS.md MLP workload, side by side with PyTorch 1.13
 * (../shared/anchors/torch_train.py's `mlp`) and TensorFlow.js on wasm (../shared/anchors/tfjs_train.js):
 *   input [128, 1, 28, 28], flatten, dense512, relu, dense512, relu, dense10, cross-entropy,
 *   Adam (lr 1e-3); one step = zeroGrad, forward, backward, step.
 * samples/s = 30 timed steps * 128 / time after 5 warm-up steps (the PyTorch anchor's rule). The
 * runner (alternating runs, anchors, the per-kernel profile) is bench/cnn.ts's.
 */
import type { BenchContext } from './run.js';
import { runTraining, type TrainingSpec } from './cnn.js';

/** The ANCHORS.md MLP, as torch_train.py builds it. */
export const MLP: TrainingSpec = {
  name: 'mlp',
  label: 'MLP 784-512-512-10',
  steps: 30,
  model: ({ nn }) =>
    new nn.Sequential(
      new nn.Flatten(),
      new nn.Linear(784, 512),
      new nn.ReLU(),
      new nn.Linear(512, 512),
      new nn.ReLU(),
      new nn.Linear(512, 10),
    ),
};

export function run(ctx: BenchContext): void {
  runTraining(ctx, MLP);
}
