/**
 * Result types (spec §5.1, §8.1): the examples the spec took from the headers, the formulas written out
 * independently, and the range property that makes + - * exact (the exact result of the extreme operands
 * is representable).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { InvalidArgumentError } from '../../src/emulator/errors.js';
import { BINARY_OPS, resultType, unaryResultType, type BinaryOp } from '../../src/emulator/resultType.js';
import { C_INT, FixedType, IntType, parseType, type ApType } from '../../src/emulator/types.js';
import { anyTypeArb, fixedTypeArb, fracOf, intTypeArb, runs } from './arithmeticArbitraries.js';

const T = (s: string): ApType => parseType(s);
const rt = (op: BinaryOp, a: string, b: string | ApType): string => resultType(op, T(a), typeof b === 'string' ? T(b) : b).toString();

describe('the spec\'s examples', () => {
  test('ap_fixed (§5.1, §13)', () => {
    expect(rt('*', 'ap_fixed<16,6>', 'ap_fixed<16,6>')).toBe('ap_fixed<32,12>');
    expect(rt('+', 'ap_fixed<16,6>', 'ap_fixed<16,6>')).toBe('ap_fixed<17,7>');
    expect(rt('/', 'ap_fixed<16,6>', 'ap_fixed<16,6>')).toBe('ap_fixed<27,17>');
    expect(rt('+', 'ap_ufixed<8,4>', 'ap_fixed<16,6>')).toBe('ap_fixed<17,7>');
    expect(rt('-', 'ap_ufixed<8,4>', 'ap_ufixed<8,4>')).toBe('ap_fixed<9,5>');
    expect(rt('/', 'ap_ufixed<8,4>', 'ap_fixed<16,6>')).toBe('ap_fixed<19,15>');
    expect(rt('/', 'ap_fixed<16,6>', 'ap_ufixed<8,4>')).toBe('ap_fixed<20,10>');
    expect(rt('*', 'ap_fixed<16,6>', C_INT)).toBe('ap_fixed<48,38>');
    expect(rt('+', 'ap_fixed<16,6>', 'ap_int<8>')).toBe('ap_fixed<19,9>');
    expect(rt('/', 'ap_fixed<8,8>', 'ap_fixed<8,8>')).toBe('ap_fixed<9,9>');
    expect(unaryResultType('neg', T('ap_fixed<8,4,AP_RND,AP_SAT>')).toString()).toBe('ap_fixed<9,5>');
    expect(unaryResultType('~', T('ap_ufixed<8,4,AP_RND,AP_SAT>')).toString()).toBe('ap_ufixed<8,4>');
  });

  test('ap_int (§8.1, §13)', () => {
    expect(rt('+', 'ap_int<8>', 'ap_uint<8>')).toBe('ap_int<10>');
    expect(rt('+', 'ap_int<8>', C_INT)).toBe('ap_int<33>');
    expect(rt('/', 'ap_int<8>', 'ap_uint<16>')).toBe('ap_int<8>');
    expect(rt('%', 'ap_int<8>', 'ap_uint<16>')).toBe('ap_int<8>');
    expect(rt('/', 'ap_uint<16>', 'ap_int<8>')).toBe('ap_int<17>');
    expect(rt('%', 'ap_uint<8>', 'ap_int<8>')).toBe('ap_uint<8>');
    expect(rt('%', 'ap_int<7>', 'ap_uint<127>')).toBe('ap_int<7>');
    expect(rt('<<', 'ap_int<8>', 'ap_uint<40>')).toBe('ap_int<8>');
    expect(unaryResultType('neg', T('ap_uint<1>')).toString()).toBe('ap_int<2>');
    expect(unaryResultType('neg', T('ap_int<1>')).toString()).toBe('ap_int<3>');
  });

  test('shifts of an ap_fixed keep its full type, modes included', () => {
    const t = T('ap_fixed<8,4,AP_RND,AP_SAT>');
    expect(resultType('<<', t, T('ap_int<8>'))).toBe(t);
    expect(resultType('>>', t, C_INT)).toBe(t);
  });

  test('% is not an operator of ap_fixed; unknown operators are rejected', () => {
    expect(() => rt('%', 'ap_fixed<8,4>', 'ap_int<8>')).toThrow(InvalidArgumentError);
    expect(() => rt('%', 'ap_int<8>', 'ap_ufixed<8,4>')).toThrow(/ap_fixed has no %/);
    expect(() => resultType('**' as BinaryOp, T('ap_int<8>'), T('ap_int<8>'))).toThrow(/op: got "\*\*"/);
    expect(() => unaryResultType('!' as 'neg', T('ap_int<8>'))).toThrow(InvalidArgumentError);
  });
});

/** The formulas of §5.1 / §8.1, written once more as tables keyed by operator. */
function expected(op: BinaryOp, a: ApType, b: ApType): { w: number; i: number; s: boolean } | 'same' {
  const [W1, W2, I1, I2] = [a.width, b.width, a.intBits, b.intBits];
  const [S1, S2] = [a.signed ? 1 : 0, b.signed ? 1 : 0];
  const [F1, F2] = [W1 - I1, W2 - I2];
  const anyS = a.signed || b.signed;
  if (op === '<<' || op === '>>') return 'same';
  if (a.kind === 'int' && b.kind === 'int') {
    const A = W1 + (S2 & (1 - S1));
    const B = W2 + (S1 & (1 - S2));
    const w = {
      '+': Math.max(A, B) + 1,
      '-': Math.max(A, B) + 1,
      '*': W1 + W2,
      '/': W1 + S2,
      '%': Math.min(W1, W2 + ((1 - S2) & S1)),
      '&': Math.max(A, B),
      '|': Math.max(A, B),
      '^': Math.max(A, B),
    }[op];
    const s = op === '-' ? true : op === '%' ? a.signed : anyS;
    return { w, i: w, s };
  }
  const Ia = I1 + (S2 & (1 - S1));
  const Ib = I2 + (S1 & (1 - S2));
  const table: Record<string, [number, number]> = {
    '+': [Math.max(Ia, Ib) + 1 + Math.max(F1, F2), Math.max(Ia, Ib) + 1],
    '-': [Math.max(Ia, Ib) + 1 + Math.max(F1, F2), Math.max(Ia, Ib) + 1],
    '*': [W1 + W2, I1 + I2],
    '/': [S2 + W1 + Math.max(F2, 0), S2 + I1 + F2],
    '&': [Math.max(Ia, Ib) + Math.max(F1, F2), Math.max(Ia, Ib)],
    '|': [Math.max(Ia, Ib) + Math.max(F1, F2), Math.max(Ia, Ib)],
    '^': [Math.max(Ia, Ib) + Math.max(F1, F2), Math.max(Ia, Ib)],
  };
  const [w, i] = table[op]!;
  return { w, i, s: op === '-' ? true : anyS };
}

