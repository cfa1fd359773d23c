/**
 * The golden-vector records of spec §14.2 (apfixed_public.jsonl.gz): TypeScript types and a strict
 * validator. Unknown ops and unknown fields are errors, never skipped: a field we do not know is a
 * field we would silently not check.
 */
import { ParseError } from '../errors.js';

export interface FixedTypeJson {
  k: 'fixed';
  w: number;
  i: number;
  s: boolean;
  q: string;
  o: string;
  n: number;
}
export interface IntTypeJson {
  k: 'int';
  w: number;
  s: boolean;
}
export type TypeJson = FixedTypeJson | IntTypeJson;

export interface Operand {
  type: TypeJson;
  bits: string;
}
export interface TypedBits {
  type: TypeJson;
  bits: string;
}
export interface CompareOut {
  eq: boolean;
  ne: boolean;
  lt: boolean;
  le: boolean;
  gt: boolean;
  ge: boolean;
}
export interface StringsOut {
  default: string;
  sign_true: string;
  sign_false: string;
}

interface Base<Op extends string> {
  id: string;
  op: Op;
}

export interface FromDoubleRecord extends Base<'from_double'> {
  type: FixedTypeJson;
  in: { f64: string; repr: string; class: string };
  out: { bits: string; f64: string; f64_exact: boolean };
}
export interface CastRecord extends Base<'cast'> {
  src: TypeJson;
  dst: TypeJson;
  in: { bits: string };
  out: { bits: string; bits_assign: string };
}
export const FX_ARITH_OPS = ['fx_add', 'fx_sub', 'fx_mul', 'fx_div'] as const;
export type FxArithOp = (typeof FX_ARITH_OPS)[number];
export interface FxArithRecord extends Base<FxArithOp> {
  a: Operand;
  b: Operand;
  rtype: TypeJson;
  out: { bits: string };
  assign?: { dst: TypeJson; bits: string };
  compound?: { bits: string };
}
export interface FxCmpRecord extends Base<'fx_cmp'> {
  a: Operand;
  b: Operand;
  out: CompareOut;
}
export interface FxCmpDoubleRecord extends Base<'fx_cmp_double'> {
  a: Operand;
  d: { f64: string; repr: string };
  out: CompareOut;
}
export interface FxNegRecord extends Base<'fx_neg'> {
  a: Operand;
  rtype: TypeJson;
  out: { bits: string };
}
export interface FxShiftRecord extends Base<'fx_shift'> {
  a: Operand;
  sh: number;
  out: {
    shl: string;
    shr: string;
    shl_apint8: string;
    shr_apint8: string;
    shl_apuint8?: string;
    shr_apuint8?: string;
    init_shl: string;
    init_shr: string;
    shl_assign: string;
    shr_assign: string;
  };
}
export interface FxToStringRecord extends Base<'fx_to_string'> {
  a: Operand;
  radix: number;
  out: StringsOut;
}
export interface FxRangeRecord extends Base<'fx_range'> {
  a: Operand;
  hi: number;
  lo: number;
  out: { bits: string; bit_hi: boolean; bit_lo: boolean; get_bit_hi_minus_F: boolean };
}
export interface FxIncDecRecord extends Base<'fx_incdec'> {
  a: Operand;
  out: { preinc: string; predec: string };
}
export interface FxConvertRecord extends Base<'fx_convert'> {
  a: Operand;
  out: {
    f64: string;
    f32: string;
    bool: boolean;
    to_int?: number;
    to_int64?: string;
    to_uint64?: string;
    to_ap_int?: TypedBits;
  };
}
export const INT_BINARY_OPS = [
  'int_add',
  'int_sub',
  'int_mul',
  'int_div',
  'int_mod',
  'int_and',
  'int_or',
  'int_xor',
  'int_shl',
  'int_shr',
] as const;
export type IntBinaryOp = (typeof INT_BINARY_OPS)[number];
export interface IntBinaryRecord extends Base<IntBinaryOp> {
  a: Operand;
  b: Operand;
  rtype: TypeJson;
  out: { bits: string };
  compound: { bits: string };
}
export interface IntCmpRecord extends Base<'int_cmp'> {
  a: Operand;
  b: Operand;
  out: CompareOut;
}
export interface IntUnaryRecord extends Base<'int_unary'> {
  a: Operand;
  out: { neg: TypedBits; not: TypedBits; preinc: string; predec: string };
}
export interface IntFromDoubleRecord extends Base<'int_from_double'> {
  type: IntTypeJson;
  in: { f64: string; repr: string };
  out: { bits: string };
}
export interface IntToStringRecord extends Base<'int_to_string'> {
  a: Operand;
  radix: number;
  out: StringsOut;
}
export interface IntRangeRecord extends Base<'int_range'> {
  a: Operand;
  hi: number;
  lo: number;
  out: {
    bits: string;
    bit_hi: boolean;
    bit_lo: boolean;
    range_and_reduce: boolean;
    range_or_reduce: boolean;
    range_xor_reduce: boolean;
    and_reduce: boolean;
    or_reduce: boolean;
    xor_reduce: boolean;
  };
}
export interface IntCintRecord extends Base<'int_cint'> {
  a: Operand;
  k: number;
  out: {
    add: TypedBits;
    sub: TypedBits;
    mul: TypedBits;
    div?: TypedBits;
    mod?: TypedBits;
    rsub: TypedBits;
    eq: boolean;
    lt: boolean;
    gt: boolean;
  };
}
export interface IntConvertRecord extends Base<'int_convert'> {
  a: Operand;
  out: { to_int64: string; to_uint64: string; f64: string; to_int: number; to_uint: number };
}

