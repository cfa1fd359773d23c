/**
 * NumPy `.npy` files (format versions 1.0, 2.0, 3.0): little-endian float32/float64 and signed/unsigned
 * 8..64-bit integers, C order. Anything else (Fortran order, big-endian, other dtypes, object arrays,
 * truncated data) is refused with a clear error, never guessed.
 */
import { readFileSync } from 'node:fs';
import { ParseError, InvalidArgumentError } from '../emulator/errors.js';
import { writeFileAtomic } from './save.js';

export const NPY_DTYPES = ['f4', 'f8', 'i1', 'i2', 'i4', 'i8', 'u1', 'u2', 'u4', 'u8'] as const;
export type NpyDtype = (typeof NPY_DTYPES)[number];

export type NpyData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array;

export interface NpyArray {
  readonly dtype: NpyDtype;
  readonly shape: readonly number[];
  /** C-order elements; 64-bit integers as BigInt64Array / BigUint64Array. */
  readonly data: NpyData;
}

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

const CTORS: Record<NpyDtype, { new (buf: ArrayBuffer, off: number, len: number): NpyData; BYTES_PER_ELEMENT: number }> = {
  f4: Float32Array,
  f8: Float64Array,
  i1: Int8Array,
  i2: Int16Array,
  i4: Int32Array,
  i8: BigInt64Array,
  u1: Uint8Array,
  u2: Uint16Array,
  u4: Uint32Array,
  u8: BigUint64Array,
};

const SUPPORTED = "little-endian '<f4', '<f8', '<i1'..'<i8', '<u1'..'<u8' ('|i1', '|u1' for bytes), C order";

/** Parse the bytes of a .npy file. `what` names the file in errors. */
export function parseNpy(bytes: Uint8Array, what = 'npy'): NpyArray {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 10 || !buf.subarray(0, 6).equals(MAGIC)) {
    throw new ParseError(what, `${buf.length} bytes`, 'a .npy file (starting with \\x93NUMPY)');
  }
  const major = buf[6]!;
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = buf.readUInt16LE(8);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (buf.length < 12) throw new ParseError(what, 'a truncated header', 'a complete .npy header');
    headerLen = buf.readUInt32LE(8);
    start = 12;
  } else {
    throw new ParseError(what, `format version ${major}.${buf[7]}`, '.npy format version 1.0, 2.0 or 3.0');
  }
  if (start + headerLen > buf.length) throw new ParseError(what, 'a truncated header', 'a complete .npy header');
  const header = buf.subarray(start, start + headerLen).toString(major === 3 ? 'utf8' : 'latin1');
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new ParseError(`${what} header`, header.trim(), "a dict with 'descr', 'fortran_order' and 'shape'");
  }
  if (fortran === 'True') {
    throw new ParseError(`${what}`, 'fortran_order: True', 'C order (save with np.ascontiguousarray)');
  }
  const m = /^([<>|=])([fiub])(\d+)$/.exec(descr);
  const dtype = m ? (`${m[2]}${m[3]}` as NpyDtype) : undefined;
  if (!m || !(NPY_DTYPES as readonly string[]).includes(dtype!) || m[2] === 'b') {
    throw new ParseError(`${what} dtype`, descr, SUPPORTED);
  }
  const size = Number(m[3]);
  if (m[1] === '>' && size > 1) throw new ParseError(`${what} dtype`, descr, `${SUPPORTED} (big-endian data: use arr.astype('<${dtype}'))`);
  if (m[1] === '=' && size > 1) throw new ParseError(`${what} dtype`, descr, SUPPORTED);
  const parts = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  const shape = parts.map((s) => {
    if (!/^\d+L?$/.test(s)) throw new ParseError(`${what} shape`, `(${shapeText})`, 'a tuple of non-negative integers');
    return Number(s.replace('L', ''));
  });
  const count = shape.reduce((p, d) => p * d, 1);
  const dataStart = start + headerLen;
  const need = count * size;
  if (buf.length - dataStart < need) {
    throw new ParseError(what, `${buf.length - dataStart} data bytes`, `${need} bytes for shape (${shape.join(', ')}) of ${descr} (the file is truncated)`);
  }
  // Copy into a fresh, aligned buffer (the data offset need not be aligned to the element size).
  const ab = new ArrayBuffer(need);
  new Uint8Array(ab).set(buf.subarray(dataStart, dataStart + need));
  return { dtype: dtype!, shape, data: new CTORS[dtype!](ab, 0, count) };
}

export function readNpy(path: string): NpyArray {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new InvalidArgumentError('npy file', path, `a readable file (${(e as Error).message})`);
  }
  return parseNpy(bytes, path);
}

function dtypeOf(data: NpyData): NpyDtype {
  for (const d of NPY_DTYPES) if (data instanceof CTORS[d]) return d;
  throw new InvalidArgumentError('data', Object.prototype.toString.call(data), 'a typed array of a supported dtype');
}

/** The bytes of a version 1.0 .npy file (header padded to a multiple of 64 bytes, as NumPy does). */
export function encodeNpy(data: NpyData, shape: readonly number[]): Buffer {
  const count = shape.reduce((p, d) => p * d, 1);
  if (shape.some((d) => !Number.isInteger(d) || d < 0) || count !== data.length) {
    throw new InvalidArgumentError('shape', [...shape], `non-negative integers whose product is the data length ${data.length}`);
  }
  const dtype = dtypeOf(data);
  const descr = `${dtype.endsWith('1') ? '|' : '<'}${dtype}`;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const pre = Buffer.alloc(10);
  MAGIC.copy(pre, 0);
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  // Typed arrays use the platform's byte order; every platform Node runs on is little-endian.
  return Buffer.concat([pre, Buffer.from(header, 'latin1'), body]);
}

/** Write a .npy file atomically (temp file + rename: no partial output). */
export function writeNpy(path: string, data: NpyData, shape: readonly number[]): void {
  writeFileAtomic(path, encodeNpy(data, shape));
}

/** The elements as doubles (64-bit integers must be within ±2^53 to convert exactly). */
export function npyToFloat64(a: NpyArray, what = 'npy'): Float64Array {
  if (a.data instanceof Float64Array) return a.data;
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < a.data.length; i++) {
    const v = a.data[i]!;
    if (typeof v === 'bigint') {
      const n = Number(v);
      if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`${what}[${i}]`, v, 'an integer within ±2^53 (exactly representable as a double)');
      out[i] = n;
    } else out[i] = v;
  }
  return out;
}
