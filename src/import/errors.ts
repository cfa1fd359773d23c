/**
 * The importer's user-facing failures. Each names the file, node or tensor it refers to, what was found
 * and what is supported, so the CLI prints it as one line.
 */
import { HlsqError } from '../emulator/errors.js';

/** The bytes are not a (complete) ONNX model. */
export class OnnxFormatError extends HlsqError {
  override name = 'OnnxFormatError';
  constructor(
    readonly source: string,
    readonly reason: string,
  ) {
    super(`${source}: not a readable ONNX model (${reason})`);
  }
}

/** A node, attribute or tensor outside what the importer supports. */
export class UnsupportedError extends HlsqError {
  override name = 'UnsupportedError';
  constructor(
    readonly node: string,
    readonly opType: string,
    readonly problem: string,
    readonly supported: string,
  ) {
    super(`node ${JSON.stringify(node)} (${opType}): ${problem}; supported: ${supported}`);
  }
}
