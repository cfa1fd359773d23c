/**
 * Precision inference that cannot overflow (codegen.md §3, docs/model-format.md §5). Every element of
 * every tensor gets an exact integer interval [lo, hi] at step 2^-f, computed from the input types (or
 * declared ranges) and the actual constant codes; omitted accumulator and result types are the smallest
 * types holding those intervals (for accumulators: every prefix sum in the documented order), each with a
 * one-line provenance. `checkPrecision` reports declared types the intervals do not fit.
 */
import { quantize } from '../emulator/quantization.js';
import type { FixedType } from '../emulator/types.js';
import { castRaw } from '../emulator/value.js';
import { bitlen, codeToDecimal, convertFloorSticky, typeForBounds } from './arith.js';
import { ModelUsageError } from './errors.js';
import {
  sizeOf,
  typeAt,
  typeList,
  type Constant,
  type InputTensor,
  type Layer,
  type MacLayer,
  type Model,
  type QuantizedConstant,
  type TypeSpec,
} from './format.js';
import { windowIndex } from './geometry.js';
import { reshapeTypes, type TensorTypes } from './resolve.js';
import {
  activationTable,
  DEFAULT_SIGMOID_TYPE,
  DEFAULT_SOFTMAX_TYPE,
  DEFAULT_TANH_TYPE,
  defaultReciprocal,
} from './tables.js';

/** Exact per-element bounds: element i lies in [lo[i], hi[i]] · 2^-f[i]. */
export interface TensorInterval {
  readonly lo: readonly bigint[];
  readonly hi: readonly bigint[];
  readonly f: readonly number[];
}

export interface PrecisionOptions {
  /** Per-output-channel accumulator and result types instead of one per tensor. */
  perChannel?: boolean;
}

export interface InferredType {
  readonly layer: string;
  readonly what: 'accum' | 'result';
  readonly types: readonly FixedType[];
  readonly provenance: string;
}

export interface PrecisionResult {
  /** The model with every omitted type filled in (and provenance lines added). */
  readonly model: Model;
  readonly inferred: readonly InferredType[];
  readonly intervals: ReadonlyMap<string, TensorInterval>;
  /** Per MAC layer: the exact interval of every prefix sum, per output element, at the accumulator's f. */
  readonly accumulators: ReadonlyMap<string, TensorInterval>;
}

export interface PrecisionViolation {
  readonly layer: string;
  readonly what: 'accum' | 'result';
  readonly element: number;
  /** The out-of-range bound as an exact decimal. */
  readonly value: string;
  readonly type: string;
}

// ---------------------------------------------------------------------------------------------------

const min = (a: bigint, b: bigint) => (a < b ? a : b);
const max = (a: bigint, b: bigint) => (a > b ? a : b);
const scale = (v: bigint, from: number, to: number) => (to >= from ? v << BigInt(to - from) : v >> BigInt(from - to));

/** The interval of `T(x)` for x in [lo, hi] at step 2^-f: conversions are monotone unless they wrap. */
export function convertInterval(lo: bigint, hi: bigint, f: number, dst: FixedType): [bigint, bigint] {
  const qlo = quantize(lo, f, dst.fracBits, dst.quant).q;
  const qhi = quantize(hi, f, dst.fracBits, dst.quant).q;
  const fits = qlo >= dst.minRaw && qhi <= dst.maxRaw;
  if (fits || dst.overflow === 'AP_SAT' || dst.overflow === 'AP_SAT_SYM') {
    return [convertFloorSticky(lo, false, f, dst), convertFloorSticky(hi, false, f, dst)];
  }
  return [dst.minRaw, dst.maxRaw];
}

function describe(lo: bigint, hi: bigint, f: number): string {
  return `range [${codeToDecimal(lo, f)}, ${codeToDecimal(hi, f)}], step 2^${-f}`;
}

