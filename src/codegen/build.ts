/**
 * `hlsq build` and `hlsq golden` as library functions: load and resolve the model, plan, render, compute
 * the golden vectors, and write the whole tree atomically. Nothing is written when anything fails.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { loadModel } from '../model/load.js';
import { resolveTypes } from '../model/precision.js';
import type { Model } from '../model/format.js';
import { cppTypeName } from './cppType.js';
import { goldenFiles, type Manifest } from './golden.js';
import { pipelineStyle, planProject, render, renderProject, type CodegenOptions, type ProjectPlan } from './project.js';
import { checkGoldenSize, DEFAULT_SAMPLES, goldenTensors, inputsFor, type InputSource } from './vectors.js';
import { writeTreeAtomically } from './writeTree.js';

export interface BuildOptions extends Omit<CodegenOptions, 'modelFile'>, InputSource {
  readonly out: string;
  /** Also write every layer's codes (tb_data/trace/) and compare them under `make trace`. */
  readonly trace?: boolean;
  /** Also write <tensor>_packed.hex (default true). */
  readonly packed?: boolean;
  /** Extra generated files (host module, Verilog testbench), keyed by path. */
  readonly extras?: (plan: ProjectPlan, manifest: Manifest) => Map<string, string>;
}

export interface BuildSummary {
  readonly top: string;
  readonly out: string;
  readonly files: readonly string[];
  readonly layers: readonly { id: string; kind: string; summary: string; result: string; multiplications: number }[];
  readonly samples: number;
  readonly inputSource: string;
  readonly warnings: readonly string[];
  readonly manifest: Manifest;
}

/** Load a model file and write out every omitted type (precision inference). */
export function loadResolved(modelPath: string): Model {
  return resolveTypes(loadModel(modelPath));
}

function commandLine(modelFile: string, o: BuildOptions): string {
  const parts = ['hlsq build', modelFile, '--out <dir>'];
  parts.push(`--strategy ${o.strategy ?? 'latency'}`, `--reuse-factor ${o.reuseFactor ?? 1}`, `--io ${o.io ?? 'parallel'}`);
  if (o.npy && Object.keys(o.npy).length) parts.push(...Object.entries(o.npy).map(([k, v]) => `--input ${k ? `${k}=` : ''}${basename(v)}`));
  else parts.push(`--samples ${o.samples ?? 100}`, `--seed ${o.seed ?? 1}`);
  if (o.trace) parts.push('--trace');
  return parts.join(' ');
}

