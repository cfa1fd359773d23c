/**
 * Loading a model: JSON text, a parsed object or a file path -> a validated `Model`. Structure is checked
 * by the zod schema; everything that depends on more than one field (shapes, counts, references, code
 * ranges) is checked here. Every error names the JSON path: `layers[3].weights: expected 64x32 values,
 * got 2000`.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseFixedType, type FixedType } from '../emulator/types.js';
import { ModelFormatError, jsonPath } from './errors.js';
import {
  ModelJsonSchema,
  sizeOf,
  type Constant,
  type ConstantJson,
  type InputTensor,
  type Layer,
  type LayerJson,
  type Model,
  type ModelJson,
  type TypeSpec,
} from './format.js';
import { axisWindow } from './geometry.js';

export interface LoadOptions {
  /** Directory that sidecar file names are relative to (default: the model file's directory, or cwd). */
  baseDir?: string;
}

/** Load a model from a file path, JSON text or an already parsed object. */
export function loadModel(source: string | object, options: LoadOptions = {}): Model {
  let raw: unknown;
  let file: string | undefined;
  let baseDir = options.baseDir;
  if (typeof source === 'string') {
    const text = source.trimStart();
    if (text.startsWith('{')) {
      raw = parseJson(source, undefined);
    } else {
      file = source;
      let content: string;
      try {
        content = readFileSync(source, 'utf8');
      } catch (e) {
        throw new ModelFormatError('', `cannot read model file: ${(e as Error).message}`, source);
      }
      raw = parseJson(content, source);
      baseDir ??= dirname(resolve(source));
    }
  } else {
    raw = source;
  }
  return modelFromJson(raw, { baseDir: baseDir ?? process.cwd(), file });
}

function parseJson(text: string, file: string | undefined): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ModelFormatError('', `not valid JSON (${(e as Error).message})`, file);
  }
}

/** Validate a parsed JSON value and build the loaded model. */
export function modelFromJson(raw: unknown, ctx: { baseDir: string; file?: string | undefined }): Model {
  const parsed = ModelJsonSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = deepest(parsed.error.issues[0]! as ZodIssueLike);
    throw new ModelFormatError(jsonPath(issue.path), describeIssue(issue, raw), ctx.file);
  }
  return new Builder(parsed.data, ctx).build();
}

interface ZodIssueLike {
  code: string;
  message: string;
  path: PropertyKey[];
  errors?: ZodIssueLike[][];
}

/**
 * For a value that matches no branch of a union, the branch that got furthest is the one the author meant
 * (a quantized constant with one bad code, not "neither quantized nor float"): report its deepest issue.
 */
function deepest(issue: ZodIssueLike): ZodIssueLike {
  if (issue.code !== 'invalid_union' || !issue.errors?.length) return issue;
  let best: ZodIssueLike | undefined;
  for (const branch of issue.errors) {
    for (const sub of branch) {
      if (sub.code === 'unrecognized_keys' || sub.path.length === 0) continue;
      const cand = deepest({ ...sub, path: [...issue.path, ...sub.path] });
      if (!best || cand.path.length > best.path.length) best = cand;
    }
  }
  // One level deeper is only convincing for an array element (a missing field of the other branch is as deep).
  const convincing = best && (best.path.length >= issue.path.length + 2 || typeof best.path.at(-1) === 'number');
  return convincing ? best! : issue;
}

function describeIssue(issue: { code: string; message: string; path: readonly PropertyKey[] }, raw: unknown): string {
  // any bad element of a codes array (wrong type, a non-decimal string, beyond 2^53) gets the same message with the value
  if (issue.path.includes('codes') && typeof issue.path.at(-1) === 'number') {
    return `expected an integer code (a JSON integer within ±2^53 or a decimal string), got ${JSON.stringify(valueAt(raw, issue.path))}`;
  }
  if (issue.code === 'invalid_union' && issue.path.length > 0) {
    const v = valueAt(raw, issue.path);
    const last = issue.path.at(-1);
    if (typeof last === 'string' && CONSTANT_KEYS.has(last) && typeof v === 'object' && v !== null && !Array.isArray(v)) {
      return 'expected a quantized constant {shape, type, codes} or a float constant {shape, values}';
    }
    if (issue.path.at(-2) === 'layers' || (typeof v === 'object' && v !== null && 'kind' in v)) return issue.message;
    return `${issue.message} (see docs/model-format.md for the allowed forms)`;
  }
  return issue.message;
}

