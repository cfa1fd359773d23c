/**
 * Division as the vendor's headers perform it inside a Wd-bit integer (spec §8.2, §8.4).
 *
 * Up to 64 bits the headers use the machine's native division, which is exact. Above 64 bits the value
 * lives in an array of words and unsigned division goes through a port of an old long-division routine
 * ("algorithm D" on 32-bit digits) whose add-back step is wrong: when a trial quotient digit is one too
 * large it replaces the partial remainder by its complement before adding the divisor back. The
 * quotient digit is corrected, the remainder is not (spec §12, quirk #11). Signed division works on the
 * magnitudes and fixes the signs afterwards, so it inherits the same remainder.
 *
 * Everything here is on unbounded BigInts; the 32/64-bit C arithmetic of the routine is modelled with
 * explicit masks so that even its broken states evolve as the headers' do.
 */
import { UndefinedBehaviourError } from './errors.js';

const DIGIT_BITS = 32n;
const BASE = 1n << DIGIT_BITS;
const DIGIT_MASK = BASE - 1n;
const U64_MASK = (1n << 64n) - 1n;

/** The largest width the headers handle in one machine word. */
export const SINGLE_WORD_BITS = 64;

export interface UnsignedDivision {
  readonly quotient: bigint;
  readonly remainder: bigint;
  /** The multi-word routine ran its (buggy) add-back step at least once. */
  readonly addBack: boolean;
}

function toDigits(v: bigint): bigint[] {
  const digits: bigint[] = [];
  for (let x = v; x > 0n; x >>= DIGIT_BITS) digits.push(x & DIGIT_MASK);
  return digits;
}

function fromDigits(d: readonly bigint[], count = d.length): bigint {
  let v = 0n;
  for (let i = count - 1; i >= 0; i--) v = (v << DIGIT_BITS) | d[i]!;
  return v;
}

function leadingZeros32(d: bigint): number {
  let n = 0;
  for (let bit = 1n << 31n; bit > 0n && (d & bit) === 0n; bit >>= 1n) n++;
  return n;
}

/**
 * Knuth's algorithm D on 32-bit digits, with the vendor's add-back step (spec §8.4, quirk #11).
 * u has m+n significant digits, v has n >= 2 significant digits, u >= v.
 */
export function knuthDivide(dividend: bigint, divisor: bigint): UnsignedDivision {
  const v = toDigits(divisor);
  const n = v.length;
  const uDigits = toDigits(dividend);
  const m = uDigits.length - n;
  if (n < 2 || m < 0) throw new RangeError('knuthDivide needs a divisor of at least two digits and dividend >= divisor');
  // One extra digit above the dividend takes the normalisation spill.
  const u = [...uDigits, 0n];
  const q: bigint[] = new Array<bigint>(m + 1).fill(0n);
  let addBack = false;

  // D1. Normalise: shift both so the divisor's top digit has its top bit set.
  const shift = BigInt(leadingZeros32(v[n - 1]!));
  if (shift > 0n) {
    let carry = 0n;
    for (let i = 0; i < m + n; i++) {
      const out = u[i]! >> (DIGIT_BITS - shift);
      u[i] = ((u[i]! << shift) | carry) & DIGIT_MASK;
      carry = out;
    }
    u[m + n] = carry;
    carry = 0n;
    for (let i = 0; i < n; i++) {
      const out = v[i]! >> (DIGIT_BITS - shift);
      v[i] = ((v[i]! << shift) | carry) & DIGIT_MASK;
      carry = out;
    }
  }
  const vTop = v[n - 1]!;
  const vNext = v[n - 2]!;

  for (let j = m; j >= 0; j--) {
    // D3. Trial digit from the top two digits, with the usual two corrections.
    const top = ((u[j + n]! << DIGIT_BITS) + u[j + n - 1]!) & U64_MASK;
    let qp = top / vTop;
    let rp = top % vTop;
    const tooLarge = (): boolean => qp === BASE || ((qp * vNext) & U64_MASK) > ((BASE * rp + u[j + n - 2]!) & U64_MASK);
    if (tooLarge()) {
      qp -= 1n;
      rp += vTop;
      if (rp < BASE && tooLarge()) qp -= 1n;
    }

    // D4. Multiply and subtract, digit pair by digit pair; a borrow runs up through the whole array.
    let negative = false;
    for (let i = 0; i < n; i++) {
      const pair = u[j + i]! | (u[j + i + 1]! << DIGIT_BITS);
      const subtrahend = (qp * v[i]!) & U64_MASK;
      let borrow = subtrahend > pair;
      const result = (pair - subtrahend) & U64_MASK;
      u[j + i] = result & DIGIT_MASK;
      u[j + i + 1] = result >> DIGIT_BITS;
      for (let k = j + i + 2; borrow && k <= m + n; k++) {
        borrow = u[k] === 0n;
        u[k] = (u[k]! - 1n) & DIGIT_MASK;
      }
      negative ||= borrow;
    }

    // D5/D6. The vendor's add-back: the whole array is replaced by its b's complement first, so the
    // divisor is added to the magnitude of the overshoot rather than to the overshoot itself.
    q[j] = qp & DIGIT_MASK;
    if (negative) {
      addBack = true;
      knuthAddBackComplement(u);
      q[j] = (q[j]! - 1n) & DIGIT_MASK;
      let carry = 0n;
      for (let i = 0; i < n; i++) {
        const sum = u[j + i]! + v[i]! + carry;
        u[j + i] = sum & DIGIT_MASK;
        carry = sum >> DIGIT_BITS;
      }
      u[j + n] = (u[j + n]! + carry) & DIGIT_MASK;
    }
  }

  // D8. Unnormalise: the remainder is the low n digits shifted back (whatever sits above them is lost).
  const remainder = fromDigits(u, n) >> shift;
  return { quotient: fromDigits(q), remainder, addBack };
}

