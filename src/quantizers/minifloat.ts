/**
 * The minifloat quantizer of the `quantizers` API (spec §4): exact by default (the emulator's
 * `ap_float<m,e,e0>`), upstream's NumPy algorithm with its 1e-7 epsilon and log2 under
 * `{ compat: 'quantizers' }`.
 */
import { FloatType, floatQuantizeArray } from '../emulator/minifloat.js';
import { binade } from '../emulator/floatBits.js';
import { QuantizerRangeError } from './errors.js';
import { rne } from './fixedCompat.js';
import { isCompat } from './modes.js';
import type { QOpts } from './modes.js';
import { broadcast } from './ndarray.js';
import type { Num, Result } from './ndarray.js';

const fr = Math.fround;
/** Hard-coded upstream; added to |x| before log2 (the source of disagreement class M1). */
export const UPSTREAM_EPS = 1e-7;

/** e_req of upstream, as written: floor(log2(|x| + 1e-7)), float32 steps for float32 input (spec §6). */
export function compatEreqLog2(x: number, f32: boolean): number {
  if (f32) return Math.floor(fr(Math.log2(fr(Math.abs(x) + fr(UPSTREAM_EPS)))));
  return Math.floor(Math.log2(Math.abs(x) + UPSTREAM_EPS));
}

const F32_EPS = fr(UPSTREAM_EPS);
/**
 * The same value without calling log2 where that is provably identical: y = |x| + 1e-7 is formed as
 * upstream forms it, and E = floor(log2 y) is read from its bits. log2 can only disagree with E (by
 * rounding up to E+1 just below 2^(E+1), or down just above 2^E) when y is within a relative `w` of a
 * power of two: elsewhere |log2 y - k| >= 1.44·w for every integer k, far more than log2's error (< 1 ulp,
 * at most 2^-42 here) plus, on the float32 path, the float32 rounding of the result (at most 2^-17 for
 * |log2 y| < 256). Inside the windows the upstream expression itself is evaluated.
 */
export function compatEreq(x: number, f32: boolean): number {
  const y = f32 ? fr(Math.abs(x) + F32_EPS) : Math.abs(x) + UPSTREAM_EPS;
  if (!(y > 0) || y === Infinity) return compatEreqLog2(x, f32);
  const E = binade(y);
  const r = y * POW2_NEG(E); // exact: y / 2^E in [1, 2)
  const w = f32 ? 2 ** -12 : 2 ** -40;
  if (r < 1 + w || r > 2 - 2 * w) return compatEreqLog2(x, f32);
  return E;
}
function POW2_NEG(E: number): number {
  return E > -1000 ? 2 ** -E : 2 ** (-E - 100) * 2 ** 100;
}

/** One element of upstream's float_quantize_np (spec §4.3). */
export function compatMinifloat(x: number, m: number, e: number, e0: number, f32: boolean): number {
  const H = Math.max(2 ** (e - 1), 1);
  const ereq = compatEreq(x, f32);
  const lo = e0 - H + 1;
  const hi = e0 + H - 1;
  const eact = Math.min(Math.max(ereq, lo), hi);
  const scale = 2 ** (eact - m);
  let q = rne(x / scale);
  const L = eact === hi ? 2 ** (m + 1) - 1 : 2 ** (m + 1);
  q = Math.min(Math.max(q, -L), L);
  return q * scale;
}

/** One element of upstream's float_decompose_np (spec §4.5). */
export function compatDecompose(x: number, m: number, e: number, e0: number, f32: boolean): [number, number] {
  const H = 2 ** (e - 1);
  const ereq = compatEreq(x, f32);
  let eact = Math.min(Math.max(ereq, e0 - H + 1), e0 + H - 1);
  const scale = 2 ** (eact - m);
  let q = rne(x / scale);
  if (Math.abs(q) === 2 ** (m + 1) && eact < e0 + H - 1) {
    q = q / 2;
    eact = eact + 1;
  }
  const top = 2 - 2 ** -m;
  const mant = Math.min(Math.max(q * 2 ** -m, -top), top);
  return [mant, eact];
}

/** 2 ** n for integer n in [-1100, 1100], tabulated with the very expression upstream evaluates. */
const POW2_TABLE = Float64Array.from({ length: 2201 }, (_, j) => 2 ** (j - 1100));
function pow2(n: number): number {
  return Number.isInteger(n) && n >= -1100 && n <= 1100 ? POW2_TABLE[n + 1100]! : 2 ** n;
}

