/**
 * The differentiable entry points (spec §9): forward values equal the numeric path in the selected
 * mode (with the training rules of §9.1 and the opt-in stochastic rounding of §10), and explicit
 * vector-Jacobian products give the gradients of §9.2 to §9.4. No autodiff tape: `vjp(...)` returns the
 * products with the upstream dy for every input.
 */
import { binade } from '../emulator/floatBits.js';
import { roundHalfEvenNumber } from '../emulator/minifloat.js';
import { binaryExact, binaryCompat, ternaryElement } from './binary.js';
import { QuantizerRangeError } from './errors.js';
import { fixedQuantizeWith, fixedSpec } from './fixed.js';
import type { FixedSpec } from './fixed.js';
import { compatFixed, compatRound64, fmodFloor } from './fixedCompat.js';
import { checkKIF, fixedExact } from './fixedExact.js';
import { compatEreq, floatDecomposeNp, floatQuantizeNp, floatTypeOf } from './minifloat.js';
import { isCompat } from './modes.js';
import type { OverflowName, QOpts, RoundingMode } from './modes.js';
import { broadcast } from './ndarray.js';
import type { Num, Result } from './ndarray.js';
import { SeedGenerator, stochasticFloor } from './random.js';

const LN2 = Math.LN2;
type Reader = (n: number) => number;

// ---------------------------------------------------------------------------------------------------
// fixed point

/** Round only (no overflow handling), in the spec's mode; exact or compat. */
function roundOnly(x: number, f: number, round: RoundingMode, compat: boolean): number {
  if (compat || !Number.isFinite(x)) return compatRound64(x * 2 ** f, round) / 2 ** f;
  if (x === 0) return 0;
  // A signed format wide enough that nothing overflows: the exact rounding alone.
  const i = Math.max(binade(Math.abs(x)) + 2, -f);
  return fixedExact(x, checkKIF(1, i, f), round, 'WRAP');
}

function stochasticRound(x: number, f: number, gen: SeedGenerator): number {
  return stochasticFloor(x * 2 ** f, gen) / 2 ** f;
}

/** The bounds of SAT / SAT_SYM as float64 (the compat values; exact where i'+f <= 53). */
function bounds(k: number, ic: number, f: number, overflow: OverflowName): [number, number] {
  const hi = 2 ** ic - 2 ** -f;
  return [overflow === 'SAT' ? -k * 2 ** ic : -k * hi, hi];
}

/** WRAP_SM pieces of the §3.4 formulation: the flip parity and the unflipped base. */
function wrapSmPieces(x: number, v: number, k: number, ic: number, f: number) {
  const eps = 2 ** -f;
  const L = 2 ** (ic + k);
  const flipA = fmodFloor(x / L, 2) >= 1 && Math.abs(x) > eps / 2;
  const flipB = fmodFloor((x + eps / 2) / (L / 2), 2) >= 1;
  const a = v - 2 ** ic;
  return { odd: flipA !== flipB, a, L, eps };
}

export interface FixedVjp {
  readonly y: Float64Array;
  readonly dx: Float64Array;
  readonly dk: Float64Array;
  readonly di: Float64Array;
  readonly df: Float64Array;
  readonly shape: readonly number[];
}

export interface FixedPointQuantizer {
  (x: Num, k: Num, i: Num, f: Num, training?: boolean, seedGen?: SeedGenerator): Result;
  readonly roundMode: RoundingMode;
  readonly overflowMode: OverflowName;
  readonly stochastic: boolean;
  /** Rounding alone: R(x·2^f)/2^f; stochastic floor(x·2^f + u)/2^f when asked with a generator. */
  round(x: Num, f: Num, stochastic?: boolean, seedGen?: SeedGenerator): Result;
  /**
   * The overflow step alone. SAT / SAT_SYM: clip to [lo, hi]. WRAP: wrap an already rounded value.
   * WRAP_SM: fold an already rounded value, with the flip decision read from `unrounded` (spec §3.3:
   * it is not a function of the rounded value alone; defaults to x itself).
   */
  saturate(x: Num, k: Num, i: Num, f: Num, unrounded?: Num): Result;
  /** Forward value and vector-Jacobian products with dy (spec §9.2). */
  vjp(x: Num, k: Num, i: Num, f: Num, dy: Num, training?: boolean): FixedVjp;
}

export interface DifferentiableOpts extends QOpts {
  /** Opt-in stochastic rounding for S_ modes in training, from hlsq's own seeded generator (spec §10). */
  stochastic?: { seed: number };
}