/** Per-tensor or per-channel hull of element intervals, aligned to the largest f of each group. */
function hulls(iv: TensorInterval, channels: number, perChannel: boolean): { lo: bigint; hi: bigint; f: number }[] {
  const groups = perChannel ? channels : 1;
  const out: { lo: bigint; hi: bigint; f: number }[] = [];
  for (let g = 0; g < groups; g++) {
    let f = -Infinity;
    for (let i = g; i < iv.lo.length; i += perChannel ? channels : 1) f = Math.max(f, iv.f[i]!);
    let lo: bigint | undefined;
    let hi: bigint | undefined;
    for (let i = g; i < iv.lo.length; i += perChannel ? channels : 1) {
      const a = scale(iv.lo[i]!, iv.f[i]!, f);
      const b = scale(iv.hi[i]!, iv.f[i]!, f);
      lo = lo === undefined ? a : min(lo, a);
      hi = hi === undefined ? b : max(hi, b);
    }
    out.push({ lo: lo ?? 0n, hi: hi ?? 0n, f: Number.isFinite(f) ? f : 0 });
  }
  return out;
}

function typesFromHulls(h: { lo: bigint; hi: bigint; f: number }[]): FixedType[] {
  return h.map((x) => typeForBounds(x.lo, x.hi, x.f));
}

function provenanceOf(h: { lo: bigint; hi: bigint; f: number }[], from: string): string {
  if (h.length === 1) return `${describe(h[0]!.lo, h[0]!.hi, h[0]!.f)}, ${from}`;
  let lo = h[0]!;
  let hi = h[0]!;
  for (const x of h) {
    if (Number(x.lo) / 2 ** x.f < Number(lo.lo) / 2 ** lo.f) lo = x;
    if (Number(x.hi) / 2 ** x.f > Number(hi.hi) / 2 ** hi.f) hi = x;
  }
  return `per channel, widest range [${codeToDecimal(lo.lo, lo.f)}, ${codeToDecimal(hi.hi, hi.f)}], ${from}`;
}

function constantOf(c: Constant, layer: string, field: string): QuantizedConstant {
  if (!c.quantized) throw new ModelUsageError(`layer ${layer}: ${field} holds float values; run quantize() first`);
  return c;
}

function constType(c: QuantizedConstant, i: number): FixedType {
  const C = c.shape.length ? c.shape.at(-1)! : 1;
  return c.types.length === 1 ? c.types[0]! : c.types[i % C]!;
}

function inputInterval(inp: InputTensor): TensorInterval {
  const t = inp.type;
  if (!t) throw new ModelUsageError(`input ${inp.name}: no type declared (a model without a declared input type is refused)`);
  let lo = t.minRaw;
  let hi = t.maxRaw;
  if (inp.range) {
    const s = 2 ** t.fracBits;
    const a = Math.ceil(inp.range[0] * s);
    const b = Math.floor(inp.range[1] * s);
    if (Number.isSafeInteger(a)) lo = max(lo, BigInt(a));
    if (Number.isSafeInteger(b)) hi = min(hi, BigInt(b));
    if (lo > hi) throw new ModelUsageError(`input ${inp.name}: the declared range [${inp.range.join(', ')}] holds no code of ${t}`);
  }
  const n = sizeOf(inp.shape);
  return { lo: new Array(n).fill(lo), hi: new Array(n).fill(hi), f: new Array(n).fill(t.fracBits) };
}

/** The gather table of a MAC layer: positions × patch input indices (-1 = padding). */
export function macGather(l: MacLayer, inShape: readonly number[]): { positions: number; patch: number; index: Int32Array } {
  if (l.kind === 'Dense') {
    const nIn = inShape.at(-1)!;
    const positions = sizeOf(inShape) / nIn;
    const index = new Int32Array(positions * nIn);
    for (let i = 0; i < index.length; i++) index[i] = i;
    return { positions, patch: nIn, index };
  }
  const w = l.weights.shape;
  if (l.kind === 'Conv1D') return windowIndex(inShape, [w[0]!], [l.stride], l.padding);
  return windowIndex(inShape, [w[0]!, w[1]!], l.strides, l.padding);
}

// ---------------------------------------------------------------------------------------------------

/** Fill in every omitted type; see the module comment. */
export function inferPrecision(model: Model, options: PrecisionOptions = {}): PrecisionResult {
  return new Inference(model, options).run();
}

