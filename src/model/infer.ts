/**
 * The bit-exact inference engine: batched over typed arrays of codes. A tensor whose types are at most
 * 53 bits wide is a Float64Array of integer codes, otherwise an array of BigInts. Each MAC output channel
 * takes the number path when its accumulator is AP_WRAP (N = 0), no product loses fraction bits and the
 * exact sum provably stays below 2^53 (bound from the weights and the input types); everything else takes
 * the BigInt path. Layers without a number kernel run the reference's per-sample code (reference.ts), so
 * both paths define the same semantics; the property tests prove the number paths equal to the reference.
 *
 * Where the time goes on the number path (the jet-tagging bench): the MAC sums, computed sample-major as
 * a matrix product with each channel's weights in one contiguous row, then the conversions, done as one
 * array pass per layer (or per channel when the channels' types differ) by fastcast's mode-specialised
 * loops. MaxPool, Add/Subtract/Multiply, clipped ReLU and Concatenate work the same way: exact values
 * (codes of the input or operation type) first, then the array conversions. A chunk's tensors live in
 * buffers reused from chunk to chunk; nothing is allocated per sample.
 */
import { asFraction, convertToFixed } from '../emulator/convert.js';
import type { FixedType } from '../emulator/types.js';
import { castRaw } from '../emulator/value.js';
import { addType, codeToDecimal, mulType, subType } from './arith.js';
import { ModelUsageError, OverflowCheckError } from './errors.js';
import { typeAt, typeList, type Layer, type MacLayer, type Model, type QuantizedConstant } from './format.js';
import { numberCast, numberCastArray, type ArrayCast, type ArrayCastOptions, type NumberCast } from './fastcast.js';
import { windowIndex as windowIndexFor } from './geometry.js';
import { macGather, resolveTypes } from './precision.js';
import { referenceLayer } from './reference.js';
import { elementType, tensorInfos, type TensorInfo } from './resolve.js';
import {
  activationTable,
  DEFAULT_SOFTMAX_EXP_TYPE,
  DEFAULT_SOFTMAX_INV_BITS,
  DEFAULT_SOFTMAX_INV_TYPE,
  softmaxExpTable,
  softmaxInvTable,
  softmaxSumGeometry,
} from './tables.js';

/** Codes of a batch, sample-major: element e of sample b at b·size + e. */
export type BatchCodes = Float64Array | bigint[];

export interface RunOptions {
  /** Keep every layer's output (codes) in `trace`. */
  trace?: boolean;
  /** Checking mode: throw OverflowCheckError when a partial sum leaves its accumulator type. */
  check?: boolean;
  /** Called after each chunk of samples (for progress bars). */
  onProgress?: (done: number, total: number) => void;
  /** Samples per chunk (default 4096). */
  chunk?: number;
}

export interface RunResult {
  readonly batch: number;
  /** The model's output tensors. */
  readonly outputs: ReadonlyMap<string, BatchCodes>;
  /** Every tensor (inputs and layer outputs) when `trace` was asked for. */
  readonly trace: ReadonlyMap<string, BatchCodes> | undefined;
  readonly infos: ReadonlyMap<string, TensorInfo>;
}

/** Whether a tensor with these types is held as numbers. */
export function isNumeric(info: TensorInfo): boolean {
  return info.types.every((t) => t.width <= 53);
}

function alloc(info: TensorInfo, batch: number): BatchCodes {
  return isNumeric(info) ? new Float64Array(batch * info.size) : new Array<bigint>(batch * info.size);
}

function getBig(a: BatchCodes, i: number): bigint {
  return a instanceof Float64Array ? BigInt(a[i]!) : a[i]!;
}

function setBig(a: BatchCodes, i: number, v: bigint): void {
  if (a instanceof Float64Array) a[i] = Number(v);
  else a[i] = v;
}

type Kernel = (ins: BatchCodes[], batch: number, out: BatchCodes, sample0: number) => void;

export interface CompiledModel {
  readonly model: Model;
  readonly infos: ReadonlyMap<string, TensorInfo>;
  readonly kernels: readonly { layer: Layer; run: Kernel }[];
  /** Per MAC layer: how many output channels take the number path (for reports and tests). */
  readonly fastChannels: ReadonlyMap<string, { fast: number; total: number }>;
}

/** Resolve the model's types and prepare one kernel per layer. */
export function compileModel(model: Model, options: { check?: boolean } = {}): CompiledModel {
  const m = resolveTypes(model);
  const infos = tensorInfos(m);
  const fastChannels = new Map<string, { fast: number; total: number }>();
  const kernels = m.layers.map((l) => ({ layer: l, run: kernelFor(l, infos, fastChannels, !!options.check) }));
  return { model: m, infos, kernels, fastChannels };
}

