import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { compatMinifloat, compatMinifloatArray, floatQuantizeNp } from '../../src/quantizers/minifloat.js';

/*
 * The compat minifloat kernels (bits of |x| + 1e-7 instead of log2, clip before a 1.5·2^52 rounding) against
 * upstream's float_quantize_np written out literally here (spec §4.3 and §6): log2 on every element,
 * round-half-even by floor, the clip after the rounding. Inputs aim at the kernels' edge paths.
 */
const fr = Math.fround;
function upstreamRne(v: number): number {
  if (!Number.isFinite(v)) return v;
  const fl = Math.floor(v);
  const d = v - fl;
  if (d !== 0.5) return d < 0.5 ? fl : fl + 1;
  return fl % 2 === 0 ? fl : fl + 1;
}
function upstream(x: number, m: number, e: number, e0: number, f32: boolean): number {
  const H = Math.max(2 ** (e - 1), 1);
  const ereq = f32 ? Math.floor(fr(Math.log2(fr(Math.abs(x) + fr(1e-7))))) : Math.floor(Math.log2(Math.abs(x) + 1e-7));
  const lo = e0 - H + 1;
  const hi = e0 + H - 1;
  const eact = Math.min(Math.max(ereq, lo), hi);
  const scale = 2 ** (eact - m);
  const q = upstreamRne(x / scale);
  const L = eact === hi ? 2 ** (m + 1) - 1 : 2 ** (m + 1);
  return Math.min(Math.max(q, -L), L) * scale;
}

const SPECIAL = [0, -0, NaN, Infinity, -Infinity, 5e-324, -5e-324, 2 ** -1022, 2 ** -126, 2 ** -149, 1e-7, -1e-7, fr(1e-7), 3.4028234663852886e38, -3.4028234663852886e38, 1e300, -1.7976931348623157e308, 1, -1, 0.5, 1.5, 2.5];

/** Doubles and floats a few ulps either side of ±2^E, and of 2^E - 1e-7 (where |x| + 1e-7 meets 2^E). */
const nearPow2 = fc
  .tuple(fc.integer({ min: -160, max: 140 }), fc.integer({ min: -6, max: 6 }), fc.constantFrom(52, 24, 23), fc.boolean(), fc.boolean())
  .map(([E, k, p, minusEps, neg]) => {
    const v = (minusEps ? 2 ** E - 1e-7 : 2 ** E) + k * 2 ** (E - p);
    return neg ? -v : v;
  });
/** Values whose y = |x| + 1e-7 has a mantissa at the edges of the kernels' log2 windows (x large enough that y = x). */
const windowEdge = fc
  .tuple(fc.integer({ min: 2, max: 120 }), fc.constantFrom(2 ** 11 - 1, 2 ** 11, 2 ** 11 + 1, 2 ** 23 - 2 ** 12 - 1, 2 ** 23 - 2 ** 12, 2 ** 23 - 2 ** 12 + 1), fc.boolean())
  .map(([E, mant, neg]) => (neg ? -1 : 1) * 2 ** E * (1 + mant * 2 ** -23));
const windowEdge64 = fc
  .tuple(fc.integer({ min: 31, max: 1000 }), fc.constantFrom(4095, 4096, 4097, 2 ** 52 - 2 ** 13 - 1, 2 ** 52 - 2 ** 13, 2 ** 52 - 2 ** 13 + 1), fc.boolean())
  .map(([E, mant, neg]) => (neg ? -1 : 1) * 2 ** E * (1 + mant * 2 ** -52));
/** Ties and clip bounds of the format: (k + 1/2)·2^(E - m) and (2^(m+1) - 1 ± 1/2)·2^(E - m). */
const gridPoint = fc
  .tuple(fc.integer({ min: -1, max: 2 ** 12 }), fc.integer({ min: -40, max: 40 }), fc.integer({ min: 0, max: 12 }), fc.constantFrom(0, 0.5, 0.25, -0.5), fc.boolean())
  .map(([k, E, m, d, neg]) => (neg ? -1 : 1) * (Math.min(k, 2 ** (m + 1)) + d) * 2 ** (E - m));
const value = fc.oneof(fc.constantFrom(...SPECIAL), nearPow2, windowEdge, windowEdge64, gridPoint, fc.double(), fc.float().map(Number));

/** Formats: the kernels' domain (integer m in [0, 49], e <= 12, finite scales) and every way out of it. */
const format = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 9 }), fc.integer({ min: -20, max: 20 })),
  fc.tuple(fc.integer({ min: -2, max: 60 }), fc.integer({ min: -2, max: 14 }), fc.integer({ min: -1100, max: 1100 })),
  fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 8 }), fc.double({ min: -5, max: 5, noNaN: true })),
);

describe('compat minifloat kernels = upstream float_quantize_np, element for element', () => {
  test('float32 and float64 inputs, edge values, every kind of format', () => {
    fc.assert(
      fc.property(format, fc.array(value, { minLength: 1, maxLength: 60 }), fc.boolean(), ([m, e, e0], xs, f32) => {
        const x = f32 ? Float32Array.from(xs) : Float64Array.from(xs);
        const out = compatMinifloatArray(x, m, e, e0, f32, new Float64Array(x.length));
        x.forEach((v, j) => {
          const want = upstream(v, m, e, e0, f32);
          expect([v, out[j]]).toEqual([v, want]);
          expect(Object.is(out[j], want)).toBe(true);
          expect(Object.is(compatMinifloat(v, m, e, e0, f32), want)).toBe(true);
        });
      }),
      { numRuns: 3000 },
    );
  });

  test('every float32 of the log2 windows of many binades (m=3, e=4; m=10, e=5; m=23, e=5 where log2 rounding shows)', () => {
    // All 2^23 mantissas of a binade would be slow; stride through the middle and take both windows entire.
    // Float32 log2 rounds up to E+1 just below 2^(E+1); only a wide mantissa (m=23) keeps that visible.
    const xs: number[] = [];
    for (const E of [-24, -23, -20, -8, -1, 0, 1, 2, 3, 5, 7, 8, 11, 13, 14, 15]) {
      for (let mant = 0; mant < 2 ** 23; mant += mant < 2 ** 12 || mant > 2 ** 23 - 2 ** 13 ? 1 : 4099) xs.push(2 ** E * (1 + mant * 2 ** -23));
    }
    const x32 = Float32Array.from([...xs, ...xs.map((v) => -v)]);
    for (const [m, e, e0] of [[3, 4, 0], [10, 5, -3], [23, 5, 0]] as const) {
      const out = compatMinifloatArray(x32, m, e, e0, true, new Float64Array(x32.length));
      let bad = 0;
      x32.forEach((v, j) => {
        if (!Object.is(out[j], upstream(v, m, e, e0, true))) bad++;
      });
      expect(bad).toBe(0);
    }
  });

  test('the public entry point takes the kernels and agrees (float32 in, plain-number parameters)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: -8, max: 8 }), fc.array(value, { minLength: 1, maxLength: 40 }), fc.boolean(), (m, e, e0, xs, f32) => {
        const x = f32 ? Float32Array.from(xs) : Float64Array.from(xs);
        const y = floatQuantizeNp(x, m, e, e0, { compat: 'quantizers' }) as Float64Array;
        x.forEach((v, j) => expect(Object.is(y[j], upstream(v, m, e, e0, f32))).toBe(true));
      }),
      { numRuns: 500 },
    );
  });
});
