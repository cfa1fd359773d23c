/**
 * Golden vectors from the bit-exact engine (spec codegen §7.2): input codes (seeded random over each
 * input type's raw range, or real values from .npy files converted with the vendor's double -> ap_fixed
 * rule), the engine's output codes and, optionally, every layer's codes.
 */
import { InvalidArgumentError } from '../emulator/errors.js';
import { fixedFromDouble } from '../emulator/convert.js';
import type { Model } from '../model/format.js';
import { runModel, type BatchCodes } from '../model/infer.js';
import { npyToFloat64, readNpy } from '../model/npy.js';
import type { GoldenTensor } from './golden.js';
import type { ProjectPlan } from './project.js';
import { toContainerCode } from './container.js';
import type { Tensor } from './types.js';
import { goldenName } from './project.js';
import { randomCode, SplitMix64 } from './random.js';

export const DEFAULT_SAMPLES = 100;
export const DEFAULT_SEED = 1;

export interface InputSource {
  /** Random codes: how many samples (default 100) and the seed (default 1). */
  readonly samples?: number;
  readonly seed?: number;
  /** .npy files of real values, one per model input (keys: input names; a single-input model may use ''). */
  readonly npy?: Readonly<Record<string, string>>;
}

export interface InputCodes {
  readonly batch: number;
  readonly codes: Record<string, bigint[]>;
  /** How the inputs were made, for the manifest and the summary. */
  readonly source: string;
}

function checkSamples(n: number): void {
  if (!Number.isSafeInteger(n) || n < 1 || n > 10_000_000) throw new InvalidArgumentError('--samples', n, 'an integer from 1 to 10000000');
}

/**
 * Golden vectors are held in memory as BigInt codes and their text before they are written (about 160
 * bytes per code, measured); far past this many codes a run would exhaust Node's heap and die with a
 * stack trace instead of an error. 2^23 codes is about 400,000 samples of the jet-tagging MLP.
 */
export const MAX_GOLDEN_CODES = 2 ** 23;

/** Codes one sample contributes to the golden vectors: inputs, outputs, and every layer when traced. */
export function goldenCodesPerSample(plan: ProjectPlan, trace: boolean): number {
  const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
  let n = 0;
  for (const t of [...plan.inputs, ...plan.outputs]) n += size(t.shape);
  if (trace) for (const l of plan.layers) n += size(l.output.shape);
  return n;
}

/** Refuses a sample count whose golden vectors would not fit in memory, before any is computed. */
export function checkGoldenSize(plan: ProjectPlan, samples: number, trace: boolean, option = '--samples'): void {
  const per = goldenCodesPerSample(plan, trace);
  if (samples * per <= MAX_GOLDEN_CODES) return;
  throw new InvalidArgumentError(
    option,
    samples,
    `at most ${Math.floor(MAX_GOLDEN_CODES / per)} samples for this model (${per} codes per sample${trace ? ' with --trace' : ''}; ` +
      `golden vectors are limited to ${MAX_GOLDEN_CODES} codes per run: split the samples over several runs)`,
  );
}

/** Codes drawn uniformly over every input type's raw range: sample by sample, input by input. */
export function randomInputs(model: Model, samples: number, seed: number): InputCodes {
  checkSamples(samples);
  if (!Number.isSafeInteger(seed)) throw new InvalidArgumentError('--seed', seed, 'an integer');
  const rng = new SplitMix64(BigInt(seed));
  const codes: Record<string, bigint[]> = {};
  for (const inp of model.inputs) codes[inp.name] = [];
  for (let s = 0; s < samples; s++) {
    for (const inp of model.inputs) {
      const size = inp.shape.reduce((a, b) => a * b, 1);
      const arr = codes[inp.name]!;
      for (let e = 0; e < size; e++) arr.push(randomCode(rng, inp.type!));
    }
  }
  return { batch: samples, codes, source: `random codes over each input type's range, seed ${seed}` };
}

