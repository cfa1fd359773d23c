/**
 * The semantic rules of the operators (spec §5, §8), each as a property against an independent model:
 * exact rationals for + - *, C truncation for /, the rounding oracle for compound assignment and ++/--.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  add,
  binary,
  bitAnd,
  bitNot,
  bitOr,
  bitXor,
  compoundAssign,
  div,
  mod,
  mul,
  neg,
  preDecrement,
  preIncrement,
  sub,
} from '../../src/emulator/arithmetic.js';
import { InvalidArgumentError, UndefinedBehaviourError } from '../../src/emulator/errors.js';
import { C_INT, FixedType, IntType, type ApType } from '../../src/emulator/types.js';
import { ApValue } from '../../src/emulator/value.js';
import { roundRational } from '../support/rational.js';
import {
  anyTypeArb,
  fixedTypeArb,
  fracOf,
  intTypeArb,
  runs,
  scaled,
  valueOfTypeArb,
} from './arithmeticArbitraries.js';

const pairArb = (ta: fc.Arbitrary<ApType>, tb: fc.Arbitrary<ApType>) => fc.tuple(valueOfTypeArb(ta), valueOfTypeArb(tb));
const fx = (w: number, i: number, raw: bigint | number, opts: ConstructorParameters<typeof FixedType>[2] = true) =>
  ApValue.fromRaw(new FixedType(w, i, opts), raw);

/** The exact value of v as an integer multiple of 2^-frac. */
function exactAt(v: ApValue, frac: number): bigint {
  return scaled(v, frac);
}

describe('+ - * are exact in the result type (spec §5.2, §8.1)', () => {
  const cases = [
    ['+', add, (x: bigint, y: bigint) => x + y],
    ['-', sub, (x: bigint, y: bigint) => x - y],
  ] as const;
  for (const [op, fn, exact] of cases) {
    test(`a ${op} b equals the exact rational result`, () => {
      fc.assert(
        fc.property(pairArb(anyTypeArb(), anyTypeArb()), ([a, b]) => {
          const r = fn(a, b);
          const f = Math.max(fracOf(a.type), fracOf(b.type), fracOf(r.type));
          expect(exactAt(r, f)).toBe(exact(exactAt(a, f), exactAt(b, f)));
        }),
        { numRuns: runs },
      );
    });
  }

  test('a * b equals the exact product', () => {
    fc.assert(
      fc.property(pairArb(anyTypeArb(), anyTypeArb()), ([a, b]) => {
        const r = mul(a, b);
        // value(r) = r.raw 2^-Fr, value(a)value(b) = a.raw b.raw 2^-(Fa+Fb)
        const fa = fracOf(a.type);
        const fb = fracOf(b.type);
        const f = Math.max(fa + fb, fracOf(r.type));
        expect(exactAt(r, f)).toBe((a.raw * b.raw) << BigInt(f - fa - fb));
      }),
      { numRuns: runs },
    );
  });

  test('-a is exact and ~a inverts the W bits', () => {
    fc.assert(
      fc.property(valueOfTypeArb(anyTypeArb()), (a) => {
        const n = neg(a);
        const f = Math.max(fracOf(a.type), fracOf(n.type));
        expect(exactAt(n, f)).toBe(-exactAt(a, f));
        const c = bitNot(a);
        const w = BigInt(a.type.width);
        expect(BigInt.asUintN(a.type.width, c.raw)).toBe(((1n << w) - 1n) ^ BigInt.asUintN(a.type.width, a.raw));
        expect(c.type.width).toBe(a.type.width);
      }),
      { numRuns: runs },
    );
  });

  test('logic ops act bitwise on the operands aligned at the binary point, each extended by its own sign', () => {
    const ops = [
      ['&', bitAnd, (x: boolean, y: boolean) => x && y],
      ['|', bitOr, (x: boolean, y: boolean) => x || y],
      ['^', bitXor, (x: boolean, y: boolean) => x !== y],
    ] as const;
    fc.assert(
      fc.property(pairArb(anyTypeArb(70), anyTypeArb(70)), fc.constantFrom(0, 1, 2), ([a, b], k) => {
        const [, fn, bit] = ops[k]!;
        const r = fn(a, b);
        const f = fracOf(r.type);
        // bit j of the result (weight 2^(j-f)) from the operands' bits of the same weight
        const bitAt = (v: ApValue, j: number): boolean => {
          const idx = j - f + fracOf(v.type); // index in v's raw
          if (idx < 0) return false; // below v's LSB: zero
          const top = Math.min(idx, v.type.width - 1); // above the MSB: sign or zero extension
          return ((BigInt.asUintN(v.type.width, v.raw) >> BigInt(top)) & 1n) === 1n && (idx < v.type.width || v.type.signed);
        };
        for (let j = 0; j < r.type.width; j++) {
          const got = ((BigInt.asUintN(r.type.width, r.raw) >> BigInt(j)) & 1n) === 1n;
          expect(got).toBe(bit(bitAt(a, j), bitAt(b, j)));
        }
      }),
      { numRuns: runs },
    );
  });
});

