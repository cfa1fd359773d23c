/**
 * A value of one of the vendor's types: a raw two's-complement integer plus its type descriptor.
 * Immutable; every operation returns a new value. Conversions to JS numbers are explicit and named.
 */
import { toHexBits, wrap } from './bits.js';
import {
  asFraction,
  convertToFixed,
  debugBuildAbortWarning,
  fixedFromDouble,
  fixedIntegerPart,
  intFromDouble,
  intFromInt,
} from './convert.js';
import { InvalidArgumentError } from './errors.js';
import type { ApType, FixedType, IntType } from './types.js';

export class ApValue {
  private constructor(
    readonly type: ApType,
    readonly raw: bigint,
  ) {
    Object.freeze(this);
  }

  /** From raw bits: the pattern is wrapped into W bits of the type's signedness. */
  static fromRaw(type: ApType, raw: bigint | number): ApValue {
    if (typeof raw === 'number' && !Number.isSafeInteger(raw)) {
      throw new InvalidArgumentError('raw', raw, 'a safe integer or a bigint');
    }
    return new ApValue(type, wrap(BigInt(raw), type.width, type.signed));
  }

  /** `T x = d;` for a double, with the vendor's exact conversion (and its quirks for NaN/Inf/subnormals). */
  static fromNumber(type: ApType, x: number): ApValue {
    if (typeof x !== 'number') throw new InvalidArgumentError('value', x, 'a number');
    return new ApValue(type, type.kind === 'fixed' ? fixedFromDouble(x, type).raw : intFromDouble(x, type));
  }

  /**
   * `T y = x;` for another ap value (a cast with the destination's modes). Pass `warnings` to collect the
   * debug-build abort condition of spec §2.6, where it holds (the result is the release build's).
   */
  static cast(type: ApType, x: ApValue, warnings?: string[]): ApValue {
    if (warnings && type.kind === 'fixed' && !(x.type.kind === 'fixed' && x.type.equals(type))) {
      const w = debugBuildAbortWarning(x.type, type);
      if (w) warnings.push(w);
    }
    return new ApValue(type, castRaw(x.raw, x.type, type));
  }

  /** Same value, reinterpreted as another type of the same width (bit copy). */
  withRawType(type: ApType): ApValue {
    return ApValue.fromRaw(type, this.raw);
  }

  get bitsHex(): string {
    return toHexBits(this.raw, this.type.width);
  }

  toString(): string {
    return `${this.type}(raw=0x${this.bitsHex})`;
  }
}

/** The raw code of `DST y = x;` for a source of type `src` (spec §2 for fixed, §4.2 and wrap for ints). */
export function castRaw(raw: bigint, src: ApType, dst: ApType): bigint {
  if (dst.kind === 'fixed') {
    // A copy between identical types copies bits (spec §7.3), which matters for a SAT_SYM minimum.
    if (src.kind === 'fixed' && src.equals(dst)) return raw;
    return convertToFixed(asFraction(raw, src), dst).raw;
  }
  if (src.kind === 'int') return intFromInt(raw, dst as IntType);
  return intFromInt(fixedIntegerPart(raw, src as FixedType), dst);
}
