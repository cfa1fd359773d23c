/**
 * The lowering is checked against the graph's own semantics: random QONNX graphs (built here with the
 * ONNX schema package) are imported, run through the bit-exact engine, and compared with the QONNX
 * reference evaluator on random inputs. Every compared output is a quantizer's output, so equality is
 * exact (no tolerance): power-of-two casts, exact thresholds after BatchNorm (negative gammas included),
 * non-power-of-two scales carried to the next quantizer, bipolar codes, Conv layout, Flatten order, pools.
 */
import { describe, expect, test } from 'vitest';
import { fixedFromDouble } from '../../src/emulator/convert.js';
import { importQonnx } from '../../src/import/qonnx/index.js';
import { evaluateQonnx } from '../../src/import/qonnx/evaluate.js';
import { codesToReal, runModel } from '../../src/model/infer.js';
import { G, buildOnnx, rng, type GraphSpec } from './helpers.js';

function check(spec: GraphSpec, inputDims: number[], samples: number, r: () => number, range: [number, number]) {
  const bytes = buildOnnx(spec);
  const imp = importQonnx(bytes);
  const input = imp.loaded.inputs[0]!;
  const size = inputDims.slice(1).reduce((a, b) => a * b, 1);
  const xs = Array.from({ length: samples * size }, () => Math.fround(range[0] + (range[1] - range[0]) * r()));
  // The model is channels-last: transpose each NCHW sample into [H, W, C].
  const perm = layoutPerm(inputDims);
  const codes = new Float64Array(samples * size);
  for (let s = 0; s < samples; s++) for (let k = 0; k < size; k++) codes[s * size + k] = Number(fixedFromDouble(xs[s * size + perm[k]!]!, input.type!).raw);
  const res = runModel(imp.loaded, { [input.name]: codes }, samples);
  const outName = imp.loaded.outputs[0]!;
  const got = codesToReal(res.outputs.get(outName)!, res.infos.get(outName)!);
  const outSize = got.length / samples;
  let compared = 0;
  for (let s = 0; s < samples; s++) {
    const env = evaluateQonnx(imp.graph, { [spec.inputs[0]!.name]: { dims: [1, ...inputDims.slice(1)], data: Float64Array.from(xs.slice(s * size, (s + 1) * size)), kind: 'float32' } });
    const want = env.get(spec.outputs[0]!)!;
    const wperm = layoutPerm(want.dims);
    for (let k = 0; k < outSize; k++) {
      expect(got[s * outSize + k], `sample ${s} element ${k}`).toBe(want.data[wperm[k]!]);
      compared++;
    }
  }
  return { imp, compared };
}

/** Model element k (channels-last) -> ONNX element (NCHW) for one sample. */
function layoutPerm(dims: readonly number[]): number[] {
  if (dims.length <= 2) return Array.from({ length: dims.slice(1).reduce((a, b) => a * b, 1) }, (_, i) => i);
  const [, C, ...sp] = dims as number[];
  const S = sp.reduce((a, b) => a * b, 1);
  const out: number[] = [];
  for (let s = 0; s < S; s++) for (let c = 0; c < C!; c++) out.push(c * S + s);
  return out;
}

const SEEDS = Array.from({ length: 12 }, (_, i) => i + 1);

