import type { Command } from 'commander';
import {
  allModeOutcomes,
  inspectNumber,
  parseInputNumber,
  summarizeType,
  type InspectedValue,
  type TypeSummary,
} from '../../emulator/inspect.js';
import { InvalidArgumentError } from '../../emulator/errors.js';
import { parseType, type ApType, type OverflowMode, type QuantMode } from '../../emulator/types.js';

const QUANT_MEANING: Record<QuantMode, string> = {
  AP_TRN: 'truncate toward -inf (floor)',
  AP_TRN_ZERO: 'truncate toward zero',
  AP_RND: 'round to nearest, ties toward +inf',
  AP_RND_ZERO: 'round to nearest, ties toward zero',
  AP_RND_MIN_INF: 'round to nearest, ties toward -inf',
  AP_RND_INF: 'round to nearest, ties away from zero',
  AP_RND_CONV: 'round to nearest, ties to even',
};

const OVERFLOW_MEANING: Record<OverflowMode, string> = {
  AP_WRAP: 'wrap around (two\'s complement)',
  AP_SAT: 'saturate to min/max',
  AP_SAT_ZERO: 'overflow gives zero',
  AP_SAT_SYM: 'saturate symmetrically to ±max',
  AP_WRAP_SM: 'sign-magnitude wrap',
};

export function register(program: Command): void {
  program
    .command('inspect')
    .description('show how values convert into a type: quantized value, raw bits, error, neighbours, range')
    .argument('<type>', "the vendor's spelling, e.g. 'ap_fixed<16,6,AP_RND_CONV,AP_SAT>' (quote it in the shell)")
    .argument('[values...]', 'values to convert, as C++ double literals (1.25, -3e-2, 0x1f, nan, inf)')
    .option('--all-modes', 'also show every quantization x overflow mode outcome for each value')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `\nExamples:\n  hlsq inspect 'ap_fixed<8,4,AP_RND_CONV,AP_SAT>' 0.1 -3.25 100\n  hlsq inspect 'ap_ufixed<6,2>' 1.3 --all-modes\n`,
    )
    .action((typeText: string, values: string[], opts: { allModes?: boolean; json?: boolean }) => {
      const type = parseType(typeText);
      const xs = values.map((v, i) => parseInputNumber(v, `values[${i}]`));
      if (opts.allModes && type.kind !== 'fixed') {
        throw new InvalidArgumentError('--all-modes', type.toString(), 'an ap_fixed or ap_ufixed type (ap_int has no modes)');
      }
      const summary = summarizeType(type);
      const inspected = xs.map((x) => inspectNumber(type, x));
      if (opts.json) {
        const modes = opts.allModes && type.kind === 'fixed' ? xs.map((x) => allModeOutcomes(type, x)) : undefined;
        process.stdout.write(JSON.stringify({ type: summary, values: inspected, modes }, bigintReplacer, 2) + '\n');
        return;
      }
      process.stdout.write(formatSummary(type, summary));
      values.forEach((text, i) => {
        process.stdout.write('\n' + formatValue(text, inspected[i]!, summary));
        if (opts.allModes && type.kind === 'fixed') process.stdout.write(formatModeTable(allModeOutcomes(type, xs[i]!), type));
      });
    });
}

function bigintReplacer(_key: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}

function pow2(n: number): string {
  return n === 0 ? '1' : `2^${n}`;
}

function formatSummary(t: ApType, s: TypeSummary): string {
  const lines = [t.toString()];
  if (t.kind === 'fixed') {
    lines.push(
      `  ${s.signed ? 'signed' : 'unsigned'}, W=${s.width}: I=${s.intBits} integer bits${s.signed ? ' (incl. sign)' : ''}, F=${s.fracBits} fraction bits` +
        `   (quantizers: k=${s.kif!.k} i=${s.kif!.i} f=${s.kif!.f})`,
    );
  } else {
    lines.push(`  ${s.signed ? 'signed' : 'unsigned'} ${s.width}-bit integer`);
  }
  lines.push(`  range [${s.min}, ${s.max}], LSB ${s.lsb} = ${pow2(-s.fracBits)}, raw codes ${s.minRaw}..${s.maxRaw}`);
  if (t.kind === 'fixed') {
    lines.push(`  quantization ${t.quant}: ${QUANT_MEANING[t.quant]}`);
    const n = t.satBits > 0 ? `, top ${t.satBits} bit(s) saturate` : '';
    lines.push(`  overflow ${t.overflow}: ${OVERFLOW_MEANING[t.overflow]}${n}`);
  } else {
    lines.push('  from a double: truncate toward zero, then wrap');
  }
  return lines.join('\n') + '\n';
}

function group(bits: string): string {
  // nibbles from the LSB end, so hex and binary line up
  return bits.replace(/\B(?=(\d{4})+$)/g, '_');
}

function formatValue(text: string, v: InspectedValue, s: TypeSummary): string {
  const lines = [`  ${text}`];
  lines.push(`    value    ${v.value}${v.events.includes('exact') ? '   (exact)' : ''}`);
  lines.push(`    raw      ${v.raw}   bin ${group(v.binary)}   hex 0x${v.hex}`);
  if (v.error !== null && !v.events.includes('exact')) {
    const sign = v.error.startsWith('-') ? '' : '+';
    const lsb = v.errorLsb === null ? '' : `  (${v.errorLsb >= 0 ? '+' : ''}${formatLsb(v.errorLsb)} LSB)`;
    lines.push(`    error    ${sign}${v.error}${lsb}`);
  }
  const nb = (n: { raw: bigint; value: string } | null) => (n ? `${n.value} (raw ${n.raw})` : 'none');
  const outside = v.events.filter((e) => e === 'overflow' || e === 'underflow' || e === 'wrapped');
  if (v.below && v.above) {
    const label = v.events.includes('rounded') ? 'between ' : 'next to ';
    lines.push(`    ${label} ${nb(v.below)}  and  ${nb(v.above)}`);
  } else if (v.below || v.above) {
    lines.push(`    ${outside.length ? 'nearest ' : 'next to '} ${nb(v.below ?? v.above)}`);
  }
  if (v.events.includes('tie')) lines.push('    tie      the input is exactly halfway: the rounding modes differ here');
  if (outside.length) lines.push(`    ${outside.join(', ')}: the input lies outside [${s.min}, ${s.max}]`);
  if (Number.isFinite(v.input) && v.inputExact !== text.trim().replace(/^\+/, '')) {
    lines.push(`    note     the input is the double ${v.inputExact}`);
  }
  for (const q of v.quirks) lines.push(`    vendor   ${q.quirk === null ? '' : `quirk #${q.quirk}: `}${q.text}`);
  return lines.join('\n') + '\n';
}

function formatLsb(x: number): string {
  return Math.abs(x) >= 1e6 ? x.toExponential(3) : String(Number(x.toPrecision(4)));
}

function formatModeTable(outcomes: ReturnType<typeof allModeOutcomes>, own: { quant: string; overflow: string }): string {
  const overflows = [...new Set(outcomes.map((o) => o.overflow))];
  const quants = [...new Set(outcomes.map((o) => o.quant))];
  const cell = (q: string, o: string) => {
    const v = outcomes.find((x) => x.quant === q && x.overflow === o)?.value ?? '';
    return q === own.quant && o === own.overflow ? `${v} *` : v;
  };
  const header = ['', ...overflows];
  const rows = quants.map((q) => [q, ...overflows.map((o) => cell(q, o))]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => '    ' + cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return ['', line(header), ...rows.map(line), '    (* = the type\'s own modes)'].join('\n') + '\n';
}
