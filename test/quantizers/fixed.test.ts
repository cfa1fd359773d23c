import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  fixedQuantize,
  fixedQuantizeCodes,
  getFixedQuantizerNp,
  checkKIF,
  fixedExact,
  fixedExactCode,
  ROUNDING_MODES,
  OVERFLOW_NAMES,
} from '../../src/quantizers/index.js';
import type { OverflowName, RoundingMode } from '../../src/quantizers/index.js';
import { oracleFixedCode } from '../../src/quantizers/oracle.js';

const same = (a: number, b: number) => a === b || (Number.isNaN(a) && Number.isNaN(b));
const combos: [RoundingMode, OverflowName][] = ROUNDING_MODES.flatMap((r) =>
  OVERFLOW_NAMES.filter((o) => o !== 'WRAP_SM' || r === 'RND' || r === 'RND_CONV').map((o) => [r, o] as [RoundingMode, OverflowName]),
);

/** Doubles that exercise ties, near-ties, grid points, huge, tiny and subnormal values for a given f. */
function interestingX(f: number) {
  return fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer({ min: -(2 ** 30), max: 2 ** 30 }).map((n) => n * 2 ** -(f + 1)), // exact ties and grid points
    fc.tuple(fc.integer({ min: -(2 ** 20), max: 2 ** 20 }), fc.constantFrom(-1, 1)).map(([n, d]) => {
      const t = (n + 0.5) * 2 ** -f;
      return d > 0 ? t + Math.abs(t) * 2 ** -52 : t - Math.abs(t) * 2 ** -52;
    }),
    fc.double({ min: -1e-300, max: 1e-300, noNaN: true }),
    fc.integer({ min: 1, max: 2 ** 20 }).map((n) => n * 2 ** -1074 * (n % 2 ? 1 : -1)),
  );
}

const params = fc.record({
  k: fc.constantFrom<0 | 1>(0, 1),
  i: fc.integer({ min: -12, max: 40 }),
  f: fc.integer({ min: -12, max: 40 }),
  mode: fc.constantFrom(...combos),
});

