/**
 * The `quantizers` minifloat `ap_float<m,e,e0>` (quantizers.md §4.1): sign-magnitude, m fraction bits,
 * e exponent bits, exponent offset e0 (bias = 2^(e-1) - e0, not an IEEE bias), subnormals, every exponent
 * code a finite binade, saturation to the largest finite value, no Inf/NaN codes. e = 0 behaves like e = 1.
 *
 * Quantization is exact (§4.2): the binade is read from the bits, and the rest is scaling by powers of two
 * (exact while the scaled value stays normal; when it does not, it is below 1/2 and rounds to 0 anyway),
 * one round-half-even on an integer-range double (exact), and a rescale onto the format's grid, which
 * float64 holds exactly under the range check below.
 */
import { InvalidArgumentError, ParseError } from './errors.js';
import { binade, ldexp } from './floatBits.js';

/** Round half to even of a non-negative or negative double, exactly (never `Math.round`). */
export function roundHalfEvenNumber(v: number): number {
  if (!Number.isFinite(v)) return v;
  const fl = Math.floor(v);
  if (fl === v) return v;
  const mid = fl + 0.5; // exact for non-integers (|fl| <= 2^52)
  if (v < mid) return fl;
  if (v > mid) return fl + 1;
  return fl % 2 === 0 ? fl : fl + 1;
}

export class FloatType {
  readonly kind = 'float' as const;
  /** max(2^(e-1), 1) */
  readonly half: number;
  readonly emin: number;
  readonly emax: number;
  /** (2 - 2^-m) * 2^emax, when float64 holds it. */
  readonly maxValue: number;

  constructor(
    readonly m: number,
    readonly e: number,
    readonly e0: number = 0,
  ) {
    if (!Number.isInteger(m) || m < 0 || m > 1074) throw new InvalidArgumentError('m', m, 'an integer from 0 to 1074 (mantissa bits)');
    if (!Number.isInteger(e) || e < 0 || e > 30) throw new InvalidArgumentError('e', e, 'an integer from 0 to 30 (exponent bits)');
    if (!Number.isInteger(e0) || Math.abs(e0) > 2 ** 31) throw new InvalidArgumentError('e0', e0, 'an integer (exponent offset)');
    this.half = Math.max(2 ** (e - 1), 1);
    this.emin = e0 - this.half + 1;
    this.emax = e0 + this.half - 1;
    this.maxValue = ldexp(2 ** (m + 1) - 1, this.emax - m);
    Object.freeze(this);
  }

  /** The equivalent IEEE-style bias (exponent field 0 = subnormal; the all-ones field is finite). */
  get bias(): number {
    return this.half - this.e0;
  }
  get width(): number {
    return 1 + Math.max(this.e, 1) + this.m;
  }
  get minSubnormal(): number {
    return ldexp(1, this.emin - this.m);
  }

  /** Whether every value of the format is a double, so that number-valued quantization is exact. */
  get fitsFloat64(): boolean {
    return this.m <= 52 && this.emax <= 1023 && this.emin - this.m >= -1074;
  }

  equals(o: FloatType): boolean {
    return o.m === this.m && o.e === this.e && o.e0 === this.e0;
  }

  toString(): string {
    return `ap_float<${this.m},${this.e},${this.e0}>`;
  }
  toJSON(): string {
    return this.toString();
  }

  /** The nearest value of the format (ties to even), saturating; ±0 keep their sign, NaN stays NaN. */
  quantize(x: number): number {
    requireFloat64(this);
    if (Number.isNaN(x)) return NaN;
    if (x === Infinity) return this.maxValue;
    if (x === -Infinity) return -this.maxValue;
    if (x === 0) return x;
    const a = Math.abs(x);
    const ea = Math.max(binade(a), this.emin);
    const q = roundHalfEvenNumber(ldexp(a, this.m - ea));
    let val = ldexp(q, ea - this.m);
    if (val > this.maxValue) val = this.maxValue;
    return x < 0 ? -val : val;
  }