describe('division (spec §5.2, §8.2)', () => {
  test('quirk #11 reaches the quotient too: an add-back before the last digit corrupts the later digits', () => {
    // found by the property below: the vendor's routine complements the whole digit array, dividend
    // digits not yet used included (spec §8.4: "later quotient digits could be too")
    const a = ApValue.fromRaw(new FixedType(64, 0, false), (1n << 64n) - 1n);
    const b = ApValue.fromRaw(new FixedType(100, -3, false), (1n << 100n) - 1n);
    const notes: number[] = [];
    const q = div(a, b, notes);
    expect(notes).toEqual([11]);
    expect(q.raw).not.toBe((a.raw << 103n) / b.raw);
  });

  test('fixed a / b is trunc(a/b · 2^Fr) except for the min / (-1 LSB) quirk (and #11 above 64 bits)', () => {
    fc.assert(
      fc.property(pairArb(anyTypeArb(100), fixedTypeArb({ maxW: 100 })).filter(([, b]) => b.raw !== 0n), ([a, b]) => {
        const notes: number[] = [];
        const r = div(a, b, notes);
        const fr = fracOf(r.type);
        // a/b · 2^Fr = a.raw 2^-Fa / (b.raw 2^-Fb) · 2^Fr
        const e = fr - fracOf(a.type) + fracOf(b.type);
        const num = e >= 0 ? a.raw << BigInt(e) : a.raw;
        const den = e >= 0 ? b.raw : b.raw << BigInt(-e);
        const quirk = a.type.signed && b.type.signed && a.raw === a.type.minRaw && b.raw === -1n &&
          a.type.width + Math.max(fracOf(b.type), 0) >= b.type.width;
        if (notes.includes(11)) {
          // quirk #11: a multi-word division whose add-back step corrupted later quotient digits
          expect(Math.max(a.type.width + Math.max(fracOf(b.type), 0), b.type.width)).toBeGreaterThan(64);
        } else if (quirk) {
          expect(notes).toContain(6);
          expect(r.raw).toBe(-(num / den));
        } else {
          expect(notes).not.toContain(6);
          expect(r.raw).toBe(num / den);
        }
      }),
      { numRuns: runs },
    );
  });

  test('quirk #6: ap_fixed<8,8>(-128) / ap_fixed<8,8>(-1) = -128 in ap_fixed<9,9>', () => {
    const notes: number[] = [];
    const r = div(fx(8, 8, -128), fx(8, 8, -1), notes);
    expect(r.type.toString()).toBe('ap_fixed<9,9>');
    expect(r.raw).toBe(-128n);
    expect(notes).toEqual([6]);
    // ap_int has no such problem
    expect(div(ApValue.fromRaw(new IntType(8), -128), ApValue.fromRaw(new IntType(8), -1)).raw).toBe(128n);
    // spec §13: 1.5 / -2.25 in ap_fixed<16,6>
    const a = ApValue.fromNumber(new FixedType(16, 6), 1.5);
    const b = ApValue.fromNumber(new FixedType(16, 6), -2.25);
    const q = div(a, b);
    expect(q.type.toString()).toBe('ap_fixed<27,17>');
    expect(Number(q.raw) / 2 ** 10).toBe(-0.666015625);
  });

  test('ap_int / and % are C division when the signedness agrees or the signed operand is wider', () => {
    const sameOrSignedWider = pairArb(intTypeArb(130), intTypeArb(130)).filter(
      ([a, b]) =>
        b.raw !== 0n &&
        (a.type.signed === b.type.signed ||
          (a.type.signed && a.type.width >= b.type.width) ||
          (b.type.signed && b.type.width >= a.type.width)),
    );
    fc.assert(
      fc.property(sameOrSignedWider, ([a, b]) => {
        const notes: number[] = [];
        const q = div(a, b, notes);
        expect(notes).not.toContain(10);
        if (notes.includes(11)) expect(Math.max(a.type.width, b.type.width)).toBeGreaterThan(64);
        else expect(q.raw).toBe(a.raw / b.raw); // BigInt / truncates toward zero like C; the result type holds it
        notes.length = 0;
        // the remainder rule with an unsigned left operand and a negative divisor is its own quirk
        if (!a.type.signed && b.raw < 0n) return;
        const r = mod(a, b, notes);
        if (!notes.includes(11)) expect(r.raw).toBe(a.raw % b.raw); // C remainder: sign of the dividend
        if (a.type.width <= 64 && b.type.width <= 64) expect(notes).not.toContain(11);
      }),
      { numRuns: runs },
    );
  });

  test('quirk #10: the spec §8.2 examples', () => {
    const i8 = (v: number) => ApValue.fromRaw(new IntType(8), v);
    const u8 = (v: number) => ApValue.fromRaw(new IntType(8, false), v);
    const u16 = (v: number) => ApValue.fromRaw(new IntType(16, false), v);
    const notes: number[] = [];
    expect(div(i8(-7), u16(2), notes).raw).toBe(-4n);
    expect(notes).toEqual([10]);
    expect(mod(i8(-7), u16(2)).raw).toBe(1n);
    expect(div(u16(1000), i8(-2)).raw).toBe(0n);
    expect(div(u16(1000), i8(-2)).type.toString()).toBe('ap_int<17>');
    expect(mod(u8(200), i8(-3)).raw).toBe(200n);
    expect(mod(u8(200), i8(-3)).type.toString()).toBe('ap_uint<8>');
  });

  test('quirk #11: ap_int<7>(-20) % ap_uint<127>(2^127-1) is 17 (exact 109)', () => {
    const notes: number[] = [];
    const r = mod(ApValue.fromRaw(new IntType(7), -20), ApValue.fromRaw(new IntType(127, false), (1n << 127n) - 1n), notes);
    expect(r.raw).toBe(17n);
    expect(notes).toContain(11);
  });

  test('division and remainder by zero throw UndefinedBehaviourError; % of ap_fixed is not an operator', () => {
    const z = ApValue.fromRaw(new IntType(8), 0);
    expect(() => div(ApValue.fromRaw(new IntType(8), 3), z)).toThrow(UndefinedBehaviourError);
    expect(() => mod(ApValue.fromRaw(new IntType(100), 3), ApValue.fromRaw(new IntType(100), 0))).toThrow(UndefinedBehaviourError);
    expect(() => div(fx(8, 4, 5), fx(8, 4, 0))).toThrow(UndefinedBehaviourError);
    expect(() => mod(fx(8, 4, 5), fx(8, 4, 3))).toThrow(InvalidArgumentError);
    expect(() => compoundAssign('%', fx(8, 4, 5), fx(8, 4, 3))).toThrow(/ap_fixed has no %/);
  });
});