const CONSTANT_KEYS = new Set(['weights', 'bias', 'scale', 'shift', 'alpha', 'max', 'multiplier', 'reciprocal']);

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = raw;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

class Builder {
  private readonly shapes = new Map<string, readonly number[]>();
  private readonly sidecars = new Map<string, Buffer>();

  constructor(
    private readonly json: ModelJson,
    private readonly ctx: { baseDir: string; file?: string | undefined },
  ) {}

  private fail(path: string, problem: string): never {
    throw new ModelFormatError(path, problem, this.ctx.file);
  }

  build(): Model {
    const inputs: InputTensor[] = this.json.inputs.map((inp, i) => {
      const path = `inputs[${i}]`;
      this.declare(inp.name, inp.shape, `${path}.name`);
      const type = inp.type === undefined ? undefined : parseFixedType(inp.type);
      if (inp.range) {
        const [lo, hi] = inp.range;
        if (!(lo <= hi)) this.fail(`${path}.range`, `expected [lo, hi] with lo <= hi, got [${lo}, ${hi}]`);
      }
      return { name: inp.name, shape: inp.shape, type, range: inp.range };
    });
    const layers = this.json.layers.map((l, i) => this.layer(l, `layers[${i}]`));
    const outputs = this.json.outputs ?? [layers.at(-1)!.name];
    outputs.forEach((o, i) => {
      if (!this.shapes.has(o)) this.fail(`outputs[${i}]`, `unknown tensor ${JSON.stringify(o)}`);
    });
    return {
      name: this.json.name,
      description: this.json.description,
      inputs,
      layers,
      outputs,
      metadata: this.json.metadata,
    };
  }

  private declare(name: string, shape: readonly number[], path: string): void {
    if (this.shapes.has(name)) this.fail(path, `duplicate tensor name ${JSON.stringify(name)}`);
    this.shapes.set(name, shape);
  }

  private inputShape(l: LayerJson, k: number, path: string): readonly number[] {
    const s = this.shapes.get(l.inputs[k]!);
    if (!s) {
      this.fail(`${path}.inputs[${k}]`, `unknown tensor ${JSON.stringify(l.inputs[k])} (inputs must be model inputs or earlier layers)`);
    }
    return s;
  }

  private arity(l: LayerJson, path: string, min: number, max: number): void {
    const n = l.inputs.length;
    if (n < min || n > max) {
      const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
      this.fail(`${path}.inputs`, `${l.kind} takes ${want} input${min === 1 && max === 1 ? '' : 's'}, got ${n}`);
    }
  }

