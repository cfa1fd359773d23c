/**
 * A property generator of random models (format v1) for the codegen tests: several independent chains
 * (one input and one output each) in one model, so one g++ run checks many random layers. Types are
 * random: widths 2 to 40 bits, every quantization and overflow mode on result types, including narrow
 * WRAP types that overflow on purpose. Accumulators are left to precision inference (AP_WRAP, exact).
 */
import { FixedType, OVERFLOW_MODES, QUANT_MODES, type OverflowMode, type QuantMode } from '../../src/emulator/types.js';
import { SplitMix64 } from '../../src/codegen/random.js';

type Json = Record<string, unknown>;

export class ModelGen {
  readonly rng: SplitMix64;
  private readonly inputs: Json[] = [];
  private readonly layers: Json[] = [];
  private readonly outputs: string[] = [];
  private n = 0;

  constructor(seed: number) {
    this.rng = new SplitMix64(BigInt(seed));
  }

  int(lo: number, hi: number): number {
    return this.rng.int(lo, hi);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length - 1)]!;
  }
  chance(p: number): boolean {
    return this.rng.unit() < p;
  }

  /** A random fixed type; `maxW` caps the width. */
  type(opts: { minW?: number; maxW?: number; signed?: boolean; modes?: boolean; intRange?: [number, number] } = {}): FixedType {
    const W = this.int(opts.minW ?? 2, opts.maxW ?? 16);
    const signed = opts.signed ?? this.chance(0.7);
    const [ilo, ihi] = opts.intRange ?? [-2, W + 2];
    const I = this.int(ilo, ihi);
    if (!opts.modes) return new FixedType(W, I, signed);
    const q = this.pick(QUANT_MODES) as QuantMode;
    let o = this.pick(OVERFLOW_MODES) as OverflowMode;
    if (!signed && o === 'AP_WRAP_SM') o = 'AP_WRAP';
    const N = (o === 'AP_WRAP' || o === 'AP_WRAP_SM') && this.chance(0.2) ? this.int(1, Math.min(W, 3)) : 0;
    return new FixedType(W, I, signed, q, o, N);
  }

  /** A result type around a value range of roughly 2^mag: sometimes narrow on purpose (overflow). */
  resultType(mag: number, maxW = 40): FixedType {
    const W = this.int(2, Math.min(maxW, 40));
    const signed = this.chance(0.75);
    const I = Math.max(Math.min(mag + this.int(-3, 2), W + 4), -4);
    return this.typeWith(W, I, signed);
  }

  typeWith(W: number, I: number, signed: boolean): FixedType {
    const q = this.pick(QUANT_MODES) as QuantMode;
    let o = this.pick(OVERFLOW_MODES) as OverflowMode;
    if (!signed && o === 'AP_WRAP_SM') o = 'AP_WRAP';
    const N = (o === 'AP_WRAP' || o === 'AP_WRAP_SM') && this.chance(0.2) ? this.int(1, Math.min(W, 3)) : 0;
    return new FixedType(W, I, signed, q, o, N);
  }

  codes(t: FixedType, n: number, sparsity = 0.1): string[] {
    const out: string[] = [];
    for (let k = 0; k < n; k++) {
      const c = this.chance(sparsity) ? 0n : t.minRaw + this.rng.below(t.maxRaw - t.minRaw + 1n);
      out.push(c.toString());
    }
    return out;
  }

  constant(shape: number[], t: FixedType, sparsity = 0.1): Json {
    return { shape, type: t.toString(), codes: this.codes(t, shape.reduce((a, b) => a * b, 1), sparsity) };
  }

  /** Per-channel types on the last axis (channel c of element i is i mod C). */
  constantPerChannel(shape: number[], types: FixedType[], sparsity = 0.1): Json {
    const n = shape.reduce((a, b) => a * b, 1);
    const codes: string[] = [];
    for (let i = 0; i < n; i++) codes.push(this.codes(types[i % types.length]!, 1, sparsity)[0]!);
    return { shape, type: types.map((t) => t.toString()), codes };
  }

  /** A constant whose types are per channel (sometimes) or per tensor. */
  maybePerChannel(shape: number[], make: () => FixedType, sparsity = 0.1): Json {
    const C = shape[shape.length - 1] ?? 1;
    if (shape.length === 0 || C < 2 || !this.chance(0.35)) return this.constant(shape, make(), sparsity);
    return this.constantPerChannel(shape, Array.from({ length: C }, make), sparsity);
  }

  /** A result type that is never AP_WRAP_SM with N = 0 (codegen refuses it next to per-channel constants). */
  resultTypeNoWrapSm(mag: number): FixedType {
    for (;;) {
      const t = this.resultType(mag);
      if (!(t.overflow === 'AP_WRAP_SM' && t.satBits === 0)) return t;
    }
  }

  name(prefix: string): string {
    return `${prefix}_${++this.n}`;
  }

  input(shape: number[], t: FixedType): string {
    const name = this.name('in');
    this.inputs.push({ name, shape, type: t.toString() });
    return name;
  }

  layer(kind: string, inputs: string[], fields: Json): string {
    const name = this.name(kind.toLowerCase());
    this.layers.push({ name, kind, inputs, ...fields });
    return name;
  }

  output(name: string): void {
    this.outputs.push(name);
  }

  model(name: string): Json {
    return { format: 'hlsq-model', version: 1, name, inputs: this.inputs, layers: this.layers, outputs: this.outputs };
  }

  // ---- building blocks -------------------------------------------------------------------------

  /** A Dense layer on the last axis with random weights and bias and a random (maybe narrow) result. */
  dense(x: string, nIn: number, nOut: number, mag: number): string {
    const w = this.type({ minW: 2, maxW: 8, signed: true, intRange: [-1, 3] });
    const b = this.type({ minW: 2, maxW: 10, signed: this.chance(0.8), intRange: [-1, 4] });
    const fields: Json = {
      weights: this.chance(0.7) ? this.constant([nIn, nOut], w) : this.maybePerChannel([nIn, nOut], () => this.type({ minW: 2, maxW: 8, intRange: [-1, 3] })),
      result: this.resultType(mag + 2).toString(),
    };
    if (this.chance(0.8)) fields.bias = this.chance(0.7) ? this.constant([nOut], b) : this.maybePerChannel([nOut], () => this.type({ minW: 2, maxW: 10, intRange: [-1, 4] }));
    return this.layer('Dense', [x], fields);
  }

  activation(x: string, channels: number, mag: number): string {
    const kind = this.pick(['ReLU', 'ReLU', 'ReLUmax', 'LeakyReLU', 'PReLU', 'Quant', 'BatchNorm', 'Rescale']);
    const r = this.resultType(mag).toString();
    switch (kind) {
      case 'ReLU':
        return this.layer('ReLU', [x], { result: r });
      case 'ReLUmax': {
        const m = this.type({ minW: 3, maxW: 10, signed: false, intRange: [1, 4] });
        return this.layer('ReLU', [x], { result: r, max: { shape: [], type: m.toString(), codes: this.codes(m, 1, 0) } });
      }
      case 'LeakyReLU':
        return this.layer('LeakyReLU', [x], { result: r, alpha: this.constant([], this.type({ minW: 2, maxW: 8, intRange: [-1, 1] }), 0) });
      case 'PReLU':
        return this.layer('LeakyReLU', [x], {
          result: this.resultTypeNoWrapSm(mag).toString(),
          alpha: this.maybePerChannel([channels], () => this.type({ minW: 2, maxW: 8, intRange: [-1, 1] })),
        });
      case 'Quant':
        return this.layer('Quant', [x], { result: r });
      case 'BatchNorm': {
        const per = this.chance(0.5) ? [channels] : [];
        return this.layer('BatchNorm', [x], {
          result: this.resultTypeNoWrapSm(mag).toString(),
          scale: this.maybePerChannel(per, () => this.type({ minW: 2, maxW: 10, intRange: [-1, 3] })),
          shift: this.maybePerChannel(per, () => this.type({ minW: 2, maxW: 10, intRange: [-1, 4] })),
        });
      }
      default: {
        const m = this.type({ minW: 3, maxW: 12, signed: this.chance(0.5) });
        const mInt = new FixedType(m.width, m.width, m.signed);
        const per = this.chance(0.5) ? [channels] : [];
        return this.layer('Rescale', [x], { result: r, multiplier: this.constant(per, mInt), shift: this.int(0, 8) });
      }
    }
  }

  /** Quantize to a small table input (<= 10 bits) then a table layer. */
  table(x: string, mag: number): string {
    const q = this.layer('Quant', [x], { result: this.typeWith(this.int(2, 10), this.int(Math.max(mag - 2, -1), mag + 2), this.chance(0.6)).toString() });
    const kind = this.pick(['Sigmoid', 'Tanh', 'Softmax']);
    if (kind === 'Softmax') {
      return this.layer('Softmax', [q], this.chance(0.5) ? { invTableBits: this.int(6, 12) } : {});
    }
    return this.layer(kind, [q], this.chance(0.5) ? { result: this.typeWith(this.int(4, 20), this.int(0, 3), kind === 'Tanh' || this.chance(0.3)).toString() } : {});
  }
}

