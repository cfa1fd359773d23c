/**
 * io_stream convolutions, pools and element-wise layers: bit-exact against the emulator over random
 * window geometries, and truly streaming: each output word is written as soon as the frame scan
 * completes its window (element-wise: as soon as its word arrives), which a layer that first reads
 * (buffers) its whole input cannot do.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { DEFAULT_AP_INCLUDE } from '../../src/codegen/csim.js';
import { channels, planProject, positions, wordType } from '../../src/codegen/project.js';
import type { LayerCode } from '../../src/codegen/types.js';
import { axisWindow } from '../../src/model/geometry.js';
import { windowModel } from './randomModel.js';
import { build, cleanup, csimOrExplain, resolved, tempDir } from './support.js';

afterAll(cleanup);

const RUNS = Number(process.env.HLSQ_CODEGEN_RUNS ?? 2);
const CHAINS = 6;
const COMPILE_TIMEOUT = 300_000;
const PROBE = resolve(import.meta.dirname, 'probe');

type Window = { H: number; W: number; kh: number; kw: number; sh: number; sw: number; padding: 'valid' | 'same' };

/** The window geometry of a convolution or pool, as the model defines it (1-D: one row). */
function windowOf(l: LayerCode): Window | 'global' {
  const x = l.inputs[0]!;
  const layer = l.layer;
  const hw = x.shape.length === 3 ? [x.shape[0]!, x.shape[1]!] : [1, x.shape[0]!];
  const base = { H: hw[0]!, W: hw[1]! };
  switch (layer.kind) {
    case 'Conv2D': {
      const ws = layer.weights.shape;
      return { ...base, kh: ws[0]!, kw: ws[1]!, sh: layer.strides[0], sw: layer.strides[1], padding: layer.padding };
    }
    case 'Conv1D':
      return { ...base, kh: 1, kw: layer.weights.shape[0]!, sh: 1, sw: layer.stride, padding: layer.padding };
    case 'MaxPool2D':
      return { ...base, kh: layer.poolSize[0], kw: layer.poolSize[1], sh: layer.strides[0], sw: layer.strides[1], padding: layer.padding };
    case 'AvgPool2D':
      return { ...base, kh: layer.poolSize[0], kw: layer.poolSize[1], sh: layer.strides[0], sw: layer.strides[1], padding: 'valid' };
    case 'MaxPool1D':
      return { ...base, kh: 1, kw: layer.poolSize, sh: 1, sw: layer.stride, padding: layer.padding };
    case 'AvgPool1D':
      return { ...base, kh: 1, kw: layer.poolSize, sh: 1, sw: layer.stride, padding: 'valid' };
    case 'GlobalMaxPool':
    case 'GlobalAveragePool':
      return 'global';
    default:
      throw new Error(`${layer.kind} has no window`);
  }
}

/**
 * For each output word in order, how many input words a raster-scan line-buffer kernel has read when
 * it writes it: every input pixel up to the window's bottom-right tap in frame order (padding taps read
 * nothing; a window reaching into the bottom padding comes after the whole input).
 */
function expectedReads(l: LayerCode): number[] {
  const n = positions(l.inputs[0]!);
  // an element-wise layer writes word k right after reading word k
  if (l.stream?.perWord) return Array.from({ length: n }, (_, k) => k + 1);
  const g = windowOf(l);
  if (g === 'global') return [n];
  const rows = axisWindow(g.H, g.kh, g.sh, g.padding);
  const cols = axisWindow(g.W, g.kw, g.sw, g.padding);
  const reads: number[] = [];
  for (let oy = 0; oy < rows.out; oy++) {
    for (let ox = 0; ox < cols.out; ox++) {
      const bottom = oy * g.sh - rows.padBefore + g.kh - 1;
      const right = ox * g.sw - cols.padBefore + g.kw - 1;
      reads.push(bottom >= g.H ? g.H * g.W : bottom * g.W + Math.min(Math.max(right + 1, 0), g.W));
    }
  }
  return reads;
}

