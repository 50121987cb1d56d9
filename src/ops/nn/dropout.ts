/** Dropout: zeroes elements at random during training and rescales the rest (inverted dropout). */
import type { Tensor } from '../../tensor/tensor.js';
import { bernoulli, type Generator } from '../../tensor/random.js';
import { checkFloating, checkTensor } from '../util.js';
import { show } from './support.js';

export interface DropoutOptions {
  /** Draw the mask from this generator instead of the global one. */
  generator?: Generator;
}

/**
 * Each element is zeroed with probability `p` and the others are scaled by 1 / (1 - p), so the
 * expected value is unchanged; with `training` false (or p = 0) the input comes back as is, and p = 1
 * gives zeros. The mask comes from the seeded global generator (see manualSeed).
 *
 * ```ts
 * const y = dropout(x, 0.1);                 // training
 * const z = dropout(x, 0.1, model.training); // identity in eval mode
 * ```
 */
export function dropout(x: Tensor, p = 0.5, training = true, options: DropoutOptions = {}): Tensor {
  const op = 'dropout';
  checkTensor(op, x);
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new Error(`${op}: p must be a probability in [0, 1], got ${show(p)}`);
  if (typeof training !== 'boolean') throw new Error(`${op}: training must be a boolean, got ${show(training)}`);
  checkFloating(op, x);
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  const keep = bernoulli(1 - p, x.shape, { dtype: x.dtype, generator: options.generator });
  return x.mul(keep.div(1 - p));
}
