import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { loadModel } from '../../src/model/load.js';
import { ModelUsageError } from '../../src/model/errors.js';
import { compileModel, runModel } from '../../src/model/infer.js';
import { referenceRun } from '../../src/model/reference.js';
import { randomInputs, randomModel, Rng } from './randomModel.js';

function compareOnSeed(seed: number, opts: { wide?: boolean; tables?: boolean }, batch = 3) {
  const r = new Rng(seed);
  const json = randomModel(r, opts);
  const model = loadModel(json);
  const inputs = randomInputs(r, json, batch);
  const compiled = compileModel(model);
  const res = runModel(compiled, inputs, batch, { trace: true });
  const size = (name: string) => res.infos.get(name)!.size;
  for (let b = 0; b < batch; b++) {
    const one: Record<string, bigint[]> = {};
    for (const [k, v] of Object.entries(inputs)) one[k] = v.slice(b * size(k), (b + 1) * size(k));
    const ref = referenceRun(model, one);
    for (const [name, codes] of ref) {
      const got = res.trace!.get(name)!;
      const n = size(name);
      for (let e = 0; e < n; e++) {
        const g = got[b * n + e]!;
        if (BigInt(g) !== codes[e]) {
          throw new Error(`seed ${seed}: tensor ${name} sample ${b} element ${e}: engine ${g}, reference ${codes[e]}\n${JSON.stringify(json)}`);
        }
      }
    }
  }
  return compiled;
}

describe('engine == reference on random models', () => {
  test('thousands of random small models (narrow types, every mode, per-channel types)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => void compareOnSeed(seed, {})), { numRuns: 1500 });
  });

  test('wide accumulators and types beyond 53 bits (BigInt path) agree too', () => {
    let bigChannels = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const c = compareOnSeed(seed, { wide: true });
        for (const v of c.fastChannels.values()) bigChannels += v.total - v.fast;
      }),
      { numRuns: 500 },
    );
    // The generator really reaches the BigInt path.
    expect(bigChannels).toBeGreaterThan(50);
  });

  test('batches of 1 to 13 samples agree (the Dense kernel works on blocks of four rows plus a tail)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 13 }), (seed, batch) => void compareOnSeed(seed, {}, batch)),
      { numRuns: 400 },
    );
  });

  test('table layers (Sigmoid, Tanh, Softmax) agree', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => void compareOnSeed(seed, { tables: true })), { numRuns: 300 });
  });

  test('the number path is really used for ordinary models', () => {
    let fast = 0;
    for (let seed = 1; seed < 200; seed++) {
      const c = compareOnSeed(seed, {});
      for (const v of c.fastChannels.values()) fast += v.fast;
    }
    expect(fast).toBeGreaterThan(40);
  });

  test('Float64Array input codes give the same outputs as BigInt codes', () => {
    let typed = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 9 }), (seed, batch) => {
        const r = new Rng(seed);
        const json = randomModel(r, {});
        const model = loadModel(json);
        const inputs = randomInputs(r, json, batch);
        const compiled = compileModel(model);
        const asNumbers: Record<string, Float64Array> = {};
        for (const [k, v] of Object.entries(inputs)) asNumbers[k] = Float64Array.from(v, Number);
        const want = runModel(compiled, inputs, batch, { trace: true }).trace!;
        const got = runModel(compiled, asNumbers, batch, { trace: true }).trace!;
        for (const [name, codes] of want) {
          const g = got.get(name)!;
          for (let i = 0; i < codes.length; i++) expect(BigInt(g[i]!)).toBe(BigInt(codes[i]!));
        }
        // Without a trace the codes are read in place (and left as they were).
        const before = Object.fromEntries(Object.entries(asNumbers).map(([k, v]) => [k, Float64Array.from(v)]));
        const outs = runModel(compiled, asNumbers, batch, { chunk: 1 + (seed % 5) }).outputs;
        for (const [name, g] of outs) {
          const codes = want.get(name)!;
          for (let i = 0; i < codes.length; i++) expect(BigInt(g[i]!)).toBe(BigInt(codes[i]!));
        }
        for (const [k, v] of Object.entries(asNumbers)) expect(v).toEqual(before[k]);
        typed++;
      }),
      { numRuns: 200 },
    );
    expect(typed).toBe(200);
  });

  test('input codes that are not integers of the input type are refused, naming the element', () => {
    const model = loadModel({
      format: 'hlsq-model',
      version: 1,
      name: 'q',
      inputs: [{ name: 'x', shape: [2], type: 'ap_fixed<8,3>' }],
      layers: [{ name: 'y', kind: 'Quant', inputs: ['x'], shape: [2], result: 'ap_fixed<6,3,AP_RND,AP_SAT>' }],
      outputs: ['y'],
    } as Parameters<typeof loadModel>[0]);
    for (const bad of [127.5, 128, -129, NaN, Infinity]) {
      for (const make of [(a: number[]) => Float64Array.from(a), (a: number[]) => a]) {
        const x = make([5, -128, 127, 0, bad, 1]);
        expect(() => runModel(model, { x }, 3)).toThrow(ModelUsageError);
        expect(() => runModel(model, { x }, 3)).toThrow(`input x[4]: ${bad} is not a code of`);
      }
    }
    // 5/32 -> 1/8 (1.25 LSBs rounds to 1), -4 stays, 127/32 rounds to 4 and saturates to 31/8.
    const y = runModel(model, { x: Float64Array.from([5, -128, 127, 0, -0, 1]) }, 3).outputs.get('y') as Float64Array;
    expect(Array.from(y, (v) => BigInt(v))).toEqual([1n, -32n, 31n, 0n, 0n, 0n]);
  });
});