/** The code of value num·2^-srcFrac in `dst` per §2 for the modes the rational oracle models directly. */
function oracleAssign(num: bigint, srcFrac: number, dst: FixedType): bigint {
  const d = srcFrac - dst.fracBits;
  const q = d <= 0 ? num << BigInt(-d) : roundRational({ num, den: 1n << BigInt(d) }, dst.quant);
  if (dst.overflow === 'AP_SAT') return q > dst.maxRaw ? dst.maxRaw : q < dst.minRaw ? dst.minRaw : q;
  return dst.signed ? BigInt.asIntN(dst.width, q) : BigInt.asUintN(dst.width, q); // AP_WRAP, N = 0
}

describe('compound assignment (spec §5.3, §8.1)', () => {
  const satOrWrap = fixedTypeArb({ maxW: 90, overflow: ['AP_SAT', 'AP_WRAP'] }).map((t) =>
    t.overflow === 'AP_WRAP' ? t.with({ satBits: 0 }) : t,
  );
  test('a op= b is the exact a op b rounded and saturated/wrapped into a\'s type with a\'s modes', () => {
    fc.assert(
      fc.property(
        valueOfTypeArb(satOrWrap),
        valueOfTypeArb(anyTypeArb(90)),
        fc.constantFrom('+', '-', '*', '&', '|', '^', '/') as fc.Arbitrary<'+' | '-' | '*' | '&' | '|' | '^' | '/'>,
        (a, b, op) => {
          fc.pre(op !== '/' || b.raw !== 0n);
          const r = binary(op, a, b);
          const got = compoundAssign(op, a, b);
          expect(got.type).toBe(a.type);
          expect(got.raw).toBe(oracleAssign(r.raw, fracOf(r.type), a.type as FixedType));
        },
      ),
      { numRuns: runs },
    );
  });

  test('spec §5.3: ap_fixed<8,4,AP_RND,AP_SAT> a = 7.5; a += 1.0 gives 7.9375', () => {
    const a = ApValue.fromNumber(new FixedType(8, 4, true, 'AP_RND', 'AP_SAT'), 7.5);
    const one = ApValue.fromNumber(new FixedType(8, 4), 1.0);
    expect(Number(compoundAssign('+', a, one).raw) / 16).toBe(7.9375);
  });

  test('ap_int compound assignment wraps a op b into W1 bits; <<= is <<', () => {
    fc.assert(
      fc.property(pairArb(intTypeArb(), intTypeArb()), fc.constantFrom('+', '-', '*', '&', '|', '^') as fc.Arbitrary<'+' | '-' | '*' | '&' | '|' | '^'>, ([a, b], op) => {
        const r = binary(op, a, b);
        const got = compoundAssign(op, a, b);
        expect(got.type).toBe(a.type);
        expect(got.raw).toBe(a.type.signed ? BigInt.asIntN(a.type.width, r.raw) : BigInt.asUintN(a.type.width, r.raw));
      }),
      { numRuns: runs },
    );
  });

  test('an ap_int with an ap_fixed right operand is rejected with a clear error', () => {
    expect(() => compoundAssign('+', ApValue.fromRaw(new IntType(8), 1), fx(8, 4, 1))).toThrow(InvalidArgumentError);
  });

  test('C int operands are ap_int<32>: ap_int<8> + 5 is ap_int<33>', () => {
    const r = add(ApValue.fromRaw(new IntType(8), 1), ApValue.fromRaw(C_INT, 5));
    expect(r.type.toString()).toBe('ap_int<33>');
    expect(r.raw).toBe(6n);
  });
});

