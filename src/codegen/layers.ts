/**
 * One rule per layer kind: from a model layer (types resolved) to its C++ (typedefs, constant arrays,
 * config struct, function body). Every rule emits exactly the expression docs/model-format.md §4 defines
 * for its kind, so g++ computes what the engine computes; anything a rule cannot emit exactly is refused.
 */
import { FixedType } from '../emulator/types.js';
import { typeList, type Constant, type Layer, type LayerKind, type LayerOf, type TypeSpec } from '../model/format.js';
import { axisWindow, type AxisWindow } from '../model/geometry.js';
import { defaultReciprocal } from '../model/tables.js';
import { containerType, toContainerCode, typeGroups } from './container.js';
import { cppTypeName } from './cppType.js';
import { UnsupportedModelError } from './errors.js';
import { checkReuseFactor, type Strategy } from './reuse.js';
import { tableFor, softmaxTablesFor } from './tables.js';
import type { CodeArray, LayerCode, StreamKernel, Tensor, Typedef } from './types.js';

export interface RuleOptions {
  readonly strategy: Strategy;
  readonly reuseFactor: number;
}

export interface RuleContext {
  readonly layer: Layer;
  readonly id: string;
  readonly inputs: readonly Tensor[];
  readonly options: RuleOptions;
}

type Rule = (ctx: RuleContext) => LayerCode;

// ------------------------------------------------------------------------------------------------
// Helpers shared by the rules
// ------------------------------------------------------------------------------------------------

/** One type for the whole tensor; a per-channel list is accepted only when all its types are equal. */
export function singleType(spec: TypeSpec | undefined, layer: string, field: string): FixedType | undefined {
  if (spec === undefined) return undefined;
  const list = Array.isArray(spec) ? (spec as readonly FixedType[]) : [spec as FixedType];
  const first = list[0]!;
  if (list.some((t) => !t.equals(first))) {
    throw new UnsupportedModelError(layer, `${field} has per-channel types; codegen v1 emits one type per tensor (freeze the model with per-tensor types)`);
  }
  return first;
}

function required(t: FixedType | undefined, layer: string, field: string): FixedType {
  if (!t) throw new UnsupportedModelError(layer, `${field} type is missing (run precision inference or freeze the model first)`);
  return t;
}

export interface PlainConstant {
  readonly type: FixedType;
  readonly codes: readonly bigint[];
  readonly shape: readonly number[];
  /** The model's per-channel types when `type` is a container holding all of them. */
  readonly perChannel?: readonly FixedType[];
}

/**
 * A constant with one C++ type. Per-channel types are re-expressed exactly in one container type (the
 * widest integer part, the finest step, signed if any channel is): every value is unchanged, so every
 * product and sum is the same exact value, and a conversion of it gives the same code, except through
 * AP_WRAP_SM with N = 0, whose result reads a bit of the source type's width; `checkContainer` refuses that.
 */
function constantOf(c: Constant, layer: string, field: string): PlainConstant {
  if (!c.quantized) throw new UnsupportedModelError(layer, `${field} is a float constant; quantize the model first (codegen emits integer codes only)`);
  const types = c.types;
  const first = types[0]!;
  if (types.every((t) => t.equals(first))) return { type: first, codes: c.codes, shape: c.shape };
  const container = containerType(types);
  const C = types.length;
  const codes = c.codes.map((code, i) => toContainerCode(code, types[i % C]!, container));
  return { type: container, codes, shape: c.shape, perChannel: types };
}

function checkContainer(layer: string, k: PlainConstant, field: string, converts: FixedType, into: string): void {
  if (k.perChannel && converts.overflow === 'AP_WRAP_SM' && converts.satBits === 0) {
    throw new UnsupportedModelError(
      layer,
      `${field} has per-channel types and ${into} is ${converts}: AP_WRAP_SM with N = 0 depends on the source type's width, so codegen v1 needs one ${field} type here`,
    );
  }
}

/**
 * A conversion of a value read from a per-channel tensor's container: exact except through AP_WRAP_SM
 * with N = 0 (its result reads a bit of the source type's width, which the container changes).
 */
function checkInputContainer(layer: string, x: Tensor, converts: FixedType, into: string): void {
  if (x.perChannel && converts.overflow === 'AP_WRAP_SM' && converts.satBits === 0) {
    throw new UnsupportedModelError(
      layer,
      `input ${x.name} has per-channel types and ${into} is ${converts}: AP_WRAP_SM with N = 0 depends on the source type's width, so codegen v1 needs one type for ${x.name} here`,
    );
  }
}

/** Layers that read a per-channel tensor (held in its container type) and compute what the engine does from its exact values. */
const READS_PER_CHANNEL: ReadonlySet<LayerKind> = new Set<LayerKind>(['Dense', 'Conv1D', 'Conv2D', 'BatchNorm', 'ReLU', 'LeakyReLU', 'Quant']);

/** Refuses a layer reading a per-channel tensor unless codegen computes it exactly from the container. */
export function checkPerChannelInputs(layer: Layer, inputs: readonly Tensor[]): void {
  const x = inputs.find((t) => t.perChannel);
  if (!x) return;
  if (!READS_PER_CHANNEL.has(layer.kind)) {
    throw new UnsupportedModelError(
      layer.name,
      `input ${x.name} has per-channel types; codegen v1 reads per-channel tensors only in ${[...READS_PER_CHANNEL].join(', ')} (freeze ${x.name} with one result type)`,
    );
  }
  // A MAC layer converts the input's products into its accumulators (macTypes checks those); its result
  // conversion reads its own accumulator. The element-wise layers convert from the input into their result.
  if (layer.kind === 'Dense' || layer.kind === 'Conv1D' || layer.kind === 'Conv2D') return;
  if (layer.result) for (const t of typeList(layer.result)) checkInputContainer(layer.name, x, t, 'the result');
}

function constantComment(layer: Layer, key: string, k: PlainConstant): string {
  if (!k.perChannel) return provenance(layer, key, declared(layer, key));
  const distinct = [...new Set(k.perChannel.map((t) => t.toString()))];
  return `per-channel types ${distinct.join(' | ')} (declared in the model), held exactly in one container type`;
}

function provenance(layer: Layer, key: string, fallback: string): string {
  return layer.provenance?.[key] ?? fallback;
}

