/**
 * The QONNX quantization ops as float functions (codegen.md §11.1-§11.3, minifloat-formats.md §5), used
 * to fold quantized constants and by the reference evaluator. These are the *graph* semantics the
 * lowered fixed-point model is checked against.
 */
import { doubleFields } from '../../emulator/convert.js';
import { UnsupportedError } from '../errors.js';
import type { OnnxNode } from '../onnx.js';
import { type Tensor, broadcastMap, roundTo, sizeOf } from '../tensor.js';
import { attrInt, attrStr, onlyAttrs } from './attrs.js';
import { QONNX_ROUNDING_MODES, ROUND, parseRounding, type QonnxRounding } from './rounding.js';

export interface IntRange {
  readonly min: number;
  readonly max: number;
}

/** The integer range of (signed, narrow, bits) (codegen.md §11.1 table). */
export function intRange(signed: boolean, narrow: boolean, bits: number): IntRange {
  if (signed) return { min: -(2 ** (bits - 1)) + (narrow ? 1 : 0), max: 2 ** (bits - 1) - 1 };
  return { min: 0, max: 2 ** bits - 1 - (narrow ? 1 : 0) };
}

export interface QuantAttrs {
  readonly signed: boolean;
  readonly narrow: boolean;
  readonly rounding: QonnxRounding;
}

export function roundingAttr(node: OnnxNode, fallback: QonnxRounding): QonnxRounding {
  const s = attrStr(node, 'rounding_mode', fallback);
  const r = parseRounding(s);
  if (!r) throw new UnsupportedError(node.name, node.opType, `rounding_mode ${JSON.stringify(s)}`, QONNX_ROUNDING_MODES.join(', '));
  return r;
}

export function quantAttrs(node: OnnxNode): QuantAttrs {
  onlyAttrs(node, ['signed', 'narrow', 'rounding_mode']);
  // `narrow` is read explicitly: the documented default is 0, one reference revision declares 1 (§11.1).
  return { signed: attrInt(node, 'signed', 1) !== 0, narrow: attrInt(node, 'narrow', 0) !== 0, rounding: roundingAttr(node, 'ROUND') };
}

/** The bit width input: a scalar integer. */
export function bitwidthOf(node: OnnxNode, t: Tensor, what = 'bitwidth'): number {
  const b = t.data[0]!;
  if (sizeOf(t.dims) !== 1 || !Number.isInteger(b) || b < 1 || b > 64) {
    throw new UnsupportedError(node.name, node.opType, `${what} input ${JSON.stringify(Array.from(t.data))}`, 'a scalar integer bit width from 1 to 64');
  }
  return b;
}

/** Quant / IntQuant: the integer code q (before rescaling) of each element. */
export function quantCodes(x: number, scale: number, zeropt: number, bits: number, a: QuantAttrs): number {
  const t = x / scale + zeropt;
  if (bits === 1 && a.signed) return t >= 0 ? 1 : -1; // the reference code's bipolar special case
  const { min, max } = intRange(a.signed, a.narrow, bits);
  return Math.min(max, Math.max(min, ROUND[a.rounding](t)));
}

export function evalQuant(node: OnnxNode, [x, scale, zeropt, bitwidth]: Tensor[]): Tensor {
  const a = quantAttrs(node);
  const bits = bitwidthOf(node, bitwidth!);
  return broadcastMap(
    [x!, scale!, zeropt!],
    ([v, s, z]) => roundTo(x!.kind, (quantCodes(v!, s!, z!, bits, a) - z!) * s!),
    x!.kind,
    `${node.name} inputs`,
  );
}

export function evalBipolarQuant(node: OnnxNode, [x, scale]: Tensor[]): Tensor {
  onlyAttrs(node, []);
  // Zero maps to +1 (§11.2).
  return broadcastMap([x!, scale!], ([v, s]) => roundTo(x!.kind, s! * (v! >= 0 ? 1 : -1)), x!.kind, `${node.name} inputs`);
}

/** Trunc, both revisions (§11.3), told apart by input count. */
export function evalTrunc(node: OnnxNode, ins: Tensor[]): Tensor {
  onlyAttrs(node, ['rounding_mode', 'signed', 'narrow']);
  const rounding = roundingAttr(node, 'FLOOR');
  const [x, scale, zeropt, inBits] = ins as [Tensor, Tensor, Tensor, Tensor];
  bitwidthOf(node, inBits, 'in_bitwidth');
  if (ins.length === 5) {
    throw new UnsupportedError(node.name, node.opType, 'Trunc v1 (5 inputs: the rescale uses an ambiguous scale)', 'Trunc v2 with inputs X, scale, zeropt, in_bitwidth, out_scale, out_bitwidth (or the 7-input form with a zero out_zeropt)');
  }
  let outScale: Tensor;
  let outBits: Tensor;
  if (ins.length === 6) [outScale, outBits] = [ins[4]!, ins[5]!];
  else if (ins.length === 7) {
    if (ins[5]!.data.some((v) => v !== 0)) throw new UnsupportedError(node.name, node.opType, 'a non-zero out_zeropt', 'out_zeropt = 0');
    [outScale, outBits] = [ins[4]!, ins[6]!];
  } else throw new UnsupportedError(node.name, node.opType, `${ins.length} inputs`, '6 or 7 inputs');
  const bits = bitwidthOf(node, outBits, 'out_bitwidth');
  const signed = attrInt(node, 'signed', 1) !== 0;
  const narrow = attrInt(node, 'narrow', 0) !== 0;
  const { min, max } = intRange(signed, narrow, bits);
  return broadcastMap(
    [x, scale, zeropt, outScale],
    ([v, s, z, os]) => {
      const q = ROUND.ROUND(v! / s! + z!);
      const t = 2 ** Math.round(Math.log2(os! / s!));
      if (t !== os! / s!) throw new UnsupportedError(node.name, node.opType, `out_scale / scale = ${os! / s!}`, 'a power of two');
      const r = ROUND[rounding](Math.min(max, Math.max(min, q / t)));
      return roundTo(x.kind, (r - z! / t) * os!);
    },
    x.kind,
    `${node.name} inputs`,
  );
}

