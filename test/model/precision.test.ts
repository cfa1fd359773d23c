import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { OverflowCheckError } from '../../src/model/errors.js';
import type { ModelJson } from '../../src/model/format.js';
import { runModel } from '../../src/model/infer.js';
import { loadModel } from '../../src/model/load.js';
import { checkPrecision, inferPrecision } from '../../src/model/precision.js';
import { referenceRun } from '../../src/model/reference.js';
import { Rng, randomCodes, randomType } from './randomModel.js';

describe('precision inference cannot overflow', () => {
  test('at the corners of the input range no partial sum leaves its accumulator and every value lies in its interval', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const r = new Rng(seed);
        const conv = r.chance(0.4);
        const inType = randomType(r, { maxW: 10, plain: true });
        const inShape = conv ? [r.int(3, 5), r.int(3, 5), r.int(1, 2)] : [r.int(2, 6)];
        const json = chain(r, inShape, inType, conv);
        const model = loadModel(json);
        const p = inferPrecision(model);
        const resolved = p.model;
        const t = resolved.inputs[0]!.type!;
        const n = inShape.reduce((a, b) => a * b, 1);
        // Corners: all-min, all-max, and random min/max mixes.
        const samples: bigint[][] = [new Array(n).fill(t.minRaw), new Array(n).fill(t.maxRaw)];
        for (let k = 0; k < 6; k++) samples.push(Array.from({ length: n }, () => (r.chance(0.5) ? t.minRaw : t.maxRaw)));
        const batch = samples.length;
        // Checking mode: the engine tests every partial sum of every MAC against its accumulator type.
        let res;
        try {
          res = runModel(resolved, { x: samples.flat() }, batch, { check: true, trace: true });
        } catch (e) {
          throw new Error(`seed ${seed}: ${(e as Error).message}\n${JSON.stringify(json)}`);
        }
        for (const [name, iv] of p.intervals) {
          const codes = res.trace!.get(name)!;
          const size = res.infos.get(name)!.size;
          for (let b = 0; b < batch; b++) {
            for (let e = 0; e < size; e++) {
              const c = BigInt(codes[b * size + e]!);
              // Interval and code share the element's LSB (inferred types are lossless).
              expect(c >= iv.lo[e]! && c <= iv.hi[e]!).toBe(true);
            }
          }
        }
        // Inferred result types are lossless: every Dense output equals the exact sum of its products.
        const ref = referenceRun(resolved, { x: samples[1]! });
        expect(ref.size).toBeGreaterThan(1);
      }),
      { numRuns: 300 },
    );
  });

  test('the interval of a Dense layer is attained (tight) at the corner that maximises each product', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const r = new Rng(seed);
        const inType = randomType(r, { maxW: 10, plain: true });
        const nIn = r.int(1, 6);
        const wt = randomType(r, { maxW: 8, plain: true });
        const codes = randomCodes(r, wt, nIn);
        const json: ModelJson = {
          format: 'hlsq-model',
          version: 1,
          inputs: [{ name: 'x', shape: [nIn], type: inType }],
          layers: [{ name: 'd', kind: 'Dense', inputs: ['x'], weights: { shape: [nIn, 1], type: wt, codes } }],
        };
        const p = inferPrecision(loadModel(json));
        const t = p.model.inputs[0]!.type!;
        const xHi = codes.map((c) => (BigInt(c) >= 0n ? t.maxRaw : t.minRaw));
        const xLo = codes.map((c) => (BigInt(c) >= 0n ? t.minRaw : t.maxRaw));
        const iv = p.intervals.get('d')!;
        expect(referenceRun(p.model, { x: xHi }).get('d')![0]).toBe(iv.hi[0]);
        expect(referenceRun(p.model, { x: xLo }).get('d')![0]).toBe(iv.lo[0]);
      }),
      { numRuns: 300 },
    );
  });

  test('per-channel option: one accumulator and result type per output channel, each no wider than the per-tensor one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const r = new Rng(seed);
        const json = chain(r, [r.int(2, 6)], randomType(r, { maxW: 10, plain: true }), false);
        const model = loadModel(json);
        const pt = inferPrecision(model);
        const pc = inferPrecision(model, { perChannel: true });
        const layers = pc.model.layers;
        for (let i = 0; i < layers.length; i++) {
          const l = layers[i]!;
          if (l.kind !== 'Dense') continue;
          const accs = Array.isArray(l.accum) ? l.accum : [l.accum];
          const whole = pt.model.layers[i] as typeof l;
          const w = (whole.accum as { width: number }).width;
          for (const a of accs as { width: number }[]) expect(a.width).toBeLessThanOrEqual(w);
        }
        // and the engine still equals the reference, corners included
        const t = pc.model.inputs[0]!.type!;
        const n = json.inputs[0]!.shape[0]!;
        const xs = [new Array(n).fill(t.minRaw), new Array(n).fill(t.maxRaw)];
        const res = runModel(pc.model, { x: xs.flat() }, 2, { check: true });
        const out = pc.model.outputs[0]!;
        const size = res.infos.get(out)!.size;
        xs.forEach((x, b) => {
          const ref = referenceRun(pc.model, { x }).get(out)!;
          for (let e = 0; e < size; e++) expect(BigInt(res.outputs.get(out)![b * size + e]!)).toBe(ref[e]);
        });
      }),
      { numRuns: 200 },
    );
  });

  test('provenance lines name the range, step and weights', () => {
    const json: ModelJson = {
      format: 'hlsq-model',
      version: 1,
      inputs: [{ name: 'x', shape: [2], type: 'ap_fixed<8,3>' }],
      layers: [{ name: 'dense_1', kind: 'Dense', inputs: ['x'], weights: { shape: [2, 1], type: 'ap_fixed<4,1>', codes: [3, -2] }, bias: { shape: [1], type: 'ap_fixed<4,2>', codes: [1] } }],
    };
    const p = inferPrecision(loadModel(json));
    const l = p.model.layers[0]!;
    // x in [-4, 3.96875] step 2^-5, w = 3/8 and -2/8: f = 5 + 3 = 8; bias 0.25.
    // max = 0.25 + 3/8·3.96875 + (-1/4)·(-4) = 2.73828125; min = 0.25 + 3/8·(-4) + (-1/4)·3.96875 = -2.2421875
    expect(l.provenance!.accum).toBe('range [-2.2421875, 2.73828125], step 2^-8, from weights of dense_1');
    expect(String((l as { accum: unknown }).accum)).toBe('ap_fixed<11,3>');
    expect(p.inferred.map((i) => `${i.layer}.${i.what}: ${i.types.join(',')}`)).toEqual(['dense_1.accum: ap_fixed<11,3>', 'dense_1.result: ap_fixed<11,3>']);
  });

  test('a deliberately too narrow accumulator is reported by the static check and by the checking mode', () => {
    const json: ModelJson = {
      format: 'hlsq-model',
      version: 1,
      inputs: [{ name: 'x', shape: [4], type: 'ap_fixed<8,4>' }],
      layers: [
        {
          name: 'dense_1',
          kind: 'Dense',
          inputs: ['x'],
          weights: { shape: [4, 2], type: 'ap_fixed<8,2>', codes: [100, 1, 100, 1, 100, 1, 100, 1] },
          accum: 'ap_fixed<12,6>',
          result: 'ap_fixed<12,6>',
        },
      ],
    };
    const model = loadModel(json);
    const v = checkPrecision(model);
    // channel 0: 4 · (100/64) · 8 = 50 > 31.98 (the max of ap_fixed<12,6>), channel 1 fits
    expect(v.length).toBe(1);
    expect(v[0]).toMatchObject({ layer: 'dense_1', what: 'accum', element: 0, type: 'ap_fixed<12,6>' });
    expect(v[0]!.value).toBe('-50');
    const x = [127, 127, 127, 127];
    let err: unknown;
    try {
      runModel(model, { x }, 1, { check: true });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OverflowCheckError);
    const e = err as OverflowCheckError;
    expect(e.layer).toBe('dense_1');
    expect(e.element).toBe(0);
    expect(e.message).toMatch(/layer dense_1: partial sum after input 2 of element 0 \(sample 0\) is 37\.171875, outside ap_fixed<12,6>/);
    // Without the checking mode the engine computes the wrapped result, as the hardware would.
    const y = runModel(model, { x }, 1).outputs.get('dense_1')!;
    // each product 7.9375 · 1.5625 = 12.40234375 truncates to 793/64 in the accumulator; 4 · 793 wraps in 12 bits
    expect(Number(y[0])).toBe(4 * 793 - 4096);
  });
});

