/**
 * The fast array path: `ap_[u]fixed<...> y[i] = x[i];` for a whole Float64Array / Float32Array.
 *
 * Semantics are those of the exact BigInt path, `fixedFromDouble(x[i], type).raw`, element for element,
 * the vendor's reading of NaN, ±Inf and subnormals included (spec §3.1). Speed comes from plain double
 * arithmetic inside a kernel generated per (type, input array class, output kind), so the loop has no
 * per-element dispatch and no allocation. Everything the double arithmetic cannot prove exact goes to
 * the BigInt path for that element (`rare` below) or, for whole types outside the domain, for the array.
 *
 * ## The exactness argument
 *
 * Notation: W, F = W - I, S, Q, O, N of the destination; MIN, MAX its raw limits; s = x·2^F the exact
 * scaled input; s~ = fl(x * 2^F) the double product; R the rounding of Q on the exact rational
 * (spec §2.2). Fast DOMAIN of a type: W <= 53 and W - 971 <= F <= 1021 (`fastDomain`). Then:
 *
 * (E1) 2^F and 2^-F are normal doubles (|F| <= 1021), every code and bound is an integer below 2^53 in
 *      magnitude, and code·2^-F is exact: |code| >= 1 gives >= 2^-1021 (normal), |code| < 2^W gives
 *      < 2^(W-F) <= 2^971 (finite). So the `values` output is exact in the domain.
 * (E2) For a normal x, s~ = s exactly unless |s| < 2^-1022 or |s| >= 2^1024: x = ±M·2^k with M < 2^53,
 *      s has the same significand, and IEEE returns the exact product whenever it is representable.
 * (E3) Tiny region: if 0 < |s| < 1/2, every mode gives q = 0 for s > 0; for s < 0 it gives -1 under
 *      AP_TRN and 0 under the other six (spec §2.2 table with t = 0 or -1, qb/rest as computed there).
 *      So any computed s~ with the sign of s and 0 < |s~| < 1/2 yields the right q. A product that is
 *      inexact (|s| < 2^-1022, only possible for F < 0) is such a value, or ±0. A ±0 product of a
 *      nonzero x only matters under AP_TRN (q = -1 lost), so AP_TRN kernels with F < 0 send
 *      `s~ === 0 && x !== 0` to the BigInt path.
 * (E4) Subnormal x: the vendor reads ±(1 + m·2^-52)·2^-1023, so its s lies in the tiny region when
 *      F <= 1021, with the sign of x. For F >= 0, s~ = x·2^F exactly (scaling a subnormal up is exact
 *      below overflow) and also lies in the tiny region: same q. For F < 0, (E3) applies.
 * (E5) Overflowing products (|s| >= 2^1024, s~ = ±Inf) and NaN/±Inf inputs: the value is a multiple of
 *      2^972·2^F >= 2^(W+1) (for NaN/Inf: ±(2^52 + m)·2^(972+F)) and far beyond the range. So the result
 *      depends only on the sign (saturation by sign; wrap of a multiple of 2^(W+1) is 0 and bit W, the
 *      WRAP_SM flip bit, is 0). The code of any non-finite input is therefore the one of ±Inf of the same
 *      sign bit, precomputed per type.
 * (E6) Rounding of an exact double |s| <= 2^51: C = 1.5·2^52, (s + C) - C is round-half-even(s): s + C
 *      lies in [2^52, 2^53] where the spacing is 1, so the addition rounds to the nearest integer with
 *      ties to the even one (C is even, so parity is preserved), and the subtraction of two integers
 *      below 2^53 is exact. d = s - r is exact (|d| <= 1/2; d = s when r = 0, otherwise |s| >= 1/2 and d
 *      is a multiple of ulp(s) >= 2^-53 below 2^52 ulps), and a tie is exactly |d| = 1/2; the modes
 *      that do not round ties to even move r by one at those ties only. Math.floor and Math.trunc are
 *      exact on any double. (Note: `fl = floor(s); d = s - fl` is NOT exact for -1 < s < 0, e.g.
 *      s = -0.5 + 2^-54 gives d = 0.5, a false tie; we never use it there.)
 * (E7) Clip-then-round: for SAT / SAT_SYM / SAT_ZERO with integer bounds LO <= HI inside ±2^51,
 *      R(clamp(s, LO, HI)) = clamp(R(s), LO, HI) because R is monotone and fixes integers. For AP_SAT,
 *      [LO, HI] = [MIN, MAX]; for AP_SAT_SYM with a signed destination of W >= 2, LO = -MAX (a rounded
 *      q <= MIN is an underflow giving -MAX, spec §2.3/§2.4); for W = 1 or unsigned it is [MIN, MAX].
 *      For AP_SAT_ZERO the clamp is to [MIN-1, MAX+1] and out-of-range results become 0. ±Inf products
 *      clamp to the bound of their sign, which (E5) shows is the vendor's answer; NaN is caught first.
 * (E8) Integer operations: ToInt32 (`| 0`, `<<`) is exact modulo 2^32 for any finite integer-valued
 *      double; `v - Math.floor(v / p) * p` for a power of two p <= 2^53 and an integer |v| <= 2^52 is the
 *      exact floored remainder (every intermediate is an integer multiple of a power of two that fits
 *      in 53 bits).
 * (E9) The vendor's WRAP_SM flip bit lD is bit W of t = floor(s) (spec §2.4); its "no such source bit
 *      reads as 0" rule only differs from two's complement for negative x with |x| < 2^(I-1), which is
 *      never an overflow, so floor(s) is used directly.
 *
 * Everything else (W > 53, F outside the domain, |s~| > 2^51 outside a clip kernel, NaN where the kernel
 * cannot clip it, the AP_TRN zero products) takes `fixedFromDouble` for that element. The property tests
 * in test/emulator/arrayQuantize.test.ts compare both paths on random types and directed values.
 */