describe('formulas', () => {
  test('every operator on every type pair matches the §5.1/§8.1 tables; fixed results have default modes', () => {
    fc.assert(
      fc.property(anyTypeArb(), anyTypeArb(), fc.constantFrom(...BINARY_OPS), (a, b, op) => {
        const mixedFixed = a.kind === 'fixed' || b.kind === 'fixed';
        if (op === '%' && mixedFixed) {
          expect(() => resultType(op, a, b)).toThrow(InvalidArgumentError);
          return;
        }
        const r = resultType(op, a, b);
        const e = expected(op, a, b);
        if (e === 'same') {
          expect(r).toBe(a);
          return;
        }
        expect([r.width, r.intBits, r.signed]).toEqual([e.w, e.i, e.s]);
        expect(r.kind).toBe(mixedFixed ? 'fixed' : 'int');
        if (r.kind === 'fixed') expect([r.quant, r.overflow, r.satBits]).toEqual(['AP_TRN', 'AP_WRAP', 0]);
      }),
      { numRuns: runs * 4 },
    );
  });

  test('unary: -a is (W+1, I+1) signed for fixed and max(W, 1+S)+1 for ints; ~a keeps the format', () => {
    fc.assert(
      fc.property(anyTypeArb(), (a) => {
        const n = unaryResultType('neg', a);
        const c = unaryResultType('~', a);
        if (a.kind === 'fixed') {
          expect([n.width, n.intBits, n.signed]).toEqual([a.width + 1, a.intBits + 1, true]);
          expect(c.toString()).toBe(new FixedType(a.width, a.intBits, a.signed).toString());
        } else {
          expect(n.toString()).toBe(new IntType(Math.max(a.width, a.signed ? 2 : 1) + 1, true).toString());
          expect(c).toBe(a);
        }
      }),
      { numRuns: runs },
    );
  });
});

describe('the result types hold the exact results (why + - * are exact)', () => {
  const extremes = (t: ApType): bigint[] => [t.minRaw, t.maxRaw, 0n];
  for (const op of ['+', '-', '*'] as const) {
    test(`a ${op} b: every combination of extreme operands is representable`, () => {
      fc.assert(
        fc.property(fc.oneof(fixedTypeArb(), intTypeArb()), fc.oneof(fixedTypeArb(), intTypeArb()), (a, b) => {
          const r = resultType(op, a, b);
          const fa = fracOf(a);
          const fb = fracOf(b);
          const fr = fracOf(r);
          for (const x of extremes(a)) {
            for (const y of extremes(b)) {
              // exact result as an integer multiple of 2^-fr, which must be possible and in range
              let code: bigint;
              if (op === '*') {
                expect(fr).toBe(fa + fb);
                code = x * y;
              } else {
                expect(fr).toBeGreaterThanOrEqual(Math.max(fa, fb));
                const xs = x << BigInt(fr - fa);
                const ys = y << BigInt(fr - fb);
                code = op === '+' ? xs + ys : xs - ys;
              }
              expect(code >= r.minRaw && code <= r.maxRaw).toBe(true);
            }
          }
        }),
        { numRuns: runs },
      );
    });
  }
});
