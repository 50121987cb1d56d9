/**
 * `nn.init`: fill a tensor in place with values from PyTorch's initialization schemes. Every
 * function draws from the global generator (seed it with `manualSeed`) or from `{ generator }`, and
 * writes without recording gradients, so it can be applied to parameters directly.
 *
 * ```ts
 * manualSeed(0);
 * nn.init.kaimingNormal_(conv.weight, { mode: 'fanOut', nonlinearity: 'relu' });
 * nn.init.zeros_(conv.bias!);
 * nn.init.xavierUniform_(w, nn.init.calculateGain('tanh'));
 * ```
 */
import { Tensor } from '../tensor/tensor.js';
import { isFloating } from '../tensor/dtype.js';
import { formatShape } from '../tensor/shape.js';
import { fromArray, tensor } from '../tensor/creation.js';
import { normal as randNormal, uniform as randUniform, type Generator } from '../tensor/random.js';
import { noGrad } from '../autograd/grad-mode.js';

/** Where the random values come from (default: the global generator). */
export interface InitOptions {
  generator?: Generator;
}

/** The nonlinearities `calculateGain` knows, in PyTorch's spelling or camelCase. */
export type Nonlinearity =
  | 'linear' | 'identity' | 'sigmoid' | 'tanh' | 'relu' | 'selu'
  | 'leaky_relu' | 'leakyRelu'
  | 'conv1d' | 'conv2d' | 'conv3d'
  | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d'
  | 'convTranspose1d' | 'convTranspose2d' | 'convTranspose3d';

/** Which fan the kaiming schemes preserve the variance of: the forward pass (fanIn) or the backward (fanOut). */
export type FanMode = 'fanIn' | 'fanOut' | 'fan_in' | 'fan_out';

export interface KaimingOptions extends InitOptions {
  /** Negative slope of the leaky ReLU that follows (default 0; Linear and Conv use sqrt(5)). */
  a?: number;
  /** 'fanIn' (default) or 'fanOut'. */
  mode?: FanMode;
  /** Default 'leaky_relu' (with slope `a`, so a = 0 is ReLU's gain sqrt(2)). */
  nonlinearity?: Nonlinearity;
}

/**
 * The recommended gain for a nonlinearity (PyTorch's table): 1 for linear, conv and sigmoid; 5/3 for
 * tanh; sqrt(2) for relu; sqrt(2 / (1 + slope^2)) for leaky_relu (slope `param`, default 0.01); 3/4 for
 * selu (with kaiming's fan-in normal init, as self-normalizing networks want).
 *
 * ```ts
 * calculateGain('leaky_relu', 0.2); // 1.3867...
 * ```
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number | null): number {
  switch (nonlinearity) {
    case 'linear': case 'identity': case 'sigmoid':
    case 'conv1d': case 'conv2d': case 'conv3d':
    case 'conv_transpose1d': case 'conv_transpose2d': case 'conv_transpose3d':
    case 'convTranspose1d': case 'convTranspose2d': case 'convTranspose3d':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': case 'leakyRelu': {
      const slope = param ?? 0.01;
      if (typeof slope !== 'number' || !Number.isFinite(slope)) throw new Error(`calculateGain: negative slope ${String(slope)} is not a valid number`);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new Error(`calculateGain: unsupported nonlinearity ${JSON.stringify(nonlinearity)} (expected one of linear, conv1d..3d, convTranspose1d..3d, sigmoid, tanh, relu, leaky_relu, selu)`);
  }
}

/**
 * Fan-in and fan-out of a weight: dim 1 and dim 0 sizes times the receptive field (the product of the
 * dims after the first two). Linear [out, in] gives (in, out); Conv2d [O, C, kh, kw] gives
 * (C*kh*kw, O*kh*kw).
 */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  if (!(t instanceof Tensor)) throw new Error(`calculateFanInAndFanOut: expects a Tensor, got ${typeof t}`);
  if (t.ndim < 2) throw new Error(`calculateFanInAndFanOut: fan in and fan out cannot be computed for a tensor with fewer than 2 dims, got shape ${formatShape(t.shape)}`);
  let receptive = 1;
  for (let i = 2; i < t.ndim; i++) receptive *= t.shape[i]!;
  return [t.shape[1]! * receptive, t.shape[0]! * receptive];
}

/** Fills with values from U(a, b). */
export function uniform_(t: Tensor, a = 0, b = 1, options: InitOptions = {}): Tensor {
  checkTarget('uniform_', t);
  if (!Number.isFinite(a) || !Number.isFinite(b) || a > b) throw new Error(`uniform_: expects finite a <= b, got a ${a} and b ${b}`);
  return write(t, randUniform(t.shape, a, b, { dtype: t.dtype, generator: options.generator }));
}

