/**
 * The string constructor: syntax (UG1399's examples), errors, and exact conversion of the string's
 * rational value with every quantization mode, checked against an independent brute-force model that
 * compares exact rationals with the neighbouring codes.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { InvalidArgumentError, ParseError } from '../../src/emulator/errors.js';
import { fromString, parseLiteral } from '../../src/emulator/literal.js';
import { FixedType, IntType, parseType, QUANT_MODES, type QuantMode } from '../../src/emulator/types.js';
import { ApValue } from '../../src/emulator/value.js';

const t = parseType;

describe('syntax', () => {
  test("UG1399's examples: 0.25 in dot and scientific formats, pi with 60 fraction bits", () => {
    const u20 = t('ap_ufixed<2,0>');
    expect(fromString(u20, '0b0.01').raw).toBe(1n);
    expect(fromString(u20, '0b01p-2').raw).toBe(1n);
    expect(fromString(u20, '0x4p-4').raw).toBe(1n);
    const pi = fromString(t('ap_ufixed<62,2>'), '0b11.001001000011111101101010100010001000010110100011000010001101');
    expect(pi.raw).toBe(BigInt('0b11001001000011111101101010100010001000010110100011000010001101'));
  });

  test('decimal, signs, prefixes, radix argument, exponents', () => {
    const f = t('ap_fixed<16,8>');
    expect(fromString(f, '-3.25').raw).toBe(-3n * 256n - 64n);
    expect(fromString(f, '+3.25').raw).toBe(3n * 256n + 64n);
    expect(fromString(f, '.5').raw).toBe(128n);
    expect(fromString(f, '5.').raw).toBe(5n * 256n);
    expect(fromString(f, '0x1C.C').raw).toBe(28n * 256n + 0xc0n);
    expect(fromString(f, '-0o3.2').raw).toBe(-(3n * 256n + 64n));
    expect(fromString(f, '1.5e1').raw).toBe(15n * 256n);
    expect(fromString(f, '25e-2').raw).toBe(64n);
    expect(fromString(f, '1c.c', 16).raw).toBe(28n * 256n + 0xc0n);
    expect(fromString(f, '0x1c.cp0', 16).raw).toBe(28n * 256n + 0xc0n);
    expect(fromString(f, '101.1', 2).raw).toBe(5n * 256n + 128n);
    expect(fromString(t('ap_int<16>'), '0b1', 16).raw).toBe(0xb1n); // in radix 16 "0b1" is the hex number b1
    expect(fromString(t('ap_int<42>'), '-1424692392255').raw).toBe(-1424692392255n);
    expect(fromString(t('ap_uint<96>'), '76543210fedcba9876543210', 16).raw).toBe(0x76543210fedcba9876543210n);
    expect(fromString(t('ap_int<6>'), '101010', 2).raw).toBe(-22n); // 42 wraps in 6 signed bits
    expect(fromString(t('ap_int<6>'), '40', 8).raw).toBe(-32n);
    expect(fromString(t('ap_uint<8>'), '0x1ff').raw).toBe(0xffn);
    expect(fromString(t('ap_int<8>'), '1.5e1').raw).toBe(15n);
  });

  test('bad input names the argument and what is allowed', () => {
    const f = t('ap_fixed<16,8>');
    for (const bad of ['', '-', '1.2.3', '0x', '0xg', '12a', '1e', '1p3', '0b102', ' 1', '1_000', '0x1.8e3x', 'nan']) {
      expect(() => fromString(f, bad), bad).toThrow(ParseError);
    }
    expect(() => fromString(f, '0x10', 8)).toThrow(/prefix 0x says radix 16/);
    expect(() => fromString(f, '10', 7)).toThrow(InvalidArgumentError);
    expect(() => fromString(t('ap_int<8>'), '1.5')).toThrow(/ap_int<8> literal.*an integer/);
    expect(() => fromString(f, '12a')).toThrow(/literal: cannot parse "12a", expected .*0x1\.8p0/);
  });

  test('parseLiteral gives the exact rational', () => {
    expect(parseLiteral('-0.1')).toEqual({ num: -1n, den: 10n });
    expect(parseLiteral('0x1.8p-3')).toEqual({ num: 0x18n, den: 16n * 8n });
  });
});

/**
 * Independent model: the quantized code of the rational num/den by brute force. lo = floor(x·2^F) is
 * found by exact comparison; the choice between lo and lo+1 compares 2·num·2^F with (2·lo+1)·den.
 */
