/**
 * The fixed-point quantizer of the `quantizers` API (spec §3): exact by default, upstream's NumPy
 * replica with `{ compat: 'quantizers' }`.
 */
import { QuantizerRangeError } from './errors.js';
import { compatFixed, compatFixedArray } from './fixedCompat.js';
import { checkKIF, fixedExact, fixedExactCode, vendorType } from './fixedExact.js';
import type { KIF } from './fixedExact.js';
import { fastDomain, quantizeArray } from '../emulator/arrayQuantize.js';
import { checkCombination, isCompat, parseOverflow, parseRounding } from './modes.js';
import type { OverflowName, QOpts, RoundingMode } from './modes.js';
import { broadcast } from './ndarray.js';
import type { Num, Result } from './ndarray.js';

export interface FixedOpts extends QOpts {
  round?: string;
  overflow?: string;
}

/** A resolved (rounding, overflow, semantics) triple: what one quantizer instance computes. */
export interface FixedSpec {
  readonly round: RoundingMode;
  readonly overflow: OverflowName;
  readonly stochastic: boolean;
  readonly compat: boolean;
}

export function fixedSpec(roundMode = 'TRN', overflowMode = 'WRAP', opts?: QOpts): FixedSpec {
  const r = parseRounding(roundMode);
  const o = parseOverflow(overflowMode);
  checkCombination(r, o);
  return Object.freeze({ round: r.mode, overflow: o, stochastic: r.stochastic, compat: isCompat(opts) });
}

const NAMES = ['x', 'k', 'i', 'f'] as const;

/** Quantize x with per-call k, i, f (numbers or arrays, NumPy broadcasting). */
export function fixedQuantizeWith(spec: FixedSpec, x: Num, k: Num, i: Num, f: Num): Result {
  const b = broadcast([x, k, i, f], NAMES);
  const out = new Float64Array(b.size);
  const [rx, rk, ri, rf] = b.read as [(n: number) => number, (n: number) => number, (n: number) => number, (n: number) => number];
  if (spec.compat) {
    // Float32 emulation applies only when x is float32 and every parameter a number (spec §6).
    const f32 = b.ops[0]!.float32 && b.ops.slice(1).every((o) => o.isNumber);
    const data = b.ops[0]!.data;
    if (b.ops.slice(1).every((o) => o.data.length === 1) && data.length === b.size) {
      compatFixedArray(data, rk(0), ri(0), rf(0), spec.round, spec.overflow, f32, out);
    } else for (let n = 0; n < b.size; n++) out[n] = compatFixed(rx(n), rk(n), ri(n), rf(n), spec.round, spec.overflow, f32);
    return b.wrap(out);
  }
  const scalarParams = b.ops.slice(1).every((o) => o.data.length === 1);
  if (scalarParams) {
    const p = checkKIF(rk(0), ri(0), rf(0));
    exactLoopScalarParams(b.ops[0]!.data, b.size, rx, p, spec, out);
  } else {
    for (let n = 0; n < b.size; n++) out[n] = fixedExact(rx(n), checkKIF(rk(n), ri(n), rf(n)), spec.round, spec.overflow);
  }
  return b.wrap(out);
}

/**
 * Exact mode with one format for the whole array: the emulator's typed-array kernel where it is proved
 * exact (`fastDomain`), then the per-element path for the inputs whose exact-mode meaning differs from
 * the vendor's reading of a double (NaN/±Inf follow spec §3.5, subnormals are read exactly). This is
 * the only place that switches between the two; test/quantizers/fixed.test.ts checks they agree.
 */
function exactLoopScalarParams(data: ArrayLike<number>, size: number, rx: (n: number) => number, p: KIF, spec: FixedSpec, out: Float64Array): void {
  if (p.width >= 1 && data.length === size && (data instanceof Float64Array || data instanceof Float32Array)) {
    const t = vendorType(p, spec.round, spec.overflow);
    if (fastDomain(t)) {
      quantizeArray(data, t, { output: 'values', out });
      for (let n = 0; n < size; n++) {
        const v = data[n]!;
        if (!Number.isFinite(v) || (v !== 0 && Math.abs(v) < 2 ** -1022)) out[n] = fixedExact(v, p, spec.round, spec.overflow);
      }
      return;
    }
  }
  for (let n = 0; n < size; n++) out[n] = fixedExact(rx(n), p, spec.round, spec.overflow);
}

/** `fixedQuantize(x, k, i, f, { round, overflow, compat })`. */
export function fixedQuantize(x: Num, k: Num, i: Num, f: Num, opts: FixedOpts = {}): Result {
  return fixedQuantizeWith(fixedSpec(opts.round ?? 'TRN', opts.overflow ?? 'WRAP', opts), x, k, i, f);
}

export type FixedQuantizerNp = ((x: Num, k: Num, i: Num, f: Num, training?: boolean, seedGen?: unknown) => Result) & {
  readonly roundMode: RoundingMode;
  readonly overflowMode: OverflowName;
  readonly stochastic: boolean;
};

/** Upstream `get_fixed_quantizer_np`: the numeric path (no training). */
export function getFixedQuantizerNp(roundMode = 'TRN', overflowMode = 'WRAP', opts?: QOpts): FixedQuantizerNp {
  const spec = fixedSpec(roundMode, overflowMode, opts);
  const q = (x: Num, k: Num, i: Num, f: Num, training = false, _seedGen?: unknown): Result => {
    if (training) throw new QuantizerRangeError('training', training, 'false on the numeric path (upstream asserts)');
    return fixedQuantizeWith(spec, x, k, i, f);
  };
  return Object.assign(q, { roundMode: spec.round, overflowMode: spec.overflow, stochastic: spec.stochastic });
}

/** Lossless exact result: integer codes (value = code * 2^-f) for any width, including W' > 53. */
export interface FixedCodes {
  /** null for a W' = 0 element (value 0). */
  readonly codes: (bigint | null)[];
  /** The fractional bits of each element (value = code * 2^-f). */
  readonly f: number[];
  readonly shape: readonly number[];
}

/** Exact raw codes (finite inputs only: non-finite values have no code). */
export function fixedQuantizeCodes(x: Num, k: Num, i: Num, f: Num, opts: Omit<FixedOpts, 'compat'> = {}): FixedCodes {
  const spec = fixedSpec(opts.round ?? 'TRN', opts.overflow ?? 'WRAP');
  const b = broadcast([x, k, i, f], NAMES);
  const codes: (bigint | null)[] = new Array(b.size);
  const fs: number[] = new Array(b.size);
  for (let n = 0; n < b.size; n++) {
    const p = checkKIF(b.read[1]!(n), b.read[2]!(n), b.read[3]!(n));
    codes[n] = fixedExactCode(b.read[0]!(n), p, spec.round, spec.overflow);
    fs[n] = p.f;
  }
  return { codes, f: fs, shape: b.shape };
}
