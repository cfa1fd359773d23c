/**
 * A small loader for the vendor golden vectors (spec §14.2), for the arithmetic tests: records of the
 * requested ops, with the JSON types and operands turned into emulator values.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fromHexBits, toHexBits } from '../../src/emulator/bits.js';
import { FixedType, IntType, type ApType, type OverflowMode, type QuantMode } from '../../src/emulator/types.js';
import { ApValue } from '../../src/emulator/value.js';

export type JsonType =
  | { k: 'fixed'; w: number; i: number; s: boolean; q: string; o: string; n: number }
  | { k: 'int'; w: number; s: boolean };
export interface JsonOperand {
  type: JsonType;
  bits: string;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type GoldenRecord = { id: string; op: string } & Record<string, any>;

const GOLDEN = new URL('../golden/apfixed_public.jsonl.gz', import.meta.url);
let cache: Map<string, GoldenRecord[]> | undefined;

export function records(op: string): GoldenRecord[] {
  if (!cache) {
    cache = new Map();
    const text = gunzipSync(readFileSync(GOLDEN)).toString('utf8');
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      const r = JSON.parse(line) as GoldenRecord;
      let list = cache.get(r.op);
      if (!list) cache.set(r.op, (list = []));
      list.push(r);
    }
  }
  return cache.get(op) ?? [];
}

export function typeOf(t: JsonType): ApType {
  if (t.k === 'int') return new IntType(t.w, t.s);
  return new FixedType(t.w, t.i, t.s, t.q as QuantMode, t.o as OverflowMode, t.n);
}

export function valueOf(o: JsonOperand): ApValue {
  const t = typeOf(o.type);
  return ApValue.fromRaw(t, fromHexBits(o.bits, t.width, t.signed));
}

export function hex(v: ApValue): string {
  return toHexBits(v.raw, v.type.width);
}

export function doubleOfHex(h: string): number {
  const buf = Buffer.from(h, 'hex');
  return buf.readDoubleBE(0);
}

/** Collects mismatches per record; the test then asserts there are none and shows the first few. */
export class Mismatches {
  readonly list: string[] = [];
  checked = 0;
  check(id: string, field: string, expected: unknown, actual: unknown): void {
    this.checked++;
    if (expected !== actual) this.list.push(`${id} ${field}: expected ${String(expected)}, got ${String(actual)}`);
  }
  fail(id: string, field: string, error: unknown): void {
    this.checked++;
    this.list.push(`${id} ${field}: threw ${error instanceof Error ? error.message : String(error)}`);
  }
  /** Run one field's check, recording a throw as a mismatch. */
  run(id: string, field: string, expected: unknown, actual: () => unknown): void {
    let value: unknown;
    try {
      value = actual();
    } catch (e) {
      this.fail(id, field, e);
      return;
    }
    this.check(id, field, expected, value);
  }
  summary(): string {
    return `${this.list.length} of ${this.checked} field checks failed\n${this.list.slice(0, 10).join('\n')}`;
  }
}
