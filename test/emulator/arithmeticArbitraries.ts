/**
 * fast-check generators for the operator tests: types over the vendor's parameter space (I below 0 and
 * above W, widths across the one-word/multi-word boundary at 64 bits) and values with their edges forced.
 */
import fc from 'fast-check';
import { FixedType, IntType, OVERFLOW_MODES, QUANT_MODES, type ApType, type OverflowMode, type QuantMode } from '../../src/emulator/types.js';
import { ApValue } from '../../src/emulator/value.js';

export const runs = Number(process.env.HLSQ_PROPERTY_RUNS ?? 500);

/** Widths with the boundaries (1, 31..33, 63..65, 127..129) over-represented. */
export const widthArb = (max = 130): fc.Arbitrary<number> =>
  fc.oneof(
    fc.integer({ min: 1, max }),
    fc.constantFrom(...[1, 2, 3, 7, 8, 9, 31, 32, 33, 53, 63, 64, 65, 96, 127, 128, 129].filter((w) => w <= max)),
  );

export interface FixedTypeOpts {
  maxW?: number;
  /** Restrict to these overflow modes (default: all valid ones). */
  overflow?: readonly OverflowMode[];
  quant?: readonly QuantMode[];
  signed?: boolean;
  /** Keep I <= W (++/-- compile only there). */
  iAtMostW?: boolean;
}

export const fixedTypeArb = (opts: FixedTypeOpts = {}): fc.Arbitrary<FixedType> =>
  fc
    .record({
      w: widthArb(opts.maxW ?? 130),
      di: fc.integer({ min: -10, max: 10 }),
      iAtW: fc.boolean(),
      s: opts.signed === undefined ? fc.boolean() : fc.constant(opts.signed),
      q: fc.constantFrom(...(opts.quant ?? QUANT_MODES)),
      o: fc.constantFrom(...(opts.overflow ?? OVERFLOW_MODES)),
      n: fc.nat(),
    })
    .filter((r) => r.s || r.o !== 'AP_WRAP_SM')
    .map((r) => {
      let i = r.iAtW ? r.w + r.di : r.di;
      if (opts.iAtMostW && i > r.w) i = r.w;
      const n = r.o === 'AP_WRAP' || r.o === 'AP_WRAP_SM' ? r.n % (Math.min(r.w, 3) + 1) : 0;
      return new FixedType(r.w, i, r.s, r.q as QuantMode, r.o as OverflowMode, n);
    });

export const intTypeArb = (maxW = 130, signed?: boolean): fc.Arbitrary<IntType> =>
  fc.record({ w: widthArb(maxW), s: signed === undefined ? fc.boolean() : fc.constant(signed) }).map(({ w, s }) => new IntType(w, s));

export const anyTypeArb = (maxW = 130): fc.Arbitrary<ApType> => fc.oneof(fixedTypeArb({ maxW }), intTypeArb(maxW));

/** A raw code of t: uniform bits, or one of min, max, 0, ±1, -1 LSB, min+1. */
export const rawArb = (t: ApType): fc.Arbitrary<bigint> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.bigInt({ min: 0n, max: (1n << BigInt(t.width)) - 1n }) },
    { weight: 1, arbitrary: fc.constantFrom(t.minRaw, t.maxRaw, 0n, 1n, -1n, t.minRaw + 1n, t.maxRaw - 1n) },
    { weight: 1, arbitrary: fc.bigInt({ min: -16n, max: 16n }) },
  );

export const valueArb = (t: ApType): fc.Arbitrary<ApValue> => rawArb(t).map((r) => ApValue.fromRaw(t, r));

export const valueOfTypeArb = (typeArb: fc.Arbitrary<ApType>): fc.Arbitrary<ApValue> => typeArb.chain(valueArb);

/** The exact value of v as num / 2^shift (shift >= 0) on a common scale with another value. */
export function scaled(v: ApValue, frac: number): bigint {
  const f = v.type.width - v.type.intBits;
  return v.raw << BigInt(frac - f);
}

export const fracOf = (t: ApType): number => t.width - t.intBits;

export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}
