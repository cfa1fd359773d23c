import type { Command } from 'commander';
import { InvalidArgumentError } from '../../emulator/errors.js';
import { parseFloatType } from '../../emulator/minifloat.js';
import { parseType } from '../../emulator/types.js';
import { DISAGREEMENT_CLASSES, normalSamples, parseDiffValues, quantizerDiff, type DiffFormat } from '../../quantizers/index.js';
import { forArgument, intOption, numberOption } from './options.js';

interface DiffOptions {
  values?: string;
  npy?: string;
  random?: string;
  seed: string;
  scale: string;
  float32?: boolean;
  type?: string;
  k?: string;
  i?: string;
  f?: string;
  round: string;
  overflow: string;
  minifloat?: string;
  binary?: boolean;
  examples: string;
  json?: boolean;
}

/** The most --random samples: the input and the two results are held as float64 arrays at once. */
const MAX_RANDOM = 2 ** 27;

function num(text: string | undefined, name: string): number {
  const v = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isFinite(v)) throw new InvalidArgumentError(name, text, 'a number');
  return v;
}

function formatOf(o: DiffOptions): DiffFormat {
  const given = [o.type !== undefined, o.k !== undefined || o.i !== undefined || o.f !== undefined, o.minifloat !== undefined, !!o.binary].filter(Boolean).length;
  if (given !== 1) throw new InvalidArgumentError('format', `${given} of the format options`, 'exactly one of --type, --k/--i/--f, --minifloat m,e,e0 or --binary');
  if (o.binary) return { kind: 'binary' };
  if (o.minifloat !== undefined) {
    const p = o.minifloat.split(',');
    if (p.length < 2 || p.length > 3) throw new InvalidArgumentError('--minifloat', o.minifloat, 'm,e[,e0]');
    return { kind: 'minifloat', m: num(p[0], '--minifloat m'), e: num(p[1], '--minifloat e'), e0: p[2] === undefined ? 0 : num(p[2], '--minifloat e0') };
  }
  if (o.type !== undefined) {
    if (/^\s*ap_float/.test(o.type)) {
      const t = parseFloatType(o.type);
      return { kind: 'minifloat', m: t.m, e: t.e, e0: t.e0 };
    }
    const t = parseType(o.type);
    if (t.kind !== 'fixed' || t.satBits !== 0 || t.overflow === 'AP_SAT_ZERO') {
      throw new InvalidArgumentError('--type', o.type, 'ap_fixed<W,I,Q,O> / ap_ufixed<...> with O in AP_WRAP, AP_SAT, AP_SAT_SYM, AP_WRAP_SM (no N), or ap_float<m,e,e0>');
    }
    return { kind: 'fixed', k: t.k, i: t.i, f: t.f, round: t.quant.slice(3), overflow: t.overflow.slice(3) };
  }
  return { kind: 'fixed', k: num(o.k, '--k'), i: num(o.i, '--i'), f: num(o.f, '--f'), round: o.round, overflow: o.overflow };
}

async function inputOf(o: DiffOptions): Promise<Float64Array | Float32Array> {
  const given = [o.values !== undefined, o.npy !== undefined, o.random !== undefined].filter(Boolean).length;
  if (given !== 1) throw new InvalidArgumentError('input', `${given} of the input options`, 'exactly one of --values a,b,c, --npy file.npy or --random N');
  let x: Float64Array | Float32Array;
  if (o.values !== undefined) x = forArgument('--values', () => parseDiffValues(o.values!));
  else if (o.npy !== undefined) {
    // loaded on use: the model room's .npy reader brings the model format with it
    const { npyToFloat64, readNpy } = await import('../../model/npy.js');
    const a = readNpy(o.npy);
    x = a.data instanceof Float32Array ? a.data : npyToFloat64(a, o.npy);
  } else {
    const n = intOption('--random', o.random, 0, MAX_RANDOM);
    x = normalSamples(n, intOption('--seed', o.seed, Number.MIN_SAFE_INTEGER), numberOption('--scale', o.scale, 'a finite number >= 0 (a standard deviation)'));
  }
  return o.float32 && !(x instanceof Float32Array) ? Float32Array.from(x) : x;
}

export function register(program: Command): void {
  const q = program.command('quantizers').description('the quantizers-compatible API (exact vs NumPy-compatible semantics)');
  q.command('diff')
    .description('list where exact and compat (NumPy quantizers) results disagree, grouped by disagreement class')
    .option('--values <list>', 'comma-separated input values')
    .option('--npy <file>', 'a .npy array (float32 arrays are float32 input)')
    .option('--random <n>', 'n normally distributed values (n at most 2^27)')
    .option('--seed <s>', 'seed for --random', '0')
    .option('--scale <s>', 'standard deviation for --random', '4')
    .option('--float32', 'treat the input as float32 (rounds it to float32 first)')
    .option('--type <type>', "a type: 'ap_fixed<16,6,AP_RND_CONV,AP_SAT>', 'ap_ufixed<...>' or 'ap_float<3,4,0>'")
    .option('--k <k>', 'keep_negative (0 or 1)')
    .option('--i <i>', 'integer bits excluding the sign')
    .option('--f <f>', 'fractional bits')
    .option('--round <mode>', 'rounding mode with --k/--i/--f', 'TRN')
    .option('--overflow <mode>', 'overflow mode with --k/--i/--f', 'WRAP')
    .option('--minifloat <m,e,e0>', 'minifloat parameters')
    .option('--binary', 'the binary quantizer')
    .option('--examples <n>', 'examples listed per class', '3')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', "\nExamples:\n  hlsq quantizers diff --values 0.49999999999999994,2.5 --k 1 --i 3 --f 0 --round RND --overflow SAT\n  hlsq quantizers diff --random 100000 --seed 1 --type 'ap_fixed<8,1,AP_RND,AP_WRAP>'\n")
    .action(async (o: DiffOptions) => {
      const shown = intOption('--examples', o.examples, 0);
      if (Number(o.scale) < 0) throw new InvalidArgumentError('--scale', o.scale, 'a finite number >= 0 (a standard deviation)');
      const report = quantizerDiff(await inputOf(o), formatOf(o));
      if (o.json) {
        process.stdout.write(JSON.stringify(report, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2) + '\n');
        return;
      }
      const lines = [`${report.format}: ${report.count} values, ${report.disagreements} disagree`];
      for (const [cls, list] of Object.entries(report.byClass)) {
        lines.push(`  ${cls} (${list.length}): ${DISAGREEMENT_CLASSES[cls] ?? ''}`);
        for (const d of list.slice(0, shown)) {
          lines.push(`    [${d.index}] x=${d.x}  exact=${d.exact === null ? '(throws)' : d.exact}  compat=${d.compat}`);
        }
      }
      process.stdout.write(lines.join('\n') + '\n');
      if (report.byClass.unclassified) process.exitCode = 1;
    });
}
