/**
 * `importQonnx(bytes | path, options)`: a QONNX/ONNX file to a validated hlsq model (model format v1).
 */
import { readFileSync } from 'node:fs';
import { modelFromJson } from '../../model/load.js';
import type { Model } from '../../model/format.js';
import { readOnnx, type OnnxGraph } from '../onnx.js';
import { lowerQonnx, type ImportOptions, type ImportResult } from './lower.js';
import { dirname, basename, extname } from 'node:path';

export { lowerQonnx, castType, type ImportOptions, type ImportResult } from './lower.js';
export { evaluateQonnx, SUPPORTED_OPS, QONNX_DOMAINS } from './evaluate.js';
export { QONNX_ROUNDING_MODES, AP_QUANT, type QonnxRounding } from './rounding.js';
export { intRange, floatQuantScaled, minifloatParams, minifloatMax, type MinifloatParams } from './quantOps.js';
export { exactThresholds, fitThresholds, compareValue, type ChannelMap, type QuantStep } from './thresholds.js';

export interface QonnxImport extends ImportResult {
  /** The loaded (validated) model. */
  readonly loaded: Model;
  /** The decoded ONNX graph (for the reference evaluator). */
  readonly graph: OnnxGraph;
}

/** Read an ONNX file (path) or bytes and lower it to an hlsq model. */
export function importQonnx(source: string | Uint8Array, opts: ImportOptions = {}): QonnxImport {
  const isPath = typeof source === 'string';
  const bytes = isPath ? readFileSync(source) : source;
  const graph = readOnnx(bytes, isPath ? source : '<bytes>');
  const name = opts.name ?? (isPath ? basename(source, extname(source)) : undefined);
  const result = lowerQonnx(graph, { ...opts, name });
  const loaded = modelFromJson(result.model, { baseDir: isPath ? dirname(source) : process.cwd() });
  return { ...result, loaded, graph };
}
export { qonnxQuantizers, minifloatOf, type QuantizerInfo } from './quantizers.js';
export { checkImport, channelsLastOrder, type ImportCheck } from './check.js';