/** One chain of random layers from a new input to a new output. */
export function addChain(g: ModelGen, kind: 'dense' | 'conv1d' | 'conv2d' | 'merge'): void {
  const inType = g.type({ minW: 2, maxW: 16, modes: true, intRange: [-1, 6] });
  const mag = inType.intBits;
  if (kind === 'dense') {
    const n = g.int(1, 12);
    let x = g.input([n], inType);
    const h = g.int(1, 10);
    x = g.dense(x, n, h, mag + 3);
    x = g.activation(x, h, mag + 3);
    // sometimes an intermediate tensor is also a model output (a port that later layers read too)
    if (g.chance(0.3)) g.output(x);
    const o = g.int(1, 6);
    x = g.dense(x, h, o, mag + 4);
    if (g.chance(0.6)) x = g.table(x, 3);
    g.output(x);
    return;
  }
  if (kind === 'conv1d') {
    const L = g.int(3, 10);
    const C = g.int(1, 3);
    let x = g.input([L, C], inType);
    const K = g.int(1, Math.min(3, L));
    const F = g.int(1, 4);
    const padding = g.pick(['valid', 'same']);
    const stride = g.int(1, 2);
    x = g.layer('Conv1D', [x], {
      weights: g.constant([K, C, F], g.type({ minW: 2, maxW: 8, signed: true, intRange: [-1, 2] })),
      ...(g.chance(0.7) ? { bias: g.constant([F], g.type({ minW: 2, maxW: 8, intRange: [0, 3] })) } : {}),
      stride,
      padding,
      result: g.resultType(mag + 3).toString(),
    });
    x = g.activation(x, F, mag + 3);
    const Lout = padding === 'same' ? Math.ceil(L / stride) : Math.floor((L - K) / stride) + 1;
    let len = Lout;
    if (Lout >= 2) {
      const pool = g.int(2, Math.min(3, Lout));
      if (g.chance(0.5)) {
        const pad = g.pick(['valid', 'same']);
        x = g.layer('MaxPool1D', [x], { poolSize: pool, padding: pad, ...(g.chance(0.5) ? { result: g.resultType(mag + 3).toString() } : {}) });
        len = pad === 'same' ? Math.ceil(Lout / pool) : Math.floor((Lout - pool) / pool) + 1;
      } else {
        x = g.layer('AvgPool1D', [x], { poolSize: pool, result: g.resultType(mag + 3).toString() });
        len = Math.floor((Lout - pool) / pool) + 1;
      }
    }
    if (g.chance(0.5)) {
      // Dense on the last axis of a [L, C] map: one dense per position
      x = g.dense(x, F, g.int(1, 4), mag + 5);
    } else {
      x = g.layer('Flatten', [x], {});
      x = g.dense(x, len * F, g.int(1, 4), mag + 5);
    }
    g.output(x);
    return;
  }
  if (kind === 'conv2d') {
    const H = g.int(2, 6);
    const W = g.int(2, 6);
    const C = g.int(1, 2);
    let x = g.input([H, W, C], inType);
    const kh = g.int(1, Math.min(3, H));
    const kw = g.int(1, Math.min(3, W));
    const F = g.int(1, 3);
    const padding = g.pick(['valid', 'same']);
    const sh = g.int(1, 2);
    const sw = g.int(1, 2);
    x = g.layer('Conv2D', [x], {
      weights: g.constant([kh, kw, C, F], g.type({ minW: 2, maxW: 6, signed: true, intRange: [-1, 2] })),
      ...(g.chance(0.7) ? { bias: g.constant([F], g.type({ minW: 2, maxW: 8, intRange: [0, 3] })) } : {}),
      strides: [sh, sw],
      padding,
      result: g.resultType(mag + 3).toString(),
    });
    x = g.activation(x, F, mag + 3);
    const kind2 = g.pick(['max', 'avg', 'gavg', 'gmax']);
    const oh = padding === 'same' ? Math.ceil(H / sh) : Math.floor((H - kh) / sh) + 1;
    const ow = padding === 'same' ? Math.ceil(W / sw) : Math.floor((W - kw) / sw) + 1;
    if (kind2 === 'gavg') x = g.layer('GlobalAveragePool', [x], { result: g.resultType(mag + 3).toString() });
    else if (kind2 === 'gmax') x = g.layer('GlobalMaxPool', [x], {});
    else if (oh >= 2 && ow >= 2) {
      if (kind2 === 'max') x = g.layer('MaxPool2D', [x], { poolSize: [2, 2], padding: g.pick(['valid', 'same']) });
      else x = g.layer('AvgPool2D', [x], { poolSize: [g.int(1, 2), g.int(1, 2)], result: g.resultType(mag + 3).toString() });
    }
    x = g.layer('Flatten', [x], {});
    g.output(x);
    return;
  }
  // merge: two branches from one input, combined, then re-quantized
  const n = g.int(1, 8);
  const x = g.input([n], inType);
  const a = g.dense(x, n, 4, mag + 3);
  const b = g.dense(x, n, 4, mag + 3);
  const op = g.pick(['Add', 'Subtract', 'Multiply', 'Concatenate']);
  let y = g.layer(op, [a, b], { result: g.resultType(mag + 5).toString() });
  if (op === 'Concatenate') y = g.layer('Quant', [y], { result: g.resultType(mag + 4).toString() });
  g.output(y);
}

