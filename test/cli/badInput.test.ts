/**
 * The bad-input contract of the whole CLI (README, "Commands"; developer guide): every bad argument,
 * file or option value ends with exit status 2 and exactly one line on stderr that names the argument,
 * what was given and what is allowed; no stack trace, nothing on stdout (so no NaN or half a report),
 * and no output file, partial file or stray temp file left behind.
 *
 * One row per case. Each case runs the built CLI in a directory of its own holding only the shared
 * fixtures it links to, so "nothing was written" is checked as "the directory lists the same entries
 * (hidden ones included) before and after", plus the files a row names as `absent` or `unchanged`.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { encodeNpy } from '../../src/model/npy.js';
import { runCli, repoRoot } from '../support/cli.js';
import { buildOnnx, type GraphSpec } from '../import/helpers.js';

const root = mkdtempSync(join(tmpdir(), 'hlsq-cli-bad-'));
const fixtures = join(root, 'fixtures');
mkdirSync(fixtures);
const MODEL = join(repoRoot, 'examples', 'jet_tagging_mlp', 'model.json'); // one input [16], output softmax [5]
const GOLDEN = join(repoRoot, 'test', 'golden', 'apfixed_public.jsonl.gz');

/** A .npy file with the header NumPy would write for `descr` and `shape`, then `body`. */
function npyWithHeader(descr: string, shape: number[], body: Buffer, fortran = false): Buffer {
  const dict = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  // magic, version and length take 10 bytes; the header pads the total to a multiple of 64
  const header = dict + ' '.repeat((64 - ((10 + dict.length + 1) % 64)) % 64) + '\n';
  const pre = Buffer.from([0x93, ...Buffer.from('NUMPY'), 1, 0, header.length & 255, header.length >> 8]);
  return Buffer.concat([pre, Buffer.from(header, 'latin1'), body]);
}

const QUANT_ATTRS = { signed: { i: 1 }, narrow: { i: 0 }, rounding_mode: { s: 'ROUND' } } as const;
const onnxSpec: GraphSpec = {
  inputs: [{ name: 'x', dims: [1, 4] }],
  outputs: ['y'],
  initializers: {
    s: { dims: [], data: [0.125] },
    z: { dims: [], data: [0] },
    b: { dims: [], data: [8] },
    w: { dims: [4, 3], data: [0.5, -0.25, 1, 0, 0.75, -1, 0.125, 0.5, -0.5, 1, 0.25, -0.75] },
  },
  nodes: [
    { op: 'Quant', name: 'q_in', inputs: ['x', 's', 'z', 'b'], output: 'xq', attrs: QUANT_ATTRS },
    { op: 'MatMul', name: 'fc1', inputs: ['xq', 'w'], output: 'y' },
  ],
};

const model = JSON.parse(readFileSync(MODEL, 'utf8')) as { inputs: { type: string }[]; layers: { weights?: { codes: unknown[] } }[] };
const withZeroWidth = structuredClone(model);
withZeroWidth.inputs[0]!.type = 'ap_fixed<0,3>';
const withShortWeights = structuredClone(model);
withShortWeights.layers[0]!.weights!.codes = withShortWeights.layers[0]!.weights!.codes.slice(0, 10);
const withWordCode = structuredClone(model);
withWordCode.layers[0]!.weights!.codes[5] = 'x';

