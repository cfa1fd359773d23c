import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  binaryQuantizeVjp,
  floatQuantizeVjp,
  getFixedQuantizer,
  ternaryQuantizeVjp,
  BinaryQ,
  FixedQ,
  MinifloatQ,
  TernaryQ,
  get_fixed_quantizer_np,
  float_quantize_np,
  fixedQuantize,
  floatQuantizeNp,
  compatFixed,
} from '../../src/quantizers/index.js';

const LN2 = Math.LN2;
const fd = (g: (t: number) => number, t: number, h = 1e-6) => (g(t + h) - g(t - h)) / (2 * h);
const close = (a: number, b: number, tol = 1e-6) => expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));

describe('fixed-point VJP closed forms (spec §9.2)', () => {
  test('SAT: inside, above, below', () => {
    const q = getFixedQuantizer('RND', 'SAT');
    const r = q.vjp([0.3, 100, -100], 1, 2, 3, 2);
    const hi = 4 - 1 / 8;
    expect(Array.from(r.y)).toEqual([0.25, hi, -4]);
    expect(Array.from(r.dx)).toEqual([2, 0, 0]);
    close(r.df[0]!, 2 * LN2 * (0.3 - 0.25));
    close(r.df[1]!, 2 * LN2 / 8);
    expect(r.df[2]).toBe(0);
    expect(Array.from(r.di)).toEqual([0, 2 * LN2 * 4, -2 * LN2 * 4]);
    expect(Array.from(r.dk)).toEqual([0, 0, -2 * 4]);
  });
  test('SAT_SYM bottom bound; i < -f passes the gradient to i through the clamp', () => {
    const r = getFixedQuantizer('TRN', 'SAT_SYM').vjp(-100, 1, 2, 3, 1);
    close(r.df[0]!, -LN2 / 8);
    close(r.di[0]!, -LN2 * 4);
    expect(r.dk[0]).toBe(-(4 - 1 / 8));
    const c = getFixedQuantizer('TRN', 'SAT').vjp(100, 1, -5, 2, 1); // i' = -2
    close(c.di[0]!, LN2 * 2 ** -2);
  });
  test('WRAP: training skips the wrap and has zero integer-bit gradient', () => {
    const q = getFixedQuantizer('TRN', 'WRAP');
    const t = q.vjp(9.3, 1, 2, 1, 1, true);
    expect(t.y[0]).toBe(9);
    expect(q(9.3, 1, 2, 1, true)).toBe(9);
    expect([t.dx[0], t.di[0], t.dk[0]]).toEqual([1, 0, 0]);
    close(t.df[0]!, LN2 * 0.3);
    const inf = q.vjp(9.3, 1, 2, 1, 1, false);
    expect(inf.y[0]).toBe(1);
    close(inf.di[0]!, -LN2 * 8 * 1); // floor((9 + 4) / 8) = 1
  });
  test('WRAP inference: di matches finite differences of the compat formula in i (non-integer i allowed there)', () => {
    const q = getFixedQuantizer('RND', 'WRAP', { compat: 'quantizers' });
    fc.assert(
      fc.property(fc.double({ min: -50, max: 50, noNaN: true }), fc.double({ min: 0.2, max: 4, noNaN: true }), (x, i) => {
        const y = (t: number) => compatFixed(x, 1, t, 3, 'RND', 'WRAP', false);
        const h = 1e-7;
        // only where the wrap count is constant around i (away from the discontinuities)
        if (Math.abs(y(i + h) - y(i - h)) > 1) return;
        const g = q.vjp(x, 1, i, 3, 1).di[0]!;
        close(fd(y, i, h), g, 1e-4);
      }),
      { numRuns: 300 },
    );
  });
  test('rounding term = derivative of the straight-through surrogate (sg(R(s)) + s - sg(s))·2^-f', () => {
    const q = getFixedQuantizer('RND_CONV', 'SAT');
    fc.assert(
      fc.property(fc.double({ min: -3.9, max: 3.9, noNaN: true }), fc.integer({ min: 0, max: 10 }), (x, f) => {
        const R0 = Math.round(x * 2 ** f); // fixed; its derivative is the straight-through 1
        const g = (t: number) => (R0 + x * 2 ** t - x * 2 ** f) * 2 ** -t;
        close(q.vjp(x, 1, 3, f, 1).df[0]!, fd(g, f), 1e-6); // i = 3: x is never clipped
      }),
    );
  });
  test('bound terms = derivatives of the bounds 2^i - 2^-f and -k·2^i', () => {
    fc.assert(
      fc.property(fc.integer({ min: -3, max: 6 }), fc.integer({ min: 0, max: 8 }), (i, f) => {
        if (i < -f) return; // the clamp i' = max(i, -f) passes its gradient to i unchanged (checked above)
        const top = getFixedQuantizer('TRN', 'SAT').vjp(1e9, 1, i, f, 1);
        close(top.di[0]!, fd((t) => 2 ** t - 2 ** -f, i));
        close(top.df[0]!, fd((t) => 2 ** i - 2 ** -t, f));
        const bot = getFixedQuantizer('TRN', 'SAT').vjp(-1e9, 1, i, f, 1);
        close(bot.di[0]!, fd((t) => -(2 ** t), i));
        close(bot.dk[0]!, fd((k) => -k * 2 ** i, 1));
      }),
    );
  });
  test('sign checks of §9.5 with L = sum |x - q|', () => {
    const g = (x: number, q: number) => -Math.sign(x - q); // dL/dq
    for (const [r, o] of [['RND', 'WRAP'], ['TRN', 'SAT'], ['RND_CONV', 'SAT_SYM'], ['RND', 'WRAP_SM']] as const) {
      const Q = getFixedQuantizer(r, o);
      const xs = Float64Array.from({ length: 2000 }, (_, j) => Math.sin(j * 12.9898) * 20);
      const training = o === 'WRAP';
      const y = Q(xs, 1, 3, 4, training) as Float64Array;
      const dy = Float64Array.from(xs, (x, j) => g(x, y[j]!));
      const v = Q.vjp(xs, 1, 3, 4, dy, training);
      let dLdf = 0, dLdi = 0;
      xs.forEach((x, j) => {
        const dLdx = Math.sign(x - y[j]!) + v.dx[j]!;
        if (o === 'WRAP') expect(dLdx).toBe(0);
        if (o === 'SAT' || o === 'SAT_SYM') {
          expect([-1, 0, 1]).toContain(dLdx);
          expect(v.df[j]!).toBeLessThanOrEqual(0);
          expect(v.di[j]!).toBeLessThanOrEqual(0);
          if (x !== y[j]) expect(v.df[j]! < 0 || v.di[j]! < 0).toBe(true);
        }
        if (o === 'WRAP_SM' && Math.abs(x) < 8 - 1 / 16) expect(v.df[j]!).toBeLessThanOrEqual(0);
        dLdf += v.df[j]!;
        dLdi += v.di[j]!;
      });
      expect(dLdf).toBeLessThan(0);
      if (o === 'WRAP') expect(dLdi).toBe(0);
      // training output = inference output for SAT / SAT_SYM
      if (o !== 'WRAP') expect(Q(xs, 1, 3, 4, true)).toEqual(Q(xs, 1, 3, 4, false));
    }
  });
  test('round / saturate compose to the quantizer (compat everywhere, exact on random data)', () => {
    for (const compat of [true, false]) {
      const opts = compat ? { compat: 'quantizers' as const } : {};
      for (const [r, o] of [['RND', 'SAT'], ['TRN', 'SAT_SYM'], ['RND_CONV', 'WRAP'], ['RND', 'WRAP_SM'], ['RND_CONV', 'WRAP_SM']] as const) {
        const Q = getFixedQuantizer(r, o, opts);
        fc.assert(
          fc.property(fc.double({ min: -40, max: 40, noNaN: true }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 6 }), (x, i, f) => {
            const sat = o === 'SAT' || o === 'SAT_SYM';
            const composed = sat ? Q.round(Q.saturate(x, 1, i, f), f) : Q.saturate(Q.round(x, f), 1, i, f, x);
            expect((composed as number) + 0).toBe((Q(x, 1, i, f) as number) + 0);
          }),
          { numRuns: 300 },
        );
      }
    }
  });
});

