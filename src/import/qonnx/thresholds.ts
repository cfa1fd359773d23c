/**
 * Low-bit activation quantizers after an affine map (BatchNorm, the input's x·2−1, a non-power-of-two
 * scale) lowered to exact per-channel integer thresholds, as FINN does (codegen.md §11.4), decided in exact
 * arithmetic — including BatchNorm's square root — and then encoded as one floor-and-saturate affine map
 * with dyadic constants, which the model format's BatchNorm layer computes exactly.
 */
import * as Q from '../rational.js';
import type { Rational } from '../rational.js';
import { STEP, type QonnxRounding } from './rounding.js';

/**
 * value(x) = K·(a·x + b) + c for an integer code x, where K = 1 or K = sign(g)·sqrt(g²/ve) (BatchNorm:
 * g = gamma, ve = var + eps, both exact rationals of the stored floats).
 */
export interface ChannelMap {
  readonly a: Rational;
  readonly b: Rational;
  readonly c: Rational;
  readonly k?: { readonly g: Rational; readonly ve: Rational };
}

/** sign(value(x) − R), exactly. */
export function compareValue(m: ChannelMap, x: bigint, R: Rational): -1 | 0 | 1 {
  const u = Q.add(Q.mul(m.a, Q.rat(x)), m.b);
  const rhs = Q.sub(R, m.c);
  if (!m.k) return Q.cmp(u, rhs);
  // gamma = 0 (a pruned channel): the value is the constant c
  if (Q.isZero(m.k.g)) return Q.cmp(Q.ZERO, rhs);
  // sign(sqrt(g²/ve)·σu − rhs), σ = sign(g): square both sides when the signs agree.
  const L = Q.sign(m.k.g) < 0 ? Q.neg(u) : u;
  const sl = Q.sign(L);
  const sr = Q.sign(rhs);
  if (sl >= 0 && sr <= 0) return sl === 0 && sr === 0 ? 0 : 1;
  if (sl <= 0 && sr >= 0) return -1;
  const k2l2 = Q.div(Q.mul(Q.mul(m.k.g, m.k.g), Q.mul(L, L)), m.k.ve);
  const r2 = Q.mul(rhs, rhs);
  // both positive: compare squares; both negative: the larger magnitude is the smaller value
  return (sl > 0 ? Q.cmp(k2l2, r2) : Q.cmp(r2, k2l2)) as -1 | 0 | 1;
}

/** +1 when value(x) increases with x, −1 when it decreases, 0 when constant. */
export function direction(m: ChannelMap): -1 | 0 | 1 {
  const s = Q.sign(m.a) * (m.k ? Q.sign(m.k.g) : 1);
  return s as -1 | 0 | 1;
}

export interface QuantStep {
  /** Output scale s > 0 and zero point z of the Quant: t = value / s + z. */
  readonly scale: Rational;
  readonly zeropt: Rational;
  readonly rounding: QonnxRounding;
  /** Integer output range. */
  readonly lo: bigint;
  readonly hi: bigint;
  /** A Relu sits between the map and the quantizer. */
  readonly relu: boolean;
}

/**
 * For each level j in (lo, hi], the set of codes x in [xmin, xmax] with round(t(x)) >= j is a half-line;
 * returns its boundary: increasing maps give the smallest such x (xmax + 1 when none), decreasing maps the
 * largest (xmin − 1 when none).
 */
export function exactThresholds(m: ChannelMap, q: QuantStep, xmin: bigint, xmax: bigint): bigint[] {
  const dir = direction(m);
  const out: bigint[] = [];
  for (let j = q.lo + 1n; j <= q.hi; j++) {
    if (q.relu && j <= 0n) {
      // relu(value) >= 0 always reaches every level j <= 0
      out.push(dir >= 0 ? xmin : xmax);
      continue;
    }
    const { twice, strict } = STEP[q.rounding](j);
    // t >= at  <=>  value >= (at − z)·s
    const R = Q.mul(Q.sub(Q.rat(twice, 2n), q.zeropt), q.scale);
    const holds = (x: bigint): boolean => {
      const c = compareValue(m, x, R);
      return strict ? c > 0 : c >= 0;
    };
    if (dir === 0) {
      out.push(holds(xmin) ? (dir >= 0 ? xmin : xmax) : xmax + 1n);
      continue;
    }
    if (dir > 0) {
      // smallest x in [xmin, xmax + 1] with holds (xmax + 1 = never)
      let lo = xmin;
      let hi = xmax + 1n;
      while (lo < hi) {
        const mid = (lo + hi) >> 1n;
        if (holds(mid)) hi = mid;
        else lo = mid + 1n;
      }
      out.push(lo);
    } else {
      // largest x in [xmin − 1, xmax] with holds (xmin − 1 = never)
      let lo = xmin - 1n;
      let hi = xmax;
      while (lo < hi) {
        const mid = (lo + hi + 1n) >> 1n;
        if (holds(mid)) lo = mid;
        else hi = mid - 1n;
      }
      out.push(lo);
    }
  }
  return out;
}