export type VectorRecord =
  | FromDoubleRecord
  | CastRecord
  | FxArithRecord
  | FxCmpRecord
  | FxCmpDoubleRecord
  | FxNegRecord
  | FxShiftRecord
  | FxToStringRecord
  | FxRangeRecord
  | FxIncDecRecord
  | FxConvertRecord
  | IntBinaryRecord
  | IntCmpRecord
  | IntUnaryRecord
  | IntFromDoubleRecord
  | IntToStringRecord
  | IntRangeRecord
  | IntCintRecord
  | IntConvertRecord;

export type VectorOp = VectorRecord['op'];

/** The top-level fields that hold results (everything else describes the inputs). */
export const RESULT_FIELDS = ['out', 'assign', 'compound'] as const;

// ---------------------------------------------------------------------------------------------
// The validator: a small declarative shape per op, walked with a path for the error messages.

type Leaf = 'hex' | 'f64' | 'f32' | 'bool' | 'int' | 'string' | 'decimal' | 'radix' | 'fixedType' | 'intType' | 'anyType';
interface ObjectShape {
  readonly fields: Readonly<Record<string, Shape>>;
  readonly optional?: readonly string[];
}
type Shape = Leaf | ObjectShape;

const operand: ObjectShape = { fields: { type: 'anyType', bits: 'hex' } };
const typedBits: ObjectShape = { fields: { type: 'anyType', bits: 'hex' } };
const cmpOut: ObjectShape = { fields: { eq: 'bool', ne: 'bool', lt: 'bool', le: 'bool', gt: 'bool', ge: 'bool' } };
const stringsOut: ObjectShape = { fields: { default: 'string', sign_true: 'string', sign_false: 'string' } };
const bitsOut: ObjectShape = { fields: { bits: 'hex' } };

const intBinary: ObjectShape = { fields: { a: operand, b: operand, rtype: 'anyType', out: bitsOut, compound: bitsOut } };
const fxArith: ObjectShape = {
  fields: {
    a: operand,
    b: operand,
    rtype: 'anyType',
    out: bitsOut,
    assign: { fields: { dst: 'anyType', bits: 'hex' } },
    compound: bitsOut,
  },
  optional: ['assign', 'compound'],
};