describe('minifloat VJP (spec §9.3)', () => {
  test('normal range: dx = dy, dm = ln2(x - q^), no exponent gradients', () => {
    const r = floatQuantizeVjp(1.3, 3, 4, 0, 1);
    expect(r.y[0]).toBe(1.25);
    expect(r.dx[0]).toBe(1);
    close(r.dm[0]!, LN2 * 0.05);
    expect([r.de[0], r.de0[0]]).toEqual([0, 0]);
  });
  test('overflow and subnormal regimes', () => {
    const o = floatQuantizeVjp(1000, 3, 4, 0, 1);
    const D = LN2 * (1000 - 240);
    expect(o.dm[0]).toBe(0);
    close(o.de[0]!, LN2 * 8 * D);
    close(o.de0[0]!, D);
    const s = floatQuantizeVjp(0.003, 3, 4, 0, 1); // below 2^-7
    const q = floatQuantizeNp(0.003, 3, 4, 0) as number;
    close(s.de0[0]!, -LN2 * (0.003 - q));
  });
  test('dm at a tie uses the half-to-even neighbour: x = 200, m = 3 rounds to 192', () => {
    const r = floatQuantizeVjp(200, 3, 5, 0, 1);
    expect(r.y[0]).toBe(192);
    close(r.dm[0]!, LN2 * (200 - 192));
  });
  test('dm = derivative of the straight-through surrogate in m', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 200, noNaN: true }), fc.integer({ min: 1, max: 8 }), (x, m) => {
        const r = floatQuantizeVjp(x, m, 5, 0, 1);
        let E = Math.floor(Math.log2(x));
        if (2 ** E > x) E--;
        if (2 ** (E + 1) <= x) E++;
        // the quantizer rounds half to even (Math.round would send a tie such as x = 200, m = 3 up)
        const s = x * 2 ** (m - E);
        let q0 = Math.round(s);
        if (q0 - s === 0.5 && q0 % 2 !== 0) q0 -= 1;
        const g = (t: number) => (q0 + x * 2 ** (t - E) - x * 2 ** (m - E)) * 2 ** (E - t);
        if (E >= -14 && E <= 15) close(r.dm[0]!, fd(g, m), 1e-6);
      }),
    );
  });
  test('sign checks of §9.5', () => {
    const xs = Float64Array.from({ length: 3000 }, (_, j) => Math.sin(j * 78.233) * 2 ** ((j % 40) - 20));
    for (const opts of [{}, { compat: 'quantizers' as const }]) {
      const y = floatQuantizeNp(xs, 3, 3, 0, opts) as Float64Array;
      const dy = Float64Array.from(xs, (x, j) => -Math.sign(x - y[j]!));
      const v = floatQuantizeVjp(xs, 3, 3, 0, dy, opts);
      expect(v.dm.reduce((a, b) => a + b, 0)).toBeLessThan(0);
      const sub = [...xs.keys()].filter((j) => Math.abs(xs[j]!) < 2 ** -2 && xs[j] !== y[j]);
      const ovf = [...xs.keys()].filter((j) => Math.abs(xs[j]!) > 16 && xs[j] !== y[j]);
      expect(sub.length).toBeGreaterThan(0);
      expect(ovf.length).toBeGreaterThan(0);
      expect(sub.reduce((a, j) => a + v.de[j]!, 0)).toBeLessThan(0);
      expect(sub.reduce((a, j) => a + v.de0[j]!, 0)).toBeGreaterThan(0);
      expect(ovf.reduce((a, j) => a + v.de[j]!, 0)).toBeLessThan(0);
      expect(ovf.reduce((a, j) => a + v.de0[j]!, 0)).toBeLessThan(0);
    }
  });
});

