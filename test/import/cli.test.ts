/**
 * `hlsq import` on the shared fixtures through the built CLI: quantizer listing, graph evaluation from and
 * to .npy, the import check on .npy samples, the sidecar form. Skips without ../shared/external.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadModel } from '../../src/model/load.js';
import { npyToFloat64, readNpy } from '../../src/model/npy.js';
import { runCli } from '../support/cli.js';
import { TFC_INPUT_TYPE, external, hasExternal } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'hlsq-import-cli-'));
const FP8 = (f: string) => external('qonnx-floatquant-exec', f);
const TFC = external('qonnx-model-zoo-tfc', 'TFC_2W2A.onnx');

describe.skipIf(!hasExternal('qonnx-floatquant-exec', 'qonnx_act_weight_fp8.onnx'))('hlsq import on the FP8 fixture', () => {
  test('--quantizers lists both FloatQuant nodes as float8_e4m3fn', async () => {
    const r = await runCli(['import', FP8('qonnx_act_weight_fp8.onnx'), '--quantizers', '--json']);
    expect(r.exitCode).toBe(0);
    const report = JSON.parse(r.stdout) as { quantizers: { op: string; preset: string; max: number }[] };
    expect(report.quantizers.map((q) => [q.op, q.preset, q.max])).toEqual([
      ['FloatQuant', 'float8_e4m3fn', 448],
      ['FloatQuant', 'float8_e4m3fn', 448],
    ]);
  });

  test('--evaluate reads input.npy and writes the graph output as .npy', async () => {
    const out = join(dir, 'fp8_out.npy');
    const r = await runCli(['import', FP8('qonnx_act_weight_fp8.onnx'), '--evaluate', FP8('input.npy'), '--evaluate-out', out]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const got = readNpy(out);
    expect(got.shape).toEqual([1, 16]);
    const want = npyToFloat64(readNpy(FP8('output.npy')));
    npyToFloat64(got).forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThan(1e-6));
  });

  test('importing it as a fixed-point model is a one-line error naming the FloatQuant node', async () => {
    const r = await runCli(['import', FP8('qonnx_act_weight_fp8.onnx'), '--out', join(dir, 'fp8.json'), '--input-type', 'ap_fixed<16,2>']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/FloatQuant.*minifloat/);
  });
});

describe.skipIf(!hasExternal('qonnx-model-zoo-tfc', 'TFC_2W2A.onnx') || !hasExternal('finn-mnist-vectors', 'input.npy'))('hlsq import TFC_2W2A', () => {
  test('--check on input.npy (pixels, scaled 1/255): the model agrees with the graph within the declared output rounding', async () => {
    const out = join(dir, 'tfc.json');
    const r = await runCli(['import', TFC, '--out', out, '--input-type', TFC_INPUT_TYPE, '--check', external('finn-mnist-vectors', 'input.npy'), '--input-scale', '1/255', '--sidecar', '--json']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const report = JSON.parse(r.stdout) as { check: { samples: number; compared: number; maxAbsDiff: number }; notes: string[] };
    expect(report.check.samples).toBe(4);
    expect(report.check.compared).toBe(40);
    expect(report.check.maxAbsDiff).toBeLessThan(1e-6);
    expect(report.notes).toHaveLength(1);
    // the sidecar holds the weight codes; the JSON refers to it and loads
    expect(existsSync(join(dir, 'tfc.bin'))).toBe(true);
    expect(readFileSync(out, 'utf8')).toContain('"file": "tfc.bin"');
    expect(loadModel(out).layers).toHaveLength(10);
  });
});
