/**
 * Imported QONNX graphs through `hlsq build` and g++ `hlsq csim`: the generated C++ equals the emulator
 * bit for bit on layers the importer emits (BatchNorm-encoded thresholds after a BatchNorm with negative
 * gammas, bipolar codes, Rescale of non-power-of-two scales, Add, ReLU, Quant). Needs no shared data.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { buildProject } from '../../src/codegen/build.js';
import { csim } from '../../src/codegen/csim.js';
import { importQonnx } from '../../src/import/qonnx/index.js';
import { saveModel } from '../../src/model/save.js';
import { G, buildOnnx, rng } from './helpers.js';

const gxx = spawnSync(process.env.CXX || 'g++', ['--version']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'hlsq-import-csim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!gxx)('imported graphs: build -> csim', () => {
  test('thresholds, bipolar codes, Rescale, Add, ReLU and Quant compile and match the emulator', { timeout: 600_000 }, async () => {
    const g = new G(rng(42));
    const x = g.quant('x', 2 ** -4, 8, true, false);
    // branch a: BatchNorm (some negative gammas) + ternary quantizer -> thresholds; then bipolar weights
    let a = g.op('MatMul', [x, g.quant(g.rand([6, 8], -1, 1), 2 ** -3, 4, true, false)]);
    a = g.bn(a, 8);
    a = g.quant(a, 1, 2, true, true);
    a = g.op('MatMul', [a, g.op('BipolarQuant', [g.rand([8, 5], -1, 1), g.c([], [0.5])])]);
    // branch b: per-channel non-power-of-two dyadic weight scales -> Rescale
    const b = g.op('MatMul', [x, g.quant(g.rand([6, 5], -1, 1), [3 / 16, 5 / 32, 7 / 64, 3 / 8, 5 / 16], 4, true, false, 'ROUND', [1, 5])]);
    const y = g.quant(g.op('Relu', [g.op('Add', [a, b])]), 2 ** -3, 8, false, false);
    const imp = importQonnx(buildOnnx({ inputs: [{ name: 'x', dims: [1, 6] }], outputs: [y], initializers: g.init, nodes: g.nodes }));
    const kinds = new Set(imp.model.layers.map((l) => l.kind));
    for (const k of ['Dense', 'BatchNorm', 'Rescale', 'Add', 'ReLU', 'Quant']) expect(kinds, k).toContain(k);
    const modelPath = join(dir, 'mixed.json');
    saveModel(imp.loaded, modelPath);
    const out = join(dir, 'prj');
    buildProject(modelPath, { out, samples: 300, seed: 7, version: 'test' });
    const r = await csim(out, { optimize: '-O0' });
    expect(r.run.result?.mismatches).toBe(0);
    expect(r.run.result?.compared).toBe(300 * 5);
    expect(r.passed).toBe(true);
  });

  test('a CNN: Conv2D (same padding), BatchNorm thresholds, MaxPool, Flatten of [C, H, W] into Dense', { timeout: 600_000 }, async () => {
    const g = new G(rng(43));
    let x = g.quant('x', 2 ** -5, 8, true, false);
    x = g.op('Conv', [x, g.quant(g.rand([3, 2, 3, 3], -1, 1), 2 ** -2, 3, true, false), g.rand([3], -0.5, 0.5)], { kernel_shape: { ints: [3, 3] }, pads: { ints: [1, 1, 1, 1] } });
    x = g.quant(g.bn(x, 3), 2 ** -1, 3, true, false);
    x = g.op('MaxPool', [x], { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] } });
    x = g.op('Flatten', [x], { axis: { i: 1 } });
    x = g.op('MatMul', [x, g.quant(g.rand([27, 4], -1, 1), 2 ** -2, 4, true, false)]);
    x = g.quant(g.op('Relu', [x]), 2 ** -2, 6, false, false);
    const imp = importQonnx(buildOnnx({ inputs: [{ name: 'x', dims: [1, 2, 6, 6] }], outputs: [x], initializers: g.init, nodes: g.nodes }));
    expect(imp.model.layers.map((l) => l.kind)).toEqual(['Conv2D', 'BatchNorm', 'MaxPool2D', 'Flatten', 'Dense', 'ReLU', 'Quant']);
    const modelPath = join(dir, 'cnn.json');
    saveModel(imp.loaded, modelPath);
    const out = join(dir, 'cnn');
    buildProject(modelPath, { out, samples: 100, seed: 3, version: 'test' });
    const r = await csim(out, { optimize: '-O0' });
    expect(r.run.result?.mismatches).toBe(0);
    expect(r.run.result?.compared).toBe(100 * 4);
    expect(r.passed).toBe(true);
  });
});
