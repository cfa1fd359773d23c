import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { loadModel } from '../../src/model/load.js';
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
});
