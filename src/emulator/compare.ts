/**
 * Comparisons (spec §6). ap_fixed operands are first aligned at the binary point (§6.1), then the two
 * aligned integers are compared with the ap_int rules (§6.2), which copy C's int/unsigned promotions
 * rather than mathematics when the signedness is mixed. Comparisons with a double go through the
 * vendor's to_double() (§6.3).
 */
import { convertToFixed, exactDoubleAsFraction } from './convert.js';
import { InvalidArgumentError } from './errors.js';
import { toDouble } from './readout.js';
import { FixedType, type ApType } from './types.js';
import { ApValue } from './value.js';

export interface Comparison {
  readonly eq: boolean;
  readonly ne: boolean;
  readonly lt: boolean;
  readonly le: boolean;
  readonly gt: boolean;
  readonly ge: boolean;
}

/** An integer operand of a comparison: raw value (already sign-extended by `signed`) in `width` bits. */
export interface ComparedInteger {
  readonly raw: bigint;
  readonly width: number;
  readonly signed: boolean;
}

function note(notes: number[] | undefined, quirk: number): void {
  if (notes && !notes.includes(quirk)) notes.push(quirk);
}

function fromOrder(x: bigint, y: bigint, eq: boolean): Comparison {
  const lt = x < y;
  const gt = x > y;
  // <= is !(>) and >= is !(<) in the headers, so they follow the ordering even when == disagrees
  return { eq, ne: !eq, lt, le: !gt, gt, ge: !lt };
}

function mathematical(x: bigint, y: bigint): Comparison {
  return fromOrder(x, y, x === y);
}

function sameResult(p: Comparison, q: Comparison): boolean {
  return p.eq === q.eq && p.lt === q.lt && p.gt === q.gt && p.le === q.le && p.ge === q.ge && p.ne === q.ne;
}

/**
 * Quirk #7 (spec §12, §6.2), ordering: with mixed signedness, unless both widths are below 32 or the
 * signed operand is strictly wider, both are compared as unsigned patterns of max(Wx,Wy)+1 bits, so a
 * negative value counts as larger than every unsigned one (C's int vs unsigned promotion).
 */
export function orderingKeys(x: ComparedInteger, y: ComparedInteger): [bigint, bigint] {
  if (x.signed === y.signed) return [x.raw, y.raw];
  if (x.width < 32 && y.width < 32) return [x.raw, y.raw];
  const [s, u] = x.signed ? [x, y] : [y, x];
  if (s.width > u.width) return [x.raw, y.raw];
  const m = Math.max(x.width, y.width) + 1;
  return [BigInt.asUintN(m, x.raw), BigInt.asUintN(m, y.raw)];
}

/**
 * Quirk #7 (spec §12, §6.2), equality: the bit patterns are compared after extending each operand by
 * its own signedness to a common width M that depends on the widths and on the left operand's size,
 * so ap_int<32>(-1) != ap_uint<32>(0xFFFFFFFF) while ap_int<64>(-1) == ap_uint<64>(~0).
 */
export function equalityWidth(x: ComparedInteger, y: ComparedInteger): number | undefined {
  if (x.width === y.width && x.signed === y.signed) return undefined; // mathematical
  if (x.width === y.width && x.width <= 64) return 64;
  if (x.width <= 64) return Math.max(x.width, y.width, 32);
  return Math.max(x.width, y.width);
}

/** `x OP y` for two ap_[u]int values (or aligned fixed raws) with the vendor's rules (spec §6.2). */
export function compareIntegers(x: ComparedInteger, y: ComparedInteger, notes?: number[]): Comparison {
  const [kx, ky] = orderingKeys(x, y);
  const m = equalityWidth(x, y);
  const eq = m === undefined ? x.raw === y.raw : BigInt.asUintN(m, x.raw) === BigInt.asUintN(m, y.raw);
  const r = fromOrder(kx, ky, eq);
  if (!sameResult(r, mathematical(x.raw, y.raw))) note(notes, 7);
  return r;
}

const fracBits = (t: ApType): number => t.width - t.intBits;

/** An ap_int operand of a fixed-point comparison is the fixed format (W, W, S) with default modes. */
function asFixedType(t: ApType): FixedType {
  return t.kind === 'fixed' ? t : new FixedType(t.width, t.width, t.signed);
}

