import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { ModelJson } from '../../src/model/format.js';
import { codesToReal, runModel } from '../../src/model/infer.js';
import { loadModel } from '../../src/model/load.js';
import { calibrate, floatRun, freeze, intBitsForAbsmax, quantizeModel, quantizeValues } from '../../src/model/quanto.js';
import { saveModel } from '../../src/model/save.js';
import { fixedFromDouble } from '../../src/emulator/convert.js';
import { Rng } from './randomModel.js';

function floatMlp(r: Rng): ModelJson {
  const dense = (name: string, input: string, nIn: number, nOut: number, gain: number) => ({
    name,
    kind: 'Dense' as const,
    inputs: [input],
    weights: { shape: [nIn, nOut], values: Array.from({ length: nIn * nOut }, () => (r.next() * 2 - 1) * gain) },
    bias: { shape: [nOut], values: Array.from({ length: nOut }, () => r.next() * 2 - 1) },
  });
  return {
    format: 'hlsq-model',
    version: 1,
    inputs: [{ name: 'x', shape: [8] }],
    layers: [dense('dense_1', 'x', 8, 16, 1.5), { name: 'relu_1', kind: 'ReLU', inputs: ['dense_1'] }, dense('dense_2', 'relu_1', 16, 4, 1.0)],
  };
}

function run(model: ReturnType<typeof loadModel>, xs: Float64Array, batch: number): Float64Array {
  const t = model.inputs[0]!.type!;
  const codes = Array.from(xs, (v) => fixedFromDouble(v, t).raw);
  const res = runModel(model, { x: codes }, batch);
  const out = model.outputs[0]!;
  return codesToReal(res.outputs.get(out)!, res.infos.get(out)!);
}

const rmse = (a: Float64Array, b: Float64Array) => Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0) / a.length);

describe('quanto-style flow', () => {
  test('absmax weight quantization reproduces quanto reference values (scale 1 is a power of two)', () => {
    const q = quantizeValues([127, 0.5, 1.5, 2.5, -0.5, -2.5, -127], [7], 8, false);
    expect(q.types[0]!.toString()).toBe('ap_fixed<8,8,AP_RND_CONV,AP_SAT>');
    expect(q.codes).toEqual([127n, 0n, 2n, 2n, 0n, -2n, -127n]);
    expect(intBitsForAbsmax(4)).toBe(4); // an exact power of two needs the extra bit
    expect(intBitsForAbsmax(3)).toBe(3);
    expect(intBitsForAbsmax(0)).toBe(1); // all-zero tensor guarded (quanto gives NaN)
    const pc = quantizeValues([0.1, 10, -0.2, -9], [2, 2], 8, true);
    expect(pc.types.map(String)).toEqual(['ap_fixed<8,-1,AP_RND_CONV,AP_SAT>', 'ap_fixed<8,5,AP_RND_CONV,AP_SAT>']);
  });

  test('calibration beats no calibration when activations exceed the default range [-1, 1)', () => {
    const r = new Rng(7);
    const fm = loadModel(floatMlp(r));
    const q = quantizeModel(fm, { weights: 8, activations: 8, input: 'ap_fixed<12,4,AP_RND_CONV,AP_SAT>' });
    const batch = 256;
    const xs = Float64Array.from({ length: batch * 8 }, () => (r.next() * 2 - 1) * 4);
    const ref = floatRun(fm, { x: xs }, batch).get('dense_2')!;
    const uncal = freeze(q);
    const cal = freeze(calibrate(q, { x: xs }, batch, { momentum: 0.9 }));
    const eUncal = rmse(run(uncal, xs, batch), ref);
    const eCal = rmse(run(cal, xs, batch), ref);
    // activations reach several units: saturating at 1 is disastrous, calibrated 8-bit types are close
    expect(Math.max(...ref.map(Math.abs))).toBeGreaterThan(2);
    expect(eCal * 5).toBeLessThan(eUncal);
    const l = cal.layers.find((x) => x.name === 'dense_1')!;
    expect(l.provenance!.result).toMatch(/^calibrated, not proven: absmax /);
    expect(uncal.layers[0]!.provenance!.result).toMatch(/not calibrated/);
    expect(l.calibration).toBeUndefined();
  });

  test('calibration EMA: absmax a1, then momentum·s + (1 - momentum)·a2', () => {
    const json: ModelJson = {
      format: 'hlsq-model',
      version: 1,
      inputs: [{ name: 'x', shape: [1], type: 'ap_fixed<16,6>' }],
      layers: [{ name: 'd', kind: 'Dense', inputs: ['x'], weights: { shape: [1, 1], values: [1] } }],
    };
    const q = quantizeModel(loadModel(json), { weights: 8, activations: 8 });
    const c = calibrate(q, { x: [2, -1, 1, 4] }, 4, { momentum: 0.9, batchSize: 2 });
    const cal = c.layers[0]!.calibration!;
    expect(cal.calibrated).toBe(true);
    expect(cal.batches).toBe(2);
    expect(cal.absmax).toBeCloseTo(0.9 * 2 + 0.1 * 4, 12);
    expect(String(c.layers[0]!.result)).toBe('ap_fixed<8,3,AP_RND_CONV,AP_SAT>'); // floor(log2 2.2) + 2
  });

  test('freeze fixes every type, save/load round-trips exactly and gives identical outputs; BatchNorm folds', () => {
    const r = new Rng(11);
    const j = floatMlp(r);
    j.layers.splice(1, 0, { name: 'bn', kind: 'BatchNorm', inputs: ['dense_1'], scale: { shape: [16], values: Array.from({ length: 16 }, () => 0.5 + r.next()) }, shift: { shape: [16], values: Array.from({ length: 16 }, () => r.next() - 0.5) } });
    (j.layers[2] as { inputs: string[] }).inputs = ['bn'];
    const fm = loadModel(j);
    const q = quantizeModel(fm, { weights: 6, activations: 10, perChannel: true });
    expect(q.layers.map((l) => l.kind)).toEqual(['Dense', 'ReLU', 'Dense']);
    expect(q.layers[0]!.name).toBe('bn');
    const xs = Float64Array.from({ length: 64 * 8 }, () => r.next() * 6 - 3);
    const frozen = freeze(calibrate(q, { x: xs }, 64));
    for (const l of frozen.layers) {
      expect(l.result).toBeDefined();
      if ('accum' in l) expect(l.accum).toBeDefined();
    }
    const dir = mkdtempSync(join(tmpdir(), 'hlsq-quanto-'));
    saveModel(frozen, join(dir, 'm.json'));
    const back = loadModel(join(dir, 'm.json'));
    expect(back).toEqual(frozen);
    expect(run(back, xs, 64)).toEqual(run(frozen, xs, 64));
    // float model (after BN folding) and the folded float reference agree
    const refBn = floatRun(fm, { x: xs }, 64).get('dense_2')!;
    const folded = quantizeModel(fm, { weights: 30, bias: 30 });
    const refFolded = floatRun(folded, { x: xs }, 64).get('dense_2')!;
    expect(rmse(refBn, refFolded)).toBeLessThan(1e-6);
  });
});
