/**
 * The C++ reference engine: runs golden-vector records (spec §14.2) through real C++ compiled against
 * hlsq's own headers (cpp_reference/include) or, with `AP_INCLUDE` / `opts.apInclude`, the vendor's.
 *
 * Ap types are template arguments, so every distinct (op, types) combination needs its own compiled
 * function. Records are grouped by that combination; each group becomes one entry of a generated
 * translation unit (`hh::bin<hh::Add, A, B, C, ...>`, see cpp_reference/harness/hlsq_harness.h), the
 * units are compiled in parallel and cached by content hash, and each binary then answers all of its
 * cases in one process: one line of inputs per case on stdin, one line of tokens per case on stdout.
 *
 * Compilation dominates the cost (a few milliseconds per entry), so the generated code is one table
 * line per entry and the work is split into units of similar size across the available cores.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { EvaluatedResult } from '../emulator/vectors/evaluate.js';
import type { TypeJson, VectorRecord } from '../emulator/vectors/schema.js';

export interface CppEngineOptions {
  /** Directory holding the vendor's ap_int.h/ap_fixed.h; defaults to $AP_INCLUDE, else hlsq's headers. */
  apInclude?: string;
  /** Where compiled harness binaries are cached; defaults to $HLSQ_CACHE_DIR, else ./.hlsq-cache/cpp. */
  cacheDir?: string;
  /** C++ compiler; defaults to $CXX, else g++. */
  cxx?: string;
  /** Optimisation and extra flags for the harness build. */
  cxxFlags?: readonly string[];
  /** Parallel compiler processes; defaults to the number of cores. */
  jobs?: number;
  /** Upper bound of entries per translation unit (smaller units spread better over cores). */
  maxEntriesPerUnit?: number;
  /**
   * Also report each arithmetic result's type (W, I, signedness) from the compiled code and flag any
   * difference from the record's `rtype`. Costs compile time (a few instantiations per entry).
   */
  checkResultTypes?: boolean;
  /** Called after each unit is compiled or found in the cache. */
  onUnit?: (info: UnitInfo) => void;
}

export interface UnitInfo {
  entries: number;
  cases: number;
  cached: boolean;
  compileMs: number;
  runMs: number;
}

/** Thrown for records the C++ engine cannot run (with the record id, the field and what is allowed). */
export class CppEngineInputError extends Error {
  constructor(recordId: string, field: string, given: unknown, allowed: string) {
    super(`record ${recordId}: ${field} is ${JSON.stringify(given)}; expected ${allowed}`);
    this.name = 'CppEngineInputError';
  }
}

/** Thrown when the harness cannot be compiled or run. */
export class CppEngineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CppEngineError';
  }
}

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const HLSQ_AP_INCLUDE = path.join(REPO_ROOT, 'cpp_reference', 'include');
export const HARNESS_DIR = path.join(REPO_ROOT, 'cpp_reference', 'harness');

// -O0 compiles fastest and the harness' run time is negligible next to compilation.
const DEFAULT_FLAGS = ['-std=c++14', '-O0', '-fno-exceptions', '-w'];
const DEFAULT_MAX_ENTRIES = 700;

// ------------------------------------------------------------------------------------ C++ names

const Q_MODES = ['AP_RND', 'AP_RND_ZERO', 'AP_RND_MIN_INF', 'AP_RND_INF', 'AP_RND_CONV', 'AP_TRN', 'AP_TRN_ZERO'];
const O_MODES = ['AP_SAT', 'AP_SAT_ZERO', 'AP_SAT_SYM', 'AP_WRAP', 'AP_WRAP_SM'];

function checkType(id: string, field: string, t: unknown): TypeJson {
  const ty = t as Partial<TypeJson> | undefined;
  const ok =
    ty !== undefined &&
    typeof ty === 'object' &&
    Number.isInteger(ty.w) &&
    (ty.w as number) >= 1 &&
    typeof ty.s === 'boolean' &&
    (ty.k === 'int' ||
      (ty.k === 'fixed' &&
        Number.isInteger(ty.i) &&
        Q_MODES.includes(ty.q as string) &&
        O_MODES.includes(ty.o as string) &&
        Number.isInteger(ty.n) &&
        (ty.n as number) >= 0));
  if (!ok) {
    throw new CppEngineInputError(
      id,
      field,
      t,
      '{"k":"int","w":W>=1,"s":bool} or {"k":"fixed","w":W>=1,"i":int,"s":bool,"q":"AP_…","o":"AP_…","n":N>=0}',
    );
  }
  return ty as TypeJson;
}