const seq = (n: number, f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));
const FIXTURES: Record<string, string | Uint8Array> = {
  'x16.npy': encodeNpy(seq(4 * 16, (i) => (i % 7) - 3.5), [4, 16]),
  'x15.npy': encodeNpy(seq(4 * 15, () => 0.5), [4, 15]),
  'xnan.npy': encodeNpy(seq(2 * 16, (i) => (i === 3 ? NaN : 1)), [2, 16]),
  'xfrac.npy': encodeNpy(seq(2 * 16, () => 0.25), [2, 16]),
  'x4.npy': encodeNpy(Float32Array.from({ length: 12 }, (_, i) => i / 8), [3, 4]),
  'x5.npy': encodeNpy(new Float32Array(15), [3, 5]),
  'complex.npy': npyWithHeader('<c8', [2, 16], Buffer.alloc(2 * 16 * 8)),
  'bigendian.npy': npyWithHeader('>f8', [2, 16], Buffer.alloc(2 * 16 * 8)),
  'fortran.npy': npyWithHeader('<f8', [2, 16], Buffer.alloc(2 * 16 * 8), true),
  'garbage.npy': 'garbage',
  'truncated.npy': encodeNpy(seq(64, () => 1), [4, 16]).subarray(0, 40),
  'empty.txt': '',
  'not-json.json': '{"format": "hlsq-model", "version": 1,',
  'zero-width.json': JSON.stringify(withZeroWidth),
  'short-weights.json': JSON.stringify(withShortWeights),
  'word-code.json': JSON.stringify(withWordCode),
  'good.onnx': buildOnnx(onnxSpec),
  'not-onnx.onnx': 'hello, this is text\n',
  'record.jsonl': '{"op":"int_add"}\n',
  'not-json.jsonl': '{not json\n',
  'not-gzip.jsonl.gz': gzipSync(Buffer.from('{"op":"int_add"}\n'.repeat(200))).subarray(0, 30),
  'a-file': 'not a directory\n',
  'project-bad-json/tb_data/manifest.json': '{bad',
  'project-null/tb_data/manifest.json': 'null',
  'project-no-trace/tb_data/manifest.json': '{"top": "t", "trace": []}',
  'project-no-trace/firmware/t.cpp': '',
};
for (const [name, content] of Object.entries(FIXTURES)) {
  mkdirSync(join(fixtures, name, '..'), { recursive: true });
  writeFileSync(join(fixtures, name), content);
}
mkdirSync(join(fixtures, 'a-dir'));

interface Case {
  /** Arguments after `hlsq`, run in the case's own directory (fixtures are linked there by name). */
  argv: string[];
  /** What the one stderr line must match (after `hlsq: `). */
  error: RegExp;
  /** Files the case's directory starts with besides the fixture links (e.g. an output that already exists). */
  before?: Record<string, string>;
  /** Paths (relative to the case directory) that must not exist afterwards. */
  absent?: string[];
}

