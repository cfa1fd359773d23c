/**
 * End to end on a network no one here trained: the Brevitas TFC_2W2A MNIST MLP from the QONNX model zoo
 * (codegen.md §11.6). Reads ../shared/external (skips cleanly without it).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { fixedFromDouble } from '../../src/emulator/convert.js';
import { evaluateQonnx, importQonnx } from '../../src/import/qonnx/index.js';
import { codesToReal, runModel } from '../../src/model/infer.js';
import { npyToFloat64, readNpy } from '../../src/model/npy.js';
import { TFC_INPUT_TYPE, external, hasExternal } from './helpers.js';

const MODEL = external('qonnx-model-zoo-tfc', 'TFC_2W2A.onnx');
const present = hasExternal('qonnx-model-zoo-tfc', 'TFC_2W2A.onnx') && hasExternal('finn-mnist-vectors', 'input.npy');


interface Reference {
  quantized_input_39: number[][];
  final_matmul_82_int: number[][];
  hidden_quant_51_63_75_counts: Record<string, Record<string, number>>;
  logits_90_float64: number[][];
  argmax: number[];
}

describe.skipIf(!present)('TFC_2W2A (QONNX model zoo) on the first four MNIST test digits', () => {
  const ref = present ? (JSON.parse(readFileSync(external('qonnx-model-zoo-tfc', 'tfc2w2a_reference.json'), 'utf8')) as Reference) : undefined;
  const pixels = present ? npyToFloat64(readNpy(external('finn-mnist-vectors', 'input.npy'))) : new Float64Array(0);
  const labels = present ? Array.from(npyToFloat64(readNpy(external('finn-mnist-vectors', 'expected_output.npy')))) : [];
  const imp = present ? importQonnx(MODEL, { inputType: TFC_INPUT_TYPE }) : undefined;

  function run() {
    const input = imp!.loaded.inputs[0]!;
    const codes = Array.from(pixels, (p) => Number(fixedFromDouble(p / 255, input.type!).raw));
    return runModel(imp!.loaded, { [input.name]: codes }, 4, { trace: true });
  }

  test('imports with every quantizer exact: thresholds for BN + 2-bit Quant, ternary weights, one approximated output map', () => {
    const kinds = imp!.model.layers.map((l) => l.kind);
    expect(kinds.filter((k) => k === 'Dense')).toHaveLength(4);
    for (const l of imp!.model.layers) if (l.kind === 'Dense') expect(l.weights).toMatchObject({ type: 'ap_fixed<2,2>' });
    // the three hidden BN + Quant pairs are threshold layers with a 2-bit narrow result
    const thresholds = imp!.model.layers.filter((l) => l.kind === 'BatchNorm' && l.provenance?.result?.includes('thresholds'));
    expect(thresholds).toHaveLength(3);
    for (const t of thresholds) expect(t.result).toBe('ap_fixed<2,2,AP_TRN,AP_SAT_SYM>');
    expect(imp!.notes).toHaveLength(1);
    expect(imp!.notes[0]).toMatch(/output 90/);
  });

  test('quantized input (node 39), hidden activation counts and the last MatMul integers (node 82) equal the reference exactly', () => {
    const res = run();
    const trace = res.trace!;
    const q39 = Array.from(trace.get(imp!.tensors['39']!)! as Float64Array);
    expect(q39).toEqual(ref!.quantized_input_39.flat());
    for (const node of ['51', '63', '75']) {
      const codes = Array.from(trace.get(imp!.tensors[node]!)! as Float64Array);
      const counts: Record<string, number> = {};
      for (const c of codes) counts[String(c)] = (counts[String(c)] ?? 0) + 1;
      expect(counts, `node ${node}`).toEqual(ref!.hidden_quant_51_63_75_counts[node]);
    }
    const n82 = Array.from(trace.get(imp!.tensors['82']!)! as Float64Array);
    expect(n82).toEqual(ref!.final_matmul_82_int.flat());
  });

  test('argmax of the output equals the labels of expected_output.npy; logits within the declared approximation', () => {
    const res = run();
    const out = imp!.loaded.outputs[0]!;
    const logits = codesToReal(res.outputs.get(out)!, res.infos.get(out)!);
    for (let s = 0; s < 4; s++) {
      const row = Array.from(logits.slice(s * 10, s * 10 + 10));
      expect(row.indexOf(Math.max(...row)), `sample ${s}`).toBe(labels[s]);
      // 24 significant bits on constants of magnitude < 2: error far below the reference's 6 decimals
      row.forEach((v, j) => expect(Math.abs(v - ref!.logits_90_float64[s]![j]!)).toBeLessThan(1.5e-6));
    }
    expect(labels).toEqual(ref!.argmax);
  });

  test('the QONNX reference evaluator agrees with the engine on node 82 (graph semantics = lowered model)', () => {
    const res = run();
    const n82 = res.trace!.get(imp!.tensors['82']!)! as Float64Array;
    for (let s = 0; s < 4; s++) {
      const env = evaluateQonnx(imp!.graph, { '0': { dims: [1, 1, 28, 28], data: pixels.slice(s * 784, (s + 1) * 784).map((p) => Math.fround(p / 255)), kind: 'float32' } });
      expect(Array.from(env.get('82')!.data)).toEqual(Array.from(n82.slice(s * 10, s * 10 + 10)));
    }
  });
});
