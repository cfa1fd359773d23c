import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { FloatType, floatQuantizeArray, parseFloatType } from '../../src/emulator/minifloat.js';
import { FLOAT_PRESETS, FLOAT_ROUNDINGS, MinifloatFormat, floatPreset, mxQuantize, quantizersFloat } from '../../src/emulator/floatFormats.js';
import { binade } from '../../src/emulator/floatBits.js';

const same = (a: number, b: number) => a === b || (Number.isNaN(a) && Number.isNaN(b));

/** All non-negative values of ap_float<m,e,e0>, from the definition of §4.1 (no shared code). */
function valueSet(m: number, e: number, e0: number): number[] {
  const H = Math.max(2 ** (e - 1), 1);
  const emin = e0 - H + 1, emax = e0 + H - 1;
  const vals = new Set<number>();
  for (let q = 0; q < 2 ** m; q++) vals.add(q * 2 ** (emin - m));
  for (let E = emin; E <= emax; E++) for (let q = 2 ** m; q < 2 ** (m + 1); q++) vals.add(q * 2 ** (E - m));
  return [...vals].sort((a, b) => a - b);
}

/** Brute-force nearest member, ties to the even significand on x's grid, saturating. */
function bruteNearest(x: number, m: number, e: number, e0: number, vals: number[]): number {
  const a = Math.abs(x);
  const max = vals[vals.length - 1]!;
  const H = Math.max(2 ** (e - 1), 1);
  const emin = e0 - H + 1;
  let best = vals[0]!;
  for (const v of vals) if (Math.abs(v - a) < Math.abs(best - a)) best = v;
  // a tie: another value at the same distance (the step beyond max counts as a candidate too)
  const ulp = 2 ** (Math.max(binade(a), emin) - m);
  const lower = Math.floor(a / ulp) * ulp;
  const upper = lower + ulp;
  if (a - lower === upper - a) best = (lower / ulp) % 2 === 0 ? lower : upper;
  const r = Math.min(best, max);
  return x < 0 ? -r : r;
}

describe('ap_float<m,e,e0> descriptor', () => {
  test('prints as the vendor spells it and parses back', () => {
    const t = new FloatType(3, 4, -2);
    expect(t.toString()).toBe('ap_float<3,4,-2>');
    expect(parseFloatType(' ap_float< 3, 4, -2 > ').equals(t)).toBe(true);
    expect(parseFloatType('ap_float<2,5>').e0).toBe(0);
    expect(Object.isFrozen(t)).toBe(true);
    expect(() => parseFloatType('ap_float<3>')).toThrow(/ap_float<M,E/);
    expect(() => new FloatType(-1, 4)).toThrow(/m: got -1/);
    expect(() => new FloatType(3, 1.5)).toThrow(/e: got 1.5/);
  });
  test('format facts of §4.1: m=3, e=4, e0=0 gives E in [-7, 7] and max 240; e=0 behaves like e=1', () => {
    const t = new FloatType(3, 4, 0);
    expect([t.emin, t.emax, t.maxValue, t.bias]).toEqual([-7, 7, 240, 8]);
    const z = new FloatType(2, 0, 3), o = new FloatType(2, 1, 3);
    expect([z.emin, z.emax, z.maxValue]).toEqual([o.emin, o.emax, o.maxValue]);
    expect(new FloatType(3, 4, 1).maxValue).toBe(480);
  });
  test('special values (§4.4) and the §7 quantizers rows', () => {
    const t = new FloatType(3, 4, 1);
    expect(t.quantize(464)).toBe(448);
    expect(t.quantize(470)).toBe(480);
    expect(t.quantize(500)).toBe(480);
    expect(t.quantize(Infinity)).toBe(480);
    expect(t.quantize(-Infinity)).toBe(-480);
    expect(t.quantize(NaN)).toBeNaN();
    expect(Object.is(t.quantize(-0), -0)).toBe(true);
    expect(Object.is(t.quantize(-1e-30), -0)).toBe(true);
  });
});

