import type { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from '../../emulator/errors.js';
import type { NpyArray } from '../../model/npy.js';
import { inputFiles, outputDir, outputFile, writingTo } from './options.js';

interface RunCliOptions {
  input?: string[];
  output?: string[];
  trace?: string;
  codes?: boolean;
  check?: boolean;
}

/** A progress bar on stderr, only when stderr is a terminal. */
function progressBar(): ((done: number, total: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  const start = Date.now();
  return (done, total) => {
    const width = 30;
    const filled = Math.round((done / Math.max(total, 1)) * width);
    const rate = done / Math.max((Date.now() - start) / 1000, 1e-3);
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} samples, ${Math.round(rate)}/s`);
    if (done >= total) process.stderr.write('\n');
  };
}

export function register(program: Command): void {
  program
    .command('run')
    .description('bit-exact inference of an hlsq model on .npy inputs')
    .argument('<model.json>', 'the hlsq model')
    .requiredOption('--input <x.npy...>', 'input samples (batch axis first); for several model inputs: <name>=<file.npy>')
    .requiredOption('--output <y.npy...>', "output file(s): the final tensor's real values as float64; for several outputs: <name>=<file.npy>")
    .option('--trace <dir>', "write every layer's output codes as int64 <dir>/<layer>.npy")
    .option('--codes', 'the input arrays hold integer codes of the input types, not real values')
    .option('--check', 'checking mode: stop at the first product or partial sum outside its accumulator type')
    .addHelpText('after', '\nExample:\n  hlsq run examples/jet_tagging_mlp/model.json --input x.npy --output y.npy --trace trace/\n')
    .action(async (file: string, o: RunCliOptions) => {
      // the library is loaded on use, so every command starts without loading every other's dependencies
      const [{ runArrays }, { loadModel }, { readNpy, writeNpy }] = await Promise.all([
        import('../../model/arrays.js'),
        import('../../model/load.js'),
        import('../../model/npy.js'),
      ]);
      const model = loadModel(file);
      const files = inputFiles(o.input);
      const inputs: Record<string, NpyArray> = {};
      for (const [name, f] of Object.entries(files)) {
        const key = name || (model.inputs.length === 1 ? model.inputs[0]!.name : '');
        if (!key) throw new InvalidArgumentError('--input', f, `<name>=<file.npy> for each of the inputs ${model.inputs.map((i) => i.name).join(', ')}`);
        if (!model.inputs.some((i) => i.name === key)) throw new InvalidArgumentError('--input', name, `one of the model inputs ${model.inputs.map((i) => i.name).join(', ')}`);
        if (key in inputs) throw new InvalidArgumentError('--input', f, `one file per model input (${key} is given twice)`);
        inputs[key] = readNpy(f);
      }
      const outFiles: Record<string, string> = {};
      for (const item of o.output ?? []) {
        const eq = item.indexOf('=');
        const [name, f] = eq > 0 && !item.slice(0, eq).includes('/') ? [item.slice(0, eq), item.slice(eq + 1)] : ['', item];
        if (!f.endsWith('.npy')) throw new InvalidArgumentError('--output', item, 'a .npy file, optionally as <output name>=<file.npy>');
        const key = name || (model.outputs.length === 1 ? model.outputs[0]! : '');
        if (!model.outputs.includes(key)) throw new InvalidArgumentError('--output', item, `<name>=<file.npy> with name one of ${model.outputs.join(', ')}`);
        if (key in outFiles) throw new InvalidArgumentError('--output', item, `one file per model output (${key} is given twice)`);
        outFiles[key] = outputFile('--output', f);
      }
      if (o.trace !== undefined) outputDir('--trace', o.trace);
      // Everything is computed before anything is written: no partial output on an error.
      const res = runArrays(model, inputs, { codes: o.codes, check: o.check, trace: !!o.trace, onProgress: progressBar() });
      // the trace directory first: if it cannot be made, no output file has been written yet
      const trace = o.trace;
      if (trace) writingTo('--trace', trace, () => mkdirSync(trace, { recursive: true }));
      for (const out of res.outputs) {
        const f = outFiles[out.name];
        if (f) writingTo('--output', f, () => writeNpy(f, out.data, out.shape));
      }
      if (o.trace) {
        for (const t of res.trace) writingTo('--trace', o.trace, () => writeNpy(join(o.trace!, `${t.name}.npy`), t.data, t.shape));
        for (const s of res.skipped) process.stderr.write(`hlsq: warning: trace of ${s} not written (codes wider than int64)\n`);
      }
      process.stderr.write(`hlsq run: ${res.batch} samples${o.trace ? `, ${res.trace.length} layer traces in ${o.trace}` : ''}\n`);
    });
}
