/**
 * Reference 2-D convolution and its two gradients, as direct loops over strided views. Sums are taken
 * in float64 and rounded once into the output dtype. Every input position is bounds-checked, so the
 * caller may ask for any output (or input) extent: positions outside the input read as zero.
 */
import type { TypedArray } from '../../tensor/dtype.js';
import { allocArray } from '../../tensor/dtype.js';
import type { Conv2dParams, View } from '../backend.js';

/** Shape and strides of a 4-D view as plain number arrays, for destructuring in the loops. */
function dims4(v: View): [number[], number[]] {
  return [v.shape as number[], v.strides as number[]];
}

/** x [N, C, H, W], w [O, C/groups, kh, kw] -> out [N, O, Ho, Wo]. */
export function conv2d(x: View, w: View, p: Conv2dParams, outShape: readonly number[]): TypedArray {
  const [[, , H, W], [sxn, sxc, sxh, sxw]] = dims4(x);
  const [[, cpg, KH, KW], [swo, swc, swh, sww]] = dims4(w);
  const [N, O, HO, WO] = outShape as [number, number, number, number];
  const [sh, sw] = p.stride;
  const [ph, pw] = p.padding;
  const [dh, dw] = p.dilation;
  const opg = O / p.groups;
  const out = allocArray(x.dtype, N * O * HO * WO);
  const xd = x.data;
  const wd = w.data;
  let k = 0;
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      const c0 = Math.floor(o / opg) * cpg;
      for (let oh = 0; oh < HO; oh++) {
        for (let ow = 0; ow < WO; ow++) {
          let acc = 0;
          for (let c = 0; c < cpg; c++) {
            const xBase = x.offset + n * sxn + (c0 + c) * sxc;
            const wBase = w.offset + o * swo + c * swc;
            for (let i = 0; i < KH; i++) {
              const ih = oh * sh - ph + i * dh;
              if (ih < 0 || ih >= H) continue;
              for (let j = 0; j < KW; j++) {
                const iw = ow * sw - pw + j * dw;
                if (iw < 0 || iw >= W) continue;
                acc += xd[xBase + ih * sxh + iw * sxw]! * wd[wBase + i * swh + j * sww]!;
              }
            }
          }
          out[k++] = acc;
        }
      }
    }
  }
  return out;
}

/** g [N, O, Ho, Wo], w [O, C/groups, kh, kw] -> dx [N, C, H, W]: each output gradient spread over its window. */
export function conv2dInputGrad(g: View, w: View, p: Conv2dParams, inputShape: readonly number[]): TypedArray {
  const [[, O, HO, WO], [sgn, sgo, sgh, sgw]] = dims4(g);
  const [[, cpg, KH, KW], [swo, swc, swh, sww]] = dims4(w);
  const [N, C, H, W] = inputShape as [number, number, number, number];
  const [sh, sw] = p.stride;
  const [ph, pw] = p.padding;
  const [dh, dw] = p.dilation;
  const opg = O / p.groups;
  const acc = new Float64Array(N * C * H * W);
  const gd = g.data;
  const wd = w.data;
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      const c0 = Math.floor(o / opg) * cpg;
      for (let oh = 0; oh < HO; oh++) {
        for (let ow = 0; ow < WO; ow++) {
          const gv = gd[g.offset + n * sgn + o * sgo + oh * sgh + ow * sgw]!;
          for (let c = 0; c < cpg; c++) {
            const dxBase = (n * C + c0 + c) * H * W;
            const wBase = w.offset + o * swo + c * swc;
            for (let i = 0; i < KH; i++) {
              const ih = oh * sh - ph + i * dh;
              if (ih < 0 || ih >= H) continue;
              for (let j = 0; j < KW; j++) {
                const iw = ow * sw - pw + j * dw;
                if (iw < 0 || iw >= W) continue;
                acc[dxBase + ih * W + iw] += gv * wd[wBase + i * swh + j * sww]!;
              }
            }
          }
        }
      }
    }
  }
  return roundInto(acc, g);
}

/** x [N, C, H, W], g [N, O, Ho, Wo] -> dw [O, C/groups, kh, kw]. */
export function conv2dWeightGrad(x: View, g: View, p: Conv2dParams, weightShape: readonly number[]): TypedArray {
  const [[N, , H, W], [sxn, sxc, sxh, sxw]] = dims4(x);
  const [[, , HO, WO], [sgn, sgo, sgh, sgw]] = dims4(g);
  const [O, cpg, KH, KW] = weightShape as [number, number, number, number];
  const [sh, sw] = p.stride;
  const [ph, pw] = p.padding;
  const [dh, dw] = p.dilation;
  const opg = O / p.groups;
  const out = allocArray(x.dtype, O * cpg * KH * KW);
  const xd = x.data;
  const gd = g.data;
  let k = 0;
  for (let o = 0; o < O; o++) {
    const c0 = Math.floor(o / opg) * cpg;
    for (let c = 0; c < cpg; c++) {
      for (let i = 0; i < KH; i++) {
        for (let j = 0; j < KW; j++) {
          let acc = 0;
          for (let n = 0; n < N; n++) {
            const xBase = x.offset + n * sxn + (c0 + c) * sxc;
            const gBase = g.offset + n * sgn + o * sgo;
            for (let oh = 0; oh < HO; oh++) {
              const ih = oh * sh - ph + i * dh;
              if (ih < 0 || ih >= H) continue;
              for (let ow = 0; ow < WO; ow++) {
                const iw = ow * sw - pw + j * dw;
                if (iw < 0 || iw >= W) continue;
                acc += xd[xBase + ih * sxh + iw * sxw]! * gd[gBase + oh * sgh + ow * sgw]!;
              }
            }
          }
          out[k++] = acc;
        }
      }
    }
  }
  return out;
}

function roundInto(acc: Float64Array, like: View): TypedArray {
  if (like.dtype === 'float64') return acc;
  const out = allocArray(like.dtype, acc.length);
  out.set(acc);
  return out;
}
