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
 * compatMinifloat over an array with one (m, e, e0). Integer parameters with a small exponent range and
 * a Float32Array (float32 rules) or Float64Array (float64 rules) go through a specialised kernel below;
 * anything else through the hoisted generic loop. Property-tested equal to compatMinifloat element for
 * element, and to the upstream expression with log2 everywhere.
 */
export function compatMinifloatArray(x: ArrayLike<number>, m: number, e: number, e0: number, f32: boolean, out: Float64Array): Float64Array {
  const plan = compatPlan(m, e, e0);
  if (plan !== undefined) {
    if (f32 && x instanceof Float32Array) return compatMinifloatF32(x, m, e, e0, plan, out);
    if (!f32 && x instanceof Float64Array) return compatMinifloatF64(x, m, e, e0, plan, out);
  }
  return compatMinifloatGeneric(x, m, e, e0, f32, out);
}

function compatMinifloatGeneric(x: ArrayLike<number>, m: number, e: number, e0: number, f32: boolean, out: Float64Array): Float64Array {
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

/**
 * Per-call constants of the kernels, indexed by k = eact - lo: scale = 2 ** (eact - m) (upstream's
 * expression, evaluated once per eact) and the clip bound L (2^M - 1 at eact = hi, else 2^M).
 */
interface CompatPlan {
  readonly lo: number;
  readonly top: number; // hi - lo
  readonly scale: Float64Array;
  readonly lim: Float64Array;
}

const planCache = new Map<string, CompatPlan | undefined>();
/**
 * undefined where the kernels do not apply: non-integer parameters, m outside [0, 49] (L >= 1 and the
 * clipped |s| <= 2^50 for the rounding), more than 4096 exponents (e > 12), or a scale that is zero or
 * infinite (|e0| beyond ~1000; left to the generic loop so the kernels' argument needs no NaN case).
 */
function compatPlan(m: number, e: number, e0: number): CompatPlan | undefined {
  const key = `${m},${e},${e0}`;
  if (planCache.has(key)) return planCache.get(key);
  let plan: CompatPlan | undefined;
  if (Number.isInteger(m) && m >= 0 && m <= 49 && Number.isInteger(e) && Number.isInteger(e0) && e <= 12) {
    const H = Math.max(2 ** (e - 1), 1);
    const lo = e0 - H + 1;
    const hi = e0 + H - 1;
    const top = hi - lo;
    const scale = new Float64Array(top + 1);
    const lim = new Float64Array(top + 1);
    for (let k = 0; k <= top; k++) {
      scale[k] = 2 ** (lo + k - m);
      lim[k] = lo + k === hi ? 2 ** (m + 1) - 1 : 2 ** (m + 1);
    }
    if (scale.every((v) => v > 0 && v < Infinity)) plan = { lo, top, scale, lim };
  }
  if (planCache.size > 256) planCache.clear();
  planCache.set(key, plan);
  return plan;
}

/** 1.5 · 2^52: (s + RNE_C) - RNE_C is s rounded half to even for |s| <= 2^51 (default FP mode, spec §11). */
const RNE_C = 6755399441055744;

const F32_CELL = new Float32Array(1);
const F32_CELL_BITS = new Uint32Array(F32_CELL.buffer);
const F64_CELL = new Float64Array(1);
const F64_CELL_WORDS = new Uint32Array(F64_CELL.buffer);
const HI_WORD = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1 ? 1 : 0;
const LO_WORD = 1 - HI_WORD;

/*
 * The kernels decide e_req exactly as compatEreq does, from the bits of y = |x| + 1e-7 formed as upstream
 * forms it: y is never subnormal (y >= 1e-7), so E is its exponent field minus the bias and r = y / 2^E
 * = 1 + mantissa / 2^p (p = 23 or 52). compatEreq's windows r < 1 + w and r > 2 - 2w are, in mantissa
 * units, mantissa < 2^p·w and mantissa > 2^p - 2^(p+1)·w; there, and for non-finite x, the element is
 * handed to compatMinifloat (upstream's log2). Elsewhere the rest of compatMinifloat follows, with:
 * - eact, scale and L from the plan (the same expressions on the same operands), the division kept;
 * - the clip moved before the rounding: with L a positive integer, rne is monotone and fixes ±L, so
 *   min(max(rne(s), -L), L) = rne(min(max(s, -L), L)) for every non-NaN s (s is never NaN: x is finite and
 *   the plan's scales are finite and non-zero), and the clipped |s| <= 2^(m+1) <= 2^50;
 * - rne(s) for |s| <= 2^51 as (s + 1.5·2^52) - 1.5·2^52: the same nearest integer, ties to even, and the
 *   same +0 for every s in [-0.5, 0.5] except s = -0, which stays -0 as rne leaves it.
 * Math.min/Math.max are branch-free here; data-dependent ternaries made the loop twice as slow.
 */
const F32_WIN_LO = 2 ** 11; // 2^23 · 2^-12
const F32_WIN_SPAN = 2 ** 23 - 2 ** 12 - F32_WIN_LO; // up to 2^23 - 2^24 · 2^-12

/**
 * The kernels run in blocks: the block function is called often enough to be optimised on entry during the
 * first large call, so a second call does not start in the interpreter waiting for on-stack replacement.
 */
const BLOCK = 1 << 14;

function compatMinifloatF32(x: Float32Array, m: number, e: number, e0: number, plan: CompatPlan, out: Float64Array): Float64Array {
  for (let j = 0; j < x.length; j += BLOCK) compatMinifloatF32Block(x, j, Math.min(j + BLOCK, x.length), m, e, e0, plan.lo, plan.top, plan.scale, plan.lim, out);
  return out;
}

function compatMinifloatF32Block(x: Float32Array, from: number, to: number, m: number, e: number, e0: number, lo: number, top: number, scale: Float64Array, lim: Float64Array, out: Float64Array): void {
  for (let j = from; j < to; j++) {
    const v = x[j]!;
    F32_CELL[0] = Math.abs(v) + F32_EPS; // rounds to float32 as Math.fround does
    const b = F32_CELL_BITS[0]!;
    // non-finite, or mantissa outside [F32_WIN_LO, F32_WIN_LO + F32_WIN_SPAN] (one unsigned compare)
    if (b >= 0x7f800000 || ((b & 0x7fffff) - F32_WIN_LO) >>> 0 > F32_WIN_SPAN) {
      out[j] = compatMinifloat(v, m, e, e0, true);
      continue;
    }
    const k = Math.min(Math.max((b >>> 23) - 127 - lo, 0), top);
    const sc = scale[k]!;
    const L = lim[k]!;
    const s = Math.min(Math.max(v / sc, -L), L);
    out[j] = (s === 0 ? s : s + RNE_C - RNE_C) * sc;
  }
}

const F64_WIN_LO = 2 ** 12; // 2^52 · 2^-40
const F64_WIN_HI = 2 ** 52 - 2 ** 13; // 2^52 - 2^53 · 2^-40

function compatMinifloatF64(x: Float64Array, m: number, e: number, e0: number, plan: CompatPlan, out: Float64Array): Float64Array {
  for (let j = 0; j < x.length; j += BLOCK) compatMinifloatF64Block(x, j, Math.min(j + BLOCK, x.length), m, e, e0, plan.lo, plan.top, plan.scale, plan.lim, out);
  return out;
}

function compatMinifloatF64Block(x: Float64Array, from: number, to: number, m: number, e: number, e0: number, lo: number, top: number, scale: Float64Array, lim: Float64Array, out: Float64Array): void {
  for (let j = from; j < to; j++) {
    const v = x[j]!;
    F64_CELL[0] = Math.abs(v) + UPSTREAM_EPS;
    const hw = F64_CELL_WORDS[HI_WORD]!;
    const mant = (hw & 0xfffff) * 4294967296 + F64_CELL_WORDS[LO_WORD]!;
    if (hw >= 0x7ff00000 || mant < F64_WIN_LO || mant > F64_WIN_HI) {
      out[j] = compatMinifloat(v, m, e, e0, false);
      continue;
    }
    const k = Math.min(Math.max((hw >>> 20) - 1023 - lo, 0), top);
    const sc = scale[k]!;
    const L = lim[k]!;
    const s = Math.min(Math.max(v / sc, -L), L);
    out[j] = (s === 0 ? s : s + RNE_C - RNE_C) * sc;
  }
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