/** Every op's fields besides `id` and `op`. */
export const RECORD_SHAPES: Readonly<Record<VectorOp, ObjectShape>> = Object.freeze({
  from_double: {
    fields: {
      type: 'fixedType',
      in: { fields: { f64: 'f64', repr: 'string', class: 'string' } },
      out: { fields: { bits: 'hex', f64: 'f64', f64_exact: 'bool' } },
    },
  },
  cast: {
    fields: {
      src: 'anyType',
      dst: 'anyType',
      in: { fields: { bits: 'hex' } },
      out: { fields: { bits: 'hex', bits_assign: 'hex' } },
    },
  },
  fx_add: fxArith,
  fx_sub: fxArith,
  fx_mul: fxArith,
  fx_div: fxArith,
  fx_cmp: { fields: { a: operand, b: operand, out: cmpOut } },
  fx_cmp_double: { fields: { a: operand, d: { fields: { f64: 'f64', repr: 'string' } }, out: cmpOut } },
  fx_neg: { fields: { a: operand, rtype: 'anyType', out: bitsOut } },
  fx_shift: {
    fields: {
      a: operand,
      sh: 'int',
      out: {
        fields: {
          shl: 'hex',
          shr: 'hex',
          shl_apint8: 'hex',
          shr_apint8: 'hex',
          shl_apuint8: 'hex',
          shr_apuint8: 'hex',
          init_shl: 'hex',
          init_shr: 'hex',
          shl_assign: 'hex',
          shr_assign: 'hex',
        },
        optional: ['shl_apuint8', 'shr_apuint8'],
      },
    },
  },
  fx_to_string: { fields: { a: operand, radix: 'radix', out: stringsOut } },
  fx_range: {
    fields: {
      a: operand,
      hi: 'int',
      lo: 'int',
      out: { fields: { bits: 'hex', bit_hi: 'bool', bit_lo: 'bool', get_bit_hi_minus_F: 'bool' } },
    },
  },
  fx_incdec: { fields: { a: operand, out: { fields: { preinc: 'hex', predec: 'hex' } } } },
  fx_convert: {
    fields: {
      a: operand,
      out: {
        fields: {
          f64: 'f64',
          f32: 'f32',
          bool: 'bool',
          to_int: 'int',
          to_int64: 'decimal',
          to_uint64: 'decimal',
          to_ap_int: typedBits,
        },
        optional: ['to_int', 'to_int64', 'to_uint64', 'to_ap_int'],
      },
    },
  },
  int_add: intBinary,
  int_sub: intBinary,
  int_mul: intBinary,
  int_div: intBinary,
  int_mod: intBinary,
  int_and: intBinary,
  int_or: intBinary,
  int_xor: intBinary,
  int_shl: intBinary,
  int_shr: intBinary,
  int_cmp: { fields: { a: operand, b: operand, out: cmpOut } },
  int_unary: {
    fields: { a: operand, out: { fields: { neg: typedBits, not: typedBits, preinc: 'hex', predec: 'hex' } } },
  },
  int_from_double: {
    fields: { type: 'intType', in: { fields: { f64: 'f64', repr: 'string' } }, out: bitsOut },
  },
  int_to_string: { fields: { a: operand, radix: 'radix', out: stringsOut } },
  int_range: {
    fields: {
      a: operand,
      hi: 'int',
      lo: 'int',
      out: {
        fields: {
          bits: 'hex',
          bit_hi: 'bool',
          bit_lo: 'bool',
          range_and_reduce: 'bool',
          range_or_reduce: 'bool',
          range_xor_reduce: 'bool',
          and_reduce: 'bool',
          or_reduce: 'bool',
          xor_reduce: 'bool',
        },
      },
    },
  },
  int_cint: {
    fields: {
      a: operand,
      k: 'int',
      out: {
        fields: {
          add: typedBits,
          sub: typedBits,
          mul: typedBits,
          div: typedBits,
          mod: typedBits,
          rsub: typedBits,
          eq: 'bool',
          lt: 'bool',
          gt: 'bool',
        },
        optional: ['div', 'mod'],
      },
    },
  },
  int_convert: {
    fields: {
      a: operand,
      out: { fields: { to_int64: 'decimal', to_uint64: 'decimal', f64: 'f64', to_int: 'int', to_uint: 'int' } },
    },
  },
});

