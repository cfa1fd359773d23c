/**
 * Mode names of the `quantizers` API (spec §2.2): case-insensitive, a leading `S_` is stripped (and
 * remembered: the stochastic extension of §10 needs it). No other alias is accepted.
 */
import { QuantizerRangeError } from './errors.js';

export const ROUNDING_MODES = ['TRN', 'RND', 'RND_CONV', 'TRN_ZERO', 'RND_ZERO', 'RND_MIN_INF', 'RND_INF'] as const;
export type RoundingMode = (typeof ROUNDING_MODES)[number];
export const OVERFLOW_NAMES = ['WRAP', 'SAT', 'SAT_SYM', 'WRAP_SM'] as const;
export type OverflowName = (typeof OVERFLOW_NAMES)[number];

export interface ParsedRounding {
  readonly mode: RoundingMode;
  /** The name carried `S_` (S_RND, S_RND_CONV, even S_TRN). */
  readonly stochastic: boolean;
}

export function parseRounding(name: string): ParsedRounding {
  if (typeof name !== 'string') throw new QuantizerRangeError('roundMode', name, `one of ${ROUNDING_MODES.join(', ')} (optionally S_-prefixed)`);
  let u = name.toUpperCase();
  const stochastic = u.startsWith('S_');
  if (stochastic) u = u.slice(2);
  if (!(ROUNDING_MODES as readonly string[]).includes(u)) {
    throw new QuantizerRangeError('roundMode', name, `one of ${ROUNDING_MODES.join(', ')} (optionally S_-prefixed)`);
  }
  return { mode: u as RoundingMode, stochastic };
}

export function parseOverflow(name: string): OverflowName {
  const u = typeof name === 'string' ? name.toUpperCase() : '';
  if (!(OVERFLOW_NAMES as readonly string[]).includes(u)) {
    throw new QuantizerRangeError('overflowMode', name, `one of ${OVERFLOW_NAMES.join(', ')}`);
  }
  return u as OverflowName;
}

/** Upstream keeps an assertion that WRAP_SM is only used with the round-to-nearest modes of its tests. */
export function checkCombination(r: ParsedRounding, o: OverflowName): void {
  if (o === 'WRAP_SM' && r.mode !== 'RND' && r.mode !== 'RND_CONV') {
    throw new QuantizerRangeError('roundMode', r.mode, 'RND or RND_CONV (S_-prefixed allowed) with WRAP_SM');
  }
}

export interface QOpts {
  compat?: 'quantizers';
}

export function isCompat(opts: QOpts | undefined): boolean {
  const c = opts?.compat;
  if (c === undefined) return false;
  if (c !== 'quantizers') throw new QuantizerRangeError('compat', c, "'quantizers' or undefined");
  return true;
}
