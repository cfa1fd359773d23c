/**
 * The slow, obviously correct reference: one sample at a time, every value an exact BigInt code with the
 * type its C++ expression has, every layer written as the loops of docs/model-format.md §4 with every
 * conversion through the emulator (`castRaw`). The engine (infer.ts) must equal this on every model.
 */
import { FixedType } from '../emulator/types.js';
import { bitlen, fxAdd, fxCast, fxMul, fxSub, type Fx } from './arith.js';
import { ModelUsageError } from './errors.js';
import { typeAt, typeList, type Constant, type Layer, type Model, type QuantizedConstant } from './format.js';
import { axisWindow } from './geometry.js';
import { resolveTypes } from './precision.js';
import { elementType, tensorInfos, type TensorInfo } from './resolve.js';
import {
  activationTable,
  DEFAULT_SOFTMAX_EXP_TYPE,
  DEFAULT_SOFTMAX_INV_BITS,
  DEFAULT_SOFTMAX_INV_TYPE,
  defaultReciprocal,
  softmaxExpTable,
  softmaxInvTable,
  softmaxSumGeometry,
} from './tables.js';

type Codes = bigint[];

function q(c: Constant, layer: string): QuantizedConstant {
  if (!c.quantized) throw new ModelUsageError(`layer ${layer}: float constant; run quantize() first`);
  return c;
}

/** Element i of a constant as a typed value (per-channel types follow the last axis). */
function constAt(c: QuantizedConstant, i: number): Fx {
  const C = c.shape.length ? c.shape[c.shape.length - 1]! : 1;
  return { raw: c.codes[i]!, type: c.types.length === 1 ? c.types[0]! : c.types[i % C]! };
}

/** A per-tensor ([] / [1]) or per-channel ([C]) constant's value for channel c. */
function channelConst(c: QuantizedConstant, ch: number): Fx {
  return constAt(c, c.codes.length === 1 ? 0 : ch);
}

