/**
 * Random small models for property tests: every layer kind, random types (narrow, wide beyond 53 bits,
 * every Q/O mode, saturation bits), declared or omitted accumulators, per-tensor and per-channel types.
 */
import { QUANT_MODES, OVERFLOW_MODES } from '../../src/emulator/types.js';
import type { LayerJson, ModelJson } from '../../src/model/format.js';

export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  next(): number {
    // mulberry32
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** A uniformly random bigint in [lo, hi]. */
  big(lo: bigint, hi: bigint): bigint {
    const span = hi - lo + 1n;
    let r = 0n;
    for (let i = 0; i < 4; i++) r = (r << 32n) | BigInt(Math.floor(this.next() * 2 ** 32));
    return lo + (r % span);
  }
}

export interface TypeOptions {
  minW?: number;
  maxW?: number;
  signed?: boolean;
  plain?: boolean;
}

export function randomType(r: Rng, o: TypeOptions = {}): string {
  const W = r.int(o.minW ?? 1, o.maxW ?? 12);
  const signed = o.signed ?? r.chance(0.6);
  const I = r.int(-3, W + 3);
  if (o.plain) return `${signed ? 'ap_fixed' : 'ap_ufixed'}<${W},${I}>`;
  const Q = r.pick(QUANT_MODES);
  let O = r.pick(OVERFLOW_MODES);
  if (!signed && O === 'AP_WRAP_SM') O = 'AP_SAT';
  const N = r.chance(0.15) ? r.int(1, W) : 0;
  return `${signed ? 'ap_fixed' : 'ap_ufixed'}<${W},${I},${Q},${O},${N}>`;
}

function rangeOf(type: string): [bigint, bigint] {
  const m = /^(ap_u?fixed)<(\d+),/.exec(type)!;
  const W = BigInt(m[2]!);
  return m[1] === 'ap_fixed' ? [-(1n << (W - 1n)), (1n << (W - 1n)) - 1n] : [0n, (1n << W) - 1n];
}

export function randomCodes(r: Rng, type: string, n: number): string[] {
  const [lo, hi] = rangeOf(type);
  return Array.from({ length: n }, () => {
    const c = r.chance(0.1) ? (r.chance(0.5) ? lo : hi) : r.chance(0.15) ? 0n : r.big(lo, hi);
    return c.toString();
  });
}

function constant(r: Rng, shape: number[], typeOpts: TypeOptions, perChannel = false) {
  const n = shape.reduce((p, d) => p * d, 1);
  const C = shape.length ? shape.at(-1)! : 1;
  if (perChannel && C > 1) {
    const types = Array.from({ length: C }, () => randomType(r, { ...typeOpts, plain: true }));
    const codes = Array.from({ length: n }, (_, i) => randomCodes(r, types[i % C]!, 1)[0]!);
    return { shape, type: types, codes };
  }
  const type = randomType(r, { ...typeOpts, plain: true });
  return { shape, type, codes: randomCodes(r, type, n) };
}

export interface RandomModelOptions {
  /** Allow accumulators and types wider than 53 bits. */
  wide?: boolean;
  /** Allow table layers (slow to build for wide inputs). */
  tables?: boolean;
}

