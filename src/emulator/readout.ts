/**
 * Reading a value back out as a C number: the vendor's to_double / to_float / to_int / ... (spec §4,
 * §8.5), quirks included, plus hlsq's own quirk-free `toNumber`.
 */
import { wrap } from './bits.js';
import { fixedIntegerPart } from './convert.js';
import { HlsqError, UndefinedBehaviourError } from './errors.js';
import { IntType } from './types.js';
import { ApValue, castRaw } from './value.js';

/** An IEEE-754 binary format as the rounding code needs it. */
interface FloatFormat {
  readonly precision: number; // significant bits, hidden bit included
  readonly exponentBits: number;
  readonly bias: number;
}
const BINARY64: FloatFormat = { precision: 53, exponentBits: 11, bias: 1023 };
const BINARY32: FloatFormat = { precision: 24, exponentBits: 8, bias: 127 };

function bitLength(m: bigint): number {
  return m === 0n ? 0 : m.toString(2).length;
}

/** Round m * 2^-s to an integer, ties to even (s > 0). */
function roundShiftHalfEven(m: bigint, s: number): bigint {
  if (s <= 0) return m << BigInt(-s);
  const bs = BigInt(s);
  const q = m >> bs;
  const rem = m - (q << bs);
  const half = 1n << (bs - 1n);
  if (rem > half || (rem === half && (q & 1n) === 1n)) return q + 1n;
  return q;
}

/**
 * The vendor's to_double/to_float of magnitude·2^-fracBits (spec §4.1): round |raw| to the format's
 * precision (ties to even), then write the exponent field as (unbiased exponent + bias) mod 2^E. Inside
 * the normal range this is the correctly rounded result; outside it the exponent wraps around and the
 * result is garbage, never Inf or a subnormal. Returns the bit pattern.
 */
function vendorFloatBits(negative: boolean, magnitude: bigint, fracBits: number, fmt: FloatFormat): bigint {
  if (magnitude === 0n) return 0n;
  const len = bitLength(magnitude);
  let significand = roundShiftHalfEven(magnitude, len - fmt.precision);
  // the MSB weight: I - lz - 1 in the spec's terms, plus one when rounding carried into a new bit
  let exponent = len - 1 - fracBits;
  if (significand >> BigInt(fmt.precision) === 1n) {
    significand >>= 1n;
    exponent += 1;
  }
  const fieldMask = (1n << BigInt(fmt.exponentBits)) - 1n;
  const field = BigInt(exponent + fmt.bias) & fieldMask;
  const mantissaBits = BigInt(fmt.precision - 1);
  const mantissa = significand & ((1n << mantissaBits) - 1n);
  const signBit = negative ? 1n << (BigInt(fmt.exponentBits) + mantissaBits) : 0n;
  return signBit | (field << mantissaBits) | mantissa;
}

/** The 64 bits of the vendor's `x.to_double()` (quirk-exact; a NaN pattern keeps its payload). */
export function toDoubleBits(v: ApValue): bigint {
  const { negative, magnitude, fracBits } = vendorFloatSource(v);
  return vendorFloatBits(negative, magnitude, fracBits, BINARY64);
}

/** The 32 bits of the vendor's `x.to_float()`. */
export function toFloatBits(v: ApValue): number {
  const { negative, magnitude, fracBits } = vendorFloatSource(v);
  return Number(vendorFloatBits(negative, magnitude, fracBits, BINARY32));
}

/**
 * What the vendor converts to floating point. For ap_[u]int wider than 64 bits only the low 64 bits
 * count, read as int64 or uint64 by the type's signedness (spec §4.4, quirk #13).
 */
function vendorFloatSource(v: ApValue): { negative: boolean; magnitude: bigint; fracBits: number } {
  let raw = v.raw;
  if (v.type.kind === 'int' && v.type.width > 64) {
    raw = wrap(raw, 64, v.type.signed); // quirk #13: ap_int<W>64>::to_double sees only the low word
  }
  return { negative: raw < 0n, magnitude: raw < 0n ? -raw : raw, fracBits: v.type.fracBits };
}

const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);
const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

export function doubleFromBits(bits: bigint): number {
  U64[0] = bits;
  return F64[0]!;
}
export function bitsFromDouble(x: number): bigint {
  F64[0] = x;
  return U64[0]!;
}
export function floatFromBits(bits: number): number {
  U32[0] = bits >>> 0;
  return F32[0]!;
}

/** `x.to_double()` as the vendor computes it, exponent-wrap garbage and quirk #13 included. */
export function toDouble(v: ApValue): number {
  return doubleFromBits(toDoubleBits(v));
}

/** `x.to_float()` as the vendor computes it (widened exactly to a JS number). */
export function toFloat(v: ApValue): number {
  return floatFromBits(toFloatBits(v));
}

