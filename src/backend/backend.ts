/**
 * The kernel interface every backend implements: a small set of primitives on strided storage.
 * Everything else (broadcasting, type promotion, validation, autograd) lives in ops/, above it.
 *
 * Conventions:
 * - Inputs are `View`s: a flat array plus shape, strides (in elements, possibly 0 for broadcast
 *   dims, possibly negative for flips) and offset. Ops have already validated every shape, dim,
 *   index and option; kernels trust their arguments.
 * - Outputs are new contiguous (row-major) arrays allocated with `alloc`.
 * - Elementwise kernels receive inputs already broadcast to the output shape (stride 0).
 */
import type { DType, TypedArray } from '../tensor/dtype.js';

export interface View {
  readonly data: TypedArray;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

/** Elementwise functions of one input. `param` carries the op's scalar (slope, alpha, exponent). */
export type UnaryOp =
  | 'neg' | 'abs' | 'sign' | 'exp' | 'expm1' | 'log' | 'log1p' | 'log2' | 'sqrt' | 'rsqrt'
  | 'square' | 'reciprocal' | 'sin' | 'cos' | 'tan' | 'tanh' | 'sigmoid' | 'relu' | 'leakyRelu'
  | 'elu' | 'selu' | 'gelu' | 'geluTanh' | 'silu' | 'softplus' | 'mish' | 'erf' | 'floor' | 'ceil'
  | 'round' | 'trunc' | 'isnan' | 'isfinite' | 'isinf' | 'logicalNot' | 'powScalar' | 'atan' | 'asin'
  | 'acos' | 'sinh' | 'cosh' | 'asinh' | 'atanh' | 'acosh';

/** Elementwise functions of two inputs (same shape after broadcasting). */
export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'remainder' | 'floorDivide'
  | 'atan2' | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'logicalAnd' | 'logicalOr' | 'logicalXor';

/** Reductions over a set of dims; the output keeps reduced dims with size 1. */
export type ReduceOp = 'sum' | 'prod' | 'max' | 'min' | 'all' | 'any';

export interface Conv2dParams {
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  groups: number;
}

export interface Pool2dParams {
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  /** avg pooling only: count padded zeros in the divisor. */
  countIncludePad: boolean;
  /** avg pooling only: fixed divisor instead of the window size. */
  divisorOverride: number | null;
  /** output spatial size, computed (with ceil mode) by the op. */
  outSize: [number, number];
}

export interface Backend {
  readonly name: string;

  /** A zero-filled array. */
  alloc(dtype: DType, size: number): TypedArray;
  /** A contiguous copy of a view, cast to `dtype`. */
  copy(x: View, dtype: DType): TypedArray;
  /** Writes `src` (already broadcast to `dst.shape`, any dtype) into the strided `dst` in place. */
  assign(dst: View, src: View): void;

  unary(op: UnaryOp, x: View, outDtype: DType, param: number): TypedArray;
  /**
   * Operands may have different dtypes (the op has promoted the result type into `outDtype`, which is
   * bool for comparisons); a backend converts them as it needs.
   */
  binary(op: BinaryOp, a: View, b: View, outDtype: DType): TypedArray;
  /** `cond ? a : b`; all three broadcast to the output shape. */
  where(cond: View, a: View, b: View, outDtype: DType): TypedArray;
  /**
   * relu's gradient `g * (out > 0)` in g's dtype, as one pass: g and out are float32 or float64 of
   * one dtype and shape (any strides). A product with the 0/1 mask, so the values are the chain
   * `g.mul(out.gt(0).to(g.dtype))`'s bit for bit (-g * 0 is -0, Infinity * 0 is NaN).
   */
  reluBackward(g: View, out: View): TypedArray;

  /** `dims` sorted and unique; the output has x's shape with those dims set to 1. */
  reduce(op: ReduceOp, x: View, dims: readonly number[], outDtype: DType): TypedArray;
  /** Index (int32) of the max/min along `dim`; first occurrence wins; a NaN wins over any number (both ops). */
  argReduce(op: 'argmax' | 'argmin', x: View, dim: number): Int32Array;
  /** Inclusive prefix sum/product along `dim`, output shaped like x. */
  scan(op: 'cumsum' | 'cumprod', x: View, dim: number, outDtype: DType): TypedArray;
  /** Stable sort along `dim`; NaN sorts as the largest value. */
  sort(x: View, dim: number, descending: boolean): { values: TypedArray; indices: Int32Array };