const BAD: Record<string, Record<string, Case>> = {
  'usage (commander)': {
    'unknown command': { argv: ['bogus'], error: /^unknown command 'bogus'/ },
    'unknown option': { argv: ['inspect', 'ap_fixed<8,3>', '1', '--bogus'], error: /^unknown option '--bogus'/ },
    'missing argument': { argv: ['report'], error: /^missing required argument 'model\.json'/ },
    'missing required option': { argv: ['run', MODEL, '--input', 'x16.npy'], error: /^required option '--output <y\.npy\.\.\.>' not specified/ },
    'too many arguments': { argv: ['report', MODEL, 'extra'], error: /^too many arguments for 'report'/ },
    '-inf taken for an option': { argv: ['inspect', 'ap_fixed<8,3>', '-inf'], error: /^unknown option '-inf'; a value: put -- before the values/ },
  },
  inspect: {
    'zero width': { argv: ['inspect', 'ap_fixed<0,3>', '1'], error: /^W: got 0, expected an integer width from 1 to 32768$/ },
    'unknown quantization mode': { argv: ['inspect', 'ap_fixed<16,6,AP_FOO>', '1'], error: /^Q: got "AP_FOO", expected one of AP_RND, .*AP_TRN_ZERO$/ },
    'unknown overflow mode': { argv: ['inspect', 'ap_fixed<16,6,AP_RND,AP_BAR>', '1'], error: /^O: got "AP_BAR", expected one of AP_SAT, / },
    'unclosed type': { argv: ['inspect', 'ap_fixed<16,6', '1'], error: /^type: cannot parse "ap_fixed<16,6", expected ap_int<W>/ },
    'value not a number': { argv: ['inspect', 'ap_fixed<16,6>', '1', 'abc'], error: /^values\[1\]: got "abc", expected a decimal number/ },
    '--all-modes on ap_int': { argv: ['inspect', 'ap_int<8>', '1', '--all-modes'], error: /^--all-modes: got "ap_int<8>", expected an ap_fixed or ap_ufixed type/ },
  },
  'vectors check': {
    'no such file': { argv: ['vectors', 'check', 'missing.jsonl'], error: /^vector file missing\.jsonl: no such file$/ },
    'a directory': { argv: ['vectors', 'check', 'a-dir'], error: /^vector file a-dir: is a directory, expected a \.jsonl or \.jsonl\.gz file$/ },
    'empty file': { argv: ['vectors', 'check', 'empty.txt'], error: /^vector file empty\.txt: no records, expected one JSON record per line$/ },
    'not JSON': { argv: ['vectors', 'check', 'not-json.jsonl'], error: /^not-json\.jsonl line 1: cannot parse "\{not json", expected one JSON object per line/ },
    'truncated gzip': { argv: ['vectors', 'check', 'not-gzip.jsonl.gz'], error: /^vector file not-gzip\.jsonl\.gz: corrupt gzip data after line \d+/ },
    'record without id': { argv: ['vectors', 'check', 'record.jsonl'], error: /^record\.jsonl line 1: record \?: field 'id': expected a non-empty string/ },
    'unknown engine': { argv: ['vectors', 'check', GOLDEN, '--engine', 'foo'], error: /^--engine: got "foo", expected emulator, cpp, both$/ },
    'unknown compat mode': { argv: ['vectors', 'check', GOLDEN, '--compat', 'foo'], error: /^--compat: got "foo", expected one of quantizers/ },
    'negative --max-failures-shown': { argv: ['vectors', 'check', GOLDEN, '--max-failures-shown', '-1'], error: /^--max-failures-shown: got "-1", expected an integer >= 0$/ },
    'empty --max-failures-shown': { argv: ['vectors', 'check', GOLDEN, '--max-failures-shown', ''], error: /^--max-failures-shown: got "", expected an integer >= 0$/ },
  },
  'quantizers diff': {
    'negative --random': { argv: ['quantizers', 'diff', '--random', '-3', '--k', '1', '--i', '3', '--f', '2'], error: /^--random: got "-3", expected an integer from 0 to \d+$/ },
    'fractional --random': { argv: ['quantizers', 'diff', '--random', '1.5', '--k', '1', '--i', '3', '--f', '2'], error: /^--random: got "1\.5", expected an integer/ },
    'huge --random': { argv: ['quantizers', 'diff', '--random', '1000000000000', '--k', '1', '--i', '3', '--f', '2'], error: /^--random: got "1000000000000", expected an integer from 0 to \d+$/ },
    'fractional --seed': { argv: ['quantizers', 'diff', '--random', '10', '--seed', '1.5', '--k', '1', '--i', '3', '--f', '2'], error: /^--seed: got "1\.5", expected an integer/ },
    'NaN --scale': { argv: ['quantizers', 'diff', '--random', '10', '--scale', 'NaN', '--k', '1', '--i', '3', '--f', '2'], error: /^--scale: got "NaN", expected a finite number >= 0/ },
    'negative --scale': { argv: ['quantizers', 'diff', '--random', '10', '--scale', '-1', '--k', '1', '--i', '3', '--f', '2'], error: /^--scale: got "-1", expected a finite number >= 0/ },
    'negative --examples': { argv: ['quantizers', 'diff', '--values', '1', '--k', '1', '--i', '3', '--f', '2', '--examples', '-1'], error: /^--examples: got "-1", expected an integer >= 0$/ },
    'empty item in --values': { argv: ['quantizers', 'diff', '--values', '1,,2', '--k', '1', '--i', '3', '--f', '2'], error: /^--values: values\[1\]: got "", expected a number/ },
    'word in --values': { argv: ['quantizers', 'diff', '--values', '1,nanx', '--k', '1', '--i', '3', '--f', '2'], error: /^--values: values\[1\]: got "nanx", expected a number/ },
    'unknown --round': { argv: ['quantizers', 'diff', '--values', '1', '--k', '1', '--i', '3', '--f', '2', '--round', 'FOO'], error: /^roundMode: got "FOO", expected one of TRN, RND/ },
    'unknown --overflow': { argv: ['quantizers', 'diff', '--values', '1', '--k', '1', '--i', '3', '--f', '2', '--overflow', 'BAR'], error: /^overflowMode: got "BAR", expected one of WRAP, SAT/ },
    '--type with bad mode': { argv: ['quantizers', 'diff', '--values', '1', '--type', 'ap_fixed<16,6,AP_FOO>'], error: /^Q: got "AP_FOO", expected one of/ },
    'no format': { argv: ['quantizers', 'diff', '--values', '1'], error: /^format: got "0 of the format options", expected exactly one of --type/ },
    '--minifloat with 4 parts': { argv: ['quantizers', 'diff', '--values', '1', '--minifloat', '1,2,3,4'], error: /^--minifloat: got "1,2,3,4", expected m,e\[,e0\]$/ },
    '--npy not a .npy': { argv: ['quantizers', 'diff', '--npy', 'garbage.npy', '--k', '1', '--i', '3', '--f', '2'], error: /^garbage\.npy: cannot parse "7 bytes", expected a \.npy file/ },
    '--npy missing': { argv: ['quantizers', 'diff', '--npy', 'missing.npy', '--k', '1', '--i', '3', '--f', '2'], error: /^npy file: got "missing\.npy", expected a readable file/ },
  },
  import: {
    'no such model file': { argv: ['import', 'missing.onnx', '--out', 'm.json'], error: /^<model\.onnx>: got "missing\.onnx", expected a QONNX\/ONNX file \(no such file\)$/, absent: ['m.json'] },
    'a directory as model': { argv: ['import', 'a-dir', '--out', 'm.json'], error: /^<model\.onnx>: got "a-dir", expected a QONNX\/ONNX file \(it is a directory\)$/, absent: ['m.json'] },
    'not ONNX': { argv: ['import', 'not-onnx.onnx', '--out', 'm.json'], error: /^not-onnx\.onnx: not a readable ONNX model/, absent: ['m.json'] },
    'no --out': { argv: ['import', 'good.onnx'], error: /^--out: got undefined, expected a path for the hlsq model JSON$/ },
    '--out in a missing directory': { argv: ['import', 'good.onnx', '--out', 'nodir/m.json'], error: /^--out: got "nodir\/m\.json", expected a file in an existing directory \(nodir does not exist\)$/, absent: ['nodir'] },
    '--out is a directory': { argv: ['import', 'good.onnx', '--out', 'a-dir'], error: /^--out: got "a-dir", expected a file path \(a directory of that name exists\)$/ },
    'zero-width --input-type': { argv: ['import', 'good.onnx', '--out', 'm.json', '--input-type', 'ap_fixed<0,3>'], error: /^--input-type: W: got 0, expected an integer width/, absent: ['m.json'] },
    '--evaluate-out without --evaluate': { argv: ['import', 'good.onnx', '--evaluate-out', 'y.npy'], error: /^--evaluate-out: got "y\.npy", expected to be given with --evaluate/, absent: ['y.npy'] },
    '--check of the wrong shape': {
      argv: ['import', 'good.onnx', '--out', 'm.json', '--sidecar', '--check', 'x5.npy'],
      error: /^--check x5\.npy: samples: got 15, expected 3 x 4 values for input x/,
      absent: ['m.json', 'm.bin'],
    },
    '--evaluate of the wrong shape': { argv: ['import', 'good.onnx', '--evaluate', 'x5.npy', '--evaluate-out', 'y.npy'], error: /^--evaluate: got "shape \[3,5\]", expected \[N, 4\] samples for input x$/, absent: ['y.npy'] },
    'a later step fails: no earlier output': {
      argv: ['import', 'good.onnx', '--evaluate', 'x4.npy', '--evaluate-out', 'y.npy', '--out', 'm.json', '--check', 'x5.npy'],
      error: /^--check x5\.npy: samples: got 15/,
      absent: ['y.npy', 'm.json'],
    },
    'empty --name': { argv: ['import', 'good.onnx', '--out', 'm.json', '--name', ''], error: /^--name: got "", expected a non-empty model name$/, absent: ['m.json'] },
    'empty --input-scale': { argv: ['import', 'good.onnx', '--evaluate', 'x4.npy', '--input-scale', ''], error: /^--input-scale: got "", expected a finite number or a fraction a\/b/ },
    '--input-scale 1/0': { argv: ['import', 'good.onnx', '--evaluate', 'x4.npy', '--input-scale', '1/0'], error: /^--input-scale: got "1\/0", expected a finite number or a fraction a\/b/ },
  },
  run: {
    'no such model': { argv: ['run', 'missing.json', '--input', 'x16.npy', '--output', 'y.npy'], error: /^missing\.json: cannot read model file: ENOENT/, absent: ['y.npy'] },
    'model is a directory': { argv: ['run', 'a-dir', '--input', 'x16.npy', '--output', 'y.npy'], error: /^a-dir: cannot read model file: EISDIR/, absent: ['y.npy'] },
    'model is empty': { argv: ['run', 'empty.txt', '--input', 'x16.npy', '--output', 'y.npy'], error: /^empty\.txt: not valid JSON/, absent: ['y.npy'] },
    'model is truncated JSON': { argv: ['run', 'not-json.json', '--input', 'x16.npy', '--output', 'y.npy'], error: /^not-json\.json: not valid JSON/, absent: ['y.npy'] },
    'input of the wrong shape': { argv: ['run', MODEL, '--input', 'x15.npy', '--output', 'y.npy'], error: /^input input_1: got "shape \(4, 15\)", expected \(batch, 16\) or \(16\)$/, absent: ['y.npy'] },
    'NaN in the input': { argv: ['run', MODEL, '--input', 'xnan.npy', '--output', 'y.npy'], error: /^input input_1\[3\]: got NaN, expected a finite number$/, absent: ['y.npy'] },
    'complex dtype': { argv: ['run', MODEL, '--input', 'complex.npy', '--output', 'y.npy'], error: /^complex\.npy dtype: cannot parse "<c8", expected little-endian '<f4', '<f8'/, absent: ['y.npy'] },
    'big-endian dtype': { argv: ['run', MODEL, '--input', 'bigendian.npy', '--output', 'y.npy'], error: /^bigendian\.npy dtype: cannot parse ">f8".*big-endian data/, absent: ['y.npy'] },
    'Fortran order': { argv: ['run', MODEL, '--input', 'fortran.npy', '--output', 'y.npy'], error: /^fortran\.npy: cannot parse "fortran_order: True", expected C order/, absent: ['y.npy'] },
    'truncated .npy': { argv: ['run', MODEL, '--input', 'truncated.npy', '--output', 'y.npy'], error: /^truncated\.npy: cannot parse "a truncated header", expected a complete \.npy header$/, absent: ['y.npy'] },
    'non-integer --codes': { argv: ['run', MODEL, '--input', 'xfrac.npy', '--output', 'y.npy', '--codes'], error: /^input input_1\[0\]: got 0\.25, expected an integer code \(--codes\)$/, absent: ['y.npy'] },
    '--output not .npy': { argv: ['run', MODEL, '--input', 'x16.npy', '--output', 'y.txt'], error: /^--output: got "y\.txt", expected a \.npy file/, absent: ['y.txt'] },
    '--output in a missing directory': { argv: ['run', MODEL, '--input', 'x16.npy', '--output', 'nodir/y.npy'], error: /^--output: got "nodir\/y\.npy", expected a file in an existing directory \(nodir does not exist\)$/ },
    '--output under a file': { argv: ['run', MODEL, '--input', 'x16.npy', '--output', 'a-file/y.npy'], error: /^--output: got "a-file\/y\.npy", expected a file in an existing directory \(a-file is not a directory\)$/ },
    // /proc takes no new files, even from root (a chmod'ed directory would not stop root, which CI runs as)
    '--output where nothing can be written': { argv: ['run', MODEL, '--input', 'x16.npy', '--output', '/proc/hlsq-y.npy'], error: /^--output: got "\/proc\/hlsq-y\.npy", expected a path hlsq can write \(open failed: E[A-Z]+\)$/ },
    '--trace is a file': { argv: ['run', MODEL, '--input', 'x16.npy', '--output', 'y.npy', '--trace', 'a-file'], error: /^--trace: got "a-file", expected a directory path \(a file of that name exists\)$/, absent: ['y.npy'] },
    'two files for one input': { argv: ['run', MODEL, '--input', 'x16.npy', 'x15.npy', '--output', 'y.npy'], error: /^--input: got "x15\.npy", expected one file per model input/, absent: ['y.npy'] },
    'two files for one output': { argv: ['run', MODEL, '--input', 'x16.npy', '--output', 'y.npy', 'z.npy'], error: /^--output: got "z\.npy", expected one file per model output \(softmax is given twice\)$/, absent: ['y.npy', 'z.npy'] },
    'unknown output name': { argv: ['run', MODEL, '--input', 'x16.npy', '--output', 'foo=y.npy'], error: /^--output: got "foo=y\.npy", expected <name>=<file\.npy> with name one of softmax$/, absent: ['y.npy'] },
    'an existing output is left as it was': { argv: ['run', MODEL, '--input', 'x15.npy', '--output', 'old.npy'], before: { 'old.npy': 'the previous result' }, error: /^input input_1: got "shape/ },
  },
  report: {
    'zero-width type in the model': { argv: ['report', 'zero-width.json'], error: /^zero-width\.json: inputs\[0\]\.type: W: got 0, expected an integer width/ },
    'too few weight codes': { argv: ['report', 'short-weights.json'], error: /^short-weights\.json: layers\[0\]\.weights: expected 16x64 values, got 10$/ },
    'a word as a weight code': { argv: ['report', 'word-code.json'], error: /^word-code\.json: layers\[0\]\.weights\.codes\[5\]: expected an integer code \(a JSON integer within ±2\^53 or a decimal string\), got "x"$/ },
    'a .npy as model': { argv: ['report', 'x16.npy'], error: /^x16\.npy: not valid JSON/ },
  },
  build: {
    'non-numeric --reuse-factor': { argv: ['build', MODEL, '--out', 'prj', '--reuse-factor', 'abc'], error: /^--reuse-factor: got "abc", expected an integer >= 1$/, absent: ['prj'] },
    'invalid --reuse-factor': { argv: ['build', MODEL, '--out', 'prj', '--reuse-factor', '5'], error: /^--reuse-factor \(layer dense_1, .*\): got 5, expected one of 1, 2, 4/, absent: ['prj'] },
    'unknown --strategy': { argv: ['build', MODEL, '--out', 'prj', '--strategy', 'fast'], error: /^--strategy: got "fast", expected latency or resource$/, absent: ['prj'] },
    'unknown --io': { argv: ['build', MODEL, '--out', 'prj', '--io', 'axi'], error: /^--io: got "axi", expected parallel or stream$/, absent: ['prj'] },
    'infinite --clock': { argv: ['build', MODEL, '--out', 'prj', '--clock', 'Infinity'], error: /^--clock: got "Infinity", expected a positive number of ns$/, absent: ['prj'] },
    'NaN --clock': { argv: ['build', MODEL, '--out', 'prj', '--clock', 'NaN'], error: /^--clock: got "NaN", expected a positive number of ns$/, absent: ['prj'] },
    'negative --samples': { argv: ['build', MODEL, '--out', 'prj', '--samples', '-3'], error: /^--samples: got "-3", expected an integer >= 1$/, absent: ['prj'] },
    'fractional --seed': { argv: ['build', MODEL, '--out', 'prj', '--seed', '1.5'], error: /^--seed: got "1\.5", expected an integer within ±2\^53$/, absent: ['prj'] },
    '--top not an identifier': { argv: ['build', MODEL, '--out', 'prj', '--top', 'my top'], error: /^--top: got "my top", expected a C\+\+ identifier/, absent: ['prj'] },
    '--top a keyword': { argv: ['build', MODEL, '--out', 'prj', '--top', 'int'], error: /^--top: got "int", expected a C\+\+ identifier/, absent: ['prj'] },
    'empty --part': { argv: ['build', MODEL, '--out', 'prj', '--part', ''], error: /^--part: got "", expected an FPGA part name/, absent: ['prj'] },
    '--out where nothing can be written': { argv: ['build', MODEL, '--out', '/proc/hlsq-prj'], error: /^--out: got "\/proc\/hlsq-prj", expected a path hlsq can write \(mkdir failed: E[A-Z]+\)$/ },
    '--out is a file': { argv: ['build', MODEL, '--out', 'a-file'], error: /^--out: got "a-file", expected a directory path \(a file of that name exists\)$/ },
    '--out under a file': { argv: ['build', MODEL, '--out', 'a-file/prj'], error: /^--out: got "a-file\/prj", expected a directory path \(.*a-file is a file\)$/ },
    '--input of the wrong shape': { argv: ['build', MODEL, '--out', 'prj', '--input', 'x15.npy'], error: /^--input x15\.npy: got \[4,15\], expected shape \[N, 16\] or \[16\] for input input_1$/, absent: ['prj'] },
    'more golden samples than fit in memory': { argv: ['build', MODEL, '--out', 'prj', '--samples', '500000'], error: /^--samples: got 500000, expected at most 399457 samples for this model \(21 codes per sample; golden vectors are limited to 8388608 codes per run/, absent: ['prj'] },
    '--input twice for the only input': { argv: ['build', MODEL, '--out', 'prj', '--input', 'x16.npy', 'input_1=x16.npy'], error: /^--input: got "x16\.npy", expected one file per model input \(input input_1 is also given by name\)$/, absent: ['prj'] },
    '--input for an unknown input': { argv: ['build', MODEL, '--out', 'prj', '--input', 'x16.npy', 'foo=x16.npy'], error: /^--input: got "foo=x16\.npy", expected a model input name: input_1$/, absent: ['prj'] },
    'an existing project is left as it was': { argv: ['build', MODEL, '--out', 'prj', '--input', 'xnan.npy'], before: { 'prj/keep.txt': 'an earlier build' }, error: /^xnan\.npy\[3\]: got NaN, expected a finite real value$/ },
  },
  golden: {
    'non-numeric --random': { argv: ['golden', MODEL, '--out', 'gold', '--random', 'abc'], error: /^--random: got "abc", expected an integer >= 1$/, absent: ['gold'] },
    '--samples and a different --random': { argv: ['golden', MODEL, '--out', 'gold', '--random', '5', '--samples', '7'], error: /^--samples: got "7", expected the same count as --random 5/, absent: ['gold'] },
    '--top not an identifier': { argv: ['golden', MODEL, '--out', 'gold', '--top', '1st'], error: /^--top: got "1st", expected a C\+\+ identifier/, absent: ['gold'] },
    '--input not .npy': { argv: ['golden', MODEL, '--out', 'gold', '--input', 'x16.txt'], error: /^--input: got "x16\.txt", expected a \.npy file/, absent: ['gold'] },
  },
  csim: {
    'no such directory': { argv: ['csim', 'missing-project'], error: /^project directory: got "missing-project", expected a project generated by `hlsq build` \(tb_data\/manifest\.json is missing\)$/ },
    'a file': { argv: ['csim', 'a-file'], error: /^project directory: got "a-file", expected a project generated by `hlsq build`/ },
    'manifest not JSON': { argv: ['csim', 'project-bad-json'], error: /^project directory: got "project-bad-json", expected .*manifest\.json is not readable JSON/ },
    '--trace on a project without traces': { argv: ['csim', 'project-no-trace', '--trace'], error: /^--trace: got "project project-no-trace without layer traces", expected a project built with --trace, or no --trace$/ },
    'manifest null, with --verilog': { argv: ['csim', 'project-null', '--verilog'], error: /^project directory: got "project-null", expected .*manifest\.json is not a JSON object\)$/ },
  },
};

/** Every entry of a directory tree, hidden ones included, not following the fixture links. */
function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: false, encoding: 'utf8' }).sort();
}

