/**
 * Exact fixed-point quantization (spec §3.3): the value `ap_[u]fixed<W',I'>` produces when constructed
 * from the exact input value. The BigInt conversion of the emulator defines the semantics; the float64
 * path below is used only where every step is provably exact (spec §11) and is property-tested equal.
 */
import { convertToFixed, exactDoubleAsFraction } from '../emulator/convert.js';
import { FixedType, MAX_WIDTH } from '../emulator/types.js';
import type { OverflowMode, QuantMode } from '../emulator/types.js';
import { compatFixed } from './fixedCompat.js';
import { QuantizerRangeError } from './errors.js';
import type { OverflowName, RoundingMode } from './modes.js';

/** The format the parameters describe: i' = max(i, -f), W' = k + i' + f (spec §3.1). */
export interface KIF {
  readonly k: 0 | 1;
  readonly i: number;
  readonly f: number;
  /** i' */
  readonly ic: number;
  /** W' */
  readonly width: number;
}

export function checkKIF(k: number, i: number, f: number): KIF {
  if (k !== 0 && k !== 1) throw new QuantizerRangeError('k', k, '0 or 1 (keep_negative; booleans accepted)');
  if (!Number.isInteger(i) || Math.abs(i) > 4 * MAX_WIDTH) {
    throw new QuantizerRangeError('i', i, `an integer of magnitude at most ${4 * MAX_WIDTH} (exact mode)`);
  }
  if (!Number.isInteger(f) || Math.abs(f) > 4 * MAX_WIDTH) {
    throw new QuantizerRangeError('f', f, `an integer of magnitude at most ${4 * MAX_WIDTH} (exact mode)`);
  }
  const ic = Math.max(i, -f);
  const width = k + ic + f;
  if (width > MAX_WIDTH) throw new QuantizerRangeError('k+max(i,-f)+f', width, `a width of at most ${MAX_WIDTH}`);
  return { k, i, f, ic, width };
}

const typeCache = new Map<string, FixedType>();

/** The vendor type of a (k, i', f) format with the given modes (W' >= 1). */
export function vendorType(p: KIF, round: RoundingMode, overflow: OverflowName): FixedType {
  const key = `${p.k},${p.ic},${p.f},${round},${overflow}`;
  let t = typeCache.get(key);
  if (t === undefined) {
    if (p.k === 0 && overflow === 'WRAP_SM') {
      throw new QuantizerRangeError('overflowMode', 'WRAP_SM', 'SAT, SAT_SYM or WRAP when k = 0 (the vendor ap_ufixed with AP_WRAP_SM aborts)');
    }
    t = FixedType.fromKIF(p.k, p.ic, p.f, { quant: `AP_${round}` as QuantMode, overflow: `AP_${overflow}` as OverflowMode });
    if (typeCache.size > 4096) typeCache.clear();
    typeCache.set(key, t);
  }
  return t;
}

/**
 * The raw integer code of the exact result for a finite x (value = code * 2^-f), or null when W' = 0
 * (the empty format: every finite value quantizes to 0). Lossless for any width.
 */
export function fixedExactCode(x: number, p: KIF, round: RoundingMode, overflow: OverflowName): bigint | null {
  if (!Number.isFinite(x)) throw new QuantizerRangeError('x', x, 'a finite number (non-finite inputs have no code)');
  if (p.k === 0 && overflow === 'WRAP_SM') vendorType(p, round, overflow);
  if (p.width === 0) return null;
  return convertToFixed(exactDoubleAsFraction(x), vendorType(p, round, overflow)).raw;
}

/** code * 2^exp as the nearest double, ties to even (what the vendor's to_double returns). */
export function scaledBigIntToNumber(code: bigint, exp: number): number {
  if (code === 0n) return 0;
  const neg = code < 0n;
  let mag = neg ? -code : code;
  const bits = mag.toString(2).length;
  // Binade of the exact value, and the exponent of its last representable bit.
  const top = bits - 1 + exp;
  const lsb = Math.max(top - 52, -1074);
  const drop = lsb - exp;
  let e = exp;
  if (drop > 0) {
    const d = BigInt(drop);
    const q = mag >> d;
    const rem = mag - (q << d);
    const half = 1n << (d - 1n);
    mag = rem > half || (rem === half && (q & 1n) === 1n) ? q + 1n : q;
    e = lsb;
  }
  // mag now has at most 54 bits and mag*2^e is representable (or beyond the largest double): Number() is
  // exact and each scaling step below is by a representable power of two with an exact product.
  let v = Number(mag);
  if (e >= 0) {
    while (e > 1023) { v *= 2 ** 1023; e -= 1023; }
    v *= 2 ** e;
  } else if (e < -1022) {
    v = v * 2 ** -1022 * 2 ** (e + 1022);
  } else {
    v *= 2 ** e;
  }
  return neg ? -v : v;
}