  /** Batched product: a [B, M, K] x b [B, K, N] -> [B, M, N] (batch strides may be 0). */
  matmul(a: View, b: View, outDtype: DType): TypedArray;

  /** x [N, C, H, W], w [O, C/groups, kh, kw] -> [N, O, Ho, Wo]; no bias. */
  conv2d(x: View, w: View, p: Conv2dParams, outShape: readonly number[]): TypedArray;
  /** Gradient of conv2d w.r.t. its input: g [N, O, Ho, Wo], w -> [N, C, H, W] (= transposed conv). */
  conv2dInputGrad(g: View, w: View, p: Conv2dParams, inputShape: readonly number[]): TypedArray;
  /** Gradient of conv2d w.r.t. its weight: x, g -> [O, C/groups, kh, kw]. */
  conv2dWeightGrad(x: View, g: View, p: Conv2dParams, weightShape: readonly number[]): TypedArray;

  /** Values and flat (h*W + w) argmax indices into each input plane. Padding counts as -Infinity. */
  maxPool2d(x: View, p: Pool2dParams): { values: TypedArray; indices: Int32Array };
  /**
   * Gradient of maxPool2d: g [N, C, Ho, Wo] added at maxPool2d's flat argmax `indices` (int32, g's
   * shape) into zeroed [N, C, H, W] planes, in row-major order of the outputs (so overlapping windows
   * sum as a scatter-add does, bit for bit).
   */
  maxPool2dGrad(g: View, indices: View, inputShape: readonly number[]): TypedArray;
  avgPool2d(x: View, p: Pool2dParams): TypedArray;
  /** Gradient of avgPool2d: spreads each output gradient over its window, [N, C, H, W]. */
  avgPool2dGrad(g: View, p: Pool2dParams, inputShape: readonly number[]): TypedArray;

  /**
   * out[..i..] = x[..index[..i..] along dim..]; index (int32, validated in range) has the output shape,
   * which may be smaller than x in any dim but `dim`. A 0-d tensor counts as shape [1].
   */
  gather(x: View, dim: number, index: View): TypedArray;
  /**
   * A contiguous copy of `base` with src added (or written, when `accumulate` is false) at index
   * along dim. index may be smaller than src and base in any dim but `dim`; only its extent is used.
   * Without accumulate, writes follow the row-major order of index, so the last duplicate wins.
   * Accumulating into bool is a logical or; int32 wraps around.
   */
  scatter(base: View, dim: number, index: View, src: View, accumulate: boolean): TypedArray;

  /** Softmax or log-softmax along `dim`, computed stably (max subtracted). */
  softmax(x: View, dim: number, log: boolean): TypedArray;

  /**
   * Layer normalization of each row of a contiguous x [rows, cols] (`shape` is [rows, cols]):
   * out = (x - mean) * rstd * weight + bias with the row's mean and biased variance, rstd =
   * 1 / sqrt(var + eps); weight and bias ([cols], contiguous) are optional. Returns out and the
   * per-row mean and rstd ([rows]), all in x's dtype (statistics accumulate in float64).
   */
  layerNorm(x: View, weight: View | null, bias: View | null, eps: number): NormForward;
  /**
   * Gradients of layerNorm from the upstream gradient g (contiguous, x's shape) and the saved mean
   * and rstd: dx always; dweight / dbias ([cols]) when `needWeight` / `needBias` (else null).
   */
  layerNormBackward(g: View, x: View, mean: View, rstd: View, weight: View | null, needWeight: boolean, needBias: boolean): NormBackward;
  /**
   * Batch normalization with the batch's statistics of a contiguous x [N, C, S] (`shape`; S is the
   * spatial size, 1 for [N, C] inputs): each channel's N * S values are normalized by their mean
   * and biased variance; weight and bias [C] optional. Returns out, the per-channel mean and rstd,
   * and the biased variance (for the running statistics).
   */
  batchNorm(x: View, weight: View | null, bias: View | null, eps: number): NormForward & { variance: TypedArray };
  /** Gradients of batchNorm (batch statistics), as layerNormBackward's, per channel. */
  batchNormBackward(g: View, x: View, mean: View, rstd: View, weight: View | null, needWeight: boolean, needBias: boolean): NormBackward;
}

/** What a normalization forward kernel returns. */
export interface NormForward {
  out: TypedArray;
  mean: TypedArray;
  rstd: TypedArray;
}

/** What a normalization backward kernel returns. */
export interface NormBackward {
  dx: TypedArray;
  dweight: TypedArray | null;
  dbias: TypedArray | null;
}
