/**
 * Bilinear sampling of one image plane at fractional coordinates, shared by the geometric transforms.
 * Coordinates are in pixel-index units (pixel (0, 0)'s centre is at x = 0, y = 0); points outside the
 * image read `fill` for the missing neighbours, so edges fade into the fill value as in torchvision.
 */

/** Coordinates within this distance of an integer are snapped to it, so exact maps give exact pixels. */
const SNAP = 1e-6;

/** True when v is within SNAP of an integer (then bilinearAt reads that pixel exactly). */
export function nearInteger(v: number): boolean {
  return Math.abs(v - Math.round(v)) < SNAP;
}

function snap(v: number): number {
  const r = Math.round(v);
  return Math.abs(v - r) < SNAP ? r : v;
}

/** The value of plane `src` (h x w, starting at `base`) at (x, y), bilinearly, with `fill` outside. */
export function bilinearAt(src: ArrayLike<number>, base: number, h: number, w: number, x: number, y: number, fill: number): number {
  x = snap(x);
  y = snap(y);
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const inX0 = x0 >= 0 && x0 < w;
  const inX1 = x0 + 1 >= 0 && x0 + 1 < w;
  const inY0 = y0 >= 0 && y0 < h;
  const inY1 = y0 + 1 >= 0 && y0 + 1 < h;
  const r0 = base + y0 * w + x0;
  const r1 = r0 + w;
  const v00 = inY0 && inX0 ? src[r0]! : fill;
  const v01 = fx === 0 ? 0 : inY0 && inX1 ? src[r0 + 1]! : fill;
  const top = fx === 0 ? v00 : (1 - fx) * v00 + fx * v01;
  if (fy === 0) return top;
  const v10 = inY1 && inX0 ? src[r1]! : fill;
  const v11 = fx === 0 ? 0 : inY1 && inX1 ? src[r1 + 1]! : fill;
  const bottom = fx === 0 ? v10 : (1 - fx) * v10 + fx * v11;
  return (1 - fy) * top + fy * bottom;
}
