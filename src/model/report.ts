/**
 * Size and cost report of a (resolved) model, for a fully parallel io_parallel design (reuse factor 1):
 * parameters and weight bits, multipliers with their operand widths (zero weights are not instantiated,
 * power-of-two weights are shifts), an EBOPs-like bit-operation estimate (sum of a_width·b_width over
 * multipliers plus the accumulator width of every addition), and memory bits of constants and tables.
 */
import type { FixedType } from '../emulator/types.js';
import { isMacLayer, sizeOf, typeAt, typeList, type Constant, type Layer, type Model } from './format.js';
import { macGather, resolveTypes } from './precision.js';
import { elementType, tensorInfos, type TensorInfo } from './resolve.js';
import { DEFAULT_SOFTMAX_EXP_TYPE, DEFAULT_SOFTMAX_INV_BITS, DEFAULT_SOFTMAX_INV_TYPE, softmaxSumGeometry } from './tables.js';

export interface LayerReport {
  readonly name: string;
  readonly kind: string;
  readonly shape: readonly number[];
  readonly result: string;
  readonly accum: string | undefined;
  readonly params: number;
  readonly weightBits: number;
  /** Distinct operand width pairs "a x b" -> number of multipliers. */
  readonly multipliers: Readonly<Record<string, number>>;
  readonly multiplierCount: number;
  readonly shifts: number;
  readonly zeroWeightsSkipped: number;
  readonly bops: number;
  readonly memoryBits: number;
}

export interface ModelReport {
  readonly name: string | undefined;
  readonly layers: readonly LayerReport[];
  readonly total: Omit<LayerReport, 'name' | 'kind' | 'shape' | 'result' | 'accum'>;
  readonly notes: readonly string[];
}

function constBits(c: Constant | undefined): { params: number; bits: number } {
  if (!c) return { params: 0, bits: 0 };
  const n = sizeOf(c.shape);
  if (!c.quantized) return { params: n, bits: 64 * n };
  const C = c.shape.length ? c.shape.at(-1)! : 1;
  let bits = 0;
  for (let i = 0; i < n; i++) bits += c.types[c.types.length === 1 ? 0 : i % C]!.width;
  return { params: n, bits };
}

function isPowerOfTwo(v: bigint): boolean {
  const a = v < 0n ? -v : v;
  return a > 0n && (a & (a - 1n)) === 0n;
}

function specString(s: FixedType | readonly FixedType[] | undefined): string {
  if (s === undefined) return '-';
  const l = typeList(s);
  const distinct = [...new Set(l.map(String))];
  return distinct.length === 1 ? distinct[0]! : `${distinct.length} per-channel types`;
}

export function modelReport(model: Model): ModelReport {
  const m = resolveTypes(model);
  const infos = tensorInfos(m);
  const layers = m.layers.map((l) => layerReport(l, infos));
  const sum = (k: 'params' | 'weightBits' | 'multiplierCount' | 'shifts' | 'zeroWeightsSkipped' | 'bops' | 'memoryBits') =>
    layers.reduce((s, x) => s + x[k], 0);
  const multipliers: Record<string, number> = {};
  for (const l of layers) for (const [k, v] of Object.entries(l.multipliers)) multipliers[k] = (multipliers[k] ?? 0) + v;
  return {
    name: m.name,
    layers,
    total: {
      params: sum('params'),
      weightBits: sum('weightBits'),
      multipliers,
      multiplierCount: sum('multiplierCount'),
      shifts: sum('shifts'),
      zeroWeightsSkipped: sum('zeroWeightsSkipped'),
      bops: sum('bops'),
      memoryBits: sum('memoryBits'),
    },
    notes: [
      'fully parallel (reuse factor 1): one multiplier per nonzero, non-power-of-two weight and output position',
      'bops = sum of a_width x b_width over multipliers + accumulator width x additions (EBOPs-like estimate)',
      'memoryBits = constants (weights, biases, scales) + activation tables',
    ],
  };
}

