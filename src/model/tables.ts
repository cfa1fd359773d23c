/**
 * Activation tables (docs/model-format.md §4, Sigmoid/Tanh/Softmax) and the AvgPool reciprocal. Every
 * entry is the exact real function value converted into the table type with its Q and O modes, computed
 * here with BigInt fixed-point arithmetic whose precision grows until the rounding is decided: correctly
 * rounded, no libm, identical on every host. Codegen emits these codes as constants.
 */
import { FixedType, parseFixedType } from '../emulator/types.js';
import { bitlen, convertFloorSticky, convertRational } from './arith.js';
import { MAX_TABLE_INPUT_BITS } from './format.js';
import { ModelUsageError } from './errors.js';

export const DEFAULT_SIGMOID_TYPE = parseFixedType('ap_ufixed<17,1,AP_RND_CONV,AP_SAT>');
export const DEFAULT_TANH_TYPE = parseFixedType('ap_fixed<18,2,AP_RND_CONV,AP_SAT>');
export const DEFAULT_SOFTMAX_TYPE = parseFixedType('ap_ufixed<17,1,AP_RND_CONV,AP_SAT>');
export const DEFAULT_SOFTMAX_EXP_TYPE = parseFixedType('ap_ufixed<18,1,AP_RND_CONV,AP_SAT>');
export const DEFAULT_SOFTMAX_INV_TYPE = parseFixedType('ap_ufixed<18,1,AP_RND_CONV,AP_SAT>');
export const DEFAULT_SOFTMAX_INV_BITS = 12;

/**
 * e^(-k / 2^F) · 2^P as [S - E, S + E] (k >= 0). Argument halving m times, a Taylor series at precision
 * Q = P + 2m + 40, then m squarings; each step truncates by at most one ulp, so the error is below
 * 2^(m+10) ulps at Q, i.e. below 2 ulps at P.
 */
function expNeg(k: bigint, F: number, P: number): { S: bigint; E: bigint } {
  if (k === 0n) return { S: 1n << BigInt(P), E: 0n };
  // x = k/2^F; if x > (P + 2)·ln 2 (checked with 0.6932 > ln 2, so e^-x < 2^-(P+2)) the value is below 2^-(P+2).
  const xCeil = F >= 0 ? (k + (1n << BigInt(F)) - 1n) >> BigInt(F) : k << BigInt(-F);
  const xFloor = F >= 0 ? k >> BigInt(F) : k << BigInt(-F);
  if (xFloor * 10000n > BigInt(P + 2) * 6932n + 10000n) return { S: 0n, E: 1n };
  const m = bitlen(xCeil) + 1; // y = x / 2^m < 1/2
  const Q = P + 2 * m + 40;
  const one = 1n << BigInt(Q);
  const shiftY = Q - F - m;
  const y = shiftY >= 0 ? k << BigInt(shiftY) : k >> BigInt(-shiftY);
  // e^-y = sum (-y)^n / n!
  let sum = one;
  let term = one;
  for (let n = 1n; ; n++) {
    term = (term * y) / (one * n);
    if (term === 0n) break;
    sum += n % 2n === 1n ? -term : term;
  }
  let z = sum;
  for (let i = 0; i < m; i++) z = (z * z) >> BigInt(Q);
  const d = BigInt(Q - P);
  return { S: z >> d, E: 2n };
}

/** Real value bounds L < v < U given as numerators over 2^P; find floor(v·2^g) when it is decided. */
function decide(Lnum: bigint, Unum: bigint, P: number, g: number): bigint | undefined {
  const sh = P - g;
  const tLo = sh >= 0 ? Lnum >> BigInt(sh) : Lnum << BigInt(-sh);
  const tHi = sh >= 0 ? -(-Unum >> BigInt(sh)) - 1n : (Unum << BigInt(-sh)) - 1n;
  return tLo === tHi ? tLo : undefined;
}

type RealFn = (P: number) => { L: bigint; U: bigint };

/** Convert an irrational value, known through bounds at any precision, into dst (correctly rounded). */
function convertIrrational(bounds: RealFn, dst: FixedType): bigint {
  const g = dst.fracBits + 2;
  for (let P = Math.max(g, 0) + 64; P < 1 << 20; P += 64) {
    const { L, U } = bounds(P);
    const t = decide(L, U, P, g);
    if (t !== undefined) return convertFloorSticky(t, true, g, dst);
  }
  throw new Error('convertIrrational: precision limit reached (a value on a rounding boundary?)');
}

const clamp = (v: bigint, lo: bigint, hi: bigint) => (v < lo ? lo : v > hi ? hi : v);
const divFloor = (a: bigint, b: bigint) => {
  const q = a / b;
  return q * b > a ? q - 1n : q;
};
const divCeil = (a: bigint, b: bigint) => -divFloor(-a, b);

/** Bounds of e^-x (x = k/2^F > 0) over 2^P, clipped to the open interval (0, 1). */
function expBounds(k: bigint, F: number, P: number): { lo: bigint; hi: bigint } {
  const { S, E } = expNeg(k, F, P);
  const one = 1n << BigInt(P);
  return { lo: clamp(S - E, 0n, one), hi: clamp(S + E, 0n, one) };
}

