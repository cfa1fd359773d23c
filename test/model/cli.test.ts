import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { fixedFromDouble } from '../../src/emulator/convert.js';
import { codesToReal, runModel } from '../../src/model/infer.js';
import { loadModel } from '../../src/model/load.js';
import { readNpy, writeNpy } from '../../src/model/npy.js';
import { referenceRun } from '../../src/model/reference.js';
import { repoRoot, runCli } from '../support/cli.js';
import { Rng } from './randomModel.js';

const jet = join(repoRoot, 'examples', 'jet_tagging_mlp', 'model.json');
const conv = join(repoRoot, 'examples', 'small_conv2d', 'model.json');

describe('hlsq run / hlsq report', () => {
  test('run writes the real outputs (float64) and every layer trace; outputs equal the reference', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hlsq-run-'));
    const r = new Rng(3);
    const x = Float32Array.from({ length: 20 * 16 }, () => (r.next() * 2 - 1) * 5);
    writeNpy(join(dir, 'x.npy'), x, [20, 16]);
    const res = await runCli(['run', jet, '--input', join(dir, 'x.npy'), '--output', join(dir, 'y.npy'), '--trace', join(dir, 'trace')]);
    expect(res.stderr).toMatch(/20 samples, 8 layer traces/);
    expect(res.exitCode).toBe(0);
    const y = readNpy(join(dir, 'y.npy'));
    expect(y.dtype).toBe('f8');
    expect(y.shape).toEqual([20, 5]);
    expect(readdirSync(join(dir, 'trace')).sort()).toEqual(['dense_1.npy', 'dense_2.npy', 'dense_3.npy', 'dense_4.npy', 'relu_1.npy', 'relu_2.npy', 'relu_3.npy', 'softmax.npy']);
    const model = loadModel(jet);
    const t = model.inputs[0]!.type!;
    const d1 = readNpy(join(dir, 'trace', 'dense_1.npy'));
    expect(d1.dtype).toBe('i8');
    for (let b = 0; b < 20; b++) {
      const codes = Array.from(x.subarray(b * 16, b * 16 + 16), (v) => fixedFromDouble(v, t).raw);
      const ref = referenceRun(model, { input_1: codes });
      const sm = ref.get('softmax')!;
      for (let j = 0; j < 5; j++) expect(y.data[b * 5 + j]).toBe(Number(sm[j]!) * 2 ** -16);
      for (let j = 0; j < 64; j++) expect((d1.data as BigInt64Array)[b * 64 + j]).toBe(ref.get('dense_1')![j]);
    }
  });

  test('run --codes takes integer codes; the conv example runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hlsq-run-'));
    const codes = Int32Array.from({ length: 3 * 64 }, (_, i) => ((i * 37) % 256) - 128);
    writeNpy(join(dir, 'img.npy'), codes, [3, 8, 8, 1]);
    const res = await runCli(['run', conv, '--input', join(dir, 'img.npy'), '--output', join(dir, 'y.npy'), '--codes']);
    expect(res.exitCode).toBe(0);
    const y = readNpy(join(dir, 'y.npy'));
    expect(y.shape).toEqual([3, 3]);
    const model = loadModel(conv);
    const want = runModel(model, { image: codes }, 3);
    const real = codesToReal(want.outputs.get('softmax')!, want.infos.get('softmax')!);
    expect(Array.from(y.data as Float64Array)).toEqual(Array.from(real));
  });

  test('bad inputs: one line, exit status 2, no output file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hlsq-run-'));
    writeNpy(join(dir, 'bad.npy'), new Float64Array(3 * 15), [3, 15]);
    const out = join(dir, 'y.npy');
    const r1 = await runCli(['run', jet, '--input', join(dir, 'bad.npy'), '--output', out]);
    expect(r1.exitCode).toBe(2);
    expect(r1.stderr.trim().split('\n')).toHaveLength(1);
    expect(r1.stderr).toMatch(/^hlsq: input input_1: got "shape \(3, 15\)", expected \(batch, 16\) or \(16\)/);
    writeNpy(join(dir, 'nan.npy'), new Float64Array(16).fill(Number.NaN), [1, 16]);
    const r2 = await runCli(['run', jet, '--input', join(dir, 'nan.npy'), '--output', out]);
    expect(r2.exitCode).toBe(2);
    expect(r2.stderr).toMatch(/input input_1\[0\]: got NaN, expected a finite number/);
    const r3 = await runCli(['run', join(dir, 'missing.json'), '--input', join(dir, 'nan.npy'), '--output', out]);
    expect(r3.exitCode).toBe(2);
    expect(r3.stderr).toMatch(/missing\.json: cannot read model file/);
    expect(existsSync(out)).toBe(false);
  });

  test('report prints a table and JSON with totals', async () => {
    const t = await runCli(['report', jet]);
    expect(t.exitCode).toBe(0);
    expect(t.stdout).toMatch(/^layer\s+kind\s+shape\s+result\s+accum\s+params/);
    expect(t.stdout).toMatch(/\ntotal\s+4389\s+26334\s/);
    const j = await runCli(['report', jet, '--json']);
    const r = JSON.parse(j.stdout);
    // 16·64+64 + 64·32+32 + 32·32+32 + 32·5+5 parameters, 6 bits each
    expect(r.total.params).toBe(4389);
    expect(r.total.weightBits).toBe(4389 * 6);
    expect(r.layers[0].multiplierCount + r.layers[0].shifts + r.layers[0].zeroWeightsSkipped).toBe(1024);
  });
});
