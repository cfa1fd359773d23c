/**
 * Values from text: the vendor's string constructor, `T x("...")` and `T x("...", radix)`.
 *
 * Accepted syntax (UG1399, "Initialization and Assignment from Constants"):
 *   [+|-] [prefix] digits [. digits] [exponent]
 *   prefix    0b / 0o / 0x (case-insensitive), or 0d for decimal; without a prefix the `radix`
 *             argument decides, and without either the text is decimal.
 *   exponent  p±n for radix 2, 8 and 16: a power of TWO with a decimal exponent (UG1399's "binary/hex
 *             scientific format": "0b01p-2" and "0x4p-4" are both 0.25); e±n for radix 10: a power of
 *             ten. The `p0` that to_string(16) appends therefore reads back.
 *   Digit separators, spaces and C suffixes are not accepted.
 * UG1399 also says an unprefixed ap_[u]int string "is interpreted as a hexadecimal value as long as it
 * contains only valid hexadecimal digits"; its own examples pass the radix explicitly, and hlsq reads an
 * unprefixed string without a radix as decimal, which is how such literals are written in practice.
 * Pass radix 16 to read bare hex digits.
 *
 * Conversion (the spec is silent on it): the string's exact rational value goes through the one
 * conversion algorithm of spec §2 with the destination's quantisation and overflow modes, as if the
 * source were an ap_fixed wide enough to hold the value exactly. For a decimal fraction that is not
 * dyadic (0.1) that exact source does not exist, so it is replaced by the floor of the value at 3 bits
 * below the destination LSB with a sticky lowest bit: the quantisation rules only look at the kept bits, the
 * bit below the LSB and "any lower bit set", and those three are exactly right, so every mode rounds
 * the true rational value correctly (ties can only occur for dyadic values, which are converted exactly).
 * The vendor's headers parse decimal fractions with a finite number of extra bits; for a decimal within
 * a hair of a rounding tie they could round differently. We choose the mathematically exact result, the
 * documented intent ("all bits of the fixed-point variable are populated according to the precision
 * described by the string"); the C++ differential tests are where a divergence would show.
 * An ap_[u]int takes an integer literal only (a fraction point or a negative exponent that leaves a
 * fraction is an error) and wraps it modulo 2^W like every integer conversion.
 */
import { wrap } from './bits.js';
import { convertToFixed } from './convert.js';
import { InvalidArgumentError, ParseError } from './errors.js';
import type { ApType, FixedType } from './types.js';
import { ApValue } from './value.js';

type LiteralRadix = 2 | 8 | 10 | 16;

const PREFIXES: Readonly<Record<string, LiteralRadix>> = Object.freeze({ '0b': 2, '0o': 8, '0d': 10, '0x': 16 });
const DIGITS: Readonly<Record<LiteralRadix, string>> = Object.freeze({
  2: '01',
  8: '0-7',
  10: '0-9',
  16: '0-9a-fA-F',
});

const SYNTAX =
  'a number such as -3.25, 1e-3, 0x1.8p0, 0b11.01 or 0o17 (optional sign, optional 0b/0o/0x prefix, digits of that radix, optional fraction point, optional exponent: p±n (power of 2) for radix 2/8/16, e±n for radix 10)';

/** An exact rational numerator / denominator (denominator > 0). */
interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

