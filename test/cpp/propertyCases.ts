/**
 * fast-check arbitraries for the differential suite: random ap types over the whole parameter space and
 * random or adversarial inputs, packaged as golden-vector records (spec §14.2) without results, so that
 * the TypeScript emulator (evaluateRecord) and the C++ reference (runCppEngine) can both compute them.
 *
 * Every distinct type combination costs a C++ compilation, so cases draw their types from a pool that
 * is itself generated from the seed; values are drawn freely. Cases the vendor's headers do not define
 * (aborts, undefined reads, compile errors: spec §2.6, §11) are never generated.
 */
import fc from 'fast-check';
import { resultType, type BinaryOp } from '../../src/emulator/resultType.js';
import { typeFromJson, typeToJson } from '../../src/emulator/vectors/evaluate.js';
import type { FixedTypeJson, IntTypeJson, TypeJson, VectorRecord } from '../../src/emulator/vectors/schema.js';

export const Q_MODES = ['AP_RND', 'AP_RND_ZERO', 'AP_RND_MIN_INF', 'AP_RND_INF', 'AP_RND_CONV', 'AP_TRN', 'AP_TRN_ZERO'] as const;
export const O_MODES = ['AP_SAT', 'AP_SAT_ZERO', 'AP_SAT_SYM', 'AP_WRAP', 'AP_WRAP_SM'] as const;
/** Fixed-point widths above the vendor's AP_INT_MAX_W make its headers exit (spec §11.1). */
const MAX_FIXED_W = 1024;
const BOUNDARY_W = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 52, 53, 54, 63, 64, 65, 96, 127, 128, 129];

// ------------------------------------------------------------------------------------- types

const widthArb = (big: boolean): fc.Arbitrary<number> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 1, max: 72 }) },
    { weight: 3, arbitrary: fc.constantFrom(...BOUNDARY_W) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 128 }) },
    // up to 1000 so that -a, ++a and the comparison alignment stay within AP_INT_MAX_W = 1024
    { weight: big ? 1 : 0, arbitrary: fc.integer({ min: 129, max: 1000 }) },
  );

export const fixedTypeArb = (big = true): fc.Arbitrary<FixedTypeJson> =>
  widthArb(big).chain((w) =>
    fc
      .record({
        i: fc.oneof(
          { weight: 4, arbitrary: fc.integer({ min: -8, max: w + 8 }) },
          { weight: 2, arbitrary: fc.constantFrom(-8, -1, 0, 1, w - 1, w, w + 1, w + 8) },
          { weight: 1, arbitrary: fc.integer({ min: -40, max: w + 40 }) },
        ),
        s: fc.boolean(),
        q: fc.constantFrom(...Q_MODES),
        o: fc.constantFrom(...O_MODES),
        nSmall: fc.integer({ min: 0, max: Math.min(3, w) }),
        nAny: fc.integer({ min: 0, max: w }),
        wideN: fc.integer({ min: 0, max: 9 }),
      })
      .map(({ i, s, q, o, nSmall, nAny, wideN }): FixedTypeJson => {
        // ap_ufixed with AP_WRAP_SM exits in the vendor's headers (spec §11.1)
        const om = !s && o === 'AP_WRAP_SM' ? 'AP_WRAP' : o;
        const wrap = om === 'AP_WRAP' || om === 'AP_WRAP_SM';
        return { k: 'fixed', w, i, s, q, o: om, n: wrap ? (wideN === 0 ? nAny : nSmall) : 0 };
      }),
  );

export const intTypeArb = (big = true): fc.Arbitrary<IntTypeJson> =>
  fc.record({ w: widthArb(big), s: fc.boolean() }).map(({ w, s }): IntTypeJson => ({ k: 'int', w, s }));

const anyTypeArb = (big = true): fc.Arbitrary<TypeJson> =>
  fc.oneof({ weight: 3, arbitrary: fixedTypeArb(big) as fc.Arbitrary<TypeJson> }, { weight: 1, arbitrary: intTypeArb(big) as fc.Arbitrary<TypeJson> });

const ib = (t: TypeJson): number => (t.k === 'int' ? t.w : t.i);
const fb = (t: TypeJson): number => (t.k === 'int' ? 0 : t.w - t.i);

