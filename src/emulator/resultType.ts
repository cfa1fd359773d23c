/**
 * The type of every operator's result, as the vendor's headers declare it (spec §5.1 for ap_fixed,
 * §8.1 for ap_int). Codegen needs these on their own, so they depend on types only, never on values.
 *
 * Mixing: as soon as one operand is an ap_[u]fixed the fixed-point formulas apply, with an ap_[u]int<W>
 * (and a C integer, which is an ap_int<32> etc., see `C_INT`) read as the fixed format (W, W, S).
 * Fixed results carry the default modes (AP_TRN, AP_WRAP, 0); shifts keep the left operand's full type.
 */
import { InvalidArgumentError } from './errors.js';
import { FixedType, IntType, type ApType } from './types.js';

export const BINARY_OPS = ['+', '-', '*', '/', '%', '&', '|', '^', '<<', '>>'] as const;
export type BinaryOp = (typeof BINARY_OPS)[number];
export type ArithmeticOp = '+' | '-' | '*' | '/' | '%';
export type LogicOp = '&' | '|' | '^';
export type ShiftOp = '<<' | '>>';

export const UNARY_OPS = ['neg', '~'] as const;
export type UnaryOp = (typeof UNARY_OPS)[number];

export function isBinaryOp(op: string): op is BinaryOp {
  return (BINARY_OPS as readonly string[]).includes(op);
}

const b01 = (x: boolean): number => (x ? 1 : 0);

/** An operand as the fixed-point formulas see it: (W, I, S), F = W - I. */
interface Format {
  readonly w: number;
  readonly i: number;
  readonly f: number;
  readonly s: boolean;
}

function format(t: ApType): Format {
  return { w: t.width, i: t.intBits, f: t.width - t.intBits, s: t.signed };
}

function plainFixed(width: number, intBits: number, signed: boolean, op: string, a: ApType, b?: ApType): FixedType {
  try {
    return new FixedType(width, intBits, signed);
  } catch (e) {
    if (e instanceof InvalidArgumentError) {
      const operands = b ? `${a} ${op} ${b}` : `${op}(${a})`;
      throw new InvalidArgumentError('operands', operands, `operands whose result type is valid (${e.message})`);
    }
    throw e;
  }
}

function plainInt(width: number, signed: boolean, op: string, a: ApType, b?: ApType): IntType {
  try {
    return new IntType(width, signed);
  } catch (e) {
    if (e instanceof InvalidArgumentError) {
      const operands = b ? `${a} ${op} ${b}` : `${op}(${a})`;
      throw new InvalidArgumentError('operands', operands, `operands whose result type is valid (${e.message})`);
    }
    throw e;
  }
}

/** Fixed-point result types (spec §5.1). */
function fixedResultType(op: BinaryOp, a: ApType, b: ApType): ApType {
  if (op === '<<' || op === '>>') return a;
  if (op === '%') {
    throw new InvalidArgumentError('op', op, `an operator defined for ${a} and ${b} (ap_fixed has no %)`);
  }
  const x = format(a);
  const y = format(b);
  // An unsigned operand mixed with a signed one gets one extra integer bit.
  const ia = x.i + b01(y.s && !x.s);
  const ib = y.i + b01(x.s && !y.s);
  const s = x.s || y.s;
  switch (op) {
    case '+':
    case '-': {
      const i = Math.max(ia, ib) + 1;
      return plainFixed(i + Math.max(x.f, y.f), i, op === '-' ? true : s, op, a, b);
    }
    case '*':
      return plainFixed(x.w + y.w, x.i + y.i, s, op, a, b);
    case '/': {
      const s2 = b01(y.s);
      return plainFixed(s2 + x.w + Math.max(y.f, 0), s2 + x.i + y.f, s, op, a, b);
    }
    case '&':
    case '|':
    case '^': {
      const i = Math.max(ia, ib);
      return plainFixed(i + Math.max(x.f, y.f), i, s, op, a, b);
    }
  }
}

/** ap_int / ap_uint result types (spec §8.1). */
function intResultType(op: BinaryOp, a: IntType, b: IntType): IntType {
  const w1 = a.width;
  const w2 = b.width;
  const s1 = a.signed;
  const s2 = b.signed;
  const A = w1 + b01(s2 && !s1);
  const B = w2 + b01(s1 && !s2);
  switch (op) {
    case '+':
      return plainInt(Math.max(A, B) + 1, s1 || s2, op, a, b);
    case '-':
      return plainInt(Math.max(A, B) + 1, true, op, a, b);
    case '*':
      return plainInt(w1 + w2, s1 || s2, op, a, b);
    case '/':
      return plainInt(w1 + b01(s2), s1 || s2, op, a, b);
    case '%':
      return plainInt(Math.min(w1, w2 + b01(!s2 && s1)), s1, op, a, b);
    case '&':
    case '|':
    case '^':
      return plainInt(Math.max(A, B), s1 || s2, op, a, b);
    case '<<':
    case '>>':
      return a;
  }
}

/** The type of `a op b`. */
export function resultType(op: BinaryOp, a: ApType, b: ApType): ApType {
  if (!isBinaryOp(op)) throw new InvalidArgumentError('op', op, `one of ${BINARY_OPS.join(' ')}`);
  if (a.kind === 'int' && b.kind === 'int') return intResultType(op, a, b);
  return fixedResultType(op, a, b);
}

/** The type of `-a` (op 'neg') or `~a`. */
export function unaryResultType(op: UnaryOp, a: ApType): ApType {
  if (op === '~') return a.kind === 'int' ? a : plainFixed(a.width, a.intBits, a.signed, op, a);
  if (op !== 'neg') throw new InvalidArgumentError('op', op, `one of ${UNARY_OPS.join(', ')}`);
  if (a.kind === 'int') return plainInt(Math.max(a.width, 1 + b01(a.signed)) + 1, true, '-', a);
  return plainFixed(a.width + 1, a.intBits + 1, true, '-', a);
}