describe('binary / ternary (spec §5, §9.4)', () => {
  test('tables of §5 in both modes', () => {
    const xs = [0.7, 0.5, 0.2, 0, -0, -0.5, -0.7, NaN, Infinity, -Infinity];
    expect(Array.from(BinaryQ()(xs) as Float64Array)).toEqual([1, 1, 1, 1, 1, -1, -1, -1, 1, -1]);
    expect(Array.from(BinaryQ({ compat: 'quantizers' })(xs) as Float64Array)).toEqual([1, 1, 1, -1, -1, -1, -1, -1, 1, -1]);
    const t = Array.from(TernaryQ()(xs) as Float64Array).map((v) => v + 0);
    expect(t).toEqual([1, 0, 0, 0, 0, 0, -1, 0, 1, -1]);
    // ternary = ap_fixed<2,2,AP_RND_CONV,AP_SAT_SYM> on finite inputs
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect((TernaryQ()(x) as number) + 0).toBe((fixedQuantize(x, 1, 1, 0, { round: 'RND_CONV', overflow: 'SAT_SYM' }) as number) + 0);
      }),
    );
  });
  test('gradient dy(1 - tanh^2) = finite differences of tanh, positive', () => {
    fc.assert(
      fc.property(fc.double({ min: -5, max: 5, noNaN: true }), (x) => {
        const g = binaryQuantizeVjp(x, 1) as number;
        close(g, fd(Math.tanh, x), 1e-6);
        expect(g).toBeGreaterThan(0);
        expect(ternaryQuantizeVjp(x, 2)).toBe(2 * g);
      }),
    );
  });
});

describe('stateful wrappers and upstream names (spec §2.4)', () => {
  test('FixedQ: integer includes the sign bit, like ap_fixed<W,I>', () => {
    const q = FixedQ(8, 3, true, 'RND_CONV', 'SAT');
    expect([q.k, q.i, q.f]).toEqual([1, 2, 5]);
    expect(q(1.30)).toBe(fixedQuantize(1.3, 1, 2, 5, { round: 'RND_CONV', overflow: 'SAT' }));
    expect(q(100)).toBe(4 - 1 / 32);
    const u = FixedQ(8, 3, false);
    expect([u.k, u.i, u.f]).toEqual([0, 3, 5]);
    expect(u(-1)).toBe(8 - 1);
  });
  test('MinifloatQ: exponentBias is the offset e0', () => {
    const q = MinifloatQ(3, 4, 1);
    expect([q.m, q.e, q.e0]).toEqual([3, 4, 1]);
    expect(q(470)).toBe(480);
    expect(() => (MinifloatQ as unknown as (a: number) => unknown)(3)).toThrow(/exponent/);
  });
  test('snake_case aliases are the same functions', () => {
    expect(get_fixed_quantizer_np('RND', 'SAT')(1.3, 1, 2, 1)).toBe(1.5);
    expect(float_quantize_np(1.3, 3, 4)).toBe(1.25);
  });
});
