/**
 * Steps 2 and 3 of a conversion into a fixed-point type (spec §2.3, §2.4): detect overflow on the
 * already rounded code and apply the destination's overflow mode. Each mode is one function over the
 * same situation; the N saturation bits are part of the WRAP and WRAP_SM rules.
 */
import { bitOf, mask, wrap } from './bits.js';
import type { OverflowMode } from './types.js';

/** The destination's shape as the overflow rules see it. */
export interface OverflowTarget {
  readonly width: number;
  readonly signed: boolean;
  readonly satBits: number;
  readonly minRaw: bigint;
  readonly maxRaw: bigint;
}

/** The situation an overflow rule resolves. Only called when the code is out of range. */
export interface OutOfRange {
  /** The rounded, unbounded code. */
  readonly q: bigint;
  /** True when above the maximum, false when below the minimum. */
  readonly above: boolean;
  /** Bit W of the unrounded truncation (spec §2.4, AP_WRAP_SM with N = 0), already 0 where the source has no such bit. */
  readonly lD: 0 | 1;
}

export type OverflowRule = (t: OverflowTarget, o: OutOfRange) => bigint;

/** The W-bit pattern as an unsigned integer, and back to a raw of the target's signedness. */
function pattern(t: OverflowTarget, q: bigint): bigint {
  return BigInt.asUintN(t.width, q);
}
function fromPattern(t: OverflowTarget, v: bigint): bigint {
  return wrap(v, t.width, t.signed);
}
/** Bits lo..hi (inclusive) set. */
function bitRange(lo: number, hi: number): bigint {
  if (hi < lo) return 0n;
  return mask(hi - lo + 1) << BigInt(lo);
}

export const saturate: OverflowRule = (t, o) => (o.above ? t.maxRaw : t.minRaw);

export const saturateToZero: OverflowRule = () => 0n;

/**
 * Symmetric saturation. Signed underflow gives the pattern 100...001, which is -max for W >= 2 but the
 * minimum itself for W = 1 (spec §12, quirk #2: the only negative code cannot be excluded).
 */
export const saturateSymmetric: OverflowRule = (t, o) => {
  if (o.above) return t.maxRaw;
  if (!t.signed) return 0n;
  return fromPattern(t, (1n << BigInt(t.width - 1)) | 1n);
};

/**
 * Wrap-around; with N >= 1 the top N bits saturate and the low W-N bits keep the wrapped value.
 * For unsigned targets underflow also sets the top N bits to 1 (spec §12, quirk #1: not the 0s
 * SystemC would give).
 */
export const wrapAround: OverflowRule = (t, o) => {
  const W = t.width;
  const N = t.satBits;
  let v = pattern(t, o.q);
  if (N === 0) return fromPattern(t, v);
  if (!t.signed) return fromPattern(t, v | bitRange(W - N, W - 1));
  const top = bitRange(W - N, W - 2);
  const sign = 1n << BigInt(W - 1);
  if (o.above) v = (v & ~sign) | top;
  else v = (v | sign) & ~top;
  return fromPattern(t, v);
};

/** Sign-magnitude wrap (signed targets only; unsigned ones are rejected when the type is built). */
export const wrapSignMagnitude: OverflowRule = (t, o) => {
  const W = t.width;
  const N = t.satBits;
  const all = mask(W);
  const signBit = 1n << BigInt(W - 1);
  let v = pattern(t, o.q);
  const ro = bitOf(v, W - 1);
  if (N === 0) {
    // The flip decision reads bit W of the *unrounded* value (spec §2.4): a tie that rounds onto a fold
    // boundary folds differently from "fold the rounded integer".
    if (o.lD !== ro) v = (v ^ all) & ~signBit | (o.lD ? signBit : 0n);
    return fromPattern(t, v);
  }
  const negative = o.q < 0n;
  if (N === 1) {
    if (negative !== (ro === 1)) v ^= all;
    v = negative ? v | signBit : v & ~signBit;
    return fromPattern(t, v);
  }
  if ((bitOf(v, W - N) === 1) === negative) v ^= all;
  const top = bitRange(W - N, W - 2);
  v = negative ? (v & ~top) | signBit : (v | top) & ~signBit;
  return fromPattern(t, v);
};

export const OVERFLOW_RULES: Readonly<Record<OverflowMode, OverflowRule>> = Object.freeze({
  AP_SAT: saturate,
  AP_SAT_ZERO: saturateToZero,
  AP_SAT_SYM: saturateSymmetric,
  AP_WRAP: wrapAround,
  AP_WRAP_SM: wrapSignMagnitude,
});
