import { describe, expect, test } from 'vitest';
import { OVERFLOW_MODES, QUANT_MODES } from '../../src/emulator/types.js';
import type { LayerJson, ModelJson } from '../../src/model/format.js';
import { loadModel } from '../../src/model/load.js';
import { runModel } from '../../src/model/infer.js';
import { referenceRun } from '../../src/model/reference.js';
import { Rng, randomCodes } from './randomModel.js';

/**
 * The number kernels that convert with one array pass after computing exact values (MaxPool, Add,
 * Subtract, Multiply, clipped ReLU, Concatenate) against the reference, in every quantization and overflow mode.
 * The result types drop two fraction bits and integer bits of the exact values, so ties, saturation
 * and wrap-around all occur; every code of x appears, z is random with its ends forced in. Shared and
 * per-channel result types take the single-pass and the strided-pass routes.
 */
const L = 5;
const C = 2;
const X_TYPE = 'ap_fixed<6,2>';
const Z_TYPE = 'ap_ufixed<5,3>';
const BATCH = 40;

function inputs(seed: number): Record<string, bigint[]> {
  const n = BATCH * L * C;
  const x = Array.from({ length: n }, (_, i) => BigInt((i % 64) - 32));
  const r = new Rng(seed);
  const z = randomCodes(r, Z_TYPE, n).map(BigInt);
  return { x, z };
}

function compare(layer: LayerJson, withZ: boolean, seed: number): void {
  const json: ModelJson = {
    format: 'hlsq-model',
    version: 1,
    inputs: [{ name: 'x', shape: [L, C], type: X_TYPE }, ...(withZ ? [{ name: 'z', shape: [L, C], type: Z_TYPE }] : [])],
    layers: [layer],
  };
  const model = loadModel(json);
  const all = inputs(seed);
  const given = withZ ? all : { x: all.x };
  const res = runModel(model, given, BATCH);
  const got = res.outputs.get(layer.name)!;
  const size = res.infos.get(layer.name)!.size;
  for (let b = 0; b < BATCH; b++) {
    const one: Record<string, bigint[]> = {};
    for (const [k, v] of Object.entries(given)) one[k] = v.slice(b * L * C, (b + 1) * L * C);
    const want = referenceRun(model, one).get(layer.name)!;
    for (let e = 0; e < size; e++) {
      const g = BigInt(got[b * size + e]!);
      if (g !== want[e]) throw new Error(`${JSON.stringify(layer)} sample ${b} element ${e}: engine ${g}, reference ${want[e]}`);
    }
  }
}

function resultTypes(): (string | string[])[] {
  const out: (string | string[])[] = [];
  for (const q of QUANT_MODES) {
    for (const o of OVERFLOW_MODES) {
      const uo = o === 'AP_WRAP_SM' ? 'AP_SAT' : o;
      out.push(`ap_fixed<4,2,${q},${o}>`, [`ap_fixed<4,1,${q},${o}>`, `ap_ufixed<3,1,${q},${uo}>`]);
    }
  }
  return out;
}

describe('array-converting number kernels == reference (every Q/O mode, ties, saturation, wrap)', () => {
  // [name, layer, reads z, shared result types only (4 output channels)]
  const layers: [string, (result: string | string[]) => LayerJson, boolean, boolean?][] = [
    ['MaxPool1D same', (result) => ({ name: 'l', kind: 'MaxPool1D', inputs: ['x'], poolSize: 3, stride: 2, padding: 'same', result }), false],
    ['MaxPool1D valid', (result) => ({ name: 'l', kind: 'MaxPool1D', inputs: ['x'], poolSize: 2, stride: 1, padding: 'valid', result }), false],
    ['GlobalMaxPool', (result) => ({ name: 'l', kind: 'GlobalMaxPool', inputs: ['x'], result }), false],
    ['Add', (result) => ({ name: 'l', kind: 'Add', inputs: ['x', 'z'], result }), true],
    ['Subtract', (result) => ({ name: 'l', kind: 'Subtract', inputs: ['x', 'z'], result }), true],
    ['Multiply', (result) => ({ name: 'l', kind: 'Multiply', inputs: ['x', 'z'], result }), true],
    ['ReLU max 0.625', (result) => ({ name: 'l', kind: 'ReLU', inputs: ['x'], max: { shape: [], type: 'ap_fixed<6,3>', codes: ['5'] }, result }), false],
    ['ReLU max 1.375 (finer than x)', (result) => ({ name: 'l', kind: 'ReLU', inputs: ['x'], max: { shape: [], type: 'ap_ufixed<8,2>', codes: ['88'] }, result }), false],
    ['ReLU max -0.5', (result) => ({ name: 'l', kind: 'ReLU', inputs: ['x'], max: { shape: [], type: 'ap_fixed<4,2>', codes: ['-2'] }, result }), false],
    ['Concatenate x, x along axis 0', (result) => ({ name: 'l', kind: 'Concatenate', inputs: ['x', 'x'], axis: 0, result }), false],
    ['Concatenate x, z along the channels', (result) => ({ name: 'l', kind: 'Concatenate', inputs: ['x', 'z'], axis: -1, result }), true, true],
    ['Concatenate x, z along axis 0 (mixed source types per channel)', (result) => ({ name: 'l', kind: 'Concatenate', inputs: ['x', 'z'], axis: 0, result }), true],
  ];
  for (const [name, make, withZ, sharedOnly] of layers) {
    test(name, () => {
      let n = 0;
      for (const result of resultTypes()) {
        if (sharedOnly && Array.isArray(result)) continue;
        compare(make(result), withZ, ++n);
      }
      expect(n).toBe(QUANT_MODES.length * OVERFLOW_MODES.length * (sharedOnly ? 1 : 2));
    });
  }
});
