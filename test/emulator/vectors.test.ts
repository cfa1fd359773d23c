/**
 * Every record of the public golden vectors through evaluateRecord (spec §14), the strict record
 * schema, and the streaming checker.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, test } from 'vitest';
import { checkFiles, formatReport, type CheckReport } from '../../src/emulator/vectors/check.js';
import { evaluateRecord, expectedOf, firstMismatch } from '../../src/emulator/vectors/evaluate.js';
import { apfixedFamily, checkWithEmulator, type CaseOutcome } from '../../src/emulator/vectors/family.js';
import { RecordSchemaError, validateRecord, VECTOR_OPS } from '../../src/emulator/vectors/schema.js';
import { intAddRecord } from '../support/vectorRecords.js';

const GOLDEN = new URL('../golden/apfixed_public.jsonl.gz', import.meta.url).pathname;

/** Spec §14.3's public counts. */
const PUBLIC_COUNTS: Record<string, number> = {
  cast: 5469, from_double: 25923, fx_add: 2489, fx_cmp: 2500, fx_cmp_double: 451, fx_convert: 1021,
  fx_div: 2236, fx_incdec: 267, fx_mul: 2441, fx_neg: 417, fx_range: 484, fx_shift: 753, fx_sub: 2568,
  fx_to_string: 765, int_add: 1485, int_and: 1598, int_cint: 136, int_cmp: 1495, int_convert: 81,
  int_div: 1325, int_from_double: 727, int_mod: 1286, int_mul: 1580, int_or: 1592, int_range: 138,
  int_shl: 1541, int_shr: 1626, int_sub: 1489, int_to_string: 261, int_unary: 127, int_xor: 1577,
};

describe('apfixed_public.jsonl.gz through evaluateRecord', () => {
  let report: CheckReport;
  let failures: CaseOutcome[];
  beforeAll(async () => {
    report = await checkFiles([GOLDEN], [apfixedFamily], { maxFailuresShown: 100_000 });
    failures = report.ops.flatMap((s) => s.failures);
  }, 120_000);

  test('every op of spec §14 is present with its public count and is supported', () => {
    const counts = Object.fromEntries(report.ops.map((s) => [s.op, s.passed + s.failed]));
    expect(counts).toEqual(PUBLIC_COUNTS);
    expect([...VECTOR_OPS].sort()).toEqual(Object.keys(PUBLIC_COUNTS).sort());
    expect(failures.filter((f) => f.field === '(evaluation)')).toEqual([]);
  });

  test('every record passes: 0 failed', () => {
    expect(failures, formatReport(report).join('\n')).toEqual([]);
    expect(report.passed).toBe(65848);
  });
});

describe('record schema', () => {
  const good = {
    op: 'fx_add',
    id: 'fx_add-test',
    a: { type: { k: 'fixed', w: 8, i: 4, s: true, q: 'AP_TRN', o: 'AP_WRAP', n: 0 }, bits: '34' },
    b: { type: { k: 'int', w: 4, s: false }, bits: 'f' },
    rtype: { k: 'fixed', w: 10, i: 6, s: true, q: 'AP_TRN', o: 'AP_WRAP', n: 0 },
    out: { bits: '124' },
  };

  test('a valid record evaluates to exactly its own result fields', () => {
    const r = validateRecord(structuredClone(good));
    const actual = evaluateRecord(r);
    expect(Object.keys(actual)).toEqual(['out']);
    expect(firstMismatch(expectedOf(r), actual)).toBeUndefined();
  });

  test('a declared result type that differs from resultType() fails on field rtype', () => {
    const wrong = validateRecord({ ...structuredClone(good), rtype: { ...good.rtype, i: 5 } });
    expect(checkWithEmulator(wrong)).toMatchObject({ ok: false, field: 'rtype', expected: 'ap_fixed<10,5>', actual: 'ap_fixed<10,6>' });
    expect(checkWithEmulator(validateRecord(structuredClone(good)))).toMatchObject({ ok: true });
  });

  test('unknown fields are errors naming the record, the field and the op', () => {
    expect(() => validateRecord({ ...good, foo: 1 })).toThrow(RecordSchemaError);
    expect(() => validateRecord({ ...good, foo: 1 })).toThrow(/^record fx_add-test: unknown field 'foo' in op fx_add/);
    expect(() => validateRecord({ ...good, out: { bits: '124', extra: true } })).toThrow(
      /record fx_add-test: unknown field 'extra' in 'out' of op fx_add/,
    );
    expect(() => validateRecord({ ...good, a: { ...good.a, type: { ...good.a.type, x: 1 } } })).toThrow(
      /field 'a.type': unknown field 'x' in a type/,
    );
  });

  test('unknown ops, missing fields and wrong encodings are errors', () => {
    expect(() => validateRecord({ ...good, op: 'fx_pow' })).toThrow(/record fx_add-test: field 'op': unknown op string "fx_pow"/);
    const { rtype: _rtype, ...noRtype } = good;
    void _rtype;
    expect(() => validateRecord(noRtype)).toThrow(/missing field 'rtype' in op fx_add/);
    expect(() => validateRecord({ ...good, a: { ...good.a, bits: '034' } })).toThrow(/field 'a.bits': expected 2 hex digits for a 8-bit type/);
    expect(() => validateRecord({ ...good, out: { bits: '0F4' } })).toThrow(/field 'out.bits': expected lowercase hex digits/);
    expect(() => validateRecord({ ...good, a: { ...good.a, type: { ...good.a.type, q: 'AP_ROUND' } } })).toThrow(/q: expected one of AP_RND/);
    expect(() => validateRecord([1])).toThrow(/expected a JSON object/);
    expect(() => validateRecord({ ...good, id: 3 })).toThrow(/field 'id'/);
  });
});

