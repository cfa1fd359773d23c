/**
 * The `quantizers` API promises RangeError for bad widths and mode names (spec §2.2), while hlsq's
 * convention is an error that names the argument, what was given and what is allowed. This class is both.
 */
import { formatGiven } from '../emulator/errors.js';

export class QuantizerRangeError extends RangeError {
  override name = 'QuantizerRangeError';
  constructor(
    readonly argument: string,
    readonly given: unknown,
    readonly allowed: string,
  ) {
    super(`${argument}: got ${formatGiven(given)}, expected ${allowed}`);
  }
}
