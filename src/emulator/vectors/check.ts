/**
 * Streams golden-vector files (`.jsonl` or gzip-compressed `.jsonl.gz`, one JSON record per line),
 * routes each record to the family that accepts it and aggregates the outcomes per op. Files are read
 * line by line; a 100 MB file is never held as one string.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { HlsqError, ParseError } from '../errors.js';
import { evaluateRecord, expectedOf, firstMismatch, type EvaluatedResult } from './evaluate.js';
import {
  apfixedFamily,
  checkWithEmulator,
  outcomeOf,
  showValue,
  UnknownRecordError,
  type CaseOutcome,
  type CheckOptions,
  type VectorFamily,
} from './family.js';
import { validateRecord, type VectorRecord } from './schema.js';

export interface OpSummary {
  op: string;
  passed: number;
  failed: number;
  /** The first failures, up to the number asked for. */
  failures: CaseOutcome[];
}

export interface CheckReport {
  ops: OpSummary[];
  passed: number;
  failed: number;
  /** With `--engine both`: cases where the emulator and the C++ reference disagree with each other. */
  disagreements?: Disagreement[];
  disagreementCount?: number;
}

export interface Disagreement {
  id: string;
  op: string;
  field: string;
  emulator: string;
  cpp: string;
}

export type Engine = 'emulator' | 'cpp' | 'both';
export const ENGINES: readonly Engine[] = ['emulator', 'cpp', 'both'];

/**
 * Runs a batch of apfixed records through the C++ reference harness and returns, per record, the result
 * fields in evaluateRecord's encoding. Injected by the caller: the emulator does not depend on codegen.
 */
export type CppEngine = (records: VectorRecord[]) => Promise<EvaluatedResult[]> | EvaluatedResult[];

export interface CheckFilesOptions extends CheckOptions {
  maxFailuresShown?: number;
  engine?: Engine;
  cppEngine?: CppEngine;
  /** Records per harness call (large: the harness compiles one function per distinct op and types). */
  batchSize?: number;
}

/** A line of a vector file, with where it came from (for error messages). */
export interface VectorLine {
  file: string;
  line: number;
  record: unknown;
}

/** Whether a file starts with the gzip magic bytes (the extension is not trusted). */
async function isGzip(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/** The parsed records of one file, one at a time. Blank lines are skipped; bad JSON is an error. */
export async function* readVectorFile(file: string): AsyncGenerator<VectorLine> {
  let input: NodeJS.ReadableStream;
  try {
    input = (await isGzip(file)) ? createReadStream(file).pipe(createGunzip()) : createReadStream(file);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw new HlsqError(`vector file ${file}: no such file`);
    if (e.code === 'EISDIR') throw new HlsqError(`vector file ${file}: is a directory, expected a .jsonl or .jsonl.gz file`);
    throw err;
  }
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  let records = 0;
  try {
    for await (const text of lines) {
      n++;
      if (text.trim() === '') continue;
      let record: unknown;
      try {
        record = JSON.parse(text);
      } catch (err) {
        throw new ParseError(`${file} line ${n}`, text.length > 80 ? `${text.slice(0, 77)}...` : text, `one JSON object per line (${(err as Error).message})`);
      }
      records++;
      yield { file, line: n, record };
    }
  } catch (err) {
    // zlib's codes: Z_DATA_ERROR for garbage, Z_BUF_ERROR for a file cut off mid-stream
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.startsWith('Z_')) {
      throw new HlsqError(`vector file ${file}: corrupt gzip data after line ${n} (${(err as Error).message})`);
    }
    throw err;
  }
  // an empty file checks nothing: reporting "0 passed, 0 failed" with exit status 0 would hide it
  if (records === 0) throw new HlsqError(`vector file ${file}: no records, expected one JSON record per line`);
}

/** Collects outcomes per op, in first-seen order. */
export class OutcomeTally {
  private readonly byOp = new Map<string, OpSummary>();
  constructor(private readonly maxFailuresKept: number) {}

  add(outcome: CaseOutcome): void {
    let s = this.byOp.get(outcome.op);
    if (!s) {
      s = { op: outcome.op, passed: 0, failed: 0, failures: [] };
      this.byOp.set(outcome.op, s);
    }
    if (outcome.ok) s.passed++;
    else {
      s.failed++;
      if (s.failures.length < this.maxFailuresKept) s.failures.push(outcome);
    }
  }

  report(): CheckReport {
    const ops = [...this.byOp.values()];
    return {
      ops,
      passed: ops.reduce((n, s) => n + s.passed, 0),
      failed: ops.reduce((n, s) => n + s.failed, 0),
    };
  }
}