class Inference {
  private readonly types = new Map<string, TensorTypes>();
  private readonly iv = new Map<string, TensorInterval>();
  private readonly shapes = new Map<string, readonly number[]>();
  private readonly accs = new Map<string, TensorInterval>();
  private readonly inferred: InferredType[] = [];
  readonly violations: PrecisionViolation[] = [];

  constructor(
    private readonly model: Model,
    private readonly options: PrecisionOptions,
  ) {}

  run(): PrecisionResult {
    for (const inp of this.model.inputs) {
      this.iv.set(inp.name, inputInterval(inp));
      this.types.set(inp.name, [inp.type!]);
      this.shapes.set(inp.name, inp.shape);
    }
    const layers = this.model.layers.map((l) => this.layer(l));
    return { model: { ...this.model, layers }, inferred: this.inferred, intervals: this.iv, accumulators: this.accs };
  }

  private typeOf(name: string, i: number): FixedType {
    const t = this.types.get(name)!;
    const shape = this.shapes.get(name)!;
    return t.length === 1 ? t[0]! : t[i % shape.at(-1)!]!;
  }

  private record(l: Layer, what: 'accum' | 'result', types: FixedType[], provenance: string): TypeSpec {
    this.inferred.push({ layer: l.name, what, types, provenance });
    return types.length === 1 ? types[0]! : types;
  }

  /** Apply a declared result type (interval through the conversion), or infer the lossless one. */
  private finish(l: Layer, raw: TensorInterval, from: string): Layer {
    const C = l.shape.at(-1)!;
    let result = l.result;
    const prov: Record<string, string> = { ...(l.provenance ?? {}) };
    let out: TensorInterval;
    if (result === undefined) {
      const h = hulls(raw, C, !!this.options.perChannel);
      const p = provenanceOf(h, from);
      result = this.record(l, 'result', typesFromHulls(h), p);
      prov.result = p;
      const types = typeList(result);
      out = {
        lo: raw.lo.map((v, i) => scale(v, raw.f[i]!, typeAt(result!, types.length === 1 ? 0 : i % C).fracBits)),
        hi: raw.hi.map((v, i) => scale(v, raw.f[i]!, typeAt(result!, types.length === 1 ? 0 : i % C).fracBits)),
        f: raw.f.map((_, i) => typeAt(result!, types.length === 1 ? 0 : i % C).fracBits),
      };
    } else {
      const spec = result;
      const lo: bigint[] = [];
      const hi: bigint[] = [];
      const f: number[] = [];
      for (let i = 0; i < raw.lo.length; i++) {
        const t = typeAt(spec, typeList(spec).length === 1 ? 0 : i % C);
        const [a, b] = convertInterval(raw.lo[i]!, raw.hi[i]!, raw.f[i]!, t);
        lo.push(a);
        hi.push(b);
        f.push(t.fracBits);
      }
      out = { lo, hi, f };
    }
    this.types.set(l.name, typeList(result));
    this.iv.set(l.name, out);
    this.shapes.set(l.name, l.shape);
    return { ...l, result, provenance: Object.keys(prov).length ? prov : undefined } as Layer;
  }

