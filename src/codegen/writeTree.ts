/**
 * A generated tree appears whole or not at all: every file is written under a sibling temporary
 * directory, which then replaces the target in two renames. An error before the swap leaves the target
 * untouched and removes the temporary directory.
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InvalidArgumentError } from '../emulator/errors.js';

export type FileTree = ReadonlyMap<string, string | Uint8Array>;

export function writeTreeAtomically(outDir: string, files: FileTree): void {
  const target = resolve(outDir);
  if (existsSync(target) && !statSync(target).isDirectory()) {
    throw new InvalidArgumentError('--out', outDir, 'a directory path (a file of that name exists)');
  }
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const stamp = `${process.pid}-${Date.now().toString(36)}`;
  const temp = join(parent, `.${basename(target)}.tmp-${stamp}`);
  const old = join(parent, `.${basename(target)}.old-${stamp}`);
  try {
    mkdirSync(temp);
    for (const [rel, content] of [...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (rel.startsWith('/') || rel.split('/').includes('..')) throw new RangeError(`generated path escapes the output: ${rel}`);
      const file = join(temp, rel);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
    if (existsSync(target)) renameSync(target, old);
    renameSync(temp, target);
  } catch (err) {
    rmSync(temp, { recursive: true, force: true });
    if (existsSync(old) && !existsSync(target)) renameSync(old, target);
    throw err;
  }
  rmSync(old, { recursive: true, force: true });
}
