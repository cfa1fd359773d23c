/**
 * The operators of ap_[u]fixed and ap_[u]int on values (spec §5 and §8): + - * are exact in their result
 * types, division truncates toward zero inside the headers' internal width, and the logic operators work
 * on the bit patterns aligned at the binary point.
 *
 * Every function takes an optional `notes` array. When a result depends on one of the vendor's
 * surprises (spec §12), its number is pushed there once: the result would differ without the quirk.
 */
import { wrap } from './bits.js';
import { debugBuildAbortWarning } from './convert.js';
import { InvalidArgumentError, UndefinedBehaviourError } from './errors.js';
import { vendorSignedDivide, vendorUnsignedDivide } from './knuthDivision.js';
import { resultType, unaryResultType, type BinaryOp, type LogicOp } from './resultType.js';
import { shiftLeft, shiftRight } from './shift.js';
import { FixedType, type ApType } from './types.js';
import { ApValue } from './value.js';

export type { BinaryOp, LogicOp, UnaryOp } from './resultType.js';

function note(notes: number[] | undefined, quirk: number): void {
  if (notes && !notes.includes(quirk)) notes.push(quirk);
}

function checkOperand(name: string, v: unknown): asserts v is ApValue {
  if (!(v instanceof ApValue)) throw new InvalidArgumentError(name, v, 'an ApValue (ap_[u]int or ap_[u]fixed value)');
}

const fracBits = (t: ApType): number => t.width - t.intBits;

/** raw of v moved onto `frac` fraction bits (frac >= v's own; exact). */
function aligned(v: ApValue, frac: number): bigint {
  return v.raw << BigInt(frac - fracBits(v.type));
}

function exactInResultType(op: '+' | '-' | '*', a: ApValue, b: ApValue): ApValue {
  checkOperand('a', a);
  checkOperand('b', b);
  const rt = resultType(op, a.type, b.type);
  let raw: bigint;
  if (op === '*') {
    raw = a.raw * b.raw; // F1 + F2 fraction bits, as the result type has
  } else {
    const f = fracBits(rt);
    raw = op === '+' ? aligned(a, f) + aligned(b, f) : aligned(a, f) - aligned(b, f);
  }
  // The result types are wide enough for the exact value (spec §5.2, §8.1), so this wrap changes nothing.
  return ApValue.fromRaw(rt, raw);
}

/** `a + b`, exact in resultType('+'). */
export function add(a: ApValue, b: ApValue, _notes?: number[]): ApValue {
  return exactInResultType('+', a, b);
}

/** `a - b`, exact in resultType('-') (always signed). */
export function sub(a: ApValue, b: ApValue, _notes?: number[]): ApValue {
  return exactInResultType('-', a, b);
}

/** `a * b`, exact in resultType('*'). */
export function mul(a: ApValue, b: ApValue, _notes?: number[]): ApValue {
  return exactInResultType('*', a, b);
}

function checkDivisor(b: ApValue, op: string): void {
  if (b.raw === 0n) {
    throw new UndefinedBehaviourError(`${op} by zero (${b.type}): the vendor's headers crash (SIGFPE or assertion, spec §11.3)`);
  }
}

/**
 * Quirk #6 (spec §12, §5.2): the fixed-point quotient is computed in Wd bits and wrapped there before it
 * is extended into the (wider) result type. Only min / (-1 LSB) of two signed operands overflows Wd:
 * the true quotient 2^(Wd-1) comes back as -2^(Wd-1), with the wrong sign.
 */
export function divisionQuotientWrap(quotient: bigint, wd: number, signed: boolean, notes?: number[]): bigint {
  const wrapped = wrap(quotient, wd, signed);
  if (wrapped !== quotient) note(notes, 6);
  return wrapped;
}

/** ap_[u]fixed division (spec §5.2); an ap_int operand is the format (W, W, S). */
function fixedDivide(a: ApValue, b: ApValue, notes?: number[]): ApValue {
  const rt = resultType('/', a.type, b.type);
  const f2 = fracBits(b.type);
  const s1 = a.type.signed;
  const s2 = b.type.signed;
  const x = a.raw << BigInt(Math.max(f2, 0));
  const y = b.raw;
  const wd = Math.max(a.type.width + Math.max(f2, 0) + (s2 && !s1 ? 1 : 0), b.type.width + (s1 && !s2 ? 1 : 0));
  const signed = s1 || s2;
  const d = signed ? vendorSignedDivide(x, y, wd) : vendorUnsignedDivide(x, y, wd);
  // BigInt division truncates toward zero like C: the quotient without quirk #11
  if (d.addBack && d.quotient !== x / y) note(notes, 11);
  return ApValue.fromRaw(rt, divisionQuotientWrap(d.quotient, wd, signed, notes));
}

