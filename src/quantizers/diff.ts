/**
 * Where exact and compat disagree for a given array and format, grouped by the disagreement classes of
 * spec §7. A disagreement no class explains is reported as `unclassified` (a bug in one of the modes).
 */
import { binade } from '../emulator/floatBits.js';
import { binaryCompat, binaryExact } from './binary.js';
import { QuantizerRangeError } from './errors.js';
import { fixedQuantize } from './fixed.js';
import { checkCombination, parseOverflow, parseRounding } from './modes.js';
import type { OverflowName, RoundingMode } from './modes.js';
import { compatEreq, floatQuantizeNp } from './minifloat.js';
import { resultData } from './ndarray.js';

export type DiffFormat =
  | { kind: 'fixed'; k: number; i: number; f: number; round: string; overflow: string }
  | { kind: 'minifloat'; m: number; e: number; e0: number }
  | { kind: 'binary' };

export const DISAGREEMENT_CLASSES: Readonly<Record<string, string>> = Object.freeze({
  F1: '1-bit signed (W\'=1) SAT_SYM: compat clamps to [-0, 0], the vendor gives -2^-f for negative inputs',
  F2: '1-bit signed WRAP_SM: fold rule at ties / huge inputs',
  F3: "i'+f > 53 under SAT/SAT_SYM: hi = 2^i' - 2^-f is not a double, compat emits 2^i'",
  F4: 'x·2^f overflows to ±inf under WRAP/WRAP_SM: compat gives NaN, the vendor wraps exactly',
  F5: "W' > 53 under WRAP (and WRAP_SM, not listed in the spec): x + B or v - 2^i' loses low bits",
  F6: '|x·2^f| >= 2^52 (2^23 on the float32 WRAP path) under WRAP/WRAP_SM: x + B or s + 0.5 rounds',
  F7: 'x·2^f underflows (f < 0, subnormal or tiny x): s loses bits',
  F8: 'RND/RND_INF/RND_MIN_INF/RND_ZERO with s within an ulp of a half (or odd s >= 2^52): floor(s ± 0.5) double-rounds',
  F9: 'k = 0 with WRAP_SM: compat returns non-format values, exact throws',
  F10: 'non-integer parameters: compat computes, exact throws',
  M1: 'minifloat: the 1e-7 epsilon and log2 round-up give a too large exponent (coarser grid)',
  M2: 'minifloat: float32 log2 rounds up near 2^n (float32 input)',
  B1: 'binary x = ±0: compat -1, exact +1',
  unclassified: 'a difference no documented class explains (a bug)',
});

export interface Disagreement {
  readonly index: number;
  readonly x: number;
  readonly exact: number | null;
  readonly compat: number;
  readonly cls: string;
}

export interface DiffReport {
  readonly format: string;
  readonly count: number;
  readonly disagreements: number;
  /** class -> indices (in input order). */
  readonly byClass: Readonly<Record<string, readonly Disagreement[]>>;
}

const sameValue = (a: number, b: number) => a === b || (Number.isNaN(a) && Number.isNaN(b));

/** The §7 class of one fixed-point disagreement (first matching class in the table's order). */
export function classifyFixed(x: number, k: number, i: number, f: number, round: RoundingMode, overflow: OverflowName, float32: boolean): string {
  const ic = Math.max(i, -f);
  const W = k + ic + f;
  const sat = overflow === 'SAT' || overflow === 'SAT_SYM';
  const f32Wrap = float32 && !sat;
  if (W === 1 && k === 1 && overflow === 'SAT_SYM') return 'F1';
  if (W === 1 && k === 1 && overflow === 'WRAP_SM') return 'F2';
  if (ic + f > 53 && sat) return 'F3';
  const s = f32Wrap ? Math.fround(x * Math.fround(2 ** f)) : x * 2 ** f;
  if (!sat && Number.isFinite(x) && !Number.isFinite(s)) return 'F4';
  // The spec lists F5 for WRAP only; WRAP_SM loses the same bits (v - 2^i' needs W' bits), found by the
  // property test below (k=1, i=39, f=14: 118 of 200 normal values differ).
  if (W > 53 && (overflow === 'WRAP' || overflow === 'WRAP_SM')) return 'F5';
  if (!sat && Math.abs(s) >= (f32Wrap ? 2 ** 23 : 2 ** 52)) return 'F6';
  if (x !== 0 && (s === 0 || s * 2 ** -f !== x || (Math.abs(s) < 2 ** -1022 && s !== 0))) return 'F7';
  if (round === 'RND' || round === 'RND_INF' || round === 'RND_MIN_INF' || round === 'RND_ZERO') return 'F8';
  return 'unclassified';
}

