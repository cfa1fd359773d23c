/**
 * The wider minifloat family (minifloat-formats.md): ml_dtypes / OCP FP8, MX FP6/FP4, E8M0 scales, each a
 * descriptor with its Inf/NaN encoding, -0, subnormal and overflow policy; encode (value -> code), decode
 * (code -> value) and quantize = decode(encode(x)), computed with a single rounding from the exact input.
 * Also OCP MX block quantization (a shared E8M0 scale per block).
 */
import { InvalidArgumentError } from './errors.js';
import { binade, ldexp } from './floatBits.js';
import { FloatType, roundHalfEvenNumber } from './minifloat.js';

export type NanEncoding = 'ieee' | 'fn' | 'fnuz' | 'allOnes' | 'none';
export type SubnormalPolicy = 'yes' | 'ftz' | 'none';
export type FloatOverflow = 'saturate' | 'ieee';
export type FloatRounding = 'even' | 'away' | 'zero' | 'floor' | 'ceil' | 'odd' | 'stochastic';
export const FLOAT_ROUNDINGS: readonly FloatRounding[] = ['even', 'away', 'zero', 'floor', 'ceil', 'odd', 'stochastic'];

/** Rounding names of other libraries, as explicit aliases (minifloat-formats.md §6). */
export const FLOAT_ROUNDING_ALIASES: Readonly<Record<string, FloatRounding>> = Object.freeze({
  // microxcaling and QPyTorch "nearest" adds half an LSB to the magnitude: ties away from zero.
  nearest: 'away',
  ROUND: 'even', // QONNX FloatQuant
  CEIL: 'ceil',
  FLOOR: 'floor',
});

export interface MinifloatSpec {
  readonly name?: string;
  readonly e: number;
  readonly m: number;
  readonly bias: number;
  readonly signed?: boolean;
  readonly inf?: boolean;
  readonly nan?: NanEncoding;
  readonly negZero?: boolean;
  readonly subnormals?: SubnormalPolicy;
  readonly overflow?: FloatOverflow;
  readonly rounding?: FloatRounding;
}

export interface EncodeOptions {
  /** Round to float32 first, as ml_dtypes' float64 array casts do (double rounding). */
  viaFloat32?: boolean;
  /**
   * For `rounding: 'stochastic'`: a seeded source of uniform integers in [0, 2^53) (the caller's
   * generator; hlsq's SeedGenerator.nextUint53 fits). The magnitude rounds up with probability equal to
   * its fraction below the last kept bit (53-bit resolution).
   */
  uniform53?: () => number;
}

export class MinifloatFormat {
  readonly name: string;
  readonly e: number;
  readonly m: number;
  readonly bias: number;
  readonly signed: boolean;
  readonly inf: boolean;
  readonly nan: NanEncoding;
  readonly negZero: boolean;
  readonly subnormals: SubnormalPolicy;
  readonly overflow: FloatOverflow;
  readonly rounding: FloatRounding;
  /** Total bits. */
  readonly bits: number;
  /** Exponent of the lowest binade (of the subnormal grid when there are subnormals). */
  readonly emin: number;
  readonly maxValue: number;
  readonly maxCode: number;
  /** The NaN code used for results (NaN inputs, overflow to NaN), or null. */
  readonly nanCode: number | null;

