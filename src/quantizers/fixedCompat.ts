/**
 * The `quantizers` NumPy path, replicated in float64 with its double roundings (spec §3.4), and the
 * float32 steps NumPy 2 takes for float32 input with Python-int parameters (spec §6). Every expression is
 * evaluated as upstream writes it; nothing here is "fixed".
 */
import type { OverflowName, RoundingMode } from './modes.js';

const fr = Math.fround;

function sign(v: number): number {
  return v > 0 ? 1 : v < 0 ? -1 : v === 0 ? 0 : NaN;
}

/** NumPy's round (half to even), exact on doubles. */
export function rne(v: number): number {
  if (!Number.isFinite(v)) return v;
  const fl = Math.floor(v);
  const d = v - fl;
  if (d < 0.5) return fl;
  if (d > 0.5) return fl + 1;
  return fl % 2 === 0 ? fl : fl + 1;
}

/** Python's / NumPy's floored modulo: the result takes the divisor's sign. */
export function fmodFloor(a: number, b: number): number {
  let r = a % b;
  if (r !== 0 && r < 0 !== b < 0) r += b;
  return r === 0 ? 0 : r;
}

/** The rounding formulas of spec §3.4 in float64. */
export function compatRound64(s: number, round: RoundingMode): number {
  switch (round) {
    case 'TRN':
      return Math.floor(s);
    case 'RND':
      return Math.floor(s + 0.5);
    case 'RND_CONV':
      return rne(s);
    case 'TRN_ZERO':
      return Math.floor(Math.abs(s)) * sign(s);
    case 'RND_ZERO':
      return -Math.floor(-Math.abs(s) + 0.5) * sign(s);
    case 'RND_MIN_INF':
      return -Math.floor(-s + 0.5);
    case 'RND_INF':
      return Math.floor(Math.abs(s) + 0.5) * sign(s);
  }
}

/** The same with the float32 additions of spec §6 (WRAP paths of float32 input). */
export function compatRound32(s: number, round: RoundingMode): number {
  switch (round) {
    case 'RND':
      return Math.floor(fr(s + 0.5));
    case 'RND_ZERO':
      return -Math.floor(fr(-Math.abs(s) + 0.5)) * sign(s);
    case 'RND_MIN_INF':
      return -Math.floor(fr(-s + 0.5));
    case 'RND_INF':
      return Math.floor(fr(Math.abs(s) + 0.5)) * sign(s);
    default:
      return compatRound64(s, round);
  }
}

/**
 * One element of upstream's fixed quantizer. `f32`: x is a float32 array element and every parameter a
 * Python int (spec §6).
 */
export function compatFixed(
  x: number,
  k: number,
  i: number,
  f: number,
  round: RoundingMode,
  overflow: OverflowName,
  f32: boolean,
): number {
  const ic = Math.max(i, -f);
  const eps = 2 ** -f;
  const hi = 2 ** ic - 2 ** -f;
  if (overflow === 'SAT' || overflow === 'SAT_SYM') {
    const lo = overflow === 'SAT' ? -k * 2 ** ic : -k * hi;
    const xc = Number.isNaN(x) ? NaN : Math.min(Math.max(x, lo), hi);
    return compatRound64(xc * 2 ** f, round) / 2 ** f;
  }
  let v: number;
  if (f32) {
    const p = fr(2 ** f);
    const s = fr(x * p);
    v = fr(compatRound32(s, round) / p);
  } else {
    v = compatRound64(x * 2 ** f, round) / 2 ** f;
  }
  if (overflow === 'WRAP') {
    const B = k * 2 ** (ic + k - 1);
    return fmodFloor(v + B, 2 ** (ic + k)) - B;
  }
  // WRAP_SM: the flip decisions read the unrounded x.
  const L = 2 ** (ic + k);
  const loP = -(hi + eps) * k;
  const flipA = fmodFloor(x / L, 2) >= 1 && Math.abs(x) > eps / 2;
  const shifted = f32 ? fr(x + fr(eps / 2)) : x + eps / 2;
  const flipB = fmodFloor(shifted / (L / 2), 2) >= 1;
  let m = fmodFloor(v - hi - eps, L) + loP;
  if (flipB) m = -m - eps;
  if (flipA) m = -m - eps;
  return m;
}

type RoundFn = (s: number) => number;
const ROUND64: Readonly<Record<RoundingMode, RoundFn>> = {
  TRN: (s) => Math.floor(s),
  RND: (s) => Math.floor(s + 0.5),
  RND_CONV: rne,
  TRN_ZERO: (s) => Math.floor(Math.abs(s)) * sign(s),
  RND_ZERO: (s) => -Math.floor(-Math.abs(s) + 0.5) * sign(s),
  RND_MIN_INF: (s) => -Math.floor(-s + 0.5),
  RND_INF: (s) => Math.floor(Math.abs(s) + 0.5) * sign(s),
};
const ROUND32: Readonly<Record<RoundingMode, RoundFn>> = {
  ...ROUND64,
  RND: (s) => Math.floor(fr(s + 0.5)),
  RND_ZERO: (s) => -Math.floor(fr(-Math.abs(s) + 0.5)) * sign(s),
  RND_MIN_INF: (s) => -Math.floor(fr(-s + 0.5)),
  RND_INF: (s) => Math.floor(fr(Math.abs(s) + 0.5)) * sign(s),
};

/**
 * compatFixed over an array with one (k, i, f): the same expressions with the per-call powers of two
 * hoisted and the rounding formula chosen once. Property-tested equal to compatFixed element for element.
 */
export function compatFixedArray(
  x: ArrayLike<number>,
  k: number,
  i: number,
  f: number,
  round: RoundingMode,
  overflow: OverflowName,
  f32: boolean,
  out: Float64Array,
): Float64Array {
  const n = x.length;
  const ic = Math.max(i, -f);
  const eps = 2 ** -f;
  const hi = 2 ** ic - 2 ** -f;
  const p = 2 ** f;
  if (overflow === 'SAT' || overflow === 'SAT_SYM') {
    const R = ROUND64[round];
    const lo = overflow === 'SAT' ? -k * 2 ** ic : -k * hi;
    for (let j = 0; j < n; j++) {
      const v = x[j]!;
      const xc = v !== v ? NaN : Math.min(Math.max(v, lo), hi);
      out[j] = R(xc * p) / p;
    }
    return out;
  }
  const R = f32 ? ROUND32[round] : ROUND64[round];
  const p32 = fr(p);
  const B = k * 2 ** (ic + k - 1);
  const L = 2 ** (ic + k);
  const loP = -(hi + eps) * k;
  const halfEps32 = fr(eps / 2);
  for (let j = 0; j < n; j++) {
    const v = x[j]!;
    const q = f32 ? fr(R(fr(v * p32)) / p32) : R(v * p) / p;
    if (overflow === 'WRAP') {
      out[j] = fmodFloor(q + B, L) - B;
      continue;
    }
    const flipA = fmodFloor(v / L, 2) >= 1 && Math.abs(v) > eps / 2;
    const shifted = f32 ? fr(v + halfEps32) : v + eps / 2;
    const flipB = fmodFloor(shifted / (L / 2), 2) >= 1;
    let m = fmodFloor(q - hi - eps, L) + loP;
    if (flipB) m = -m - eps;
    if (flipA) m = -m - eps;
    out[j] = m;
  }
  return out;
}