/** The C++ spelling of a record type, e.g. ap_fixed<8,4,AP_RND,AP_SAT,0>. */
export function cppTypeName(t: TypeJson): string {
  if (t.k === 'int') return `${t.s ? 'ap_int' : 'ap_uint'}<${t.w}>`;
  return `${t.s ? 'ap_fixed' : 'ap_ufixed'}<${t.w},${t.i},${t.q},${t.o},${t.n}>`;
}

// ------------------------------------------------------------------------------ per-op plans

/** How one record becomes a harness entry, its input tokens, and how its output tokens read back. */
interface Plan {
  entry: string;
  inputs: string[];
  parse: (t: TokenReader) => EvaluatedResult;
}

class TokenReader {
  private i = 0;
  constructor(
    private readonly tokens: string[],
    private readonly id: string,
  ) {}
  next(): string {
    const t = this.tokens[this.i++];
    if (t === undefined) throw new CppEngineError(`record ${this.id}: the harness answered too few fields`);
    return t;
  }
  bool(): boolean {
    const t = this.next();
    if (t !== 'T' && t !== 'F') throw new CppEngineError(`record ${this.id}: expected T/F from the harness, got ${t}`);
    return t === 'T';
  }
  /** A result type reported as "W,I,s|u" followed by its bits. */
  typed(kind: 'int' | 'fixed'): { type: TypeJson; bits: string } {
    const [w, i, s] = this.next().split(',');
    const bits = this.next();
    const type: TypeJson =
      kind === 'int'
        ? { k: 'int', w: Number(w), s: s === 's' }
        : { k: 'fixed', w: Number(w), i: Number(i), s: s === 's', q: 'AP_TRN', o: 'AP_WRAP', n: 0 };
    return { type, bits };
  }
  done(): void {
    if (this.i !== this.tokens.length) throw new CppEngineError(`record ${this.id}: the harness answered too many fields`);
  }
}

const BIN_FUNCTOR: Readonly<Record<string, string>> = {
  fx_add: 'Add',
  fx_sub: 'Sub',
  fx_mul: 'Mul',
  fx_div: 'Div',
  int_add: 'Add',
  int_sub: 'Sub',
  int_mul: 'Mul',
  int_div: 'Div',
  int_mod: 'Mod',
  int_and: 'And',
  int_or: 'Or',
  int_xor: 'Xor',
  int_shl: 'Shl',
  int_shr: 'Shr',
};

function hexDigits(id: string, field: string, bits: unknown, width: number): string {
  const n = Math.ceil(width / 4);
  if (typeof bits !== 'string' || bits.length !== n || !/^[0-9a-f]+$/.test(bits)) {
    throw new CppEngineInputError(id, field, bits, `${n} lowercase hex digits (the raw bits of a ${width}-bit type)`);
  }
  const top = width % 4;
  if (top !== 0 && parseInt(bits[0]!, 16) >> top !== 0) {
    throw new CppEngineInputError(id, field, bits, `unused top bits zero for width ${width}`);
  }
  return bits;
}

function f64Hex(id: string, field: string, v: unknown): string {
  if (typeof v !== 'string' || !/^[0-9a-f]{16}$/.test(v)) {
    throw new CppEngineInputError(id, field, v, '16 lowercase hex digits (IEEE-754 double bits)');
  }
  return v;
}

function smallInt(id: string, field: string, v: unknown, lo: number, hi: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
    throw new CppEngineInputError(id, field, v, `an integer from ${lo} to ${hi}`);
  }
  return v;
}

function operand(id: string, field: string, o: unknown): { type: TypeJson; bits: string } {
  const op = o as { type?: unknown; bits?: unknown } | undefined;
  if (!op || typeof op !== 'object') throw new CppEngineInputError(id, field, o, 'an operand {type, bits}');
  const type = checkType(id, `${field}.type`, op.type);
  return { type, bits: hexDigits(id, `${field}.bits`, op.bits, type.w) };
}

function isZeroBits(bits: string): boolean {
  return /^0+$/.test(bits);
}

