/**
 * Scalar math the reference kernels need beyond `Math`: erf, C's pow and floor division (where
 * JavaScript differs), integer powers, and the GELU/SELU constants. (Dtype conversion rules live
 * in tensor/dtype.ts.)
 */

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * The error function, with relative error below 7e-16 (measured against 40-digit arithmetic on
 * [-6.5, 6.5]). Three regions, each where its formula has no cancellation:
 * - |x| < 0.5: the Maclaurin series 2/sqrt(pi) sum (-1)^n x^(2n+1) / (n! (2n+1)), terms shrink fast;
 * - |x| < 1: the all-positive series 2/sqrt(pi) e^(-x^2) sum 2^n x^(2n+1) / (1*3*...*(2n+1));
 * - beyond: 1 - erfc(x), erfc from its continued fraction (Lentz's method); erf rounds to +-1 past 6.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  let r: number;
  if (ax < 0.5) {
    const x2 = ax * ax;
    let term = ax;
    r = ax;
    for (let n = 1; n < 40; n++) {
      term *= -x2 / n;
      const t = term / (2 * n + 1);
      r += t;
      if (Math.abs(t) < r * 1e-17) break;
    }
    r *= TWO_OVER_SQRT_PI;
  } else if (ax < 1) {
    const x2 = ax * ax;
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 100; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    r = TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
  } else {
    r = ax >= 6 ? 1 : 1 - erfcLarge(ax);
  }
  // odd, and -0 keeps its sign as in C's erf
  return x < 0 || Object.is(x, -0) ? -r : r;
}

/**
 * erfc(x) for x >= 1: e^(-x^2) / sqrt(pi) / (x + (1/2) / (x + 1 / (x + (3/2) / (x + ...)))).
 * e^(-x^2) is taken as e^(-h^2) e^(-(x-h)(x+h)) with h = x rounded to 12 fraction bits, so that h^2
 * is exact: rounding x^2 first would add up to x^2 ulps of error to e^(-x^2).
 */
function erfcLarge(x: number): number {
  const h = Math.round(x * 4096) / 4096;
  const e = Math.exp(-h * h) * Math.exp(-(x - h) * (x + h));
  let f = x;
  let c = x;
  let d = 0;
  // about 190 terms at x = 1, 50 at x = 2
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = 1 / (x + a * d);
    c = x + a / c;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return e / (Math.sqrt(Math.PI) * f);
}

export { SELU_ALPHA, SELU_SCALE, SQRT_2_OVER_PI } from '../../tensor/constants.js';

/** log(1 + e^x), without overflow for large x and without losing small results for very negative x. */
export function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Round half to even, as PyTorch's `round` does: 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -0.5 -> -0. */
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

/**
 * Floor division of floats, consistent with `remainder` (a == b * floorDivide(a, b) + remainder(a, b)
 * up to rounding). `Math.floor(a / b)` is not: 1 / 0.1 rounds to exactly 10, though 0.1 (the double)
 * goes into 1 only 9 times; PyTorch and Python give 9. This is CPython's algorithm, also PyTorch's.
 */
export function floorDivide(a: number, b: number): number {
  if (b === 0) return a / b;
  const mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && (b < 0) !== (mod < 0)) div -= 1;
  if (div === 0) return (a < 0) !== (b < 0) ? -0 : 0;
  let floor = Math.floor(div);
  if (div - floor > 0.5) floor += 1;
  return floor;
}

/**
 * C's `pow`: JavaScript's `Math.pow` differs only in returning NaN for 1^NaN, 1^+-Infinity and
 * (-1)^+-Infinity, which C (and so PyTorch) defines as 1.
 */
export function pow(a: number, b: number): number {
  if (a === 1) return 1;
  if (a === -1 && (b === Infinity || b === -Infinity)) return 1;
  return Math.pow(a, b);
}

/**
 * a^b for int32 a and integer b, wrapping on overflow like every int32 result (two's complement).
 * A double `Math.pow` would lose the low bits once the result passes 2^53. A negative exponent gives
 * the truncated quotient 1 / a^|b| (0 unless a is +-1; 0 for a = 0 as for integer division by zero).
 */
export function intPow(a: number, b: number): number {
  if (b < 0) {
    if (a === 1) return 1;
    if (a === -1) return b % 2 === 0 ? 1 : -1;
    return 0;
  }
  let result = 1;
  let base = a | 0;
  let e = b;
  while (e > 0) {
    if (e % 2 === 1) result = Math.imul(result, base);
    base = Math.imul(base, base);
    e = Math.floor(e / 2);
  }
  return result;
}
