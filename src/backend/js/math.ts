/** Scalar math the reference kernels need beyond `Math`: erf, and the GELU/SELU constants. */

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * The error function to about 1e-16 relative accuracy, from the all-positive series
 * erf(x) = 2/sqrt(pi) * exp(-x^2) * sum_n 2^n x^(2n+1) / (1*3*...*(2n+1)),
 * which has no cancellation; for |x| >= 6, erf(x) rounds to +-1 in double precision.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax >= 6) return x > 0 ? 1 : -1;
  const x2 = ax * ax;
  let term = ax;
  let sum = ax;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  const r = TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
  return x < 0 ? -r : r;
}

export const SELU_ALPHA = 1.6732632423543772848170429916717;
export const SELU_SCALE = 1.0507009873554804934193349852946;
export const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

export function softplus(x: number): number {
  // log(1 + e^x) without overflow: x + log1p(e^-x) for large x.
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Round half to even, as PyTorch's `round` does. */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Math.round(x);
  if (Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0) return r - 1;
  return r;
}

/** Python-style remainder: the result has the sign of the divisor. */
export function remainder(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && (r < 0) !== (b < 0) ? r + b : r;
}