describe('exact minifloat quantization = nearest member of the value set, ties to even', () => {
  test('random formats and inputs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: -6, max: 6 }),
        fc.array(fc.oneof(fc.double({ min: -600, max: 600, noNaN: true }), fc.integer({ min: -4096, max: 4096 }).map((n) => n / 64)), { minLength: 1, maxLength: 30 }),
        (m, e, e0, xs) => {
          const t = new FloatType(m, e, e0);
          const vals = valueSet(m, e, e0);
          for (const x of xs) {
            const want = bruteNearest(x, m, e, e0, vals);
            const got = t.quantize(x);
            expect(got + 0).toBe(want + 0);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
  test('decompose: mantissa * 2^exponent = quantize, mantissa ranges', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: -20, max: 20 }), fc.double({ noNaN: true, noDefaultInfinity: true }), (m, e, e0, x) => {
        const t = new FloatType(m, e, e0);
        const [mant, ex] = t.decompose(x);
        expect(mant * 2 ** ex).toBe(t.quantize(x));
        const a = Math.abs(mant);
        if (ex > t.emin) expect(a >= 1 && a < 2).toBe(true);
        else expect(a < 2).toBe(true);
        expect(ex >= t.emin && ex <= t.emax).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
  test('outside float64 a RangeError-like argument error', () => {
    expect(() => new FloatType(60, 4).quantize(1)).toThrow(/m <= 52/);
  });
});

describe('ml_dtypes presets: edge cases of minifloat-formats.md §7', () => {
  const rows: [string, number, number, number | 'nan'][] = [
    ['float8_e4m3fn', 448, 0x7e, 448], ['float8_e4m3fn', 463.5, 0x7e, 448], ['float8_e4m3fn', 464, 0x7e, 448],
    ['float8_e4m3fn', 464.5, 0x7f, 'nan'], ['float8_e4m3fn', 465, 0x7f, 'nan'], ['float8_e4m3fn', 480, 0x7f, 'nan'],
    ['float8_e4m3fn', 896, 0x7f, 'nan'], ['float8_e4m3fn', Infinity, 0x7f, 'nan'], ['float8_e4m3fn', -Infinity, 0xff, 'nan'],
    ['float8_e4m3fn', NaN, 0x7f, 'nan'], ['float8_e4m3fn', -0, 0x80, -0], ['float8_e4m3fn', 2 ** -10, 0x00, 0],
    ['float8_e4m3fn', 2 ** -10 * (1 + 2 ** -20), 0x01, 2 ** -9], ['float8_e4m3fn', 1.5 * 2 ** -9, 0x02, 2 ** -8],
    ['float8_e4m3fn', 1 + 2 ** -4 + 2 ** -30, 0x39, 1.125],
    ['float8_e4m3fnuz', 240, 0x7f, 240], ['float8_e4m3fnuz', 247.75, 0x7f, 240], ['float8_e4m3fnuz', 248, 0x80, 'nan'],
    ['float8_e4m3fnuz', Infinity, 0x80, 'nan'], ['float8_e4m3fnuz', NaN, 0x80, 'nan'], ['float8_e4m3fnuz', -0, 0x00, 0],
    ['float8_e4m3fnuz', -(2 ** -11), 0x00, 0],
    ['float8_e5m2', 57344, 0x7b, 57344], ['float8_e5m2', 61312, 0x7b, 57344], ['float8_e5m2', 61440, 0x7c, Infinity],
    ['float8_e5m2', Infinity, 0x7c, Infinity], ['float8_e5m2', -Infinity, 0xfc, -Infinity], ['float8_e5m2', NaN, 0x7e, 'nan'],
    ['float8_e5m2fnuz', 61440, 0x80, 'nan'],
    ['float8_e4m3', 248, 0x78, Infinity], ['float8_e3m4', 15.75, 0x70, Infinity], ['float8_e3m4', 15.7421875, 0x6f, 15.5],
    ['float6_e2m3fn', 7.75, 0x1f, 7.5], ['float6_e2m3fn', 8, 0x1f, 7.5], ['float6_e2m3fn', Infinity, 0x1f, 7.5], ['float6_e2m3fn', NaN, 0x20, -0],
    ['float6_e3m2fn', 30, 0x1f, 28], ['float6_e3m2fn', 32, 0x1f, 28], ['float6_e3m2fn', Infinity, 0x1f, 28],
    ['float4_e2m1fn', 7, 0x07, 6], ['float4_e2m1fn', 8, 0x07, 6], ['float4_e2m1fn', Infinity, 0x07, 6],
    ['float4_e2m1fn', 0.25, 0x00, 0], ['float4_e2m1fn', 0.75, 0x02, 1], ['float4_e2m1fn', NaN, 0x08, -0],
    ['float8_e8m0fnu', 1.5, 0x80, 2], ['float8_e8m0fnu', 0.75, 0x7f, 1], ['float8_e8m0fnu', 3, 0x81, 4], ['float8_e8m0fnu', 1.25, 0x7f, 1],
    ['float8_e8m0fnu', 2 ** -128, 0x00, 2 ** -127], ['float8_e8m0fnu', 2 ** -129, 0x00, 2 ** -127],
    ['float8_e8m0fnu', 1.4 * 2 ** 127, 0xfe, 2 ** 127], ['float8_e8m0fnu', 1.5 * 2 ** 127, 0xff, 'nan'], ['float8_e8m0fnu', 2 ** 128, 0xff, 'nan'],
    ['float8_e8m0fnu', 0, 0xff, 'nan'], ['float8_e8m0fnu', -0, 0xff, 'nan'], ['float8_e8m0fnu', -1, 0xff, 'nan'],
    ['float8_e8m0fnu', Infinity, 0xff, 'nan'], ['float8_e8m0fnu', NaN, 0xff, 'nan'],
  ];
  test.each(rows)('%s(%d) -> code %d, value %s', (name, x, code, value) => {
    const f = floatPreset(name);
    expect(f.encode(x)).toBe(code);
    const v = f.quantize(x);
    if (value === 'nan') expect(v).toBeNaN();
    else expect(Object.is(v, value)).toBe(true);
  });
  test('saturating mode rows', () => {
    const e4 = FLOAT_PRESETS.float8_e4m3fn.with({ overflow: 'saturate' });
    for (const x of [464.5, 465, 480, 896, Infinity]) expect(e4.quantize(x)).toBe(448);
    expect(e4.quantize(-Infinity)).toBe(-448);
    expect(e4.quantize(NaN)).toBeNaN();
    const e5 = FLOAT_PRESETS.float8_e5m2.with({ overflow: 'saturate' });
    expect(e5.quantize(61440)).toBe(57344);
    expect(e5.quantize(Infinity)).toBe(Infinity); // ±inf inputs keep Inf where the format has one
    expect(FLOAT_PRESETS.float8_e4m3fnuz.with({ overflow: 'saturate' }).quantize(248)).toBe(240);
    expect(FLOAT_PRESETS.float8_e4m3.with({ overflow: 'saturate' }).quantize(248)).toBe(240);
  });
  test('encodings of +1 (measured values of §2)', () => {
    const one: Record<string, number> = {
      float8_e4m3fn: 0x38, float8_e4m3fnuz: 0x40, float8_e5m2: 0x3c, float8_e5m2fnuz: 0x40, float8_e4m3: 0x38,
      float8_e3m4: 0x30, float8_e4m3b11fnuz: 0x58, float6_e2m3fn: 0x08, float6_e3m2fn: 0x0c, float4_e2m1fn: 0x02, float8_e8m0fnu: 0x7f,
    };
    for (const [n, c] of Object.entries(one)) expect(floatPreset(n).encode(1)).toBe(c);
    expect(FLOAT_PRESETS.float8_e4m3.encode(Infinity)).toBe(0x78);
    expect(FLOAT_PRESETS.float8_e4m3.encode(NaN)).toBe(0x7c);
    expect(FLOAT_PRESETS.float8_e3m4.encode(Infinity)).toBe(0x70);
    expect(FLOAT_PRESETS.float8_e3m4.encode(NaN)).toBe(0x78);
    expect(FLOAT_PRESETS.float6_e2m3fn.encode(-0)).toBe(0x20);
    expect(FLOAT_PRESETS.float4_e2m1fn.encode(-0)).toBe(0x08);
  });
  test('finfo facts of §2: max, min normal, min subnormal', () => {
    const facts: [string, number, number, number][] = [
      ['float8_e4m3fn', 448, 2 ** -6, 2 ** -9], ['float8_e4m3fnuz', 240, 2 ** -7, 2 ** -10], ['float8_e5m2', 57344, 2 ** -14, 2 ** -16],
      ['float8_e5m2fnuz', 57344, 2 ** -15, 2 ** -17], ['float8_e4m3', 240, 2 ** -6, 2 ** -9], ['float8_e3m4', 15.5, 2 ** -2, 2 ** -6],
      ['float8_e4m3b11fnuz', 30, 2 ** -10, 2 ** -13], ['float6_e2m3fn', 7.5, 1, 2 ** -3], ['float6_e3m2fn', 28, 2 ** -2, 2 ** -4],
      ['float4_e2m1fn', 6, 1, 0.5],
    ];
    for (const [n, max, minNormal, minSub] of facts) {
      const f = floatPreset(n);
      const finite = Array.from({ length: 2 ** f.bits }, (_, c) => f.decode(c)).filter((v) => Number.isFinite(v));
      expect(Math.max(...finite)).toBe(max);
      expect(f.maxValue).toBe(max);
      expect(Math.min(...finite.filter((v) => v > 0))).toBe(minSub);
      expect(f.decode(1 << f.m)).toBe(minNormal);
    }
  });
  test('exhaustive round trip of every code of every <= 8-bit preset', () => {
    for (const f of Object.values(FLOAT_PRESETS)) {
      if (f.bits > 8) continue;
      for (let c = 0; c < 2 ** f.bits; c++) {
        const v = f.decode(c);
        if (Number.isNaN(v)) {
          expect(Number.isNaN(f.decode(f.encode(NaN)))).toBe(f.nanCode !== null);
          continue;
        }
        expect(f.encode(v)).toBe(c);
      }
    }
  });
  test('value-set equalities with the quantizers family under saturate (§8.7)', () => {
    const pairs: [string, number, number, number][] = [
      ['float8_e4m3fnuz', 3, 4, 0], ['float8_e5m2fnuz', 2, 5, 0], ['float8_e4m3b11fnuz', 3, 4, -3],
      ['float6_e2m3fn', 3, 2, 1], ['float6_e3m2fn', 2, 3, 1], ['float4_e2m1fn', 1, 2, 1],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...pairs), fc.double({ noNaN: true }), ([n, m, e, e0], x) => {
        const p = floatPreset(n).with({ overflow: 'saturate' });
        const q = new FloatType(m, e, e0);
        expect(p.quantize(x) + 0).toBe(q.quantize(x) + 0);
        expect(quantizersFloat(m, e, e0).quantize(x) + 0).toBe(q.quantize(x) + 0);
      }),
      { numRuns: 3000 },
    );
    // e4m3fn is quantizers(3,4,1) minus 480
    fc.assert(
      fc.property(fc.double({ min: -1000, max: 1000, noNaN: true }), (x) => {
        const a = FLOAT_PRESETS.float8_e4m3fn.with({ overflow: 'saturate' }).quantize(x);
        const b = new FloatType(3, 4, 1).quantize(x);
        expect(a + 0).toBe(Math.abs(b) === 480 ? Math.sign(b) * 448 : b + 0);
      }),
    );
  });
  test('double rounding of ml_dtypes array casts only with viaFloat32 (§2.1)', () => {
    const x = 1 + 2 ** -4 + 2 ** -30;
    expect(FLOAT_PRESETS.float8_e4m3fn.quantize(x)).toBe(1.125);
    expect(FLOAT_PRESETS.float8_e4m3fn.quantize(x, { viaFloat32: true })).toBe(1);
    expect(FLOAT_PRESETS.float4_e2m1fn.quantize(0.25 + 2 ** -40)).toBe(0.5);
    expect(FLOAT_PRESETS.float4_e2m1fn.quantize(0.25 + 2 ** -40, { viaFloat32: true })).toBe(0);
  });
  test('rounding vocabulary', () => {
    const f = (r: 'even' | 'away' | 'zero' | 'floor' | 'ceil' | 'odd') => FLOAT_PRESETS.float4_e2m1fn.with({ rounding: r });
    expect(f('even').quantize(2.5)).toBe(2);
    expect(f('away').quantize(2.5)).toBe(3);
    expect(f('odd').quantize(2.5)).toBe(3);
    expect(f('zero').quantize(-2.9)).toBe(-2);
    expect(f('floor').quantize(-2.1)).toBe(-3);
    expect(f('ceil').quantize(2.1)).toBe(3);
    expect(() => new MinifloatFormat({ e: 2, m: 1, bias: 1, rounding: 'nearest' as 'even' })).toThrow(/rounding/);
  });
});

describe('OCP MX block quantization (§4)', () => {
  test('shared scale, saturating elements, exact values', () => {
    const x = Float64Array.from({ length: 64 }, (_, j) => (j < 32 ? (j - 16) * 3.1 : (j - 48) * 1e-3));
    const r = mxQuantize(x, { elem: 'e4m3' });
    expect(r.scales.length).toBe(2);
    // block 0: max |V| = 49.6 -> floor(log2) = 5 -> s = 5 - 8 = -3
    expect(r.scales[0]).toBe(127 - 3);
    const e4 = FLOAT_PRESETS.float8_e4m3fn;
    for (let j = 0; j < 32; j++) {
      expect(r.values[j]).toBe(e4.decode(r.codes[j]!) * 2 ** -3);
      expect(r.values[j]).toBe(e4.quantize(x[j]! * 8) / 8);
    }
  });
  test('elements saturate (max|V|/X can reach ~512 for E4M3)', () => {
    const x = new Float64Array(32);
    x[0] = 511;
    const r = mxQuantize(x, { elem: 'e4m3' });
    expect(r.scales[0]).toBe(127);
    expect(r.values[0]).toBe(448);
  });
  test('ties: even vs away (microxcaling nearest)', () => {
    const x = Float64Array.from([6, 2.5, -2.5, 0.25]);
    expect(Array.from(mxQuantize(x, { elem: 'e2m1' }).values)).toEqual([6, 2, -2, 0]);
    expect(Array.from(mxQuantize(x, { elem: 'e2m1', rounding: 'away' }).values)).toEqual([6, 3, -3, 0.5]);
  });
  test('zero block, NaN block, clamped exponents, int8', () => {
    const z = mxQuantize(new Float64Array(32), { elem: 'e5m2' });
    expect(z.scales[0]).toBe(0);
    expect(Array.from(z.values).every((v) => v === 0)).toBe(true);
    const n = mxQuantize([1, NaN, 2], { elem: 'e4m3' });
    expect(n.scales[0]).toBe(0xff);
    expect(Number.isNaN(n.values[0]!)).toBe(true);
    expect(mxQuantize([2 ** 200], { elem: 'e2m1' }).scales[0]).toBe(0xff);
    expect(mxQuantize([2 ** -200], { elem: 'e2m1' }).scales[0]).toBe(0);
    const i8 = mxQuantize([1, -0.015625, 0.5078125, -1.9999, 0.515625], { elem: 'int8' });
    expect(Array.from(i8.values)).toEqual([1, -0.015625, 0.5, -127 / 64, 0.515625]); // 32.5/64 ties to even
    expect(i8.codes[1]).toBe(0xff);
    expect(() => mxQuantize([1], { elem: 'e9m9' as 'e4m3' })).toThrow(/elem/);
  });
});

describe('floatQuantizeArray (typed-array kernel) = per-element quantize', () => {
  test('random formats, Float64Array and Float32Array, special values included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 52 }),
        fc.integer({ min: 0, max: 11 }),
        fc.integer({ min: -1100, max: 1100 }),
        fc.array(fc.oneof(fc.double(), fc.double({ min: -1e-300, max: 1e-300 }), fc.integer({ min: -1000, max: 1000 }).map((k) => k / 16)), { minLength: 1, maxLength: 50 }),
        fc.boolean(),
        (m, e, e0, xs, f32) => {
          const t = new FloatType(m, e, e0);
          if (!t.fitsFloat64) return;
          const x = f32 ? Float32Array.from(xs) : Float64Array.from(xs);
          const out = floatQuantizeArray(t, x);
          x.forEach((v, j) => {
            const want = t.quantize(v);
            expect(Number.isNaN(want) ? Number.isNaN(out[j]!) : Object.is(out[j], want)).toBe(true);
          });
        },
      ),
      { numRuns: 1500 },
    );
  });
});