/** Spec §2.6: a debug-build assertion aborts these conversions (independent of the value). */
export function conversionAborts(src: TypeJson, dst: TypeJson): boolean {
  if (dst.k !== 'fixed') return false;
  if (dst.q === 'AP_TRN') return false;
  if (dst.q === 'AP_TRN_ZERO' && !src.s) return false;
  return ib(src) + fb(dst) < 0;
}

const OP_SYMBOL: Readonly<Record<string, BinaryOp>> = {
  fx_add: '+', fx_sub: '-', fx_mul: '*', fx_div: '/',
  int_add: '+', int_sub: '-', int_mul: '*', int_div: '/', int_mod: '%',
  int_and: '&', int_or: '|', int_xor: '^', int_shl: '<<', int_shr: '>>',
};

/** The result type the emulator predicts; the C++ engine reports its own and flags a difference. */
export function rtypeOf(op: string, a: TypeJson, b: TypeJson): TypeJson {
  return typeToJson(resultType(OP_SYMBOL[op]!, typeFromJson(a), typeFromJson(b)));
}

// ------------------------------------------------------------------------------------ values

const mask = (w: number): bigint => (1n << BigInt(w)) - 1n;
export function hexOf(v: bigint, w: number): string {
  return (v & mask(w)).toString(16).padStart(Math.ceil(w / 4), '0');
}

/** Raw W-bit patterns: uniform, range edges, and small signed values around zero. */
export const bitsArb = (w: number): fc.Arbitrary<string> => {
  const top = 1n << BigInt(w - 1);
  const edges = [0n, 1n, mask(w), top, top - 1n, top + 1n, mask(w) - 1n, 2n];
  return fc
    .oneof(
      { weight: 4, arbitrary: fc.bigInt({ min: 0n, max: mask(w) }) },
      { weight: 2, arbitrary: fc.constantFrom(...edges) },
      { weight: 2, arbitrary: fc.integer({ min: -20, max: 20 }).map((k) => BigInt(k)) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: w - 1 }).map((k) => 1n << BigInt(k)) },
    )
    .map((v) => hexOf(v, w));
};

const f64View = new DataView(new ArrayBuffer(8));
export function f64Hex(x: number): string {
  f64View.setFloat64(0, x);
  return f64View.getBigUint64(0).toString(16).padStart(16, '0');
}
function fromF64Bits(b: bigint): number {
  f64View.setBigUint64(0, BigInt.asUintN(64, b));
  return f64View.getFloat64(0);
}
const SPECIAL_F64 = [
  '0000000000000000', '8000000000000000', '7ff8000000000000', 'fff8000000000000', '7ff4000000000000',
  '7ff0000000000000', 'fff0000000000000', '0000000000000001', '8000000000000001', '0010000000000000',
  '7fefffffffffffff', 'ffefffffffffffff', '3c30000000000000', 'bc30000000000000', '000fffffffffffff',
];

/**
 * Doubles aimed at a fixed format with F fraction bits and integer range [lo, hi] in LSBs:
 * grid values, exact ties, neighbours of ties, values just past the range, specials, anything.
 */
export const doubleArb = (F: number, w: number, signed: boolean): fc.Arbitrary<string> => {
  const span = Math.min(w, 60);
  const kArb = fc.bigInt({ min: signed ? -(1n << BigInt(span)) : -4n, max: 1n << BigInt(span) });
  const scale = (k: bigint, extra: number): number => Number(k) * 2 ** (-F - extra);
  return fc.oneof(
    { weight: 3, arbitrary: kArb.map((k) => f64Hex(scale(k, 2))) },
    { weight: 3, arbitrary: kArb.map((k) => f64Hex(scale(2n * k + 1n, 1))) },
    {
      weight: 2,
      arbitrary: fc.tuple(kArb, fc.integer({ min: -2, max: 2 })).map(([k, d]) => {
        const bits = BigInt('0x' + f64Hex(scale(2n * k + 1n, 1)));
        return f64Hex(fromF64Bits(bits + BigInt(d)));
      }),
    },
    { weight: 1, arbitrary: fc.constantFrom(...SPECIAL_F64) },
    { weight: 1, arbitrary: fc.double().map(f64Hex) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: -1100, max: 1100 }), fc.double({ min: -2, max: 2, noNaN: true }))
        .map(([e, m]) => f64Hex(m * 2 ** e)),
    },
  );
};

