import type { Command } from 'commander';
import { basename } from 'node:path';
import { InvalidArgumentError } from '../../emulator/errors.js';
import { parseType } from '../../emulator/types.js';
import { forArgument, isFiniteNumberText, outputFile, readInputFile, writingTo } from './options.js';

interface ImportCliOptions {
  out?: string;
  inputType?: string;
  name?: string;
  sidecar?: boolean;
  quantizers?: boolean;
  evaluate?: string;
  evaluateOut?: string;
  inputScale?: string;
  check?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('import')
    .description('import a QONNX model (Brevitas / FINN / QKeras export) into an hlsq model')
    .argument('<model.onnx>', 'the QONNX/ONNX file')
    .option('-o, --out <model.json>', 'write the hlsq model here')
    .option('--input-type <type>', "the model input's fixed-point type, e.g. 'ap_ufixed<16,1,AP_RND_CONV,AP_SAT>' (default: from a Quant on the input)")
    .option('--name <name>', 'model name (default: the file name)')
    .option('--sidecar', 'store weight codes in <model>.bin next to the JSON')
    .option('--quantizers', 'list every quantizer node and its hlsq format (ap_fixed type or minifloat) instead of importing')
    .option('--evaluate <x.npy>', 'run the QONNX graph (float reference semantics) on the samples of a .npy file (batch axis first)')
    .option('--evaluate-out <y.npy>', 'where --evaluate writes the graph output (float64 .npy)')
    .option('--check <x.npy>', 'after importing, run the QONNX graph and the imported model on these samples and compare the outputs')
    .option('--input-scale <k>', 'scale the --evaluate / --check samples first: a number or a fraction (1/255 for 8-bit pixels)')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        "  hlsq import TFC_2W2A.onnx --out tfc.json --input-type 'ap_ufixed<16,1,AP_RND_CONV,AP_SAT>'\n" +
        '  hlsq import qonnx_act_weight_fp8.onnx --quantizers\n' +
        '  hlsq import qonnx_act_weight_fp8.onnx --evaluate input.npy --evaluate-out y.npy\n',
    )
    .action(async (file: string, o: ImportCliOptions) => {
      // the library is loaded on use, so every command starts without loading every other's dependencies
      const [{ readOnnx }, { checkImport, evaluateQonnx, importQonnx, qonnxQuantizers }, { saveModel }, { npyToFloat64, readNpy, writeNpy }] = await Promise.all([
        import('../../import/onnx.js'),
        import('../../import/qonnx/index.js'),
        import('../../model/save.js'),
        import('../../model/npy.js'),
      ]);
      const report: Record<string, unknown> = { file };
      // Every argument is checked before anything is computed, and files are written only after every
      // step has succeeded: a failing step leaves no output file behind.
      const bytes = readInputFile('<model.onnx>', file, 'a QONNX/ONNX file');
      if (o.evaluateOut !== undefined && !o.evaluate) throw new InvalidArgumentError('--evaluate-out', o.evaluateOut, 'to be given with --evaluate <x.npy>');
      if (o.evaluateOut !== undefined) outputFile('--evaluate-out', o.evaluateOut);
      if (o.check !== undefined && !o.out) throw new InvalidArgumentError('--check', o.check, 'to be given with --out <model.json> (it checks the imported model)');
      if (o.out !== undefined) outputFile('--out', o.out);
      if (o.name !== undefined && o.name.trim() === '') throw new InvalidArgumentError('--name', o.name, 'a non-empty model name');
      if (o.inputType !== undefined) forArgument('--input-type', () => parseType(o.inputType!));
      const scale = inputScale(o);
      const lines: string[] = [];
      const writes: (() => void)[] = [];
      if (o.quantizers) {
        const qs = qonnxQuantizers(readOnnx(bytes, file));
        report.quantizers = qs.map((q) => ({
          node: q.node,
          op: q.op,
          input: q.input,
          scale: q.scale ?? 'per channel',
          ...(q.op === 'Quant' ? { bits: q.bits, signed: q.signed, narrow: q.narrow, rounding: q.rounding, type: q.type?.toString() ?? 'none (non-power-of-two scale or no ap mode)' } : {}),
          ...(q.op === 'FloatQuant' ? { format: q.format.toString(), preset: q.preset ?? 'none', e: q.format.e, m: q.format.m, bias: q.format.bias, max: q.format.maxValue, overflow: q.format.overflow } : {}),
        }));
        for (const q of report.quantizers as Record<string, unknown>[]) lines.push(Object.entries(q).map(([k, v]) => `${k}=${v}`).join('  '));
      }
      if (o.evaluate) {
        const graph = readOnnx(bytes, file);
        if (graph.inputs.length !== 1) throw new InvalidArgumentError('--evaluate', o.evaluate, 'a model with one graph input');
        const arr = readNpy(o.evaluate);
        const x = npyToFloat64(arr, o.evaluate).map((v) => Math.fround(scale(v)));
        const input = graph.inputs[0]!;
        const perSample = (input.dims ?? []).slice(1);
        const n = arr.shape[0] ?? 1;
        const size = perSample.reduce((a, b) => a * b, 1);
        if (x.length !== n * size) throw new InvalidArgumentError('--evaluate', `shape [${arr.shape}]`, `[N, ${perSample.join(', ')}] samples for input ${input.name}`);
        const outs: number[] = [];
        let outShape: number[] = [];
        for (let s = 0; s < n; s++) {
          const env = evaluateQonnx(graph, { [input.name]: { dims: [1, ...perSample], data: x.slice(s * size, (s + 1) * size), kind: 'float32' } });
          const y = env.get(graph.outputs[0]!.name)!;
          outShape = y.dims.slice(1);
          outs.push(...y.data);
        }
        report.evaluated = { samples: n, output: graph.outputs[0]!.name, shape: [n, ...outShape] };
        const evaluateOut = o.evaluateOut;
        if (evaluateOut) writes.push(() => writingTo('--evaluate-out', evaluateOut, () => writeNpy(evaluateOut, Float64Array.from(outs), [n, ...outShape])));
        lines.push(`evaluated ${n} sample(s) through the QONNX graph${evaluateOut ? ` -> ${evaluateOut}` : ''}`);
      }
      if (!o.quantizers && !o.evaluate || o.out) {
        if (!o.out) throw new InvalidArgumentError('--out', undefined, 'a path for the hlsq model JSON');
        const out = o.out;
        const r = importQonnx(file, { inputType: o.inputType, name: o.name });
        if (o.check) {
          const arr = readNpy(o.check);
          const x = npyToFloat64(arr, o.check).map((v) => scale(v));
          const c = forArgument(`--check ${o.check}`, () => checkImport(r, x, arr.shape[0] ?? 1));
          report.check = c;
          lines.push(`check ${o.check}: ${c.samples} samples, ${c.equal}/${c.compared} output values equal to the QONNX graph's (${c.output}), max |difference| ${c.maxAbsDiff}`);
        }
        const sidecar = basename(out).replace(/\.json$/, '') + '.bin';
        writes.push(() => writingTo('--out', out, () => saveModel(r.loaded, out, o.sidecar ? { sidecar: { file: sidecar } } : {})));
        report.model = out;
        report.layers = r.model.layers.length;
        report.notes = r.notes;
        lines.push(`imported ${file}: ${r.model.layers.length} layers -> ${out}`);
        for (const [kind, count] of countKinds(r.model.layers.map((l) => l.kind))) lines.push(`  ${kind} x${count}`);
        for (const note of r.notes) lines.push(`note: ${note}`);
      }
      for (const write of writes) write();
      if (o.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else if (lines.length) process.stdout.write(lines.join('\n') + '\n');
    });
}

/** The sample scaling as a function: `k` multiplies, `a/b` multiplies by a then divides by b (1/255 exactly as v / 255). */
function inputScale(o: ImportCliOptions): (v: number) => number {
  if (o.inputScale === undefined) return (v) => v;
  const m = /^\s*([-+0-9.eE]+)\s*\/\s*([-+0-9.eE]+)\s*$/.exec(o.inputScale);
  const allowed = 'a finite number or a fraction a/b, e.g. 1/255';
  const [ta, tb] = m ? [m[1]!, m[2]!] : [o.inputScale, '1'];
  if (!isFiniteNumberText(ta) || !isFiniteNumberText(tb) || Number(tb) === 0) throw new InvalidArgumentError('--input-scale', o.inputScale, allowed);
  const [a, b] = [Number(ta), Number(tb)];
  return (v) => (v * a) / b;
}

function countKinds(kinds: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of kinds) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}