function declared(layer: Layer, field: string): string {
  return `declared in the model (${layer.name}.${field})`;
}

function tensor(id: string, key: string, name: string, typeName: string, type: FixedType, shape: readonly number[]): Tensor {
  return { id, key, name, typeName, type, shape, size: shape.reduce((a, b) => a * b, 1) };
}

function codeTypeLines(prefix: string, width: number): string[] {
  return [`typedef hlsq::code_storage<${width}>::type ${prefix}_code_t;`, `static const int ${prefix}_width = ${width};`];
}

function nonzero(codes: readonly bigint[]): number {
  let n = 0;
  for (const c of codes) if (c !== 0n) n++;
  return n;
}

function ceilLog2(n: number): number {
  let c = 0;
  while (2 ** c < n) c++;
  return c;
}

function resultTensor(ctx: RuleContext, type: FixedType, perChannel?: readonly FixedType[]): Tensor {
  const t = tensor(`${ctx.id}_out`, ctx.id, ctx.layer.name, `${ctx.id}_result_t`, type, ctx.layer.shape);
  return perChannel ? { ...t, perChannel } : t;
}

function resultTypedef(ctx: RuleContext, type: FixedType, fallback?: string): Typedef {
  return { name: `${ctx.id}_result_t`, type, comment: provenance(ctx.layer, 'result', fallback ?? declared(ctx.layer, 'result')) };
}

/** Arguments of the layer function: `in` (or in0, in1, ...) then `out`. */
export function inputParams(inputs: readonly Tensor[]): string[] {
  return inputs.length === 1 ? ['in'] : inputs.map((_, k) => `in${k}`);
}

/** Per output channel of a MAC layer: the index of its (accumulator, result) type pair among the distinct pairs. */
interface ChannelTypes {
  readonly accums: readonly FixedType[];
  readonly results: readonly FixedType[];
  readonly of: readonly number[];
}

function macTypes(ctx: RuleContext, l: LayerOf<'Dense' | 'Conv1D' | 'Conv2D'>, nOut: number) {
  const name = l.name;
  const weights = constantOf(l.weights, name, 'weights');
  const bias: PlainConstant = l.bias
    ? constantOf(l.bias, name, 'bias')
    : { type: new FixedType(1, 1, false), codes: new Array<bigint>(nOut).fill(0n), shape: [nOut] };
  if (!l.accum) required(undefined, name, 'accum');
  if (!l.result) required(undefined, name, 'result');
  const accumList = typeList(l.accum!);
  const resultList = typeList(l.result!);
  const accumAt = (j: number) => accumList[accumList.length === 1 ? 0 : j]!;
  const resultAt = (j: number) => resultList[resultList.length === 1 ? 0 : j]!;
  const pairs = Array.from({ length: nOut }, (_, j) => [accumAt(j), resultAt(j)] as const);
  const { groups, of } = typeGroups(pairs, (a, b) => a[0].equals(b[0]) && a[1].equals(b[1]));
  const channelTypes: ChannelTypes | undefined =
    groups.length > 1 ? { accums: groups.map((g) => g[0]), results: groups.map((g) => g[1]), of } : undefined;
  const accum = channelTypes ? containerType(channelTypes.accums) : groups[0]![0];
  const result = channelTypes ? containerType(channelTypes.results) : groups[0]![1];
  const input = ctx.inputs[0]!;
  for (const a of channelTypes ? channelTypes.accums : [accum]) {
    checkContainer(name, weights, 'weights', a, 'the accumulator');
    checkContainer(name, bias, 'bias', a, 'the accumulator');
    checkInputContainer(name, input, a, 'the accumulator');
  }
  const typedefs: Typedef[] = [
    { name: `${ctx.id}_weight_t`, type: weights.type, comment: constantComment(l, 'weights', weights) },
    {
      name: `${ctx.id}_bias_t`,
      type: bias.type,
      comment: l.bias ? constantComment(l, 'bias', bias) : 'no bias in the model: zero codes (accum_t(0) = 0 in every mode)',
    },
  ];
  if (channelTypes) {
    channelTypes.accums.forEach((a, k) => typedefs.push({ name: `${ctx.id}_accum_c${k}_t`, type: a, comment: `accumulator of channel group ${k} (${channelsOf(of, k)})` }));
    channelTypes.results.forEach((r, k) => typedefs.push({ name: `${ctx.id}_result_c${k}_t`, type: r, comment: `result of channel group ${k} (${channelsOf(of, k)})` }));
    typedefs.push(
      { name: `${ctx.id}_accum_t`, type: accum, comment: `container holding every channel group's accumulator exactly (per-channel accum: ${provenance(l, 'accum', declared(l, 'accum'))})` },
      { name: `${ctx.id}_result_t`, type: result, comment: `container holding every channel group's result exactly (per-channel result: ${provenance(l, 'result', declared(l, 'result'))})` },
    );
  } else {
    typedefs.push({ name: `${ctx.id}_accum_t`, type: accum, comment: provenance(l, 'accum', declared(l, 'accum')) }, resultTypedef(ctx, result));
  }
  const arrays: CodeArray[] = [
    { name: `${ctx.id}_weights`, width: weights.type.width, codes: weights.codes, comment: `${l.name} weights ${JSON.stringify(weights.shape)}, ${cppTypeName(weights.type)}` },
    { name: `${ctx.id}_biases`, width: bias.type.width, codes: bias.codes, comment: `${l.name} biases [${nOut}], ${cppTypeName(bias.type)}` },
  ];
  // the output is a per-channel tensor only when its channels' result types differ (per-channel accumulators
  // with one result type give an ordinary tensor of that type)
  const perChannelResult = resultList.some((r) => !r.equals(resultList[0]!)) ? resultList : undefined;
  return { weights, bias, accum, result, perChannelResult, channelTypes, typedefs, arrays };
}

/** The channels of group k, for a typedef comment: "channels 0, 2, 5" (at most 8 listed). */
function channelsOf(of: readonly number[], k: number): string {
  const js = of.flatMap((g, j) => (g === k ? [j] : []));
  const shown = js.slice(0, 8).join(', ');
  return `channel${js.length > 1 ? 's' : ''} ${shown}${js.length > 8 ? `, ... (${js.length} in all)` : ''}`;
}