/** The Wd-bit operands of an ap_int division or remainder, as the headers build them. */
export interface DivisionOperands {
  readonly width: number;
  readonly signed: boolean;
  readonly x: bigint;
  readonly y: bigint;
}

/**
 * Quirk #10 (spec §12, §8.2): ap_int division and remainder run in Wd = max(W1,W2) + (S1||S2) bits whose
 * signedness is the *wider* operand's (S1||S2 when the widths are equal). Both operands are extended by
 * their own signedness to Wd bits and then reinterpreted with that signedness, so a narrower signed
 * operand next to a wider unsigned one is read as a large unsigned pattern.
 */
export function reinterpretForDivision(a: ApValue, b: ApValue): DivisionOperands {
  const w1 = a.type.width;
  const w2 = b.type.width;
  const width = Math.max(w1, w2) + (a.type.signed || b.type.signed ? 1 : 0);
  const signed = w1 > w2 ? a.type.signed : w2 > w1 ? b.type.signed : a.type.signed || b.type.signed;
  return { width, signed, x: wrap(a.raw, width, signed), y: wrap(b.raw, width, signed) };
}

function intDivide(a: ApValue, b: ApValue, notes?: number[]): ApValue {
  const rt = resultType('/', a.type, b.type);
  const d = reinterpretForDivision(a, b);
  const anySigned = a.type.signed || b.type.signed;
  const div = anySigned && d.signed ? vendorSignedDivide(d.x, d.y, d.width) : vendorUnsignedDivide(d.x, d.y, d.width);
  const raw = wrap(div.quotient, rt.width, rt.signed);
  const reinterpreted = wrap(d.x / d.y, rt.width, rt.signed); // the same without quirk #11
  if (raw !== reinterpreted) note(notes, 11);
  if (reinterpreted !== wrap(a.raw / b.raw, rt.width, rt.signed)) note(notes, 10);
  return ApValue.fromRaw(rt, raw);
}

/** `a / b`. Division by zero throws UndefinedBehaviourError (the vendor crashes). */
export function div(a: ApValue, b: ApValue, notes?: number[]): ApValue {
  checkOperand('a', a);
  checkOperand('b', b);
  checkDivisor(b, 'division');
  if (a.type.kind === 'int' && b.type.kind === 'int') return intDivide(a, b, notes);
  return fixedDivide(a, b, notes);
}

/**
 * `a % b` for ap_[u]int (spec §8.2). With a signed left operand the remainder follows the Wd-bit
 * reinterpretation (C remainder if Wd is signed, else the patterns' unsigned remainder); with an unsigned
 * left operand a negative divisor leaves the dividend unchanged.
 */
export function mod(a: ApValue, b: ApValue, notes?: number[]): ApValue {
  checkOperand('a', a);
  checkOperand('b', b);
  const rt = resultType('%', a.type, b.type); // throws for ap_fixed operands: % is not defined there
  checkDivisor(b, 'remainder');
  const d = reinterpretForDivision(a, b);
  let remainder: bigint;
  let exact: bigint;
  let addBack = false;
  if (!a.type.signed && d.y < 0n) {
    remainder = exact = d.x;
  } else {
    const r = a.type.signed && d.signed ? vendorSignedDivide(d.x, d.y, d.width) : vendorUnsignedDivide(d.x, d.y, d.width);
    remainder = r.remainder;
    exact = d.x % d.y;
    addBack = r.addBack;
  }
  const raw = wrap(remainder, rt.width, rt.signed);
  if (addBack && raw !== wrap(exact, rt.width, rt.signed)) note(notes, 11);
  if (wrap(exact, rt.width, rt.signed) !== wrap(a.raw % b.raw, rt.width, rt.signed)) note(notes, 10);
  return ApValue.fromRaw(rt, raw);
}

function logic(op: LogicOp, a: ApValue, b: ApValue): ApValue {
  checkOperand('a', a);
  checkOperand('b', b);
  const rt = resultType(op, a.type, b.type);
  const f = fracBits(rt);
  // Each operand is extended by its own signedness: BigInt's infinite two's complement does exactly that.
  const x = aligned(a, f);
  const y = aligned(b, f);
  const raw = op === '&' ? x & y : op === '|' ? x | y : x ^ y;
  return ApValue.fromRaw(rt, raw);
}

export function bitAnd(a: ApValue, b: ApValue, _notes?: number[]): ApValue {
  return logic('&', a, b);
}

