/**
 * QONNX rounding modes (codegen.md §11.1): one rule per mode, as a function on reals and as the
 * threshold rule the exact lowering uses ("round(t) >= j" as a half-line condition on t).
 */
import { QuantMode } from '../../emulator/types.js';

export const QONNX_ROUNDING_MODES = ['ROUND', 'HALF_EVEN', 'CEIL', 'FLOOR', 'UP', 'DOWN', 'HALF_UP', 'HALF_DOWN'] as const;
export type QonnxRounding = (typeof QONNX_ROUNDING_MODES)[number];

function roundHalfEven(t: number): number {
  const f = Math.floor(t);
  const d = t - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/** Each mode as a function on finite doubles. */
export const ROUND: Record<QonnxRounding, (t: number) => number> = {
  ROUND: roundHalfEven,
  HALF_EVEN: roundHalfEven,
  CEIL: Math.ceil,
  FLOOR: Math.floor,
  UP: (t) => (t >= 0 ? Math.ceil(t) : Math.floor(t)),
  DOWN: Math.trunc,
  HALF_UP: (t) => (t >= 0 ? Math.floor(t + 0.5) : -Math.floor(-t + 0.5)),
  HALF_DOWN: (t) => (t >= 0 ? Math.ceil(t - 0.5) : -Math.ceil(-t - 0.5)),
};

/**
 * round(t) >= j exactly when t >= at (inclusive) or t > at (strict), with `at` = j - 1/2 for the
 * nearest modes and j or j - 1 for the directed ones. `twice` is 2·at, an integer.
 */
export interface StepRule {
  readonly twice: bigint;
  readonly strict: boolean;
}

export const STEP: Record<QonnxRounding, (j: bigint) => StepRule> = {
  // A tie j - 1/2 goes to the even one of j - 1 and j.
  ROUND: (j) => ({ twice: 2n * j - 1n, strict: j % 2n !== 0n }),
  HALF_EVEN: (j) => ({ twice: 2n * j - 1n, strict: j % 2n !== 0n }),
  FLOOR: (j) => ({ twice: 2n * j, strict: false }),
  CEIL: (j) => ({ twice: 2n * j - 2n, strict: true }),
  // Away from zero: ceil for positive t, floor for negative t.
  UP: (j) => (j >= 1n ? { twice: 2n * j - 2n, strict: true } : { twice: 2n * j, strict: false }),
  // Toward zero: floor for positive t, ceil for negative t.
  DOWN: (j) => (j >= 1n ? { twice: 2n * j, strict: false } : { twice: 2n * j - 2n, strict: true }),
  // A tie goes away from zero: up when positive (j >= 1), down when negative.
  HALF_UP: (j) => ({ twice: 2n * j - 1n, strict: j <= 0n }),
  // A tie goes toward zero.
  HALF_DOWN: (j) => ({ twice: 2n * j - 1n, strict: j >= 1n }),
};

/** The ap_fixed quantization mode equal to a QONNX mode, where one exists (codegen.md §11.1). */
export const AP_QUANT: Partial<Record<QonnxRounding, QuantMode>> = {
  ROUND: 'AP_RND_CONV',
  HALF_EVEN: 'AP_RND_CONV',
  FLOOR: 'AP_TRN',
  DOWN: 'AP_TRN_ZERO',
  HALF_UP: 'AP_RND_INF',
  HALF_DOWN: 'AP_RND_ZERO',
};

export function parseRounding(s: string): QonnxRounding | undefined {
  const u = s.toUpperCase();
  return (QONNX_ROUNDING_MODES as readonly string[]).includes(u) ? (u as QonnxRounding) : undefined;
}
