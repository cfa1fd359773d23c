import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { exactDoubleAsFraction, fixedFromDouble } from '../../src/emulator/convert.js';
import { allModeOutcomes, inspectNumber, parseInputNumber, summarizeType } from '../../src/emulator/inspect.js';
import { FixedType, IntType, OVERFLOW_MODES, QUANT_MODES, type OverflowMode, type QuantMode } from '../../src/emulator/types.js';

const runs = Number(process.env.HLSQ_PROPERTY_RUNS ?? 1000);

const typeArb = fc
  .record({
    w: fc.integer({ min: 1, max: 40 }),
    i: fc.integer({ min: -6, max: 46 }),
    s: fc.boolean(),
    q: fc.constantFrom(...QUANT_MODES),
    o: fc.constantFrom(...OVERFLOW_MODES),
  })
  .filter((r) => r.s || r.o !== 'AP_WRAP_SM')
  .map((r) => new FixedType(r.w, r.i, r.s, r.q as QuantMode, r.o as OverflowMode));

/** Exact comparison of a decimal string produced by the emulator with a double, through binary fractions. */
function decimalToRational(text: string): { num: bigint; den: bigint } {
  const neg = text.startsWith('-');
  const [ip, fp = ''] = text.replace(/^[-+]/, '').split('.');
  const num = BigInt(ip! + fp) * (neg ? -1n : 1n);
  return { num, den: 10n ** BigInt(fp.length) };
}
function cmpDecimalWithDouble(text: string, x: number): number {
  const a = decimalToRational(text);
  const b = exactDoubleAsFraction(x);
  const bf = b.width - b.intBits;
  // a.num/a.den vs b.raw / 2^bf, cross-multiplied (dens positive)
  const lhs = bf >= 0 ? a.num << BigInt(bf) : a.num;
  const rhs = bf >= 0 ? b.raw * a.den : (b.raw << BigInt(-bf)) * a.den;
  return lhs < rhs ? -1 : lhs > rhs ? 1 : 0;
}

describe('inspect', () => {
  test('the reported value is the vendor conversion, and in-range inputs lie between the neighbours', () => {
    fc.assert(
      fc.property(typeArb, fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), (t, x) => {
        const r = inspectNumber(t, x);
        expect(r.raw).toBe(fixedFromDouble(x, t).raw);
        if (r.below && r.above) {
          if (r.events.includes('rounded')) {
            expect(cmpDecimalWithDouble(r.below.value, x)).toBe(-1);
            expect(cmpDecimalWithDouble(r.above.value, x)).toBe(1);
            expect(r.above.raw - r.below.raw).toBe(1n);
          } else {
            expect(cmpDecimalWithDouble(r.value, x)).toBe(0);
          }
        }
        // error = value - input, exactly
        if (r.error !== null) {
          const v = decimalToRational(r.value);
          const e = decimalToRational(r.error);
          const den = v.den > e.den ? v.den : e.den;
          const diff = `${(v.num * (den / v.den) - e.num * (den / e.den))}`;
          const asDecimal = (n: bigint, d: bigint) => {
            const digits = d.toString().length - 1;
            const s = (n < 0n ? -n : n).toString().padStart(digits + 1, '0');
            const out = digits ? `${s.slice(0, -digits)}.${s.slice(-digits)}`.replace(/\.?0+$/, '') : s;
            return (n < 0n ? '-' : '') + out;
          };
          expect(cmpDecimalWithDouble(asDecimal(BigInt(diff), den), x)).toBe(0);
        }
      }),
      { numRuns: runs },
    );
  });

  test('ties are flagged exactly when the input is halfway between two codes', () => {
    const t = new FixedType(8, 4, true, 'AP_RND_CONV', 'AP_SAT');
    expect(inspectNumber(t, 0.09375).events).toContain('tie');
    expect(inspectNumber(t, 0.09375000001).events).not.toContain('tie');
    expect(inspectNumber(t, 0.125).events).toEqual(['exact']);
  });

  test('quirks are reported where the result depends on them', () => {
    expect(inspectNumber(new FixedType(1, 1, true, 'AP_TRN', 'AP_SAT_SYM'), -5).quirks.map((q) => q.quirk)).toContain(2);
    expect(inspectNumber(new FixedType(4, 4, false, 'AP_RND', 'AP_WRAP', 2), -19).quirks.map((q) => q.quirk)).toContain(1);
    expect(inspectNumber(new FixedType(8, 4), NaN).quirks.map((q) => q.quirk)).toContain(3);
    expect(inspectNumber(new IntType(8), -0.3).quirks.map((q) => q.quirk)).toContain(5);
    expect(inspectNumber(new IntType(8), -0.7).quirks).toEqual([]);
    expect(inspectNumber(new FixedType(60, -1020), 2 ** -1074).quirks.map((q) => q.quirk)).toContain(4);
  });

  test('the mode table covers every valid mode and agrees with single conversions', () => {
    const t = new FixedType(6, 2, false, 'AP_TRN', 'AP_WRAP', 1);
    const rows = allModeOutcomes(t, 1.3);
    expect(rows).toHaveLength(QUANT_MODES.length * (OVERFLOW_MODES.length - 1));
    for (const r of rows) {
      const n = r.overflow === 'AP_WRAP' || r.overflow === 'AP_WRAP_SM' ? 1 : 0;
      expect(r.raw).toBe(fixedFromDouble(1.3, new FixedType(6, 2, false, r.quant, r.overflow, n)).raw);
    }
  });

  test('type summary', () => {
    const s = summarizeType(new FixedType(16, 6, true, 'AP_RND_CONV', 'AP_SAT'));
    expect([s.min, s.max, s.lsb]).toEqual(['-32', '31.9990234375', '0.0009765625']);
    expect(s.kif).toEqual({ k: 1, i: 5, f: 10 });
  });

  test('input parsing gives a clear error', () => {
    expect(parseInputNumber('0x1f')).toBe(31);
    expect(parseInputNumber('-inf')).toBe(-Infinity);
    expect(() => parseInputNumber('1.2.3', 'values[2]')).toThrow(/values\[2\]: got "1.2.3", expected a decimal number/);
  });
});
