import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { resultType } from '../../src/emulator/resultType.js';
import { FixedType } from '../../src/emulator/types.js';
import { castRaw } from '../../src/emulator/value.js';
import { addType, bitlen, convertRational, mulType, subType, typeForBounds } from '../../src/model/arith.js';

const arbFixed = fc
  .record({ w: fc.integer({ min: 1, max: 40 }), i: fc.integer({ min: -10, max: 50 }), s: fc.boolean() })
  .map(({ w, i, s }) => new FixedType(w, i, s));

describe('model arithmetic helpers', () => {
  test('result types of *, + and - equal the emulator (vector-verified) result types', () => {
    fc.assert(
      fc.property(arbFixed, arbFixed, (a, b) => {
        expect(mulType(a, b).equals(resultType('*', a, b))).toBe(true);
        expect(addType(a, b).equals(resultType('+', a, b))).toBe(true);
        expect(subType(a, b).equals(resultType('-', a, b))).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  test('typeForBounds is the smallest type holding [lo, hi] (one bit less does not)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), fc.bigInt({ min: 0n, max: 2n ** 70n }), fc.integer({ min: -5, max: 20 }), (lo, span, f) => {
        const hi = lo + span;
        const t = typeForBounds(lo, hi, f);
        expect(t.fracBits).toBe(f);
        expect(lo >= t.minRaw && hi <= t.maxRaw).toBe(true);
        if (t.width > 1) {
          const smaller = new FixedType(t.width - 1, t.intBits - 1, t.signed);
          expect(lo >= smaller.minRaw && hi <= smaller.maxRaw).toBe(false);
        }
      }),
    );
    expect(bitlen(0n)).toBe(0);
    expect(bitlen(255n)).toBe(8);
  });

  test('convertRational of a dyadic value equals castRaw of that value', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }), fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 24 }), fc.integer({ min: -6, max: 30 }), fc.constantFrom(...(['AP_TRN', 'AP_RND', 'AP_RND_CONV', 'AP_RND_ZERO', 'AP_RND_INF', 'AP_RND_MIN_INF', 'AP_TRN_ZERO'] as const)), fc.constantFrom(...(['AP_SAT', 'AP_WRAP', 'AP_SAT_SYM', 'AP_SAT_ZERO', 'AP_WRAP_SM'] as const)), (num, k, w, i, q, o) => {
        const dst = new FixedType(w, i, true, q, o);
        // num / 2^k held in a signed type wide enough that every bit the conversion reads is present
        const width = bitlen(num < 0n ? -num : num) + 2 + w + 40;
        const src = new FixedType(width, width - k, true);
        expect(convertRational(num, 1n << BigInt(k), dst)).toBe(castRaw(num, src, dst));
      }),
      { numRuns: 5000 },
    );
  });
});
