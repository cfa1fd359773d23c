/**
 * Dense n-dimensional tensors as the importer sees them: real values held exactly in float64 (every
 * float32, int32 and small int64 of an ONNX file is exactly a double), row-major, with the ONNX element
 * type kept so an output can be rounded back to float32 where the graph computes in float32.
 */
import { InvalidArgumentError } from '../emulator/errors.js';

export type ElemKind = 'float32' | 'float64' | 'float16' | 'int' | 'bool';

export interface Tensor {
  readonly dims: readonly number[];
  readonly data: Float64Array;
  readonly kind: ElemKind;
}

export function sizeOf(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

export function tensor(dims: readonly number[], data: ArrayLike<number>, kind: ElemKind = 'float32'): Tensor {
  const n = sizeOf(dims);
  if (data.length !== n) throw new InvalidArgumentError('tensor data', data.length, `${n} values for shape [${dims.join(',')}]`);
  return { dims: [...dims], data: Float64Array.from(data), kind };
}

export function scalar(x: number, kind: ElemKind = 'float32'): Tensor {
  return tensor([], [x], kind);
}

/** Row-major strides. */
export function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= dims[i]!;
  }
  return s;
}

/** Numpy-style broadcast of two shapes; undefined when they do not broadcast. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] | undefined {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return undefined;
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Index map from an output of shape `out` to a broadcast input of shape `dims`. */
export function broadcastIndex(dims: readonly number[], out: readonly number[]): Int32Array {
  const n = sizeOf(out);
  const idx = new Int32Array(n);
  const so = strides(out);
  const si = strides(dims);
  const off = out.length - dims.length;
  for (let k = 0; k < n; k++) {
    let rem = k;
    let j = 0;
    for (let d = 0; d < out.length; d++) {
      const c = Math.floor(rem / so[d]!);
      rem -= c * so[d]!;
      const di = d - off;
      if (di >= 0 && dims[di] !== 1) j += c * si[di]!;
    }
    idx[k] = j;
  }
  return idx;
}

/** Elementwise op over numpy-broadcast operands. */
export function broadcastMap(
  inputs: readonly Tensor[],
  f: (args: number[]) => number,
  kind: ElemKind,
  what: string,
): Tensor {
  let shape: number[] | undefined = [];
  for (const t of inputs) {
    shape = broadcastShape(shape!, t.dims);
    if (!shape) {
      throw new InvalidArgumentError(what, inputs.map((x) => `[${x.dims.join(',')}]`).join(' and '), 'shapes that broadcast');
    }
  }
  const out = shape!;
  const maps = inputs.map((t) => broadcastIndex(t.dims, out));
  const n = sizeOf(out);
  const data = new Float64Array(n);
  const args = new Array<number>(inputs.length);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < inputs.length; j++) args[j] = inputs[j]!.data[maps[j]![k]!]!;
    data[k] = f(args);
  }
  return { dims: out, data, kind };
}

/** Round to the element kind's precision (ONNX float32 graphs compute and store float32). */
export function roundTo(kind: ElemKind, x: number): number {
  return kind === 'float32' ? Math.fround(x) : x;
}

export function isScalarLike(t: Tensor): boolean {
  return sizeOf(t.dims) === 1;
}

export function allEqual(t: Tensor): boolean {
  for (let i = 1; i < t.data.length; i++) if (t.data[i] !== t.data[0]) return false;
  return true;
}
