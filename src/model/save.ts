/**
 * Saving a model: the loaded form -> JSON (and optionally a sidecar binary with the codes). The output is
 * canonical (types in the vendor's shortest spelling, every layer's shape written out), so
 * `modelToJson(loadModel(modelToJson(m)))` equals `modelToJson(m)` and loading gives back an equal model.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { FixedType } from '../emulator/types.js';
import {
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  type Constant,
  type ConstantJson,
  type Layer,
  type LayerJson,
  type Model,
  type ModelJson,
  type SidecarDtype,
  type TypeSpec,
} from './format.js';

export interface SaveOptions {
  /**
   * Write constants with at least this many codes into a sidecar binary file (`<model>.bin` next to the
   * model, or the given file name). Default: everything inline.
   */
  sidecar?: { file: string; minCodes?: number };
}

export interface SerializedModel {
  json: ModelJson;
  /** The sidecar file's bytes, when one is used. */
  binary: Buffer | undefined;
}

function typeName(t: FixedType): string {
  return t.toString();
}

function typeSpecJson(s: TypeSpec): string | string[] {
  return Array.isArray(s) ? (s as readonly FixedType[]).map(typeName) : typeName(s as FixedType);
}

function codeJson(v: bigint): number | string {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v.toString();
}

function narrowestDtype(codes: readonly bigint[]): SidecarDtype | undefined {
  let lo = 0n;
  let hi = 0n;
  for (const v of codes) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo >= -128n && hi <= 127n) return 'int8';
  if (lo >= -32768n && hi <= 32767n) return 'int16';
  if (lo >= -(1n << 31n) && hi < 1n << 31n) return 'int32';
  if (lo >= -(1n << 63n) && hi < 1n << 63n) return 'int64';
  return undefined;
}

/** The JSON form of a model (and the sidecar bytes when asked for). */
export function serializeModel(model: Model, options: SaveOptions = {}): SerializedModel {
  const chunks: Buffer[] = [];
  let offset = 0;
  const constant = (c: Constant): ConstantJson => {
    if (!c.quantized) return { shape: [...c.shape], values: [...c.values] };
    const type = c.types.length === 1 ? typeName(c.types[0]!) : c.types.map(typeName);
    const sc = options.sidecar;
    const dtype = sc && c.codes.length >= (sc.minCodes ?? 1) ? narrowestDtype(c.codes) : undefined;
    if (sc && dtype) {
      const size = { int8: 1, int16: 2, int32: 4, int64: 8 }[dtype];
      // Align each block to its element size so the file can be memory-mapped as typed arrays.
      const pad = (size - (offset % size)) % size;
      if (pad) chunks.push(Buffer.alloc(pad));
      offset += pad;
      const buf = Buffer.alloc(c.codes.length * size);
      c.codes.forEach((v, i) => {
        if (size === 1) buf.writeInt8(Number(v), i);
        else if (size === 2) buf.writeInt16LE(Number(v), i * 2);
        else if (size === 4) buf.writeInt32LE(Number(v), i * 4);
        else buf.writeBigInt64LE(v, i * 8);
      });
      chunks.push(buf);
      const at = offset;
      offset += buf.length;
      return { shape: [...c.shape], type, codes: { file: sc.file, offset: at, dtype } };
    }
    return { shape: [...c.shape], type, codes: c.codes.map(codeJson) };
  };
  const json: ModelJson = {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    ...(model.name !== undefined ? { name: model.name } : {}),
    ...(model.description !== undefined ? { description: model.description } : {}),
    inputs: model.inputs.map((i) => ({
      name: i.name,
      shape: [...i.shape],
      ...(i.type ? { type: typeName(i.type) } : {}),
      ...(i.range ? { range: [i.range[0], i.range[1]] as [number, number] } : {}),
    })),
    layers: model.layers.map((l) => layerJson(l, constant)),
    outputs: [...model.outputs],
    ...(model.metadata !== undefined ? { metadata: { ...model.metadata } } : {}),
  };
  return { json, binary: chunks.length ? Buffer.concat(chunks) : undefined };
}

function layerJson(l: Layer, constant: (c: Constant) => ConstantJson): LayerJson {
  const base: Record<string, unknown> = { name: l.name, kind: l.kind, inputs: [...l.inputs], shape: [...l.shape] };
  const opt = (key: string, v: unknown) => {
    if (v !== undefined) base[key] = v;
  };
  switch (l.kind) {
    case 'Dense':
    case 'Conv1D':
    case 'Conv2D':
      base.weights = constant(l.weights);
      opt('bias', l.bias && constant(l.bias));
      opt('accum', l.accum && typeSpecJson(l.accum));
      if (l.kind === 'Conv1D') Object.assign(base, { stride: l.stride, padding: l.padding });
      if (l.kind === 'Conv2D') Object.assign(base, { strides: [...l.strides], padding: l.padding });
      break;
    case 'BatchNorm':
      Object.assign(base, { scale: constant(l.scale), shift: constant(l.shift) });
      break;
    case 'ReLU':
      opt('max', l.max && constant(l.max));
      break;
    case 'LeakyReLU':
      base.alpha = constant(l.alpha);
      break;
    case 'Rescale':
      Object.assign(base, { multiplier: constant(l.multiplier), shift: Array.isArray(l.shift) ? [...l.shift] : l.shift });
      break;
    case 'MaxPool1D':
      Object.assign(base, { poolSize: l.poolSize, stride: l.stride, padding: l.padding });
      break;
    case 'MaxPool2D':
      Object.assign(base, { poolSize: [...l.poolSize], strides: [...l.strides], padding: l.padding });
      break;
    case 'AvgPool1D':
      Object.assign(base, { poolSize: l.poolSize, stride: l.stride });
      opt('reciprocal', l.reciprocal && constant(l.reciprocal));
      break;
    case 'AvgPool2D':
      Object.assign(base, { poolSize: [...l.poolSize], strides: [...l.strides] });
      opt('reciprocal', l.reciprocal && constant(l.reciprocal));
      break;
    case 'GlobalAveragePool':
      opt('reciprocal', l.reciprocal && constant(l.reciprocal));
      break;
    case 'Concatenate':
      base.axis = l.axis;
      break;
    case 'Reshape':
      base.targetShape = [...l.targetShape];
      break;
    case 'Softmax':
      opt('expType', l.expType && typeName(l.expType));
      opt('invType', l.invType && typeName(l.invType));
      opt('invTableBits', l.invTableBits);
      break;
    default:
      break;
  }
  opt('result', l.result && typeSpecJson(l.result));
  opt('provenance', l.provenance && { ...l.provenance });
  opt('calibration', l.calibration && { ...l.calibration });
  return base as LayerJson;
}

/** Write bytes atomically: a temp file in the same directory, then rename (no partial output file). */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    try {
      writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    // a failed write or rename (e.g. `path` is a directory) leaves no temp file behind
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Save to `path` (JSON, two-space indentation). With `sidecar`, codes go to that file name next to the
 * model (written first, so the JSON never refers to a missing file).
 */
export function saveModel(model: Model, path: string, options: SaveOptions = {}): void {
  const { json, binary } = serializeModel(model, options);
  if (binary && options.sidecar) writeFileAtomic(join(dirname(path), options.sidecar.file), binary);
  writeFileAtomic(path, formatJson(json) + '\n');
}

/** JSON with two-space indentation, but arrays of numbers and strings (codes, shapes) on one line. */
export function formatJson(value: unknown, indent = ''): string {
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
    const inner = indent + '  ';
    return `[\n${value.map((v) => inner + formatJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    const inner = indent + '  ';
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${formatJson(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}