/**
 * Quirk #8 (spec §12, §6.1): when the left operand has more fraction bits, the right one is converted
 * to width W2+F1-F2 *with its own modes*. A signed AP_SAT_SYM operand holding its minimum code (which
 * only bit/range writes and shifts can store) becomes min + 1 LSB in that conversion, so `a == b` can
 * be false while `b == a` is true.
 */
export function alignRightOperand(b: ApValue, extraFracBits: number, notes?: number[]): ComparedInteger {
  const t = asFixedType(b.type);
  const wide = t.with({ width: t.width + extraFracBits });
  const raw = convertToFixed({ raw: b.raw, width: t.width, intBits: t.intBits, signed: t.signed }, wide).raw;
  if (raw !== b.raw << BigInt(extraFracBits)) note(notes, 8);
  return { raw, width: wide.width, signed: t.signed };
}

/**
 * The two aligned integers of a fixed-point comparison (spec §6.1). The left operand, when it has
 * fewer fraction bits, gets one extra integer bit and no mode effects.
 */
export function alignOperands(a: ApValue, b: ApValue, notes?: number[]): [ComparedInteger, ComparedInteger] {
  const f1 = fracBits(a.type);
  const f2 = fracBits(b.type);
  const plain = (v: ApValue): ComparedInteger => ({ raw: v.raw, width: v.type.width, signed: v.type.signed });
  if (f1 === f2) return [plain(a), plain(b)];
  if (f1 > f2) return [plain(a), alignRightOperand(b, f1 - f2, notes)];
  const x: ComparedInteger = { raw: a.raw << BigInt(f2 - f1), width: a.type.width + f2 - f1 + 1, signed: a.type.signed };
  return [x, plain(b)];
}

function checkOperand(name: string, v: unknown): asserts v is ApValue {
  if (!(v instanceof ApValue)) throw new InvalidArgumentError(name, v, 'an ApValue (ap_[u]int or ap_[u]fixed value)');
}

/** a == b, a != b, a < b, ... as the vendor's headers evaluate them. */
export function compare(a: ApValue, b: ApValue, notes?: number[]): Comparison {
  checkOperand('a', a);
  checkOperand('b', b);
  const [x, y] = a.type.kind === 'int' && b.type.kind === 'int' ? [
    { raw: a.raw, width: a.type.width, signed: a.type.signed },
    { raw: b.raw, width: b.type.width, signed: b.type.signed },
  ] : alignOperands(a, b, notes);
  return compareIntegers(x, y, notes);
}

/** The exact comparison of a value with a double (NaN compares unordered). */
function exactComparisonWithDouble(a: ApValue, d: number): Comparison {
  if (Number.isNaN(d)) return { eq: false, ne: true, lt: false, le: false, gt: false, ge: false };
  if (!Number.isFinite(d)) return d > 0 ? mathematical(0n, 1n) : mathematical(1n, 0n);
  const f = exactDoubleAsFraction(d);
  const fa = fracBits(a.type);
  const fd = f.width - f.intBits;
  const common = Math.max(fa, fd);
  return mathematical(a.raw << BigInt(common - fa), f.raw << BigInt(common - fd));
}

/**
 * Quirk #9 (spec §12, §6.3): `a OP d` is `a.to_double() OP d`, so the value is first rounded to a
 * double (with to_double's own quirks, e.g. #13 for wide ap_int); ap_fixed<64,64>(2^53+1) == 2^53 is true.
 */
export function compareWithDouble(a: ApValue, d: number, notes?: number[]): Comparison {
  checkOperand('a', a);
  if (typeof d !== 'number') throw new InvalidArgumentError('d', d, 'a number (a C double)');
  const x = toDouble(a);
  const r: Comparison = { eq: x === d, ne: x !== d, lt: x < d, le: x <= d, gt: x > d, ge: x >= d };
  if (notes && !sameResult(r, exactComparisonWithDouble(a, d))) {
    note(notes, 9);
    // an ap_int wider than 64 bits converts only its low 64 bits (quirk #13)
    if (a.type.kind === 'int' && a.type.width > 64 && BigInt.asIntN(64, a.raw) !== a.raw && BigInt.asUintN(64, a.raw) !== a.raw) note(notes, 13);
  }
  return r;
}

/** For tests and `inspect`: the mathematical comparison of two values' exact rational values. */
export function compareExact(a: ApValue, b: ApValue): Comparison {
  const fa = fracBits(a.type);
  const fb = fracBits(b.type);
  const f = Math.max(fa, fb);
  return mathematical(a.raw << BigInt(f - fa), b.raw << BigInt(f - fb));
}
