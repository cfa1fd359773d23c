/**
 * Runs one golden-vector record (spec §14.2) through the emulator and returns the result fields in
 * exactly the record's encoding, so that expected and computed results compare field by field.
 *
 * The returned object holds the record's result fields: always `out`, plus `assign` and `compound`
 * where the record has them (the fx_/int_ binary ops). Optional fields inside `out` (fx_shift's
 * ap_uint<8> shifts, fx_convert's integer fields, int_cint's div/mod) are produced exactly where the
 * record has them, since their presence is a property of the case, not a result.
 */
import * as access from '../access.js';
import * as arithmetic from '../arithmetic.js';
import { toHexBits, fromHexBits } from '../bits.js';
import * as compare from '../compare.js';
import { toVendorString } from '../format.js';
import * as readout from '../readout.js';
import * as shift from '../shift.js';
import { FixedType, IntType, type ApType, type QuantMode, type OverflowMode } from '../types.js';
import { ApValue, castRaw } from '../value.js';
import type {
  CompareOut,
  Operand,
  TypeJson,
  TypedBits,
  VectorRecord,
  StringsOut,
} from './schema.js';

export type EvaluatedResult = Record<string, unknown>;

/** A record's type object as a type descriptor. */
export function typeFromJson(t: TypeJson): ApType {
  if (t.k === 'int') return new IntType(t.w, t.s);
  return new FixedType(t.w, t.i, t.s, t.q as QuantMode, t.o as OverflowMode, t.n);
}

/** A type descriptor in the records' encoding. */
export function typeToJson(t: ApType): TypeJson {
  if (t.kind === 'int') return { k: 'int', w: t.width, s: t.signed };
  return { k: 'fixed', w: t.width, i: t.intBits, s: t.signed, q: t.quant, o: t.overflow, n: t.satBits };
}

export function operandValue(o: Operand): ApValue {
  const t = typeFromJson(o.type);
  return ApValue.fromRaw(t, fromHexBits(o.bits, t.width, t.signed));
}

function hex(v: ApValue): string {
  return toHexBits(v.raw, v.type.width);
}

function typed(v: ApValue): TypedBits {
  return { type: typeToJson(v.type), bits: hex(v) };
}

function hex64(bits: bigint): string {
  return bits.toString(16).padStart(16, '0');
}

function hex32(bits: number): string {
  return (bits >>> 0).toString(16).padStart(8, '0');
}

export function doubleOfHex(f64: string): number {
  return readout.doubleFromBits(BigInt('0x' + f64));
}

function strings(v: ApValue, radix: number): StringsOut {
  const r = radix as 2 | 8 | 10 | 16;
  return {
    default: toVendorString(v, r),
    sign_true: toVendorString(v, r, true),
    sign_false: toVendorString(v, r, false),
  };
}

function compareOut(c: { eq: boolean; ne: boolean; lt: boolean; le: boolean; gt: boolean; ge: boolean }): CompareOut {
  return { eq: c.eq, ne: c.ne, lt: c.lt, le: c.le, gt: c.gt, ge: c.ge };
}

/** Whether a fixed-point value is exactly some double (normal or subnormal). */
export function isExactlyDouble(v: ApValue): boolean {
  let m = v.raw < 0n ? -v.raw : v.raw;
  if (m === 0n) return true;
  let lsb = -v.type.fracBits;
  while ((m & 1n) === 0n) {
    m >>= 1n;
    lsb += 1;
  }
  const len = m.toString(2).length;
  const msb = lsb + len - 1;
  return len <= 53 && msb <= 1023 && lsb >= -1074;
}

/** The C++ operator behind each binary record op: one table for evaluation and the result-type check. */
export const OP_SYMBOL: Readonly<Record<string, '+' | '-' | '*' | '/' | '%' | '&' | '|' | '^' | '<<' | '>>'>> = {
  fx_add: '+',
  fx_sub: '-',
  fx_mul: '*',
  fx_div: '/',
  int_add: '+',
  int_sub: '-',
  int_mul: '*',
  int_div: '/',
  int_mod: '%',
  int_and: '&',
  int_or: '|',
  int_xor: '^',
  int_shl: '<<',
  int_shr: '>>',
};

/** Every emulator function the evaluator calls, in one place. */
const OPS = {
  ...access,
  ...arithmetic,
  ...compare,
  ...readout,
  ...shift,
  /** `a <<= n` / `a >>= n` for a C int n: the compound form, with n as the ap_int<32> a C int is. */
  compoundShift(op: '<<' | '>>', a: ApValue, n: number): ApValue {
    return arithmetic.compoundAssign(op, a, cInt(n));
  },
};

