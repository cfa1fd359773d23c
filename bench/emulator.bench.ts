/**
 * The emulator's fast array path (issue 2): 10 M normally distributed doubles (σ = 4, seeded) quantized
 * into ap_fixed<16,6,AP_RND_CONV,AP_SAT> and ap_fixed<16,6>, next to a memory copy of the same array
 * measured in the same run, and the exact BigInt path on a smaller sample next to the fast path on that
 * same sample. Every timed output is checked against the BigInt path on a sample (any mismatch aborts).
 */
import { quantizeArray, quantizeArrayReference } from '../src/emulator/arrayQuantize.js';
import { parseFixedType, type FixedType } from '../src/emulator/types.js';
import { M, load, medianTimes, normalValues, rates, type WallCpu } from './common.js';
import type { BenchResult, BenchSuite } from './types.js';

const N = 10_000_000;
const BIGINT_SAMPLE = 300_000;

function checkAgainstBigInt(x: Float64Array, t: FixedType, got: Int32Array | Float64Array, output: 'codes' | 'values'): void {
  const sample = x.subarray(0, BIGINT_SAMPLE);
  const want = output === 'codes' ? (quantizeArrayReference(sample, t) as Int32Array) : quantizeArrayReference(sample, t, { output: 'values' });
  for (let i = 0; i < sample.length; i++) {
    if (!Object.is(got[i], want[i])) throw new Error(`emulator bench: ${t} ${output} differs from the BigInt path at ${i} (x=${x[i]})`);
  }
}

const suite: BenchSuite = async () => {
  const x = normalValues(Float64Array, N, 4, 20261201);
  const copy = new Float64Array(N);
  const codes = new Int32Array(N);
  const values = new Float64Array(N);
  const results: BenchResult[] = [];

  const memcpy = rates(N, medianTimes(() => copy.set(x)));
  const copyName = 'Float64Array.set copy of the 10 M doubles';
  const row = (name: string, r: WallCpu, base: WallCpu, baseName: string, note: string) =>
    results.push({
      name,
      unit: 'values/s',
      value: r.wall,
      baselineName: baseName,
      baseline: base.wall,
      ratio: r.wall / base.wall,
      note: `${note}; CPU-time rates ${M(r.cpu)} vs ${M(base.cpu)} (ratio ${(r.cpu / base.cpu).toFixed(3)}); ${load()}`,
    });

  for (const spelling of ['ap_fixed<16,6,AP_RND_CONV,AP_SAT>', 'ap_fixed<16,6>']) {
    const t = parseFixedType(spelling);
    const codeRate = rates(N, medianTimes(() => quantizeArray(x, t, { out: codes })));
    checkAgainstBigInt(x, t, codes, 'codes');
    row(`quantizeArray 10M N(0,4²) f64 -> ${spelling} codes (Int32Array)`, codeRate, memcpy, copyName, 'caller-owned output, equal to the BigInt path on the first 300k');
    const valueRate = rates(N, medianTimes(() => quantizeArray(x, t, { output: 'values', out: values })));
    checkAgainstBigInt(x, t, values, 'values');
    row(`quantizeArray 10M N(0,4²) f64 -> ${spelling} values (Float64Array)`, valueRate, memcpy, copyName, 'caller-owned output, equal to the BigInt path on the first 300k');
  }

  // Honesty: the exact BigInt path (one fixedFromDouble per element) on a sample, against the fast path on
  // the same sample. Ratio = how many times faster the fast path is.
  const t = parseFixedType('ap_fixed<16,6,AP_RND_CONV,AP_SAT>');
  const sample = x.subarray(0, BIGINT_SAMPLE);
  const sampleOut = new Int32Array(BIGINT_SAMPLE);
  const bigintRate = rates(BIGINT_SAMPLE, medianTimes(() => quantizeArrayReference(sample, t, { out: sampleOut }), 3, 1));
  const fastRate = rates(BIGINT_SAMPLE, medianTimes(() => quantizeArray(sample, t, { out: sampleOut }), 9, 3));
  row(
    `quantizeArray vs BigInt path, ${BIGINT_SAMPLE / 1000}k sample -> ${t}`,
    fastRate,
    bigintRate,
    'BigInt path (fixedFromDouble per element), same sample',
    'the sample stays in cache across runs',
  );
  return results;
};

export default suite;