  private layer(l: LayerJson, path: string): Layer {
    const one = (): readonly number[] => {
      this.arity(l, path, 1, 1);
      return this.inputShape(l, 0, path);
    };
    let shape: readonly number[];
    let extra: Record<string, unknown> = {};
    switch (l.kind) {
      case 'Dense': {
        const x = one();
        const nIn = x.at(-1)!;
        const weights = this.constant(l.weights, `${path}.weights`, undefined, 2);
        if (weights.shape[0] !== nIn) {
          this.fail(`${path}.weights.shape`, `expected [${nIn}, n_out] (the input's last axis is ${nIn}), got [${weights.shape.join(', ')}]`);
        }
        const nOut = weights.shape[1]!;
        shape = [...x.slice(0, -1), nOut];
        extra = { weights, bias: this.optBias(l.bias, `${path}.bias`, nOut), accum: this.typeSpec(l.accum, `${path}.accum`, nOut) };
        break;
      }
      case 'Conv1D': {
        const x = one();
        if (x.length !== 2) this.fail(`${path}.inputs[0]`, `Conv1D expects a [length, channels] input, got [${x.join(', ')}]`);
        const weights = this.constant(l.weights, `${path}.weights`, undefined, 3);
        const [K, cin, cout] = weights.shape as [number, number, number];
        if (cin !== x[1]) this.fail(`${path}.weights.shape`, `expected [kernel, ${x[1]}, filters], got [${weights.shape.join(', ')}]`);
        const stride = l.stride ?? 1;
        const padding = l.padding ?? 'valid';
        const w = axisWindow(x[0]!, K, stride, padding);
        if (w.out < 1) this.fail(`${path}.weights.shape`, `kernel ${K} is longer than the input (${x[0]}) with valid padding`);
        shape = [w.out, cout];
        extra = { weights, bias: this.optBias(l.bias, `${path}.bias`, cout), accum: this.typeSpec(l.accum, `${path}.accum`, cout), stride, padding };
        break;
      }
      case 'Conv2D': {
        const x = one();
        if (x.length !== 3) this.fail(`${path}.inputs[0]`, `Conv2D expects a [height, width, channels] input, got [${x.join(', ')}]`);
        const weights = this.constant(l.weights, `${path}.weights`, undefined, 4);
        const [KH, KW, cin, cout] = weights.shape as [number, number, number, number];
        if (cin !== x[2]) this.fail(`${path}.weights.shape`, `expected [kh, kw, ${x[2]}, filters], got [${weights.shape.join(', ')}]`);
        const strides = l.strides ?? [1, 1];
        const padding = l.padding ?? 'valid';
        const h = axisWindow(x[0]!, KH, strides[0], padding);
        const w = axisWindow(x[1]!, KW, strides[1], padding);
        if (h.out < 1 || w.out < 1) this.fail(`${path}.weights.shape`, `kernel ${KH}x${KW} does not fit the ${x[0]}x${x[1]} input with valid padding`);
        shape = [h.out, w.out, cout];
        extra = { weights, bias: this.optBias(l.bias, `${path}.bias`, cout), accum: this.typeSpec(l.accum, `${path}.accum`, cout), strides, padding };
        break;
      }
      case 'BatchNorm': {
        shape = one();
        const C = shape.at(-1)!;
        extra = { scale: this.channelConstant(l.scale, `${path}.scale`, C), shift: this.channelConstant(l.shift, `${path}.shift`, C) };
        break;
      }
      case 'ReLU':
        shape = one();
        extra = { max: l.max === undefined ? undefined : this.channelConstant(l.max, `${path}.max`, 1) };
        break;
      case 'LeakyReLU':
        shape = one();
        extra = { alpha: this.channelConstant(l.alpha, `${path}.alpha`, shape.at(-1)!) };
        break;
      case 'Quant':
        shape = one();
        if (l.result === undefined) this.fail(`${path}.result`, 'a Quant layer needs its result type');
        break;
      case 'Rescale': {
        shape = one();
        const C = shape.at(-1)!;
        const multiplier = this.channelConstant(l.multiplier, `${path}.multiplier`, C);
        if (Array.isArray(l.shift) && l.shift.length !== 1 && l.shift.length !== C) {
          this.fail(`${path}.shift`, `expected one shift or ${C} (one per channel), got ${l.shift.length}`);
        }
        if (l.result === undefined) this.fail(`${path}.result`, 'a Rescale layer needs its result type (its quantization mode is the declared rounding)');
        extra = { multiplier, shift: l.shift };
        break;
      }
      case 'MaxPool1D':
      case 'AvgPool1D': {
        const x = one();
        if (x.length !== 2) this.fail(`${path}.inputs[0]`, `${l.kind} expects a [length, channels] input, got [${x.join(', ')}]`);
        const stride = l.stride ?? l.poolSize;
        const padding = l.kind === 'MaxPool1D' ? (l.padding ?? 'valid') : 'valid';
        const w = axisWindow(x[0]!, l.poolSize, stride, padding);
        if (w.out < 1) this.fail(`${path}.poolSize`, `pool ${l.poolSize} is longer than the input (${x[0]})`);
        shape = [w.out, x[1]!];
        extra = { poolSize: l.poolSize, stride, ...(l.kind === 'MaxPool1D' ? { padding } : { reciprocal: this.reciprocal(l.reciprocal, `${path}.reciprocal`) }) };
        break;
      }
      case 'MaxPool2D':
      case 'AvgPool2D': {
        const x = one();
        if (x.length !== 3) this.fail(`${path}.inputs[0]`, `${l.kind} expects a [height, width, channels] input, got [${x.join(', ')}]`);
        const strides = l.strides ?? l.poolSize;
        const padding = l.kind === 'MaxPool2D' ? (l.padding ?? 'valid') : 'valid';
        const h = axisWindow(x[0]!, l.poolSize[0], strides[0], padding);
        const w = axisWindow(x[1]!, l.poolSize[1], strides[1], padding);
        if (h.out < 1 || w.out < 1) this.fail(`${path}.poolSize`, `pool ${l.poolSize.join('x')} does not fit the ${x[0]}x${x[1]} input`);
        shape = [h.out, w.out, x[2]!];
        extra = {
          poolSize: l.poolSize,
          strides,
          ...(l.kind === 'MaxPool2D' ? { padding } : { reciprocal: this.reciprocal(l.reciprocal, `${path}.reciprocal`) }),
        };
        break;
      }
      case 'GlobalAveragePool':
      case 'GlobalMaxPool': {
        const x = one();
        if (x.length < 2) this.fail(`${path}.inputs[0]`, `${l.kind} expects a [..., channels] input of rank >= 2, got [${x.join(', ')}]`);
        shape = [x.at(-1)!];
        if (l.kind === 'GlobalAveragePool') extra = { reciprocal: this.reciprocal(l.reciprocal, `${path}.reciprocal`) };
        break;
      }
      case 'Add':
      case 'Subtract':
      case 'Multiply': {
        this.arity(l, path, 2, l.kind === 'Subtract' ? 2 : Infinity);
        shape = this.inputShape(l, 0, path);
        for (let k = 1; k < l.inputs.length; k++) {
          const s = this.inputShape(l, k, path);
          if (s.join() !== shape.join()) {
            this.fail(`${path}.inputs[${k}]`, `shape [${s.join(', ')}] differs from inputs[0]'s [${shape.join(', ')}] (no broadcasting)`);
          }
        }
        break;
      }
      case 'Concatenate': {
        this.arity(l, path, 2, Infinity);
        const first = this.inputShape(l, 0, path);
        const rank = first.length;
        const axis = (l.axis ?? -1) < 0 ? rank + (l.axis ?? -1) : l.axis!;
        if (axis < 0 || axis >= rank) this.fail(`${path}.axis`, `expected an axis of a rank-${rank} tensor (-${rank} to ${rank - 1}), got ${l.axis}`);
        let total = 0;
        for (let k = 0; k < l.inputs.length; k++) {
          const s = this.inputShape(l, k, path);
          if (s.length !== rank || s.some((d, a) => a !== axis && d !== first[a])) {
            this.fail(`${path}.inputs[${k}]`, `shape [${s.join(', ')}] does not match [${first.join(', ')}] outside axis ${axis}`);
          }
          total += s[axis]!;
        }
        shape = first.map((d, a) => (a === axis ? total : d));
        extra = { axis };
        break;
      }
      case 'Flatten':
        shape = [sizeOf(one())];
        break;
      case 'Reshape': {
        const x = one();
        if (sizeOf(l.targetShape) !== sizeOf(x)) {
          this.fail(`${path}.targetShape`, `expected ${sizeOf(x)} elements (input [${x.join(', ')}]), got [${l.targetShape.join(', ')}]`);
        }
        shape = l.targetShape;
        extra = { targetShape: l.targetShape };
        break;
      }
      case 'Sigmoid':
      case 'Tanh':
        shape = one();
        break;
      case 'Softmax':
        shape = one();
        extra = {
          expType: l.expType === undefined ? undefined : parseFixedType(l.expType),
          invType: l.invType === undefined ? undefined : parseFixedType(l.invType),
          invTableBits: l.invTableBits,
        };
        break;
    }
    if (l.shape && l.shape.join() !== shape.join()) {
      this.fail(`${path}.shape`, `the layer computes [${shape.join(', ')}], the file says [${l.shape.join(', ')}]`);
    }
    if ((l.kind === 'Flatten' || l.kind === 'Reshape') && l.result !== undefined) {
      this.fail(`${path}.result`, `${l.kind} moves codes without converting them; it has no result type`);
    }
    const result = this.typeSpec(l.result, `${path}.result`, shape.at(-1)!);
    this.declare(l.name, shape, `${path}.name`);
    return {
      kind: l.kind,
      name: l.name,
      inputs: l.inputs,
      shape,
      result,
      provenance: l.provenance,
      calibration: l.calibration,
      ...extra,
    } as Layer;
  }

