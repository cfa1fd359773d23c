/**
 * The fast array path equals the exact BigInt path (`fixedFromDouble` per element) on random types and
 * on values aimed at every place the double arithmetic could go wrong: exact ties of the type's LSB,
 * the saturation edges and one ulp around them, -0, subnormals, huge values, NaN of both signs and ±Inf.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  codeArrayKind,
  dyadicToNumber,
  fastDomain,
  kernelSource,
  quantizeArray,
  quantizeArrayReference,
  type CodeArray,
} from '../../src/emulator/arrayQuantize.js';
import { fixedFromDouble } from '../../src/emulator/convert.js';
import { InvalidArgumentError } from '../../src/emulator/errors.js';
import { FixedType, OVERFLOW_MODES, QUANT_MODES, parseFixedType, parseType } from '../../src/emulator/types.js';

const runs = Number(process.env.HLSQ_PROPERTY_RUNS ?? 1500);

const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);
function fromBits(bits: bigint): number {
  U64[0] = bits;
  return F64[0]!;
}
function bitsOf(x: number): bigint {
  F64[0] = x;
  return U64[0]!;
}
/** The adjacent double toward +Inf (dir = 1) or -Inf (dir = -1). */
function nextAfter(x: number, dir: 1 | -1): number {
  if (Number.isNaN(x) || x === dir * Infinity) return x;
  if (x === 0) return dir * 5e-324;
  const b = bitsOf(x);
  return fromBits((x > 0) === (dir > 0) ? b + 1n : b - 1n);
}

const NEG_NAN = fromBits(0xfff8000000000000n);
const NAN_PAYLOAD = fromBits(0x7ff0000000000123n); // a signalling-NaN pattern with a payload
const NEG_NAN_PAYLOAD = fromBits(0xfff4000000abcdefn);
const SPECIALS = [
  0, -0, NaN, NEG_NAN, NAN_PAYLOAD, NEG_NAN_PAYLOAD, Infinity, -Infinity,
  Number.MAX_VALUE, -Number.MAX_VALUE, 1e300, -1e300, 1e-300, -1e-300,
  5e-324, -5e-324, 2.2250738585072009e-308, -2.2250738585072009e-308, // largest subnormal
  2.2250738585072014e-308, -2.2250738585072014e-308, // smallest normal
  1.5e-310, -1.5e-310, 2 ** 52, -(2 ** 52), 2 ** 53 + 2, -(2 ** 53) - 2, 0.5, -0.5, 0.5 - 2 ** -54, -0.5 + 2 ** -54,
];

/** A random type over the vendor's parameter space, mostly in the fast domain, some wider or extreme. */
const typeArb: fc.Arbitrary<FixedType> = fc
  .record({
    w: fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 1, max: 70 }) },
      { weight: 1, arbitrary: fc.constantFrom(31, 32, 33, 51, 52, 53, 54, 64, 65, 100, 200) },
    ),
    iMode: fc.oneof(
      { weight: 9, arbitrary: fc.integer({ min: -10, max: 10 }).map((d) => ({ d })) },
      { weight: 1, arbitrary: fc.constantFrom(1021, 1022, 1100, -960, -970, -1000).map((f) => ({ f })) },
    ),
    atW: fc.boolean(),
    s: fc.boolean(),
    q: fc.constantFrom(...QUANT_MODES),
    o: fc.constantFrom(...OVERFLOW_MODES),
    n: fc.nat(),
  })
  .filter((r) => r.s || r.o !== 'AP_WRAP_SM')
  .map((r) => {
    const i = 'f' in r.iMode ? r.w - r.iMode.f : r.atW ? r.w + r.iMode.d : r.iMode.d;
    const n = r.n % (r.w + 1);
    return new FixedType(r.w, i, r.s, r.q, r.o, n);
  });

