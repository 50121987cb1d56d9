/**
 * Convolutions: conv2d, conv1d (a conv2d of height 1) and their transposes, with PyTorch's options.
 *
 * Double backward: the forward and its two gradients are three internal differentiable ops whose
 * backward rules are each other, so gradients of gradients (gradient penalties, PINNs) are exact:
 *   convOp(x, w)          -> dx = inputGradOp(g, w),   dw = weightGradOp(x, g)
 *   inputGradOp(g, w)     -> dg = convOp(gg, w),       dw = weightGradOp(gg, g)
 *   weightGradOp(x, g)    -> dx = inputGradOp(g, gw),  dg = convOp(x, gw)
 * Every op takes its output extent explicitly, and the kernels read outside the input as zeros, which
 * covers 'same' padding with even kernels (PyTorch's extra pad at the end) and outputPadding alike.
 */
import type { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import type { Conv2dParams } from '../../backend/backend.js';
import { backend } from '../../backend/registry.js';
import { record } from '../../autograd/record.js';
import { isGradEnabled } from '../../autograd/grad-mode.js';
import type { TypedArray } from '../../tensor/dtype.js';
import { checkTensor, fromData, sumToShape } from '../util.js';
import { batched, checkSpatialInput, ints, show, type IntOrTuple } from './support.js';

export interface ConvOptions {
  /** Step between windows (default 1). */
  stride?: IntOrTuple;
  /** Zeros added on both sides (default 0); 'same' keeps the size (stride 1 only), 'valid' is 0. */
  padding?: IntOrTuple | 'same' | 'valid';
  /** Spacing between kernel taps (default 1). */
  dilation?: IntOrTuple;
  /** Split channels into this many independent groups (default 1). */
  groups?: number;
}

export interface ConvTransposeOptions {
  stride?: IntOrTuple;
  /** The padding of the conv this op transposes: the output is cropped by this much on each side (default 0). */
  padding?: IntOrTuple;
  /** Extra size added at the end of each spatial dim, to pick among the sizes a strided conv maps alike. */
  outputPadding?: IntOrTuple;
  groups?: number;
  dilation?: IntOrTuple;
}

/**
 * 2-D convolution (cross-correlation, as in PyTorch): input [N, C, H, W] or unbatched [C, H, W],
 * weight [O, C/groups, kh, kw], optional bias [O].
 *
 * ```ts
 * conv2d(x, w, b, { stride: 2, padding: 1 });   // [N, O, ceil(H/2), ceil(W/2)] for 3x3 kernels
 * conv2d(x, w, null, { padding: 'same' });
 * ```
 */
export function conv2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvOptions = {}): Tensor {
  return convNd('conv2d', 2, input, weight, bias, options);
}

/** 1-D convolution: input [N, C, L] or [C, L], weight [O, C/groups, k]; the options of conv2d, one value each. */
export function conv1d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvOptions = {}): Tensor {
  return convNd('conv1d', 1, input, weight, bias, options);
}

/**
 * Transposed 2-D convolution (the gradient of conv2d w.r.t. its input, plus a bias): input
 * [N, Cin, H, W], weight [Cin, Cout/groups, kh, kw]. Output size (H-1)*stride - 2*padding +
 * dilation*(kh-1) + outputPadding + 1.
 *
 * ```ts
 * convTranspose2d(x, w, null, { stride: 2, padding: 1, outputPadding: 1 }); // doubles H and W for 3x3
 * ```
 */
export function convTranspose2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvTransposeOptions = {}): Tensor {
  return convTransposeNd('convTranspose2d', 2, input, weight, bias, options);
}

/** Transposed 1-D convolution: input [N, Cin, L] or [Cin, L], weight [Cin, Cout/groups, k]. */
export function convTranspose1d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvTransposeOptions = {}): Tensor {
  return convTransposeNd('convTranspose1d', 1, input, weight, bias, options);
}

