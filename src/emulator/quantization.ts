/**
 * Step 1 of every conversion into a fixed-point type (spec §2.2): drop the `d` source fraction bits that
 * do not fit and decide the increment. Each quantization mode is one rule over the same three facts about
 * the dropped bits; ties (`qb && !rest`) are where the round-to-nearest modes differ.
 */
import type { QuantMode } from './types.js';

/** What the rounding rules may look at. */
export interface DroppedBits {
  /** The kept part, floor(r / 2^d): an arithmetic shift, so negative values are already floored. */
  readonly truncated: bigint;
  /** The bit just below the new LSB. */
  readonly qb: boolean;
  /** Whether any bit below qb is set. */
  readonly rest: boolean;
  /** The sign of the source value (not of `truncated`). */
  readonly negative: boolean;
}

export type IncrementRule = (b: DroppedBits) => boolean;

/** Floor: the dropped bits are simply discarded. */
export const truncate: IncrementRule = () => false;

/** Toward zero: a negative value with any dropped bit moves up. */
export const truncateToZero: IncrementRule = (b) => b.negative && (b.qb || b.rest);

/** Nearest, ties toward +infinity. */
export const roundHalfUp: IncrementRule = (b) => b.qb;

/** Nearest, ties toward zero. */
export const roundHalfToZero: IncrementRule = (b) => b.qb && (b.negative || b.rest);

/** Nearest, ties toward -infinity. */
export const roundHalfDown: IncrementRule = (b) => b.qb && b.rest;

/** Nearest, ties away from zero. */
export const roundHalfAway: IncrementRule = (b) => b.qb && (!b.negative || b.rest);

/** Nearest, ties to the even code (convergent rounding). */
export const roundHalfEven: IncrementRule = (b) => b.qb && ((b.truncated & 1n) === 1n || b.rest);

export const INCREMENT_RULES: Readonly<Record<QuantMode, IncrementRule>> = Object.freeze({
  AP_TRN: truncate,
  AP_TRN_ZERO: truncateToZero,
  AP_RND: roundHalfUp,
  AP_RND_ZERO: roundHalfToZero,
  AP_RND_MIN_INF: roundHalfDown,
  AP_RND_INF: roundHalfAway,
  AP_RND_CONV: roundHalfEven,
});

export interface Quantized {
  /** The rounded integer code, unbounded: it may still lie outside the destination's range. */
  readonly q: bigint;
  /** The unrounded truncation floor(r / 2^d); AP_WRAP_SM reads a bit of it. */
  readonly truncated: bigint;
  /** Whether any nonzero bit was dropped. */
  readonly inexact: boolean;
}

/**
 * Quantize the integer `r` (value r * 2^-srcFrac) to `dstFrac` fraction bits with `mode`.
 * Exact BigInt arithmetic; nothing is bounded here (overflow is step 2).
 */
export function quantize(r: bigint, srcFrac: number, dstFrac: number, mode: QuantMode): Quantized {
  const d = srcFrac - dstFrac;
  if (d <= 0) {
    const t = r << BigInt(-d);
    return { q: t, truncated: t, inexact: false };
  }
  const bd = BigInt(d);
  const t = r >> bd;
  const rem = r - (t << bd);
  if (rem === 0n) return { q: t, truncated: t, inexact: false };
  const half = 1n << (bd - 1n);
  const dropped: DroppedBits = {
    truncated: t,
    qb: rem >= half,
    rest: (rem & (half - 1n)) !== 0n,
    negative: r < 0n,
  };
  return { q: INCREMENT_RULES[mode](dropped) ? t + 1n : t, truncated: t, inexact: true };
}
