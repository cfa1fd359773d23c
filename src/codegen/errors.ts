import { HlsqError } from '../emulator/errors.js';

/** A model feature codegen does not emit (yet): refused with what and where, never emitted unverified. */
export class UnsupportedModelError extends HlsqError {
  override name = 'UnsupportedModelError';
  constructor(
    readonly layer: string,
    readonly what: string,
  ) {
    super(`layer ${layer}: ${what}`);
  }
}
