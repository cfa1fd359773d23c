/**
 * .npz archives: zips of .npy members, stored (np.savez) or deflated (np.savez_compressed), with zip64
 * sizes when numpy forces them. Archives are written here by a small independent zip writer.
 */
import { crc32, deflateRawSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { ParseError } from '../../src/emulator/errors.js';
import { parseNpz, readNpz } from '../../src/import/npz.js';
import { encodeNpy, npyToFloat64 } from '../../src/model/npy.js';
import { external, hasExternal } from './helpers.js';

interface Member {
  name: string;
  data: Uint8Array;
  deflate?: boolean;
  zip64?: boolean;
}

/** A minimal zip writer (local headers, central directory, end record; zip64 extra fields on request). */
function zip(members: Member[]): Uint8Array {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const body = m.deflate ? deflateRawSync(m.data) : Buffer.from(m.data);
    const name = Buffer.from(m.name);
    const crc = crc32(m.data) >>> 0;
    const extra = m.zip64 ? Buffer.alloc(4 + 24) : Buffer.alloc(0);
    if (m.zip64) {
      extra.writeUInt16LE(1, 0);
      extra.writeUInt16LE(24, 2);
      extra.writeBigUInt64LE(BigInt(m.data.length), 4);
      extra.writeBigUInt64LE(BigInt(body.length), 12);
      extra.writeBigUInt64LE(BigInt(offset), 20);
    }
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(m.deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(m.zip64 ? 0xffffffff : body.length, 18);
    local.writeUInt32LE(m.zip64 ? 0xffffffff : m.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(extra.length, 28);
    parts.push(local, name, extra, body);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(m.deflate ? 8 : 0, 10);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(m.zip64 ? 0xffffffff : body.length, 20);
    c.writeUInt32LE(m.zip64 ? 0xffffffff : m.data.length, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt16LE(extra.length, 30);
    c.writeUInt32LE(m.zip64 ? 0xffffffff : offset, 42);
    central.push(c, name, extra);
    offset += 30 + name.length + extra.length + body.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...parts, cd, end]));
}

describe('npz', () => {
  const a = encodeNpy(Float32Array.of(1.5, -2, 0.25, 3), [2, 2]);
  const b = encodeNpy(Int32Array.of(7, -8, 9), [3]);

  test.each([
    ['stored', false, false],
    ['deflated', true, false],
    ['zip64 sizes', false, true],
  ])('%s members read back exactly', (_n, deflate, zip64) => {
    const arrays = parseNpz(zip([{ name: 'a.npy', data: a, deflate, zip64 }, { name: 'b.npy', data: b, deflate, zip64 }]));
    expect([...arrays.keys()]).toEqual(['a', 'b']);
    expect(arrays.get('a')!.shape).toEqual([2, 2]);
    expect(Array.from(npyToFloat64(arrays.get('a')!))).toEqual([1.5, -2, 0.25, 3]);
    expect(Array.from(npyToFloat64(arrays.get('b')!))).toEqual([7, -8, 9]);
  });

  test('truncated, corrupted or non-zip input is a ParseError naming the archive', () => {
    const good = zip([{ name: 'a.npy', data: a, deflate: true }]);
    for (const bad of [good.subarray(0, good.length - 30), good.subarray(0, 40), new TextEncoder().encode('not a zip')]) {
      expect(() => parseNpz(bad, 'x.npz')).toThrow(ParseError);
      expect(() => parseNpz(bad, 'x.npz')).toThrow(/x\.npz/);
    }
    const flipped = good.slice();
    flipped[45] = flipped[45]! ^ 0xff; // inside the deflated body
    expect(() => parseNpz(flipped, 'x.npz')).toThrow(ParseError);
  });

  test.skipIf(!hasExternal('qonnx-floatquant-exec', 'activation.npz'))('the QONNX fixture written by numpy', () => {
    const arrays = readNpz(external('qonnx-floatquant-exec', 'activation.npz'));
    expect(arrays.get('input_quant')!.shape).toEqual([1, 3]);
    expect(arrays.get('weight_quant')!.shape).toEqual([16, 3]);
    expect(arrays.get('weight_quant')!.dtype).toBe('f4');
  });
});
