import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { hexToNumber, normalSamples, quantizerDiff, ROUNDING_MODES, OVERFLOW_NAMES } from '../../src/quantizers/index.js';

describe('quantizerDiff: every exact/compat disagreement falls in a class of spec §7', () => {
  test('worked examples land in their classes', () => {
    const r = quantizerDiff(Float64Array.of(0.5 - 2 ** -54, 1.5), { kind: 'fixed', k: 1, i: 3, f: 0, round: 'RND', overflow: 'SAT' });
    expect(Object.keys(r.byClass)).toEqual(['F8']);
    expect(quantizerDiff(Float64Array.of(-2.09375), { kind: 'fixed', k: 1, i: -4, f: 4, round: 'TRN', overflow: 'SAT_SYM' }).byClass.F1?.length).toBe(1);
    expect(quantizerDiff(Float64Array.of(2 ** 52 + 1), { kind: 'fixed', k: 1, i: 60, f: 0, round: 'RND', overflow: 'WRAP' }).byClass.F5?.length).toBe(1);
    expect(quantizerDiff(Float64Array.of(-5e-324), { kind: 'fixed', k: 1, i: 0, f: -1, round: 'TRN', overflow: 'WRAP' }).byClass.F7?.length).toBe(1);
    expect(quantizerDiff(Float64Array.of(1e300), { kind: 'fixed', k: 1, i: 3, f: 30, round: 'TRN', overflow: 'WRAP' }).byClass.F4?.length).toBe(1);
    // F3 is the first matching class for any difference in an i'+f > 53 SAT format (here a double rounding)
    expect(quantizerDiff(Float64Array.of(4194304.000000001), { kind: 'fixed', k: 1, i: 24, f: 30, round: 'RND_ZERO', overflow: 'SAT' }).byClass.F3?.length).toBe(1);
    expect(quantizerDiff(Float64Array.of(1.3), { kind: 'fixed', k: 0, i: 3, f: 2, round: 'RND', overflow: 'WRAP_SM' }).byClass.F9?.length).toBe(1);
    expect(quantizerDiff(Float64Array.of(0, -0, 1), { kind: 'binary' }).byClass.B1?.length).toBe(2);
    expect(quantizerDiff(Float64Array.of(1e-9), { kind: 'minifloat', m: 10, e: 8, e0: 0 }).byClass.M1?.length).toBe(1);
  });
  test('random data and formats: no unclassified difference (fixed)', () => {
    const combos = ROUNDING_MODES.flatMap((r) => OVERFLOW_NAMES.filter((o) => o !== 'WRAP_SM' || r === 'RND' || r === 'RND_CONV').map((o) => [r, o] as const));
    fc.assert(
      fc.property(
        fc.constantFrom(...combos),
        fc.constantFrom(0, 1),
        fc.integer({ min: -8, max: 60 }),
        fc.integer({ min: -8, max: 40 }),
        fc.integer(),
        fc.constantFrom(1e-9, 1, 4, 1e6, 1e20),
        fc.boolean(),
        ([round, overflow], k, i, f, seed, scale, f32) => {
          if (k === 0 && overflow === 'WRAP_SM') return;
          const raw = normalSamples(200, seed, scale);
          raw[0] = 0.5 * 2 ** -f - 2 ** (-f - 54); // a near-tie
          const x = f32 ? Float32Array.from(raw) : raw;
          const r = quantizerDiff(x, { kind: 'fixed', k, i, f, round, overflow });
          expect(r.byClass.unclassified ?? []).toEqual([]);
        },
      ),
      { numRuns: 400 },
    );
  });
  test('random data and formats: no unclassified difference (minifloat)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 8 }), fc.integer({ min: -20, max: 20 }), fc.integer(), fc.constantFrom(1e-9, 1e-4, 1, 1e4), fc.boolean(), (m, e, e0, seed, scale, f32) => {
        const raw = normalSamples(200, seed, scale);
        const x = f32 ? Float32Array.from(raw) : raw;
        expect(quantizerDiff(x, { kind: 'minifloat', m, e, e0 }).byClass.unclassified ?? []).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
  test('golden vectors: every y != exact difference is classified', () => {
    const records = gunzipSync(readFileSync(new URL('../golden/quantizers_public.jsonl.gz', import.meta.url)))
      .toString('utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { op: string; dtype: string; x: string[]; params: Record<string, number | number[] | string>; flags?: string[] });
    const counts: Record<string, number> = {};
    for (const r of records) {
      if (r.op !== 'fixed' && r.op !== 'minifloat') continue;
      if (Object.values(r.params).some(Array.isArray)) continue; // per-element widths: one format per element
      const xs = r.x.map(hexToNumber);
      const x = r.dtype === 'float32' ? Float32Array.from(xs) : Float64Array.from(xs);
      const p = r.params;
      const rep = r.op === 'fixed'
        ? quantizerDiff(x, { kind: 'fixed', k: p.k as number, i: p.i as number, f: p.f as number, round: p.round_mode as string, overflow: p.overflow_mode as string })
        : quantizerDiff(x, { kind: 'minifloat', m: p.m as number, e: p.e as number, e0: p.e0 as number });
      for (const [c, l] of Object.entries(rep.byClass)) counts[c] = (counts[c] ?? 0) + l.length;
    }
    expect(counts.unclassified ?? 0).toBe(0);
    expect(counts.F8).toBeGreaterThan(0);
    expect(counts.M1).toBeGreaterThan(0);
  });
});

describe('compat e_req without log2 where provably identical', () => {
  test('equals the upstream expression, including doubles and floats next to powers of two', async () => {
    const { compatEreq, compatEreqLog2 } = await import('../../src/quantizers/minifloat.js');
    const near = fc.tuple(fc.integer({ min: -140, max: 127 }), fc.integer({ min: -40, max: 40 })).map(([E, k]) => 2 ** E * (1 + k * 2 ** -52));
    fc.assert(
      fc.property(fc.oneof(fc.double({ noNaN: true }), near, fc.float().map(Number)), fc.boolean(), (x, f32) => {
        const v = f32 ? Math.fround(x) : x;
        expect(compatEreq(v, f32)).toBe(compatEreqLog2(v, f32));
      }),
      { numRuns: 20000 },
    );
    for (let E = -140; E <= 128; E++) {
      for (const k of [-3, -2, -1, 0, 1, 2]) {
        const x = 2 ** E + k * 2 ** (E - 52);
        for (const f32 of [false, true]) {
          const v = f32 ? Math.fround(x) : x;
          expect(compatEreq(v, f32)).toBe(compatEreqLog2(v, f32));
        }
      }
    }
  });
});

describe('compatMinifloatArray = compatMinifloat', () => {
  test('random formats (non-integer e0 too), float64 and float32', async () => {
    const { compatMinifloat, compatMinifloatArray } = await import('../../src/quantizers/minifloat.js');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 8 }), fc.oneof(fc.integer({ min: -20, max: 20 }), fc.double({ min: -5, max: 5, noNaN: true })),
        fc.array(fc.double(), { minLength: 1, maxLength: 40 }), fc.boolean(),
        (m, e, e0, xs, f32) => {
          const x = f32 ? Float32Array.from(xs) : Float64Array.from(xs);
          const out = compatMinifloatArray(x, m, e, e0, f32, new Float64Array(x.length));
          x.forEach((v, j) => {
            const want = compatMinifloat(v, m, e, e0, f32);
            expect(Number.isNaN(want) ? Number.isNaN(out[j]!) : Object.is(out[j], want)).toBe(true);
          });
        },
      ),
      { numRuns: 1500 },
    );
  });
});