/** sigmoid(c · 2^-F) converted into dst. */
export function sigmoidCode(c: bigint, F: number, dst: FixedType): bigint {
  if (c === 0n) return convertRational(1n, 2n, dst);
  const k = c < 0n ? -c : c;
  return convertIrrational((P) => {
    const one = 1n << BigInt(P);
    const u = expBounds(k, F, P);
    if (c > 0n) return { L: divFloor(one * one, one + u.hi), U: divCeil(one * one, one + u.lo) };
    return { L: divFloor(u.lo * one, one + u.lo), U: divCeil(u.hi * one, one + u.hi) };
  }, dst);
}

/** tanh(c · 2^-F) converted into dst. */
export function tanhCode(c: bigint, F: number, dst: FixedType): bigint {
  if (c === 0n) return convertRational(0n, 1n, dst);
  const k = c < 0n ? -c : c;
  return convertIrrational((P) => {
    const one = 1n << BigInt(P);
    const u = expBounds(k, F - 1, P); // e^(-2x)
    const L = divFloor((one - u.hi) * one, one + u.hi);
    const U = divCeil((one - u.lo) * one, one + u.lo);
    return c > 0n ? { L, U } : { L: -U, U: -L };
  }, dst);
}

/** exp(-k · 2^-F) converted into dst (k >= 0). */
export function expNegCode(k: bigint, F: number, dst: FixedType): bigint {
  if (k === 0n) return convertRational(1n, 1n, dst);
  return convertIrrational((P) => {
    const u = expBounds(k, F, P);
    return { L: u.lo, U: u.hi };
  }, dst);
}

function checkTableInput(x: FixedType, what: string): void {
  if (x.width > MAX_TABLE_INPUT_BITS) {
    throw new ModelUsageError(
      `${what}: the input type ${x} has ${x.width} bits; table-based layers take at most ${MAX_TABLE_INPUT_BITS} (insert a Quant layer)`,
    );
  }
}

/** The code whose W-bit pattern is i. */
export function codeOfIndex(i: number, t: FixedType): bigint {
  const half = 1 << (t.width - 1);
  return BigInt(t.signed && i >= half ? i - (1 << t.width) : i);
}

/** index(x) = the W-bit pattern of x's code as an unsigned integer. */
export function indexOfCode(c: bigint, t: FixedType): number {
  return Number(BigInt.asUintN(t.width, c));
}

const tableCache = new Map<string, BigInt64Array | bigint[]>();

/** The Sigmoid or Tanh table: 2^W_X entries of R codes, indexed by the input code's bit pattern. */
export function activationTable(kind: 'Sigmoid' | 'Tanh', x: FixedType, r: FixedType, what: string = kind): readonly bigint[] {
  checkTableInput(x, what);
  const key = `${kind}|${x}|${r}`;
  const hit = tableCache.get(key);
  if (hit) return hit as readonly bigint[];
  const n = 1 << x.width;
  const out = new Array<bigint>(n);
  const fn = kind === 'Sigmoid' ? sigmoidCode : tanhCode;
  for (let i = 0; i < n; i++) out[i] = fn(codeOfIndex(i, x), x.fracBits, r);
  tableCache.set(key, out);
  return out;
}

/** The Softmax exp table: expTable[k] = E(exp(-k · 2^-F_X)), 2^W_X entries. */
export function softmaxExpTable(x: FixedType, e: FixedType, what = 'Softmax'): readonly bigint[] {
  checkTableInput(x, what);
  const key = `exp|${x}|${e}`;
  const hit = tableCache.get(key);
  if (hit) return hit as readonly bigint[];
  const n = 1 << x.width;
  const out = new Array<bigint>(n);
  for (let k = 0; k < n; k++) out[k] = expNegCode(BigInt(k), x.fracBits, e);
  tableCache.set(key, out);
  return out;
}

/** Geometry of the Softmax sum and inverse index for n elements (docs §4 Softmax). */
export function softmaxSumGeometry(e: FixedType, n: number, invBits: number): { sumType: FixedType; shift: number } {
  const c = bitlen(BigInt(n - 1));
  const sumType = new FixedType(e.width + c, e.intBits + c, false);
  return { sumType, shift: sumType.width - invBits };
}

/** invTable[i] = V(1 / edge_i), edge_i = i · 2^(d - F_E); invTable[0] = max code of V. */
export function softmaxInvTable(e: FixedType, v: FixedType, n: number, invBits: number): readonly bigint[] {
  const key = `inv|${e}|${v}|${n}|${invBits}`;
  const hit = tableCache.get(key);
  if (hit) return hit as readonly bigint[];
  const { shift: d } = softmaxSumGeometry(e, n, invBits);
  const size = 1 << invBits;
  const out = new Array<bigint>(size);
  out[0] = v.maxRaw;
  // 1 / (i · 2^(d - F_E)) = 2^(F_E - d) / i
  const p = e.fracBits - d;
  for (let i = 1; i < size; i++) {
    out[i] = p >= 0 ? convertRational(1n << BigInt(p), BigInt(i), v) : convertRational(1n, BigInt(i) << BigInt(-p), v);
  }
  tableCache.set(key, out);
  return out;
}

/** The default AvgPool reciprocal of n, not a power of two (docs §4): ap_ufixed<18, 1 - bitlen(n), AP_RND, AP_SAT>, 1/n rounded half-up. */
export function defaultReciprocal(n: number): { type: FixedType; code: bigint } {
  const b = bitlen(BigInt(n));
  const F = 17 + b;
  const type = new FixedType(18, 18 - F, false, 'AP_RND', 'AP_SAT');
  // Exactly floor((2^(F+1) + n) / (2n)), saturated to the type (only reached for n = 2^k + 1, k >= 18).
  return { type, code: convertRational(1n, BigInt(n), type) };
}