/** Whether raw * 2^-F is exactly a double, normal or subnormal (the from_double `f64_exact` field). */
export function isExactDouble(bits: string, t: TypeJson): boolean {
  let raw = BigInt('0x' + bits);
  if (t.s && t.w > 0 && raw >> BigInt(t.w - 1) === 1n) raw -= 1n << BigInt(t.w);
  let m = raw < 0n ? -raw : raw;
  if (m === 0n) return true;
  let lsb = t.k === 'int' ? 0 : t.i - t.w;
  while ((m & 1n) === 0n) {
    m >>= 1n;
    lsb++;
  }
  const len = m.toString(2).length;
  return len <= 53 && lsb + len - 1 <= 1023 && lsb >= -1074;
}

function outKeys(r: Record<string, unknown>): Record<string, unknown> {
  const out = r.out;
  return out && typeof out === 'object' ? (out as Record<string, unknown>) : {};
}

function planFor(record: VectorRecord, withType: boolean): Plan {
  const r = record as unknown as Record<string, unknown>;
  const id = String(r.id);
  const op = r.op as string;
  const out = outKeys(r);
  switch (op) {
    case 'from_double': {
      const t = checkType(id, 'type', r.type);
      if (t.k !== 'fixed') throw new CppEngineInputError(id, 'type.k', t.k, '"fixed"');
      return {
        entry: `hh::from_double<${cppTypeName(t)}>`,
        inputs: [f64Hex(id, 'in.f64', (r.in as { f64?: unknown } | undefined)?.f64)],
        parse: (tk) => {
          const bits = tk.next();
          const f64 = tk.next();
          return { out: { bits, f64, f64_exact: isExactDouble(bits, t) } };
        },
      };
    }
    case 'int_from_double': {
      const t = checkType(id, 'type', r.type);
      if (t.k !== 'int') throw new CppEngineInputError(id, 'type.k', t.k, '"int"');
      return {
        entry: `hh::int_from_double<${cppTypeName(t)}>`,
        inputs: [f64Hex(id, 'in.f64', (r.in as { f64?: unknown } | undefined)?.f64)],
        parse: (tk) => ({ out: { bits: tk.next() } }),
      };
    }
    case 'cast': {
      const src = checkType(id, 'src', r.src);
      const dst = checkType(id, 'dst', r.dst);
      return {
        entry: `hh::cast<${cppTypeName(src)},${cppTypeName(dst)}>`,
        inputs: [hexDigits(id, 'in.bits', (r.in as { bits?: unknown } | undefined)?.bits, src.w)],
        parse: (tk) => ({ out: { bits: tk.next(), bits_assign: tk.next() } }),
      };
    }
    case 'fx_add':
    case 'fx_sub':
    case 'fx_mul':
    case 'fx_div':
    case 'int_add':
    case 'int_sub':
    case 'int_mul':
    case 'int_div':
    case 'int_mod':
    case 'int_and':
    case 'int_or':
    case 'int_xor':
    case 'int_shl':
    case 'int_shr': {
      const isFx = op.startsWith('fx_');
      const a = operand(id, 'a', r.a);
      const b = operand(id, 'b', r.b);
      const isDiv = op === 'fx_div' || op === 'int_div' || op === 'int_mod';
      const typed = withType && rtypeOk(r.rtype);
      if (isDiv && isZeroBits(b.bits)) {
        throw new CppEngineInputError(id, 'b.bits', b.bits, 'a nonzero divisor (division by zero crashes the vendor, spec §11.3)');
      }
      const assignIn = isFx ? (r.assign as { dst?: unknown } | undefined) : undefined;
      const assignDst = assignIn ? checkType(id, 'assign.dst', assignIn.dst) : undefined;
      const compound = isFx ? 'compound' in r && r.compound !== undefined : true;
      const rtype = r.rtype as TypeJson | undefined;
      const entry =
        `hh::bin<hh::${BIN_FUNCTOR[op]},${cppTypeName(a.type)},${cppTypeName(b.type)},` +
        `${assignDst ? cppTypeName(assignDst) : 'hh::none'},${compound},${typed}>`;
      return {
        entry,
        inputs: [a.bits, b.bits],
        parse: (tk) => {
          const res = typed ? tk.typed(isFx ? 'fixed' : 'int') : { type: rtype, bits: tk.next() };
          const result: EvaluatedResult = { out: { bits: res.bits } };
          if (assignDst) result.assign = { dst: assignIn!.dst, bits: tk.next() };
          if (compound) result.compound = { bits: tk.next() };
          // The result type is reported by the compiled code itself; it only shows up as a field
          // when it disagrees with the record's rtype (I is only trustworthy while 2^-F is a double).
          if (typed && !sameResultType(rtype!, res.type!)) result.rtype = res.type;
          return result;
        },
      };
    }
    case 'fx_cmp':
    case 'int_cmp': {
      const a = operand(id, 'a', r.a);
      const b = operand(id, 'b', r.b);
      return {
        entry: `hh::cmp<${cppTypeName(a.type)},${cppTypeName(b.type)}>`,
        inputs: [a.bits, b.bits],
        parse: (tk) => ({ out: cmpOut(tk) }),
      };
    }
    case 'fx_cmp_double': {
      const a = operand(id, 'a', r.a);
      return {
        entry: `hh::cmp_double<${cppTypeName(a.type)}>`,
        inputs: [a.bits, f64Hex(id, 'd.f64', (r.d as { f64?: unknown } | undefined)?.f64)],
        parse: (tk) => ({ out: cmpOut(tk) }),
      };
    }
    case 'fx_neg': {
      const a = operand(id, 'a', r.a);
      const rtype = r.rtype as TypeJson | undefined;
      const typed = withType && rtypeOk(rtype);
      return {
        entry: `hh::fx_neg<${cppTypeName(a.type)},${typed}>`,
        inputs: [a.bits],
        parse: (tk) => {
          const res = typed ? tk.typed('fixed') : { type: rtype, bits: tk.next() };
          const result: EvaluatedResult = { out: { bits: res.bits } };
          if (typed && !sameResultType(rtype!, res.type!)) result.rtype = res.type;
          return result;
        },
      };
    }
    case 'fx_shift': {
      const a = operand(id, 'a', r.a);
      const sh = smallInt(id, 'sh', r.sh, -(2 ** 31), 2 ** 31 - 1);
      const withU8 = 'shl_apuint8' in out || 'shr_apuint8' in out || (!('shl' in out) && sh >= 0);
      return {
        entry: `hh::fx_shift<${cppTypeName(a.type)}>`,
        inputs: [a.bits, String(sh)],
        parse: (tk) => {
          const [shl, shr, shl8, shr8, shlu8, shru8, ishl, ishr, ashl, ashr] = Array.from({ length: 10 }, () => tk.next());
          const o: Record<string, string> = { shl: shl!, shr: shr!, shl_apint8: shl8!, shr_apint8: shr8! };
          if (withU8) {
            o.shl_apuint8 = shlu8!;
            o.shr_apuint8 = shru8!;
          }
          Object.assign(o, { init_shl: ishl!, init_shr: ishr!, shl_assign: ashl!, shr_assign: ashr! });
          return { out: o };
        },
      };
    }
    case 'fx_to_string':
    case 'int_to_string': {
      const a = operand(id, 'a', r.a);
      const radix = r.radix;
      if (radix !== 2 && radix !== 8 && radix !== 10 && radix !== 16) {
        throw new CppEngineInputError(id, 'radix', radix, '2, 8, 10 or 16');
      }
      if (a.type.k === 'fixed' && a.type.i > a.type.w) {
        throw new CppEngineInputError(id, 'a.type.i', a.type.i, `at most W = ${a.type.w} (to_string with I > W is undefined, spec §9.2)`);
      }
      return {
        entry: `hh::to_string_all<${cppTypeName(a.type)}>`,
        inputs: [a.bits, String(radix)],
        parse: (tk) => ({ out: { default: tk.next(), sign_true: tk.next(), sign_false: tk.next() } }),
      };
    }
    case 'fx_range':
    case 'int_range': {
      const a = operand(id, 'a', r.a);
      const hi = smallInt(id, 'hi', r.hi, 0, a.type.w - 1);
      const lo = smallInt(id, 'lo', r.lo, 0, a.type.w - 1);
      if (a.type.k === 'fixed') {
        return {
          entry: `hh::fx_range<${cppTypeName(a.type)},${a.type.w},${a.type.w - a.type.i}>`,
          inputs: [a.bits, String(hi), String(lo)],
          parse: (tk) => ({
            out: { bits: tk.next(), bit_hi: tk.bool(), bit_lo: tk.bool(), get_bit_hi_minus_F: tk.bool() },
          }),
        };
      }
      return {
        entry: `hh::int_range<${cppTypeName(a.type)},${a.type.w}>`,
        inputs: [a.bits, String(hi), String(lo)],
        parse: (tk) => ({
          out: {
            bits: tk.next(),
            bit_hi: tk.bool(),
            bit_lo: tk.bool(),
            range_and_reduce: tk.bool(),
            range_or_reduce: tk.bool(),
            range_xor_reduce: tk.bool(),
            and_reduce: tk.bool(),
            or_reduce: tk.bool(),
            xor_reduce: tk.bool(),
          },
        }),
      };
    }
    case 'fx_incdec': {
      const a = operand(id, 'a', r.a);
      if (a.type.k === 'fixed' && a.type.i > a.type.w) {
        throw new CppEngineInputError(id, 'a.type.i', a.type.i, `at most W = ${a.type.w} (++/-- do not compile for I > W, spec §5.3)`);
      }
      return {
        entry: `hh::incdec<${cppTypeName(a.type)}>`,
        inputs: [a.bits],
        parse: (tk) => ({ out: { preinc: tk.next(), predec: tk.next() } }),
      };
    }
    case 'fx_convert': {
      const a = operand(id, 'a', r.a);
      if (a.type.k !== 'fixed') throw new CppEngineInputError(id, 'a.type.k', a.type.k, '"fixed"');
      // Integer conversions exist only where the vendor's result is defined (I >= 0, spec §11.4).
      const withInts = 'to_int' in out || (!('f64' in out) && a.type.i >= 0);
      return {
        entry: `hh::fx_convert<${cppTypeName(a.type)},${withInts}>`,
        inputs: [a.bits],
        parse: (tk) => {
          const o: Record<string, unknown> = { f64: tk.next(), f32: tk.next(), bool: tk.bool() };
          if (withInts) {
            o.to_int = Number(tk.next());
            o.to_int64 = tk.next();
            o.to_uint64 = tk.next();
            o.to_ap_int = tk.typed('int');
          }
          return { out: o };
        },
      };
    }
    case 'int_unary': {
      const a = operand(id, 'a', r.a);
      return {
        entry: `hh::int_unary<${cppTypeName(a.type)}>`,
        inputs: [a.bits],
        parse: (tk) => ({ out: { neg: tk.typed('int'), not: tk.typed('int'), preinc: tk.next(), predec: tk.next() } }),
      };
    }
    case 'int_convert': {
      const a = operand(id, 'a', r.a);
      return {
        entry: `hh::int_convert<${cppTypeName(a.type)}>`,
        inputs: [a.bits],
        parse: (tk) => ({
          out: {
            to_int64: tk.next(),
            to_uint64: tk.next(),
            f64: tk.next(),
            to_int: Number(tk.next()),
            to_uint: Number(tk.next()),
          },
        }),
      };
    }
    case 'int_cint': {
      const a = operand(id, 'a', r.a);
      const k = smallInt(id, 'k', r.k, -(2 ** 31), 2 ** 31 - 1);
      return {
        entry: `hh::int_cint<${cppTypeName(a.type)}>`,
        inputs: [a.bits, String(k)],
        parse: (tk) => {
          const o: Record<string, unknown> = { add: tk.typed('int'), sub: tk.typed('int'), mul: tk.typed('int') };
          if (k !== 0) {
            o.div = tk.typed('int');
            o.mod = tk.typed('int');
          } else {
            tk.next();
            tk.next();
          }
          o.rsub = tk.typed('int');
          o.eq = tk.bool();
          o.lt = tk.bool();
          o.gt = tk.bool();
          return { out: o };
        },
      };
    }
    default:
      throw new CppEngineInputError(id, 'op', op, 'an op of spec §14.2 (from_double, cast, fx_*, int_*)');
  }
}

