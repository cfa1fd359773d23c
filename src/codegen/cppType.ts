/**
 * How a type descriptor and a raw code are spelled in the generated C++. Every fixed-point typedef
 * spells Q, O and N explicitly (spec codegen §4: the defaults are the vendor's biggest trap), and every
 * constant is the W-bit two's-complement pattern in hex, never a decimal float.
 */
import { toHexBits } from '../emulator/bits.js';
import type { ApType } from '../emulator/types.js';

/** `ap_fixed<8,1,AP_RND_CONV,AP_SAT,0>`, `ap_ufixed<...>`, `ap_int<8>`, `ap_uint<8>`. */
export function cppTypeName(t: ApType): string {
  if (t.kind === 'int') return t.toString();
  const name = t.signed ? 'ap_fixed' : 'ap_ufixed';
  return `${name}<${t.width},${t.intBits},${t.quant},${t.overflow},${t.satBits}>`;
}

/** The unsigned container of a code: `ap_uint<W>`. */
export function cppCodeTypeName(width: number): string {
  return `ap_uint<${width}>`;
}

/**
 * A code as a C++ initialiser of `hlsq::code_storage<W>::type` (ap_uint<W> or an unsigned integer): a hex integer literal up to 64 bits (with ULL beyond 32 so
 * no compiler narrows it), and the vendor's string constructor with radix 16 beyond.
 */
export function cppCodeLiteral(raw: bigint, width: number): string {
  const hex = toHexBits(raw, width);
  if (width <= 32) return `0x${hex}`;
  if (width <= 64) return `0x${hex}ULL`;
  return `ap_uint<${width}>("${hex}", 16)`;
}

/** The real value of a code, for comments only (exact: a binary fraction printed in decimal). */
export function codeValueText(raw: bigint, fracBits: number): string {
  if (fracBits <= 0) return (raw << BigInt(-fracBits)).toString();
  const neg = raw < 0n;
  const mag = neg ? -raw : raw;
  const scale = 1n << BigInt(fracBits);
  const intPart = mag / scale;
  const frac = mag % scale;
  if (frac === 0n) return `${neg ? '-' : ''}${intPart}`;
  // 2^-f has exactly f decimal digits
  const digits = (frac * 10n ** BigInt(fracBits)) / scale;
  const text = digits.toString().padStart(fracBits, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${intPart}.${text}`;
}
