/**
 * cpp_reference/include/ap_float.h against the TypeScript exact minifloat: one compiled harness process
 * runs every case (the vectors' `exact` inputs and seeded random inputs for each format).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FloatType } from '../../src/emulator/minifloat.js';
import { hexToNumber, normalSamples } from '../../src/quantizers/index.js';

const include = fileURLToPath(new URL('../../cpp_reference/include', import.meta.url));
const hasGpp = spawnSync('g++', ['--version']).status === 0;

interface Rec { op: string; params: Record<string, number | number[]>; x: string[]; exact?: string[] }
const records = gunzipSync(readFileSync(new URL('../golden/quantizers_public.jsonl.gz', import.meta.url)))
  .toString('utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Rec)
  .filter((r) => r.op === 'minifloat' && r.exact && !Array.isArray(r.params.m));

const formats = [...new Set(records.map((r) => `${r.params.m},${r.params.e},${r.params.e0}`))].map((s) => s.split(',').map(Number) as [number, number, number]);
const formatIndex = new Map(formats.map((f, j) => [f.join(','), j]));
const types = formats.map(([m, e, e0]) => new FloatType(m, e, e0));

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
const bitsOf = (x: number) => ((f64[0] = x), u64[0]!.toString(16));
const fromBits = (h: string) => ((u64[0] = BigInt('0x' + h)), f64[0]!);

let dir = '';
let exe = '';
beforeAll(() => {
  if (!hasGpp) return;
  dir = mkdtempSync(join(tmpdir(), 'hlsq-apfloat-'));
  const src = `#include "ap_float.h"
#include <cstdio>
#include <cstring>
#include <cstdint>
template <int M, int E, int E0> static void run(double x) {
  const ap_float<M, E, E0> v(x);
  const double y = v.to_double();
  // the code must decode to the same value (NaN has no code)
  const bool roundtrip = v.is_nan() || ap_float<M, E, E0>::from_bits(v.bits()).to_double() == y;
  std::uint64_t ob;
  std::memcpy(&ob, &y, 8);
  std::printf("%016llx %d %llx\\n", static_cast<unsigned long long>(ob), roundtrip ? 1 : 0, static_cast<unsigned long long>(v.bits()));
}
typedef void (*fn)(double);
static const fn table[] = {
${formats.map(([m, e, e0]) => `  &run<${m}, ${e}, ${e0}>,`).join('\n')}
};
int main() {
  unsigned idx;
  unsigned long long bits;
  while (std::scanf("%u %llx", &idx, &bits) == 2) {
    double x;
    std::memcpy(&x, &bits, 8);
    table[idx](x);
  }
  return 0;
}
`;
  writeFileSync(join(dir, 'harness.cpp'), src);
  exe = join(dir, 'harness');
  // -Werror: the header must compile without a single warning
  execFileSync('g++', ['-std=c++14', '-Wall', '-Wextra', '-Werror', '-O1', '-I', include, join(dir, 'harness.cpp'), '-o', exe], { stdio: 'pipe' });
}, 240_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasGpp)('ap_float.h (g++ -std=c++14 -Wall -Wextra, no warnings)', () => {
  test('equals the exact field of the vectors and the TypeScript exact minifloat on random inputs', () => {
    const cases: { fi: number; x: number; want: number; src: string }[] = [];
    for (const r of records) {
      const fi = formatIndex.get(`${r.params.m},${r.params.e},${r.params.e0}`)!;
      r.x.forEach((h, j) => cases.push({ fi, x: hexToNumber(h), want: hexToNumber(r.exact![j]!), src: 'exact' }));
    }
    formats.forEach(([m, e, e0], fi) => {
      const t = new FloatType(m, e, e0);
      const xs = [...normalSamples(100, fi, 2 ** ((fi % 9) - 4)), ...normalSamples(50, fi + 1000, t.maxValue)];
      // exact ties between neighbours of the grid at a few binades
      for (let E = t.emin; E <= Math.min(t.emax, t.emin + 6); E++) xs.push((2 ** m + 0.5) * 2 ** (E - m), -(2 ** (m + 1) - 0.5) * 2 ** (E - m));
      xs.push(0, -0, NaN, Infinity, -Infinity, 5e-324, -1.7976931348623157e308);
      for (const x of xs) cases.push({ fi, x, want: t.quantize(x), src: 'ts' });
    });
    const input = cases.map((c) => `${c.fi} ${bitsOf(c.x)}`).join('\n') + '\n';
    const out = execFileSync(exe, { input, maxBuffer: 1 << 28 }).toString().trim().split('\n');
    expect(out.length).toBe(cases.length);
    const bad: string[] = [];
    out.forEach((line, j) => {
      const [h, rt, code] = line.split(' ');
      const y = fromBits(h!);
      const c = cases[j]!;
      const ok = Number.isNaN(c.want) ? Number.isNaN(y) : Object.is(y, c.want);
      // the header's code layout is the TS one (sign | field | fraction, field 0 = subnormal)
      const t = types[c.fi]!;
      const codeOk = Number.isNaN(c.x) || parseInt(code!, 16) === t.encode(c.x);
      if (!ok || rt !== '1' || !codeOk) bad.push(`${c.src} ap_float<${formats[c.fi]!.join(',')}>(${c.x}) = ${y} code ${code}, want ${c.want}, roundtrip ${rt}`);
    });
    expect(bad.slice(0, 5)).toEqual([]);
    expect(cases.length).toBeGreaterThan(20000);
  }, 120_000);
});
