/**
 * Reference layer-norm and batch-norm kernels (forward and backward) on contiguous inputs. Sums
 * accumulate in float64 whatever the dtype; the statistics are two-pass (mean, then squared
 * deviations), as `var` computes them.
 */
import type { Backend, NormBackward, NormForward, View } from '../backend.js';
import { allocArray, type TypedArray } from '../../tensor/dtype.js';

/** Layout of a normalization: `groups` blocks of `channels` x `inner` values (batch norm: N, C, S). */
interface Layout {
  outer: number;
  channels: number;
  inner: number;
}

/** Layer norm is batch norm's transpose: rows are the channels, one block, inner = cols. */
function layerLayout(x: View): Layout {
  return { outer: 1, channels: x.shape[0]!, inner: x.shape[1]! };
}

function batchLayout(x: View): Layout {
  return { outer: x.shape[0]!, channels: x.shape[1]!, inner: x.shape[2]! };
}

/** Index of element (o, c, i) in a contiguous [outer, channels, inner] block. */
const at = (l: Layout, o: number, c: number, i: number): number => (o * l.channels + c) * l.inner + i;

/** Mean and biased variance of each channel's values. */
function statistics(x: View, l: Layout): { mean: Float64Array; variance: Float64Array } {
  const mean = new Float64Array(l.channels);
  const variance = new Float64Array(l.channels);
  const n = l.outer * l.inner;
  const d = x.data;
  for (let c = 0; c < l.channels; c++) {
    let s = 0;
    for (let o = 0; o < l.outer; o++) for (let i = 0, p = x.offset + at(l, o, c, 0); i < l.inner; i++) s += d[p + i]!;
    const m = s / n;
    let q = 0;
    for (let o = 0; o < l.outer; o++) {
      for (let i = 0, p = x.offset + at(l, o, c, 0); i < l.inner; i++) {
        const dev = d[p + i]! - m;
        q += dev * dev;
      }
    }
    mean[c] = m;
    variance[c] = q / n;
  }
  return { mean, variance };
}

/**
 * out = (x - mean_c) * rstd_c * w + b, where w and b are indexed per channel (batch norm) or per
 * inner position (layer norm).
 */
function normalize(x: View, l: Layout, mean: Float64Array, rstd: Float64Array, w: View | null, b: View | null, affinePerChannel: boolean): TypedArray {
  const out = allocArray(x.dtype, l.outer * l.channels * l.inner);
  const d = x.data;
  for (let o = 0; o < l.outer; o++) {
    for (let c = 0; c < l.channels; c++) {
      const m = mean[c]!;
      const r = rstd[c]!;
      for (let i = 0; i < l.inner; i++) {
        const p = at(l, o, c, i);
        const k = affinePerChannel ? c : i;
        let y = (d[x.offset + p]! - m) * r;
        if (w !== null) y *= w.data[w.offset + k]!;
        if (b !== null) y += b.data[b.offset + k]!;
        out[p] = y;
      }
    }
  }
  return out;
}

function forward(x: View, w: View | null, b: View | null, eps: number, l: Layout, affinePerChannel: boolean): NormForward & { variance: TypedArray } {
  const { mean, variance } = statistics(x, l);
  const rstd = variance.map((v) => 1 / Math.sqrt(v + eps));
  const cast = (a: Float64Array): TypedArray => {
    const t = allocArray(x.dtype, a.length);
    t.set(a);
    return t;
  };
  return { out: normalize(x, l, mean, rstd, w, b, affinePerChannel), mean: cast(mean), rstd: cast(rstd), variance: cast(variance) };
}

/**
 * With xhat = (x - mean) rstd and dxhat = g w: dx = rstd (dxhat - mean(dxhat) - xhat mean(dxhat
 * xhat)) over each channel's values; dw = sum(g xhat), db = sum(g) over the other positions.
 */
function backward(g: View, x: View, meanV: View, rstdV: View, w: View | null, needW: boolean, needB: boolean, l: Layout, affinePerChannel: boolean): NormBackward {
  const affineSize = affinePerChannel ? l.channels : l.inner;
  const dx = allocArray(x.dtype, l.outer * l.channels * l.inner);
  const dw = new Float64Array(affineSize);
  const db = new Float64Array(affineSize);
  const n = l.outer * l.inner;
  const weight = (k: number): number => (w === null ? 1 : w.data[w.offset + k]!);
  for (let c = 0; c < l.channels; c++) {
    const m = meanV.data[meanV.offset + c]!;
    const r = rstdV.data[rstdV.offset + c]!;
    let sum = 0;
    let dot = 0;
    for (let o = 0; o < l.outer; o++) {
      for (let i = 0; i < l.inner; i++) {
        const p = at(l, o, c, i);
        const k = affinePerChannel ? c : i;
        const gi = g.data[g.offset + p]!;
        const xhat = (x.data[x.offset + p]! - m) * r;
        const dxhat = gi * weight(k);
        sum += dxhat;
        dot += dxhat * xhat;
        dw[k] = dw[k]! + gi * xhat;
        db[k] = db[k]! + gi;
      }
    }
    const meanDxhat = sum / n;
    const meanDot = dot / n;
    for (let o = 0; o < l.outer; o++) {
      for (let i = 0; i < l.inner; i++) {
        const p = at(l, o, c, i);
        const k = affinePerChannel ? c : i;
        const xhat = (x.data[x.offset + p]! - m) * r;
        dx[p] = r * (g.data[g.offset + p]! * weight(k) - meanDxhat - xhat * meanDot);
      }
    }
  }
  const cast = (a: Float64Array): TypedArray => {
    const t = allocArray(x.dtype, a.length);
    t.set(a);
    return t;
  };
  return { dx, dweight: needW ? cast(dw) : null, dbias: needB ? cast(db) : null };
}

export const layerNorm: Backend['layerNorm'] = (x, w, b, eps) => {
  const { out, mean, rstd } = forward(x, w, b, eps, layerLayout(x), false);
  return { out, mean, rstd };
};

export const layerNormBackward: Backend['layerNormBackward'] = (g, x, mean, rstd, w, needW, needB) =>
  backward(g, x, mean, rstd, w, needW, needB, layerLayout(x), false);

export const batchNorm: Backend['batchNorm'] = (x, w, b, eps) => forward(x, w, b, eps, batchLayout(x), true);

export const batchNormBackward: Backend['batchNormBackward'] = (g, x, mean, rstd, w, needW, needB) =>
  backward(g, x, mean, rstd, w, needW, needB, batchLayout(x), true);