  private layer(l: Layer): Layer {
    const x = this.iv.get(l.inputs[0]!)!;
    const xName = l.inputs[0]!;
    const n = sizeOf(l.shape);
    const C = l.shape.at(-1)!;
    const from = `from ${l.kind} of ${l.inputs.join(', ')}`;
    switch (l.kind) {
      case 'Dense':
      case 'Conv1D':
      case 'Conv2D':
        return this.mac(l);
      case 'BatchNorm': {
        const s = constantOf(l.scale, l.name, 'scale');
        const t = constantOf(l.shift, l.name, 'shift');
        const raw = this.elementwise(n, (i) => {
          const c = i % C;
          const si = sizeOf(s.shape) === 1 ? 0 : c;
          const ti = sizeOf(t.shape) === 1 ? 0 : c;
          const sv = s.codes[si]!;
          const fs = constType(s, si).fracBits;
          const tv = t.codes[ti]!;
          const ft = constType(t, ti).fracBits;
          const a = sv * x.lo[i]!;
          const b = sv * x.hi[i]!;
          const fp = x.f[i]! + fs;
          const f = Math.max(fp, ft);
          return [scale(min(a, b), fp, f) + scale(tv, ft, f), scale(max(a, b), fp, f) + scale(tv, ft, f), f];
        });
        return this.finish(l, raw, `from scale and shift of ${l.name}`);
      }
      case 'ReLU': {
        const m = l.max ? constantOf(l.max, l.name, 'max') : undefined;
        const raw = this.elementwise(n, (i) => {
          let f = x.f[i]!;
          let lo = max(x.lo[i]!, 0n);
          let hi = max(x.hi[i]!, 0n);
          if (m) {
            const fm = constType(m, 0).fracBits;
            const F = Math.max(f, fm);
            const mv = scale(m.codes[0]!, fm, F);
            lo = min(scale(lo, f, F), max(mv, 0n));
            hi = min(scale(hi, f, F), max(mv, 0n));
            f = F;
          }
          return [lo, hi, f];
        });
        return this.finish(l, raw, from);
      }
      case 'LeakyReLU': {
        const a = constantOf(l.alpha, l.name, 'alpha');
        const raw = this.elementwise(n, (i) => {
          const ai = sizeOf(a.shape) === 1 ? 0 : i % C;
          const av = a.codes[ai]!;
          const fa = constType(a, ai).fracBits;
          const fx = x.f[i]!;
          const f = Math.max(fx, fx + fa);
          const cands: bigint[] = [];
          if (x.hi[i]! > 0n) cands.push(scale(max(x.lo[i]!, 1n), fx, f), scale(x.hi[i]!, fx, f));
          if (x.lo[i]! <= 0n) {
            const nlo = x.lo[i]!;
            const nhi = min(x.hi[i]!, 0n);
            cands.push(scale(nlo * av, fx + fa, f), scale(nhi * av, fx + fa, f));
          }
          return [cands.reduce(min), cands.reduce(max), f];
        });
        return this.finish(l, raw, `from LeakyReLU alpha of ${l.name}`);
      }
      case 'Quant':
      case 'Concatenate':
      case 'MaxPool1D':
      case 'MaxPool2D':
      case 'GlobalMaxPool': {
        if (l.kind === 'Quant') return this.finish(l, x, from);
        if (l.kind === 'Concatenate') return this.concat(l);
        return this.maxPool(l);
      }
      case 'Rescale': {
        const m = constantOf(l.multiplier, l.name, 'multiplier');
        const raw = this.elementwise(n, (i) => {
          const mi = sizeOf(m.shape) === 1 ? 0 : i % C;
          const s = Array.isArray(l.shift) ? (l.shift.length === 1 ? l.shift[0]! : l.shift[i % C]!) : (l.shift as number);
          const mv = m.codes[mi]!;
          const f = x.f[i]! + constType(m, mi).fracBits + s;
          const a = mv * x.lo[i]!;
          const b = mv * x.hi[i]!;
          return [min(a, b), max(a, b), f];
        });
        return this.finish(l, raw, from);
      }
      case 'AvgPool1D':
      case 'AvgPool2D':
      case 'GlobalAveragePool':
        return this.avgPool(l);
      case 'Add':
      case 'Subtract':
      case 'Multiply': {
        const ins = l.inputs.map((name) => this.iv.get(name)!);
        const raw = this.elementwise(n, (i) => {
          let lo = ins[0]!.lo[i]!;
          let hi = ins[0]!.hi[i]!;
          let f = ins[0]!.f[i]!;
          for (let k = 1; k < ins.length; k++) {
            const b = ins[k]!;
            if (l.kind === 'Multiply') {
              const c = [lo * b.lo[i]!, lo * b.hi[i]!, hi * b.lo[i]!, hi * b.hi[i]!];
              lo = c.reduce(min);
              hi = c.reduce(max);
              f += b.f[i]!;
            } else {
              const F = Math.max(f, b.f[i]!);
              const [blo, bhi] = [scale(b.lo[i]!, b.f[i]!, F), scale(b.hi[i]!, b.f[i]!, F)];
              [lo, hi] = [scale(lo, f, F), scale(hi, f, F)];
              if (l.kind === 'Add') [lo, hi] = [lo + blo, hi + bhi];
              else [lo, hi] = [lo - bhi, hi - blo];
              f = F;
            }
          }
          return [lo, hi, f];
        });
        return this.finish(l, raw, from);
      }
      case 'Flatten':
      case 'Reshape': {
        this.types.set(l.name, reshapeTypes(this.types.get(xName)!, C, l.name));
        this.iv.set(l.name, x);
        this.shapes.set(l.name, l.shape);
        return l;
      }
      case 'Sigmoid':
      case 'Tanh': {
        const X = this.perTensorInput(l);
        let result = l.result;
        const prov = { ...(l.provenance ?? {}) };
        if (result === undefined) {
          const t = l.kind === 'Sigmoid' ? DEFAULT_SIGMOID_TYPE : DEFAULT_TANH_TYPE;
          prov.result = `table type default for ${l.kind}`;
          result = this.record(l, 'result', [t], prov.result);
        }
        const R = typeList(result)[0]!;
        if (typeList(result).length !== 1) throw new ModelUsageError(`layer ${l.name}: a table layer needs one result type`);
        const table = activationTable(l.kind, X, R, `layer ${l.name}`);
        const raw = this.elementwise(n, (i) => {
          let lo = R.maxRaw;
          let hi = R.minRaw;
          for (let c = x.lo[i]!; c <= x.hi[i]!; c++) {
            const v = table[Number(BigInt.asUintN(X.width, c))]!;
            lo = min(lo, v);
            hi = max(hi, v);
          }
          return [lo, hi, R.fracBits];
        });
        this.types.set(l.name, [R]);
        this.iv.set(l.name, raw);
        this.shapes.set(l.name, l.shape);
        return { ...l, result, provenance: Object.keys(prov).length ? prov : undefined } as Layer;
      }
      case 'Softmax': {
        this.perTensorInput(l);
        let result = l.result;
        const prov = { ...(l.provenance ?? {}) };
        if (result === undefined) {
          prov.result = 'table type default for Softmax';
          result = this.record(l, 'result', [DEFAULT_SOFTMAX_TYPE], prov.result);
        }
        const R = typeList(result)[0]!;
        if (typeList(result).length !== 1) throw new ModelUsageError(`layer ${l.name}: Softmax needs one result type`);
        // Conservative: the whole result type (the entries are products of two table values).
        const raw = { lo: new Array<bigint>(n).fill(R.minRaw), hi: new Array<bigint>(n).fill(R.maxRaw), f: new Array<number>(n).fill(R.fracBits) };
        this.types.set(l.name, [R]);
        this.iv.set(l.name, raw);
        this.shapes.set(l.name, l.shape);
        return { ...l, result, provenance: Object.keys(prov).length ? prov : undefined } as Layer;
      }
    }
  }

