/** Helpers of the codegen tests: generate a project into a temp folder and C-simulate it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateProject, type BuildOptions } from '../../src/codegen/build.js';
import { csim, type CsimReport } from '../../src/codegen/csim.js';
import { writeTreeAtomically } from '../../src/codegen/writeTree.js';
import type { Model } from '../../src/model/format.js';
import { loadModel } from '../../src/model/load.js';
import { resolveTypes } from '../../src/model/precision.js';

export const tempRoots: string[] = [];

export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'hlsq-codegen-'));
  tempRoots.push(d);
  return d;
}

export function cleanup(): void {
  if (process.env.HLSQ_KEEP) return;
  for (const d of tempRoots.splice(0)) rmSync(d, { recursive: true, force: true });
}

export function resolved(json: object | string): Model {
  return resolveTypes(loadModel(json));
}

export function build(model: Model, opts: Partial<BuildOptions> = {}): { dir: string; files: Map<string, string> } {
  const dir = join(tempDir(), 'project');
  const { files } = generateProject(model, 'model.json', { out: dir, version: '0.0.0-test', samples: 64, seed: 7, ...opts });
  writeTreeAtomically(dir, files);
  return { dir, files };
}

/** csim; on failure the message carries the testbench's first mismatches. */
export async function csimOrExplain(dir: string, flags: string[] = []): Promise<CsimReport> {
  // -O0: the tests' compile time is the bottleneck, and a few hundred samples run fast at any level
  const r = await csim(dir, { flags, optimize: '-O0' });
  if (!r.passed) {
    throw new Error(`csim failed for ${dir}: ${JSON.stringify(r.run.result)}\n${r.run.stdout.slice(0, 4000)}\n${r.run.stderr}`);
  }
  return r;
}
