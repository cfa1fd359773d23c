/**
 * Conversions into the vendor's types. Every conversion into an ap_[u]fixed goes through one algorithm
 * (spec §2): describe the source as an exact binary fraction, quantize to the destination LSB, then
 * detect overflow on the rounded code and apply the overflow mode.
 */
import { bitOf, wrap } from './bits.js';
import { OVERFLOW_RULES } from './overflow.js';
import { quantize } from './quantization.js';
import type { BinaryFormat, FixedType, IntType } from './types.js';

/** An exact source value: raw * 2^-(width - intBits), with the source's own width and signedness. */
export interface BinaryFraction {
  readonly raw: bigint;
  readonly width: number;
  readonly intBits: number;
  readonly signed: boolean;
}

export interface Conversion {
  readonly raw: bigint;
  /** Nonzero bits were dropped below the destination LSB. */
  readonly inexact: boolean;
  /** The rounded code was above the maximum / below the minimum (for AP_SAT_SYM: at the signed minimum). */
  readonly overflow: boolean;
  readonly underflow: boolean;
}

/** Convert an exact binary fraction into a fixed-point type (spec §2.2 to §2.4). */
export function convertToFixed(src: BinaryFraction, dst: FixedType): Conversion {
  const srcFrac = src.width - src.intBits;
  const { q, truncated, inexact } = quantize(src.raw, srcFrac, dst.fracBits, dst.quant);
  if (dst.overflow === 'AP_WRAP' && dst.satBits === 0) {
    // No detection at all: plain wrap-around (spec §2.3). Flags still say what happened, for `inspect`.
    return { raw: wrap(q, dst.width, dst.signed), inexact, overflow: q > dst.maxRaw, underflow: q < dst.minRaw };
  }
  const above = q > dst.maxRaw;
  // AP_SAT_SYM never stores the signed minimum through a conversion from a signed source (spec §2.3).
  const below = q < dst.minRaw || (dst.overflow === 'AP_SAT_SYM' && dst.signed && src.signed && q === dst.minRaw);
  if (!above && !below) return { raw: q, inexact, overflow: false, underflow: false };
  const d = srcFrac - dst.fracBits;
  // lD is bit W of the truncation, i.e. source bit W + d; the vendor reads 0 where the source has no bit.
  const lDIndex = dst.width + d;
  const lD = lDIndex >= 0 && lDIndex < src.width ? bitOf(truncated, dst.width) : 0;
  const raw = OVERFLOW_RULES[dst.overflow](dst, { q, above, lD });
  return { raw, inexact, overflow: above, underflow: below };
}

const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);

/** The IEEE-754 fields of a double. */
export function doubleFields(x: number): { negative: boolean; biasedExponent: number; mantissa: bigint } {
  F64[0] = x;
  const bits = U64[0]!;
  return {
    negative: bits >> 63n === 1n,
    biasedExponent: Number((bits >> 52n) & 0x7ffn),
    mantissa: bits & 0xfffffffffffffn,
  };
}

/**
 * A double as the vendor's headers read it (spec §3.1): the 54-bit signed integer ±(2^52 + m) with
 * I = e + 2. The hidden bit is always set, so subnormals are misread as (1.m)·2^-1023 (quirk #4) and
 * NaN/±Inf as ±(1.m)·2^1024 (quirk #3). ±0 is exactly zero.
 */
export function vendorDoubleAsFraction(x: number): BinaryFraction {
  if (x === 0) return { raw: 0n, width: 54, intBits: 54, signed: true };
  const { negative, biasedExponent, mantissa } = doubleFields(x);
  const e = biasedExponent - 1023;
  const magnitude = (1n << 52n) | mantissa;
  return { raw: negative ? -magnitude : magnitude, width: 54, intBits: e + 2, signed: true };
}

/** A finite double's exact value as a binary fraction (subnormals read correctly). */
export function exactDoubleAsFraction(x: number): BinaryFraction {
  if (!Number.isFinite(x)) throw new RangeError(`exactDoubleAsFraction: ${x} has no exact binary value`);
  if (x === 0) return { raw: 0n, width: 54, intBits: 54, signed: true };
  const { negative, biasedExponent, mantissa } = doubleFields(x);
  const magnitude = biasedExponent === 0 ? mantissa : (1n << 52n) | mantissa;
  const e = biasedExponent === 0 ? -1022 : biasedExponent - 1023;
  return { raw: negative ? -magnitude : magnitude, width: 54, intBits: e + 2, signed: true };
}

