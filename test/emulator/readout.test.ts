/**
 * Read-outs (spec §4, §8.5): to_double/to_float correct rounding checked against an independent exact
 * comparison with the neighbouring doubles, the exponent-wrap garbage outside the normal range, the
 * integer conversions and the quirks #13, #14, #15.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { exactDoubleAsFraction } from '../../src/emulator/convert.js';
import { HlsqError, UndefinedBehaviourError } from '../../src/emulator/errors.js';
import {
  bitsFromDouble,
  doubleFromBits,
  isNeg,
  isZero,
  length,
  toApInt,
  toBool,
  toDouble,
  toDoubleBits,
  toFloat,
  toInt,
  toInt64,
  toNumber,
  toUint,
  toUint64,
} from '../../src/emulator/readout.js';
import { FixedType, IntType, parseType } from '../../src/emulator/types.js';
import { ApValue } from '../../src/emulator/value.js';

const raw = (spelling: string, r: bigint): ApValue => ApValue.fromRaw(parseType(spelling), r);
const fx = (spelling: string, x: number): ApValue => ApValue.fromNumber(parseType(spelling), x);

/** A finite double as an exact integer·2^-frac. */
function exactDouble(d: number): { m: bigint; frac: number } {
  const f = exactDoubleAsFraction(d);
  return { m: f.raw, frac: f.width - f.intBits };
}

/** The next double toward +inf / -inf (finite inputs). */
function nextUp(d: number): number {
  if (d === 0) return 5e-324;
  const b = bitsFromDouble(d);
  return doubleFromBits(d > 0 ? b + 1n : b - 1n);
}
function nextDown(d: number): number {
  return -nextUp(-d);
}

/**
 * d is the correctly rounded (ties-to-even) double of v: v lies within half a gap of d on both sides,
 * and on an exact half the even significand wins. Exact rationals only: with everything scaled to a
 * common power of two, the sign of 2v − (d + n) says on which side of the midpoint toward n v lies.
 */
function isCorrectlyRounded(v: ApValue, d: number): boolean {
  const dd = exactDouble(d);
  for (const n of [nextUp(d), nextDown(d)]) {
    if (!Number.isFinite(n)) continue;
    const nn = exactDouble(n);
    const common = Math.max(v.type.fracBits, dd.frac, nn.frac);
    const twiceV = 2n * (v.raw << BigInt(common - v.type.fracBits));
    const sum = (dd.m << BigInt(common - dd.frac)) + (nn.m << BigInt(common - nn.frac));
    const c = twiceV < sum ? -1 : twiceV > sum ? 1 : 0;
    const side = n > d ? 1 : -1;
    if (c * side > 0) return false; // beyond the midpoint toward n
    if (c === 0 && (bitsFromDouble(Math.abs(d)) & 1n) === 1n) return false; // a tie must go to the even one
  }
  return true;
}

describe('to_double / to_float', () => {
  test('spec §13: ap_int<70>(-2^69).to_double() = 0 and ap_uint<70>(2^69+5).to_double() = 5 (quirk #13)', () => {
    expect(toDouble(raw('ap_int<70>', -(1n << 69n)))).toBe(0);
    expect(toDouble(raw('ap_uint<70>', (1n << 69n) + 5n))).toBe(5);
    // the low word is read as int64 for ap_int: 2^64 - 1 in the low bits is -1
    expect(toDouble(raw('ap_int<70>', (1n << 64n) - 1n))).toBe(-1);
    expect(toDouble(raw('ap_uint<70>', (1n << 64n) - 1n))).toBe(2 ** 64);
  });

  test('exact values are exact; float rounds at 24 bits', () => {
    expect(toDouble(fx('ap_fixed<8,4>', -3.25))).toBe(-3.25);
    expect(toFloat(raw('ap_ufixed<30,30>', (1n << 25n) + 1n))).toBe(2 ** 25); // tie to even
    expect(toFloat(raw('ap_ufixed<30,30>', (1n << 25n) + 3n))).toBe(2 ** 25 + 4);
  });

  test('outside the normal range the exponent field wraps (spec §4.1): garbage, not Inf', () => {
    // 3·2^1025 = 1.5·2^1026: exponent field (1026 + 1023) mod 2048 = 1, so 1.5·2^-1022
    expect(toDouble(raw('ap_ufixed<2,1027>', 3n))).toBe(1.5 * 2 ** -1022);
    // 2^-1023 (below the normal range): field (−1023 + 1023) mod 2048 = 0 with mantissa 0, i.e. +0
    expect(toDoubleBits(raw('ap_ufixed<1,-1022>', 1n))).toBe(0n);
    // 2^-1024: field 2047 and mantissa 0 is the +Inf pattern
    expect(toDouble(raw('ap_ufixed<1,-1023>', 1n))).toBe(Infinity);
    // float: I = 172 gives a tiny number (spec §4.1's example)
    // 2^171: field (171 + 127) mod 256 = 42, i.e. 2^-85
    expect(toFloat(raw('ap_ufixed<8,172>', 0x80n))).toBe(2 ** -85);
  });

  test('correctly rounded, ties to even, inside the normal range (independent exact check)', () => {
    const value = fc
      .record({
        w: fc.integer({ min: 1, max: 200 }),
        i: fc.integer({ min: -300, max: 300 }),
        s: fc.boolean(),
        r: fc.bigInt({ min: -(1n << 200n), max: 1n << 200n }),
        // force ties: a 54-bit odd pattern has its last bit exactly half an ulp
        tie: fc.boolean(),
      })
      .map(({ w, i, s, r, tie }) => {
        const width = tie ? Math.max(w, 56) : w;
        const t = new FixedType(width, i, s);
        const code = tie ? (r & ((1n << 54n) - 1n)) | (1n << 53n) | 1n : r;
        return ApValue.fromRaw(t, code);
      });
    fc.assert(
      fc.property(value, (v) => {
        const d = toDouble(v);
        expect(isCorrectlyRounded(v, d)).toBe(true);
        expect(toNumber(v)).toBe(d); // no garbage in this range
      }),
      { numRuns: 3000 },
    );
  });

  test('toNumber rounds correctly into the subnormal range and refuses values beyond the doubles', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 80 }), fc.integer({ min: -1200, max: -1000 }), fc.bigInt({ min: 1n, max: 1n << 80n }), (w, i, r) => {
        const v = ApValue.fromRaw(new FixedType(w, i, false), r);
        fc.pre(v.raw !== 0n);
        expect(isCorrectlyRounded(v, toNumber(v))).toBe(true);
      }),
      { numRuns: 1000 },
    );
    expect(toNumber(raw('ap_ufixed<1,-1073>', 1n))).toBe(5e-324);
    expect(toNumber(raw('ap_ufixed<2,-1073>', 1n))).toBe(0); // 2^-1075: half the smallest subnormal, tie -> even 0
    expect(toNumber(raw('ap_ufixed<2,-1073>', 3n))).toBe(2 * 5e-324); // 1.5 subnormal units: tie -> even 2
    expect(toNumber(raw('ap_ufixed<2,-1072>', 3n))).toBe(3 * 5e-324); // exactly 3 units
    expect(() => toNumber(raw('ap_ufixed<2,1027>', 3n))).toThrow(HlsqError);
    expect(() => toNumber(raw('ap_ufixed<2,1027>', 3n))).toThrow(/outside the double range/);
    expect(toNumber(raw('ap_ufixed<54,1024>', (1n << 54n) - 2n))).toBe(Number.MAX_VALUE);
    expect(() => toNumber(raw('ap_ufixed<54,1024>', (1n << 54n) - 1n))).toThrow(/outside the double range/);
  });
});

