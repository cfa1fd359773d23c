/**
 * TFC_2W2A imported from QONNX, generated as an HLS project (`hlsq build`) with the four MNIST digits as
 * golden inputs, and C-simulated with g++ (`hlsq csim`): the C++ must equal the emulator bit for bit
 * (codegen.md §11.6). Skips without ../shared/external or without g++.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { buildProject } from '../../src/codegen/build.js';
import { csim } from '../../src/codegen/csim.js';
import { importQonnx } from '../../src/import/qonnx/index.js';
import { npyToFloat64, readNpy, writeNpy } from '../../src/model/npy.js';
import { saveModel } from '../../src/model/save.js';
import { TFC_INPUT_TYPE, external, hasExternal } from './helpers.js';

const present = hasExternal('qonnx-model-zoo-tfc', 'TFC_2W2A.onnx') && hasExternal('finn-mnist-vectors', 'input.npy');
const gxx = spawnSync(process.env.CXX || 'g++', ['--version']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'hlsq-tfc-csim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!present || !gxx)('TFC_2W2A: import -> build -> csim', () => {
  test('the generated C++ reproduces the emulator bit for bit on the four digits', { timeout: 900_000 }, async () => {
    const imp = importQonnx(external('qonnx-model-zoo-tfc', 'TFC_2W2A.onnx'), { inputType: TFC_INPUT_TYPE });
    const modelPath = join(dir, 'tfc.json');
    saveModel(imp.loaded, modelPath);
    const pixels = npyToFloat64(readNpy(external('finn-mnist-vectors', 'input.npy')));
    const inputPath = join(dir, 'digits.npy');
    writeNpy(inputPath, pixels.map((p) => p / 255), [4, 28, 28, 1]);
    const out = join(dir, 'prj');
    const summary = buildProject(modelPath, { out, npy: { '': inputPath }, version: 'test' });
    expect(summary.samples).toBe(4);
    // -O0: the check is bit-exactness, not speed; it compiles the 50k-weight design several times faster
    const r = await csim(out, { optimize: '-O0' });
    expect(r.run.result?.mismatches).toBe(0);
    expect(r.run.result?.compared).toBe(40);
    expect(r.passed).toBe(true);
  });
});
