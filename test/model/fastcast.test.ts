import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { FixedType, OVERFLOW_MODES, QUANT_MODES } from '../../src/emulator/types.js';
import { castRaw } from '../../src/emulator/value.js';
import { numberCast } from '../../src/model/fastcast.js';
import { wrapNumber } from '../../src/model/infer.js';

const arbType = (maxW: number) =>
  fc
    .record({
      w: fc.integer({ min: 1, max: maxW }),
      i: fc.integer({ min: -8, max: 60 }),
      signed: fc.boolean(),
      q: fc.constantFrom(...QUANT_MODES),
      o: fc.constantFrom(...OVERFLOW_MODES),
      n: fc.integer({ min: 0, max: 3 }),
    })
    .map(({ w, i, signed, q, o, n }) => {
      const O = !signed && o === 'AP_WRAP_SM' ? 'AP_SAT' : o;
      return new FixedType(w, Math.min(i, w + 8), signed, q, O, Math.min(n, w));
    });

/** Codes of a type, biased toward the ends of the range and small values. */
const arbCode = (t: FixedType) =>
  fc.oneof(
    fc.bigInt({ min: t.minRaw, max: t.maxRaw }),
    fc.constantFrom(t.minRaw, t.maxRaw, 0n, t.minRaw + 1n < t.maxRaw ? t.minRaw + 1n : t.minRaw, t.maxRaw - 1n > t.minRaw ? t.maxRaw - 1n : t.maxRaw),
  );

describe('number conversions equal castRaw', () => {
  test('every Q/O mode, where the number path is offered', () => {
    let offered = 0;
    fc.assert(
      fc.property(
        arbType(53).chain((src) => fc.tuple(fc.constant(src), arbType(53), arbCode(src))),
        ([src, dst, code]) => {
          const f = numberCast(src, dst);
          if (!f) return;
          offered++;
          expect(BigInt(f(Number(code)))).toBe(castRaw(code, src, dst));
        },
      ),
      { numRuns: 20000 },
    );
    expect(offered).toBeGreaterThan(5000);
  });

  test('wrapNumber equals BigInt.asIntN / asUintN for exact integers below 2^53', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 53 }), fc.boolean(), fc.bigInt({ min: -(2n ** 53n) + 1n, max: 2n ** 53n - 1n }), (W, signed, v) => {
        const want = signed ? BigInt.asIntN(W, v) : BigInt.asUintN(W, v);
        expect(BigInt(wrapNumber(Number(v), W, signed))).toBe(want);
      }),
      { numRuns: 20000 },
    );
    // The boundaries themselves.
    for (const W of [1, 2, 8, 52, 53]) {
      for (const v of [2n ** BigInt(W - 1), -(2n ** BigInt(W - 1)), 2n ** BigInt(W - 1) - 1n, -(2n ** BigInt(W - 1)) - 1n]) {
        if (v >= 2n ** 53n || v <= -(2n ** 53n)) continue;
        expect(BigInt(wrapNumber(Number(v), W, true))).toBe(BigInt.asIntN(W, v));
        expect(BigInt(wrapNumber(Number(v), W, false))).toBe(BigInt.asUintN(W, v));
      }
    }
  });
});
