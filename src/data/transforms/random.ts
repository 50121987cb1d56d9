/**
 * Scalar draws from a Generator for the transforms: uniform, integers, normal, gamma and beta
 * variates. Each uses only the generator passed in, so a sample's augmentation is a function of its
 * generator's seed.
 */
import type { Generator } from '../../tensor/generator.js';

/** An integer in [lo, hi] (inclusive), uniformly. */
export function randInt(rng: Generator, lo: number, hi: number): number {
  return hi <= lo ? lo : lo + rng.nextBelow(hi - lo + 1);
}

/** A standard normal value (Box-Muller; one of the pair is used, the other discarded for simplicity). */
export function normal(rng: Generator): number {
  const u1 = 1 - rng.nextFloat64(); // (0, 1]: the log is finite
  const u2 = rng.nextFloat64();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * A Gamma(shape, 1) value by Marsaglia and Tsang's method (2000); shapes below 1 use
 * Gamma(shape + 1) * U^(1 / shape).
 */
export function gamma(rng: Generator, shape: number): number {
  if (shape < 1) {
    const u = 1 - rng.nextFloat64();
    return gamma(rng, shape + 1) * Math.pow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.nextFloat64();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** A Beta(a, b) value as G_a / (G_a + G_b). */
export function beta(rng: Generator, a: number, b: number): number {
  const x = gamma(rng, a);
  const y = gamma(rng, b);
  return x + y === 0 ? 0.5 : x / (x + y);
}
