import type { Command } from 'commander';
import { VERSION } from '../version.js';
import { InvalidArgumentError } from '../../emulator/errors.js';
import { cIdentifier, inputFiles, intOption, outputDir, writingTo } from './options.js';

export function register(program: Command): void {
  program
    .command('golden')
    .description("write golden vectors (input, output and optionally every layer's codes) and their manifest")
    .argument('<model>', 'model file (hlsq-model JSON)')
    .requiredOption('--out <dir>', 'output directory (replaced atomically), e.g. <project>/tb_data')
    .option('--random <n>', 'samples of random input codes over each input type', '100')
    .option('--samples <n>', 'same as --random')
    .option('--seed <s>', 'seed of the random input codes', '1')
    .option('--input <file...>', 'real-valued inputs from .npy (one per model input: name=file.npy)')
    .option('--top <name>', 'top name recorded in the manifest')
    .option('--trace', "also write every layer's codes (trace/<layer>.hex)")
    .option('--no-packed', 'do not write <tensor>_packed.hex')
    .action(async (modelPath: string, o: Record<string, unknown>, cmd: Command) => {
      // --random has a default, so only an explicit one conflicts with --samples
      if (o.samples !== undefined && cmd.getOptionValueSource('random') === 'cli' && o.samples !== o.random) {
        throw new InvalidArgumentError('--samples', o.samples, `the same count as --random ${String(o.random)}, or only one of them`);
      }
      // the library is loaded on use, so every command starts without loading every other's dependencies
      const { writeGolden } = await import('../../codegen/build.js');
      const out = outputDir('--out', o.out as string);
      const r = writingTo('--out', out, () => writeGolden(modelPath, {
        out,
        samples: intOption(o.samples !== undefined ? '--samples' : '--random', o.samples ?? o.random, 1),
        seed: intOption('--seed', o.seed, Number.MIN_SAFE_INTEGER),
        npy: inputFiles(o.input as string[] | undefined),
        trace: !!o.trace,
        packed: o.packed !== false,
        ...(o.top !== undefined ? { top: cIdentifier('--top', o.top as string) } : {}),
        version: VERSION,
      }));
      const lines = [
        `hlsq golden: ${r.samples} samples -> ${r.out} (${r.files.length} files, ${r.inputSource})`,
        ...r.manifest.tensors.map((t) => `  ${t.role.padEnd(6)} ${t.name.padEnd(20)} [${t.shape.join(', ')}] ${t.cppType}`),
        ...(r.manifest.trace.length ? [`  trace  ${r.manifest.trace.length} layers`] : []),
      ];
      process.stdout.write(lines.join('\n') + '\n');
    });
}
