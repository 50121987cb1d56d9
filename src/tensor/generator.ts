/**
 * The pseudo-random generator behind every random op, dropout mask, shuffle and augmentation.
 *
 * Algorithm: xoshiro128** 1.1 (Blackman and Vigna, 2018; https://prng.di.unimi.it/). It keeps four
 * 32-bit words of state, has period 2^128 - 1, passes BigCrush, and needs only 32-bit integer
 * arithmetic (Math.imul, shifts), so it is fast in JavaScript without BigInt. A PCG32 would need
 * 64-bit multiplies, which JS only has through BigInt.
 *
 * Seeding: the seed (any safe integer; negative ones are taken modulo 2^64) is expanded with
 * SplitMix64, as the xoshiro authors recommend: two SplitMix64 outputs give the four words (low
 * half first). Nearby seeds thus give unrelated streams. BigInt is used here only, once per seed.
 *
 * Floats from 32-bit outputs x, x2:
 * - float32 in [0, 1): (x >>> 8) * 2^-24, the top 24 bits (every value is an exact float32).
 * - float64 in [0, 1): ((x >>> 5) * 2^26 + (x2 >>> 6)) * 2^-53, 27 + 26 = 53 bits from two outputs.
 * - integers in [0, n): rejection of the top partial block of 2^32, then x mod n (no modulo bias).
 * Normal values are drawn by the Box-Muller transform in random.ts, from float64 uniforms.
 */

/** A generator's complete state, as plain JSON (for checkpoints). */
export interface RngState {
  algorithm: 'xoshiro128**';
  /** The seed this generator was last seeded with (`initialSeed()`). */
  seed: number;
  /** The four 32-bit state words, as unsigned integers. */
  state: [number, number, number, number];
}

/** The seed of the global generator when the program starts. */
export const DEFAULT_SEED = 0;

const MASK64 = (1n << 64n) - 1n;

/** SplitMix64 (Steele, Lea and Flood, 2014): returns the advanced state and the output. */
export function splitMix64(x: bigint): [bigint, bigint] {
  const next = (x + 0x9e3779b97f4a7c15n) & MASK64;
  let z = next;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return [next, z ^ (z >> 31n)];
}

/**
 * An independent stream of random numbers. Pass one as `{ generator }` to a random op to leave the
 * global stream untouched.
 *
 * ```ts
 * const g = new Generator(42);
 * const a = rand([3], { generator: g });
 * ```
 */
export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private seed = DEFAULT_SEED;

  constructor(seed: number = DEFAULT_SEED) {
    this.manualSeed(seed);
  }

  /** Resets the stream to the start of the one for `seed` (a safe integer). Returns this. */
  manualSeed(seed: number): this {
    if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
      throw new Error(`manualSeed: the seed must be an integer between -(2^53 - 1) and 2^53 - 1, got ${String(seed)}`);
    }
    let x = BigInt.asUintN(64, BigInt(seed));
    let a: bigint;
    let b: bigint;
    [x, a] = splitMix64(x);
    [x, b] = splitMix64(x);
    this.s0 = Number(a & 0xffffffffn);
    this.s1 = Number(a >> 32n);
    this.s2 = Number(b & 0xffffffffn);
    this.s3 = Number(b >> 32n);
    // An all-zero state would stay zero forever; no 64-bit seed maps there, but stay safe.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    this.seed = seed;
    return this;
  }

  /** The seed last given to `manualSeed` (or the constructor). */
  initialSeed(): number {
    return this.seed;
  }

  /** A copy of the state, as plain JSON. */
  getState(): RngState {
    return { algorithm: 'xoshiro128**', seed: this.seed, state: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0] };
  }

  /** Restores a state from `getState()`; the stream continues exactly where it was. Returns this. */
  setState(state: RngState): this {
    const s = (state as Partial<RngState> | null)?.state;
    if (state?.algorithm !== 'xoshiro128**' || !Array.isArray(s) || s.length !== 4) {
      throw new Error(`setRngState: expected { algorithm: 'xoshiro128**', seed, state: [4 words] }, got ${JSON.stringify(state)}`);
    }
    for (const w of s) {
      if (!Number.isInteger(w) || w < 0 || w > 0xffffffff) throw new Error(`setRngState: state words must be integers in [0, 2^32), got ${JSON.stringify(s)}`);
    }
    if (s.every((w) => w === 0)) throw new Error('setRngState: an all-zero state is not valid for xoshiro128**');
    if (!Number.isSafeInteger(state.seed)) throw new Error(`setRngState: seed must be a safe integer, got ${String(state.seed)}`);
    [this.s0, this.s1, this.s2, this.s3] = s;
    this.seed = state.seed;
    return this;
  }

  /** The next 32 random bits, as an unsigned integer. */
  nextUint32(): number {
    const s1 = this.s1;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return r >>> 0;
  }

  /** A uniform value in [0, 1) on the float32 grid (24 random bits). */
  nextFloat32(): number {
    return (this.nextUint32() >>> 8) * 5.9604644775390625e-8; // 2^-24
  }

  /** A uniform value in [0, 1) on the float64 grid (53 random bits from two outputs). */
  nextFloat64(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) * 1.1102230246251565e-16; // (hi * 2^26 + lo) * 2^-53
  }

  /** A uniform integer in [0, n), for an integer 1 <= n <= 2^32, without modulo bias. */
  nextBelow(n: number): number {
    // Accept x only below the largest multiple of n that fits in 2^32; then x mod n is uniform.
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The global generator used when no `{ generator }` is passed. */
export const defaultGenerator = new Generator(DEFAULT_SEED);