describe('ap_float codes', () => {
  test('encode/decode round trip over every code; same layout as quantizersFloat', () => {
    for (const [m, e, e0] of [[3, 4, 0], [2, 0, 3], [0, 3, -2], [4, 2, 5], [1, 1, 0]] as const) {
      const t = new FloatType(m, e, e0);
      const q = quantizersFloat(m, e, e0);
      for (let c = 0; c < 2 ** t.width; c++) {
        const v = t.decode(c);
        expect(t.encode(v)).toBe(c);
        expect(q.decode(c)).toBe(v);
      }
    }
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 8 }), fc.integer({ min: -20, max: 20 }), fc.double({ noNaN: true }), (m, e, e0, x) => {
        const t = new FloatType(m, e, e0);
        expect(t.encode(x)).toBe(quantizersFloat(m, e, e0).encode(x));
        expect(Object.is(t.decode(t.encode(x)), t.quantize(x))).toBe(true);
      }),
    );
    expect(() => new FloatType(3, 4).encode(NaN)).toThrow(/no NaN/);
  });
});

describe('MX along an axis', () => {
  test('blocks along axis 0 of a [64, 3] array equal flat blocks of each column', () => {
    const cols = [0, 1, 2].map((c) => Float64Array.from({ length: 64 }, (_, j) => Math.sin(j * 7.1 + c) * 2 ** ((j * 3 + c) % 11)));
    const data = new Float64Array(64 * 3);
    for (let j = 0; j < 64; j++) for (let c = 0; c < 3; c++) data[j * 3 + c] = cols[c]![j]!;
    const r = mxQuantize({ data, shape: [64, 3] }, { elem: 'e3m2', axis: 0 });
    expect(r.scaleShape).toEqual([2, 3]);
    for (let c = 0; c < 3; c++) {
      const flat = mxQuantize(cols[c]!, { elem: 'e3m2' });
      for (let b = 0; b < 2; b++) expect(r.scales[b * 3 + c]).toBe(flat.scales[b]);
      for (let j = 0; j < 64; j++) expect(r.values[j * 3 + c]).toBe(flat.values[j]);
    }
    expect(() => mxQuantize({ data, shape: [64, 3] }, { elem: 'e3m2', axis: 2 })).toThrow(/axis/);
  });
});

