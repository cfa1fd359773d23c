/**
 * Checking an import on the user's own samples: the QONNX graph (reference semantics) and the imported
 * model (bit-exact engine) run on the same inputs; their outputs are compared element by element.
 */
import { fixedFromDouble } from '../../emulator/convert.js';
import { InvalidArgumentError } from '../../emulator/errors.js';
import { codesToReal, runModel } from '../../model/infer.js';
import { evaluateQonnx } from './evaluate.js';
import type { QonnxImport } from './index.js';

/** Model (channels-last) element k -> ONNX (channel-major) element, for one sample of ONNX dims [1, C, ...]. */
export function channelsLastOrder(dims: readonly number[]): Int32Array {
  const n = dims.slice(1).reduce((a, b) => a * b, 1);
  const out = new Int32Array(n);
  if (dims.length <= 2) {
    for (let i = 0; i < n; i++) out[i] = i;
    return out;
  }
  const C = dims[1]!;
  const S = n / C;
  for (let s = 0; s < S; s++) for (let c = 0; c < C; c++) out[s * C + c] = c * S + s;
  return out;
}

export interface ImportCheck {
  readonly samples: number;
  readonly compared: number;
  readonly equal: number;
  readonly maxAbsDiff: number;
  /** ONNX output name and model output name compared. */
  readonly output: string;
}

/** `x`: samples in the graph's layout (batch first), real values. */
export function checkImport(imp: QonnxImport, x: Float64Array, samples: number): ImportCheck {
  const gIn = imp.graph.inputs[0]!;
  const mIn = imp.loaded.inputs[0]!;
  const dims = [1, ...(gIn.dims ?? []).slice(1)];
  const size = dims.slice(1).reduce((a, b) => a * b, 1);
  if (x.length !== samples * size) throw new InvalidArgumentError('samples', x.length, `${samples} x ${size} values for input ${gIn.name} [N, ${dims.slice(1).join(', ')}]`);
  const order = channelsLastOrder(dims);
  const codes = new Float64Array(samples * size);
  for (let s = 0; s < samples; s++) for (let k = 0; k < size; k++) codes[s * size + k] = Number(fixedFromDouble(x[s * size + order[k]!]!, mIn.type!).raw);
  const outName = imp.loaded.outputs[0]!;
  const res = runModel(imp.loaded, { [mIn.name]: codes }, samples);
  const got = codesToReal(res.outputs.get(outName)!, res.infos.get(outName)!);
  const gOut = imp.graph.outputs[0]!.name;
  const per = got.length / samples;
  let equal = 0;
  let maxAbsDiff = 0;
  for (let s = 0; s < samples; s++) {
    const data = Float64Array.from(x.subarray(s * size, (s + 1) * size), Math.fround);
    const want = evaluateQonnx(imp.graph, { [gIn.name]: { dims, data, kind: 'float32' } }).get(gOut)!;
    const wOrder = channelsLastOrder(want.dims);
    for (let k = 0; k < per; k++) {
      const d = Math.abs(got[s * per + k]! - want.data[wOrder[k]!]!);
      if (d === 0) equal++;
      maxAbsDiff = Math.max(maxAbsDiff, d);
    }
  }
  return { samples, compared: samples * per, equal, maxAbsDiff, output: `${gOut} -> ${outName}` };
}
