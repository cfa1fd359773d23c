/**
 * The `quantizers` golden-vector family (shared/golden/README-quantizers.md): checks each record in exact
 * mode (against `cpp` / `exact`, or the independent oracle where there is no stored reference) or in
 * compat mode (against `y`). Values, not bits: +0 = -0, NaN = NaN, no tolerance.
 */
import { binaryExact, binaryQuantizeNp, ternaryElement, ternaryQuantizeNp } from './binary.js';
import { fixedQuantize } from './fixed.js';
import { floatDecomposeNp, floatQuantizeNp, floatTypeOf } from './minifloat.js';
import { resultData } from './ndarray.js';
import { oracleFixedCode } from './oracle.js';
import { scaledBigIntToNumber } from './fixedExact.js';
import type { OverflowName, RoundingMode } from './modes.js';
import type { CaseOutcome, VectorFamily } from '../emulator/vectors/family.js';

export interface QuantizerRecord {
  id: string;
  op: 'fixed' | 'minifloat' | 'minifloat_decompose' | 'binary' | 'ternary';
  params: Record<string, number | number[] | string>;
  dtype: 'float64' | 'float32';
  x: string[];
  y: string[];
  y_exponent?: string[];
  cpp?: { type: string; y: (string | null)[] | null };
  exact?: string[];
  flags?: string[];
}

const OPS = new Set(['fixed', 'minifloat', 'minifloat_decompose', 'binary', 'ternary']);
const dv = new DataView(new ArrayBuffer(8));

/** Big-endian IEEE hex (16 digits float64, 8 digits float32) to a number. */
export function hexToNumber(h: string): number {
  if (h.length === 16) {
    dv.setBigUint64(0, BigInt('0x' + h));
    return dv.getFloat64(0);
  }
  dv.setUint32(0, parseInt(h, 16));
  return dv.getFloat32(0);
}