/** The C `int` k as the vendor's headers see it in mixed expressions: an ap_int<32>. */
function cInt(k: number): ApValue {
  return ApValue.fromRaw(new IntType(32, true), BigInt(k));
}

/**
 * The emulator's result for one record, in the record's own encoding: `{ out, assign?, compound? }`.
 */
export function evaluateRecord(record: VectorRecord): EvaluatedResult {
  const ops = OPS;
  switch (record.op) {
    case 'from_double': {
      const t = typeFromJson(record.type);
      const v = ApValue.fromNumber(t, doubleOfHex(record.in.f64));
      return { out: { bits: hex(v), f64: hex64(ops.toDoubleBits(v)), f64_exact: isExactlyDouble(v) } };
    }
    case 'int_from_double': {
      const v = ApValue.fromNumber(typeFromJson(record.type), doubleOfHex(record.in.f64));
      return { out: { bits: hex(v) } };
    }
    case 'cast': {
      const src = typeFromJson(record.src);
      const dst = typeFromJson(record.dst);
      const x = ApValue.fromRaw(src, fromHexBits(record.in.bits, src.width, src.signed));
      const y = ApValue.fromRaw(dst, castRaw(x.raw, src, dst));
      return { out: { bits: hex(y), bits_assign: hex(y) } };
    }
    case 'fx_add':
    case 'fx_sub':
    case 'fx_mul':
    case 'fx_div': {
      const op = OP_SYMBOL[record.op]!;
      const a = operandValue(record.a);
      const b = operandValue(record.b);
      const r = ops.binary(op, a, b);
      const result: EvaluatedResult = { out: { bits: hex(r) } };
      if (record.assign) {
        const dst = typeFromJson(record.assign.dst);
        result.assign = { dst: record.assign.dst, bits: hex(ApValue.cast(dst, r)) };
      }
      if (record.compound) result.compound = { bits: hex(ops.compoundAssign(op, a, b)) };
      return result;
    }
    case 'fx_cmp':
    case 'int_cmp':
      return { out: compareOut(ops.compare(operandValue(record.a), operandValue(record.b))) };
    case 'fx_cmp_double':
      return { out: compareOut(ops.compareWithDouble(operandValue(record.a), doubleOfHex(record.d.f64))) };
    case 'fx_neg':
      return { out: { bits: hex(ops.neg(operandValue(record.a))) } };
    case 'fx_shift': {
      const a = operandValue(record.a);
      const sh = record.sh;
      const shl = hex(ops.shiftLeft(a, sh));
      const shr = hex(ops.shiftRight(a, sh));
      const int8 = ApValue.fromRaw(new IntType(8, true), BigInt(sh));
      const out: Record<string, string> = {
        shl,
        shr,
        shl_apint8: hex(ops.shiftLeft(a, int8)),
        shr_apint8: hex(ops.shiftRight(a, int8)),
      };
      if ('shl_apuint8' in record.out || 'shr_apuint8' in record.out) {
        const uint8 = ApValue.fromRaw(new IntType(8, false), BigInt(sh));
        if ('shl_apuint8' in record.out) out.shl_apuint8 = hex(ops.shiftLeft(a, uint8));
        if ('shr_apuint8' in record.out) out.shr_apuint8 = hex(ops.shiftRight(a, uint8));
      }
      // `T y = a << sh` copies bits (same type, spec §7.3); `a <<= sh` is the same raw shift
      out.init_shl = shl;
      out.init_shr = shr;
      out.shl_assign = hex(ops.compoundShift('<<', a, sh));
      out.shr_assign = hex(ops.compoundShift('>>', a, sh));
      return { out };
    }
    case 'fx_to_string':
    case 'int_to_string':
      return { out: strings(operandValue(record.a), record.radix) };
    case 'fx_range': {
      const a = operandValue(record.a);
      const bits = ops.range(a, record.hi, record.lo);
      return {
        out: {
          bits: toHexBits(bits, a.type.width),
          bit_hi: ops.getBit(a, record.hi),
          bit_lo: ops.getBit(a, record.lo),
          get_bit_hi_minus_F: ops.getFixedBit(a, record.hi - a.type.fracBits),
        },
      };
    }
    case 'int_range': {
      const a = operandValue(record.a);
      const { hi, lo } = record;
      return {
        out: {
          bits: toHexBits(ops.range(a, hi, lo), a.type.width),
          bit_hi: ops.getBit(a, hi),
          bit_lo: ops.getBit(a, lo),
          range_and_reduce: ops.rangeReduce(a, hi, lo, 'and'),
          range_or_reduce: ops.rangeReduce(a, hi, lo, 'or'),
          range_xor_reduce: ops.rangeReduce(a, hi, lo, 'xor'),
          and_reduce: ops.andReduce(a),
          or_reduce: ops.orReduce(a),
          xor_reduce: ops.xorReduce(a),
        },
      };
    }
    case 'fx_incdec': {
      const a = operandValue(record.a);
      return { out: { preinc: hex(ops.preIncrement(a)), predec: hex(ops.preDecrement(a)) } };
    }
    case 'fx_convert': {
      const a = operandValue(record.a);
      const out: Record<string, unknown> = {
        f64: hex64(ops.toDoubleBits(a)),
        f32: hex32(ops.toFloatBits(a)),
        bool: ops.toBool(a),
      };
      // the integer fields exist only where the vendor's result is defined (I >= 0, spec §11.4)
      if ('to_int' in record.out) out.to_int = ops.toInt(a);
      if ('to_int64' in record.out) out.to_int64 = ops.toInt64(a).toString();
      if ('to_uint64' in record.out) out.to_uint64 = ops.toUint64(a).toString();
      if ('to_ap_int' in record.out) out.to_ap_int = typed(ops.toApInt(a));
      return { out };
    }
    case 'int_add':
    case 'int_sub':
    case 'int_mul':
    case 'int_div':
    case 'int_mod':
    case 'int_and':
    case 'int_or':
    case 'int_xor':
    case 'int_shl':
    case 'int_shr': {
      const op = OP_SYMBOL[record.op]!;
      const a = operandValue(record.a);
      const b = operandValue(record.b);
      return { out: { bits: hex(ops.binary(op, a, b)) }, compound: { bits: hex(ops.compoundAssign(op, a, b)) } };
    }
    case 'int_unary': {
      const a = operandValue(record.a);
      return {
        out: {
          neg: typed(ops.neg(a)),
          not: typed(ops.bitNot(a)),
          preinc: hex(ops.preIncrement(a)),
          predec: hex(ops.preDecrement(a)),
        },
      };
    }
    case 'int_cint': {
      const a = operandValue(record.a);
      const k = cInt(record.k);
      const out: Record<string, unknown> = {
        add: typed(ops.binary('+', a, k)),
        sub: typed(ops.binary('-', a, k)),
        mul: typed(ops.binary('*', a, k)),
      };
      if ('div' in record.out) out.div = typed(ops.binary('/', a, k));
      if ('mod' in record.out) out.mod = typed(ops.binary('%', a, k));
      out.rsub = typed(ops.binary('-', k, a));
      const c = ops.compare(a, k);
      out.eq = c.eq;
      out.lt = c.lt;
      out.gt = c.gt;
      return { out };
    }
    case 'int_convert': {
      const a = operandValue(record.a);
      return {
        out: {
          to_int64: ops.toInt64(a).toString(),
          to_uint64: ops.toUint64(a).toString(),
          f64: hex64(ops.toDoubleBits(a)),
          to_int: ops.toInt(a),
          to_uint: ops.toUint(a),
        },
      };
    }
    default: {
      const never: never = record;
      throw new Error(`evaluateRecord: unhandled op ${(never as { op: string }).op}`);
    }
  }
}

