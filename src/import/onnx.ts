/**
 * Reading an ONNX model (protobuf) into plain data: nodes with decoded attributes, initializers as
 * tensors, graph inputs with their static shapes. Decoding uses `onnx-proto` (the protobufjs-generated
 * ONNX schema); everything past this file sees only the plain types below.
 */
import onnxProto from 'onnx-proto';
import { OnnxFormatError, UnsupportedError } from './errors.js';
import { type ElemKind, type Tensor, sizeOf } from './tensor.js';

const { onnx } = onnxProto;

export type AttrValue = number | string | number[] | string[] | Tensor;

export interface OnnxNode {
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: ReadonlyMap<string, AttrValue>;
}

export interface OnnxValueInfo {
  readonly name: string;
  /** Static dims; a symbolic or missing dim is -1. Undefined when the file gives no shape. */
  readonly dims: readonly number[] | undefined;
}

export interface OnnxGraph {
  readonly irVersion: number;
  readonly opsets: ReadonlyMap<string, number>;
  readonly producer: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: ReadonlyMap<string, Tensor>;
  /** Graph inputs that are not initializers (old exports list every initializer as an input too). */
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
}

type Long = { toString(): string } | number;
const num = (x: Long | null | undefined): number => (x === null || x === undefined ? 0 : typeof x === 'number' ? x : Number(x.toString()));

const ELEM: Record<number, { kind: ElemKind; bytes: number; read: (v: DataView, o: number) => number } | undefined> = {
  1: { kind: 'float32', bytes: 4, read: (v, o) => v.getFloat32(o, true) },
  2: { kind: 'int', bytes: 1, read: (v, o) => v.getUint8(o) },
  3: { kind: 'int', bytes: 1, read: (v, o) => v.getInt8(o) },
  4: { kind: 'int', bytes: 2, read: (v, o) => v.getUint16(o, true) },
  5: { kind: 'int', bytes: 2, read: (v, o) => v.getInt16(o, true) },
  6: { kind: 'int', bytes: 4, read: (v, o) => v.getInt32(o, true) },
  7: { kind: 'int', bytes: 8, read: (v, o) => safeInt(v.getBigInt64(o, true)) },
  9: { kind: 'bool', bytes: 1, read: (v, o) => (v.getUint8(o) ? 1 : 0) },
  10: { kind: 'float16', bytes: 2, read: (v, o) => halfToNumber(v.getUint16(o, true)) },
  11: { kind: 'float64', bytes: 8, read: (v, o) => v.getFloat64(o, true) },
  12: { kind: 'int', bytes: 4, read: (v, o) => v.getUint32(o, true) },
  13: { kind: 'int', bytes: 8, read: (v, o) => safeInt(v.getBigUint64(o, true)) },
};

function safeInt(x: bigint): number {
  // int64 in QONNX files are shapes, axes and indices; INT64_MAX/MIN appear as "to the end" in Slice.
  if (x > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
  if (x < BigInt(Number.MIN_SAFE_INTEGER)) return Number.MIN_SAFE_INTEGER;
  return Number(x);
}

function halfToNumber(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1024 + m) * 2 ** (e - 25);
}

/** An ONNX TensorProto as a Tensor. `where` names it in errors. */
export function decodeTensor(t: InstanceType<typeof onnx.TensorProto>, where: string): Tensor {
  const dims = t.dims.map(num);
  const n = sizeOf(dims);
  const spec = ELEM[t.dataType];
  if (!spec) throw new UnsupportedError(where, 'tensor', `element type ${t.dataType}`, 'float32, float64, float16, (u)int8/16/32/64, bool');
  if (t.dataLocation === 1) throw new UnsupportedError(where, 'tensor', 'external data', 'tensors stored inside the .onnx file');
  const data = new Float64Array(n);
  if (t.rawData && t.rawData.length > 0) {
    if (t.rawData.length !== n * spec.bytes) {
      throw new OnnxFormatError(where, `raw data of ${t.rawData.length} bytes for shape [${dims.join(',')}], expected ${n * spec.bytes}`);
    }
    const view = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
    for (let i = 0; i < n; i++) data[i] = spec.read(view, i * spec.bytes);
  } else {
    const src: ArrayLike<Long> =
      t.dataType === 1 ? t.floatData : t.dataType === 11 ? t.doubleData : t.dataType === 7 ? t.int64Data : t.dataType === 13 ? t.uint64Data : t.int32Data;
    if (src.length !== n) throw new OnnxFormatError(where, `${src.length} values for shape [${dims.join(',')}]`);
    for (let i = 0; i < n; i++) data[i] = t.dataType === 10 ? halfToNumber(num(src[i])) : num(src[i]);
  }
  return { dims, data, kind: spec.kind };
}

