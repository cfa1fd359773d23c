/**
 * The hlsq model format, version 1 (documented in docs/model-format.md).
 *
 * Two shapes of the same model live here:
 *  - `ModelJson`: what is on disk, validated by the zod schema `ModelJsonSchema` (types spelled as the
 *    vendor spells them, codes as JSON integers or decimal strings, optionally in a sidecar binary file);
 *  - `Model`: the loaded form the engine, precision inference and codegen read (parsed `FixedType`s,
 *    `bigint` codes, every tensor's shape resolved). `load.ts` turns the first into the second and
 *    `save.ts` back, exactly.
 *
 * Layout is channels-last everywhere (hls4ml's io_parallel layout): a 2-D feature map is [H, W, C], a 1-D
 * one [L, C], and the batch axis is never part of a shape.
 */
import { z } from 'zod';
import { parseType, type FixedType } from '../emulator/types.js';

export const MODEL_FORMAT = 'hlsq-model';
export const MODEL_FORMAT_VERSION = 1;

/** Table-based layers index a table by the raw input code; beyond this width the table is refused. */
export const MAX_TABLE_INPUT_BITS = 16;

// ---------------------------------------------------------------------------------------------------
// On-disk schema
// ---------------------------------------------------------------------------------------------------

/** A fixed-point type in the vendor's spelling. ap_int<W> is refused: spell it ap_fixed<W,W,...>. */
export const TypeNameSchema = z.string().superRefine((s, ctx) => {
  try {
    const t = parseType(s);
    if (t.kind !== 'fixed') {
      ctx.addIssue({
        code: 'custom',
        message: `expected ap_fixed<...> or ap_ufixed<...>, got ${JSON.stringify(s)} (spell ap_int<W> as ap_fixed<W,W>)`,
      });
    }
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
  }
});

/** One type for the whole tensor, or one per channel (the last axis). */
export const TypeSpecSchema = z.union([TypeNameSchema, z.array(TypeNameSchema).min(1)]);

/** A shape without the batch axis; [] is a scalar. */
export const ShapeSchema = z.array(z.number().int().min(1));

/** An integer code: a JSON integer (safe range) or a decimal string for wider codes. */
export const CodeSchema = z.union([
  z.number().int().refine(Number.isSafeInteger, 'a safe integer (use a decimal string beyond 2^53)'),
  z.string().regex(/^-?\d+$/, 'a decimal integer string'),
]);

export const SIDECAR_DTYPES = ['int8', 'int16', 'int32', 'int64'] as const;
export type SidecarDtype = (typeof SIDECAR_DTYPES)[number];

/** Codes stored in a little-endian binary file next to the model (path relative to the model file). */
export const SidecarSchema = z
  .object({
    file: z.string().min(1),
    offset: z.number().int().min(0),
    dtype: z.enum(SIDECAR_DTYPES),
  })
  .strict();

/** A quantized constant: integer codes plus their type(s). */
export const QuantizedConstantSchema = z
  .object({
    shape: ShapeSchema,
    type: TypeSpecSchema,
    codes: z.union([z.array(CodeSchema), SidecarSchema]),
  })
  .strict();

/** An unquantized (float) constant: only in a float model, before `quantize()`. */
export const FloatConstantSchema = z
  .object({
    shape: ShapeSchema,
    values: z.array(z.number()),
  })
  .strict();

export const ConstantSchema = z.union([QuantizedConstantSchema, FloatConstantSchema]);

export const InputSchema = z
  .object({
    name: z.string().min(1),
    shape: ShapeSchema.min(1),
    /** Refused when absent at inference time; a float model may leave it to `quantize()`. */
    type: TypeNameSchema.optional(),
    /** A declared real range [lo, hi] for precision inference, narrower than the type's. */
    range: z.tuple([z.number(), z.number()]).optional(),
  })
  .strict();

/** quanto-style activation calibration state of one layer's result (see quanto.ts). */
export const CalibrationSchema = z
  .object({
    bits: z.number().int().min(2).max(64),
    calibrated: z.boolean(),
    absmax: z.number().min(0).optional(),
    momentum: z.number().min(0).max(1).optional(),
    batches: z.number().int().min(0).optional(),
  })
  .strict();

const Padding = z.enum(['valid', 'same']);
const Pair = z.tuple([z.number().int().min(1), z.number().int().min(1)]);

const common = {
  name: z.string().min(1),
  inputs: z.array(z.string().min(1)).min(1),
  /** The output shape; checked against the shape the layer computes when present. */
  shape: ShapeSchema.optional(),
  /** The result type (per tensor or per channel); omitted = left to precision inference. */
  result: TypeSpecSchema.optional(),
  /** One line per inferred or calibrated type saying where it came from (keys: "result", "accum", ...). */
  provenance: z.record(z.string(), z.string()).optional(),
  calibration: CalibrationSchema.optional(),
};
const mac = {
  weights: ConstantSchema,
  bias: ConstantSchema.optional(),
  /** The accumulator type (per tensor or per output channel); omitted = left to precision inference. */
  accum: TypeSpecSchema.optional(),
};