/** Every file of the project, golden vectors included, in memory. */
export function generateProject(model: Model, modelFile: string, opts: BuildOptions): { plan: ProjectPlan; files: Map<string, string>; summary: Omit<BuildSummary, 'out'> } {
  const name = basename(modelFile);
  const plan = planProject(model, { ...opts, modelFile: name });
  if (!opts.npy || !Object.keys(opts.npy).length) checkGoldenSize(plan, opts.samples ?? DEFAULT_SAMPLES, !!opts.trace);
  const inputs = inputsFor(plan.model, opts);
  const tensors = goldenTensors(plan, inputs, !!opts.trace);
  const { files: golden, manifest } = goldenFiles(tensors, {
    top: plan.top,
    samples: inputs.batch,
    generatorVersion: opts.version,
    packed: opts.packed ?? true,
    prefix: 'tb_data/',
  });
  const files = renderProject(plan, { ...opts, modelFile: name, traced: opts.trace ? plan.layers.map((l) => l.id) : [] });
  for (const [k, v] of golden) files.set(k, v);
  const extras = opts.extras?.(plan, manifest) ?? new Map<string, string>();
  for (const [k, v] of extras) files.set(k, v);
  const layers = plan.layers.map((l) => ({
    id: l.id,
    kind: l.layer.kind,
    summary: l.summary,
    result: cppTypeName(l.output.type),
    multiplications: l.multiplications,
  }));
  const config = {
    generator: { name: 'hlsq', version: opts.version },
    model: { file: name, name: plan.model.name ?? null },
    top: plan.top,
    io: plan.io,
    strategy: plan.strategy,
    reuseFactor: plan.reuseFactor,
    part: opts.part ?? null,
    clockPeriod: opts.clockPeriod ?? 5,
    inputs: inputs.source,
    samples: inputs.batch,
    trace: !!opts.trace,
    layers,
  };
  files.set('hlsq-config.json', JSON.stringify(config, null, 2) + '\n');
  const shape = (s: readonly number[]) => `[${s.join(', ')}]`;
  files.set(
    'README.md',
    render('README.md', {
      top: plan.top,
      version: opts.version,
      modelFile: name,
      command: commandLine(name, opts),
      io: plan.io,
      strategy: plan.strategy,
      reuseFactor: plan.reuseFactor,
      pipeline: pipelineStyle(plan),
      layers: plan.layers.map((l) => ({ id: l.id, kind: l.layer.kind, summary: l.summary, shape: shape(l.output.shape), type: cppTypeName(l.output.type) })),
      inputs: plan.inputs.map((t) => ({ id: t.id, shape: shape(t.shape), type: cppTypeName(t.type) })),
      outputs: plan.outputs.map((t) => ({ id: t.id, shape: shape(t.shape), type: cppTypeName(t.type) })),
      warnings: plan.warnings,
      stream: plan.io === 'stream',
      windowed: listOr(plan.layers.filter((l) => l.stream && !l.stream.perWord).map((l) => `\`${l.id}\``)),
      perWord: listOr(plan.layers.filter((l) => l.stream?.perWord).map((l) => `\`${l.id}\``)),
      buffered: listOr(plan.layers.filter((l) => !l.stream).map((l) => `\`${l.id}\``)),
      samples: inputs.batch,
      host: [...files.keys()].some((k) => k.startsWith('host/')),
      verilog: [...files.keys()].some((k) => k.startsWith('tb/')),
      part: opts.part ?? 'xcvu13p-flga2577-2-e',
      clockPeriod: opts.clockPeriod ?? 5,
    }),
  );
  return {
    plan,
    files,
    summary: { top: plan.top, files: [...files.keys()].sort(), layers, samples: inputs.batch, inputSource: inputs.source, warnings: plan.warnings, manifest },
  };
}

function listOr(items: readonly string[], none = 'none'): string {
  return items.length ? items.join(', ') : none;
}

/** `hlsq build`: generate and write atomically. */
export function buildProject(modelPath: string, opts: BuildOptions): BuildSummary {
  const model = loadResolved(modelPath);
  const { files, summary } = generateProject(model, modelPath, opts);
  writeTreeAtomically(opts.out, files);
  return { ...summary, out: opts.out };
}

export interface GoldenOptions extends InputSource {
  readonly out: string;
  readonly trace?: boolean;
  readonly packed?: boolean;
  readonly top?: string;
  readonly version: string;
}

/** `hlsq golden`: only the vectors and their manifest, written atomically into `out`. */
export function writeGolden(modelPath: string, opts: GoldenOptions): { out: string; files: string[]; samples: number; manifest: Manifest; inputSource: string } {
  const model = loadResolved(modelPath);
  const plan = planProject(model, { version: opts.version, ...(opts.top ? { top: opts.top } : {}) });
  if (!opts.npy || !Object.keys(opts.npy).length) checkGoldenSize(plan, opts.samples ?? DEFAULT_SAMPLES, !!opts.trace);
  const inputs = inputsFor(plan.model, opts);
  const tensors = goldenTensors(plan, inputs, !!opts.trace);
  const { files, manifest } = goldenFiles(tensors, { top: plan.top, samples: inputs.batch, generatorVersion: opts.version, packed: opts.packed ?? true });
  writeTreeAtomically(opts.out, files);
  return { out: opts.out, files: [...files.keys()].sort(), samples: inputs.batch, manifest, inputSource: inputs.source };
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
