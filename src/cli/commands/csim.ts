import type { Command } from 'commander';
import { InvalidArgumentError } from '../../emulator/errors.js';
import { VERSION } from '../version.js';

export function register(program: Command): void {
  program
    .command('csim')
    .description('C-simulate a generated project with g++ (no Vitis): compile, run the testbench, report bit-exact pass/fail')
    .argument('<dir>', 'a project written by `hlsq build`')
    .option('--trace', 'also compare every layer with tb_data/trace/ (default: when the project has traces)')
    .option('--no-trace', 'compare only the outputs')
    .option('--verilog', 'also write tb/<top>_tb.v, a Verilog testbench skeleton reading the same .hex files')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nEnvironment: CXX (default g++), AP_INCLUDE (a folder with the vendor\'s ap_int.h/ap_fixed.h; default hlsq\'s own).')
    .action(async (dir: string, o: Record<string, unknown>) => {
      // the library is loaded on use, so every command starts without loading every other's dependencies
      const [{ csim, projectInfo }, { writeVerilogTestbench }] = await Promise.all([import('../../codegen/csim.js'), import('../../codegen/verilog.js')]);
      // an explicit --trace on a project without traces would compare only the outputs and still pass
      if (o.trace === true && !projectInfo(dir).hasTrace) {
        throw new InvalidArgumentError('--trace', `project ${dir} without layer traces`, 'a project built with --trace, or no --trace');
      }
      if (o.verilog) {
        const path = writeVerilogTestbench(dir, VERSION);
        process.stdout.write(`hlsq csim: wrote ${path}\n`);
      }
      const r = await csim(dir, o.trace === undefined ? {} : { trace: !!o.trace });
      const res = r.run.result;
      if (o.json) {
        process.stdout.write(
          JSON.stringify({ top: r.top, passed: r.passed, compiler: r.toolchain.version, apInclude: r.apInclude, compileSeconds: r.compile.seconds, runSeconds: r.run.seconds, result: res }, null, 2) + '\n',
        );
      } else {
        const warnings = r.compile.warnings.trim();
        if (warnings) process.stdout.write(`  compiler output:\n${warnings.split('\n').slice(0, 20).map((l) => `    ${l}`).join('\n')}\n`);
        const out = r.run.stdout.trim().split('\n').filter((l) => l.startsWith('MISMATCH'));
        for (const l of out) process.stdout.write(`  ${l}\n`);
        if (r.run.stderr.trim()) process.stdout.write(`  ${r.run.stderr.trim()}\n`);
        const counts = res ? `${res.samples} samples, ${res.compared} elements compared, ${res.mismatches} mismatches` : `no result file (exit status ${r.run.exitCode})`;
        process.stdout.write(
          `hlsq csim: ${r.top}: ${r.passed ? 'PASS' : 'FAIL'}, ${counts}\n` +
            `  ${r.toolchain.version}; headers ${r.apInclude}; compile ${r.compile.seconds.toFixed(1)} s, run ${r.run.seconds.toFixed(2)} s\n`,
        );
      }
      if (!r.passed) process.exitCode = 1;
    });
}
