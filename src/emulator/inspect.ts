/**
 * What `hlsq inspect` shows about a type and the values a user converts into it: the quantized value,
 * raw bits, exact error, the representable neighbours, and every vendor quirk the result depends on.
 * Pure data; the CLI formats it.
 */
import { toHexBits } from './bits.js';
import { convertToFixed, doubleFields, exactDoubleAsFraction, fixedFromDouble, intFromDouble, isMisreadDouble } from './convert.js';
import { InvalidArgumentError } from './errors.js';
import { rawToDecimalString } from './format.js';
import { FixedType, OVERFLOW_MODES, QUANT_MODES, type ApType, type OverflowMode, type QuantMode } from './types.js';

export interface TypeSummary {
  readonly type: string;
  readonly signed: boolean;
  readonly width: number;
  /** Integer bits including the sign, and fraction bits (either may be negative). */
  readonly intBits: number;
  readonly fracBits: number;
  readonly min: string;
  readonly max: string;
  readonly lsb: string;
  readonly minRaw: bigint;
  readonly maxRaw: bigint;
  /** The `quantizers` parametrisation (fixed types only). */
  readonly kif?: { k: number; i: number; f: number };
}

export interface Neighbour {
  readonly raw: bigint;
  readonly value: string;
}

/** A vendor behaviour the result depends on, with its number in spec ap-fixed.md §12 where it has one. */
export interface QuirkNote {
  readonly quirk: number | null;
  readonly text: string;
}

export interface InspectedValue {
  readonly input: number;
  /** The exact decimal value of the double the user typed (it may differ from the text: 0.1 is not a double). */
  readonly inputExact: string;
  readonly raw: bigint;
  readonly value: string;
  readonly binary: string;
  readonly hex: string;
  /** value - input, exactly; null for NaN and infinities. */
  readonly error: string | null;
  /** The error in units of the LSB (a float, for reading). */
  readonly errorLsb: number | null;
  /** Representable values bracketing the input (or the result's neighbours when the input is exact). */
  readonly below: Neighbour | null;
  readonly above: Neighbour | null;
  /** What the conversion did: 'exact', 'rounded', 'tie', 'overflow', 'underflow', 'wrapped', 'nan', 'infinite'. */
  readonly events: readonly string[];
  readonly quirks: readonly QuirkNote[];
}

export interface ModeOutcome {
  readonly quant: QuantMode;
  readonly overflow: OverflowMode;
  readonly raw: bigint;
  readonly value: string;
}

export function summarizeType(t: ApType): TypeSummary {
  const base = {
    type: t.toString(),
    signed: t.signed,
    width: t.width,
    intBits: t.intBits,
    fracBits: t.fracBits,
    min: rawToDecimalString(t.minRaw, t.fracBits),
    max: rawToDecimalString(t.maxRaw, t.fracBits),
    lsb: rawToDecimalString(1n, t.fracBits),
    minRaw: t.minRaw,
    maxRaw: t.maxRaw,
  };
  return t.kind === 'fixed' ? { ...base, kif: { k: t.k, i: t.i, f: t.f } } : base;
}

/** Parse a value as the user typed it: a decimal or C-style literal that JS reads as a double, or nan/inf. */
export function parseInputNumber(text: string, argument = 'value'): number {
  const s = text.trim().toLowerCase();
  if (s === 'nan' || s === '+nan') return NaN;
  if (s === '-nan') return -NaN; // JS keeps no NaN sign; the vendor's result for NaN ignores it except in AP_SAT modes
  if (/^[+]?inf(inity)?$/.test(s)) return Infinity;
  if (/^-inf(inity)?$/.test(s)) return -Infinity;
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(s)) return Number(s);
  const m = /^([+-]?)0x([0-9a-f]+)$/.exec(s);
  if (m) return (m[1] === '-' ? -1 : 1) * Number(`0x${m[2]}`);
  throw new InvalidArgumentError(argument, text, 'a decimal number (e.g. 1.25, -3e-2), a hex integer (0x1f), nan, inf or -inf');
}

