/**
 * From a model to the files of an HLS project (spec codegen §1): plan the tensors and layers (one rule
 * per layer kind, layers.ts), then lay everything out through the handlebars templates in templates/hls.
 * Templates hold layout only; every number and name arrives here computed. Output is deterministic.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { InvalidArgumentError } from '../emulator/errors.js';
import type { FixedType } from '../emulator/types.js';
import type { Model } from '../model/format.js';
import { cppCodeLiteral, cppTypeName } from './cppType.js';
import { UnsupportedModelError } from './errors.js';
import { PACKAGE_ROOT } from './csim.js';
import { checkPerChannelInputs, inputParams, RULES } from './layers.js';
import { NameTable, sanitize } from './names.js';
import type { Strategy } from './reuse.js';
import type { CodeArray, LayerCode, Tensor, Typedef } from './types.js';

export type IoType = 'parallel' | 'stream';

export interface CodegenOptions {
  /** Top function and project name (default: the model's name, sanitised). */
  readonly top?: string;
  readonly strategy?: Strategy;
  readonly reuseFactor?: number;
  readonly io?: IoType;
  readonly part?: string;
  /** ns */
  readonly clockPeriod?: number;
  /** percent of the clock period */
  readonly clockUncertainty?: number;
  /** First mismatches the testbench prints. */
  readonly maxMismatches?: number;
  /** Where the model came from, for comments (a path as the user gave it). */
  readonly modelFile?: string;
  readonly version: string;
}

export const DEFAULT_PART = 'xcvu13p-flga2577-2-e';
/** Vivado stops unrolling beyond a few thousand multiplications (XFORM 203-504). */
export const UNROLL_WARNING_LIMIT = 4096;

export interface ProjectPlan {
  readonly top: string;
  readonly model: Model;
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly Tensor[];
  readonly layers: readonly LayerCode[];
  /** Tensor name -> tensor (inputs and layer outputs). */
  readonly tensors: ReadonlyMap<string, Tensor>;
  readonly strategy: Strategy;
  readonly reuseFactor: number;
  readonly io: IoType;
  readonly warnings: readonly string[];
}

export const TEMPLATE_DIR = join(PACKAGE_ROOT, 'templates', 'hls');

/** Resolve names, types and one LayerCode per layer. Throws before anything is written. */
export function planProject(model: Model, opts: CodegenOptions): ProjectPlan {
  const strategy = opts.strategy ?? 'latency';
  const reuseFactor = opts.reuseFactor ?? 1;
  const io = opts.io ?? 'parallel';
  if (!Number.isInteger(reuseFactor) || reuseFactor < 1) throw new InvalidArgumentError('--reuse-factor', reuseFactor, 'a positive integer');
  const top = sanitize(opts.top ?? model.name ?? 'myproject');
  const names = new NameTable([top]);
  const tensors = new Map<string, Tensor>();
  const inputs: Tensor[] = [];
  for (const input of model.inputs) {
    if (!input.type) throw new UnsupportedModelError(input.name, 'the model input has no type; a model without a declared input type is refused');
    const id = names.add(input.name);
    const size = input.shape.reduce((a, b) => a * b, 1);
    const t: Tensor = { name: input.name, id, key: id, typeName: `${id}_t`, type: input.type, shape: input.shape, size };
    tensors.set(input.name, t);
    inputs.push(t);
  }
  const layers: LayerCode[] = [];
  const warnings: string[] = [];
  for (const layer of model.layers) {
    const id = names.add(layer.name);
    for (const suffix of ['_out', '_config', '_weights', '_biases', '_table']) names.add(`${layer.name}${suffix}`);
    const ins = layer.inputs.map((n) => {
      const t = tensors.get(n);
      if (!t) throw new UnsupportedModelError(layer.name, `input ${JSON.stringify(n)} is not an earlier tensor`);
      return t;
    });
    const rule = RULES[layer.kind];
    if (!rule) throw new UnsupportedModelError(layer.name, `layer kind ${layer.kind} has no code generator`);
    checkPerChannelInputs(layer, ins);
    const code = rule({ layer, id, inputs: ins, options: { strategy, reuseFactor } });
    tensors.set(layer.name, code.output);
    layers.push(code);
    const perCycle = code.multiplications / reuseFactor;
    if (strategy === 'latency' && perCycle > UNROLL_WARNING_LIMIT) {
      warnings.push(
        `layer ${layer.name}: ${code.multiplications} multiplications at reuse factor ${reuseFactor} = ${Math.ceil(perCycle)} per cycle, above ~${UNROLL_WARNING_LIMIT} where Vivado/Vitis HLS stops unrolling (XFORM 203-504); consider --strategy resource or a larger --reuse-factor`,
      );
    }
  }
  const outputs = model.outputs.map((n) => {
    const t = tensors.get(n);
    if (!t) throw new UnsupportedModelError(n, 'model output is not a tensor of the model');
    if (inputs.includes(t)) throw new UnsupportedModelError(n, 'a model input that is also an output has no datapath to generate');
    return t;
  });
  if (io !== 'parallel' && io !== 'stream') throw new InvalidArgumentError('--io', io, 'parallel or stream');
  const convs = layers.filter((l) => l.layer.kind === 'Conv1D' || l.layer.kind === 'Conv2D');
  const mults = layers.reduce((a, l) => a + l.multiplications, 0);
  if (io === 'parallel' && strategy === 'latency' && convs.length && mults <= UNROLL_WARNING_LIMIT) {
    warnings.push(
      `io_parallel with convolutions uses DATAFLOW at the top; for a CNN this small (${mults} multiplications) PIPELINE II=${reuseFactor} is often better (edit the pragma in firmware/${top}.cpp)`,
    );
  }
  return { top, model, inputs, outputs, layers, tensors, strategy, reuseFactor, io, warnings };
}

