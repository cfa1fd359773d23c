import { execa } from 'execa';
import { join } from 'node:path';

export const repoRoot = join(import.meta.dirname, '..', '..');

/** Run the built CLI; never throws on a non-zero exit, so tests can assert on it. */
export async function runCli(args: string[], opts: { cwd?: string; input?: string; env?: Record<string, string> } = {}) {
  const r = await execa('node', [join(repoRoot, 'dist', 'cli', 'main.js'), ...args], {
    cwd: opts.cwd ?? repoRoot,
    input: opts.input,
    env: opts.env,
    reject: false,
  });
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode ?? -1 };
}
