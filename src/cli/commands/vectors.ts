import type { Command } from 'commander';
import { InvalidArgumentError } from '../../emulator/errors.js';
import { checkFiles, ENGINES, formatReport, type CppEngine, type Engine } from '../../emulator/vectors/check.js';
import { apfixedFamily, type VectorFamily } from '../../emulator/vectors/family.js';
import { quantizersFamily } from '../../quantizers/vectors.js';
import { intOption } from './options.js';

/**
 * Every record family `vectors check` knows; a record none of them accepts is an error. A new family
 * is one import and one entry here.
 */
export const VECTOR_FAMILIES: readonly VectorFamily[] = [apfixedFamily, quantizersFamily];

/** The comparison modes some record family understands (the quantizers family's NumPy-compatible path). */
export const COMPAT_MODES: readonly string[] = ['quantizers'];

/** Where the C++ reference harness lives (loaded only for --engine cpp/both). */
const REF_HARNESS_MODULE = '../../codegen/refHarness.js';

/** The harness's batch runner, or a clear error when it is not built into this hlsq. */
export async function loadCppEngine(): Promise<CppEngine> {
  let mod: { runCppEngine?: unknown };
  try {
    mod = (await import(REF_HARNESS_MODULE)) as { runCppEngine?: unknown };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || /Cannot find module|Failed to load url|does not provide/.test(String(err))) {
      throw new InvalidArgumentError('--engine', 'cpp', `emulator (the cpp engine is not available: ${REF_HARNESS_MODULE} is missing)`);
    }
    throw err;
  }
  if (typeof mod.runCppEngine !== 'function') {
    throw new InvalidArgumentError('--engine', 'cpp', 'emulator (the cpp engine is not available: refHarness has no runCppEngine)');
  }
  return mod.runCppEngine as CppEngine;
}

export interface VectorsCheckOptions {
  engine: string;
  compat?: string;
  maxFailuresShown: string;
}

/** `hlsq vectors check`: returns the printed lines and the exit status (0 only when nothing failed). */
export async function runVectorsCheck(files: string[], opts: VectorsCheckOptions): Promise<{ lines: string[]; status: number }> {
  if (!(ENGINES as readonly string[]).includes(opts.engine)) {
    throw new InvalidArgumentError('--engine', opts.engine, ENGINES.join(', '));
  }
  const engine = opts.engine as Engine;
  const shown = intOption('--max-failures-shown', opts.maxFailuresShown, 0);
  // checked here, not per record: a family that ignores --compat would otherwise pass silently
  if (opts.compat !== undefined && !COMPAT_MODES.includes(opts.compat)) {
    throw new InvalidArgumentError('--compat', opts.compat, `one of ${COMPAT_MODES.join(', ')} (or no --compat for the exact semantics)`);
  }
  const cppEngine = engine === 'emulator' ? undefined : await loadCppEngine();
  const report = await checkFiles(files, VECTOR_FAMILIES, { engine, cppEngine, compat: opts.compat, maxFailuresShown: shown });
  const disagree = report.disagreementCount ?? 0;
  return { lines: formatReport(report), status: report.failed === 0 && disagree === 0 ? 0 : 1 };
}

export function register(program: Command): void {
  const vectors = program.command('vectors').description('golden-vector files produced by external references');
  vectors
    .command('check')
    .description('run golden-vector files (.jsonl or .jsonl.gz) and report per op; exit 0 only when nothing failed')
    .argument('<files...>', 'vector files, e.g. test/golden/apfixed_public.jsonl.gz')
    .option('--engine <engine>', 'emulator, cpp (the C++ reference harness) or both (also reports disagreements)', 'emulator')
    .option('--compat <mode>', 'comparison mode passed to the record families (quantizers: the NumPy-compatible path)')
    .option('--max-failures-shown <n>', 'failing cases listed per op', '1')
    .action(async (files: string[], opts: VectorsCheckOptions) => {
      const { lines, status } = await runVectorsCheck(files, opts);
      process.stdout.write(lines.join('\n') + '\n');
      process.exitCode = status;
    });
}