import { fixedFromDouble } from './convert.js';
import { InvalidArgumentError } from './errors.js';
import { FixedType, type OverflowMode, type QuantMode } from './types.js';

/** The container of raw codes for a type: int32 where every code fits, 64-bit words, else bigint[]. */
export type CodeArrayKind = 'int32' | 'int64' | 'uint64' | 'bigint';
export type CodeArray = Int32Array | BigInt64Array | BigUint64Array | bigint[];
export type ArrayQuantizeInput = Float64Array | Float32Array | readonly number[];

export interface QuantizeCodesOptions {
  output?: 'codes';
  /** A caller-owned container of the type's `codeArrayKind` and at least x.length elements. */
  out?: CodeArray;
}
export interface QuantizeValuesOptions {
  output: 'values';
  /** A caller-owned Float64Array of at least x.length elements. */
  out?: Float64Array;
}
export type QuantizeArrayOptions = QuantizeCodesOptions | QuantizeValuesOptions;

export function codeArrayKind(type: FixedType): CodeArrayKind {
  if (type.signed ? type.width <= 32 : type.width <= 31) return 'int32';
  if (type.width <= 64) return type.signed ? 'int64' : 'uint64';
  return 'bigint';
}

function newCodeArray(kind: CodeArrayKind, n: number): CodeArray {
  switch (kind) {
    case 'int32':
      return new Int32Array(n);
    case 'int64':
      return new BigInt64Array(n);
    case 'uint64':
      return new BigUint64Array(n);
    case 'bigint':
      return new Array<bigint>(n).fill(0n);
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Whether a type is in the domain where the double kernels are proved exact (see the header). */
export function fastDomain(type: FixedType): boolean {
  const F = type.fracBits;
  return type.width <= 53 && F >= type.width - 971 && F <= 1021;
}

/**
 * Quantize every element of x into `type`, exactly as `fixedFromDouble(x[i], type)` does.
 *
 * - `output: 'codes'` (default): raw codes in `codeArrayKind(type)`: Int32Array when every code fits
 *   (signed W <= 32, unsigned W <= 31), BigInt64Array / BigUint64Array up to 64 bits, else bigint[].
 * - `output: 'values'`: a Float64Array of code·2^-F, correctly rounded to the nearest double with ties
 *   to even (IEEE round-to-nearest, gradual underflow, ±Infinity beyond the double range; +0 for code
 *   0). It is exact whenever W <= 53 and W - 1024 <= F <= 1074, which covers every usual type.
 *   This rounding is hlsq's, not the vendor's `to_double()` (whose exponent wraps outside the normal
 *   range, spec §4.1).
 *
 * `out` may be x itself (values output into the input Float64Array): each element is read before it is
 * written. For large arrays pass `out`: on Linux a fresh 80 MB result costs a page fault per 4 KiB page
 * on first touch, which can cost more than the quantization (NumPy asks the kernel for huge pages; a Node
 * process gets them from glibc with GLIBC_TUNABLES=glibc.malloc.hugetlb=1).
 */
export function quantizeArray(x: ArrayQuantizeInput, type: FixedType, opts?: QuantizeCodesOptions): CodeArray;
export function quantizeArray(x: ArrayQuantizeInput, type: FixedType, opts: QuantizeValuesOptions): Float64Array;
export function quantizeArray(x: ArrayQuantizeInput, type: FixedType, opts?: QuantizeArrayOptions): CodeArray | Float64Array;
export function quantizeArray(
  x: ArrayQuantizeInput,
  type: FixedType,
  opts: QuantizeArrayOptions = {},
): CodeArray | Float64Array {
  const input = checkInput(x);
  checkType(type);
  const output = checkOutputKind(opts.output);
  const n = input.length;
  if (output === 'values') {
    const out = outputArray(opts.out, 'values', n);
    if (fastDomain(type)) runKernel(input, type, 'values', out as Float64Array);
    else referenceValues(input, type, out as Float64Array, 0, n);
    return out as Float64Array;
  }
  const kind = codeArrayKind(type);
  const out = outputArray(opts.out, kind, n);
  if (fastDomain(type) && (kind === 'int32' || LITTLE_ENDIAN)) {
    if (kind === 'int32') runKernel(input, type, 'int32', out as Int32Array);
    else {
      const words = out as BigInt64Array | BigUint64Array;
      runKernel(input, type, 'words', new Int32Array(words.buffer, words.byteOffset, 2 * words.length));
    }
  } else {
    referenceCodes(input, type, out as CodeArray, 0, n);
  }
  return out as CodeArray;
}

/**
 * The same job through the exact BigInt path only (one `fixedFromDouble` per element): the semantic
 * reference for the tests and the honest baseline of the benchmarks.
 */
export function quantizeArrayReference(x: ArrayQuantizeInput, type: FixedType, opts?: QuantizeCodesOptions): CodeArray;
export function quantizeArrayReference(x: ArrayQuantizeInput, type: FixedType, opts: QuantizeValuesOptions): Float64Array;
export function quantizeArrayReference(
  x: ArrayQuantizeInput,
  type: FixedType,
  opts: QuantizeArrayOptions = {},
): CodeArray | Float64Array {
  const input = checkInput(x);
  checkType(type);
  const output = checkOutputKind(opts.output);
  const n = input.length;
  if (output === 'values') {
    const out = outputArray(opts.out, 'values', n);
    referenceValues(input, type, out as Float64Array, 0, n);
    return out as Float64Array;
  }
  const kind = codeArrayKind(type);
  const out = outputArray(opts.out, kind, n);
  referenceCodes(input, type, out as CodeArray, 0, n);
  return out as CodeArray;
}

function checkOutputKind(output: unknown): 'codes' | 'values' {
  if (output === undefined) return 'codes';
  if (output !== 'codes' && output !== 'values') {
    throw new InvalidArgumentError('output', output, "'codes' or 'values'");
  }
  return output;
}

function checkInput(x: ArrayQuantizeInput): Float64Array | Float32Array {
  if (x instanceof Float64Array || x instanceof Float32Array) return x;
  if (Array.isArray(x)) {
    const copy = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const v: unknown = x[i];
      if (typeof v !== 'number') throw new InvalidArgumentError(`x[${i}]`, v, 'a number');
      copy[i] = v;
    }
    return copy;
  }
  throw new InvalidArgumentError('x', describe(x), 'a Float64Array, a Float32Array or an array of numbers');
}

function checkType(type: unknown): void {
  if (!(type instanceof FixedType)) {
    throw new InvalidArgumentError('type', describe(type), 'a FixedType (ap_fixed<...> or ap_ufixed<...>)');
  }
}

/** The caller's `out` (checked against the output kind and length), or a fresh array of n elements. */
function outputArray(out: unknown, kind: CodeArrayKind | 'values', n: number): CodeArray | Float64Array {
  if (out === undefined) return kind === 'values' ? new Float64Array(n) : newCodeArray(kind, n);
  return checkOut(out, kind, n);
}

function checkOut(out: unknown, kind: CodeArrayKind | 'values', n: number): CodeArray | Float64Array {
  const ok =
    kind === 'values'
      ? out instanceof Float64Array
      : kind === 'int32'
        ? out instanceof Int32Array
        : kind === 'int64'
          ? out instanceof BigInt64Array
          : kind === 'uint64'
            ? out instanceof BigUint64Array
            : Array.isArray(out);
  const expected = { values: 'Float64Array', int32: 'Int32Array', int64: 'BigInt64Array', uint64: 'BigUint64Array', bigint: 'bigint[]' }[kind];
  if (!ok) throw new InvalidArgumentError('out', describe(out), `a ${expected} for this type and output`);
  const length = (out as { length: number }).length;
  if (length < n) throw new InvalidArgumentError('out.length', length, `at least x.length = ${n}`);
  return out as CodeArray | Float64Array;
}

function describe(v: unknown): string {
  if (v === null || typeof v !== 'object') return String(v);
  return `${(v as object).constructor?.name ?? 'object'}`;
}

// ---------------------------------------------------------------------------------------------------
// The BigInt path (per element): the definition.

function referenceCodes(x: Float64Array | Float32Array, type: FixedType, out: CodeArray, from: number, to: number): void {
  if (out instanceof Int32Array) {
    for (let i = from; i < to; i++) out[i] = Number(fixedFromDouble(x[i]!, type).raw);
  } else {
    for (let i = from; i < to; i++) out[i] = fixedFromDouble(x[i]!, type).raw;
  }
}

function referenceValues(x: Float64Array | Float32Array, type: FixedType, out: Float64Array, from: number, to: number): void {
  for (let i = from; i < to; i++) out[i] = dyadicToNumber(fixedFromDouble(x[i]!, type).raw, type.fracBits);
}

function bitLength(m: bigint): number {
  return m === 0n ? 0 : m.toString(2).length;
}

/**
 * code·2^-fracBits correctly rounded to a double (ties to even, gradual underflow, ±Infinity beyond
 * the range). The significand is rounded once at the precision the result has (53 bits, fewer when
 * subnormal); scaling the rounded significand by a power of two is then exact.
 */
export function dyadicToNumber(code: bigint, fracBits: number): number {
  if (code === 0n) return 0;
  const negative = code < 0n;
  const magnitude = negative ? -code : code;
  const msb = bitLength(magnitude) - 1 - fracBits; // exponent of the leading bit
  if (msb > 1023) return negative ? -Infinity : Infinity;
  const lsb = Math.max(msb - 52, -1074); // weight of the last bit the result can hold
  const shift = lsb + fracBits; // bits of the code below that weight
  let significand: bigint;
  if (shift <= 0) significand = magnitude;
  else {
    const bs = BigInt(shift);
    const q = magnitude >> bs;
    const rem = magnitude - (q << bs);
    const half = 1n << (bs - 1n);
    significand = rem > half || (rem === half && (q & 1n) === 1n) ? q + 1n : q;
  }
  const scale = shift <= 0 ? lsb - shift : lsb;
  // significand <= 2^53 is exact as a number; two power-of-two steps keep each factor finite.
  const h = Math.trunc(scale / 2);
  const v = Number(significand) * 2 ** h * 2 ** (scale - h);
  return negative ? -v : v;
}

// ---------------------------------------------------------------------------------------------------
// The double kernels.

type KernelOutput = 'int32' | 'words' | 'values';
type Rare = (v: number) => number;
type Overflow = (q: number, s: number) => number;
type Kernel = (x: Float64Array | Float32Array, out: Int32Array | Float64Array, from: number, to: number) => void;

/** 1.5·2^52: adding and subtracting it rounds |s| <= 2^51 to an integer, ties to even (E6). */
const RNE_SHIFT = 6755399441055744;
const TWO_51 = 2 ** 51;
const CHUNK = 1 << 16;

/**
 * One rounding rule per quantization mode, as a statement assigning `r` from the exact double `s`,
 * |s| <= 2^51 (E6). `d` is a scratch variable.
 */
const ROUND_STATEMENTS: Readonly<Record<QuantMode, string>> = Object.freeze({
  AP_TRN: 'r = Math.floor(s);',
  AP_TRN_ZERO: 'r = Math.trunc(s);',
  AP_RND_CONV: `r = (s + ${RNE_SHIFT}) - ${RNE_SHIFT};`,
  // a tie resolved to the lower neighbour leaves d = +1/2: ties go up instead
  AP_RND: `r = (s + ${RNE_SHIFT}) - ${RNE_SHIFT}; if (s - r === 0.5) r += 1;`,
  // a tie resolved to the upper neighbour leaves d = -1/2: ties go down instead
  AP_RND_MIN_INF: `r = (s + ${RNE_SHIFT}) - ${RNE_SHIFT}; if (s - r === -0.5) r -= 1;`,
  AP_RND_ZERO: `r = (s + ${RNE_SHIFT}) - ${RNE_SHIFT}; d = s - r; if (d === 0.5) { if (s < 0) r += 1; } else if (d === -0.5) { if (s > 0) r -= 1; }`,
  AP_RND_INF: `r = (s + ${RNE_SHIFT}) - ${RNE_SHIFT}; d = s - r; if (d === 0.5) { if (s > 0) r += 1; } else if (d === -0.5) { if (s < 0) r -= 1; }`,
});

/** Literal for generated code: String() of a double round-trips exactly. */
function lit(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`internal: non-finite literal ${v}`);
  return Object.is(v, -0) ? '-0' : String(v);
}

