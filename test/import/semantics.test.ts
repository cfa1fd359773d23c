/**
 * The QONNX quantizer semantics the importer relies on (codegen.md §11.1-§11.3, minifloat-formats.md §5):
 * the rounding table, each mode's threshold rule, exact thresholds after a BatchNorm-style map, the
 * floor-and-saturate encoding, and FloatQuant against the emulator's independent minifloat descriptor.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { FLOAT_PRESETS } from '../../src/emulator/floatFormats.js';
import * as Q from '../../src/import/rational.js';
import { floatQuantScaled, intRange, type MinifloatParams } from '../../src/import/qonnx/quantOps.js';
import { QONNX_ROUNDING_MODES, ROUND, STEP, type QonnxRounding } from '../../src/import/qonnx/rounding.js';
import { compareValue, direction, exactThresholds, fitThresholds, type ChannelMap } from '../../src/import/qonnx/thresholds.js';

describe('rounding modes', () => {
  // codegen.md §11.1, the documented table
  const TABLE: Record<string, number[]> = {
    ROUND: [6, 2, 2, 1, -1, -2, -2, -6],
    CEIL: [6, 3, 2, 2, -1, -1, -2, -5],
    FLOOR: [5, 2, 1, 1, -2, -2, -3, -6],
    UP: [6, 3, 2, 2, -2, -2, -3, -6],
    DOWN: [5, 2, 1, 1, -1, -1, -2, -5],
    HALF_UP: [6, 3, 2, 1, -1, -2, -3, -6],
    HALF_DOWN: [5, 2, 2, 1, -1, -2, -2, -5],
  };
  const VALUES = [5.5, 2.5, 1.6, 1.1, -1.1, -1.6, -2.5, -5.5];
  test.each(Object.keys(TABLE))('%s matches the spec table', (mode) => {
    expect(VALUES.map((v) => ROUND[mode as QonnxRounding](v))).toEqual(TABLE[mode]);
  });

  test('round(t) >= j exactly when t passes the mode\'s step rule (property over halves and quarters)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...QONNX_ROUNDING_MODES), fc.integer({ min: -80, max: 80 }), fc.integer({ min: -10, max: 10 }), (mode, quarters, j) => {
        const t = quarters / 4;
        const { twice, strict } = STEP[mode](BigInt(j));
        const at = Number(twice) / 2;
        expect(ROUND[mode](t) >= j).toBe(strict ? t > at : t >= at);
      }),
      { numRuns: 3000 },
    );
  });

  test('integer ranges (§11.1 table)', () => {
    expect(intRange(true, false, 4)).toEqual({ min: -8, max: 7 });
    expect(intRange(true, true, 4)).toEqual({ min: -7, max: 7 });
    expect(intRange(false, false, 4)).toEqual({ min: 0, max: 15 });
    expect(intRange(false, true, 4)).toEqual({ min: 0, max: 14 });
  });
});

/** An independent reference: q(x) with exact rationals when K² is a rational square, else in doubles. */
function referenceLevel(m: ChannelMap, x: bigint, scale: Q.Rational, rounding: QonnxRounding, lo: number, hi: number, relu: boolean): number | undefined {
  let value: number;
  const u = Q.add(Q.mul(m.a, Q.rat(x)), m.b);
  if (!m.k) {
    const v = Q.add(u, m.c);
    const t = Q.div(relu && Q.sign(v) < 0 ? Q.ZERO : v, scale);
    // exact: t is rational, decide with the rounding function on an exact double when it is one
    value = Q.toNumber(t);
    if (Q.cmp(Q.fromNumber(value), t) !== 0 && Math.abs(value * 2 - Math.round(value * 2)) < 1e-9) return undefined;
  } else {
    const K = Math.sign(Q.toNumber(m.k.g)) * Math.sqrt(Q.toNumber(Q.div(Q.mul(m.k.g, m.k.g), m.k.ve)));
    const v = K * Q.toNumber(u) + Q.toNumber(m.c);
    value = (relu ? Math.max(v, 0) : v) / Q.toNumber(scale);
    if (Math.abs(value * 2 - Math.round(value * 2)) < 1e-9) return undefined; // too close to a tie for doubles
  }
  return Math.min(hi, Math.max(lo, ROUND[rounding](value))) + 0; // +0: no negative zero
}

const dyadic = (lo: number, hi: number, bits: number) => fc.integer({ min: lo * 2 ** bits, max: hi * 2 ** bits }).map((n) => Q.rat(n, 2 ** bits));

