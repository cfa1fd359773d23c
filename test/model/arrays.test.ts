import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { fixedFromDouble } from '../../src/emulator/convert.js';
import { FixedType, OVERFLOW_MODES, QUANT_MODES } from '../../src/emulator/types.js';
import { runArrays } from '../../src/model/arrays.js';
import { loadModel } from '../../src/model/load.js';
import type { NpyArray } from '../../src/model/npy.js';

/** A model that copies its input codes: a Quant into the input type itself. */
function identityModel(t: FixedType, n: number) {
  return loadModel({
    format: 'hlsq-model',
    version: 1,
    name: 'copy',
    inputs: [{ name: 'x', shape: [n], type: t.toString() }],
    layers: [{ name: 'y', kind: 'Quant', inputs: ['x'], shape: [n], result: t.toString() }],
    outputs: ['y'],
  } as Parameters<typeof loadModel>[0]);
}

const arbType = fc
  .record({
    w: fc.integer({ min: 1, max: 53 }),
    i: fc.integer({ min: -6, max: 60 }),
    signed: fc.boolean(),
    q: fc.constantFrom(...QUANT_MODES),
    o: fc.constantFrom(...OVERFLOW_MODES),
    n: fc.integer({ min: 0, max: 2 }),
  })
  .map(({ w, i, signed, q, o, n }) => new FixedType(w, Math.min(i, w + 6), signed, q, !signed && o === 'AP_WRAP_SM' ? 'AP_SAT' : o, Math.min(n, w)));

/** Reals around the type's grid: exact ties, range edges, tiny and huge values, ±0. */
const arbReal = (t: FixedType) =>
  fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.tuple(fc.integer({ min: -(2 ** 20), max: 2 ** 20 }), fc.constantFrom(0, 0.5, 0.25, 0.75)).map(([k, f]) => (k + f) * 2 ** -t.fracBits),
    fc.constantFrom(Number(t.maxRaw) * 2 ** -t.fracBits, Number(t.minRaw) * 2 ** -t.fracBits, 0, -0, 1e-300, -1e-300, 1e300, -1e300),
  );

describe('runArrays on real inputs', () => {
  test('codes equal the vendor double conversion (fixedFromDouble) element for element, for float64, float32 and integer arrays', () => {
    fc.assert(
      fc.property(arbType.chain((t) => fc.tuple(fc.constant(t), fc.array(arbReal(t), { minLength: 1, maxLength: 12 }), fc.constantFrom('f8', 'f4', 'i2'))), ([t, reals, dtype]) => {
        const data =
          dtype === 'f8'
            ? Float64Array.from(reals)
            : dtype === 'f4'
              ? Float32Array.from(reals, (r) => (Number.isFinite(Math.fround(r)) ? r : 3.4e38)) // float32 range
              : Int16Array.from(reals, (r) => Math.max(-32768, Math.min(32767, Math.trunc(r))));
        const arr = { dtype, shape: [data.length], data } as unknown as NpyArray;
        const res = runArrays(identityModel(t, data.length), { x: arr }, { trace: true });
        const got = res.trace.find((a) => a.name === 'y')!.data;
        for (let i = 0; i < data.length; i++) expect(BigInt(got[i]!)).toBe(fixedFromDouble(Number(data[i]!), t).raw);
      }),
      { numRuns: 1500 },
    );
  });

  test('a non-finite value is refused, naming the element', () => {
    const t = new FixedType(8, 3, true);
    for (const bad of [NaN, Infinity, -Infinity]) {
      const arr = { dtype: 'f8', shape: [3], data: Float64Array.from([0.5, bad, 1]) } as unknown as NpyArray;
      expect(() => runArrays(identityModel(t, 3), { x: arr })).toThrow(/input x\[1\]/);
    }
  });
});
