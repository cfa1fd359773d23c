/**
 * Lowering a QONNX graph to the hlsq model format (docs/model-format.md).
 *
 * Every tensor of the graph is either a constant (folded with the reference evaluator, quantized
 * constants remembering their integer codes and scales) or a *coded* tensor: a model tensor of integer
 * codes with a fixed-point type, plus a pending per-channel affine map value = K·(a·r + b) + c of its real
 * value r (K = 1, or BatchNorm's gamma/sqrt(var+eps), kept symbolic). Scales, biases, the input's
 * preprocessing and BatchNorm accumulate in that map exactly (rationals) until a quantizer consumes it,
 * where it becomes either a cast (power-of-two scales, codegen.md §11.1) or exact per-channel integer
 * thresholds (§11.4), encoded as one floor-and-saturate BatchNorm layer. A map that reaches an output or an
 * op that needs real values (Add of two tensors, ReLU after a shift) becomes a Rescale (pure scale) or
 * BatchNorm layer: exact when its constants are dyadic, otherwise rounded to 24 significant bits (a
 * declared rounding, reported in the notes).
 */
import { FixedType, parseType } from '../../emulator/types.js';
import { InvalidArgumentError } from '../../emulator/errors.js';
import type { ConstantJson, LayerJson, ModelJson } from '../../model/format.js';
import { UnsupportedError } from '../errors.js';
import type { OnnxGraph, OnnxNode } from '../onnx.js';
import * as Q from '../rational.js';
import type { Rational } from '../rational.js';
import { type Tensor, broadcastShape, broadcastIndex, sizeOf } from '../tensor.js';
import { attrFloat, attrInt, attrInts, attrStr } from './attrs.js';
import { codeJson, exactConstant, roundToFrac, typeForRange } from './constants.js';
import { kernelOf, transpose } from './evaluate.js';
import { bitwidthOf, intRange, quantAttrs, quantCodes, roundingAttr, type QuantAttrs } from './quantOps.js';
import { AP_QUANT, type QonnxRounding } from './rounding.js';
import { type ChannelMap, direction, exactThresholds, fitThresholds } from './thresholds.js';

export interface ImportOptions {
  /** The model input's fixed-point type; default: the type of a power-of-two Quant fed directly by the input. */
  inputType?: string;
  /** Model name (default: from the file). */
  name?: string;
  /** Significant bits of constants that approximate an irrational or non-dyadic map (default 24). */
  outputFracBits?: number;
}

export interface ImportResult {
  readonly model: ModelJson;
  /** Things the user should know: approximations, dropped nodes. */
  readonly notes: readonly string[];
  /** ONNX tensor name -> model tensor (layer or input) name holding its codes. */
  readonly tensors: Readonly<Record<string, string>>;
}

interface QuantInfo {
  readonly codes: Tensor;
  /** The scale broadcast to the codes' full shape. */
  readonly scale: Tensor;
  readonly bits: number;
  readonly signed: boolean;
}

interface ConstValue {
  readonly kind: 'const';
  readonly t: Tensor;
  readonly quant?: QuantInfo | undefined;
}

/** Per channel (length 1 = per tensor): value = K·(a·r + b) + c. */
interface Affine {
  readonly a: readonly Rational[];
  readonly b: readonly Rational[];
  readonly c: readonly Rational[];
  readonly k?: { readonly g: readonly Rational[]; readonly ve: readonly Rational[] } | undefined;
}

interface CodedValue {
  readonly kind: 'coded';
  readonly tensor: string;
  /** ONNX dims including the batch axis (1). */
  readonly dims: readonly number[];
  /** The model tensor's shape (channels-last, no batch). */
  readonly mshape: readonly number[];
  /** One type, or one per channel. */
  readonly types: readonly FixedType[];
  readonly map: Affine;
  readonly relu: boolean;
  /** Model element k holds ONNX (flattened) element perm[k]; only after flattening a [C,H,W] map. */
  readonly perm?: Int32Array | undefined;
}

type Value = ConstValue | CodedValue;

const IDENTITY: Affine = { a: [Q.ONE], b: [Q.ZERO], c: [Q.ZERO] };
const at = <T>(arr: readonly T[], ch: number): T => (arr.length === 1 ? arr[0]! : arr[ch]!);

function isIdentity(m: Affine): boolean {
  return !m.k && m.a.every((v) => Q.eq(v, Q.ONE)) && m.b.every(Q.isZero) && m.c.every(Q.isZero);
}

function channels(v: CodedValue): number {
  return v.dims.length >= 2 ? v.dims[1]! : 1;
}

function modelShape(node: OnnxNode, dims: readonly number[]): number[] {
  if (dims.length === 2) return [dims[1]!];
  if (dims.length === 3) return [dims[2]!, dims[1]!];
  if (dims.length === 4) return [dims[2]!, dims[3]!, dims[1]!];
  throw new UnsupportedError(node.name, node.opType, `a tensor of shape [${dims}]`, 'shapes [N, F], [N, C, L] or [N, C, H, W]');
}

const pow2 = (e: number): Rational => (e >= 0 ? Q.rat(1n << BigInt(e)) : Q.rat(1n, 1n << BigInt(-e)));

class Lowering {
  readonly layers: LayerJson[] = [];
  readonly notes: string[] = [];
  readonly tensors: Record<string, string> = {};
  private readonly names = new Set<string>();
  private readonly env = new Map<string, Value>();
  readonly inputs: ModelJson['inputs'] = [];

  constructor(
    private readonly graph: OnnxGraph,
    private readonly opts: ImportOptions,
  ) {}

  unique(base: string): string {
    let n = base.replace(/[^A-Za-z0-9_]/g, '_').replace(/^([^A-Za-z_])/, 'n_$1') || 'layer';
    if (this.names.has(n)) {
      let i = 1;
      while (this.names.has(`${n}_${i}`)) i++;
      n = `${n}_${i}`;
    }
    this.names.add(n);
    return n;
  }

  emit(layer: LayerJson, onnxTensor?: string): string {
    this.layers.push(layer);
    if (onnxTensor !== undefined) this.tensors[onnxTensor] = layer.name;
    return layer.name;
  }

  run(): ModelJson {
    for (const [name, t] of this.graph.initializers) this.env.set(name, { kind: 'const', t });
    for (const input of this.graph.inputs) this.addInput(input.name, input.dims);
    for (const node of this.graph.nodes) this.lowerNode(node);
    const outputs = this.graph.outputs.map((o) => {
      const v = this.get(o.name, undefined);
      if (v.kind === 'const') throw new UnsupportedError(o.name, 'output', 'the graph output is a constant', 'outputs computed from the input');
      const m = this.materialize(v, `output ${o.name}`, true, o.name);
      this.tensors[o.name] = m.tensor;
      return m.tensor;
    });
    return {
      format: 'hlsq-model',
      version: 1,
      name: this.opts.name,
      description: `imported from QONNX (${this.graph.producer || 'unknown producer'}, IR ${this.graph.irVersion})`,
      inputs: this.inputs,
      layers: this.layers,
      outputs,
      metadata: { importedFrom: 'qonnx', onnxTensors: this.tensors, notes: this.notes },
    };
  }

  // -------------------------------------------------------------------------------------------------
  // inputs

  addInput(name: string, dims: readonly number[] | undefined): void {
    if (!dims || dims.length < 2) {
      throw new UnsupportedError(name, 'graph input', `shape ${dims ? `[${dims}]` : 'unknown'}`, 'a static shape with a batch axis, e.g. [1, 784] or [1, 1, 28, 28]');
    }
    const full = [1, ...dims.slice(1)];
    if (full.some((d) => d < 1)) throw new UnsupportedError(name, 'graph input', `symbolic dims [${dims}]`, 'static dims after the batch axis');
    const type = this.inputType(name);
    const fake = { name, opType: 'input' } as OnnxNode;
    const mshape = modelShape(fake, full);
    const mname = this.unique(name);
    this.names.add(mname);
    this.inputs.push({ name: mname, shape: mshape, type: type.toString() });
    this.tensors[name] = mname;
    this.env.set(name, { kind: 'coded', tensor: mname, dims: full, mshape, types: [type], map: IDENTITY, relu: false });
  }

