/**
 * Generated C++ against the emulator, bit for bit, with g++ and hlsq's own headers (or AP_INCLUDE):
 * the example models, random models from the property generator (several chains per model so one g++
 * run checks many layers), a deliberately overflowing resource-strategy design, the testbench's failure
 * modes, the Tcl scripts, the Verilog testbench and the TypeScript host module.
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { execa } from 'execa';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { compileProject, projectInfo, runTestbench } from '../../src/codegen/csim.js';
import { generateProject } from '../../src/codegen/build.js';
import { hostModuleSource } from '../../src/codegen/host.js';
import { planProject } from '../../src/codegen/project.js';
import { writeVerilogTestbench } from '../../src/codegen/verilog.js';
import { runModel } from '../../src/model/infer.js';
import { perChannelModel, randomModel } from './randomModel.js';
import { build, cleanup, csimOrExplain, resolved, tempDir } from './support.js';

afterAll(cleanup);

const ROOT = resolve(import.meta.dirname, '..', '..');
const RUNS = Number(process.env.HLSQ_CODEGEN_RUNS ?? 2);
const CHAINS = 8;
// g++ time dominates; a loaded 2-core machine needs up to a minute or two per compile
const COMPILE_TIMEOUT = 300_000;

const examples = existsSync(join(ROOT, 'examples'))
  ? readdirSync(join(ROOT, 'examples')).filter((d) => existsSync(join(ROOT, 'examples', d, 'model.json')))
  : [];

async function which(cmd: string): Promise<boolean> {
  const r = await execa('sh', ['-c', `command -v ${cmd}`], { reject: false });
  return r.exitCode === 0;
}
// Optional tools: the tests that need them are skipped (and say so) when they are not installed.
const HAS_TCLSH = await which('tclsh');
const HAS_IVERILOG = await which('iverilog');

describe('examples', () => {
  test.each(examples.length ? examples : ['(none yet)'])('%s: csim equals the emulator, and compiles with -Wall without a warning', async (name) => {
    if (name === '(none yet)') return;
    const m = resolved(join(ROOT, 'examples', name, 'model.json'));
    const { dir } = build(m, { samples: 200, trace: true });
    const r = await csimOrExplain(dir, ['-Werror']);
    expect(r.run.result!.mismatches).toBe(0);
    expect(r.run.result!.samples).toBe(200);
    expect(r.compile.warnings.trim()).toBe('');
  }, COMPILE_TIMEOUT);
});

describe('random models', () => {
  test(`${RUNS} random models x ${CHAINS} chains: zero differing codes, every layer traced`, async () => {
    // fast-check's integers are biased toward small and extreme values, so seeds can repeat: count runs
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
        runs++;
        const m = resolved(randomModel(seed, CHAINS));
        const { dir } = build(m, { samples: 200, seed, trace: true });
        const r = await csimOrExplain(dir, ['-Werror']);
        expect(r.run.result!.mismatches).toBe(0);
        expect(r.compile.warnings.trim()).toBe('');
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    expect(runs).toBe(RUNS);
  }, RUNS * COMPILE_TIMEOUT);
});

describe('per-channel accumulator and result types', () => {
  test(`${RUNS} random models x ${CHAINS} chains with per-channel accum/result (narrow, every mode): zero differing codes, every layer traced`, async () => {
    let runs = 0;
    let grouped = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
        runs++;
        const m = resolved(perChannelModel(seed, CHAINS));
        const { dir, files } = build(m, { samples: 200, seed, trace: true });
        // the generator must really produce per-channel layers (a `channels` struct with channel groups)
        grouped += [...files.values()].filter((f) => f.includes('struct channels {')).length;
        const r = await csimOrExplain(dir, ['-Werror']);
        expect(r.run.result!.mismatches).toBe(0);
        expect(r.compile.warnings.trim()).toBe('');
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    expect(runs).toBe(RUNS);
    expect(grouped).toBeGreaterThan(RUNS);
  }, RUNS * COMPILE_TIMEOUT);

  test('io_stream: the same per-channel layers as stream kernels equal the emulator', async () => {
    const seed = 3;
    const m = resolved(perChannelModel(seed, CHAINS));
    const { dir } = build(m, { samples: 100, seed, io: 'stream', trace: true });
    const r = await csimOrExplain(dir, ['-Werror']);
    expect(r.run.result!.mismatches).toBe(0);
  }, COMPILE_TIMEOUT);
});

describe('io_stream', () => {
  test('a random model (tensors read twice included) as hls::stream layers under DATAFLOW equals the emulator', async () => {
    // seed 1 has Conv1D and Conv2D chains, a tensor read twice (clone) and an output that later layers read
    const seed = 1;
    const m = resolved(randomModel(seed, CHAINS));
    const { dir, files } = build(m, { samples: 100, seed, io: 'stream', trace: true });
    expect(files.get(`firmware/random_${seed}.cpp`)).toContain('#pragma HLS DATAFLOW');
    expect(files.get(`firmware/random_${seed}.cpp`)).toContain('hls::stream<');
    expect(files.get(`firmware/random_${seed}.cpp`)).toContain('hlsq::clone_stream<');
    const r = await csimOrExplain(dir, ['-Werror']);
    expect(r.run.result!.mismatches).toBe(0);
  }, COMPILE_TIMEOUT);
});

/** A dense network whose narrow WRAP results overflow on purpose, built with the resource strategy. */
function overflowModel(resultType: string) {
  const codes = (n: number, k: number) => Array.from({ length: n }, (_, i) => ((i * 37 + k * 11) % 61) - 30);
  return {
    format: 'hlsq-model',
    version: 1,
    name: 'overflow',
    inputs: [{ name: 'x', shape: [8], type: 'ap_fixed<10,4,AP_RND_CONV,AP_SAT>' }],
    layers: [
      { name: 'd1', kind: 'Dense', inputs: ['x'], weights: { shape: [8, 6], type: 'ap_fixed<7,2>', codes: codes(48, 1) }, bias: { shape: [6], type: 'ap_fixed<7,2>', codes: codes(6, 2) }, result: resultType },
      { name: 'd2', kind: 'Dense', inputs: ['d1'], weights: { shape: [6, 4], type: 'ap_fixed<7,2>', codes: codes(24, 3) }, result: 'ap_fixed<9,3,AP_RND,AP_WRAP_SM>' },
    ],
  };
}