/** Values aimed at the type: ties, range edges ±1 ulp, in-range values, specials and arbitrary doubles. */
function valuesArb(t: FixedType): fc.Arbitrary<number[]> {
  const F = t.fracBits;
  const lsb = 2 ** -F; // may be 0 or Infinity for extreme types: the values are then just huge/tiny
  const min = Number(t.minRaw);
  const max = Number(t.maxRaw);
  const code = fc.oneof(
    fc.integer({ min: -3, max: 3 }),
    fc.integer({ min: -3, max: 3 }).map((k) => min + k),
    fc.integer({ min: -3, max: 3 }).map((k) => max + k),
    fc.double({ min: min - 4, max: max + 4, noNaN: true }).map(Math.floor),
  );
  const edge = fc.oneof(
    // exact ties: code + 1/2 LSB, and ±1 ulp around them
    fc.tuple(code, fc.constantFrom(0, 1, -1)).map(([c, u]) => {
      const v = (c + 0.5) * lsb;
      return u === 0 ? v : nextAfter(v, u as 1 | -1);
    }),
    // grid points and ±1 ulp
    fc.tuple(code, fc.constantFrom(0, 1, -1)).map(([c, u]) => {
      const v = c * lsb;
      return u === 0 ? v : nextAfter(v, u as 1 | -1);
    }),
    // saturation edges min - 1/2, max + 1/2 (and ±1 ulp), and a quarter inside/outside
    fc.tuple(fc.constantFrom(min - 0.5, max + 0.5, min - 0.25, max + 0.25, min - 1, max + 1), fc.constantFrom(0, 1, -1)).map(
      ([c, u]) => {
        const v = c * lsb;
        return u === 0 ? v : nextAfter(v, u as 1 | -1);
      },
    ),
    // in range with an arbitrary fraction
    fc.tuple(code, fc.double({ min: 0, max: 1, noNaN: true })).map(([c, f]) => (c + f) * lsb),
    fc.constantFrom(...SPECIALS),
    fc.double(),
    // normally distributed-ish data around the range
    fc.double({ min: -4, max: 4, noNaN: true }).map((z) => z * Math.max(max, 1) * lsb),
  );
  return fc.array(edge, { minLength: 0, maxLength: 40 });
}

function asBigInts(codes: CodeArray): bigint[] {
  return Array.from(codes as ArrayLike<number | bigint>, (c) => BigInt(c));
}

function expectSameAsBigInt(t: FixedType, xs: Float64Array | Float32Array): void {
  const expectedRaw = Array.from(xs, (v) => fixedFromDouble(v, t).raw);
  const codes = quantizeArray(xs, t);
  expect(codes.length).toBe(xs.length);
  const got = asBigInts(codes);
  for (let i = 0; i < xs.length; i++) {
    if (got[i] !== expectedRaw[i]) {
      throw new Error(`${t} codes: x=${xs[i]} (bits ${bitsOf(xs[i]!).toString(16)}) gave ${got[i]}, BigInt path ${expectedRaw[i]}`);
    }
  }
  const values = quantizeArray(xs, t, { output: 'values' });
  for (let i = 0; i < xs.length; i++) {
    const want = dyadicToNumber(expectedRaw[i]!, t.fracBits);
    if (!Object.is(values[i], want)) {
      throw new Error(`${t} values: x=${xs[i]} gave ${values[i]}, BigInt path ${want}`);
    }
  }
}

