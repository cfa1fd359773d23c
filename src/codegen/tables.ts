/**
 * Table contents for table-based layers, taken from the model's own table builder (src/model/tables.ts)
 * so the firmware's tables are exactly the engine's (docs/model-format.md: Sigmoid, Tanh, Softmax).
 */
import type { FixedType } from '../emulator/types.js';
import type { LayerOf } from '../model/format.js';
import {
  activationTable,
  DEFAULT_SIGMOID_TYPE,
  DEFAULT_SOFTMAX_EXP_TYPE,
  DEFAULT_SOFTMAX_INV_BITS,
  DEFAULT_SOFTMAX_INV_TYPE,
  DEFAULT_SOFTMAX_TYPE,
  DEFAULT_TANH_TYPE,
  softmaxExpTable,
  softmaxInvTable,
  softmaxSumGeometry,
} from '../model/tables.js';
import { singleType } from './layers.js';

export interface LookupTable {
  readonly result: FixedType;
  readonly resultComment: string | undefined;
  /** Entry i is the result code for the input whose W-bit pattern is i. */
  readonly codes: readonly bigint[];
}

export interface SoftmaxTables {
  readonly exp: FixedType;
  readonly expComment: string;
  readonly sum: FixedType;
  readonly inv: FixedType;
  readonly invComment: string;
  readonly invBits: number;
  readonly result: FixedType;
  readonly resultComment: string | undefined;
  readonly expCodes: readonly bigint[];
  readonly invCodes: readonly bigint[];
}

export function tableFor(layer: LayerOf<'Sigmoid' | 'Tanh'>, input: FixedType): LookupTable {
  const declared = singleType(layer.result, layer.name, 'result');
  const result = declared ?? (layer.kind === 'Sigmoid' ? DEFAULT_SIGMOID_TYPE : DEFAULT_TANH_TYPE);
  return {
    result,
    resultComment: declared ? undefined : `the format's default ${layer.kind} result type`,
    codes: activationTable(layer.kind, input, result, `layer ${layer.name}`),
  };
}

export function softmaxTablesFor(layer: LayerOf<'Softmax'>, input: FixedType, n: number): SoftmaxTables {
  const declared = singleType(layer.result, layer.name, 'result');
  const exp = layer.expType ?? DEFAULT_SOFTMAX_EXP_TYPE;
  const inv = layer.invType ?? DEFAULT_SOFTMAX_INV_TYPE;
  const invBits = layer.invTableBits ?? DEFAULT_SOFTMAX_INV_BITS;
  const { sumType } = softmaxSumGeometry(exp, n, invBits);
  return {
    exp,
    expComment: layer.expType ? `declared in the model (${layer.name}.expType)` : `the format's default softmax exp type`,
    sum: sumType,
    inv,
    invComment: layer.invType ? `declared in the model (${layer.name}.invType)` : `the format's default softmax inverse type`,
    invBits,
    result: declared ?? DEFAULT_SOFTMAX_TYPE,
    resultComment: declared ? undefined : `the format's default softmax result type`,
    expCodes: softmaxExpTable(input, exp, `layer ${layer.name}`),
    invCodes: softmaxInvTable(exp, inv, n, invBits),
  };
}