/**
 * The config's `channels` struct (see mac.h): channel j converts the bias, each product and each partial
 * sum into its own accumulator type A_k and the final sum into its own result type R_k, exactly as the
 * model's rule does; accum_t and res_T only store those values, which they hold exactly (container.ts).
 */
function channelsStruct(id: string, nOut: number, ct: ChannelTypes | undefined): string[] {
  if (!ct) return ['typedef hlsq::same_types<accum_t> channels;'];
  const n = ct.accums.length;
  const cases = (body: (k: number) => string) =>
    ct.accums.map((_, k) => `            ${k === n - 1 ? 'default' : `case ${k}`}: ${body(k)}`);
  const A = (k: number) => `${id}_accum_c${k}_t`;
  return [
    '// per-channel types: channel j computes in its own group\'s types (the _cK_t typedefs)',
    'struct channels {',
    '    static int group(int j) {',
    `        static const int of[${nOut}] = {${ct.of.join(', ')}};`,
    '        return of[j];',
    '    }',
    '    template <class B> static accum_t start(int j, const B &b) {',
    '        switch (group(j)) {',
    ...cases((k) => `return accum_t(${A(k)}(b));`),
    '        }',
    '    }',
    '    template <class P> static accum_t add(int j, const accum_t &acc, const P &p) {',
    '        switch (group(j)) {',
    ...cases((k) => `return accum_t(${A(k)}(${A(k)}(acc) + ${A(k)}(p)));`),
    '        }',
    '    }',
    '    template <class R> static R result(int j, const accum_t &acc) {',
    '        switch (group(j)) {',
    ...cases((k) => `return R(${id}_result_c${k}_t(${A(k)}(acc)));`),
    '        }',
    '    }',
    '};',
  ];
}

function macConfig(ctx: RuleContext, nIn: number, nOut: number, weightWidth: number, biasWidth: number, accums: readonly FixedType[], resource: boolean, ct?: ChannelTypes): string[] {
  const rf = ctx.options.reuseFactor;
  checkReuseFactor(ctx.layer.name, nIn, nOut, rf, resource ? 'resource' : 'latency');
  const notWrap = accums.find((a) => a.overflow !== 'AP_WRAP' || a.satBits !== 0);
  if (resource && notWrap) {
    throw new UnsupportedModelError(
      ctx.layer.name,
      `the resource strategy reorders the accumulation, which is exact only with an AP_WRAP (N = 0) accumulator; accum is ${notWrap}`,
    );
  }
  const total = nIn * nOut;
  return [
    `static const int reuse_factor = ${rf};`,
    `static const int block_factor = ${Math.ceil(total / rf)};`,
    `static const int multiplier_limit = ${Math.ceil(total / rf)};`,
    `static const hlsq::strategy strategy = hlsq::${resource ? 'resource' : 'latency'};`,
    `typedef ${ctx.id}_weight_t weight_t;`,
    `typedef ${ctx.id}_bias_t bias_t;`,
    `typedef ${ctx.id}_accum_t accum_t;`,
    ...codeTypeLines('weight', weightWidth),
    ...codeTypeLines('bias', biasWidth),
    ...channelsStruct(ctx.id, nOut, ct),
  ];
}

/** Padding after the input that the last window reaches (0 under 'valid'; unused trailing inputs are still read). */
function padAfter(length: number, kernel: number, stride: number, w: AxisWindow): number {
  return Math.max(0, (w.out - 1) * stride + kernel - w.padBefore - length);
}

/**
 * The io_stream window geometry (line_buffer.h): the window slides over the padded frame one position
 * per iteration at II = `interval`. `rows` is omitted for 1-D kernels (their adaptor sets one row).
 */
function slidingConfig(
  window: readonly [number, number],
  cols: { pad: number },
  interval: number,
  rows?: { pad: number },
): string[] {
  return [
    '// io_stream: the window slides over the padded frame, one position per iteration',
    ...(rows ? [`static const int window_height = ${window[0]};`, `static const int pad_bottom = ${rows.pad};`] : []),
    `static const int window_width = ${window[1]};`,
    `static const int pad_right = ${cols.pad};`,
    `static const int pixel_interval = ${interval};`,
  ];
}

// ------------------------------------------------------------------------------------------------
// Rules
// ------------------------------------------------------------------------------------------------

const dense: Rule = (ctx) => {
  const l = ctx.layer as LayerOf<'Dense'>;
  const x = ctx.inputs[0]!;
  const [nIn, nOut] = l.weights.shape as [number, number];
  const t = macTypes(ctx, l, nOut);
  const positions = x.size / nIn;
  const resource = ctx.options.strategy === 'resource';
  const config = [`static const int n_in = ${nIn};`, `static const int n_out = ${nOut};`, ...macConfig(ctx, nIn, nOut, t.weights.type.width, t.bias.type.width, t.channelTypes?.accums ?? [t.accum], resource, t.channelTypes)];
  const call = `hlsq::dense<${ctx.id}_config>`;
  const body =
    positions === 1
      ? [`${call}(in, out, ${ctx.id}_weights, ${ctx.id}_biases);`]
      : [
          `PositionLoop:`,
          `for (int p = 0; p < ${positions}; p++) {`,
          `#pragma HLS UNROLL`,
          `    ${call}(in + p * ${nIn}, out + p * ${nOut}, ${ctx.id}_weights, ${ctx.id}_biases);`,
          `}`,
        ];
  return {
    layer: l,
    id: ctx.id,
    inputs: ctx.inputs,
    output: resultTensor(ctx, t.result, t.perChannelResult),
    typedefs: t.typedefs,
    arrays: t.arrays,
    libraries: ['dense.h'],
    config,
    body,
    summary: `Dense ${nIn} -> ${nOut}${positions > 1 ? ` at ${positions} positions` : ''}, ${resource ? 'resource' : 'latency'} strategy, reuse factor ${ctx.options.reuseFactor}`,
    multiplications: positions * nonzero(t.weights.codes),
    // io_stream: one word is one position's n_in inputs; the latency kernel runs once per word at
    // II = reuse factor (the resource kernel has its own pipelined loop, so it keeps the whole-tensor form)
    ...(resource
      ? {}
      : { stream: { libraries: ['dense.h'], config: [], call: `${call}(word.data, result.data, ${ctx.id}_weights, ${ctx.id}_biases);`, perWord: true, interval: ctx.options.reuseFactor } }),
  };
};