describe('exact mode = independent BigInt oracle of spec §3.3', () => {
  test('per element (fast float64 path or BigInt path)', () => {
    fc.assert(
      fc.property(params, fc.integer(), (p, seed) => {
        const [r, o] = p.mode;
        if (p.k === 0 && o === 'WRAP_SM') return;
        const kif = checkKIF(p.k, p.i, p.f);
        fc.assert(
          fc.property(interestingX(p.f), (x) => {
            const got = fixedExact(x, kif, r, o);
            const want = kif.width === 0 ? 0 : Number(oracleFixedCode(x, p.k, p.i, p.f, r, o)) * 2 ** -p.f;
            if (kif.width <= 53) expect(got).toBe(want === 0 ? 0 : want);
            if (kif.width >= 1) expect(fixedExactCode(x, kif, r, o)).toBe(oracleFixedCode(x, p.k, p.i, p.f, r, o));
          }),
          { numRuns: 20, seed },
        );
      }),
      { numRuns: 300 },
    );
  });

  test('array kernel path = per-element path (Float64Array and Float32Array)', () => {
    fc.assert(
      fc.property(params, fc.array(interestingX(4), { minLength: 1, maxLength: 40 }), fc.boolean(), (p, xs, f32) => {
        const [r, o] = p.mode;
        if (p.k === 0 && o === 'WRAP_SM') return;
        const X = f32 ? Float32Array.from(xs) : Float64Array.from(xs);
        X[0] = [NaN, Infinity, -Infinity, 5e-324][Math.abs(p.i) % 4]!;
        const arr = fixedQuantize(X, p.k, p.i, p.f, { round: r, overflow: o }) as Float64Array;
        const kif = checkKIF(p.k, p.i, p.f);
        X.forEach((x, j) => expect(same(arr[j]!, fixedExact(x, kif, r, o))).toBe(true));
      }),
      { numRuns: 300 },
    );
  });

  test('outputs lie on the 2^-f grid inside [cmin, cmax]·2^-f', () => {
    fc.assert(
      fc.property(params, fc.double({ noNaN: true, noDefaultInfinity: true }), (p, x) => {
        const [r, o] = p.mode;
        if (p.k === 0 && o === 'WRAP_SM') return;
        const kif = checkKIF(p.k, p.i, p.f);
        if (kif.width === 0 || kif.width > 53) return;
        const y = fixedExact(x, kif, r, o);
        const code = y * 2 ** p.f;
        expect(Number.isInteger(code)).toBe(true);
        const N = 2 ** kif.width;
        expect(code).toBeLessThanOrEqual(p.k ? N / 2 - 1 : N - 1);
        expect(code).toBeGreaterThanOrEqual(p.k ? -N / 2 : 0);
        if (o === 'SAT_SYM' && p.k === 1 && kif.width >= 2) expect(code).toBeGreaterThan(-N / 2);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('compat = exact inside the safe envelope of spec §7', () => {
  test('float64 input, |x·2^f| < 2^52, W <= 53, i+f <= 53, no near-ties, not 1-bit SAT_SYM/WRAP_SM', () => {
    fc.assert(
      fc.property(params, fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.integer({ min: 0, max: 3 }), (p, n, extra) => {
        const [r, o] = p.mode;
        if (p.k === 0 && o === 'WRAP_SM') return;
        const kif = checkKIF(p.k, p.i, p.f);
        if (kif.width > 53 || kif.ic + p.f > 53) return;
        if (kif.width === 1 && p.k === 1 && (o === 'SAT_SYM' || o === 'WRAP_SM')) return;
        const x = n * 2 ** -(p.f + extra); // s = n / 2^extra: exact, at most 2 fraction bits, no near-half
        if (Math.abs(x * 2 ** p.f) >= 2 ** 52) return;
        const e = fixedQuantize(x, p.k, p.i, p.f, { round: r, overflow: o });
        const c = fixedQuantize(x, p.k, p.i, p.f, { round: r, overflow: o, compat: 'quantizers' });
        expect(same(e as number, c as number) || (e === 0 && c === 0)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('worked examples of spec §3.6', () => {
  const ex = (x: number, r: string, o: string, k: number, i: number, f: number, exact: number, compat: number) => {
    // values, not bits: +0 = -0 (spec §1)
    expect((fixedQuantize(x, k, i, f, { round: r, overflow: o }) as number) + 0).toBe(exact);
    expect((fixedQuantize(x, k, i, f, { round: r, overflow: o, compat: 'quantizers' }) as number) + 0).toBe(compat);
  };
  test('double rounding, wrap precision, SAT_SYM, WRAP_SM, 1-bit, underflow', () => {
    ex(0.5 - 2 ** -54, 'RND', 'SAT', 1, 3, 0, 0, 1);
    ex(2 ** 52 + 1, 'RND', 'WRAP', 1, 60, 0, 2 ** 52 + 1, 2 ** 52);
    ex(2 ** 52 + 1, 'RND', 'WRAP', 1, 52, 0, -(2 ** 52) + 1, -(2 ** 52) + 2);
    ex(-8, 'RND_CONV', 'SAT_SYM', 1, 3, 12, -32767 * 2 ** -12, -32767 * 2 ** -12);
    ex(9, 'RND_CONV', 'WRAP_SM', 1, 3, 12, 28671 * 2 ** -12, 28671 * 2 ** -12);
    ex(-9, 'RND_CONV', 'WRAP_SM', 1, 3, 12, -28673 * 2 ** -12, -28673 * 2 ** -12);
    ex(-2.09375, 'TRN', 'SAT_SYM', 1, -4, 4, -0.0625, 0);
    ex(-5e-324, 'TRN', 'WRAP', 1, 0, -1, -2, 0);
  });
  test('non-finite inputs (§3.5) and zero width (§3.1)', () => {
    for (const compat of [undefined, 'quantizers'] as const) {
      expect(fixedQuantize(Infinity, 1, 3, 2, { overflow: 'SAT', compat })).toBe(8 - 0.25);
      expect(fixedQuantize(-Infinity, 1, 3, 2, { overflow: 'SAT', compat })).toBe(-8);
      expect(fixedQuantize(-Infinity, 1, 3, 2, { overflow: 'SAT_SYM', compat })).toBe(-8 + 0.25);
      expect(fixedQuantize(Infinity, 1, 3, 2, { overflow: 'WRAP', compat })).toBeNaN();
      expect(fixedQuantize(NaN, 1, 3, 2, { overflow: 'SAT', compat })).toBeNaN();
    }
    for (const x of [0, 1, -1, 123.5, 1e300, -5e-324]) expect(fixedQuantize(x, 0, -3, 3, { overflow: 'WRAP' })).toBe(0);
    expect(fixedQuantize(Infinity, 0, -3, 3, { overflow: 'WRAP', compat: 'quantizers' })).toBeNaN();
  });
});

describe('API rules of spec §2.2 / §2.3', () => {
  test('mode names: case-insensitive, S_ stripped, upstream aliases rejected', () => {
    expect(getFixedQuantizerNp('s_rnd_conv', 'sat').roundMode).toBe('RND_CONV');
    expect(getFixedQuantizerNp('S_TRN').roundMode).toBe('TRN');
    for (const bad of ['FLOOR', 'ROUND', 'ROUND_CONV', 'FLOOR_ZERO', 'ROUND_ZERO', 'ROUND_MIN_INF', 'ROUND_INF']) {
      expect(() => getFixedQuantizerNp(bad)).toThrow(RangeError);
    }
    expect(() => getFixedQuantizerNp('RND', 'WRAP_SM_FN')).toThrow(RangeError);
    expect(() => getFixedQuantizerNp('TRN', 'WRAP_SM')).toThrow(/RND or RND_CONV/);
    expect(() => getFixedQuantizerNp('TRN', 'WRAP', { compat: 'numpy' as 'quantizers' })).toThrow(RangeError);
  });
  test('k = 0 with WRAP_SM: exact throws, compat computes', () => {
    expect(() => fixedQuantize(1.3, 0, 2, 2, { round: 'RND', overflow: 'WRAP_SM' })).toThrow(RangeError);
    expect(Number.isFinite(fixedQuantize(1.3, 0, 2, 2, { round: 'RND', overflow: 'WRAP_SM', compat: 'quantizers' }) as number)).toBe(true);
  });
  test('non-integer widths: exact throws, compat evaluates the formula', () => {
    expect(() => fixedQuantize(1.3, 1, 3, 1.5, { round: 'RND' })).toThrow(RangeError);
    const y = fixedQuantize(1.3, 1, 3, 1.5, { round: 'RND', overflow: 'SAT', compat: 'quantizers' }) as number;
    expect(y).toBeCloseTo(Math.SQRT2, 12);
    expect(() => getFixedQuantizerNp()(1, 1, 1, 1, true)).toThrow(/training/);
  });
  test('broadcasting: numbers, arrays, shaped arrays', () => {
    expect(fixedQuantize(1.3, 1, 3, 2)).toBe(1.25);
    const flat = fixedQuantize([1.3, 1.3, 1.3], 1, 3, [0, 1, 2]);
    expect(flat).toBeInstanceOf(Float64Array);
    expect(Array.from(flat as Float64Array)).toEqual([1, 1, 1.25]);
    const nd = fixedQuantize({ data: [1.3, -1.3, 2.6, -2.6, 3.9, -3.9], shape: [3, 2] }, 1, 3, { data: [0, 2], shape: [2] });
    expect(nd).toEqual({ data: Float64Array.from([1, -1.5, 2, -2.75, 3, -4]), shape: [3, 2] });
    const outer = fixedQuantize({ data: [1.3, 2.6], shape: [2, 1] }, 1, 3, { data: [0, 1, 2], shape: [1, 3] });
    expect(outer).toEqual({ data: Float64Array.from([1, 1, 1.25, 2, 2.5, 2.5]), shape: [2, 3] });
    expect(() => fixedQuantize([1, 2, 3], 1, 3, [1, 2])).toThrow(/broadcastable/);
    expect(() => fixedQuantize([1, 'a' as unknown as number], 1, 3, 2)).toThrow(/x\[1\]/);
  });
  test('lossless raw codes beyond 53 bits', () => {
    const c = fixedQuantizeCodes([2 ** 70 + 2 ** 20, -(2 ** 52) - 1], 1, 80, 10, { round: 'RND_CONV', overflow: 'SAT' });
    expect(c.codes).toEqual([(2n ** 70n + 2n ** 20n) << 10n, (-(2n ** 52n) - 1n) << 10n]);
    expect(c.f).toEqual([10, 10]);
    const sat = fixedQuantizeCodes(1e300, 1, 60, 20, { overflow: 'SAT' });
    expect(sat.codes[0]).toBe((1n << 80n) - 1n);
    // value output rounds the code to the nearest double: 2^60 - 2^-20 -> 2^60
    expect(fixedQuantize(1e300, 1, 60, 20, { overflow: 'SAT' })).toBe(2 ** 60);
  });
});

describe('compatFixedArray = compatFixed', () => {
  test('random formats (non-integer widths too), all modes, float64 and float32', async () => {
    const { compatFixed, compatFixedArray } = await import('../../src/quantizers/fixedCompat.js');
    fc.assert(
      fc.property(
        fc.constantFrom(...combos), fc.constantFrom(0, 1), fc.oneof(fc.integer({ min: -10, max: 60 }), fc.double({ min: -4, max: 8, noNaN: true })),
        fc.oneof(fc.integer({ min: -10, max: 40 }), fc.double({ min: -4, max: 8, noNaN: true })),
        fc.array(fc.oneof(fc.double(), fc.integer({ min: -5000, max: 5000 }).map((n) => n / 64)), { minLength: 1, maxLength: 40 }), fc.boolean(),
        ([r, o], k, i, f, xs, f32) => {
          const x = f32 ? Float32Array.from(xs) : Float64Array.from(xs);
          const out = compatFixedArray(x, k, i, f, r, o, f32, new Float64Array(x.length));
          x.forEach((v, j) => {
            const want = compatFixed(v, k, i, f, r, o, f32);
            expect(Number.isNaN(want) ? Number.isNaN(out[j]!) : Object.is(out[j], want)).toBe(true);
          });
        },
      ),
      { numRuns: 2000 },
    );
  });
});
