import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { encodeNpy, parseNpy, readNpy, writeNpy, npyToFloat64 } from '../../src/model/npy.js';

const fx = (name: string) => join(import.meta.dirname, 'fixtures', name);

describe('npy reader/writer', () => {
  test('reads NumPy-written files (fixtures made by numpy 2.4 np.save)', () => {
    const a = readNpy(fx('f4_2x3.npy'));
    expect(a.dtype).toBe('f4');
    expect(a.shape).toEqual([2, 3]);
    expect(Array.from(a.data as Float32Array)).toEqual([1.5, -2, 3, 0.25, Math.fround(1e30), -0]);
    const b = readNpy(fx('i8_4.npy'));
    expect(Array.from(b.data as BigInt64Array)).toEqual([-(2n ** 62n), -1n, 0n, 2n ** 53n + 1n]);
    const c = readNpy(fx('u1_scalar.npy'));
    expect(c.shape).toEqual([]);
    expect(Array.from(c.data as Uint8Array)).toEqual([200]);
    expect(readNpy(fx('f8_empty.npy')).shape).toEqual([0, 3]);
  });

  test('writes byte-identical files to NumPy for the same arrays', () => {
    const f4 = new Float32Array([1.5, -2, 3, 0.25, 1e30, -0]);
    expect(encodeNpy(f4, [2, 3]).equals(readFileSync(fx('f4_2x3.npy')))).toBe(true);
    const i8 = new BigInt64Array([-(2n ** 62n), -1n, 0n, 2n ** 53n + 1n]);
    expect(encodeNpy(i8, [4]).equals(readFileSync(fx('i8_4.npy')))).toBe(true);
    expect(encodeNpy(new Uint8Array([200]), []).equals(readFileSync(fx('u1_scalar.npy')))).toBe(true);
  });

  test('refuses Fortran order, big-endian, unsupported dtypes and truncated files with clear errors', () => {
    expect(() => readNpy(fx('i2_fortran.npy'))).toThrow(/fortran_order: True.*C order/);
    expect(() => readNpy(fx('f8_bigendian.npy'))).toThrow(/>f8.*big-endian/);
    expect(() => readNpy(fx('c8.npy'))).toThrow(/<c8/);
    const full = readFileSync(fx('f4_2x3.npy'));
    expect(() => parseNpy(full.subarray(0, full.length - 1), 'x.npy')).toThrow(/truncated/);
    expect(() => parseNpy(full.subarray(0, 40), 'x.npy')).toThrow(/truncated header/);
    expect(() => parseNpy(Buffer.from('hello world, not numpy'), 'x.npy')).toThrow(/\\x93NUMPY/);
    expect(() => readNpy('/nonexistent/file.npy')).toThrow(/npy file/);
  });

  test('round trip of every dtype and random shapes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hlsq-npy-'));
    const makers = [
      (n: number) => new Float32Array(n).map((_, i) => Math.fround(i * 0.37 - 3)),
      (n: number) => new Float64Array(n).map((_, i) => i * 1e-3 - 7.5),
      (n: number) => new Int8Array(n).map((_, i) => (i * 37) % 256),
      (n: number) => new Int16Array(n).map((_, i) => i * 977),
      (n: number) => new Int32Array(n).map((_, i) => i * 1234567),
      (n: number) => BigInt64Array.from({ length: n }, (_, i) => BigInt(i) * -(2n ** 40n) + 3n),
      (n: number) => new Uint8Array(n).map((_, i) => i * 7),
      (n: number) => new Uint16Array(n).map((_, i) => i * 911),
      (n: number) => new Uint32Array(n).map((_, i) => i * 3000017),
      (n: number) => BigUint64Array.from({ length: n }, (_, i) => BigInt(i) * 2n ** 60n),
    ];
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 4 }), fc.integer({ min: 0, max: 9 }), (shape, k) => {
        const n = shape.reduce((p, d) => p * d, 1);
        const data = makers[k]!(n);
        const p = join(dir, 'a.npy');
        writeNpy(p, data, shape);
        const back = readNpy(p);
        expect(back.shape).toEqual(shape);
        expect(back.data.constructor).toBe(data.constructor);
        expect(Array.from(back.data as ArrayLike<unknown>)).toEqual(Array.from(data as ArrayLike<unknown>));
        expect((readFileSync(p).indexOf(0x0a) + 1) % 64).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  test('npyToFloat64 converts exactly and refuses 64-bit integers beyond 2^53', () => {
    expect(Array.from(npyToFloat64({ dtype: 'i4', shape: [2], data: new Int32Array([-5, 7]) }))).toEqual([-5, 7]);
    expect(() => npyToFloat64({ dtype: 'i8', shape: [1], data: new BigInt64Array([2n ** 60n]) }, 'x.npy')).toThrow(/x\.npy\[0\]/);
  });

  test('encodeNpy refuses a shape that does not match the data', () => {
    expect(() => encodeNpy(new Float64Array(5), [2, 3])).toThrow(/shape/);
  });
});