/** A random model with 1 to 4 layers on a random input. */
export function randomModel(r: Rng, opts: RandomModelOptions = {}): ModelJson {
  const rank = r.int(1, 3);
  const C0 = r.int(1, 3);
  const inShape = rank === 1 ? [r.int(1, 5)] : rank === 2 ? [r.int(2, 6), C0] : [r.int(2, 5), r.int(2, 5), C0];
  const inType = randomType(r, { maxW: opts.wide && r.chance(0.3) ? 60 : 10, plain: r.chance(0.5) });
  const layers: LayerJson[] = [];
  let cur = { name: 'x', shape: inShape };
  const nLayers = r.int(1, 4);
  const resultType = (): string | undefined => (r.chance(0.5) ? undefined : randomType(r, { maxW: opts.wide && r.chance(0.2) ? 64 : 14 }));
  const accum = (): string | undefined => {
    if (r.chance(0.55)) return undefined;
    if (opts.wide && r.chance(0.3)) return randomType(r, { minW: 54, maxW: 90, signed: true, plain: r.chance(0.5) });
    return randomType(r, { minW: 2, maxW: 24 });
  };
  for (let li = 0; li < nLayers; li++) {
    const name = `l${li}`;
    const s = cur.shape;
    const C = s.at(-1)!;
    const options: string[] = ['Dense', 'BatchNorm', 'ReLU', 'LeakyReLU', 'Quant', 'Rescale', 'Add', 'Subtract', 'Multiply', 'Concatenate'];
    if (s.length === 2) options.push('Conv1D', 'MaxPool1D', 'AvgPool1D', 'GlobalAveragePool', 'GlobalMaxPool', 'Flatten');
    if (s.length === 3) options.push('Conv2D', 'MaxPool2D', 'AvgPool2D', 'GlobalAveragePool', 'GlobalMaxPool', 'Flatten', 'Reshape');
    if (opts.tables) options.push('Sigmoid', 'Tanh', 'Softmax');
    const kind = r.pick(options);
    const base = { name, inputs: [cur.name] };
    let layer: LayerJson;
    let outShape: number[];
    const res = resultType();
    const withRes = <T extends object>(l: T) => (res === undefined ? l : { ...l, result: res });
    switch (kind) {
      case 'Dense': {
        const nOut = r.int(1, 4);
        const pc = r.chance(0.3);
        layer = withRes({
          ...base,
          kind: 'Dense' as const,
          weights: constant(r, [C, nOut], { maxW: opts.wide && r.chance(0.3) ? 40 : 8 }, pc),
          ...(r.chance(0.7) ? { bias: constant(r, [nOut], { maxW: 10 }, pc) } : {}),
          ...(() => {
            const a = accum();
            return a === undefined ? {} : { accum: a };
          })(),
        });
        outShape = [...s.slice(0, -1), nOut];
        break;
      }
      case 'Conv1D': {
        const K = r.int(1, Math.min(3, s[0]!));
        const stride = r.int(1, 2);
        const padding = r.pick(['valid', 'same'] as const);
        const cout = r.int(1, 3);
        const a = accum();
        layer = withRes({
          ...base,
          kind: 'Conv1D' as const,
          weights: constant(r, [K, C, cout], { maxW: 8 }, r.chance(0.3)),
          ...(r.chance(0.6) ? { bias: constant(r, [cout], { maxW: 8 }) } : {}),
          stride,
          padding,
          ...(a === undefined ? {} : { accum: a }),
        });
        const L = padding === 'valid' ? Math.floor((s[0]! - K) / stride) + 1 : Math.ceil(s[0]! / stride);
        outShape = [L, cout];
        break;
      }
      case 'Conv2D': {
        const KH = r.int(1, Math.min(3, s[0]!));
        const KW = r.int(1, Math.min(3, s[1]!));
        const st: [number, number] = [r.int(1, 2), r.int(1, 2)];
        const padding = r.pick(['valid', 'same'] as const);
        const cout = r.int(1, 3);
        const a = accum();
        layer = withRes({
          ...base,
          kind: 'Conv2D' as const,
          weights: constant(r, [KH, KW, C, cout], { maxW: 8 }, r.chance(0.3)),
          ...(r.chance(0.6) ? { bias: constant(r, [cout], { maxW: 8 }) } : {}),
          strides: st,
          padding,
          ...(a === undefined ? {} : { accum: a }),
        });
        const o = (L: number, K: number, t: number) => (padding === 'valid' ? Math.floor((L - K) / t) + 1 : Math.ceil(L / t));
        outShape = [o(s[0]!, KH, st[0]), o(s[1]!, KW, st[1]), cout];
        break;
      }
      case 'BatchNorm':
        layer = withRes({ ...base, kind: 'BatchNorm' as const, scale: constant(r, r.chance(0.5) ? [C] : [], { maxW: 8 }), shift: constant(r, r.chance(0.5) ? [C] : [], { maxW: 8 }) });
        outShape = s;
        break;
      case 'ReLU':
        layer = withRes({ ...base, kind: 'ReLU' as const, ...(r.chance(0.4) ? { max: constant(r, [], { maxW: 8 }) } : {}) });
        outShape = s;
        break;
      case 'LeakyReLU':
        layer = withRes({ ...base, kind: 'LeakyReLU' as const, alpha: constant(r, r.chance(0.5) ? [C] : [], { maxW: 8 }) });
        outShape = s;
        break;
      case 'Quant':
        layer = { ...base, kind: 'Quant', result: randomType(r, { maxW: 14 }) };
        outShape = s;
        break;
      case 'Rescale':
        layer = {
          ...base,
          kind: 'Rescale',
          multiplier: constant(r, r.chance(0.5) ? [C] : [], { maxW: 10 }),
          shift: r.chance(0.5) ? r.int(0, 12) : Array.from({ length: C }, () => r.int(0, 12)),
          result: randomType(r, { maxW: 14 }),
        };
        outShape = s;
        break;
      case 'Add':
      case 'Subtract':
      case 'Multiply':
        layer = withRes({ ...base, kind: kind as 'Add', inputs: [cur.name, li > 0 && r.chance(0.5) ? 'x' : cur.name] });
        if (layer.inputs[1] === 'x' && inShape.join() !== s.join()) layer.inputs[1] = cur.name;
        outShape = s;
        break;
      case 'Concatenate': {
        const other = li > 0 && inShape.join() === s.join() && r.chance(0.5) ? 'x' : cur.name;
        const axis = r.chance(0.7) ? -1 : r.int(0, s.length - 1);
        layer = withRes({ ...base, kind: 'Concatenate' as const, inputs: [cur.name, other], axis });
        const ax = axis < 0 ? s.length + axis : axis;
        outShape = s.map((d, i) => (i === ax ? 2 * d : d));
        break;
      }
      case 'MaxPool1D':
      case 'AvgPool1D': {
        const p = r.int(1, Math.min(3, s[0]!));
        const stride = r.int(1, 2);
        const padding = kind === 'MaxPool1D' ? r.pick(['valid', 'same'] as const) : 'valid';
        layer = withRes({ ...base, kind: kind as 'MaxPool1D', poolSize: p, stride, ...(kind === 'MaxPool1D' ? { padding } : {}) });
        const L = padding === 'valid' ? Math.floor((s[0]! - p) / stride) + 1 : Math.ceil(s[0]! / stride);
        outShape = [L, C];
        break;
      }
      case 'MaxPool2D':
      case 'AvgPool2D': {
        const p: [number, number] = [r.int(1, Math.min(3, s[0]!)), r.int(1, Math.min(3, s[1]!))];
        const padding = kind === 'MaxPool2D' ? r.pick(['valid', 'same'] as const) : 'valid';
        layer = withRes({ ...base, kind: kind as 'MaxPool2D', poolSize: p, ...(kind === 'MaxPool2D' ? { padding } : {}) });
        const o = (L: number, K: number) => (padding === 'valid' ? Math.floor((L - K) / K) + 1 : Math.ceil(L / K));
        outShape = [o(s[0]!, p[0]), o(s[1]!, p[1]), C];
        break;
      }
      case 'GlobalAveragePool':
      case 'GlobalMaxPool':
        layer = withRes({ ...base, kind: kind as 'GlobalMaxPool' });
        outShape = [C];
        break;
      case 'Flatten':
        layer = { ...base, kind: 'Flatten' };
        outShape = [s.reduce((p, d) => p * d, 1)];
        break;
      case 'Reshape': {
        const n = s.reduce((p, d) => p * d, 1);
        layer = { ...base, kind: 'Reshape', targetShape: [n / C, C] };
        outShape = [n / C, C];
        break;
      }
      default: {
        // Table layers want a narrow per-tensor input: put a Quant in front.
        const qName = `${name}_q`;
        layers.push({ name: qName, kind: 'Quant', inputs: [cur.name], result: randomType(r, { maxW: 7 }) });
        const tRes = r.chance(0.5) ? undefined : randomType(r, { maxW: 16 });
        layer = { name, kind: kind as 'Sigmoid', inputs: [qName], ...(tRes ? { result: tRes } : {}) };
        if (kind === 'Softmax' && r.chance(0.5)) {
          layer = { ...layer, kind: 'Softmax', expType: randomType(r, { minW: 4, maxW: 18, signed: false }), invType: randomType(r, { minW: 4, maxW: 18, signed: false }), invTableBits: r.int(2, 10) } as LayerJson;
        }
        outShape = s;
      }
    }
    layers.push(layer);
    cur = { name, shape: outShape };
  }
  return { format: 'hlsq-model', version: 1, inputs: [{ name: 'x', shape: inShape, type: inType }], layers };
}

/** Random input codes for a batch (every element in the input type's range). */
export function randomInputs(r: Rng, model: ModelJson, batch: number): Record<string, bigint[]> {
  const out: Record<string, bigint[]> = {};
  for (const inp of model.inputs) {
    const n = inp.shape.reduce((p, d) => p * d, 1) * batch;
    out[inp.name] = randomCodes(r, inp.type!, n).map(BigInt);
  }
  return out;
}