const conv: Rule = (ctx) => {
  const l = ctx.layer as LayerOf<'Conv1D' | 'Conv2D'>;
  const x = ctx.inputs[0]!;
  const two = l.kind === 'Conv2D';
  const ws = l.weights.shape;
  const nChan = ws[ws.length - 2]!;
  const nFilt = ws[ws.length - 1]!;
  const kernel = two ? [ws[0]!, ws[1]!] : [1, ws[0]!];
  const inHW = two ? [x.shape[0]!, x.shape[1]!] : [1, x.shape[0]!];
  const strides = two ? (l as LayerOf<'Conv2D'>).strides : [1, (l as LayerOf<'Conv1D'>).stride];
  const rows = axisWindow(inHW[0]!, kernel[0]!, strides[0]!, l.padding);
  const cols = axisWindow(inHW[1]!, kernel[1]!, strides[1]!, l.padding);
  const t = macTypes(ctx, l, nFilt);
  if (ctx.options.strategy === 'resource') {
    // the convolution kernels are written for the latency strategy; folding is by the reuse factor
  }
  const config = two
    ? [
        `static const int in_height = ${inHW[0]};`,
        `static const int in_width = ${inHW[1]};`,
        `static const int n_chan = ${nChan};`,
        `static const int kernel_height = ${kernel[0]};`,
        `static const int kernel_width = ${kernel[1]};`,
        `static const int n_filt = ${nFilt};`,
        `static const int stride_height = ${strides[0]};`,
        `static const int stride_width = ${strides[1]};`,
        `static const int pad_top = ${rows.padBefore};`,
        `static const int pad_left = ${cols.padBefore};`,
        `static const int out_height = ${rows.out};`,
        `static const int out_width = ${cols.out};`,
      ]
    : [
        `static const int in_width = ${inHW[1]};`,
        `static const int n_chan = ${nChan};`,
        `static const int kernel_width = ${kernel[1]};`,
        `static const int n_filt = ${nFilt};`,
        `static const int stride_width = ${strides[1]};`,
        `static const int pad_left = ${cols.padBefore};`,
        `static const int out_width = ${cols.out};`,
      ];
  const nIn = kernel[0]! * kernel[1]! * nChan;
  config.push(...macConfig(ctx, nIn, nFilt, t.weights.type.width, t.bias.type.width, t.channelTypes?.accums ?? [t.accum], false, t.channelTypes));
  const positions = rows.out * cols.out;
  return {
    layer: l,
    id: ctx.id,
    inputs: ctx.inputs,
    output: resultTensor(ctx, t.result, t.perChannelResult),
    typedefs: t.typedefs,
    arrays: t.arrays,
    libraries: ['conv.h'],
    config,
    body: [`hlsq::${two ? 'conv2d' : 'conv1d'}<${ctx.id}_config>(in, out, ${ctx.id}_weights, ${ctx.id}_biases);`],
    summary: `${l.kind} ${two ? `${kernel[0]}x${kernel[1]}` : kernel[1]} kernel, ${nChan} -> ${nFilt} channels, ${l.padding} padding, ${positions} output positions`,
    multiplications: positions * nonzero(t.weights.codes),
    stream: {
      libraries: ['conv_stream.h'],
      config: slidingConfig(
        [kernel[0]!, kernel[1]!],
        { pad: padAfter(inHW[1]!, kernel[1]!, strides[1]!, cols) },
        ctx.options.reuseFactor,
        two ? { pad: padAfter(inHW[0]!, kernel[0]!, strides[0]!, rows) } : undefined,
      ),
      call: `hlsq::${two ? 'conv2d' : 'conv1d'}_stream<${ctx.id}_config>(in_stream, out_stream, ${ctx.id}_weights, ${ctx.id}_biases);`,
    },
  };
};

/** The channel count of a tensor (its last axis): the elements of one io_stream word. */
function lastAxis(t: Tensor): number {
  return t.shape.length ? t.shape[t.shape.length - 1]! : 1;
}

/** The name of input k's word in an io_stream per-word call (see StreamKernel). */
function streamWord(ctx: RuleContext, k: number): string {
  return ctx.inputs.length === 1 ? 'word' : `word${k}`;
}

/** io_stream form of an element-wise kernel: the same kernel on one word (all channels of one position). */
function perWordKernel(ctx: RuleContext, fn: string, library: string, args: readonly string[]): StreamKernel {
  const channels = lastAxis(ctx.inputs[0]!);
  return {
    libraries: [library],
    config: [],
    call: `hlsq::${fn}<hlsq::per_word<${ctx.id}_config, ${channels}> >(${['word.data', 'result.data', ...args].join(', ')});`,
    perWord: true,
  };
}

/** An element-wise layer's per-channel result types: the container holding them all, and the list (one per channel). */
interface ChannelResult {
  readonly container: FixedType;
  readonly types: readonly FixedType[];
}

/** The result of an element-wise layer whose kernel converts through CONFIG_T::results (activation.h). */
function elementResult(ctx: RuleContext): FixedType | ChannelResult {
  const l = ctx.layer;
  if (!l.result) required(undefined, l.name, 'result');
  const list = typeList(l.result!);
  if (list.every((t) => t.equals(list[0]!))) return list[0]!;
  const x = ctx.inputs[0]!;
  const channels = lastAxis(x);
  if (list.length !== channels) {
    throw new UnsupportedModelError(l.name, `result has ${list.length} per-channel types; expected one per channel of the last axis (${channels})`);
  }
  return { container: containerType(list), types: list };
}

/**
 * The config's `results` struct for per-channel result types: element i converts into its channel group's
 * type (with that type's Q/O modes), then into res_t, the container, which holds it exactly (container.ts).
 */
