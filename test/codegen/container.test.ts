/**
 * The container type of a per-channel tensor (container.ts): every value of every channel type is a value
 * of the container, so storing a channel's value there never changes it; and it is the smallest such type.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { containerType, toContainerCode } from '../../src/codegen/container.js';
import { FixedType, OVERFLOW_MODES, QUANT_MODES } from '../../src/emulator/types.js';
import { castRaw } from '../../src/emulator/value.js';
import { planProject } from '../../src/codegen/project.js';
import { goldenTensors, randomInputs } from '../../src/codegen/vectors.js';
import { runModel } from '../../src/model/infer.js';
import { typeList } from '../../src/model/format.js';
import { perChannelModel } from './randomModel.js';
import { resolved } from './support.js';

const fixedType = fc
  .record({
    W: fc.integer({ min: 1, max: 40 }),
    I: fc.integer({ min: -8, max: 48 }),
    signed: fc.boolean(),
    q: fc.constantFrom(...QUANT_MODES),
    o: fc.constantFrom(...OVERFLOW_MODES),
  })
  .map(({ W, I, signed, q, o }) => new FixedType(W, I, signed, q, signed || o !== 'AP_WRAP_SM' ? o : 'AP_WRAP'));

describe('containerType', () => {
  test('every code of every channel type converts into the container exactly and back (extremes and random codes)', () => {
    fc.assert(
      fc.property(fc.array(fixedType, { minLength: 1, maxLength: 5 }), fc.array(fc.bigInt({ min: 0n, max: (1n << 40n) - 1n }), { minLength: 4, maxLength: 4 }), (types, picks) => {
        const c = containerType(types);
        for (const t of types) {
          const span = t.maxRaw - t.minRaw + 1n;
          for (const raw of [t.minRaw, t.maxRaw, 0n, ...picks.map((p) => t.minRaw + (p % span))]) {
            const code = toContainerCode(raw, t, c);
            // the vendor conversion into the container (its own modes) gives the same code: no rounding, no overflow
            expect(castRaw(raw, t, c)).toBe(code);
            expect(code >= c.minRaw && code <= c.maxRaw).toBe(true);
            // same value: code·2^-F_c = raw·2^-F_t
            expect(code).toBe(raw * 2n ** BigInt(c.fracBits - t.fracBits));
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  test('it is the smallest: one bit less in the integer or fraction part loses some channel value', () => {
    fc.assert(
      fc.property(fc.array(fixedType, { minLength: 2, maxLength: 5 }), (types) => {
        const c = containerType(types);
        if (types.every((t) => t.equals(types[0]!))) {
          expect(c.equals(types[0]!)).toBe(true);
          return;
        }
        const holds = (k: FixedType) =>
          types.every((t) => k.fracBits >= t.fracBits && [t.minRaw, t.maxRaw].every((r) => {
            const code = r * 2n ** BigInt(k.fracBits - t.fracBits);
            return code >= k.minRaw && code <= k.maxRaw;
          }));
        expect(holds(c)).toBe(true);
        if (c.width > 1) {
          expect(holds(new FixedType(c.width - 1, c.intBits - 1, c.signed))).toBe(false);
          expect(holds(new FixedType(c.width - 1, c.intBits, c.signed))).toBe(false);
        }
        if (c.signed) expect(types.some((t) => t.signed)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  test('one type for every channel: the container is that type', () => {
    const t = new FixedType(8, 3, true, 'AP_RND', 'AP_SAT');
    expect(containerType([t, t, t])).toBe(t);
  });
});

describe('golden codes of per-channel tensors', () => {
  test('outputs and traces hold the container codes of exactly the values the engine computes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const model = resolved(perChannelModel(seed, 3));
        const plan = planProject(model, { version: '0' });
        const inputs = randomInputs(model, 5, seed);
        const golden = goldenTensors(plan, inputs, true);
        const run = runModel(model, inputs.codes, inputs.batch, { trace: true });
        let perChannel = 0;
        for (const l of plan.layers) {
          const g = golden.find((t) => t.role === 'trace' && t.layer === l.id)!;
          const raw = run.trace!.get(l.layer.name)!;
          const engine = raw instanceof Float64Array ? Array.from(raw, (c) => BigInt(c)) : raw;
          const types = l.layer.result ? typeList(l.layer.result) : [l.output.type];
          if (l.output.perChannel) perChannel++;
          g.codes.forEach((code, i) => {
            const t = types.length === 1 ? types[0]! : types[(i % l.output.size) % types.length]!;
            // same value: code·2^-F_container = engine code·2^-F_channel
            expect(code).toBe(engine[i]! * 2n ** BigInt(l.output.type.fracBits - t.fracBits));
            expect(code >= l.output.type.minRaw && code <= l.output.type.maxRaw).toBe(true);
          });
        }
        expect(perChannel).toBeGreaterThan(0);
      }),
      { numRuns: 20 },
    );
  });
});

describe('what stays refused, with the reason', () => {
  const model = (next: Record<string, unknown>) => ({
    format: 'hlsq-model',
    version: 1,
    name: 'pc',
    inputs: [{ name: 'x', shape: [2], type: 'ap_fixed<6,2>' }],
    layers: [
      {
        name: 'd1', kind: 'Dense', inputs: ['x'],
        weights: { shape: [2, 2], type: 'ap_fixed<4,1>', codes: [1, -2, 3, 4] },
        accum: ['ap_fixed<12,4>', 'ap_fixed<9,3,AP_TRN,AP_SAT>'],
        result: ['ap_fixed<8,3,AP_RND,AP_SAT>', 'ap_ufixed<5,2>'],
      },
      { name: 'n', inputs: ['d1'], ...next },
    ],
    outputs: ['n'],
  });
  test('a per-channel tensor read by a layer that does not handle it (Flatten)', () => {
    expect(() => planProject(resolved(model({ kind: 'Flatten' })), { version: '0' })).toThrow(/input d1 has per-channel types; codegen v1 reads per-channel tensors only in Dense/);
  });
  test('AP_WRAP_SM with N = 0 converting a value computed from the container', () => {
    expect(() => planProject(resolved(model({ kind: 'Quant', result: 'ap_fixed<4,2,AP_TRN,AP_WRAP_SM>' })), { version: '0' })).toThrow(
      /input d1 has per-channel types and the result is ap_fixed<4,2,AP_TRN,AP_WRAP_SM>: AP_WRAP_SM with N = 0/,
    );
    const dense = { kind: 'Dense', weights: { shape: [2, 1], type: 'ap_fixed<4,1>', codes: [1, 2] }, accum: 'ap_fixed<6,3,AP_TRN,AP_WRAP_SM>', result: 'ap_fixed<6,3>' };
    expect(() => planProject(resolved(model(dense)), { version: '0' })).toThrow(/the accumulator is ap_fixed<6,3,AP_TRN,AP_WRAP_SM>: AP_WRAP_SM with N = 0/);
  });
  test('the same models with other modes are emitted, with one typedef per channel group', () => {
    const plan = planProject(resolved(model({ kind: 'Quant', result: 'ap_fixed<4,2,AP_RND,AP_WRAP>' })), { version: '0' });
    const names = plan.layers[0]!.typedefs.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['d1_accum_c0_t', 'd1_accum_c1_t', 'd1_result_c0_t', 'd1_result_c1_t', 'd1_accum_t', 'd1_result_t']));
    // container of ap_fixed<8,3> and ap_ufixed<5,2>: 3 integer bits (signed), 5 fraction bits
    expect(plan.layers[0]!.output.type.toString()).toBe(new FixedType(8, 3, true).toString());
  });
  test('an element-wise layer with per-channel result types gets a results struct; clipped ReLU and Rescale still refuse them', () => {
    const q = planProject(resolved(model({ kind: 'Quant', result: ['ap_fixed<4,2,AP_RND,AP_SAT>', 'ap_ufixed<3,1>'] })), { version: '0' });
    expect(q.layers[1]!.config.join('\n')).toContain('struct results {');
    expect(q.layers[1]!.output.perChannel?.map(String)).toEqual(['ap_fixed<4,2,AP_RND,AP_SAT>', 'ap_ufixed<3,1>']);
    const clip = { kind: 'ReLU', result: ['ap_ufixed<4,2>', 'ap_ufixed<3,1>'], max: { shape: [], type: 'ap_ufixed<4,2>', codes: [9] } };
    expect(() => planProject(resolved(model(clip)), { version: '0' })).toThrow(/result has per-channel types; codegen v1 emits one type per tensor/);
  });
});
