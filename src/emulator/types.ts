/**
 * Type descriptors of the vendor's arbitrary-precision types: small immutable values that print as the
 * vendor spells them and parse back to an equal descriptor.
 *
 *   ap_int<W>, ap_uint<W>               IntType
 *   ap_fixed<W,I,Q,O,N>, ap_ufixed<...>  FixedType   value = raw * 2^(I-W)
 */
import { InvalidArgumentError, ParseError } from './errors.js';

/** Quantization modes, in the vendor's enum order (the index is the C++ enum value). */
export const QUANT_MODES = [
  'AP_RND',
  'AP_RND_ZERO',
  'AP_RND_MIN_INF',
  'AP_RND_INF',
  'AP_RND_CONV',
  'AP_TRN',
  'AP_TRN_ZERO',
] as const;
export type QuantMode = (typeof QUANT_MODES)[number];

/** Overflow modes, in the vendor's enum order. */
export const OVERFLOW_MODES = ['AP_SAT', 'AP_SAT_ZERO', 'AP_SAT_SYM', 'AP_WRAP', 'AP_WRAP_SM'] as const;
export type OverflowMode = (typeof OVERFLOW_MODES)[number];

/**
 * The vendor's default AP_INT_MAX_W is 1024 and it may be raised to 32768 (spec §11.1). We accept the
 * largest width a user can configure; codegen warns when a type needs AP_INT_MAX_W above the default.
 */
export const VENDOR_DEFAULT_MAX_WIDTH = 1024;
export const MAX_WIDTH = 32768;
/** Integer-bit counts far outside any width are never meaningful; bounding them keeps shifts finite. */
export const MAX_ABS_INT_BITS = 4 * MAX_WIDTH;

function checkWidth(width: number, argument = 'W'): void {
  if (!Number.isInteger(width) || width < 1 || width > MAX_WIDTH) {
    throw new InvalidArgumentError(argument, width, `an integer width from 1 to ${MAX_WIDTH}`);
  }
}

function checkIntBits(intBits: number, argument = 'I'): void {
  if (!Number.isInteger(intBits) || Math.abs(intBits) > MAX_ABS_INT_BITS) {
    throw new InvalidArgumentError(argument, intBits, `an integer from ${-MAX_ABS_INT_BITS} to ${MAX_ABS_INT_BITS}`);
  }
}

function checkQuant(q: string): asserts q is QuantMode {
  if (!(QUANT_MODES as readonly string[]).includes(q)) {
    throw new InvalidArgumentError('Q', q, `one of ${QUANT_MODES.join(', ')}`);
  }
}

function checkOverflow(o: string): asserts o is OverflowMode {
  if (!(OVERFLOW_MODES as readonly string[]).includes(o)) {
    throw new InvalidArgumentError('O', o, `one of ${OVERFLOW_MODES.join(', ')}`);
  }
}

/** What every binary-fraction format shares: value = raw * 2^-fracBits, raw a W-bit integer. */
export interface BinaryFormat {
  readonly width: number;
  readonly intBits: number;
  readonly signed: boolean;
  readonly fracBits: number;
  /** Smallest and largest raw code. */
  readonly minRaw: bigint;
  readonly maxRaw: bigint;
}

export interface FixedTypeOptions {
  quant?: QuantMode;
  overflow?: OverflowMode;
  satBits?: number;
}

export class FixedType implements BinaryFormat {
  readonly kind = 'fixed' as const;
  readonly fracBits: number;
  readonly minRaw: bigint;
  readonly maxRaw: bigint;

  constructor(
    readonly width: number,
    readonly intBits: number,
    readonly signed: boolean = true,
    readonly quant: QuantMode = 'AP_TRN',
    readonly overflow: OverflowMode = 'AP_WRAP',
    readonly satBits: number = 0,
  ) {
    checkWidth(width);
    checkIntBits(intBits);
    checkQuant(quant);
    checkOverflow(overflow);
    if (!Number.isInteger(satBits) || satBits < 0 || satBits > width) {
      // N > W makes the vendor print warnings and produce meaningless bits, or abort (spec §11.1).
      throw new InvalidArgumentError('N', satBits, `an integer from 0 to W=${width}`);
    }
    if (!signed && overflow === 'AP_WRAP_SM') {
      // The vendor's headers print an error and exit(1) on any conversion into such a type (spec §11.1).
      throw new InvalidArgumentError('O', overflow, 'a mode other than AP_WRAP_SM for ap_ufixed (the vendor exits)');
    }
    this.fracBits = width - intBits;
    this.minRaw = signed ? -(1n << BigInt(width - 1)) : 0n;
    this.maxRaw = signed ? (1n << BigInt(width - 1)) - 1n : (1n << BigInt(width)) - 1n;
    Object.freeze(this);
  }

  static signed(width: number, intBits: number, opts: FixedTypeOptions = {}): FixedType {
    return new FixedType(width, intBits, true, opts.quant, opts.overflow, opts.satBits);
  }

  static unsigned(width: number, intBits: number, opts: FixedTypeOptions = {}): FixedType {
    return new FixedType(width, intBits, false, opts.quant, opts.overflow, opts.satBits);
  }