function resultsStruct(id: string, r: ChannelResult): { typedefs: Typedef[]; config: string[] } {
  const { groups, of } = typeGroups(r.types, (a, b) => a.equals(b));
  const typedefs = groups.map((t, k) => ({ name: `${id}_result_c${k}_t`, type: t, comment: `result of channel group ${k} (${channelsOf(of, k)})` }));
  const n = groups.length;
  const config = [
    '// per-channel result types: element i converts into its channel group\'s type (the _cK_t typedefs)',
    'struct results {',
    '    static int group(int i) {',
    `        static const int of[${of.length}] = {${of.join(', ')}};`,
    `        return of[i % ${of.length}];`,
    '    }',
    '    template <class R, class V> static R convert(int i, const V &v) {',
    '        switch (group(i)) {',
    ...groups.map((_, k) => `            ${k === n - 1 ? 'default' : `case ${k}`}: return R(${id}_result_c${k}_t(v));`),
    '        }',
    '    }',
    '};',
  ];
  return { typedefs, config };
}

function elementwise(ctx: RuleContext, fn: string, r: FixedType | ChannelResult, extra: { typedefs?: Typedef[]; arrays?: CodeArray[]; config?: string[]; args?: string[] }, summary: string): LayerCode {
  const x = ctx.inputs[0]!;
  const perChannel = r instanceof FixedType ? undefined : r;
  const result = perChannel ? perChannel.container : (r as FixedType);
  const channels = perChannel ? resultsStruct(ctx.id, perChannel) : undefined;
  const typedefs = channels
    ? [
        ...channels.typedefs,
        { name: `${ctx.id}_result_t`, type: result, comment: `container holding every channel group's result exactly (per-channel result: ${provenance(ctx.layer, 'result', declared(ctx.layer, 'result'))})` },
      ]
    : [resultTypedef(ctx, result)];
  return {
    layer: ctx.layer,
    id: ctx.id,
    inputs: ctx.inputs,
    output: resultTensor(ctx, result, perChannel?.types),
    typedefs: [...(extra.typedefs ?? []), ...typedefs],
    arrays: extra.arrays ?? [],
    libraries: ['activation.h'],
    config: [`static const int n_elem = ${x.size};`, ...(extra.config ?? []), ...(channels ? channels.config : ['typedef hlsq::same_result results;'])],
    body: [`hlsq::${fn}<${ctx.id}_config>(${['in', 'out', ...(extra.args ?? [])].join(', ')});`],
    summary,
    multiplications: 0,
    stream: perWordKernel(ctx, fn, 'activation.h', extra.args ?? []),
  };
}

/** A scalar or per-channel constant used element-wise: its count must be 1 or the channel count. */
function channelConstant(ctx: RuleContext, c: Constant, field: string, role: string) {
  const k = constantOf(c, ctx.layer.name, field);
  const x = ctx.inputs[0]!;
  const channels = x.shape[x.shape.length - 1]!;
  const n = k.codes.length;
  if (n !== 1 && n !== channels) {
    throw new UnsupportedModelError(ctx.layer.name, `${field} has ${n} codes; expected 1 or one per channel (${channels})`);
  }
  if (ctx.layer.result) for (const r of typeList(ctx.layer.result)) checkContainer(ctx.layer.name, k, field, r, 'the result');
  const typedef: Typedef = { name: `${ctx.id}_${role}_t`, type: k.type, comment: constantComment(ctx.layer, field, k) };
  const array: CodeArray = { name: `${ctx.id}_${role}`, width: k.type.width, codes: k.codes, comment: `${ctx.layer.name} ${field}, ${cppTypeName(k.type)}` };
  const config = [`static const int n_${role} = ${n};`, `typedef ${ctx.id}_${role}_t ${role}_t;`, ...codeTypeLines(role, k.type.width)];
  return { k, typedef, array, config };
}

const relu: Rule = (ctx) => {
  const l = ctx.layer as LayerOf<'ReLU'>;
  if (!l.max) return elementwise(ctx, 'relu', elementResult(ctx), {}, 'ReLU');
  const result = required(singleType(l.result, l.name, 'result'), l.name, 'result');
  const m = constantOf(l.max, l.name, 'max');
  if (m.codes.length !== 1) throw new UnsupportedModelError(l.name, `max must be a scalar constant (got ${m.codes.length} codes)`);
  return elementwise(
    ctx,
    'relu_max',
    result,
    {
      typedefs: [{ name: `${ctx.id}_max_t`, type: m.type, comment: provenance(l, 'max', declared(l, 'max')) }],
      arrays: [{ name: `${ctx.id}_max`, width: m.type.width, codes: m.codes, comment: `${l.name} clip value, ${cppTypeName(m.type)}` }],
      config: [`typedef ${ctx.id}_max_t max_t;`, ...codeTypeLines('max', m.type.width)],
      args: [`${ctx.id}_max`],
    },
    'clipped ReLU',
  );
};

const leakyRelu: Rule = (ctx) => {
  const l = ctx.layer as LayerOf<'LeakyReLU'>;
  const a = channelConstant(ctx, l.alpha, 'alpha', 'alpha');
  return elementwise(ctx, 'leaky_relu', elementResult(ctx), { typedefs: [a.typedef], arrays: [a.array], config: a.config, args: [`${ctx.id}_alpha`] }, a.k.codes.length === 1 ? 'LeakyReLU' : 'PReLU');
};

const batchNorm: Rule = (ctx) => {
  const l = ctx.layer as LayerOf<'BatchNorm'>;
  const s = channelConstant(ctx, l.scale, 'scale', 'scale');
  const t = channelConstant(ctx, l.shift, 'shift', 'shift');
  return elementwise(
    ctx,
    'batchnorm',
    elementResult(ctx),
    { typedefs: [s.typedef, t.typedef], arrays: [s.array, t.array], config: [...s.config, ...t.config], args: [`${ctx.id}_scale`, `${ctx.id}_shift`] },
    'BatchNorm x * scale + shift',
  );
};

const quant: Rule = (ctx) => {
  const l = ctx.layer as LayerOf<'Quant'>;
  const r = elementResult(ctx);
  return elementwise(ctx, 'quant', r, {}, `re-quantization to ${r instanceof FixedType ? r : `per-channel types ${[...new Set(r.types.map(String))].join(' | ')}`}`);
};

