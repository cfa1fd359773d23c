/**
 * Seeded random codes for golden vectors: SplitMix64 (a small, well-known generator whose output
 * sequence is fixed by its definition), so `--random N --seed S` gives the same vectors on every machine.
 */
import type { BinaryFormat } from '../emulator/types.js';

const MASK64 = (1n << 64n) - 1n;

export class SplitMix64 {
  private state: bigint;

  constructor(seed: number | bigint) {
    this.state = BigInt.asUintN(64, BigInt(seed));
  }

  next64(): bigint {
    this.state = (this.state + 0x9e3779b97f4a7c15n) & MASK64;
    let z = this.state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    return z ^ (z >> 31n);
  }

  /** Uniform over [0, 2^bits), by concatenating 64-bit words. */
  bits(bits: number): bigint {
    let v = 0n;
    let have = 0;
    while (have < bits) {
      v = (v << 64n) | this.next64();
      have += 64;
    }
    return v >> BigInt(have - bits);
  }

  /** Uniform over [0, n) (n >= 1), by rejection so no value is favoured. */
  below(n: bigint): bigint {
    if (n <= 1n) return 0n;
    const bits = (n - 1n).toString(2).length;
    for (;;) {
      const v = this.bits(bits);
      if (v < n) return v;
    }
  }

  /** A float in [0, 1) with 53 random bits. */
  unit(): number {
    return Number(this.next64() >> 11n) / 2 ** 53;
  }

  int(lo: number, hi: number): number {
    return lo + Number(this.below(BigInt(hi - lo + 1)));
  }
}

/** A code drawn uniformly over a type's whole raw range. */
export function randomCode(rng: SplitMix64, t: BinaryFormat): bigint {
  return t.minRaw + rng.below(t.maxRaw - t.minRaw + 1n);
}
