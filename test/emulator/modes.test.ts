/**
 * Each quantization and overflow rule on its own, and the algebra of the conversion, against an
 * independent rational model.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { convertToFixed, exactDoubleAsFraction, fixedFromDouble, type BinaryFraction } from '../../src/emulator/convert.js';
import {
  INCREMENT_RULES,
  quantize,
  roundHalfAway,
  roundHalfDown,
  roundHalfEven,
  roundHalfToZero,
  roundHalfUp,
  truncate,
  truncateToZero,
} from '../../src/emulator/quantization.js';
import { saturate, saturateSymmetric, saturateToZero, wrapAround, wrapSignMagnitude } from '../../src/emulator/overflow.js';
import { FixedType, OVERFLOW_MODES, QUANT_MODES, type OverflowMode, type QuantMode } from '../../src/emulator/types.js';
import { roundRational } from '../support/rational.js';

const runs = Number(process.env.HLSQ_PROPERTY_RUNS ?? 2000);

/** A random fixed type over the vendor's whole parameter space (W up to 80, I from below 0 to above W). */
const fixedTypeArb = (maxW = 80) =>
  fc
    .record({
      w: fc.integer({ min: 1, max: maxW }),
      di: fc.integer({ min: -10, max: 10 }),
      iAtW: fc.boolean(),
      s: fc.boolean(),
      q: fc.constantFrom(...QUANT_MODES),
      o: fc.constantFrom(...OVERFLOW_MODES),
      n: fc.nat(),
    })
    .filter((r) => r.s || r.o !== 'AP_WRAP_SM')
    .map((r) => {
      const i = r.iAtW ? r.w + r.di : r.di;
      const n = r.o === 'AP_WRAP' || r.o === 'AP_WRAP_SM' ? r.n % (r.w + 1) : 0;
      return new FixedType(r.w, i, r.s, r.q as QuantMode, r.o as OverflowMode, n);
    });

/** A source binary fraction with up to 90 bits, its point anywhere. */
const sourceArb = fc
  .record({
    w: fc.integer({ min: 1, max: 90 }),
    i: fc.integer({ min: -20, max: 100 }),
    s: fc.boolean(),
    bits: fc.bigInt({ min: 0n, max: (1n << 90n) - 1n }),
  })
  .map(({ w, i, s, bits }): BinaryFraction => {
    const raw = s ? BigInt.asIntN(w, bits) : BigInt.asUintN(w, bits);
    return { raw, width: w, intBits: i, signed: s };
  });

/** The destination code of `src` in units of dst's LSB, as a rational. */
function scaled(src: BinaryFraction, dst: FixedType) {
  const shift = dst.fracBits - (src.width - src.intBits);
  return shift >= 0 ? { num: src.raw << BigInt(shift), den: 1n } : { num: src.raw, den: 1n << BigInt(-shift) };
}

describe('quantization rules (spec §2.2), each on its own', () => {
  const tie = (t: bigint, negative: boolean) => ({ truncated: t, qb: true, rest: false, negative });
  test('ties go where the spec table says', () => {
    // positive tie at an even code, negative tie at an odd code
    expect(truncate(tie(2n, false))).toBe(false);
    expect(truncateToZero(tie(2n, false))).toBe(false);
    expect(truncateToZero(tie(-3n, true))).toBe(true);
    expect(roundHalfUp(tie(2n, false))).toBe(true);
    expect(roundHalfUp(tie(-3n, true))).toBe(true);
    expect(roundHalfToZero(tie(2n, false))).toBe(false);
    expect(roundHalfToZero(tie(-3n, true))).toBe(true);
    expect(roundHalfDown(tie(2n, false))).toBe(false);
    expect(roundHalfDown(tie(-3n, true))).toBe(false);
    expect(roundHalfAway(tie(2n, false))).toBe(true);
    expect(roundHalfAway(tie(-3n, true))).toBe(false);
    expect(roundHalfEven(tie(2n, false))).toBe(false);
    expect(roundHalfEven(tie(3n, false))).toBe(true);
    expect(roundHalfEven(tie(-3n, true))).toBe(true);
  });
  test('every round-to-nearest rule rounds up above a tie and down below it', () => {
    for (const mode of ['AP_RND', 'AP_RND_ZERO', 'AP_RND_MIN_INF', 'AP_RND_INF', 'AP_RND_CONV'] as const) {
      for (const negative of [false, true]) {
        expect(INCREMENT_RULES[mode]({ truncated: 4n, qb: true, rest: true, negative }), mode).toBe(true);
        expect(INCREMENT_RULES[mode]({ truncated: 4n, qb: false, rest: true, negative }), mode).toBe(false);
      }
    }
  });
  test.each(QUANT_MODES)('%s equals the rational model on random values', (mode) => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 70n), max: 1n << 70n }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: -5, max: 40 }), (r, srcFrac, dstFrac) => {
        const got = quantize(r, srcFrac, dstFrac, mode).q;
        const d = srcFrac - dstFrac;
        const expected = d <= 0 ? r << BigInt(-d) : roundRational({ num: r, den: 1n << BigInt(d) }, mode);
        expect(got).toBe(expected);
      }),
      { numRuns: runs },
    );
  });
});

