/**
 * Bad input gets a one-line error naming what is wrong: a truncated file, a file that is not ONNX, an
 * unsupported op or attribute (with the node, its op type and what is supported), through the API and
 * through the CLI (exit status 2, one line on stderr, no stack trace).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { HlsqError } from '../../src/emulator/errors.js';
import { OnnxFormatError, UnsupportedError } from '../../src/import/errors.js';
import { readOnnx } from '../../src/import/onnx.js';
import { importQonnx } from '../../src/import/qonnx/index.js';
import { runCli } from '../support/cli.js';
import { buildOnnx, type GraphSpec } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'hlsq-import-errors-'));

const QUANT_ATTRS = { signed: { i: 1 }, narrow: { i: 0 }, rounding_mode: { s: 'ROUND' } };
function mlp(extra: Partial<GraphSpec> = {}, lastOp?: GraphSpec['nodes'][number]): GraphSpec {
  const nodes: GraphSpec['nodes'] = [
    { op: 'Quant', name: 'q_in', inputs: ['x', 's', 'z', 'b'], output: 'xq', attrs: QUANT_ATTRS },
    { op: 'MatMul', name: 'fc1', inputs: ['xq', 'w'], output: 'y' },
  ];
  if (lastOp) nodes.push(lastOp);
  return {
    inputs: [{ name: 'x', dims: [1, 4] }],
    outputs: [lastOp ? lastOp.output : 'y'],
    initializers: {
      s: { dims: [], data: [0.125] },
      z: { dims: [], data: [0] },
      b: { dims: [], data: [8] },
      w: { dims: [4, 3], data: [0.5, -0.25, 1, 0, 0.75, -1, 0.125, 0.5, -0.5, 1, 0.25, -0.75] },
      w2: { dims: [3, 2], data: [1, 0.5, -0.5, 0.25, 0, 1] },
    },
    nodes,
    ...extra,
  };
}

const oneLine = (e: unknown) => {
  expect(e).toBeInstanceOf(HlsqError);
  expect((e as Error).message).not.toMatch(/\n/);
  return (e as Error).message;
};
const errorOf = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
};

describe('the importer refuses what it cannot read', () => {
  test('a well-formed model imports', () => {
    const imp = importQonnx(buildOnnx(mlp()));
    expect(imp.model.layers.map((l) => l.kind)).toEqual(['Dense']);
  });

  test('an unsupported op names the node, its op type and the supported ops', () => {
    const bytes = buildOnnx(mlp({}, { op: 'Softmax', name: 'probabilities', inputs: ['y'], output: 'p' }));
    const msg = oneLine(errorOf(() => importQonnx(bytes)));
    expect(errorOf(() => importQonnx(bytes))).toBeInstanceOf(UnsupportedError);
    expect(msg).toContain('"probabilities"');
    expect(msg).toContain('(Softmax)');
    expect(msg).toMatch(/supported: .*Quant.*MatMul/);
  });

  test.each(['qonnx.custom_op.general', 'finn.custom_op.general', 'onnx.brevitas'])('Quant in the %s domain imports', (domain) => {
    const spec = mlp();
    spec.nodes[0]!.domain = domain;
    expect(importQonnx(buildOnnx(spec)).model.inputs[0]!.type).toBe('ap_fixed<8,5,AP_RND_CONV,AP_SAT>');
  });

  test('an op in an unknown domain is refused (Quant only in the QONNX domains)', () => {
    const spec = mlp();
    spec.nodes[0]!.domain = 'com.example';
    const msg = oneLine(errorOf(() => importQonnx(buildOnnx(spec))));
    expect(msg).toContain('com.example.Quant');
  });

  test('unsupported attributes name the attribute', () => {
    const gemm = buildOnnx(mlp({}, { op: 'Gemm', name: 'g2', inputs: ['y', 'w2'], output: 'o', attrs: { transA: { i: 1 } } }));
    expect(oneLine(errorOf(() => importQonnx(gemm)))).toMatch(/"g2" \(Gemm\): transA = 1; supported: transA = 0/);
    const q = mlp();
    q.nodes[0]!.attrs = { ...QUANT_ATTRS, rounding_mode: { s: 'STOCHASTIC' } };
    expect(oneLine(errorOf(() => importQonnx(buildOnnx(q))))).toMatch(/"q_in" \(Quant\): rounding_mode "STOCHASTIC"; supported: ROUND/);
    const odd = mlp();
    odd.nodes[1]!.attrs = { foo: { i: 1 } };
    expect(oneLine(errorOf(() => importQonnx(buildOnnx(odd))))).toMatch(/"fc1" \(MatMul\): attribute foo is not supported/);
  });

  test('every truncation of a model is a one-line HlsqError (mostly "truncated") or, cut after the graph, the same model', () => {
    const bytes = buildOnnx(mlp());
    const whole = JSON.stringify(importQonnx(bytes).model);
    let truncatedMessages = 0;
    for (let cut = 0; cut < bytes.length; cut++) {
      let e: unknown;
      let same = false;
      try {
        // a cut inside the trailing opset_import list can leave a complete graph: it must then import identically
        same = JSON.stringify(importQonnx(bytes.subarray(0, cut)).model) === whole;
      } catch (err) {
        e = err;
      }
      if (e === undefined) {
        expect(same, `cut at ${cut} of ${bytes.length}`).toBe(true);
        continue;
      }
      if (/truncated/.test(oneLine(e))) truncatedMessages++;
    }
    expect(truncatedMessages).toBeGreaterThan(bytes.length / 2);
  });

  test('bytes that are not ONNX are refused as such', () => {
    for (const junk of [new TextEncoder().encode('# a markdown file\nnot a model\n'), new Uint8Array(0), Uint8Array.from({ length: 64 }, (_, i) => (i * 37) & 255)]) {
      const e = errorOf(() => readOnnx(junk, 'junk.bin'));
      expect(e).toBeInstanceOf(OnnxFormatError);
      expect(oneLine(e)).toMatch(/^junk\.bin: not a readable ONNX model/);
    }
  });
});

describe('hlsq import (CLI)', () => {
  const good = join(dir, 'good.onnx');
  writeFileSync(good, buildOnnx(mlp()));

  test('writes a model that loads', async () => {
    const out = join(dir, 'good.json');
    const r = await runCli(['import', good, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/1 layers ->/);
  });

  test.each([
    ['unsupported op', () => buildOnnx(mlp({}, { op: 'Softmax', name: 'probabilities', inputs: ['y'], output: 'p' })), /probabilities.*Softmax.*supported:/],
    ['truncated file', () => buildOnnx(mlp()).subarray(0, 150), /truncated/],
    ['not ONNX', () => new TextEncoder().encode('hello, this is text\n'), /not a readable ONNX model/],
  ])('%s: one line on stderr, exit status 2, no output file', async (_name, bytes, pattern) => {
    const file = join(dir, `bad-${_name.replace(/ /g, '_')}.onnx`);
    writeFileSync(file, bytes());
    const out = join(dir, `bad-${_name.replace(/ /g, '_')}.json`);
    const r = await runCli(['import', file, '--out', out]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(pattern);
    expect(r.stderr).not.toMatch(/ at .*\.js:\d+/);
    const { existsSync } = await import('node:fs');
    expect(existsSync(out)).toBe(false);
  });
});
