/**
 * Pooling: max and average pooling in 1-D and 2-D, and adaptive average pooling. The 1-D forms are
 * the 2-D kernels on a height-1 plane. Backward rules are differentiable: max pooling adds
 * the gradient at the argmax indices; average pooling and its gradient are each other's backward.
 */
import type { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import type { Pool2dParams } from '../../backend/backend.js';
import { backend } from '../../backend/registry.js';
import { nonDifferentiable, record } from '../../autograd/record.js';
import { fromData } from '../util.js';
import { cat } from '../shape.js';
import { checkSpatialInput, ints, scatterAddAlong, show, takeAlong, type IntOrTuple } from './support.js';

export interface MaxPoolOptions {
  kernelSize: IntOrTuple;
  /** Step between windows; defaults to kernelSize. */
  stride?: IntOrTuple | null;
  /** Implicit -Infinity on both sides, at most half the kernel. */
  padding?: IntOrTuple;
  dilation?: IntOrTuple;
  /** Round the output size up, so windows may hang over the end (never starting in the right padding). */
  ceilMode?: boolean;
  /** Also return the argmax of each window as a flat index into its input plane (h * W + w). */
  returnIndices?: boolean;
}

export interface AvgPoolOptions {
  kernelSize: IntOrTuple;
  stride?: IntOrTuple | null;
  /** Implicit zeros on both sides, at most half the kernel. */
  padding?: IntOrTuple;
  ceilMode?: boolean;
  /** Count padded zeros in each window's divisor (default true). */
  countIncludePad?: boolean;
  /** Divide every window's sum by this instead. */
  divisorOverride?: number | null;
}

type MaxPoolArg = IntOrTuple | MaxPoolOptions;
type AvgPoolArg = IntOrTuple | AvgPoolOptions;

/**
 * 2-D max pooling over [N, C, H, W] (or [C, H, W]). With `returnIndices`, returns [values, indices].
 *
 * ```ts
 * maxPool2d(x, 2);                                     // 2x2 windows, stride 2
 * const [y, idx] = maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1, returnIndices: true });
 * ```
 */
export function maxPool2d(x: Tensor, options: MaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool2d(x: Tensor, options: MaxPoolArg): Tensor;
export function maxPool2d(x: Tensor, options: MaxPoolArg): Tensor | [Tensor, Tensor] {
  return maxPoolNd('maxPool2d', 2, x, options);
}

/** 1-D max pooling over [N, C, L] (or [C, L]); indices index into L. */
export function maxPool1d(x: Tensor, options: MaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool1d(x: Tensor, options: MaxPoolArg): Tensor;
export function maxPool1d(x: Tensor, options: MaxPoolArg): Tensor | [Tensor, Tensor] {
  return maxPoolNd('maxPool1d', 1, x, options);
}

/**
 * 2-D average pooling over [N, C, H, W] (or [C, H, W]).
 *
 * ```ts
 * avgPool2d(x, { kernelSize: 3, stride: 1, padding: 1, countIncludePad: false });
 * ```
 */
export function avgPool2d(x: Tensor, options: AvgPoolArg): Tensor {
  return avgPoolNd('avgPool2d', 2, x, options);
}

/** 1-D average pooling over [N, C, L] (or [C, L]). */
export function avgPool1d(x: Tensor, options: AvgPoolArg): Tensor {
  return avgPoolNd('avgPool1d', 1, x, options);
}

/**
 * Average pooling to a fixed output size: output cell i averages input rows floor(i*H/out) to
 * ceil((i+1)*H/out) - 1 (PyTorch's windows). A null size keeps that dim.
 *
 * ```ts
 * adaptiveAvgPool2d(x, 1);        // global average pooling: [N, C, 1, 1]
 * adaptiveAvgPool2d(x, [7, null]);
 * ```
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: number | readonly (number | null)[]): Tensor {
  return adaptiveAvgPoolNd('adaptiveAvgPool2d', 2, x, outputSize);
}

/** Adaptive average pooling over [N, C, L] (or [C, L]) to `outputSize` elements. */
export function adaptiveAvgPool1d(x: Tensor, outputSize: number | readonly number[]): Tensor {
  return adaptiveAvgPoolNd('adaptiveAvgPool1d', 1, x, outputSize);
}

interface Window {
  kernel: number[];
  stride: number[];
  padding: number[];
  dilation: number[];
  out: number[];
}

/** Validates the window options and computes the output size with PyTorch's ceil-mode rule. */
function resolveWindow(op: string, n: number, x: Tensor, o: Partial<MaxPoolOptions>): Window {
  const kernel = ints(op, 'kernelSize', o.kernelSize, n, 1);
  const stride = o.stride == null ? kernel : ints(op, 'stride', o.stride, n, 1);
  const padding = ints(op, 'padding', o.padding ?? 0, n, 0);
  const dilation = ints(op, 'dilation', o.dilation ?? 1, n, 1);
  const ceilMode = o.ceilMode ?? false;
  if (typeof ceilMode !== 'boolean') throw new Error(`${op}: ceilMode must be a boolean, got ${show(ceilMode)}`);
  if (padding.some((p, i) => p > Math.floor(kernel[i]! / 2))) {
    throw new Error(`${op}: padding ${formatShape(padding)} must be at most half the kernel size ${formatShape(kernel)}`);
  }
  const size = x.shape.slice(-n);
  const out = size.map((s, i) => {
    const span = dilation[i]! * (kernel[i]! - 1) + 1;
    let m = Math.floor((s + 2 * padding[i]! - span + (ceilMode ? stride[i]! - 1 : 0)) / stride[i]!) + 1;
    // The last window must start inside the input or the left padding.
    if (ceilMode && (m - 1) * stride[i]! >= s + padding[i]!) m--;
    return m;
  });
  if (out.some((m) => m < 1)) {
    const span = kernel.map((k, i) => dilation[i]! * (k - 1) + 1);
    const dilated = span.some((s, i) => s !== kernel[i]) ? ` (dilated to ${formatShape(span)})` : '';
    throw new Error(
      `${op}: the window ${formatShape(kernel)}${dilated} is larger than the input ${formatShape(x.shape)} padded by ${formatShape(padding)}: the output would be ${formatShape(out)}`,
    );
  }
  // With dilation a window can fall between the input's elements, entirely in the padding: its
  // output would depend on nothing (PyTorch returns -Infinity and an index outside the input).
  size.forEach((s, i) => {
    for (let m = 0; m < out[i]!; m++) {
      const start = m * stride[i]! - padding[i]!;
      let inside = false;
      for (let k = 0; k < kernel[i]! && !inside; k++) inside = start + k * dilation[i]! >= 0 && start + k * dilation[i]! < s;
      if (!inside) {
        throw new Error(
          `${op}: window ${m} along spatial dim ${i} covers only padding (input ${formatShape(x.shape)}, kernel ${formatShape(kernel)}, dilation ${formatShape(dilation)}, padding ${formatShape(padding)})`,
        );
      }
    }
  });
  return { kernel, stride, padding, dilation, out };
}

function optionsOf<T extends object>(op: string, arg: IntOrTuple | T): Partial<T> & { kernelSize?: unknown } {
  if (typeof arg === 'number' || Array.isArray(arg)) return { kernelSize: arg } as unknown as Partial<T>;
  if (arg === null || typeof arg !== 'object') throw new Error(`${op}: expected a kernel size or an options object, got ${show(arg)}`);
  return arg as Partial<T>;
}

/** The 2-D kernel parameters; 1-D windows become [1, k] on a height-1 plane. */
function params2d(n: number, w: Window, extra: Pick<Pool2dParams, 'countIncludePad' | 'divisorOverride'>): Pool2dParams {
  const two = (v: number[], fill: number): [number, number] => (n === 2 ? [v[0]!, v[1]!] : [fill, v[0]!]);
  return {
    kernel: two(w.kernel, 1),
    stride: two(w.stride, 1),
    padding: two(w.padding, 0),
    dilation: two(w.dilation, 1),
    outSize: two(w.out, 1),
    ...extra,
  };
}

/** x as a batched 4-D tensor: unbatched inputs get a batch of 1, 1-D inputs a unit height. */
function toPlanes(n: number, x: Tensor): Tensor {
  const xb = x.ndim === n + 2 ? x : x.unsqueeze(0);
  return n === 2 ? xb : xb.unsqueeze(2);
}

/** Undoes toPlanes on a result. */
function fromPlanes(n: number, x: Tensor, y: Tensor): Tensor {
  const yb = n === 2 ? y : y.squeeze(2);
  return x.ndim === n + 2 ? yb : yb.squeeze(0);
}

function maxPoolNd(op: string, n: number, x: Tensor, arg: MaxPoolArg): Tensor | [Tensor, Tensor] {
  checkSpatialInput(op, x, n);
  const o = optionsOf<MaxPoolOptions>(op, arg);
  const returnIndices = o.returnIndices ?? false;
  if (typeof returnIndices !== 'boolean') throw new Error(`${op}: returnIndices must be a boolean, got ${show(returnIndices)}`);
  const w = resolveWindow(op, n, x, o);
  const [y, idx] = maxPoolOp(toPlanes(n, x), params2d(n, w, { countIncludePad: true, divisorOverride: null }));
  const values = fromPlanes(n, x, y);
  return returnIndices ? [values, nonDifferentiable(op, fromPlanes(n, x, idx))] : values;
}

function maxPoolOp(x: Tensor, p: Pool2dParams): [Tensor, Tensor] {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const outShape = [N, C, ...p.outSize];
  const { values, indices } = backend().maxPool2d(x, p);
  const idx = fromData(indices, outShape, 'int32');
  const out = fromData(values, outShape, x.dtype);
  // Each window's gradient goes to its argmax; overlapping windows add up.
  const y = record('maxPool2d', out, [x], (g) => [maxPoolGrad(g, idx, [N, C, H, W])], [idx]);
  return [y, idx];
}

/**
 * max pooling's backward: g added at the argmax indices of zeroed planes, in one kernel pass
 * (zeroing a plane while it is in cache) rather than a zeroed buffer, its copy and a scatter-add;
 * the same sums bit for bit. Its own backward reads g's gradient back at the argmaxes.
 */
function maxPoolGrad(g: Tensor, idx: Tensor, inputShape: [number, number, number, number]): Tensor {
  const [N, C, H, W] = inputShape;
  const flat = [N, C, idx.shape[2]! * idx.shape[3]!];
  if (g.dtype !== 'float32' && g.dtype !== 'float64') {
    return scatterAddAlong(g.reshape(flat), 2, idx.reshape(flat), [N, C, H * W]).reshape(inputShape);
  }
  const dx = fromData(backend().maxPool2dGrad(g, idx, inputShape), inputShape, g.dtype);
  return record('maxPool2dBackward', dx, [g], (gg) => [takeAlong(gg.reshape([N, C, H * W]), 2, idx.reshape(flat)).reshape(g.shape)], [idx]);
}

function avgPoolNd(op: string, n: number, x: Tensor, arg: AvgPoolArg): Tensor {
  checkSpatialInput(op, x, n);
  const o = optionsOf<AvgPoolOptions>(op, arg);
  if ('dilation' in o) throw new Error(`${op}: average pooling has no dilation option`);
  const countIncludePad = o.countIncludePad ?? true;
  if (typeof countIncludePad !== 'boolean') throw new Error(`${op}: countIncludePad must be a boolean, got ${show(countIncludePad)}`);
  const divisorOverride = o.divisorOverride ?? null;
  if (divisorOverride !== null && !(Number.isInteger(divisorOverride) && divisorOverride !== 0)) {
    throw new Error(`${op}: divisorOverride must be a non-zero integer, got ${show(divisorOverride)}`);
  }
  const w = resolveWindow(op, n, x, o);
  const p = params2d(n, w, { countIncludePad, divisorOverride });
  return fromPlanes(n, x, avgPoolOp(toPlanes(n, x), p));
}

function avgPoolOp(x: Tensor, p: Pool2dParams): Tensor {
  const outShape = [x.shape[0]!, x.shape[1]!, ...p.outSize];
  const out = fromData(backend().avgPool2d(x, p), outShape, x.dtype);
  const inShape = x.shape;
  return record('avgPool2d', out, [x], (g) => [avgPoolGradOp(g, p, inShape)]);
}

/** The adjoint of avgPoolOp (linear), so each is the other's backward. */
function avgPoolGradOp(g: Tensor, p: Pool2dParams, inputShape: readonly number[]): Tensor {
  const out = fromData(backend().avgPool2dGrad(g, p, inputShape), inputShape, g.dtype);
  return record('avgPool2dGrad', out, [g], (gg) => [avgPoolOp(gg, p)]);
}

function adaptiveAvgPoolNd(op: string, n: number, x: Tensor, outputSize: number | readonly (number | null)[]): Tensor {
  checkSpatialInput(op, x, n);
  const size = x.shape.slice(-n);
  const given: unknown[] = typeof outputSize === 'number' ? new Array<number>(n).fill(outputSize) : Array.isArray(outputSize) ? outputSize : [];
  const out = given.map((v, i) => (v === null ? size[i]! : v));
  if (out.length !== n || !out.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 1)) {
    throw new Error(`${op}: outputSize must be a positive integer or a list of ${n} of them${n === 2 ? ' (null keeps a size)' : ''}, got ${show(outputSize)}`);
  }
  const x4 = toPlanes(n, x);
  const [H, W] = [x4.shape[2]!, x4.shape[3]!];
  const [oh, ow] = (n === 2 ? out : [1, out[0]]) as [number, number];
  // Windows of equal size tile the input exactly when the sizes divide: one average pooling.
  if (H % oh === 0 && W % ow === 0) {
    const k: [number, number] = [H / oh, W / ow];
    const p: Pool2dParams = { kernel: k, stride: k, padding: [0, 0], dilation: [1, 1], countIncludePad: true, divisorOverride: null, outSize: [oh, ow] };
    return fromPlanes(n, x, avgPoolOp(x4, p));
  }
  return fromPlanes(n, x, adaptiveAlong(adaptiveAlong(x4, 2, oh), 3, ow));
}

/** Adaptive averaging along one dim: the mean of each window, concatenated (the mean of a rectangle is separable). */
function adaptiveAlong(x: Tensor, dim: number, out: number): Tensor {
  const size = x.shape[dim]!;
  if (size === out) return x;
  const pieces: Tensor[] = [];
  for (let i = 0; i < out; i++) {
    const start = Math.floor((i * size) / out);
    const end = Math.ceil(((i + 1) * size) / out);
    pieces.push(x.narrow(dim, start, end - start).mean(dim, true));
  }
  return cat(pieces, dim);
}