const rescale: Rule = (ctx) => {
  const l = ctx.layer as LayerOf<'Rescale'>;
  const result = required(singleType(l.result, l.name, 'result'), l.name, 'result');
  const shifts = typeof l.shift === 'number' ? [l.shift] : [...l.shift];
  if (shifts.some((s) => s !== shifts[0])) {
    throw new UnsupportedModelError(l.name, 'per-channel shifts differ; codegen v1 emits one multiplier type per layer');
  }
  const s = shifts[0]!;
  const m = channelConstant(ctx, l.multiplier, 'multiplier', 'multiplier');
  // The same code read with s fewer integer bits is m * 2^-s (docs/model-format.md, Rescale).
  const shifted = new FixedType(m.k.type.width, m.k.type.intBits - s, m.k.type.signed, m.k.type.quant, m.k.type.overflow, m.k.type.satBits);
  const typedef: Typedef = { name: `${ctx.id}_multiplier_t`, type: shifted, comment: `the multiplier's codes (${m.k.type}) scaled by 2^-${s}: the shift is in the type` };
  return elementwise(ctx, 'rescale', result, { typedefs: [typedef], arrays: [m.array], config: m.config, args: [`${ctx.id}_multiplier`] }, `Rescale x * m * 2^-${s}`);
};

/** Pool window geometry as the 2-D kernels read it (1-D pools have height 1). */
function poolGeometry(ctx: RuleContext, poolSize: number | readonly [number, number], strides: number | readonly [number, number], padding: 'valid' | 'same') {
  const x = ctx.inputs[0]!;
  const two = typeof poolSize !== 'number';
  const pool = two ? [poolSize[0], poolSize[1]] : [1, poolSize];
  const stride = typeof strides === 'number' ? [1, strides] : [strides[0], strides[1]];
  const inHW = two ? [x.shape[0]!, x.shape[1]!] : [1, x.shape[0]!];
  const nChan = x.shape[x.shape.length - 1]!;
  const rows = axisWindow(inHW[0]!, pool[0]!, stride[0]!, padding);
  const cols = axisWindow(inHW[1]!, pool[1]!, stride[1]!, padding);
  return {
    n: pool[0]! * pool[1]!,
    config: [
      `static const int in_height = ${inHW[0]};`,
      `static const int in_width = ${inHW[1]};`,
      `static const int n_chan = ${nChan};`,
      `static const int pool_height = ${pool[0]};`,
      `static const int pool_width = ${pool[1]};`,
      `static const int stride_height = ${stride[0]};`,
      `static const int stride_width = ${stride[1]};`,
      `static const int pad_top = ${rows.padBefore};`,
      `static const int pad_left = ${cols.padBefore};`,
      `static const int out_height = ${rows.out};`,
      `static const int out_width = ${cols.out};`,
    ],
    summary: `${two ? `${pool[0]}x${pool[1]}` : pool[1]} window, stride ${two ? `${stride[0]}x${stride[1]}` : stride[1]}, ${padding} padding`,
    sliding: slidingConfig([pool[0]!, pool[1]!], { pad: padAfter(inHW[1]!, pool[1]!, stride[1]!, cols) }, 1, { pad: padAfter(inHW[0]!, pool[0]!, stride[0]!, rows) }),
  };
}

function poolLayer(
  ctx: RuleContext,
  fn: string,
  result: FixedType,
  config: string[],
  extra: { typedefs?: Typedef[]; arrays?: CodeArray[]; args?: string[]; sliding?: string[] },
  summary: string,
  resultComment?: string,
): LayerCode {
  const stream: StreamKernel = {
    libraries: ['pooling_stream.h'],
    config: extra.sliding ?? [],
    call: `hlsq::${fn}_stream<${ctx.id}_config>(${['in_stream', 'out_stream', ...(extra.args ?? [])].join(', ')});`,
  };
  return {
    layer: ctx.layer,
    id: ctx.id,
    inputs: ctx.inputs,
    output: resultTensor(ctx, result),
    typedefs: [...(extra.typedefs ?? []), resultTypedef(ctx, result, resultComment)],
    arrays: extra.arrays ?? [],
    libraries: ['pooling.h'],
    config,
    body: [`hlsq::${fn}<${ctx.id}_config>(${['in', 'out', ...(extra.args ?? [])].join(', ')});`],
    summary,
    multiplications: 0,
    stream,
  };
}

const maxPool: Rule = (ctx) => {
  const l = ctx.layer as LayerOf<'MaxPool1D' | 'MaxPool2D' | 'GlobalMaxPool'>;
  const x = ctx.inputs[0]!;
  const declaredResult = singleType(l.result, l.name, 'result');
  const result = declaredResult ?? x.type;
  const comment = declaredResult ? undefined : `the input's type (${x.typeName}): a maximum needs no conversion`;
  if (l.kind === 'GlobalMaxPool') {
    const nChan = x.shape[x.shape.length - 1]!;
    return poolLayer(ctx, 'global_maxpool', result, [`static const int positions = ${x.size / nChan};`, `static const int n_chan = ${nChan};`], {}, `global max over ${x.size / nChan} positions`, comment);
  }
  const g = l.kind === 'MaxPool2D' ? poolGeometry(ctx, l.poolSize, l.strides, l.padding) : poolGeometry(ctx, l.poolSize, l.stride, l.padding);
  return poolLayer(ctx, 'maxpool2d', result, g.config, { sliding: g.sliding }, `${l.kind} ${g.summary}`, comment);
};