describe('overflow rules (spec §2.4), each on its own', () => {
  const t4 = new FixedType(4, 4, true);
  const u4 = new FixedType(4, 4, false);
  const at = (t: FixedType, satBits: number) => ({ ...t, width: t.width, signed: t.signed, satBits, minRaw: t.minRaw, maxRaw: t.maxRaw });
  test('saturate, saturate to zero', () => {
    expect(saturate(t4, { q: 19n, above: true, lD: 1 })).toBe(7n);
    expect(saturate(t4, { q: -19n, above: false, lD: 0 })).toBe(-8n);
    expect(saturate(u4, { q: -3n, above: false, lD: 0 })).toBe(0n);
    expect(saturateToZero(t4, { q: 19n, above: true, lD: 1 })).toBe(0n);
  });
  test('symmetric saturation: -max, and the minimum itself at W = 1 (quirk #2)', () => {
    expect(saturateSymmetric(t4, { q: -19n, above: false, lD: 0 })).toBe(-7n);
    const t1 = new FixedType(1, 1, true);
    expect(saturateSymmetric(t1, { q: -5n, above: false, lD: 0 })).toBe(-1n);
    expect(saturateSymmetric(u4, { q: -5n, above: false, lD: 0 })).toBe(0n);
  });
  test('wrap with N saturation bits (signed, and unsigned underflow setting ones: quirk #1)', () => {
    expect(wrapAround(at(t4, 1), { q: 19n, above: true, lD: 1 })).toBe(3n);
    expect(wrapAround(at(t4, 2), { q: 19n, above: true, lD: 1 })).toBe(7n);
    expect(wrapAround(at(t4, 2), { q: -19n, above: false, lD: 0 })).toBe(-7n);
    expect(wrapAround(at(u4, 1), { q: 19n, above: true, lD: 1 })).toBe(11n);
    expect(wrapAround(at(u4, 2), { q: -19n, above: false, lD: 0 })).toBe(13n);
  });
  test('sign-magnitude wrap with N = 0, 1, 2 (spec §2.4 examples)', () => {
    expect(wrapSignMagnitude(at(t4, 0), { q: 19n, above: true, lD: 1 })).toBe(-4n);
    expect(wrapSignMagnitude(at(t4, 0), { q: -19n, above: false, lD: 0 })).toBe(2n);
    expect(wrapSignMagnitude(at(t4, 1), { q: 19n, above: true, lD: 1 })).toBe(3n);
    expect(wrapSignMagnitude(at(t4, 1), { q: -19n, above: false, lD: 0 })).toBe(-3n);
    expect(wrapSignMagnitude(at(t4, 2), { q: 19n, above: true, lD: 1 })).toBe(4n);
    expect(wrapSignMagnitude(at(t4, 2), { q: -19n, above: false, lD: 0 })).toBe(-6n);
  });
});

