import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { FixedType, OVERFLOW_MODES, QUANT_MODES } from '../../src/emulator/types.js';
import { castRaw } from '../../src/emulator/value.js';
import { numberCast, numberCastArray, wrapNumber } from '../../src/model/fastcast.js';

const arbType = (maxW: number) =>
  fc
    .record({
      w: fc.integer({ min: 1, max: maxW }),
      i: fc.integer({ min: -8, max: 60 }),
      signed: fc.boolean(),
      q: fc.constantFrom(...QUANT_MODES),
      o: fc.constantFrom(...OVERFLOW_MODES),
      n: fc.integer({ min: 0, max: 3 }),
    })
    .map(({ w, i, signed, q, o, n }) => {
      const O = !signed && o === 'AP_WRAP_SM' ? 'AP_SAT' : o;
      return new FixedType(w, Math.min(i, w + 8), signed, q, O, Math.min(n, w));
    });

/** Codes of a type, biased toward the ends of the range and small values. */
const arbCode = (t: FixedType) =>
  fc.oneof(
    fc.bigInt({ min: t.minRaw, max: t.maxRaw }),
    fc.constantFrom(t.minRaw, t.maxRaw, 0n, t.minRaw + 1n < t.maxRaw ? t.minRaw + 1n : t.minRaw, t.maxRaw - 1n > t.minRaw ? t.maxRaw - 1n : t.maxRaw),
  );

describe('number conversions equal castRaw', () => {
  test('every Q/O mode, where the number path is offered', () => {
    let offered = 0;
    fc.assert(
      fc.property(
        arbType(53).chain((src) => fc.tuple(fc.constant(src), arbType(53), arbCode(src))),
        ([src, dst, code]) => {
          const f = numberCast(src, dst);
          if (!f) return;
          offered++;
          expect(BigInt(f(Number(code)))).toBe(castRaw(code, src, dst));
        },
      ),
      { numRuns: 20000 },
    );
    expect(offered).toBeGreaterThan(5000);
  });

  test('wrapNumber equals BigInt.asIntN / asUintN for exact integers below 2^53', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 53 }), fc.boolean(), fc.bigInt({ min: -(2n ** 53n) + 1n, max: 2n ** 53n - 1n }), (W, signed, v) => {
        const want = signed ? BigInt.asIntN(W, v) : BigInt.asUintN(W, v);
        expect(BigInt(wrapNumber(Number(v), W, signed))).toBe(want);
      }),
      { numRuns: 20000 },
    );
    // The boundaries themselves.
    for (const W of [1, 2, 8, 52, 53]) {
      for (const v of [2n ** BigInt(W - 1), -(2n ** BigInt(W - 1)), 2n ** BigInt(W - 1) - 1n, -(2n ** BigInt(W - 1)) - 1n]) {
        if (v >= 2n ** 53n || v <= -(2n ** 53n)) continue;
        expect(BigInt(wrapNumber(Number(v), W, true))).toBe(BigInt.asIntN(W, v));
        expect(BigInt(wrapNumber(Number(v), W, false))).toBe(BigInt.asUintN(W, v));
      }
    }
  });
});

/**
 * Values an array kernel meets, biased toward what its loops treat specially: exact ties and their
 * neighbours at the dropped-bit position d, the clamp and range edges of dst (scaled back to src), the
 * ends of src, zero and small negatives (ReLU), and, for wrapped sources, sums beyond src's range.
 */
function arbKernelValue(src: FixedType, dst: FixedType, wrapped: boolean): fc.Arbitrary<bigint> {
  const d = src.fracBits - dst.fracBits;
  const unit = d > 0 ? 1n << BigInt(d) : 1n;
  const shiftUp = (code: bigint) => (d >= 0 ? code << BigInt(d) : code >> BigInt(-d));
  const lo = wrapped ? -(2n ** 53n) + 1n : src.minRaw;
  const hi = wrapped ? 2n ** 53n - 1n : src.maxRaw;
  const clip = (v: bigint) => (v < lo ? lo : v > hi ? hi : v);
  const edges = [dst.minRaw, dst.maxRaw, dst.minRaw - 1n, dst.maxRaw + 1n, -dst.maxRaw, 0n, 1n, -1n].map(shiftUp);
  return fc
    .oneof(
      { weight: 3, arbitrary: fc.bigInt({ min: src.minRaw, max: src.maxRaw }) },
      // a tie: k + 1/2 destination LSBs, and its neighbours
      {
        weight: 3,
        arbitrary: fc
          .tuple(fc.bigInt({ min: src.minRaw / unit - 1n, max: src.maxRaw / unit + 1n }), fc.constantFrom(-1n, 0n, 1n))
          .map(([k, e]) => k * unit + (d > 0 ? unit / 2n : 0n) + e),
      },
      { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...edges), fc.integer({ min: -2, max: 2 })).map(([c, e]) => c + BigInt(e)) },
      { weight: 1, arbitrary: fc.constantFrom(src.minRaw, src.maxRaw, src.minRaw + 1n, src.maxRaw - 1n) },
      { weight: wrapped ? 2 : 0, arbitrary: fc.bigInt({ min: lo, max: hi }) },
      { weight: wrapped ? 1 : 0, arbitrary: fc.tuple(fc.constantFrom(src.minRaw, src.maxRaw), fc.bigInt({ min: -3n, max: 3n }), fc.integer({ min: 0, max: 6 })).map(([c, e, k]) => c + e + BigInt(k) * (src.maxRaw - src.minRaw + 1n)) },
    )
    .map(clip);
}