  inputType(name: string): FixedType {
    if (this.opts.inputType !== undefined) {
      const t = parseType(this.opts.inputType);
      if (t.kind !== 'fixed') throw new InvalidArgumentError('inputType', this.opts.inputType, 'an ap_fixed<...> or ap_ufixed<...> type');
      return t;
    }
    // A Quant reading the raw input defines the input type when it is a plain fixed-point cast.
    const consumer = this.graph.nodes.find((n) => n.inputs[0] === name);
    if (consumer && (consumer.opType === 'Quant' || consumer.opType === 'IntQuant')) {
      const c = (i: number) => this.graph.initializers.get(consumer.inputs[i] ?? '');
      const [s, z, b] = [c(1), c(2), c(3)];
      if (s && z && b && sizeOf(s.dims) === 1 && z.data[0] === 0) {
        const a = quantAttrs(consumer);
        const F = Q.log2Exact(Q.fromNumber(s.data[0]!));
        const t = F !== undefined ? castType(b.data[0]!, -F, a) : undefined;
        if (t) return t;
      }
    }
    throw new InvalidArgumentError(
      'input type (--input-type / inputType)',
      undefined,
      `a fixed-point type for graph input ${JSON.stringify(name)} (e.g. ap_ufixed<16,1,AP_RND_CONV,AP_SAT> for pixels in [0, 1]); it is not fed by a power-of-two Quant that would define it`,
    );
  }

  // -------------------------------------------------------------------------------------------------
  // nodes

  get(name: string, node: OnnxNode | undefined): Value {
    const v = this.env.get(name);
    if (!v) throw new UnsupportedError(node?.name ?? name, node?.opType ?? 'tensor', `input ${JSON.stringify(name)} is never produced`, 'a topologically sorted graph');
    return v;
  }

  lowerNode(node: OnnxNode): void {
    const kernel = kernelOf(node); // refuses unsupported ops and domains first
    const ins = node.inputs.map((n) => (n === '' ? undefined : this.get(n, node)));
    const out = node.outputs[0]!;
    if (node.outputs.length > 1 && node.outputs.slice(1).some((o) => o !== '')) {
      // BatchNormalization in training mode or Dropout masks: refuse rather than guess
      if (node.opType !== 'BatchNormalization') throw new UnsupportedError(node.name, node.opType, 'more than one output', 'single-output nodes');
    }
    if (ins.every((v) => !v || v.kind === 'const')) {
      this.env.set(out, this.fold(node, kernel, ins as (ConstValue | undefined)[]));
      return;
    }
    if (node.opType === 'Shape') {
      const v = ins[0] as CodedValue;
      this.env.set(out, this.fold(node, kernel, [{ kind: 'const', t: { dims: [v.dims.length], data: new Float64Array(0), kind: 'int' } }], v.dims));
      return;
    }
    this.env.set(out, this.lowerCoded(node, ins));
  }

  fold(node: OnnxNode, kernel: ReturnType<typeof kernelOf>, ins: (ConstValue | undefined)[], shapeOf?: readonly number[]): ConstValue {
    if (shapeOf) return { kind: 'const', t: { dims: [shapeOf.length], data: Float64Array.from(shapeOf), kind: 'int' } };
    const ts = ins.map((v) => v?.t) as Tensor[];
    const t = kernel(node, ts);
    const q = ins[0]?.quant;
    // Keep the integer codes of a quantized constant through layout ops.
    if ((node.opType === 'Quant' || node.opType === 'IntQuant') && ts[0]) return { kind: 'const', t, quant: constQuant(node, ts) };
    if (node.opType === 'BipolarQuant') {
      const codes = { ...ts[0]!, data: ts[0]!.data.map((v) => (v >= 0 ? 1 : -1)) };
      return { kind: 'const', t, quant: { codes, scale: expand(ts[1]!, ts[0]!.dims), bits: 1, signed: true } };
    }
    if (q && ['Transpose', 'Reshape', 'Flatten', 'Identity', 'Unsqueeze', 'Squeeze'].includes(node.opType)) {
      const rest = ts.slice(1);
      return {
        kind: 'const',
        t,
        quant: { ...q, codes: kernel(node, [q.codes, ...rest]), scale: kernel(node, [q.scale, ...rest]) },
      };
    }
    return { kind: 'const', t };
  }

  lowerCoded(node: OnnxNode, ins: (Value | undefined)[]): Value {
    const [x, y] = ins;
    switch (node.opType) {
      case 'Identity':
        return x!;
      case 'Quant':
      case 'IntQuant':
        return this.quant(node, coded(node, x), ins.slice(1).map((v) => constOf(node, v)));
      case 'BipolarQuant':
        return this.bipolar(node, coded(node, x), constOf(node, y));
      case 'Trunc':
        return this.trunc(node, coded(node, x), ins.slice(1).map((v) => constOf(node, v)));
      case 'FloatQuant':
        throw new UnsupportedError(
          node.name,
          node.opType,
          'a minifloat quantizer on a computed tensor',
          'FloatQuant on constants (folded); model format v1 has no minifloat layer (inspect it with hlsq import --quantizers / --evaluate)',
        );
      case 'Add':
      case 'Sub': {
        const sign = node.opType === 'Sub' ? -1 : 1;
        if (x!.kind === 'coded' && y!.kind === 'const') return this.shift(node, x!, y!.t, sign);
        if (x!.kind === 'const' && y!.kind === 'coded') return this.shift(node, this.scale(node, y!, scalarTensor(sign)), x!.t, 1);
        return this.addCoded(node, x as CodedValue, y as CodedValue, sign);
      }
      case 'Mul':
        if (x!.kind === 'coded' && y!.kind === 'const') return this.scale(node, x!, y!.t);
        if (x!.kind === 'const' && y!.kind === 'coded') return this.scale(node, y!, x!.t);
        throw new UnsupportedError(node.name, node.opType, 'a product of two computed tensors', 'Mul by a constant');
      case 'Div':
        if (x!.kind === 'coded' && y!.kind === 'const') return this.scale(node, x!, y!.t, true);
        throw new UnsupportedError(node.name, node.opType, 'division by a computed tensor', 'Div by a constant');
      case 'BatchNormalization':
        return this.batchNorm(node, coded(node, x), ins.slice(1).map((v) => constOf(node, v).t));
      case 'Relu':
        return this.relu(node, coded(node, x));
      case 'MatMul':
        return this.dense(node, coded(node, x), constOf(node, y), undefined, 1, 1);
      case 'Gemm': {
        if (attrInt(node, 'transA', 0) !== 0) throw new UnsupportedError(node.name, node.opType, 'transA = 1', 'transA = 0');
        let w = constOf(node, y);
        if (attrInt(node, 'transB', 0) !== 0) w = transposeConst(w);
        const c = ins[2] ? constOf(node, ins[2]) : undefined;
        return this.dense(node, coded(node, x), w, c?.t, attrFloat(node, 'alpha', 1), attrFloat(node, 'beta', 1));
      }
      case 'Conv':
        return this.conv(node, coded(node, x), constOf(node, y), ins[2] ? constOf(node, ins[2]).t : undefined);
      case 'MaxPool':
        return this.pool(node, coded(node, x), 'max');
      case 'AveragePool':
        return this.pool(node, coded(node, x), 'avg');
      case 'GlobalAveragePool':
        return this.globalAvg(node, coded(node, x));
      case 'Reshape':
      case 'Flatten':
        return this.flatten(node, coded(node, x), node.opType === 'Reshape' ? Array.from(constOf(node, y).t.data) : undefined);
      case 'Transpose': {
        const v = coded(node, x);
        const perm = attrInts(node, 'perm', []);
        if (perm.every((p, i) => p === i)) return v;
        throw new UnsupportedError(node.name, node.opType, `perm [${perm}] on a computed tensor`, 'Transpose of constants (folded) or the identity permutation');
      }
      default:
        throw new UnsupportedError(node.name, node.opType, 'on a computed tensor', 'constant folding only for this op');
    }
  }

