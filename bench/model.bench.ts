/**
 * Bit-exact inference throughput of the jet-tagging MLP (examples/jet_tagging_mlp, 16-64-32-32-5, ReLU,
 * softmax) over 100,000 samples, next to two baselines measured in the same run: the same MLP in plain
 * float64 JavaScript (no quantization, `floatRun`) and the one-sample-at-a-time BigInt reference on a
 * subset. The engine's outputs on the subset are checked against the reference first.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileModel, runModel } from '../src/model/infer.js';
import { loadModel } from '../src/model/load.js';
import { floatRun } from '../src/model/quanto.js';
import { referenceRun } from '../src/model/reference.js';
import { seeded, standardNormal } from '../examples/seeded.js';
import type { BenchResult } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..');

function best(runs: number, f: () => void): number {
  let t = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    t = Math.min(t, performance.now() - t0);
  }
  return t / 1000;
}

export default async function (): Promise<BenchResult[]> {
  const model = loadModel(join(repoRoot, 'examples', 'jet_tagging_mlp', 'model.json'));
  const inType = model.inputs[0]!.type!;
  const N = 100_000;
  const rand = seeded(1);
  // Input codes of ap_fixed<16,6>: roughly N(0, 1.5) real values.
  const codes = new Float64Array(N * 16);
  const reals = new Float64Array(N * 16);
  const lsb = 2 ** -inType.fracBits;
  for (let i = 0; i < codes.length; i++) {
    const g = standardNormal(rand) * 1.5;
    const c = Math.max(Number(inType.minRaw), Math.min(Number(inType.maxRaw), Math.round(g / lsb)));
    codes[i] = c;
    reals[i] = c * lsb;
  }
  const compiled = compileModel(model);
  const fast = compiled.fastChannels;

  // Correctness first: engine == reference on a subset.
  const SUB = 300;
  const sub = runModel(compiled, { input_1: codes.subarray(0, SUB * 16) }, SUB).outputs.get('softmax')!;
  const tRef0 = performance.now();
  for (let b = 0; b < SUB; b++) {
    const one = Array.from(codes.subarray(b * 16, b * 16 + 16), (v) => BigInt(v));
    const y = referenceRun(compiled.model, { input_1: one }).get('softmax')!;
    for (let j = 0; j < 5; j++) if (BigInt(sub[b * 5 + j]!) !== y[j]) throw new Error(`model bench: engine != reference at sample ${b}`);
  }
  const refSeconds = (performance.now() - tRef0) / 1000;
  const refRate = SUB / refSeconds;

  runModel(compiled, { input_1: codes.subarray(0, 4096 * 16) }, 4096); // warm-up
  const tEngine = best(3, () => runModel(compiled, { input_1: codes }, N));
  floatRun(model, { input_1: reals.subarray(0, 4096 * 16) }, 4096);
  const tFloat = best(3, () => floatRun(model, { input_1: reals }, N));
  const engineRate = N / tEngine;
  const floatRate = N / tFloat;
  const fastNote = [...fast.entries()].map(([k, v]) => `${k} ${v.fast}/${v.total}`).join(', ');
  return [
    {
      name: 'model: jet-tagging MLP bit-exact inference (100k samples)',
      unit: 'samples/s',
      value: engineRate,
      baselineName: 'same MLP in plain float64 JS',
      baseline: floatRate,
      ratio: engineRate / floatRate,
      note: `number-path channels: ${fastNote}`,
    },
    {
      name: 'model: jet-tagging MLP bit-exact inference (100k samples)',
      unit: 'samples/s',
      value: engineRate,
      baselineName: `BigInt reference, one sample at a time (${SUB} samples)`,
      baseline: refRate,
      ratio: engineRate / refRate,
    },
  ];
}