// ------------------------------------------------------------------------------------------------
// Rendering
// ------------------------------------------------------------------------------------------------

const hbs = Handlebars.create();
const compiled = new Map<string, Handlebars.TemplateDelegate>();

export function render(template: string, context: object): string {
  let t = compiled.get(template);
  if (!t) {
    const text = readFileSync(join(TEMPLATE_DIR, 'project', `${template}.hbs`), 'utf8');
    t = hbs.compile(text, { noEscape: true, strict: true });
    compiled.set(template, t);
  }
  return t(context);
}

function guard(path: string): string {
  return `${path.replace(/[^A-Za-z0-9]/g, '_').toUpperCase()}_`;
}

/** What the accumulators guarantee, said only when it holds for every one of them. */
function accumNote(plan: ProjectPlan): string[] {
  const accums = plan.layers.flatMap((l) => l.typedefs.filter((t) => t.name === `${l.id}_accum_t` || t.name.startsWith(`${l.id}_accum_c`)));
  if (!accums.length) return [];
  const wrap = accums.every((t) => t.type.kind === 'fixed' && t.type.overflow === 'AP_WRAP' && t.type.satBits === 0);
  if (!wrap) {
    return ['', 'Accumulators: some are not AP_WRAP (declared in the model); their layers add the terms in the model\'s order', '(bias, then the inputs in order), which the generated loops keep.'];
  }
  return [
    '',
    'Accumulators: every product is converted to <layer>_accum_t on its own, partial sums wrap (AP_WRAP), and the',
    'final sum lies in the stated range, which <layer>_accum_t holds: the result does not depend on the order',
    'in which the tool adds the terms.',
  ];
}

function wordTypedefs(plan: ProjectPlan, t: Tensor) {
  if (plan.io !== 'stream') return [];
  return [{ name: wordType(t), cpp: `hlsq::packet<${t.typeName}, ${channels(t)}>`, comment: `one FIFO word: ${channels(t)} channels of one position (${positions(t)} words per inference)` }];
}

function typedefEntry(t: Typedef) {
  return { name: t.name, cpp: cppTypeName(t.type), comment: t.comment };
}

const CODES_PER_ROW = 16;

function arrayRows(a: CodeArray): string[] {
  const rows: string[] = [];
  for (let k = 0; k < a.codes.length; k += CODES_PER_ROW) {
    const chunk = a.codes.slice(k, k + CODES_PER_ROW).map((c) => cppCodeLiteral(c, a.width));
    rows.push(chunk.join(', ') + (k + CODES_PER_ROW < a.codes.length ? ',' : ''));
  }
  return rows;
}