function convNd(op: string, n: number, x: Tensor, w: Tensor, bias: Tensor | null, options: ConvOptions): Tensor {
  const groups = checkOperands(op, n, x, w, bias, options);
  const C = x.shape[x.ndim - n - 1]!;
  if (C !== w.shape[1]! * groups) {
    throw new Error(`${op}: input ${formatShape(x.shape)} has ${C} channels, weight ${formatShape(w.shape)} expects ${w.shape[1]! * groups} (groups=${groups})`);
  }
  if (w.shape[0]! % groups !== 0) {
    throw new Error(`${op}: weight ${formatShape(w.shape)} has ${w.shape[0]} output channels, which groups=${groups} does not divide`);
  }
  const kernel = w.shape.slice(2);
  const size = x.shape.slice(-n);
  const stride = ints(op, 'stride', options.stride ?? 1, n, 1);
  const dilation = ints(op, 'dilation', options.dilation ?? 1, n, 1);
  const span = kernel.map((k, i) => dilation[i]! * (k - 1) + 1);
  const pad = options.padding ?? 0;
  let padding: number[];
  let padded: number[];
  if (pad === 'same') {
    if (stride.some((s) => s !== 1)) throw new Error(`${op}: padding='same' needs stride 1, got stride ${formatShape(stride)}`);
    // PyTorch splits the span - 1 zeros with the odd one at the end; asking for an output as large as
    // the input makes the kernels read that extra zero.
    padding = span.map((s) => Math.floor((s - 1) / 2));
    padded = size.map((s, i) => s + span[i]! - 1);
  } else {
    if (typeof pad === 'string' && pad !== 'valid') {
      throw new Error(`${op}: padding must be 'same', 'valid', a non-negative integer or a list of ${n} of them, got ${show(pad)}`);
    }
    padding = pad === 'valid' ? new Array<number>(n).fill(0) : ints(op, 'padding', pad, n, 0);
    padded = size.map((s, i) => s + 2 * padding[i]!);
  }
  if (padded.some((p, i) => p < span[i]!)) {
    const dilated = span.some((s, i) => s !== kernel[i]) ? ` (dilated to ${formatShape(span)})` : '';
    throw new Error(`${op}: kernel ${formatShape(kernel)}${dilated} is larger than the padded input ${formatShape(padded)} (input ${formatShape(x.shape)})`);
  }
  const outSize = pad === 'same' ? size : padded.map((p, i) => Math.floor((p - span[i]!) / stride[i]!) + 1);
  const p = params(n, stride, padding, dilation, groups);
  const O = w.shape[0]!;
  return batched(x, n, (xb) => {
    const [x4, w4] = n === 1 ? [xb.unsqueeze(2), w.unsqueeze(2)] : [xb, w];
    const y = convOp(x4, w4, p, [xb.shape[0]!, O, ...(n === 1 ? [1, outSize[0]!] : outSize)], bias);
    return n === 1 ? y.squeeze(2) : y;
  });
}

function convTransposeNd(op: string, n: number, x: Tensor, w: Tensor, bias: Tensor | null, options: ConvTransposeOptions): Tensor {
  const groups = checkOperands(op, n, x, w, bias, options);
  const C = x.shape[x.ndim - n - 1]!;
  if (C !== w.shape[0]) {
    throw new Error(
      `${op}: input ${formatShape(x.shape)} has ${C} channels, weight ${formatShape(w.shape)} expects ${w.shape[0]} (the weight is [in, out/groups, ...kernel])`,
    );
  }
  if (C % groups !== 0) {
    throw new Error(`${op}: weight ${formatShape(w.shape)} has ${C} input channels, which groups=${groups} does not divide`);
  }
  const kernel = w.shape.slice(2);
  const size = x.shape.slice(-n);
  const stride = ints(op, 'stride', options.stride ?? 1, n, 1);
  const padding = ints(op, 'padding', options.padding ?? 0, n, 0);
  const outputPadding = ints(op, 'outputPadding', options.outputPadding ?? 0, n, 0);
  const dilation = ints(op, 'dilation', options.dilation ?? 1, n, 1);
  if (outputPadding.some((o, i) => o >= stride[i]! && o >= dilation[i]!)) {
    throw new Error(
      `${op}: outputPadding ${formatShape(outputPadding)} must be smaller than stride ${formatShape(stride)} or dilation ${formatShape(dilation)}`,
    );
  }
  const outSize = size.map((s, i) => (s - 1) * stride[i]! - 2 * padding[i]! + dilation[i]! * (kernel[i]! - 1) + outputPadding[i]! + 1);
  if (outSize.some((s) => s < 1)) {
    throw new Error(`${op}: the output size ${formatShape(outSize)} is not positive (input ${formatShape(x.shape)}, kernel ${formatShape(kernel)}, padding ${formatShape(padding)})`);
  }
  const p = params(n, stride, padding, dilation, groups);
  const O = w.shape[1]! * groups;
  return batched(x, n, (xb) => {
    const [x4, w4] = n === 1 ? [xb.unsqueeze(2), w.unsqueeze(2)] : [xb, w];
    let y = inputGradOp(x4, w4, p, [xb.shape[0]!, O, ...(n === 1 ? [1, outSize[0]!] : outSize)]);
    if (bias !== null) y = y.add(bias.reshape([O, 1, 1]));
    return n === 1 ? y.squeeze(2) : y;
  });
}