describe('quantizeArray equals the BigInt path', () => {
  test('random types, directed and random Float64Array values, codes and values', () => {
    fc.assert(
      fc.property(
        typeArb.chain((t) => fc.tuple(fc.constant(t), valuesArb(t))),
        ([t, xs]) => {
          expectSameAsBigInt(t, Float64Array.from(xs));
        },
      ),
      { numRuns: runs },
    );
  });

  test('random types, Float32Array values (widened exactly, float32 specials included)', () => {
    const f32Specials = [1.4e-45, -1.4e-45, 1.1754942e-38, -1.1754942e-38, 3.4028235e38, -3.4028235e38];
    fc.assert(
      fc.property(
        typeArb.chain((t) =>
          fc.tuple(fc.constant(t), fc.array(fc.oneof(valuesArb(t).map((a) => a[0] ?? 0), fc.constantFrom(...f32Specials), fc.float()), { maxLength: 40 })),
        ),
        ([t, xs]) => {
          const f32 = Float32Array.from(xs);
          // NaN payloads survive the float32 store as the widened pattern the BigInt path reads
          expectSameAsBigInt(t, f32);
        },
      ),
      { numRuns: runs },
    );
  });

  function pseudoRandomData(n: number): Float64Array {
    const xs = new Float64Array(n);
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < n; i++) {
      // mostly in range, one in 16 a tie of 2^-10, some far out
      const u = rand();
      xs[i] = i % 16 === 0 ? (Math.floor(u * 80000 - 40000) + 0.5) / 1024 : (u - 0.5) * 80;
    }
    xs[n - 1] = NaN;
    xs[n - 2] = -Infinity;
    xs[n - 3] = -0;
    return xs;
  }

  test('long arrays crossing the chunk size (65,536) keep every element in its place', () => {
    const xs = pseudoRandomData(140_000);
    for (const t of [parseFixedType('ap_fixed<16,6,AP_RND_CONV,AP_SAT>'), parseFixedType('ap_ufixed<10,3,AP_RND,AP_WRAP>')]) {
      expect(quantizeArray(xs, t)).toEqual(quantizeArrayReference(xs, t));
    }
  });

  test('every mode pair of a few usual types on pseudo-random data with ties', () => {
    const xs = pseudoRandomData(3000);
    for (const q of QUANT_MODES) {
      for (const o of OVERFLOW_MODES) {
        for (const [w, i, s, nBits] of [[16, 6, true, 0], [12, 4, false, 0], [16, 6, true, 3], [40, 20, true, 0], [32, 8, true, 1]] as const) {
          if (!s && o === 'AP_WRAP_SM') continue;
          const t = new FixedType(w, i, s, q, o, nBits);
          const want = quantizeArrayReference(xs, t);
          const got = quantizeArray(xs, t);
          expect(asBigInts(got)).toEqual(asBigInts(want));
          const wantV = quantizeArrayReference(xs, t, { output: 'values' });
          expect(quantizeArray(xs, t, { output: 'values' })).toEqual(wantV);
        }
      }
    }
  });

  test('spec §3.6 and §3.1 examples through the array path', () => {
    // -5e-324 with TRN, k=1, i=0, f=-1 (i' = max(i, -f) = 1: ap_fixed<1,2>): x·2^f underflows in
    // doubles; the vendor floors the tiny negative value to -1·LSB = -2
    const t = new FixedType(1, 2, true);
    expect(quantizeArray([-5e-324], t, { output: 'values' })[0]).toBe(-2);
    // -8.0 RND_CONV SAT_SYM ap_fixed<16,4>: raw -32767; +9.0 / -9.0 RND_CONV WRAP_SM: 28671 / -28673
    expect(Array.from(quantizeArray([-8], parseFixedType('ap_fixed<16,4,AP_RND_CONV,AP_SAT_SYM>')) as Int32Array)).toEqual([-32767]);
    expect(Array.from(quantizeArray([9, -9], parseFixedType('ap_fixed<16,4,AP_RND_CONV,AP_WRAP_SM>')) as Int32Array)).toEqual([
      28671, -28673,
    ]);
    // ap_fixed<4,4,AP_RND,AP_WRAP_SM,N>: 19 and -19 for N = 0, 1, 2 (spec §2.4)
    const sm = (n: number) => Array.from(quantizeArray([19, -19], new FixedType(4, 4, true, 'AP_RND', 'AP_WRAP_SM', n)) as Int32Array);
    expect([sm(0), sm(1), sm(2)]).toEqual([[-4, 2], [3, -3], [4, -6]]);
    // NaN/±Inf (spec §3.1): SAT gives max/min by sign, SAT_SYM max/-max, WRAP 0
    const sat = parseFixedType('ap_fixed<8,4,AP_TRN,AP_SAT>');
    expect(Array.from(quantizeArray([Infinity, -Infinity, NaN, NEG_NAN], sat) as Int32Array)).toEqual([127, -128, 127, -128]);
    const sym = parseFixedType('ap_fixed<8,4,AP_TRN,AP_SAT_SYM>');
    expect(Array.from(quantizeArray([Infinity, -Infinity], sym) as Int32Array)).toEqual([127, -127]);
    expect(Array.from(quantizeArray([Infinity, -Infinity, NaN], parseFixedType('ap_fixed<8,4>')) as Int32Array)).toEqual([0, 0, 0]);
  });
});

