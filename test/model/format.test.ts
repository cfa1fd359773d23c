import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ModelFormatError } from '../../src/model/errors.js';
import type { ModelJson } from '../../src/model/format.js';
import { loadModel } from '../../src/model/load.js';
import { saveModel, serializeModel } from '../../src/model/save.js';
import { randomModel, Rng } from './randomModel.js';

const base = (): ModelJson => ({
  format: 'hlsq-model',
  version: 1,
  inputs: [{ name: 'x', shape: [32], type: 'ap_fixed<16,6,AP_RND_CONV,AP_SAT>' }],
  layers: [
    { name: 'dense_0', kind: 'Dense', inputs: ['x'], weights: { shape: [32, 64], type: 'ap_fixed<6,1>', codes: new Array(2048).fill(1) } },
    { name: 'relu_0', kind: 'ReLU', inputs: ['dense_0'] },
    { name: 'dense_1', kind: 'Dense', inputs: ['relu_0'], weights: { shape: [64, 32], type: 'ap_fixed<6,1>', codes: new Array(2048).fill(1) } },
    { name: 'dense_2', kind: 'Dense', inputs: ['dense_1'], weights: { shape: [32, 5], type: 'ap_fixed<6,1>', codes: new Array(160).fill(-2) } },
  ],
});

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ModelFormatError);
    return (e as Error).message;
  }
  throw new Error('no error');
}

describe('model format: validation with JSON paths', () => {
  test('the issue example: a wrong number of weights', () => {
    const m = base();
    (m.layers[3] as { weights: { shape: number[]; codes: number[] } }).weights = { shape: [64, 32], type: 'ap_fixed<6,1>', codes: new Array(2000).fill(0) } as never;
    const m2 = base();
    m2.layers.splice(2, 0, { name: 'q', kind: 'Quant', inputs: ['relu_0'], result: 'ap_fixed<8,3>' });
    (m2.layers[3] as { inputs: string[] }).inputs = ['q'];
    (m2.layers[3] as { weights: unknown }).weights = { shape: [64, 32], type: 'ap_fixed<6,1>', codes: new Array(2000).fill(0) };
    expect(errorOf(() => loadModel(m2))).toBe('layers[3].weights: expected 64x32 values, got 2000');
  });

  test.each([
    [(m: any) => (m.version = 2), /^version: /],
    [(m: any) => (m.format = 'onnx'), /^format: /],
    [(m: any) => (m.inputs[0].type = 'ap_int<8>'), /^inputs\[0\]\.type: .*ap_fixed<W,W>/],
    [(m: any) => (m.inputs[0].type = 'ap_fixed<8,3,AP_FOO>'), /^inputs\[0\]\.type: Q: got "AP_FOO"/],
    [(m: any) => (m.layers[1].kind = 'Relu'), /^layers\[1\]\.kind: /],
    [(m: any) => (m.layers[1].inputs = ['nope']), /^layers\[1\]\.inputs\[0\]: unknown tensor "nope"/],
    [(m: any) => (m.layers[1].name = 'dense_0'), /^layers\[1\]\.name: duplicate tensor name "dense_0"/],
    [(m: any) => (m.layers[0].weights.codes[7] = 99), /^layers\[0\]\.weights\.codes\[7\]: code 99 is outside ap_fixed<6,1> \(codes -32 to 31\)/],
    [(m: any) => (m.layers[0].weights.codes[7] = 1.5), /^layers\[0\]\.weights\.codes\[7\]: expected an integer code .*got 1.5/],
    [(m: any) => (m.layers[0].weights.shape = [16, 128]), /^layers\[0\]\.weights\.shape: expected \[32, n_out\]/],
    [(m: any) => (m.layers[0].accum = ['ap_fixed<8,3>', 'ap_fixed<8,3>']), /^layers\[0\]\.accum: expected one type or 64/],
    [(m: any) => (m.layers[0].shape = [65]), /^layers\[0\]\.shape: the layer computes \[64\], the file says \[65\]/],
    [(m: any) => (m.layers[0].weights = { shape: [32, 64], codes: [] }), /^layers\[0\]\.weights: expected a quantized constant/],
    [(m: any) => (m.layers[1].extra = 1), /^layers\[1\]: Unrecognized key: "extra"/],
    [(m: any) => (m.outputs = ['dense_9']), /^outputs\[0\]: unknown tensor "dense_9"/],
  ])('%#: a malformed model names the JSON path', (mutate, re) => {
    const m = base();
    mutate(m);
    expect(errorOf(() => loadModel(m))).toMatch(re);
  });

  test('file errors name the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hlsq-model-'));
    const p = join(dir, 'bad.json');
    writeFileSync(p, '{"format": "hlsq-model", ');
    expect(errorOf(() => loadModel(p))).toMatch(/bad\.json: not valid JSON/);
    expect(errorOf(() => loadModel(join(dir, 'missing.json')))).toMatch(/missing\.json: cannot read model file/);
  });
});

describe('model format: save / load round trip', () => {
  test('random models: serialize(load(x)) is a fixed point and load gives equal models', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const json = randomModel(new Rng(seed), { wide: true, tables: true });
        const m1 = loadModel(json);
        const s1 = serializeModel(m1).json;
        const m2 = loadModel(JSON.parse(JSON.stringify(s1)));
        expect(m2).toEqual(m1);
        expect(serializeModel(m2).json).toEqual(s1);
      }),
      { numRuns: 400 },
    );
  });

  test('sidecar binary: codes move to the file and come back identical', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hlsq-model-'));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const m1 = loadModel(randomModel(new Rng(seed), { wide: true }));
        const p = join(dir, 'm.json');
        saveModel(m1, p, { sidecar: { file: 'm.bin' } });
        const text = readFileSync(p, 'utf8');
        const m2 = loadModel(p);
        expect(m2).toEqual(m1);
        return text.length > 0;
      }),
      { numRuns: 100 },
    );
    const big = loadModel(base());
    const p = join(dir, 'big.json');
    saveModel(big, p, { sidecar: { file: 'big.bin', minCodes: 100 } });
    const j = JSON.parse(readFileSync(p, 'utf8'));
    expect(j.layers[0].weights.codes).toEqual({ file: 'big.bin', offset: 0, dtype: 'int8' });
    expect(loadModel(p)).toEqual(big);
    // A truncated sidecar is refused with the path.
    writeFileSync(join(dir, 'big.bin'), readFileSync(join(dir, 'big.bin')).subarray(0, 100));
    expect(errorOf(() => loadModel(p))).toMatch(/layers\[0\]\.weights\.codes: sidecar "big\.bin" is truncated/);
  });
});