/** The layer function's signature: inputs by value type, then the output. */
function layerSignature(l: LayerCode, name = l.id): string {
  const params = inputParams(l.inputs);
  const args = l.inputs.map((t, k) => `const ${t.typeName} ${params[k]}[${t.size}]`);
  args.push(`${l.output.typeName} out[${l.output.size}]`);
  return `static void ${name}(${args.join(', ')})`;
}

// ---- io_stream: one FIFO word per position (channels last). Convolutions and pools consume their input
// word by word through a line buffer (hlsq/line_buffer.h) and write each output word as soon as its window
// is complete; element-wise layers, tables, softmax, merges and Dense map each word to a word; every other
// layer reads its whole input, computes as in io_parallel, and writes its output words. Layers run
// concurrently under DATAFLOW.

export function channels(t: Tensor): number {
  return t.shape.length ? t.shape[t.shape.length - 1]! : 1;
}

export function positions(t: Tensor): number {
  return t.size / channels(t);
}

export function wordType(t: Tensor): string {
  return `${t.key}_word_t`;
}

/** The stream wrapper of a layer: its streaming kernel, or read every input stream, compute, trace, write. */
function streamWrapper(l: LayerCode): string[] {
  const params = inputParams(l.inputs);
  const args = [
    ...l.inputs.map((t, k) => `hls::stream<${wordType(t)}> &${params[k]}_stream`),
    `hls::stream<${wordType(l.output)}> &out_stream`,
  ];
  const o = l.output;
  if (l.stream?.perWord) {
    const x = l.inputs[0]!;
    // one input: `word`; several (merges): `word0`, `word1`, ... in input order
    const words = l.inputs.length === 1 ? ['word'] : l.inputs.map((_, k) => `word${k}`);
    return [
      `static void ${l.id}(${args.join(', ')}) {`,
      '#pragma HLS INLINE off',
      'PositionLoop:',
      `    for (int p = 0; p < ${positions(x)}; p++) {`,
      `#pragma HLS PIPELINE II = ${l.stream.interval ?? 1}`,
      ...l.inputs.map((t, k) => `        const ${wordType(t)} ${words[k]} = ${params[k]}_stream.read();`),
      `        ${wordType(o)} result;`,
      ...l.stream.call.split('\n').map((line) => `        ${line}`),
      '        out_stream.write(result);',
      '    }',
      `    HLSQ_TRACE_STREAM(${l.id}, out_stream, ${channels(o)}, ${o.type.width});`,
      '}',
    ];
  }
  if (l.stream) {
    return [
      `static void ${l.id}(${args.join(', ')}) {`,
      '#pragma HLS INLINE off',
      `    ${l.stream.call}`,
      `    HLSQ_TRACE_STREAM(${l.id}, out_stream, ${channels(o)}, ${o.type.width});`,
      '}',
    ];
  }
  return [
    `static void ${l.id}(${args.join(', ')}) {`,
    '#pragma HLS INLINE off',
    ...l.inputs.map((t, k) => `    ${t.typeName} ${params[k]}[${t.size}];`),
    `    ${o.typeName} out[${o.size}];`,
    ...l.inputs.map((t, k) => `    hlsq::read_stream<${t.typeName}, ${channels(t)}, ${positions(t)}>(${params[k]}_stream, ${params[k]});`),
    `    ${l.id}_compute(${[...params, 'out'].join(', ')});`,
    `    HLSQ_TRACE_TENSOR(${l.id}, out, ${o.size}, ${o.type.width});`,
    `    hlsq::write_stream<${o.typeName}, ${channels(o)}, ${positions(o)}>(out, out_stream);`,
    '}',
  ];
}

