import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { quantizersFamily } from '../../src/quantizers/vectors.js';

const records = gunzipSync(readFileSync(new URL('../golden/quantizers_public.jsonl.gz', import.meta.url)))
  .toString('utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as unknown);

describe('quantizers golden vectors (public split)', () => {
  test('every record is accepted', () => {
    expect(records.length).toBe(1605);
    expect(records.every((r) => quantizersFamily.accepts(r))).toBe(true);
  });
  for (const mode of ['exact', 'compat'] as const) {
    test(`${mode} mode: 0 failed`, () => {
      const outcomes = records.flatMap((r) => quantizersFamily.check(r, mode === 'compat' ? { compat: 'quantizers' } : {}));
      const failed = outcomes.filter((o) => !o.ok);
      expect(failed.slice(0, 5)).toEqual([]);
      expect(outcomes.length).toBeGreaterThanOrEqual(1605);
    }, 120_000);
  }
});

describe('the vector check can fail', () => {
  const pick = (op: string) => records.find((r) => (r as { op: string }).op === op) as Record<string, unknown>;
  test.each(['fixed', 'minifloat', 'minifloat_decompose', 'binary', 'ternary'])('%s: a corrupted expectation is reported', (op) => {
    const r = structuredClone(pick(op));
    const y = r.y as string[];
    // 1.5 is not a possible output of any of these cases' first element
    y[0] = '3ff8000000000000';
    const out = quantizersFamily.check(r, { compat: 'quantizers' });
    expect(out.some((o) => !o.ok)).toBe(true);
  });
});