  private perTensorInput(l: Layer): FixedType {
    const t = this.types.get(l.inputs[0]!)!;
    if (t.length !== 1 && !t.every((x) => x.equals(t[0]!))) {
      throw new ModelUsageError(`layer ${l.name}: a table-based layer needs a per-tensor input type (insert a Quant layer)`);
    }
    return t[0]!;
  }

  private elementwise(n: number, fn: (i: number) => [bigint, bigint, number]): TensorInterval {
    const lo = new Array<bigint>(n);
    const hi = new Array<bigint>(n);
    const f = new Array<number>(n);
    for (let i = 0; i < n; i++) [lo[i], hi[i], f[i]] = fn(i);
    return { lo, hi, f };
  }

  private concat(l: Extract<Layer, { kind: 'Concatenate' }>): Layer {
    const ins = l.inputs.map((name) => ({ iv: this.iv.get(name)!, shape: this.shapes.get(name)!, name }));
    const rank = l.shape.length;
    const axis = l.axis;
    const outer = sizeOf(l.shape.slice(0, axis));
    const inner = sizeOf(l.shape.slice(axis + 1));
    const lo: bigint[] = [];
    const hi: bigint[] = [];
    const f: number[] = [];
    const srcTypes: FixedType[] = [];
    for (let o = 0; o < outer; o++) {
      for (const inp of ins) {
        const len = inp.shape[axis]! * inner;
        for (let k = 0; k < len; k++) {
          const i = o * len + k;
          lo.push(inp.iv.lo[i]!);
          hi.push(inp.iv.hi[i]!);
          f.push(inp.iv.f[i]!);
          srcTypes.push(this.typeOf(inp.name, i));
        }
      }
    }
    if (l.result === undefined && axis === rank - 1) {
      // Last-axis concatenation without a result type keeps each channel's own type: no conversion.
      const C = l.shape.at(-1)!;
      const types = srcTypes.slice(0, C);
      const u = types.every((t) => t.equals(types[0]!)) ? [types[0]!] : types;
      const p = `channel types of ${l.inputs.join(', ')}`;
      const result = this.record(l, 'result', u, p);
      this.types.set(l.name, u);
      this.iv.set(l.name, { lo, hi, f });
      this.shapes.set(l.name, l.shape);
      return { ...l, result, provenance: { ...(l.provenance ?? {}), result: p } } as Layer;
    }
    return this.finish(l, { lo, hi, f }, `from Concatenate of ${l.inputs.join(', ')}`);
  }

