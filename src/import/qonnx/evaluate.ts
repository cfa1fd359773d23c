/**
 * A reference evaluator of the supported ONNX/QONNX subset in float64 (results rounded to float32 where
 * the graph's tensors are float32). It folds constants during import and it is the graph semantics the
 * lowered fixed-point model is tested against. Not a fast path: one straightforward loop per op.
 */
import { InvalidArgumentError } from '../../emulator/errors.js';
import { UnsupportedError } from '../errors.js';
import type { OnnxGraph, OnnxNode } from '../onnx.js';
import { type ElemKind, type Tensor, broadcastMap, roundTo, sizeOf, strides, tensor } from '../tensor.js';
import { attrFloat, attrInt, attrInts, attrStr, onlyAttrs } from './attrs.js';
import { evalBipolarQuant, evalFloatQuant, evalQuant, evalTrunc } from './quantOps.js';

export const QONNX_DOMAINS = ['qonnx.custom_op.general', 'finn.custom_op.general', 'onnx.brevitas'] as const;
const QUANT_OPS = ['Quant', 'IntQuant', 'BipolarQuant', 'Trunc', 'FloatQuant'];

type Kernel = (node: OnnxNode, ins: Tensor[]) => Tensor;

const floatKind = (a: Tensor, b?: Tensor): ElemKind => (a.kind === 'int' && (!b || b.kind === 'int') ? 'int' : a.kind === 'float64' || b?.kind === 'float64' ? 'float64' : 'float32');

function binary(f: (a: number, b: number) => number): Kernel {
  return (node, [a, b]) => {
    onlyAttrs(node, []);
    const kind = floatKind(a!, b);
    return broadcastMap([a!, b!], ([x, y]) => roundTo(kind, f(x!, y!)), kind, `${node.name} inputs`);
  };
}

function unary(f: (a: number) => number, attrs: string[] = []): Kernel {
  return (node, [a]) => {
    onlyAttrs(node, attrs);
    return { dims: a!.dims, data: a!.data.map((v) => roundTo(a!.kind, f(v))), kind: a!.kind };
  };
}

function normAxis(node: OnnxNode, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new UnsupportedError(node.name, node.opType, `axis ${axis} for rank ${rank}`, `an axis in [-${rank}, ${rank - 1}]`);
  return a;
}

export function transpose(t: Tensor, perm: readonly number[]): Tensor {
  const dims = perm.map((p) => t.dims[p]!);
  const si = strides(t.dims);
  const so = strides(dims);
  const n = sizeOf(dims);
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let rem = k;
    let j = 0;
    for (let d = 0; d < dims.length; d++) {
      const c = Math.floor(rem / so[d]!);
      rem -= c * so[d]!;
      j += c * si[perm[d]!]!;
    }
    out[k] = t.data[j]!;
  }
  return { dims, data: out, kind: t.kind };
}

function matmul2(a: Tensor, b: Tensor, kind: ElemKind): Tensor {
  const [M, K] = a.dims as [number, number];
  const N = b.dims[1]!;
  const out = new Float64Array(M * N);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += a.data[i * K + k]! * b.data[k * N + j]!;
      out[i * N + j] = roundTo(kind, s);
    }
  return { dims: [M, N], data: out, kind };
}

const MatMul: Kernel = (node, [a, b]) => {
  onlyAttrs(node, []);
  if (a!.dims.length < 1 || b!.dims.length !== 2 || a!.dims.at(-1) !== b!.dims[0]) {
    throw new UnsupportedError(node.name, node.opType, `shapes [${a!.dims}] x [${b!.dims}]`, 'an [..., K] input times a [K, N] matrix');
  }
  const K = b!.dims[0]!;
  const lead = a!.dims.slice(0, -1);
  const r = matmul2({ dims: [sizeOf(lead), K], data: a!.data, kind: a!.kind }, b!, floatKind(a!, b));
  return { dims: [...lead, b!.dims[1]!], data: r.data, kind: r.kind };
};

const Gemm: Kernel = (node, [a, b, c]) => {
  onlyAttrs(node, ['alpha', 'beta', 'transA', 'transB']);
  const alpha = attrFloat(node, 'alpha', 1);
  const beta = attrFloat(node, 'beta', 1);
  const A = attrInt(node, 'transA', 0) ? transpose(a!, [1, 0]) : a!;
  const B = attrInt(node, 'transB', 0) ? transpose(b!, [1, 0]) : b!;
  const kind = floatKind(a!, b);
  const p = matmul2(A, B, 'float64');
  const withAlpha = { ...p, data: p.data.map((v) => alpha * v) };
  if (!c) return { dims: p.dims, data: withAlpha.data.map((v) => roundTo(kind, v)), kind };
  return broadcastMap([withAlpha, c], ([x, y]) => roundTo(kind, x! + beta * y!), kind, `${node.name} C`);
};