describe('output containers and the values rule', () => {
  test('codeArrayKind follows the width and signedness', () => {
    expect(codeArrayKind(new FixedType(32, 0, true))).toBe('int32');
    expect(codeArrayKind(new FixedType(31, 0, false))).toBe('int32');
    expect(codeArrayKind(new FixedType(32, 0, false))).toBe('uint64');
    expect(codeArrayKind(new FixedType(64, 0, true))).toBe('int64');
    expect(codeArrayKind(new FixedType(64, 0, false))).toBe('uint64');
    expect(codeArrayKind(new FixedType(65, 0, true))).toBe('bigint');
    expect(quantizeArray([1.5], new FixedType(32, 30, false))).toBeInstanceOf(BigUint64Array);
    expect(quantizeArray([1.5], new FixedType(40, 30, true))).toBeInstanceOf(BigInt64Array);
    expect(Array.isArray(quantizeArray([1.5], new FixedType(80, 30, true)))).toBe(true);
  });

  test('-0 in, +0 out; caller-owned output is filled and returned', () => {
    const t = parseFixedType('ap_fixed<8,4,AP_TRN_ZERO,AP_SAT>');
    const out = new Float64Array(3);
    const r = quantizeArray(new Float64Array([-0, -0.01, 1e-320]), t, { output: 'values', out });
    expect(r).toBe(out);
    expect(Array.from(out).map((v) => Object.is(v, 0))).toEqual([true, true, true]);
    // in place: the values written over the input they come from
    const xs = new Float64Array([0.30001, -7.77, 100, -0]);
    const want = quantizeArrayReference(xs, t, { output: 'values' });
    expect(quantizeArray(xs, t, { output: 'values', out: xs })).toBe(xs);
    expect(xs).toEqual(want);
    const codes = new BigInt64Array(2);
    expect(quantizeArray([-1.5, 2.25], new FixedType(40, 20, true), { out: codes })).toBe(codes);
    expect(Array.from(codes)).toEqual([-3n * 2n ** 19n, 9n * 2n ** 18n]);
  });

  test('values are code·2^-F correctly rounded to a double (ties to even, subnormal, overflow)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }), fc.integer({ min: -900, max: 900 }), (code, f) => {
        // inside the normal range Number(bigint) rounds once and the power-of-two scaling is exact
        expect(Object.is(dyadicToNumber(code, f), Number(code) * 2 ** -f + 0)).toBe(true);
      }),
      { numRuns: runs },
    );
    expect(dyadicToNumber(1n, 1074)).toBe(5e-324);
    expect(dyadicToNumber(1n, 1075)).toBe(0); // a tie between 0 and the smallest subnormal: even
    expect(dyadicToNumber(3n, 1076)).toBe(5e-324); // 0.75 of it rounds up
    expect(dyadicToNumber(3n, 1075)).toBe(1e-323); // 1.5 of it: tie to the even 2·2^-1074
    expect(dyadicToNumber((1n << 54n) - 1n, -971)).toBe(Infinity); // rounds up to 2^1025
    expect(dyadicToNumber(-((1n << 53n) - 1n), -971)).toBe(-Number.MAX_VALUE);
    expect(dyadicToNumber((1n << 60n) + 1n, 0)).toBe(2 ** 60);
  });

  test('the usual benchmark types are in the fast domain; extreme ones are not', () => {
    expect(fastDomain(parseFixedType('ap_fixed<16,6,AP_RND_CONV,AP_SAT>'))).toBe(true);
    expect(fastDomain(new FixedType(53, 0, true))).toBe(true);
    expect(fastDomain(new FixedType(54, 0, true))).toBe(false);
    expect(fastDomain(new FixedType(8, 8 - 1022, true))).toBe(false);
    expect(kernelSource(parseFixedType('ap_fixed<16,6,AP_RND_CONV,AP_SAT>'))).toContain('6755399441055744');
  });

  test('bad input names the argument', () => {
    const t = parseFixedType('ap_fixed<8,4>');
    expect(() => quantizeArray('1,2' as unknown as number[], t)).toThrow(InvalidArgumentError);
    expect(() => quantizeArray([1, '2' as unknown as number], t)).toThrow(/x\[1\]/);
    expect(() => quantizeArray([1], t, { out: new Float64Array(1) as unknown as Int32Array })).toThrow(/out/);
    expect(() => quantizeArray([1, 2], t, { out: new Int32Array(1) })).toThrow(/out.length/);
    expect(() => quantizeArray([1], t, { output: 'bits' as 'values' })).toThrow(/output/);
    expect(() => quantizeArrayReference([1], t, { output: 'bits' as 'values' })).toThrow(/output: got "bits"/);
    expect(() => quantizeArray([1], parseType('ap_int<8>') as unknown as FixedType)).toThrow(/type/);
  });
});