function classifyMinifloat(x: number, float32: boolean): string {
  if (!Number.isFinite(x) || x === 0) return 'unclassified';
  const exactE = binade(Math.abs(x));
  const e64 = compatEreq(x, false);
  if (e64 !== exactE) return 'M1';
  if (float32 && compatEreq(x, true) !== exactE) return 'M2';
  return 'unclassified';
}

/** Compare exact and compat on every element of x (a Float32Array is float32 input, spec §2.3). */
export function quantizerDiff(x: Float64Array | Float32Array, format: DiffFormat): DiffReport {
  const float32 = x instanceof Float32Array;
  const byClass: Record<string, Disagreement[]> = {};
  let formatText: string;
  let exact: Float64Array | null = null;
  let compat: Float64Array;
  let wholeClass: string | null = null;
  let classify: (x: number) => string;
  if (format.kind === 'fixed') {
    const r = parseRounding(format.round);
    const o = parseOverflow(format.overflow);
    checkCombination(r, o);
    formatText = `fixed k=${format.k} i=${format.i} f=${format.f} ${r.mode}/${o}${float32 ? ' float32' : ''}`;
    const opts = { round: format.round, overflow: format.overflow };
    compat = resultData(fixedQuantize(x, format.k, format.i, format.f, { ...opts, compat: 'quantizers' }));
    if (![format.k, format.i, format.f].every(Number.isInteger)) wholeClass = 'F10';
    else if (format.k === 0 && o === 'WRAP_SM') wholeClass = 'F9';
    else exact = resultData(fixedQuantize(x, format.k, format.i, format.f, opts));
    classify = (v) => classifyFixed(v, format.k, format.i, format.f, r.mode, o, float32);
  } else if (format.kind === 'minifloat') {
    formatText = `minifloat m=${format.m} e=${format.e} e0=${format.e0}${float32 ? ' float32' : ''}`;
    compat = resultData(floatQuantizeNp(x, format.m, format.e, format.e0, { compat: 'quantizers' }));
    if (![format.m, format.e, format.e0].every(Number.isInteger)) wholeClass = 'F10';
    else exact = resultData(floatQuantizeNp(x, format.m, format.e, format.e0));
    classify = (v) => classifyMinifloat(v, float32);
  } else {
    formatText = 'binary';
    compat = Float64Array.from(x, binaryCompat);
    exact = Float64Array.from(x, binaryExact);
    classify = (v) => (v === 0 ? 'B1' : 'unclassified');
  }
  let n = 0;
  for (let j = 0; j < x.length; j++) {
    const e = exact === null ? null : exact[j]!;
    if (e !== null && sameValue(e, compat[j]!)) continue;
    const cls = wholeClass ?? classify(x[j]!);
    (byClass[cls] ??= []).push({ index: j, x: x[j]!, exact: e, compat: compat[j]!, cls });
    n++;
  }
  return { format: formatText, count: x.length, disagreements: n, byClass };
}

/** A comma list of numbers (nan, inf, -inf allowed). */
export function parseDiffValues(text: string): Float64Array {
  // an empty item (`1,,2`, a trailing comma, an empty list) is refused rather than skipped, so the
  // indices in messages and in the report are the ones the user typed
  const parts = text.split(',').map((s) => s.trim());
  return Float64Array.from(parts, (p, j) => {
    const special = /^[+-]?(nan|inf|infinity)$/i.test(p);
    const v = special ? (p.toLowerCase().includes('nan') ? NaN : p.startsWith('-') ? -Infinity : Infinity) : Number(p);
    if (p === '' || (!special && Number.isNaN(v))) throw new QuantizerRangeError(`values[${j}]`, p, 'a number (decimal, hex float not supported; nan, inf allowed)');
    return v;
  });
}
