/**
 * The exact arithmetic the layers are defined with (docs/model-format.md §3): the vendor's result types
 * of +, - and * (ap-fixed spec §5.1), conversions through the emulator's `castRaw` / `convertToFixed`,
 * exact rationals converted "as an exact real", and the width of an integer interval.
 */
import { convertToFixed, type BinaryFraction } from '../emulator/convert.js';
import { FixedType } from '../emulator/types.js';
import { castRaw } from '../emulator/value.js';

/** Number of bits of a non-negative integer: bitlen(0) = 0, bitlen(3) = 2. */
export function bitlen(v: bigint): number {
  if (v < 0n) throw new RangeError(`bitlen of a negative value ${v}`);
  return v === 0n ? 0 : v.toString(2).length;
}

function s01(s: boolean): number {
  return s ? 1 : 0;
}

/** `a * b`: W1 + W2, I1 + I2, signed if either is (exact). */
export function mulType(a: FixedType, b: FixedType): FixedType {
  return new FixedType(a.width + b.width, a.intBits + b.intBits, a.signed || b.signed);
}

/** `a + b` (and `a - b` with `signed` forced): the vendor's result type, exact. */
function sumType(a: FixedType, b: FixedType, forceSigned: boolean): FixedType {
  const ia = a.intBits + s01(b.signed && !a.signed);
  const ib = b.intBits + s01(a.signed && !b.signed);
  const i = Math.max(ia, ib) + 1;
  const f = Math.max(a.fracBits, b.fracBits);
  return new FixedType(i + f, i, forceSigned || a.signed || b.signed);
}

export function addType(a: FixedType, b: FixedType): FixedType {
  return sumType(a, b, false);
}

export function subType(a: FixedType, b: FixedType): FixedType {
  return sumType(a, b, true);
}

/** An exact value with the type the C++ expression has. */
export interface Fx {
  readonly raw: bigint;
  readonly type: FixedType;
}

function align(v: Fx, frac: number): bigint {
  return v.raw << BigInt(frac - v.type.fracBits);
}

export function fxMul(a: Fx, b: Fx): Fx {
  return { raw: a.raw * b.raw, type: mulType(a.type, b.type) };
}

export function fxAdd(a: Fx, b: Fx): Fx {
  const type = addType(a.type, b.type);
  return { raw: align(a, type.fracBits) + align(b, type.fracBits), type };
}

export function fxSub(a: Fx, b: Fx): Fx {
  const type = subType(a.type, b.type);
  return { raw: align(a, type.fracBits) - align(b, type.fracBits), type };
}

/** `T y = x;` for an ap value x. */
export function fxCast(x: Fx, dst: FixedType): Fx {
  return { raw: castRaw(x.raw, x.type, dst), type: dst };
}

/** The same code read with a different binary point (a shift folded into the type, e.g. s / 2^k). */
export function withIntBits(t: FixedType, intBits: number): FixedType {
  return new FixedType(t.width, intBits, t.signed);
}

/**
 * The exact rational num/den (den > 0) converted into `dst` as an exact real (docs §3): the rounding sees
 * the true dropped bits (a sticky bit below two guard bits stands for the infinite tail) and, for
 * AP_WRAP_SM, the true bit W of the truncation.
 */
export function convertRational(num: bigint, den: bigint, dst: FixedType): bigint {
  if (den <= 0n) throw new RangeError('convertRational: the denominator must be positive');
  const frac = dst.fracBits + 2;
  const scaled = frac >= 0 ? num << BigInt(frac) : num;
  const divisor = frac >= 0 ? den : den << BigInt(-frac);
  let t = scaled / divisor;
  let rem = scaled - t * divisor;
  if (rem < 0n) {
    t -= 1n;
    rem += divisor;
  }
  return convertFloorSticky(t, rem !== 0n, frac, dst);
}

/**
 * Convert the real value known as floor(v·2^frac) = t plus "there is more below" (sticky) into dst.
 * The source is held with enough width that every bit the conversion reads is the true bit.
 */
export function convertFloorSticky(t: bigint, sticky: boolean, frac: number, dst: FixedType): bigint {
  const raw = (t << 1n) | (sticky ? 1n : 0n);
  const srcFrac = frac + 1;
  const mag = raw < 0n ? -raw : raw;
  const width = Math.max(bitlen(mag) + 2, dst.width + (srcFrac - dst.fracBits) + 2);
  const src: BinaryFraction = { raw, width, intBits: width - srcFrac, signed: true };
  return convertToFixed(src, dst).raw;
}

/**
 * The smallest type holding every integer code in [lo, hi] at step 2^-f (codegen.md §3.2):
 * signed when lo < 0, W = max(bitlen(-lo-1), bitlen(hi)) + 1; unsigned W = max(bitlen(hi), 1); I = W - f.
 */
export function typeForBounds(lo: bigint, hi: bigint, f: number): FixedType {
  if (lo > hi) throw new RangeError(`typeForBounds: empty interval [${lo}, ${hi}]`);
  if (lo < 0n) {
    const w = Math.max(bitlen(-lo - 1n), bitlen(hi > 0n ? hi : 0n)) + 1;
    return new FixedType(w, w - f, true);
  }
  const w = Math.max(bitlen(hi), 1);
  return new FixedType(w, w - f, false);
}

/** Real value of a code as a short exact decimal string when possible (for provenance and messages). */
export function codeToDecimal(code: bigint, frac: number): string {
  if (frac <= 0) return (code << BigInt(-frac)).toString();
  const neg = code < 0n;
  const mag = neg ? -code : code;
  const ip = mag >> BigInt(frac);
  let rest = mag - (ip << BigInt(frac));
  if (rest === 0n) return `${neg ? '-' : ''}${ip}`;
  // rest / 2^frac has exactly `frac` decimal digits: rest·5^frac / 10^frac.
  let digits = (rest * 5n ** BigInt(frac)).toString().padStart(frac, '0').replace(/0+$/, '');
  if (digits.length > 24) {
    // Long expansions are shortened for display only; the value itself is exact elsewhere.
    const approx = Number(code) / 2 ** frac;
    return approx.toPrecision(12).replace(/\.?0+$/, '');
  }
  rest = 0n;
  return `${neg ? '-' : ''}${ip}.${digits}`;
}
