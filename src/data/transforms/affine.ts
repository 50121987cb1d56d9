/**
 * Affine warps of an image [C, H, W]: a fixed `affine` and the random `randomAffine`.
 *
 * Geometry: coordinates are pixel indices with the origin at the top-left pixel's centre, x to the
 * right and y down; the centre of the image is ((W-1)/2, (H-1)/2). The forward map of a point p is
 * p' = centre + translate + R * Sh * s * (p - centre), where R rotates by `angle` degrees
 * counter-clockwise as seen on screen, Sh = [[1, tan(shearX)], [tan(shearY), 1]] and s scales. Each
 * output pixel is read from the inverse-mapped point by bilinear interpolation, `fill` outside.
 */
import type { Tensor } from '../../tensor/tensor.js';
import { allocImage, makeImage, rangeArg, readImage, uniformIn, type Transform } from './transform.js';
import { bilinearAt, nearInteger } from './interpolate.js';

export interface AffineParams {
  /** Degrees, counter-clockwise (default 0). */
  angle?: number;
  /** Shift in pixels [tx, ty] (default [0, 0]). */
  translate?: readonly [number, number];
  /** Zoom factor (default 1; > 1 enlarges). */
  scale?: number;
  /** Shear angles in degrees [x, y] (default [0, 0]). */
  shear?: readonly [number, number];
  /** Value for pixels mapped from outside the image (default 0). */
  fill?: number;
}

const RAD = Math.PI / 180;

/**
 * The image warped by the given rotation, translation, scale and shear (see the file comment).
 *
 * ```ts
 * affine(x, { angle: 90 });                       // a quarter turn counter-clockwise
 * affine(x, { translate: [2, 0], fill: 0 });      // two pixels to the right
 * ```
 */
export function affine(x: Tensor, params: AffineParams = {}): Tensor {
  const op = 'affine';
  const { c, h, w, values, dtype } = readImage(op, x);
  const angle = params.angle ?? 0;
  const [tx, ty] = params.translate ?? [0, 0];
  const s = params.scale ?? 1;
  const [shx, shy] = params.shear ?? [0, 0];
  const fill = params.fill ?? 0;
  for (const [name, v] of [['angle', angle], ['translate', tx], ['translate', ty], ['shear', shx], ['shear', shy], ['fill', fill]] as const) {
    if (!Number.isFinite(v)) throw new Error(`${op}: ${name} must be finite, got ${v}`);
  }
  if (!(s > 0) || !Number.isFinite(s)) throw new Error(`${op}: scale must be a positive number, got ${s}`);
  if (Math.abs(shx) >= 90 || Math.abs(shy) >= 90) throw new Error(`${op}: shear angles must lie strictly between -90 and 90 degrees, got [${shx}, ${shy}]`);
  const cos = Math.cos(angle * RAD);
  const sin = Math.sin(angle * RAD);
  const kx = Math.tan(shx * RAD);
  const ky = Math.tan(shy * RAD);
  // A = R * Sh * s with R = [[cos, sin], [-sin, cos]] (counter-clockwise on screen, y down).
  const a = s * (cos + sin * ky);
  const b = s * (cos * kx + sin);
  const cc = s * (-sin + cos * ky);
  const d = s * (-sin * kx + cos);
  const det = a * d - b * cc;
  if (Math.abs(det) < 1e-12) throw new Error(`${op}: the transform is singular (shear [${shx}, ${shy}] with angle ${angle})`);
  // Inverse: p = centre + A^-1 (p' - centre - t).
  const ia = d / det;
  const ib = -b / det;
  const ic = -cc / det;
  const id = a / det;
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const out = allocImage(dtype, c * h * w);
  const plane = h * w;
  for (let i = 0; i < h; i++) {
    const dy = i - cy - ty;
    for (let j = 0; j < w; j++) {
      const dx = j - cx - tx;
      const sx = cx + ia * dx + ib * dy;
      const sy = cy + ic * dx + id * dy;
      const k = i * w + j;
      // Inside by a margin: the four neighbours exist and no snapping is needed to stay in bounds.
      if (sx >= 0 && sy >= 0 && sx < w - 1 && sy < h - 1 && !nearInteger(sx) && !nearInteger(sy)) {
        const x0 = sx | 0;
        const y0 = sy | 0;
        const fx = sx - x0;
        const fy = sy - y0;
        const w00 = (1 - fx) * (1 - fy);
        const w01 = fx * (1 - fy);
        const w10 = (1 - fx) * fy;
        const w11 = fx * fy;
        const r = y0 * w + x0;
        for (let ch = 0, base = 0; ch < c; ch++, base += plane) {
          out[base + k] = w00 * values[base + r]! + w01 * values[base + r + 1]! + w10 * values[base + r + w]! + w11 * values[base + r + w + 1]!;
        }
      } else {
        for (let ch = 0; ch < c; ch++) out[ch * plane + k] = bilinearAt(values, ch * plane, h, w, sx, sy, fill);
      }
    }
  }
  return makeImage(out, c, h, w, dtype);
}

