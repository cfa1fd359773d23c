/**
 * Reuse-factor validation (spec codegen §5). An invalid reuse factor is an error listing the valid ones;
 * it is never replaced silently (hls4ml #485, #446, #817).
 */
import { InvalidArgumentError } from '../emulator/errors.js';

export type Strategy = 'latency' | 'resource';

/** Whether a Resource-strategy layer with n_in inputs and n_out outputs can be folded by `rf`. */
export function isValidResourceReuse(nIn: number, nOut: number, rf: number): boolean {
  const total = nIn * nOut;
  if (!Number.isInteger(rf) || rf < 1 || rf > total) return false;
  if (total % rf !== 0) return false;
  if (!(rf < nIn || rf % nIn === 0)) return false;
  return Math.ceil(total / Math.min(nIn, rf)) % nOut === 0 || rf >= nIn;
}

/** Latency strategy: any divisor of n_in·n_out gives a whole number of multipliers per cycle. */
export function isValidLatencyReuse(nIn: number, nOut: number, rf: number): boolean {
  const total = nIn * nOut;
  return Number.isInteger(rf) && rf >= 1 && rf <= total && total % rf === 0;
}

export function validReuseFactors(nIn: number, nOut: number, strategy: Strategy): number[] {
  const ok = strategy === 'resource' ? isValidResourceReuse : isValidLatencyReuse;
  const out: number[] = [];
  for (let rf = 1; rf <= nIn * nOut; rf++) if (ok(nIn, nOut, rf)) out.push(rf);
  return out;
}

/** Throws an error naming the layer and every valid value when `rf` does not fit the layer. */
export function checkReuseFactor(layer: string, nIn: number, nOut: number, rf: number, strategy: Strategy): void {
  const valid = validReuseFactors(nIn, nOut, strategy);
  if (valid.includes(rf)) return;
  throw new InvalidArgumentError(
    `--reuse-factor (layer ${layer}, ${strategy} strategy, n_in=${nIn}, n_out=${nOut})`,
    rf,
    `one of ${valid.join(', ')}`,
  );
}
