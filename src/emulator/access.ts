/**
 * Bit and range access (spec §10): `x[i]`, `x.get_bit(k)`, `x.range(hi, lo)` (read and write,
 * reversed when hi < lo) and the and/or/xor reductions, with the vendor's off-by-one in range
 * reductions (quirk #16) and its sign-extended xor of narrow signed values (quirk #17).
 * Writes bypass conversion: they can store codes no conversion would produce (e.g. a SAT_SYM minimum).
 */
import { mask } from './bits.js';
import { InvalidArgumentError } from './errors.js';
import { ApValue } from './value.js';

export type ReduceOp = 'and' | 'or' | 'xor';

/**
 * An index outside 0..W-1 makes the vendor print a warning (ap_fixed) or abort (ap_int); either way
 * the result is not defined, so it is an error here.
 */
function checkIndex(v: ApValue, index: number, argument: string): void {
  if (!Number.isInteger(index) || index < 0 || index >= v.type.width) {
    throw new InvalidArgumentError(argument, index, `a bit index from 0 to ${v.type.width - 1} for ${v.type}`);
  }
}

/** The W-bit pattern as an unsigned integer. */
function pattern(v: ApValue): bigint {
  return BigInt.asUintN(v.type.width, v.raw);
}

/** `x[i]`: bit i of the raw pattern (not the fixed-point position). */
export function getBit(v: ApValue, index: number): boolean {
  checkIndex(v, index, 'bit index');
  return ((pattern(v) >> BigInt(index)) & 1n) === 1n;
}

/** `x[i] = bit`: a raw bit write, no quantisation or overflow handling. */
export function setBit(v: ApValue, index: number, bit: boolean | 0 | 1): ApValue {
  checkIndex(v, index, 'bit index');
  const b = 1n << BigInt(index);
  const p = bit === true || bit === 1 ? pattern(v) | b : pattern(v) & ~b;
  return ApValue.fromRaw(v.type, p);
}

/** `x.get_bit(k)` on ap_[u]fixed: the bit at the fixed-point position k, i.e. raw bit k + F. */
export function getFixedBit(v: ApValue, k: number): boolean {
  const index = k + v.type.fracBits;
  if (!Number.isInteger(k) || index < 0 || index >= v.type.width) {
    throw new InvalidArgumentError(
      'get_bit position',
      k,
      `a fixed-point bit position from ${-v.type.fracBits} to ${v.type.intBits - 1} for ${v.type} (raw bit = position + F)`,
    );
  }
  return ((pattern(v) >> BigInt(index)) & 1n) === 1n;
}

/** Reverse the low n bits of p. */
function reverseBits(p: bigint, n: number): bigint {
  let out = 0n;
  for (let j = 0; j < n; j++) if ((p >> BigInt(j)) & 1n) out |= 1n << BigInt(n - 1 - j);
  return out;
}

/** The number of bits a range(hi, lo) covers, in either direction. */
export function rangeWidth(hi: number, lo: number): number {
  return Math.abs(hi - lo) + 1;
}

/**
 * `x.range(hi, lo)` as an unsigned integer of |hi−lo|+1 bits. When hi < lo the bits come out reversed:
 * bit j of the result is bit lo−j of x (spec §10).
 */
export function range(v: ApValue, hi: number, lo: number): bigint {
  checkIndex(v, hi, 'range hi');
  checkIndex(v, lo, 'range lo');
  const top = Math.max(hi, lo);
  const bottom = Math.min(hi, lo);
  const n = top - bottom + 1;
  const bits = (pattern(v) >> BigInt(bottom)) & mask(n);
  return hi >= lo ? bits : reverseBits(bits, n);
}

/**
 * `x.range(hi, lo) = bits`: the value is cut to the range width and written into those raw bits,
 * reversed when hi < lo (the inverse of `range`). No quantisation or overflow handling.
 */
export function setRange(v: ApValue, hi: number, lo: number, bits: bigint): ApValue {
  checkIndex(v, hi, 'range hi');
  checkIndex(v, lo, 'range lo');
  const top = Math.max(hi, lo);
  const bottom = Math.min(hi, lo);
  const n = top - bottom + 1;
  let field = BigInt.asUintN(n, bits);
  if (hi < lo) field = reverseBits(field, n);
  const m = mask(n) << BigInt(bottom);
  return ApValue.fromRaw(v.type, (pattern(v) & ~m) | (field << BigInt(bottom)));
}

function reduceBits(p: bigint, n: number, op: ReduceOp): boolean {
  if (op === 'and') return p === mask(n);
  if (op === 'or') return p !== 0n;
  let parity = 0;
  for (let q = p; q !== 0n; q &= q - 1n) parity ^= 1;
  return parity === 1;
}

/** `x.and_reduce()`: all W bits set. */
export function andReduce(v: ApValue): boolean {
  return reduceBits(pattern(v), v.type.width, 'and');
}

/** `x.or_reduce()`: any bit set. */
export function orReduce(v: ApValue): boolean {
  return reduceBits(pattern(v), v.type.width, 'or');
}

/**
 * `x.xor_reduce()`: the parity of the W bits, except that for a signed value of W ≤ 64 the vendor
 * counts the bits of the sign-extended 64-bit storage word (spec §8.5, quirk #17), so a negative value
 * with odd 64−W has its parity flipped. The quirk lives in the single-word storage, which ap_fixed
 * shares, so it is applied to signed ap_fixed of W ≤ 64 too (not covered by the vectors).
 */
export function xorReduce(v: ApValue): boolean {
  if (v.type.signed && v.type.width <= 64) return reduceBits(BigInt.asUintN(64, v.raw), 64, 'xor'); // quirk #17
  return reduceBits(pattern(v), v.type.width, 'xor');
}

/**
 * `x.range(hi, lo).and_reduce()` and friends. The vendor's range reference reduces over the raw bits
 * min(hi,lo) … max(hi,lo)−1 of x, i.e. it skips the highest bit of the range (spec §10, quirk #16): a
 * 1-bit range reduces over no bits (and = true, or = false, xor = false). For a reversed range the
 * skipped bit is still x's highest bit of the span (bit lo), which is bit 0 of the reversed value:
 * the golden vectors (e.g. int_range-5eeb80676c584b84) show the reduction ignores the reversal.
 */
export function rangeReduce(v: ApValue, hi: number, lo: number, op: ReduceOp): boolean {
  checkIndex(v, hi, 'range hi');
  checkIndex(v, lo, 'range lo');
  const bottom = Math.min(hi, lo);
  const n = Math.abs(hi - lo); // quirk #16: the top bit of the span is skipped
  return reduceBits((pattern(v) >> BigInt(bottom)) & mask(n), n, op);
}