describe('overflow on purpose, resource strategy', () => {
  test('wrap-around results overflow for many samples, and csim still equals the emulator bit for bit', async () => {
    const wrap = resolved(overflowModel('ap_fixed<6,2,AP_TRN,AP_WRAP>'));
    const sat = resolved(overflowModel('ap_fixed<6,2,AP_TRN,AP_SAT>'));
    const { dir } = build(wrap, { samples: 300, strategy: 'resource', reuseFactor: 2, trace: true });
    // the same inputs through a saturating twin: where they differ, the WRAP design overflowed
    const inputs = readFileSync(join(dir, 'tb_data', 'x.dec'), 'utf8').trim().split('\n').map(BigInt);
    const a = runModel(wrap, { x: inputs }, 300, { trace: true }).trace!.get('d1')!;
    const b = runModel(sat, { x: inputs }, 300, { trace: true }).trace!.get('d1')!;
    let wrapped = 0;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) wrapped++;
    expect(wrapped).toBeGreaterThan(100);
    expect(readFileSync(join(dir, 'firmware', 'layers', 'd1.h'), 'utf8')).toContain('hlsq::resource');
    const r = await csimOrExplain(dir, ['-Werror']);
    expect(r.run.result!.compared).toBe(300 * (4 + 6 + 4));
  }, COMPILE_TIMEOUT);
});