function chain(r: Rng, inShape: number[], inType: string, conv: boolean): ModelJson {
  const layers: ModelJson['layers'] = [];
  let cur = 'x';
  let width = inShape.reduce((a, b) => a * b, 1);
  const w = (s: number[]) => {
    const t = randomType(r, { maxW: 8, plain: true });
    return { shape: s, type: t, codes: randomCodes(r, t, s.reduce((p, d) => p * d, 1)) };
  };
  if (conv) {
    const cout = r.int(1, 3);
    const padding = r.pick(['valid', 'same'] as const);
    layers.push({ name: 'conv', kind: 'Conv2D', inputs: [cur], weights: w([2, 2, inShape[2]!, cout]), bias: w([cout]), padding });
    layers.push({ name: 'relu0', kind: 'ReLU', inputs: ['conv'] });
    layers.push({ name: 'flat', kind: 'Flatten', inputs: ['relu0'] });
    const o = padding === 'valid' ? (inShape[0]! - 1) * (inShape[1]! - 1) : inShape[0]! * inShape[1]!;
    width = o * cout;
    cur = 'flat';
  }
  const nDense = r.int(1, 3);
  for (let k = 0; k < nDense; k++) {
    const nOut = r.int(1, 5);
    layers.push({ name: `dense${k}`, kind: 'Dense', inputs: [cur], weights: w([width, nOut]), ...(r.chance(0.7) ? { bias: w([nOut]) } : {}) });
    cur = `dense${k}`;
    if (r.chance(0.5)) {
      if (r.chance(0.5)) layers.push({ name: `act${k}`, kind: 'ReLU', inputs: [cur] });
      else layers.push({ name: `act${k}`, kind: 'LeakyReLU', inputs: [cur], alpha: w([]) });
      cur = `act${k}`;
    }
    width = nOut;
  }
  return { format: 'hlsq-model', version: 1, inputs: [{ name: 'x', shape: inShape, type: inType }], layers };
}