/**
 * Run a batch. `inputs` maps each model input to its codes (sample-major; numbers or BigInts, e.g. an
 * Int32Array); `batch` is the number of samples.
 */
export function runModel(
  modelOrCompiled: Model | CompiledModel,
  inputs: Readonly<Record<string, ArrayLike<number> | ArrayLike<bigint>>>,
  batch: number,
  options: RunOptions = {},
): RunResult {
  const given = 'kernels' in modelOrCompiled ? modelOrCompiled : undefined;
  // Checking mode runs every MAC channel on the BigInt path, which tests each partial sum.
  const cm = given && !options.check ? given : compileModel(given ? given.model : (modelOrCompiled as Model), { check: options.check });
  const { model, infos } = cm;
  const full = new Map<string, BatchCodes>();
  for (const inp of model.inputs) {
    const info = infos.get(inp.name)!;
    const v = inputs[inp.name];
    if (!v) throw new ModelUsageError(`input ${inp.name}: no codes given`);
    if (v.length !== batch * info.size) {
      throw new ModelUsageError(`input ${inp.name}: expected ${batch} x ${info.size} = ${batch * info.size} codes, got ${v.length}`);
    }
    const t = inp.type!;
    if (v instanceof Float64Array && isNumeric(info) && !options.trace && !model.outputs.includes(inp.name)) {
      // The caller's codes are read in place (kernels never write their inputs) after the check; a trace
      // or an output that is an input gets its own copy below.
      const bad = firstNonCode(v, Number(t.minRaw), Number(t.maxRaw));
      if (bad >= 0) {
        throw new ModelUsageError(`input ${inp.name}[${bad}]: ${v[bad]} is not a code of ${t} (integers ${t.minRaw} to ${t.maxRaw})`);
      }
      full.set(inp.name, v);
      continue;
    }
    const arr = alloc(info, batch);
    if (arr instanceof Float64Array && isNumberArray(v)) {
      // Number codes into a number tensor: range-checked on numbers, no BigInt round trip.
      const bad = copyCodes(v, arr, Number(t.minRaw), Number(t.maxRaw));
      if (bad >= 0) {
        throw new ModelUsageError(`input ${inp.name}[${bad}]: ${v[bad]} is not a code of ${t} (integers ${t.minRaw} to ${t.maxRaw})`);
      }
      full.set(inp.name, arr);
      continue;
    }
    for (let i = 0; i < v.length; i++) {
      const x = v[i]!;
      const big = typeof x === 'bigint' ? x : BigInt(x);
      if (typeof x === 'number' && !Number.isSafeInteger(x)) throw new ModelUsageError(`input ${inp.name}[${i}]: ${x} is not an integer code`);
      if (big < t.minRaw || big > t.maxRaw) {
        throw new ModelUsageError(`input ${inp.name}[${i}]: code ${big} is outside ${t} (codes ${t.minRaw} to ${t.maxRaw})`);
      }
      setBig(arr, i, big);
    }
    full.set(inp.name, arr);
  }
  const chunk = Math.max(1, options.chunk ?? 4096);
  const keep = new Set(options.trace ? [...infos.keys()] : model.outputs);
  const result = new Map<string, BatchCodes>();
  for (const name of keep) {
    if (full.has(name)) result.set(name, full.get(name)!);
    else result.set(name, alloc(infos.get(name)!, batch));
  }
  // Number tensors of a chunk are written in place: kept ones straight into their result array, the
  // others into one chunk-sized buffer per layer that every chunk reuses (no allocation per chunk).
  const buffers = new Map<string, Float64Array>();
  const chunkOutput = (name: string, s0: number, nb: number): BatchCodes => {
    const info = infos.get(name)!;
    const kept = result.get(name);
    if (kept instanceof Float64Array) return kept.subarray(s0 * info.size, (s0 + nb) * info.size);
    if (kept || !isNumeric(info)) return alloc(info, nb);
    let buf = buffers.get(name);
    if (!buf) buffers.set(name, (buf = new Float64Array(Math.min(chunk, batch) * info.size)));
    return buf.subarray(0, nb * info.size);
  };
  for (let s0 = 0; s0 < batch; s0 += chunk) {
    const nb = Math.min(chunk, batch - s0);
    const vals = new Map<string, BatchCodes>();
    for (const inp of model.inputs) vals.set(inp.name, sliceBatch(full.get(inp.name)!, infos.get(inp.name)!.size, s0, nb));
    for (const k of cm.kernels) {
      const out = chunkOutput(k.layer.name, s0, nb);
      k.run(
        k.layer.inputs.map((n) => vals.get(n)!),
        nb,
        out,
        s0,
      );
      vals.set(k.layer.name, out);
    }
    // Kept BigInt tensors are copied into their result.
    for (const name of keep) {
      const dst = result.get(name)!;
      if (full.has(name) || dst instanceof Float64Array) continue;
      const src = vals.get(name)! as bigint[];
      const size = infos.get(name)!.size;
      for (let i = 0; i < src.length; i++) dst[s0 * size + i] = src[i]!;
    }
    options.onProgress?.(s0 + nb, batch);
  }
  const outputs = new Map(model.outputs.map((n) => [n, result.get(n)!] as const));
  return { batch, outputs, trace: options.trace ? result : undefined, infos };
}