/**
 * Upstream `get_fixed_quantizer`: the differentiable quantizer object.
 *
 * Stochastic rounding (spec §10): upstream v1.0.0 - v1.1.0 trained S_RND / S_RND_CONV with
 * floor(x·2^f + u), u ~ U[0,1); since v1.2.0 they silently are the deterministic RND / RND_CONV. hlsq
 * defaults to the current upstream behaviour and keeps the unbiased v1.1.0 rounding real when asked:
 * in training, with an S_ mode and a SeedGenerator (passed per call as `seedGen`, or created once from
 * `{ stochastic: { seed } }`). Reproducible for a given seed; inference is never stochastic. The sum
 * x·2^f + u is never formed in floating point (see stochasticFloor); x·2^f itself is a float64 product.
 */
export function getFixedQuantizer(roundMode = 'TRN', overflowMode = 'WRAP', opts?: DifferentiableOpts): FixedPointQuantizer {
  const spec = fixedSpec(roundMode, overflowMode, opts);
  let ownGen: SeedGenerator | undefined;
  if (opts?.stochastic !== undefined) {
    if (!spec.stochastic) throw new QuantizerRangeError('stochastic', opts.stochastic, `an S_ rounding mode (got ${roundMode})`);
    if (spec.compat) throw new QuantizerRangeError('stochastic', opts.stochastic, "no stochastic option with compat: 'quantizers' (not part of upstream)");
    ownGen = new SeedGenerator(opts.stochastic.seed);
  }
  const call = (x: Num, k: Num, i: Num, f: Num, training = false, seedGen?: SeedGenerator): Result => {
    if (!training) return fixedQuantizeWith(spec, x, k, i, f);
    return trainingForward(spec, x, k, i, f, seedGen ?? ownGen);
  };
  const round = (x: Num, f: Num, stochastic = false, seedGen?: SeedGenerator): Result => {
    if (stochastic && !(seedGen instanceof SeedGenerator)) {
      throw new QuantizerRangeError('seedGen', seedGen, 'a SeedGenerator when stochastic rounding is asked for');
    }
    const b = broadcast([x, f], ['x', 'f']);
    const out = new Float64Array(b.size);
    for (let n = 0; n < b.size; n++) {
      const xv = b.read[0]!(n);
      const fv = b.read[1]!(n);
      if (!spec.compat) checkKIF(1, 0, fv);
      out[n] = stochastic ? stochasticRound(xv, fv, seedGen!) : roundOnly(xv, fv, spec.round, spec.compat);
    }
    return b.wrap(out);
  };
  const saturate = (x: Num, k: Num, i: Num, f: Num, unrounded?: Num): Result => {
    const b = broadcast([x, k, i, f, unrounded ?? x], ['x', 'k', 'i', 'f', 'unrounded']);
    const out = new Float64Array(b.size);
    const [rx, rk, ri, rf, ru] = b.read as Reader[];
    for (let n = 0; n < b.size; n++) out[n] = saturateOne(spec, rx!(n), rk!(n), ri!(n), rf!(n), ru!(n));
    return b.wrap(out);
  };
  const vjp = (x: Num, k: Num, i: Num, f: Num, dy: Num, training = false): FixedVjp => fixedVjp(spec, x, k, i, f, dy, training);
  return Object.assign(call, { roundMode: spec.round, overflowMode: spec.overflow, stochastic: spec.stochastic, round, saturate, vjp });
}

function saturateOne(spec: FixedSpec, v: number, k: number, i: number, f: number, x: number): number {
  if (!spec.compat) checkKIF(k, i, f);
  const ic = Math.max(i, -f);
  if (spec.overflow === 'SAT' || spec.overflow === 'SAT_SYM') {
    const [lo, hi] = bounds(k, ic, f, spec.overflow);
    return Number.isNaN(v) ? NaN : Math.min(Math.max(v, lo), hi);
  }
  if (spec.overflow === 'WRAP') {
    if (!spec.compat && Number.isFinite(v)) return fixedExact(v, checkKIF(k, i, f), 'TRN', 'WRAP');
    const B = k * 2 ** (ic + k - 1);
    return fmodFloor(v + B, 2 ** (ic + k)) - B;
  }
  // WRAP_SM: the compat formulation with v as the rounded value and x for the flips. In exact mode, when
  // v is x's rounding, this equals the vendor's rule wherever the compat formulation is exact (§7).
  const { odd, a, L, eps } = wrapSmPieces(x, v, k, ic, f);
  const base = fmodFloor(a, L) - k * 2 ** ic;
  return odd ? -base - eps : base;
}

