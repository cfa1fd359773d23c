/**
 * `make bench`: runs every bench/<area>.bench.ts suite, each measuring hlsq side by side with a baseline in
 * the same process and run, prints one table and writes bench/results.json.
 * `node build/bench/bench/run.js model` runs only the suites whose file name contains an argument; such a
 * partial run prints its table but leaves bench/results.json alone (it would drop the other suites' rows).
 */
import { readdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchResult, BenchSuite } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
// Compiled into build/bench/bench/; the results file belongs in the source tree's bench/.
const repoRoot = join(here, '..', '..', '..');
const only = process.argv.slice(2);

const suites = readdirSync(here)
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

const results: BenchResult[] = [];
for (const file of suites) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { default: BenchSuite };
  process.stdout.write(`running ${file.replace(/\.bench\.js$/, '')} ...\n`);
  const rows = await mod.default();
  for (const r of rows) {
    results.push(r);
    process.stdout.write(`  ${formatRow(r)}\n`);
  }
}

printTable(results);
if (only.length > 0) {
  process.stdout.write('partial run (suites filtered): bench/results.json not written\n');
  process.exit(0);
}
const out = join(repoRoot, 'bench', 'results.json');
const tmp = `${out}.tmp`;
writeFileSync(tmp, JSON.stringify({ date: new Date().toISOString(), node: process.version, results }, null, 2) + '\n');
renameSync(tmp, out);
process.stdout.write(`wrote ${out}\n`);

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1e4 || (a > 0 && a < 1e-2)) return v.toExponential(3);
  return v.toFixed(3);
}

function formatRow(r: BenchResult): string {
  return `${r.name}: ${fmt(r.value)} ${r.unit} (baseline ${r.baselineName}: ${fmt(r.baseline)}, ratio ${fmt(r.ratio)})`;
}

function printTable(rows: BenchResult[]): void {
  const header = ['benchmark', 'value', 'unit', 'baseline', 'baseline value', 'ratio'];
  const body = rows.map((r) => [r.name, fmt(r.value), r.unit, r.baselineName, fmt(r.baseline), fmt(r.ratio)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  process.stdout.write('\n' + line(header) + '\n' + widths.map((w) => '-'.repeat(w)).join('  ') + '\n');
  for (const b of body) process.stdout.write(line(b) + '\n');
  process.stdout.write('\n');
}
