/**
 * Bit and range access (spec §10) on the vendor outputs of spec §13, quirks #16 and #17, and the
 * algebra of range/setRange checked against a bit-by-bit model.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  andReduce,
  getBit,
  getFixedBit,
  orReduce,
  range,
  rangeReduce,
  setBit,
  setRange,
  xorReduce,
} from '../../src/emulator/access.js';
import { InvalidArgumentError } from '../../src/emulator/errors.js';
import { FixedType, IntType, parseType } from '../../src/emulator/types.js';
import { ApValue } from '../../src/emulator/value.js';

const raw = (spelling: string, r: bigint): ApValue => ApValue.fromRaw(parseType(spelling), r);

describe('spec §13 cases', () => {
  test('ap_uint<8>(0xB4).range(5,2) = 13 and .range(2,5) = 11 (reversed)', () => {
    const v = raw('ap_uint<8>', 0xb4n);
    expect(range(v, 5, 2)).toBe(13n);
    expect(range(v, 2, 5)).toBe(11n);
  });

  test('ap_uint<8>(0x80).range(7,0).or_reduce() is false (quirk #16), .or_reduce() is true', () => {
    const v = raw('ap_uint<8>', 0x80n);
    expect(rangeReduce(v, 7, 0, 'or')).toBe(false);
    expect(orReduce(v)).toBe(true);
  });

  test('ap_int<3>(-4).xor_reduce() is false (quirk #17); ap_uint<3>(4) is true', () => {
    expect(xorReduce(raw('ap_int<3>', -4n))).toBe(false);
    expect(xorReduce(raw('ap_uint<3>', 4n))).toBe(true);
    // 64 - W even: no flip
    expect(xorReduce(raw('ap_int<4>', -8n))).toBe(true);
    // wider than 64 bits: plain parity
    expect(xorReduce(raw('ap_int<65>', -1n))).toBe(true);
  });

  test('a 1-bit range reduces over no bits', () => {
    const v = raw('ap_uint<4>', 0xfn);
    expect(rangeReduce(v, 2, 2, 'and')).toBe(true);
    expect(rangeReduce(v, 2, 2, 'or')).toBe(false);
    expect(rangeReduce(v, 2, 2, 'xor')).toBe(false);
  });

  test('get_bit uses the fixed-point position k + F; x[i] the raw bit', () => {
    const v = ApValue.fromNumber(parseType('ap_fixed<8,4>'), 0.5); // raw 0x08
    expect(getFixedBit(v, -1)).toBe(true);
    expect(getBit(v, 3)).toBe(true);
    expect(getFixedBit(v, 0)).toBe(false);
    expect(() => getFixedBit(v, 4)).toThrow(/fixed-point bit position from -4 to 3/);
  });

  test('indices outside the type are errors naming the index and the allowed range', () => {
    const v = raw('ap_int<8>', 1n);
    expect(() => getBit(v, 8)).toThrow(InvalidArgumentError);
    expect(() => range(v, 8, 0)).toThrow(/range hi: got 8, expected a bit index from 0 to 7/);
    expect(() => setRange(v, 3, -1, 0n)).toThrow(/range lo/);
  });

  test('bit and range writes bypass conversion (a SAT_SYM minimum can be stored)', () => {
    const sym = FixedType.signed(8, 4, { overflow: 'AP_SAT_SYM' });
    const v = setRange(ApValue.fromRaw(sym, 0n), 7, 0, 0x80n);
    expect(v.raw).toBe(-128n);
    expect(setBit(ApValue.fromRaw(sym, 0n), 7, true).raw).toBe(-128n);
  });
});

/** A value of a random ap type and two random indices inside it. */
const valueAndSpan = fc
  .record({
    w: fc.integer({ min: 1, max: 150 }),
    s: fc.boolean(),
    fixed: fc.boolean(),
    r: fc.bigInt({ min: -(1n << 150n), max: 1n << 150n }),
    a: fc.nat(),
    b: fc.nat(),
  })
  .map(({ w, s, fixed, r, a, b }) => {
    const t = fixed ? new FixedType(w, Math.floor(w / 2), s) : new IntType(w, s);
    return { v: ApValue.fromRaw(t, r), hi: a % w, lo: b % w };
  });

function bitOfPattern(v: ApValue, i: number): bigint {
  return (BigInt.asUintN(v.type.width, v.raw) >> BigInt(i)) & 1n;
}

describe('range algebra', () => {
  test('range(hi, lo) bit j is bit lo+j (forward) or lo−j (reversed) of x', () => {
    fc.assert(
      fc.property(valueAndSpan, ({ v, hi, lo }) => {
        const r = range(v, hi, lo);
        const n = Math.abs(hi - lo) + 1;
        expect(r >> BigInt(n)).toBe(0n);
        for (let j = 0; j < n; j++) {
          const src = hi >= lo ? lo + j : lo - j;
          expect((r >> BigInt(j)) & 1n).toBe(bitOfPattern(v, src));
        }
      }),
      { numRuns: 500 },
    );
  });

  test('setRange then range reads back the written bits; bits outside are unchanged', () => {
    fc.assert(
      fc.property(valueAndSpan, fc.bigInt({ min: 0n, max: (1n << 150n) - 1n }), ({ v, hi, lo }, bits) => {
        const n = Math.abs(hi - lo) + 1;
        const w = setRange(v, hi, lo, bits);
        expect(w.type).toBe(v.type);
        expect(range(w, hi, lo)).toBe(BigInt.asUintN(n, bits));
        for (let i = 0; i < v.type.width; i++) {
          if (i < Math.min(hi, lo) || i > Math.max(hi, lo)) expect(bitOfPattern(w, i)).toBe(bitOfPattern(v, i));
        }
        // writing back what was read changes nothing
        expect(setRange(v, hi, lo, range(v, hi, lo)).raw).toBe(v.raw);
      }),
      { numRuns: 500 },
    );
  });

  test('setBit / getBit round trip', () => {
    fc.assert(
      fc.property(valueAndSpan, fc.boolean(), ({ v, hi }, bit) => {
        const w = setBit(v, hi, bit);
        expect(getBit(w, hi)).toBe(bit);
        expect(setBit(w, hi, getBit(v, hi)).raw).toBe(v.raw);
      }),
    );
  });

  test('range reductions skip the top bit of the span (quirk #16), whole-value reductions do not', () => {
    fc.assert(
      fc.property(valueAndSpan, ({ v, hi, lo }) => {
        const lowIdx = Math.min(hi, lo);
        const n = Math.abs(hi - lo); // the bits that count
        let ones = 0;
        for (let i = lowIdx; i < lowIdx + n; i++) ones += Number(bitOfPattern(v, i));
        expect(rangeReduce(v, hi, lo, 'and')).toBe(ones === n);
        expect(rangeReduce(v, hi, lo, 'or')).toBe(ones > 0);
        expect(rangeReduce(v, hi, lo, 'xor')).toBe(ones % 2 === 1);
        let all = 0;
        for (let i = 0; i < v.type.width; i++) all += Number(bitOfPattern(v, i));
        expect(andReduce(v)).toBe(all === v.type.width);
        expect(orReduce(v)).toBe(all > 0);
        const extension = v.type.signed && v.type.width <= 64 && v.raw < 0n ? 64 - v.type.width : 0;
        expect(xorReduce(v)).toBe((all + extension) % 2 === 1);
      }),
      { numRuns: 500 },
    );
  });
});
