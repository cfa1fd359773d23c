/**
 * Running a model on whole arrays (what `hlsq run` needs): real or code inputs from .npy arrays, real
 * float64 outputs, and every layer's codes as int64 arrays for traces.
 */
import { fastDomain, quantizeArray } from '../emulator/arrayQuantize.js';
import { fixedFromDouble } from '../emulator/convert.js';
import { InvalidArgumentError } from '../emulator/errors.js';
import type { FixedType } from '../emulator/types.js';
import { sizeOf, type Model } from './format.js';
import { codesToReal, runModel, type RunOptions } from './infer.js';
import type { NpyArray, NpyData } from './npy.js';

export interface ArrayRunOptions extends Pick<RunOptions, 'check' | 'onProgress' | 'chunk' | 'trace'> {
  /** The arrays hold integer codes of the input types instead of real values. */
  codes?: boolean;
}

export interface NamedArray {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float64Array | BigInt64Array;
}

export interface ArrayRunResult {
  readonly batch: number;
  /** The model outputs as real values (float64), shape [batch, ...]. */
  readonly outputs: readonly NamedArray[];
  /** With `trace`: every layer's output codes (int64), shape [batch, ...]; tensors whose codes do not fit int64 are listed in `skipped`. */
  readonly trace: readonly NamedArray[];
  readonly skipped: readonly string[];
}

/** Batch size of an array for an input of shape `shape`: [batch, ...shape], [...shape] (one sample) or [batch, size]. */
function batchOf(a: NpyArray, shape: readonly number[], what: string): number {
  const size = sizeOf(shape);
  const s = a.shape;
  if (s.join() === shape.join()) return 1;
  if (s.length === shape.length + 1 && s.slice(1).join() === shape.join()) return s[0]!;
  if (s.length === 2 && s[1] === size) return s[0]!;
  const forms = [...new Set([`(batch, ${shape.join(', ')})`, `(batch, ${size})`, `(${shape.join(', ')})`])];
  throw new InvalidArgumentError(what, `shape (${s.join(', ')})`, forms.join(' or '));
}

/** Run a model on arrays: real values (vendor double conversion into the input type) or codes. */
export function runArrays(model: Model, inputs: Readonly<Record<string, NpyArray>>, o: ArrayRunOptions = {}): ArrayRunResult {
  let batch: number | undefined;
  const codes: Record<string, bigint[] | Float64Array> = {};
  for (const inp of model.inputs) {
    const a = inputs[inp.name];
    const what = `input ${inp.name}`;
    if (!a) throw new InvalidArgumentError(what, 'nothing', 'an array for every model input');
    const b = batchOf(a, inp.shape, what);
    if (batch !== undefined && b !== batch) throw new InvalidArgumentError(what, `${b} samples`, `${batch} samples like the other inputs`);
    batch = b;
    const t = inp.type;
    if (!t) throw new InvalidArgumentError(what, 'no type', 'a declared input type');
    if (!o.codes && t.width <= 53 && fastDomain(t)) {
      codes[inp.name] = realsToCodes(a.data, t, what);
      continue;
    }
    const out = new Array<bigint>(a.data.length);
    for (let i = 0; i < a.data.length; i++) {
      const v = a.data[i]!;
      if (o.codes) {
        if (typeof v === 'number' && !Number.isInteger(v)) throw new InvalidArgumentError(`${what}[${i}]`, v, 'an integer code (--codes)');
        const c = BigInt(v);
        if (c < t.minRaw || c > t.maxRaw) throw new InvalidArgumentError(`${what}[${i}]`, c, `a code of ${t} (${t.minRaw} to ${t.maxRaw})`);
        out[i] = c;
      } else {
        const x = Number(v);
        if (!Number.isFinite(x)) throw new InvalidArgumentError(`${what}[${i}]`, x, 'a finite number');
        out[i] = fixedFromDouble(x, t).raw;
      }
    }
    codes[inp.name] = out;
  }
  const n = batch ?? 0;
  const res = runModel(model, codes, n, { check: o.check, onProgress: o.onProgress, chunk: o.chunk, trace: o.trace });
  const outputs = model.outputs.map((name) => {
    const info = res.infos.get(name)!;
    return { name, shape: [n, ...info.shape], data: codesToReal(res.outputs.get(name)!, info) };
  });
  const trace: NamedArray[] = [];
  const skipped: string[] = [];
  if (o.trace && res.trace) {
    for (const l of model.layers) {
      const info = res.infos.get(l.name)!;
      if (info.types.some((t) => t.width > 64 || (t.width === 64 && !t.signed))) {
        skipped.push(l.name);
        continue;
      }
      const src = res.trace.get(l.name)!;
      const data = new BigInt64Array(src.length);
      for (let i = 0; i < src.length; i++) data[i] = BigInt(src[i]!);
      trace.push({ name: l.name, shape: [n, ...info.shape], data });
    }
  }
  return { batch: n, outputs, trace, skipped };
}

/**
 * Real values into codes of t (a type of at most 53 bits in the emulator's fast domain), the vendor's
 * double conversion as `fixedFromDouble` does it, through the emulator's array kernel (property-tested
 * equal to it element for element). Non-finite values are refused first, as the per-element path does.
 */
function realsToCodes(data: NpyData, t: FixedType, what: string): Float64Array {
  // Float64Array.from rounds 64-bit integers once, as Number(v) does on the per-element path.
  const x = data instanceof Float64Array || data instanceof Float32Array ? data : Float64Array.from(data as ArrayLike<number | bigint>, Number);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) throw new InvalidArgumentError(`${what}[${i}]`, x[i]!, 'a finite number');
  }
  const codes = quantizeArray(x, t);
  return codes instanceof Float64Array ? codes : Float64Array.from(codes as ArrayLike<number | bigint>, Number);
}