/** Fills with values from N(mean, std^2). */
export function normal_(t: Tensor, mean = 0, std = 1, options: InitOptions = {}): Tensor {
  checkTarget('normal_', t);
  if (!Number.isFinite(mean) || !Number.isFinite(std) || std < 0) throw new Error(`normal_: expects a finite mean and std >= 0, got mean ${mean} and std ${std}`);
  return write(t, randNormal(mean, std, t.shape, { dtype: t.dtype, generator: options.generator }));
}

/** Fills with `value`. */
export function constant_(t: Tensor, value: number): Tensor {
  checkTarget('constant_', t, false);
  if (typeof value !== 'number') throw new Error(`constant_: value must be a number, got ${typeof value}`);
  noGrad(() => t.fill_(value));
  return t;
}

/** Fills with zeros. */
export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}

/** Fills with ones. */
export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}

/** Fills a 2-D tensor with the identity matrix (ones on the diagonal of a rectangular one). */
export function eye_(t: Tensor): Tensor {
  checkTarget('eye_', t, false);
  if (t.ndim !== 2) throw new Error(`eye_: only 2-D tensors are supported, got shape ${formatShape(t.shape)}`);
  const [r, c] = t.shape as [number, number];
  const data = new Float64Array(r * c);
  for (let i = 0; i < Math.min(r, c); i++) data[i * c + i] = 1;
  return write(t, fromArray(data, [r, c], 'float64'));
}

/**
 * Glorot and Bengio (2010): U(-bound, bound) with bound = gain * sqrt(6 / (fanIn + fanOut)), keeping
 * the variance of activations and gradients alike across layers.
 */
export function xavierUniform_(t: Tensor, gain = 1, options: InitOptions = {}): Tensor {
  checkTarget('xavierUniform_', t);
  if (t.numel === 0) return t;
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const std = gain * Math.sqrt(2 / (fanIn + fanOut));
  const bound = Math.sqrt(3) * std;
  return uniform_(t, -bound, bound, options);
}

/** Glorot and Bengio (2010), normal form: N(0, std^2) with std = gain * sqrt(2 / (fanIn + fanOut)). */
export function xavierNormal_(t: Tensor, gain = 1, options: InitOptions = {}): Tensor {
  checkTarget('xavierNormal_', t);
  if (t.numel === 0) return t;
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), options);
}

/**
 * He et al. (2015): U(-bound, bound) with bound = gain * sqrt(3 / fan), the gain from `nonlinearity`
 * (and `a`), the fan from `mode`. Linear and Conv layers use `{ a: Math.sqrt(5) }`, which gives
 * U(-1/sqrt(fanIn), 1/sqrt(fanIn)).
 */
export function kaimingUniform_(t: Tensor, options: KaimingOptions = {}): Tensor {
  checkTarget('kaimingUniform_', t);
  if (t.numel === 0) return t; // PyTorch: initializing a zero-element tensor is a no-op
  const std = kaimingStd('kaimingUniform_', t, options);
  const bound = Math.sqrt(3) * std;
  return uniform_(t, -bound, bound, options);
}

/** He et al. (2015), normal form: N(0, std^2) with std = gain / sqrt(fan). */
export function kaimingNormal_(t: Tensor, options: KaimingOptions = {}): Tensor {
  checkTarget('kaimingNormal_', t);
  if (t.numel === 0) return t;
  return normal_(t, 0, kaimingStd('kaimingNormal_', t, options), options);
}

function kaimingStd(op: string, t: Tensor, options: KaimingOptions): number {
  const mode = options.mode ?? 'fanIn';
  if (mode !== 'fanIn' && mode !== 'fanOut' && mode !== 'fan_in' && mode !== 'fan_out') {
    throw new Error(`${op}: mode must be 'fanIn' or 'fanOut', got ${JSON.stringify(mode)}`);
  }
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const fan = mode === 'fanIn' || mode === 'fan_in' ? fanIn : fanOut;
  const gain = calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0);
  return gain / Math.sqrt(fan);
}

/**
 * Saxe et al. (2013): a (semi-)orthogonal matrix times `gain`, from the QR decomposition of a
 * normal matrix with the signs fixed so that R has a positive diagonal (which makes the result
 * uniformly distributed). Tensors with more than 2 dims are flattened to [dim0, rest].
 */