  // -------------------------------------------------------------------------------------------------
  // pending affine maps

  /** value·m per channel (m broadcast along the channel axis only). */
  scale(node: OnnxNode, v: CodedValue, m: Tensor, reciprocal = false): CodedValue {
    let vec = this.channelVector(node, v, m);
    if (!vec) throw new UnsupportedError(node.name, node.opType, `a constant of shape [${m.dims}] that varies within a channel`, 'per-tensor or per-channel constants');
    if (reciprocal) {
      if (vec.some(Q.isZero)) throw new UnsupportedError(node.name, node.opType, 'division by zero', 'non-zero divisors');
      // exact 1/d (not the double nearest to it): the division stays exact until a quantizer or the output
      vec = vec.map((r) => Q.div(Q.ONE, r));
    }
    if (v.relu && vec.some((r) => Q.sign(r) <= 0)) v = this.materialize(v, node.name);
    if (v.perm && vec.length > 1) throw new UnsupportedError(node.name, node.opType, 'a per-channel constant after Flatten', 'per-tensor constants after Flatten');
    const n = Math.max(vec.length, v.map.a.length);
    const idx = Array.from({ length: n }, (_, i) => i);
    const map: Affine = {
      a: idx.map((i) => Q.mul(at(v.map.a, i), at(vec, i))),
      b: idx.map((i) => Q.mul(at(v.map.b, i), at(vec, i))),
      c: idx.map((i) => Q.mul(at(v.map.c, i), at(vec, i))),
      k: v.map.k && { g: idx.map((i) => at(v.map.k!.g, i)), ve: idx.map((i) => at(v.map.k!.ve, i)) },
    };
    return { ...v, map };
  }

  shift(node: OnnxNode, v: CodedValue, t: Tensor, sign: number): CodedValue {
    const vec = this.channelVector(node, v, t);
    if (!vec) throw new UnsupportedError(node.name, node.opType, `a constant of shape [${t.dims}] that varies within a channel`, 'per-tensor or per-channel constants');
    if (v.relu) v = this.materialize(v, node.name);
    if (v.perm && vec.length > 1) throw new UnsupportedError(node.name, node.opType, 'a per-channel constant after Flatten', 'per-tensor constants after Flatten');
    const n = Math.max(vec.length, v.map.c.length);
    const idx = Array.from({ length: n }, (_, i) => i);
    const c = idx.map((i) => Q.add(at(v.map.c, i), sign < 0 ? Q.neg(at(vec, i)) : at(vec, i)));
    return { ...v, map: { ...v.map, a: idx.map((i) => at(v.map.a, i)), b: idx.map((i) => at(v.map.b, i)), c, k: v.map.k && { g: idx.map((i) => at(v.map.k!.g, i)), ve: idx.map((i) => at(v.map.k!.ve, i)) } } };
  }

  batchNorm(node: OnnxNode, v: CodedValue, [g, beta, mean, variance]: Tensor[]): CodedValue {
    if (v.map.k || v.relu) v = this.materialize(v, node.name);
    const eps = Q.fromNumber(attrFloat(node, 'epsilon', 1e-5));
    const C = channels(v);
    if (v.perm) throw new UnsupportedError(node.name, node.opType, 'after Flatten of a feature map', 'BatchNormalization on [N, C] or [N, C, ...] tensors');
    const idx = Array.from({ length: C }, (_, i) => i);
    const ch = (t: Tensor, i: number) => Q.fromNumber(t.data[sizeOf(t.dims) === 1 ? 0 : i]!);
    for (const t of [g!, beta!, mean!, variance!]) {
      if (sizeOf(t.dims) !== C && sizeOf(t.dims) !== 1) throw new UnsupportedError(node.name, node.opType, `a parameter of shape [${t.dims}]`, `[${C}] parameters`);
    }
    const ve = idx.map((i) => Q.add(ch(variance!, i), eps));
    if (ve.some((r) => Q.sign(r) <= 0)) throw new UnsupportedError(node.name, node.opType, 'var + epsilon <= 0', 'a positive variance');
    const gs = idx.map((i) => ch(g!, i));
    // BN(u) = K(u − mean) + beta with u = a r + (b + c): K(a r + (b + c − mean)) + beta
    const map: Affine = {
      a: idx.map((i) => at(v.map.a, i)),
      b: idx.map((i) => Q.sub(Q.add(at(v.map.b, i), at(v.map.c, i)), ch(mean!, i))),
      c: idx.map((i) => ch(beta!, i)),
      k: { g: gs, ve },
    };
    return { ...v, map };
  }

  relu(node: OnnxNode, v: CodedValue): CodedValue {
    const m = v.map;
    if (!v.relu && !m.k && m.b.every(Q.isZero) && m.c.every(Q.isZero) && m.a.every((r) => Q.sign(r) > 0)) {
      // relu(a·r) = a·relu(r) for a > 0: a ReLU layer on the codes
      const name = this.emit({ kind: 'ReLU', name: this.unique(node.name), inputs: [v.tensor], result: reluType(v.types) }, node.outputs[0]);
      return { ...v, tensor: name, types: v.types.map((t) => parseType(reluType([t]) as string) as FixedType) };
    }
    return { ...v, relu: true };
  }

  /** Per-channel (or per-tensor) rationals of a constant broadcast against v; undefined if it varies within a channel. */
  channelVector(node: OnnxNode, v: CodedValue, t: Tensor): Rational[] | undefined {
    const shape = broadcastShape(v.dims, t.dims);
    if (!shape || shape.length !== v.dims.length || shape.some((d, i) => d !== v.dims[i])) {
      throw new UnsupportedError(node.name, node.opType, `a constant of shape [${t.dims}] against [${v.dims}]`, 'constants that broadcast without growing the tensor');
    }
    if (sizeOf(t.dims) === 1) return [Q.fromNumber(t.data[0]!)];
    const idx = broadcastIndex(t.dims, v.dims);
    const C = channels(v);
    const inner = sizeOf(v.dims.slice(2));
    const out: (Rational | undefined)[] = new Array(C).fill(undefined);
    const seen: (number | undefined)[] = new Array(C).fill(undefined);
    for (let k = 0; k < idx.length; k++) {
      const c = Math.floor(k / inner) % C;
      const val = t.data[idx[k]!]!;
      if (seen[c] === undefined) seen[c] = val;
      else if (seen[c] !== val) return undefined;
    }
    for (let c = 0; c < C; c++) out[c] = Q.fromNumber(seen[c]!);
    return out as Rational[];
  }

