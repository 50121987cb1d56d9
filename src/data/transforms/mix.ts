/**
 * Batch-level mixing: mixup (Zhang et al., 2018) and cutmix (Yun et al., 2019).
 *
 * Each takes a batch (x [N, ...], y) and returns the mixed inputs with soft targets. The batch is
 * paired with a random permutation of itself; lam ~ Beta(alpha, alpha) weighs the original sample.
 * `y` may be class indices (int32 [N], give `numClasses`) or probabilities (float [N, K]).
 *
 * Training with them: `nn.functional.crossEntropy` accepts probability targets of the input's shape,
 * so `crossEntropy(model(m.x), m.y)` is the mixed loss directly; because cross-entropy is linear in
 * the target it equals `lam * crossEntropy(out, m.yA) + (1 - lam) * crossEntropy(out, m.yB)`, the
 * form to use with losses that only take indices.
 *
 * ```ts
 * const mix = mixup({ alpha: 0.2, numClasses: 10 });
 * for (const [xb, yb] of loader) {
 *   const m = mix(xb, yb, rng);                  // rng: a Generator, e.g. new Generator(deriveSeed(seed, epoch, step))
 *   const loss = nn.functional.crossEntropy(model.forward(m.x), m.y);
 * }
 * ```
 */
import { Tensor } from '../../tensor/tensor.js';
import { defaultGenerator, type Generator } from '../../tensor/generator.js';
import { allocArray, isFloating, type TypedArray } from '../../tensor/dtype.js';
import { fromArray } from '../../tensor/creation.js';
import { formatShape } from '../../tensor/shape.js';
import { permutation } from '../sampler.js';
import { beta } from './random.js';

export interface MixResult {
  /** The mixed inputs, x's shape and dtype. */
  x: Tensor;
  /** Soft targets [N, K] float32: lam * onehot(yA) + (1 - lam) * onehot(yB). */
  y: Tensor;
  /** The original targets (as given). */
  yA: Tensor;
  /** The partners' targets (y permuted). */
  yB: Tensor;
  /** The weight of yA (for cutmix: the unpasted fraction of the area). */
  lam: number;
  /** Sample i was mixed with sample permutation[i]. */
  permutation: Int32Array;
}

/** Mixes one batch; `rng` defaults to the global generator. */
export type BatchMix = (x: Tensor, y: Tensor, rng?: Generator) => MixResult;

export interface MixOptions {
  /** Beta(alpha, alpha) concentration (default 1 for cutmix, 0.2 for mixup). */
  alpha?: number;
  /** Number of classes, needed when y holds class indices. */
  numClasses?: number;
}

function checkMixArgs(op: string, x: Tensor, y: Tensor, minDims: number): void {
  if (!(x instanceof Tensor) || !(y instanceof Tensor)) throw new Error(`${op}: x and y must be tensors`);
  if (!isFloating(x.dtype)) throw new Error(`${op}: x must be a float tensor, got ${x.dtype}`);
  if (x.ndim < minDims) throw new Error(`${op}: x must have at least ${minDims} dims${minDims === 4 ? ' [N, C, H, W]' : ' [N, ...]'}, got ${formatShape(x.shape)}`);
  if (y.ndim === 0 || y.shape[0] !== x.shape[0]) throw new Error(`${op}: y must have x's batch size ${x.shape[0]} in dim 0, got ${formatShape(y.shape)}`);
}

function checkAlpha(op: string, alpha: number): void {
  if (!(alpha > 0) || !Number.isFinite(alpha)) throw new Error(`${op}: alpha must be a positive number, got ${alpha}`);
}

/** y as probabilities [N, K] in float32 (one-hot for indices). */
function toProbabilities(op: string, y: Tensor, numClasses: number | undefined): Float32Array {
  const n = y.shape[0]!;
  if (isFloating(y.dtype)) {
    if (y.ndim !== 2) throw new Error(`${op}: probability targets must be [N, K], got ${formatShape(y.shape)}`);
    return Float32Array.from(y.toArray());
  }
  if (y.ndim !== 1 || y.dtype !== 'int32') throw new Error(`${op}: class targets must be int32 [N], got ${y.dtype} ${formatShape(y.shape)}`);
  if (!Number.isInteger(numClasses) || numClasses! <= 0) throw new Error(`${op}: numClasses (a positive integer) is needed for class-index targets, got ${numClasses}`);
  const k = numClasses!;
  const out = new Float32Array(n * k);
  const labels = y.toArray();
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    if (c < 0 || c >= k) throw new Error(`${op}: target ${c} at index ${i} is out of range for ${k} classes`);
    out[i * k + c] = 1;
  }
  return out;
}