const BatchNormalization: Kernel = (node, [x, g, b, mean, v]) => {
  onlyAttrs(node, ['epsilon', 'momentum', 'training_mode', 'spatial']);
  if (attrInt(node, 'training_mode', 0) !== 0) throw new UnsupportedError(node.name, node.opType, 'training_mode = 1', 'inference mode');
  const eps = attrFloat(node, 'epsilon', 1e-5);
  const C = x!.dims[1] ?? 1;
  const inner = sizeOf(x!.dims.slice(2));
  const out = new Float64Array(x!.data.length);
  for (let i = 0; i < out.length; i++) {
    const c = Math.floor(i / inner) % C;
    out[i] = roundTo(x!.kind, ((x!.data[i]! - mean!.data[c]!) / Math.sqrt(v!.data[c]! + eps)) * g!.data[c]! + b!.data[c]!);
  }
  return { dims: x!.dims, data: out, kind: x!.kind };
};

function reshapeDims(node: OnnxNode, from: readonly number[], spec: readonly number[]): number[] {
  const allowZero = attrInt(node, 'allowzero', 0) !== 0;
  const dims = spec.map((d, i) => (d === 0 && !allowZero ? from[i]! : d));
  const known = dims.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const free = dims.filter((d) => d === -1).length;
  if (free > 1) throw new UnsupportedError(node.name, node.opType, `shape [${spec}]`, 'at most one -1');
  const out = dims.map((d) => (d === -1 ? sizeOf(from) / known : d));
  if (sizeOf(out) !== sizeOf(from) || !out.every(Number.isInteger)) {
    throw new UnsupportedError(node.name, node.opType, `reshape of [${from}] to [${spec}]`, 'a shape with the same number of elements');
  }
  return out;
}

const Reshape: Kernel = (node, [x, shape]) => {
  onlyAttrs(node, ['allowzero']);
  return { dims: reshapeDims(node, x!.dims, Array.from(shape!.data)), data: x!.data, kind: x!.kind };
};

const Flatten: Kernel = (node, [x]) => {
  onlyAttrs(node, ['axis']);
  const axis = normAxis(node, attrInt(node, 'axis', 1), x!.dims.length + 1);
  return { dims: [sizeOf(x!.dims.slice(0, axis)), sizeOf(x!.dims.slice(axis))], data: x!.data, kind: x!.kind };
};

const Transpose: Kernel = (node, [x]) => {
  onlyAttrs(node, ['perm']);
  const perm = attrInts(node, 'perm', x!.dims.map((_, i) => x!.dims.length - 1 - i));
  return transpose(x!, perm);
};

/** Pads as [begin..., end...] over the spatial axes; only explicit (NOTSET) or VALID padding. */
function spatialParams(node: OnnxNode, spatial: number, kernel: readonly number[]) {
  const autoPad = attrStr(node, 'auto_pad', 'NOTSET');
  if (autoPad !== 'NOTSET' && autoPad !== 'VALID') {
    throw new UnsupportedError(node.name, node.opType, `auto_pad ${autoPad}`, 'auto_pad NOTSET (explicit pads) or VALID');
  }
  const strides = attrInts(node, 'strides', new Array<number>(spatial).fill(1));
  const pads = attrInts(node, 'pads', new Array<number>(2 * spatial).fill(0));
  const dil = attrInts(node, 'dilations', new Array<number>(spatial).fill(1));
  if (dil.some((d) => d !== 1)) throw new UnsupportedError(node.name, node.opType, `dilations [${dil}]`, 'dilations of 1');
  if (attrInt(node, 'ceil_mode', 0) !== 0) throw new UnsupportedError(node.name, node.opType, 'ceil_mode = 1', 'ceil_mode = 0');
  void kernel;
  return { strides, pads };
}