function rtypeOk(t: unknown): t is TypeJson {
  const ty = t as Partial<TypeJson> | undefined;
  return !!ty && typeof ty === 'object' && (ty.k === 'int' || ty.k === 'fixed') && Number.isInteger(ty.w);
}

function cmpOut(tk: TokenReader): Record<string, boolean> {
  return { eq: tk.bool(), ne: tk.bool(), lt: tk.bool(), le: tk.bool(), gt: tk.bool(), ge: tk.bool() };
}

function sameResultType(expected: TypeJson, got: TypeJson): boolean {
  if (expected.k !== got.k || expected.w !== got.w || expected.s !== got.s) return false;
  if (expected.k === 'fixed' && got.k === 'fixed' && Math.abs(expected.w - expected.i) <= 1000) return expected.i === got.i;
  return true;
}

// ------------------------------------------------------------------------------ build & cache

/**
 * A hash of exactly the headers the harness includes (as the compiler resolves them), so that the
 * cache survives unrelated files being added next to ap_int.h and is invalidated by any edit that
 * matters, for hlsq's headers and the vendor's alike.
 */
async function headerFingerprint(cxx: string, include: string): Promise<string> {
  const deps = await execa(cxx, ['-std=c++14', '-x', 'c++', '-M', `-I${include}`, `-I${HARNESS_DIR}`, path.join(HARNESS_DIR, 'hlsq_harness.h')], {
    reject: false,
  });
  if (deps.exitCode !== 0) {
    throw new CppEngineError(`cannot resolve the harness' headers with ${cxx} -I${include}: ${String(deps.stderr).slice(0, 2000)}`);
  }
  const files = String(deps.stdout)
    .replace(/\\\n/g, ' ')
    .split(/\s+/)
    .filter((f) => f.endsWith('.h') || f.endsWith('.hpp') || !f.includes('.'))
    .filter((f) => f && !f.endsWith(':'))
    .map((f) => path.resolve(f))
    .filter((f) => f.startsWith(path.resolve(include)) || f.startsWith(HARNESS_DIR))
    .sort();
  const h = createHash('sha256');
  for (const f of new Set(files)) h.update(f).update('\0').update(readFileSync(f)).update('\0');
  return h.digest('hex');
}