function modelCode(num: bigint, den: bigint, F: number, mode: QuantMode): bigint {
  const scaledNum = F >= 0 ? num << BigInt(F) : num;
  const scaledDen = F >= 0 ? den : den << BigInt(-F);
  let lo = scaledNum / scaledDen;
  if (lo * scaledDen > scaledNum) lo -= 1n;
  const exact = lo * scaledDen === scaledNum;
  if (exact) return lo;
  const twice = 2n * scaledNum;
  const mid = (2n * lo + 1n) * scaledDen;
  const negative = num < 0n;
  switch (mode) {
    case 'AP_TRN':
      return lo;
    case 'AP_TRN_ZERO':
      return negative ? lo + 1n : lo;
    default:
      if (twice < mid) return lo;
      if (twice > mid) return lo + 1n;
      // an exact tie
      if (mode === 'AP_RND') return lo + 1n;
      if (mode === 'AP_RND_ZERO') return negative ? lo + 1n : lo;
      if (mode === 'AP_RND_MIN_INF') return lo;
      if (mode === 'AP_RND_INF') return negative ? lo : lo + 1n;
      return (lo & 1n) === 0n ? lo : lo + 1n;
  }
}

describe('exact conversion of the string value', () => {
  test('0.1 in every mode (not dyadic: the exact rational decides)', () => {
    for (const q of QUANT_MODES) {
      const type = FixedType.signed(16, 4, { quant: q, overflow: 'AP_SAT' });
      expect(fromString(type, '0.1').raw, q).toBe(modelCode(1n, 10n, 12, q));
      expect(fromString(type, '-0.1').raw, q).toBe(modelCode(-1n, 10n, 12, q));
    }
  });

  test('random decimal strings, every mode, inside the range, match the brute-force model', () => {
    const decimal = fc
      .record({
        neg: fc.boolean(),
        int: fc.bigInt({ min: 0n, max: 999n }),
        frac: fc.stringMatching(/^[0-9]{0,25}$/),
        exp: fc.integer({ min: -6, max: 3 }),
      })
      .map(({ neg, int, frac, exp }) => `${neg ? '-' : ''}${int}${frac ? '.' + frac : ''}${exp ? 'e' + exp : ''}`);
    fc.assert(
      fc.property(decimal, fc.constantFrom(...QUANT_MODES), fc.integer({ min: -4, max: 40 }), (text, q, F) => {
        const W = 60;
        const type = new FixedType(W, W - F, true, q, 'AP_SAT');
        const { num, den } = parseLiteral(text);
        const code = modelCode(num, den, F, q);
        const expected = code > type.maxRaw ? type.maxRaw : code < type.minRaw ? type.minRaw : code;
        expect(fromString(type, text).raw).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  test('ties in decimal are exact dyadic values and follow each mode', () => {
    // 0.03125 is half an LSB of ap_fixed<8,4>: spec §13 lists AP_RND_CONV -> 0
    expect(fromString(FixedType.signed(8, 4, { quant: 'AP_RND_CONV' }), '0.03125').raw).toBe(0n);
    expect(fromString(FixedType.signed(8, 4, { quant: 'AP_RND_CONV' }), '0.09375').raw).toBe(2n);
    expect(fromString(FixedType.signed(8, 4, { quant: 'AP_RND' }), '-0.09375').raw).toBe(-1n);
    // and the conversion agrees with the double path wherever the string is a double
    expect(fromString(FixedType.signed(4, 2, { quant: 'AP_RND', overflow: 'AP_SAT' }), '1.9').raw).toBe(
      ApValue.fromNumber(FixedType.signed(4, 2, { quant: 'AP_RND', overflow: 'AP_SAT' }), 1.9).raw,
    );
  });

  test('dyadic strings convert exactly like the same double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), fc.constantFrom(...QUANT_MODES), (x, q) => {
        const type = new FixedType(24, 10, true, q, 'AP_SAT');
        // the double's exact value in hex scientific notation
        const text = exactHex(x);
        expect(fromString(type, text).raw).toBe(ApValue.fromNumber(type, x).raw);
      }),
      { numRuns: 1000 },
    );
  });

  test('ap_int literals wrap modulo 2^W', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 130 }), fc.boolean(), fc.bigInt({ min: -(1n << 140n), max: 1n << 140n }), (w, s, n) => {
        const type = new IntType(w, s);
        expect(fromString(type, n.toString()).raw).toBe(ApValue.fromRaw(type, n).raw);
      }),
    );
  });
});

/** A finite double as an exact hex literal: [-]0x<significand>p<exp>. */
function exactHex(x: number): string {
  if (x === 0) return '0';
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const bits = buf.getBigUint64(0);
  const e = Number((bits >> 52n) & 0x7ffn);
  const m = bits & ((1n << 52n) - 1n);
  const sig = e === 0 ? m : m | (1n << 52n);
  const exp = (e === 0 ? -1022 : e - 1023) - 52;
  return `${x < 0 ? '-' : ''}0x${sig.toString(16)}p${exp}`;
}
