/** Brightness and contrast jitter of an image [C, H, W] with values in [0, 1]. */
import type { Tensor } from '../../tensor/tensor.js';
import { allocImage, makeImage, rangeArg, readImage, uniformIn, type Transform } from './transform.js';

export interface ColorJitterOptions {
  /** Brightness factor range: b means [max(0, 1 - b), 1 + b]; or [min, max]. Default none. */
  brightness?: number | readonly [number, number];
  /** Contrast factor range, the same way. Default none. */
  contrast?: number | readonly [number, number];
  /** Clamp results into [0, 1] (default true, as for float images in torchvision). */
  clamp?: boolean;
}

/** The mean of the image's grey level (ITU-R 601 luma for 3 channels, the plain mean otherwise). */
function greyMean(values: ArrayLike<number>, c: number, plane: number): number {
  let sum = 0;
  if (c === 3) {
    for (let k = 0; k < plane; k++) sum += 0.299 * values[k]! + 0.587 * values[plane + k]! + 0.114 * values[2 * plane + k]!;
    return plane === 0 ? 0 : sum / plane;
  }
  for (let k = 0; k < c * plane; k++) sum += values[k]!;
  return c * plane === 0 ? 0 : sum / (c * plane);
}

/**
 * Random brightness (x * b) and contrast (c x + (1 - c) mean) changes; the factors are drawn
 * brightness first, then contrast, and the two are applied in a random order, as torchvision does.
 *
 * ```ts
 * colorJitter({ brightness: 0.2, contrast: 0.2 });
 * ```
 */
export function colorJitter(options: ColorJitterOptions = {}): Transform {
  const op = 'colorJitter';
  const bright = options.brightness === undefined ? null : rangeArg(op, 'brightness', options.brightness, true, 0);
  const contrast = options.contrast === undefined ? null : rangeArg(op, 'contrast', options.contrast, true, 0);
  const clamp = options.clamp ?? true;
  return (x, rng) => {
    const { c, h, w, values, dtype } = readImage(op, x);
    const b = bright ? uniformIn(rng, bright[0], bright[1]) : 1;
    const k = contrast ? uniformIn(rng, contrast[0], contrast[1]) : 1;
    const contrastFirst = bright !== null && contrast !== null && rng.nextFloat64() < 0.5;
    const out = allocImage(dtype, values.length);
    out.set(values);
    const brighten = (): void => {
      for (let i = 0; i < out.length; i++) out[i] = out[i]! * b;
      if (clamp) clampUnit(out);
    };
    const applyContrast = (): void => {
      const mean = greyMean(out, c, h * w);
      for (let i = 0; i < out.length; i++) out[i] = k * out[i]! + (1 - k) * mean;
      if (clamp) clampUnit(out);
    };
    if (contrastFirst) {
      if (contrast) applyContrast();
      if (bright) brighten();
    } else {
      if (bright) brighten();
      if (contrast) applyContrast();
    }
    return makeImage(out, c, h, w, dtype);
  };
}

/** The image scaled by a fixed brightness factor: `adjustBrightness(x, 1.2)`. */
export function adjustBrightness(x: Tensor, factor: number, clamp = true): Tensor {
  return colorJitter({ brightness: [factor, factor], clamp })(x, NO_RNG);
}

/** The image with a fixed contrast factor around its grey mean: `adjustContrast(x, 0.5)`. */
export function adjustContrast(x: Tensor, factor: number, clamp = true): Tensor {
  return colorJitter({ contrast: [factor, factor], clamp })(x, NO_RNG);
}

function clampUnit(a: Float32Array | Float64Array): void {
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    a[i] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
}

/** Fixed factors draw nothing (uniformIn returns lo for an empty range), so no generator is needed. */
const NO_RNG = {
  nextFloat64(): number {
    throw new Error('colorJitter: internal error, a fixed adjustment drew a random number');
  },
} as unknown as Parameters<Transform>[1];
