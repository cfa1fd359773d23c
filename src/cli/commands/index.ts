import type { Command } from 'commander';
import { register as registerBuild } from './build.js';
import { register as registerCsim } from './csim.js';
import { register as registerGolden } from './golden.js';
import { register as registerImport } from './import.js';
import { register as registerInspect } from './inspect.js';
import { register as registerVectors } from './vectors.js';
import { register as registerQuantizers } from './quantizers.js';
import { register as registerRun } from './run.js';
import { register as registerReport } from './report.js';

/**
 * Every command registers itself here, in the order `hlsq --help` lists them. Each command file exports
 * `register(program)`; add one import and one line per command.
 */
export function registerAll(program: Command): void {
  registerInspect(program);
  registerVectors(program);
  registerQuantizers(program);
  registerImport(program);
  registerRun(program);
  registerReport(program);
  registerBuild(program);
  registerGolden(program);
  registerCsim(program);
}
