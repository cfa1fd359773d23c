/**
 * The vendor conversion `DST y = x;` on plain numbers, for the engine's fast path. Only built where it is
 * exact: every intermediate is an integer below 2^53 in magnitude, so double arithmetic is exact. The
 * rules are the emulator's (quantization.ts, overflow.ts) restated on numbers; the property tests in
 * test/model/fastcast.test.ts prove them equal to `castRaw` on the supported cases.
 */
import type { FixedType, QuantMode } from '../emulator/types.js';
import { castRaw } from '../emulator/value.js';

export type NumberCast = (v: number) => number;

/** The increment rules of quantization.ts on numbers: (qb, rest, negative, truncated) -> round up. */
type Increment = (qb: boolean, rest: boolean, neg: boolean, t: number) => boolean;
const INCREMENTS: Readonly<Record<QuantMode, Increment>> = {
  AP_TRN: () => false,
  AP_TRN_ZERO: (_qb, _rest, neg) => neg,
  AP_RND: (qb) => qb,
  AP_RND_ZERO: (qb, rest, neg) => qb && (neg || rest),
  AP_RND_MIN_INF: (qb, rest) => qb && rest,
  AP_RND_INF: (qb, rest, neg) => qb && (!neg || rest),
  AP_RND_CONV: (qb, rest, _neg, t) => qb && (t % 2 !== 0 || rest),
};

/** A number conversion from src to dst, or undefined when this pair needs the BigInt path. */
export function numberCast(src: FixedType, dst: FixedType): NumberCast | undefined {
  if (src.equals(dst)) return (v) => v; // same-type copy: bits are copied (ap-fixed spec §7.3)
  if (src.width > 53 || dst.width > 53) return undefined;
  const o = dst.overflow;
  if (o === 'AP_WRAP_SM' || (o === 'AP_WRAP' && dst.satBits > 0)) return undefined;
  const d = src.fracBits - dst.fracBits;
  if (d > 52) return undefined;
  if (d < 0 && src.width - d > 53) return undefined;
  const min = Number(dst.minRaw);
  const max = Number(dst.maxRaw);
  const W = dst.width;
  const modulus = 2 ** W;
  const signed = dst.signed;
  const symMin = o === 'AP_SAT_SYM' && dst.signed && src.signed;
  const symNeg = dst.signed ? (W === 1 ? min : min + 1) : 0;
  const up = 2 ** -d;
  const pow = 2 ** d;
  const half = 2 ** (d - 1);
  const mode = dst.quant;

  // The rounding rule is chosen once here: the hot path never compares mode strings.
  const inc = INCREMENTS[mode];
  const round = (v: number): number => {
    if (d <= 0) return v * up;
    const t = Math.floor(v / pow);
    const rem = v - t * pow;
    if (rem === 0) return t;
    const qb = rem >= half;
    return inc(qb, qb ? rem !== half : true, v < 0, t) ? t + 1 : t;
  };

  if (o === 'AP_WRAP') {
    return (v) => {
      const q = round(v);
      if (q >= min && q <= max) return q;
      let r = q % modulus;
      if (r < 0) r += modulus;
      if (signed && r > max) r -= modulus;
      return r;
    };
  }
  const high = o === 'AP_SAT_ZERO' ? 0 : max;
  const low = o === 'AP_SAT' ? min : o === 'AP_SAT_ZERO' ? 0 : symNeg;
  return (v) => {
    const q = round(v);
    if (q > max) return high;
    if (q < min || (symMin && q === min)) return low;
    return q;
  };
}

/** A conversion on numbers when possible, else through BigInt and `castRaw` (same result either way). */
export function anyNumberCast(src: FixedType, dst: FixedType): NumberCast {
  const fast = numberCast(src, dst);
  if (fast) return fast;
  if (dst.width > 53) throw new RangeError(`anyNumberCast: ${dst} codes do not fit a double`);
  return (v) => Number(castRaw(BigInt(v), src, dst));
}
