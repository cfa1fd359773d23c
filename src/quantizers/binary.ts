/**
 * Binary and ternary quantizers (spec §5). Binary exact maps 0 to +1 (ap_binary, QONNX BipolarQuant);
 * upstream's NumPy maps it to -1. Ternary = ap_fixed<2,2,AP_RND_CONV,AP_SAT_SYM> on finite inputs, the
 * same in both modes.
 */
import { isCompat } from './modes.js';
import type { QOpts } from './modes.js';
import { broadcast } from './ndarray.js';
import type { Num, Result } from './ndarray.js';

export function binaryExact(x: number): number {
  if (Number.isNaN(x)) return -1;
  return x >= 0 ? 1 : -1;
}

/** Upstream: where(x > 0, 1, -1). */
export function binaryCompat(x: number): number {
  return x > 0 ? 1 : -1;
}

/** RND_CONV then SAT_SYM into {-1, 0, 1}: ties at +-0.5 go to the even code 0. NaN gives 0 (upstream). */
export function ternaryElement(x: number): number {
  if (Number.isNaN(x)) return 0;
  if (x > 0.5) return 1;
  if (x < -0.5) return -1;
  return 0;
}

function map1(x: Num, fn: (v: number) => number): Result {
  const b = broadcast([x], ['x']);
  const out = new Float64Array(b.size);
  const r = b.read[0]!;
  for (let n = 0; n < b.size; n++) out[n] = fn(r(n));
  return b.wrap(out);
}

/** `binary_quantize_np(x)`. */
export function binaryQuantizeNp(x: Num, opts?: QOpts): Result {
  return map1(x, isCompat(opts) ? binaryCompat : binaryExact);
}

/** `ternary_quantize_np(x)`. */
export function ternaryQuantizeNp(x: Num, opts?: QOpts): Result {
  isCompat(opts);
  return map1(x, ternaryElement);
}