/** Convert and explain one double. */
export function inspectNumber(t: ApType, x: number): InspectedValue {
  const raw = t.kind === 'fixed' ? fixedFromDouble(x, t).raw : intFromDouble(x, t);
  const events: string[] = [];
  const quirks: QuirkNote[] = [];
  let below: Neighbour | null = null;
  let above: Neighbour | null = null;
  let error: string | null = null;
  let errorLsb: number | null = null;
  const neighbour = (r: bigint): Neighbour | null =>
    r >= t.minRaw && r <= t.maxRaw ? { raw: r, value: rawToDecimalString(r, t.fracBits) } : null;

  if (Number.isFinite(x)) {
    const src = exactDoubleAsFraction(x);
    const srcFrac = src.width - src.intBits;
    // The input on the destination grid: floor and ceiling codes as exact integers.
    const d = srcFrac - t.fracBits;
    const floorCode = d <= 0 ? src.raw << BigInt(-d) : src.raw >> BigInt(d);
    const exact = d <= 0 || floorCode << BigInt(d) === src.raw;
    const ceilCode = exact ? floorCode : floorCode + 1n;
    if (!exact) {
      events.push('rounded');
      // A tie is where the round-to-nearest modes part ways: worth saying.
      if (src.raw - (floorCode << BigInt(d)) === 1n << BigInt(d - 1)) events.push('tie');
    }
    if (floorCode >= t.maxRaw && (floorCode > t.maxRaw || !exact)) {
      // Above the range: the largest value is the only neighbour.
      below = neighbour(t.maxRaw);
    } else if (ceilCode <= t.minRaw && (ceilCode < t.minRaw || !exact)) {
      above = neighbour(t.minRaw);
    } else if (exact) {
      below = neighbour(floorCode - 1n);
      above = neighbour(floorCode + 1n);
    } else {
      below = neighbour(floorCode);
      above = neighbour(ceilCode);
    }
    // error = raw * 2^-F - src.raw * 2^-srcFrac, on the common grid 2^-max(F, srcFrac)
    const g = Math.max(t.fracBits, srcFrac);
    const errNum = (raw << BigInt(g - t.fracBits)) - (src.raw << BigInt(g - srcFrac));
    error = rawToDecimalString(errNum, g);
    errorLsb = Number(errNum) / 2 ** (g - t.fracBits);
    if (!Number.isFinite(errorLsb)) errorLsb = null;
    if (t.kind === 'fixed') {
      const c = convertToFixed(src, t);
      if (c.overflow) events.push('overflow');
      if (c.underflow) events.push('underflow');
      quirks.push(...fixedQuirks(t, x, c.raw !== raw, c.underflow));
    } else {
      // ap_int truncates toward zero, then wraps.
      const truncated = x < 0 ? ceilCode : floorCode;
      if (truncated > t.maxRaw || truncated < t.minRaw) events.push('wrapped');
      if (x < 0 && x > -0.5) {
        quirks.push({ quirk: 5, text: 'ap_int from a double in (-0.5, 0) gives +1 in the vendor\'s headers, not 0' });
      }
    }
  } else {
    quirks.push({
      quirk: 3,
      text: `${x} is read by the vendor's headers as ±(1.m)·2^1024, a huge finite value, then quantized and overflowed like any other (vendor-defined, not a contract)`,
    });
    events.push(Number.isNaN(x) ? 'nan' : 'infinite');
  }
  if (events.length === 0) events.push('exact');
  return {
    input: x,
    inputExact: Number.isFinite(x) ? rawToDecimalString(exactDoubleAsFraction(x).raw, 54 - exactDoubleAsFraction(x).intBits) : String(x),
    raw,
    value: rawToDecimalString(raw, t.fracBits),
    binary: BigInt.asUintN(t.width, raw).toString(2).padStart(t.width, '0'),
    hex: toHexBits(raw, t.width),
    error,
    errorLsb,
    below,
    above,
    events,
    quirks,
  };
}

/** Vendor behaviours that shaped a fixed-point result. */
function fixedQuirks(t: FixedType, x: number, subnormalDiffers: boolean, underflow: boolean): QuirkNote[] {
  const notes: QuirkNote[] = [];
  if (isMisreadDouble(x) && doubleFields(x).biasedExponent === 0) {
    notes.push({
      quirk: 4,
      text: subnormalDiffers
        ? 'subnormal double misread as (1.m)·2^-1023 by the vendor\'s headers: the result differs from the exact value\'s'
        : 'subnormal double misread as (1.m)·2^-1023 by the vendor\'s headers (no effect on this type)',
    });
  }
  if (underflow && t.overflow === 'AP_SAT_SYM' && t.signed) {
    notes.push(
      t.width === 1
        ? { quirk: 2, text: '1-bit signed AP_SAT_SYM cannot exclude its only negative code: underflow gives -1 LSB, not 0' }
        : { quirk: null, text: 'AP_SAT_SYM maps the exact minimum to -max too (UG1399 only mentions overflow)' },
    );
  }
  if (underflow && t.overflow === 'AP_WRAP' && !t.signed && t.satBits > 0) {
    notes.push({ quirk: 1, text: `ap_ufixed AP_WRAP with N=${t.satBits}: underflow sets the top N bits to 1 (not 0)` });
  }
  return notes;
}

/** Every quantization × overflow outcome for one double (modes the type cannot have are left out). */
export function allModeOutcomes(t: FixedType, x: number): ModeOutcome[] {
  const out: ModeOutcome[] = [];
  for (const quant of QUANT_MODES) {
    for (const overflow of OVERFLOW_MODES) {
      if (!t.signed && overflow === 'AP_WRAP_SM') continue;
      const satBits = overflow === 'AP_WRAP' || overflow === 'AP_WRAP_SM' ? t.satBits : 0;
      const tt = new FixedType(t.width, t.intBits, t.signed, quant, overflow, satBits);
      const raw = fixedFromDouble(x, tt).raw;
      out.push({ quant, overflow, raw, value: rawToDecimalString(raw, t.fracBits) });
    }
  }
  return out;
}