export interface FloorFit {
  /** q(x) = clamp(floor(alpha·x + beta), lo, hi) reproduces the thresholds for every x in range. */
  readonly alpha: Rational;
  readonly beta: Rational;
}

/**
 * A dyadic (alpha, beta) with floor(alpha·x + beta), saturated to [lo, hi], equal to lo + #{j : x >= T_j}
 * (increasing thresholds `t`, boundaries in [xmin, xmax + 1]) for every integer x in [xmin, xmax].
 * Undefined when no single affine map does it (non-uniform thresholds).
 */
export function fitIncreasing(t: readonly bigint[], lo: bigint, xmin: bigint, xmax: bigint): FloorFit | undefined {
  // Constraints: floor(alpha·T_j + beta) >= j where T_j <= xmax, and alpha·(T_j − 1) + beta < j where T_j − 1 >= xmin.
  const ge: [bigint, bigint][] = [];
  const lt: [bigint, bigint][] = [];
  t.forEach((T, i) => {
    const j = lo + 1n + BigInt(i);
    if (T <= xmax) ge.push([j, T]);
    if (T - 1n >= xmin) lt.push([j, T - 1n]);
  });
  // Need j − alpha·T < k − alpha·U for (j,T) in ge, (k,U) in lt:  alpha·(U − T) < k − j.
  let low: Rational | undefined;
  let high: Rational | undefined;
  for (const [j, T] of ge)
    for (const [k, U] of lt) {
      const D = U - T;
      const E = k - j;
      if (D === 0n) {
        if (E <= 0n) return undefined;
      } else if (D > 0n) {
        const r = Q.rat(E, D);
        if (!high || Q.cmp(r, high) < 0) high = r;
      } else {
        const r = Q.rat(E, D);
        if (!low || Q.cmp(r, low) > 0) low = r;
      }
    }
  if (low && high && Q.cmp(low, high) >= 0) return undefined;
  const alpha = dyadicInside(low, high);
  let beta: Rational | undefined;
  for (const [j, T] of ge) {
    const v = Q.sub(Q.rat(j), Q.mul(alpha, Q.rat(T)));
    if (!beta || Q.cmp(v, beta) > 0) beta = v;
  }
  if (!beta) {
    // every level is unreachable: any beta below lo + 1 at the top of the range
    let best: Rational | undefined;
    for (const [k, U] of lt) {
      const v = Q.sub(Q.rat(k), Q.mul(alpha, Q.rat(U)));
      if (!best || Q.cmp(v, best) < 0) best = v;
    }
    beta = best ? Q.sub(best, Q.ONE) : Q.rat(lo);
  }
  if (!verify(t, lo, alpha, beta, xmin, xmax)) return undefined;
  return { alpha, beta };
}

/** The dyadic with the fewest fraction bits strictly inside (low, high) (open ends when undefined). */
function dyadicInside(low: Rational | undefined, high: Rational | undefined): Rational {
  if (!low && !high) return Q.ZERO;
  if (!low) return Q.rat(Q.ceil(high!) - 1n);
  if (!high) return Q.rat(Q.floor(low) + 1n);
  for (let s = 0n; ; s++) {
    const p = 1n << s;
    const cand = Q.rat(Q.floor(Q.mul(low, Q.rat(p))) + 1n, p);
    if (Q.cmp(cand, high) < 0) return cand;
  }
}

/** The constraints, checked again exactly (the fit's own proof). */
function verify(t: readonly bigint[], lo: bigint, alpha: Rational, beta: Rational, xmin: bigint, xmax: bigint): boolean {
  return t.every((T, i) => {
    const j = lo + 1n + BigInt(i);
    const at = (x: bigint) => Q.floor(Q.add(Q.mul(alpha, Q.rat(x)), beta));
    if (T <= xmax && at(T < xmin ? xmin : T) < j) return false;
    if (T - 1n >= xmin && at(T - 1n > xmax ? xmax : T - 1n) >= j) return false;
    return true;
  });
}

/** Thresholds of any direction to a floor fit in x (decreasing maps are fitted in −x). */
export function fitThresholds(t: readonly bigint[], dir: -1 | 0 | 1, lo: bigint, xmin: bigint, xmax: bigint): FloorFit | undefined {
  if (dir >= 0) return fitIncreasing(t, lo, xmin, xmax);
  // q counts x <= T_j; with y = −x that is y >= −T_j, y in [−xmax, −xmin]
  const f = fitIncreasing(t.map((T) => -T), lo, -xmax, -xmin);
  return f && { alpha: Q.neg(f.alpha), beta: f.beta };
}
