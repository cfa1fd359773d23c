/**
 * Shifts (spec §7 for ap_fixed, §8.3 for ap_int). Every shift is a raw shift of the W-bit pattern and the
 * result keeps the left operand's type, modes included: nothing is quantized or saturated (quirk #18),
 * and `<<=`/`>>=` are the same operation.
 *
 * The amount decides the direction: a negative C int or a negative signed ap_int reverses it.
 */
import { wrap } from './bits.js';
import { fixedIntegerPart } from './convert.js';
import { InvalidArgumentError, UndefinedBehaviourError } from './errors.js';
import { IntType, type ApType } from './types.js';
import { ApValue } from './value.js';

/** A shift of `bits` places; left when `left`, else right. `bits` is unbounded and nonnegative. */
export interface ShiftAmount {
  readonly left: boolean;
  readonly bits: bigint;
}

function note(notes: number[] | undefined, quirk: number): void {
  if (notes && !notes.includes(quirk)) notes.push(quirk);
}

/**
 * A C int amount (a JS number): negative reverses the direction. Only unsigned C types keep a huge
 * amount as is, which a JS number cannot express, so the number is read as a C int (32-bit signed).
 */
function cIntAmount(n: number, left: boolean): ShiftAmount {
  if (!Number.isSafeInteger(n) || n < -(2 ** 31) || n >= 2 ** 31) {
    throw new InvalidArgumentError('shift amount', n, 'an integer in the C int range -2^31 .. 2^31-1');
  }
  return n < 0 ? { left: !left, bits: BigInt(-n) } : { left, bits: BigInt(n) };
}

/**
 * Quirk #12 (spec §12, §8.3): an ap_int shifted by an ap_[u]int. A negative signed amount flips the
 * direction and becomes (-b) mod 2^W2; in every case the amount is then cut to its low 32 bits
 * (the headers pass it through to_uint()), so 2^32+1 shifts by 1 and 2^123 by 0.
 */
export function intShiftAmount(amount: ApValue, left: boolean, notes?: number[]): ShiftAmount {
  const b = amount.raw;
  const negative = amount.type.signed && b < 0n;
  const magnitude = negative ? BigInt.asUintN(amount.type.width, -b) : BigInt.asUintN(amount.type.width, b);
  const cut = BigInt.asUintN(32, magnitude);
  if (cut !== magnitude) note(notes, 12);
  return { left: negative ? !left : left, bits: cut };
}

/**
 * An ap_fixed shifted by an ap_int<W2> uses the amount's to_int() (low 32 bits, signed: a negative
 * value reverses), by an ap_uint<W2> its to_uint() (low 32 bits, never reverses) (spec §7.1).
 */
function fixedShiftAmountOfInt(amount: ApValue, left: boolean): ShiftAmount {
  if (amount.type.signed) {
    const n = BigInt.asIntN(32, amount.raw);
    return n < 0n ? { left: !left, bits: -n } : { left, bits: n };
  }
  return { left, bits: BigInt.asUintN(32, amount.raw) };
}

/** An ap_fixed amount goes through its integer part, to_ap_int_base() (spec §7.1, §4.2). */
function integerAmount(amount: ApValue): ApValue {
  if (amount.type.kind === 'int') return amount;
  if (amount.type.intBits < 0) {
    throw new UndefinedBehaviourError(
      `shift by ${amount.type}: its integer part is undefined in the vendor's headers for I < 0 (spec §4.2)`,
    );
  }
  const t = new IntType(Math.max(amount.type.intBits, 1), amount.type.signed);
  return ApValue.fromRaw(t, fixedIntegerPart(amount.raw, amount.type));
}

function amountOf(a: ApType, amount: ApValue | number, left: boolean, notes?: number[]): ShiftAmount {
  if (typeof amount === 'number') return cIntAmount(amount, left);
  if (!(amount instanceof ApValue)) throw new InvalidArgumentError('shift amount', amount, 'a number or an ApValue');
  const n = integerAmount(amount);
  return a.kind === 'int' ? intShiftAmount(n, left, notes) : fixedShiftAmountOfInt(n, left);
}

/** The raw W-bit shift of the vendor: zeros in from the right, sign (or zero) fill from the left. */
export function rawShift(raw: bigint, type: ApType, s: ShiftAmount): bigint {
  const W = BigInt(type.width);
  if (s.left) return s.bits >= W ? 0n : wrap(raw << s.bits, type.width, type.signed);
  // raw is already sign-extended for signed types and nonnegative for unsigned ones
  if (s.bits >= W) return raw < 0n ? -1n : 0n;
  return raw >> s.bits;
}

/** Whether the shifted value differs from the exact value·2^±n (bits fell off either end). */
function lostBits(before: bigint, after: bigint, s: ShiftAmount, width: number): boolean {
  if (before === 0n) return false;
  if (s.bits >= BigInt(width)) return true;
  return s.left ? after >> s.bits !== before : after << s.bits !== before;
}

function shift(a: ApValue, amount: ApValue | number, left: boolean, notes?: number[]): ApValue {
  const s = amountOf(a.type, amount, left, notes);
  const raw = rawShift(a.raw, a.type, s);
  // The vendor keeps the type and neither rounds nor saturates (quirk #18); tell when that lost bits.
  if (a.type.kind === 'fixed' && lostBits(a.raw, raw, s, a.type.width)) note(notes, 18);
  return ApValue.fromRaw(a.type, raw);
}

/** `a << amount` (also `a <<= amount`). A number is a C int. */
export function shiftLeft(a: ApValue, amount: ApValue | number, notes?: number[]): ApValue {
  return shift(a, amount, true, notes);
}

/** `a >> amount` (also `a >>= amount`): arithmetic for signed types, logical for unsigned ones. */
export function shiftRight(a: ApValue, amount: ApValue | number, notes?: number[]): ApValue {
  return shift(a, amount, false, notes);
}