/** Whether the vendor's reading of x differs from its exact value (subnormal, NaN, ±Inf). */
export function isMisreadDouble(x: number): boolean {
  if (!Number.isFinite(x)) return true;
  return x !== 0 && doubleFields(x).biasedExponent === 0;
}

/** `ap_[u]fixed<...> y = x;` for a JS number (a double), as the vendor computes it. */
export function fixedFromDouble(x: number, dst: FixedType): Conversion {
  return convertToFixed(vendorDoubleAsFraction(x), dst);
}

/** Any binary format (ap_int, ap_fixed) viewed as a BinaryFraction. */
export function asFraction(raw: bigint, t: BinaryFormat): BinaryFraction {
  return { raw, width: t.width, intBits: t.intBits, signed: t.signed };
}

/**
 * `ap_[u]int<W2> y = x;` for an ap_[u]int source: sign or zero extension by the source's signedness
 * (already in `raw`), then wrap into the destination.
 */
export function intFromInt(raw: bigint, dst: IntType): bigint {
  return wrap(raw, dst.width, dst.signed);
}

/**
 * The integer part of a fixed-point value as to_int(), to_int64() and ap_int conversion build it
 * (spec §4.2): truncation toward zero in a max(I,1)-bit integer of the source's signedness.
 * I < 0 reads an uninitialised value in the vendor's headers: undefined, so this throws.
 */
export function fixedIntegerPart(raw: bigint, src: FixedType): bigint {
  const I = src.intBits;
  const F = src.fracBits;
  if (I < 0) throw new RangeError(`integer conversion of ${src} (I < 0) is undefined in the vendor's headers`);
  if (F <= 0) return raw << BigInt(-F);
  // For I = 0 the headers build a 1-bit integer part set to 0 rather than floor(value) (which is -1 for
  // a negative value); with the correction below that gives -1 (quirk #15).
  let ip = I === 0 ? 0n : raw >> BigInt(F);
  const hasFraction = (raw & ((1n << BigInt(F)) - 1n)) !== 0n;
  if (src.signed && raw < 0n && hasFraction) ip += 1n;
  // The integer part lives in max(I,1) bits; for I = 0 the +1 correction wraps in one bit (quirk #15).
  return wrap(ip, Math.max(I, 1), src.signed);
}

/**
 * `ap_[u]int<W> y = x;` for a double (spec §3.2): truncation of the magnitude, then negation. Negative
 * values in (-0.5, 0) give +1 (quirk #5); NaN/±Inf/subnormals are misread as for ap_fixed.
 */
export function intFromDouble(x: number, dst: IntType): bigint {
  if (x === 0) return 0n;
  const { negative, biasedExponent, mantissa } = doubleFields(x);
  const e = biasedExponent - 1023;
  const M = (1n << 52n) | mantissa;
  let magnitude: bigint;
  if (e >= 52) {
    const shift = e - 52;
    magnitude = shift >= dst.width ? 0n : BigInt.asUintN(dst.width, M << BigInt(shift));
  } else if (e >= -1) {
    magnitude = M >> BigInt(52 - e);
  } else {
    // |x| < 0.5: the headers produce 0 for positive x but an all-ones word for negative x, which the
    // final negation turns into +1 (quirk #5).
    magnitude = negative ? -1n : 0n;
  }
  return wrap(negative ? -magnitude : magnitude, dst.width, dst.signed);
}

/**
 * The condition under which the vendor's *debug* build aborts a conversion (spec §2.6, quirk #20): a
 * rounding mode, and a source that lies entirely below half an LSB of the destination (I2 + F < 0), so the
 * rounding bit index is past the source MSB. It depends on the two types only. A release build (NDEBUG)
 * computes the correct rounding of the tiny value, which is what hlsq computes; this returns the warning
 * to show, or null.
 */
export function debugBuildAbortWarning(src: BinaryFormat, dst: FixedType): string | null {
  if (dst.quant === 'AP_TRN') return null;
  if (dst.quant === 'AP_TRN_ZERO' && !src.signed) return null;
  if (src.intBits + dst.fracBits >= 0) return null;
  return (
    `converting ${describeFormat(src)} into ${dst} aborts in the vendor's debug build (assertion in get_bit: ` +
    `the source lies entirely below half an LSB, I2 + F = ${src.intBits + dst.fracBits} < 0); ` +
    'hlsq gives the release-build result'
  );
}

function describeFormat(f: BinaryFormat): string {
  return typeof (f as { toString?: unknown }).toString === 'function' && String(f) !== '[object Object]'
    ? String(f)
    : `a ${f.signed ? 'signed' : 'unsigned'} ${f.width}-bit value with ${f.intBits} integer bits`;
}
