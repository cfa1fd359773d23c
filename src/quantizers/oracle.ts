/**
 * An independent oracle for exact fixed-point quantization, written directly from the table of spec §3.3
 * on the exact rational s = x*2^f, sharing no code with the emulator's conversion. Used where the golden
 * vectors have no `cpp` value (subnormal inputs, per-element widths) and by the property tests. Slow by
 * design: clarity over speed.
 */
import type { OverflowName, RoundingMode } from './modes.js';

/** A finite double as an exact rational n / 2^d (d >= 0) or n * 2^-d with d negative. */
function exactParts(x: number): { n: bigint; e: number } {
  // x = n * 2^e with n an integer.
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const neg = hi >>> 31 === 1;
  const be = (hi >>> 20) & 0x7ff;
  const mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  const n = be === 0 ? mant : mant | (1n << 52n);
  const e = (be === 0 ? -1022 : be - 1023) - 52;
  return { n: neg ? -n : n, e };
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && a < 0n !== b < 0n) ? q - 1n : q;
}
function mod(a: bigint, b: bigint): bigint {
  const r = a % b;
  return r < 0n ? r + b : r;
}

/** R(s) for s = num / den (den > 0), spec §3.2. */
function roundRational(num: bigint, den: bigint, mode: RoundingMode): bigint {
  const fl = floorDiv(num, den);
  const rem2 = 2n * (num - fl * den); // 2*(s - floor(s)) * den, compared with den for 1/2
  const negative = num < 0n;
  if (rem2 === 0n) return fl;
  const above = rem2 > den;
  const tie = rem2 === den;
  switch (mode) {
    case 'TRN':
      return fl;
    case 'TRN_ZERO':
      return negative ? fl + 1n : fl;
    case 'RND':
      return above || tie ? fl + 1n : fl;
    case 'RND_CONV':
      return above || (tie && (fl & 1n) === 1n) ? fl + 1n : fl;
    case 'RND_ZERO':
      return above || (tie && negative) ? fl + 1n : fl;
    case 'RND_MIN_INF':
      return above ? fl + 1n : fl;
    case 'RND_INF':
      return above || (tie && !negative) ? fl + 1n : fl;
  }
}

/**
 * The exact code of spec §3.3 for finite x, k in {0,1}, integer i and f with W' = k + max(i,-f) + f >= 1.
 * k = 0 with WRAP_SM is outside the table (throws).
 */
export function oracleFixedCode(x: number, k: 0 | 1, i: number, f: number, round: RoundingMode, overflow: OverflowName): bigint {
  const ic = Math.max(i, -f);
  const W = k + ic + f;
  if (W < 1) throw new RangeError('oracle: W\' < 1');
  const { n, e } = exactParts(x);
  // s = n * 2^(e + f)
  const sh = e + f;
  const num = sh >= 0 ? n << BigInt(sh) : n;
  const den = sh >= 0 ? 1n : 1n << BigInt(-sh);
  const v = roundRational(num, den, round);
  const WW = 1n << BigInt(W);
  const cmax = k === 1 ? WW / 2n - 1n : WW - 1n;
  const cmin = k === 1 ? -WW / 2n : 0n;
  const clamp = (a: bigint, lo: bigint, hi: bigint) => (a < lo ? lo : a > hi ? hi : a);
  const wrapped = k === 1 ? mod(v + WW / 2n, WW) - WW / 2n : mod(v, WW);
  switch (overflow) {
    case 'SAT':
      return clamp(v, cmin, cmax);
    case 'SAT_SYM':
      if (k === 0) return clamp(v, cmin, cmax);
      return W === 1 ? clamp(v, -1n, 0n) : clamp(v, -cmax, cmax);
    case 'WRAP':
      return wrapped;
    case 'WRAP_SM': {
      if (k === 0) throw new RangeError('oracle: k = 0 with WRAP_SM is not a format');
      if (v >= cmin && v <= cmax) return v;
      const lD = mod(floorDiv(floorDiv(num, den), WW), 2n);
      const ro = wrapped < 0n ? 1n : 0n;
      return lD !== ro ? -wrapped - 1n : wrapped;
    }
  }
}