/** One element, exact mode. The single place that chooses between the float64 and BigInt paths. */
export function fixedExact(x: number, p: KIF, round: RoundingMode, overflow: OverflowName): number {
  if (!Number.isFinite(x)) return compatFixed(x, p.k, p.i, p.f, round, overflow, false);
  if (p.k === 0 && overflow === 'WRAP_SM') vendorType(p, round, overflow);
  if (p.width === 0) return 0;
  const fast = fixedExactFloat(x, p, round, overflow);
  if (fast !== undefined) return fast;
  const code = fixedExactCode(x, p, round, overflow)!;
  return scaledBigIntToNumber(code, -p.f);
}

/**
 * Integer rounding of s per mode (spec §3.2) without forming s + 1/2. The fraction is judged by comparing
 * s with fl + 1/2, which is exact for every non-integer double (|fl| <= 2^52). Note `s - fl` is NOT
 * exact for s in (-1, 0): -0.5 + 2^-54 gives 0.5 + 2^-54, which rounds to a false tie.
 */
function roundExact(s: number, round: RoundingMode): number {
  const fl = Math.floor(s);
  if (fl === s) return s;
  const mid = fl + 0.5;
  const above = s > mid;
  const tie = s === mid;
  switch (round) {
    case 'TRN':
      return fl;
    case 'TRN_ZERO':
      return fl < 0 ? fl + 1 : fl;
    case 'RND':
      return above || tie ? fl + 1 : fl;
    case 'RND_CONV':
      return above || (tie && fl % 2 !== 0) ? fl + 1 : fl;
    case 'RND_ZERO':
      return above || (tie && fl < 0) ? fl + 1 : fl;
    case 'RND_MIN_INF':
      return above ? fl + 1 : fl;
    case 'RND_INF':
      return above || (tie && fl >= 0) ? fl + 1 : fl;
  }
}

/**
 * The float64 fast path (spec §11): valid when W' <= 53 and s = x*2^f is exact. Returns undefined when
 * a precondition fails, so the caller falls back to BigInt.
 */
export function fixedExactFloat(x: number, p: KIF, round: RoundingMode, overflow: OverflowName): number | undefined {
  const W = p.width;
  if (W > 53 || W < 1) return undefined;
  const up = 2 ** p.f;
  const down = 2 ** -p.f;
  if (up === 0 || down === 0 || !Number.isFinite(up) || !Number.isFinite(down)) return undefined;
  const s = x * up;
  if (!Number.isFinite(s) || s * down !== x) return undefined;
  const v = roundExact(s, round);
  const N = 2 ** W;
  const cmax = p.k === 1 ? N / 2 - 1 : N - 1;
  const cmin = p.k === 1 ? -N / 2 : 0;
  let code: number;
  if (overflow === 'SAT') code = v > cmax ? cmax : v < cmin ? cmin : v;
  else if (overflow === 'SAT_SYM') {
    const lo = p.k === 0 ? 0 : W === 1 ? -1 : -cmax;
    code = v > cmax ? cmax : v < lo ? lo : v;
  } else {
    // IEEE remainder is exact, so this is v mod 2^W' for any integer-valued double v.
    let r = v % N;
    if (r < 0) r += N;
    if (p.k === 1 && r > cmax) r -= N;
    code = r;
    if (overflow === 'WRAP_SM' && (v > cmax || v < cmin)) {
      let t = Math.floor(Math.floor(s) / N) % 2;
      if (t < 0) t += 2;
      const ro = code < 0 ? 1 : 0;
      if (t !== ro) code = -code - 1;
    }
  }
  const y = code * down;
  if (!Number.isFinite(y) || (y === 0 && code !== 0)) return undefined;
  return y === 0 ? 0 : y;
}
