/** Two's-complement helpers on unbounded BigInts. */

export function mask(width: number): bigint {
  return (1n << BigInt(width)) - 1n;
}

/** v mod 2^W, read as two's complement when signed: the vendor's plain wrap-around. */
export function wrap(v: bigint, width: number, signed: boolean): bigint {
  return signed ? BigInt.asIntN(width, v) : BigInt.asUintN(width, v);
}

/** Bit `index` of v's infinite two's-complement expansion (index may exceed v's width). */
export function bitOf(v: bigint, index: number): 0 | 1 {
  if (index < 0) return 0;
  return ((v >> BigInt(index)) & 1n) === 1n ? 1 : 0;
}

/** The W-bit pattern of a raw value, as exactly ceil(W/4) lowercase hex digits (the vectors' encoding). */
export function toHexBits(raw: bigint, width: number): string {
  return BigInt.asUintN(width, raw).toString(16).padStart(Math.ceil(width / 4), '0');
}

/** Parse a W-bit hex pattern back into a raw value of the given signedness. */
export function fromHexBits(hex: string, width: number, signed: boolean): bigint {
  return wrap(BigInt('0x' + (hex.length ? hex : '0')), width, signed);
}