  /**
   * Emit layers so that the codes' real values equal the pending map (identity afterwards). Exact when the
   * map is dyadic; otherwise its constants are rounded (`final`: at a graph output) and a note says so.
   */
  materialize(v: CodedValue, where: string, final = false, onnxTensor?: string): CodedValue {
    if (isIdentity(v.map) && !v.relu) return v;
    let out = v;
    if (!isIdentity(v.map)) {
      const C = Math.max(v.map.a.length, v.map.b.length, v.map.c.length, v.map.k?.g.length ?? 1);
      const idx = Array.from({ length: C }, (_, i) => i);
      let scale: Rational[];
      let shift: Rational[];
      let exact = true;
      if (!v.map.k) {
        scale = idx.map((i) => at(v.map.a, i));
        shift = idx.map((i) => Q.add(at(v.map.b, i), at(v.map.c, i)));
        exact = [...scale, ...shift].every((r) => Q.dyadicFracBits(r) !== undefined);
      } else {
        exact = false;
        const F = this.opts.outputFracBits ?? 24;
        const K = idx.map((i) => sqrtSigned(at(v.map.k!.g, i), at(v.map.k!.ve, i), F + 16));
        scale = idx.map((i) => Q.mul(K[i]!, at(v.map.a, i)));
        shift = idx.map((i) => Q.add(Q.mul(K[i]!, at(v.map.b, i)), at(v.map.c, i)));
      }
      if (!exact) {
        const F = this.opts.outputFracBits ?? 24;
        // Round each constant to F significant fraction bits beyond its leading bit (ties to even).
        const sig = (r: Rational) => roundToFrac(r, Math.max(0, F - Math.floor(Math.log2(Math.abs(Q.toNumber(r)) || 1))));
        scale = scale.map(sig);
        shift = shift.map(sig);
        this.notes.push(
          `${where}: ${final ? "the float graph's final affine map" : 'a non-power-of-two scale or a BatchNorm that no quantizer consumes'} (scale ≈ ${Q.toNumber(scale[0]!).toPrecision(8)}${C > 1 ? ', per channel' : ''}) has no exact fixed-point form; its constants are rounded half-to-even to ${F} significant bits and the result keeps every bit of the product (the integer codes before it are exact)`,
        );
      }
      const perChannel = C > 1;
      const base = onnxTensor !== undefined ? `${where.replace(/^output /, '')}_affine` : `${where}_affine`;
      let name: string;
      let result: FixedType;
      if (shift.every(Q.isZero)) {
        // a pure scale: an integer multiplier and a right shift (the model format's Rescale)
        const S = Math.max(0, ...scale.map((r) => Q.dyadicFracBits(r)!));
        const mult = scale.map((r) => Q.mul(r, pow2(S)));
        result = affineResultType(v.types, scale, [Q.ZERO]);
        result = new FixedType(result.width, result.intBits, result.signed, 'AP_RND_CONV', 'AP_WRAP');
        const multiplier = exactConstant(perChannel ? mult : [mult[0]!], perChannel ? [C] : [])!;
        name = this.emit({ kind: 'Rescale', name: this.unique(base), inputs: [v.tensor], multiplier, shift: S, result: result.toString() }, onnxTensor);
      } else {
        const sc = exactConstant(scale, perChannel ? [C] : [])!;
        const sh = exactConstant(shift, perChannel ? [C] : [])!;
        result = affineResultType(v.types, scale, shift);
        name = this.emit({ kind: 'BatchNorm', name: this.unique(base), inputs: [v.tensor], scale: sc, shift: sh, result: result.toString() }, onnxTensor);
      }
      out = { ...v, tensor: name, types: [result], map: IDENTITY };
    }
    if (v.relu) {
      const name = this.emit({ kind: 'ReLU', name: this.unique(`${where}_relu`), inputs: [out.tensor], result: reluType(out.types) });
      out = { ...out, tensor: name, types: out.types.map((t) => parseType(reluType([t]) as string) as FixedType), relu: false };
    }
    return out;
  }

  // -------------------------------------------------------------------------------------------------
  // quantizers

  quant(node: OnnxNode, v: CodedValue, [scaleC, zeroC, bitsC]: ConstValue[]): CodedValue {
    const a = quantAttrs(node);
    const bits = bitwidthOf(node, bitsC!.t);
    const s = this.channelVector(node, v, scaleC!.t);
    const z = this.channelVector(node, v, zeroC!.t);
    if (!s || !z) throw new UnsupportedError(node.name, node.opType, 'a scale or zero point that varies within a channel', 'per-tensor or per-channel scale and zero point');
    if (s.some((r) => Q.sign(r) <= 0)) throw new UnsupportedError(node.name, node.opType, 'a non-positive scale', 'scale > 0');
    if (z.some((r) => !Q.isZero(r))) throw new UnsupportedError(node.name, node.opType, 'a non-zero zero point on a computed tensor', 'zeropt = 0');
    if (bits === 1 && a.signed) return this.bipolarFrom(node, v, s);
    const { min, max } = intRange(a.signed, a.narrow, bits);
    const po2 = s.map((r) => Q.log2Exact(r));
    const allPo2 = po2.every((e) => e !== undefined);
    const typeOf = (ch: number, q: FixedType['quant']) => {
      const F = allPo2 ? -at(po2, ch)! : 0;
      return new FixedType(bits, bits - F, a.signed, q, a.narrow ? 'AP_SAT_SYM' : 'AP_SAT');
    };
    if (!a.signed && a.narrow) {
      throw new UnsupportedError(node.name, node.opType, 'unsigned narrow range', 'signed (narrow or not) or unsigned non-narrow ranges (no ap_fixed overflow mode clamps at 2^b − 2)');
    }
    const C = Math.max(s.length, v.map.a.length, v.map.c.length, v.map.k?.g.length ?? 1, v.types.length);
    const idx = Array.from({ length: C }, (_, i) => i);
    const outScale = allPo2 ? [Q.ONE] : s; // what the codes still have to be multiplied by
    // (A) a plain cast: dyadic map, power-of-two scale, a rounding with an ap_fixed mode
    const apQ = AP_QUANT[a.rounding];
    const dyadic = !v.map.k && [...v.map.a, ...v.map.b, ...v.map.c].every((r) => Q.dyadicFracBits(r) !== undefined);
    if (apQ && allPo2 && dyadic && !v.relu) {
      const result = idx.map((i) => typeOf(i, apQ));
      const perChannelResult = new Set(result.map(String)).size > 1;
      const resultJson = perChannelResult ? result.map(String) : result[0]!.toString();
      let name: string;
      if (isIdentity(v.map) && !perChannelResult && v.types.length === 1 && v.types[0]!.equals(result[0]!)) {
        // a cast to the type the codes already have (the input quantizer that defined the input type)
        this.tensors[node.outputs[0]!] = v.tensor;
        return v;
      } else if (isIdentity(v.map)) {
        name = this.emit({ kind: 'Quant', name: this.unique(node.name), inputs: [v.tensor], result: resultJson }, node.outputs[0]);
      } else {
        const scale = idx.map((i) => at(v.map.a, i));
        const shift = idx.map((i) => Q.add(at(v.map.b, i), at(v.map.c, i)));
        const per = scale.length > 1 && new Set(scale.map(Q.toString)).size + new Set(shift.map(Q.toString)).size > 2;
        name = this.emit(
          {
            kind: 'BatchNorm',
            name: this.unique(node.name),
            inputs: [v.tensor],
            scale: exactConstant(per ? scale : [scale[0]!], per ? [C] : [])!,
            shift: exactConstant(per ? shift : [shift[0]!], per ? [C] : [])!,
            result: resultJson,
          },
          node.outputs[0],
        );
      }
      return { ...v, tensor: name, types: perChannelResult ? result : [result[0]!], map: IDENTITY, relu: false };
    }
    // (B) exact integer thresholds, encoded as floor(alpha·x + beta) saturated to the range
    return this.thresholds(node, v, idx, {
      rounding: a.rounding,
      lo: BigInt(min),
      hi: BigInt(max),
      scale: (i) => at(s, i),
      outType: (i) => typeOf(i, 'AP_TRN'),
      outScale,
    });
  }

