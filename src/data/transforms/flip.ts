/** Random horizontal and vertical flips of an image [C, H, W]. */
import type { Tensor } from '../../tensor/tensor.js';
import { allocImage, checkProbability, makeImage, readImage, type Transform } from './transform.js';

/** x mirrored left-right (horizontal) or top-bottom (vertical), always. */
export function flipImage(x: Tensor, horizontal: boolean): Tensor {
  const { c, h, w, values, dtype } = readImage(horizontal ? 'hflip' : 'vflip', x);
  const out = allocImage(dtype, values.length);
  for (let ch = 0; ch < c; ch++) {
    for (let i = 0; i < h; i++) {
      const row = (ch * h + i) * w;
      if (horizontal) {
        for (let j = 0; j < w; j++) out[row + j] = values[row + w - 1 - j]!;
      } else {
        out.set(values.subarray((ch * h + h - 1 - i) * w, (ch * h + h - i) * w), row);
      }
    }
  }
  return makeImage(out, c, h, w, dtype);
}

/**
 * Mirrors the image left-right with probability p (default 0.5).
 *
 * ```ts
 * randomHorizontalFlip()(x, rng);
 * ```
 */
export function randomHorizontalFlip(p = 0.5): Transform {
  checkProbability('randomHorizontalFlip', p);
  return (x, rng) => {
    readImage('randomHorizontalFlip', x);
    return rng.nextFloat64() < p ? flipImage(x, true) : x;
  };
}

/** Mirrors the image top-bottom with probability p (default 0.5): `randomVerticalFlip(0.2)`. */
export function randomVerticalFlip(p = 0.5): Transform {
  checkProbability('randomVerticalFlip', p);
  return (x, rng) => {
    readImage('randomVerticalFlip', x);
    return rng.nextFloat64() < p ? flipImage(x, false) : x;
  };
}
