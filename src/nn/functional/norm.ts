/**
 * Normalization functions with PyTorch's signatures and defaults: batchNorm, instanceNorm, layerNorm,
 * groupNorm, rmsNorm, and normalize (vectors to unit norm). layerNorm, batchNorm (with batch
 * statistics), groupNorm and instanceNorm (as layer norms of their groups and planes) run the fused
 * ops of ops/nn/norm.ts, whose backward is one kernel too (and written with ops when a graph of the
 * backward is built, so every order of gradient still works); the others, eval-mode batch norm, and
 * layerNorm/batchNorm when weight or bias has another dtype than the input, are composed from ops
 * (mean and variance over dims, rsqrt, broadcasting). Statistics are computed in two passes
 * (mean, then squared deviations), as `var` does, and the variance used to normalize is the biased
 * one (divided by n); the running variance stores the unbiased one (n - 1), as in PyTorch.
 */
import type { Tensor } from '../../tensor/tensor.js';
import { formatShape, shapesEqual } from '../../tensor/shape.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { checkFloating, checkTensor } from '../../ops/util.js';
import { show } from '../../ops/nn/support.js';
import { batchNormOp, layerNormOp } from '../../ops/nn/norm.js';

/** float32 and float64 machine epsilons (torch.finfo(dtype).eps), rmsNorm's default eps. */
const FLOAT32_EPS = 1.1920928955078125e-7;
const FLOAT64_EPS = 2.220446049250313e-16;

function checkInput(op: string, x: unknown, minDims: number, layout: string): asserts x is Tensor {
  checkTensor(op, x);
  checkFloating(op, x);
  if (x.ndim < minDims) throw new Error(`${op}: expected an input of at least ${minDims} dims ${layout}, got shape ${formatShape(x.shape)}`);
}

function checkNumber(op: string, name: string, value: unknown, min = -Infinity): asserts value is number {
  if (typeof value !== 'number' || !(value >= min) || !Number.isFinite(value)) {
    throw new Error(`${op}: ${name} must be a finite number${min > -Infinity ? ` >= ${min}` : ''}, got ${show(value)}`);
  }
}

/** Throws unless `t` is null/undefined or a floating tensor of exactly `shape`. */
function checkOptional(op: string, name: string, t: unknown, shape: readonly number[]): t is Tensor {
  if (t === null || t === undefined) return false;
  checkTensor(op, t, name);
  checkFloating(op, t, name);
  if (!shapesEqual(t.shape, shape)) throw new Error(`${op}: ${name} must have shape ${formatShape(shape)}, got ${formatShape(t.shape)}`);
  return true;
}

/** Per-channel vector [C] -> [1, C, 1, ..., 1], lining up with dim 1 of an `ndim`-D input. */
function perChannel(t: Tensor, ndim: number): Tensor {
  return t.reshape([1, t.numel, ...new Array<number>(ndim - 2).fill(1)]);
}

/** out * weight + bias, each optional, already broadcastable. */
function affine(out: Tensor, weight: Tensor | null, bias: Tensor | null): Tensor {
  let y = out;
  if (weight !== null) y = y.mul(weight);
  if (bias !== null) y = y.add(bias);
  return y;
}

/** The dims after the first `lead` ones: [lead, ..., ndim - 1]. */
function trailingDims(ndim: number, lead: number): number[] {
  return Array.from({ length: ndim - lead }, (_, i) => lead + i);
}

/**
 * Writes `(1 - momentum) * running + momentum * batch` into `running` in place (no graph).
 * `batch` has running's number of elements.
 */
function updateRunning(running: Tensor, batch: Tensor, momentum: number): void {
  noGrad(() => {
    running.copy_(running.mul(1 - momentum).add(batch.detach().reshape(running.shape).mul(momentum)));
  });
}

