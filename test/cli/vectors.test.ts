/**
 * `hlsq vectors check`: output format, exit status and errors. The command function is tested directly;
 * the built CLI (dist/, produced by `make test`'s build step) is run as a process for the exit codes and
 * the one-line error on stderr.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runVectorsCheck } from '../../src/cli/commands/vectors.js';
import { InvalidArgumentError } from '../../src/emulator/errors.js';
import { RecordSchemaError } from '../../src/emulator/vectors/schema.js';
import { intAddRecord } from '../support/vectorRecords.js';

const dir = mkdtempSync(join(tmpdir(), 'hlsq-cli-vectors-'));
const ROOT = new URL('../..', import.meta.url).pathname;
const MAIN = join(ROOT, 'dist/cli/main.js');
const GOLDEN = join(ROOT, 'test/golden/apfixed_public.jsonl.gz');

const add = intAddRecord('int_add-ok');
const str = {
  op: 'int_to_string',
  id: 'int_to_string-ok',
  a: { type: { k: 'int', w: 8, s: true }, bits: 'fb' },
  radix: 16,
  out: { default: '-0x5', sign_true: '-0x5', sign_false: '0xfb' },
};

function file(name: string, records: object[]): string {
  const path = join(dir, name);
  writeFileSync(path, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return path;
}

const defaults = { engine: 'emulator', maxFailuresShown: '1' };

describe('runVectorsCheck', () => {
  test('all passing: one line per op, then "N passed, 0 failed", status 0', async () => {
    const { lines, status } = await runVectorsCheck([file('ok.jsonl', [add, str, add])], defaults);
    expect(lines).toEqual(['int_add: 2 passed', 'int_to_string: 1 passed', '3 passed, 0 failed']);
    expect(status).toBe(0);
  });

  test('a failure: "<op>: M failed of N, first <id>: field ... expected ... got ...", status 1', async () => {
    const bad1 = { ...str, id: 'int_to_string-bad1', out: { ...str.out, sign_false: '0xFB' } };
    const bad2 = { ...add, id: 'int_add-bad2', compound: { bits: '01' } };
    const bad3 = { ...add, id: 'int_add-bad3', out: { bits: '1ff' } };
    const path = file('bad.jsonl', [add, bad1, bad2, bad3]);
    const { lines, status } = await runVectorsCheck([path], defaults);
    expect(lines).toEqual([
      'int_add: 2 failed of 3, first int_add-bad2: field compound.bits expected 0x01 got 0x00',
      'int_to_string: 1 failed of 1, first int_to_string-bad1: field out.sign_false expected "0xFB" got "0xfb"',
      '1 passed, 3 failed',
    ]);
    expect(status).toBe(1);
    const more = await runVectorsCheck([path], { ...defaults, maxFailuresShown: '5' });
    expect(more.lines[1]).toBe('  also int_add-bad3: field out.bits expected 0x1ff got 0x000');
  });

  test('several files are tallied together', async () => {
    const { lines } = await runVectorsCheck([file('x.jsonl', [add]), file('y.jsonl', [add, str])], defaults);
    expect(lines.at(-1)).toBe('3 passed, 0 failed');
  });

  test('a record with an unknown field is an error naming file, line, record, field and op', async () => {
    const path = file('unknown-field.jsonl', [add, { ...add, id: 'int_add-foo', foo: 1 }]);
    await expect(runVectorsCheck([path], defaults)).rejects.toThrow(RecordSchemaError);
    await expect(runVectorsCheck([path], defaults)).rejects.toThrow(
      /unknown-field\.jsonl line 2: record int_add-foo: unknown field 'foo' in op int_add/,
    );
  });

  test('bad options are errors naming the option', async () => {
    const path = file('opt.jsonl', [add]);
    await expect(runVectorsCheck([path], { ...defaults, engine: 'gpu' })).rejects.toThrow(InvalidArgumentError);
    await expect(runVectorsCheck([path], { ...defaults, engine: 'gpu' })).rejects.toThrow(/--engine: got "gpu", expected emulator, cpp, both/);
    await expect(runVectorsCheck([path], { ...defaults, maxFailuresShown: '-1' })).rejects.toThrow(/--max-failures-shown/);
  });
});

// The built CLI; `make test` builds dist/ before running vitest.
describe.skipIf(!existsSync(MAIN))('node dist/cli/main.js vectors check', () => {
  test('the public golden file: 0 failed, exit status 0', () => {
    const out = execFileSync('node', [MAIN, 'vectors', 'check', GOLDEN], { encoding: 'utf8' });
    const lines = out.trimEnd().split('\n');
    expect(lines.at(-1)).toBe('65848 passed, 0 failed');
    expect(lines).toContain('fx_to_string: 765 passed');
    expect(lines).toHaveLength(32); // 31 ops + the total
  }, 60_000);

  test('a failing case gives exit status 1; an unknown field exit status 2 with one line on stderr', () => {
    const failing = spawnSync('node', [MAIN, 'vectors', 'check', file('cli-bad.jsonl', [{ ...add, out: { bits: '1ff' } }])], {
      encoding: 'utf8',
    });
    expect(failing.status).toBe(1);
    expect(failing.stdout.trimEnd().split('\n').at(-1)).toBe('0 passed, 1 failed');

    const unknown = spawnSync('node', [MAIN, 'vectors', 'check', file('cli-foo.jsonl', [{ ...add, foo: 1 }])], { encoding: 'utf8' });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^hlsq: .*cli-foo\.jsonl line 1: record int_add-ok: unknown field 'foo' in op int_add.*\n$/);
    expect(unknown.stderr.split('\n')).toHaveLength(2); // one line, no stack trace
  });
});