/** The soft targets and the permuted targets for a mix with weight lam. */
function mixTargets(op: string, y: Tensor, perm: Int32Array, lam: number, numClasses: number | undefined): { y: Tensor; yB: Tensor } {
  const n = y.shape[0]!;
  const probs = toProbabilities(op, y, numClasses);
  const k = probs.length / Math.max(n, 1);
  const soft = new Float32Array(probs.length);
  for (let i = 0; i < n; i++) {
    const a = i * k;
    const b = perm[i]! * k;
    for (let c = 0; c < k; c++) soft[a + c] = lam * probs[a + c]! + (1 - lam) * probs[b + c]!;
  }
  const yv = y.toArray();
  const row = y.numel / Math.max(n, 1);
  const yB = allocArray(y.dtype, y.numel);
  for (let i = 0; i < n; i++) yB.set(yv.subarray(perm[i]! * row, (perm[i]! + 1) * row) as never, i * row);
  return { y: fromArray(soft, [n, k], 'float32'), yB: fromArray(yB, y.shape.slice(), y.dtype) };
}

/**
 * Mixup: x' = lam x + (1 - lam) x[perm], y' likewise.
 *
 * ```ts
 * const m = mixup({ alpha: 0.2, numClasses: 10 })(xb, yb, rng);
 * ```
 */
export function mixup(options: MixOptions = {}): BatchMix {
  const op = 'mixup';
  const alpha = options.alpha ?? 0.2;
  checkAlpha(op, alpha);
  return (x, y, rng = defaultGenerator) => {
    checkMixArgs(op, x, y, 1);
    const n = x.shape[0]!;
    const lam = beta(rng, alpha, alpha);
    const perm = permutation(n, rng);
    const xv = x.toArray();
    const row = x.numel / Math.max(n, 1);
    const out = allocArray(x.dtype, x.numel) as TypedArray;
    for (let i = 0; i < n; i++) {
      const a = i * row;
      const b = perm[i]! * row;
      for (let k = 0; k < row; k++) out[a + k] = lam * xv[a + k]! + (1 - lam) * xv[b + k]!;
    }
    const t = mixTargets(op, y, perm, lam, options.numClasses);
    return { x: fromArray(out, x.shape.slice(), x.dtype), y: t.y, yA: y, yB: t.yB, lam, permutation: perm };
  };
}

/**
 * Cutmix: a random box of each image [N, C, H, W] is replaced by the same box of its partner; the
 * box has area about (1 - lam) H W (clipped at the borders) and the targets are weighed by the actual
 * areas.
 *
 * ```ts
 * const m = cutmix({ alpha: 1, numClasses: 10 })(xb, yb, rng);
 * ```
 */
export function cutmix(options: MixOptions = {}): BatchMix {
  const op = 'cutmix';
  const alpha = options.alpha ?? 1;
  checkAlpha(op, alpha);
  return (x, y, rng = defaultGenerator) => {
    checkMixArgs(op, x, y, 4);
    if (x.ndim !== 4) throw new Error(`${op}: x must be [N, C, H, W], got ${formatShape(x.shape)}`);
    const [n, c, h, w] = x.shape as [number, number, number, number];
    const lam0 = beta(rng, alpha, alpha);
    const perm = permutation(n, rng);
    const cut = Math.sqrt(1 - lam0);
    const cw = Math.round(w * cut);
    const ch = Math.round(h * cut);
    const cx = rng.nextBelow(Math.max(w, 1));
    const cy = rng.nextBelow(Math.max(h, 1));
    const x0 = Math.min(Math.max(cx - Math.floor(cw / 2), 0), w);
    const x1 = Math.min(Math.max(cx + Math.ceil(cw / 2), 0), w);
    const y0 = Math.min(Math.max(cy - Math.floor(ch / 2), 0), h);
    const y1 = Math.min(Math.max(cy + Math.ceil(ch / 2), 0), h);
    const lam = h * w === 0 ? 1 : 1 - ((x1 - x0) * (y1 - y0)) / (h * w);
    const xv = x.toArray();
    const out = xv.slice() as TypedArray;
    const img = c * h * w;
    for (let i = 0; i < n; i++) {
      const src = perm[i]! * img;
      const dst = i * img;
      for (let ch2 = 0; ch2 < c; ch2++) {
        for (let r = y0; r < y1; r++) {
          const off = ch2 * h * w + r * w;
          out.set(xv.subarray(src + off + x0, src + off + x1) as never, dst + off + x0);
        }
      }
    }
    const t = mixTargets(op, y, perm, lam, options.numClasses);
    return { x: fromArray(out, x.shape.slice(), x.dtype), y: t.y, yA: y, yB: t.yB, lam, permutation: perm };
  };
}
