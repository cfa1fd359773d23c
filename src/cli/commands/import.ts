import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { InvalidArgumentError } from '../../emulator/errors.js';
import { readOnnx } from '../../import/onnx.js';
import { checkImport, evaluateQonnx, importQonnx, qonnxQuantizers } from '../../import/qonnx/index.js';
import { saveModel } from '../../model/save.js';
import { npyToFloat64, readNpy, writeNpy } from '../../model/npy.js';

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
    .action((file: string, o: ImportCliOptions) => {
      const report: Record<string, unknown> = { file };
      if (o.quantizers) {
        const qs = qonnxQuantizers(readOnnx(readFileSync(file), file));
        report.quantizers = qs.map((q) => ({
          node: q.node,
          op: q.op,
          input: q.input,
          scale: q.scale ?? 'per channel',
          ...(q.op === 'Quant' ? { bits: q.bits, signed: q.signed, narrow: q.narrow, rounding: q.rounding, type: q.type?.toString() ?? 'none (non-power-of-two scale or no ap mode)' } : {}),
          ...(q.op === 'FloatQuant' ? { format: q.format.toString(), preset: q.preset ?? 'none', e: q.format.e, m: q.format.m, bias: q.format.bias, max: q.format.maxValue, overflow: q.format.overflow } : {}),
        }));
        if (!o.json) for (const q of report.quantizers as Record<string, unknown>[]) process.stdout.write(`${Object.entries(q).map(([k, v]) => `${k}=${v}`).join('  ')}\n`);
      }
      if (o.evaluate) {
        const graph = readOnnx(readFileSync(file), file);
        if (graph.inputs.length !== 1) throw new InvalidArgumentError('--evaluate', o.evaluate, 'a model with one graph input');
        const arr = readNpy(o.evaluate);
        const scale = inputScale(o);
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
        if (o.evaluateOut) writeNpy(o.evaluateOut, Float64Array.from(outs), [n, ...outShape]);
        if (!o.json) process.stdout.write(`evaluated ${n} sample(s) through the QONNX graph${o.evaluateOut ? ` -> ${o.evaluateOut}` : ''}\n`);
      }
      if (!o.quantizers && !o.evaluate || o.out) {
        if (!o.out) throw new InvalidArgumentError('--out', undefined, 'a path for the hlsq model JSON');
        const r = importQonnx(file, { inputType: o.inputType, name: o.name });
        saveModel(r.loaded, o.out, o.sidecar ? { sidecar: { file: basename(o.out).replace(/\.json$/, '') + '.bin' } } : {});
        report.model = o.out;
        report.layers = r.model.layers.length;
        report.notes = r.notes;
        if (o.check) {
          const arr = readNpy(o.check);
          const scale = inputScale(o);
          const x = npyToFloat64(arr, o.check).map((v) => scale(v));
          const c = checkImport(r, x, arr.shape[0] ?? 1);
          report.check = c;
          if (!o.json) {
            process.stdout.write(`check ${o.check}: ${c.samples} samples, ${c.equal}/${c.compared} output values equal to the QONNX graph's (${c.output}), max |difference| ${c.maxAbsDiff}\n`);
          }
        }
        if (!o.json) {
          process.stdout.write(`imported ${file}: ${r.model.layers.length} layers -> ${o.out}\n`);
          for (const [kind, count] of countKinds(r.model.layers.map((l) => l.kind))) process.stdout.write(`  ${kind} x${count}\n`);
          for (const note of r.notes) process.stdout.write(`note: ${note}\n`);
        }
      }
      if (o.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    });
}

/** The sample scaling as a function: `k` multiplies, `a/b` multiplies by a then divides by b (1/255 exactly as v / 255). */
function inputScale(o: ImportCliOptions): (v: number) => number {
  if (o.inputScale === undefined) return (v) => v;
  const m = /^\s*([-+0-9.eE]+)\s*\/\s*([-+0-9.eE]+)\s*$/.exec(o.inputScale);
  const [a, b] = m ? [Number(m[1]), Number(m[2])] : [Number(o.inputScale), 1];
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) throw new InvalidArgumentError('--input-scale', o.inputScale, 'a finite number or a fraction a/b, e.g. 1/255');
  return (v) => (v * a) / b;
}

function countKinds(kinds: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of kinds) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}