/** A C++ program that runs each streaming layer alone on a frame of zero words and prints its schedule. */
function probeHarness(layers: readonly LayerCode[]): string {
  return [
    '#include <cstdio>',
    '#include <vector>',
    '#include "defines.h"',
    '#define HLSQ_TRACE_STREAM(layer, stream, channels, width)',
    ...layers.map((l) => `#include "layers/${l.id}.h"`),
    '',
    'template <class in_T, class out_T>',
    'void probe(const char *name, void (*layer)(hls::stream<in_T> &, hls::stream<out_T> &), int words) {',
    '    std::vector<in_T> frame(words);',
    '    hls::stream<in_T> in("in");',
    '    in.draw_from(&frame);',
    '    hls::stream<out_T> out("out");',
    '    out.watch(&in);',
    '    layer(in, out);',
    '    std::printf("%s %ld :", name, in.reads);',
    '    for (std::size_t k = 0; k < out.reads_at_write().size(); ++k) std::printf(" %ld", out.reads_at_write()[k]);',
    '    std::printf("\\n");',
    '}',
    '',
    'int main() {',
    ...layers.map((l) => `    probe<${wordType(l.inputs[0]!)}, ${wordType(l.output)}>("${l.id}", ${l.id}, ${positions(l.inputs[0]!)});`),
    '    return 0;',
    '}',
    '',
  ].join('\n');
}

/** Builds the model as io_stream and returns, per streaming layer, the input words read at each output write. */
async function schedules(model: ReturnType<typeof resolved>): Promise<{ layers: LayerCode[]; files: Map<string, string>; seen: Map<string, { consumed: number; reads: number[] }> }> {
  const { dir, files } = build(model, { samples: 4, io: 'stream' });
  const plan = planProject(model, { version: '0.0.0-test', io: 'stream' });
  // single-input streaming layers (the probe drives one input stream per layer)
  const layers = plan.layers.filter((l) => l.stream && l.inputs.length === 1);
  const src = join(dir, 'probe.cpp');
  writeFileSync(src, probeHarness(layers));
  const bin = join(tempDir(), 'probe');
  const c = await execa('g++', ['-std=c++14', '-O0', '-Wall', '-Werror', `-I${PROBE}`, `-I${join(dir, 'firmware')}`, `-I${DEFAULT_AP_INCLUDE}`, src, '-o', bin], { reject: false, all: true });
  expect(c.exitCode, c.all).toBe(0);
  const r = await execa(bin, [], { reject: false });
  expect(r.exitCode, r.stderr).toBe(0);
  const seen = new Map<string, { consumed: number; reads: number[] }>();
  for (const line of r.stdout.trim().split('\n')) {
    const [head, tail] = line.split(':');
    const [id, consumed] = head!.trim().split(' ');
    seen.set(id!, { consumed: Number(consumed), reads: tail!.trim() ? tail!.trim().split(' ').map(Number) : [] });
  }
  return { layers, files, seen };
}

/** A 3x3 'same' Conv2D (2 -> 2 channels) on a 6x7 map, then a 2x2 max pool. */
const lineModel = {
  format: 'hlsq-model',
  version: 1,
  name: 'line',
  inputs: [{ name: 'x', shape: [6, 7, 2], type: 'ap_fixed<8,3,AP_RND_CONV,AP_SAT>' }],
  layers: [
    {
      name: 'conv',
      kind: 'Conv2D',
      inputs: ['x'],
      weights: { shape: [3, 3, 2, 2], type: 'ap_fixed<4,1>', codes: Array.from({ length: 36 }, (_, i) => (i % 7) - 3) },
      padding: 'same',
      result: 'ap_fixed<12,5,AP_RND,AP_SAT>',
    },
    { name: 'pool', kind: 'MaxPool2D', inputs: ['conv'], poolSize: [2, 2], padding: 'valid' },
  ],
};

