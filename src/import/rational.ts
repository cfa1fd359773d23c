/**
 * Exact rationals over BigInt, for the importer's folding of scales, affine maps and thresholds. Every
 * float32/float64 constant of a graph is a dyadic rational, so folding stays exact until a threshold or a
 * rescale constant is chosen, and that choice is then checked exactly.
 */
import { exactDoubleAsFraction } from '../emulator/convert.js';

export interface Rational {
  readonly n: bigint;
  /** Always > 0; gcd(n, d) = 1. */
  readonly d: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

export function rat(n: bigint | number, d: bigint | number = 1n): Rational {
  let N = BigInt(n);
  let D = BigInt(d);
  if (D === 0n) throw new RangeError('rational with zero denominator');
  if (D < 0n) {
    N = -N;
    D = -D;
  }
  const g = gcd(N, D);
  return g > 1n ? { n: N / g, d: D / g } : { n: N, d: D };
}

export const ZERO = rat(0n);
export const ONE = rat(1n);

/** The exact value of a finite double. */
export function fromNumber(x: number): Rational {
  if (!Number.isFinite(x)) throw new RangeError(`${x} has no exact rational value`);
  const f = exactDoubleAsFraction(x);
  const e = f.width - f.intBits; // value = raw * 2^-e
  return e >= 0 ? rat(f.raw, 1n << BigInt(e)) : rat(f.raw << BigInt(-e));
}

export const add = (a: Rational, b: Rational): Rational => rat(a.n * b.d + b.n * a.d, a.d * b.d);
export const sub = (a: Rational, b: Rational): Rational => rat(a.n * b.d - b.n * a.d, a.d * b.d);
export const mul = (a: Rational, b: Rational): Rational => rat(a.n * b.n, a.d * b.d);
export function div(a: Rational, b: Rational): Rational {
  if (b.n === 0n) throw new RangeError('division by zero');
  return rat(a.n * b.d, a.d * b.n);
}
export const neg = (a: Rational): Rational => ({ n: -a.n, d: a.d });
export const sign = (a: Rational): -1 | 0 | 1 => (a.n > 0n ? 1 : a.n < 0n ? -1 : 0);
export const cmp = (a: Rational, b: Rational): -1 | 0 | 1 => sign(sub(a, b));
export const isZero = (a: Rational): boolean => a.n === 0n;
export const eq = (a: Rational, b: Rational): boolean => a.n === b.n && a.d === b.d;

/** Largest integer <= a. */
export function floor(a: Rational): bigint {
  const q = a.n / a.d;
  return a.n < 0n && q * a.d !== a.n ? q - 1n : q;
}
export const ceil = (a: Rational): bigint => -floor(neg(a));

/** k when a = ±2^k exactly, else undefined. */
export function log2Exact(a: Rational): number | undefined {
  const n = a.n < 0n ? -a.n : a.n;
  const isPow = (v: bigint): boolean => v > 0n && (v & (v - 1n)) === 0n;
  if (n === 1n && isPow(a.d)) return -(a.d.toString(2).length - 1);
  if (a.d === 1n && isPow(n)) return n.toString(2).length - 1;
  return undefined;
}

/** Number of fractional bits of a dyadic rational (0 for integers); undefined when not dyadic. */
export function dyadicFracBits(a: Rational): number | undefined {
  if (a.d === 1n) return 0;
  return (a.d & (a.d - 1n)) === 0n ? a.d.toString(2).length - 1 : undefined;
}

export function toNumber(a: Rational): number {
  // Exact enough for display and for the initial guess of a search; never used for a decision.
  const sh = BigInt(Math.max(0, a.d.toString(2).length - 1000));
  return Number(a.n >> sh) / Number(a.d >> sh);
}

export function toString(a: Rational): string {
  return a.d === 1n ? `${a.n}` : `${a.n}/${a.d}`;
}