/** Checks what conv and transposed conv share; returns groups. */
function checkOperands(op: string, n: number, x: Tensor, w: Tensor, bias: Tensor | null, options: ConvOptions | ConvTransposeOptions): number {
  checkSpatialInput(op, x, n);
  checkTensor(op, w, 'weight');
  if (options === null || typeof options !== 'object') throw new Error(`${op}: options must be an object, got ${show(options)}`);
  if (w.ndim !== n + 2) {
    const channels = op.startsWith('convTranspose') ? 'inChannels, outChannels/groups' : 'outChannels, inChannels/groups';
    throw new Error(`${op}: weight must be ${n + 2}-D [${channels}, ${n === 1 ? 'k' : 'kh, kw'}], got shape ${formatShape(w.shape)}`);
  }
  if (w.dtype !== x.dtype) throw new Error(`${op}: weight dtype ${w.dtype} does not match input dtype ${x.dtype}`);
  if (w.shape.slice(2).some((k) => k === 0)) throw new Error(`${op}: weight ${formatShape(w.shape)} has an empty kernel`);
  const groups = options.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new Error(`${op}: groups must be a positive integer, got ${show(groups)}`);
  if (bias !== null && bias !== undefined) {
    checkTensor(op, bias, 'bias');
    const O = op.startsWith('convTranspose') ? w.shape[1]! * groups : w.shape[0]!;
    if (bias.ndim !== 1 || bias.shape[0] !== O) {
      throw new Error(`${op}: bias must have shape [${O}] (one value per output channel), got ${formatShape(bias.shape)}`);
    }
    if (bias.dtype !== x.dtype) throw new Error(`${op}: bias dtype ${bias.dtype} does not match input dtype ${x.dtype}`);
  }
  return groups;
}

function params(n: number, stride: number[], padding: number[], dilation: number[], groups: number): Conv2dParams {
  if (n === 2) return { stride: [stride[0]!, stride[1]!], padding: [padding[0]!, padding[1]!], dilation: [dilation[0]!, dilation[1]!], groups };
  return { stride: [1, stride[0]!], padding: [0, padding[0]!], dilation: [1, dilation[0]!], groups };
}

/**
 * The convolution, plus the bias when given. The bias is added into the kernel's fresh output in one
 * loop and recorded with the conv as one node, instead of a reshape and a broadcast add (two more
 * nodes, an allocation and a kernel call: at batch size one those cost more than the conv itself).
 * Each element is conv + b[o] rounded once to the dtype, as the add kernel computes it, and the
 * bias's gradient is the add's (the gradient summed to [O, 1, 1]), so values match bit for bit.
 */
function convOp(x: Tensor, w: Tensor, p: Conv2dParams, outShape: readonly number[], bias: Tensor | null = null): Tensor {
  const data = backend().conv2d(x, w, p, outShape);
  if (bias !== null) addChannelBias(data, outShape, bias);
  const out = fromData(data, outShape, x.dtype);
  if (bias === null) {
    return record('conv2d', out, [x, w], (g, needs) => [
      needs[0] ? inputGradOp(g, w, p, x.shape) : null,
      needs[1] ? weightGradOp(x, g, p, w.shape) : null,
    ], [x, w]);
  }
  const O = outShape[1]!;
  return record('conv2d', out, [x, w, bias], (g, needs) => [
    needs[0] ? inputGradOp(g, w, p, x.shape) : null,
    needs[1] ? weightGradOp(x, g, p, w.shape) : null,
    needs[2] ? biasGrad(g, O) : null,
  ], [x, w]);
}

/**
 * The broadcast add's bias gradient, sumToShape(g, [O, 1, 1]) as [O]: straight from the reduce kernel
 * over the dims sumToShape picks (batch, and the spatial dims larger than 1) unless the gradient must
 * itself be differentiable (createGraph).
 */
function biasGrad(g: Tensor, O: number): Tensor {
  if (isGradEnabled()) return sumToShape(g, [O, 1, 1]).reshape([O]);
  const dims = [0];
  for (let i = 2; i < g.ndim; i++) if (g.shape[i] !== 1) dims.push(i);
  return fromData(backend().reduce('sum', g, dims, g.dtype), [O], g.dtype);
}

/** data[n, o, ...] += bias[o] over a contiguous [N, O, H, W] array (stores round to its dtype). */
function addChannelBias(data: TypedArray, shape: readonly number[], bias: Tensor): void {
  const [N, O, H, W] = shape as [number, number, number, number];
  const plane = H * W;
  const b = bias.data;
  const bStride = bias.strides[0]!;
  let k = 0;
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      const v = b[bias.offset + o * bStride]!;
      for (let i = 0; i < plane; i++, k++) data[k] = data[k]! + v;
    }
  }
}

function inputGradOp(g: Tensor, w: Tensor, p: Conv2dParams, inputShape: readonly number[]): Tensor {
  const out = fromData(backend().conv2dInputGrad(g, w, p, inputShape), inputShape, g.dtype);
  return record('conv2dInputGrad', out, [g, w], (gg, needs) => [
    needs[0] ? convOp(gg, w, p, g.shape) : null,
    needs[1] ? weightGradOp(gg, g, p, w.shape) : null,
  ], [g, w]);
}

function weightGradOp(x: Tensor, g: Tensor, p: Conv2dParams, weightShape: readonly number[]): Tensor {
  const out = fromData(backend().conv2dWeightGrad(x, g, p, weightShape), weightShape, x.dtype);
  return record('conv2dWeightGrad', out, [x, g], (gw, needs) => [
    needs[0] ? inputGradOp(g, gw, p, x.shape) : null,
    needs[1] ? convOp(x, gw, p, g.shape) : null,
  ], [x, g]);
}