/** Real inputs from .npy files: shape (N, ...input shape) or the input shape itself (one sample). */
export function npyInputs(model: Model, files: Readonly<Record<string, string>>): InputCodes {
  const codes: Record<string, bigint[]> = {};
  let batch: number | undefined;
  // Every file given must be used: an unknown name or a second file for the only input is an error, never
  // a file silently left out.
  const names = model.inputs.map((i) => i.name);
  for (const [name, path] of Object.entries(files)) {
    if (name === '' && names.length !== 1) throw new InvalidArgumentError('--input', path, `<input name>=<file.npy> for each of the model's inputs (${names.join(', ')})`);
    if (name === '' && names[0]! in files) throw new InvalidArgumentError('--input', path, `one file per model input (input ${names[0]} is also given by name)`);
    if (name !== '' && !names.includes(name)) throw new InvalidArgumentError('--input', `${name}=${path}`, `a model input name: ${names.join(', ')}`);
  }
  for (const inp of model.inputs) {
    const path = files[inp.name] ?? (model.inputs.length === 1 ? files[''] : undefined);
    if (!path) throw new InvalidArgumentError('--input', Object.keys(files).join(','), `a .npy file for every model input (missing: ${inp.name}; use --input ${inp.name}=<file.npy>)`);
    const a = readNpy(path);
    const size = inp.shape.reduce((p, d) => p * d, 1);
    const values = npyToFloat64(a, path);
    const sameShape = a.shape.length === inp.shape.length && a.shape.every((d, k) => d === inp.shape[k]);
    const batched = a.shape.length === inp.shape.length + 1 && a.shape.slice(1).every((d, k) => d === inp.shape[k]);
    if (!sameShape && !batched) {
      throw new InvalidArgumentError(`--input ${path}`, a.shape, `shape [N, ${inp.shape.join(', ')}] or [${inp.shape.join(', ')}] for input ${inp.name}`);
    }
    const n = values.length / size;
    if (n < 1) throw new InvalidArgumentError(`--input ${path}`, a.shape, 'at least one sample');
    if (batch !== undefined && n !== batch) throw new InvalidArgumentError(`--input ${path}`, n, `${batch} samples, as the other inputs`);
    batch = n;
    const out: bigint[] = new Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v)) throw new InvalidArgumentError(`${path}[${i}]`, v, 'a finite real value');
      out[i] = fixedFromDouble(v, inp.type!).raw;
    }
    codes[inp.name] = out;
  }
  return { batch: batch!, codes, source: `real values from ${Object.values(files).join(', ')}, converted as input_t x = (double)v` };
}

export function inputsFor(model: Model, src: InputSource): InputCodes {
  if (src.npy && Object.keys(src.npy).length) return npyInputs(model, src.npy);
  return randomInputs(model, src.samples ?? DEFAULT_SAMPLES, src.seed ?? DEFAULT_SEED);
}

function toBig(codes: BatchCodes): bigint[] {
  if (codes instanceof Float64Array) return Array.from(codes, (c) => BigInt(c));
  return codes;
}

/**
 * A per-channel tensor's engine codes (element e in its channel type) as its container's codes: the same
 * values, so the container's code is the channel code shifted to the container's finer step.
 */
function containerCodes(t: Tensor, codes: bigint[]): bigint[] {
  const types = t.perChannel;
  if (!types) return codes;
  const L = types.length;
  const per = t.size;
  return codes.map((c, i) => toContainerCode(c, types[(i % per) % L]!, t.type));
}

/** Runs the engine and returns the golden tensors of a planned project. */
export function goldenTensors(plan: ProjectPlan, inputs: InputCodes, trace: boolean): GoldenTensor[] {
  checkGoldenSize(plan, inputs.batch, trace, inputs.source.startsWith('real values') ? '--input' : '--samples');
  const run = runModel(plan.model, inputs.codes, inputs.batch, { trace });
  const tensors: GoldenTensor[] = [];
  for (const t of plan.inputs) {
    tensors.push({ name: goldenName(t), role: 'input', port: t.id, shape: t.shape, type: t.type, codes: inputs.codes[t.name]! });
  }
  for (const t of plan.outputs) {
    tensors.push({ name: goldenName(t), role: 'output', port: t.id, layer: t.key, shape: t.shape, type: t.type, codes: containerCodes(t, toBig(run.outputs.get(t.name)!)) });
  }
  if (trace) {
    for (const l of plan.layers) {
      tensors.push({ name: l.output.key, role: 'trace', layer: l.id, shape: l.output.shape, type: l.output.type, codes: containerCodes(l.output, toBig(run.trace!.get(l.layer.name)!)) });
    }
  }
  return tensors;
}