/** The exact window sum's type, its 2^-k reinterpretation and the reciprocal (docs/model-format.md). */
function averageTypes(ctx: RuleContext, n: number, reciprocal: Constant | undefined) {
  const l = ctx.layer;
  const x = ctx.inputs[0]!;
  const c = ceilLog2(n);
  const sum = new FixedType(x.type.width + c, x.type.intBits + c, x.type.signed);
  const pow2 = 2 ** c === n;
  const mean = new FixedType(sum.width, sum.intBits - c, sum.signed);
  let recip: PlainConstant;
  let recipComment: string;
  if (reciprocal) {
    recip = constantOf(reciprocal, l.name, 'reciprocal');
    if (recip.codes.length !== 1) throw new UnsupportedModelError(l.name, `reciprocal must be a scalar constant (got ${recip.codes.length} codes)`);
    recipComment = provenance(l, 'reciprocal', declared(l, 'reciprocal'));
  } else {
    const d = defaultReciprocal(n);
    recip = { type: d.type, codes: [d.code], shape: [] };
    recipComment = `1/${n} rounded half-up to 18 significant bits (the format's default reciprocal)`;
  }
  const typedefs: Typedef[] = [
    { name: `${ctx.id}_sum_t`, type: sum, comment: `exact sum of ${n} inputs: ${c} more integer bits than ${x.typeName}` },
    { name: `${ctx.id}_mean_t`, type: mean, comment: pow2 ? `the sum's code read as sum / ${n} (2^-${c}): exact` : `unused: ${n} is not a power of two` },
    { name: `${ctx.id}_recip_t`, type: recip.type, comment: pow2 ? `unused: the window is a power of two` : recipComment },
  ];
  const arrays: CodeArray[] = [{ name: `${ctx.id}_reciprocal`, width: recip.type.width, codes: recip.codes, comment: pow2 ? 'unused (power-of-two window)' : `1/${n} as ${cppTypeName(recip.type)}` }];
  const config = [
    `static const bool power_of_two = ${pow2};`,
    `typedef ${ctx.id}_sum_t sum_t;`,
    `static const int sum_width = ${sum.width};`,
    `typedef ${ctx.id}_mean_t mean_t;`,
    `typedef ${ctx.id}_recip_t recip_t;`,
    ...codeTypeLines('recip', recip.type.width),
  ];
  return { typedefs, arrays, config, pow2 };
}

const avgPool: Rule = (ctx) => {
  const l = ctx.layer as LayerOf<'AvgPool1D' | 'AvgPool2D' | 'GlobalAveragePool'>;
  const x = ctx.inputs[0]!;
  const result = required(singleType(l.result, l.name, 'result'), l.name, 'result');
  if (l.kind === 'GlobalAveragePool') {
    const nChan = x.shape[x.shape.length - 1]!;
    const n = x.size / nChan;
    const a = averageTypes(ctx, n, l.reciprocal);
    return poolLayer(ctx, 'global_avgpool', result, [`static const int positions = ${n};`, `static const int n_chan = ${nChan};`, ...a.config], { typedefs: a.typedefs, arrays: a.arrays, args: [`${ctx.id}_reciprocal`] }, `global average over ${n} positions`);
  }
  const g = l.kind === 'AvgPool2D' ? poolGeometry(ctx, l.poolSize, l.strides, 'valid') : poolGeometry(ctx, l.poolSize, l.stride, 'valid');
  const a = averageTypes(ctx, g.n, l.reciprocal);
  return poolLayer(ctx, 'avgpool2d', result, [...g.config, ...a.config], { typedefs: a.typedefs, arrays: a.arrays, args: [`${ctx.id}_reciprocal`], sliding: g.sliding }, `${l.kind} ${g.summary}`);
};

/** Add / Subtract / Multiply: left to right in the vendor's exact result types, one conversion. */
const merge: Rule = (ctx) => {
  const l = ctx.layer as LayerOf<'Add' | 'Subtract' | 'Multiply'>;
  const result = required(singleType(l.result, l.name, 'result'), l.name, 'result');
  const op = l.kind === 'Add' ? '+' : l.kind === 'Subtract' ? '-' : '*';
  const params = inputParams(ctx.inputs);
  const n = ctx.inputs[0]!.size;
  return {
    layer: l,
    id: ctx.id,
    inputs: ctx.inputs,
    output: resultTensor(ctx, result),
    typedefs: [resultTypedef(ctx, result)],
    arrays: [],
    libraries: [],
    config: [],
    body: [
      `ElementLoop:`,
      `for (int i = 0; i < ${n}; i++) {`,
      `#pragma HLS UNROLL`,
      `    out[i] = ${ctx.id}_result_t(${params.map((p) => `${p}[i]`).join(` ${op} `)});`,
      `}`,
    ],
    summary: `${l.kind} of ${ctx.inputs.length} tensors`,
    multiplications: l.kind === 'Multiply' ? n * (ctx.inputs.length - 1) : 0,
    stream: {
      libraries: [],
      config: [],
      call: `for (int c = 0; c < ${lastAxis(ctx.inputs[0]!)}; c++) result.data[c] = ${ctx.id}_result_t(${ctx.inputs.map((_, k) => `${streamWord(ctx, k)}.data[c]`).join(` ${op} `)});`,
      perWord: true,
    },
  };
};

const concatenate: Rule = (ctx) => {
  const l = ctx.layer as LayerOf<'Concatenate'>;
  const declaredResult = singleType(l.result, l.name, 'result');
  const first = ctx.inputs[0]!.type;
  if (!declaredResult && ctx.inputs.some((t) => !t.type.equals(first))) {
    throw new UnsupportedModelError(l.name, 'inputs of different types without a result type would need per-channel types; declare a result type');
  }
  const result = declaredResult ?? first;
  const rank = l.shape.length;
  const axis = l.axis < 0 ? rank + l.axis : l.axis;
  const outer = l.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = l.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const total = l.shape[axis]!;
  const params = inputParams(ctx.inputs);
  const body: string[] = [];
  let offset = 0;
  ctx.inputs.forEach((t, k) => {
    const len = t.shape[axis]!;
    body.push(
      `Copy${k}Loop:`,
      `for (int o = 0; o < ${outer}; o++) {`,
      `#pragma HLS UNROLL`,
      `    for (int e = 0; e < ${len * inner}; e++) {`,
      `#pragma HLS UNROLL`,
      `        out[o * ${total * inner} + ${offset * inner} + e] = ${ctx.id}_result_t(${params[k]}[o * ${len * inner} + e]);`,
      `    }`,
      `}`,
    );
    offset += len;
  });
  return {
    layer: l,
    id: ctx.id,
    inputs: ctx.inputs,
    output: resultTensor(ctx, result),
    typedefs: [resultTypedef(ctx, result, declaredResult ? undefined : `the inputs' common type: concatenation copies codes`)],
    arrays: [],
    libraries: [],
    config: [],
    body,
    summary: `Concatenate ${ctx.inputs.length} tensors on axis ${axis}`,
    multiplications: 0,
    // on the last axis a word is the inputs' words one after another; otherwise whole tensors
    ...(axis === rank - 1
      ? {
          stream: {
            libraries: [],
            config: [],
            call: ctx.inputs
              .map((t, k) => {
                const before = ctx.inputs.slice(0, k).reduce((a, u) => a + lastAxis(u), 0);
                return `for (int c = 0; c < ${lastAxis(t)}; c++) result.data[${before} + c] = ${ctx.id}_result_t(${streamWord(ctx, k)}.data[c]);`;
              })
              .join('\n'),
            perWord: true,
          },
        }
      : {}),
  };
};

