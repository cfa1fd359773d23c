/**
 * One C++ element type for a tensor whose channels have different fixed-point types (arrays and streams
 * are homogeneous). The container is the smallest ap_fixed holding every channel type's values exactly:
 * the finest step (F = max F_c), the widest integer part (I = max I_c, one more bit for an unsigned
 * channel when the container is signed), signed if any channel is. Why it is exact: a value of channel
 * type c is raw·2^-F_c with raw in [min_c, max_c]; in the container it is raw·2^(F - F_c)·2^-F, an
 * integer code since F >= F_c, and |value| < 2^(I_c - s_c) <= 2^(I - s) (s = 1 if signed), so the code
 * is in the container's range. A conversion into the container therefore never quantizes or overflows.
 */
import { FixedType } from '../emulator/types.js';

export function containerType(types: readonly FixedType[]): FixedType {
  const first = types[0]!;
  if (types.every((t) => t.equals(first))) return first;
  const signed = types.some((t) => t.signed);
  const F = Math.max(...types.map((t) => t.fracBits));
  const I = Math.max(...types.map((t) => t.intBits + (signed && !t.signed ? 1 : 0)));
  return new FixedType(I + F, I, signed);
}

/** A channel type's raw code re-expressed as the container's raw code (same value). */
export function toContainerCode(code: bigint, from: FixedType, container: FixedType): bigint {
  return code << BigInt(container.fracBits - from.fracBits);
}

/** The distinct types of a per-channel list and, per channel, the index of its type among them. */
export function typeGroups<K>(keys: readonly K[], same: (a: K, b: K) => boolean): { groups: K[]; of: number[] } {
  const groups: K[] = [];
  const of = keys.map((k) => {
    const g = groups.findIndex((x) => same(x, k));
    if (g >= 0) return g;
    groups.push(k);
    return groups.length - 1;
  });
  return { groups, of };
}