/** Sliding windows over NC<spatial> with explicit pads; `f` reduces one window (padding positions are undefined). */
function windows(
  x: Tensor,
  kernel: readonly number[],
  strides: readonly number[],
  pads: readonly number[],
  outC: number,
  f: (n: number, oc: number, read: (ic: number, k: readonly number[]) => number | undefined) => number,
): Tensor {
  const [N, C] = x.dims as [number, number];
  const sp = x.dims.slice(2);
  const S = sp.length;
  const out = sp.map((d, i) => Math.floor((d + pads[i]! + pads[i + S]! - kernel[i]!) / strides[i]!) + 1);
  const dims = [N, outC, ...out];
  const data = new Float64Array(sizeOf(dims));
  const si = strides_(x.dims);
  const pos = new Array<number>(S).fill(0);
  let k = 0;
  for (let n = 0; n < N; n++)
    for (let oc = 0; oc < outC; oc++) {
      const total = sizeOf(out);
      for (let o = 0; o < total; o++) {
        let rem = o;
        for (let d = S - 1; d >= 0; d--) {
          pos[d] = rem % out[d]!;
          rem = Math.floor(rem / out[d]!);
        }
        const read = (ic: number, kk: readonly number[]): number | undefined => {
          let j = n * si[0]! + ic * si[1]!;
          for (let d = 0; d < S; d++) {
            const p = pos[d]! * strides[d]! - pads[d]! + kk[d]!;
            if (p < 0 || p >= sp[d]!) return undefined;
            j += p * si[d + 2]!;
          }
          return x.data[j]!;
        };
        data[k++] = f(n, oc, read);
      }
    }
  void C;
  return { dims, data, kind: x.kind };
}
const strides_ = strides;

function kernelPositions(kernel: readonly number[]): number[][] {
  let acc: number[][] = [[]];
  for (const k of kernel) acc = acc.flatMap((p) => Array.from({ length: k }, (_, i) => [...p, i]));
  return acc;
}

const Conv: Kernel = (node, [x, w, b]) => {
  onlyAttrs(node, ['auto_pad', 'dilations', 'group', 'kernel_shape', 'pads', 'strides']);
  if (attrInt(node, 'group', 1) !== 1) throw new UnsupportedError(node.name, node.opType, `group = ${attrInt(node, 'group', 1)}`, 'group = 1');
  const kernel = w!.dims.slice(2);
  const { strides: st, pads } = spatialParams(node, kernel.length, kernel);
  const [M, Cin] = w!.dims as [number, number];
  const ks = kernelPositions(kernel);
  const sw = strides(w!.dims);
  const kind = floatKind(x!, w);
  return windows(x!, kernel, st, pads, M, (_n, oc, read) => {
    let s = b ? b.data[oc]! : 0;
    for (let ic = 0; ic < Cin; ic++)
      for (const kk of ks) {
        const v = read(ic, kk);
        if (v === undefined) continue;
        let j = oc * sw[0]! + ic * sw[1]!;
        kk.forEach((p, d) => (j += p * sw[d + 2]!));
        s += v * w!.data[j]!;
      }
    return roundTo(kind, s);
  });
};

const MaxPool: Kernel = (node, [x]) => {
  onlyAttrs(node, ['auto_pad', 'ceil_mode', 'dilations', 'kernel_shape', 'pads', 'storage_order', 'strides']);
  const kernel = attrInts(node, 'kernel_shape', []);
  const { strides: st, pads } = spatialParams(node, kernel.length, kernel);
  const ks = kernelPositions(kernel);
  return windows(x!, kernel, st, pads, x!.dims[1]!, (_n, c, read) => {
    let m = -Infinity;
    for (const kk of ks) {
      const v = read(c, kk);
      if (v !== undefined && v > m) m = v;
    }
    return m;
  });
};

const AveragePool: Kernel = (node, [x]) => {
  onlyAttrs(node, ['auto_pad', 'ceil_mode', 'count_include_pad', 'kernel_shape', 'pads', 'strides']);
  const kernel = attrInts(node, 'kernel_shape', []);
  const { strides: st, pads } = spatialParams(node, kernel.length, kernel);
  const includePad = attrInt(node, 'count_include_pad', 0) !== 0;
  const ks = kernelPositions(kernel);
  return windows(x!, kernel, st, pads, x!.dims[1]!, (_n, c, read) => {
    let s = 0;
    let cnt = 0;
    for (const kk of ks) {
      const v = read(c, kk);
      if (v !== undefined) {
        s += v;
        cnt++;
      } else if (includePad) cnt++;
    }
    return roundTo(x!.kind, s / cnt);
  });
};

const GlobalAveragePool: Kernel = (node, [x]) => {
  onlyAttrs(node, []);
  return AveragePool({ ...node, attrs: new Map([['kernel_shape', x!.dims.slice(2)]]) }, [x!]);
};

const Shape: Kernel = (node, [x]) => {
  onlyAttrs(node, ['start', 'end']);
  const r = x!.dims.length;
  const s = attrInt(node, 'start', 0);
  const e = attrInt(node, 'end', r);
  const clamp = (v: number) => Math.min(r, Math.max(0, v < 0 ? v + r : v));
  const d = x!.dims.slice(clamp(s), clamp(e));
  return tensor([d.length], d, 'int');
};