export const VECTOR_OPS: readonly VectorOp[] = Object.freeze(Object.keys(RECORD_SHAPES) as VectorOp[]);

export function isVectorOp(op: unknown): op is VectorOp {
  return typeof op === 'string' && Object.prototype.hasOwnProperty.call(RECORD_SHAPES, op);
}

/** A record that does not match its schema. The message names the record, the field and the problem. */
export class RecordSchemaError extends ParseError {
  override name = 'RecordSchemaError';
  constructor(
    readonly recordId: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`record ${recordId}`, field, problem);
    this.message = `record ${recordId}: ${field ? `field '${field}': ` : ''}${problem}`;
  }
}

const QUANT = ['AP_RND', 'AP_RND_ZERO', 'AP_RND_MIN_INF', 'AP_RND_INF', 'AP_RND_CONV', 'AP_TRN', 'AP_TRN_ZERO'];
const OVERFLOW = ['AP_SAT', 'AP_SAT_ZERO', 'AP_SAT_SYM', 'AP_WRAP', 'AP_WRAP_SM'];

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validate a type object; returns a problem or undefined. */
function typeProblem(v: unknown, allowed: 'fixedType' | 'intType' | 'anyType'): string | undefined {
  if (!isPlainObject(v)) return `expected a type object, got ${describe(v)}`;
  const k = v.k;
  if (k === 'int' && allowed !== 'fixedType') {
    return exactKeys(v, ['k', 'w', 's']) ?? intProblem(v.w, 'w', 1) ?? boolProblem(v.s, 's');
  }
  if (k === 'fixed' && allowed !== 'intType') {
    return (
      exactKeys(v, ['k', 'w', 'i', 's', 'q', 'o', 'n']) ??
      intProblem(v.w, 'w', 1) ??
      intProblem(v.i, 'i') ??
      boolProblem(v.s, 's') ??
      (QUANT.includes(v.q as string) ? undefined : `q: expected one of ${QUANT.join(', ')}, got ${describe(v.q)}`) ??
      (OVERFLOW.includes(v.o as string) ? undefined : `o: expected one of ${OVERFLOW.join(', ')}, got ${describe(v.o)}`) ??
      intProblem(v.n, 'n', 0)
    );
  }
  const kinds = allowed === 'anyType' ? '"fixed" or "int"' : allowed === 'fixedType' ? '"fixed"' : '"int"';
  return `k: expected ${kinds}, got ${describe(k)}`;
}

function exactKeys(v: Record<string, unknown>, keys: readonly string[]): string | undefined {
  for (const key of Object.keys(v)) if (!keys.includes(key)) return `unknown field '${key}' in a type`;
  for (const key of keys) if (!(key in v)) return `missing field '${key}' in a type`;
  return undefined;
}
function intProblem(v: unknown, name: string, min?: number): string | undefined {
  if (typeof v !== 'number' || !Number.isInteger(v) || (min !== undefined && v < min)) {
    return `${name}: expected an integer${min !== undefined ? ` >= ${min}` : ''}, got ${describe(v)}`;
  }
  return undefined;
}
function boolProblem(v: unknown, name: string): string | undefined {
  return typeof v === 'boolean' ? undefined : `${name}: expected true or false, got ${describe(v)}`;
}

