/** Option parsing shared by the codegen commands (build, golden, csim). */
import { InvalidArgumentError } from '../../emulator/errors.js';

export function intOption(name: string, v: unknown, min: number): number {
  const s = String(v);
  if (!/^-?\d+$/.test(s)) throw new InvalidArgumentError(name, s, `an integer >= ${min}`);
  const n = Number(s);
  if (!Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(name, s, `an integer >= ${min}`);
  return n;
}

/** `--input x.npy` (single-input model) or `--input name=x.npy ...`. */
export function inputFiles(list: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list ?? []) {
    const eq = item.indexOf('=');
    const [name, file] = eq > 0 && !item.slice(0, eq).includes('/') ? [item.slice(0, eq), item.slice(eq + 1)] : ['', item];
    if (!file.endsWith('.npy')) throw new InvalidArgumentError('--input', item, 'a .npy file, optionally as <input name>=<file.npy>');
    out[name] = file;
  }
  return out;
}

export function printWarnings(warnings: readonly string[]): void {
  for (const w of warnings) process.stderr.write(`hlsq: warning: ${w}\n`);
}
