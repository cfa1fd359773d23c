/**
 * A family of golden-vector records: the records one reference produced, in one schema. `hlsq vectors
 * check` routes every record to the one family that accepts it; a record no family accepts is an error.
 */
import { HlsqError } from '../errors.js';
import { OP_SYMBOL, evaluateRecord, expectedOf, firstMismatch, operandValue, typeFromJson } from './evaluate.js';
import { FX_ARITH_OPS, INT_BINARY_OPS, isVectorOp, validateRecord, type VectorRecord } from './schema.js';
import { resultType, unaryResultType } from '../resultType.js';

/** The result of one case: ok, or the first field that differs. */
export interface CaseOutcome {
  id: string;
  op: string;
  ok: boolean;
  field?: string;
  expected?: string;
  actual?: string;
}

export interface CheckOptions {
  /** A family-specific comparison mode, e.g. `quantizers` for the quantizers family's compat path. */
  compat?: string;
}

export interface VectorFamily {
  readonly name: string;
  /** Whether this family owns the record (by its op); validation happens in `check`. */
  accepts(record: unknown): boolean;
  check(record: unknown, opts: CheckOptions): CaseOutcome[];
}

/** A value as the report shows it: bit patterns as 0x..., strings quoted, the rest as JSON. */
export function showValue(field: string, v: unknown): string {
  if (v === undefined) return '(absent)';
  if (typeof v === 'string') {
    const leaf = field.split('.').pop() ?? '';
    const isText = ['default', 'sign_true', 'sign_false', 'to_int64', 'to_uint64'].includes(leaf);
    return isText ? JSON.stringify(v) : `0x${v}`;
  }
  return JSON.stringify(v);
}

/** Turn "computed vs expected" into an outcome. */
export function outcomeOf(id: string, op: string, expected: unknown, actual: unknown): CaseOutcome {
  const m = firstMismatch(expected, actual);
  if (!m) return { id, op, ok: true };
  return { id, op, ok: false, field: m.field, expected: showValue(m.field, m.expected), actual: showValue(m.field, m.actual) };
}

const WITH_RESULT_TYPE = new Set<string>([...FX_ARITH_OPS, ...INT_BINARY_OPS, 'fx_neg']);

/**
 * The record's declared result type against resultType()/unaryResultType(): the bits of `out` encode
 * only the width, so a wrong I or signedness would otherwise go unseen.
 */
function resultTypeOutcome(record: VectorRecord): CaseOutcome | undefined {
  if (!WITH_RESULT_TYPE.has(record.op) || !('rtype' in record)) return undefined;
  const declared = typeFromJson(record.rtype);
  const a = operandValue(record.a);
  const computed =
    record.op === 'fx_neg'
      ? unaryResultType('neg', a.type)
      : resultType(OP_SYMBOL[record.op]!, a.type, operandValue((record as { b: Parameters<typeof operandValue>[0] }).b).type);
  if (!computed.equals(declared)) {
    return { id: record.id, op: record.op, ok: false, field: 'rtype', expected: `${declared}`, actual: `${computed}` };
  }
  return undefined;
}

/** Evaluate one validated record with the emulator and compare with its expected results. */
export function checkWithEmulator(record: VectorRecord): CaseOutcome {
  let actual: unknown;
  try {
    const typeProblem = resultTypeOutcome(record);
    if (typeProblem) return typeProblem;
    actual = evaluateRecord(record);
  } catch (err) {
    if (!(err instanceof Error)) throw err;
    // an emulator error on a case the vendor computed is a failure of this case, not of the run
    return { id: record.id, op: record.op, ok: false, field: '(evaluation)', expected: 'a result', actual: `error: ${err.message}` };
  }
  return outcomeOf(record.id, record.op, expectedOf(record), actual);
}

/** The vendor ap_int/ap_fixed vectors (apfixed_public.jsonl.gz, spec §14). */
export const apfixedFamily: VectorFamily = {
  name: 'apfixed',
  accepts(record: unknown): boolean {
    return typeof record === 'object' && record !== null && isVectorOp((record as { op?: unknown }).op);
  },
  check(record: unknown): CaseOutcome[] {
    return [checkWithEmulator(validateRecord(record))];
  },
};

/** Thrown when no family accepts a record. */
export class UnknownRecordError extends HlsqError {
  override name = 'UnknownRecordError';
}
