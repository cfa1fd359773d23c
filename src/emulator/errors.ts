/**
 * Typed errors. Every user-facing failure names what it refers to (an argument, a JSON path, a file),
 * what was given and what is allowed, so the CLI can print it as one line without a stack trace.
 */
export class HlsqError extends Error {
  override name = 'HlsqError';
}

/** A parameter or argument outside what is allowed. */
export class InvalidArgumentError extends HlsqError {
  override name = 'InvalidArgumentError';
  constructor(
    readonly argument: string,
    readonly given: unknown,
    readonly allowed: string,
  ) {
    super(`${argument}: got ${formatGiven(given)}, expected ${allowed}`);
  }
}

/** Text that does not parse (a type spelling, a literal, a file). */
export class ParseError extends HlsqError {
  override name = 'ParseError';
  constructor(
    readonly what: string,
    readonly given: string,
    readonly expected: string,
  ) {
    super(`${what}: cannot parse ${JSON.stringify(given)}, expected ${expected}`);
  }
}

/** An operation the vendor's headers do not define (they crash, abort or exit). */
export class UndefinedBehaviourError extends HlsqError {
  override name = 'UndefinedBehaviourError';
}

export function formatGiven(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return `${v}`;
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
