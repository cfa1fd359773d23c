/** Exact fixed-point constants for the model format: the smallest type that holds given dyadic values. */
import { FixedType } from '../../emulator/types.js';
import * as Q from '../rational.js';
import type { Rational } from '../rational.js';

const bitlen = (v: bigint): number => (v <= 0n ? 0 : v.toString(2).length);

/** Minimal (W, I, signed) holding integer codes in [L, H] at `frac` fraction bits (codegen.md §3.2). */
export function typeForRange(L: bigint, H: bigint, frac: number, opts: { quant?: FixedType['quant']; overflow?: FixedType['overflow'] } = {}): FixedType {
  const signed = L < 0n;
  const W = signed ? Math.max(bitlen(-L - 1n), bitlen(H)) + 1 : Math.max(bitlen(H), 1);
  return new FixedType(W, W - frac, signed, opts.quant, opts.overflow);
}

/** Dyadic rationals as codes of one exact per-tensor type; undefined when one is not dyadic. */
export interface ExactConstant {
  shape: number[];
  type: string;
  codes: (number | string)[];
}

export function exactConstant(values: readonly Rational[], shape: readonly number[]): ExactConstant | undefined {
  let frac = 0;
  for (const v of values) {
    const f = Q.dyadicFracBits(v);
    if (f === undefined) return undefined;
    frac = Math.max(frac, f);
  }
  const codes = values.map((v) => (v.n * (1n << BigInt(frac))) / v.d);
  let L = 0n;
  let H = 0n;
  for (const c of codes) {
    if (c < L) L = c;
    if (c > H) H = c;
  }
  const type = typeForRange(L, H, frac);
  return { shape: [...shape], type: type.toString(), codes: codes.map(codeJson) };
}

export function codeJson(v: bigint): number | string {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v.toString();
}

/** Round a rational to `frac` fraction bits, ties to even (the declared rounding of approximated constants). */
export function roundToFrac(v: Rational, frac: number): Rational {
  const scaled = Q.mul(v, Q.rat(1n << BigInt(frac)));
  const fl = Q.floor(scaled);
  const rem = Q.sub(scaled, Q.rat(fl));
  const c = Q.cmp(rem, Q.rat(1n, 2n));
  const r = c < 0 ? fl : c > 0 ? fl + 1n : fl % 2n === 0n ? fl : fl + 1n;
  return Q.rat(r, 1n << BigInt(frac));
}
