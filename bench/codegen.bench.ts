/**
 * Code generation and C simulation of the jet-tagging MLP: wall time to build the project and to
 * C-simulate it with g++ (compile + run), and the emulator's golden-vector throughput against the compiled
 * C simulation's on the same samples.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadResolved, generateProject } from '../src/codegen/build.js';
import { compileProject, PACKAGE_ROOT, projectInfo, runTestbench } from '../src/codegen/csim.js';
import { randomInputs } from '../src/codegen/vectors.js';
import { writeTreeAtomically } from '../src/codegen/writeTree.js';
import { compileModel, runModel } from '../src/model/infer.js';
import type { BenchResult } from './types.js';

const SAMPLES = Number(process.env.HLSQ_BENCH_CSIM_SAMPLES ?? 20000);

export default async function codegenBench(): Promise<BenchResult[]> {
  const modelPath = join(PACKAGE_ROOT, 'examples', 'jet_tagging_mlp', 'model.json');
  const root = mkdtempSync(join(tmpdir(), 'hlsq-bench-'));
  try {
    const dir = join(root, 'jet');
    // build: load, precision, plan, render, golden vectors (engine), atomic write
    const t0 = performance.now();
    const model = loadResolved(modelPath);
    const { files } = generateProject(model, modelPath, { out: dir, version: 'bench', samples: SAMPLES, seed: 1 });
    writeTreeAtomically(dir, files);
    const buildSeconds = (performance.now() - t0) / 1000;

    const p = projectInfo(dir);
    const compile = await compileProject(p, { optimize: '-O2' });
    const run = await runTestbench(compile.binary, join(dir, 'tb_data'));
    if (run.exitCode !== 0) throw new Error(`bench csim failed: ${run.stdout.slice(0, 500)}`);
    const csimRate = SAMPLES / run.seconds;

    // the emulator on the same samples (the engine alone, no file output)
    const inputs = randomInputs(model, SAMPLES, 1);
    const compiled = compileModel(model);
    const input = inputs.codes[model.inputs[0]!.name]!.map(Number);
    runModel(compiled, { [model.inputs[0]!.name]: input.slice(0, 16 * 100) }, 100); // warm-up
    const t1 = performance.now();
    runModel(compiled, { [model.inputs[0]!.name]: input }, SAMPLES);
    const emuSeconds = (performance.now() - t1) / 1000;
    const emuRate = SAMPLES / emuSeconds;

    const total = buildSeconds + compile.seconds + run.seconds;
    return [
      {
        name: `codegen: build + csim jet_tagging_mlp (${SAMPLES} samples), wall time`,
        unit: 's',
        value: total,
        baselineName: 'g++ -O2 compile alone',
        baseline: compile.seconds,
        ratio: total / compile.seconds,
        note: `build ${buildSeconds.toFixed(2)} s (incl. golden vectors), compile ${compile.seconds.toFixed(2)} s, testbench run ${run.seconds.toFixed(2)} s`,
      },
      {
        name: 'codegen: C simulation throughput (g++ -O2, hlsq headers, testbench incl. file parsing and compare)',
        unit: 'samples/s',
        value: csimRate,
        baselineName: 'emulator runModel on the same samples',
        baseline: emuRate,
        ratio: csimRate / emuRate,
      },
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