  /**
   * Trunc v2 (codegen.md §11.3) on codes that already lie on the input scale's grid: dropping
   * log2(out_scale / scale) bits with the rounding mode and clamping to the output range is one cast to
   * ap_fixed<out_bits, ...> with the mode's ap_fixed rounding and SAT (power-of-two scales, zero point 0).
   */
  trunc(node: OnnxNode, v: CodedValue, ins: ConstValue[]): CodedValue {
    const rounding = roundingAttr(node, 'FLOOR');
    const signed = attrInt(node, 'signed', 1) !== 0;
    const narrow = attrInt(node, 'narrow', 0) !== 0;
    if (ins.length !== 5 && ins.length !== 6) {
      throw new UnsupportedError(node.name, node.opType, `${ins.length + 1} inputs`, 'Trunc v2: X, scale, zeropt, in_bitwidth, out_scale, out_bitwidth (or 7 inputs with out_zeropt = 0)');
    }
    if (ins.length === 6 && ins[4]!.t.data.some((z) => z !== 0)) throw new UnsupportedError(node.name, node.opType, 'a non-zero out_zeropt', 'out_zeropt = 0');
    const [scaleC, zeroC] = ins as [ConstValue, ConstValue];
    const outScaleC = ins[3]!;
    const outBits = bitwidthOf(node, ins.length === 6 ? ins[5]!.t : ins[4]!.t, 'out_bitwidth');
    const scalar = (c: ConstValue, what: string) => {
      if (sizeOf(c.t.dims) !== 1) throw new UnsupportedError(node.name, node.opType, `a per-channel ${what}`, `a scalar ${what}`);
      return Q.fromNumber(c.t.data[0]!);
    };
    const s = scalar(scaleC, 'scale');
    const os = scalar(outScaleC, 'out_scale');
    if (!Q.isZero(scalar(zeroC, 'zeropt'))) throw new UnsupportedError(node.name, node.opType, 'a non-zero zero point', 'zeropt = 0');
    const es = Q.log2Exact(s);
    const eo = Q.log2Exact(os);
    const apQ = AP_QUANT[rounding];
    if (es === undefined || eo === undefined || !apQ || (!signed && narrow)) {
      throw new UnsupportedError(node.name, node.opType, `scale ${Q.toString(s)}, out_scale ${Q.toString(os)}, rounding ${rounding}`, 'power-of-two scales and a rounding mode with an ap_fixed equivalent (FLOOR, ROUND, DOWN, HALF_UP, HALF_DOWN)');
    }
    // step 1 (round X/scale half to even) is exact when every code is a multiple of scale
    const onGrid = isIdentity(v.map) && !v.relu && v.types.every((t) => t.fracBits <= -es);
    if (!onGrid) throw new UnsupportedError(node.name, node.opType, 'an input that is not on the grid of its scale', 'Trunc of a quantized tensor (e.g. a Quant or an accumulator of quantized operands) with the same scale');
    const R = new FixedType(outBits, outBits + eo, signed, apQ, narrow ? 'AP_SAT_SYM' : 'AP_SAT');
    const name = this.emit({ kind: 'Quant', name: this.unique(node.name), inputs: [v.tensor], result: R.toString() }, node.outputs[0]);
    return { ...v, tensor: name, types: [R], map: IDENTITY };
  }

  bipolar(node: OnnxNode, v: CodedValue, scaleC: ConstValue): CodedValue {
    const s = this.channelVector(node, v, scaleC.t);
    if (!s || s.some((r) => Q.sign(r) <= 0)) throw new UnsupportedError(node.name, node.opType, 'a scale that varies within a channel or is not positive', 'a positive per-tensor or per-channel scale');
    return this.bipolarFrom(node, v, s);
  }

  /** ±s with 0 -> +1: codes b = [value >= 0] in {0, 1}, value = s·(2b − 1) pending downstream. */
  bipolarFrom(node: OnnxNode, v: CodedValue, s: Rational[]): CodedValue {
    const C = Math.max(s.length, v.map.a.length, v.map.c.length, v.map.k?.g.length ?? 1, v.types.length);
    const idx = Array.from({ length: C }, (_x, i) => i);
    // value >= 0  <=>  floor(value + 1) >= 1: FLOOR at scale 1 with zero point 1 (zero -> +1)
    const out = this.thresholds(node, v, idx, {
      rounding: 'FLOOR',
      lo: 0n,
      hi: 1n,
      zeropt: Q.ONE,
      scale: () => Q.ONE,
      outType: () => new FixedType(1, 1, false, 'AP_TRN', 'AP_SAT'),
      outScale: [Q.ONE],
    });
    return { ...out, map: { a: s.map((r) => Q.mul(r, Q.rat(2n))), b: [Q.ZERO], c: s.map(Q.neg) } };
  }

  thresholds(
    node: OnnxNode,
    v: CodedValue,
    idx: number[],
    q: {
      rounding: QonnxRounding;
      lo: bigint;
      hi: bigint;
      scale: (i: number) => Rational;
      outType: (i: number) => FixedType;
      outScale: Rational[];
      /** t = value / scale + zeropt (0 unless given). */
      zeropt?: Rational;
    },
  ): CodedValue {
    if (v.perm && idx.length > 1) throw new UnsupportedError(node.name, node.opType, 'per-channel thresholds after Flatten', 'per-tensor quantizers after Flatten');
    const alphas: Rational[] = [];
    const betas: Rational[] = [];
    const results: FixedType[] = [];
    for (const i of idx) {
      const xt = at(v.types, i);
      const f = xt.fracBits;
      const m: ChannelMap = {
        a: Q.mul(at(v.map.a, i), pow2(-f)),
        b: at(v.map.b, i),
        c: at(v.map.c, i),
        k: v.map.k && { g: at(v.map.k.g, i), ve: at(v.map.k.ve, i) },
      };
      const step = { scale: q.scale(i), zeropt: q.zeropt ?? Q.ZERO, rounding: q.rounding, lo: q.lo, hi: q.hi, relu: v.relu };
      const T = exactThresholds(m, step, xt.minRaw, xt.maxRaw);
      const dir = direction(m);
      const fit = fitThresholds(T, dir, q.lo, xt.minRaw, xt.maxRaw);
      if (!fit) {
        throw new UnsupportedError(node.name, node.opType, `channel ${i}: thresholds [${T.join(', ')}] that no single floor(alpha·x + beta) reproduces`, 'quantizers whose integer thresholds one affine map reproduces (needs a Threshold layer kind in the model format otherwise)');
      }
      const R = q.outType(i);
      // y = R(x·scale + shift), x = code·2^-f, R's LSB 2^-F: floor(alpha·code + beta)·2^-F
      const F = R.fracBits;
      alphas.push(Q.mul(fit.alpha, pow2(f - F)));
      betas.push(Q.mul(fit.beta, pow2(-F)));
      results.push(R);
    }
    const same = (rs: Rational[]) => rs.every((r) => Q.eq(r, rs[0]!));
    const perChannel = !(same(alphas) && same(betas));
    const C = idx.length;
    const resultSet = new Set(results.map(String));
    const name = this.emit(
      {
        kind: 'BatchNorm',
        name: this.unique(node.name),
        inputs: [v.tensor],
        scale: exactConstant(perChannel ? alphas : [alphas[0]!], perChannel ? [C] : [])!,
        shift: exactConstant(perChannel ? betas : [betas[0]!], perChannel ? [C] : [])!,
        result: resultSet.size > 1 ? results.map(String) : results[0]!.toString(),
        provenance: { result: `exact integer thresholds of ${node.opType} ${node.name} (FINN-style), as floor(alpha·x + beta) saturated` },
      },
      node.outputs[0],
    );
    return {
      ...v,
      tensor: name,
      types: resultSet.size > 1 ? results : [results[0]!],
      map: { a: q.outScale, b: [Q.ZERO], c: [Q.ZERO] },
      relu: false,
    };
  }

