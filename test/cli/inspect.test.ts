import { describe, expect, test } from 'vitest';
import { runCli } from '../support/cli.js';

describe('hlsq inspect', () => {
  test('shows value, raw bits, error and neighbours', async () => {
    const r = await runCli(['inspect', 'ap_fixed<8,4,AP_RND_CONV,AP_SAT>', '0.1', '100']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('range [-8, 7.9375], LSB 0.0625 = 2^-4');
    expect(r.stdout).toMatch(/value\s+0\.125\n\s+raw\s+2\s+bin 0000_0010\s+hex 0x02/);
    expect(r.stdout).toMatch(/between\s+0\.0625 \(raw 1\)\s+and\s+0\.125 \(raw 2\)/);
    expect(r.stdout).toContain('overflow: the input lies outside [-8, 7.9375]');
  });

  test('--all-modes prints a quantization x overflow table', async () => {
    const r = await runCli(['inspect', 'ap_fixed<4,2>', '1.9', '--all-modes']);
    expect(r.exitCode).toBe(0);
    // spec §2.5: AP_RND rounds 1.9 to 2.0, then AP_SAT gives 1.75 and AP_WRAP gives -2
    expect(r.stdout).toMatch(/AP_RND\s+1\.75\s+0\s+1\.75\s+-2\s/);
  });

  test('--json is machine readable', async () => {
    const r = await runCli(['inspect', 'ap_ufixed<4,4,AP_RND,AP_WRAP,2>', '-19', '--json']);
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.values[0].raw).toBe('13');
    expect(j.values[0].quirks[0].quirk).toBe(1);
  });

  test('bad input is one line naming the argument, exit status 2', async () => {
    const bad = await runCli(['inspect', 'ap_fixed<0,4>', '1']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^hlsq: W: got 0, expected an integer width from 1 to 32768/);
    const v = await runCli(['inspect', 'ap_int<8>', 'x1']);
    expect(v.exitCode).toBe(2);
    expect(v.stderr).toMatch(/values\[0\]: got "x1"/);
  });
});
