/**
 * Scalers for numeric table features: fit on the training set, then applied to every split. Each saves
 * its fitted state as plain JSON (`stateDict()`). Statistics are computed in float64 and skip NaNs, so
 * missing values pass through as NaN.
 */
import { Tensor } from '../tensor/tensor.js';
import { fromArray } from '../tensor/creation.js';
import { isFloating, type FloatDType } from '../tensor/dtype.js';
import { formatShape } from '../tensor/shape.js';

function checkTable(op: string, x: unknown, features?: number): Tensor {
  if (!(x instanceof Tensor)) throw new Error(`${op}: expected a Tensor of shape [N, features], got ${x === null ? 'null' : typeof x}`);
  if (x.ndim < 2) throw new Error(`${op}: expected a tensor of shape [N, features] (features in the last dim), got shape ${formatShape(x.shape)}; reshape one feature with x.reshape(-1, 1)`);
  const f = x.shape[x.ndim - 1]!;
  if (features !== undefined && f !== features) throw new Error(`${op}: fitted on ${features} features, got shape ${formatShape(x.shape)} with ${f}`);
  return x;
}

/** Per-feature values of x (last dim = features) folded with `visit`, skipping NaNs. */
function perFeature(x: Tensor, visit: (feature: number, value: number) => void): number {
  const f = x.shape[x.ndim - 1]!;
  const values = x.toArray();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isNaN(v)) visit(i % f, v);
  }
  return f;
}

/** A [features] tensor in x's float dtype (float32 for integer input) to broadcast against x. */
function row(values: ArrayLike<number>, x: Tensor): Tensor {
  const dtype: FloatDType = isFloating(x.dtype) ? x.dtype : 'float32';
  return fromArray(dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values), [values.length], dtype);
}

function asFloat(x: Tensor): Tensor {
  return isFloating(x.dtype) ? x : x.to('float32');
}

function notFitted(op: string): Error {
  return new Error(`${op}: this scaler is not fitted; call fit() first (or loadStateDict())`);
}

function checkNumbers(op: string, key: string, v: unknown, n?: number): number[] {
  if (!Array.isArray(v) || !v.every((e) => typeof e === 'number' || e === null) || (n !== undefined && v.length !== n)) {
    throw new Error(`${op}: '${key}' must be an array of ${n ?? ''} numbers, got ${JSON.stringify(v)?.slice(0, 80)}`);
  }
  // JSON turns NaN into null; read it back as NaN.
  return v.map((e) => (e === null ? NaN : (e as number)));
}

/** The plain-JSON state of a StandardScaler. */
export interface StandardScalerState {
  withMean: boolean;
  withStd: boolean;
  mean: number[];
  scale: number[];
}

/**
 * Standardizes each feature to zero mean and unit variance: `(x - mean) / std`, with the population
 * std (as scikit-learn); a constant feature keeps scale 1.
 *
 * ```ts
 * const scaler = new StandardScaler().fit(trainX);
 * const x = scaler.transform(testX);
 * writeFileSync('scaler.json', JSON.stringify(scaler.stateDict()));
 * ```
 */
export class StandardScaler {
  readonly withMean: boolean;
  readonly withStd: boolean;
  /** Per-feature means (zeros when withMean is false); null until fitted. */
  mean: number[] | null = null;
  /** Per-feature divisors (ones when withStd is false). */
  scale: number[] | null = null;

  constructor(options: { withMean?: boolean; withStd?: boolean } = {}) {
    this.withMean = options.withMean ?? true;
    this.withStd = options.withStd ?? true;
  }

  /** Computes each feature's mean and std over all rows of x [..., features]. */
  fit(x: Tensor): this {
    const op = 'StandardScaler.fit';
    checkTable(op, x);
    const f = x.shape[x.ndim - 1]!;
    const count = new Float64Array(f);
    const sum = new Float64Array(f);
    perFeature(x, (j, v) => {
      count[j]!++;
      sum[j]! += v;
    });
    const mean = Array.from(sum, (s, j) => s / count[j]!);
    const empty = mean.findIndex((_, j) => count[j] === 0);
    if (empty >= 0) throw new Error(`${op}: feature ${empty} has no values (all NaN or no rows)`);
    const sq = new Float64Array(f);
    perFeature(x, (j, v) => {
      sq[j]! += (v - mean[j]!) ** 2;
    });
    this.mean = this.withMean ? mean : new Array<number>(f).fill(0);
    this.scale = Array.from(sq, (s, j) => {
      const std = Math.sqrt(s / count[j]!);
      return this.withStd && std > 0 ? std : 1;
    });
    return this;
  }

  transform(x: Tensor): Tensor {
    if (this.mean === null || this.scale === null) throw notFitted('StandardScaler.transform');
    checkTable('StandardScaler.transform', x, this.mean.length);
    return asFloat(x).sub(row(this.mean, x)).div(row(this.scale, x));
  }

  fitTransform(x: Tensor): Tensor {
    return this.fit(x).transform(x);
  }

  /** Undoes transform: `x * std + mean`. */
  inverseTransform(x: Tensor): Tensor {
    if (this.mean === null || this.scale === null) throw notFitted('StandardScaler.inverseTransform');
    checkTable('StandardScaler.inverseTransform', x, this.mean.length);
    return asFloat(x).mul(row(this.scale, x)).add(row(this.mean, x));
  }

