import { Command } from 'commander';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { register } from '../../src/cli/commands/quantizers.js';

async function run(args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  register(program);
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  try {
    await program.parseAsync(['node', 'hlsq', 'quantizers', 'diff', ...args]);
  } finally {
    spy.mockRestore();
  }
  return out;
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('hlsq quantizers diff', () => {
  test('lists disagreements by class', async () => {
    const out = await run(['--values', '0.49999999999999994,1.5', '--k', '1', '--i', '3', '--f', '0', '--round', 'RND', '--overflow', 'SAT']);
    expect(out).toContain('2 values, 1 disagree');
    expect(out).toMatch(/F8 \(1\)/);
    expect(out).toContain('exact=0  compat=1');
  });
  test('types in the vendor spelling, random input, JSON', async () => {
    const out = await run(['--random', '1000', '--seed', '3', '--type', 'ap_fixed<1,1,AP_RND,AP_SAT_SYM>', '--json']);
    const r = JSON.parse(out) as { count: number; byClass: Record<string, unknown[]> };
    expect(r.count).toBe(1000);
    expect(Object.keys(r.byClass)).toEqual(['F1']);
  });
  test('bad options give clear errors', async () => {
    await expect(run(['--values', '1'])).rejects.toThrow(/exactly one of --type/);
    await expect(run(['--values', '1', '--type', 'ap_fixed<8,3,AP_TRN,AP_SAT_ZERO>'])).rejects.toThrow(/--type/);
  });
});
