/** Resizing an image [C, H, W] (bilinear) and torchvision's randomResizedCrop. */
import type { Tensor } from '../../tensor/tensor.js';
import { allocImage, makeImage, rangeArg, readImage, sizeArg, uniformIn, type Transform } from './transform.js';
import { randInt } from './random.js';

/**
 * The window [top, left, height, width] of x resized to [outH, outW] bilinearly, with pixel centres
 * aligned as in PyTorch's interpolate(align_corners=false): output pixel i reads input coordinate
 * (i + 0.5) * (in / out) - 0.5, clamped to the window.
 */
function resizeWindow(x: Tensor, top: number, left: number, height: number, width: number, outH: number, outW: number): Tensor {
  const { c, h, w, values, dtype } = readImage('resize', x);
  const out = allocImage(dtype, c * outH * outW);
  const sy = height / outH;
  const sx = width / outW;
  // Per output column: the two source columns and the weight of the second.
  const col0 = new Int32Array(outW);
  const col1 = new Int32Array(outW);
  const colW = new Float64Array(outW);
  for (let j = 0; j < outW; j++) {
    const xs = Math.min(Math.max((j + 0.5) * sx - 0.5, 0), width - 1);
    const x0 = Math.floor(xs);
    col0[j] = left + x0;
    col1[j] = left + Math.min(x0 + 1, width - 1);
    colW[j] = xs - x0;
  }
  for (let i = 0; i < outH; i++) {
    const ys = Math.min(Math.max((i + 0.5) * sy - 0.5, 0), height - 1);
    const y0 = Math.floor(ys);
    const fy = ys - y0;
    const r0 = top + y0;
    const r1 = top + Math.min(y0 + 1, height - 1);
    for (let ch = 0; ch < c; ch++) {
      const b0 = (ch * h + r0) * w;
      const b1 = (ch * h + r1) * w;
      const dst = (ch * outH + i) * outW;
      for (let j = 0; j < outW; j++) {
        const fx = colW[j]!;
        const t = values[b0 + col0[j]!]! * (1 - fx) + values[b0 + col1[j]!]! * fx;
        const b = values[b1 + col0[j]!]! * (1 - fx) + values[b1 + col1[j]!]! * fx;
        out[dst + j] = t * (1 - fy) + b * fy;
      }
    }
  }
  return makeImage(out, c, outH, outW, dtype);
}

/**
 * x resized to `size` ([h, w] or one number for both) bilinearly (align_corners=false).
 *
 * ```ts
 * resize(x, [16, 16]);
 * ```
 */
export function resize(x: Tensor, size: number | readonly [number, number]): Tensor {
  const [oh, ow] = sizeArg('resize', 'size', size);
  const { h, w } = readImage('resize', x);
  if (h === 0 || w === 0) throw new Error(`resize: cannot resize an empty image ${h}x${w}`);
  return resizeWindow(x, 0, 0, h, w, oh, ow);
}

export interface RandomResizedCropOptions {
  /** Range of the window's area as a fraction of the image's (default [0.08, 1]). */
  scale?: readonly [number, number];
  /** Range of the window's aspect ratio width / height (default [3/4, 4/3]), drawn log-uniformly. */
  ratio?: readonly [number, number];
}

/**
 * A random window of random area and aspect ratio, resized to `size` (torchvision's rule: up to ten
 * tries for a window that fits, else the central window with the ratio clamped to the range).
 *
 * ```ts
 * randomResizedCrop(28, { scale: [0.7, 1] });
 * ```
 */
export function randomResizedCrop(size: number | readonly [number, number], options: RandomResizedCropOptions = {}): Transform {
  const op = 'randomResizedCrop';
  const [oh, ow] = sizeArg(op, 'size', size);
  const scale = rangeArg(op, 'scale', options.scale ?? [0.08, 1], false, 0);
  const ratio = rangeArg(op, 'ratio', options.ratio ?? [3 / 4, 4 / 3], false, 0);
  if (!(ratio[0] > 0)) throw new Error(`${op}: ratio must be positive, got [${ratio.join(', ')}]`);
  const logRatio = [Math.log(ratio[0]), Math.log(ratio[1])] as const;
  return (x, rng) => {
    const { h, w } = readImage(op, x);
    if (h === 0 || w === 0) throw new Error(`${op}: cannot crop an empty image ${h}x${w}`);
    const area = h * w;
    for (let attempt = 0; attempt < 10; attempt++) {
      const target = area * uniformIn(rng, scale[0], scale[1]);
      const aspect = Math.exp(uniformIn(rng, logRatio[0], logRatio[1]));
      const cw = Math.round(Math.sqrt(target * aspect));
      const ch = Math.round(Math.sqrt(target / aspect));
      if (cw > 0 && cw <= w && ch > 0 && ch <= h) {
        const top = randInt(rng, 0, h - ch);
        const left = randInt(rng, 0, w - cw);
        return resizeWindow(x, top, left, ch, cw, oh, ow);
      }
    }
    // Fallback: the central window with the aspect ratio clamped into range.
    const r = w / h;
    let cw = w;
    let ch = h;
    if (r < ratio[0]) ch = Math.round(w / ratio[0]);
    else if (r > ratio[1]) cw = Math.round(h * ratio[1]);
    return resizeWindow(x, Math.floor((h - ch) / 2), Math.floor((w - cw) / 2), ch, cw, oh, ow);
  };
}
