/**
 * Writes examples/jet_tagging_mlp/model.json: the hls4ml jet-tagging MLP shape (16 -> 64 -> 32 -> 32 -> 5,
 * ReLU, softmax) with seeded random weights in the QONNX zoo model's types (6-bit weights and biases,
 * scale 2^-5 = ap_fixed<6,1>). Accumulators are left to precision inference and written out (frozen) with
 * their provenance lines.
 *
 *   npx tsc -p examples/jet_tagging_mlp/tsconfig.json && node build/examples/examples/jet_tagging_mlp/generate.js
 */
import type { LayerJson, ModelJson } from '../../src/model/format.js';
import { seeded, standardNormal } from '../seeded.js';
import { writeModelWhenRun } from '../writeModel.js';

/** Codes of ap_fixed<6,1> drawn from a rounded normal (std 8 codes = 0.25), clipped to [-32, 31]. */
function codes(rand: () => number, n: number, std = 8): number[] {
  return Array.from({ length: n }, () => Math.max(-32, Math.min(31, Math.round(standardNormal(rand) * std))));
}

export function jetTaggingModel(seed = 2024): ModelJson {
  const rand = seeded(seed);
  const W = 'ap_fixed<6,1>';
  const layers: LayerJson[] = [];
  const sizes = [16, 64, 32, 32, 5];
  let input = 'input_1';
  for (let k = 1; k < sizes.length; k++) {
    const [nIn, nOut] = [sizes[k - 1]!, sizes[k]!];
    const last = k === sizes.length - 1;
    layers.push({
      name: `dense_${k}`,
      kind: 'Dense',
      inputs: [input],
      weights: { shape: [nIn, nOut], type: W, codes: codes(rand, nIn * nOut, 16 / Math.sqrt(nIn)) },
      bias: { shape: [nOut], type: W, codes: codes(rand, nOut, 4) },
      // hidden results as in the hls4ml tutorial; the logits narrow enough for a 1024-entry softmax table
      result: last ? 'ap_fixed<10,4,AP_RND_CONV,AP_SAT>' : 'ap_fixed<16,6,AP_RND_CONV,AP_SAT>',
    });
    input = `dense_${k}`;
    if (!last) {
      layers.push({ name: `relu_${k}`, kind: 'ReLU', inputs: [input], result: 'ap_ufixed<8,3,AP_RND_CONV,AP_SAT>' });
      input = `relu_${k}`;
    }
  }
  layers.push({ name: 'softmax', kind: 'Softmax', inputs: [input] });
  return {
    format: 'hlsq-model',
    version: 1,
    name: 'jet_tagging_mlp',
    description: 'hls4ml jet-tagging MLP shape (16-64-32-32-5, ReLU, softmax) with seeded random 6-bit weights',
    inputs: [{ name: 'input_1', shape: [16], type: 'ap_fixed<16,6,AP_RND_CONV,AP_SAT>' }],
    layers,
    metadata: { generator: 'examples/jet_tagging_mlp/generate.ts', seed },
  };
}

writeModelWhenRun(import.meta.url, 'jet_tagging_mlp', () => jetTaggingModel());