function trainingForward(spec: FixedSpec, x: Num, k: Num, i: Num, f: Num, seedGen?: SeedGenerator): Result {
  const stochastic = spec.stochastic && seedGen instanceof SeedGenerator;
  const b = broadcast([x, k, i, f], ['x', 'k', 'i', 'f']);
  const out = new Float64Array(b.size);
  const [rx, rk, ri, rf] = b.read as Reader[];
  for (let n = 0; n < b.size; n++) {
    const xv = rx!(n), kv = rk!(n), iv = ri!(n), fv = rf!(n);
    if (!spec.compat) checkKIF(kv, iv, fv);
    const ic = Math.max(iv, -fv);
    if (spec.overflow === 'SAT' || spec.overflow === 'SAT_SYM') {
      if (stochastic) {
        const [lo, hi] = bounds(kv, ic, fv, spec.overflow);
        out[n] = Number.isNaN(xv) ? NaN : stochasticRound(Math.min(Math.max(xv, lo), hi), fv, seedGen!);
      } else out[n] = inference(spec, xv, kv, iv, fv);
    } else if (spec.overflow === 'WRAP') {
      // Training skips the wrap: HGQ tracks the integer bits from observed ranges (spec §9.1).
      out[n] = stochastic ? stochasticRound(xv, fv, seedGen!) : roundOnly(xv, fv, spec.round, spec.compat);
    } else {
      out[n] = stochastic ? saturateOne(spec, stochasticRound(xv, fv, seedGen!), kv, iv, fv, xv) : inference(spec, xv, kv, iv, fv);
    }
  }
  return b.wrap(out);
}

function inference(spec: FixedSpec, x: number, k: number, i: number, f: number): number {
  return spec.compat ? compatFixed(x, k, i, f, spec.round, spec.overflow, false) : fixedExact(x, checkKIF(k, i, f), spec.round, spec.overflow);
}

function fixedVjp(spec: FixedSpec, x: Num, k: Num, i: Num, f: Num, dy: Num, training: boolean): FixedVjp {
  const b = broadcast([x, k, i, f, dy], ['x', 'k', 'i', 'f', 'dy']);
  const n = b.size;
  const y = new Float64Array(n), dx = new Float64Array(n), dk = new Float64Array(n), di = new Float64Array(n), df = new Float64Array(n);
  const [rx, rk, ri, rf, rd] = b.read as Reader[];
  for (let j = 0; j < n; j++) {
    const xv = rx!(j), kv = rk!(j), iv = ri!(j), fv = rf!(j), g = rd!(j);
    if (!spec.compat) checkKIF(kv, iv, fv);
    const ic = Math.max(iv, -fv);
    const eps = 2 ** -fv;
    let yv: number, gx: number, gk = 0, gi = 0, gf: number;
    if (spec.overflow === 'SAT' || spec.overflow === 'SAT_SYM') {
      yv = inference(spec, xv, kv, iv, fv);
      const [lo, hi] = bounds(kv, ic, fv, spec.overflow);
      if (xv > hi) {
        gx = 0;
        gf = LN2 * eps;
        gi = LN2 * 2 ** ic;
      } else if (xv < lo) {
        gx = 0;
        gf = spec.overflow === 'SAT_SYM' ? -kv * LN2 * eps : 0;
        gi = -kv * LN2 * 2 ** ic;
        gk = spec.overflow === 'SAT' ? -(2 ** ic) : -(2 ** ic - eps);
      } else {
        gx = 1;
        gf = LN2 * (xv - yv);
      }
    } else if (spec.overflow === 'WRAP') {
      const q = roundOnly(xv, fv, spec.round, spec.compat);
      gx = 1;
      gf = LN2 * (xv - q);
      if (training) yv = q;
      else {
        yv = inference(spec, xv, kv, iv, fv);
        // y = fmodFloor(q + B, L) - B: B cancels, L = 2^(i'+k) contributes -floor((q+B)/L)·dL.
        const L = 2 ** (ic + kv);
        const B = kv * 2 ** (ic + kv - 1);
        gi = -Math.floor((q + B) / L) * LN2 * L;
        gk = gi;
      }
    } else {
      yv = inference(spec, xv, kv, iv, fv);
      const v = roundOnly(xv, fv, spec.round, spec.compat);
      const { odd, a, L } = wrapSmPieces(xv, v, kv, ic, fv);
      const s = odd ? -1 : 1;
      const fl = Math.floor(a / L);
      gx = s;
      gf = s * LN2 * (xv - v) + (odd ? LN2 * eps : 0);
      gi = s * (-LN2 * 2 ** ic - fl * LN2 * L - kv * LN2 * 2 ** ic);
      gk = s * (-fl * LN2 * L - 2 ** ic);
    }
    y[j] = yv;
    dx[j] = g * gx;
    dk[j] = g * gk;
    di[j] = g * gi;
    df[j] = g * gf;
  }
  return { y, dx, dk, di, df, shape: b.shape };
}