/**
 * Number codes into a number tensor; returns the index of the first element that is not an integer in
 * [lo, hi], or -1. A Float64Array is copied in one block and checked in a loop over one array class.
 */
function copyCodes(v: ArrayLike<number>, arr: Float64Array, lo: number, hi: number): number {
  if (v instanceof Float64Array) {
    arr.set(v);
    return firstNonCode(arr, lo, hi);
  }
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (!(Number.isInteger(x) && x >= lo && x <= hi)) return i;
    arr[i] = x;
  }
  return -1;
}

function firstNonCode(a: Float64Array, lo: number, hi: number): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    if (!(x >= lo && x <= hi && Math.floor(x) === x)) return i;
  }
  return -1;
}

function isNumberArray(v: ArrayLike<number> | ArrayLike<bigint>): v is ArrayLike<number> {
  return v.length === 0 || typeof v[0] === 'number';
}

function sliceBatch(a: BatchCodes, size: number, s0: number, nb: number): BatchCodes {
  return a instanceof Float64Array ? a.subarray(s0 * size, (s0 + nb) * size) : a.slice(s0 * size, (s0 + nb) * size);
}

/** Real values (float64) of a tensor's codes: code · 2^-F of each element's type. */
export function codesToReal(codes: BatchCodes, info: TensorInfo): Float64Array {
  const out = new Float64Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const t = elementType(info, i % info.size);
    const c = codes[i]!;
    // One rounding (bigint -> double), then an exact power-of-two scaling.
    out[i] = (typeof c === 'bigint' ? Number(c) : c) * 2 ** -t.fracBits;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Kernels

function kernelFor(l: Layer, infos: Map<string, TensorInfo>, fastChannels: Map<string, { fast: number; total: number }>, check: boolean): Kernel {
  const ins = l.inputs.map((n) => infos.get(n)!);
  const out = infos.get(l.name)!;
  const numericIn = ins.every(isNumeric);
  const numericOut = isNumeric(out);
  if (l.kind === 'Dense' || l.kind === 'Conv1D' || l.kind === 'Conv2D') return macKernel(l, ins[0]!, out, fastChannels, check);
  if (numericIn && numericOut) {
    const k = numberKernel(l, ins, out);
    if (k) return k;
  }
  return perSampleKernel(l, infos);
}

/** Fallback: the reference's code for this layer, one sample at a time. */
function perSampleKernel(l: Layer, infos: Map<string, TensorInfo>): Kernel {
  const ins = l.inputs.map((n) => infos.get(n)!);
  const size = infos.get(l.name)!.size;
  return (inputs, batch, out) => {
    for (let b = 0; b < batch; b++) {
      const values = new Map<string, bigint[]>();
      l.inputs.forEach((n, k) => {
        const s = ins[k]!.size;
        const arr = new Array<bigint>(s);
        for (let e = 0; e < s; e++) arr[e] = getBig(inputs[k]!, b * s + e);
        values.set(n, arr);
      });
      const y = referenceLayer(l, values, infos as Map<string, TensorInfo>);
      for (let e = 0; e < size; e++) setBig(out, b * size + e, y[e]!);
    }
  };
}

function resultType(l: Layer, c: number): FixedType {
  return typeAt(l.result!, typeList(l.result!).length === 1 ? 0 : c);
}

function castsPerChannel(src: (c: number) => FixedType, l: Layer, C: number): NumberCast[] | undefined {
  const casts: NumberCast[] = [];
  for (let c = 0; c < C; c++) {
    const f = numberCast(src(c), resultType(l, c));
    if (!f) return undefined;
    casts.push(f);
  }
  return casts;
}

/**
 * Array conversions of a layer's channels, from src(c) into the result type of channel c, applied to the
 * first n elements of a sample-major tensor (x may be y): one pass when every channel has the same source
 * and result type, else one strided pass per channel. Undefined when a conversion needs BigInts.
 */
function channelArrayCasts(
  src: (c: number) => FixedType,
  l: Layer,
  C: number,
  options: ArrayCastOptions = {},
): ((x: Float64Array, y: Float64Array, n: number) => void) | undefined {
  const casts: ArrayCast[] = [];
  let shared = true;
  for (let c = 0; c < C; c++) {
    const k = numberCastArray(src(c), resultType(l, c), options);
    if (!k) return undefined;
    casts.push(k);
    if (!src(c).equals(src(0)) || !resultType(l, c).equals(resultType(l, 0))) shared = false;
  }
  if (shared) return (x, y, n) => casts[0]!(x, y, 0, n, 1);
  return (x, y, n) => {
    for (let c = 0; c < C; c++) casts[c]!(x, y, c, n, C);
  };
}

/**
 * A layer that converts each element into the result type of its channel (Quant; ReLU without a maximum,
 * which first sets values <= 0 to 0).
 */
function conversionKernel(xType: (c: number) => FixedType, l: Layer, C: number, size: number, relu: boolean): Kernel | undefined {
  const cast = channelArrayCasts(xType, l, C, { relu });
  if (!cast) return undefined;
  return ([x], batch, y) => cast(x as Float64Array, y as Float64Array, batch * size);
}

/** Number kernels of the element-wise and table layers; undefined when a conversion needs BigInts. */
function numberKernel(l: Layer, ins: TensorInfo[], out: TensorInfo): Kernel | undefined {
  const X = ins[0]!;
  const C = out.channels;
  const size = out.size;
  const xType = (c: number) => X.types[X.types.length === 1 ? 0 : c % X.channels]!;
  switch (l.kind) {
    case 'Quant':
      return conversionKernel(xType, l, C, size, false);
    case 'ReLU': {
      if (!l.max) return conversionKernel(xType, l, C, size, true);
      // Clipped: the ReLU conversion of every element in one array pass, then the elements above the
      // maximum overwritten with the maximum's conversion (a constant per channel).
      const cast = channelArrayCasts(xType, l, C, { relu: true });
      if (!cast) return undefined;
      const mc = l.max as QuantizedConstant;
      const M = mc.types[0]!;
      const mCasts = castsPerChannel(() => M, l, C);
      if (!mCasts) return undefined;
      const mVal = Number(mc.codes[0]!);
      // x > m compared exactly: both scaled to the larger fraction count, within 2^53.
      const sx = new Float64Array(C);
      const sm = new Float64Array(C);
      const mCode = new Float64Array(C);
      for (let c = 0; c < C; c++) {
        const fx = xType(c).fracBits;
        const F = Math.max(fx, M.fracBits);
        if (xType(c).width + F - fx > 53 || M.width + F - M.fracBits > 53) return undefined;
        sx[c] = 2 ** (F - fx);
        sm[c] = mVal * 2 ** (F - M.fracBits);
        mCode[c] = mCasts[c]!(mVal);
      }
      return ([x], batch, y) => {
        const xs = x as Float64Array;
        const ys = y as Float64Array;
        const n = batch * size;
        cast(xs, ys, n);
        // Reads x after y is written: x is never y here (each layer writes its own tensor).
        for (let i = 0, c = 0; i < n; i++) {
          const v = xs[i]!;
          if (v > 0 && v * sx[c]! > sm[c]!) ys[i] = mCode[c]!;
          if (++c === C) c = 0;
        }
      };
    }
    case 'MaxPool1D':
    case 'MaxPool2D':
    case 'GlobalMaxPool': {
      // Each window's maximum (an input code) into y, then the conversions in one array pass.
      const cast = channelArrayCasts(xType, l, C);
      if (!cast) return undefined;
      const win = poolGather(l, X.shape);
      const inSize = X.size;
      return ([x], batch, y) => {
        const xs = x as Float64Array;
        const ys = y as Float64Array;
        for (let b = 0; b < batch; b++) {
          const xo = b * inSize;
          for (let p = 0; p < win.positions; p++) {
            for (let c = 0; c < C; c++) {
              let best = -Infinity;
              for (let j = 0; j < win.k; j++) {
                const i = win.index[(p * win.k + j) * C + c]!;
                if (i >= 0 && xs[xo + i]! > best) best = xs[xo + i]!;
              }
              ys[b * size + p * C + c] = best;
            }
          }
        }
        cast(ys, ys, batch * size);
      };
    }
    case 'Add':
    case 'Subtract':
    case 'Multiply': {
      if (ins.length !== 2) return undefined;
      const Y = ins[1]!;
      const yType = (c: number) => Y.types[Y.types.length === 1 ? 0 : c % Y.channels]!;
      const kind = l.kind;
      const opType = (c: number) => {
        const a = xType(c);
        const bT = yType(c);
        return kind === 'Add' ? addType(a, bT) : kind === 'Subtract' ? subType(a, bT) : mulType(a, bT);
      };
      const sa = new Float64Array(C);
      const sb = new Float64Array(C);
      for (let c = 0; c < C; c++) {
        const T = opType(c);
        if (T.width > 53) return undefined;
        sa[c] = 2 ** (T.fracBits - xType(c).fracBits);
        sb[c] = 2 ** (T.fracBits - yType(c).fracBits);
      }
      // The exact results (codes of the operation's type, at most 53 bits) into y, then the conversions.
      const cast = channelArrayCasts(opType, l, C);
      if (!cast) return undefined;
      return ([a, b], batch, y) => {
        const as = a as Float64Array;
        const bs = b as Float64Array;
        const ys = y as Float64Array;
        const n = batch * size;
        if (kind === 'Add') {
          for (let i = 0, c = 0; i < n; i++) {
            ys[i] = as[i]! * sa[c]! + bs[i]! * sb[c]!;
            if (++c === C) c = 0;
          }
        } else if (kind === 'Subtract') {
          for (let i = 0, c = 0; i < n; i++) {
            ys[i] = as[i]! * sa[c]! - bs[i]! * sb[c]!;
            if (++c === C) c = 0;
          }
        } else {
          for (let i = 0; i < n; i++) ys[i] = as[i]! * bs[i]!;
        }
        cast(ys, ys, n);
      };
    }
    case 'Flatten':
    case 'Reshape':
      return ([x], batch, y) => (y as Float64Array).set((x as Float64Array).subarray(0, batch * size));
    case 'Concatenate': {
      const axis = l.axis;
      const inner = out.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
      const outer = out.shape.slice(0, axis).reduce((p, d) => p * d, 1);
      // For every output element: which input, which element, which conversion.
      const srcK = new Int32Array(size);
      const srcE = new Int32Array(size);
      const casts: NumberCast[] = [];
      let e = 0;
      for (let o = 0; o < outer; o++) {
        for (let k = 0; k < ins.length; k++) {
          const len = ins[k]!.shape[axis]! * inner;
          for (let j = 0; j < len; j++, e++) {
            srcK[e] = k;
            srcE[e] = o * len + j;
            const cast = numberCast(elementType(ins[k]!, o * len + j), resultType(l, e % C));
            if (!cast) return undefined;
            casts.push(cast);
          }
        }
      }
      const sizes = ins.map((t) => t.size);
      // When every output channel's elements come from one source type (always for a shared input type;
      // along the last axis, each output channel is one input channel), the codes are copied and then
      // converted in one array pass per layer or channel.
      const chanSrc: FixedType[] = [];
      let byChannel = true;
      for (let i = 0; i < size && byChannel; i++) {
        const t = elementType(ins[srcK[i]!]!, srcE[i]!);
        const c = i % C;
        if (chanSrc[c] === undefined) chanSrc[c] = t;
        else if (!chanSrc[c]!.equals(t)) byChannel = false;
      }
      const chanCast = byChannel ? channelArrayCasts((c) => chanSrc[c]!, l, C) : undefined;
      if (chanCast) {
        return (xs, batch, y) => {
          const ys = y as Float64Array;
          for (let b = 0; b < batch; b++) {
            for (let i = 0; i < size; i++) {
              const k = srcK[i]!;
              ys[b * size + i] = (xs[k] as Float64Array)[b * sizes[k]! + srcE[i]!]!;
            }
          }
          chanCast(ys, ys, batch * size);
        };
      }
      return (xs, batch, y) => {
        const ys = y as Float64Array;
        for (let b = 0; b < batch; b++) {
          for (let i = 0; i < size; i++) {
            const k = srcK[i]!;
            ys[b * size + i] = casts[i]!((xs[k] as Float64Array)[b * sizes[k]! + srcE[i]!]!);
          }
        }
      };
    }
    case 'Sigmoid':
    case 'Tanh': {
      if (X.types.length !== 1) return undefined;
      const Xt = X.types[0]!;
      const table = Float64Array.from(activationTable(l.kind, Xt, resultType(l, 0), `layer ${l.name}`), Number);
      const mod = 2 ** Xt.width;
      return ([x], batch, y) => {
        const xs = x as Float64Array;
        const ys = y as Float64Array;
        for (let i = 0; i < batch * size; i++) {
          const v = xs[i]!;
          ys[i] = table[v < 0 ? v + mod : v]!;
        }
      };
    }
    case 'Softmax': {
      if (X.types.length !== 1) return undefined;
      const Xt = X.types[0]!;
      const E = l.expType ?? DEFAULT_SOFTMAX_EXP_TYPE;
      const V = l.invType ?? DEFAULT_SOFTMAX_INV_TYPE;
      const B = l.invTableBits ?? DEFAULT_SOFTMAX_INV_BITS;
      const R = resultType(l, 0);
      const P = mulType(E, V);
      const { sumType, shift } = softmaxSumGeometry(E, C, B);
      if (P.width > 53 || sumType.width > 53) return undefined;
      const cast = numberCastArray(P, R);
      if (!cast) return undefined;
      const expT = Float64Array.from(softmaxExpTable(Xt, E, `layer ${l.name}`), Number);
      const invT = Float64Array.from(softmaxInvTable(E, V, C, B), Number);
      const div = 2 ** shift;
      const e = new Float64Array(C);
      return ([x], batch, y) => {
        const xs = x as Float64Array;
        const ys = y as Float64Array;
        for (let o = 0; o < (batch * size) / C; o++) {
          const base = o * C;
          let m = xs[base]!;
          for (let j = 1; j < C; j++) if (xs[base + j]! > m) m = xs[base + j]!;
          let S = 0;
          for (let j = 0; j < C; j++) {
            e[j] = expT[m - xs[base + j]!]!;
            S += e[j]!;
          }
          const inv = invT[Math.floor(S / div)]!;
          for (let j = 0; j < C; j++) ys[base + j] = e[j]! * inv; // exact: P is at most 53 bits wide
        }
        cast(ys, ys, 0, batch * size, 1);
      };
    }
    default:
      return undefined;
  }
}

function poolGather(l: Layer, inShape: readonly number[]): { positions: number; k: number; index: Int32Array } {
  // Reuse the precision module's window geometry through a MaxPool-shaped call.
  const C = inShape.at(-1)!;
  let g;
  if (l.kind === 'GlobalMaxPool') {
    const sp = inShape.slice(0, -1);
    g = windowIndexFor(inShape, sp, sp, 'valid');
  } else if (l.kind === 'MaxPool1D') g = windowIndexFor(inShape, [l.poolSize], [l.stride], l.padding);
  else if (l.kind === 'MaxPool2D') g = windowIndexFor(inShape, l.poolSize, l.strides, l.padding);
  else throw new Error(`poolGather: ${l.kind}`);
  return { positions: g.positions, k: g.patch / C, index: g.index };
}

// ---------------------------------------------------------------------------------------------------
// Dense / Conv

interface MacChannel {
  readonly fast: boolean;
  /** Number path: pre-scaled weights (patch entries) and the bias already in the accumulator. */
  readonly w: Float64Array;
  readonly bias: number;
  /** Bound on |every partial sum| (number path). */
  readonly bound: number;
}

function macKernel(
  l: MacLayer,
  X: TensorInfo,
  out: TensorInfo,
  fastChannels: Map<string, { fast: number; total: number }>,
  check: boolean,
): Kernel {
  const w = l.weights as QuantizedConstant;
  if (!w.quantized) throw new ModelUsageError(`layer ${l.name}: float weights; run quantize() first`);
  const b = l.bias as QuantizedConstant | undefined;
  if (b && !b.quantized) throw new ModelUsageError(`layer ${l.name}: float bias; run quantize() first`);
  const { positions, patch, index } = macGather(l, X.shape);
  const C = out.channels;
  const Cin = X.channels;
  const wType = (j: number) => (w.types.length === 1 ? w.types[0]! : w.types[j]!);
  const bType = (j: number) => (b!.types.length === 1 ? b!.types[0]! : b!.types[j]!);
  const A = (j: number) => typeAt(l.accum!, typeList(l.accum!).length === 1 ? 0 : j);
  const xType = (k: number) => X.types[X.types.length === 1 ? 0 : k % Cin]!;
  const xMaxAbs = (k: number) => {
    const t = xType(k);
    return Math.max(Math.abs(Number(t.minRaw)), Number(t.maxRaw));
  };
  const numericIn = isNumeric(X);
  const numericOut = isNumeric(out);

  const channels: MacChannel[] = [];
  let nFast = 0;
  for (let j = 0; j < C; j++) {
    const Aj = A(j);
    const Rj = resultType(l, j);
    const biasA = b ? castRaw(b.codes[j]!, bType(j), Aj) : 0n;
    let fast = !check && numericIn && numericOut && Aj.overflow === 'AP_WRAP' && Aj.satBits === 0;
    const wj = new Float64Array(patch);
    let bound = Math.abs(Number(biasA));
    if (fast) {
      for (let k = 0; k < patch; k++) {
        const code = w.codes[k * C + j]!;
        if (code === 0n) continue;
        const sh = Aj.fracBits - xType(k).fracBits - wType(j).fracBits;
        if (sh < 0) {
          fast = false; // the product would be quantized into the accumulator
          break;
        }
        wj[k] = Number(code) * 2 ** sh;
        bound += Math.abs(wj[k]!) * xMaxAbs(k);
      }
    }
    // Every partial sum is an integer of magnitude <= bound: exact in doubles below 2^53.
    if (fast && !(bound < 2 ** 53)) fast = false;
    // Accumulators wider than 53 bits take the BigInt path (their codes, and casts from them, need it).
    if (fast && Aj.width > 53) fast = false;
    if (fast && !numberCast(Aj, Rj)) fast = false;
    if (fast) nFast++;
    channels.push({ fast, w: wj, bias: Number(biasA), bound });
  }
  fastChannels.set(l.name, { fast: nFast, total: C });

  // Number path, laid out for the inner loop: the fast channels' weights, one contiguous row of `patch`
  // entries per channel, in one array.
  const fastIdx = new Int32Array(nFast);
  const fastW = new Float64Array(nFast * patch);
  const fastBias = new Float64Array(nFast);
  const fastCasts: ArrayCast[] = [];
  const fastTypes: { acc: FixedType; res: FixedType; wrap: boolean }[] = [];
  {
    let f = 0;
    channels.forEach((ch, j) => {
      if (!ch.fast) return;
      fastIdx[f] = j;
      fastW.set(ch.w, f * patch);
      fastBias[f] = ch.bias;
      const Aj = A(j);
      // The sums are exact; they need the accumulator's wrap only when the bound does not keep them in range.
      const wrap = !(ch.bound <= Number(Aj.maxRaw) && -ch.bound >= Number(Aj.minRaw));
      fastTypes.push({ acc: Aj, res: resultType(l, j), wrap });
      fastCasts.push(numberCastArray(Aj, resultType(l, j), { wrapSource: wrap })!);
      f++;
    });
  }
  // Every channel on the number path with the same types: a single pass over the whole output. It wraps
  // if any channel needs it; for the others the wrap check never fires (their sums stay in range).
  const first = fastTypes[0];
  const sharedCast =
    first && nFast === C && fastTypes.every((t) => t.acc.equals(first.acc) && t.res.equals(first.res))
      ? numberCastArray(first.acc, first.res, { wrapSource: fastTypes.some((t) => t.wrap) })
      : undefined;

  // BigInt path data: per channel and patch entry, the product type and conversions.
  const slow = channels.map((c, j) => !c.fast ? j : -1).filter((j) => j >= 0);
  const inSize = X.size;
  const outSize = out.size;
  const isDense = l.kind === 'Dense';

  return (inputs, batch, y, sample0) => {
    const x = inputs[0]!;
    if (nFast > 0) {
      const xs = x as Float64Array;
      const ys = y as Float64Array;
      // Exact integer sums first (below 2^53 by the bound), then the wrap and result conversion per channel.
      if (isDense) denseSums(xs, ys, batch * positions, patch, C, nFast, fastIdx, fastW, fastBias);
      else gatherSums(xs, ys, batch, inSize, outSize, positions, patch, C, index, nFast, fastIdx, fastW, fastBias);
      const n = batch * outSize;
      if (sharedCast) sharedCast(ys, ys, 0, n, 1);
      else for (let f = 0; f < nFast; f++) fastCasts[f]!(ys, ys, fastIdx[f]!, n, C);
    }
    if (slow.length === 0) return;
    for (let bIdx = 0; bIdx < batch; bIdx++) {
      for (let p = 0; p < positions; p++) {
        for (const j of slow) {
          const Aj = A(j);
          let acc = b ? castRaw(b.codes[j]!, bType(j), Aj) : 0n;
          const plus = addType(Aj, Aj);
          for (let k = 0; k < patch; k++) {
            const i = index[p * patch + k]!;
            const code = w.codes[k * C + j]!;
            const xv = i >= 0 ? getBig(x, bIdx * inSize + i) : 0n;
            const prodType = mulType(xType(k), wType(j));
            const pc = castRaw(xv * code, prodType, Aj);
            if (check) {
              const conv = convertToFixed(asFraction(xv * code, prodType), Aj);
              if (conv.overflow || conv.underflow) {
                const v = codeToDecimal(xv * code, prodType.fracBits);
                throw new OverflowCheckError(l.name, `product of input ${k}`, p * C + j, v, Aj.toString(), sample0 + bIdx);
              }
            }
            const sum = acc + pc;
            if (check && (sum < Aj.minRaw || sum > Aj.maxRaw)) {
              throw new OverflowCheckError(l.name, `partial sum after input ${k}`, p * C + j, codeToDecimal(sum, Aj.fracBits), Aj.toString(), sample0 + bIdx);
            }
            acc = castRaw(sum, plus, Aj);
          }
          setBig(y, bIdx * outSize + p * C + j, castRaw(acc, Aj, resultType(l, j)));
        }
      }
    }
  };
}

/**
 * Dense sums as a matrix product: row r of x (patch entries at r·patch) times every fast channel's weight
 * row, plus the bias, into y at r·C + channel. Four rows and two channels at a time share each load (eight
 * sums in registers); the order of additions does not matter, every partial sum being an exact integer.
 */
function denseSums(
  xs: Float64Array,
  ys: Float64Array,
  rows: number,
  patch: number,
  C: number,
  nFast: number,
  idx: Int32Array,
  w: Float64Array,
  bias: Float64Array,
): void {
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const x0 = r * patch;
    const x1 = x0 + patch;
    const x2 = x1 + patch;
    const x3 = x2 + patch;
    const y0 = r * C;
    let f = 0;
    for (; f + 2 <= nFast; f += 2) {
      const wa = f * patch;
      const wb = wa + patch;
      let a0 = bias[f]!;
      let a1 = a0;
      let a2 = a0;
      let a3 = a0;
      let b0 = bias[f + 1]!;
      let b1 = b0;
      let b2 = b0;
      let b3 = b0;
      for (let k = 0; k < patch; k++) {
        const u = w[wa + k]!;
        const v = w[wb + k]!;
        const e0 = xs[x0 + k]!;
        const e1 = xs[x1 + k]!;
        const e2 = xs[x2 + k]!;
        const e3 = xs[x3 + k]!;
        a0 += e0 * u;
        a1 += e1 * u;
        a2 += e2 * u;
        a3 += e3 * u;
        b0 += e0 * v;
        b1 += e1 * v;
        b2 += e2 * v;
        b3 += e3 * v;
      }
      const ja = y0 + idx[f]!;
      const jb = y0 + idx[f + 1]!;
      ys[ja] = a0;
      ys[ja + C] = a1;
      ys[ja + 2 * C] = a2;
      ys[ja + 3 * C] = a3;
      ys[jb] = b0;
      ys[jb + C] = b1;
      ys[jb + 2 * C] = b2;
      ys[jb + 3 * C] = b3;
    }
    if (f < nFast) {
      const wa = f * patch;
      let a0 = bias[f]!;
      let a1 = a0;
      let a2 = a0;
      let a3 = a0;
      for (let k = 0; k < patch; k++) {
        const u = w[wa + k]!;
        a0 += xs[x0 + k]! * u;
        a1 += xs[x1 + k]! * u;
        a2 += xs[x2 + k]! * u;
        a3 += xs[x3 + k]! * u;
      }
      const ja = y0 + idx[f]!;
      ys[ja] = a0;
      ys[ja + C] = a1;
      ys[ja + 2 * C] = a2;
      ys[ja + 3 * C] = a3;
    }
  }
  // The last rows, one at a time.
  for (; r < rows; r++) {
    const xo = r * patch;
    for (let f = 0; f < nFast; f++) {
      const wa = f * patch;
      let a = bias[f]!;
      for (let k = 0; k < patch; k++) a += xs[xo + k]! * w[wa + k]!;
      ys[r * C + idx[f]!] = a;
    }
  }
}

/** Convolution sums: each position's patch gathered through `index` (-1: zero padding). */
function gatherSums(
  xs: Float64Array,
  ys: Float64Array,
  batch: number,
  inSize: number,
  outSize: number,
  positions: number,
  patch: number,
  C: number,
  index: Int32Array,
  nFast: number,
  idx: Int32Array,
  w: Float64Array,
  bias: Float64Array,
): void {
  for (let b = 0; b < batch; b++) {
    const xo = b * inSize;
    for (let p = 0; p < positions; p++) {
      const base = p * patch;
      const yo = b * outSize + p * C;
      for (let f = 0; f < nFast; f++) {
        const wa = f * patch;
        let a = bias[f]!;
        for (let k = 0; k < patch; k++) {
          const i = index[base + k]!;
          if (i >= 0) a += xs[xo + i]! * w[wa + k]!;
        }
        ys[yo + idx[f]!] = a;
      }
    }
  }
}