const Gather: Kernel = (node, [x, idx]) => {
  onlyAttrs(node, ['axis']);
  const axis = normAxis(node, attrInt(node, 'axis', 0), x!.dims.length);
  const pre = sizeOf(x!.dims.slice(0, axis));
  const len = x!.dims[axis]!;
  const post = sizeOf(x!.dims.slice(axis + 1));
  const ids = Array.from(idx!.data, (i) => (i < 0 ? i + len : i));
  const dims = [...x!.dims.slice(0, axis), ...idx!.dims, ...x!.dims.slice(axis + 1)];
  const out = new Float64Array(sizeOf(dims));
  let k = 0;
  for (let p = 0; p < pre; p++) for (const i of ids) for (let q = 0; q < post; q++) out[k++] = x!.data[(p * len + i) * post + q]!;
  return { dims, data: out, kind: x!.kind };
};

function axesOf(node: OnnxNode, ins: Tensor[]): number[] {
  return ins[1] ? Array.from(ins[1].data) : attrInts(node, 'axes', []);
}

const Unsqueeze: Kernel = (node, ins) => {
  onlyAttrs(node, ['axes']);
  const x = ins[0]!;
  const r = x.dims.length + axesOf(node, ins).length;
  const axes = axesOf(node, ins).map((a) => (a < 0 ? a + r : a)).sort((a, b) => a - b);
  const dims = [...x.dims];
  for (const a of axes) dims.splice(a, 0, 1);
  return { dims, data: x.data, kind: x.kind };
};

const Squeeze: Kernel = (node, ins) => {
  onlyAttrs(node, ['axes']);
  const x = ins[0]!;
  const r = x.dims.length;
  const axes = axesOf(node, ins).map((a) => (a < 0 ? a + r : a));
  const dims = x.dims.filter((d, i) => (axes.length ? !axes.includes(i) : d !== 1));
  return { dims, data: x.data, kind: x.kind };
};

const Concat: Kernel = (node, ins) => {
  onlyAttrs(node, ['axis']);
  const axis = normAxis(node, attrInt(node, 'axis', 0), ins[0]!.dims.length);
  const pre = sizeOf(ins[0]!.dims.slice(0, axis));
  const dims = [...ins[0]!.dims];
  dims[axis] = ins.reduce((s, t) => s + t.dims[axis]!, 0);
  const out: number[] = [];
  for (let p = 0; p < pre; p++)
    for (const t of ins) {
      const chunk = sizeOf(t.dims.slice(axis));
      for (let q = 0; q < chunk; q++) out.push(t.data[p * chunk + q]!);
    }
  return tensor(dims, out, ins.every((t) => t.kind === 'int') ? 'int' : ins[0]!.kind);
};

const Cast: Kernel = (node, [x]) => {
  onlyAttrs(node, ['to', 'saturate']);
  const to = attrInt(node, 'to', 1);
  const kind: ElemKind | undefined = to === 1 ? 'float32' : to === 11 ? 'float64' : [2, 3, 4, 5, 6, 7, 12, 13].includes(to) ? 'int' : undefined;
  if (!kind) throw new UnsupportedError(node.name, node.opType, `to = ${to}`, 'float32, float64 or an integer type');
  return { dims: x!.dims, data: x!.data.map((v) => (kind === 'int' ? Math.trunc(v) : roundTo(kind, v))), kind };
};

const Constant: Kernel = (node) => {
  onlyAttrs(node, ['value', 'value_float', 'value_int', 'value_floats', 'value_ints']);
  const v = node.attrs.get('value');
  if (v && typeof v === 'object' && !Array.isArray(v)) return v;
  const f = node.attrs.get('value_float') ?? node.attrs.get('value_int');
  if (typeof f === 'number') return tensor([], [f], node.attrs.has('value_int') ? 'int' : 'float32');
  const fs = node.attrs.get('value_floats') ?? node.attrs.get('value_ints');
  if (Array.isArray(fs)) return tensor([fs.length], fs as number[], node.attrs.has('value_ints') ? 'int' : 'float32');
  throw new UnsupportedError(node.name, node.opType, 'no value', 'value, value_float(s), value_int(s)');
};