/**
 * compatMinifloat over an array with one (m, e, e0): the per-call constants hoisted, e_req without
 * log2 where provably identical (compatEreq), powers of two from a table of the same expression.
 * Property-tested equal to compatMinifloat element for element.
 */
export function compatMinifloatArray(x: ArrayLike<number>, m: number, e: number, e0: number, f32: boolean, out: Float64Array): Float64Array {
  const H = Math.max(2 ** (e - 1), 1);
  const lo = e0 - H + 1;
  const hi = e0 + H - 1;
  const Lhi = 2 ** (m + 1) - 1;
  const L = 2 ** (m + 1);
  for (let j = 0; j < x.length; j++) {
    const v = x[j]!;
    const ereq = compatEreq(v, f32);
    const eact = Math.min(Math.max(ereq, lo), hi);
    const scale = pow2(eact - m);
    let q = rne(v / scale);
    const lim = eact === hi ? Lhi : L;
    q = Math.min(Math.max(q, -lim), lim);
    out[j] = q * scale;
  }
  return out;
}

const typeCache = new Map<string, FloatType>();
export function floatTypeOf(m: number, e: number, e0: number): FloatType {
  const key = `${m},${e},${e0}`;
  let t = typeCache.get(key);
  if (t === undefined) {
    for (const [name, v] of [['m', m], ['e', e], ['e0', e0]] as const) {
      if (!Number.isInteger(v)) throw new QuantizerRangeError(name, v, 'an integer (exact mode)');
    }
    t = new FloatType(m, e, e0);
    if (!t.fitsFloat64) {
      throw new QuantizerRangeError('m, e, e0', `(${m}, ${e}, ${e0})`, 'a format held by float64: m <= 52, emax <= 1023, emin - m >= -1074');
    }
    if (typeCache.size > 4096) typeCache.clear();
    typeCache.set(key, t);
  }
  return t;
}

const NAMES = ['x', 'm', 'e', 'e0'] as const;

/** `float_quantize_np(x, m, e, e0 = 0)`. */
export function floatQuantizeNp(x: Num, m: Num, e: Num, e0: Num = 0, opts?: QOpts): Result {
  const compat = isCompat(opts);
  const b = broadcast([x, m, e, e0], NAMES);
  const [rx, rm, re, r0] = b.read as [(n: number) => number, (n: number) => number, (n: number) => number, (n: number) => number];
  const out = new Float64Array(b.size);
  if (compat) {
    const f32 = b.ops[0]!.float32 && b.ops.slice(1).every((o) => o.isNumber);
    const data = b.ops[0]!.data;
    if (b.ops.slice(1).every((o) => o.data.length === 1) && data.length === b.size) compatMinifloatArray(data, rm(0), re(0), r0(0), f32, out);
    else for (let n = 0; n < b.size; n++) out[n] = compatMinifloat(rx(n), rm(n), re(n), r0(n), f32);
  } else if (b.ops.slice(1).every((o) => o.data.length === 1)) {
    const t = floatTypeOf(rm(0), re(0), r0(0));
    const data = b.ops[0]!.data;
    if ((data instanceof Float64Array || data instanceof Float32Array) && data.length === b.size) floatQuantizeArray(t, data, out);
    else for (let n = 0; n < b.size; n++) out[n] = t.quantize(rx(n));
  } else {
    for (let n = 0; n < b.size; n++) out[n] = floatTypeOf(rm(n), re(n), r0(n)).quantize(rx(n));
  }
  return b.wrap(out);
}

/** `float_decompose_np(x, m, e, e0 = 0)`: [mantissa, exponent] with mantissa * 2^exponent = quantized x. */
export function floatDecomposeNp(x: Num, m: Num, e: Num, e0: Num = 0, opts?: QOpts): [Result, Result] {
  const compat = isCompat(opts);
  const b = broadcast([x, m, e, e0], NAMES);
  const [rx, rm, re, r0] = b.read as [(n: number) => number, (n: number) => number, (n: number) => number, (n: number) => number];
  const mant = new Float64Array(b.size);
  const expo = new Float64Array(b.size);
  const f32 = b.ops[0]!.float32 && b.ops.slice(1).every((o) => o.isNumber);
  for (let n = 0; n < b.size; n++) {
    const [a, c] = compat ? compatDecompose(rx(n), rm(n), re(n), r0(n), f32) : floatTypeOf(rm(n), re(n), r0(n)).decompose(rx(n));
    mant[n] = a;
    expo[n] = c;
  }
  return [b.wrap(mant), b.wrap(expo)];
}
