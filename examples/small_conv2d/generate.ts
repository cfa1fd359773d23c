/**
 * Writes examples/small_conv2d/model.json: a small CNN on 8x8x1 images with seeded random weights:
 * Conv2D 3x3x4 (same) -> ReLU -> MaxPool2D 2x2 -> Conv2D 3x3x8 (valid) -> ReLU -> GlobalAveragePool
 * -> Dense 8x3 -> Softmax. Channels-last (io_parallel layout). Accumulators and the pooled result are
 * left to precision inference and written out (frozen) with their provenance.
 *
 *   npx tsc -p examples/small_conv2d/tsconfig.json && node build/examples/examples/small_conv2d/generate.js
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelJson } from '../../src/model/format.js';
import { loadModel } from '../../src/model/load.js';
import { freeze } from '../../src/model/quanto.js';
import { saveModel } from '../../src/model/save.js';

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    let t = (s = (s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function smallConv2dModel(seed = 7): ModelJson {
  const rand = seeded(seed);
  const codes = (n: number, lo: number, hi: number) => Array.from({ length: n }, () => lo + Math.floor(rand() * (hi - lo + 1)));
  return {
    format: 'hlsq-model',
    version: 1,
    name: 'small_conv2d',
    description: 'small Conv2D network on 8x8x1 inputs with seeded random 8-bit weights',
    inputs: [{ name: 'image', shape: [8, 8, 1], type: 'ap_fixed<8,1,AP_RND_CONV,AP_SAT>' }],
    layers: [
      {
        name: 'conv_1',
        kind: 'Conv2D',
        inputs: ['image'],
        weights: { shape: [3, 3, 1, 4], type: 'ap_fixed<8,1>', codes: codes(36, -80, 80) },
        bias: { shape: [4], type: 'ap_fixed<8,1>', codes: codes(4, -20, 20) },
        padding: 'same',
        result: 'ap_fixed<12,4,AP_RND_CONV,AP_SAT>',
      },
      { name: 'relu_1', kind: 'ReLU', inputs: ['conv_1'], result: 'ap_ufixed<8,3,AP_RND_CONV,AP_SAT>' },
      { name: 'pool_1', kind: 'MaxPool2D', inputs: ['relu_1'], poolSize: [2, 2] },
      {
        name: 'conv_2',
        kind: 'Conv2D',
        inputs: ['pool_1'],
        weights: { shape: [3, 3, 4, 8], type: 'ap_fixed<8,1>', codes: codes(288, -40, 40) },
        bias: { shape: [8], type: 'ap_fixed<8,1>', codes: codes(8, -20, 20) },
        padding: 'valid',
        result: 'ap_fixed<12,4,AP_RND_CONV,AP_SAT>',
      },
      { name: 'relu_2', kind: 'ReLU', inputs: ['conv_2'], result: 'ap_ufixed<8,3,AP_RND_CONV,AP_SAT>' },
      { name: 'gap', kind: 'GlobalAveragePool', inputs: ['relu_2'] },
      {
        name: 'dense',
        kind: 'Dense',
        inputs: ['gap'],
        weights: { shape: [8, 3], type: 'ap_fixed<8,2>', codes: codes(24, -128, 127) },
        bias: { shape: [3], type: 'ap_fixed<8,2>', codes: codes(3, -30, 30) },
        result: 'ap_fixed<10,4,AP_RND_CONV,AP_SAT>',
      },
      { name: 'softmax', kind: 'Softmax', inputs: ['dense'] },
    ],
    metadata: { generator: 'examples/small_conv2d/generate.ts', seed },
  };
}

const here = dirname(fileURLToPath(import.meta.url));
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = join(here, '..', '..', '..', '..', 'examples', 'small_conv2d', 'model.json');
  saveModel(freeze(loadModel(smallConv2dModel())), out);
  process.stdout.write(`wrote ${out}\n`);
}