function leafProblem(v: unknown, leaf: Leaf): string | undefined {
  switch (leaf) {
    case 'hex':
      return typeof v === 'string' && /^[0-9a-f]+$/.test(v) ? undefined : `expected lowercase hex digits, got ${describe(v)}`;
    case 'f64':
      return typeof v === 'string' && /^[0-9a-f]{16}$/.test(v) ? undefined : `expected 16 hex digits (an IEEE-754 double), got ${describe(v)}`;
    case 'f32':
      return typeof v === 'string' && /^[0-9a-f]{8}$/.test(v) ? undefined : `expected 8 hex digits (an IEEE-754 float), got ${describe(v)}`;
    case 'bool':
      return boolProblem(v, 'value');
    case 'int':
      return typeof v === 'number' && Number.isSafeInteger(v) ? undefined : `expected an integer, got ${describe(v)}`;
    case 'string':
      return typeof v === 'string' ? undefined : `expected a string, got ${describe(v)}`;
    case 'decimal':
      return typeof v === 'string' && /^-?\d+$/.test(v) ? undefined : `expected a decimal integer string, got ${describe(v)}`;
    case 'radix':
      return v === 2 || v === 8 || v === 10 || v === 16 ? undefined : `expected 2, 8, 10 or 16, got ${describe(v)}`;
    default:
      return typeProblem(v, leaf);
  }
}

function walk(id: string, op: string, path: string, v: unknown, shape: Shape): void {
  if (typeof shape === 'string') {
    const problem = leafProblem(v, shape);
    if (problem) throw new RecordSchemaError(id, path, problem);
    return;
  }
  if (!isPlainObject(v)) throw new RecordSchemaError(id, path, `expected an object, got ${describe(v)}`);
  for (const key of Object.keys(v)) {
    if (!Object.prototype.hasOwnProperty.call(shape.fields, key)) {
      const where = path ? `'${path}' of op ${op}` : `op ${op}`;
      throw new RecordSchemaError(id, '', `unknown field '${key}' in ${where} (known: ${Object.keys(shape.fields).join(', ')})`);
    }
  }
  for (const [key, sub] of Object.entries(shape.fields)) {
    const childPath = path ? `${path}.${key}` : key;
    if (!(key in v)) {
      if (shape.optional?.includes(key)) continue;
      throw new RecordSchemaError(id, '', `missing field '${childPath}' in op ${op}`);
    }
    walk(id, op, childPath, v[key], sub);
  }
}

/** Check the bit strings of an operand against its own type's width (ceil(W/4) digits). */
function checkOperandWidths(id: string, path: string, v: unknown): void {
  if (!isPlainObject(v)) return;
  if (isPlainObject(v.type) && typeof v.bits === 'string') {
    const w = v.type.w as number;
    const digits = Math.ceil(w / 4);
    if (v.bits.length !== digits) {
      throw new RecordSchemaError(id, `${path}.bits`, `expected ${digits} hex digits for a ${w}-bit type, got ${v.bits.length}`);
    }
  }
}

/**
 * Validate one parsed JSON line as an apfixed golden-vector record. Throws RecordSchemaError naming the
 * record and the offending field: unknown op, unknown field, missing field, wrong encoding.
 */
export function validateRecord(raw: unknown): VectorRecord {
  if (!isPlainObject(raw)) throw new RecordSchemaError('?', '', `expected a JSON object, got ${describe(raw)}`);
  const id = typeof raw.id === 'string' && raw.id ? raw.id : undefined;
  if (id === undefined) throw new RecordSchemaError('?', 'id', `expected a non-empty string, got ${describe(raw.id)}`);
  const op = raw.op;
  if (!isVectorOp(op)) {
    throw new RecordSchemaError(id, 'op', `unknown op ${describe(op)} (known: ${VECTOR_OPS.join(', ')})`);
  }
  const { id: _id, op: _op, ...rest } = raw;
  void _id;
  void _op;
  walk(id, op, '', rest, RECORD_SHAPES[op]);
  for (const key of ['a', 'b']) checkOperandWidths(id, key, rest[key]);
  return raw as unknown as VectorRecord;
}