describe('++ and -- (spec §5.3, quirk #19)', () => {
  test('ap_int ++/-- wrap', () => {
    fc.assert(
      fc.property(valueOfTypeArb(intTypeArb()), (a) => {
        const t = a.type;
        const w = (v: bigint) => (t.signed ? BigInt.asIntN(t.width, v) : BigInt.asUintN(t.width, v));
        expect(preIncrement(a).raw).toBe(w(a.raw + 1n));
        expect(preDecrement(a).raw).toBe(w(a.raw - 1n));
      }),
      { numRuns: runs },
    );
  });

  test('ap_fixed ++/-- add the value 1.0 with the variable\'s own modes', () => {
    const t = fixedTypeArb({ maxW: 90, overflow: ['AP_SAT', 'AP_WRAP'], iAtMostW: true }).map((x) =>
      x.overflow === 'AP_WRAP' ? x.with({ satBits: 0 }) : x,
    );
    fc.assert(
      fc.property(valueOfTypeArb(t), (a) => {
        const ft = a.type as FixedType;
        const one = 1n << BigInt(ft.fracBits); // F >= 0 because I <= W
        const notes: number[] = [];
        expect(preIncrement(a, notes).raw).toBe(oracleAssign(a.raw + one, ft.fracBits, ft));
        expect(preDecrement(a).raw).toBe(oracleAssign(a.raw - one, ft.fracBits, ft));
        expect(notes).toContain(19);
      }),
      { numRuns: runs },
    );
  });

  test('spec §13 examples and the I > W compile error', () => {
    expect(preIncrement(ApValue.fromNumber(new FixedType(4, 4, true, 'AP_TRN', 'AP_SAT'), 7)).raw).toBe(7n);
    expect(preIncrement(ApValue.fromNumber(new FixedType(4, 4), 7)).raw).toBe(-8n);
    expect(preDecrement(ApValue.fromNumber(new FixedType(4, 4, false, 'AP_TRN', 'AP_SAT'), 0)).raw).toBe(0n);
    expect(() => preIncrement(fx(4, 8, 1))).toThrow(/I <= W/);
    expect(() => preDecrement(fx(4, 5, 1))).toThrow(InvalidArgumentError);
  });
});

test('operand type checks name the argument', () => {
  expect(() => add(1 as unknown as ApValue, fx(8, 4, 1))).toThrow(/^a: got 1/);
  expect(() => binary('**' as never, fx(8, 4, 1), fx(8, 4, 1))).toThrow(InvalidArgumentError);
});

describe('values reachable only by raw writes still work as operands', () => {
  test('every operator accepts every type pair of the generators without throwing (except documented cases)', () => {
    fc.assert(
      fc.property(fixedTypeArb({ maxW: 40 }), fixedTypeArb({ maxW: 40 }), (ta, tb) => {
        const a = ApValue.fromRaw(ta, ta.minRaw);
        const b = ApValue.fromRaw(tb, tb.maxRaw === 0n ? 1n : tb.maxRaw);
        for (const op of ['+', '-', '*', '&', '|', '^'] as const) binary(op, a, b);
        if (b.raw !== 0n) div(a, b);
      }),
      { numRuns: runs },
    );
  });
});