describe('io_stream sliding windows (Conv1D/2D, max/avg pools 1D/2D, global pools)', () => {
  test('the per-position loop runs at II = reuse factor for convolutions and 1 for pools; io_parallel has no stream kernel', () => {
    const m = resolved(lineModel);
    for (const rf of [1, 2, 3]) {
      const { files } = build(m, { samples: 2, io: 'stream', reuseFactor: rf });
      const conv = files.get('firmware/layers/conv.h')!;
      expect(conv).toContain(`static const int pixel_interval = ${rf};`);
      expect(conv).toContain(`static const int multiplier_limit = ${Math.ceil(36 / rf)};`);
      expect(conv).toContain('static const int pad_bottom = 1;');
      expect(conv).toContain('static const int pad_right = 1;');
      expect(files.get('firmware/layers/pool.h')).toContain('static const int pixel_interval = 1;');
      expect(files.get('README.md')).toMatch(/Line-buffer layers \(convolutions and pools: `conv`, `pool`\)/);
      expect(files.get('README.md')).toMatch(/Whole-tensor layers \(none\)/);
    }
    const { files } = build(m, { samples: 2, io: 'parallel' });
    expect(files.get('firmware/layers/conv.h')).not.toMatch(/_stream|pixel_interval/);
    expect(files.get('README.md')).not.toContain('io_stream dataflow');
  });


  test(`${RUNS} random models x ${CHAINS} window chains (kernels 1-4, strides 1-3, valid/same, 1-3 channels, pools after convolutions): zero differing codes, every layer traced`, async () => {
    // fast-check's integers are biased toward small and extreme values, so seeds can repeat: count runs
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
        runs++;
        const m = resolved(windowModel(seed, CHAINS));
        const { dir, files } = build(m, { samples: 100, seed, io: 'stream', trace: true });
        // every convolution and pool runs as a streaming kernel, none through the whole-frame wrapper
        const windowed = m.layers.filter((l) => /Conv|Pool/.test(l.kind)).length;
        const layerFiles = [...files].filter(([k]) => k.startsWith('firmware/layers/'));
        const kernels = layerFiles.filter(([, v]) => /hlsq::(conv[12]d|maxpool2d|avgpool2d|global_maxpool|global_avgpool)_stream</.test(v));
        expect(kernels.length).toBe(windowed);
        for (const [path, text] of kernels) expect(text, path).not.toContain('read_stream');
        const r = await csimOrExplain(dir, ['-Werror']);
        expect(r.run.result!.mismatches).toBe(0);
        expect(r.compile.warnings.trim()).toBe('');
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    expect(runs).toBe(RUNS);
  }, RUNS * COMPILE_TIMEOUT);

  test('each output word is written as soon as the frame scan completes its window, not after the whole frame', async () => {
    const seed = 5;
    const m = resolved(windowModel(seed, CHAINS));
    const { layers, seen } = await schedules(m);
    expect(layers.length).toBeGreaterThan(CHAINS);
    let early = 0;
    for (const l of layers) {
      const s = seen.get(l.id)!;
      const n = positions(l.inputs[0]!);
      // every input word read, exactly one word per output position
      expect(s.consumed, l.id).toBe(n);
      expect(s.reads.length, l.id).toBe(positions(l.output));
      expect(s.reads, `${l.id} ${l.summary}`).toEqual(expectedReads(l));
      if (s.reads[0]! < n) early++;
    }
    expect(layers.some((l) => l.stream?.perWord)).toBe(true);
    expect(layers.some((l) => l.layer.kind === 'Dense')).toBe(true);
    // the schedule differs from a whole-frame buffer's (all n words read before the first write) in
    // enough layers for the comparison to mean something
    expect(early).toBeGreaterThanOrEqual(CHAINS);
  }, COMPILE_TIMEOUT);

  test('a 3x3 same convolution on a 6x7 map writes its first word after 1 row + 2 pixels, its last after the frame', async () => {
    const { layers, files, seen } = await schedules(resolved(lineModel));
    const conv = seen.get('conv')!;
    expect(conv.reads.length).toBe(42);
    // output (0, 0) needs input rows 0-1, columns 0-1: 7 + 2 words
    expect(conv.reads[0]).toBe(9);
    expect(conv.reads[41]).toBe(42);
    // the pool's first 2x2 window is complete after 7 + 2 of the conv's words
    expect(seen.get('pool')!.reads[0]).toBe(9);
    expect(layers.map((l) => l.id)).toEqual(['conv', 'pool']);
    // no array of the input frame's size in the layer, and the line buffer is declared in the library
    const header = files.get('firmware/layers/conv.h')!;
    expect(header).not.toMatch(/\[84\]/);
    expect(header).toContain('hlsq::conv2d_stream<conv_config>(in_stream, out_stream');
    expect(files.get('firmware/hlsq/conv_stream.h')).toContain('static data_T lines[frame::line_rows][frame::width][CONFIG_T::n_chan];');
    expect(channels(layers[0]!.output)).toBe(2);
  }, COMPILE_TIMEOUT);
});
