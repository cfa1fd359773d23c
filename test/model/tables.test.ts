import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { FixedType, parseFixedType, QUANT_MODES } from '../../src/emulator/types.js';
import {
  activationTable,
  codeOfIndex,
  defaultReciprocal,
  expNegCode,
  sigmoidCode,
  softmaxExpTable,
  softmaxInvTable,
  softmaxSumGeometry,
  tanhCode,
} from '../../src/model/tables.js';
import { convertRational } from '../../src/model/arith.js';


const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * Independent check with doubles: floor(f·2^F) must equal the AP_TRN code unless f·2^F is within 1e-6 of
 * an integer (where a double could be on the wrong side; the BigInt computation is not).
 */
function checkTrn(f: (x: number) => number, code: (c: bigint, F: number, t: FixedType) => bigint, t: FixedType, F: number, c: bigint) {
  const exact = f(Number(c) * 2 ** -F) * 2 ** t.fracBits;
  const fl = Math.floor(exact);
  if (Math.abs(exact - Math.round(exact)) < 1e-6) return;
  const want = BigInt(Math.min(Math.max(fl, Number(t.minRaw)), Number(t.maxRaw)));
  expect(code(c, F, t)).toBe(want);
}

describe('activation tables', () => {
  test('sigmoid, tanh and exp(-x) entries are the exact values rounded down (AP_TRN, AP_SAT), checked against doubles', () => {
    fc.assert(
      fc.property(fc.integer({ min: -3000, max: 3000 }), fc.integer({ min: 0, max: 10 }), fc.integer({ min: 4, max: 24 }), (c, F, Wf) => {
        const t = new FixedType(Wf + 2, 2, true, 'AP_TRN', 'AP_SAT');
        checkTrn(sigmoid, sigmoidCode, t, F, BigInt(c));
        checkTrn(Math.tanh, tanhCode, t, F, BigInt(c));
        checkTrn((x) => Math.exp(-Math.abs(x)), (cc, FF, tt) => expNegCode(cc < 0n ? -cc : cc, FF, tt), t, F, BigInt(c));
      }),
      { numRuns: 1500 },
    );
  });

  test('round-to-nearest modes are within half an LSB, and sigmoid(0) = 1/2, tanh(0) = 0 exactly', () => {
    for (const q of QUANT_MODES) {
      const t = new FixedType(12, 2, true, q, 'AP_SAT');
      for (let c = -200; c <= 200; c += 7) {
        const v = Number(sigmoidCode(BigInt(c), 5, t)) * 2 ** -10;
        const err = Math.abs(v - sigmoid(c / 32));
        expect(err).toBeLessThan(q.startsWith('AP_RND') ? 2 ** -11 + 1e-12 : 2 ** -10);
      }
      expect(sigmoidCode(0n, 5, t)).toBe(512n);
      expect(tanhCode(0n, 5, t)).toBe(0n);
    }
  });

  test('tables are indexed by the bit pattern of the input code and are monotone for saturating types', () => {
    const x = parseFixedType('ap_fixed<8,3>');
    const r = parseFixedType('ap_ufixed<10,1,AP_RND_CONV,AP_SAT>');
    const tab = activationTable('Sigmoid', x, r);
    expect(tab.length).toBe(256);
    for (let i = 0; i < 256; i++) expect(tab[i]).toBe(sigmoidCode(codeOfIndex(i, x), 5, r));
    // pattern 0x80 is the most negative code -128 (-4.0)
    expect(codeOfIndex(128, x)).toBe(-128n);
    const order = Array.from({ length: 256 }, (_, i) => i).sort((a, b) => Number(codeOfIndex(a, x) - codeOfIndex(b, x)));
    for (let k = 1; k < 256; k++) expect(tab[order[k]!]! >= tab[order[k - 1]!]!).toBe(true);
  });

  test('Softmax: exp table starts at 1.0 and decreases; inverse table is 1/edge rounded', () => {
    const x = parseFixedType('ap_fixed<6,3>');
    const e = parseFixedType('ap_ufixed<18,1,AP_RND_CONV,AP_SAT>');
    const tab = softmaxExpTable(x, e);
    expect(tab[0]).toBe(1n << 17n);
    for (let k = 1; k < tab.length; k++) expect(tab[k]! <= tab[k - 1]!).toBe(true);
    const v = parseFixedType('ap_ufixed<18,1,AP_RND_CONV,AP_SAT>');
    const inv = softmaxInvTable(e, v, 5, 12);
    const { sumType, shift } = softmaxSumGeometry(e, 5, 12);
    expect(sumType.toString()).toBe('ap_ufixed<21,4>');
    expect(shift).toBe(9);
    // bin 256 starts at 256·2^9 codes = 2^17 = 1.0 -> 1/1 = 1.0
    expect(inv[256]).toBe(1n << 17n);
    // bin 768 starts at 3.0 -> 1/3 rounded half-even at 2^-17
    expect(inv[768]).toBe(convertRational(1n, 3n, v));
    expect(inv[768]).toBe(43691n); // 2^17/3 = 43690.67
    expect(inv[0]).toBe(v.maxRaw);
  });

  test('default AvgPool reciprocal is 1/n rounded half-up to 18 significant bits', () => {
    const r3 = defaultReciprocal(3);
    expect(r3.type.toString()).toBe('ap_ufixed<18,-1,AP_RND,AP_SAT>');
    expect(r3.code).toBe(174763n); // 2^19 / 3 = 174762.67
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 100000 }), (n) => {
        if ((n & (n - 1)) === 0) return; // powers of two are a shift, never a reciprocal
        const { type, code } = defaultReciprocal(n);
        const F = BigInt(18 - type.intBits);
        expect(code).toBe(((1n << (F + 1n)) + BigInt(n)) / (2n * BigInt(n)));
        expect(code <= type.maxRaw).toBe(true);
        expect(code >= 1n << 16n).toBe(true); // 18 significant bits used (top bit or the one below)
      }),
    );
  });
});

describe('table layers refuse per-channel input types', () => {
  test('a Sigmoid after a per-channel result is refused with the layer name', async () => {
    const { loadModel } = await import('../../src/model/load.js');
    const { runModel } = await import('../../src/model/infer.js');
    const m = loadModel({
      format: 'hlsq-model',
      version: 1,
      inputs: [{ name: 'x', shape: [2], type: 'ap_fixed<6,3>' }],
      layers: [
        { name: 'q', kind: 'Quant', inputs: ['x'], result: ['ap_fixed<6,3>', 'ap_fixed<6,2>'] },
        { name: 's', kind: 'Sigmoid', inputs: ['q'], result: 'ap_ufixed<8,1>' },
      ],
    });
    expect(() => runModel(m, { x: [1, 2] }, 1)).toThrow(/layer s: a table-based layer needs a per-tensor input type/);
  });
});
