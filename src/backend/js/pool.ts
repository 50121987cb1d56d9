/**
 * Reference 2-D max and average pooling (and the average's gradient) over [N, C, H, W] views. Window
 * (oh, ow) covers rows oh*stride - pad + i*dilation, i < kernel; rows outside the input are padding.
 */
import type { TypedArray } from '../../tensor/dtype.js';
import { allocArray } from '../../tensor/dtype.js';
import type { Pool2dParams, View } from '../backend.js';

/**
 * Ties go to the first position in the window; NaN beats everything (the last NaN wins, as in
 * PyTorch). A window with no tap inside the input (the ops reject those) gives -Infinity, index 0.
 */
export function maxPool2d(x: View, p: Pool2dParams): { values: TypedArray; indices: Int32Array } {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [sxn, sxc, sxh, sxw] = x.strides as [number, number, number, number];
  const [HO, WO] = p.outSize;
  const [KH, KW] = p.kernel;
  const [sh, sw] = p.stride;
  const [ph, pw] = p.padding;
  const [dh, dw] = p.dilation;
  const values = allocArray(x.dtype, N * C * HO * WO);
  const indices = new Int32Array(N * C * HO * WO);
  const xd = x.data;
  let k = 0;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const base = x.offset + n * sxn + c * sxc;
      for (let oh = 0; oh < HO; oh++) {
        for (let ow = 0; ow < WO; ow++, k++) {
          let best = -Infinity;
          let bestIndex = -1;
          for (let i = 0; i < KH; i++) {
            const ih = oh * sh - ph + i * dh;
            if (ih < 0 || ih >= H) continue;
            for (let j = 0; j < KW; j++) {
              const iw = ow * sw - pw + j * dw;
              if (iw < 0 || iw >= W) continue;
              const v = xd[base + ih * sxh + iw * sxw]!;
              // The first tap claims the index even at -Infinity, so the index always points inside.
              if (bestIndex < 0 || v > best || Number.isNaN(v)) {
                best = v;
                bestIndex = ih * W + iw;
              }
            }
          }
          values[k] = best;
          indices[k] = Math.max(bestIndex, 0);
        }
      }
    }
  }
  return { values, indices };
}

/** Each output gradient added at its argmax, plane by plane, outputs in row-major order. */
export function maxPool2dGrad(g: View, indices: View, inputShape: readonly number[]): TypedArray {
  const [N, C, H, W] = inputShape as [number, number, number, number];
  const [, , HO, WO] = g.shape as [number, number, number, number];
  const [sgn, sgc, sgh, sgw] = g.strides as [number, number, number, number];
  const [sin, sic, sih, siw] = indices.strides as [number, number, number, number];
  const plane = H * W;
  const dx = allocArray(g.dtype, N * C * plane);
  const gd = g.data;
  const id = indices.data;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const base = (n * C + c) * plane;
      const gb = g.offset + n * sgn + c * sgc;
      const ib = indices.offset + n * sin + c * sic;
      for (let oh = 0; oh < HO; oh++) {
        for (let ow = 0; ow < WO; ow++) {
          const k = id[ib + oh * sih + ow * siw]!;
          if (k >= 0 && k < plane) dx[base + k] += gd[gb + oh * sgh + ow * sgw]!;
        }
      }
    }
  }
  return dx;
}

/** For window (oh, ow): its first row/column and how many of its taps fall inside the input and inside the padded input. */
function taps(o: number, stride: number, pad: number, kernel: number, dilation: number, size: number): [start: number, inside: number, padded: number] {
  const start = o * stride - pad;
  let inside = 0;
  let padded = 0;
  for (let i = 0; i < kernel; i++) {
    const r = start + i * dilation;
    if (r < size + pad) padded++;
    if (r >= 0 && r < size) inside++;
  }
  return [start, inside, padded];
}

/** The divisor of window (oh, ow), PyTorch's rule: the override, else the window clipped to the padded input, or to the input. */
function divisor(p: Pool2dParams, rh: [number, number, number], rw: [number, number, number]): number {
  if (p.divisorOverride !== null) return p.divisorOverride;
  return p.countIncludePad ? rh[2] * rw[2] : rh[1] * rw[1];
}

export function avgPool2d(x: View, p: Pool2dParams): TypedArray {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [sxn, sxc, sxh, sxw] = x.strides as [number, number, number, number];
  const [HO, WO] = p.outSize;
  const [dh, dw] = p.dilation;
  const out = allocArray(x.dtype, N * C * HO * WO);
  const rows = Array.from({ length: HO }, (_, oh) => taps(oh, p.stride[0], p.padding[0], p.kernel[0], dh, H));
  const cols = Array.from({ length: WO }, (_, ow) => taps(ow, p.stride[1], p.padding[1], p.kernel[1], dw, W));
  const xd = x.data;
  let k = 0;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const base = x.offset + n * sxn + c * sxc;
      for (let oh = 0; oh < HO; oh++) {
        const rh = rows[oh]!;
        for (let ow = 0; ow < WO; ow++, k++) {
          const rw = cols[ow]!;
          let acc = 0;
          for (let i = 0; i < p.kernel[0]; i++) {
            const ih = rh[0] + i * dh;
            if (ih < 0 || ih >= H) continue;
            for (let j = 0; j < p.kernel[1]; j++) {
              const iw = rw[0] + j * dw;
              if (iw < 0 || iw >= W) continue;
              acc += xd[base + ih * sxh + iw * sxw]!;
            }
          }
          const div = divisor(p, rh, rw);
          out[k] = div === 0 ? 0 : acc / div;
        }
      }
    }
  }
  return out;
}

/** The adjoint of avgPool2d: each output gradient, divided by its window's divisor, added to every tap. */
export function avgPool2dGrad(g: View, p: Pool2dParams, inputShape: readonly number[]): TypedArray {
  const [N, C, H, W] = inputShape as [number, number, number, number];
  const [sgn, sgc, sgh, sgw] = g.strides as [number, number, number, number];
  const [HO, WO] = p.outSize;
  const [dh, dw] = p.dilation;
  const acc = new Float64Array(N * C * H * W);
  const rows = Array.from({ length: HO }, (_, oh) => taps(oh, p.stride[0], p.padding[0], p.kernel[0], dh, H));
  const cols = Array.from({ length: WO }, (_, ow) => taps(ow, p.stride[1], p.padding[1], p.kernel[1], dw, W));
  const gd = g.data;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const gBase = g.offset + n * sgn + c * sgc;
      const plane = (n * C + c) * H * W;
      for (let oh = 0; oh < HO; oh++) {
        const rh = rows[oh]!;
        for (let ow = 0; ow < WO; ow++) {
          const rw = cols[ow]!;
          const div = divisor(p, rh, rw);
          if (div === 0) continue;
          const v = gd[gBase + oh * sgh + ow * sgw]! / div;
          for (let i = 0; i < p.kernel[0]; i++) {
            const ih = rh[0] + i * dh;
            if (ih < 0 || ih >= H) continue;
            for (let j = 0; j < p.kernel[1]; j++) {
              const iw = rw[0] + j * dw;
              if (iw < 0 || iw >= W) continue;
              acc[plane + ih * W + iw] += v;
            }
          }
        }
      }
    }
  }
  if (g.dtype === 'float64') return acc;
  const out = allocArray(g.dtype, acc.length);
  out.set(acc);
  return out;
}
