/**
 * Shifts (spec §7, §8.3): raw W-bit shifts that keep the left operand's type (quirk #18), the direction
 * rules of the amount, and the 32-bit cut of ap_int amounts (quirk #12). The oracle shifts strings of
 * binary digits, independently of BigInt shifting.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { compoundAssign } from '../../src/emulator/arithmetic.js';
import { InvalidArgumentError } from '../../src/emulator/errors.js';
import { shiftLeft, shiftRight } from '../../src/emulator/shift.js';
import { C_INT, IntType, parseType, type ApType } from '../../src/emulator/types.js';
import { ApValue } from '../../src/emulator/value.js';
import { anyTypeArb, intTypeArb, runs, valueArb } from './arithmeticArbitraries.js';

/** The W-bit pattern as a string of '0'/'1', MSB first. */
function bitsOf(v: ApValue): string {
  return BigInt.asUintN(v.type.width, v.raw).toString(2).padStart(v.type.width, '0');
}

/** Shift a pattern string: left drops MSBs and appends zeros; right drops LSBs and prepends the fill. */
function oracle(pattern: string, type: ApType, left: boolean, n: number): string {
  const W = pattern.length;
  if (left) return n >= W ? '0'.repeat(W) : pattern.slice(n) + '0'.repeat(n);
  const fill = type.signed ? pattern[0]! : '0';
  return n >= W ? fill.repeat(W) : fill.repeat(n) + pattern.slice(0, W - n);
}

const amountArb = fc.oneof(fc.integer({ min: -140, max: 140 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }));

describe('raw W-bit shifts that keep the type (spec §7.1, §8.3)', () => {
  test('a << n and a >> n by a C int: the pattern shifts, a negative n reverses, the type (with modes) is kept', () => {
    fc.assert(
      fc.property(anyTypeArb().chain(valueArb), amountArb, (a, n) => {
        for (const left of [true, false]) {
          const r = left ? shiftLeft(a, n) : shiftRight(a, n);
          expect(r.type).toBe(a.type);
          const dirLeft = n < 0 ? !left : left;
          expect(bitsOf(r)).toBe(oracle(bitsOf(a), a.type, dirLeft, Math.abs(n)));
        }
      }),
      { numRuns: runs },
    );
  });

  test('<<= and >>= are the same raw shifts', () => {
    fc.assert(
      fc.property(anyTypeArb().chain(valueArb), fc.integer({ min: -70, max: 70 }), (a, n) => {
        const k = ApValue.fromRaw(C_INT, n);
        expect(compoundAssign('<<', a, k).raw).toBe(shiftLeft(a, n).raw);
        expect(compoundAssign('>>', a, k).raw).toBe(shiftRight(a, n).raw);
      }),
      { numRuns: runs },
    );
  });

  test('spec §13: no saturation, sign fill', () => {
    const sat = ApValue.fromNumber(parseType('ap_fixed<8,4,AP_RND,AP_SAT>'), 3.5);
    const notes: number[] = [];
    const r = shiftLeft(sat, 2, notes);
    expect(r.raw).toBe(-32n); // -2.0
    expect(r.type.toString()).toBe('ap_fixed<8,4,AP_RND,AP_SAT>');
    expect(notes).toEqual([18]);
    expect(shiftRight(ApValue.fromNumber(parseType('ap_fixed<8,4>'), -3.5), 100).raw).toBe(-1n);
  });

  test('an ap_fixed shifted by ap_int<W2> uses to_int() (signed, low 32 bits), by ap_uint<W2> to_uint()', () => {
    fc.assert(
      fc.property(anyTypeArb(70).filter((t) => t.kind === 'fixed').chain(valueArb), fc.integer({ min: 1, max: 80 }), fc.bigInt({ min: 0n, max: (1n << 80n) - 1n }), (a, w2, bits) => {
        const sAmount = ApValue.fromRaw(new IntType(w2, true), bits);
        const uAmount = ApValue.fromRaw(new IntType(w2, false), bits);
        const asInt = Number(BigInt.asIntN(32, sAmount.raw));
        expect(shiftLeft(a, sAmount).raw).toBe(shiftLeft(a, asInt).raw);
        const asUint = BigInt.asUintN(32, uAmount.raw);
        const expected = oracle(bitsOf(a), a.type, true, asUint >= BigInt(a.type.width) ? a.type.width : Number(asUint));
        expect(bitsOf(shiftLeft(a, uAmount))).toBe(expected);
      }),
      { numRuns: runs },
    );
  });
});

describe('ap_int shift amounts (spec §8.3, quirk #12)', () => {
  test('a negative signed amount reverses with (-b) mod 2^W2; every amount is cut to its low 32 bits', () => {
    fc.assert(
      fc.property(intTypeArb().chain(valueArb), intTypeArb().chain(valueArb), (a, b) => {
        const negative = b.type.signed && b.raw < 0n;
        const magnitude = BigInt.asUintN(b.type.width, negative ? -b.raw : b.raw);
        const cut = magnitude % (1n << 32n);
        const n = cut >= BigInt(a.type.width) ? a.type.width : Number(cut);
        const notes: number[] = [];
        const l = shiftLeft(a, b, notes);
        const r = shiftRight(a, b);
        expect(l.type).toBe(a.type);
        expect(bitsOf(l)).toBe(oracle(bitsOf(a), a.type, !negative, n));
        expect(bitsOf(r)).toBe(oracle(bitsOf(a), a.type, negative, n));
        expect(notes.includes(12)).toBe(cut !== magnitude);
        expect(compoundAssign('<<', a, b).raw).toBe(l.raw);
      }),
      { numRuns: runs },
    );
  });

  test('spec §13 examples', () => {
    const three = ApValue.fromRaw(new IntType(8), 3);
    expect(shiftLeft(three, ApValue.fromRaw(new IntType(40, false), (1n << 32n) + 1n)).raw).toBe(6n);
    expect(shiftLeft(three, ApValue.fromRaw(new IntType(8), -2)).raw).toBe(0n);
    expect(shiftLeft(three, ApValue.fromRaw(new IntType(130, false), 1n << 123n)).raw).toBe(3n);
  });

  test('a C int amount outside the int range is rejected with a clear error', () => {
    const a = ApValue.fromRaw(new IntType(8), 3);
    expect(() => shiftLeft(a, 2 ** 31)).toThrow(InvalidArgumentError);
    expect(() => shiftLeft(a, 1.5)).toThrow(/shift amount: got 1.5/);
  });
});
