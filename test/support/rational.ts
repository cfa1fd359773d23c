/**
 * An independent, obviously-correct model of rounding on exact rationals, used as the oracle for the
 * emulator's bit-level rules. Numbers are num/den with den > 0.
 */
export interface Rational {
  num: bigint;
  den: bigint;
}

export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

/** The code the mathematically described mode gives for s = num/den (spec ap-fixed §2.2 table, quantizers §3.2). */
export function roundRational(s: Rational, mode: string): bigint {
  const fl = floorDiv(s.num, s.den);
  const frac2 = 2n * (s.num - fl * s.den); // 2 * fractional part * den, in [0, 2den)
  const exact = frac2 === 0n;
  const ce = exact ? fl : fl + 1n;
  const tie = frac2 === s.den;
  const above = frac2 > s.den;
  const neg = s.num < 0n;
  const nearest = (tieUp: boolean): bigint => (tie ? (tieUp ? ce : fl) : above ? ce : fl);
  switch (mode) {
    case 'AP_TRN':
      return fl;
    case 'AP_TRN_ZERO':
      return neg ? ce : fl;
    case 'AP_RND':
      return nearest(true);
    case 'AP_RND_ZERO':
      return nearest(neg);
    case 'AP_RND_MIN_INF':
      return nearest(false);
    case 'AP_RND_INF':
      return nearest(!neg);
    case 'AP_RND_CONV':
      return nearest((fl & 1n) === 1n);
    default:
      throw new Error(`unknown mode ${mode}`);
  }
}