/** The result fields of a record (`out`, and `assign`/`compound` where present), for comparison. */
export function expectedOf(record: VectorRecord): EvaluatedResult {
  const r = record as unknown as Record<string, unknown>;
  const result: EvaluatedResult = { out: r.out };
  if ('assign' in r) result.assign = r.assign;
  if ('compound' in r) result.compound = r.compound;
  return result;
}

export interface FieldMismatch {
  readonly field: string;
  readonly expected: unknown;
  readonly actual: unknown;
}

/**
 * The first field (in the expected object's order, depth first) where `actual` differs from
 * `expected`, with its dotted path; also reports fields present in `actual` only. Undefined if equal.
 */
export function firstMismatch(expected: unknown, actual: unknown, path = ''): FieldMismatch | undefined {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObj(expected) && isObj(actual)) {
    for (const key of Object.keys(expected)) {
      const m = firstMismatch(expected[key], actual[key], path ? `${path}.${key}` : key);
      if (m) return m;
    }
    for (const key of Object.keys(actual)) {
      if (!(key in expected)) return { field: path ? `${path}.${key}` : key, expected: undefined, actual: actual[key] };
    }
    return undefined;
  }
  if (isObj(expected) || isObj(actual)) {
    return JSON.stringify(expected) === JSON.stringify(actual) ? undefined : { field: path, expected, actual };
  }
  return Object.is(expected, actual) ? undefined : { field: path, expected, actual };
}