export function orthogonal_(t: Tensor, gain = 1, options: InitOptions = {}): Tensor {
  checkTarget('orthogonal_', t);
  if (t.ndim < 2) throw new Error(`orthogonal_: only tensors with 2 or more dims are supported, got shape ${formatShape(t.shape)}`);
  if (t.numel === 0) return t;
  const rows = t.shape[0]!;
  const cols = t.numel / rows;
  const a = randNormal(0, 1, [rows, cols], { dtype: 'float64', generator: options.generator }).toArray() as Float64Array;
  // Orthonormalize the longer side's vectors: the rows when rows <= cols, else the columns.
  const [n, m, at] = rows <= cols ? [rows, cols, (i: number, j: number) => i * cols + j] : [cols, rows, (i: number, j: number) => j * cols + i];
  const q = new Float64Array(rows * cols);
  // Modified Gram-Schmidt on the n vectors of length m (vector i, entry j at at(i, j)); twice for stability.
  for (let i = 0; i < n; i++) {
    const v = new Float64Array(m);
    for (let j = 0; j < m; j++) v[j] = a[at(i, j)]!;
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < i; k++) {
        let dot = 0;
        for (let j = 0; j < m; j++) dot += q[at(k, j)]! * v[j]!;
        for (let j = 0; j < m; j++) v[j]! -= dot * q[at(k, j)]!;
      }
    }
    let norm = 0;
    for (let j = 0; j < m; j++) norm += v[j]! * v[j]!;
    norm = Math.sqrt(norm);
    for (let j = 0; j < m; j++) q[at(i, j)] = v[j]! / norm;
  }
  // Gram-Schmidt yields R with a positive diagonal: PyTorch's sign convention after its QR.
  if (gain !== 1) for (let i = 0; i < q.length; i++) q[i]! *= gain;
  return write(t, fromArray(q, t.shape, 'float64'));
}

/**
 * Normal N(mean, std^2) truncated to [a, b] (absolute bounds, as in PyTorch): values are drawn by
 * inverting the normal CDF on a uniform sample of [cdf(a), cdf(b)], which is exact and costs no
 * redraws, then clamped against rounding.
 */
export function truncNormal_(t: Tensor, mean = 0, std = 1, a = -2, b = 2, options: InitOptions = {}): Tensor {
  checkTarget('truncNormal_', t);
  if (![mean, std, a, b].every(Number.isFinite) || std <= 0 || a >= b) {
    throw new Error(`truncNormal_: expects finite mean, std > 0 and a < b, got mean ${mean}, std ${std}, a ${a}, b ${b}`);
  }
  const [lo, hi] = (noGrad(() => tensor([(a - mean) / std, (b - mean) / std], { dtype: 'float64' }).div(Math.SQRT2).erf().add(1).mul(0.5)).toArray()) as unknown as [number, number];
  if (!(hi > lo)) {
    throw new Error(`truncNormal_: [${a}, ${b}] lies too far in the tail of N(${mean}, ${std}^2) to sample (cdf ${lo} to ${hi})`);
  }
  const u = randUniform(t.shape, lo, hi, { dtype: 'float64', generator: options.generator }).toArray() as Float64Array;
  const out = new Float64Array(u.length);
  for (let i = 0; i < u.length; i++) out[i] = Math.min(b, Math.max(a, mean + std * normalQuantile(u[i]!)));
  return write(t, fromArray(out, t.shape, 'float64'));
}

/**
 * The standard normal quantile (inverse CDF) for p in (0, 1): Acklam's rational approximation, with
 * a relative error below 1.2e-9 (far finer than initialization needs).
 */
function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  let x: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((C[0]! * q + C[1]!) * q + C[2]!) * q + C[3]!) * q + C[4]!) * q + C[5]!) / ((((D[0]! * q + D[1]!) * q + D[2]!) * q + D[3]!) * q + 1);
  } else if (p <= 1 - low) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((A[0]! * r + A[1]!) * r + A[2]!) * r + A[3]!) * r + A[4]!) * r + A[5]!) * q) / (((((B[0]! * r + B[1]!) * r + B[2]!) * r + B[3]!) * r + B[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((C[0]! * q + C[1]!) * q + C[2]!) * q + C[3]!) * q + C[4]!) * q + C[5]!) / ((((D[0]! * q + D[1]!) * q + D[2]!) * q + D[3]!) * q + 1);
  }
  return x;
}

function checkTarget(op: string, t: unknown, floating = true): asserts t is Tensor {
  if (!(t instanceof Tensor)) throw new Error(`${op}: expects a Tensor, got ${t === null ? 'null' : typeof t}`);
  if (floating && !isFloating(t.dtype)) throw new Error(`${op}: expects a floating-point tensor, got ${t.dtype} of shape ${formatShape(t.shape)}`);
}

/** Copies `values` into `t` without recording a gradient (t may be a parameter); returns t. */
function write(t: Tensor, values: Tensor): Tensor {
  noGrad(() => t.copy_(values));
  return t;
}