/** Stream variables: what each layer input reads, and the clone steps for tensors read more than once. */
function streamPlan(plan: ProjectPlan) {
  const consumers = new Map<Tensor, string[]>();
  const use = (t: Tensor, who: string) => {
    const list = consumers.get(t) ?? [];
    list.push(who);
    consumers.set(t, list);
  };
  for (const l of plan.layers) l.inputs.forEach((t, k) => use(t, `${l.id}#${k}`));
  for (const t of plan.outputs) use(t, 'port');
  const reads = new Map<string, string>(); // consumer -> stream variable
  const produce = new Map<Tensor, string>(); // tensor -> the stream its producer writes
  const clones: { after: Tensor; line: string }[] = [];
  const locals: { name: string; word: string; depth: number }[] = [];
  const all = [...plan.inputs, ...plan.layers.map((l) => l.output)];
  for (const t of all) {
    const list = consumers.get(t) ?? [];
    const isInput = plan.inputs.includes(t);
    const names = list.map((c, i) => (c === 'port' ? t.id : list.length === 1 ? t.id : `${t.id}_${i}`));
    list.forEach((c, i) => reads.set(c, names[i]!));
    if (list.length <= 1) {
      produce.set(t, t.id);
      if (!isInput && list[0] !== 'port') locals.push({ name: t.id, word: wordType(t), depth: positions(t) });
      continue;
    }
    let src = isInput ? t.id : `${t.id}_src`;
    produce.set(t, src);
    if (!isInput) locals.push({ name: src, word: wordType(t), depth: positions(t) });
    for (const n of names) if (n !== t.id) locals.push({ name: n, word: wordType(t), depth: positions(t) });
    // a chain of two-way clones: src -> names[0], rest -> ...
    for (let i = 0; i < names.length - 1; i++) {
      const last = i === names.length - 2;
      const rest = last ? names[i + 1]! : `${t.id}_fork${i}`;
      if (!last) locals.push({ name: rest, word: wordType(t), depth: positions(t) });
      clones.push({ after: t, line: `hlsq::clone_stream<${t.typeName}, ${channels(t)}, ${positions(t)}>(${src}, ${names[i]}, ${rest});` });
      src = rest;
    }
  }
  return { reads, produce, clones, locals };
}

function isOutput(plan: ProjectPlan, t: Tensor): boolean {
  return plan.outputs.includes(t);
}

/** The C++ variable holding a tensor inside the top function. */
function variable(t: Tensor): string {
  return t.id;
}

function topSignature(plan: ProjectPlan): string {
  if (plan.io === 'stream') {
    const ps = [...plan.inputs, ...plan.outputs].map((t) => `hls::stream<${wordType(t)}> &${variable(t)}`);
    return `void ${plan.top}(${ps.join(', ')})`;
  }
  const params = [
    ...plan.inputs.map((t) => `const ${t.typeName} ${variable(t)}[${t.size}]`),
    ...plan.outputs.map((t) => `${t.typeName} ${variable(t)}[${t.size}]`),
  ];
  return `void ${plan.top}(${params.join(', ')})`;
}

export function pipelineStyle(plan: ProjectPlan): string {
  if (plan.io === 'stream') return 'DATAFLOW';
  const hasConv = plan.layers.some((l) => l.layer.kind === 'Conv1D' || l.layer.kind === 'Conv2D');
  if (plan.strategy === 'resource' || hasConv) return 'DATAFLOW';
  return `PIPELINE II = ${plan.reuseFactor}`;
}

function topBodyStream(plan: ProjectPlan): string[] {
  const body: string[] = [];
  const code = (line: string) => body.push(`    ${line}`);
  const sp = streamPlan(plan);
  for (const s of sp.locals) code(`hls::stream<${s.word}> ${s.name}("${s.name}");`);
  if (sp.locals.length) body.push('');
  code('// Interface and parallelism (read by Vitis HLS during synthesis).');
  body.push('#ifdef __SYNTHESIS__');
  for (const t of [...plan.inputs, ...plan.outputs]) body.push(`#pragma HLS INTERFACE axis port = ${variable(t)}`);
  body.push('#pragma HLS DATAFLOW');
  // depth = every word of the tensor: conservative, since some layers (Flatten/Reshape) read their whole
  // input before writing, and a tensor read twice feeds branches of different latencies
  for (const s of sp.locals) body.push(`#pragma HLS STREAM variable = ${s.name} depth = ${s.depth}`);
  body.push('#endif');
  body.push('');
  const cloneLines = (t: Tensor) => sp.clones.filter((c) => c.after === t).forEach((c) => code(c.line));
  for (const t of plan.inputs) cloneLines(t);
  for (const l of plan.layers) {
    const args = l.inputs.map((_, k) => sp.reads.get(`${l.id}#${k}`)!);
    code(`${l.id}(${[...args, sp.produce.get(l.output)!].join(', ')});`);
    cloneLines(l.output);
  }
  return body;
}