// ------------------------------------------------------------------------------------- pools

export interface Pools {
  fromDouble: FixedTypeJson[];
  intFromDouble: IntTypeJson[];
  cast: Array<[TypeJson, TypeJson]>;
  fxBin: Array<{ op: string; a: FixedTypeJson; b: TypeJson; assign?: FixedTypeJson; compound: boolean }>;
  fxCmp: Array<[FixedTypeJson, TypeJson]>;
  fxUnary: FixedTypeJson[];
  intBin: Array<{ op: string; a: IntTypeJson; b: IntTypeJson }>;
  intUnary: IntTypeJson[];
}

function fitsVendor(t: TypeJson): boolean {
  return t.k === 'int' || t.w <= MAX_FIXED_W;
}

/** The type combinations of one run, drawn from the seed; `scale` multiplies every pool's size. */
export function makePools(seed: number, scale: number): Pools {
  const n = (k: number): number => Math.max(1, Math.round(k * scale));
  const sample = <T>(arb: fc.Arbitrary<T>, count: number, salt: number): T[] => fc.sample(arb, { seed: seed + salt, numRuns: count });
  const fromDouble = sample(fixedTypeArb(), n(30), 1);
  const intFromDouble = sample(intTypeArb(), n(10), 2);
  const cast = sample(fc.tuple(anyTypeArb(), anyTypeArb()), n(50), 3).filter(
    ([s, d]) => !conversionAborts(s, d) && !(s.k === 'fixed' && d.k === 'int' && s.i < 0),
  );
  const fxBin: Pools['fxBin'] = [];
  const fxOps = ['fx_add', 'fx_sub', 'fx_mul', 'fx_div'];
  sample(fc.tuple(fixedTypeArb(), anyTypeArb(), fixedTypeArb(false), fc.boolean()), n(80), 4).forEach(([a, b, c, withAssign], k) => {
    const op = fxOps[k % 4]!;
    const r = rtypeOf(op, a, b);
    if (!fitsVendor(r)) return;
    const assign = withAssign && !conversionAborts(r, c) ? c : undefined;
    fxBin.push({ op, a, b, assign, compound: !conversionAborts(r, a) });
  });
  const fxCmp = sample(fc.tuple(fixedTypeArb(), anyTypeArb()), n(20), 5).filter(
    ([a, b]) => Math.abs(fb(a) - fb(b)) + Math.max(a.w, b.w) + 1 <= MAX_FIXED_W,
  );
  const fxUnary = sample(fixedTypeArb(), n(25), 6);
  const intOps = ['int_add', 'int_sub', 'int_mul', 'int_div', 'int_mod', 'int_and', 'int_or', 'int_xor', 'int_shl', 'int_shr', 'int_cmp'];
  const intBin = sample(fc.tuple(intTypeArb(), intTypeArb()), n(88), 7).map(([a, b], k) => ({ op: intOps[k % intOps.length]!, a, b }));
  const intUnary = sample(intTypeArb(), n(20), 8);
  return { fromDouble, intFromDouble, cast, fxBin, fxCmp, fxUnary, intBin, intUnary };
}

// ------------------------------------------------------------------------------------- cases

const operandArb = (t: TypeJson): fc.Arbitrary<{ type: TypeJson; bits: string }> => bitsArb(t.w).map((bits) => ({ type: t, bits }));
const pick = <T>(pool: readonly T[]): fc.Arbitrary<T> => fc.integer({ min: 0, max: pool.length - 1 }).map((i) => pool[i]!);
const nonZero = (o: { type: TypeJson; bits: string }): boolean => !/^0+$/.test(o.bits);

type Rec = Record<string, unknown>;
const CMP_OUT = { eq: false, ne: false, lt: false, le: false, gt: false, ge: false };
const STR_OUT = { default: '', sign_true: '', sign_false: '' };

