/** Option parsing shared by the commands: each bad value is an InvalidArgumentError naming the option. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { sanitize } from '../../codegen/names.js';
import { HlsqError, InvalidArgumentError } from '../../emulator/errors.js';

export function intOption(name: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const s = String(v);
  const allowed =
    min === Number.MIN_SAFE_INTEGER && max === Number.MAX_SAFE_INTEGER
      ? 'an integer within ±2^53'
      : max === Number.MAX_SAFE_INTEGER
        ? `an integer >= ${min}`
        : `an integer from ${min} to ${max}`;
  if (!/^-?\d+$/.test(s)) throw new InvalidArgumentError(name, s, allowed);
  const n = Number(s);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(name, s, allowed);
  return n;
}

/** Decimal or exponent text of a finite number (not NaN, Infinity, hex or empty text, which Number() takes as 0). */
export function isFiniteNumberText(s: string): boolean {
  return /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(s) && Number.isFinite(Number(s));
}

export function numberOption(name: string, v: unknown, allowed = 'a finite number'): number {
  const s = String(v);
  if (!isFiniteNumberText(s)) throw new InvalidArgumentError(name, s, allowed);
  return Number(s);
}

/** The bytes of an input file named by an argument; a missing file or a directory names the argument. */
export function readInputFile(argument: string, path: string, expected: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InvalidArgumentError(argument, path, `${expected} (no such file)`);
    if (code === 'EISDIR') throw new InvalidArgumentError(argument, path, `${expected} (it is a directory)`);
    if (code === 'EACCES') throw new InvalidArgumentError(argument, path, `${expected} (permission denied)`);
    throw err;
  }
}

/** Runs `f`; a library error in it is prefixed with the argument it came from (e.g. `--input-type: W: got 0, ...`). */
export function forArgument<T>(argument: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if ((err instanceof HlsqError || err instanceof RangeError) && !err.message.startsWith(argument)) err.message = `${argument}: ${err.message}`;
    throw err;
  }
}

/** `--input x.npy` (single-input model) or `--input name=x.npy ...`. */
export function inputFiles(list: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list ?? []) {
    const eq = item.indexOf('=');
    const [name, file] = eq > 0 && !item.slice(0, eq).includes('/') ? [item.slice(0, eq), item.slice(eq + 1)] : ['', item];
    if (!file.endsWith('.npy')) throw new InvalidArgumentError('--input', item, 'a .npy file, optionally as <input name>=<file.npy>');
    // a second file for the same input would silently replace the first
    if (name in out) throw new InvalidArgumentError('--input', item, `one file per model input (${name ? `input ${name}` : 'the input'} is given twice; use <input name>=<file.npy> for several inputs)`);
    out[name] = file;
  }
  return out;
}

/**
 * An output file path, checked before any work is done: its directory must exist and the path must not
 * be a directory. (The write itself goes through a temp file and a rename, so a failure leaves nothing.)
 */
export function outputFile(option: string, path: string): string {
  if (path.trim() === '') throw new InvalidArgumentError(option, path, 'a file path');
  if (existsSync(path) && statSync(path).isDirectory()) throw new InvalidArgumentError(option, path, 'a file path (a directory of that name exists)');
  const dir = dirname(resolve(path));
  if (!existsSync(dir)) throw new InvalidArgumentError(option, path, `a file in an existing directory (${dirname(path)} does not exist)`);
  if (!statSync(dir).isDirectory()) throw new InvalidArgumentError(option, path, `a file in an existing directory (${dirname(path)} is not a directory)`);
  return path;
}

/**
 * Runs the write of an output: a file system error on that output (an unwritable directory, a full disk)
 * names the option and the path the user gave, not the temp file the atomic write was making.
 */
export function writingTo<T>(option: string, path: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const target = resolve(path);
    const at = typeof e?.path === 'string' ? resolve(e.path) : '';
    const ours = at === target || at.startsWith(`${target}/`) || (dirname(at) === dirname(target) && basename(at).startsWith(`.${basename(target)}.`));
    if (typeof e?.code === 'string' && ours) throw new InvalidArgumentError(option, path, `a path hlsq can write (${e.syscall ?? 'write'} failed: ${e.code})`);
    throw err;
  }
}

/** An output directory path (created with its parents): neither it nor an existing ancestor may be a file. */
export function outputDir(option: string, path: string): string {
  if (path.trim() === '') throw new InvalidArgumentError(option, path, 'a directory path');
  let p = resolve(path);
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  if (!statSync(p).isDirectory()) {
    const what = p === resolve(path) ? 'a file of that name exists' : `${p} is a file`;
    throw new InvalidArgumentError(option, path, `a directory path (${what})`);
  }
  return path;
}

/** A name used as the C++ top function and project name: taken as given, never silently rewritten. */
export function cIdentifier(option: string, v: string): string {
  if (sanitize(v) !== v) {
    throw new InvalidArgumentError(option, v, 'a C++ identifier: letters, digits and _, starting with a letter, not a C++ keyword');
  }
  return v;
}

export function printWarnings(warnings: readonly string[]): void {
  for (const w of warnings) process.stderr.write(`hlsq: warning: ${w}\n`);
}
