/**
 * Stateful wrappers (spec §2.4) with upstream's constructor arguments, and upstream's snake_case names
 * as aliases so code ports line by line. Each wrapper is a callable factory: usable with or without `new`.
 */
import { binaryQuantizeNp, ternaryQuantizeNp } from './binary.js';
import {
  binaryQuantize,
  floatDecompose,
  floatQuantize,
  getFixedQuantizer,
  ternaryQuantize,
} from './differentiable.js';
import { QuantizerRangeError } from './errors.js';
import { fixedQuantizeWith, fixedSpec, getFixedQuantizerNp } from './fixed.js';
import { floatDecomposeNp, floatQuantizeNp } from './minifloat.js';
import type { OverflowName, QOpts, RoundingMode } from './modes.js';
import type { Num, Result } from './ndarray.js';

export interface FixedQuantizerState {
  (x: Num): Result;
  readonly k: 0 | 1;
  readonly i: number;
  readonly f: number;
  readonly roundMode: RoundingMode;
  readonly overflowMode: OverflowName;
}

/**
 * `FixedQ(width, integer, signed = true, rounding = 'TRN', overflow = 'WRAP')`: `integer` includes the
 * sign bit, as in ap_fixed<W,I>; k = signed, i = integer - signed, f = width - integer. Inference only.
 */
export function FixedQ(width: number, integer: number, signed: boolean | number = true, rounding = 'TRN', overflow = 'WRAP', opts?: QOpts): FixedQuantizerState {
  if (typeof width !== 'number' || typeof integer !== 'number') {
    throw new QuantizerRangeError('FixedQ(width, integer)', [width, integer], 'two numbers');
  }
  const k = signed ? 1 : 0;
  const i = integer - k;
  const f = width - integer;
  const spec = fixedSpec(rounding, overflow, opts);
  const q = (x: Num): Result => fixedQuantizeWith(spec, x, k, i, f);
  return Object.freeze(Object.assign(q, { k: k as 0 | 1, i, f, roundMode: spec.round, overflowMode: spec.overflow }));
}

export interface MinifloatQuantizerState {
  (x: Num): Result;
  readonly m: number;
  readonly e: number;
  readonly e0: number;
}

/**
 * `MinifloatQ(significant, exponent, exponentBias)`: m, e, e0. Naming trap kept from upstream:
 * `exponentBias` is the offset e0, not the IEEE bias (IEEE bias = 2^(e-1) - e0).
 */
export function MinifloatQ(significant: number, exponent: number, exponentBias: number, opts?: QOpts): MinifloatQuantizerState {
  for (const [name, v] of [['significant', significant], ['exponent', exponent], ['exponentBias', exponentBias]] as const) {
    if (typeof v !== 'number') throw new QuantizerRangeError(name, v, 'a number (MinifloatQ has no defaults)');
  }
  const m = Number(significant), e = Number(exponent), e0 = Number(exponentBias);
  const q = (x: Num): Result => floatQuantize(x, m, e, e0, opts);
  return Object.freeze(Object.assign(q, { m, e, e0 }));
}

export function BinaryQ(opts?: QOpts): (x: Num) => Result {
  return Object.freeze((x: Num) => binaryQuantize(x, opts));
}

export function TernaryQ(opts?: QOpts): (x: Num) => Result {
  return Object.freeze((x: Num) => ternaryQuantize(x, opts));
}

// Upstream names (calad0i/quantizers), same positional order and defaults.
export const get_fixed_quantizer_np = getFixedQuantizerNp;
export const get_fixed_quantizer = getFixedQuantizer;
export const float_quantize_np = floatQuantizeNp;
export const float_quantize = floatQuantize;
export const float_decompose_np = floatDecomposeNp;
export const float_decompose = floatDecompose;
export const binary_quantize_np = binaryQuantizeNp;
export const ternary_quantize_np = ternaryQuantizeNp;
export const binary_quantize = binaryQuantize;
export const ternary_quantize = ternaryQuantize;