/** Every op the importer reads, with its kernel. Standard-domain ops live under '' (and 'ai.onnx'). */
export const KERNELS: Record<string, Kernel> = {
  Quant: (n, i) => evalQuant(n, i),
  IntQuant: (n, i) => evalQuant(n, i),
  BipolarQuant: evalBipolarQuant,
  Trunc: evalTrunc,
  FloatQuant: evalFloatQuant,
  MatMul,
  Gemm,
  Conv,
  Add: binary((a, b) => a + b),
  Sub: binary((a, b) => a - b),
  Mul: binary((a, b) => a * b),
  Div: binary((a, b) => a / b),
  Pow: binary((a, b) => a ** b),
  Sqrt: unary(Math.sqrt),
  Neg: unary((a) => -a),
  Relu: unary((a) => Math.max(a, 0)),
  BatchNormalization,
  Reshape,
  Flatten,
  Transpose,
  MaxPool,
  AveragePool,
  GlobalAveragePool,
  Shape,
  Gather,
  Unsqueeze,
  Squeeze,
  Concat,
  Cast,
  Identity: (node, [x]) => {
    onlyAttrs(node, []);
    return x!;
  },
  Constant,
};

/** The attributes each op may carry (anything else is refused by name, on every path). */
const POOL_ATTRS = ['auto_pad', 'ceil_mode', 'dilations', 'kernel_shape', 'pads', 'storage_order', 'strides', 'count_include_pad'];
export const KNOWN_ATTRS: Record<string, readonly string[]> = {
  Quant: ['signed', 'narrow', 'rounding_mode'],
  IntQuant: ['signed', 'narrow', 'rounding_mode'],
  BipolarQuant: [],
  Trunc: ['rounding_mode', 'signed', 'narrow'],
  FloatQuant: ['has_infinity', 'has_inf', 'has_nan', 'has_subnormal', 'saturation', 'rounding_mode', 'max_val'],
  Gemm: ['alpha', 'beta', 'transA', 'transB'],
  Conv: ['auto_pad', 'dilations', 'group', 'kernel_shape', 'pads', 'strides'],
  BatchNormalization: ['epsilon', 'momentum', 'training_mode', 'spatial'],
  Reshape: ['allowzero'],
  Flatten: ['axis'],
  Transpose: ['perm'],
  MaxPool: POOL_ATTRS,
  AveragePool: POOL_ATTRS,
  Shape: ['start', 'end'],
  Gather: ['axis'],
  Unsqueeze: ['axes'],
  Squeeze: ['axes'],
  Concat: ['axis'],
  Cast: ['to', 'saturate'],
  Constant: ['value', 'value_float', 'value_int', 'value_floats', 'value_ints'],
};

export const SUPPORTED_OPS = Object.keys(KERNELS);
export const SUPPORTED_TEXT = `${SUPPORTED_OPS.join(', ')} (QONNX ops in domains ${QONNX_DOMAINS.join(', ')})`;

/** The kernel of a node, refusing unknown ops and ops in the wrong domain. */
export function kernelOf(node: OnnxNode): Kernel {
  const k = Object.prototype.hasOwnProperty.call(KERNELS, node.opType) ? KERNELS[node.opType] : undefined;
  const isQuant = QUANT_OPS.includes(node.opType);
  const domainOk = isQuant
    ? (QONNX_DOMAINS as readonly string[]).includes(node.domain) || node.domain.startsWith('qonnx.custom_op')
    : node.domain === '' || node.domain === 'ai.onnx';
  if (!k || !domainOk) {
    throw new UnsupportedError(node.name, node.domain ? `${node.domain}.${node.opType}` : node.opType, 'unsupported op', SUPPORTED_TEXT);
  }
  onlyAttrs(node, KNOWN_ATTRS[node.opType] ?? []);
  return k;
}

/**
 * Evaluate the graph on the given inputs (batch axis included, float values). Returns every tensor
 * computed, by name, so tests can read intermediate nodes (e.g. TFC's node "82").
 */
export function evaluateQonnx(graph: OnnxGraph, feeds: Readonly<Record<string, Tensor>>): Map<string, Tensor> {
  const env = new Map<string, Tensor>(graph.initializers);
  for (const i of graph.inputs) {
    const t = feeds[i.name];
    if (!t) throw new InvalidArgumentError('inputs', Object.keys(feeds), `a tensor for graph input ${JSON.stringify(i.name)}`);
    env.set(i.name, t);
  }
  for (const node of graph.nodes) {
    const ins = node.inputs.map((n) => {
      if (n === '') return undefined;
      const t = env.get(n);
      if (!t) throw new UnsupportedError(node.name, node.opType, `input ${JSON.stringify(n)} is never produced`, 'a topologically sorted graph');
      return t;
    });
    const out = kernelOf(node)(node, ins as Tensor[]);
    env.set(node.outputs[0]!, out);
  }
  return env;
}
