/**
 * The arithmetic, comparison and shift operators against every public golden-vector record of their ops
 * (spec §14.2). No tolerance: every field of every record must match bit for bit.
 */
import { describe, expect, test } from 'vitest';
import {
  add,
  bitAnd,
  bitNot,
  bitOr,
  bitXor,
  compoundAssign,
  div,
  mod,
  mul,
  neg,
  preDecrement,
  preIncrement,
  sub,
} from '../../src/emulator/arithmetic.js';
import { compare, compareWithDouble, type Comparison } from '../../src/emulator/compare.js';
import { resultType, unaryResultType, type BinaryOp } from '../../src/emulator/resultType.js';
import { shiftLeft, shiftRight } from '../../src/emulator/shift.js';
import { C_INT, IntType } from '../../src/emulator/types.js';
import { ApValue } from '../../src/emulator/value.js';
import { doubleOfHex, hex, Mismatches, records, typeOf, valueOf, type GoldenRecord } from './arithmeticVectors.js';

type BinaryFn = (a: ApValue, b: ApValue) => ApValue;

const FIXED_BINARY: Record<string, [BinaryOp, BinaryFn]> = {
  fx_add: ['+', add],
  fx_sub: ['-', sub],
  fx_mul: ['*', mul],
  fx_div: ['/', div],
};

const INT_BINARY: Record<string, [BinaryOp, BinaryFn]> = {
  int_add: ['+', add],
  int_sub: ['-', sub],
  int_mul: ['*', mul],
  int_div: ['/', div],
  int_mod: ['%', mod],
  int_and: ['&', bitAnd],
  int_or: ['|', bitOr],
  int_xor: ['^', bitXor],
  int_shl: ['<<', (a, b) => shiftLeft(a, b)],
  int_shr: ['>>', (a, b) => shiftRight(a, b)],
};

function checkComparison(m: Mismatches, id: string, expected: Record<string, boolean>, actual: () => Comparison): void {
  let c: Comparison;
  try {
    c = actual();
  } catch (e) {
    m.fail(id, 'compare', e);
    return;
  }
  for (const k of ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const) {
    if (k in expected) m.check(id, k, expected[k], c[k]);
  }
}

function checkTyped(m: Mismatches, id: string, field: string, expected: { type?: unknown; bits: string }, rtype: unknown, actual: () => ApValue): void {
  let v: ApValue;
  try {
    v = actual();
  } catch (e) {
    m.fail(id, field, e);
    return;
  }
  const t = (expected.type ?? rtype) as Parameters<typeof typeOf>[0] | undefined;
  if (t) m.check(id, `${field}.type`, typeOf(t).toString(), v.type.toString());
  m.check(id, `${field}.bits`, expected.bits, hex(v));
}

function expectAllPass(op: string, check: (m: Mismatches, r: GoldenRecord) => void): void {
  const rs = records(op);
  expect(rs.length, `records of ${op}`).toBeGreaterThan(0);
  const m = new Mismatches();
  for (const r of rs) check(m, r);
  expect(m.list, m.summary()).toEqual([]);
  expect(m.checked).toBeGreaterThanOrEqual(rs.length);
}