/**
 * Batch normalization (Ioffe 2015) of an input [N, C, *] per channel. In training, each channel is
 * normalized by the mean and biased variance of its N * (spatial) values, and the running statistics
 * (when given) are updated in place: `running = (1 - momentum) * running + momentum * batch`, with the
 * unbiased variance for `runningVar`. Out of training, the running statistics normalize and are
 * required. `weight` and `bias` ([C]) are optional. Defaults as PyTorch's F.batch_norm.
 *
 * ```ts
 * const mean = zeros([3]), variance = ones([3]);
 * const y = batchNorm(x, mean, variance, null, null, true); // updates mean and variance
 * const z = batchNorm(x, mean, variance);                   // uses them (eval)
 * ```
 */
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  training = false,
  momentum = 0.1,
  eps = 1e-5,
): Tensor {
  const op = 'batchNorm';
  checkInput(op, x, 2, '[N, C, *]');
  const { c, hasMean, w, b } = checkStatsArgs(op, x, runningMean, runningVar, weight, bias, 'training', training, momentum, eps);
  const dims = [0, ...trailingDims(x.ndim, 2)];
  if (!training) {
    if (!hasMean) throw new Error(`${op}: runningMean and runningVar are required when training is false`);
    const mean = perChannel(runningMean!, x.ndim);
    const invStd = perChannel(runningVar!, x.ndim).add(eps).rsqrt();
    return affine(x.sub(mean).mul(invStd), w, b);
  }
  const n = x.numel / c;
  if (n === 1) throw new Error(`${op}: expected more than 1 value per channel when training, got input of shape ${formatShape(x.shape)}`);
  let out: Tensor, mean: Tensor, variance: Tensor;
  if (sameDtype(x, weight, bias)) {
    ({ out, mean, variance } = batchNormOp(x, weight, bias, eps));
  } else {
    [variance, mean] = x.varMean(dims, { correction: 0, keepdim: true });
    out = affine(x.sub(mean).mul(variance.add(eps).rsqrt()), w, b);
  }
  // An empty batch has no statistics: the running ones stay as they are (PyTorch does the same).
  if (hasMean && n > 0) {
    updateRunning(runningMean!, mean, momentum);
    updateRunning(runningVar!, variance.mul(n / (n - 1)), momentum);
  }
  return out;
}

/**
 * Instance normalization (Ulyanov 2016): each channel of each sample of an input [N, C, *] (at least
 * one spatial dim) is normalized by its own mean and biased variance. With `useInputStats` (the
 * default) running statistics, when given, are updated with the batch average of the per-instance
 * statistics; without it they normalize instead (and are required). Defaults as PyTorch's
 * F.instance_norm.
 *
 * ```ts
 * instanceNorm(randn([2, 3, 8, 8])); // every [8, 8] plane has mean 0 and variance ~1
 * ```
 */
export function instanceNorm(
  x: Tensor,
  runningMean: Tensor | null = null,
  runningVar: Tensor | null = null,
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  useInputStats = true,
  momentum = 0.1,
  eps = 1e-5,
): Tensor {
  const op = 'instanceNorm';
  checkInput(op, x, 3, '[N, C, *] with a spatial dim');
  const { hasMean, w, b } = checkStatsArgs(op, x, runningMean, runningVar, weight, bias, 'useInputStats', useInputStats, momentum, eps);
  if (!useInputStats) {
    if (!hasMean) throw new Error(`${op}: runningMean and runningVar are required when useInputStats is false`);
    const invStd = perChannel(runningVar!, x.ndim).add(eps).rsqrt();
    return affine(x.sub(perChannel(runningMean!, x.ndim)).mul(invStd), w, b);
  }
  const dims = trailingDims(x.ndim, 2);
  const n = dims.reduce((p, d) => p * x.shape[d]!, 1);
  if (n === 1) throw new Error(`${op}: expected more than 1 spatial element when training, got input of shape ${formatShape(x.shape)}`);
  // each plane of each sample is a row of the fused layer norm (the affine is per channel)
  const planes = x.reshape([x.shape[0]! * x.shape[1]!, n]);
  const out = affine(layerNormOp(planes, 1, null, null, eps).reshape(x.shape), w, b);
  if (hasMean && x.numel > 0) {
    const [variance, mean] = noGrad(() => x.detach().varMean(dims, { correction: 0, keepdim: true }));
    // PyTorch runs batch norm on [1, N * C, *] with the running statistics repeated N times, then
    // averages the N updated copies: the same as averaging the per-instance statistics first.
    updateRunning(runningMean!, mean.mean(0), momentum);
    updateRunning(runningVar!, variance.mul(n / (n - 1)).mean(0), momentum);
  }
  return out;
}