function cmp(a: Fx, b: Fx): number {
  const d = fxSub(a, b).raw;
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** Run one sample through a model (types left out are inferred first); returns every tensor's codes. */
export function referenceRun(model: Model, inputs: Readonly<Record<string, readonly bigint[]>>): Map<string, Codes> {
  const m = resolveTypes(model);
  const infos = tensorInfos(m);
  const values = new Map<string, Codes>();
  for (const inp of m.inputs) {
    const v = inputs[inp.name];
    const info = infos.get(inp.name)!;
    if (!v || v.length !== info.size) throw new ModelUsageError(`input ${inp.name}: expected ${info.size} codes`);
    values.set(inp.name, [...v]);
  }
  for (const l of m.layers) values.set(l.name, referenceLayer(l, values, infos));
  return values;
}

/** One layer on one sample (every input tensor in `values`). */
export function referenceLayer(l: Layer, values: Map<string, Codes>, infos: Map<string, TensorInfo>): Codes {
  const xs = l.inputs.map((n) => values.get(n)!);
  const xi = l.inputs.map((n) => infos.get(n)!);
  const x = xs[0]!;
  const X = xi[0]!;
  const xv = (i: number, k = 0): Fx => ({ raw: xs[k]![i]!, type: elementType(xi[k]!, i) });
  const out: Codes = [];
  const C = l.shape[l.shape.length - 1]!;
  const R = (ch: number): FixedType => typeAt(l.result!, typeList(l.result!).length === 1 ? 0 : ch);
  const n = l.shape.reduce((p, d) => p * d, 1);

  switch (l.kind) {
    case 'Dense':
    case 'Conv1D':
    case 'Conv2D': {
      const w = q(l.weights, l.name);
      const b = l.bias ? q(l.bias, l.name) : undefined;
      const A = (j: number) => typeAt(l.accum!, typeList(l.accum!).length === 1 ? 0 : j);
      // The window of output position `pos` as a list of typed input values (zero at padding).
      const windowOf = (pos: number): Fx[] => {
        const cin = X.shape[X.shape.length - 1]!;
        const zero = (c: number): Fx => ({ raw: 0n, type: elementType(X, c) });
        if (l.kind === 'Dense') {
          const v: Fx[] = [];
          for (let i = 0; i < cin; i++) v.push(xv(pos * cin + i));
          return v;
        }
        if (l.kind === 'Conv1D') {
          const [L] = X.shape as [number, number];
          const K = w.shape[0]!;
          const { padBefore } = axisWindow(L, K, l.stride, l.padding);
          const v: Fx[] = [];
          for (let k = 0; k < K; k++) {
            const t = pos * l.stride + k - padBefore;
            for (let c = 0; c < cin; c++) v.push(t >= 0 && t < L ? xv(t * cin + c) : zero(c));
          }
          return v;
        }
        const [H, W] = X.shape as [number, number, number];
        const [KH, KW] = w.shape as [number, number];
        const ph = axisWindow(H, KH, l.strides[0], l.padding).padBefore;
        const pw = axisWindow(W, KW, l.strides[1], l.padding).padBefore;
        const outW = l.shape[1]!;
        const oh = Math.floor(pos / outW);
        const ow = pos % outW;
        const v: Fx[] = [];
        for (let kh = 0; kh < KH; kh++) {
          for (let kw = 0; kw < KW; kw++) {
            const h = oh * l.strides[0] + kh - ph;
            const ww = ow * l.strides[1] + kw - pw;
            for (let c = 0; c < cin; c++) v.push(h >= 0 && h < H && ww >= 0 && ww < W ? xv((h * W + ww) * cin + c) : zero(c));
          }
        }
        return v;
      };
      const positions = n / C;
      for (let pos = 0; pos < positions; pos++) {
        const win = windowOf(pos);
        for (let j = 0; j < C; j++) {
          const Aj = A(j);
          let acc: Fx = b ? fxCast(constAt(b, j), Aj) : { raw: 0n, type: Aj };
          for (let i = 0; i < win.length; i++) {
            const p = fxCast(fxMul(win[i]!, constAt(w, i * C + j)), Aj);
            acc = fxCast(fxAdd(acc, p), Aj);
          }
          out.push(fxCast(acc, R(j)).raw);
        }
      }
      return out;
    }
    case 'BatchNorm': {
      const s = q(l.scale, l.name);
      const t = q(l.shift, l.name);
      for (let i = 0; i < n; i++) out.push(fxCast(fxAdd(fxMul(xv(i), channelConst(s, i % C)), channelConst(t, i % C)), R(i % C)).raw);
      return out;
    }
    case 'ReLU': {
      const m = l.max ? channelConst(q(l.max, l.name), 0) : undefined;
      for (let i = 0; i < n; i++) {
        const v = xv(i);
        if (v.raw <= 0n) out.push(0n);
        else if (m && cmp(v, m) > 0) out.push(fxCast(m, R(i % C)).raw);
        else out.push(fxCast(v, R(i % C)).raw);
      }
      return out;
    }
    case 'LeakyReLU': {
      const a = q(l.alpha, l.name);
      for (let i = 0; i < n; i++) {
        const v = xv(i);
        out.push(fxCast(v.raw > 0n ? v : fxMul(v, channelConst(a, i % C)), R(i % C)).raw);
      }
      return out;
    }
    case 'Quant':
      for (let i = 0; i < n; i++) out.push(fxCast(xv(i), R(i % C)).raw);
      return out;
    case 'Rescale': {
      const mc = q(l.multiplier, l.name);
      for (let i = 0; i < n; i++) {
        const ch = i % C;
        const s = Array.isArray(l.shift) ? (l.shift.length === 1 ? l.shift[0]! : l.shift[ch]!) : (l.shift as number);
        const m = channelConst(mc, ch);
        const ms: Fx = { raw: m.raw, type: new FixedType(m.type.width, m.type.intBits - s, m.type.signed) };
        out.push(fxCast(fxMul(xv(i), ms), R(ch)).raw);
      }
      return out;
    }
    case 'MaxPool1D':
    case 'MaxPool2D':
    case 'GlobalMaxPool':
    case 'AvgPool1D':
    case 'AvgPool2D':
    case 'GlobalAveragePool': {
      const windows = poolWindows(l, X.shape);
      const positions = n / C;
      for (let pos = 0; pos < positions; pos++) {
        for (let c = 0; c < C; c++) {
          const vals = windows(pos).map((sp) => xv(sp * C + c));
          if (l.kind === 'MaxPool1D' || l.kind === 'MaxPool2D' || l.kind === 'GlobalMaxPool') {
            let best = vals[0]!;
            for (const v of vals) if (cmp(v, best) > 0) best = v;
            out.push(fxCast(best, R(c)).raw);
            continue;
          }
          const k = vals.length;
          const Xc = vals[0]!.type;
          const cb = bitlen(BigInt(k - 1));
          const S = new FixedType(Xc.width + cb, Xc.intBits + cb, Xc.signed);
          let s = 0n;
          for (const v of vals) s += v.raw;
          if ((k & (k - 1)) === 0) {
            const kk = bitlen(BigInt(k)) - 1;
            out.push(fxCast({ raw: s, type: new FixedType(S.width, S.intBits - kk, S.signed) }, R(c)).raw);
          } else {
            let r: Fx;
            if (l.reciprocal) r = channelConst(q(l.reciprocal, l.name), 0);
            else {
              const d = defaultReciprocal(k);
              r = { raw: d.code, type: d.type };
            }
            out.push(fxCast(fxMul({ raw: s, type: S }, r), R(c)).raw);
          }
        }
      }
      return out;
    }
    case 'Add':
    case 'Subtract':
    case 'Multiply':
      for (let i = 0; i < n; i++) {
        let acc = xv(i, 0);
        for (let k = 1; k < xs.length; k++) {
          const b = xv(i, k);
          acc = l.kind === 'Add' ? fxAdd(acc, b) : l.kind === 'Subtract' ? fxSub(acc, b) : fxMul(acc, b);
        }
        out.push(fxCast(acc, R(i % C)).raw);
      }
      return out;
    case 'Concatenate': {
      const axis = l.axis;
      const inner = l.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
      const outer = l.shape.slice(0, axis).reduce((p, d) => p * d, 1);
      for (let o = 0; o < outer; o++) {
        xs.forEach((_, k) => {
          const len = xi[k]!.shape[axis]! * inner;
          for (let e = 0; e < len; e++) out.push(fxCast(xv(o * len + e, k), R(out.length % C)).raw);
        });
      }
      return out;
    }
    case 'Flatten':
    case 'Reshape':
      return [...x];
    case 'Sigmoid':
    case 'Tanh': {
      const Xt = tableInputType(l, X);
      const table = activationTable(l.kind, Xt, R(0), `layer ${l.name}`);
      for (let i = 0; i < n; i++) out.push(table[Number(BigInt.asUintN(Xt.width, x[i]!))]!);
      return out;
    }
    case 'Softmax': {
      const Xt = tableInputType(l, X);
      const E = l.expType ?? DEFAULT_SOFTMAX_EXP_TYPE;
      const V = l.invType ?? DEFAULT_SOFTMAX_INV_TYPE;
      const B = l.invTableBits ?? DEFAULT_SOFTMAX_INV_BITS;
      const expT = softmaxExpTable(Xt, E, `layer ${l.name}`);
      const invT = softmaxInvTable(E, V, C, B);
      const { shift: d } = softmaxSumGeometry(E, C, B);
      for (let o = 0; o < n / C; o++) {
        const slice = x.slice(o * C, o * C + C);
        let m = slice[0]!;
        for (const v of slice) if (v > m) m = v;
        const e = slice.map((v) => expT[Number(m - v)]!);
        let S = 0n;
        for (const v of e) S += v;
        const idx = d >= 0 ? S >> BigInt(d) : S << BigInt(-d);
        const inv: Fx = { raw: invT[Number(idx)]!, type: V };
        for (const v of e) out.push(fxCast(fxMul({ raw: v, type: E }, inv), R(0)).raw);
      }
      return out;
    }
  }
}

/** Tables are indexed by one input type: per-channel input types are refused. */
function tableInputType(l: Layer, X: TensorInfo): FixedType {
  if (!X.types.every((t) => t.equals(X.types[0]!))) {
    throw new ModelUsageError(`layer ${l.name}: a table-based layer needs a per-tensor input type (insert a Quant layer)`);
  }
  return X.types[0]!;
}

/** For a pooling layer: output position -> the spatial indices (flat over the spatial axes) of its window. */
function poolWindows(l: Layer, inShape: readonly number[]): (pos: number) => number[] {
  const spatial = inShape.slice(0, -1);
  if (l.kind === 'GlobalMaxPool' || l.kind === 'GlobalAveragePool') {
    const all = Array.from({ length: spatial.reduce((p, d) => p * d, 1) }, (_, i) => i);
    return () => all;
  }
  if (l.kind === 'MaxPool1D' || l.kind === 'AvgPool1D') {
    const pad = l.kind === 'MaxPool1D' ? l.padding : 'valid';
    const { padBefore } = axisWindow(spatial[0]!, l.poolSize, l.stride, pad);
    return (pos) => {
      const r: number[] = [];
      for (let k = 0; k < l.poolSize; k++) {
        const t = pos * l.stride + k - padBefore;
        if (t >= 0 && t < spatial[0]!) r.push(t);
      }
      return r;
    };
  }
  if (l.kind === 'MaxPool2D' || l.kind === 'AvgPool2D') {
    const pad = l.kind === 'MaxPool2D' ? l.padding : 'valid';
    const [H, W] = spatial as [number, number];
    const ph = axisWindow(H, l.poolSize[0], l.strides[0], pad);
    const pw = axisWindow(W, l.poolSize[1], l.strides[1], pad);
    return (pos) => {
      const oh = Math.floor(pos / pw.out);
      const ow = pos % pw.out;
      const r: number[] = [];
      for (let a = 0; a < l.poolSize[0]; a++) {
        for (let b = 0; b < l.poolSize[1]; b++) {
          const h = oh * l.strides[0] + a - ph.padBefore;
          const w = ow * l.strides[1] + b - pw.padBefore;
          if (h >= 0 && h < H && w >= 0 && w < W) r.push(h * W + w);
        }
      }
      return r;
    };
  }
  throw new Error(`not a pool: ${l.kind}`);
}