  stateDict(): StandardScalerState {
    if (this.mean === null || this.scale === null) throw notFitted('StandardScaler.stateDict');
    return { withMean: this.withMean, withStd: this.withStd, mean: [...this.mean], scale: [...this.scale] };
  }

  /** Restores a fitted state (from `stateDict()`, possibly through JSON). */
  loadStateDict(state: StandardScalerState): this {
    const op = 'StandardScaler.loadStateDict';
    if (state === null || typeof state !== 'object') throw new Error(`${op}: expected an object with mean and scale, got ${String(state)}`);
    const mean = checkNumbers(op, 'mean', state.mean);
    this.scale = checkNumbers(op, 'scale', state.scale, mean.length);
    this.mean = mean;
    (this as { withMean: boolean }).withMean = state.withMean ?? true;
    (this as { withStd: boolean }).withStd = state.withStd ?? true;
    return this;
  }
}

/** The plain-JSON state of a MinMaxScaler. */
export interface MinMaxScalerState {
  featureRange: [number, number];
  clip: boolean;
  dataMin: number[];
  dataMax: number[];
}

/**
 * Maps each feature linearly from its [min, max] on the fitted data to `featureRange` (default
 * [0, 1]); a constant feature is only shifted. `clip` clamps transformed values into the range.
 *
 * ```ts
 * const scaler = new MinMaxScaler({ featureRange: [-1, 1] }).fit(trainX);
 * ```
 */
export class MinMaxScaler {
  readonly featureRange: [number, number];
  readonly clip: boolean;
  dataMin: number[] | null = null;
  dataMax: number[] | null = null;

  constructor(options: { featureRange?: [number, number]; clip?: boolean } = {}) {
    const range = options.featureRange ?? [0, 1];
    if (!Array.isArray(range) || range.length !== 2 || !range.every(Number.isFinite) || !(range[0] < range[1])) {
      throw new Error(`MinMaxScaler: featureRange must be [low, high] with low < high, got ${JSON.stringify(range)}`);
    }
    this.featureRange = [range[0], range[1]];
    this.clip = options.clip ?? false;
  }

  fit(x: Tensor): this {
    const op = 'MinMaxScaler.fit';
    checkTable(op, x);
    const f = x.shape[x.ndim - 1]!;
    const lo = new Array<number>(f).fill(Infinity);
    const hi = new Array<number>(f).fill(-Infinity);
    perFeature(x, (j, v) => {
      if (v < lo[j]!) lo[j] = v;
      if (v > hi[j]!) hi[j] = v;
    });
    const empty = lo.findIndex((v) => v === Infinity);
    if (empty >= 0) throw new Error(`${op}: feature ${empty} has no values (all NaN or no rows)`);
    this.dataMin = lo;
    this.dataMax = hi;
    return this;
  }

  /** Per-feature multiplier and offset: transform(x) = x * scale + shift. */
  private affine(op: string): { scale: number[]; shift: number[] } {
    if (this.dataMin === null || this.dataMax === null) throw notFitted(op);
    const [a, b] = this.featureRange;
    const scale = this.dataMin.map((lo, j) => (b - a) / (this.dataMax![j]! - lo || 1));
    return { scale, shift: this.dataMin.map((lo, j) => a - lo * scale[j]!) };
  }

  transform(x: Tensor): Tensor {
    const { scale, shift } = this.affine('MinMaxScaler.transform');
    checkTable('MinMaxScaler.transform', x, scale.length);
    const y = asFloat(x).mul(row(scale, x)).add(row(shift, x));
    return this.clip ? y.clamp(this.featureRange[0], this.featureRange[1]) : y;
  }

  fitTransform(x: Tensor): Tensor {
    return this.fit(x).transform(x);
  }

  inverseTransform(x: Tensor): Tensor {
    const { scale, shift } = this.affine('MinMaxScaler.inverseTransform');
    checkTable('MinMaxScaler.inverseTransform', x, scale.length);
    return asFloat(x).sub(row(shift, x)).div(row(scale, x));
  }

  stateDict(): MinMaxScalerState {
    if (this.dataMin === null || this.dataMax === null) throw notFitted('MinMaxScaler.stateDict');
    return { featureRange: [...this.featureRange], clip: this.clip, dataMin: [...this.dataMin], dataMax: [...this.dataMax] };
  }

  loadStateDict(state: MinMaxScalerState): this {
    const op = 'MinMaxScaler.loadStateDict';
    if (state === null || typeof state !== 'object') throw new Error(`${op}: expected an object with dataMin and dataMax, got ${String(state)}`);
    const lo = checkNumbers(op, 'dataMin', state.dataMin);
    this.dataMax = checkNumbers(op, 'dataMax', state.dataMax, lo.length);
    this.dataMin = lo;
    if (state.featureRange !== undefined) (this as { featureRange: [number, number] }).featureRange = new MinMaxScaler({ featureRange: state.featureRange }).featureRange;
    (this as { clip: boolean }).clip = state.clip ?? false;
    return this;
  }
}
