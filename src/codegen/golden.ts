/**
 * Golden vectors (spec codegen §8): integer codes only, one element per line, plus a manifest that says
 * what every file holds and hashes its exact bytes. Everything is returned as file contents so the
 * caller can write a whole project atomically.
 */
import { createHash } from 'node:crypto';
import { toHexBits } from '../emulator/bits.js';
import type { ApType } from '../emulator/types.js';

export type TensorRole = 'input' | 'output' | 'trace';

/** One tensor's codes for every sample, sample-major then row-major (the order of the files). */
export interface GoldenTensor {
  readonly name: string;
  readonly role: TensorRole;
  /** The top-level port (inputs and outputs), or the producing layer (trace). */
  readonly port?: string;
  readonly layer?: string;
  readonly shape: readonly number[];
  readonly type: ApType;
  /** samples × elements codes, each already a raw value of `type`. */
  readonly codes: readonly bigint[];
}

export interface GoldenSetOptions {
  readonly top: string;
  readonly samples: number;
  readonly generatorVersion: string;
  /** Also write `<tensor>_packed.hex` (one line per sample, element 0 in the least significant bits). */
  readonly packed?: boolean;
  /** Directory prefix of every path (e.g. `tb_data/`). */
  readonly prefix?: string;
}

export interface ManifestType {
  kind: 'ap_fixed' | 'ap_int';
  W: number;
  I: number;
  signed: boolean;
  Q?: string;
  O?: string;
  N?: number;
}

export interface ManifestTensor {
  name: string;
  role: TensorRole;
  port?: string;
  layer?: string;
  shape: number[];
  layout: 'row-major';
  elements: number;
  type: ManifestType;
  cppType: string;
  files: { hex: string; dec: string; packed?: string };
  packing?: 'element0-lsb';
  sha256: { hex: string; dec: string; packed?: string };
}

export interface Manifest {
  format: 'hlsq-golden';
  version: 1;
  generator: { name: 'hlsq'; version: string };
  top: string;
  samples: number;
  tensors: ManifestTensor[];
  trace: {
    layer: string;
    tensor: string;
    shape: number[];
    elements: number;
    type: ManifestType;
    files: { hex: string; dec: string };
    sha256: { hex: string; dec: string };
  }[];
}

export function manifestType(t: ApType): ManifestType {
  if (t.kind === 'int') return { kind: 'ap_int', W: t.width, I: t.width, signed: t.signed };
  return { kind: 'ap_fixed', W: t.width, I: t.intBits, signed: t.signed, Q: t.quant, O: t.overflow, N: t.satBits };
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function hexLines(codes: readonly bigint[], width: number): string {
  let out = '';
  for (const c of codes) out += toHexBits(c, width) + '\n';
  return out;
}

export function decLines(codes: readonly bigint[]): string {
  let out = '';
  for (const c of codes) out += c.toString() + '\n';
  return out;
}

/** One line per sample: the whole vector as one word, element 0 in the least significant bits. */
export function packedLines(codes: readonly bigint[], width: number, elements: number): string {
  let out = '';
  const w = BigInt(width);
  for (let s = 0; s * elements < codes.length; s++) {
    let word = 0n;
    for (let e = elements - 1; e >= 0; e--) word = (word << w) | BigInt.asUintN(width, codes[s * elements + e]!);
    out += word.toString(16).padStart(Math.ceil((elements * width) / 4), '0') + '\n';
  }
  return out;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The files of a golden set (paths relative to the project root) and its manifest. */
export function goldenFiles(tensors: readonly GoldenTensor[], opts: GoldenSetOptions): { files: Map<string, string>; manifest: Manifest } {
  const prefix = opts.prefix ?? '';
  const files = new Map<string, string>();
  const manifest: Manifest = {
    format: 'hlsq-golden',
    version: 1,
    generator: { name: 'hlsq', version: opts.generatorVersion },
    top: opts.top,
    samples: opts.samples,
    tensors: [],
    trace: [],
  };
  for (const t of tensors) {
    const n = elementCount(t.shape);
    if (t.codes.length !== n * opts.samples) {
      throw new RangeError(`golden tensor ${t.name}: ${t.codes.length} codes for ${opts.samples} samples of ${n} elements`);
    }
    const base = t.role === 'trace' ? `trace/${t.layer ?? t.name}` : t.name;
    const hex = hexLines(t.codes, t.type.width);
    const dec = decLines(t.codes);
    files.set(`${prefix}${base}.hex`, hex);
    files.set(`${prefix}${base}.dec`, dec);
    if (t.role === 'trace') {
      manifest.trace.push({
        layer: t.layer ?? t.name,
        tensor: t.name,
        shape: [...t.shape],
        elements: n,
        type: manifestType(t.type),
        files: { hex: `${base}.hex`, dec: `${base}.dec` },
        sha256: { hex: sha256(hex), dec: sha256(dec) },
      });
      continue;
    }
    const entry: ManifestTensor = {
      name: t.name,
      role: t.role,
      ...(t.port !== undefined ? { port: t.port } : {}),
      ...(t.layer !== undefined ? { layer: t.layer } : {}),
      shape: [...t.shape],
      layout: 'row-major',
      elements: n,
      type: manifestType(t.type),
      cppType: t.type.toString(),
      files: { hex: `${base}.hex`, dec: `${base}.dec` },
      sha256: { hex: sha256(hex), dec: sha256(dec) },
    };
    if (opts.packed) {
      const packed = packedLines(t.codes, t.type.width, n);
      files.set(`${prefix}${base}_packed.hex`, packed);
      entry.files.packed = `${base}_packed.hex`;
      entry.packing = 'element0-lsb';
      entry.sha256.packed = sha256(packed);
    }
    manifest.tensors.push(entry);
  }
  files.set(`${prefix}manifest.json`, JSON.stringify(manifest, null, 2) + '\n');
  return { files, manifest };
}
