/** Padding and cropping of an image [C, H, W]: pad, centerCrop, randomCrop. */
import type { Tensor } from '../../tensor/tensor.js';
import { allocImage, makeImage, readImage, sizeArg, type Transform } from './transform.js';
import { randInt } from './random.js';

/** How pad fills the border: a constant, the mirror image without repeating the edge, or the edge repeated. */
export type PaddingMode = 'constant' | 'reflect' | 'replicate';

/** [left, top, right, bottom] from a number (all sides), [lr, tb], or four numbers. */
function paddingArg(op: string, padding: number | readonly number[]): [number, number, number, number] {
  const p = typeof padding === 'number' ? [padding, padding, padding, padding] : padding.length === 2 ? [padding[0]!, padding[1]!, padding[0]!, padding[1]!] : padding.slice();
  if (p.length !== 4 || !p.every((v) => Number.isInteger(v) && v >= 0)) {
    throw new Error(`${op}: padding must be a non-negative integer, [leftRight, topBottom] or [left, top, right, bottom], got ${JSON.stringify(padding)}`);
  }
  return p as [number, number, number, number];
}

/** Maps an out-of-range index into [0, n) for the mode (-1 for constant). */
function sourceIndex(k: number, n: number, mode: PaddingMode): number {
  if (k >= 0 && k < n) return k;
  if (mode === 'constant') return -1;
  if (mode === 'replicate') return k < 0 ? 0 : n - 1;
  // reflect: ... 2 1 | 0 1 2 ... n-1 | n-2 n-3 ...; a single pixel reflects onto itself.
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let m = ((k % period) + period) % period;
  if (m >= n) m = period - m;
  return m;
}

/**
 * The image with `padding` added around it ([left, top, right, bottom], or one number for all sides).
 *
 * ```ts
 * pad(x, 2);                           // zeros
 * pad(x, [1, 1, 1, 1], 'reflect');
 * ```
 */
export function pad(x: Tensor, padding: number | readonly number[], mode: PaddingMode = 'constant', fill = 0): Tensor {
  const op = 'pad';
  const { c, h, w, values, dtype } = readImage(op, x);
  const [l, t, r, b] = paddingArg(op, padding);
  if (mode !== 'constant' && mode !== 'reflect' && mode !== 'replicate') throw new Error(`${op}: mode must be 'constant', 'reflect' or 'replicate', got ${String(mode)}`);
  if (mode === 'reflect' && (Math.max(l, r) >= w || Math.max(t, b) >= h)) {
    throw new Error(`${op}: reflect padding [${l}, ${t}, ${r}, ${b}] must be smaller than the image's size ${h}x${w} in each dim`);
  }
  if (mode !== 'constant' && h * w === 0) throw new Error(`${op}: cannot ${mode}-pad an empty image`);
  const oh = h + t + b;
  const ow = w + l + r;
  const out = allocImage(dtype, c * oh * ow);
  const cols = new Int32Array(ow);
  for (let j = 0; j < ow; j++) cols[j] = sourceIndex(j - l, w, mode);
  for (let ch = 0; ch < c; ch++) {
    for (let i = 0; i < oh; i++) {
      const si = sourceIndex(i - t, h, mode);
      const dst = (ch * oh + i) * ow;
      if (si < 0) {
        out.fill(fill, dst, dst + ow);
        continue;
      }
      const src = (ch * h + si) * w;
      for (let j = 0; j < ow; j++) {
        const sj = cols[j]!;
        out[dst + j] = sj < 0 ? fill : values[src + sj]!;
      }
    }
  }
  return makeImage(out, c, oh, ow, dtype);
}

/** The [h, w] window of x whose top-left pixel is (top, left). */
export function crop(x: Tensor, top: number, left: number, height: number, width: number): Tensor {
  const op = 'crop';
  const { c, h, w, values, dtype } = readImage(op, x);
  if (![top, left, height, width].every(Number.isInteger) || top < 0 || left < 0 || height <= 0 || width <= 0 || top + height > h || left + width > w) {
    throw new Error(`${op}: window top ${top}, left ${left}, size ${height}x${width} does not fit in an image of ${h}x${w}`);
  }
  const out = allocImage(dtype, c * height * width);
  for (let ch = 0; ch < c; ch++) {
    for (let i = 0; i < height; i++) {
      const src = (ch * h + top + i) * w + left;
      out.set(values.subarray(src, src + width), (ch * height + i) * width);
    }
  }
  return makeImage(out, c, height, width, dtype);
}

/** The central [h, w] window (rounded towards the top-left when the margin is odd): `centerCrop(24)`. */
export function centerCrop(size: number | readonly [number, number]): Transform {
  const [th, tw] = sizeArg('centerCrop', 'size', size);
  return (x) => {
    const { h, w } = readImage('centerCrop', x);
    if (th > h || tw > w) throw new Error(`centerCrop: size ${th}x${tw} is larger than the image ${h}x${w}`);
    return crop(x, Math.floor((h - th) / 2), Math.floor((w - tw) / 2), th, tw);
  };
}

export interface RandomCropOptions {
  /** Border added before cropping: one number, [leftRight, topBottom] or [left, top, right, bottom]. */
  padding?: number | readonly number[];
  /** Default 'constant'. */
  paddingMode?: PaddingMode;
  /** Value of constant padding (default 0). */
  fill?: number;
  /** Pad images smaller than `size` up to it (default false: such images are an error). */
  padIfNeeded?: boolean;
}

/**
 * A random [h, w] window, after optional padding; the window's top row is drawn first, then its
 * left column, each uniformly over the positions that fit.
 *
 * ```ts
 * randomCrop(28, { padding: 4 });                         // the classic shift augmentation
 * randomCrop([24, 24], { padding: 2, paddingMode: 'reflect' });
 * ```
 */
export function randomCrop(size: number | readonly [number, number], options: RandomCropOptions = {}): Transform {
  const op = 'randomCrop';
  const [th, tw] = sizeArg(op, 'size', size);
  const padding = options.padding === undefined ? null : paddingArg(op, options.padding);
  const mode = options.paddingMode ?? 'constant';
  const fill = options.fill ?? 0;
  return (x, rng) => {
    let img = padding ? pad(x, padding, mode, fill) : x;
    let { h, w } = readImage(op, img);
    if (options.padIfNeeded && (h < th || w < tw)) {
      const dh = Math.max(0, th - h);
      const dw = Math.max(0, tw - w);
      img = pad(img, [dw, dh, dw, dh], mode, fill);
      ({ h, w } = readImage(op, img));
    }
    if (th > h || tw > w) throw new Error(`${op}: size ${th}x${tw} is larger than the (padded) image ${h}x${w}; use padIfNeeded`);
    const top = randInt(rng, 0, h - th);
    const left = randInt(rng, 0, w - tw);
    return crop(img, top, left, th, tw);
  };
}