  // -------------------------------------------------------------------------------------------------
  // MAC layers

  /** Input map for a MAC layer: value = a0·r + d_i with a per-tensor a0. */
  macInput(node: OnnxNode, v: CodedValue): { v: CodedValue; a0: Rational; d: Rational[] } {
    const perTensorA = v.map.a.every((r) => Q.eq(r, v.map.a[0]!));
    if (v.relu || v.map.k || !perTensorA) v = this.materialize(v, node.name);
    const d = Array.from({ length: Math.max(v.map.b.length, v.map.c.length) }, (_, i) => Q.add(at(v.map.b, i), at(v.map.c, i)));
    return { v, a0: v.map.a[0]!, d };
  }

  dense(node: OnnxNode, x: CodedValue, w: ConstValue, bias: Tensor | undefined, alpha: number, beta: number): CodedValue {
    if (x.dims.length !== 2) throw new UnsupportedError(node.name, node.opType, `an input of shape [${x.dims}]`, 'an [N, F] input (Flatten or Reshape first)');
    if (w.t.dims.length !== 2 || w.t.dims[0] !== x.dims[1]) throw new UnsupportedError(node.name, node.opType, `weights [${w.t.dims}] for input [${x.dims}]`, `weights [${x.dims[1]}, n_out]`);
    const { v, a0, d } = this.macInput(node, x);
    const [nIn, nOut] = w.t.dims as [number, number];
    const wq = weightCodes(node, w);
    const rowOf = (k: number) => (v.perm ? v.perm[k]! : k);
    const codes: bigint[] = new Array(nIn * nOut);
    for (let k = 0; k < nIn; k++) for (let j = 0; j < nOut; j++) codes[k * nOut + j] = wq.codes[rowOf(k) * nOut + j]!;
    const al = Q.fromNumber(alpha);
    // pending: a_j = a0·factor_j·alpha; c_j = alpha·Σ_i w_ij·d_i + beta·bias_j (exact)
    const a = wq.factor.map((fj) => Q.mul(Q.mul(a0, fj), al));
    const c: Rational[] = [];
    const anyShift = d.some((r) => !Q.isZero(r));
    for (let j = 0; j < nOut; j++) {
      let acc = Q.ZERO;
      if (anyShift) for (let i = 0; i < nIn; i++) acc = Q.add(acc, Q.mul(Q.fromNumber(w.t.data[i * nOut + j]!), at(d, i)));
      acc = Q.mul(acc, al);
      if (bias) acc = Q.add(acc, Q.mul(Q.fromNumber(beta), Q.fromNumber(bias.data[sizeOf(bias.dims) === 1 ? 0 : j]!)));
      c.push(acc);
    }
    const weights: ConstantJson = { shape: [nIn, nOut], type: wq.types.length === 1 ? wq.types[0]!.toString() : wq.types.map(String), codes: codes.map(codeJson) };
    const result = macResultType(v.types, codes, wq.types, nIn, nOut, (k) => k);
    const name = this.emit({ kind: 'Dense', name: this.unique(node.name), inputs: [v.tensor], weights, result: result.toString() }, node.outputs[0]);
    return {
      kind: 'coded',
      tensor: name,
      dims: [1, nOut],
      mshape: [nOut],
      types: [result],
      map: { a: compact(a), b: [Q.ZERO], c: compact(c) },
      relu: false,
    };
  }

  conv(node: OnnxNode, x: CodedValue, w: ConstValue, bias: Tensor | undefined): CodedValue {
    if (x.dims.length !== 4 || w.t.dims.length !== 4) throw new UnsupportedError(node.name, node.opType, `input [${x.dims}], weights [${w.t.dims}]`, '2-D convolution of an [N, C, H, W] input');
    if (attrInt(node, 'group', 1) !== 1) throw new UnsupportedError(node.name, node.opType, `group = ${attrInt(node, 'group', 1)}`, 'group = 1');
    if (attrInts(node, 'dilations', [1, 1]).some((v) => v !== 1)) throw new UnsupportedError(node.name, node.opType, 'dilations', 'dilations of 1');
    const [M, Cin, KH, KW] = w.t.dims as [number, number, number, number];
    const [, , H, W] = x.dims as [number, number, number, number];
    const strides = attrInts(node, 'strides', [1, 1]) as [number, number];
    const padding = paddingOf(node, [H, W], [KH, KW], strides);
    let { v, a0, d } = this.macInput(node, x);
    if (padding === 'same' && d.some((r) => !Q.isZero(r))) {
      // zero padding pads the value, not the code: make the shift real first
      v = this.materialize({ ...v, map: { a: [Q.ONE], b: d, c: [Q.ZERO] } }, node.name);
      d = [Q.ZERO];
    }
    const wq = weightCodes(node, w);
    // ONNX [M, Cin, KH, KW] -> model [KH, KW, Cin, M]
    const codes: bigint[] = new Array(M * Cin * KH * KW);
    for (let m = 0; m < M; m++)
      for (let c = 0; c < Cin; c++)
        for (let i = 0; i < KH; i++) for (let j = 0; j < KW; j++) codes[((i * KW + j) * Cin + c) * M + m] = wq.codes[((m * Cin + c) * KH + i) * KW + j]!;
    const a = wq.factor.map((fj) => Q.mul(a0, fj));
    const c: Rational[] = [];
    const anyShift = d.some((r) => !Q.isZero(r));
    for (let m = 0; m < M; m++) {
      let acc = Q.ZERO;
      if (anyShift)
        for (let ci = 0; ci < Cin; ci++)
          for (let k = 0; k < KH * KW; k++) acc = Q.add(acc, Q.mul(Q.fromNumber(w.t.data[(m * Cin + ci) * KH * KW + k]!), at(d, ci)));
      if (bias) acc = Q.add(acc, Q.fromNumber(bias.data[m]!));
      c.push(acc);
    }
    const weights: ConstantJson = { shape: [KH, KW, Cin, M], type: wq.types.length === 1 ? wq.types[0]!.toString() : wq.types.map(String), codes: codes.map(codeJson) };
    const result = macResultType(v.types, codes, wq.types, KH * KW * Cin, M, (k) => k % Cin);
    const outH = padding === 'same' ? Math.ceil(H / strides[0]) : Math.floor((H - KH) / strides[0]) + 1;
    const outW = padding === 'same' ? Math.ceil(W / strides[1]) : Math.floor((W - KW) / strides[1]) + 1;
    const name = this.emit({ kind: 'Conv2D', name: this.unique(node.name), inputs: [v.tensor], weights, strides, padding, result: result.toString() }, node.outputs[0]);
    return { kind: 'coded', tensor: name, dims: [1, M, outH, outW], mshape: [outH, outW, M], types: [result], map: { a: compact(a), b: [Q.ZERO], c: compact(c) }, relu: false };
  }

