/**
 * The transform interface and the checks every image transform shares.
 *
 * A transform is a plain function `(x, rng) => Tensor`: x is one sample's image [C, H, W] (float32 or
 * float64), rng the sample's Generator (a DataLoader derives it from (seed, epoch, index), so results
 * do not depend on batch order or workers). Functions rather than classes: they compose with `compose`
 * and arrow functions without ceremony, and carry their options in a closure. Random transforms draw
 * only from `rng`, never from the global generator. A transform never modifies its input.
 *
 * ```ts
 * const augment: Transform = compose([randomCrop(28, { padding: 2 }), randomHorizontalFlip()]);
 * const y = augment(x, new Generator(0));
 * ```
 */
import { Tensor } from '../../tensor/tensor.js';
import type { Generator } from '../../tensor/generator.js';
import type { TypedArray } from '../../tensor/dtype.js';
import { fromArray } from '../../tensor/creation.js';
import { formatShape } from '../../tensor/shape.js';

/** One sample's image [C, H, W] and its generator in, a new image out. */
export type Transform = (x: Tensor, rng: Generator) => Tensor;

/** An image's sizes and its values as a contiguous float array (a view when possible: do not write). */
export interface ImageView {
  c: number;
  h: number;
  w: number;
  values: Float32Array | Float64Array;
  dtype: 'float32' | 'float64';
}

/** Checks that x is a float [C, H, W] tensor and returns its sizes and values (read-only). */
export function readImage(op: string, x: Tensor): ImageView {
  if (!(x instanceof Tensor)) throw new Error(`${op}: expects an image tensor [C, H, W], got ${typeof x}`);
  if (x.ndim !== 3) throw new Error(`${op}: expects an image of shape [C, H, W], got ${formatShape(x.shape)}`);
  if (x.dtype !== 'float32' && x.dtype !== 'float64') throw new Error(`${op}: expects a float32 or float64 image, got ${x.dtype}`);
  const c = x.isContiguous() ? x : x.contiguous();
  const values = c.data.subarray(c.offset, c.offset + c.numel) as Float32Array | Float64Array;
  return { c: x.shape[0]!, h: x.shape[1]!, w: x.shape[2]!, values, dtype: x.dtype };
}

/** A new image tensor [c, h, w] of `dtype` over `values` (taken, not copied). */
export function makeImage(values: TypedArray, c: number, h: number, w: number, dtype: 'float32' | 'float64'): Tensor {
  return fromArray(values, [c, h, w], dtype);
}

/** A zeroed buffer for an image of the given dtype. */
export function allocImage(dtype: 'float32' | 'float64', size: number): Float32Array | Float64Array {
  return dtype === 'float32' ? new Float32Array(size) : new Float64Array(size);
}

/** Throws unless p is a probability. */
export function checkProbability(op: string, p: number): void {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new Error(`${op}: p must be a probability in [0, 1], got ${p}`);
}

/** Uniform in [lo, hi) from rng (lo when the range is empty). */
export function uniformIn(rng: Generator, lo: number, hi: number): number {
  return lo === hi ? lo : lo + (hi - lo) * rng.nextFloat64();
}

/** A [lo, hi] pair from a number v (meaning [-v, v], or [1 - v, 1 + v] with `around1`) or a pair. */
export function rangeArg(op: string, name: string, v: number | readonly [number, number], around1 = false, min = -Infinity): [number, number] {
  let lo: number;
  let hi: number;
  if (typeof v === 'number') {
    if (!(v >= 0) || !Number.isFinite(v)) throw new Error(`${op}: ${name} must be a non-negative number or a [min, max] pair, got ${v}`);
    [lo, hi] = around1 ? [Math.max(0, 1 - v), 1 + v] : [-v, v];
  } else if (Array.isArray(v) && v.length === 2) {
    [lo, hi] = v as [number, number];
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) throw new Error(`${op}: ${name} must be a [min, max] pair with min <= max, got [${v.join(', ')}]`);
  } else {
    throw new Error(`${op}: ${name} must be a number or a [min, max] pair, got ${JSON.stringify(v)}`);
  }
  if (lo < min) throw new Error(`${op}: ${name} must not go below ${min}, got [${lo}, ${hi}]`);
  return [lo, hi];
}

/** [h, w] from a number or pair, each a positive integer. */
export function sizeArg(op: string, name: string, size: number | readonly [number, number]): [number, number] {
  const [h, w] = typeof size === 'number' ? [size, size] : size.length === 2 ? [size[0]!, size[1]!] : [NaN, NaN];
  if (!Number.isInteger(h) || !Number.isInteger(w) || h <= 0 || w <= 0) {
    throw new Error(`${op}: ${name} must be a positive integer or a pair [h, w] of them, got ${JSON.stringify(size)}`);
  }
  return [h, w];
}
