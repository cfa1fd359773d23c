/**
 * NumPy `.npz` archives: a zip of `.npy` members (stored or deflated, zip64 sizes included), each parsed
 * with the model's `.npy` reader. Only what numpy writes is read; anything else (encryption, other
 * compression methods, multi-disk archives) is refused with an error naming the archive.
 */
import { readFileSync } from 'node:fs';
import { crc32, inflateRawSync } from 'node:zlib';
import { ParseError } from '../emulator/errors.js';
import { parseNpy, type NpyArray } from '../model/npy.js';

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function fail(what: string, reason: string): never {
  throw new ParseError(what, reason, 'a NumPy .npz archive (zip of .npy files, stored or deflated)');
}

/** The raw bytes of every member of a zip archive, by name. */
export function readZip(bytes: Uint8Array, what = 'npz'): Map<string, Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (o: number) => view.getUint16(o, true);
  const u32 = (o: number) => view.getUint32(o, true);
  // The end-of-central-directory record sits in the last 22 + 65535 bytes (its comment is at most 64 KiB).
  let eocd = -1;
  for (let o = bytes.length - 22; o >= Math.max(0, bytes.length - 22 - 0xffff); o--) {
    if (u32(o) === EOCD) {
      eocd = o;
      break;
    }
  }
  if (eocd < 0) fail(what, 'no zip end-of-central-directory record (not a zip archive, or truncated)');
  const count = u16(eocd + 10);
  let p = u32(eocd + 16);
  const out = new Map<string, Uint8Array>();
  for (let i = 0; i < count; i++) {
    if (p + 46 > bytes.length || u32(p) !== CENTRAL) fail(what, `central directory entry ${i} is damaged`);
    const flags = u16(p + 8);
    const method = u16(p + 10);
    const crc = u32(p + 16);
    let csize = u32(p + 20);
    let usize = u32(p + 24);
    const nameLen = u16(p + 28);
    const extraLen = u16(p + 30);
    const commentLen = u16(p + 32);
    let local = u32(p + 42);
    const name = new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLen));
    // zip64: the 0xFFFFFFFF fields are in the extra field 0x0001, in the order usize, csize, offset
    let e = p + 46 + nameLen;
    const eEnd = e + extraLen;
    while (e + 4 <= eEnd) {
      const id = u16(e);
      const len = u16(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        const next = () => {
          const v = Number(view.getBigUint64(q, true));
          q += 8;
          return v;
        };
        if (usize === 0xffffffff) usize = next();
        if (csize === 0xffffffff) csize = next();
        if (local === 0xffffffff) local = next();
      }
      e += 4 + len;
    }
    if (flags & 1) fail(what, `member ${name} is encrypted`);
    if (local + 30 > bytes.length || u32(local) !== LOCAL) fail(what, `member ${name}: local header missing (truncated archive)`);
    const start = local + 30 + u16(local + 26) + u16(local + 28);
    if (start + csize > bytes.length) fail(what, `member ${name} is truncated`);
    const raw = bytes.subarray(start, start + csize);
    let data: Uint8Array;
    if (method === 0) data = raw;
    else if (method === 8) {
      try {
        data = new Uint8Array(inflateRawSync(raw));
      } catch (e) {
        fail(what, `member ${name}: deflate data is damaged (${(e as Error).message})`);
      }
    }
    else fail(what, `member ${name} uses compression method ${method}`);
    if (data.length !== usize || crc32(data) >>> 0 !== crc) fail(what, `member ${name} fails its size/CRC check`);
    out.set(name, data);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** The arrays of an .npz archive, by name without the `.npy` suffix (as numpy's `np.load` shows them). */
export function parseNpz(bytes: Uint8Array, what = 'npz'): Map<string, NpyArray> {
  const out = new Map<string, NpyArray>();
  for (const [name, data] of readZip(bytes, what)) {
    if (!name.endsWith('.npy')) continue;
    out.set(name.slice(0, -4), parseNpy(data, `${what}:${name}`));
  }
  return out;
}

export function readNpz(path: string): Map<string, NpyArray> {
  return parseNpz(readFileSync(path), path);
}
