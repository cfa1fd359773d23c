/**
 * Writes examples/small_conv2d/model.json: a small CNN on 8x8x1 images with seeded random weights:
 * Conv2D 3x3x4 (same) -> ReLU -> MaxPool2D 2x2 -> Conv2D 3x3x8 (valid) -> ReLU -> GlobalAveragePool
 * -> Dense 8x3 -> Softmax. Channels-last (io_parallel layout). Accumulators and the pooled result are
 * left to precision inference and written out (frozen) with their provenance.
 *
 *   npx tsc -p examples/small_conv2d/tsconfig.json && node build/examples/examples/small_conv2d/generate.js
 */
import type { LayerJson, ModelJson } from '../../src/model/format.js';
import { seeded } from '../seeded.js';
import { writeModelWhenRun } from '../writeModel.js';

export function smallConv2dModel(seed = 7): ModelJson {
  const rand = seeded(seed);
  const codes = (n: number, lo: number, hi: number) => Array.from({ length: n }, () => lo + Math.floor(rand() * (hi - lo + 1)));
  // 3x3 kernels of ap_fixed<8,1> codes in [-span, span], biases in [-20, 20]; weights drawn before biases.
  const conv2d = (name: string, input: string, inChannels: number, outChannels: number, span: number, padding: 'same' | 'valid'): LayerJson => ({
    name,
    kind: 'Conv2D',
    inputs: [input],
    weights: { shape: [3, 3, inChannels, outChannels], type: 'ap_fixed<8,1>', codes: codes(9 * inChannels * outChannels, -span, span) },
    bias: { shape: [outChannels], type: 'ap_fixed<8,1>', codes: codes(outChannels, -20, 20) },
    padding,
    result: 'ap_fixed<12,4,AP_RND_CONV,AP_SAT>',
  });
  return {
    format: 'hlsq-model',
    version: 1,
    name: 'small_conv2d',
    description: 'small Conv2D network on 8x8x1 inputs with seeded random 8-bit weights',
    inputs: [{ name: 'image', shape: [8, 8, 1], type: 'ap_fixed<8,1,AP_RND_CONV,AP_SAT>' }],
    layers: [
      conv2d('conv_1', 'image', 1, 4, 80, 'same'),
      { name: 'relu_1', kind: 'ReLU', inputs: ['conv_1'], result: 'ap_ufixed<8,3,AP_RND_CONV,AP_SAT>' },
      { name: 'pool_1', kind: 'MaxPool2D', inputs: ['relu_1'], poolSize: [2, 2] },
      conv2d('conv_2', 'pool_1', 4, 8, 40, 'valid'),
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

writeModelWhenRun(import.meta.url, 'small_conv2d', () => smallConv2dModel());
