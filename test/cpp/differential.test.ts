/**
 * Differential property suite (issue 3): the TypeScript emulator (evaluateRecord) and the C++ reference
 * (runCppEngine, against cpp_reference/include or $AP_INCLUDE) must agree exactly, field by field, on
 * random types over the whole parameter space and random or adversarial values of every op.
 *
 *   HLSQ_PROPERTY_RUNS=N    number of cases (default 20000)
 *   HLSQ_PROPERTY_SEED=S    replay a run (the seed is printed on failure); default: the suite's seed
 *                           (HLSQ_FC_SEED, see test/support/propertySeed.ts), fresh when that is 'random'
 *   HLSQ_PROPERTY_POOL=x    type-pool scale (default sqrt(N/20000), at least 0.25)
 *
 * All cases go through one batch (a few compiled units) first. A disagreement is then replayed through
 * fast-check with the same seed and its run index, which shrinks it case by case (each candidate is one
 * small harness run), and printed as a one-line JSON reproduction.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCppEngine } from '../../src/codegen/refHarness.js';
import type { VectorRecord } from '../../src/emulator/vectors/schema.js';
import { propertySeed } from '../support/propertySeed.js';
import { caseArb, makePools } from './propertyCases.js';

const EVALUATOR = path.join(import.meta.dirname, '..', '..', 'src', 'emulator', 'vectors', 'evaluate.ts');
const RUNS = Number(process.env.HLSQ_PROPERTY_RUNS ?? 20000);
const SEED = process.env.HLSQ_PROPERTY_SEED !== undefined ? Number(process.env.HLSQ_PROPERTY_SEED) : (propertySeed() ?? Date.now()) % 2 ** 31;

if (!Number.isInteger(RUNS) || RUNS < 1) {
  throw new Error(`HLSQ_PROPERTY_RUNS must be a positive integer, got ${JSON.stringify(process.env.HLSQ_PROPERTY_RUNS)}`);
}

type Evaluate = (r: VectorRecord) => Record<string, unknown>;
type Mismatch = (e: unknown, a: unknown) => { field: string; expected: unknown; actual: unknown } | undefined;

function disagreement(evaluate: Evaluate, firstMismatch: Mismatch, record: VectorRecord, cpp: Record<string, unknown>): string | undefined {
  let emu: Record<string, unknown>;
  try {
    emu = evaluate(record);
  } catch (e) {
    return `emulator threw: ${(e as Error).message}`;
  }
  const m = firstMismatch(emu, cpp);
  return m && `${m.field}: emulator ${JSON.stringify(m.expected)} vs C++ ${JSON.stringify(m.actual)}`;
}

/** What decides a record's harness entry: the op, the types and which optional results it asks for. */
function signature(r: VectorRecord): string {
  const x = r as unknown as Record<string, unknown>;
  const typeOf = (o: unknown): unknown => (o && typeof o === 'object' && 'type' in o ? (o as { type: unknown }).type : undefined);
  return JSON.stringify([
    x.op,
    x.type,
    x.src,
    x.dst,
    typeOf(x.a),
    typeOf(x.b),
    (x.assign as { dst?: unknown } | undefined)?.dst,
    'compound' in x,
    Object.keys((x.out as object | undefined) ?? {}).length,
  ]);
}

describe.skipIf(!existsSync(EVALUATOR))('emulator vs C++ reference (differential)', () => {
  it(`agrees on ${RUNS} random cases (seed ${SEED})`, async () => {
    const { evaluateRecord, firstMismatch } = await import('../../src/emulator/vectors/evaluate.js');
    // Pools scale with the square root of the run count: more cases per type and more types.
    // HLSQ_PROPERTY_POOL=x sets that scale directly (e.g. 1 to reuse a 20000-case run's compiled units).
    const scale = process.env.HLSQ_PROPERTY_POOL ? Number(process.env.HLSQ_PROPERTY_POOL) : Math.max(0.25, Math.sqrt(RUNS / 20000));
    const pools = makePools(SEED, scale);
    const arb = caseArb(pools);

    // Chunks bound the memory of big runs. Every chunk also carries one record of each type
    // combination seen so far, so that all chunks compile to the same (cached) harness units.
    const CHUNK = 50_000;
    const warm = new Map<string, VectorRecord>();
    let compiled = 0;
    let compileMs = 0;
    let cppMs = 0;
    let emuMs = 0;
    let failing: { seed: number; index: number; runs: number; record: VectorRecord; why: string } | undefined;
    let disagreements = 0;
    for (let c = 0; c * CHUNK < RUNS && !failing; c++) {
      const runs = Math.min(CHUNK, RUNS - c * CHUNK);
      const seed = SEED + c;
      const cases = fc.sample(arb, { seed, numRuns: runs });
      for (const r of cases) if (!warm.has(signature(r))) warm.set(signature(r), r);
      const t0 = Date.now();
      const cpp = await runCppEngine([...cases, ...warm.values()], {
        checkResultTypes: true,
        onUnit: (u) => {
          if (!u.cached) compiled++;
          compileMs += u.compileMs;
        },
      });
      cppMs += Date.now() - t0;
      const t1 = Date.now();
      for (let i = 0; i < cases.length; i++) {
        const why = disagreement(evaluateRecord, firstMismatch, cases[i]!, cpp[i]!);
        if (!why) continue;
        disagreements++;
        failing ??= { seed, index: i, runs, record: cases[i]!, why };
      }
      emuMs += Date.now() - t1;
    }
    console.log(
      `differential: ${RUNS} cases, seed ${SEED}, ${warm.size} type combinations, ${compiled} units compiled ` +
        `(${compileMs} ms compiler time), C++ ${cppMs} ms, emulator ${emuMs} ms, ${disagreements} disagreements`,
    );
    if (!failing) return;

    console.log(`first disagreement (seed ${failing.seed}, case ${failing.index}): ${failing.why}`);
    // Replay that run through fast-check so that it shrinks; each candidate is computed by both engines.
    let smallest: VectorRecord = failing.record;
    let why = failing.why;
    await fc
      .assert(
        fc.asyncProperty(arb, async (record) => {
          const [res] = await runCppEngine([record], { checkResultTypes: true });
          const d = disagreement(evaluateRecord, firstMismatch, record, res!);
          if (d) {
            smallest = record;
            why = d;
          }
          return d === undefined;
        }),
        { seed: failing.seed, path: String(failing.index), numRuns: failing.runs, interruptAfterTimeLimit: 120_000, markInterruptAsFailure: true },
      )
      .catch(() => undefined);
    console.log(`HLSQ_REPRO ${JSON.stringify(smallest)}`);
    console.log(`  ${why}`);
    console.log(`  replay: HLSQ_PROPERTY_SEED=${SEED} HLSQ_PROPERTY_RUNS=${RUNS} npx vitest run test/cpp/differential.test.ts`);
    expect(disagreements, `${disagreements} of ${RUNS} cases disagree; smallest: ${JSON.stringify(smallest)} (${why})`).toBe(0);
  }, 3_600_000);
});