describe('array conversions equal the scalar ones', () => {
  const arbCase = fc
    .record({ src: arbType(53), dst: arbType(53), relu: fc.boolean(), wrapSource: fc.boolean(), step: fc.integer({ min: 1, max: 3 }), from: fc.integer({ min: 0, max: 2 }) })
    .chain((c) => fc.record({ c: fc.constant(c), values: fc.array(arbKernelValue(c.src, c.dst, c.wrapSource), { minLength: 1, maxLength: 40 }) }));

  test('numberCastArray == wrap (when asked), ReLU (when asked), then numberCast == castRaw, element for element', () => {
    let offered = 0;
    let loops = 0;
    fc.assert(
      fc.property(arbCase, ({ c, values }) => {
        const { src, dst, relu, wrapSource, step, from } = c;
        const k = numberCastArray(src, dst, { relu, wrapSource });
        const scalar = numberCast(src, dst);
        // Offered exactly where the scalar conversion is (for number codes).
        expect(k !== undefined).toBe(scalar !== undefined && src.width <= 53);
        if (!k) return;
        offered++;
        const x = Float64Array.from(values, Number);
        const y = new Float64Array(x.length).fill(-7.5); // not a code: untouched elements stay visible
        k(x, y, from, x.length, step);
        for (let i = 0; i < x.length; i++) {
          if (i < from || (i - from) % step !== 0) {
            expect(y[i]).toBe(-7.5);
            continue;
          }
          let v = values[i]!;
          if (wrapSource) v = src.signed ? BigInt.asIntN(src.width, v) : BigInt.asUintN(src.width, v);
          const want = relu && v <= 0n ? 0n : castRaw(v, src, dst);
          expect(Number.isInteger(y[i])).toBe(true);
          expect(BigInt(y[i]!)).toBe(want);
        }
        // In place (x === y) gives the same codes.
        const z = Float64Array.from(x);
        k(z, z, from, z.length, step);
        for (let i = from; i < x.length; i += step) expect(z[i]).toBe(y[i]);
        if (src.width <= 40) loops++;
      }),
      { numRuns: 6000 },
    );
    expect(offered).toBeGreaterThan(1500);
    expect(loops).toBeGreaterThan(500);
  });

  test('every quantization and saturation mode at ties and range edges, ReLU and wrapped sums (directed)', () => {
    // Source with 4 more fraction bits than the destination: ties are code ≡ 8 (mod 16).
    for (const q of QUANT_MODES) {
      for (const o of ['AP_WRAP', 'AP_SAT', 'AP_SAT_SYM', 'AP_SAT_ZERO'] as const) {
        for (const signed of [true, false]) {
          const src = new FixedType(14, 6, true);
          const dst = new FixedType(6, 2, signed, q, o);
          const codes: bigint[] = [];
          for (let v = -8192n; v <= 8191n; v += 8n) codes.push(v, v + 1n, v - 1n);
          codes.push(src.minRaw, src.maxRaw, 2n ** 20n + 8n, -(2n ** 20n) - 8n);
          for (const relu of [false, true]) {
            for (const wrapSource of [false, true]) {
              const k = numberCastArray(src, dst, { relu, wrapSource })!;
              const x = Float64Array.from(codes.filter((c) => wrapSource || (c >= src.minRaw && c <= src.maxRaw)), Number);
              const y = new Float64Array(x.length);
              k(x, y, 0, x.length, 1);
              x.forEach((xv, i) => {
                const v = wrapSource ? BigInt.asIntN(14, BigInt(xv)) : BigInt(xv);
                const want = relu && v <= 0n ? 0n : castRaw(v, src, dst);
                if (BigInt(y[i]!) !== want) throw new Error(`${src} -> ${dst} relu=${relu} wrap=${wrapSource}: ${xv} gave ${y[i]}, want ${want}`);
              });
            }
          }
        }
      }
    }
  });
});
