/**
 * Writes examples/jet_tagging_mlp/model.json: the hls4ml jet-tagging MLP shape (16 -> 64 -> 32 -> 32 -> 5,
 * ReLU, softmax) with seeded random weights in the QONNX zoo model's types (6-bit weights and biases,
 * scale 2^-5 = ap_fixed<6,1>). Accumulators are left to precision inference and written out (frozen) with
 * their provenance lines.
 *
 *   npx tsc -p examples/jet_tagging_mlp/tsconfig.json && node build/examples/examples/jet_tagging_mlp/generate.js
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LayerJson, ModelJson } from '../../src/model/format.js';
import { loadModel } from '../../src/model/load.js';
import { freeze } from '../../src/model/quanto.js';
import { saveModel } from '../../src/model/save.js';

/** mulberry32: a small seeded generator, so the file is the same on every machine. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    let t = (s = (s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Codes of ap_fixed<6,1> drawn from a rounded normal (std 8 codes = 0.25), clipped to [-32, 31]. */
function codes(rand: () => number, n: number, std = 8): number[] {
  return Array.from({ length: n }, () => {
    const g = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    return Math.max(-32, Math.min(31, Math.round(g * std)));
  });
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

const here = dirname(fileURLToPath(import.meta.url));
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // Compiled into build/examples/examples/<name>/; the model belongs next to the source.
  const out = join(here, '..', '..', '..', '..', 'examples', 'jet_tagging_mlp', 'model.json');
  saveModel(freeze(loadModel(jetTaggingModel())), out);
  process.stdout.write(`wrote ${out}\n`);
}