  constructor(s: MinifloatSpec) {
    const int = (v: number, name: string, lo: number, hi: number) => {
      if (!Number.isInteger(v) || v < lo || v > hi) throw new InvalidArgumentError(name, v, `an integer from ${lo} to ${hi}`);
    };
    int(s.e, 'e', 1, 11);
    int(s.m, 'm', 0, 52);
    int(s.bias, 'bias', -1100, 1100);
    this.name = s.name ?? `float${(s.signed ?? true) ? 1 + s.e + s.m : s.e + s.m}_e${s.e}m${s.m}_b${s.bias}`;
    this.e = s.e;
    this.m = s.m;
    this.bias = s.bias;
    this.signed = s.signed ?? true;
    this.inf = s.inf ?? false;
    this.nan = s.nan ?? 'none';
    this.negZero = this.signed && (s.negZero ?? this.nan !== 'fnuz');
    this.subnormals = s.subnormals ?? 'yes';
    this.overflow = s.overflow ?? (this.inf || this.nan !== 'none' ? 'ieee' : 'saturate');
    this.rounding = s.rounding ?? 'even';
    if (!FLOAT_ROUNDINGS.includes(this.rounding)) throw new InvalidArgumentError('rounding', this.rounding, FLOAT_ROUNDINGS.join(', '));
    if (this.inf && this.nan !== 'ieee') throw new InvalidArgumentError('nan', this.nan, "'ieee' when the format has Inf");
    if (this.nan === 'fn' && this.m === 0) throw new InvalidArgumentError('nan', 'fn', 'a format with m >= 1');
    this.bits = (this.signed ? 1 : 0) + this.e + this.m;
    this.emin = this.subnormals === 'none' ? -this.bias : 1 - this.bias;
    const top = 2 ** this.e - 1;
    const fracAll = 2 ** this.m - 1;
    let topField = top;
    let topFrac = fracAll;
    if (this.inf) topField = top - 1;
    else if (this.nan === 'fn') topFrac = fracAll - 1;
    else if (this.nan === 'allOnes') {
      if (this.m === 0) topField = top - 1;
      else topFrac = fracAll - 1;
    }
    this.maxCode = topField * 2 ** this.m + topFrac;
    this.maxValue = ldexp(2 ** this.m + topFrac, topField - this.bias - this.m);
    const signBit = this.signed ? 2 ** (this.e + this.m) : 0;
    switch (this.nan) {
      case 'ieee':
        this.nanCode = top * 2 ** this.m + (this.m > 0 ? 2 ** (this.m - 1) : 0);
        break;
      case 'fn':
        this.nanCode = top * 2 ** this.m + fracAll;
        break;
      case 'fnuz':
        this.nanCode = signBit;
        break;
      case 'allOnes':
        this.nanCode = 2 ** this.bits - 1;
        break;
      default:
        this.nanCode = null;
    }
    if (this.nan === 'ieee' && this.m === 0) throw new InvalidArgumentError('nan', 'ieee', 'a format with m >= 1');
    Object.freeze(this);
  }

  private get signBit(): number {
    return this.signed ? 2 ** (this.e + this.m) : 0;
  }

  with(changes: Partial<MinifloatSpec>): MinifloatFormat {
    return new MinifloatFormat({ ...this.spec(), ...changes, name: changes.name ?? this.name });
  }

  spec(): MinifloatSpec {
    const { name, e, m, bias, signed, inf, nan, negZero, subnormals, overflow, rounding } = this;
    return { name, e, m, bias, signed, inf, nan, negZero, subnormals, overflow, rounding };
  }

  toString(): string {
    return this.name;
  }

  /** The code of the nearest representable value under the format's rounding and overflow policy. */
  encode(x: number, opts: EncodeOptions = {}): number {
    if (opts.viaFloat32) x = Math.fround(x);
    const sb = this.signBit;
    if (Number.isNaN(x)) return this.nanCode ?? (this.negZero ? sb : 0);
    const neg = x < 0 || Object.is(x, -0);
    if (!this.signed && (neg || x === 0)) {
      // Unsigned E8M0 has no zero and no negatives: they are NaN.
      if (this.nanCode === null) throw new InvalidArgumentError('x', x, `a positive value for ${this.name}`);
      if (x !== 0 || this.subnormals === 'none') return this.nanCode;
      return 0;
    }
    if (!Number.isFinite(x)) return this.overflowCode(neg, true);
    if (x === 0) return neg && this.negZero ? sb : 0;
    const a = Math.abs(x);
    let ea = Math.max(binade(a), this.emin);
    let q = roundMagnitude(ldexp(a, this.m - ea), neg, this.rounding, opts.uniform53);
    const hidden = 2 ** this.m;
    if (q < hidden) {
      if (this.subnormals === 'none') q = hidden; // no zero: the smallest value is the result (E8M0)
      else if (this.subnormals === 'ftz' && ea === this.emin) q = 0;
    }
    if (q >= 2 * hidden) {
      q /= 2;
      ea += 1;
    }
    if (ldexp(q, ea - this.m) > this.maxValue) return this.overflowCode(neg, false);
    if (q === 0) return neg && this.negZero ? sb : 0;
    const field = q < hidden ? 0 : ea + this.bias - (this.subnormals === 'none' ? 0 : 0);
    const frac = q < hidden ? q : q - hidden;
    const code = (q < hidden ? 0 : field) * hidden + frac;
    return (neg ? sb : 0) + code;
  }