/** `normalizedShape` as a list, checked against the trailing dims of `x`. */
function normalizedDims(op: string, x: Tensor, normalizedShape: unknown): number[] {
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : Array.isArray(normalizedShape) ? (normalizedShape as unknown[]) : null;
  if (shape === null || shape.length === 0 || !shape.every((s) => typeof s === 'number' && Number.isInteger(s) && s >= 0)) {
    throw new Error(`${op}: normalizedShape must be a non-negative integer or a non-empty list of them, got ${show(normalizedShape)}`);
  }
  const k = shape.length;
  if (x.ndim < k || !shapesEqual(x.shape.slice(x.ndim - k), shape as number[])) {
    throw new Error(`${op}: normalizedShape ${formatShape(shape as number[])} expects an input of shape [*, ${shape.join(', ')}], got ${formatShape(x.shape)}`);
  }
  return shape as number[];
}

/**
 * Layer normalization (Ba 2016): normalizes over the last dims given by `normalizedShape` (a size or
 * a list of sizes that must match the input's trailing dims), with the biased variance; `weight` and
 * `bias` have shape `normalizedShape`.
 *
 * ```ts
 * layerNorm(tensor([1, 2, 3]), [3]); // [-1.2247, 0, 1.2247]
 * ```
 */
export function layerNorm(x: Tensor, normalizedShape: number | readonly number[], weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  const op = 'layerNorm';
  checkInput(op, x, 1, '[*, normalizedShape]');
  const shape = normalizedDims(op, x, normalizedShape);
  const w = checkOptional(op, 'weight', weight, shape) ? weight : null;
  const b = checkOptional(op, 'bias', bias, shape) ? bias : null;
  checkNumber(op, 'eps', eps, 0);
  if (sameDtype(x, w, b)) return layerNormOp(x, shape.length, w, b, eps);
  const dims = trailingDims(x.ndim, x.ndim - shape.length);
  const [variance, mean] = x.varMean(dims, { correction: 0, keepdim: true });
  return affine(x.sub(mean).mul(variance.add(eps).rsqrt()), w, b);
}

/** Whether the fused ops take these: weight and bias absent or of x's dtype (no promotion needed). */
function sameDtype(x: Tensor, weight: Tensor | null, bias: Tensor | null): boolean {
  return (weight === null || weight.dtype === x.dtype) && (bias === null || bias.dtype === x.dtype);
}

/**
 * Group normalization (Wu 2018): the C channels of an input [N, C, *] are split into `numGroups`
 * groups (C must be divisible by it), and each group of each sample is normalized over its channels
 * and spatial positions; `weight` and `bias` are per channel ([C]).
 *
 * ```ts
 * groupNorm(randn([2, 6, 4, 4]), 3); // groups of 2 channels
 * ```
 */