export function randomModel(seed: number, chains: number): Json {
  const g = new ModelGen(seed);
  for (let k = 0; k < chains; k++) addChain(g, g.pick(['dense', 'conv1d', 'conv2d', 'merge'] as const));
  return g.model(`random_${seed}`);
}

// ---- io_stream sliding windows ----------------------------------------------------------------------

/** Output length of a window axis (the format's rule, docs/model-format.md "Padding"). */
function windowOut(length: number, kernel: number, stride: number, padding: 'valid' | 'same'): number {
  return padding === 'same' ? Math.ceil(length / stride) : length >= kernel ? Math.floor((length - kernel) / stride) + 1 : 0;
}

/**
 * One chain for the io_stream window kernels: a Conv2D or Conv1D with kernels 1-4 (wider than the map
 * under 'same'), strides 1-3 (also larger than the kernel), one to three channels, sometimes a second
 * convolution, then a max pool (any padding and stride), an average pool or a global pool, sometimes
 * a Dense on the channels. Every window layer on a spatial map, so the line buffer meets every geometry.
 */
export function addWindowChain(g: ModelGen, rank: 1 | 2): void {
  const inType = g.type({ minW: 2, maxW: 12, modes: true, intRange: [-1, 5] });
  const mag = inType.intBits;
  let hw = rank === 2 ? [g.int(1, 7), g.int(2, 8)] : [1, g.int(2, 12)];
  let C = g.int(1, 3);
  let x = g.input(rank === 2 ? [hw[0]!, hw[1]!, C] : [hw[1]!, C], inType);
  const convs = g.chance(0.4) ? 2 : 1;
  for (let k = 0; k < convs; k++) {
    const padding = g.pick(['valid', 'same'] as const);
    // 'same' may take a kernel wider than the map; 'valid' needs it to fit
    const fit = (k: number, length: number) => (padding === 'valid' ? Math.min(k, length) : k);
    const kh = rank === 2 ? fit(g.int(1, 4), hw[0]!) : 1;
    const kw = fit(g.int(1, 4), hw[1]!);
    const s = [rank === 2 ? g.int(1, 3) : 1, g.int(1, 3)];
    const F = g.int(1, 3);
    const weights = g.constant(rank === 2 ? [kh, kw, C, F] : [kw, C, F], g.type({ minW: 2, maxW: 6, signed: true, intRange: [-1, 2] }));
    const bias = g.chance(0.7) ? { bias: g.constant([F], g.type({ minW: 2, maxW: 8, intRange: [0, 3] })) } : {};
    const geometry = rank === 2 ? { strides: s, padding } : { stride: s[1], padding };
    x = g.layer(rank === 2 ? 'Conv2D' : 'Conv1D', [x], { weights, ...bias, ...geometry, result: g.resultType(mag + 3).toString() });
    hw = [windowOut(hw[0]!, kh, s[0]!, padding), windowOut(hw[1]!, kw, s[1]!, padding)];
    C = F;
  }
  if (g.chance(0.4)) x = g.activation(x, C, mag + 3);
  if (g.chance(0.3)) {
    // two element-wise branches of the map merged again (io_stream: a cloned stream, merged word by word)
    const a = g.activation(x, C, mag + 3);
    const b = g.activation(x, C, mag + 3);
    const op = g.pick(['Add', 'Subtract', 'Multiply', 'Concatenate'] as const);
    x = g.layer(op, [a, b], { result: g.resultType(mag + 5).toString() });
    if (op === 'Concatenate') C *= 2;
  }
  const pool = g.pick(['max', 'max', 'avg', 'global'] as const);
  if (pool === 'global') {
    x = g.chance(0.5) ? g.layer('GlobalMaxPool', [x], {}) : g.layer('GlobalAveragePool', [x], { result: g.resultType(mag + 3).toString() });
  } else if (pool === 'max') {
    const padding = g.pick(['valid', 'same'] as const);
    const fit = (k: number, length: number) => (padding === 'valid' ? Math.min(k, length) : k);
    const p = [rank === 2 ? fit(g.int(1, 3), hw[0]!) : 1, fit(g.int(1, 3), hw[1]!)];
    const s = [rank === 2 ? g.int(1, 3) : 1, g.int(1, 3)];
    const result = g.chance(0.5) ? { result: g.resultType(mag + 3).toString() } : {};
    x =
      rank === 2
        ? g.layer('MaxPool2D', [x], { poolSize: p, strides: s, padding, ...result })
        : g.layer('MaxPool1D', [x], { poolSize: p[1], stride: s[1], padding, ...result });
  } else {
    const p = [rank === 2 ? g.int(1, Math.min(3, hw[0]!)) : 1, g.int(1, Math.min(3, hw[1]!))];
    const s = [rank === 2 ? g.int(1, 2) : 1, g.int(1, 2)];
    const result = { result: g.resultType(mag + 3).toString() };
    x = rank === 2 ? g.layer('AvgPool2D', [x], { poolSize: p, strides: s, ...result }) : g.layer('AvgPool1D', [x], { poolSize: p[1], stride: s[1], ...result });
  }
  // sometimes a Dense on the channels of every position (io_stream: one word in, one word out)
  if (g.chance(0.3)) x = g.dense(x, C, g.int(1, 4), mag + 5);
  g.output(x);
}

