/**
 * The emulator's fast array path (issue 2): 10 M normally distributed doubles (σ = 4, seeded) quantized
 * into ap_fixed<16,6,AP_RND_CONV,AP_SAT> and ap_fixed<16,6>, next to a memory copy of the same array
 * measured in the same run, and the exact BigInt path on a smaller sample next to the fast path on that
 * same sample. Every timed output is checked against the BigInt path on a sample (any mismatch aborts).
 */
import { performance } from 'node:perf_hooks';
import { quantizeArray, quantizeArrayReference } from '../src/emulator/arrayQuantize.js';
import { parseFixedType, type FixedType } from '../src/emulator/types.js';
import type { BenchResult, BenchSuite } from './types.js';

const N = 10_000_000;
const BIGINT_SAMPLE = 300_000;
const TIMED_RUNS = 5;

/** Seeded N(0, σ²) doubles: mulberry32 uniforms through Box-Muller. */
export function normalDoubles(n: number, sigma: number, seed: number): Float64Array {
  let a = seed >>> 0;
  const uniform = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296; // in (0, 1)
  };
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(uniform())) * sigma;
    const phi = 2 * Math.PI * uniform();
    out[i] = r * Math.cos(phi);
    if (i + 1 < n) out[i + 1] = r * Math.sin(phi);
  }
  return out;
}

const gc = (globalThis as { gc?: () => void }).gc;

/** Median wall time of `runs` calls after `warmup` untimed ones, in seconds. */
function medianSeconds(fn: () => void, runs = TIMED_RUNS, warmup = 2): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    gc?.();
    const t0 = performance.now();
    fn();
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((p, q) => p - q);
  return times[Math.floor(times.length / 2)]!;
}

function checkAgainstBigInt(x: Float64Array, t: FixedType, got: Int32Array | Float64Array, output: 'codes' | 'values'): void {
  const sample = x.subarray(0, BIGINT_SAMPLE);
  const want = output === 'codes' ? (quantizeArrayReference(sample, t) as Int32Array) : quantizeArrayReference(sample, t, { output: 'values' });
  for (let i = 0; i < sample.length; i++) {
    if (!Object.is(got[i], want[i])) throw new Error(`emulator bench: ${t} ${output} differs from the BigInt path at ${i} (x=${x[i]})`);
  }
}

const suite: BenchSuite = async () => {
  const x = normalDoubles(N, 4, 20261201);
  const copy = new Float64Array(N);
  const codes = new Int32Array(N);
  const values = new Float64Array(N);
  const results: BenchResult[] = [];

  const memcpy = N / medianSeconds(() => copy.set(x));
  const copyName = 'Float64Array.set copy of the 10 M doubles';

  for (const spelling of ['ap_fixed<16,6,AP_RND_CONV,AP_SAT>', 'ap_fixed<16,6>']) {
    const t = parseFixedType(spelling);
    const codeRate = N / medianSeconds(() => quantizeArray(x, t, { out: codes }));
    checkAgainstBigInt(x, t, codes, 'codes');
    results.push({
      name: `quantizeArray 10M N(0,4²) f64 -> ${spelling} codes (Int32Array)`,
      unit: 'values/s',
      value: codeRate,
      baselineName: copyName,
      baseline: memcpy,
      ratio: codeRate / memcpy,
      note: 'caller-owned output; equal to the BigInt path on the first 300k',
    });
    const valueRate = N / medianSeconds(() => quantizeArray(x, t, { output: 'values', out: values }));
    checkAgainstBigInt(x, t, values, 'values');
    results.push({
      name: `quantizeArray 10M N(0,4²) f64 -> ${spelling} values (Float64Array)`,
      unit: 'values/s',
      value: valueRate,
      baselineName: copyName,
      baseline: memcpy,
      ratio: valueRate / memcpy,
      note: 'caller-owned output; equal to the BigInt path on the first 300k',
    });
  }

  // Honesty: the exact BigInt path (one fixedFromDouble per element) on a sample, against the fast path on
  // the same sample. Ratio = how many times faster the fast path is.
  const t = parseFixedType('ap_fixed<16,6,AP_RND_CONV,AP_SAT>');
  const sample = x.subarray(0, BIGINT_SAMPLE);
  const sampleOut = new Int32Array(BIGINT_SAMPLE);
  const bigintRate = BIGINT_SAMPLE / medianSeconds(() => quantizeArrayReference(sample, t, { out: sampleOut }), 3, 1);
  const fastRate = BIGINT_SAMPLE / medianSeconds(() => quantizeArray(sample, t, { out: sampleOut }), 9, 3);
  results.push({
    name: `quantizeArray vs BigInt path, ${BIGINT_SAMPLE / 1000}k sample -> ${t}`,
    unit: 'values/s',
    value: fastRate,
    baselineName: 'BigInt path (fixedFromDouble per element), same sample',
    baseline: bigintRate,
    ratio: fastRate / bigintRate,
  });
  return results;
};

export default suite;