function topBody(plan: ProjectPlan): string[] {
  if (plan.io === 'stream') return topBodyStream(plan);
  const body: string[] = [];
  const code = (line: string) => body.push(`    ${line}`);
  // An output port is write-only for HLS (ap_vld): an output that later layers also read is computed into
  // a local array and copied to its port at the end.
  const readLater = new Set(plan.layers.flatMap((l) => l.inputs));
  const viaLocal = plan.outputs.filter((t) => readLater.has(t));
  const local = (t: Tensor) => (viaLocal.includes(t) ? `${t.id}_local` : variable(t));
  const locals = plan.layers.map((l) => l.output).filter((t) => !isOutput(plan, t) || viaLocal.includes(t));
  for (const t of locals) code(`${t.typeName} ${local(t)}[${t.size}];`);
  if (locals.length) body.push('');
  // g++ does not know HLS pragmas; Vitis HLS defines __SYNTHESIS__ while it synthesises.
  code('// Interface and parallelism (read by Vitis HLS during synthesis).');
  body.push('#ifdef __SYNTHESIS__');
  const pragmas: string[] = [];
  for (const t of plan.inputs) pragmas.push(`ARRAY_RESHAPE variable = ${variable(t)} complete dim = 0`);
  for (const t of plan.outputs) pragmas.push(`ARRAY_PARTITION variable = ${variable(t)} complete dim = 0`);
  pragmas.push(`INTERFACE ap_vld port = ${[...plan.inputs, ...plan.outputs].map(variable).join(',')}`);
  pragmas.push(pipelineStyle(plan));
  for (const t of locals) pragmas.push(`ARRAY_PARTITION variable = ${local(t)} complete dim = 0`);
  for (const p of pragmas) body.push(`#pragma HLS ${p}`);
  body.push('#endif');
  body.push('');
  for (const l of plan.layers) {
    code(`${l.id}(${[...l.inputs.map(local), local(l.output)].join(', ')});`);
    code(`HLSQ_TRACE_TENSOR(${l.id}, ${local(l.output)}, ${l.output.size}, ${l.output.type.width});`);
  }
  for (const t of viaLocal) {
    body.push('');
    code(`for (int i = 0; i < ${t.size}; i++) {`);
    body.push('#ifdef __SYNTHESIS__');
    body.push('#pragma HLS UNROLL');
    body.push('#endif');
    code(`    ${variable(t)}[i] = ${local(t)}[i];`);
    code('}');
  }
  return body;
}

export interface RenderOptions extends CodegenOptions {
  /** Layers whose outputs the golden set traces (ids); the testbench compares them under -DHLSQ_TRACE. */
  readonly traced?: readonly string[];
}

/** Golden file names of the plan's tensors (tb_data/<name>.hex). */
export function goldenName(t: Tensor): string {
  return t.key;
}

