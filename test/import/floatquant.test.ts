/**
 * The FP8 fixture (qonnx floatquant_exec, a Brevitas QuantLinear(3 -> 16) with OCP E4M3 FloatQuant on input
 * and weight; minifloat-formats.md §5): its FloatQuant nodes map to the minifloat presets and the quantized
 * tensors equal Brevitas' own. Reads ../shared/external (skips cleanly without it).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { readOnnx } from '../../src/import/onnx.js';
import { readNpz } from '../../src/import/npz.js';
import { UnsupportedError } from '../../src/import/errors.js';
import { evaluateQonnx, importQonnx, qonnxQuantizers } from '../../src/import/qonnx/index.js';
import { npyToFloat64, readNpy } from '../../src/model/npy.js';
import { external, hasExternal } from './helpers.js';

const DIR = ['qonnx-floatquant-exec'];
const present = hasExternal(...DIR, 'qonnx_act_weight_fp8.onnx');
const f = (name: string) => external(...DIR, name);

describe.skipIf(!present)('QONNX FloatQuant fixture (E4M3)', () => {
  const graph = present ? readOnnx(readFileSync(f('qonnx_act_weight_fp8.onnx'))) : undefined;

  test('both FloatQuant nodes map to float8_e4m3fn (e4, m3, bias 7, max 448), saturating, round half to even', () => {
    const qs = qonnxQuantizers(graph!);
    expect(qs).toHaveLength(2);
    for (const q of qs) {
      expect(q.op).toBe('FloatQuant');
      if (q.op !== 'FloatQuant') continue;
      expect(q.preset).toBe('float8_e4m3fn');
      expect([q.format.e, q.format.m, q.format.bias, q.format.maxValue]).toEqual([4, 3, 7, 448]);
      expect(q.format.overflow).toBe('saturate');
      expect(q.format.rounding).toBe('even');
    }
  });

  test('quantized input and weight equal activation.npz exactly, by the graph semantics and by the minifloat format', () => {
    const x = npyToFloat64(readNpy(f('input.npy')));
    const env = evaluateQonnx(graph!, { 'x.1': { dims: [1, 3], data: Float64Array.from(x), kind: 'float32' } });
    const act = readNpz(f('activation.npz'));
    const wantInput = Array.from(npyToFloat64(act.get('input_quant')!));
    const wantWeight = Array.from(npyToFloat64(act.get('weight_quant')!));
    expect(Array.from(env.get('/input_quant/export_handler/FloatQuant_output_0')!.data)).toEqual(wantInput);
    expect(Array.from(env.get('/weight_quant/export_handler/FloatQuant_output_0')!.data)).toEqual(wantWeight);
    // the same tensors through the emulator's minifloat descriptor: Y = scale · quantize(X / scale)
    const [qi, qw] = qonnxQuantizers(graph!) as Extract<ReturnType<typeof qonnxQuantizers>[number], { op: 'FloatQuant' }>[];
    const viaFormat = (v: number, q: typeof qi) => Math.fround(q!.format.quantize(Math.fround(v / q!.scale!)) * q!.scale!);
    expect(Array.from(x, (v) => viaFormat(v, qi))).toEqual(wantInput);
    expect(Array.from(graph!.initializers.get('weight')!.data, (v) => viaFormat(v, qw))).toEqual(wantWeight);
  });

  test('the output equals output.npy within one float32 rounding of the exact sum (PyTorch sums in float32)', () => {
    const x = npyToFloat64(readNpy(f('input.npy')));
    const env = evaluateQonnx(graph!, { 'x.1': { dims: [1, 3], data: Float64Array.from(x), kind: 'float32' } });
    const got = env.get('11')!.data;
    const want = npyToFloat64(readNpy(f('output.npy')));
    expect(got.length).toBe(16);
    // the evaluator rounds the exact dot product once; PyTorch accumulates in float32 (a few ulps apart)
    got.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(2 * 2 ** (Math.floor(Math.log2(Math.abs(want[i]!))) - 23)));
  });

  test('lowering to a fixed-point model refuses the datapath FloatQuant with a one-line error naming the node', () => {
    let err: unknown;
    try {
      importQonnx(f('qonnx_act_weight_fp8.onnx'), { inputType: 'ap_fixed<16,2,AP_RND_CONV,AP_SAT>' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnsupportedError);
    expect((err as Error).message).toMatch(/\/input_quant\/export_handler\/FloatQuant/);
    expect((err as Error).message).toMatch(/FloatQuant/);
    expect((err as Error).message).not.toMatch(/\n/);
  });
});