// ---------------------------------------------------------------------------------------------------
// minifloat

/** `float_quantize` (differentiable): the same forward values as floatQuantizeNp. */
export function floatQuantize(x: Num, m: Num, e: Num, e0: Num = 0, opts?: QOpts): Result {
  return floatQuantizeNp(x, m, e, e0, opts);
}
/** `float_decompose` (differentiable): the same forward values as floatDecomposeNp. */
export function floatDecompose(x: Num, m: Num, e: Num, e0: Num = 0, opts?: QOpts): [Result, Result] {
  return floatDecomposeNp(x, m, e, e0, opts);
}

export interface MinifloatVjp {
  readonly y: Float64Array;
  readonly dx: Float64Array;
  readonly dm: Float64Array;
  readonly de: Float64Array;
  readonly de0: Float64Array;
  readonly shape: readonly number[];
}

/** Gradients of spec §9.3 (upstream's custom gradient, four outputs). */
export function floatQuantizeVjp(x: Num, m: Num, e: Num, e0: Num, dy: Num, opts?: QOpts): MinifloatVjp {
  const compat = isCompat(opts);
  const b = broadcast([x, m, e, e0, dy], ['x', 'm', 'e', 'e0', 'dy']);
  const n = b.size;
  const y = new Float64Array(n), dx = new Float64Array(n), dm = new Float64Array(n), de = new Float64Array(n), de0 = new Float64Array(n);
  const [rx, rm, re, r0, rd] = b.read as Reader[];
  const yAll = floatQuantizeNp(
    { data: Float64Array.from({ length: n }, (_, j) => rx!(j)), shape: [n] },
    { data: Float64Array.from({ length: n }, (_, j) => rm!(j)), shape: [n] },
    { data: Float64Array.from({ length: n }, (_, j) => re!(j)), shape: [n] },
    { data: Float64Array.from({ length: n }, (_, j) => r0!(j)), shape: [n] },
    opts,
  ) as { data: Float64Array };
  for (let j = 0; j < n; j++) {
    const xv = rx!(j), mv = rm!(j), ev = re!(j), e0v = r0!(j), g = rd!(j);
    const H = Math.max(2 ** (ev - 1), 1);
    const lo = e0v - H + 1;
    const hi = e0v + H - 1;
    if (!compat) floatTypeOf(mv, ev, e0v);
    const ereq = compat ? compatEreq(xv, false) : xv === 0 ? -Infinity : Number.isFinite(xv) ? binade(Math.abs(xv)) : Infinity;
    const eact = Math.min(Math.max(ereq, lo), hi);
    const scale = 2 ** (eact - mv);
    const qhat = roundHalfEvenNumber(xv / scale) * scale;
    const yv = yAll.data[j]!;
    const D = ereq !== eact ? LN2 * (xv - yv) * g : 0;
    y[j] = yv;
    dx[j] = g;
    dm[j] = ereq > hi ? 0 : LN2 * (xv - qhat) * g;
    de[j] = LN2 * H * D;
    de0[j] = ereq > hi ? D : ereq < lo ? -D : 0;
  }
  return { y, dx, dm, de, de0, shape: b.shape };
}

// ---------------------------------------------------------------------------------------------------
// binary / ternary

/** `binary_quantize` (differentiable). */
export function binaryQuantize(x: Num, opts?: QOpts): Result {
  const fn = isCompat(opts) ? binaryCompat : binaryExact;
  return map1(x, fn);
}
/** `ternary_quantize` (differentiable). */
export function ternaryQuantize(x: Num, opts?: QOpts): Result {
  isCompat(opts);
  return map1(x, ternaryElement);
}
/** dy·(1 - tanh(x)^2) for both binary and ternary (spec §9.4). */
export function binaryQuantizeVjp(x: Num, dy: Num): Result {
  const b = broadcast([x, dy], ['x', 'dy']);
  const out = new Float64Array(b.size);
  for (let n = 0; n < b.size; n++) {
    const t = Math.tanh(b.read[0]!(n));
    out[n] = b.read[1]!(n) * (1 - t * t);
  }
  return b.wrap(out);
}
export const ternaryQuantizeVjp = binaryQuantizeVjp;

function map1(x: Num, fn: (v: number) => number): Result {
  const b = broadcast([x], ['x']);
  const out = new Float64Array(b.size);
  for (let n = 0; n < b.size; n++) out[n] = fn(b.read[0]!(n));
  return b.wrap(out);
}