  private poolWindows(l: Layer, inShape: readonly number[]): { positions: number; k: number; C: number; index: Int32Array } {
    const C = inShape.at(-1)!;
    let g;
    if (l.kind === 'GlobalMaxPool' || l.kind === 'GlobalAveragePool') {
      const spatial = inShape.slice(0, -1);
      g = windowIndex(inShape, spatial, spatial, 'valid');
    } else if (l.kind === 'MaxPool1D' || l.kind === 'AvgPool1D') {
      g = windowIndex(inShape, [l.poolSize], [l.stride], l.kind === 'MaxPool1D' ? l.padding : 'valid');
    } else if (l.kind === 'MaxPool2D' || l.kind === 'AvgPool2D') {
      g = windowIndex(inShape, l.poolSize, l.strides, l.kind === 'MaxPool2D' ? l.padding : 'valid');
    } else throw new Error(`not a pool: ${l.kind}`);
    return { positions: g.positions, k: g.patch / C, C, index: g.index };
  }

  private maxPool(l: Layer): Layer {
    const x = this.iv.get(l.inputs[0]!)!;
    const inShape = this.shapes.get(l.inputs[0]!)!;
    const { positions, k, C, index } = this.poolWindows(l, inShape);
    const lo: bigint[] = [];
    const hi: bigint[] = [];
    const f: number[] = [];
    for (let p = 0; p < positions; p++) {
      for (let c = 0; c < C; c++) {
        let F = -Infinity;
        for (let j = 0; j < k; j++) {
          const i = index[(p * k + j) * C + c]!;
          if (i >= 0) F = Math.max(F, x.f[i]!);
        }
        let a: bigint | undefined;
        let b: bigint | undefined;
        for (let j = 0; j < k; j++) {
          const i = index[(p * k + j) * C + c]!;
          if (i < 0) continue;
          const u = scale(x.lo[i]!, x.f[i]!, F);
          const v = scale(x.hi[i]!, x.f[i]!, F);
          a = a === undefined ? u : max(a, u);
          b = b === undefined ? v : max(b, v);
        }
        lo.push(a!);
        hi.push(b!);
        f.push(F);
      }
    }
    if (l.result === undefined) {
      // The maximum is one of the inputs: it keeps the input's own type (per channel).
      const types = this.types.get(l.inputs[0]!)!;
      const p = `input type of ${l.inputs[0]}`;
      const result = this.record(l, 'result', [...types], p);
      this.types.set(l.name, types);
      this.iv.set(l.name, { lo, hi, f });
      this.shapes.set(l.name, l.shape);
      return { ...l, result, provenance: { ...(l.provenance ?? {}), result: p } } as Layer;
    }
    return this.finish(l, { lo, hi, f }, `from ${l.kind} of ${l.inputs[0]}`);
  }