/** v mod p (floored) for a power of two p and an integer |v| <= 2^52, exactly (E8). */
function modPow2(v: number, p: number): number {
  return v - Math.floor(v / p) * p;
}

/**
 * The WRAP (N >= 1) and WRAP_SM rules of spec §2.4 in double arithmetic, for W <= 53 and a rounded
 * out-of-range q with |q| <= 2^51 + 1; `s` is the unrounded scaled value (WRAP_SM reads floor(s)).
 * The low W-N bits are a floored remainder; the top bits are added as the values they stand for.
 */
function overflowRule(type: FixedType): Overflow {
  const W = type.width;
  const N = type.satBits;
  const pW = 2 ** W;
  const half = 2 ** (W - 1);
  const pLow = 2 ** (W - N); // weight of bit W-N: the low W-N bits are kept
  const wrapSigned = (q: number): number => {
    const u = modPow2(q, pW);
    return u >= half ? u - pW : u;
  };
  const rules: Readonly<Record<OverflowMode, Overflow>> = {
    AP_SAT: () => {
      throw new Error('internal: AP_SAT is clamped inline');
    },
    AP_SAT_ZERO: () => 0,
    AP_SAT_SYM: () => {
      throw new Error('internal: AP_SAT_SYM is clamped inline');
    },
    AP_WRAP: (q) => {
      if (N === 0) return type.signed ? wrapSigned(q) : modPow2(q, pW);
      const low = modPow2(q, pLow);
      if (!type.signed) return low + (pW - pLow); // quirk #1: top N bits set on underflow too
      return q > 0 ? low + (half - pLow) : low - half;
    },
    AP_WRAP_SM: (q, s) => {
      let v = wrapSigned(q);
      if (N === 0) {
        const lD = modPow2(Math.floor(Math.floor(s) / pW), 2); // bit W of the unrounded t (E9)
        if (lD !== (v < 0 ? 1 : 0)) v = -v - 1; // one's complement; its MSB is then lD already
        return v;
      }
      const negative = q < 0;
      if (N === 1) return negative !== v < 0 ? -v - 1 : v;
      let low = modPow2(q, pLow);
      const bit = modPow2(Math.floor(q / pLow), 2);
      if ((bit === 1) === negative) low = pLow - 1 - low;
      return negative ? low - half : low + (half - pLow);
    },
  };
  return rules[type.overflow];
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const HI_WORD = LITTLE_ENDIAN ? 1 : 0;

/** The per-element exact path of a fast-domain type, returning the code as a number (exact, W <= 53). */
function rareElement(type: FixedType): Rare {
  // (E5): any non-finite input gives the code of ±Inf with the same sign bit.
  const posNonFinite = Number(fixedFromDouble(Infinity, type).raw);
  const negNonFinite = Number(fixedFromDouble(-Infinity, type).raw);
  return (v) => {
    if (v - v !== 0) {
      F64[0] = v;
      return U32[HI_WORD]! >>> 31 === 1 ? negNonFinite : posNonFinite;
    }
    return Number(fixedFromDouble(v, type).raw);
  };
}

/** The body assigning `r` (a rounded, overflow-handled code) from `v` and `s = v * SCALE`. */
function kernelBody(type: FixedType): string {
  const W = type.width;
  const F = type.fracBits;
  const min = Number(type.minRaw);
  const max = Number(type.maxRaw);
  const round = ROUND_STATEMENTS[type.quant];
  // (E3): only AP_TRN tells a tiny negative value from zero, and only F < 0 can flush it to zero.
  const zeroCheck = type.quant === 'AP_TRN' && F < 0 ? ' || (s === 0 && v !== 0)' : '';

  // (E7) clip, then round: saturation costs nothing extra and any magnitude stays on the fast path.
  let lo: number | undefined;
  let hi: number | undefined;
  if (type.overflow === 'AP_SAT') [lo, hi] = [min, max];
  if (type.overflow === 'AP_SAT_SYM') [lo, hi] = [type.signed && W >= 2 ? -max : min, max];
  if (type.overflow === 'AP_SAT_ZERO') [lo, hi] = [min - 1, max + 1];
  if (lo !== undefined && hi !== undefined && lo >= -TWO_51 && hi <= TWO_51) {
    const zero = type.overflow === 'AP_SAT_ZERO' ? ` if (r < ${lit(min)} || r > ${lit(max)}) r = 0;` : '';
    return [
      `if (s !== s${zeroCheck}) r = rare(v);`,
      `else { s = s < ${lit(lo)} ? ${lit(lo)} : (s > ${lit(hi)} ? ${lit(hi)} : s); ${round}${zero} }`,
    ].join('\n      ');
  }

  // Round, then handle overflow; |s~| > 2^51 (NaN, ±Inf and huge values included) takes the exact path.
  let overflow: string;
  if (type.overflow === 'AP_SAT' || type.overflow === 'AP_SAT_SYM') {
    const low = type.overflow === 'AP_SAT_SYM' && type.signed && W >= 2 ? -max : min;
    overflow = `r = r > ${lit(max)} ? ${lit(max)} : (r < ${lit(low)} ? ${lit(low)} : r);`;
  } else if (type.overflow === 'AP_WRAP' && type.satBits === 0 && W <= 32) {
    // (E8): ToInt32 then a shift pair keeps the low W bits, sign- or zero-extended.
    const sh = 32 - W;
    if (type.signed) overflow = sh === 0 ? 'r = r | 0;' : `r = (r << ${sh}) >> ${sh};`;
    else overflow = `r = (r << ${sh}) >>> ${sh};`;
  } else {
    overflow = `if (r > ${lit(max)} || r < ${lit(min)}) r = overflow(r, s);`;
  }
  return [
    `if (!(s <= ${lit(TWO_51)} && s >= ${lit(-TWO_51)})${zeroCheck}) r = rare(v);`,
    `else { ${round} ${overflow} }`,
  ].join('\n      ');
}

/** The store of `r` into element `at` (an index expression). */
function storeStatement(output: KernelOutput, F: number, at: string): string {
  switch (output) {
    case 'int32':
      return `out[${at}] = r;`;
    case 'values':
      // (E1) exact; `+ 0` turns a -0 (floor/trunc of -0 or of a tiny negative) into +0.
      return `out[${at}] = r * ${lit(2 ** -F)} + 0;`;
    case 'words':
      // little-endian 64-bit two's complement: low word by ToInt32, high word by floored division
      return `out[2 * (${at})] = r; out[2 * (${at}) + 1] = Math.floor(r * ${lit(2 ** -32)});`;
  }
}

/** One element, in its own block scope: read, scale, round, handle overflow, store. */
function elementBlock(type: FixedType, output: KernelOutput, at: string): string {
  return `{
      const v = x[${at}];
      let s = v * ${lit(2 ** type.fracBits)};
      let r, d;
      ${kernelBody(type)}
      ${storeStatement(output, type.fracBits, at)}
    }`;
}

/** Elements per iteration of the main loop: V8 does not unroll, and four halve the CPU time per value. */
const UNROLL = 4;

function generateKernel(type: FixedType, output: KernelOutput): Kernel {
  const unrolled = Array.from({ length: UNROLL }, (_, k) => elementBlock(type, output, k === 0 ? 'i' : `i + ${k}`));
  const source = `"use strict";
return function quantize_${type.quant}_${type.overflow}_${output}(x, out, from, to) {
  let i = from;
  for (; i + ${UNROLL - 1} < to; i += ${UNROLL}) {
    ${unrolled.join('\n    ')}
  }
  for (; i < to; i++) ${elementBlock(type, output, 'i')}
};`;
  // The source is built only from validated integers and the fixed statements above.
  const make = new Function('rare', 'overflow', source) as (rare: Rare, overflow: Overflow) => Kernel;
  return make(rareElement(type), overflowRule(type));
}

/**
 * Kernels are cached per (type, input class, output). A separate function per input class keeps each
 * kernel's element loads monomorphic. The cache is bounded: a program sweeping many types recompiles.
 */
const KERNELS = new Map<string, Kernel>();
const MAX_KERNELS = 512;

function kernelFor(type: FixedType, input: Float64Array | Float32Array, output: KernelOutput): Kernel {
  const key = `${type.toString()}|${type.satBits}|${input instanceof Float32Array ? 'f32' : 'f64'}|${output}`;
  let k = KERNELS.get(key);
  if (k === undefined) {
    if (KERNELS.size >= MAX_KERNELS) KERNELS.clear();
    k = generateKernel(type, output);
    KERNELS.set(key, k);
  }
  return k;
}

/** The generated source of a kernel, for review and for the exactness comments' readers. */
export function kernelSource(type: FixedType, output: KernelOutput = 'int32'): string {
  return `/* ${type} -> ${output}, per element */\n${elementBlock(type, output, 'i')}`;
}

function runKernel(
  x: Float64Array | Float32Array,
  type: FixedType,
  output: KernelOutput,
  out: Int32Array | Float64Array,
): void {
  const kernel = kernelFor(type, x, output);
  // Chunks: a 10 M-element first call would otherwise run in the baseline tier until on-stack
  // replacement; short calls let V8 optimise the kernel after a few of them.
  for (let from = 0; from < x.length; from += CHUNK) kernel(x, out, from, Math.min(from + CHUNK, x.length));
}
