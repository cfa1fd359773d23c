/**
 * Comparisons (spec §6): mathematical wherever the vendor is, the C-promotion surprises (quirk #7) and
 * the SAT_SYM asymmetry (quirk #8) where it is not, and the to_double route for doubles (quirk #9).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { compare, compareExact, compareIntegers, compareWithDouble, type Comparison } from '../../src/emulator/compare.js';
import { exactDoubleAsFraction } from '../../src/emulator/convert.js';
import { IntType, parseType, type ApType } from '../../src/emulator/types.js';
import { ApValue } from '../../src/emulator/value.js';
import { anyTypeArb, fixedTypeArb, intTypeArb, runs, valueArb } from './arithmeticArbitraries.js';

const v = (t: string, raw: bigint | number) => ApValue.fromRaw(parseType(t), raw);
const num = (t: string, x: number) => ApValue.fromNumber(parseType(t), x);

/** The exact comparison of a's rational value with the double d (finite or infinite, not NaN). */
function exactComparison(a: ApValue, d: number): Comparison {
  const order = (x: bigint, y: bigint): Comparison => ({ eq: x === y, ne: x !== y, lt: x < y, le: x <= y, gt: x > y, ge: x >= y });
  if (d === Infinity) return order(0n, 1n);
  if (d === -Infinity) return order(1n, 0n);
  const f = exactDoubleAsFraction(d);
  const fa = a.type.width - a.type.intBits;
  const fd = f.width - f.intBits;
  const common = Math.max(fa, fd);
  return order(a.raw << BigInt(common - fa), f.raw << BigInt(common - fd));
}

function consistent(c: Comparison): void {
  expect(c.ne).toBe(!c.eq);
  expect(c.le).toBe(!c.gt);
  expect(c.ge).toBe(!c.lt);
  expect(c.lt && c.gt).toBe(false);
}

/** A value that conversions could have produced: not the minimum of a signed AP_SAT_SYM type. */
const convertibleValue = (t: ApType) =>
  valueArb(t).filter((x) => !(t.kind === 'fixed' && t.signed && t.overflow === 'AP_SAT_SYM' && x.raw === t.minRaw));

describe('mathematical where the vendor is', () => {
  test('operands of the same signedness compare mathematically', () => {
    const sameSign = fc.boolean().chain((s) =>
      fc.tuple(
        fc.oneof(fixedTypeArb({ signed: s }), intTypeArb(130, s)).chain(convertibleValue),
        fc.oneof(fixedTypeArb({ signed: s }), intTypeArb(130, s)).chain(convertibleValue),
      ),
    );
    fc.assert(
      fc.property(sameSign, ([a, b]) => {
        const notes: number[] = [];
        expect(compare(a, b, notes)).toEqual(compareExact(a, b));
        expect(notes).toEqual([]);
      }),
      { numRuns: runs },
    );
  });

  test('mixed signedness below 32 bits is mathematical for ints; the signed operand strictly wider orders mathematically', () => {
    fc.assert(
      fc.property(intTypeArb(31).chain(valueArb), intTypeArb(31).chain(valueArb), (a, b) => {
        expect(compare(a, b)).toEqual(compareExact(a, b));
      }),
      { numRuns: runs },
    );
    fc.assert(
      fc.property(intTypeArb(130, true).chain(valueArb), intTypeArb(130, false).chain(valueArb), (s, u) => {
        fc.pre(s.type.width > u.type.width);
        const c = compare(s, u);
        const e = compareExact(s, u);
        expect([c.lt, c.gt, c.le, c.ge]).toEqual([e.lt, e.gt, e.le, e.ge]);
      }),
      { numRuns: runs },
    );
  });

  test('the six results are always consistent (ne = !eq, le = !gt, ge = !lt)', () => {
    fc.assert(
      fc.property(anyTypeArb().chain(valueArb), anyTypeArb().chain(valueArb), (a, b) => {
        consistent(compare(a, b));
      }),
      { numRuns: runs },
    );
  });
});

