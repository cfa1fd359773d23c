/**
 * to_string (spec §9) on the vendor outputs of spec §13, and the exact decimal rendering against an
 * independent rational computation. The whole fx_/int_to_string vector population runs in vectors.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { InvalidArgumentError, UndefinedBehaviourError } from '../../src/emulator/errors.js';
import { rawToDecimalString, toDecimalString, toVendorString } from '../../src/emulator/format.js';
import { fromString } from '../../src/emulator/literal.js';
import { FixedType, IntType, parseType } from '../../src/emulator/types.js';
import { ApValue } from '../../src/emulator/value.js';

const fx = (spelling: string, x: number): ApValue => ApValue.fromNumber(parseType(spelling), x);
const raw = (spelling: string, r: bigint): ApValue => ApValue.fromRaw(parseType(spelling), r);

describe('toVendorString on the vendor outputs of spec §13 / §9', () => {
  const cases: [ApValue, 2 | 8 | 10 | 16, boolean | undefined, string][] = [
    [fx('ap_fixed<8,4>', -3.25), 2, undefined, '0b11100.1100'],
    [fx('ap_fixed<8,4>', -3.25), 8, undefined, '-0o3.20'],
    [fx('ap_fixed<8,4>', -3.25), 16, undefined, '-0x3.4p0'],
    [fx('ap_fixed<8,4>', -3.25), 10, false, '28.75'],
    [fx('ap_fixed<8,4>', -3.25), 16, false, '0x1c.cp0'],
    [fx('ap_fixed<8,-2>', -0.0625), 2, undefined, '0b0.1111000000'],
    [fx('ap_fixed<100,80>', 123456789.75), 16, undefined, '0x075BCD15.c0000p0'],
    [fx('ap_fixed<100,70>', 0), 16, undefined, '0'],
    [raw('ap_uint<12>', 0x80n), 16, undefined, '0x080'],
    [raw('ap_uint<100>', 0xfn), 16, undefined, '0x0F'],
    [raw('ap_uint<100>', 0n), 16, undefined, '0'],
    [raw('ap_int<8>', -5n), 16, undefined, '-0x5'],
    [raw('ap_int<8>', -5n), 16, false, '0xfb'],
    [raw('ap_int<8>', -5n), 2, undefined, '0b11111011'],
    [raw('ap_uint<8>', 200n), 16, true, '0xc8'],
    [raw('ap_int<8>', -5n), 10, false, '-5'], // radix 10 ignores `sign` for ap_int
    [raw('ap_uint<8>', 0n), 2, undefined, '0b0'],
    // above 64 integer bits a zero integer part loses its prefix (as in the vectors)
    [raw('ap_ufixed<182,181>', 1n), 16, undefined, '0.8p0'],
  ];
  test.each(cases)('%s radix %i sign %s -> %s', (v, radix, sign, expected) => {
    expect(toVendorString(v, radix, sign)).toBe(expected);
  });

  test('the default radix is 2', () => {
    expect(toVendorString(raw('ap_uint<4>', 5n))).toBe('0b0101');
  });

  test('I > W and more than 1024 fraction bits are the vendor\'s undefined cases', () => {
    expect(() => toVendorString(fx('ap_fixed<4,8>', 16), 10)).toThrow(UndefinedBehaviourError);
    expect(() => toVendorString(raw('ap_fixed<8,-1020>', 1n), 10)).toThrow(/exceed the vendor's limit/);
    expect(() => toVendorString(raw('ap_int<8>', 1n), 3 as 2)).toThrow(InvalidArgumentError);
  });
});

describe('toDecimalString', () => {
  test('examples', () => {
    expect(toDecimalString(fx('ap_fixed<8,4>', -3.25))).toBe('-3.25');
    expect(toDecimalString(fx('ap_fixed<4,8>', -128))).toBe('-128');
    expect(toDecimalString(raw('ap_fixed<8,-2>', 1n))).toBe('0.0009765625');
    expect(toDecimalString(raw('ap_int<70>', -(1n << 69n)))).toBe('-590295810358705651712');
    expect(toDecimalString(raw('ap_fixed<32,2>', 0n))).toBe('0');
  });

  test('equals the exact rational raw / 2^F (independent check: digits * 2^F == raw * 10^k)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 80n), max: 1n << 80n }), fc.integer({ min: -20, max: 90 }), (r, f) => {
        const text = rawToDecimalString(r, f);
        expect(text).toMatch(/^-?\d+(\.\d*[1-9])?$/);
        const [intText, fracText = ''] = text.replace('-', '').split('.');
        const digits = BigInt(intText! + fracText) * (text.startsWith('-') ? -1n : 1n);
        const k = BigInt(fracText.length);
        // text = digits / 10^k must equal r * 2^-f
        if (f >= 0) expect(digits * (1n << BigInt(f))).toBe(r * 10n ** k);
        else expect(digits).toBe((r << BigInt(-f)) * 10n ** k);
      }),
      { numRuns: 500 },
    );
  });
});

/** Random fixed types with I <= W (to_string is defined there) and a random raw code. */
const fixedValue = fc
  .record({
    w: fc.integer({ min: 1, max: 140 }),
    iOffset: fc.integer({ min: -10, max: 140 }),
    signed: fc.boolean(),
    seed: fc.bigInt({ min: 0n, max: (1n << 140n) - 1n }),
  })
  .map(({ w, iOffset, signed, seed }) => {
    const i = Math.min(iOffset, w);
    return ApValue.fromRaw(new FixedType(w, i, signed), seed);
  });

describe('to_string reads back through the string constructor', () => {
  test('radix 10 (default sign) round-trips exactly for I <= W', () => {
    fc.assert(
      fc.property(fixedValue, (v) => {
        const back = fromString(v.type, toVendorString(v, 10));
        expect(back.raw).toBe(v.raw);
      }),
      { numRuns: 1000 },
    );
  });

  test('radix 8 and 16 with sign round-trip too (the p0 suffix reads back)', () => {
    fc.assert(
      fc.property(fixedValue, fc.constantFrom<8 | 16>(8, 16), (v, radix) => {
        // Above 64 integer bits the vendor prints a zero integer part as a bare "0" without the radix
        // prefix (vector fx_to_string: ap_ufixed<182,181> -> "0.8p0"), which no parser can read back.
        const magnitude = v.raw < 0n ? -v.raw : v.raw;
        fc.pre(v.type.intBits + 1 <= 64 || v.type.intBits <= 0 || magnitude >> BigInt(v.type.fracBits) !== 0n);
        const back = fromString(v.type, toVendorString(v, radix, true));
        expect(back.raw).toBe(v.raw);
      }),
      { numRuns: 1000 },
    );
  });

  test('ap_int radix 10 and signed radix 16 round-trip', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.boolean(), fc.bigInt({ min: -(1n << 200n), max: 1n << 200n }), (w, s, r) => {
        const v = ApValue.fromRaw(new IntType(w, s), r);
        expect(fromString(v.type, toVendorString(v, 10)).raw).toBe(v.raw);
        expect(fromString(v.type, toVendorString(v, 16, true)).raw).toBe(v.raw);
      }),
      { numRuns: 500 },
    );
  });
});
