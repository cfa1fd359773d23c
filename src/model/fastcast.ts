/**
 * The vendor conversion `DST y = x;` on plain numbers, for the engine's fast path. Only built where it is
 * exact: every intermediate is an integer below 2^53 in magnitude, so double arithmetic is exact. The
 * rules are the emulator's (quantization.ts, overflow.ts) restated on numbers; the property tests in
 * test/model/fastcast.test.ts prove them equal to `castRaw` on the supported cases.
 */
import type { FixedType, QuantMode } from '../emulator/types.js';
import { castRaw } from '../emulator/value.js';

export type NumberCast = (v: number) => number;

/** Quantization modes as small integers: one class with integer fields keeps the hot path monomorphic. */
const MODE: Readonly<Record<QuantMode, number>> = {
  AP_TRN: 0,
  AP_TRN_ZERO: 1,
  AP_RND: 2,
  AP_RND_ZERO: 3,
  AP_RND_MIN_INF: 4,
  AP_RND_INF: 5,
  AP_RND_CONV: 6,
};

const WRAP = 0;
const SATURATE = 1;

class NumberConversion {
  constructor(
    /** Source fraction bits minus destination fraction bits. */
    private readonly d: number,
    private readonly mode: number,
    private readonly overflow: number,
    private readonly min: number,
    private readonly max: number,
    private readonly signed: boolean,
    /** AP_SAT_SYM between signed types: the minimum code itself counts as underflow. */
    private readonly symMin: boolean,
    /** Codes stored on overflow / underflow by the saturating modes. */
    private readonly high: number,
    private readonly low: number,
  ) {}

  /** Step 1 (quantization.ts): floor to the destination LSB, then the mode's increment. */
  round(v: number): number {
    const d = this.d;
    if (d <= 0) return d === 0 ? v : v * 2 ** -d;
    const pow = 2 ** d;
    const t = Math.floor(v / pow);
    const rem = v - t * pow;
    if (rem === 0) return t;
    const half = pow / 2;
    const qb = rem >= half;
    const rest = qb ? rem !== half : true;
    const neg = v < 0;
    let inc: boolean;
    switch (this.mode) {
      case 0:
        inc = false;
        break;
      case 1:
        inc = neg;
        break;
      case 2:
        inc = qb;
        break;
      case 3:
        inc = qb && (neg || rest);
        break;
      case 4:
        inc = qb && rest;
        break;
      case 5:
        inc = qb && (!neg || rest);
        break;
      default:
        inc = qb && (t % 2 !== 0 || rest);
    }
    return inc ? t + 1 : t;
  }

  /** Steps 2 and 3 (overflow.ts): plain wrap-around or saturation to the stored codes. */
  convert(v: number): number {
    const q = this.round(v);
    if (this.overflow === WRAP) {
      if (q >= this.min && q <= this.max) return q;
      const m = this.max - this.min + 1;
      let r = q % m;
      if (r < 0) r += m;
      return this.signed && r > this.max ? r - m : r;
    }
    if (q > this.max) return this.high;
    if (q < this.min || (this.symMin && q === this.min)) return this.low;
    return q;
  }
}

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
  const symNeg = dst.signed ? (dst.width === 1 ? min : min + 1) : 0;
  const c = new NumberConversion(
    d,
    MODE[dst.quant],
    o === 'AP_WRAP' ? WRAP : SATURATE,
    min,
    max,
    dst.signed,
    o === 'AP_SAT_SYM' && dst.signed && src.signed,
    o === 'AP_SAT_ZERO' ? 0 : max,
    o === 'AP_SAT' ? min : o === 'AP_SAT_ZERO' ? 0 : symNeg,
  );
  return (v) => c.convert(v);
}

/** A conversion on numbers when possible, else through BigInt and `castRaw` (same result either way). */
export function anyNumberCast(src: FixedType, dst: FixedType): NumberCast {
  const fast = numberCast(src, dst);
  if (fast) return fast;
  if (dst.width > 53) throw new RangeError(`anyNumberCast: ${dst} codes do not fit a double`);
  return (v) => Number(castRaw(BigInt(v), src, dst));
}
