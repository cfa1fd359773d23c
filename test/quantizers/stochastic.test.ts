import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { SeedGenerator, getFixedQuantizer, stochasticFloor } from '../../src/quantizers/index.js';

describe('seeded generator', () => {
  test('reproducible with the same seed, different with another', () => {
    const a = new SeedGenerator(42), b = new SeedGenerator(42), c = new SeedGenerator(43);
    const xa = Array.from({ length: 8 }, () => a.uniform());
    expect(Array.from({ length: 8 }, () => b.uniform())).toEqual(xa);
    expect(Array.from({ length: 8 }, () => c.uniform())).not.toEqual(xa);
    expect(xa.every((u) => u >= 0 && u < 1)).toBe(true);
    expect(() => new SeedGenerator(1.5)).toThrow(/seed/);
  });
  test('uniform: mean and variance within 6 sigma', () => {
    const g = new SeedGenerator(7);
    const N = 100_000;
    let s = 0, s2 = 0;
    for (let j = 0; j < N; j++) {
      const u = g.uniform();
      s += u;
      s2 += u * u;
    }
    expect(Math.abs(s / N - 0.5)).toBeLessThan(6 * Math.sqrt(1 / 12 / N));
    expect(Math.abs(s2 / N - 1 / 3)).toBeLessThan(6 * Math.sqrt((1 / 5 - 1 / 9) / N));
  });
});

describe('stochastic rounding floor(s + u)', () => {
  test('always one of the two neighbours; integers unchanged', () => {
    const g = new SeedGenerator(1);
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), (s) => {
        const r = stochasticFloor(s, g);
        if (Number.isInteger(s)) expect(r).toBe(s);
        else expect(r === Math.floor(s) || r === Math.floor(s) + 1).toBe(true);
      }),
    );
  });
  test('unbiased: E[floor(s + u)] = s within 6 sigma (also for -1 < s < 0 and tiny fractions)', () => {
    const g = new SeedGenerator(2026);
    const N = 40_000;
    for (const s of [0.3, -0.3, 2.75, -2.75, -0.5 + 2 ** -40, 0.5, 1e-3, -1e-3, 1234.0625, -7.9]) {
      let sum = 0;
      for (let j = 0; j < N; j++) sum += stochasticFloor(s, g);
      const d = s - Math.floor(s);
      const sigma = Math.sqrt((d * (1 - d)) / N);
      expect(Math.abs(sum / N - s)).toBeLessThanOrEqual(6 * sigma + 1e-12);
    }
  });
  test('property: unbiased for random s (fixed seed, 6 sigma)', () => {
    fc.assert(
      fc.property(fc.double({ min: -100, max: 100, noNaN: true }), fc.integer(), (s, seed) => {
        const g = new SeedGenerator(seed);
        const N = 4000;
        let sum = 0;
        for (let j = 0; j < N; j++) sum += stochasticFloor(s, g);
        const d = s - Math.floor(s);
        expect(Math.abs(sum / N - s)).toBeLessThanOrEqual(6 * Math.sqrt((d * (1 - d)) / N) + 1e-9);
      }),
      { numRuns: 50, seed: 12345 },
    );
  });
});

describe('S_RND / S_RND_CONV in the quantizer', () => {
  test('training with a generator: stochastic, reproducible, on the grid, unbiased; inference deterministic', () => {
    const q = getFixedQuantizer('S_RND_CONV', 'SAT');
    expect(q.stochastic).toBe(true);
    const x = new Float64Array(20_000).fill(0.3);
    const a = q(x, 1, 3, 2, true, new SeedGenerator(9)) as Float64Array;
    const b = q(x, 1, 3, 2, true, new SeedGenerator(9)) as Float64Array;
    expect(a).toEqual(b);
    expect(a.every((v) => v === 0.25 || v === 0.5)).toBe(true);
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    // each sample is 0.25 + 0.25·Bernoulli(0.2)
    expect(Math.abs(mean - 0.3)).toBeLessThan(6 * 0.25 * Math.sqrt(0.2 * 0.8 / a.length));
    // without a generator, and in inference, S_ modes are the deterministic RND_CONV
    expect(q(0.3, 1, 3, 2, true)).toBe(0.25);
    expect(q(0.3, 1, 3, 2, false, new SeedGenerator(9))).toBe(0.25);
    // SAT still bounds the stochastic result
    expect(q(100, 1, 3, 2, true, new SeedGenerator(1))).toBe(8 - 0.25);
  });
  test('round() method: stochastic only with a generator', () => {
    const q = getFixedQuantizer('S_RND', 'WRAP');
    expect(() => q.round(0.3, 2, true)).toThrow(/seedGen/);
    const r = q.round(new Float64Array(10).fill(0.3), 2, true, new SeedGenerator(3)) as Float64Array;
    expect(r.every((v) => v === 0.25 || v === 0.5)).toBe(true);
  });
});

describe('{ stochastic: { seed } } option', () => {
  test('same seed, same training results; inference unchanged; rejected without S_ or with compat', () => {
    const a = getFixedQuantizer('S_RND', 'SAT', { stochastic: { seed: 5 } });
    const b = getFixedQuantizer('S_RND', 'SAT', { stochastic: { seed: 5 } });
    const x = new Float64Array(1000).fill(0.1);
    const ya = a(x, 1, 3, 2, true) as Float64Array;
    expect(ya).toEqual(b(x, 1, 3, 2, true));
    expect(new Set(ya).size).toBe(2);
    expect(a(0.1, 1, 3, 2)).toBe(0);
    expect(() => getFixedQuantizer('RND', 'SAT', { stochastic: { seed: 1 } })).toThrow(/S_ rounding/);
    expect(() => getFixedQuantizer('S_RND', 'SAT', { compat: 'quantizers', stochastic: { seed: 1 } })).toThrow(/compat/);
  });
});