export function windowModel(seed: number, chains: number): Json {
  const g = new ModelGen(seed);
  for (let k = 0; k < chains; k++) addWindowChain(g, g.chance(0.6) ? 2 : 1);
  return g.model(`window_${seed}`);
}

// ---- per-channel accumulator and result types -------------------------------------------------------

/** Per-channel types for C channels: a few distinct types (so channel groups repeat), sometimes all equal. */
function perChannelTypes(g: ModelGen, C: number, make: () => FixedType): string[] | string {
  if (C < 2 || g.chance(0.15)) return make().toString();
  const pool = Array.from({ length: g.int(1, 3) }, make);
  return Array.from({ length: C }, () => g.pick(pool).toString());
}

/** A narrow accumulator with any modes (it overflows or rounds on purpose); never AP_WRAP_SM N = 0 when `noWrapSm`. */
function accumType(g: ModelGen, mag: number, noWrapSm: boolean): FixedType {
  for (;;) {
    const t = g.typeWith(g.int(4, 30), g.int(Math.max(mag - 2, 0), mag + 4), g.chance(0.85));
    if (!(noWrapSm && t.overflow === 'AP_WRAP_SM' && t.satBits === 0)) return t;
  }
}

/** Per-channel accum (declared, or left to precision inference) and result fields of a MAC layer. */
function macChannelFields(g: ModelGen, C: number, mag: number, perChannelInput: boolean): Json {
  const fields: Json = { result: perChannelTypes(g, C, () => g.resultType(mag)) };
  if (g.chance(0.7)) fields.accum = perChannelTypes(g, C, () => accumType(g, mag, perChannelInput));
  return fields;
}