  private overflowCode(neg: boolean, infinite: boolean): number {
    const sb = neg ? this.signBit : 0;
    const top = 2 ** this.e - 1;
    if (infinite && this.inf) return sb + top * 2 ** this.m;
    if (this.overflow === 'saturate' || this.nanCode === null) {
      if (!this.signed && neg) return this.nanCode ?? 0;
      return sb + this.maxCode;
    }
    if (this.inf) return sb + top * 2 ** this.m;
    // fn formats keep the sign on their NaN code (ml_dtypes: e4m3fn -Inf -> 0xFF).
    return this.nan === 'fn' ? sb + this.nanCode : this.nanCode;
  }

  decode(code: number): number {
    if (!Number.isInteger(code) || code < 0 || code >= 2 ** this.bits) {
      throw new InvalidArgumentError('code', code, `an integer from 0 to ${2 ** this.bits - 1} (${this.name})`);
    }
    const hidden = 2 ** this.m;
    const body = code % 2 ** (this.e + this.m);
    const neg = this.signed && code >= 2 ** (this.e + this.m);
    const field = Math.floor(body / hidden);
    const frac = body % hidden;
    const top = 2 ** this.e - 1;
    if (this.nan === 'ieee' && field === top && frac !== 0) return NaN;
    if (this.inf && field === top && frac === 0) return neg ? -Infinity : Infinity;
    if (this.nan === 'fn' && field === top && frac === hidden - 1) return NaN;
    if (this.nan === 'fnuz' && code === this.signBit) return NaN;
    if (this.nan === 'allOnes' && code === 2 ** this.bits - 1) return NaN;
    let v: number;
    if (field === 0 && this.subnormals !== 'none') v = this.subnormals === 'ftz' ? 0 : ldexp(frac, 1 - this.bias - this.m);
    else v = ldexp(hidden + frac, field - this.bias - this.m);
    return neg ? -v : v;
  }

  quantize(x: number, opts: EncodeOptions = {}): number {
    return this.decode(this.encode(x, opts));
  }

  encodeArray(x: ArrayLike<number>, opts: EncodeOptions = {}): Uint8Array | Uint16Array {
    const out = this.bits <= 8 ? new Uint8Array(x.length) : new Uint16Array(x.length);
    for (let j = 0; j < x.length; j++) out[j] = this.encode(x[j]!, opts);
    return out;
  }

  decodeArray(codes: ArrayLike<number>): Float64Array {
    const out = new Float64Array(codes.length);
    for (let j = 0; j < codes.length; j++) out[j] = this.decode(codes[j]!);
    return out;
  }
}

/** Round a non-negative magnitude v to an integer; `neg` is the sign of the original value. */
export function roundMagnitude(v: number, neg: boolean, mode: FloatRounding, uniform53?: () => number): number {
  const fl = Math.floor(v);
  if (mode === 'stochastic') {
    if (uniform53 === undefined) throw new InvalidArgumentError('uniform53', undefined, "a seeded generator of integers in [0, 2^53) for rounding 'stochastic'");
    const U = uniform53();
    if (fl === v) return v;
    // floor(v + U·2^-53) without forming the sum: up iff U >= 2^53·(1 - frac(v)); v >= 0 so v - fl is exact.
    return U >= 2 ** 53 - Math.floor((v - fl) * 2 ** 53) ? fl + 1 : fl;
  }
  if (fl === v) return v;
  // v >= 0, so v - fl is exact (same binade, or fl = 0).
  const d = v - fl;
  switch (mode) {
    case 'even':
      return roundHalfEvenNumber(v);
    case 'away':
      return d >= 0.5 ? fl + 1 : fl;
    case 'odd':
      return d > 0.5 || (d === 0.5 && fl % 2 === 0) ? fl + 1 : fl;
    case 'zero':
      return fl;
    case 'floor':
      return neg ? fl + 1 : fl;
    case 'ceil':
      return neg ? fl : fl + 1;
  }
}

const preset = (s: MinifloatSpec) => new MinifloatFormat(s);