describe('the testbench checks, and fails loudly', () => {
  const tiny = {
    format: 'hlsq-model',
    version: 1,
    name: 'tiny',
    inputs: [{ name: 'x', shape: [4], type: 'ap_fixed<8,3,AP_RND_CONV,AP_SAT>' }],
    layers: [
      { name: 'dense_1', kind: 'Dense', inputs: ['x'], weights: { shape: [4, 3], type: 'ap_fixed<6,1>', codes: [1, -2, 3, 4, 5, -6, 7, 8, 9, -10, 11, 12] }, bias: { shape: [3], type: 'ap_fixed<6,1>', codes: [1, -1, 2] }, result: 'ap_fixed<10,4,AP_RND,AP_SAT>' },
      { name: 'relu_1', kind: 'ReLU', inputs: ['dense_1'], result: 'ap_ufixed<8,3,AP_RND,AP_SAT>' },
      { name: 'sig', kind: 'Sigmoid', inputs: ['relu_1'] },
    ],
  };
  let dir = '';
  let binary = '';

  test('a correct project passes', async () => {
    dir = build(resolved(tiny), { samples: 50 }).dir;
    const c = await compileProject(projectInfo(dir), { flags: ['-Werror'], optimize: '-O0' });
    binary = c.binary;
    const r = await runTestbench(binary, join(dir, 'tb_data'));
    expect(r.exitCode).toBe(0);
    expect(r.result).toMatchObject({ status: 'pass', samples: 50, compared: 150, mismatches: 0 });
  }, COMPILE_TIMEOUT);

  function variant(edit: (data: string) => void): string {
    const d = join(tempDir(), 'tb_data');
    cpSync(join(dir, 'tb_data'), d, { recursive: true });
    edit(d);
    return d;
  }

  test('one corrupted expected code: exit 1, the mismatch reported with sample, element, codes and values', async () => {
    const d = variant((data) => {
      const f = join(data, 'sig.hex');
      const lines = readFileSync(f, 'utf8').split('\n');
      lines[7] = lines[7] === '00000' ? '00001' : '00000';
      writeFileSync(f, lines.join('\n'));
    });
    const r = await runTestbench(binary, d);
    expect(r.exitCode).toBe(1);
    expect(r.result).toMatchObject({ status: 'fail', mismatches: 1 });
    expect(r.result!.first_mismatches[0]).toMatchObject({ tensor: 'sig', sample: 2, element: 1 });
    expect(typeof r.result!.first_mismatches[0]!.expected_value).toBe('number');
    expect(r.stdout).toMatch(/MISMATCH sig sample 2 element 1: expected 0x[0-9a-f]{5} \(.*\), got 0x[0-9a-f]{5}/);
  });

  test.each([
    ['a missing input file', (data: string) => rmSync(join(data, 'x.hex')), /cannot open/],
    ['a malformed line', (data: string) => writeFileSync(join(data, 'x.hex'), readFileSync(join(data, 'x.hex'), 'utf8').replace(/^../, 'zz')), /not a lowercase hex digit/],
    ['a code wider than its type', (data: string) => writeFileSync(join(data, 'sig.hex'), readFileSync(join(data, 'sig.hex'), 'utf8').replace(/^...../, 'fffff')), /wider than 17 bits/],
    ['a partial sample', (data: string) => writeFileSync(join(data, 'x.hex'), readFileSync(join(data, 'x.hex'), 'utf8') + '00\n'), /not a whole number of samples/],
    ['an empty file', (data: string) => writeFileSync(join(data, 'sig.hex'), ''), /no codes/],
    ['different sample counts', (data: string) => writeFileSync(join(data, 'x.hex'), readFileSync(join(data, 'x.hex'), 'utf8') + '00\n00\n00\n00\n'), /different number of samples/],
  ])('%s: exit 2 with the reason, never zero inputs', async (_what, edit, reason) => {
    const d = variant(edit);
    const r = await runTestbench(binary, d);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(reason);
    expect(r.result).toMatchObject({ status: 'error' });
  });

  test.skipIf(!HAS_TCLSH)('Tcl scripts parse and run in tclsh with the Vitis commands stubbed, steps selectable from argv', async () => {
    const stub = join(tempDir(), 'stub.tcl');
    writeFileSync(
      stub,
      [
        'set calls {}',
        'foreach cmd {open_project set_top add_files open_solution set_part create_clock set_clock_uncertainty config_compile config_array_partition csim_design csynth_design cosim_design export_design} {',
        '  proc $cmd {args} "lappend ::calls \\"$cmd \\$args\\""',
        '}',
        'rename exit __exit',
        'proc exit {args} { puts [join $::calls \\n]; __exit 0 }',
        'set argv [lrange $argv 1 end]',
        'source [lindex $::argv0_script 0]',
      ].join('\n'),
    );
    for (const f of ['project.tcl', 'build_opt.tcl', 'build_prj.tcl', 'vivado_synth.tcl']) {
      const r = await execa('tclsh', [], { input: `puts [info complete [read [open ${join(dir, f)}]]]`, reject: false });
      expect(r.stdout.trim(), f).toBe('1');
    }
    const script = join(dir, 'build_prj.tcl');
    const run = await execa('tclsh', [], {
      input: `set argv0_script {${script}}\nset argv {x csim=0 synth=1 cosim=1 export=1}\n${readFileSync(stub, 'utf8').replace('set argv [lrange $argv 1 end]\n', 'set argv [lrange $argv 1 end]\n')}`,
      reject: false,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('set_top tiny');
    expect(run.stdout).toContain('add_files firmware/tiny.cpp');
    expect(run.stdout).toContain('csynth_design');
    expect(run.stdout).toContain('cosim_design');
    expect(run.stdout).toContain('export_design -format ip_catalog');
    expect(run.stdout).not.toContain('csim_design');
  });

  test.skipIf(!HAS_IVERILOG)('Verilog testbench: $readmemh loads every file with the expected count and checksum (iverilog)', async () => {
    const tb = writeVerilogTestbench(dir, '0.0.0-test');
    const vvp = join(tempDir(), 'tb.vvp');
    const c = await execa('iverilog', ['-g2012', '-o', vvp, tb], { reject: false, all: true });
    expect(c.exitCode, c.all).toBe(0);
    const ok = await execa('vvp', ['-n', vvp], { cwd: dir, reject: false });
    expect(ok.exitCode, ok.stdout).toBe(0);
    expect(ok.stdout).toContain('file x.hex: 200 codes, checksum ok');
    expect(ok.stdout).toContain('file sig.hex: 150 codes, checksum ok');
    expect(ok.stdout).toContain('tiny_tb: PASS');
    // a changed code and a missing code are both caught
    const good = readFileSync(join(dir, 'tb_data', 'x.hex'), 'utf8');
    writeFileSync(join(dir, 'tb_data', 'x.hex'), good.replace(/^../, (h) => (h === '00' ? '01' : '00')));
    const bad = await execa('vvp', ['-n', vvp], { cwd: dir, reject: false });
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stdout).toMatch(/FILE x.hex: 0 of 200 codes missing, checksum/);
    writeFileSync(join(dir, 'tb_data', 'x.hex'), good.split('\n').slice(0, 150).join('\n') + '\n');
    const short = await execa('vvp', ['-n', vvp], { cwd: dir, reject: false });
    expect(short.exitCode).not.toBe(0);
    expect(short.stdout).toMatch(/FILE x.hex: 50 of 200 codes missing/);
    writeFileSync(join(dir, 'tb_data', 'x.hex'), good);
    // the DUT section compiles against a module with the documented ports
    const dut = join(tempDir(), 'dut.v');
    writeFileSync(
      dut,
      'module tiny(input ap_clk, input ap_rst, input ap_start, output ap_done, output ap_idle, output ap_ready, input [31:0] x, input x_ap_vld, output [50:0] sig_out, output sig_out_ap_vld);\n' +
        "assign ap_done = 1'b1; assign ap_idle = 1'b1; assign ap_ready = 1'b1; assign sig_out = 51'd0; assign sig_out_ap_vld = 1'b1;\nendmodule\n",
    );
    const withDut = await execa('iverilog', ['-g2012', '-DHLSQ_DUT', '-o', `${vvp}.dut`, tb, dut], { reject: false, all: true });
    expect(withDut.exitCode, withDut.all).toBe(0);
  });

  test('the TypeScript host module packs and unpacks exactly the golden port words', async () => {
    const plan = planProject(resolved(tiny), { version: '0' });
    const hostDir = join(ROOT, '.hlsq-cache', `host-${process.pid}`);
    mkdirSync(hostDir, { recursive: true });
    try {
      const spec = relative(hostDir, join(ROOT, 'src', 'emulator', 'index.js')).replace(/\\/g, '/');
      const file = join(hostDir, 'tiny.ts');
      writeFileSync(file, hostModuleSource(plan, '0', { hlsqImport: spec.startsWith('.') ? spec : `./${spec}` }));
      const host = (await import(file)) as Record<string, (...a: unknown[]) => unknown>;
      const inPacked = readFileSync(join(dir, 'tb_data', 'x_packed.hex'), 'utf8').trim().split('\n');
      const inDec = readFileSync(join(dir, 'tb_data', 'x.dec'), 'utf8').trim().split('\n').map(BigInt);
      const outPacked = readFileSync(join(dir, 'tb_data', 'sig_packed.hex'), 'utf8').trim().split('\n');
      const outDec = readFileSync(join(dir, 'tb_data', 'sig.dec'), 'utf8').trim().split('\n').map(BigInt);
      for (let s = 0; s < 50; s++) {
        const codes = inDec.slice(s * 4, s * 4 + 4);
        expect(host.encodeXCodes!(codes)).toBe(BigInt('0x' + inPacked[s]));
        // real values that are exactly the codes' values encode to the same word
        expect(host.encodeX!(codes.map((c) => Number(c) / 32))).toBe(BigInt('0x' + inPacked[s]));
        const out = host.decodeSig!(BigInt('0x' + outPacked[s])) as { codes: bigint[]; values: number[] };
        expect(out.codes).toEqual(outDec.slice(s * 3, s * 3 + 3));
        expect(out.values).toEqual(out.codes.map((c) => Number(c) / 65536));
      }
      // rounding and saturation of real inputs follow the input type (AP_RND_CONV, AP_SAT)
      expect(host.encodeX!([1000, -1000, 0.046875, 0.015625])).toBe(BigInt('0x' + ['00', '02', '80', '7f'].join('')));
      expect(() => host.encodeXCodes!([1n, 2n, 3n])).toThrow(/expected 4 codes/);
    } finally {
      rmSync(hostDir, { recursive: true, force: true });
    }
  });
});

void copyFileSync;
void generateProject;