/**
 * A chain whose MAC layers have per-channel accumulator and result types (different modes and widths,
 * narrow ones that wrap or saturate on purpose): a Dense, Conv1D or Conv2D, then an element-wise layer
 * (ReLU, Quant, BatchNorm, LeakyReLU, often with per-channel result types too) or nothing, then a Dense
 * reading the per-channel tensor.
 */
export function addPerChannelChain(g: ModelGen): void {
  const inType = g.type({ minW: 2, maxW: 12, modes: true, intRange: [-1, 5] });
  const mag = inType.intBits;
  const kind = g.pick(['dense', 'conv1d', 'conv2d'] as const);
  let x: string;
  let C: number;
  if (kind === 'dense') {
    const n = g.int(1, 8);
    C = g.int(2, 8);
    x = g.input([n], inType);
    x = g.layer('Dense', [x], {
      weights: g.constant([n, C], g.type({ minW: 2, maxW: 8, signed: true, intRange: [-1, 3] })),
      ...(g.chance(0.8) ? { bias: g.constant([C], g.type({ minW: 2, maxW: 10, intRange: [-1, 4] })) } : {}),
      ...macChannelFields(g, C, mag + 3, false),
    });
  } else {
    const two = kind === 'conv2d';
    const H = two ? g.int(2, 4) : 1;
    const W = g.int(2, 6);
    const Cin = g.int(1, 2);
    C = g.int(2, 4);
    x = g.input(two ? [H, W, Cin] : [W, Cin], inType);
    const kh = two ? g.int(1, H) : 1;
    const kw = g.int(1, Math.min(3, W));
    const padding = g.pick(['valid', 'same']);
    x = g.layer(two ? 'Conv2D' : 'Conv1D', [x], {
      weights: g.constant(two ? [kh, kw, Cin, C] : [kw, Cin, C], g.type({ minW: 2, maxW: 6, signed: true, intRange: [-1, 2] })),
      ...(g.chance(0.7) ? { bias: g.constant([C], g.type({ minW: 2, maxW: 8, intRange: [0, 3] })) } : {}),
      ...(two ? { strides: [1, g.int(1, 2)] } : { stride: g.int(1, 2) }),
      padding,
      ...macChannelFields(g, C, mag + 3, false),
    });
  }
  // an element-wise layer reading the per-channel tensor (its conversions are value-only: no AP_WRAP_SM N = 0)
  const ew = g.pick(['none', 'ReLU', 'Quant', 'BatchNorm', 'LeakyReLU'] as const);
  // its result per channel too (sometimes), converted channel by channel into the container
  const r = () => perChannelTypes(g, C, () => g.resultTypeNoWrapSm(mag + 3));
  if (ew === 'ReLU' || ew === 'Quant') x = g.layer(ew, [x], { result: r() });
  else if (ew === 'BatchNorm') {
    x = g.layer('BatchNorm', [x], {
      result: r(),
      scale: g.constant([C], g.type({ minW: 2, maxW: 10, intRange: [-1, 3] })),
      shift: g.constant([C], g.type({ minW: 2, maxW: 10, intRange: [-1, 4] })),
    });
  } else if (ew === 'LeakyReLU') x = g.layer('LeakyReLU', [x], { result: r(), alpha: g.constant([], g.type({ minW: 2, maxW: 8, intRange: [-1, 1] }), 0) });
  const o = g.int(2, 5);
  const readsPerChannel = true; // the element-wise result may be per channel too
  x = g.layer('Dense', [x], {
    weights: g.constant([C, o], g.type({ minW: 2, maxW: 8, signed: true, intRange: [-1, 3] })),
    ...(g.chance(0.8) ? { bias: g.constant([o], g.type({ minW: 2, maxW: 10, intRange: [-1, 4] })) } : {}),
    ...macChannelFields(g, o, mag + 5, readsPerChannel),
  });
  g.output(x);
}

export function perChannelModel(seed: number, chains: number): Json {
  const g = new ModelGen(seed);
  for (let k = 0; k < chains; k++) addPerChannelChain(g);
  return g.model(`perchannel_${seed}`);
}