const compilerIds = new Map<string, Promise<string>>();
function compilerId(cxx: string): Promise<string> {
  let p = compilerIds.get(cxx);
  if (!p) {
    p = execa(cxx, ['--version']).then(
      (r) => r.stdout.split('\n')[0] ?? cxx,
      (e: unknown) => {
        throw new CppEngineError(`cannot run the C++ compiler ${JSON.stringify(cxx)}: ${(e as Error).message}`);
      },
    );
    compilerIds.set(cxx, p);
  }
  return p;
}

function unitSource(entries: readonly string[]): string {
  const lines = ['// generated by hlsq src/codegen/refHarness.ts: one entry per (op, types) combination', '#include "hlsq_harness.h"', 'static const hh::Entry kEntries[] = {'];
  for (const e of entries) lines.push(`  &${e},`);
  lines.push('};', 'int main() { return hh::run(kEntries, (long)(sizeof kEntries / sizeof kEntries[0])); }', '');
  return lines.join('\n');
}

async function buildUnit(
  source: string,
  key: string,
  cacheDir: string,
  cxx: string,
  flags: readonly string[],
  include: string,
): Promise<{ binary: string; cached: boolean; ms: number }> {
  const binary = path.join(cacheDir, `harness-${key}`);
  if (existsSync(binary)) return { binary, cached: true, ms: 0 };
  await mkdir(cacheDir, { recursive: true });
  const src = path.join(cacheDir, `harness-${key}.cpp`);
  await writeFile(src, source);
  const tmp = `${binary}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const t0 = Date.now();
  const res = await execa(cxx, [...flags, `-I${include}`, `-I${HARNESS_DIR}`, src, '-o', tmp], { reject: false, all: true });
  if (res.exitCode !== 0) {
    const text = (res.all ?? '').split('\n').slice(0, 40).join('\n');
    throw new CppEngineError(`compiling the harness failed (${cxx} ${flags.join(' ')} -I${include}); source kept at ${src}:\n${text}`);
  }
  await rename(tmp, binary);
  return { binary, cached: false, ms: Date.now() - t0 };
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

// ---------------------------------------------------------------------------------- the engine

/**
 * Computes every record with the C++ reference and returns, per record, its result fields in the
 * records' own encoding: `{ out, assign?, compound? }`, exactly like `evaluateRecord`. Optional fields
 * inside `out` are produced where the record's `out` has them (or, for records without `out`, where
 * spec §14.2 says the vendor's result is defined). A result type that differs from the record's `rtype`
 * is reported as an extra `rtype` field.
 */
export async function runCppEngine(records: readonly VectorRecord[], opts: CppEngineOptions = {}): Promise<EvaluatedResult[]> {
  const include = path.resolve(opts.apInclude ?? process.env.AP_INCLUDE ?? HLSQ_AP_INCLUDE);
  if (!existsSync(path.join(include, 'ap_fixed.h'))) {
    throw new CppEngineError(`no ap_fixed.h in ${include} (set AP_INCLUDE or apInclude to a directory holding the vendor's ap_int.h and ap_fixed.h)`);
  }
  const cacheDir = path.resolve(opts.cacheDir ?? process.env.HLSQ_CACHE_DIR ?? path.join(process.cwd(), '.hlsq-cache', 'cpp'));
  const cxx = opts.cxx ?? process.env.CXX ?? 'g++';
  const flags = opts.cxxFlags ?? DEFAULT_FLAGS;
  const jobs = Math.max(1, opts.jobs ?? availableParallelism());
  const maxPerUnit = Math.max(1, opts.maxEntriesPerUnit ?? DEFAULT_MAX_ENTRIES);
  if (records.length === 0) return [];

  const withType = opts.checkResultTypes ?? false;
  const plans = records.map((r) => planFor(r, withType));
  // Group cases by entry; entries are ordered by name so that the same records give the same units.
  const byEntry = new Map<string, number[]>();
  plans.forEach((p, i) => {
    const list = byEntry.get(p.entry);
    if (list) list.push(i);
    else byEntry.set(p.entry, [i]);
  });
  const entries = [...byEntry.keys()].sort();
  const nUnits = Math.max(Math.min(jobs, entries.length), Math.ceil(entries.length / maxPerUnit));
  // Contiguous slices of the sorted list keep units stable when a few records change.
  const units: string[][] = [];
  for (let u = 0; u < nUnits; u++) {
    const slice = entries.slice(Math.floor((u * entries.length) / nUnits), Math.floor(((u + 1) * entries.length) / nUnits));
    if (slice.length) units.push(slice);
  }

  const fingerprint = createHash('sha256')
    .update(await compilerId(cxx))
    .update('\0' + flags.join(' ') + '\0' + include + '\0')
    .update(await headerFingerprint(cxx, include))
    .digest('hex');

  const results = new Array<EvaluatedResult>(records.length);
  await mapLimit(units, jobs, async (unit) => {
    const source = unitSource(unit);
    const key = createHash('sha256').update(fingerprint).update(source).digest('hex').slice(0, 32);
    const built = await buildUnit(source, key, cacheDir, cxx, flags, include);
    const caseIdx: number[] = [];
    const lines: string[] = [];
    unit.forEach((entry, e) => {
      for (const i of byEntry.get(entry)!) {
        caseIdx.push(i);
        lines.push(`${e} ${plans[i]!.inputs.join(' ')}`);
      }
    });
    const t0 = Date.now();
    const run = await execa(built.binary, [], { input: lines.join('\n') + '\n', reject: false, maxBuffer: 1 << 30, stripFinalNewline: true });
    if (run.exitCode !== 0) {
      throw new CppEngineError(`the harness ${built.binary} failed (exit ${run.exitCode}${run.signal ? `, ${run.signal}` : ''}): ${String(run.stderr).slice(0, 2000)}`);
    }
    const outLines = String(run.stdout).split('\n');
    if (outLines.length !== caseIdx.length) {
      throw new CppEngineError(`the harness ${built.binary} answered ${outLines.length} lines for ${caseIdx.length} cases`);
    }
    caseIdx.forEach((i, k) => {
      const rec = records[i] as unknown as { id: string };
      const tk = new TokenReader(outLines[k]!.split(' '), rec.id);
      results[i] = plans[i]!.parse(tk);
      tk.done();
    });
    opts.onUnit?.({ entries: unit.length, cases: caseIdx.length, cached: built.cached, compileMs: built.ms, runMs: Date.now() - t0 });
  });
  return results;
}

/** Reads a golden-vector file (`.jsonl` or `.jsonl.gz`) into records; for tests and tools. */
export async function readVectorRecords(file: string): Promise<VectorRecord[]> {
  const { gunzipSync } = await import('node:zlib');
  let data = await readFile(file);
  if (file.endsWith('.gz')) data = gunzipSync(data);
  return data
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as VectorRecord);
}
