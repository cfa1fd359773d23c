import type { Command } from 'commander';
import { InvalidArgumentError } from '../../emulator/errors.js';
import { VERSION } from '../version.js';
import { cIdentifier, intOption, inputFiles, numberOption, outputDir, printWarnings, writingTo } from './options.js';

export function register(program: Command): void {
  program
    .command('build')
    .description('generate a Vitis/Vivado HLS project with a self-checking testbench and golden vectors from a model')
    .argument('<model>', 'model file (hlsq-model JSON, docs/model-format.md)')
    .requiredOption('--out <dir>', 'output directory (replaced atomically)')
    .option('--top <name>', "top function and project name (default: the model's name)")
    .option('--strategy <s>', 'latency or resource', 'latency')
    .option('--reuse-factor <n>', 'reuse factor (an invalid one is an error listing the valid ones)', '1')
    .option('--io <type>', 'parallel (arrays as ports) or stream (hls::stream per tensor, DATAFLOW)', 'parallel')
    .option('--samples <n>', 'golden samples with random input codes', '100')
    .option('--seed <s>', 'seed of the random input codes', '1')
    .option('--input <file...>', 'real-valued inputs from .npy (one per model input: name=file.npy)')
    .option('--trace', "also write every layer's codes and compare them under `make trace`")
    .option('--no-packed', 'do not write <tensor>_packed.hex')
    .option('--no-host', 'do not generate the TypeScript host module')
    .option('--part <part>', 'FPGA part for Vitis HLS', 'xcvu13p-flga2577-2-e')
    .option('--clock <ns>', 'clock period in ns', '5')
    .option('--json', 'print the summary as JSON')
    .action(async (modelPath: string, o: Record<string, unknown>) => {
      const strategy = o.strategy as string;
      if (strategy !== 'latency' && strategy !== 'resource') throw new InvalidArgumentError('--strategy', strategy, 'latency or resource');
      const io = o.io as string;
      if (io !== 'parallel' && io !== 'stream') throw new InvalidArgumentError('--io', io, 'parallel or stream');
      const clock = numberOption('--clock', o.clock, 'a positive number of ns');
      if (!(clock > 0)) throw new InvalidArgumentError('--clock', o.clock, 'a positive number of ns');
      const part = o.part as string;
      // the part goes into the Tcl scripts as one word
      if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(part)) throw new InvalidArgumentError('--part', part, 'an FPGA part name, e.g. xcvu13p-flga2577-2-e');
      // the library is loaded on use, so every command starts without loading every other's dependencies
      // (the host module generator loads ts-morph, the TypeScript compiler: only when it is used)
      const { buildProject } = await import('../../codegen/build.js');
      const hostModuleFiles = o.host !== false ? (await import('../../codegen/host.js')).hostModuleFiles : undefined;
      const out = outputDir('--out', o.out as string);
      const summary = writingTo('--out', out, () => buildProject(modelPath, {
        out,
        ...(o.top !== undefined ? { top: cIdentifier('--top', o.top as string) } : {}),
        strategy,
        reuseFactor: intOption('--reuse-factor', o.reuseFactor, 1),
        io,
        samples: intOption('--samples', o.samples, 1),
        seed: intOption('--seed', o.seed, Number.MIN_SAFE_INTEGER),
        npy: inputFiles(o.input as string[] | undefined),
        trace: !!o.trace,
        packed: o.packed !== false,
        part,
        clockPeriod: clock,
        version: VERSION,
        ...(hostModuleFiles ? { extras: (plan) => hostModuleFiles(plan, VERSION) } : {}),
      }));
      if (o.json) {
        process.stdout.write(JSON.stringify({ ...summary, manifest: undefined }, null, 2) + '\n');
        return;
      }
      const lines = [
        `hlsq build: ${summary.top} -> ${summary.out} (${summary.files.length} files)`,
        ...summary.layers.map((l) => `  ${l.id.padEnd(20)} ${l.kind.padEnd(18)} ${l.result}`),
        `  golden vectors: ${summary.samples} samples (${summary.inputSource})`,
        `  next: hlsq csim ${summary.out}`,
      ];
      process.stdout.write(lines.join('\n') + '\n');
      printWarnings(summary.warnings);
    });
}