/** Every file of the project except tb_data (see vectors.ts), keyed by path relative to the root. */
export function renderProject(plan: ProjectPlan, opts: RenderOptions): Map<string, string> {
  const files = new Map<string, string>();
  const version = opts.version;
  const top = plan.top;
  const modelFile = opts.modelFile ?? `model ${plan.model.name ?? top}`;

  // firmware/defines.h
  const sections = [
    ...plan.inputs.map((t) => ({
      title: `input ${t.name}, shape ${JSON.stringify(t.shape)}`,
      typedefs: [typedefEntry({ name: t.typeName, type: t.type, comment: `model input ${t.name}: declared in the model` })],
      words: wordTypedefs(plan, t),
      constants: [],
    })),
    ...plan.layers.map((l) => ({
      title: `${l.layer.name} (${l.layer.kind}), output shape ${JSON.stringify(l.output.shape)}`,
      typedefs: l.typedefs.map(typedefEntry),
      words: wordTypedefs(plan, l.output),
      constants: [],
    })),
  ];
  files.set('firmware/defines.h', render('defines.h', { top, version, guard: 'DEFINES_H_', stream: plan.io === 'stream', sections, accumNote: accumNote(plan) }));

  // firmware/weights/<layer>.h and firmware/layers/<layer>.h
  for (const l of plan.layers) {
    const streamed = plan.io === 'stream' ? l.stream : undefined;
    const libraries = streamed ? streamed.libraries : l.libraries;
    const includes = [...libraries.map((h) => `../hlsq/${h}`), ...(plan.io === 'stream' ? ['../hlsq/stream.h'] : [])];
    if (l.arrays.length) {
      includes.push(`../weights/${l.id}.h`);
      files.set(
        `firmware/weights/${l.id}.h`,
        render('weights.h', {
          layer: l.layer.name,
          what: l.arrays.map((a) => a.name).join(', '),
          version,
          guard: guard(`weights/${l.id}.h`),
          arrays: l.arrays.map((a) => ({ name: a.name, width: a.width, length: a.codes.length, comment: a.comment, rows: arrayRows(a) })),
        }),
      );
    }
    files.set(
      `firmware/layers/${l.id}.h`,
      render('layer.h', {
        layer: l.layer.name,
        summary: l.summary,
        version,
        guard: guard(`layers/${l.id}.h`),
        includes,
        config: streamed ? [...l.config, ...streamed.config] : l.config,
        configName: `${l.id}_config`,
        // a streaming kernel replaces the array function; otherwise the stream wrapper calls <layer>_compute
        signature: streamed ? '' : layerSignature(l, plan.io === 'stream' ? `${l.id}_compute` : l.id),
        inline: plan.io === 'stream' ? '' : ' off',
        body: l.body,
        wrapper: plan.io === 'stream' ? streamWrapper(l) : [],
      }),
    );
  }

  // firmware/<top>.h and .cpp
  const signature = topSignature(plan);
  files.set(`firmware/${top}.h`, render('top.h', { top, version, modelFile, guard: guard(`${top}.h`), stream: plan.io === 'stream', signatureLines: [`${signature};`] }));
  files.set(
    `firmware/${top}.cpp`,
    render('top.cpp', {
      top,
      version,
      modelFile,
      description: plan.model.description ?? `${plan.layers.length} layers, ${plan.inputs.length} input(s), ${plan.outputs.length} output(s)`,
      stream: plan.io === 'stream',
      layerIncludes: plan.layers.map((l) => l.id),
      signatureOpen: [`${signature} {`],
      body: topBody(plan),
    }),
  );

  // support library
  for (const f of readdirSync(join(TEMPLATE_DIR, 'lib')).sort()) {
    files.set(`firmware/hlsq/${f}`, readFileSync(join(TEMPLATE_DIR, 'lib', f), 'utf8'));
  }

  // testbench
  files.set(`${top}_test.cpp`, renderTestbench(plan, opts));

  // build scripts
  const tclCtx = {
    top,
    version,
    part: opts.part ?? DEFAULT_PART,
    clockPeriod: opts.clockPeriod ?? 5,
    clockUncertainty: opts.clockUncertainty ?? 27,
    partitionLimit: 4096,
  };
  files.set('project.tcl', render('project.tcl', tclCtx));
  files.set('build_opt.tcl', render('build_opt.tcl', tclCtx));
  files.set('build_prj.tcl', render('build_prj.tcl', tclCtx));
  files.set('vivado_synth.tcl', render('vivado_synth.tcl', tclCtx));
  files.set('Makefile', render('Makefile', { top, version }));

  // compat headers for g++ csim without Vitis (hlsq's own, not the vendor's)
  const compat = join(PACKAGE_ROOT, 'cpp_reference', 'include');
  if (existsSync(compat)) {
    for (const f of readdirSync(compat).sort()) if (f.endsWith('.h')) files.set(`compat/${f}`, readFileSync(join(compat, f), 'utf8'));
  }
  return files;
}