  private typeSpec(spec: string | string[] | undefined, path: string, channels: number): TypeSpec | undefined {
    if (spec === undefined) return undefined;
    if (typeof spec === 'string') return parseFixedType(spec);
    if (spec.length === 1) return [parseFixedType(spec[0]!)];
    if (spec.length !== channels) this.fail(path, `expected one type or ${channels} (one per channel), got ${spec.length}`);
    return spec.map((s) => parseFixedType(s));
  }

  private optBias(c: ConstantJson | undefined, path: string, nOut: number): Constant | undefined {
    if (c === undefined) return undefined;
    return this.constant(c, path, [nOut]);
  }

  /** A per-tensor ([] or [1]) or per-channel ([C]) constant. */
  private channelConstant(c: ConstantJson, path: string, C: number): Constant {
    const k = this.constant(c, path);
    const n = sizeOf(k.shape);
    if (k.shape.length > 1 || (n !== 1 && n !== C)) {
      this.fail(`${path}.shape`, `expected [] (one value) or [${C}] (one per channel), got [${k.shape.join(', ')}]`);
    }
    return k;
  }

  private reciprocal(c: ConstantJson | undefined, path: string): Constant | undefined {
    if (c === undefined) return undefined;
    const k = this.constant(c, path);
    if (sizeOf(k.shape) !== 1 || k.shape.length > 1) this.fail(`${path}.shape`, `expected [] (one value), got [${k.shape.join(', ')}]`);
    if (!k.quantized) this.fail(path, 'the reciprocal must be a quantized constant (codes and type)');
    return k;
  }

