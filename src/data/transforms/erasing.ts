/** Random erasing (cutout): a random rectangle of an image [C, H, W] set to a value or to noise. */
import type { Tensor } from '../../tensor/tensor.js';
import { allocImage, checkProbability, makeImage, rangeArg, readImage, uniformIn, type Transform } from './transform.js';
import { normal, randInt } from './random.js';

export interface RandomErasingOptions {
  /** Probability of erasing (default 0.5). */
  p?: number;
  /** Range of the rectangle's area as a fraction of the image's (default [0.02, 0.33]). */
  scale?: readonly [number, number];
  /** Range of its aspect ratio height / width, drawn log-uniformly (default [0.3, 3.3]). */
  ratio?: readonly [number, number];
  /** The erased value: a number, one per channel, or 'random' for standard normal noise (default 0). */
  value?: number | readonly number[] | 'random';
}

/** x with the rectangle [top, left, height, width] set to `value` (per channel, or noise from `noise`). */
export function erase(x: Tensor, top: number, left: number, height: number, width: number, value: number | readonly number[] | (() => number) = 0): Tensor {
  const op = 'erase';
  const { c, h, w, values, dtype } = readImage(op, x);
  if (![top, left, height, width].every(Number.isInteger) || top < 0 || left < 0 || height < 0 || width < 0 || top + height > h || left + width > w) {
    throw new Error(`${op}: rectangle top ${top}, left ${left}, size ${height}x${width} does not fit in an image of ${h}x${w}`);
  }
  if (Array.isArray(value) && value.length !== c && value.length !== 1) throw new Error(`${op}: value has ${value.length} entries, but the image has ${c} channels`);
  const out = allocImage(dtype, values.length);
  out.set(values);
  for (let ch = 0; ch < c; ch++) {
    const fixed = typeof value === 'number' ? value : Array.isArray(value) ? (value.length === 1 ? value[0]! : value[ch]!) : NaN;
    for (let i = top; i < top + height; i++) {
      const row = (ch * h + i) * w;
      for (let j = left; j < left + width; j++) out[row + j] = typeof value === 'function' ? value() : fixed;
    }
  }
  return makeImage(out, c, h, w, dtype);
}

/**
 * Erases a random rectangle with probability p (torchvision's RandomErasing: up to ten tries for a
 * rectangle of the drawn area and ratio that fits strictly inside; none fitting leaves x as it is).
 * Apply it after normalisation when erasing to 0 should mean "the mean".
 *
 * ```ts
 * randomErasing({ p: 0.5, scale: [0.02, 0.2] });
 * ```
 */
export function randomErasing(options: RandomErasingOptions = {}): Transform {
  const op = 'randomErasing';
  const p = options.p ?? 0.5;
  checkProbability(op, p);
  const scale = rangeArg(op, 'scale', options.scale ?? [0.02, 0.33], false, 0);
  if (scale[1] > 1) throw new Error(`${op}: scale must lie within [0, 1], got [${scale.join(', ')}]`);
  const ratio = rangeArg(op, 'ratio', options.ratio ?? [0.3, 3.3], false, 0);
  if (!(ratio[0] > 0)) throw new Error(`${op}: ratio must be positive, got [${ratio.join(', ')}]`);
  const value = options.value ?? 0;
  if (value !== 'random' && typeof value !== 'number' && !Array.isArray(value)) throw new Error(`${op}: value must be a number, an array or 'random', got ${JSON.stringify(value)}`);
  const logRatio = [Math.log(ratio[0]), Math.log(ratio[1])] as const;
  return (x, rng) => {
    const { h, w } = readImage(op, x);
    if (rng.nextFloat64() >= p) return x;
    const area = h * w;
    for (let attempt = 0; attempt < 10; attempt++) {
      const target = area * uniformIn(rng, scale[0], scale[1]);
      const aspect = Math.exp(uniformIn(rng, logRatio[0], logRatio[1]));
      const eh = Math.round(Math.sqrt(target * aspect));
      const ew = Math.round(Math.sqrt(target / aspect));
      if (eh > 0 && ew > 0 && eh < h && ew < w) {
        const top = randInt(rng, 0, h - eh);
        const left = randInt(rng, 0, w - ew);
        return erase(x, top, left, eh, ew, value === 'random' ? () => normal(rng) : value);
      }
    }
    return x;
  };
}