describe('lowering equals the QONNX graph semantics on random graphs', () => {
  test.each(SEEDS)('MLP: po2 casts, BatchNorm thresholds (negative gammas), non-po2 scales, ReLU, Gemm (seed %i)', (seed) => {
    const r = rng(seed);
    const g = new G(r);
    const [I, H1, H2, O] = [6, 8, 7, 5];
    let x = g.quant('x', 2 ** -4, 8, true, false);
    // po2 weights, bias, BN, ReLU, unsigned 3-bit activation
    const w1 = g.quant(g.rand([I, H1], -1, 1), 2 ** -3, 4, true, false);
    x = g.op('MatMul', [x, w1]);
    x = g.op('Add', [x, g.rand([H1], -0.5, 0.5)]);
    x = g.bn(x, H1);
    x = g.op('Relu', [x]);
    x = g.quant(x, 2 ** -2, 3, false, false);
    // Gemm with non-po2 per-output-channel weight scales, then a constant Mul, a 2-bit narrow non-po2 quantizer
    const scales = Array.from({ length: H2 }, () => Math.fround(0.05 + 0.3 * r()));
    const w2 = g.quant(g.rand([H2, H1], -1, 1), scales, 3, true, true, 'ROUND', [H2, 1]);
    x = g.op('Gemm', [x, w2, g.rand([H2], -0.3, 0.3)], { transB: { i: 1 } });
    x = g.op('Mul', [x, g.c([], [Math.fround(1.37)])]);
    x = g.quant(x, Math.fround(0.173), 2, true, true);
    // float (dyadic) weights, the preprocessing-style affine map, then a FLOOR output quantizer
    x = g.op('MatMul', [x, g.rand([H2, O], -2, 2)]);
    x = g.op('Sub', [x, g.c([], [0.5])]);
    x = g.quant(x, 2 ** -3, 6, true, false, 'FLOOR');
    const spec: GraphSpec = { inputs: [{ name: 'x', dims: [1, I] }], outputs: [x], initializers: g.init, nodes: g.nodes };
    const { compared, imp } = check(spec, [1, I], 40, r, [-6, 6]);
    expect(compared).toBe(40 * O);
    expect(imp.model.layers.map((l) => l.kind)).toContain('Dense');
  });

  test.each(SEEDS)('CNN: Conv (same padding) + BN thresholds, MaxPool, Flatten of [C,H,W], Dense (seed %i)', (seed) => {
    const r = rng(100 + seed);
    const g = new G(r);
    const [C, H, W, M] = [2, 6, 6, 3];
    let x = g.quant('x', 2 ** -5, 8, true, false);
    const w = g.quant(g.rand([M, C, 3, 3], -1, 1), 2 ** -2, 3, true, false);
    x = g.op('Conv', [x, w, g.rand([M], -0.5, 0.5)], { kernel_shape: { ints: [3, 3] }, pads: { ints: [1, 1, 1, 1] } });
    x = g.bn(x, M);
    x = g.quant(x, 2 ** -1, 3, true, false);
    x = g.op('MaxPool', [x], { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] } });
    x = g.op('Flatten', [x], { axis: { i: 1 } });
    x = g.op('MatMul', [x, g.quant(g.rand([M * 9, 4], -1, 1), 2 ** -2, 4, true, false)]);
    x = g.quant(x, 2 ** -2, 8, true, false, 'HALF_UP');
    const spec: GraphSpec = { inputs: [{ name: 'x', dims: [1, C, H, W] }], outputs: [x], initializers: g.init, nodes: g.nodes };
    const { compared } = check(spec, [1, C, H, W], 12, r, [-3, 3]);
    expect(compared).toBe(12 * 4);
  });

  test.each(SEEDS)('binary: BipolarQuant weights and activations after BatchNorm (seed %i)', (seed) => {
    const r = rng(200 + seed);
    const g = new G(r);
    const [I, H, O] = [10, 9, 4];
    let x = g.quant('x', 2 ** -3, 6, true, false);
    x = g.op('MatMul', [x, g.op('BipolarQuant', [g.rand([I, H], -1, 1), g.c([], [1])])]);
    x = g.bn(x, H);
    x = g.op('BipolarQuant', [x, g.c([], [Math.fround(0.5)])]);
    x = g.op('MatMul', [x, g.op('BipolarQuant', [g.rand([H, O], -1, 1), g.c([], [0.25])])]);
    x = g.quant(x, 2 ** -4, 8, true, false);
    const spec: GraphSpec = { inputs: [{ name: 'x', dims: [1, I] }], outputs: [x], initializers: g.init, nodes: g.nodes };
    check(spec, [1, I], 40, r, [-4, 4]);
  });

  test.each(SEEDS.slice(0, 6))('Trunc v2 after a Quant: dropping bits with FLOOR / ROUND and clamping (seed %i)', (seed) => {
    const r = rng(400 + seed);
    const g = new G(r);
    let x = g.quant('x', 2 ** -4, 8, true, false);
    x = g.op('MatMul', [x, g.quant(g.rand([5, 4], -1, 1), 2 ** -3, 4, true, false)]);
    x = g.quant(x, 2 ** -7, 10, true, false);
    const rounding = seed % 2 ? 'FLOOR' : 'ROUND';
    x = g.op('Trunc', [x, g.c([], [2 ** -7]), g.c([], [0]), g.c([], [10]), g.c([], [2 ** -4]), g.c([], [5])], { rounding_mode: { s: rounding }, signed: { i: 1 }, narrow: { i: 0 } });
    const spec: GraphSpec = { inputs: [{ name: 'x', dims: [1, 5] }], outputs: [x], initializers: g.init, nodes: g.nodes };
    const { imp } = check(spec, [1, 5], 40, r, [-6, 6]);
    expect(imp.model.layers.at(-1)!.result).toBe(`ap_fixed<5,1,${rounding === 'FLOOR' ? 'AP_TRN' : 'AP_RND_CONV'},AP_SAT>`);
  });

  test.each(SEEDS.slice(0, 6))('residual Add of two branches with non-power-of-two dyadic scales: exact Rescale layers (seed %i)', (seed) => {
    const r = rng(500 + seed);
    const g = new G(r);
    const x = g.quant('x', 2 ** -4, 8, true, false);
    // weight scales 3·2^-4 and 5·2^-5 per output channel: dyadic, not powers of two
    const wa = g.quant(g.rand([4, 3], -1, 1), [3 / 16, 5 / 32, 7 / 64], 4, true, false, 'ROUND', [1, 3]);
    const wb = g.quant(g.rand([4, 3], -1, 1), 3 / 8, 3, true, false);
    const s = g.op('Add', [g.op('MatMul', [x, wa]), g.op('MatMul', [x, wb])]);
    const y = g.quant(g.op('Relu', [s]), 2 ** -3, 8, false, false);
    const spec: GraphSpec = { inputs: [{ name: 'x', dims: [1, 4] }], outputs: [y], initializers: g.init, nodes: g.nodes };
    const { imp } = check(spec, [1, 4], 40, r, [-6, 6]);
    expect(imp.model.layers.filter((l) => l.kind === 'Rescale')).toHaveLength(2);
    expect(imp.notes).toEqual([]);
  });

  test('a non-dyadic scale (a division by 3) that reaches an Add is rounded to 24 significant bits and reported', () => {
    const g = new G(rng(9));
    const x = g.quant('x', 2 ** -4, 8, true, false);
    const wa = g.quant(g.rand([4, 3], -1, 1), 0.125, 4, true, false);
    const third = g.op('Div', [g.op('MatMul', [x, wa]), g.c([], [3])]);
    const s = g.op('Add', [third, g.op('MatMul', [x, g.quant(g.rand([4, 3], -1, 1), 0.25, 4, true, false)])]);
    const imp = importQonnx(buildOnnx({ inputs: [{ name: 'x', dims: [1, 4] }], outputs: [s], initializers: g.init, nodes: g.nodes }));
    expect(imp.notes).toHaveLength(1);
    expect(imp.notes[0]).toMatch(/non-power-of-two scale.*24 significant bits/);
  });

  test.each(SEEDS.slice(0, 4))('pools: AveragePool 2x2 and GlobalAveragePool over 4 positions (seed %i)', (seed) => {
    const r = rng(300 + seed);
    const g = new G(r);
    let x = g.quant('x', 2 ** -3, 6, true, false);
    x = g.op('AveragePool', [x], { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] } });
    x = g.op('GlobalAveragePool', [x]);
    x = g.op('Flatten', [x]);
    x = g.quant(x, 2 ** -6, 12, true, false);
    const spec: GraphSpec = { inputs: [{ name: 'x', dims: [1, 3, 4, 4] }], outputs: [x], initializers: g.init, nodes: g.nodes };
    check(spec, [1, 3, 4, 4], 10, r, [-4, 4]);
  });
});

