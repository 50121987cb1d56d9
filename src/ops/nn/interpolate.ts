/**
 * Resizing by interpolation: 'nearest' (PyTorch's legacy nearest: src = floor(dst * scale)) and
 * 'linear' / 'bilinear', on [N, C, L] and [N, C, H, W] inputs. Written with ops (a gather of source
 * rows per spatial dim, then a weighted sum), so gradients and double gradients come free, and a
 * NaN or infinity only reaches the outputs that read it.
 */
import type { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { checkTensor, fromData } from '../util.js';
import { checkSpatialInput, intTensor, ints, show, takeAlong } from './support.js';

export type InterpolateMode = 'nearest' | 'linear' | 'bilinear';

export interface InterpolateOptions {
  /** Output spatial size (one number for every dim, or one per dim). Give this or scaleFactor. */
  size?: number | readonly number[];
  /** Multiplier of the input size (output = floor(input * scaleFactor)). Give this or size. */
  scaleFactor?: number | readonly number[];
  /** 'nearest' (default), 'linear' for 3-D input, 'bilinear' for 4-D input. */
  mode?: InterpolateMode;
  /** Linear modes only: align the corner pixels' centers instead of their outer edges (default false). */
  alignCorners?: boolean | null;
}

/**
 * Resizes the spatial dims of [N, C, L] or [N, C, H, W] input.
 *
 * ```ts
 * interpolate(x, { scaleFactor: 2 });                                   // nearest, twice the size
 * interpolate(x, { size: [32, 48], mode: 'bilinear', alignCorners: false });
 * ```
 */
export function interpolate(x: Tensor, options: InterpolateOptions): Tensor {
  const op = 'interpolate';
  checkTensor(op, x);
  if (options === null || typeof options !== 'object') throw new Error(`${op}: options must be an object with size or scaleFactor, got ${show(options)}`);
  const mode = options.mode ?? 'nearest';
  if (mode !== 'nearest' && mode !== 'linear' && mode !== 'bilinear') {
    throw new Error(`${op}: mode must be 'nearest', 'linear' or 'bilinear', got ${show(mode)}`);
  }
  if (x.ndim !== 3 && x.ndim !== 4) {
    throw new Error(`${op}: expected a 3-D [N, C, L] or 4-D [N, C, H, W] input, got shape ${formatShape(x.shape)}`);
  }
  const n = x.ndim - 2;
  if ((mode === 'linear' && n !== 1) || (mode === 'bilinear' && n !== 2)) {
    throw new Error(`${op}: mode '${mode}' needs a ${mode === 'linear' ? 3 : 4}-D input, got shape ${formatShape(x.shape)}`);
  }
  checkSpatialInput(op, x, n);
  const alignCorners = options.alignCorners ?? null;
  if (alignCorners !== null && typeof alignCorners !== 'boolean') throw new Error(`${op}: alignCorners must be a boolean, got ${show(alignCorners)}`);
  if (alignCorners !== null && mode === 'nearest') throw new Error(`${op}: alignCorners can only be set with the linear modes, not 'nearest'`);
  const [outSize, scales] = outputSize(op, n, x, options);
  let y = x;
  for (let i = 0; i < n; i++) {
    const dim = 2 + i;
    y = mode === 'nearest' ? nearestAlong(y, dim, outSize[i]!, scales[i]!) : linearAlong(y, dim, outSize[i]!, scales[i]!, alignCorners ?? false);
  }
  return y === x ? x.clone() : y;
}

/** The output size, and the scale factors the user gave (null where the size was given). */
function outputSize(op: string, n: number, x: Tensor, o: InterpolateOptions): [number[], (number | null)[]] {
  const size = x.shape.slice(2);
  if ((o.size == null) === (o.scaleFactor == null)) throw new Error(`${op}: give exactly one of size and scaleFactor`);
  if (o.size != null) return [ints(op, 'size', o.size, n, 1), new Array<number | null>(n).fill(null)];
  const sf = o.scaleFactor!;
  const factors = typeof sf === 'number' ? new Array<number>(n).fill(sf) : Array.isArray(sf) ? (sf as unknown[]) : [];
  if (factors.length !== n || !factors.every((f) => typeof f === 'number' && Number.isFinite(f) && f > 0)) {
    throw new Error(`${op}: scaleFactor must be a positive number or a list of ${n} of them, got ${show(sf)}`);
  }
  const out = size.map((s, i) => Math.floor(s * (factors[i] as number)));
  if (out.some((s) => s < 1)) {
    throw new Error(`${op}: scaleFactor ${show(sf)} turns input ${formatShape(x.shape)} into an empty output ${formatShape(out)}`);
  }
  return [out, factors as number[]];
}

/** The index tensor `src` shaped to gather along `dim` of x with `out` positions (broadcast, no copy). */
function indexAlong(x: Tensor, dim: number, src: readonly number[]): Tensor {
  const shape = x.shape.map((_, d) => (d === dim ? src.length : 1));
  const target = x.shape.map((s, d) => (d === dim ? src.length : s));
  return intTensor(src, shape).expand(target);
}

/** Per-dim weights as a tensor broadcasting along `dim` of a 4-D or 3-D tensor. */
function weightsAlong(x: Tensor, dim: number, values: readonly number[]): Tensor {
  const shape = x.shape.map((_, d) => (d === dim ? values.length : 1));
  const data = x.dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
  return fromData(data, shape, x.dtype);
}

function nearestAlong(x: Tensor, dim: number, out: number, scaleFactor: number | null): Tensor {
  const size = x.shape[dim]!;
  // PyTorch computes the scale and source index in float32, and special-cases 1x and 2x.
  const scale = Math.fround(scaleFactor !== null ? 1 / scaleFactor : size / out);
  const src = Array.from({ length: out }, (_, j) => {
    if (out === size) return j;
    if (out === 2 * size) return j >> 1;
    return Math.min(Math.floor(Math.fround(j * scale)), size - 1);
  });
  if (src.every((s, j) => s === j) && out === size) return x;
  return takeAlong(x, dim, indexAlong(x, dim, src));
}

function linearAlong(x: Tensor, dim: number, out: number, scaleFactor: number | null, alignCorners: boolean): Tensor {
  const size = x.shape[dim]!;
  let scale: number;
  if (alignCorners) scale = out > 1 ? (size - 1) / (out - 1) : 0;
  else scale = scaleFactor !== null ? 1 / scaleFactor : size / out;
  const i0: number[] = [];
  const i1: number[] = [];
  const w0: number[] = [];
  const w1: number[] = [];
  for (let j = 0; j < out; j++) {
    const s = alignCorners ? scale * j : Math.max(scale * (j + 0.5) - 0.5, 0);
    const a = Math.min(Math.floor(s), size - 1);
    const lambda = Math.min(s - a, 1);
    i0.push(a);
    i1.push(a < size - 1 ? a + 1 : a);
    w0.push(1 - lambda);
    w1.push(lambda);
  }
  if (out === size && i0.every((a, j) => a === j) && w1.every((l) => l === 0)) return x;
  const lo = takeAlong(x, dim, indexAlong(x, dim, i0));
  const hi = takeAlong(x, dim, indexAlong(x, dim, i1));
  return lo.mul(weightsAlong(x, dim, w0)).add(hi.mul(weightsAlong(x, dim, w1)));
}