  private avgPool(l: Extract<Layer, { kind: 'AvgPool1D' | 'AvgPool2D' | 'GlobalAveragePool' }>): Layer {
    const x = this.iv.get(l.inputs[0]!)!;
    const inShape = this.shapes.get(l.inputs[0]!)!;
    const { positions, k, C, index } = this.poolWindows(l, inShape);
    const pow2 = (k & (k - 1)) === 0;
    const c = bitlen(BigInt(k - 1));
    let recip: { code: bigint; f: number } | undefined;
    if (!pow2) {
      if (l.reciprocal) {
        const r = constantOf(l.reciprocal, l.name, 'reciprocal');
        recip = { code: r.codes[0]!, f: r.types[0]!.fracBits };
      } else {
        const d = defaultReciprocal(k);
        recip = { code: d.code, f: d.type.fracBits };
      }
    }
    const lo: bigint[] = [];
    const hi: bigint[] = [];
    const f: number[] = [];
    for (let p = 0; p < positions; p++) {
      for (let ch = 0; ch < C; ch++) {
        let F = -Infinity;
        for (let j = 0; j < k; j++) F = Math.max(F, x.f[index[(p * k + j) * C + ch]!]!);
        let a = 0n;
        let b = 0n;
        for (let j = 0; j < k; j++) {
          const i = index[(p * k + j) * C + ch]!;
          a += scale(x.lo[i]!, x.f[i]!, F);
          b += scale(x.hi[i]!, x.f[i]!, F);
        }
        if (pow2) {
          lo.push(a);
          hi.push(b);
          f.push(F + c);
        } else {
          const u = a * recip!.code;
          const v = b * recip!.code;
          lo.push(min(u, v));
          hi.push(max(u, v));
          f.push(F + recip!.f);
        }
      }
    }
    return this.finish(l, { lo, hi, f }, `from ${l.kind} of ${l.inputs[0]} (window ${k})`);
  }

