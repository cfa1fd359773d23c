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
  const c = numberConversion(src, dst);
  if (c === undefined) return undefined;
  if (c === SAME_TYPE) return (v) => v; // same-type copy: bits are copied (ap-fixed spec §7.3)
  return (v) => c.convert(v);
}

const SAME_TYPE = 'same type';

function numberConversion(src: FixedType, dst: FixedType): NumberConversion | typeof SAME_TYPE | undefined {
  if (src.equals(dst)) return SAME_TYPE;
  if (src.width > 53 || dst.width > 53) return undefined;
  const o = dst.overflow;
  if (o === 'AP_WRAP_SM' || (o === 'AP_WRAP' && dst.satBits > 0)) return undefined;
  const d = src.fracBits - dst.fracBits;
  if (d > 52) return undefined;
  if (d < 0 && src.width - d > 53) return undefined;
  const min = Number(dst.minRaw);
  const max = Number(dst.maxRaw);
  const symNeg = dst.signed ? (dst.width === 1 ? min : min + 1) : 0;
  return new NumberConversion(
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
}

/** A conversion on numbers when possible, else through BigInt and `castRaw` (same result either way). */
export function anyNumberCast(src: FixedType, dst: FixedType): NumberCast {
  const fast = numberCast(src, dst);
  if (fast) return fast;
  if (dst.width > 53) throw new RangeError(`anyNumberCast: ${dst} codes do not fit a double`);
  return (v) => Number(castRaw(BigInt(v), src, dst));
}

/** Two's-complement wrap of an exact integer (|v| < 2^53) into W <= 53 bits; identity when it fits. */
export function wrapNumber(v: number, W: number, signed: boolean): number {
  if (W > 53) return v;
  const m = 2 ** W;
  if (signed) {
    const half = m / 2;
    if (v >= -half && v < half) return v;
    let r = v % m;
    if (r < 0) r += m;
    return r >= half ? r - m : r;
  }
  if (v >= 0 && v < m) return v;
  let r = v % m;
  if (r < 0) r += m;
  return r;
}

/**
 * The same conversion over a strided run of an array, for the engine's layer kernels: y[i] = cast(x[i])
 * for i = from, from + step, ... below `to` (x may be y). One call per layer or channel replaces one
 * closure call per element.
 */
export type ArrayCast = (x: Float64Array, y: Float64Array, from: number, to: number, step: number) => void;

export interface ArrayCastOptions {
  /**
   * The values are exact sums that may lie outside src's range (an AP_WRAP, N = 0 accumulator summed
   * without wrapping): wrap them into src first. Wrapping once at the end equals wrapping every partial
   * sum, since two's-complement wrap is a ring homomorphism.
   */
  wrapSource?: boolean;
  /** A ReLU in front: values <= 0 become code 0 before the conversion (whose result for 0 is 0). */
  relu?: boolean;
}

/**
 * The array form of `numberCast(src, dst)`, offered exactly where `numberCast` is (for src codes that
 * are numbers). Each element takes one of two routes:
 * - the common case, in a loop specialised per quantization mode (one function per mode rule below, so
 *   the loop has no per-element dispatch and no call): no source wrap needed, the scaled value within
 *   2^51 and the result within dst's range after the saturation clamp;
 * - anything else (a sum outside the accumulator, a wrapped or zeroed result): the scalar conversion
 *   `numberCast` uses, for that element only.
 *
 * Why the loops compute the same conversion, on exact integers v with |v| < 2^53:
 * - s = v·2^-d is exact (a power-of-two scaling of an integer below 2^53, far from under/overflow).
 * - Saturation is applied before rounding, as a clamp of s to integer bounds [lo, hi]: the rounding R of
 *   every mode is monotone and leaves integers unchanged, so R(clamp(s)) = clamp(R(s)), which is what
 *   AP_SAT does; AP_SAT_SYM (signed, W >= 2) clamps low to -max, since both an underflow and the minimum
 *   code itself become -max; AP_SAT_ZERO clamps to [min-1, max+1], and a result still out of range
 *   leaves the loop for the scalar path (which stores 0), as does every out-of-range AP_WRAP result.
 * - Rounding of |s| <= 2^51: s + RNE (1.5·2^52) lies in [2^52, 2^53], where doubles are the integers, so
 *   the addition rounds s to the nearest integer, ties to even (RNE is even); the subtraction is exact.
 *   s - r is exact too (|s - r| <= 1/2 is a multiple of 2^-d, d <= 52) and is ±1/2 exactly at ties,
 *   which the modes other than AP_RND_CONV move to their side. Math.floor / Math.trunc are exact.
 * - ReLU clamps s at 0 first: code 0 converts to 0 in every mode.
 * The property tests in test/model/fastcast.test.ts compare it with `numberCast` and `castRaw`.
 */
export function numberCastArray(src: FixedType, dst: FixedType, options: ArrayCastOptions = {}): ArrayCast | undefined {
  const conv = numberConversion(src, dst);
  if (conv === undefined || src.width > 53) return undefined;
  const same = conv === SAME_TYPE;
  const d = same ? 0 : src.fracBits - dst.fracBits;
  const min = same ? -Infinity : Number(dst.minRaw);
  const max = same ? Infinity : Number(dst.maxRaw);
  let lo = -Infinity;
  let hi = Infinity;
  if (!same && dst.overflow === 'AP_SAT') [lo, hi] = [min, max];
  if (!same && dst.overflow === 'AP_SAT_SYM') [lo, hi] = [dst.signed && dst.width >= 2 ? -max : min, max];
  if (!same && dst.overflow === 'AP_SAT_ZERO') [lo, hi] = [min - 1, max + 1];
  const relu = !!options.relu;
  if (relu) lo = Math.max(lo, 0);
  const srcMin = Number(src.minRaw);
  const srcMax = Number(src.maxRaw);
  const scale = 2 ** -d;
  // The scalar route: source wrap, ReLU, then the conversion.
  const wrapSource = !!options.wrapSource;
  const exact = (v: number): number => {
    const w = wrapSource ? wrapNumber(v, src.width, src.signed) : v;
    if (relu && w <= 0) return 0;
    return same ? w : conv.convert(w);
  };
  // Values reaching the loop are src codes (the wrap check sends the others away), so |s| is bounded.
  const sAbs = Math.min(Math.max(-srcMin, srcMax) * scale, Math.max(Math.abs(lo), Math.abs(hi)));
  const loop = sAbs <= TWO_51 ? (d > 0 ? ROUNDING_LOOPS[MODE[dst.quant]]! : exactLoop) : undefined;
  const floorAtZero = lo === 0;
  const keep = floorAtZero ? 0 : 1;
  const half = floorAtZero ? 0.5 : 0;
  const inLo = wrapSource ? srcMin : -Infinity;
  const inHi = wrapSource ? srcMax : Infinity;
  return (x, y, from, to, step) => {
    let i = from;
    while (i < to) {
      if (loop) i = loop(x, y, i, to, step, scale, keep, half, floorAtZero ? -Infinity : lo, hi, inLo, inHi, min, max);
      if (i >= to) break;
      y[i] = exact(x[i]!);
      i += step;
    }
  };
}

const TWO_51 = 2 ** 51;
/** 1.5·2^52: for |s| <= 2^51, (s + RNE) - RNE is s rounded to an integer, ties to even. */
const RNE = 6755399441055744;

/**
 * The common-case loop of one rounding rule: y[i] = R(clamp(x[i]·scale, lo, hi)) for i = from, from +
 * step, ... while x[i] lies in [inLo, inHi] and the result in [min, max]; returns the index where it
 * stopped (>= to when done). The element at that index is left unwritten.
 *
 * A lower bound of 0 (ReLU, unsigned saturation) is applied as t·keep + (t + |t|)·half with keep = 0,
 * half = 1/2 (and lo = -Infinity): (t + |t|)/2 = max(t, 0) exactly, without the branch Math.max takes,
 * which the sign of ReLU inputs would mispredict half the time. Otherwise keep = 1, half = 0: t itself.
 *
 * The loops below repeat the same frame on purpose, one per rule: a shared loop calling the rounding as a
 * function per element was where the engine spent its time before (profiled), and V8 does not inline a
 * callback that varies per layer.
 */
type Loop = (
  x: Float64Array,
  y: Float64Array,
  from: number,
  to: number,
  step: number,
  scale: number,
  keep: number,
  half: number,
  lo: number,
  hi: number,
  inLo: number,
  inHi: number,
  min: number,
  max: number,
) => number;

/** d <= 0: no bits are dropped, the scaling is exact. */
const exactLoop: Loop = (x, y, from, to, step, scale, keep, half, lo, hi, inLo, inHi, min, max) => {
  let i = from;
  for (; i < to; i += step) {
    const v = x[i]!;
    const t = v * scale;
    const r = Math.min(Math.max(t * keep + (t + Math.abs(t)) * half, lo), hi);
    if (!(v >= inLo && v <= inHi && r >= min && r <= max)) break;
    y[i] = r;
  }
  return i;
};

const trnLoop: Loop = (x, y, from, to, step, scale, keep, half, lo, hi, inLo, inHi, min, max) => {
  let i = from;
  for (; i < to; i += step) {
    const v = x[i]!;
    const t = v * scale;
    const r = Math.floor(Math.min(Math.max(t * keep + (t + Math.abs(t)) * half, lo), hi));
    if (!(v >= inLo && v <= inHi && r >= min && r <= max)) break;
    y[i] = r;
  }
  return i;
};

const trnZeroLoop: Loop = (x, y, from, to, step, scale, keep, half, lo, hi, inLo, inHi, min, max) => {
  let i = from;
  for (; i < to; i += step) {
    const v = x[i]!;
    const t = v * scale;
    const r = Math.trunc(Math.min(Math.max(t * keep + (t + Math.abs(t)) * half, lo), hi));
    if (!(v >= inLo && v <= inHi && r >= min && r <= max)) break;
    y[i] = r;
  }
  return i;
};

/** AP_RND: ties up (a tie the even rounding took down leaves s - r = +1/2). */
const rndLoop: Loop = (x, y, from, to, step, scale, keep, half, lo, hi, inLo, inHi, min, max) => {
  let i = from;
  for (; i < to; i += step) {
    const v = x[i]!;
    const t = v * scale;
    const s = Math.min(Math.max(t * keep + (t + Math.abs(t)) * half, lo), hi);
    let r = s + RNE - RNE;
    if (s - r === 0.5) r += 1;
    if (!(v >= inLo && v <= inHi && r >= min && r <= max)) break;
    y[i] = r;
  }
  return i;
};

/** AP_RND_ZERO: ties toward zero. */
const rndZeroLoop: Loop = (x, y, from, to, step, scale, keep, half, lo, hi, inLo, inHi, min, max) => {
  let i = from;
  for (; i < to; i += step) {
    const v = x[i]!;
    const t = v * scale;
    const s = Math.min(Math.max(t * keep + (t + Math.abs(t)) * half, lo), hi);
    let r = s + RNE - RNE;
    const e = s - r;
    if (e === 0.5 && s < 0) r += 1;
    else if (e === -0.5 && s > 0) r -= 1;
    if (!(v >= inLo && v <= inHi && r >= min && r <= max)) break;
    y[i] = r;
  }
  return i;
};

/** AP_RND_MIN_INF: ties down. */
const rndMinInfLoop: Loop = (x, y, from, to, step, scale, keep, half, lo, hi, inLo, inHi, min, max) => {
  let i = from;
  for (; i < to; i += step) {
    const v = x[i]!;
    const t = v * scale;
    const s = Math.min(Math.max(t * keep + (t + Math.abs(t)) * half, lo), hi);
    let r = s + RNE - RNE;
    if (s - r === -0.5) r -= 1;
    if (!(v >= inLo && v <= inHi && r >= min && r <= max)) break;
    y[i] = r;
  }
  return i;
};

/** AP_RND_INF: ties away from zero. */
const rndInfLoop: Loop = (x, y, from, to, step, scale, keep, half, lo, hi, inLo, inHi, min, max) => {
  let i = from;
  for (; i < to; i += step) {
    const v = x[i]!;
    const t = v * scale;
    const s = Math.min(Math.max(t * keep + (t + Math.abs(t)) * half, lo), hi);
    let r = s + RNE - RNE;
    const e = s - r;
    if (e === 0.5 && s > 0) r += 1;
    else if (e === -0.5 && s < 0) r -= 1;
    if (!(v >= inLo && v <= inHi && r >= min && r <= max)) break;
    y[i] = r;
  }
  return i;
};

/** AP_RND_CONV: ties to even, which the addition does by itself. */
const rndConvLoop: Loop = (x, y, from, to, step, scale, keep, half, lo, hi, inLo, inHi, min, max) => {
  let i = from;
  for (; i < to; i += step) {
    const v = x[i]!;
    const t = v * scale;
    const r = Math.min(Math.max(t * keep + (t + Math.abs(t)) * half, lo), hi) + RNE - RNE;
    if (!(v >= inLo && v <= inHi && r >= min && r <= max)) break;
    y[i] = r;
  }
  return i;
};

/** Indexed by MODE. */
const ROUNDING_LOOPS: readonly Loop[] = [trnLoop, trnZeroLoop, rndLoop, rndZeroLoop, rndMinInfLoop, rndInfLoop, rndConvLoop];