function decodeAttr(a: InstanceType<typeof onnx.AttributeProto>, node: string, opType: string): AttrValue {
  switch (a.type) {
    case 1:
      return a.f;
    case 2:
      return num(a.i);
    case 3:
      return new TextDecoder().decode(a.s);
    case 4:
      return decodeTensor(a.t as InstanceType<typeof onnx.TensorProto>, `${node}.${a.name}`);
    case 6:
      return [...a.floats];
    case 7:
      return a.ints.map(num);
    case 8:
      return a.strings.map((s) => new TextDecoder().decode(s));
    default:
      throw new UnsupportedError(node, opType, `attribute ${a.name} of type ${a.type}`, 'float, int, string, tensor, floats, ints, strings attributes');
  }
}

function valueInfo(v: InstanceType<typeof onnx.ValueInfoProto>): OnnxValueInfo {
  const shape = v.type?.tensorType?.shape;
  return {
    name: v.name,
    dims: shape?.dim ? shape.dim.map((d) => (d.dimValue !== undefined && d.dimValue !== null && num(d.dimValue) > 0 ? num(d.dimValue) : -1)) : undefined,
  };
}

/** Decode an ONNX model. `source` (a path or "<bytes>") names it in errors. */
export function readOnnx(bytes: Uint8Array, source = '<bytes>'): OnnxGraph {
  let model: InstanceType<typeof onnx.ModelProto>;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    // protobufjs reports a cut-off file as "index out of range" and garbage as "invalid wire type".
    const msg = String((err as Error).message ?? err);
    const reason = /index out of range/.test(msg) ? 'file truncated: the protobuf data ends early' : `protobuf decoding failed: ${msg}`;
    throw new OnnxFormatError(source, reason);
  }
  const g = model.graph as InstanceType<typeof onnx.GraphProto> | null;
  if (!g || num(model.irVersion) <= 0 || !g.node || g.node.length === 0) {
    throw new OnnxFormatError(source, 'no ONNX graph with nodes and an IR version in it');
  }
  const opsets = new Map<string, number>();
  for (const o of model.opsetImport) opsets.set(o.domain ?? '', num(o.version));
  const initializers = new Map<string, Tensor>();
  for (const t of g.initializer) initializers.set(t.name ?? "", decodeTensor(t as InstanceType<typeof onnx.TensorProto>, `initializer ${JSON.stringify(t.name)}`));
  const nodes: OnnxNode[] = g.node.map((raw, i) => {
    const n = raw as InstanceType<typeof onnx.NodeProto>;
    const name = n.name || `${n.opType}_${i}`;
    const attrs = new Map<string, AttrValue>();
    for (const a of n.attribute) attrs.set(a.name ?? "", decodeAttr(a as InstanceType<typeof onnx.AttributeProto>, name, n.opType));
    return { name, opType: n.opType, domain: n.domain ?? '', inputs: [...n.input], outputs: [...n.output], attrs };
  });
  return {
    irVersion: num(model.irVersion),
    opsets,
    producer: `${model.producerName ?? ''} ${model.producerVersion ?? ''}`.trim(),
    nodes,
    initializers,
    inputs: g.input.filter((v) => !initializers.has(v.name ?? "")).map((v) => valueInfo(v as InstanceType<typeof onnx.ValueInfoProto>)),
    outputs: g.output.map((v) => valueInfo(v as InstanceType<typeof onnx.ValueInfoProto>)),
  };
}