  /**
   * The `quantizers` parametrisation: keep_negative k (0 or 1), integer bits i excluding the sign,
   * fractional bits f. W = k + i + f and I = k + i.
   */
  static fromKIF(k: number, i: number, f: number, opts: FixedTypeOptions = {}): FixedType {
    if (k !== 0 && k !== 1) throw new InvalidArgumentError('k', k, '0 or 1 (keep_negative)');
    if (!Number.isInteger(i)) throw new InvalidArgumentError('i', i, 'an integer');
    if (!Number.isInteger(f)) throw new InvalidArgumentError('f', f, 'an integer');
    const w = k + i + f;
    if (w < 1 || w > MAX_WIDTH) {
      throw new InvalidArgumentError('k+i+f', w, `a total width from 1 to ${MAX_WIDTH} (k=${k}, i=${i}, f=${f})`);
    }
    return new FixedType(w, k + i, k === 1, opts.quant, opts.overflow, opts.satBits);
  }

  get k(): 0 | 1 {
    return this.signed ? 1 : 0;
  }
  get i(): number {
    return this.intBits - this.k;
  }
  get f(): number {
    return this.fracBits;
  }

  with(changes: Partial<{ width: number; intBits: number; signed: boolean } & FixedTypeOptions>): FixedType {
    return new FixedType(
      changes.width ?? this.width,
      changes.intBits ?? this.intBits,
      changes.signed ?? this.signed,
      changes.quant ?? this.quant,
      changes.overflow ?? this.overflow,
      changes.satBits ?? this.satBits,
    );
  }

  /** The same format with the vendor's default modes, as every arithmetic result has. */
  plain(): FixedType {
    return new FixedType(this.width, this.intBits, this.signed);
  }

  equals(other: ApType): boolean {
    return (
      other.kind === 'fixed' &&
      other.width === this.width &&
      other.intBits === this.intBits &&
      other.signed === this.signed &&
      other.quant === this.quant &&
      other.overflow === this.overflow &&
      other.satBits === this.satBits
    );
  }

  /** The vendor's spelling, omitting trailing defaults: `ap_fixed<16,6,AP_RND_CONV,AP_SAT>`. */
  toString(): string {
    const args: (string | number)[] = [this.width, this.intBits, this.quant, this.overflow, this.satBits];
    let n = args.length;
    if (this.satBits === 0) {
      n = 4;
      if (this.overflow === 'AP_WRAP') {
        n = 3;
        if (this.quant === 'AP_TRN') n = 2;
      }
    }
    return `${this.signed ? 'ap_fixed' : 'ap_ufixed'}<${args.slice(0, n).join(',')}>`;
  }

  toJSON(): string {
    return this.toString();
  }
}

export class IntType implements BinaryFormat {
  readonly kind = 'int' as const;
  readonly fracBits = 0;
  readonly minRaw: bigint;
  readonly maxRaw: bigint;

  constructor(
    readonly width: number,
    readonly signed: boolean = true,
  ) {
    checkWidth(width);
    this.minRaw = signed ? -(1n << BigInt(width - 1)) : 0n;
    this.maxRaw = signed ? (1n << BigInt(width - 1)) - 1n : (1n << BigInt(width)) - 1n;
    Object.freeze(this);
  }

  /** An ap_int is a binary fraction whose point sits below bit 0. */
  get intBits(): number {
    return this.width;
  }

  equals(other: ApType): boolean {
    return other.kind === 'int' && other.width === this.width && other.signed === this.signed;
  }

  toString(): string {
    return `${this.signed ? 'ap_int' : 'ap_uint'}<${this.width}>`;
  }

  toJSON(): string {
    return this.toString();
  }
}

export type ApType = FixedType | IntType;

/** The C integer types as the vendor's headers see them on x86-64 (spec §2.1). */
export const C_INT = new IntType(32, true);
export const C_UINT = new IntType(32, false);
export const C_LONG = new IntType(64, true);
export const C_ULONG = new IntType(64, false);

const TYPE_SYNTAX =
  'ap_int<W>, ap_uint<W>, ap_fixed<W,I[,Q[,O[,N]]]> or ap_ufixed<W,I[,Q[,O[,N]]]> (e.g. ap_fixed<16,6,AP_RND_CONV,AP_SAT>)';

/** Parse the vendor's spelling of a type. Whitespace is allowed; a `std::`-free spelling is expected. */
export function parseType(text: string): ApType {
  const m = /^\s*(ap_int|ap_uint|ap_fixed|ap_ufixed)\s*<([^<>]*)>\s*$/.exec(text);
  if (!m) throw new ParseError('type', text, TYPE_SYNTAX);
  const name = m[1]!;
  const args = m[2]!.split(',').map((s) => s.trim());
  const num = (s: string | undefined, what: string): number => {
    if (s === undefined || !/^[+-]?\d+$/.test(s)) throw new ParseError(`${what} of ${name}`, text, TYPE_SYNTAX);
    return Number(s);
  };
  if (name === 'ap_int' || name === 'ap_uint') {
    if (args.length !== 1) throw new ParseError(name, text, TYPE_SYNTAX);
    return new IntType(num(args[0], 'W'), name === 'ap_int');
  }
  if (args.length < 2 || args.length > 5) throw new ParseError(name, text, TYPE_SYNTAX);
  const q = args[2] ?? 'AP_TRN';
  const o = args[3] ?? 'AP_WRAP';
  checkQuant(q);
  checkOverflow(o);
  return new FixedType(num(args[0], 'W'), num(args[1], 'I'), name === 'ap_fixed', q, o, args[4] === undefined ? 0 : num(args[4], 'N'));
}

export function parseFixedType(text: string): FixedType {
  const t = parseType(text);
  if (t.kind !== 'fixed') throw new ParseError('fixed-point type', text, 'ap_fixed<...> or ap_ufixed<...>');
  return t;
}