/** ml_dtypes' formats under ml_dtypes' names (minifloat-formats.md §2), with their default policies. */
export const FLOAT_PRESETS = Object.freeze({
  float8_e4m3fn: preset({ name: 'float8_e4m3fn', e: 4, m: 3, bias: 7, nan: 'fn' }),
  float8_e4m3fnuz: preset({ name: 'float8_e4m3fnuz', e: 4, m: 3, bias: 8, nan: 'fnuz' }),
  float8_e5m2: preset({ name: 'float8_e5m2', e: 5, m: 2, bias: 15, inf: true, nan: 'ieee' }),
  float8_e5m2fnuz: preset({ name: 'float8_e5m2fnuz', e: 5, m: 2, bias: 16, nan: 'fnuz' }),
  float8_e4m3: preset({ name: 'float8_e4m3', e: 4, m: 3, bias: 7, inf: true, nan: 'ieee' }),
  float8_e3m4: preset({ name: 'float8_e3m4', e: 3, m: 4, bias: 3, inf: true, nan: 'ieee' }),
  float8_e4m3b11fnuz: preset({ name: 'float8_e4m3b11fnuz', e: 4, m: 3, bias: 11, nan: 'fnuz' }),
  float6_e2m3fn: preset({ name: 'float6_e2m3fn', e: 2, m: 3, bias: 1 }),
  float6_e3m2fn: preset({ name: 'float6_e3m2fn', e: 3, m: 2, bias: 3 }),
  float4_e2m1fn: preset({ name: 'float4_e2m1fn', e: 2, m: 1, bias: 1 }),
  float8_e8m0fnu: preset({ name: 'float8_e8m0fnu', e: 8, m: 0, bias: 127, signed: false, nan: 'allOnes', subnormals: 'none' }),
  bfloat16: preset({ name: 'bfloat16', e: 8, m: 7, bias: 127, inf: true, nan: 'ieee' }),
});
export type FloatPresetName = keyof typeof FLOAT_PRESETS;

export function floatPreset(name: string): MinifloatFormat {
  const p = (FLOAT_PRESETS as Record<string, MinifloatFormat>)[name];
  if (!p) throw new InvalidArgumentError('format', name, `one of ${Object.keys(FLOAT_PRESETS).join(', ')}`);
  return p;
}

/**
 * quantizers(m, e, e0) as a descriptor: bias = 2^(e-1) - e0 (e = 0 treated as e = 1), no Inf/NaN codes,
 * saturating, subnormals, -0.
 */
export function quantizersFloat(m: number, e: number, e0 = 0): MinifloatFormat {
  const t = new FloatType(m, e, e0);
  return new MinifloatFormat({ name: t.toString(), e: Math.max(e, 1), m, bias: t.bias, nan: 'none', overflow: 'saturate' });
}

// ---------------------------------------------------------------------------------------------------
// OCP MX block quantization (minifloat-formats.md §4)

export type MxElement = 'e4m3' | 'e5m2' | 'e3m2' | 'e2m3' | 'e2m1' | 'int8';

const MX_ELEMENTS: Readonly<Record<Exclude<MxElement, 'int8'>, MinifloatFormat>> = {
  e4m3: FLOAT_PRESETS.float8_e4m3fn.with({ overflow: 'saturate' }),
  e5m2: FLOAT_PRESETS.float8_e5m2.with({ overflow: 'saturate' }),
  e3m2: FLOAT_PRESETS.float6_e3m2fn,
  e2m3: FLOAT_PRESETS.float6_e2m3fn,
  e2m1: FLOAT_PRESETS.float4_e2m1fn,
};
/** floor(log2(element max)) per element type. */
export const MX_EMAX: Readonly<Record<MxElement, number>> = Object.freeze({ e4m3: 8, e5m2: 15, e3m2: 4, e2m3: 2, e2m1: 2, int8: 0 });

export interface MxOptions {
  elem: MxElement;
  block?: number;
  rounding?: 'even' | 'away';
  /** For shaped input: the axis along which blocks run (default: the last). */
  axis?: number;
}

export interface MxResult {
  /** One E8M0 code per block (0xFF = NaN scale), shaped like x with the block axis divided by `block`. */
  readonly scales: Uint8Array;
  readonly scaleShape: readonly number[];
  /** Element codes (int8: two's-complement bytes), in x's order. */
  readonly codes: Uint8Array;
  /** scale * element, as doubles, in x's order. */
  readonly values: Float64Array;
  readonly metadata: {
    readonly elem: MxElement;
    readonly block: number;
    readonly axis: number;
    readonly rounding: 'even' | 'away';
    readonly choices: readonly string[];
  };
}