  private mac(l: MacLayer): Layer {
    const xName = l.inputs[0]!;
    const x = this.iv.get(xName)!;
    const inShape = this.shapes.get(xName)!;
    const w = constantOf(l.weights, l.name, 'weights');
    const b = l.bias ? constantOf(l.bias, l.name, 'bias') : undefined;
    const nOut = l.shape.at(-1)!;
    const { positions, patch, index } = macGather(l, inShape);
    const perChannel = !!this.options.perChannel;
    const wf = (j: number) => constType(w, j).fracBits;
    const bf = (j: number) => (b ? constType(b, j).fracBits : -Infinity);

    // Accumulator LSB per output channel: products are never truncated into an inferred accumulator.
    const facc: number[] = [];
    for (let j = 0; j < nOut; j++) {
      if (l.accum !== undefined) {
        facc.push(typeAt(l.accum, typeList(l.accum).length === 1 ? 0 : j).fracBits);
        continue;
      }
      let f = bf(j);
      for (let p = 0; p < positions; p++) {
        for (let k = 0; k < patch; k++) {
          const i = index[p * patch + k]!;
          if (i < 0 || w.codes[k * nOut + j] === 0n) continue;
          f = Math.max(f, x.f[i]! + wf(j));
        }
      }
      facc.push(Number.isFinite(f) ? f : 0);
    }
    if (l.accum === undefined && !perChannel) {
      const F = Math.max(...facc);
      facc.fill(F);
    }

    const n = positions * nOut;
    const preLo = new Array<bigint>(n);
    const preHi = new Array<bigint>(n);
    const finLo = new Array<bigint>(n);
    const finHi = new Array<bigint>(n);
    const fOut = new Array<number>(n);
    const accType = (j: number) => (l.accum === undefined ? undefined : typeAt(l.accum, typeList(l.accum).length === 1 ? 0 : j));
    for (let p = 0; p < positions; p++) {
      for (let j = 0; j < nOut; j++) {
        const F = facc[j]!;
        const A = accType(j);
        let s0 = 0n;
        if (b) {
          const bv = b.codes[j]!;
          s0 = A ? castRaw(bv, constType(b, j), A) : scale(bv, bf(j), F);
        }
        let lo = s0;
        let hi = s0;
        let pLo = s0;
        let pHi = s0;
        for (let k = 0; k < patch; k++) {
          const i = index[p * patch + k]!;
          if (i < 0) continue;
          const wv = w.codes[k * nOut + j]!;
          if (wv === 0n) continue;
          const fp = x.f[i]! + wf(j);
          let a = wv * x.lo[i]!;
          let c = wv * x.hi[i]!;
          if (a > c) [a, c] = [c, a];
          if (fp <= F) {
            a = scale(a, fp, F);
            c = scale(c, fp, F);
          } else {
            // A declared accumulator with fewer fraction bits quantizes each product (monotone).
            a = quantize(a, fp, F, A!.quant).q;
            c = quantize(c, fp, F, A!.quant).q;
          }
          lo += a;
          hi += c;
          // Each product is converted to the accumulator on its own, so it must fit as well as every prefix sum.
          pLo = min(pLo, min(lo, a));
          pHi = max(pHi, max(hi, c));
        }
        const e = p * nOut + j;
        preLo[e] = pLo;
        preHi[e] = pHi;
        finLo[e] = lo;
        finHi[e] = hi;
        fOut[e] = F;
      }
    }
    this.accs.set(l.name, { lo: preLo, hi: preHi, f: fOut });

    let accum = l.accum;
    const prov: Record<string, string> = { ...(l.provenance ?? {}) };
    let sum: TensorInterval = { lo: finLo, hi: finHi, f: fOut };
    if (accum === undefined) {
      const h = hulls({ lo: preLo, hi: preHi, f: fOut }, nOut, perChannel);
      prov.accum = provenanceOf(h, `from weights of ${l.name}`);
      accum = this.record(l, 'accum', typesFromHulls(h).map((t) => t.plain()), prov.accum);
    } else {
      // A declared accumulator the prefix sums do not fit: a wrapping one still ends exact when the
      // final sum fits; otherwise the sum can be anything in the type.
      const lo = [...finLo];
      const hi = [...finHi];
      for (let e = 0; e < n; e++) {
        const A = typeAt(accum, typeList(accum).length === 1 ? 0 : e % nOut);
        const prefixFits = preLo[e]! >= A.minRaw && preHi[e]! <= A.maxRaw;
        const finalFits = finLo[e]! >= A.minRaw && finHi[e]! <= A.maxRaw;
        const wrapExact = A.overflow === 'AP_WRAP' && A.satBits === 0 && finalFits;
        if (!prefixFits && !wrapExact) {
          lo[e] = A.minRaw;
          hi[e] = A.maxRaw;
        }
        this.checkAccum(l, e, A, preLo[e]!, preHi[e]!, fOut[e]!);
      }
      sum = { lo, hi, f: fOut };
    }
    const withAccum = { ...l, accum, provenance: Object.keys(prov).length ? prov : undefined } as Layer;
    const done = this.finish(withAccum, sum, `from weights of ${l.name}`);
    return done;
  }

  private checkAccum(l: Layer, e: number, A: FixedType, lo: bigint, hi: bigint, f: number): void {
    if (lo < A.minRaw) this.violations.push({ layer: l.name, what: 'accum', element: e, value: codeToDecimal(lo, f), type: A.toString() });
    else if (hi > A.maxRaw) this.violations.push({ layer: l.name, what: 'accum', element: e, value: codeToDecimal(hi, f), type: A.toString() });
  }
}

/**
 * Declared accumulators that some input in the declared input ranges overflows (any prefix sum in the
 * documented order), with the layer, output element and the exact out-of-range bound.
 */
export function checkPrecision(model: Model): PrecisionViolation[] {
  const inf = new Inference(model, {});
  inf.run();
  return inf.violations;
}

/** The model with every type written out (precision inference for the omitted ones). */
export function resolveTypes(model: Model, options: PrecisionOptions = {}): Model {
  const needs = model.layers.some((l) => (l.kind !== 'Flatten' && l.kind !== 'Reshape' && l.result === undefined) || ('accum' in l && l.accum === undefined));
  return needs ? inferPrecision(model, options).model : model;
}

/** For reports: the accumulator type of a resolved MAC layer's channel. */
export function accumType(l: MacLayer, j: number): FixedType {
  if (!l.accum) throw new ModelUsageError(`layer ${l.name}: no accumulator type`);
  return typeAt(l.accum, typeList(l.accum).length === 1 ? 0 : j);
}