  pool(node: OnnxNode, x: CodedValue, kind: 'max' | 'avg'): CodedValue {
    if (x.dims.length !== 4) throw new UnsupportedError(node.name, node.opType, `an input of shape [${x.dims}]`, 'an [N, C, H, W] input');
    const kernel = attrInts(node, 'kernel_shape', []) as [number, number];
    const strides = attrInts(node, 'strides', kernel) as [number, number];
    if (attrInt(node, 'ceil_mode', 0) !== 0) throw new UnsupportedError(node.name, node.opType, 'ceil_mode = 1', 'ceil_mode = 0');
    const [, C, H, W] = x.dims as [number, number, number, number];
    const padding = paddingOf(node, [H, W], kernel, strides);
    let v = x;
    if (kind === 'max') {
      // max commutes with an increasing map per channel (including a pending relu)
      const inc = Array.from({ length: C }, (_, i) => direction({ a: at(v.map.a, i), b: Q.ZERO, c: Q.ZERO, k: v.map.k && { g: at(v.map.k.g, i), ve: Q.ONE } }) > 0);
      if (!inc.every(Boolean)) v = this.materialize(v, node.name);
    } else {
      if (padding !== 'valid') throw new UnsupportedError(node.name, node.opType, 'padding', 'AveragePool without padding');
      if (v.relu) v = this.materialize(v, node.name);
    }
    const outH = padding === 'same' ? Math.ceil(H / strides[0]) : Math.floor((H - kernel[0]) / strides[0]) + 1;
    const outW = padding === 'same' ? Math.ceil(W / strides[1]) : Math.floor((W - kernel[1]) / strides[1]) + 1;
    const layer: LayerJson =
      kind === 'max'
        ? { kind: 'MaxPool2D', name: this.unique(node.name), inputs: [v.tensor], poolSize: kernel, strides, padding }
        : { kind: 'AvgPool2D', name: this.unique(node.name), inputs: [v.tensor], poolSize: kernel, strides };
    const name = this.emit(layer, node.outputs[0]);
    const types = kind === 'max' ? v.types : [avgType(v.types, kernel[0] * kernel[1])];
    if (kind === 'avg') (layer as { result?: string }).result = types[0]!.toString();
    if (kind === 'avg' && !isPow2(kernel[0] * kernel[1])) this.notes.push(`${node.name}: average over ${kernel[0] * kernel[1]} values multiplies by a rounded reciprocal (model format default), not an exact division`);
    return { ...v, tensor: name, dims: [1, C, outH, outW], mshape: [outH, outW, C], types };
  }

  globalAvg(node: OnnxNode, x: CodedValue): CodedValue {
    if (x.dims.length !== 4) throw new UnsupportedError(node.name, node.opType, `an input of shape [${x.dims}]`, 'an [N, C, H, W] input');
    const v = x.relu ? this.materialize(x, node.name) : x;
    const [, C, H, W] = x.dims as [number, number, number, number];
    const type = avgType(v.types, H * W);
    const name = this.emit({ kind: 'GlobalAveragePool', name: this.unique(node.name), inputs: [v.tensor], result: type.toString() }, node.outputs[0]);
    if (!isPow2(H * W)) this.notes.push(`${node.name}: average over ${H * W} values multiplies by a rounded reciprocal (model format default), not an exact division`);
    return { ...v, tensor: name, dims: [1, C, 1, 1], mshape: [C], types: [type] };
  }

  flatten(node: OnnxNode, x: CodedValue, target: number[] | undefined): CodedValue {
    const n = sizeOf(x.dims.slice(1));
    if (target !== undefined) {
      const t = target.map((d, i) => (d === 0 ? x.dims[i]! : d));
      const ok = t.length === 2 && (t[0] === 1 || t[0] === -1) && (t[1] === -1 || t[1] === n);
      if (!ok) throw new UnsupportedError(node.name, node.opType, `reshape of [${x.dims}] to [${target}]`, 'a flattening reshape to [N, -1] or [N, features] on computed tensors');
    } else if (attrInt(node, 'axis', 1) !== 1) {
      throw new UnsupportedError(node.name, node.opType, `axis ${attrStr(node, 'axis', '')}`, 'axis = 1');
    }
    if (x.mshape.length === 1) return { ...x, dims: [1, n] };
    let v = x;
    const C = channels(v);
    const perChannelMap = [v.map.a, v.map.b, v.map.c, v.map.k?.g ?? []].some((arr) => arr.length > 1);
    if (perChannelMap || (v.types.length > 1 && C > 1)) v = this.materialize(v, node.name);
    if (v.types.length > 1) throw new UnsupportedError(node.name, node.opType, 'per-channel types', 'per-tensor types before Flatten');
    const name = this.emit({ kind: 'Flatten', name: this.unique(node.name), inputs: [v.tensor] }, node.outputs[0]);
    // ONNX flattens [C, H, W] (channel-major), the model [H, W, C]: remember where each element went.
    const spatial = n / C;
    let perm: Int32Array | undefined;
    if (C > 1 && spatial > 1) {
      perm = new Int32Array(n);
      for (let s = 0; s < spatial; s++) for (let c = 0; c < C; c++) perm[s * C + c] = c * spatial + s;
    }
    return { ...v, tensor: name, dims: [1, n], mshape: [n], perm };
  }

  addCoded(node: OnnxNode, x: CodedValue, y: CodedValue, sign: number): CodedValue {
    const a = this.materialize(x, `${node.name}_a`);
    const b = this.materialize(y, `${node.name}_b`);
    if (a.mshape.join() !== b.mshape.join() || a.perm || b.perm) throw new UnsupportedError(node.name, node.opType, `operands [${x.dims}] and [${y.dims}]`, 'two computed tensors of the same shape');
    const L = a.types[0]!;
    const R = b.types[0]!;
    const f = Math.max(L.fracBits, R.fracBits);
    const lo = (t: FixedType) => t.minRaw << BigInt(f - t.fracBits);
    const hi = (t: FixedType) => t.maxRaw << BigInt(f - t.fracBits);
    const result = sign > 0 ? typeForRange(lo(L) + lo(R), hi(L) + hi(R), f) : typeForRange(lo(L) - hi(R), hi(L) - lo(R), f);
    const name = this.emit({ kind: sign > 0 ? 'Add' : 'Subtract', name: this.unique(node.name), inputs: [a.tensor, b.tensor], result: result.toString() }, node.outputs[0]);
    return { ...a, tensor: name, types: [result], map: IDENTITY, relu: false };
  }
}

// ---------------------------------------------------------------------------------------------------
// helpers

function coded(node: OnnxNode, v: Value | undefined): CodedValue {
  if (!v || v.kind !== 'coded') throw new UnsupportedError(node.name, node.opType, 'a constant where a computed input was expected', 'the data input computed from the graph input');
  return v;
}

function constOf(node: OnnxNode, v: Value | undefined): ConstValue {
  if (!v || v.kind !== 'const') throw new UnsupportedError(node.name, node.opType, 'a computed tensor where a constant is expected', 'constant weights, scales, zero points and bit widths');
  return v;
}

function scalarTensor(x: number): Tensor {
  return { dims: [], data: Float64Array.of(x), kind: 'float32' };
}

function expand(t: Tensor, dims: readonly number[]): Tensor {
  const idx = broadcastIndex(t.dims, dims);
  return { dims: [...dims], data: Float64Array.from(idx, (i) => t.data[i]!), kind: t.kind };
}

function constQuant(node: OnnxNode, [x, scale, zeropt, bitwidth]: Tensor[]): QuantInfo | undefined {
  const a: QuantAttrs = quantAttrs(node);
  const bits = bitwidthOf(node, bitwidth!);
  const s = expand(scale!, x!.dims);
  const z = expand(zeropt!, x!.dims);
  if (z.data.some((v) => v !== 0)) return undefined;
  const codes = { ...x!, data: x!.data.map((v, i) => quantCodes(v, s.data[i]!, 0, bits, a)) };
  return { codes, scale: s, bits, signed: a.signed };
}

function transposeConst(w: ConstValue): ConstValue {
  const t = transpose(w.t, [1, 0]);
  return { kind: 'const', t, quant: w.quant && { ...w.quant, codes: transpose(w.quant.codes, [1, 0]), scale: transpose(w.quant.scale, [1, 0]) } };
}

/**
 * Integer codes of a weight constant (Dense [in, out], Conv [M, C, KH, KW]); per output
 * channel j a type and a factor such that real = code · 2^-F_j · factor_j.
 */