const MX_CHOICES = [
  'elements saturate to +-max normal (int8: +-127 * 2^-6)',
  'block exponent above 127 or a NaN/Inf in the block -> NaN scale (0xFF), NaN values',
  'block exponent below -127 -> -127',
  'all-zero block -> scale code 0x00 (2^-127) and zero elements',
] as const;

/**
 * Quantize in blocks of `block` consecutive elements along `axis` (a flat array is one axis; the last
 * block of a line may be shorter), one shared E8M0 scale per block, single rounding per element.
 */
export function mxQuantize(x: ArrayLike<number> | { data: ArrayLike<number>; shape: readonly number[] }, opts: MxOptions): MxResult {
  const shaped = 'data' in x && Array.isArray((x as { shape?: unknown }).shape);
  const data: ArrayLike<number> = shaped ? (x as { data: ArrayLike<number> }).data : (x as ArrayLike<number>);
  const shape: readonly number[] = shaped ? (x as { shape: readonly number[] }).shape : [data.length];
  const block = opts.block ?? 32;
  const rounding = opts.rounding ?? 'even';
  if (!Number.isInteger(block) || block < 1) throw new InvalidArgumentError('block', block, 'a positive integer');
  if (rounding !== 'even' && rounding !== 'away') throw new InvalidArgumentError('rounding', rounding, "'even' or 'away'");
  if (!(opts.elem in MX_EMAX)) throw new InvalidArgumentError('elem', opts.elem, Object.keys(MX_EMAX).join(', '));
  if (shape.reduce((p, d) => p * d, 1) !== data.length) throw new InvalidArgumentError('shape', shape, `dimensions whose product is ${data.length}`);
  const nd = shape.length;
  const axis = opts.axis === undefined ? nd - 1 : opts.axis < 0 ? nd + opts.axis : opts.axis;
  if (!Number.isInteger(axis) || axis < 0 || axis >= nd) throw new InvalidArgumentError('axis', opts.axis, `an axis of a ${nd}-D array`);
  const len = shape[axis]!;
  const inner = shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const outer = shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const nb = Math.ceil(len / block);
  const scaleShape = shape.map((d, j) => (j === axis ? nb : d));
  const scales = new Uint8Array(outer * nb * inner);
  const codes = new Uint8Array(data.length);
  const values = new Float64Array(data.length);
  const fmt = opts.elem === 'int8' ? null : MX_ELEMENTS[opts.elem].with({ rounding });
  for (let o = 0; o < outer; o++) {
    for (let b = 0; b < nb; b++) {
      for (let r = 0; r < inner; r++) {
        const base = o * len * inner + r;
        const lo = b * block;
        const hi = Math.min(len, lo + block);
        const si = o * nb * inner + b * inner + r;
        let amax = 0;
        let bad = false;
        for (let t = lo; t < hi; t++) {
          const a = Math.abs(data[base + t * inner]!);
          if (!Number.isFinite(a)) bad = true;
          else if (a > amax) amax = a;
        }
        let s = amax === 0 ? -127 : binade(amax) - MX_EMAX[opts.elem];
        if (s < -127) s = -127;
        if (bad || s > 127) {
          scales[si] = 0xff;
          for (let t = lo; t < hi; t++) {
            codes[base + t * inner] = fmt?.nanCode ?? 0;
            values[base + t * inner] = NaN;
          }
          continue;
        }
        scales[si] = s + 127;
        for (let t = lo; t < hi; t++) {
          const j = base + t * inner;
          const v = ldexp(data[j]!, -s);
          let p: number;
          if (fmt === null) {
            let c = roundMagnitude(Math.abs(v) * 64, v < 0, rounding);
            if (c > 127) c = 127;
            c = v < 0 ? -c : c;
            codes[j] = c & 0xff;
            p = ldexp(c, -6);
          } else {
            codes[j] = fmt.encode(v);
            p = fmt.decode(codes[j]!);
          }
          values[j] = ldexp(p, s);
        }
      }
    }
  }
  return { scales, scaleShape, codes, values, metadata: { elem: opts.elem, block, axis, rounding, choices: MX_CHOICES } };
}
