/**
 * cpp_reference/include compiles warning-free (-Wall -Wextra -Werror) as C++14 and C++17, with g++ and
 * with clang++ when installed, and the API self-test (every public operation, spec §13's tricky cases,
 * result types) passes. With $AP_INCLUDE the same self-test runs against the vendor's headers.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { HLSQ_AP_INCLUDE } from '../../src/codegen/refHarness.js';

const SELFTEST = path.join(import.meta.dirname, 'fixtures', 'api_selftest.cpp');
const INCLUDE = process.env.AP_INCLUDE ?? HLSQ_AP_INCLUDE;
const OURS = INCLUDE === HLSQ_AP_INCLUDE;
const work = mkdtempSync(path.join(tmpdir(), 'hlsq-headers-'));

async function available(cxx: string): Promise<boolean> {
  try {
    await execa(cxx, ['--version']);
    return true;
  } catch {
    return false;
  }
}

const COMPILERS = ['g++', 'clang++'];
const PRESENT = new Map(await Promise.all(COMPILERS.map(async (c) => [c, await available(c)] as const)));

describe.each(COMPILERS)('%s', (cxx) => {
  const present = PRESENT.get(cxx) ?? false;
  describe.each(['c++14', 'c++17'])('-std=%s', (std) => {
    it.skipIf(!present)('compiles without a single warning and the API self-test passes', async () => {
      const exe = path.join(work, `selftest-${cxx}-${std}`);
      const flags = OURS ? ['-Wall', '-Wextra', '-Werror'] : ['-w'];
      const build = await execa(cxx, [`-std=${std}`, ...flags, `-I${INCLUDE}`, SELFTEST, '-o', exe], { reject: false, all: true });
      expect(build.all, `${cxx} -std=${std} output`).toBe('');
      expect(build.exitCode).toBe(0);
      const run = await execa(exe, [], { reject: false });
      expect(run.stdout).toBe('0 failed');
      expect(run.exitCode).toBe(0);
    }, 600_000);
  });
});

describe.skipIf(!OURS)('AP_INT_MAX_W', () => {
  const src = path.join(import.meta.dirname, 'fixtures', 'max_width.cpp');
  it('rejects ap_fixed wider than the default 1024 at compile time', async () => {
    const r = await execa('g++', ['-std=c++14', '-fsyntax-only', `-I${INCLUDE}`, src], { reject: false, all: true });
    expect(r.exitCode).not.toBe(0);
    expect(r.all).toContain('exceeds AP_INT_MAX_W');
  }, 300_000);
  it('accepts it when AP_INT_MAX_W is raised', async () => {
    const exe = path.join(work, 'maxw');
    const r = await execa('g++', ['-std=c++14', '-Wall', '-Wextra', '-Werror', '-DAP_INT_MAX_W=4096', `-I${INCLUDE}`, src, '-o', exe], { reject: false, all: true });
    expect(r.all).toBe('');
    const run = await execa(exe, [], { reject: false });
    expect(run.stdout).toBe('0x1p2000 exponent-wraps');
  }, 300_000);
});
