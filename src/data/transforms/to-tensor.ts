/** Converting raw pixel arrays (bytes, height x width x channels) into image tensors [C, H, W]. */
import type { Tensor } from '../../tensor/tensor.js';
import { fromArray } from '../../tensor/creation.js';

export interface ToImageTensorOptions {
  height: number;
  width: number;
  /** Channels per pixel (default: the array's length / (height * width)). */
  channels?: number;
  /** 'hwc' (interleaved, as decoders give; default) or 'chw' (planar). */
  layout?: 'hwc' | 'chw';
  /** Divide by this (default 255 for integer arrays, 1 for float arrays). */
  scale?: number;
}

/**
 * A float32 image [C, H, W] from pixel values, scaled into [0, 1] for bytes (torchvision's ToTensor).
 *
 * ```ts
 * const png = PNG.sync.read(buf);   // RGBA bytes
 * toImageTensor(png.data, { height: png.height, width: png.width });  // [4, H, W]
 * ```
 */
export function toImageTensor(pixels: ArrayLike<number>, options: ToImageTensorOptions): Tensor {
  const op = 'toImageTensor';
  const { height: h, width: w } = options;
  if (!Number.isInteger(h) || !Number.isInteger(w) || h <= 0 || w <= 0) throw new Error(`${op}: height and width must be positive integers, got ${h} and ${w}`);
  const c = options.channels ?? pixels.length / (h * w);
  if (!Number.isInteger(c) || c <= 0 || c * h * w !== pixels.length) {
    throw new Error(`${op}: ${pixels.length} values do not make an image of ${h}x${w}${options.channels ? ` with ${options.channels} channels` : ''}`);
  }
  const isFloat = pixels instanceof Float32Array || pixels instanceof Float64Array || Array.isArray(pixels);
  const scale = options.scale ?? (isFloat ? 1 : 255);
  if (!(scale > 0)) throw new Error(`${op}: scale must be positive, got ${scale}`);
  const layout = options.layout ?? 'hwc';
  if (layout !== 'hwc' && layout !== 'chw') throw new Error(`${op}: layout must be 'hwc' or 'chw', got ${String(layout)}`);
  const out = new Float32Array(c * h * w);
  const plane = h * w;
  const inv = 1 / scale;
  if (layout === 'chw') {
    for (let k = 0; k < out.length; k++) out[k] = pixels[k]! * inv;
  } else {
    for (let p = 0; p < plane; p++) for (let ch = 0; ch < c; ch++) out[ch * plane + p] = pixels[p * c + ch]! * inv;
  }
  return fromArray(out, [c, h, w], 'float32');
}
