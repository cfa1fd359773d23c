/** Exact facts about doubles read from their bits (no log2, no pow). */

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
// Index of the high word on this platform.
const HI = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

/** floor(log2(a)) for a finite a > 0, exactly (subnormals included). */
export function binade(a: number): number {
  F64[0] = a;
  const hi = U32[HI]!;
  const be = (hi >>> 20) & 0x7ff;
  if (be !== 0) return be - 1023;
  const mhi = hi & 0xfffff;
  if (mhi !== 0) return -1023 - (Math.clz32(mhi) - 12);
  return -1023 - 20 - Math.clz32(U32[LO]!);
}

/**
 * v * 2^n, exact whenever the result is a normal double or zero-free representable value reached without
 * an intermediate leaving the range between v and the result.
 */
export function ldexp(v: number, n: number): number {
  if (n >= -1022 && n <= 1023) return v * 2 ** n;
  const h = Math.trunc(n / 2);
  return v * 2 ** h * 2 ** (n - h);
}