/** Parse the literal into its exact rational value. */
export function parseLiteral(text: string, radix?: number): Rational {
  if (typeof text !== 'string') throw new ParseError('literal', String(text), SYNTAX);
  if (radix !== undefined && radix !== 2 && radix !== 8 && radix !== 10 && radix !== 16) {
    throw new InvalidArgumentError('radix', radix, '2, 8, 10 or 16');
  }
  let s = text;
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  let base: LiteralRadix = (radix as LiteralRadix | undefined) ?? 10;
  const prefix = PREFIXES[s.slice(0, 2).toLowerCase()];
  // "0b1" in radix 16 is the hex number 0xb1: a prefix letter that is a digit of the given radix is a digit
  const prefixIsDigits = radix === 16 && /^0[bdBD]/.test(s);
  if (prefix !== undefined && !prefixIsDigits) {
    if (radix !== undefined && radix !== prefix) {
      throw new ParseError('literal', text, `digits in radix ${radix} (the prefix ${s.slice(0, 2)} says radix ${prefix})`);
    }
    base = prefix;
    s = s.slice(2);
  }
  const d = DIGITS[base];
  const expLetter = base === 10 ? 'eE' : 'pP';
  const re = new RegExp(`^([${d}]*)(?:\\.([${d}]*))?(?:[${expLetter}]([+-]?\\d+))?$`);
  const m = re.exec(s);
  const intDigits = m?.[1] ?? '';
  const fracDigits = m?.[2] ?? '';
  if (!m || intDigits.length + fracDigits.length === 0) {
    throw new ParseError('literal', text, `${SYNTAX}; in radix ${base} the digits are ${d}`);
  }
  const exponentText = m[3];
  if (exponentText !== undefined && exponentText.replace(/^[+-]/, '').length > 7) {
    throw new ParseError('literal', text, 'an exponent of at most 7 digits');
  }
  const exponent = exponentText === undefined ? 0 : Number(exponentText);
  const b = BigInt(base);
  let num = BigInt(parseDigits(intDigits + fracDigits, base));
  let den = b ** BigInt(fracDigits.length);
  const scale = base === 10 ? 10n : 2n;
  if (exponent >= 0) num *= scale ** BigInt(exponent);
  else den *= scale ** BigInt(-exponent);
  if (negative) num = -num;
  return { num, den };
}

function parseDigits(digits: string, base: LiteralRadix): bigint {
  if (digits.length === 0) return 0n;
  const prefix = base === 10 ? '' : base === 16 ? '0x' : base === 8 ? '0o' : '0b';
  return BigInt(prefix + digits);
}

/** The construction `T x(text)` / `T x(text, radix)`. */
export function fromString(type: ApType, text: string, radix?: number): ApValue {
  const { num, den } = parseLiteral(text, radix);
  if (type.kind === 'int') {
    if (num % den !== 0n) {
      throw new ParseError(`${type} literal`, text, 'an integer (ap_int and ap_uint take no fraction)');
    }
    return ApValue.fromRaw(type, wrap(num / den, type.width, type.signed));
  }
  return ApValue.fromRaw(type, rationalToFixedRaw(num, den, type));
}

/** floor(a / b) for b > 0. */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return q * b > a ? q - 1n : q;
}

/** Whether den is a power of two. */
function isPowerOfTwo(den: bigint): boolean {
  return (den & (den - 1n)) === 0n;
}

function bitLength(v: bigint): number {
  const m = v < 0n ? -v : v;
  return m === 0n ? 0 : m.toString(2).length;
}

/** The raw code of an exact rational converted into a fixed type by spec §2. */
export function rationalToFixedRaw(num: bigint, den: bigint, dst: FixedType): bigint {
  let raw: bigint;
  let fracBits: number;
  if (isPowerOfTwo(den)) {
    // dyadic: an exact binary fraction exists
    raw = num;
    fracBits = bitLength(den) - 1;
  } else {
    // floor at three guard bits below the destination LSB, the lowest made sticky (see the file comment)
    fracBits = dst.fracBits + 3;
    const scaled = fracBits >= 0 ? num << BigInt(fracBits) : num;
    const divisor = fracBits >= 0 ? den : den << BigInt(-fracBits);
    const floor = floorDiv(scaled, divisor);
    const sticky = floor * divisor !== scaled ? 1n : 0n;
    // floor already holds 3 extra bits; the lowest of them becomes "any bit below" together with sticky
    raw = floor | sticky;
  }
  // A signed source wide enough for the value. It is also made to reach bit W of the truncation, so
  // that AP_WRAP_SM (N = 0), which reads that bit, sees the value's own (sign-extended) bit there.
  const width = Math.max(bitLength(raw) + 1, fracBits + 1, dst.width + fracBits - dst.fracBits + 1, 1);
  return convertToFixed({ raw, width, intBits: width - fracBits, signed: true }, dst).raw;
}