  private constant(c: ConstantJson, path: string, expectShape?: readonly number[], expectRank?: number): Constant {
    if (expectShape && c.shape.join() !== expectShape.join()) {
      this.fail(`${path}.shape`, `expected [${expectShape.join(', ')}], got [${c.shape.join(', ')}]`);
    }
    if (expectRank !== undefined && c.shape.length !== expectRank) {
      this.fail(`${path}.shape`, `expected a rank-${expectRank} shape, got [${c.shape.join(', ')}]`);
    }
    const n = sizeOf(c.shape);
    const dims = c.shape.length ? c.shape.join('x') : 'scalar (1)';
    if ('values' in c) {
      if (c.values.length !== n) this.fail(`${path}`, `expected ${dims} values, got ${c.values.length}`);
      return { quantized: false, shape: c.shape, values: c.values };
    }
    const channels = c.shape.length ? c.shape.at(-1)! : 1;
    let types: FixedType[];
    if (typeof c.type === 'string') types = [parseFixedType(c.type)];
    else {
      if (c.type.length !== 1 && c.type.length !== channels) {
        this.fail(`${path}.type`, `expected one type or ${channels} (one per channel of the last axis), got ${c.type.length}`);
      }
      types = c.type.map((s) => parseFixedType(s));
    }
    let codes: bigint[];
    if (Array.isArray(c.codes)) {
      if (c.codes.length !== n) this.fail(path, `expected ${dims} values, got ${c.codes.length}`);
      codes = c.codes.map((v) => BigInt(v));
    } else {
      codes = this.sidecar(c.codes, n, `${path}.codes`);
    }
    for (let i = 0; i < n; i++) {
      const t = types.length === 1 ? types[0]! : types[i % channels]!;
      const v = codes[i]!;
      if (v < t.minRaw || v > t.maxRaw) {
        this.fail(`${path}.codes[${i}]`, `code ${v} is outside ${t} (codes ${t.minRaw} to ${t.maxRaw})`);
      }
    }
    return { quantized: true, shape: c.shape, types, codes };
  }

  private sidecar(s: { file: string; offset: number; dtype: 'int8' | 'int16' | 'int32' | 'int64' }, n: number, path: string): bigint[] {
    const full = resolve(this.ctx.baseDir, s.file);
    let buf = this.sidecars.get(full);
    if (!buf) {
      try {
        buf = readFileSync(full);
      } catch (e) {
        this.fail(`${path}.file`, `cannot read sidecar ${JSON.stringify(s.file)}: ${(e as Error).message}`);
      }
      this.sidecars.set(full, buf);
    }
    const size = { int8: 1, int16: 2, int32: 4, int64: 8 }[s.dtype];
    const end = s.offset + n * size;
    if (end > buf.length) {
      this.fail(path, `sidecar ${JSON.stringify(s.file)} is truncated: ${n} ${s.dtype} values at offset ${s.offset} need ${end} bytes, the file has ${buf.length}`);
    }
    const out = new Array<bigint>(n);
    for (let i = 0; i < n; i++) {
      const o = s.offset + i * size;
      out[i] =
        size === 1 ? BigInt(buf.readInt8(o)) : size === 2 ? BigInt(buf.readInt16LE(o)) : size === 4 ? BigInt(buf.readInt32LE(o)) : buf.readBigInt64LE(o);
    }
    return out;
  }
}