describe('golden vectors: ap_fixed binary operators', () => {
  for (const [op, [symbol, fn]] of Object.entries(FIXED_BINARY)) {
    test(`${op}: out, assign and compound`, () => {
      expectAllPass(op, (m, r) => {
        const a = valueOf(r.a);
        const b = valueOf(r.b);
        m.run(r.id, 'rtype', typeOf(r.rtype).toString(), () => resultType(symbol, a.type, b.type).toString());
        checkTyped(m, r.id, 'out', r.out, r.rtype, () => fn(a, b));
        if (r.assign) {
          const dst = typeOf(r.assign.dst);
          m.run(r.id, 'assign', r.assign.bits, () => hex(ApValue.cast(dst, fn(a, b))));
        }
        if (r.compound) m.run(r.id, 'compound', r.compound.bits, () => hex(compoundAssign(symbol, a, b)));
      });
    });
  }

  test('fx_neg', () => {
    expectAllPass('fx_neg', (m, r) => {
      const a = valueOf(r.a);
      m.run(r.id, 'rtype', typeOf(r.rtype).toString(), () => unaryResultType('neg', a.type).toString());
      checkTyped(m, r.id, 'out', r.out, r.rtype, () => neg(a));
    });
  });

  test('fx_incdec', () => {
    expectAllPass('fx_incdec', (m, r) => {
      const a = valueOf(r.a);
      m.run(r.id, 'preinc', r.out.preinc, () => hex(preIncrement(a)));
      m.run(r.id, 'predec', r.out.predec, () => hex(preDecrement(a)));
    });
  });

  test('fx_shift: by a C int, by ap_int<8>, by ap_uint<8>, T y = a<<n, a <<= n', () => {
    const apInt8 = new IntType(8, true);
    const apUint8 = new IntType(8, false);
    expectAllPass('fx_shift', (m, r) => {
      const a = valueOf(r.a);
      const sh = r.sh as number;
      const o = r.out;
      m.run(r.id, 'shl', o.shl, () => hex(shiftLeft(a, sh)));
      m.run(r.id, 'shr', o.shr, () => hex(shiftRight(a, sh)));
      m.run(r.id, 'shl_apint8', o.shl_apint8, () => hex(shiftLeft(a, ApValue.fromRaw(apInt8, sh))));
      m.run(r.id, 'shr_apint8', o.shr_apint8, () => hex(shiftRight(a, ApValue.fromRaw(apInt8, sh))));
      if ('shl_apuint8' in o) m.run(r.id, 'shl_apuint8', o.shl_apuint8, () => hex(shiftLeft(a, ApValue.fromRaw(apUint8, sh))));
      if ('shr_apuint8' in o) m.run(r.id, 'shr_apuint8', o.shr_apuint8, () => hex(shiftRight(a, ApValue.fromRaw(apUint8, sh))));
      // `T y = a << n`: a copy between identical types, bits unchanged (spec §7.3)
      m.run(r.id, 'init_shl', o.init_shl, () => hex(ApValue.cast(a.type, shiftLeft(a, sh))));
      m.run(r.id, 'init_shr', o.init_shr, () => hex(ApValue.cast(a.type, shiftRight(a, sh))));
      const n = ApValue.fromRaw(C_INT, sh);
      m.run(r.id, 'shl_assign', o.shl_assign, () => hex(compoundAssign('<<', a, n)));
      m.run(r.id, 'shr_assign', o.shr_assign, () => hex(compoundAssign('>>', a, n)));
    });
  });

  test('fx_cmp', () => {
    expectAllPass('fx_cmp', (m, r) => {
      const a = valueOf(r.a);
      const b = valueOf(r.b);
      checkComparison(m, r.id, r.out, () => compare(a, b));
    });
  });

  test('fx_cmp_double', () => {
    expectAllPass('fx_cmp_double', (m, r) => {
      const a = valueOf(r.a);
      checkComparison(m, r.id, r.out, () => compareWithDouble(a, doubleOfHex(r.d.f64)));
    });
  });
});

describe('golden vectors: ap_int operators', () => {
  for (const [op, [symbol, fn]] of Object.entries(INT_BINARY)) {
    test(`${op}: out and compound`, () => {
      expectAllPass(op, (m, r) => {
        const a = valueOf(r.a);
        const b = valueOf(r.b);
        m.run(r.id, 'rtype', typeOf(r.rtype).toString(), () => resultType(symbol, a.type, b.type).toString());
        checkTyped(m, r.id, 'out', r.out, r.rtype, () => fn(a, b));
        m.run(r.id, 'compound', r.compound.bits, () => hex(compoundAssign(symbol, a, b)));
      });
    });
  }

  test('int_cmp', () => {
    expectAllPass('int_cmp', (m, r) => {
      checkComparison(m, r.id, r.out, () => compare(valueOf(r.a), valueOf(r.b)));
    });
  });

  test('int_unary: -a, ~a, ++a, --a', () => {
    expectAllPass('int_unary', (m, r) => {
      const a = valueOf(r.a);
      checkTyped(m, r.id, 'neg', r.out.neg, undefined, () => neg(a));
      checkTyped(m, r.id, 'not', r.out.not, undefined, () => bitNot(a));
      m.run(r.id, 'preinc', r.out.preinc, () => hex(preIncrement(a)));
      m.run(r.id, 'predec', r.out.predec, () => hex(preDecrement(a)));
    });
  });

  test('int_cint: mixing with a C int', () => {
    expectAllPass('int_cint', (m, r) => {
      const a = valueOf(r.a);
      const k = ApValue.fromRaw(C_INT, r.k as number);
      const o = r.out;
      checkTyped(m, r.id, 'add', o.add, undefined, () => add(a, k));
      checkTyped(m, r.id, 'sub', o.sub, undefined, () => sub(a, k));
      checkTyped(m, r.id, 'mul', o.mul, undefined, () => mul(a, k));
      if (o.div) checkTyped(m, r.id, 'div', o.div, undefined, () => div(a, k));
      if (o.mod) checkTyped(m, r.id, 'mod', o.mod, undefined, () => mod(a, k));
      checkTyped(m, r.id, 'rsub', o.rsub, undefined, () => sub(k, a));
      checkComparison(m, r.id, { eq: o.eq, lt: o.lt, gt: o.gt }, () => compare(a, k));
    });
  });
});
