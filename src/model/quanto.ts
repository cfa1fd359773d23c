/**
 * The quanto-style flow on model graphs (other-methods.md §3.6): `quantizeModel` turns float weights into
 * fixed-point codes, `calibrate` records activation ranges (absmax with an exponential moving average, an
 * explicit `calibrated` flag instead of quanto's scale-1 sentinel) and picks result types from them,
 * labelled "calibrated, not proven"; `freeze` writes every type out (precision inference for the rest).
 * `floatRun` is the plain float64 forward pass used as the accuracy reference.
 */
import { fixedFromDouble } from '../emulator/convert.js';
import { FixedType, parseFixedType } from '../emulator/types.js';
import { InvalidArgumentError } from '../emulator/errors.js';
import { ModelUsageError } from './errors.js';
import { sizeOf, type Constant, type Layer, type Model, type QuantizedConstant } from './format.js';
import { codesToReal, runModel } from './infer.js';
import { resolveTypes } from './precision.js';

export interface QuantizeOptions {
  /** Weight type (vendor spelling, used as is) or a bit width (integer bits chosen from the weights). */
  weights: string | number;
  /** Bias type or bit width (default: 16 bits, integer bits from the biases). */
  bias?: string | number;
  /** One weight type per output channel (integer bits from each channel's absmax). */
  perChannel?: boolean;
  /** Activation bits: results of Dense/Conv/BatchNorm/Add/... layers are calibrated (quanto's activations). */
  activations?: number;
  /** The input type when the float model has none (default ap_fixed<16,6,AP_RND_CONV,AP_SAT>). */
  input?: string;
  /** fnmatch-style layer name patterns (quanto's include / exclude). */
  include?: string[];
  exclude?: string[];
  /** Fold a float BatchNorm into the preceding float Dense/Conv (default true). */
  foldBatchNorm?: boolean;
}

const CALIBRATED_KINDS = new Set(['Dense', 'Conv1D', 'Conv2D', 'BatchNorm', 'Add', 'Subtract', 'Multiply', 'AvgPool1D', 'AvgPool2D', 'GlobalAveragePool']);

