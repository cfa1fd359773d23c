/**
 * Issue 3's core acceptance test: every record of the public golden vectors, computed by C++ compiled
 * against cpp_reference/include (or $AP_INCLUDE), equals the vendor's recorded result field by field.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readVectorRecords, runCppEngine } from '../../src/codegen/refHarness.js';
import { expectedOf, firstMismatch } from '../../src/emulator/vectors/evaluate.js';

const GOLDEN = path.join(import.meta.dirname, '..', 'golden', 'apfixed_public.jsonl.gz');

describe('C++ reference vs golden vectors', () => {
  it('reproduces every public record (0 failed)', async () => {
    let records = await readVectorRecords(GOLDEN);
    // HLSQ_GOLDEN_OPS=fx_div,int_mod narrows the run while debugging.
    const only = process.env.HLSQ_GOLDEN_OPS?.split(',').filter(Boolean);
    if (only?.length) records = records.filter((r) => only.includes(r.op));
    // HLSQ_GOLDEN_EVERY=k keeps every k-th record (a quick smoke run).
    const every = Number(process.env.HLSQ_GOLDEN_EVERY ?? 1);
    if (every > 1) records = records.filter((_, i) => i % every === 0);
    expect(records.length).toBeGreaterThan(0);

    const t0 = Date.now();
    let compileMs = 0;
    let compiled = 0;
    const results = await runCppEngine(records, {
      onUnit: (u) => {
        compileMs += u.compileMs;
        if (!u.cached) compiled++;
      },
    });
    const wallMs = Date.now() - t0;

    const failures: string[] = [];
    const perOp = new Map<string, { passed: number; failed: number }>();
    records.forEach((r, i) => {
      const m = firstMismatch(expectedOf(r), results[i]);
      const c = perOp.get(r.op) ?? { passed: 0, failed: 0 };
      perOp.set(r.op, c);
      if (m) {
        c.failed++;
        if (failures.length < 25) failures.push(`${r.id}: ${m.field} expected ${JSON.stringify(m.expected)} got ${JSON.stringify(m.actual)}`);
      } else c.passed++;
    });
    const failed = [...perOp.values()].reduce((s, c) => s + c.failed, 0);
    console.log(
      `golden/cpp: ${records.length - failed} passed, ${failed} failed; ${wallMs} ms wall, ` +
        `${compiled} units compiled (${compileMs} ms compiler time), ${Math.round(records.length / (wallMs / 1000))} cases/s`,
    );
    for (const [op, c] of [...perOp].sort()) if (c.failed) console.log(`  ${op}: ${c.failed} failed of ${c.passed + c.failed}`);
    if (failures.length) console.log(failures.join('\n'));
    expect(failed).toBe(0);
  }, 3_600_000);
});