export interface MinifloatParams {
  readonly exponentBits: number;
  readonly mantissaBits: number;
  readonly bias: number;
  readonly maxVal: number | undefined;
  readonly hasInf: boolean;
  readonly hasNaN: boolean;
  readonly hasSubnormal: boolean;
  readonly saturation: boolean;
  readonly rounding: QonnxRounding;
}

/** floor(log2 |v|) for a finite nonzero double, exactly. */
function floorLog2(v: number): number {
  const { biasedExponent, mantissa } = doubleFields(v);
  if (biasedExponent === 0) return mantissa.toString(2).length - 1 - 1074;
  return biasedExponent - 1023;
}

/** Largest finite magnitude of the format (§5 step 4). */
export function minifloatMax(p: MinifloatParams): number {
  const m = (2 - 2 ** -p.mantissaBits) * 2 ** (2 ** p.exponentBits - 1 - p.bias);
  return p.maxVal === undefined ? m : Math.min(m, p.maxVal);
}

/** FloatQuant on an already scaled value X' = X / scale (§5 steps 2-5). */
export function floatQuantScaled(v: number, p: MinifloatParams): number {
  if (Number.isNaN(v)) return NaN;
  const max = minifloatMax(p);
  let q: number;
  if (v === 0) q = 0;
  else if (!Number.isFinite(v)) q = v;
  else {
    const tiny = 2 ** -126;
    const ie = Math.max(floorLog2(Math.abs(v) + tiny) - p.mantissaBits, 1 - p.bias - p.mantissaBits);
    q = 2 ** ie * ROUND[p.rounding](v / 2 ** ie);
  }
  if (Math.abs(q) > max) {
    if (p.saturation) return Math.sign(q) * max;
    if (p.hasInf) return Math.sign(q) * Infinity;
    if (p.hasNaN) return NaN;
    throw new RangeError(`FloatQuant: ${v} overflows a format without saturation, infinity or NaN`);
  }
  return q;
}

export function minifloatParams(node: OnnxNode, ins: Tensor[]): MinifloatParams {
  onlyAttrs(node, ['has_infinity', 'has_inf', 'has_nan', 'has_subnormal', 'saturation', 'rounding_mode', 'max_val']);
  const scalarInput = (i: number, what: string): number => {
    const t = ins[i]!;
    if (sizeOf(t.dims) !== 1) throw new UnsupportedError(node.name, node.opType, `a per-element ${what}`, `a scalar ${what}`);
    return t.data[0]!;
  };
  const exponentBits = scalarInput(2, 'exponent_bitwidth');
  const mantissaBits = scalarInput(3, 'mantissa_bitwidth');
  const bias = scalarInput(4, 'exponent_bias');
  if (![exponentBits, mantissaBits, bias].every(Number.isInteger) || exponentBits < 1 || mantissaBits < 0) {
    throw new UnsupportedError(node.name, node.opType, `exponent/mantissa/bias ${exponentBits}/${mantissaBits}/${bias}`, 'integers, exponent >= 1, mantissa >= 0');
  }
  return {
    exponentBits,
    mantissaBits,
    bias,
    maxVal: ins.length > 5 ? scalarInput(5, 'max_val') : undefined,
    // Brevitas writes `has_inf`; the QONNX document spells `has_infinity`.
    hasInf: attrInt(node, 'has_infinity', attrInt(node, 'has_inf', 0)) !== 0,
    hasNaN: attrInt(node, 'has_nan', 0) !== 0,
    hasSubnormal: attrInt(node, 'has_subnormal', 1) !== 0,
    saturation: attrInt(node, 'saturation', 1) !== 0,
    rounding: roundingAttr(node, 'ROUND'),
  };
}

export function evalFloatQuant(node: OnnxNode, ins: Tensor[]): Tensor {
  const p = minifloatParams(node, ins);
  const [x, scale] = ins as [Tensor, Tensor];
  return broadcastMap([x, scale], ([v, s]) => roundTo(x.kind, floatQuantScaled(v! / s!, p) * s!), x.kind, `${node.name} inputs`);
}