/** One record of any op of spec §14.2, with an `out` skeleton naming the fields to compute. */
export function caseArb(p: Pools): fc.Arbitrary<VectorRecord> {
  const fam: Array<{ weight: number; arbitrary: fc.Arbitrary<Rec> }> = [];
  const add = (weight: number, arbitrary: fc.Arbitrary<Rec>, enabled = true): void => {
    if (enabled) fam.push({ weight, arbitrary });
  };
  add(
    20,
    pick(p.fromDouble).chain((t) =>
      doubleArb(t.w - t.i, t.w, t.s).map((f64) => ({ op: 'from_double', type: t, in: { f64, repr: '', class: 'random' }, out: { bits: '', f64: '', f64_exact: false } })),
    ),
  );
  add(
    4,
    pick(p.intFromDouble).chain((t) => doubleArb(0, t.w, t.s).map((f64) => ({ op: 'int_from_double', type: t, in: { f64, repr: '' }, out: { bits: '' } }))),
  );
  add(
    10,
    pick(p.cast).chain(([src, dst]) => bitsArb(src.w).map((bits) => ({ op: 'cast', src, dst, in: { bits }, out: { bits: '', bits_assign: '' } }))),
    p.cast.length > 0,
  );
  add(
    16,
    pick(p.fxBin).chain((c) =>
      fc.tuple(operandArb(c.a), operandArb(c.b)).filter(([, b]) => c.op !== 'fx_div' || nonZero(b)).map(([a, b]) => {
        const r: Rec = { op: c.op, a, b, rtype: rtypeOf(c.op, c.a, c.b), out: { bits: '' } };
        if (c.assign) r.assign = { dst: c.assign, bits: '' };
        if (c.compound) r.compound = { bits: '' };
        return r;
      }),
    ),
    p.fxBin.length > 0,
  );
  add(
    5,
    pick(p.fxCmp).chain(([ta, tb]) => fc.tuple(operandArb(ta), operandArb(tb)).map(([a, b]) => ({ op: 'fx_cmp', a, b, out: CMP_OUT }))),
    p.fxCmp.length > 0,
  );
  const unary = (weight: number, filter: (t: FixedTypeJson) => boolean, build: (a: { type: TypeJson; bits: string }, t: FixedTypeJson) => fc.Arbitrary<Rec>): void => {
    const pool = p.fxUnary.filter(filter);
    add(weight, pick(pool).chain((t) => operandArb(t).chain((a) => build(a, t))), pool.length > 0);
  };
  unary(3, () => true, (a, t) => doubleArb(t.w - t.i, t.w, t.s).map((f64) => ({ op: 'fx_cmp_double', a, d: { f64, repr: '' }, out: CMP_OUT })));
  unary(2, () => true, (a, t) => fc.constant({ op: 'fx_neg', a, rtype: { ...t, w: t.w + 1, i: t.i + 1, s: true, q: 'AP_TRN', o: 'AP_WRAP', n: 0 }, out: { bits: '' } }));
  unary(3, () => true, (a, t) =>
    fc.oneof(fc.integer({ min: -t.w - 2, max: t.w + 2 }), fc.integer({ min: -300, max: 300 })).map((sh) => {
      const out: Rec = { shl: '', shr: '', shl_apint8: '', shr_apint8: '' };
      if (sh >= 0) Object.assign(out, { shl_apuint8: '', shr_apuint8: '' });
      Object.assign(out, { init_shl: '', init_shr: '', shl_assign: '', shr_assign: '' });
      return { op: 'fx_shift', a, sh, out };
    }),
  );
  unary(3, (t) => t.i <= t.w && t.w - t.i <= 1024, (a) => fc.constantFrom(2, 8, 10, 16).map((radix) => ({ op: 'fx_to_string', a, radix, out: STR_OUT })));
  unary(2, () => true, (a, t) =>
    fc.tuple(fc.integer({ min: 0, max: t.w - 1 }), fc.integer({ min: 0, max: t.w - 1 })).map(([hi, lo]) => ({
      op: 'fx_range', a, hi, lo, out: { bits: '', bit_hi: false, bit_lo: false, get_bit_hi_minus_F: false },
    })),
  );
  // ++/-- add the constant 1.0 as ap_ufixed<F+1,1>; the sum (F+2 bits) or the always-signed difference (up
  // to F+3) must stay within AP_INT_MAX_W = 1024, or the vendor's headers exit (spec §11.1) and ours refuse
  // to compile. F = W - I exceeds W when I < 0, so W <= 1000 alone does not ensure it (seed 858482847 drew
  // ap_ufixed<1000,-36>).
  unary(2, (t) => t.i <= t.w && t.w - t.i + 3 <= MAX_FIXED_W, (a) => fc.constant({ op: 'fx_incdec', a, out: { preinc: '', predec: '' } }));
  unary(3, () => true, (a, t) => {
    const out: Rec = { f64: '', f32: '', bool: false };
    if (t.i >= 0) Object.assign(out, { to_int: 0, to_int64: '', to_uint64: '', to_ap_int: { type: { k: 'int', w: 1, s: false }, bits: '' } });
    return fc.constant({ op: 'fx_convert', a, out });
  });
  add(
    22,
    pick(p.intBin).chain((c) =>
      fc
        .tuple(operandArb(c.a), c.op === 'int_shl' || c.op === 'int_shr' ? shiftAmountArb(c.b, c.a.w) : operandArb(c.b))
        .filter(([, b]) => !(c.op === 'int_div' || c.op === 'int_mod') || nonZero(b))
        .map(([a, b]) =>
          c.op === 'int_cmp'
            ? { op: c.op, a, b, out: CMP_OUT }
            : { op: c.op, a, b, rtype: rtypeOf(c.op, c.a, c.b), out: { bits: '' }, compound: { bits: '' } },
        ),
    ),
  );
  const intUnary = (weight: number, build: (a: { type: TypeJson; bits: string }, t: IntTypeJson) => fc.Arbitrary<Rec>): void => {
    add(weight, pick(p.intUnary).chain((t) => operandArb(t).chain((a) => build(a, t))));
  };
  intUnary(2, (a) => fc.constant({ op: 'int_unary', a, out: { neg: {}, not: {}, preinc: '', predec: '' } }));
  intUnary(2, (a) => fc.constantFrom(2, 8, 10, 16).map((radix) => ({ op: 'int_to_string', a, radix, out: STR_OUT })));
  intUnary(2, (a, t) =>
    fc.tuple(fc.integer({ min: 0, max: t.w - 1 }), fc.integer({ min: 0, max: t.w - 1 })).map(([hi, lo]) => ({
      op: 'int_range', a, hi, lo,
      out: { bits: '', bit_hi: false, bit_lo: false, range_and_reduce: false, range_or_reduce: false, range_xor_reduce: false, and_reduce: false, or_reduce: false, xor_reduce: false },
    })),
  );
  intUnary(2, (a) =>
    fc
      .oneof(fc.integer({ min: -40, max: 40 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.constantFrom(0, -1, 1, -(2 ** 31), 2 ** 31 - 1))
      .map((k) => {
        const out: Rec = { add: {}, sub: {}, mul: {} };
        if (k !== 0) Object.assign(out, { div: {}, mod: {} });
        Object.assign(out, { rsub: {}, eq: false, lt: false, gt: false });
        return { op: 'int_cint', a, k, out };
      }),
  );
  intUnary(2, (a) => fc.constant({ op: 'int_convert', a, out: { to_int64: '', to_uint64: '', f64: '', to_int: 0, to_uint: 0 } }));
  return fc.oneof(...fam).map((r) => ({ id: `prop-${String(r.op)}`, ...r }) as unknown as VectorRecord);
}

/** Shift amounts: mostly small (both signs), sometimes anything the amount type holds. */
function shiftAmountArb(t: IntTypeJson, w: number): fc.Arbitrary<{ type: TypeJson; bits: string }> {
  return fc
    .oneof(
      { weight: 3, arbitrary: fc.integer({ min: -w - 3, max: w + 3 }).map((k) => BigInt(k)) },
      { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: mask(t.w) }) },
      { weight: 1, arbitrary: fc.constantFrom(1n << 32n, (1n << 32n) + 1n, 1n << 31n) },
    )
    .map((v) => {
      const lim = t.s ? 1n << BigInt(t.w - 1) : 1n << BigInt(t.w);
      const val = t.s ? BigInt.asIntN(t.w, v) : BigInt.asUintN(t.w, v);
      return { type: t as TypeJson, bits: hexOf(val >= lim ? 0n : val, t.w) };
    });
}