describe('the streaming checker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hlsq-vectors-'));
  const line = (o: object): string => JSON.stringify(o);
  const rec = intAddRecord('int_add-1');

  test('plain and gzip files, per-op tallies, blank lines ignored, first failure reported', async () => {
    const wrong = { ...rec, id: 'int_add-2', out: { bits: '001' } };
    const text = [line(rec), '', line(wrong), line(rec)].join('\n') + '\n';
    writeFileSync(join(dir, 'a.jsonl'), text);
    writeFileSync(join(dir, 'b.jsonl.gz'), gzipSync(text));
    for (const f of ['a.jsonl', 'b.jsonl.gz']) {
      const report = await checkFiles([join(dir, f)], [apfixedFamily]);
      expect(formatReport(report)).toEqual([
        'int_add: 1 failed of 3, first int_add-2: field out.bits expected 0x001 got 0x000',
        '2 passed, 1 failed',
      ]);
    }
  });

  test('bad JSON and records no family accepts are errors with the file and line', async () => {
    writeFileSync(join(dir, 'bad.jsonl'), `${line(rec)}\n{not json\n`);
    await expect(checkFiles([join(dir, 'bad.jsonl')], [apfixedFamily])).rejects.toThrow(/bad\.jsonl line 2: cannot parse/);
    writeFileSync(join(dir, 'unknown.jsonl'), `${line({ ...rec, op: 'int_pow' })}\n`);
    await expect(checkFiles([join(dir, 'unknown.jsonl')], [apfixedFamily])).rejects.toThrow(
      /unknown\.jsonl line 1: record int_add-1: unknown op "int_pow"; no vector family \(apfixed\) accepts it/,
    );
    await expect(checkFiles([join(dir, 'missing.jsonl')], [apfixedFamily])).rejects.toThrow(/no such file|ENOENT/);
  });

  test('--engine cpp without a harness is a clear error; a stub harness is compared field by field', async () => {
    writeFileSync(join(dir, 'one.jsonl'), `${line(rec)}\n${line({ ...rec, id: 'int_add-3' })}\n`);
    await expect(checkFiles([join(dir, 'one.jsonl')], [apfixedFamily], { engine: 'cpp' })).rejects.toThrow(/the cpp engine is not available/);
    // a fake engine that is wrong on the second record
    const fake = (records: Parameters<typeof evaluateRecord>[0][]) =>
      records.map((r, k) => (k === 1 ? { out: { bits: '1ff' }, compound: { bits: 'ff' } } : evaluateRecord(r)));
    const cpp = await checkFiles([join(dir, 'one.jsonl')], [apfixedFamily], { engine: 'cpp', cppEngine: fake });
    expect(formatReport(cpp)).toEqual([
      'int_add: 1 failed of 2, first int_add-3: field out.bits expected 0x000 got 0x1ff',
      '1 passed, 1 failed',
    ]);
    const both = await checkFiles([join(dir, 'one.jsonl')], [apfixedFamily], { engine: 'both', cppEngine: fake });
    expect(formatReport(both)).toEqual([
      'int_add: 1 failed of 2, first int_add-3: field out.bits expected 0x000 got 0x1ff (cpp)',
      'emulator and cpp disagree on 1 cases',
      '  int_add-3: field out.bits emulator 0x000 cpp 0x1ff',
      '1 passed, 1 failed',
    ]);
  });
});