describe('exact thresholds and their floor-and-saturate encoding', () => {
  test('thresholds reproduce the quantizer on every code of the input range; the fit reproduces the thresholds', () => {
    fc.assert(
      fc.property(
        dyadic(-4, 4, 6),
        dyadic(-8, 8, 4),
        dyadic(-2, 2, 5),
        fc.option(fc.tuple(dyadic(-3, 3, 5), dyadic(0, 6, 6)), { nil: undefined }),
        fc.constantFrom(...QONNX_ROUNDING_MODES),
        fc.constantFrom(2, 3, 4),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom(Q.rat(1), Q.rat(1, 4), Q.rat(3, 10), Q.rat(2)),
        (a, b, c, k, rounding, bits, signed, relu, scale) => {
          const map: ChannelMap = {
            a: Q.mul(a, Q.rat(1, 16)),
            b,
            c,
            ...(k && Q.sign(k[1]) > 0 ? { k: { g: k[0], ve: k[1] } } : {}),
          };
          const { min, max } = intRange(signed, false, bits);
          const [xmin, xmax] = [-300n, 300n];
          const step = { scale, zeropt: Q.ZERO, rounding, lo: BigInt(min), hi: BigInt(max), relu };
          const T = exactThresholds(map, step, xmin, xmax);
          const dir = direction(map);
          const fit = fitThresholds(T, dir, BigInt(min), xmin, xmax);
          for (let x = xmin; x <= xmax; x++) {
            const count = T.filter((t) => (dir >= 0 ? x >= t : x <= t)).length;
            const fromThresholds = min + count;
            const ref = referenceLevel(map, x, scale, rounding, min, max, relu);
            if (ref !== undefined) expect(fromThresholds, `x=${x}`).toBe(ref);
            if (fit) {
              const y = Number(Q.floor(Q.add(Q.mul(fit.alpha, Q.rat(x)), fit.beta)));
              expect(Math.min(max, Math.max(min, y)), `fit at x=${x}`).toBe(fromThresholds);
            }
          }
          // a single affine map can always reproduce up to two thresholds (ternary and binary quantizers)
          if (max - min <= 2) expect(fit).toBeDefined();
        },
      ),
      { numRuns: 150 },
    );
  });

  test('compareValue decides sign(K·u + c − R) exactly, including BatchNorm square roots that are rational', () => {
    fc.assert(
      fc.property(fc.integer({ min: -50, max: 50 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: -40, max: 40 }), fc.integer({ min: -200, max: 200 }), (gNum, root, x, r) => {
        // K = g / root exactly: ve = root², so K·u is rational and the exact answer is known
        const m: ChannelMap = { a: Q.ONE, b: Q.ZERO, c: Q.ZERO, k: { g: Q.rat(gNum), ve: Q.rat(root * root) } };
        const R = Q.rat(r, 4);
        const exact = Q.cmp(Q.mul(Q.rat(gNum, root), Q.rat(x)), R);
        expect(compareValue(m, BigInt(x), R)).toBe(exact);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('FloatQuant', () => {
  const e4m3: MinifloatParams = { exponentBits: 4, mantissaBits: 3, bias: 7, maxVal: 448, hasInf: false, hasNaN: true, hasSubnormal: true, saturation: true, rounding: 'ROUND' };
  test('saturating E4M3 with max_val 448 equals float8_e4m3fn (saturate) of the emulator on any double', () => {
    const fmt = FLOAT_PRESETS.float8_e4m3fn.with({ overflow: 'saturate' });
    fc.assert(
      fc.property(fc.double({ min: -1000, max: 1000, noNaN: true }), (v) => {
        expect(floatQuantScaled(v, e4m3)).toBe(fmt.quantize(v) === 0 ? 0 : fmt.quantize(v));
      }),
      { numRuns: 5000 },
    );
  });

  test('without max_val the top binade is finite: max = (2 − 2^−m)·2^(2^e − 1 − bias)', () => {
    const p = { ...e4m3, maxVal: undefined };
    expect(floatQuantScaled(1e9, p)).toBe(480);
    expect(floatQuantScaled(-1e9, p)).toBe(-480);
    expect(floatQuantScaled(1e9, e4m3)).toBe(448);
    // subnormal grid 2^-9 and ties to even
    expect(floatQuantScaled(3 * 2 ** -10, e4m3)).toBe(2 * 2 ** -9);
    expect(floatQuantScaled(2 ** -10, e4m3)).toBe(0);
  });

  test('non-saturating overflow: Inf when the format has it, else NaN', () => {
    expect(floatQuantScaled(1e9, { ...e4m3, saturation: false, hasInf: true })).toBe(Infinity);
    expect(floatQuantScaled(-1e9, { ...e4m3, saturation: false })).toBeNaN();
  });
});