function weightCodes(node: OnnxNode, w: ConstValue): { codes: bigint[]; types: FixedType[]; factor: Rational[] } {
  const isConv = w.t.dims.length === 4;
  const nOut = isConv ? w.t.dims[0]! : w.t.dims[1]!;
  const outOf = (k: number) => (isConv ? Math.floor(k / sizeOf(w.t.dims.slice(1))) : k % nOut);
  if (w.quant) {
    const q = w.quant;
    const s: (Rational | undefined)[] = new Array(nOut).fill(undefined);
    for (let k = 0; k < q.scale.data.length; k++) {
      const j = outOf(k);
      const r = Q.fromNumber(q.scale.data[k]!);
      if (s[j] === undefined) s[j] = r;
      else if (!Q.eq(s[j]!, r)) throw new UnsupportedError(node.name, node.opType, 'a weight scale that varies along the input axis', 'per-tensor or per-output-channel weight scales');
    }
    const e = s.map((r) => Q.log2Exact(r!));
    const allPo2 = e.every((v) => v !== undefined);
    // bipolar codes ±1 need two bits
    const width = q.bits === 1 && q.signed ? 2 : q.bits;
    const types = s.map((_, j) => new FixedType(width, width + (allPo2 ? e[j]! : 0), q.signed));
    const factor = allPo2 ? [Q.ONE] : (s as Rational[]);
    const same = new Set(types.map(String)).size === 1;
    return { codes: Array.from(q.codes.data, (v) => BigInt(v)), types: same ? [types[0]!] : types, factor: compact(factor) };
  }
  // float weights: exact as the smallest fixed-point type holding the stored values
  const vals = Array.from(w.t.data, Q.fromNumber);
  const cst = exactConstant(vals, w.t.dims);
  if (!cst) throw new UnsupportedError(node.name, node.opType, 'weights without an exact binary value', 'quantized or float weights');
  const t = parseType(cst.type) as FixedType;
  return { codes: cst.codes.map((c) => BigInt(c)), types: [t], factor: [Q.ONE] };
}

function compact(arr: Rational[]): Rational[] {
  return arr.every((r) => Q.eq(r, arr[0]!)) ? [arr[0]!] : arr;
}

/** Lossless result type of a MAC layer from input type ranges and actual weight codes (codegen.md §3.2). */
function macResultType(xTypes: readonly FixedType[], codes: readonly bigint[], wTypes: readonly FixedType[], nIn: number, nOut: number, chanOfRow: (k: number) => number): FixedType {
  const xt = (k: number) => at(xTypes, chanOfRow(k));
  let f = 0;
  for (let k = 0; k < nIn; k++) for (let j = 0; j < nOut; j++) if (codes[k * nOut + j] !== 0n) f = Math.max(f, xt(k).fracBits + at(wTypes, j).fracBits);
  let L = 0n;
  let H = 0n;
  for (let j = 0; j < nOut; j++) {
    let lo = 0n;
    let hi = 0n;
    for (let k = 0; k < nIn; k++) {
      const w = codes[k * nOut + j]!;
      if (w === 0n) continue;
      const sh = BigInt(f - xt(k).fracBits - at(wTypes, j).fracBits);
      const p1 = (w * xt(k).minRaw) << sh;
      const p2 = (w * xt(k).maxRaw) << sh;
      lo += p1 < p2 ? p1 : p2;
      hi += p1 < p2 ? p2 : p1;
    }
    if (lo < L) L = lo;
    if (hi > H) H = hi;
  }
  return typeForRange(L, H, f);
}

/** Lossless type of x·scale + shift over the input types' ranges. */
function affineResultType(xTypes: readonly FixedType[], scale: Rational[], shift: Rational[]): FixedType {
  const C = Math.max(scale.length, shift.length, xTypes.length);
  let f = 0;
  for (let i = 0; i < C; i++) f = Math.max(f, at(xTypes, i).fracBits + Q.dyadicFracBits(at(scale, i))!, Q.dyadicFracBits(at(shift, i))!);
  let L: bigint | undefined;
  let H: bigint | undefined;
  const unit = pow2(f);
  for (let i = 0; i < C; i++) {
    const t = at(xTypes, i);
    for (const raw of [t.minRaw, t.maxRaw]) {
      const val = Q.add(Q.mul(Q.mul(Q.rat(raw), pow2(-t.fracBits)), at(scale, i)), at(shift, i));
      const code = Q.floor(Q.mul(val, unit));
      if (L === undefined || code < L) L = code;
      if (H === undefined || code > H) H = code;
    }
  }
  return typeForRange(L!, H!, f);
}

function reluType(types: readonly FixedType[]): string | string[] {
  const r = types.map((t) => (t.signed ? new FixedType(Math.max(t.width - 1, 1), Math.max(t.width - 1, 1) - t.fracBits, false) : t.plain()));
  return r.length === 1 ? r[0]!.toString() : r.map(String);
}

function avgType(types: readonly FixedType[], n: number): FixedType {
  // mean of values in a type stays within the type's range; keep every bit of s/n when n is a power of two
  const t = types[0]!;
  const k = Math.ceil(Math.log2(n));
  return isPow2(n) ? new FixedType(t.width + k, t.intBits, t.signed) : new FixedType(t.width + 18, t.intBits, t.signed, 'AP_TRN', 'AP_WRAP');
}

const isPow2 = (n: number) => Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;

function paddingOf(node: OnnxNode, size: [number, number], kernel: readonly number[], strides: readonly number[]): 'valid' | 'same' {
  const autoPad = attrStr(node, 'auto_pad', 'NOTSET');
  if (autoPad === 'VALID') return 'valid';
  if (autoPad === 'SAME_UPPER') return 'same';
  if (autoPad !== 'NOTSET') throw new UnsupportedError(node.name, node.opType, `auto_pad ${autoPad}`, 'NOTSET, VALID or SAME_UPPER');
  const pads = attrInts(node, 'pads', [0, 0, 0, 0]);
  if (pads.every((p) => p === 0)) return 'valid';
  // TensorFlow 'same': total = max((out − 1)·s + K − L, 0), before = floor(total / 2)
  const same = size.every((L, i) => {
    const out = Math.ceil(L / strides[i]!);
    const total = Math.max((out - 1) * strides[i]! + kernel[i]! - L, 0);
    return pads[i] === Math.floor(total / 2) && pads[i + 2] === total - Math.floor(total / 2);
  });
  if (same) return 'same';
  throw new UnsupportedError(node.name, node.opType, `pads [${pads}]`, 'no padding or TensorFlow-style "same" padding');
}

/** A fixed-point type equal to a Quant with scale 2^-F, zero point 0 (codegen.md §11.1), if one exists. */
export function castType(bits: number, F: number, a: QuantAttrs): FixedType | undefined {
  const q = AP_QUANT[a.rounding];
  if (!q || (!a.signed && a.narrow) || bits < 2) return undefined;
  return new FixedType(bits, bits - F, a.signed, q, a.narrow ? 'AP_SAT_SYM' : 'AP_SAT');
}

/** sign(g)·sqrt(g²/ve) rounded down in magnitude to `frac` bits. */
function sqrtSigned(g: Rational, ve: Rational, frac: number): Rational {
  const k2 = Q.div(Q.mul(g, g), ve);
  const scaled = (k2.n << BigInt(2 * frac)) / k2.d;
  const r = Q.rat(isqrt(scaled), 1n << BigInt(frac));
  return Q.sign(g) < 0 ? Q.neg(r) : r;
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  while (x * x > n) x--;
  while ((x + 1n) * (x + 1n) <= n) x++;
  return x;
}

export function lowerQonnx(graph: OnnxGraph, opts: ImportOptions = {}): ImportResult {
  const l = new Lowering(graph, opts);
  const model = l.run();
  return { model, notes: l.notes, tensors: l.tensors };
}
