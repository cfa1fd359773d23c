/**
 * Test support for the importer: where the shared reference data lives (tests skip without it), and a
 * small ONNX writer so tests can build QONNX graphs of their own with the same schema package.
 */
import onnxProto from 'onnx-proto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const { onnx } = onnxProto;

export const repoRoot = resolve(import.meta.dirname, '..', '..');
/** ../shared/external next to the repository; HLSQ_EXTERNAL overrides it (e.g. to check that tests skip cleanly). */
export const EXTERNAL = process.env.HLSQ_EXTERNAL ?? resolve(repoRoot, '..', 'shared', 'external');
export const external = (...p: string[]) => join(EXTERNAL, ...p);
export const hasExternal = (...p: string[]) => existsSync(external(...p));

export type Attr = { i: number } | { f: number } | { s: string } | { ints: number[] } | { floats: number[] };

export interface NodeSpec {
  op: string;
  inputs: string[];
  output: string;
  name?: string;
  domain?: string;
  attrs?: Record<string, Attr>;
}

export interface GraphSpec {
  inputs: { name: string; dims: number[] }[];
  outputs: string[];
  initializers?: Record<string, { dims: number[]; data: number[]; int64?: boolean }>;
  nodes: NodeSpec[];
}

function attrProto(name: string, a: Attr) {
  if ('i' in a) return { name, type: 2, i: a.i };
  if ('f' in a) return { name, type: 1, f: a.f };
  if ('s' in a) return { name, type: 3, s: new TextEncoder().encode(a.s) };
  if ('ints' in a) return { name, type: 7, ints: a.ints };
  return { name, type: 6, floats: a.floats };
}

function tensorProto(name: string, t: { dims: number[]; data: number[]; int64?: boolean }) {
  const buf = Buffer.alloc(t.data.length * (t.int64 ? 8 : 4));
  t.data.forEach((v, i) => (t.int64 ? buf.writeBigInt64LE(BigInt(v), i * 8) : buf.writeFloatLE(v, i * 4)));
  return { name, dims: t.dims, dataType: t.int64 ? 7 : 1, rawData: buf };
}

const valueInfo = (name: string, dims?: number[]) => ({
  name,
  type: { tensorType: { elemType: 1, shape: dims ? { dim: dims.map((d) => ({ dimValue: d })) } : undefined } },
});

/** Encode a graph as an ONNX model (QONNX custom ops in `qonnx.custom_op.general` unless given). */
export function buildOnnx(g: GraphSpec): Uint8Array {
  const custom = new Set(['Quant', 'BipolarQuant', 'Trunc', 'FloatQuant', 'IntQuant']);
  const model = {
    irVersion: 8,
    producerName: 'hlsq-test',
    opsetImport: [{ domain: '', version: 13 }, { domain: 'qonnx.custom_op.general', version: 1 }],
    graph: {
      name: 'g',
      node: g.nodes.map((n, i) => ({
        name: n.name ?? `${n.op}_${i}`,
        opType: n.op,
        domain: n.domain ?? (custom.has(n.op) ? 'qonnx.custom_op.general' : ''),
        input: n.inputs,
        output: [n.output],
        attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attrProto(k, v)),
      })),
      initializer: Object.entries(g.initializers ?? {}).map(([k, v]) => tensorProto(k, v)),
      input: g.inputs.map((i) => valueInfo(i.name, i.dims)),
      output: g.outputs.map((o) => valueInfo(o)),
    },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.fromObject(model)).finish();
}

/** A seeded generator (mulberry32) for reproducible random models and inputs. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Pixels / 255 in [0, 1] (the graph's expected range) with 15 fraction bits: no pixel crosses a 2-bit threshold. */
export const TFC_INPUT_TYPE = 'ap_ufixed<16,1,AP_RND_CONV,AP_SAT>';

type Init = NonNullable<GraphSpec['initializers']>;

/** A small builder of random QONNX graphs: constants, ops, Quant nodes and BatchNorms. */
export class G {
  readonly nodes: NodeSpec[] = [];
  readonly init: Init = {};
  private n = 0;
  constructor(readonly r: () => number) {}
  c(dims: number[], data: number[]): string {
    const name = `c${this.n++}`;
    this.init[name] = { dims, data };
    return name;
  }
  rand(dims: number[], lo: number, hi: number): string {
    const size = dims.reduce((a, b) => a * b, 1);
    return this.c(dims, Array.from({ length: size }, () => Math.fround(lo + (hi - lo) * this.r())));
  }
  op(op: string, inputs: string[], attrs: NodeSpec['attrs'] = {}): string {
    const output = `t${this.n++}`;
    this.nodes.push({ op, inputs, output, attrs });
    return output;
  }
  quant(x: string, scale: number | number[], bits: number, signed: boolean, narrow: boolean, rounding = 'ROUND', scaleDims?: number[]): string {
    const s = Array.isArray(scale) ? this.c(scaleDims ?? [scale.length], scale) : this.c([], [scale]);
    return this.op('Quant', [x, s, this.c([], [0]), this.c([], [bits])], { signed: { i: signed ? 1 : 0 }, narrow: { i: narrow ? 1 : 0 }, rounding_mode: { s: rounding } });
  }
  bn(x: string, C: number, allowNegative = true): string {
    const g = Array.from({ length: C }, () => Math.fround((allowNegative && this.r() < 0.3 ? -1 : 1) * (0.2 + 2 * this.r())));
    return this.op('BatchNormalization', [x, this.c([C], g), this.rand([C], -1, 1), this.rand([C], -2, 2), this.rand([C], 0.5, 4)], { epsilon: { f: 1e-5 } });
  }
}