  /**
   * The code of the quantized value: sign | exponent field | fraction, field 0 = subnormals and zero,
   * field = binade - emin + 1 otherwise (IEEE-style with bias = max(2^(e-1),1) - e0). NaN has no code.
   */
  encode(x: number): number {
    if (Number.isNaN(x)) throw new InvalidArgumentError('x', x, `a number with a code in ${this} (the format has no NaN)`);
    if (this.width > 53) throw new InvalidArgumentError('ap_float', this.toString(), 'a format of at most 53 bits for number codes');
    const y = this.quantize(x);
    const sign = y < 0 || Object.is(y, -0) ? 2 ** (this.width - 1) : 0;
    const a = Math.abs(y);
    if (a === 0) return sign;
    const eb = binade(a);
    if (eb < this.emin) return sign + ldexp(a, this.m - this.emin);
    return sign + (eb - this.emin + 1) * 2 ** this.m + (ldexp(a, this.m - eb) - 2 ** this.m);
  }

  decode(code: number): number {
    if (this.width > 53 || !Number.isInteger(code) || code < 0 || code >= 2 ** this.width) {
      throw new InvalidArgumentError('code', code, `an integer from 0 to 2^${this.width} - 1 (${this})`);
    }
    const body = code % 2 ** (this.width - 1);
    const neg = code >= 2 ** (this.width - 1);
    const field = Math.floor(body / 2 ** this.m);
    const frac = body % 2 ** this.m;
    const v = field === 0 ? ldexp(frac, this.emin - this.m) : ldexp(2 ** this.m + frac, this.emin + field - 1 - this.m);
    return neg ? -v : v;
  }

  /**
   * [mantissa, exponent] of the exact quantized value (quantizers.md §4.5, exact mode): normals give the
   * binade after any carry and a mantissa in [1, 2); subnormals and zero give emin.
   */
  decompose(x: number): [number, number] {
    requireFloat64(this);
    if (Number.isNaN(x)) return [NaN, NaN];
    const topMant = 2 - 2 ** -this.m;
    if (x === Infinity) return [topMant, this.emax];
    if (x === -Infinity) return [-topMant, this.emax];
    const y = this.quantize(x);
    if (y === 0) return [y, this.emin];
    const ey = Math.max(binade(Math.abs(y)), this.emin);
    return [ldexp(y, -ey), ey];
  }
}

function requireFloat64(t: FloatType): void {
  if (!t.fitsFloat64) {
    throw new InvalidArgumentError(
      'ap_float',
      t.toString(),
      'a format whose values are all doubles (m <= 52, emax <= 1023, emin - m >= -1074) for number-valued quantization',
    );
  }
}

const FLOAT_SYNTAX = 'ap_float<M,E[,E0]> (e.g. ap_float<3,4,0>)';

export function parseFloatType(text: string): FloatType {
  const mm = /^\s*ap_float\s*<([^<>]*)>\s*$/.exec(text);
  if (!mm) throw new ParseError('minifloat type', text, FLOAT_SYNTAX);
  const args = mm[1]!.split(',').map((s) => s.trim());
  if (args.length < 2 || args.length > 3 || !args.every((s) => /^[+-]?\d+$/.test(s))) throw new ParseError('minifloat type', text, FLOAT_SYNTAX);
  return new FloatType(Number(args[0]), Number(args[1]), args[2] === undefined ? 0 : Number(args[2]));
}

const POW2 = new Float64Array(1023 + 1074 + 1);
for (let n = -1074; n <= 1023; n++) POW2[n + 1074] = 2 ** n;
/** 1.5·2^52: (v + C) - C rounds |v| < 2^51 to the nearest integer, ties to even, in JS's only FP mode. */
const RNE_C = 1.5 * 2 ** 52;
const LITTLE = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/**
 * Quantize a whole typed array to ap_float<m,e,e0>, element for element equal to `t.quantize(x[i])`
 * (property-tested). The binade comes from the bits (no log2, no pow), scaling is one multiplication by
 * a tabulated power of two (exact: the scaled value is normal, or below 1/2 where any rounding gives 0
 * — see the header of this file), and the rounding is the 1.5·2^52 trick, exact for m <= 49. Formats
 * outside that domain, or big-endian hosts, use the per-element path. No allocation in the loop.
 */
