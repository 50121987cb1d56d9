/** Combining transforms: in sequence, with a probability, or one of several at random. */
import type { Generator } from '../../tensor/generator.js';
import type { Tensor } from '../../tensor/tensor.js';
import { checkProbability, type Transform } from './transform.js';

/**
 * Applies the transforms in order, all drawing from the same generator.
 *
 * ```ts
 * const augment = compose([randomAffine({ degrees: 10 }), normalize([0.13], [0.31])]);
 * ```
 */
export function compose(transforms: readonly Transform[]): Transform {
  if (!Array.isArray(transforms)) throw new Error('compose: expects an array of transforms');
  transforms.forEach((t, k) => {
    if (typeof t !== 'function') throw new Error(`compose: transform ${k} is not a function (a Transform is (x, rng) => Tensor)`);
  });
  const list = transforms.slice();
  return (x: Tensor, rng: Generator) => list.reduce((y, t) => t(y, rng), x);
}

/**
 * Applies `transform` with probability p (one draw from rng either way).
 *
 * ```ts
 * randomApply(gaussianNoise({ std: 0.1 }), 0.3);
 * ```
 */
export function randomApply(transform: Transform, p = 0.5): Transform {
  checkProbability('randomApply', p);
  if (typeof transform !== 'function') throw new Error('randomApply: transform must be a function');
  return (x, rng) => (rng.nextFloat64() < p ? transform(x, rng) : x);
}

/**
 * Applies one of the transforms, chosen uniformly.
 *
 * ```ts
 * randomChoice([randomHorizontalFlip(1), randomVerticalFlip(1)]);
 * ```
 */
export function randomChoice(transforms: readonly Transform[]): Transform {
  if (!Array.isArray(transforms) || transforms.length === 0) throw new Error('randomChoice: expects a non-empty array of transforms');
  const list = transforms.slice();
  return (x, rng) => list[rng.nextBelow(list.length)]!(x, rng);
}