/** The family that accepts a record, or an error naming the record. */
export function familyFor(families: readonly VectorFamily[], at: VectorLine): VectorFamily {
  const family = families.find((f) => f.accepts(at.record));
  if (family) return family;
  const r = at.record as { id?: unknown; op?: unknown } | null;
  const id = r && typeof r === 'object' && typeof r.id === 'string' ? r.id : '?';
  const op = r && typeof r === 'object' ? JSON.stringify(r.op) : 'none';
  throw new UnknownRecordError(
    `${at.file} line ${at.line}: record ${id}: unknown op ${op}; no vector family (${families.map((f) => f.name).join(', ')}) accepts it`,
  );
}

/** Prefix an error from a family with the file and line it came from. */
export function located(at: VectorLine, err: unknown): unknown {
  if (err instanceof HlsqError && !err.message.startsWith(at.file)) {
    err.message = `${at.file} line ${at.line}: ${err.message}`;
  }
  return err;
}

/**
 * Check every record of the files. Records of the apfixed family run on the chosen engine (the
 * emulator, the C++ reference, or both, which also reports where the two disagree); other families
 * run their own check.
 */
export async function checkFiles(
  files: readonly string[],
  families: readonly VectorFamily[],
  opts: CheckFilesOptions = {},
): Promise<CheckReport> {
  const maxShown = opts.maxFailuresShown ?? 1;
  const tally = new OutcomeTally(maxShown);
  const engine = opts.engine ?? 'emulator';
  if (engine !== 'emulator' && !opts.cppEngine) throw new HlsqError(`engine ${engine}: the cpp engine is not available`);
  const disagreements: Disagreement[] = [];
  let disagreementCount = 0;
  let batch: VectorRecord[] = [];

  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const records = batch;
    batch = [];
    const results = await opts.cppEngine!(records);
    if (!Array.isArray(results) || results.length !== records.length) {
      throw new HlsqError(`the cpp engine returned ${Array.isArray(results) ? results.length : 'no'} results for ${records.length} records`);
    }
    records.forEach((record, k) => {
      const cpp = results[k];
      const cppOutcome = outcomeOf(record.id, record.op, expectedOf(record), cpp);
      if (engine === 'cpp') {
        tally.add(cppOutcome);
        return;
      }
      let emulator: EvaluatedResult | undefined;
      let emulatorError: string | undefined;
      try {
        emulator = evaluateRecord(record);
      } catch (err) {
        emulatorError = `error: ${(err as Error).message}`;
      }
      const emuOutcome = emulator ? checkWithEmulator(record) : { id: record.id, op: record.op, ok: false, field: '(evaluation)', expected: 'a result', actual: emulatorError };
      const diff = emulator ? firstMismatch(emulator, cpp) : { field: '(evaluation)', expected: emulatorError, actual: cpp };
      if (diff) {
        disagreementCount++;
        if (disagreements.length < maxShown) {
          disagreements.push({
            id: record.id,
            op: record.op,
            field: diff.field,
            emulator: emulator ? showValue(diff.field, diff.expected) : String(emulatorError),
            cpp: showValue(diff.field, diff.actual),
          });
        }
      }
      if (!emuOutcome.ok) tally.add({ ...emuOutcome, actual: `${emuOutcome.actual} (emulator)` });
      else if (!cppOutcome.ok) tally.add({ ...cppOutcome, actual: `${cppOutcome.actual} (cpp)` });
      else tally.add(cppOutcome);
    });
  };

  for (const file of files) {
    for await (const at of readVectorFile(file)) {
      const family = familyFor(families, at);
      try {
        if (engine !== 'emulator' && family === apfixedFamily) {
          batch.push(validateRecord(at.record));
          if (batch.length >= (opts.batchSize ?? 32768)) await flush();
          continue;
        }
        for (const o of family.check(at.record, { compat: opts.compat })) tally.add(o);
      } catch (err) {
        throw located(at, err);
      }
    }
  }
  await flush();
  const report = tally.report();
  if (engine === 'both') return { ...report, disagreements, disagreementCount };
  return report;
}

/** The report as printed: one line per op, then `N passed, M failed`. */
export function formatReport(report: CheckReport): string[] {
  const lines: string[] = [];
  for (const s of report.ops) {
    const total = s.passed + s.failed;
    if (s.failed === 0) {
      lines.push(`${s.op}: ${s.passed} passed`);
      continue;
    }
    const [first, ...more] = s.failures;
    lines.push(`${s.op}: ${s.failed} failed of ${total}${first ? `, first ${describeFailure(first)}` : ''}`);
    for (const f of more) lines.push(`  also ${describeFailure(f)}`);
  }
  if (report.disagreementCount !== undefined) {
    lines.push(`emulator and cpp disagree on ${report.disagreementCount} cases`);
    for (const d of report.disagreements ?? []) {
      lines.push(`  ${d.id}: field ${d.field} emulator ${d.emulator} cpp ${d.cpp}`);
    }
  }
  lines.push(`${report.passed} passed, ${report.failed} failed`);
  return lines;
}

export function describeFailure(o: CaseOutcome): string {
  if (o.field === undefined) return `${o.id}: failed`;
  return `${o.id}: field ${o.field} expected ${o.expected ?? '?'} got ${o.actual ?? '?'}`;
}