let caseNo = 0;
function caseDir(c: Case): string {
  const dir = join(root, `case-${++caseNo}`);
  mkdirSync(dir);
  for (const name of readdirSync(fixtures)) symlinkSync(join(fixtures, name), join(dir, name));
  for (const [name, text] of Object.entries(c.before ?? {})) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

for (const [command, cases] of Object.entries(BAD)) {
  // each case starts a fresh node process; a few at a time keep the file well under a minute
  describe.concurrent(command, () => {
    test.each(Object.entries(cases))('%s', async (_name, c) => {
      const dir = caseDir(c);
      const before = listing(dir);
      const r = await runCli(c.argv, { cwd: dir });
      const lines = r.stderr.split('\n').filter((l) => l !== '');
      expect(lines, r.stderr).toHaveLength(1);
      expect(r.exitCode, r.stderr).toBe(2);
      const line = lines[0]!;
      expect(line).toMatch(/^hlsq: /);
      expect(line.slice('hlsq: '.length)).toMatch(c.error);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(line).not.toMatch(/internal error/);
      expect(r.stdout).toBe('');
      expect(listing(dir)).toEqual(before);
      for (const p of c.absent ?? []) expect(existsSync(join(dir, p)), p).toBe(false);
      for (const [name, text] of Object.entries(c.before ?? {})) expect(readFileSync(join(dir, name), 'utf8')).toBe(text);
    });
  });
}