export const LayerSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('Dense'), ...common, ...mac }).strict(),
  z
    .object({
      kind: z.literal('Conv1D'),
      ...common,
      ...mac,
      stride: z.number().int().min(1).optional(),
      padding: Padding.optional(),
    })
    .strict(),
  z.object({ kind: z.literal('Conv2D'), ...common, ...mac, strides: Pair.optional(), padding: Padding.optional() }).strict(),
  z.object({ kind: z.literal('BatchNorm'), ...common, scale: ConstantSchema, shift: ConstantSchema }).strict(),
  z.object({ kind: z.literal('ReLU'), ...common, max: ConstantSchema.optional() }).strict(),
  z.object({ kind: z.literal('LeakyReLU'), ...common, alpha: ConstantSchema }).strict(),
  z.object({ kind: z.literal('Quant'), ...common }).strict(),
  z
    .object({
      kind: z.literal('Rescale'),
      ...common,
      multiplier: ConstantSchema,
      shift: z.union([z.number().int().min(0).max(4096), z.array(z.number().int().min(0).max(4096)).min(1)]),
    })
    .strict(),
  z
    .object({
      kind: z.literal('MaxPool1D'),
      ...common,
      poolSize: z.number().int().min(1),
      stride: z.number().int().min(1).optional(),
      padding: Padding.optional(),
    })
    .strict(),
  z.object({ kind: z.literal('MaxPool2D'), ...common, poolSize: Pair, strides: Pair.optional(), padding: Padding.optional() }).strict(),
  z
    .object({
      kind: z.literal('AvgPool1D'),
      ...common,
      poolSize: z.number().int().min(1),
      stride: z.number().int().min(1).optional(),
      reciprocal: ConstantSchema.optional(),
    })
    .strict(),
  z.object({ kind: z.literal('AvgPool2D'), ...common, poolSize: Pair, strides: Pair.optional(), reciprocal: ConstantSchema.optional() }).strict(),
  z.object({ kind: z.literal('GlobalAveragePool'), ...common, reciprocal: ConstantSchema.optional() }).strict(),
  z.object({ kind: z.literal('GlobalMaxPool'), ...common }).strict(),
  z.object({ kind: z.literal('Add'), ...common }).strict(),
  z.object({ kind: z.literal('Subtract'), ...common }).strict(),
  z.object({ kind: z.literal('Multiply'), ...common }).strict(),
  z.object({ kind: z.literal('Concatenate'), ...common, axis: z.number().int().optional() }).strict(),
  z.object({ kind: z.literal('Flatten'), ...common }).strict(),
  z.object({ kind: z.literal('Reshape'), ...common, targetShape: ShapeSchema.min(1) }).strict(),
  z.object({ kind: z.literal('Sigmoid'), ...common }).strict(),
  z.object({ kind: z.literal('Tanh'), ...common }).strict(),
  z
    .object({
      kind: z.literal('Softmax'),
      ...common,
      expType: TypeNameSchema.optional(),
      invType: TypeNameSchema.optional(),
      invTableBits: z.number().int().min(1).max(MAX_TABLE_INPUT_BITS).optional(),
    })
    .strict(),
]);