function globToRegExp(p: string): RegExp {
  return new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

function selected(name: string, o: QuantizeOptions): boolean {
  if (o.include && !o.include.some((p) => globToRegExp(p).test(name))) return false;
  if (o.exclude && o.exclude.some((p) => globToRegExp(p).test(name))) return false;
  return true;
}

/** I = floor(log2(absmax)) + 2 (sign included; an exact power of two needs the extra bit); 1 for all-zero. */
export function intBitsForAbsmax(absmax: number): number {
  if (!(absmax > 0) || !Number.isFinite(absmax)) return 1;
  return Math.floor(Math.log2(absmax)) + 2;
}

/** A float tensor as codes: one type (or one per last-axis channel) from the spec or the absmax. */
export function quantizeValues(values: readonly number[], shape: readonly number[], spec: string | number, perChannel: boolean): QuantizedConstant {
  const C = shape.length ? shape.at(-1)! : 1;
  const typeFor = (absmax: number): FixedType => {
    if (typeof spec === 'string') return parseFixedType(spec);
    if (!Number.isInteger(spec) || spec < 2 || spec > 53) throw new InvalidArgumentError('bits', spec, 'an integer from 2 to 53');
    return new FixedType(spec, intBitsForAbsmax(absmax), true, 'AP_RND_CONV', 'AP_SAT');
  };
  for (const v of values) if (!Number.isFinite(v)) throw new InvalidArgumentError('weight', v, 'a finite number');
  let types: FixedType[];
  if (perChannel && C > 1) {
    const mx = new Array<number>(C).fill(0);
    values.forEach((v, i) => (mx[i % C] = Math.max(mx[i % C]!, Math.abs(v))));
    types = mx.map(typeFor);
  } else types = [typeFor(values.reduce((m, v) => Math.max(m, Math.abs(v)), 0))];
  const codes = values.map((v, i) => fixedFromDouble(v, types[types.length === 1 ? 0 : i % C]!).raw);
  return { quantized: true, shape, types, codes };
}

function qc(c: Constant, spec: string | number, perChannel: boolean): Constant {
  return c.quantized ? c : quantizeValues(c.values, c.shape, spec, perChannel);
}

/** Fold float BatchNorm layers into the preceding float Dense/Conv (w·s per output channel, b·s + t). */
function foldBatchNorms(model: Model): Model {
  const layers = [...model.layers];
  const consumers = (name: string) => layers.filter((l) => l.inputs.includes(name)).length + (model.outputs.includes(name) ? 1 : 0);
  for (let i = 0; i < layers.length; i++) {
    const bn = layers[i]!;
    if (bn.kind !== 'BatchNorm' || bn.scale.quantized || bn.shift.quantized) continue;
    const j = layers.findIndex((l) => l.name === bn.inputs[0]);
    const prev = layers[j];
    if (!prev || !(prev.kind === 'Dense' || prev.kind === 'Conv1D' || prev.kind === 'Conv2D') || consumers(prev.name) !== 1) continue;
    if (prev.weights.quantized || (prev.bias && prev.bias.quantized)) continue;
    const C = prev.shape.at(-1)!;
    const s = (c: number) => (bn.scale as { values: readonly number[] }).values[bn.scale.shape.length ? c : 0]!;
    const t = (c: number) => (bn.shift as { values: readonly number[] }).values[bn.shift.shape.length ? c : 0]!;
    const w = prev.weights.values.map((v, k) => v * s(k % C));
    const b = Array.from({ length: C }, (_, c) => (prev.bias && !prev.bias.quantized ? prev.bias.values[c]! : 0) * s(c) + t(c));
    // The folded layer takes the BatchNorm's name so that consumers keep their inputs.
    layers[j] = { ...prev, name: bn.name, weights: { quantized: false, shape: prev.weights.shape, values: w }, bias: { quantized: false, shape: [C], values: b } } as Layer;
    layers.splice(i, 1);
    i--;
  }
  return { ...model, layers };
}

/** quanto's `quantize(model, weights=..., activations=...)` on a float model. */
export function quantizeModel(floatModel: Model, o: QuantizeOptions): Model {
  const m = o.foldBatchNorm === false ? floatModel : foldBatchNorms(floatModel);
  const biasSpec = o.bias ?? 16;
  const inputs = m.inputs.map((inp) => ({ ...inp, type: inp.type ?? parseFixedType(o.input ?? 'ap_fixed<16,6,AP_RND_CONV,AP_SAT>') }));
  const layers = m.layers.map((l): Layer => {
    const pick = selected(l.name, o);
    const wspec = pick ? o.weights : 32;
    let out: Layer = l;
    switch (l.kind) {
      case 'Dense':
      case 'Conv1D':
      case 'Conv2D':
        out = { ...l, weights: qc(l.weights, wspec, !!o.perChannel), bias: l.bias && qc(l.bias, biasSpec, !!o.perChannel) } as Layer;
        break;
      case 'BatchNorm':
        out = { ...l, scale: qc(l.scale, wspec, false), shift: qc(l.shift, biasSpec, false) };
        break;
      case 'LeakyReLU':
        out = { ...l, alpha: qc(l.alpha, 16, false) };
        break;
      case 'ReLU':
        out = { ...l, max: l.max && qc(l.max, 16, false) };
        break;
      case 'Rescale':
        out = { ...l, multiplier: qc(l.multiplier, 32, false) };
        break;
      default:
        break;
    }
    if (pick && o.activations !== undefined && CALIBRATED_KINDS.has(l.kind) && out.result === undefined) {
      const bits = o.activations;
      // Uncalibrated: quanto's default scale, here the range [-1, 1).
      const result = new FixedType(bits, 1, true, 'AP_RND_CONV', 'AP_SAT');
      out = { ...out, result, calibration: { bits, calibrated: false }, provenance: { ...(out.provenance ?? {}), result: 'default activation range [-1, 1), not calibrated' } } as Layer;
    }
    return out;
  });
  return { ...m, inputs, layers };
}

export interface CalibrateOptions {
  /** EMA momentum (quanto: 0.9): absmax <- momentum·absmax + (1 - momentum)·batch absmax. */
  momentum?: number;
  /** Samples per calibration batch (default 32). */
  batchSize?: number;
}

/** Real inputs -> codes of the input types (the vendor's double conversion). */
function inputCodes(model: Model, samples: Readonly<Record<string, ArrayLike<number>>>, s0: number, nb: number): Record<string, bigint[]> {
  const out: Record<string, bigint[]> = {};
  for (const inp of model.inputs) {
    const n = sizeOf(inp.shape);
    const src = samples[inp.name];
    if (!src) throw new ModelUsageError(`calibrate: no samples for input ${inp.name}`);
    const codes = new Array<bigint>(nb * n);
    for (let i = 0; i < nb * n; i++) codes[i] = fixedFromDouble(src[s0 * n + i]!, inp.type!).raw;
    out[inp.name] = codes;
  }
  return out;
}

/**
 * Record activation ranges on real-valued samples (sample-major per input) and choose result types:
 * ap_fixed<bits, floor(log2(absmax)) + 2, AP_RND_CONV, AP_SAT>. Each calibrated layer's output is measured
 * at full precision (a lossless result type) with the layers before it already calibrated on this batch.
 */
export function calibrate(model: Model, samples: Readonly<Record<string, ArrayLike<number>>>, batch: number, o: CalibrateOptions = {}): Model {
  const momentum = o.momentum ?? 0.9;
  if (!(momentum >= 0 && momentum <= 1)) throw new InvalidArgumentError('momentum', momentum, 'a number from 0 to 1');
  const bs = Math.max(1, o.batchSize ?? 32);
  let layers = [...model.layers];
  for (let s0 = 0; s0 < batch; s0 += bs) {
    const nb = Math.min(bs, batch - s0);
    const codes = inputCodes(model, samples, s0, nb);
    for (let k = 0; k < layers.length; k++) {
      const l = layers[k]!;
      if (!l.calibration) continue;
      // The model up to this layer, this layer at full precision.
      const probe: Model = { ...model, layers: [...layers.slice(0, k), { ...l, result: undefined, ...('accum' in l ? { accum: undefined } : {}) } as Layer], outputs: [l.name] };
      const res = runModel(probe, codes, nb);
      const info = res.infos.get(l.name)!;
      const real = codesToReal(res.outputs.get(l.name)!, info);
      let a = 0;
      for (const v of real) a = Math.max(a, Math.abs(v));
      const c = l.calibration;
      const absmax = c.calibrated ? momentum * c.absmax! + (1 - momentum) * a : a;
      const batches = (c.batches ?? 0) + 1;
      const result = new FixedType(c.bits, intBitsForAbsmax(absmax), true, 'AP_RND_CONV', 'AP_SAT');
      layers[k] = {
        ...l,
        result,
        calibration: { ...c, calibrated: true, absmax, momentum, batches },
        provenance: { ...(l.provenance ?? {}), result: `calibrated, not proven: absmax ${absmax.toPrecision(6)} (momentum ${momentum}, ${batches} batch${batches === 1 ? '' : 'es'})` },
      } as Layer;
    }
    layers = [...layers];
  }
  return { ...model, layers };
}

/** Fix every type: drop the calibration state (keeping the provenance) and infer the remaining types. */
export function freeze(model: Model): Model {
  for (const l of model.layers) {
    for (const [k, v] of Object.entries(l)) {
      if (v && typeof v === 'object' && 'quantized' in v && (v as Constant).quantized === false) {
        throw new ModelUsageError(`freeze: layer ${l.name}.${k} still holds float values; run quantizeModel() first`);
      }
    }
  }
  const layers = model.layers.map((l) => ({ ...l, calibration: undefined }) as Layer);
  return resolveTypes({ ...model, layers });
}

// ---------------------------------------------------------------------------------------------------

function valuesOf(c: Constant): Float64Array {
  if (!c.quantized) return Float64Array.from(c.values);
  const C = c.shape.length ? c.shape.at(-1)! : 1;
  return Float64Array.from(c.codes, (v, i) => Number(v) * 2 ** -c.types[c.types.length === 1 ? 0 : i % C]!.fracBits);
}

/**
 * Plain float64 forward pass (quantized constants read as their real values, no activation rounding)
 * for Dense, ReLU, LeakyReLU, BatchNorm, Add, Flatten, Sigmoid, Tanh, Softmax. The accuracy reference.
 */
export function floatRun(model: Model, inputs: Readonly<Record<string, ArrayLike<number>>>, batch: number): Map<string, Float64Array> {
  const shapes = new Map<string, readonly number[]>(model.inputs.map((i) => [i.name, i.shape]));
  const vals = new Map<string, Float64Array>(model.inputs.map((i) => [i.name, Float64Array.from(inputs[i.name]!)]));
  for (const l of model.layers) {
    const x = vals.get(l.inputs[0]!)!;
    const inSize = sizeOf(shapes.get(l.inputs[0]!)!);
    const size = sizeOf(l.shape);
    const C = l.shape.at(-1)!;
    const y = new Float64Array(batch * size);
    switch (l.kind) {
      case 'Dense': {
        const w = valuesOf(l.weights);
        const b = l.bias ? valuesOf(l.bias) : undefined;
        const nIn = w.length / C;
        for (let s = 0; s < (batch * size) / C; s++) {
          for (let j = 0; j < C; j++) {
            let acc = b ? b[j]! : 0;
            for (let i = 0; i < nIn; i++) acc += x[s * nIn + i]! * w[i * C + j]!;
            y[s * C + j] = acc;
          }
        }
        break;
      }
      case 'ReLU':
        for (let i = 0; i < y.length; i++) y[i] = Math.max(0, l.max ? Math.min(x[i]!, valuesOf(l.max)[0]!) : x[i]!);
        break;
      case 'LeakyReLU': {
        const a = valuesOf(l.alpha);
        for (let i = 0; i < y.length; i++) y[i] = x[i]! > 0 ? x[i]! : x[i]! * a[a.length === 1 ? 0 : i % C]!;
        break;
      }
      case 'BatchNorm': {
        const s = valuesOf(l.scale);
        const t = valuesOf(l.shift);
        for (let i = 0; i < y.length; i++) y[i] = x[i]! * s[s.length === 1 ? 0 : i % C]! + t[t.length === 1 ? 0 : i % C]!;
        break;
      }
      case 'Add': {
        y.set(x);
        for (const n of l.inputs.slice(1)) {
          const z = vals.get(n)!;
          for (let i = 0; i < y.length; i++) y[i] = y[i]! + z[i]!;
        }
        break;
      }
      case 'Flatten':
      case 'Reshape':
      case 'Quant':
        y.set(x.subarray(0, batch * inSize));
        break;
      case 'Sigmoid':
        for (let i = 0; i < y.length; i++) y[i] = 1 / (1 + Math.exp(-x[i]!));
        break;
      case 'Tanh':
        for (let i = 0; i < y.length; i++) y[i] = Math.tanh(x[i]!);
        break;
      case 'Softmax':
        for (let o = 0; o < y.length / C; o++) {
          let m = -Infinity;
          for (let j = 0; j < C; j++) m = Math.max(m, x[o * C + j]!);
          let s = 0;
          for (let j = 0; j < C; j++) s += y[o * C + j] = Math.exp(x[o * C + j]! - m);
          for (let j = 0; j < C; j++) y[o * C + j] = y[o * C + j]! / s;
        }
        break;
      default:
        throw new ModelUsageError(`floatRun: layer kind ${l.kind} is not supported by the float reference`);
    }
    vals.set(l.name, y);
    shapes.set(l.name, l.shape);
  }
  return vals;
}
