/**
 * Image-restoration losses: SSIM and DSSIM with a Gaussian window (Wang 2004; used as training losses
 * by Zhao 2018), and the perceptual loss of Johnson 2016, which compares the features a frozen network
 * extracts from two images.
 */
import { Tensor } from '../../tensor/tensor.js';
import { formatShape, shapesEqual } from '../../tensor/shape.js';
import { fromArray } from '../../tensor/creation.js';
import { conv2d } from '../../ops/nn/conv.js';
import { cat } from '../../ops/shape.js';
import { checkNumber, checkReduction, floatTensor, positive, reduce, sameShape, show, type Reduction } from './loss-support.js';

export interface SsimOptions {
  /** Side of the square Gaussian window, odd (default 11). */
  windowSize?: number;
  /** Standard deviation of the Gaussian window in pixels (default 1.5). */
  sigma?: number;
  /** The range L of the pixel values: 1 for [0, 1] images (the default), 255 for bytes, 2 for [-1, 1]. */
  dataRange?: number;
  /** C1 = (k1 L)^2 stabilizes the luminance term (default 0.01). */
  k1?: number;
  /** C2 = (k2 L)^2 stabilizes the contrast-structure term (default 0.03). */
  k2?: number;
  /** 'mean' (the default) averages the per-image values, 'sum' adds them, 'none' gives one per image ([N]). */
  reduction?: Reduction;
}

/**
 * Structural similarity of two batches of images [N, C, H, W] (Wang 2004): local means, variances and
 * covariance under a Gaussian window (each channel on its own, over the positions where the whole
 * window fits, as in the reference implementation), combined as
 * (2 mu_x mu_y + C1)(2 sigma_xy + C2) / ((mu_x^2 + mu_y^2 + C1)(sigma_x^2 + sigma_y^2 + C2)),
 * then averaged per image. 1 means identical images. Differentiable in both inputs.
 *
 * ```ts
 * ssim(restored, clean);                      // a 0-d tensor, 1 for a perfect restoration
 * ssim(restored, clean, { dataRange: 255 });  // byte-valued images
 * ```
 */
export function ssim(x: Tensor, y: Tensor, options: SsimOptions = {}): Tensor {
  const op = 'ssim';
  const reduction = options.reduction ?? 'mean';
  checkReduction(op, reduction);
  return reduce(ssimPerImage(op, x, y, options), reduction);
}

/**
 * Structural dissimilarity, (1 - SSIM) / 2 per image, in [0, 1]: a loss for image restoration. Zhao
 * 2018's L_SSIM is 1 - SSIM, twice this (the same minimizer; scale the learning rate accordingly).
 *
 * ```ts
 * const loss = dssim(model.forward(noisy), clean);
 * ```
 */
export function dssim(x: Tensor, y: Tensor, options: SsimOptions = {}): Tensor {
  const op = 'dssim';
  const reduction = options.reduction ?? 'mean';
  checkReduction(op, reduction);
  return reduce(ssimPerImage(op, x, y, options).neg().add(1).mul(0.5), reduction);
}

function ssimPerImage(op: string, x: Tensor, y: Tensor, options: SsimOptions): Tensor {
  floatTensor(op, x, 'input');
  floatTensor(op, y, 'target');
  sameShape(op, x, y);
  const size = options.windowSize ?? 11;
  const sigma = options.sigma ?? 1.5;
  const range = options.dataRange ?? 1;
  const k1 = options.k1 ?? 0.01;
  const k2 = options.k2 ?? 0.03;
  checkNumber(op, 'windowSize', size, (v) => Number.isInteger(v) && v > 0 && v % 2 === 1, 'a positive odd integer');
  checkNumber(op, 'sigma', sigma, positive, 'a finite number > 0');
  checkNumber(op, 'dataRange', range, positive, 'a finite number > 0');
  checkNumber(op, 'k1', k1, positive, 'a finite number > 0');
  checkNumber(op, 'k2', k2, positive, 'a finite number > 0');
  if (x.ndim !== 4) throw new Error(`${op}: images must be [N, C, H, W], got ${formatShape(x.shape)}`);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  if (h < size || w < size) {
    throw new Error(`${op}: images ${formatShape(x.shape)} are smaller than the ${size}x${size} window; pass a smaller windowSize`);
  }
  if (c === 0) throw new Error(`${op}: images ${formatShape(x.shape)} have no channels`);
  const c1 = (k1 * range) ** 2;
  const c2 = (k2 * range) ** 2;
  // The five local statistics in one grouped convolution: each of the 5C channels filtered on its own.
  const stacked = cat([x, y, x.square(), y.square(), x.mul(y)], 1);
  const window = gaussianWindow(size, sigma, 5 * c, x.dtype);
  const [muX, muY, xx, yy, xy] = conv2d(stacked, window, null, { groups: 5 * c }).chunk(5, 1) as [Tensor, Tensor, Tensor, Tensor, Tensor];
  const muXY = muX.mul(muY);
  const muXX = muX.square();
  const muYY = muY.square();
  const varX = xx.sub(muXX);
  const varY = yy.sub(muYY);
  const cov = xy.sub(muXY);
  const numerator = muXY.mul(2).add(c1).mul(cov.mul(2).add(c2));
  const denominator = muXX.add(muYY).add(c1).mul(varX.add(varY).add(c2));
  const map = numerator.div(denominator);
  return n === 0 ? map.sum([1, 2, 3]) : map.mean([1, 2, 3]);
}