export function sameValue(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

function show(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

function isRecord(r: unknown): r is QuantizerRecord {
  return typeof r === 'object' && r !== null && typeof (r as QuantizerRecord).op === 'string' && OPS.has((r as QuantizerRecord).op) &&
    Array.isArray((r as QuantizerRecord).x) && Array.isArray((r as QuantizerRecord).y);
}

function param(p: number | number[] | string | undefined, j: number): number {
  return Array.isArray(p) ? p[j]! : (p as number);
}
/** Scalar params stay numbers, list params become arrays (this selects the per-element paths). */
function paramArg(p: number | number[] | string | undefined): number | number[] {
  return Array.isArray(p) ? p : (p as number);
}

function inputs(r: QuantizerRecord): Float64Array | Float32Array {
  const xs = r.x.map(hexToNumber);
  return r.dtype === 'float32' ? Float32Array.from(xs) : Float64Array.from(xs);
}

/** Compare arrays; one outcome per case, naming the first mismatching element. */
function compare(r: QuantizerRecord, field: string, expected: (number | undefined)[], actual: ArrayLike<number>, x: ArrayLike<number>): CaseOutcome {
  let bad = 0;
  let first = -1;
  for (let j = 0; j < expected.length; j++) {
    const e = expected[j];
    if (e === undefined) continue;
    if (!sameValue(e, actual[j]!)) {
      bad++;
      if (first < 0) first = j;
    }
  }
  if (bad === 0) return { id: r.id, op: r.op, ok: true };
  return {
    id: r.id,
    op: r.op,
    ok: false,
    field: `${field}[${first}] (x=${show(x[first]!)}; ${bad} of ${expected.length} values differ)`,
    expected: show(expected[first]!),
    actual: show(actual[first]!),
  };
}

function fail(r: QuantizerRecord, field: string, expected: string, actual: string): CaseOutcome {
  return { id: r.id, op: r.op, ok: false, field, expected, actual };
}

/** Exact expected value of a fixed element without a `cpp` value: the independent oracle (or y for non-finite x). */
function fixedOracleValue(x: number, k: 0 | 1, i: number, f: number, round: RoundingMode, overflow: OverflowName, y: number): number {
  if (!Number.isFinite(x)) return y;
  if (k + Math.max(i, -f) + f === 0) return 0;
  return scaledBigIntToNumber(oracleFixedCode(x, k, i, f, round, overflow), -f);
}

function checkFixed(r: QuantizerRecord, compat: boolean): CaseOutcome[] {
  const p = r.params;
  const x = inputs(r);
  const y = r.y.map(hexToNumber);
  const opts = { round: p.round_mode as string, overflow: p.overflow_mode as string };
  if (compat) {
    const got = resultData(fixedQuantize(x, paramArg(p.k), paramArg(p.i), paramArg(p.f), { ...opts, compat: 'quantizers' }));
    return [compare(r, 'y', y, got, x)];
  }
  const expectThrow = (r.flags ?? []).includes('unsupported_k0_WRAP_SM');
  let got: Float64Array;
  try {
    got = resultData(fixedQuantize(x, paramArg(p.k), paramArg(p.i), paramArg(p.f), opts));
  } catch (err) {
    if (expectThrow && err instanceof RangeError) return [{ id: r.id, op: r.op, ok: true }];
    return [fail(r, 'exact', expectThrow ? 'RangeError' : 'a value', `threw ${String(err)}`)];
  }
  if (expectThrow) return [fail(r, 'exact', 'RangeError (k = 0 with WRAP_SM)', 'returned values')];
  const round = (p.round_mode as string).toUpperCase().replace(/^S_/, '') as RoundingMode;
  const overflow = p.overflow_mode as OverflowName;
  const expected = y.map((yj, j) => {
    const c = r.cpp?.y?.[j];
    if (c !== undefined && c !== null) return hexToNumber(c);
    return fixedOracleValue(x[j]!, param(p.k, j) as 0 | 1, param(p.i, j), param(p.f, j), round, overflow, yj);
  });
  return [compare(r, 'cpp', expected, got, x)];
}

function checkMinifloat(r: QuantizerRecord, compat: boolean): CaseOutcome[] {
  const p = r.params;
  const x = inputs(r);
  const got = resultData(floatQuantizeNp(x, paramArg(p.m), paramArg(p.e), paramArg(p.e0), compat ? { compat: 'quantizers' } : {}));
  if (compat) return [compare(r, 'y', r.y.map(hexToNumber), got, x)];
  if (!r.exact) return [fail(r, 'exact', 'an `exact` field', 'none')];
  return [compare(r, 'exact', r.exact.map(hexToNumber), got, x)];
}

function checkDecompose(r: QuantizerRecord, compat: boolean): CaseOutcome[] {
  const p = r.params;
  const x = inputs(r);
  const [mr, er] = floatDecomposeNp(x, paramArg(p.m), paramArg(p.e), paramArg(p.e0), compat ? { compat: 'quantizers' } : {});
  const mant = resultData(mr);
  const expo = resultData(er);
  if (compat) {
    const m = compare(r, 'y', r.y.map(hexToNumber), mant, x);
    return [m.ok ? compare(r, 'y_exponent', (r.y_exponent ?? []).map(hexToNumber), expo, x) : m];
  }
  // No stored reference: mantissa * 2^exponent must be the exact quantized value, with the mantissa in
  // [1, 2) for normals and below 1 for subnormals and zero.
  const out: CaseOutcome[] = [];
  for (let j = 0; j < x.length; j++) {
    const t = floatTypeOf(param(p.m, j), param(p.e, j), param(p.e0, j));
    const q = t.quantize(x[j]!);
    const a = Math.abs(mant[j]!);
    const prod = Number.isFinite(x[j]!) ? mant[j]! * 2 ** expo[j]! : q;
    const rangeOk = Number.isNaN(x[j]!) || (expo[j] === t.emin ? a < 2 : a >= 1 && a < 2 && expo[j]! > t.emin) || (a < 1 && expo[j] === t.emin);
    if (!sameValue(prod, q) || !rangeOk) {
      out.push(fail(r, `mantissa/exponent[${j}] (x=${show(x[j]!)})`, `${show(q)} = m*2^e with m in range`, `${show(mant[j]!)}*2^${expo[j]}`));
      break;
    }
  }
  return out.length ? out : [{ id: r.id, op: r.op, ok: true }];
}

/**
 * Binary / ternary: exact expects `cpp.y` except where the C++ harness first rounded the double to
 * float32 (README-quantizers.md): there the spec's table (§5) on the exact double decides.
 */
function checkBinaryTernary(r: QuantizerRecord, compat: boolean): CaseOutcome[] {
  const x = inputs(r);
  const fn = r.op === 'binary' ? binaryQuantizeNp : ternaryQuantizeNp;
  const got = resultData(fn(x, compat ? { compat: 'quantizers' } : {}));
  if (compat) return [compare(r, 'y', r.y.map(hexToNumber), got, x)];
  const table = r.op === 'binary' ? binaryExact : ternaryElement;
  const expected = Array.from(x, (xj, j) => {
    const c = r.cpp?.y?.[j];
    if (c !== undefined && c !== null && Math.fround(xj) === xj) return hexToNumber(c);
    return table(xj);
  });
  return [compare(r, 'cpp', expected, got, x)];
}

export const quantizersFamily: VectorFamily = {
  name: 'quantizers',
  accepts: isRecord,
  check(record: unknown, opts: { compat?: string }): CaseOutcome[] {
    if (!isRecord(record)) return [{ id: String((record as { id?: unknown })?.id), op: '?', ok: false, field: 'record', expected: 'a quantizers record' }];
    if (opts.compat !== undefined && opts.compat !== 'quantizers') {
      return [fail(record, 'compat', "'quantizers' or none", opts.compat)];
    }
    const compat = opts.compat === 'quantizers';
    try {
      switch (record.op) {
        case 'fixed':
          return checkFixed(record, compat);
        case 'minifloat':
          return checkMinifloat(record, compat);
        case 'minifloat_decompose':
          return checkDecompose(record, compat);
        default:
          return checkBinaryTernary(record, compat);
      }
    } catch (err) {
      return [fail(record, 'run', 'no error', `threw ${String(err)}`)];
    }
  },
};

