/** Additive Gaussian noise on an image [C, H, W]. */
import { allocImage, makeImage, readImage, checkProbability, type Transform } from './transform.js';
import { normal } from './random.js';

export interface GaussianNoiseOptions {
  /** Standard deviation (default 0.1). */
  std?: number;
  /** Mean (default 0). */
  mean?: number;
  /** Probability of adding noise at all (default 1). */
  p?: number;
  /** Clamp the result into [min, max] (default: no clamping). */
  clip?: readonly [number, number];
}

/**
 * x + N(mean, std^2) independently per value.
 *
 * ```ts
 * gaussianNoise({ std: 0.05, clip: [0, 1] });
 * ```
 */
export function gaussianNoise(options: GaussianNoiseOptions = {}): Transform {
  const op = 'gaussianNoise';
  const std = options.std ?? 0.1;
  const mean = options.mean ?? 0;
  const p = options.p ?? 1;
  if (!(std >= 0) || !Number.isFinite(std)) throw new Error(`${op}: std must be a non-negative number, got ${std}`);
  if (!Number.isFinite(mean)) throw new Error(`${op}: mean must be finite, got ${mean}`);
  checkProbability(op, p);
  const clip = options.clip;
  if (clip !== undefined && !(clip.length === 2 && clip[0] <= clip[1])) throw new Error(`${op}: clip must be [min, max] with min <= max, got ${JSON.stringify(clip)}`);
  return (x, rng) => {
    const { c, h, w, values, dtype } = readImage(op, x);
    if (p < 1 && rng.nextFloat64() >= p) return x;
    const out = allocImage(dtype, values.length);
    for (let i = 0; i < out.length; i++) {
      let v = values[i]! + mean + std * normal(rng);
      if (clip) v = v < clip[0] ? clip[0] : v > clip[1] ? clip[1] : v;
      out[i] = v;
    }
    return makeImage(out, c, h, w, dtype);
  };
}
