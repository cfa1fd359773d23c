#!/usr/bin/env node
/**
 * The hlsq command line. Parses arguments, calls the library, prints. Holds no logic of its own: each
 * command lives in commands/<name>.ts and exports `register(program)`.
 */
import { Command, CommanderError } from 'commander';
import { HlsqError } from '../emulator/errors.js';
import { registerAll } from './commands/index.js';
import { VERSION } from './version.js';

const program = new Command();
program
  .name('hlsq')
  .description('Bit-exact emulation of Vitis/Vivado HLS arbitrary-precision types, quantizers and HLS code generation')
  .version(VERSION)
  // A usage error is one line like every other bad input (commander may add a second, e.g. "Did you mean").
  .configureOutput({
    outputError: (str, write) => {
      const msg = str.replace(/^error: /, '').trim().replace(/\s*\n\s*/g, ' ');
      // commander takes -inf / -nan for options (it knows only digits as negative numbers)
      const value = /^unknown option '-(inf|infinity|nan)'$/i.test(msg) ? '; a value: put -- before the values, e.g. -- -inf' : '';
      write(`hlsq: ${msg}${value} (run with --help for usage)\n`);
    },
  })
  .exitOverride();

registerAll(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = reportError(err);
}

/** One line on stderr, no stack trace, and the exit status. */
function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // commander has already printed its message (or the help/version text); a usage error is bad input,
    // so it exits 2 like the others (1 means a check ran and failed)
    return err.exitCode === 0 ? 0 : 2;
  }
  if (err instanceof HlsqError || err instanceof RangeError || err instanceof TypeError) {
    process.stderr.write(`hlsq: ${err.message}\n`);
    if (process.env.HLSQ_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    return 2;
  }
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e === 'object' && typeof e.code === 'string' && e.message) {
    process.stderr.write(`hlsq: ${e.message}\n`);
    return 2;
  }
  process.stderr.write(`hlsq: internal error: ${String((err as Error)?.message ?? err)}\n`);
  if (process.env.HLSQ_DEBUG) process.stderr.write(`${(err as Error)?.stack}\n`);
  return 1;
}
