/**
 * The seeded generator callers pass for stochastic rounding (spec §10). xoshiro128** seeded through
 * splitmix32: small, fast, reproducible across platforms; u has 53-bit resolution.
 */
import { QuantizerRangeError } from './errors.js';

export class SeedGenerator {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(readonly seed: number) {
    if (!Number.isSafeInteger(seed)) throw new QuantizerRangeError('seed', seed, 'a safe integer');
    let z = (seed | 0) ^ Math.floor(seed / 2 ** 32);
    const next = () => {
      z = (z + 0x9e3779b9) | 0;
      let t = z ^ (z >>> 16);
      t = Math.imul(t, 0x21f0aaad);
      t ^= t >>> 15;
      t = Math.imul(t, 0x735a2d97);
      return (t ^ (t >>> 15)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** 32 random bits. */
  nextUint32(): number {
    const r = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return r;
  }

  /** A uniform integer in [0, 2^53). */
  nextUint53(): number {
    return (this.nextUint32() >>> 11) * 2 ** 32 + this.nextUint32();
  }

  /** A uniform double in [0, 1) with 53-bit resolution. */
  uniform(): number {
    return this.nextUint53() * 2 ** -53;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * floor(s + u) for u = U·2^-53 uniform, computed without the rounding of s + u: it is floor(s) + 1
 * exactly when U >= 2^53·(1 - frac(s)), i.e. with probability frac(s) (up to the 2^-53 resolution).
 */
export function stochasticFloor(s: number, gen: SeedGenerator): number {
  if (!Number.isFinite(s)) return s;
  const fl = Math.floor(s);
  const U = gen.nextUint53();
  if (fl === s) return s;
  // frac(s)·2^53 floored, exactly: s - fl is exact except for -1 < s < 0, where frac(s)·2^53 = 2^53 + s·2^53.
  const t = s > -1 && s < 0 ? 2 ** 53 + Math.floor(s * 2 ** 53) : Math.floor((s - fl) * 2 ** 53);
  return U >= 2 ** 53 - t ? fl + 1 : fl;
}

/** n normally distributed values N(0, scale^2) (Box-Muller on the seeded generator). */
export function normalSamples(n: number, seed: number, scale = 1): Float64Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new QuantizerRangeError('n', n, 'a non-negative integer');
  const g = new SeedGenerator(seed);
  const out = new Float64Array(n);
  for (let j = 0; j < n; j += 2) {
    const u = 1 - g.uniform(); // (0, 1]
    const v = g.uniform();
    const r = Math.sqrt(-2 * Math.log(u)) * scale;
    out[j] = r * Math.cos(2 * Math.PI * v);
    if (j + 1 < n) out[j + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}