describe('integer conversions', () => {
  test('spec §13 examples', () => {
    expect(toInt(fx('ap_fixed<8,1>', -0.5))).toBe(0);
    expect(toInt(fx('ap_fixed<8,4>', -7.5))).toBe(-7);
    expect(toInt(fx('ap_ufixed<8,4>', 7.5))).toBe(7);
    expect(toInt(fx('ap_fixed<4,8>', -128))).toBe(-128);
  });

  test('quirk #15: ap_fixed<8,0>(-0.5).to_int() = -1 (the 1-bit integer part wraps)', () => {
    expect(toInt(fx('ap_fixed<8,0>', -0.5))).toBe(-1);
    expect(toInt64(fx('ap_fixed<8,0>', -0.5))).toBe(-1n);
    expect(toApInt(fx('ap_fixed<8,0>', -0.5)).raw).toBe(-1n);
    expect(toInt(fx('ap_fixed<8,0>', 0.25))).toBe(0);
    expect(toInt(fx('ap_ufixed<8,0>', 0.75))).toBe(0);
  });

  test('low 32 / 64 bits, sign or zero extended', () => {
    const v = raw('ap_int<70>', -(1n << 40n) - 1n);
    expect(toInt(v)).toBe(-1);
    expect(toUint(v)).toBe(2 ** 32 - 1);
    expect(toInt64(v)).toBe(-(1n << 40n) - 1n);
    expect(toUint64(v)).toBe((1n << 64n) - (1n << 40n) - 1n);
    expect(toInt64(raw('ap_uint<8>', 255n))).toBe(255n);
    expect(toInt(raw('ap_fixed<40,40>', 1n << 35n))).toBe(0);
  });

  test('to_ap_int is ap_int<max(I,1)> of the type signedness', () => {
    const r = toApInt(fx('ap_fixed<27,6>', -6.5));
    expect(`${r.type}`).toBe('ap_int<6>');
    expect(r.raw).toBe(-6n);
  });

  test('I < 0 is undefined in the vendor: a clear error', () => {
    const v = raw('ap_fixed<8,-2>', 3n);
    for (const f of [toInt, toUint, toInt64, toUint64, toApInt]) {
      expect(() => f(v)).toThrow(UndefinedBehaviourError);
      expect(() => f(v)).toThrow(/I < 0 are undefined/);
    }
  });

  test('to_int agrees with truncation toward zero of the exact value for I >= 1 (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 60 }), fc.integer({ min: 1, max: 30 }), fc.bigInt({ min: -(1n << 60n), max: 1n << 60n }), (w, i, r) => {
        const v = ApValue.fromRaw(new FixedType(w, Math.min(i, w), true), r);
        const F = BigInt(v.type.fracBits);
        const truncated = v.raw < 0n ? -(-v.raw >> F) : v.raw >> F;
        expect(BigInt(toInt(v))).toBe(BigInt.asIntN(32, truncated));
      }),
    );
  });
});

describe('bool, !, is_neg, length', () => {
  test('(bool)ap_fixed<80,80>(2^70) is false and !x is false too (quirk #14)', () => {
    const v = raw('ap_fixed<80,80>', 1n << 70n);
    expect(toBool(v)).toBe(false);
    expect(isZero(v)).toBe(false);
    expect(toBool(raw('ap_int<80>', 1n << 70n))).toBe(true);
    expect(toBool(raw('ap_fixed<80,80>', 1n))).toBe(true);
  });

  test('is_neg and length', () => {
    expect(isNeg(raw('ap_fixed<8,4>', -1n))).toBe(true);
    expect(isNeg(raw('ap_ufixed<8,4>', 255n))).toBe(false);
    expect(length(raw('ap_uint<13>', 0n))).toBe(13);
    expect(length(ApValue.fromRaw(new IntType(1, false), 1n))).toBe(1);
  });
});