export function bitOr(a: ApValue, b: ApValue, _notes?: number[]): ApValue {
  return logic('|', a, b);
}

export function bitXor(a: ApValue, b: ApValue, _notes?: number[]): ApValue {
  return logic('^', a, b);
}

/** `-a`, exact in unaryResultType('neg'). */
export function neg(a: ApValue, _notes?: number[]): ApValue {
  checkOperand('a', a);
  return ApValue.fromRaw(unaryResultType('neg', a.type), -a.raw);
}

/** `~a`: the W bits inverted. */
export function bitNot(a: ApValue, _notes?: number[]): ApValue {
  checkOperand('a', a);
  return ApValue.fromRaw(unaryResultType('~', a.type), ~a.raw);
}

/** `a op b` for any binary operator; shifts take the amount as an ApValue here (see shift.ts for numbers). */
export function binary(op: BinaryOp, a: ApValue, b: ApValue, notes?: number[]): ApValue {
  switch (op) {
    case '+':
      return add(a, b, notes);
    case '-':
      return sub(a, b, notes);
    case '*':
      return mul(a, b, notes);
    case '/':
      return div(a, b, notes);
    case '%':
      return mod(a, b, notes);
    case '&':
      return bitAnd(a, b, notes);
    case '|':
      return bitOr(a, b, notes);
    case '^':
      return bitXor(a, b, notes);
    case '<<':
      checkOperand('a', a);
      return shiftLeft(a, b, notes);
    case '>>':
      checkOperand('a', a);
      return shiftRight(a, b, notes);
    default:
      throw new InvalidArgumentError('op', op, "one of + - * / % & | ^ << >>");
  }
}

/**
 * `a op= b`: `a op b` converted back into a's own type with a's modes (spec §5.3, §8.1). Shifts are the
 * raw shift of §7.1/§8.3 (already in a's type).
 */
export function compoundAssign(op: BinaryOp, a: ApValue, b: ApValue, notes?: number[]): ApValue {
  checkOperand('a', a);
  checkOperand('b', b);
  if (a.type.kind === 'int' && b.type.kind === 'fixed') {
    throw new InvalidArgumentError(
      'b',
      `${b.type}`,
      `an ap_[u]int operand for ${a.type} ${op}= (compound assignment of an ap_int with an ap_fixed operand is not specified)`,
    );
  }
  const r = binary(op, a, b, notes);
  if (op === '<<' || op === '>>') return r;
  return assignInto(a.type, r, notes);
}

/**
 * `T x = r;`. Quirk #20 (spec §12, §2.6): where the vendor's debug build would abort this conversion on
 * an assertion, hlsq gives the release build's result and notes the condition.
 */
function assignInto(dst: ApType, r: ApValue, notes?: number[]): ApValue {
  if (dst.kind === 'fixed' && debugBuildAbortWarning(r.type, dst) !== null) note(notes, 20);
  return ApValue.cast(dst, r);
}

/**
 * The constant the headers add for ++/-- on an ap_[u]fixed: the value 1.0 as an ap_ufixed<F+1, 1>.
 * Such a type does not exist for I > W, so ++/-- do not compile there (spec §5.3).
 */
function fixedOne(t: FixedType): ApValue {
  if (t.intBits > t.width) {
    throw new InvalidArgumentError(
      'a',
      `${t}`,
      'an ap_[u]fixed with I <= W for ++/-- (the vendor\'s headers do not compile them for I > W)',
    );
  }
  return ApValue.fromRaw(FixedType.unsigned(t.fracBits + 1, 1), 1n << BigInt(t.fracBits));
}

/**
 * Quirk #19 (spec §12, §5.3): ++ on an ap_[u]fixed adds the value 1.0, not one LSB, and converts back
 * with the variable's own modes (a saturating type saturates). ap_int ++ wraps.
 */
export function preIncrement(a: ApValue, notes?: number[]): ApValue {
  checkOperand('a', a);
  if (a.type.kind === 'int') return ApValue.fromRaw(a.type, a.raw + 1n);
  note(notes, 19);
  return assignInto(a.type, add(a, fixedOne(a.type)), notes);
}

/**
 * Quirk #19 (spec §12, §5.3): -- subtracts the value 1.0 through the always-signed result of `-`, so
 * an ap_ufixed at 0 with AP_SAT stays 0 via the underflow path. ap_int -- wraps.
 */
export function preDecrement(a: ApValue, notes?: number[]): ApValue {
  checkOperand('a', a);
  if (a.type.kind === 'int') return ApValue.fromRaw(a.type, a.raw - 1n);
  note(notes, 19);
  return assignInto(a.type, sub(a, fixedOne(a.type)), notes);
}