function layerReport(l: Layer, infos: Map<string, TensorInfo>): LayerReport {
  const X = infos.get(l.inputs[0]!)!;
  let params = 0;
  let weightBits = 0;
  const multipliers: Record<string, number> = {};
  let multiplierCount = 0;
  let shifts = 0;
  let zero = 0;
  let bops = 0;
  let tableBits = 0;
  const add = (c: Constant | undefined) => {
    const r = constBits(c);
    params += r.params;
    weightBits += r.bits;
  };
  if (isMacLayer(l)) {
    add(l.weights);
    add(l.bias);
    const w = l.weights;
    const C = l.shape.at(-1)!;
    const { positions, patch, index } = macGather(l, X.shape);
    if (w.quantized) {
      for (let p = 0; p < positions; p++) {
        for (let j = 0; j < C; j++) {
          const A = typeAt(l.accum!, typeList(l.accum!).length === 1 ? 0 : j);
          let terms = l.bias ? 1 : 0;
          for (let k = 0; k < patch; k++) {
            const i = index[p * patch + k]!;
            const code = w.codes[k * C + j]!;
            if (i < 0 || code === 0n) {
              zero++;
              continue;
            }
            terms++;
            if (isPowerOfTwo(code)) {
              shifts++;
              continue;
            }
            const a = elementType(X, i).width;
            const b = w.types[w.types.length === 1 ? 0 : j]!.width;
            const key = `${a}x${b}`;
            multipliers[key] = (multipliers[key] ?? 0) + 1;
            multiplierCount++;
            bops += a * b;
          }
          bops += Math.max(terms - 1, 0) * A.width;
        }
      }
    }
  } else {
    for (const key of ['scale', 'shift', 'alpha', 'max', 'multiplier', 'reciprocal'] as const) {
      if (key in l) add((l as unknown as Record<string, Constant | undefined>)[key]);
    }
    const n = sizeOf(l.shape);
    if (l.kind === 'BatchNorm' || l.kind === 'Rescale' || l.kind === 'Multiply' || l.kind === 'LeakyReLU') {
      const a = X.types[0]!.width;
      const b = l.kind === 'BatchNorm' ? (l.scale.quantized ? l.scale.types[0]!.width : 64) : l.kind === 'Rescale' ? (l.multiplier.quantized ? l.multiplier.types[0]!.width : 64) : l.kind === 'LeakyReLU' ? (l.alpha.quantized ? l.alpha.types[0]!.width : 64) : infos.get(l.inputs[1]!)!.types[0]!.width;
      const key = `${a}x${b}`;
      multipliers[key] = n;
      multiplierCount = n;
      bops = n * a * b;
    }
    if (l.kind === 'Sigmoid' || l.kind === 'Tanh') tableBits = 2 ** X.types[0]!.width * typeAt(l.result!, 0).width;
    if (l.kind === 'Softmax') {
      const E = l.expType ?? DEFAULT_SOFTMAX_EXP_TYPE;
      const V = l.invType ?? DEFAULT_SOFTMAX_INV_TYPE;
      const B = l.invTableBits ?? DEFAULT_SOFTMAX_INV_BITS;
      void softmaxSumGeometry;
      tableBits = 2 ** X.types[0]!.width * E.width + 2 ** B * V.width;
      const C = l.shape.at(-1)!;
      multipliers[`${E.width}x${V.width}`] = n;
      multiplierCount = n;
      bops = n * E.width * V.width + (n / C) * (C - 1) * E.width;
    }
  }
  return {
    name: l.name,
    kind: l.kind,
    shape: l.shape,
    result: l.kind === 'Flatten' || l.kind === 'Reshape' ? specString(infos.get(l.name)!.types) : specString(l.result),
    accum: 'accum' in l ? specString(l.accum) : undefined,
    params,
    weightBits,
    multipliers,
    multiplierCount,
    shifts,
    zeroWeightsSkipped: zero,
    bops,
    memoryBits: weightBits + tableBits,
  };
}

/** The report as an aligned text table. */
export function formatReport(r: ModelReport): string {
  const mults = (m: Readonly<Record<string, number>>) =>
    Object.entries(m)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${v}@${k}`)
      .join(' ') || '-';
  const header = ['layer', 'kind', 'shape', 'result', 'accum', 'params', 'weight bits', 'mults (count@AxB)', 'shifts', 'bops', 'memory bits'];
  const rows = r.layers.map((l) => [
    l.name,
    l.kind,
    `[${l.shape.join(',')}]`,
    l.result,
    l.accum ?? '-',
    String(l.params),
    String(l.weightBits),
    mults(l.multipliers),
    String(l.shifts),
    String(l.bops),
    String(l.memoryBits),
  ]);
  const t = r.total;
  rows.push(['total', '', '', '', '', String(t.params), String(t.weightBits), `${t.multiplierCount}`, String(t.shifts), String(t.bops), String(t.memoryBits)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  ')];
  rows.forEach((row, i) => {
    if (i === rows.length - 1) out.push(widths.map((w) => '-'.repeat(w)).join('  '));
    out.push(line(row));
  });
  out.push('', `multipliers by operand widths: ${mults(t.multipliers)}`, ...r.notes.map((n) => `note: ${n}`));
  return out.join('\n') + '\n';
}
