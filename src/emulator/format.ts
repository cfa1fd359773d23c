/**
 * Text out of a value: the vendor's `to_string(radix, sign)` (spec §9), reproduced character for
 * character, and hlsq's own exact decimal rendering, which every other part of hlsq prints.
 */
import { UndefinedBehaviourError, InvalidArgumentError } from './errors.js';
import type { FixedType, IntType } from './types.js';
import type { ApValue } from './value.js';

export type Radix = 2 | 8 | 10 | 16;

const PREFIX: Readonly<Record<Radix, string>> = Object.freeze({ 2: '0b', 8: '0o', 10: '', 16: '0x' });
const BITS_PER_DIGIT: Readonly<Record<2 | 8 | 16, number>> = Object.freeze({ 2: 1, 8: 3, 16: 4 });

/** Above this many fraction bits the vendor's to_string prints an error and exits (spec §9.2 item 7). */
const MAX_TO_STRING_FRACTION_BITS = 1024;

function checkRadix(radix: number): asserts radix is Radix {
  if (radix !== 2 && radix !== 8 && radix !== 10 && radix !== 16) {
    throw new InvalidArgumentError('radix', radix, '2, 8, 10 or 16');
  }
}

/**
 * `x.to_string(radix, sign)` as the vendor's headers print it. The vendor's defaults are radix 2 and
 * sign = the type's signedness.
 */
export function toVendorString(v: ApValue, radix: Radix = 2, sign?: boolean): string {
  checkRadix(radix);
  const signFlag = sign ?? v.type.signed;
  return v.type.kind === 'int' ? intToString(v.raw, v.type, radix, signFlag) : fixedToString(v.raw, v.type, radix, signFlag);
}

/** §9.1 for an ap_[u]int. */
function intToString(raw: bigint, t: IntType, radix: Radix, sign: boolean): string {
  if (radix === 10) {
    // radix 10 follows the type's own signedness and ignores `sign`
    return (t.signed ? raw : BigInt.asUintN(t.width, raw)).toString(10);
  }
  // radix 2 is always unsigned; 8 and 16 print '-' only for a signed type asked to show its sign
  const negative = radix !== 2 && sign && t.signed && raw < 0n;
  const magnitude = negative ? -raw : BigInt.asUintN(t.width, raw);
  return (negative ? '-' : '') + unsignedDigits(magnitude, t.width, radix, negative);
}

/**
 * The prefixed digits of an unsigned magnitude printed as a `width`-bit ap_uint in radix 2, 8 or 16.
 * The storage split at 64 bits is visible here (spec §9.1): up to 64 bits the digits are lowercase,
 * zero is `0x0`, and one leading 0 digit is added only when the top digit would otherwise look like a
 * set sign bit; above 64 bits the digits are UPPERCASE, zero is a bare `0`, and the leading 0 digit is
 * added whenever the digits cover fewer than `width` bits. Negative output never gets the leading 0.
 */
function unsignedDigits(magnitude: bigint, width: number, radix: 2 | 8 | 16, negative: boolean): string {
  const wide = width > 64;
  if (magnitude === 0n) return wide ? '0' : `${PREFIX[radix]}0`;
  const bitsPerDigit = BITS_PER_DIGIT[radix];
  let digits = magnitude.toString(radix);
  if (wide) digits = digits.toUpperCase();
  const coveredBits = digits.length * bitsPerDigit;
  if (!negative && coveredBits < width) {
    const topDigit = parseInt(digits[0]!, radix);
    const topBitSet = (topDigit >> (bitsPerDigit - 1)) & 1;
    if (wide || topBitSet === 1) digits = '0' + digits;
  }
  return PREFIX[radix] + digits;
}

/** §9.2 for an ap_[u]fixed. */
function fixedToString(raw: bigint, t: FixedType, radix: Radix, sign: boolean): string {
  const W = t.width;
  const I = t.intBits;
  const F = t.fracBits;
  if (I > W) {
    throw new UndefinedBehaviourError(
      `to_string of ${t}: the vendor's to_string reads bits at negative indices when I > W and prints nonsense (spec §9.2); use the exact decimal value instead`,
    );
  }
  if (F > MAX_TO_STRING_FRACTION_BITS) {
    throw new UndefinedBehaviourError(
      `to_string of ${t}: W-I=${F} fraction bits exceed the vendor's limit of ${MAX_TO_STRING_FRACTION_BITS}; the vendor prints an error and exits (spec §9.2)`,
    );
  }
  const negative = radix !== 2 && sign && raw < 0n;
  // t: the value (or its negation) held as a (W+1)-bit signed pattern with I+1 integer bits
  const tRaw = negative ? -raw : raw;
  let out = negative ? '-' : '';

  if (I > 0) {
    const intPart = BigInt.asUintN(I + 1, tRaw >> BigInt(F));
    out += radix === 10 ? intPart.toString(10) : unsignedDigits(intPart, I + 1, radix, false);
  } else {
    out += `${PREFIX[radix]}0`;
  }

  // The fraction: t's low F bits, where t is sign-extended first when F exceeds its W+1 bits.
  const fraction = BigInt.asUintN(F, tRaw);
  if (fraction === 0n) return out;
  out += '.';
  if (radix === 10) return out + decimalFractionDigits(fraction, F);
  const bitsPerDigit = BITS_PER_DIGIT[radix];
  const nDigits = Math.ceil(F / bitsPerDigit);
  // pad the last group on the right with zeros, then print every digit
  const padded = fraction << BigInt(nDigits * bitsPerDigit - F);
  out += padded.toString(radix).padStart(nDigits, '0');
  return radix === 16 ? out + 'p0' : out;
}

/** The decimal digits of fraction / 2^F (0 < fraction < 2^F), exact, without trailing zeros. */
function decimalFractionDigits(fraction: bigint, F: number): string {
  // fraction / 2^F = fraction * 5^F / 10^F: exactly F decimal digits
  const scaled = fraction * 5n ** BigInt(F);
  return scaled.toString(10).padStart(F, '0').replace(/0+$/, '');
}

/**
 * The exact decimal value, e.g. `-3.25`: no rounding, no exponent. Every binary fraction has a finite
 * decimal expansion, so this is always exact. This is what hlsq prints wherever it shows a value.
 */
export function toDecimalString(v: ApValue): string {
  return rawToDecimalString(v.raw, v.type.fracBits);
}

/** The exact decimal value of raw * 2^-fracBits. */
export function rawToDecimalString(raw: bigint, fracBits: number): string {
  if (fracBits <= 0) return (raw << BigInt(-fracBits)).toString(10);
  const negative = raw < 0n;
  const magnitude = negative ? -raw : raw;
  const F = BigInt(fracBits);
  const intPart = magnitude >> F;
  const fraction = magnitude & ((1n << F) - 1n);
  const text = fraction === 0n ? intPart.toString(10) : `${intPart}.${decimalFractionDigits(fraction, fracBits)}`;
  return negative ? `-${text}` : text;
}
