import { HlsqError } from '../emulator/errors.js';

/** A model file or object that does not follow the format; `path` is the JSON path (`layers[3].weights`). */
export class ModelFormatError extends HlsqError {
  override name = 'ModelFormatError';
  constructor(
    readonly path: string,
    readonly problem: string,
    readonly file?: string,
  ) {
    super(`${file ? `${file}: ` : ''}${path ? `${path}: ` : ''}${problem}`);
  }
}

/** A model that is well formed but cannot be run as asked (float weights, missing input type, ...). */
export class ModelUsageError extends HlsqError {
  override name = 'ModelUsageError';
}

/** A value left its declared type (checking mode): which layer, which element, which value. */
export class OverflowCheckError extends HlsqError {
  override name = 'OverflowCheckError';
  constructor(
    readonly layer: string,
    readonly what: string,
    readonly element: number,
    readonly value: string,
    readonly type: string,
    readonly sample?: number,
  ) {
    super(
      `layer ${layer}: ${what} of element ${element}${sample === undefined ? '' : ` (sample ${sample})`} is ${value}, outside ${type}`,
    );
  }
}

/** JSON path of a zod-style path array: ['layers', 3, 'weights'] -> layers[3].weights */
export function jsonPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) {
    if (typeof p === 'number') s += `[${p}]`;
    else s += s ? `.${String(p)}` : String(p);
  }
  return s;
}