/**
 * The exact value correctly rounded to the nearest double (ties to even, subnormals rounded at their
 * own precision), without any vendor quirk. This is what hlsq uses wherever it needs a JS number.
 * Throws when the value rounds beyond the double range.
 */
export function toNumber(v: ApValue): number {
  const raw = v.raw;
  if (raw === 0n) return 0;
  const negative = raw < 0n;
  const magnitude = negative ? -raw : raw;
  const fracBits = v.type.fracBits;
  const len = bitLength(magnitude);
  const msbExponent = len - 1 - fracBits;
  // the weight of the last kept bit: 53 bits below the MSB, but never below the smallest subnormal
  const lsbExponent = Math.max(msbExponent - 52, -1074);
  const significand = roundShiftHalfEven(magnitude, lsbExponent + fracBits);
  // significand < 2^54, so Number() is exact (even if it carried to 2^53)
  const exponentOfResult = bitLength(significand) - 1 + lsbExponent;
  if (exponentOfResult > 1023) {
    throw new HlsqError(
      `${v.type} value ${negative ? '-' : ''}${magnitude}·2^${-fracBits} is outside the double range (|x| rounds to infinity)`,
    );
  }
  // scale in two steps so that no intermediate over- or underflows
  const half = Math.trunc(lsbExponent / 2);
  const x = Number(significand) * 2 ** half * 2 ** (lsbExponent - half);
  return negative ? -x : x;
}

/**
 * The integer part the vendor builds for to_int / to_int64 / conversion to ap_int (spec §4.2), or the
 * raw value of an ap_int. Integer conversions of an ap_fixed with I < 0 read an uninitialised value in
 * the vendor's headers (spec §11.4): undefined, so this throws.
 */
function integerPart(v: ApValue, what: string): bigint {
  if (v.type.kind === 'int') return v.raw;
  if (v.type.intBits < 0) {
    throw new UndefinedBehaviourError(
      `${what} of ${v.type}: integer conversions of a fixed-point type with I < 0 are undefined in the vendor's headers (they read an uninitialised value, spec §4.2/§11.4)`,
    );
  }
  return fixedIntegerPart(v.raw, v.type);
}

/** `x.to_int()`: the low 32 bits of the (sign- or zero-extended) integer part, as a C int. */
export function toInt(v: ApValue): number {
  return Number(BigInt.asIntN(32, integerPart(v, 'to_int')));
}

/** `x.to_uint()`: the low 32 bits as a C unsigned int. */
export function toUint(v: ApValue): number {
  return Number(BigInt.asUintN(32, integerPart(v, 'to_uint')));
}

/** `x.to_int64()`: the low 64 bits as a signed 64-bit integer. */
export function toInt64(v: ApValue): bigint {
  return BigInt.asIntN(64, integerPart(v, 'to_int64'));
}

/** `x.to_uint64()`: the low 64 bits as an unsigned 64-bit integer. */
export function toUint64(v: ApValue): bigint {
  return BigInt.asUintN(64, integerPart(v, 'to_uint64'));
}

/**
 * The ap_int that `to_ap_int_base()` returns for an ap_[u]fixed: the integer part in max(I, 1) bits of
 * the fixed type's signedness (spec §4.2).
 */
export function toApInt(v: ApValue): ApValue {
  if (v.type.kind === 'int') return v;
  const t = new IntType(Math.max(v.type.intBits, 1), v.type.signed);
  return ApValue.fromRaw(t, integerPart(v, 'to_ap_int'));
}

/** `ap_[u]int<W> y = x;` for any ap value (fixed integer part, or ap_int wrap). */
export function toApIntOf(v: ApValue, dst: IntType): ApValue {
  if (v.type.kind === 'fixed') integerPart(v, `conversion to ${dst}`);
  return ApValue.fromRaw(dst, castRaw(v.raw, v.type, dst));
}

/**
 * `(bool)x`. For ap_[u]fixed the vendor's operator bool tests only the low 64 bits of the raw value
 * (spec §4.3, quirk #14): an ap_fixed<80,80> holding 2^70 is false. For ap_[u]int the spec records no
 * such quirk and all bits count.
 */
export function toBool(v: ApValue): boolean {
  if (v.type.kind === 'fixed') return BigInt.asUintN(64, v.raw) !== 0n; // quirk #14
  return v.raw !== 0n;
}

/** `!x`: tests all bits, so for wide ap_fixed `!x` and `(bool)x` can both be false. */
export function isZero(v: ApValue): boolean {
  return v.raw === 0n;
}

/** `x.is_neg()`: signed and negative. */
export function isNeg(v: ApValue): boolean {
  return v.type.signed && v.raw < 0n;
}

/** `x.length()`: the width W. */
export function length(v: ApValue): number {
  return v.type.width;
}