describe('conversion algebra (random types and sources)', () => {
  test('after AP_SAT, AP_SAT_ZERO and AP_SAT_SYM the code lies in range (and SAT_SYM never stores min from a signed source)', () => {
    fc.assert(
      fc.property(fixedTypeArb(), sourceArb, (t, src) => {
        const sat = t.with({ overflow: 'AP_SAT' });
        const raw = convertToFixed(src, sat).raw;
        expect(raw >= sat.minRaw && raw <= sat.maxRaw).toBe(true);
        const sym = t.with({ overflow: 'AP_SAT_SYM' });
        const r2 = convertToFixed(src, sym).raw;
        expect(r2 >= sym.minRaw && r2 <= sym.maxRaw).toBe(true);
        if (sym.signed && src.signed && sym.width >= 2) expect(r2).not.toBe(sym.minRaw);
        const rz = convertToFixed(src, t.with({ overflow: 'AP_SAT_ZERO' })).raw;
        expect(rz >= t.minRaw && rz <= t.maxRaw).toBe(true);
      }),
      { numRuns: runs },
    );
  });

  test('AP_WRAP with N = 0 is congruent to the rounded exact value modulo 2^W', () => {
    fc.assert(
      fc.property(fixedTypeArb(), sourceArb, (t, src) => {
        const w = t.with({ overflow: 'AP_WRAP', satBits: 0 });
        const raw = convertToFixed(src, w).raw;
        const q = roundRational(scaled(src, w), w.quant);
        expect(BigInt.asUintN(w.width, raw - q)).toBe(0n);
      }),
      { numRuns: runs },
    );
  });

  test('inside the range every mode is within one LSB of the exact value, and equals the rational model', () => {
    fc.assert(
      fc.property(fixedTypeArb(), sourceArb, (t, src) => {
        const s = scaled(src, t);
        const q = roundRational(s, t.quant);
        const inRange = q >= t.minRaw && q <= t.maxRaw && !(t.overflow === 'AP_SAT_SYM' && t.signed && src.signed && q === t.minRaw);
        fc.pre(inRange);
        const raw = convertToFixed(src, t).raw;
        expect(raw).toBe(q);
        // |raw - s| < 1 LSB  <=>  |raw*den - num| < den
        const diff = raw * s.den - s.num;
        expect(diff < s.den && -diff < s.den).toBe(true);
      }),
      { numRuns: runs },
    );
  });

  test('casting to a type with enough integer and fraction bits is lossless, in every mode', () => {
    fc.assert(
      fc.property(sourceArb, fc.nat({ max: 8 }), fc.nat({ max: 8 }), fc.constantFrom(...QUANT_MODES), fc.constantFrom(...OVERFLOW_MODES), (src, extraI, extraF, q, o) => {
        const srcFrac = src.width - src.intBits;
        const signed = src.signed || extraI % 2 === 1;
        // An unsigned source needs one more integer bit in a signed destination.
        const intBits = src.intBits + (signed && !src.signed ? 1 : 0) + extraI;
        const dst = new FixedType(intBits + srcFrac + extraF, intBits, signed, q, signed || o !== 'AP_WRAP_SM' ? o : 'AP_SAT');
        fc.pre(dst.width >= 1);
        const c = convertToFixed(src, dst);
        expect(c.inexact).toBe(false);
        const back = c.raw >> BigInt(extraF);
        const exactBack = dst.overflow === 'AP_SAT_SYM' && dst.signed && src.signed && src.raw === -(1n << BigInt(src.width - 1)) && extraI === 0;
        if (!exactBack) {
          expect(back).toBe(src.raw);
          expect(c.raw).toBe(src.raw << BigInt(extraF));
        }
      }),
      { numRuns: runs },
    );
  });

  test('a finite double converts like its exact binary value, except subnormals (quirk #4)', () => {
    fc.assert(
      fc.property(fixedTypeArb(), fc.double({ noNaN: true, noDefaultInfinity: true }), (t, x) => {
        fc.pre(x === 0 || Math.abs(x) >= 2 ** -1022);
        expect(fixedFromDouble(x, t).raw).toBe(convertToFixed(exactDoubleAsFraction(x), t).raw);
      }),
      { numRuns: runs },
    );
  });
});

describe('the debug-build abort condition (spec §2.6)', () => {
  test('matches the spec example and its exceptions, and the release result is the correct rounding', async () => {
    const { debugBuildAbortWarning } = await import('../../src/emulator/convert.js');
    const { ApValue } = await import('../../src/emulator/value.js');
    const a = new FixedType(4, -4);
    expect(debugBuildAbortWarning(a, new FixedType(8, 8, true, 'AP_RND'))).toMatch(/aborts in the vendor's debug build/);
    expect(debugBuildAbortWarning(a, new FixedType(8, 8, true, 'AP_TRN'))).toBeNull();
    expect(debugBuildAbortWarning(new FixedType(4, -4, false), new FixedType(8, 8, true, 'AP_TRN_ZERO'))).toBeNull();
    expect(debugBuildAbortWarning(a, new FixedType(8, 8, true, 'AP_TRN_ZERO'))).not.toBeNull();
    expect(debugBuildAbortWarning(a, new FixedType(8, 4, true, 'AP_RND'))).toBeNull(); // I2 + F = 0
    fc.assert(
      fc.property(fc.integer({ min: -8, max: 7 }), fc.constantFrom(...QUANT_MODES), (raw, q) => {
        const warnings: string[] = [];
        const dst = new FixedType(8, 8, true, q);
        const y = ApValue.cast(dst, ApValue.fromRaw(a, raw), warnings);
        // |x| < 2^-7 < half an LSB of 1: every nearest mode gives 0; floor gives -1 for negatives; toward zero 0
        const expected = q === 'AP_TRN' && raw < 0 ? -1n : 0n;
        expect(y.raw).toBe(expected);
        expect(warnings.length).toBe(q === 'AP_TRN' ? 0 : 1);
      }),
    );
  });
});