/** The normalized 2-D Gaussian window, repeated for `channels` depthwise filters: [channels, 1, size, size]. */
function gaussianWindow(size: number, sigma: number, channels: number, dtype: Tensor['dtype']): Tensor {
  const g = new Float64Array(size);
  const center = (size - 1) / 2;
  let total = 0;
  for (let i = 0; i < size; i++) {
    g[i] = Math.exp(-((i - center) ** 2) / (2 * sigma * sigma));
    total += g[i]!;
  }
  const data = new Float64Array(channels * size * size);
  for (let k = 0; k < channels; k++) {
    for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) data[(k * size + i) * size + j] = (g[i]! * g[j]!) / (total * total);
  }
  return fromArray(data, [channels, 1, size, size], 'float64').to(dtype);
}

/** What perceptualLoss accepts as its network: a function, or a Module (anything with `forward`). */
export type FeatureExtractor =
  | ((x: Tensor) => Tensor | readonly Tensor[])
  | { forward(x: Tensor): Tensor | readonly Tensor[]; parameters?(): Iterable<Tensor> };

export interface PerceptualLossOptions {
  /** Which of the features the extractor returns (as a list) to compare, by position (default all). */
  layers?: readonly number[];
  /** A weight per compared feature (default 1 each). */
  weights?: readonly number[];
  /**
   * 'mean' (the default): the weighted sum over features of their mean squared error; 'sum': of their
   * summed squared error; 'none': per sample ([N], each feature's error averaged over its other dims).
   */
  reduction?: Reduction;
}

/**
 * The perceptual (feature reconstruction) loss of Johnson 2016: the mean squared error between the
 * features a fixed network extracts from `x` and from `y`, summed over the chosen features. The
 * extractor is a function or a Module mapping an image batch to one feature tensor or a list of them
 * (e.g. the activations after several blocks of a pretrained CNN). Its parameters (found through a
 * `parameters()` method) are frozen while it runs, so they get no gradient; gradients reach `x` (and
 * `y`, if it requires them). Put a Module with dropout or batch norm in eval mode first.
 *
 * ```ts
 * const features = (t: Tensor) => { const a = block1.forward(t); return [a, block2.forward(a)]; };
 * perceptualLoss(features, restored, clean, { weights: [1, 0.5] });
 * ```
 */
export function perceptualLoss(extractor: FeatureExtractor, x: Tensor, y: Tensor, options: PerceptualLossOptions = {}): Tensor {
  const op = 'perceptualLoss';
  const run = typeof extractor === 'function' ? extractor : typeof extractor?.forward === 'function' ? (t: Tensor) => extractor.forward(t) : null;
  if (run === null) throw new Error(`${op}: the feature extractor must be a function or a Module with forward(), got ${show(extractor)}`);
  floatTensor(op, x, 'input');
  floatTensor(op, y, 'target');
  sameShape(op, x, y);
  const reduction = options.reduction ?? 'mean';
  checkReduction(op, reduction);
  const [fx, fy] = frozen(extractor, () => [features(op, run(x)), features(op, run(y))]);
  const layers = options.layers ?? fx.map((_, i) => i);
  if (!Array.isArray(layers) || layers.length === 0 || !layers.every((l) => Number.isInteger(l) && l >= 0 && l < fx.length)) {
    throw new Error(`${op}: layers must be a non-empty list of positions among the ${fx.length} features the extractor returns, got ${show(layers)}`);
  }
  const weights = options.weights ?? layers.map(() => 1);
  if (!Array.isArray(weights) || weights.length !== layers.length || !weights.every((w) => typeof w === 'number' && Number.isFinite(w))) {
    throw new Error(`${op}: weights must be ${layers.length} finite numbers, one per compared feature, got ${show(weights)}`);
  }
  const terms: Tensor[] = [];
  for (const [k, l] of layers.entries()) {
    const a = fx[l]!;
    const b = fy[l]!;
    if (!shapesEqual(a.shape, b.shape)) {
      throw new Error(`${op}: feature ${l} has shape ${formatShape(a.shape)} for the input but ${formatShape(b.shape)} for the target`);
    }
    const sq = a.sub(b).square();
    let term: Tensor;
    if (reduction === 'none') {
      if (a.ndim === 0) throw new Error(`${op}: reduction 'none' needs features with a batch dim; feature ${l} is 0-d`);
      term = a.ndim === 1 ? sq : sq.flatten(1).mean(1);
    } else term = reduce(sq, reduction);
    terms.push(term.mul(weights[k]!));
  }
  return terms.reduce((sum, t) => sum.add(t));
}

function features(op: string, out: unknown): readonly Tensor[] {
  const list = out instanceof Tensor ? [out] : Array.isArray(out) ? (out as unknown[]) : null;
  if (list === null || list.length === 0 || !list.every((t) => t instanceof Tensor)) {
    throw new Error(`${op}: the feature extractor must return a Tensor or a non-empty list of Tensors, got ${show(out)}`);
  }
  return list as Tensor[];
}

/** Runs `fn` with the extractor's trainable parameters switched off, so the graph holds no edge to them. */
function frozen<T>(extractor: FeatureExtractor, fn: () => T): T {
  const source = extractor as { parameters?: () => Iterable<Tensor> };
  const params = typeof source.parameters === 'function' ? [...source.parameters()].filter((p) => p.requiresGrad && p.isLeaf) : [];
  for (const p of params) p.requiresGrad_(false);
  try {
    return fn();
  } finally {
    for (const p of params) p.requiresGrad_(true);
  }
}