describe("rounding 'stochastic' (seeded, opt-in)", () => {
  test('reproducible, two neighbours only, unbiased within 6 sigma', async () => {
    const { SeedGenerator } = await import('../../src/quantizers/random.js');
    const f = FLOAT_PRESETS.float8_e4m3fn.with({ rounding: 'stochastic', overflow: 'saturate' });
    const x = 1.3; // between 1.25 and 1.375: P(up) = 0.4
    const run = (seed: number) => {
      const g = new SeedGenerator(seed);
      return Array.from({ length: 20000 }, () => f.quantize(x, { uniform53: () => g.nextUint53() }));
    };
    const a = run(11);
    expect(run(11)).toEqual(a);
    expect(new Set(a)).toEqual(new Set([1.25, 1.375]));
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    expect(Math.abs(mean - x)).toBeLessThan(6 * 0.125 * Math.sqrt((0.4 * 0.6) / a.length));
    expect(() => f.quantize(1.3)).toThrow(/uniform53/);
  });
});

describe('float32 bit-pattern kernel (formats inside float32 range) = per-element quantize', () => {
  test('random small formats, float32 specials, -0, subnormals, ties', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 22 }),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: -60, max: 60 }),
        fc.array(
          fc.oneof(
            fc.float(),
            fc.float({ min: Math.fround(-1e-38), max: Math.fround(1e-38) }),
            fc.integer({ min: -4096, max: 4096 }).map((k) => k / 32),
            // few significant bits: exact ties for formats with small m (odd multiple of a power of two)
            fc.tuple(fc.integer({ min: -64, max: 63 }), fc.integer({ min: -70, max: 70 })).map(([c, p]) => (2 * c + 1) * 2 ** p),
          ),
          { minLength: 1, maxLength: 60 },
        ),
        (m, e, e0, xs) => {
          const t = new FloatType(m, e, e0);
          const x = Float32Array.from([...xs, -0, 0, NaN, Infinity, -Infinity, 1.401298464324817e-45, -3.4028234663852886e38]);
          const out = floatQuantizeArray(t, x);
          x.forEach((v, j) => {
            const want = t.quantize(v);
            expect(Number.isNaN(want) ? Number.isNaN(out[j]!) : Object.is(out[j], want)).toBe(true);
          });
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('m = 0 (power-of-two grid): ties round up in magnitude, as 1.5 -> 2 in e8m0', () => {
  test('float32 and float64 kernels equal the scalar rule at every tie', () => {
    for (const [e, e0] of [[3, 0], [4, 2], [5, -3], [2, 0]] as const) {
      const t = new FloatType(0, e, e0);
      const ties: number[] = [];
      for (let k = t.emin - 2; k <= t.emax + 1; k++) ties.push(1.5 * 2 ** k, -1.5 * 2 ** k);
      for (const x of [Float32Array.from(ties), Float64Array.from(ties)]) {
        const out = floatQuantizeArray(t, x);
        x.forEach((v, j) => expect([t.toString(), v, out[j]]).toEqual([t.toString(), v, t.quantize(v)]));
      }
      // the scalar rule itself: a normal tie 1.5*2^k goes to 2^(k+1), never down to 2^k
      expect(t.quantize(1.5 * 2 ** t.emin)).toBe(2 ** (t.emin + 1));
    }
  });
});

describe("subnormals 'ftz': round on the subnormal grid, then flush a subnormal result to a signed zero", () => {
  test('equals the same format with subnormals, flushed below the smallest normal', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: -4, max: 20 }),
        fc.constantFrom(...FLOAT_ROUNDINGS.filter((r) => r !== 'stochastic')),
        fc.boolean(),
        fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.double({ min: -1e-3, max: 1e-3, noNaN: true }), fc.integer({ min: -600, max: 600 }).map((k) => k / 4096)),
        (e, m, bias, rounding, negZero, x) => {
          const yes = new MinifloatFormat({ e, m, bias, rounding, negZero, subnormals: 'yes' });
          const ftz = yes.with({ subnormals: 'ftz' });
          const q = yes.quantize(x);
          const minNormal = 2 ** (1 - bias);
          const neg = x < 0 || Object.is(x, -0);
          const want = Math.abs(q) < minNormal ? (neg && negZero ? -0 : 0) : q;
          expect(Object.is(ftz.quantize(x), want)).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });
  test('every code whose exponent field is 0 decodes to a signed zero', () => {
    const f = new MinifloatFormat({ e: 4, m: 3, bias: 7, subnormals: 'ftz' });
    for (let frac = 0; frac < 8; frac++) {
      expect(Object.is(f.decode(frac), 0)).toBe(true);
      expect(Object.is(f.decode(0x80 + frac), -0)).toBe(true);
    }
  });
});