describe('quirk #7: C promotions at 32 bits and more (spec §6.2)', () => {
  test('ordering: a negative signed value is above an unsigned one at least as wide (>= 32 bits)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 130 }),
        fc.integer({ min: 0, max: 100 }),
        fc.bigInt({ min: 1n, max: 1n << 200n }),
        fc.bigInt({ min: 0n, max: 1n << 200n }),
        (ws, extra, mag, u) => {
          const wu = Math.max(ws + extra, 32);
          const s = new IntType(ws, true);
          const x = ApValue.fromRaw(s, -((mag % -s.minRaw) + 1n)); // negative
          const y = ApValue.fromRaw(new IntType(wu, false), u);
          const notes: number[] = [];
          const c = compare(x, y, notes);
          expect(c.lt).toBe(false);
          expect(c.gt).toBe(true);
          expect(notes).toContain(7);
          const d = compare(y, x);
          expect(d.lt).toBe(true);
        },
      ),
      { numRuns: runs },
    );
  });

  test('equality extends to 64 bits at equal widths <= 64, to max(W, 32) otherwise, to max(W) for a wide left operand', () => {
    const i = (w: number, raw: bigint) => ({ raw, width: w, signed: true });
    const u = (w: number, raw: bigint) => ({ raw, width: w, signed: false });
    expect(compareIntegers(i(32, -1n), u(32, 0xffffffffn)).eq).toBe(false);
    expect(compareIntegers(i(64, -1n), u(64, (1n << 64n) - 1n)).eq).toBe(true);
    expect(compareIntegers(i(8, -1n), u(32, 0xffffffffn)).eq).toBe(true); // M = 32
    expect(compareIntegers(i(8, -1n), u(16, 0xffffn)).eq).toBe(false); // M = 32
    expect(compareIntegers(i(70, -1n), u(80, (1n << 80n) - 1n)).eq).toBe(true); // left > 64: M = 80
    expect(compareIntegers(u(80, (1n << 80n) - 1n), i(70, -1n)).eq).toBe(true);
    expect(compareIntegers(u(60, (1n << 60n) - 1n), i(70, -1n)).eq).toBe(false); // left <= 64: M = 70
    expect(compareIntegers(i(100, -1n), u(100, (1n << 100n) - 1n)).eq).toBe(true);
  });

  test('the spec §13 examples', () => {
    expect(compare(num('ap_fixed<40,20>', -1), num('ap_ufixed<40,20>', 1)).lt).toBe(false);
    expect(compare(num('ap_fixed<40,20>', -1), num('ap_ufixed<40,20>', 1)).gt).toBe(true);
    expect(compare(num('ap_fixed<20,10>', -1), num('ap_ufixed<20,10>', 1)).lt).toBe(true);
    expect(compare(v('ap_int<32>', -1), v('ap_uint<32>', 1)).lt).toBe(false);
    expect(compare(v('ap_int<40>', -1), v('ap_uint<32>', 1)).lt).toBe(true);
    expect(compare(v('ap_int<32>', -1), v('ap_uint<32>', 0xffffffff)).eq).toBe(false);
    expect(compare(v('ap_int<64>', -1), v('ap_uint<64>', (1n << 64n) - 1n)).eq).toBe(true);
  });
});

describe('quirk #8: a SAT_SYM minimum changes while being aligned (spec §6.1)', () => {
  test('spec §13: ap_fixed<12,4>(-8) == sym is false, sym == ap_fixed<12,4>(-8) is true', () => {
    const a = num('ap_fixed<12,4>', -8);
    const sym = v('ap_fixed<8,4,AP_TRN,AP_SAT_SYM>', -128); // raw 0x80, set through range()
    const notes: number[] = [];
    expect(compare(a, sym, notes).eq).toBe(false);
    expect(notes).toContain(8);
    expect(compare(sym, a).eq).toBe(true);
  });

  test('only the signed SAT_SYM minimum on the right with fewer fraction bits is affected', () => {
    fc.assert(
      fc.property(fixedTypeArb({ maxW: 60 }), fixedTypeArb({ maxW: 60 }), (ta, tb) => {
        const a = ApValue.fromRaw(ta, ta.minRaw);
        const b = ApValue.fromRaw(tb, tb.minRaw);
        const notes: number[] = [];
        compare(a, b, notes);
        const affected = tb.signed && tb.overflow === 'AP_SAT_SYM' && ta.fracBits > tb.fracBits;
        expect(notes.includes(8)).toBe(affected);
      }),
      { numRuns: runs },
    );
  });
});

describe('comparison with a double (spec §6.3, quirk #9)', () => {
  test('exact whenever the value is exactly a double (W <= 53, normal range)', () => {
    const exactlyDouble = fixedTypeArb({ maxW: 53 }).filter((t) => t.intBits >= -8 && t.intBits <= t.width + 8);
    const doubleArb = fc.oneof(fc.double({ noNaN: true }), fc.double({ min: -1e4, max: 1e4, noNaN: true }), fc.integer().map((x) => x / 64));
    fc.assert(
      fc.property(exactlyDouble.chain(valueArb), doubleArb, (a, d) => {
        const notes: number[] = [];
        const c = compareWithDouble(a, d, notes);
        expect(c).toEqual(exactComparison(a, d));
        expect(notes).toEqual([]);
      }),
      { numRuns: runs },
    );
  });

  test('spec §13: ap_fixed<64,64>(2^53+1) == 2^53 is true; NaN is unordered', () => {
    const a = v('ap_fixed<64,64>', (1n << 53n) + 1n);
    const notes: number[] = [];
    const c = compareWithDouble(a, 2 ** 53, notes);
    expect(c.eq).toBe(true);
    expect(c.gt).toBe(false);
    expect(notes).toEqual([9]);
    expect(compareWithDouble(a, NaN)).toEqual({ eq: false, ne: true, lt: false, le: false, gt: false, ge: false });
    expect(compareWithDouble(a, Infinity).lt).toBe(true);
    const wideNotes: number[] = [];
    expect(compareWithDouble(v('ap_uint<70>', (1n << 69n) + 5n), 5, wideNotes).eq).toBe(true); // ints: to_double
    expect(wideNotes).toEqual([9, 13]);
  });
});