export interface RandomAffineOptions {
  /** Rotation range in degrees: d means [-d, d] (default 0). */
  degrees?: number | readonly [number, number];
  /** Maximal shift as fractions of the width and height [fx, fy]: tx in [-fx W, fx W], rounded to whole pixels. */
  translate?: readonly [number, number];
  /** Zoom range [min, max] (default no zoom). */
  scale?: readonly [number, number];
  /** Shear in degrees: s means x-shear in [-s, s]; [min, max] x-shear; [xmin, xmax, ymin, ymax] both. */
  shear?: number | readonly number[];
  /** Value for pixels from outside the image (default 0). */
  fill?: number;
}

/**
 * A random rotation, translation, scale and shear (torchvision's RandomAffine): the angle, shift,
 * scale and shears are drawn in that order, each uniformly over its range.
 *
 * ```ts
 * randomAffine({ degrees: 10, translate: [0.1, 0.1], scale: [0.9, 1.1] });
 * ```
 */
export function randomAffine(options: RandomAffineOptions = {}): Transform {
  const op = 'randomAffine';
  const degrees = rangeArg(op, 'degrees', options.degrees ?? 0);
  const translate = options.translate;
  if (translate !== undefined && (translate.length !== 2 || !translate.every((f) => f >= 0 && f <= 1))) {
    throw new Error(`${op}: translate must be a pair of fractions in [0, 1], got ${JSON.stringify(translate)}`);
  }
  const scale = options.scale === undefined ? null : rangeArg(op, 'scale', options.scale);
  if (scale && !(scale[0] > 0)) throw new Error(`${op}: scale must be a positive range, got [${scale.join(', ')}]`);
  const shear = shearArg(op, options.shear);
  const fill = options.fill ?? 0;
  return (x, rng) => {
    const { h, w } = readImage(op, x);
    const angle = uniformIn(rng, degrees[0], degrees[1]);
    let tx = 0;
    let ty = 0;
    if (translate) {
      tx = Math.round(uniformIn(rng, -translate[0] * w, translate[0] * w));
      ty = Math.round(uniformIn(rng, -translate[1] * h, translate[1] * h));
    }
    const s = scale ? uniformIn(rng, scale[0], scale[1]) : 1;
    const shx = shear ? uniformIn(rng, shear[0], shear[1]) : 0;
    const shy = shear ? uniformIn(rng, shear[2], shear[3]) : 0;
    return affine(x, { angle, translate: [tx, ty], scale: s, shear: [shx, shy], fill });
  };
}

function shearArg(op: string, shear: number | readonly number[] | undefined): [number, number, number, number] | null {
  if (shear === undefined) return null;
  let r: number[];
  if (typeof shear === 'number') r = [-Math.abs(shear), Math.abs(shear), 0, 0];
  else if (shear.length === 2) r = [shear[0]!, shear[1]!, 0, 0];
  else if (shear.length === 4) r = shear.slice();
  else throw new Error(`${op}: shear must be a number, [min, max] or [xmin, xmax, ymin, ymax], got ${JSON.stringify(shear)}`);
  if (!r.every((v) => Number.isFinite(v) && Math.abs(v) < 90) || r[0]! > r[1]! || r[2]! > r[3]!) {
    throw new Error(`${op}: shear ranges must be ordered and within (-90, 90) degrees, got ${JSON.stringify(shear)}`);
  }
  return r as [number, number, number, number];
}
