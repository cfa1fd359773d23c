/**
 * Arguments of the quantizer entry points: numbers, array-likes, typed arrays or shaped arrays, broadcast
 * against each other by NumPy's rules (spec §2.3).
 */
import { QuantizerRangeError } from './errors.js';

export type TypedArray =
  | Float64Array
  | Float32Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array;

export interface NDArray<T extends TypedArray | number[] = TypedArray | number[]> {
  readonly data: T;
  readonly shape: readonly number[];
}

export type Num = number | boolean | ArrayLike<number> | NDArray;

/** What the result of a quantizer call is: a number for all-number calls, else an array. */
export type Result = number | Float64Array | NDArray<Float64Array>;

/** One argument, normalised: a flat data view with a shape. */
export interface Operand {
  readonly data: ArrayLike<number>;
  readonly shape: readonly number[];
  /** A plain JS number (a Python int for the compat float32 rules, spec §6). */
  readonly isNumber: boolean;
  /** A 1-D array-like without explicit shape (for the bare Float64Array convenience). */
  readonly isFlat: boolean;
  readonly float32: boolean;
}

function isNDArray(v: unknown): v is NDArray {
  return typeof v === 'object' && v !== null && 'data' in v && 'shape' in v && Array.isArray((v as NDArray).shape);
}

export function toOperand(v: Num | boolean[], name: string): Operand {
  if (typeof v === 'number') return { data: [v], shape: [], isNumber: true, isFlat: false, float32: false };
  if (typeof v === 'boolean') return { data: [v ? 1 : 0], shape: [], isNumber: true, isFlat: false, float32: false };
  if (isNDArray(v)) {
    const size = v.shape.reduce((a, b) => a * b, 1);
    for (const d of v.shape) {
      if (!Number.isInteger(d) || d < 0) throw new QuantizerRangeError(`${name}.shape`, v.shape, 'non-negative integer dimensions');
    }
    if (v.data.length !== size) {
      throw new QuantizerRangeError(`${name}.data`, `length ${v.data.length}`, `length ${size} (the product of shape [${v.shape.join(', ')}])`);
    }
    return { data: numeric(v.data, name), shape: v.shape, isNumber: false, isFlat: false, float32: v.data instanceof Float32Array };
  }
  if (typeof v === 'object' && v !== null && typeof (v as ArrayLike<number>).length === 'number') {
    const a = v as ArrayLike<number>;
    return { data: numeric(a, name), shape: [a.length], isNumber: false, isFlat: true, float32: a instanceof Float32Array };
  }
  throw new QuantizerRangeError(name, v, 'a number, an array of numbers, a typed array or { data, shape }');
}

function numeric(a: ArrayLike<unknown>, name: string): ArrayLike<number> {
  if (ArrayBuffer.isView(a)) return a as unknown as ArrayLike<number>;
  let out: number[] | null = null;
  for (let j = 0; j < a.length; j++) {
    const e = a[j];
    if (typeof e === 'number') continue;
    if (typeof e === 'boolean') {
      out ??= Array.from(a as ArrayLike<number>);
      out[j] = e ? 1 : 0;
      continue;
    }
    throw new QuantizerRangeError(`${name}[${j}]`, e, 'a number');
  }
  return out ?? (a as ArrayLike<number>);
}

/** NumPy's broadcast of several shapes (right-aligned; each dimension equal or 1). */
export function broadcastShapes(shapes: readonly (readonly number[])[], names: readonly string[]): number[] {
  const nd = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(nd).fill(1);
  for (let a = 0; a < shapes.length; a++) {
    const s = shapes[a]!;
    for (let j = 0; j < s.length; j++) {
      const d = s[s.length - 1 - j]!;
      const o = nd - 1 - j;
      if (d === 1) continue;
      if (out[o] === 1) out[o] = d;
      else if (out[o] !== d) {
        throw new QuantizerRangeError(
          names[a] ?? `argument ${a}`,
          `shape [${s.join(', ')}]`,
          `a shape broadcastable with [${out.join(', ')}] (NumPy rules: each dimension equal or 1)`,
        );
      }
    }
  }
  return out;
}

/**
 * Index maps from the broadcast result into each operand. For the common cases (same shape, or a scalar)
 * no map is built: `null` means "same flat index", a number means "always this index".
 */
export function broadcastIndex(op: Operand, shape: readonly number[]): Int32Array | number | null {
  const size = shape.reduce((a, b) => a * b, 1);
  if (op.data.length === 1) return 0;
  if (op.shape.length === shape.length && op.shape.every((d, j) => d === shape[j])) return null;
  const nd = shape.length;
  const strides = new Array<number>(nd).fill(0);
  let st = 1;
  for (let j = op.shape.length - 1; j >= 0; j--) {
    const o = nd - op.shape.length + j;
    strides[o] = op.shape[j] === 1 ? 0 : st;
    st *= op.shape[j]!;
  }
  const map = new Int32Array(size);
  const idx = new Array<number>(nd).fill(0);
  let off = 0;
  for (let n = 0; n < size; n++) {
    map[n] = off;
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]!++;
      off += strides[d]!;
      if (idx[d]! < shape[d]!) break;
      off -= strides[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
  return map;
}

/** Read element n of an operand through its broadcast index map. */
export function reader(op: Operand, map: Int32Array | number | null): (n: number) => number {
  const d = op.data;
  if (typeof map === 'number') {
    const v = d[map]!;
    return () => v;
  }
  if (map === null) return (n) => d[n]!;
  return (n) => d[map[n]!]!;
}

/** Everything a quantizer loop needs: the broadcast shape, the readers, and how to package the output. */
export interface Broadcast {
  readonly size: number;
  readonly shape: readonly number[];
  readonly ops: readonly Operand[];
  readonly read: readonly ((n: number) => number)[];
  /** Package a flat float64 output the way spec §2.3 asks. */
  wrap(out: Float64Array): Result;
}

export function broadcast(args: readonly (Num | boolean[])[], names: readonly string[]): Broadcast {
  const ops = args.map((a, j) => toOperand(a, names[j]!));
  const shape = broadcastShapes(
    ops.map((o) => o.shape),
    names,
  );
  const size = shape.reduce((a, b) => a * b, 1);
  const read = ops.map((o) => reader(o, broadcastIndex(o, shape)));
  const allNumbers = ops.every((o) => o.isNumber);
  const x = ops[0]!;
  const flat =
    x.isFlat && ops.slice(1).every((o) => o.isNumber || (o.isFlat && o.data.length === x.data.length));
  return {
    size,
    shape,
    ops,
    read,
    wrap(out: Float64Array): Result {
      if (allNumbers) return out[0]!;
      if (flat) return out;
      return { data: out, shape };
    },
  };
}

/** The flat float64 data of a result (for callers that want an array whatever the call shape). */
export function resultData(r: Result): Float64Array {
  if (typeof r === 'number') return Float64Array.of(r);
  if (r instanceof Float64Array) return r;
  return r.data;
}