export const ModelJsonSchema = z
  .object({
    format: z.literal(MODEL_FORMAT),
    version: z.literal(MODEL_FORMAT_VERSION),
    name: z.string().optional(),
    description: z.string().optional(),
    inputs: z.array(InputSchema).min(1),
    layers: z.array(LayerSchema).min(1),
    /** Names of the model's output tensors; default: the last layer. */
    outputs: z.array(z.string().min(1)).min(1).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export type ModelJson = z.infer<typeof ModelJsonSchema>;
export type LayerJson = z.infer<typeof LayerSchema>;
export type ConstantJson = z.infer<typeof ConstantSchema>;
export type InputJson = z.infer<typeof InputSchema>;
export type Calibration = z.infer<typeof CalibrationSchema>;
export type LayerKind = LayerJson['kind'];
export const LAYER_KINDS: readonly LayerKind[] = LayerSchema.options.map((o) => o.shape.kind.value);

// ---------------------------------------------------------------------------------------------------
// Loaded form
// ---------------------------------------------------------------------------------------------------

/** One type for the tensor, or one per channel (index = position on the last axis). */
export type TypeSpec = FixedType | readonly FixedType[];

/** A quantized constant. `types` has length 1 (per tensor) or the size of the last axis (per channel). */
export interface QuantizedConstant {
  readonly quantized: true;
  readonly shape: readonly number[];
  readonly types: readonly FixedType[];
  /** Row-major (C order) codes. */
  readonly codes: readonly bigint[];
}

export interface FloatConstant {
  readonly quantized: false;
  readonly shape: readonly number[];
  readonly values: readonly number[];
}

export type Constant = QuantizedConstant | FloatConstant;

export interface InputTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly type: FixedType | undefined;
  readonly range: readonly [number, number] | undefined;
}

/** Fields every loaded layer has. */
export interface LayerBase {
  readonly name: string;
  readonly inputs: readonly string[];
  /** The output shape as computed from the inputs (always present after loading). */
  readonly shape: readonly number[];
  readonly result: TypeSpec | undefined;
  readonly provenance: Readonly<Record<string, string>> | undefined;
  readonly calibration: Calibration | undefined;
}

export interface MacLayerFields {
  readonly weights: Constant;
  readonly bias: Constant | undefined;
  readonly accum: TypeSpec | undefined;
}

export type Layer =
  | (LayerBase & MacLayerFields & { readonly kind: 'Dense' })
  | (LayerBase & MacLayerFields & { readonly kind: 'Conv1D'; readonly stride: number; readonly padding: Padding })
  | (LayerBase & MacLayerFields & { readonly kind: 'Conv2D'; readonly strides: readonly [number, number]; readonly padding: Padding })
  | (LayerBase & { readonly kind: 'BatchNorm'; readonly scale: Constant; readonly shift: Constant })
  | (LayerBase & { readonly kind: 'ReLU'; readonly max: Constant | undefined })
  | (LayerBase & { readonly kind: 'LeakyReLU'; readonly alpha: Constant })
  | (LayerBase & { readonly kind: 'Quant' })
  | (LayerBase & { readonly kind: 'Rescale'; readonly multiplier: Constant; readonly shift: number | readonly number[] })
  | (LayerBase & { readonly kind: 'MaxPool1D'; readonly poolSize: number; readonly stride: number; readonly padding: Padding })
  | (LayerBase & {
      readonly kind: 'MaxPool2D';
      readonly poolSize: readonly [number, number];
      readonly strides: readonly [number, number];
      readonly padding: Padding;
    })
  | (LayerBase & { readonly kind: 'AvgPool1D'; readonly poolSize: number; readonly stride: number; readonly reciprocal: Constant | undefined })
  | (LayerBase & {
      readonly kind: 'AvgPool2D';
      readonly poolSize: readonly [number, number];
      readonly strides: readonly [number, number];
      readonly reciprocal: Constant | undefined;
    })
  | (LayerBase & { readonly kind: 'GlobalAveragePool'; readonly reciprocal: Constant | undefined })
  | (LayerBase & { readonly kind: 'GlobalMaxPool' })
  | (LayerBase & { readonly kind: 'Add' })
  | (LayerBase & { readonly kind: 'Subtract' })
  | (LayerBase & { readonly kind: 'Multiply' })
  | (LayerBase & { readonly kind: 'Concatenate'; readonly axis: number })
  | (LayerBase & { readonly kind: 'Flatten' })
  | (LayerBase & { readonly kind: 'Reshape'; readonly targetShape: readonly number[] })
  | (LayerBase & { readonly kind: 'Sigmoid' })
  | (LayerBase & { readonly kind: 'Tanh' })
  | (LayerBase & {
      readonly kind: 'Softmax';
      readonly expType: FixedType | undefined;
      readonly invType: FixedType | undefined;
      readonly invTableBits: number | undefined;
    });

export type Padding = 'valid' | 'same';

export interface Model {
  readonly name: string | undefined;
  readonly description: string | undefined;
  readonly inputs: readonly InputTensor[];
  readonly layers: readonly Layer[];
  readonly outputs: readonly string[];
  readonly metadata: Readonly<Record<string, unknown>> | undefined;
}

export type LayerOf<K extends LayerKind> = Extract<Layer, { kind: K }>;

export const MAC_KINDS = ['Dense', 'Conv1D', 'Conv2D'] as const;
export type MacLayer = LayerOf<(typeof MAC_KINDS)[number]>;
export function isMacLayer(l: Layer): l is MacLayer {
  return l.kind === 'Dense' || l.kind === 'Conv1D' || l.kind === 'Conv2D';
}

/** The type of channel `c` under a per-tensor or per-channel spec. */
export function typeAt(spec: TypeSpec, channel: number): FixedType {
  if (Array.isArray(spec)) return (spec as readonly FixedType[])[channel]!;
  return spec as FixedType;
}

export function typeList(spec: TypeSpec): readonly FixedType[] {
  return Array.isArray(spec) ? (spec as readonly FixedType[]) : [spec as FixedType];
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