/**
 * Quirk #11 (spec §12, §8.4): on a negative partial result the routine takes the b's complement of the
 * entire digit array (all m+n+1 digits) before the add-back, instead of keeping the wrapped value.
 */
function knuthAddBackComplement(u: bigint[]): void {
  let carry = 1n;
  for (let i = 0; i < u.length; i++) {
    const d = ((u[i]! ^ DIGIT_MASK) + carry) & DIGIT_MASK;
    u[i] = d;
    carry = carry === 1n && d === 0n ? 1n : 0n;
  }
}

/**
 * Unsigned division of two Wd-bit patterns as the headers compute it. Only the multi-word path with a
 * divisor of two or more 32-bit digits and a dividend of two or more 64-bit words reaches algorithm D;
 * every other case (dividend smaller than or equal to the divisor, single-word operands, a one-digit
 * divisor) is exact.
 */
export function vendorUnsignedDivide(x: bigint, y: bigint, width: number): UnsignedDivision {
  if (y === 0n) throw new UndefinedBehaviourError('division by zero (the vendor crashes with SIGFPE)');
  if (x < 0n || y < 0n) throw new RangeError('vendorUnsignedDivide takes unsigned patterns');
  const exact = (): UnsignedDivision => ({ quotient: x / y, remainder: x % y, addBack: false });
  if (width <= SINGLE_WORD_BITS || x <= y || (x < 1n << 64n && y < 1n << 64n) || y < BASE) return exact();
  return knuthDivide(x, y);
}

export type SignedDivision = UnsignedDivision;

/**
 * Signed division of two Wd-bit values (two's complement) as the headers do it: divide the magnitudes
 * unsigned, then the quotient takes the sign of x*y and the remainder the sign of x. The quotient of
 * min / -1 comes back as the wrapped pattern (the caller wraps).
 */
export function vendorSignedDivide(x: bigint, y: bigint, width: number): SignedDivision {
  const magnitude = (v: bigint): bigint => BigInt.asUintN(width, v < 0n ? -v : v);
  const u = vendorUnsignedDivide(magnitude(x), magnitude(y), width);
  const quotient = (x < 0n) !== (y < 0n) ? -u.quotient : u.quotient;
  const remainder = x < 0n ? -u.remainder : u.remainder;
  return { quotient, remainder, addBack: u.addBack };
}