describe('what a quantizer becomes', () => {
  test('a power-of-two Quant after a MatMul is one Quant layer with the QONNX type (codegen.md §11.1)', () => {
    const g = new G(rng(7));
    let x = g.quant('x', 2 ** -4, 8, true, false);
    x = g.op('MatMul', [x, g.quant(g.rand([3, 2], -1, 1), 2 ** -5, 6, true, false)]);
    x = g.quant(x, 2 ** -6, 6, false, false);
    const imp = importQonnx(buildOnnx({ inputs: [{ name: 'x', dims: [1, 3] }], outputs: [x], initializers: g.init, nodes: g.nodes }));
    expect(imp.model.inputs[0]!.type).toBe('ap_fixed<8,4,AP_RND_CONV,AP_SAT>');
    const dense = imp.model.layers.find((l) => l.kind === 'Dense')!;
    expect((dense as { weights: { type: string } }).weights.type).toBe('ap_fixed<6,1>');
    const q = imp.model.layers.at(-1)!;
    expect(q.kind).toBe('Quant');
    expect(q.result).toBe('ap_ufixed<6,0,AP_RND_CONV,AP_SAT>');
  });

  test('narrow signed maps to AP_SAT_SYM', () => {
    const g = new G(rng(8));
    const x = g.quant('x', 2 ** -2, 4, true, true);
    const imp = importQonnx(buildOnnx({ inputs: [{ name: 'x', dims: [1, 3] }], outputs: [g.op('Relu', [x])], initializers: g.init, nodes: g.nodes }));
    expect(imp.model.inputs[0]!.type).toBe('ap_fixed<4,2,AP_RND_CONV,AP_SAT_SYM>');
  });
});