const reshape: Rule = (ctx) => {
  const x = ctx.inputs[0]!;
  return {
    layer: ctx.layer,
    id: ctx.id,
    inputs: ctx.inputs,
    output: resultTensor(ctx, x.type),
    typedefs: [resultTypedef(ctx, x.type, `the input's type (${x.typeName}): ${ctx.layer.kind} keeps the codes in C order`)],
    arrays: [],
    libraries: ['activation.h'],
    config: [`static const int n_elem = ${x.size};`],
    body: [`hlsq::copy<${ctx.id}_config>(in, out);`],
    summary: `${ctx.layer.kind} to ${JSON.stringify(ctx.layer.shape)} (codes unchanged)`,
    multiplications: 0,
  };
};

const lookup: Rule = (ctx) => {
  const l = ctx.layer as LayerOf<'Sigmoid' | 'Tanh'>;
  const x = ctx.inputs[0]!;
  const t = tableFor(l, x.type);
  return {
    layer: l,
    id: ctx.id,
    inputs: ctx.inputs,
    output: resultTensor(ctx, t.result),
    typedefs: [resultTypedef(ctx, t.result, t.resultComment)],
    arrays: [{ name: `${ctx.id}_table`, width: t.result.width, codes: t.codes, comment: `${l.kind.toLowerCase()} of every ${x.typeName} code, indexed by its ${x.type.width}-bit pattern, as ${cppTypeName(t.result)}` }],
    libraries: ['table.h'],
    config: [
      `static const int n_elem = ${x.size};`,
      `static const int in_width = ${x.type.width};`,
      `static const int res_width = ${t.result.width};`,
      `static const int table_size = ${t.codes.length};`,
      `typedef hlsq::code_storage<${t.result.width}>::type table_code_t;`,
    ],
    body: [`hlsq::table_lookup<${ctx.id}_config>(in, out, ${ctx.id}_table);`],
    summary: `${l.kind} table of ${t.codes.length} entries indexed by the exact input code`,
    multiplications: 0,
    stream: perWordKernel(ctx, 'table_lookup', 'table.h', [`${ctx.id}_table`]),
  };
};

const softmax: Rule = (ctx) => {
  const l = ctx.layer as LayerOf<'Softmax'>;
  const x = ctx.inputs[0]!;
  const n = x.shape[x.shape.length - 1]!;
  const s = softmaxTablesFor(l, x.type, n);
  const d = s.sum.width - s.invBits;
  const typedefs: Typedef[] = [
    { name: `${ctx.id}_exp_t`, type: s.exp, comment: s.expComment },
    { name: `${ctx.id}_sum_t`, type: s.sum, comment: `exact sum of ${n} exp_t values: ${s.sum.width - s.exp.width} more integer bits` },
    { name: `${ctx.id}_inv_t`, type: s.inv, comment: s.invComment },
    resultTypedef(ctx, s.result, s.resultComment),
  ];
  return {
    layer: l,
    id: ctx.id,
    inputs: ctx.inputs,
    output: resultTensor(ctx, s.result),
    typedefs,
    arrays: [
      { name: `${ctx.id}_exp_table`, width: s.exp.width, codes: s.expCodes, comment: `exp(-k * 2^-${x.type.fracBits}) for k = max code - code, as ${cppTypeName(s.exp)}` },
      { name: `${ctx.id}_inv_table`, width: s.inv.width, codes: s.invCodes, comment: `1 / (lower edge of bin i) of the sum's top ${s.invBits} bits, as ${cppTypeName(s.inv)}` },
    ],
    libraries: ['softmax.h'],
    config: [
      `static const int n_in = ${n};`,
      `static const int n_rows = ${x.size / n};`,
      `typedef ${x.type.signed ? 'ap_int' : 'ap_uint'}<${x.type.width}> code_t;`,
      `static const int in_width = ${x.type.width};`,
      `typedef ${ctx.id}_exp_t exp_t;`,
      `typedef ${ctx.id}_sum_t sum_t;`,
      `typedef ${ctx.id}_inv_t inv_t;`,
      `static const int sum_width = ${s.sum.width};`,
      `static const int inv_bits = ${s.invBits};`,
      `static const int inv_shift = ${d};`,
      `static const int exp_table_size = ${s.expCodes.length};`,
      `static const int inv_table_size = ${s.invCodes.length};`,
      ...codeTypeLines('exp', s.exp.width),
      ...codeTypeLines('inv', s.inv.width),
    ],
    body: [`hlsq::softmax<${ctx.id}_config>(in, out, ${ctx.id}_exp_table, ${ctx.id}_inv_table);`],
    // the softmax runs over the last axis: one word is one row
    stream: {
      libraries: ['softmax.h'],
      config: [],
      call: `hlsq::softmax<hlsq::one_row<${ctx.id}_config> >(word.data, result.data, ${ctx.id}_exp_table, ${ctx.id}_inv_table);`,
      perWord: true,
    },
    summary: `Softmax over ${n} values: exp table of ${s.expCodes.length}, inverse table of ${s.invCodes.length}`,
    multiplications: 0,
  };
};

export const RULES: Readonly<Record<LayerKind, Rule>> = Object.freeze({
  Dense: dense,
  Conv1D: conv,
  Conv2D: conv,
  BatchNorm: batchNorm,
  ReLU: relu,
  LeakyReLU: leakyRelu,
  Quant: quant,
  Rescale: rescale,
  MaxPool1D: maxPool,
  MaxPool2D: maxPool,
  GlobalMaxPool: maxPool,
  AvgPool1D: avgPool,
  AvgPool2D: avgPool,
  GlobalAveragePool: avgPool,
  Add: merge,
  Subtract: merge,
  Multiply: merge,
  Concatenate: concatenate,
  Flatten: reshape,
  Reshape: reshape,
  Sigmoid: lookup,
  Tanh: lookup,
  Softmax: softmax,
});
