/**
 * The 1989 digit recognizer of LeCun et al., "Backpropagation Applied to Handwritten Zip Code
 * Recognition", in the form Karpathy reproduced in 2022: 16x16 inputs in [-1, 1], two 5x5 stride-2
 * convolutions of 12 maps each over inputs padded with -1 (the background after scaling), a
 * 30-unit layer and 10 outputs, tanh everywhere. Trained with targets +-1 and a squared error.
 *
 * Like the reproduction, H2 sees all 12 of H1's maps (the paper wired each H2 unit to 8 of them).
 * The parameter names (H1, H2, H3, out) are those of the PyTorch reproduction, so its state dict
 * loads as is.
 */
import type { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { Module } from '../nn/module.js';
import { Conv2d } from '../nn/layers/conv.js';
import { Linear } from '../nn/layers/linear.js';
import { pad } from '../ops/shape.js';

/** The value the 1989 net pads its inputs and feature maps with: the background after scaling to [-1, 1]. */
const BACKGROUND = -1;

export class LeNet1989 extends Module {
  /** 1 -> 12 maps, 5x5, stride 2: 16x16 (padded to 20x20) -> 8x8. */
  readonly H1 = new Conv2d(1, 12, 5, { stride: 2 });
  /** 12 -> 12 maps, 5x5, stride 2: 8x8 (padded to 12x12) -> 4x4. */
  readonly H2 = new Conv2d(12, 12, 5, { stride: 2 });
  readonly H3 = new Linear(12 * 4 * 4, 30);
  readonly out = new Linear(30, 10);

  /** `x`: [N, 1, 16, 16] in [-1, 1]; returns [N, 10] outputs in (-1, 1). */
  override forward(x: Tensor): Tensor {
    if (x.ndim !== 4 || x.shape[1] !== 1 || x.shape[2] !== 16 || x.shape[3] !== 16) {
      throw new Error(`lecun1989: expected input [N, 1, 16, 16], got ${formatShape(x.shape)}`);
    }
    let h = this.H1.forward(pad(x, [2, 2, 2, 2], 'constant', BACKGROUND)).tanh();
    h = this.H2.forward(pad(h, [2, 2, 2, 2], 'constant', BACKGROUND)).tanh();
    h = this.H3.forward(h.flatten(1)).tanh();
    return this.out.forward(h).tanh();
  }
}

/**
 * The 1989 net, initialized as PyTorch initializes its layers (draws from the global generator:
 * call `manualSeed` first for a reproducible start).
 *
 * ```ts
 * manualSeed(1337);
 * const net = models.lecun1989();
 * net.forward(x16); // x16: [N, 1, 16, 16] in [-1, 1] -> [N, 10]
 * ```
 */
export function lecun1989(): LeNet1989 {
  return new LeNet1989();
}