function renderTestbench(plan: ProjectPlan, opts: RenderOptions): string {
  const fileEntry = (t: Tensor, suffix: string) => ({
    var: `${t.id}_${suffix}`,
    file: `${goldenName(t)}.hex`,
    width: t.type.width,
    elements: t.size,
  });
  const files = [...plan.inputs.map((t) => fileEntry(t, 'codes')), ...plan.outputs.map((t) => fileEntry(t, 'expected'))];
  const traced = new Set(opts.traced ?? []);
  const traceFiles = plan.layers
    .filter((l) => traced.has(l.id))
    .map((l) => ({ var: `${l.id}_trace`, file: `trace/${l.id}.hex`, width: l.output.type.width, elements: l.output.size, layer: l.id }));
  const drive = plan.io === 'stream' ? driveStream(plan) : driveParallel(plan);
  return render('test.cpp', {
    top: plan.top,
    version: opts.version,
    maxMismatches: opts.maxMismatches ?? 10,
    files,
    firstVar: files[0]!.var,
    firstFile: files[0]!.file,
    traceFiles,
    drive,
  });
}

function driveParallel(plan: ProjectPlan): string[] {
  const drive: string[] = [];
  for (const t of plan.inputs) {
    const w = t.type.width;
    drive.push(`${t.typeName} ${variable(t)}[${t.size}];`);
    drive.push(`for (int e = 0; e < ${t.size}; ++e) {`);
    drive.push(`    ${variable(t)}[e] = hlsq::from_code<${t.typeName}, ${w}>(hlsq::tb::parse_hex<${w}>(${t.id}_codes.hex(s, e)));`);
    drive.push('}');
  }
  for (const t of plan.outputs) drive.push(`${t.typeName} ${variable(t)}[${t.size}];`);
  drive.push(`${plan.top}(${[...plan.inputs, ...plan.outputs].map(variable).join(', ')});`);
  for (const t of plan.outputs) {
    drive.push(`for (int e = 0; e < ${t.size}; ++e) {`);
    drive.push(`    report.compare<${t.typeName}, ${t.type.width}>("${goldenName(t)}", s, e, ${t.id}_expected.hex(s, e), ${variable(t)}[e]);`);
    drive.push('}');
  }
  return drive;
}

/** io_stream: one word per position in, the whole output read back and its word count checked. */
function driveStream(plan: ProjectPlan): string[] {
  const drive: string[] = [];
  for (const t of plan.inputs) {
    const w = t.type.width;
    const C = channels(t);
    drive.push(`hls::stream<${wordType(t)}> ${variable(t)}("${variable(t)}");`);
    drive.push(`for (int p = 0; p < ${positions(t)}; ++p) {`);
    drive.push(`    ${wordType(t)} word;`);
    drive.push(`    for (int c = 0; c < ${C}; ++c) {`);
    drive.push(`        word.data[c] = hlsq::from_code<${t.typeName}, ${w}>(hlsq::tb::parse_hex<${w}>(${t.id}_codes.hex(s, p * ${C} + c)));`);
    drive.push('    }');
    drive.push(`    ${variable(t)}.write(word);`);
    drive.push('}');
  }
  for (const t of plan.outputs) drive.push(`hls::stream<${wordType(t)}> ${variable(t)}("${variable(t)}");`);
  drive.push(`${plan.top}(${[...plan.inputs, ...plan.outputs].map(variable).join(', ')});`);
  for (const t of plan.outputs) {
    const C = channels(t);
    drive.push(`if (${variable(t)}.size() != ${positions(t)}) {`);
    drive.push(`    return report.fail_data(result, "${variable(t)}: the design wrote a different number of words than ${positions(t)}");`);
    drive.push('}');
    drive.push(`for (int p = 0; p < ${positions(t)}; ++p) {`);
    drive.push(`    const ${wordType(t)} word = ${variable(t)}.read();`);
    drive.push(`    for (int c = 0; c < ${C}; ++c) {`);
    drive.push(`        report.compare<${t.typeName}, ${t.type.width}>("${goldenName(t)}", s, p * ${C} + c, ${t.id}_expected.hex(s, p * ${C} + c), word.data[c]);`);
    drive.push('    }');
    drive.push('}');
  }
  for (const t of plan.inputs) {
    drive.push(`if (!${variable(t)}.empty()) return report.fail_data(result, "${variable(t)}: the design left input words unread");`);
  }
  return drive;
}

export function typeSummary(t: FixedType): string {
  return cppTypeName(t);
}