export function floatQuantizeArray(t: FloatType, x: Float64Array | Float32Array, out: Float64Array = new Float64Array(x.length)): Float64Array {
  requireFloat64(t);
  const n = x.length;
  if (out.length < n) throw new InvalidArgumentError('out', `length ${out.length}`, `a Float64Array of at least ${n} elements`);
  const m = t.m;
  const emin = t.emin;
  const max = t.maxValue;
  const fast = LITTLE && m <= 49 && emin - m >= -1022 && t.emax - m <= 1023 && m - emin <= 1023 && x.byteOffset % 8 === 0;
  if (!fast) {
    for (let j = 0; j < n; j++) out[j] = t.quantize(x[j]!);
    return out;
  }
  if (x instanceof Float32Array && m <= 22 && emin >= -126 && t.emax <= 127) {
    floatQuantizeFloat32Bits(t, x, out);
    return out;
  }
  if (x instanceof Float32Array) {
    const bits = new Uint32Array(x.buffer, x.byteOffset, n);
    for (let j = 0; j < n; j++) {
      const v = x[j]!;
      const b = bits[j]!;
      const be = (b >>> 23) & 0xff;
      let e: number;
      if (be === 0xff) {
        out[j] = v !== v ? NaN : v > 0 ? max : -max;
        continue;
      }
      if (be === 0) {
        const mant = b & 0x7fffff;
        if (mant === 0) {
          out[j] = v;
          continue;
        }
        e = 31 - Math.clz32(mant) - 149;
      } else e = be - 127;
      out[j] = roundInBinade(v, e, emin, m, max);
    }
    return out;
  }
  const words = new Uint32Array(x.buffer, x.byteOffset, 2 * n);
  for (let j = 0; j < n; j++) {
    const v = x[j]!;
    const hi = words[2 * j + 1]!;
    const be = (hi >>> 20) & 0x7ff;
    let e: number;
    if (be === 0x7ff) {
      out[j] = v !== v ? NaN : v > 0 ? max : -max;
      continue;
    }
    if (be === 0) {
      if (v === 0) {
        out[j] = v;
        continue;
      }
      e = binade(v < 0 ? -v : v);
    } else e = be - 1023;
    out[j] = roundInBinade(v, e, emin, m, max);
  }
  return out;
}

/**
 * Finite nonzero v (binade e) rounded half to even onto the format's grid: m fraction bits in binade e,
 * or in emin below it (subnormals); a magnitude above max becomes max.
 */
function roundInBinade(v: number, e: number, emin: number, m: number, max: number): number {
  const ue = (e < emin ? emin : e) - m;
  const a = v < 0 ? -v : v;
  // a·2^-ue is exact when normal; when it is not (tiny a far below the grid) it is below 1/2 and
  // rounds to 0 whatever its last bits.
  const q = a * POW2[1074 - ue]! + RNE_C - RNE_C;
  let r = q * POW2[1074 + ue]!;
  if (r > max) r = max;
  return v < 0 ? -r : r;
}

const S32 = new Float32Array(1);
const U32 = new Uint32Array(S32.buffer);

/**
 * Float32 input whose format lies inside float32's normal range (m <= 22, emin >= -126, emax <= 127):
 * in the format's normal range, round half to even directly on the float32 bit pattern (add half an
 * LSB minus one plus the kept LSB, clear the dropped bits; a carry moves into the exponent as it should),
 * where for m = 0 the kept LSB is the implicit leading 1 (odd), not the exponent's low bit: ties round up,
 * saturate by comparing patterns (monotone for magnitudes), and widen the float32 result exactly. Below
 * the normal range the float path above is used (a·2^(m-emin) is then a normal double below 2^m).
 */
function floatQuantizeFloat32Bits(t: FloatType, x: Float32Array, out: Float64Array): void {
  const m = t.m;
  const emin = t.emin;
  const max = t.maxValue;
  const shift = 23 - m;
  const half = (1 << (shift - 1)) - 1;
  const keep = ~((1 << shift) - 1);
  S32[0] = max;
  const maxBits = U32[0]!;
  const minBits = (emin + 127) << 23; // the smallest normal of the format as a float32 pattern
  const up = POW2[1074 + m - emin]!;
  const down = POW2[1074 + emin - m]!;
  const bits = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const n = x.length;
  for (let j = 0; j < n; j++) {
    const b = bits[j]!;
    const mag = b & 0x7fffffff;
    if (mag >= minBits) {
      if (mag >= 0x7f800000) {
        const v = x[j]!;
        out[j] = v !== v ? NaN : v > 0 ? max : -max;
        continue;
      }
      let r = ((mag + half + (m === 0 ? 1 : (mag >>> shift) & 1)) & keep) >>> 0;
      if (r > maxBits) r = maxBits;
      U32[0] = (r | (b & 0x80000000)) >>> 0;
      out[j] = S32[0]!;
    } else {
      const v = x[j]!;
      const r = ((v < 0 ? -v : v) * up + RNE_C - RNE_C) * down;
      out[j] = b >>> 31 ? -r : r;
    }
  }
}
