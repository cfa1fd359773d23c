/**
 * What each quantizer node of a QONNX graph is in hlsq's formats: `Quant` with a power-of-two scale is an
 * ap_fixed type (codegen.md §11.1), `BipolarQuant` a ±scale binary, `FloatQuant` a minifloat descriptor
 * (minifloat-formats.md §5, mapped to the ml_dtypes preset with the same finite values when one exists).
 */
import { FLOAT_PRESETS, MinifloatFormat, type FloatRounding } from '../../emulator/floatFormats.js';
import type { FixedType } from '../../emulator/types.js';
import { UnsupportedError } from '../errors.js';
import type { OnnxGraph, OnnxNode } from '../onnx.js';
import { type Tensor, sizeOf } from '../tensor.js';
import { castType } from './lower.js';
import { bitwidthOf, minifloatMax, minifloatParams, quantAttrs, type MinifloatParams } from './quantOps.js';
import type { QonnxRounding } from './rounding.js';

export type QuantizerInfo =
  | {
      readonly node: string;
      readonly op: 'Quant';
      readonly input: string;
      readonly bits: number;
      readonly signed: boolean;
      readonly narrow: boolean;
      readonly rounding: QonnxRounding;
      /** Per-tensor scale, or undefined when per channel. */
      readonly scale: number | undefined;
      /** The equal ap_fixed type (power-of-two scale, zero point 0, a rounding with an ap mode). */
      readonly type: FixedType | undefined;
    }
  | { readonly node: string; readonly op: 'BipolarQuant'; readonly input: string; readonly scale: number | undefined }
  | {
      readonly node: string;
      readonly op: 'FloatQuant';
      readonly input: string;
      readonly scale: number | undefined;
      readonly params: MinifloatParams;
      /** The descriptor whose quantize(x / scale) · scale equals the node. */
      readonly format: MinifloatFormat;
      /** The ml_dtypes preset with the same finite value set, if any. */
      readonly preset: string | undefined;
    };

const FLOAT_ROUNDING: Partial<Record<QonnxRounding, FloatRounding>> = { ROUND: 'even', HALF_EVEN: 'even', CEIL: 'ceil', FLOOR: 'floor', UP: 'away', DOWN: 'zero' };

/**
 * FloatQuant parameters as a minifloat descriptor. Without max_val every exponent field is finite
 * (nan 'none'); a max_val that removes exactly the all-ones code is OCP's 'fn' encoding; one that removes
 * the top binade is the IEEE-like encoding. Other max_val values have no descriptor.
 */
export function minifloatOf(node: OnnxNode, p: MinifloatParams): MinifloatFormat {
  const rounding = FLOAT_ROUNDING[p.rounding];
  if (!rounding) throw new UnsupportedError(node.name, node.opType, `rounding_mode ${p.rounding}`, 'ROUND, CEIL, FLOOR');
  const base = { e: p.exponentBits, m: p.mantissaBits, bias: p.bias, rounding, overflow: p.saturation ? ('saturate' as const) : ('ieee' as const) };
  const candidates: MinifloatFormat[] = [];
  const tryMake = (extra: object) => {
    try {
      candidates.push(new MinifloatFormat({ ...base, ...extra }));
    } catch {
      // not a valid combination for these field widths
    }
  };
  tryMake({ nan: 'none' });
  tryMake({ nan: 'fn' });
  if (p.hasInf) tryMake({ inf: true, nan: 'ieee' });
  const max = minifloatMax(p);
  const f = candidates.find((c) => c.maxValue === max && (!p.saturation ? (p.hasInf ? c.inf : p.hasNaN ? c.nanCode !== null : true) : true));
  if (!f) throw new UnsupportedError(node.name, node.opType, `max_val ${p.maxVal} with e=${p.exponentBits}, m=${p.mantissaBits}`, 'max_val absent, or equal to the largest finite value of an all-finite, OCP "fn" or IEEE-like encoding');
  return f;
}

function presetOf(f: MinifloatFormat): string | undefined {
  for (const [name, p] of Object.entries(FLOAT_PRESETS)) {
    if (p.e === f.e && p.m === f.m && p.bias === f.bias && p.maxValue === f.maxValue && p.signed === f.signed && p.subnormals === f.subnormals) return name;
  }
  return undefined;
}

/** Every quantizer node of the graph with its hlsq format. */
export function qonnxQuantizers(graph: OnnxGraph): QuantizerInfo[] {
  const constant = (name: string | undefined): Tensor | undefined => (name ? graph.initializers.get(name) ?? constantNode(graph, name) : undefined);
  const scalarOf = (t: Tensor | undefined) => (t && sizeOf(t.dims) === 1 ? t.data[0]! : undefined);
  const out: QuantizerInfo[] = [];
  for (const node of graph.nodes) {
    const ins = node.inputs.map((n) => constant(n));
    if (node.opType === 'Quant' || node.opType === 'IntQuant') {
      const a = quantAttrs(node);
      const bitsT = ins[3];
      if (!bitsT) throw new UnsupportedError(node.name, node.opType, 'a computed bit width', 'a constant bit width');
      const bits = bitwidthOf(node, bitsT);
      const scale = scalarOf(ins[1]);
      const zp = scalarOf(ins[2]);
      const e = scale !== undefined && scale > 0 ? Math.log2(scale) : NaN;
      const type = Number.isInteger(e) && zp === 0 ? castType(bits, -e, a) : undefined;
      out.push({ node: node.name, op: 'Quant', input: node.inputs[0]!, bits, signed: a.signed, narrow: a.narrow, rounding: a.rounding, scale, type });
    } else if (node.opType === 'BipolarQuant') {
      out.push({ node: node.name, op: 'BipolarQuant', input: node.inputs[0]!, scale: scalarOf(ins[1]) });
    } else if (node.opType === 'FloatQuant') {
      if (ins.slice(1).some((t) => !t)) throw new UnsupportedError(node.name, node.opType, 'computed format parameters', 'constant scale, exponent, mantissa, bias and max_val');
      const params = minifloatParams(node, ins as Tensor[]);
      const mapped = minifloatOf(node, params);
      const preset = presetOf(mapped);
      // Same finite values as an ml_dtypes preset: that preset, with the node's overflow and rounding.
      const format = preset ? (FLOAT_PRESETS as Record<string, MinifloatFormat>)[preset]!.with({ overflow: mapped.overflow, rounding: mapped.rounding }) : mapped;
      out.push({ node: node.name, op: 'FloatQuant', input: node.inputs[0]!, scale: scalarOf(ins[1]), params, format, preset });
    }
  }
  return out;
}

function constantNode(graph: OnnxGraph, name: string): Tensor | undefined {
  const n = graph.nodes.find((x) => x.opType === 'Constant' && x.outputs[0] === name);
  const v = n?.attrs.get('value');
  return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
}