export function groupNorm(x: Tensor, numGroups: number, weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  const op = 'groupNorm';
  checkInput(op, x, 2, '[N, C, *]');
  const c = x.shape[1]!;
  if (typeof numGroups !== 'number' || !Number.isInteger(numGroups) || numGroups < 1) {
    throw new Error(`${op}: numGroups must be a positive integer, got ${show(numGroups)}`);
  }
  if (c % numGroups !== 0) {
    throw new Error(`${op}: the ${c} channels of input ${formatShape(x.shape)} are not divisible into numGroups=${numGroups} groups`);
  }
  const w = checkOptional(op, 'weight', weight, [c]) ? perChannel(weight!, x.ndim) : null;
  const b = checkOptional(op, 'bias', bias, [c]) ? perChannel(bias!, x.ndim) : null;
  checkNumber(op, 'eps', eps, 0);
  const grouped = x.reshape([x.shape[0]!, numGroups, x.numel / Math.max(1, x.shape[0]! * numGroups)]);
  // each group of each sample is a row of the fused layer norm (no affine: that one is per channel)
  const out = layerNormOp(grouped, 1, null, null, eps).reshape(x.shape);
  return affine(out, w, b);
}

/**
 * Root-mean-square normalization (Zhang 2019): x / sqrt(mean(x^2) + eps) over the trailing dims
 * `normalizedShape`, times `weight` (shape `normalizedShape`) when given. No centering, no bias. The
 * default eps is the machine epsilon of the input's dtype, as in PyTorch.
 *
 * ```ts
 * rmsNorm(tensor([3, 4]), [2]); // [3, 4] / sqrt(12.5) = [0.8485, 1.1314]
 * ```
 */
export function rmsNorm(x: Tensor, normalizedShape: number | readonly number[], weight: Tensor | null = null, eps: number | null = null): Tensor {
  const op = 'rmsNorm';
  checkInput(op, x, 1, '[*, normalizedShape]');
  const shape = normalizedDims(op, x, normalizedShape);
  const w = checkOptional(op, 'weight', weight, shape) ? weight : null;
  const e = eps ?? (x.dtype === 'float64' ? FLOAT64_EPS : FLOAT32_EPS);
  checkNumber(op, 'eps', e, 0);
  const dims = trailingDims(x.ndim, x.ndim - shape.length);
  return affine(x.mul(x.square().mean(dims, true).add(e).rsqrt()), w, null);
}

/**
 * x / max(||x||_p, eps) along `dim` (defaults p = 2, dim = 1, eps = 1e-12): unit vectors, with
 * zero vectors left at zero instead of NaN.
 *
 * ```ts
 * normalize(tensor([[3, 4]])); // [[0.6, 0.8]]
 * ```
 */
export function normalize(x: Tensor, p = 2, dim = 1, eps = 1e-12): Tensor {
  const op = 'normalize';
  checkInput(op, x, 0, '');
  checkNumber(op, 'eps', eps, 0);
  if (typeof dim !== 'number' || !Number.isInteger(dim)) throw new Error(`${op}: dim must be an integer, got ${show(dim)}`);
  return x.div(x.norm(p, dim, true).clamp(eps));
}

/** The argument checks batchNorm and instanceNorm share; weight and bias come back shaped per channel. */
function checkStatsArgs(
  op: string,
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null,
  bias: Tensor | null,
  flagName: string,
  flag: unknown,
  momentum: number,
  eps: number,
): { c: number; hasMean: boolean; w: Tensor | null; b: Tensor | null } {
  const c = x.shape[1]!;
  const hasMean = checkOptional(op, 'runningMean', runningMean, [c]);
  const hasVar = checkOptional(op, 'runningVar', runningVar, [c]);
  if (hasMean !== hasVar) throw new Error(`${op}: give both runningMean and runningVar, or neither`);
  const w = checkOptional(op, 'weight', weight, [c]) ? perChannel(weight!, x.ndim) : null;
  const b = checkOptional(op, 'bias', bias, [c]) ? perChannel(bias!, x.ndim) : null;
  if (typeof flag !== 'boolean') throw new Error(`${op}: ${flagName} must be a boolean, got ${show(flag)}`);
  checkNumber(op, 'momentum', momentum);
  checkNumber(op, 'eps', eps, 0);
  return { c, hasMean, w, b };
}
