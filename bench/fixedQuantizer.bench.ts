/**
 * The fixed-point quantizer's throughput (issue 4 item 8): 10 M normally distributed FLOAT32 values
 * (σ = 4, seeded), k=1, i=5, f=10 (= ap_fixed<16,6>) with RND_CONV/SAT and TRN/WRAP, through hlsq's
 * array path with float64 values out (what the NumPy quantizer returns), against the upstream NumPy
 * formulation of the same jobs (bench/numpy_fixed.py) on the same data in the same run.
 *
 * NumPy is timed inside Python (time.perf_counter, warm-up + median). OPENBLAS_CORETYPE and
 * OPENBLAS_L2_SIZE are removed from that one command's environment: on some processors they slow
 * NumPy down, and the comparison should be against NumPy at its best. Both sides report an exact
 * checksum (sum of the codes y·2^10), which must agree: same data, same values.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { quantizeArray, quantizeArrayReference } from '../src/emulator/arrayQuantize.js';
import { FixedType } from '../src/emulator/types.js';
import { M, TIMED_RUNS, checksum, load, medianTimes, normalValues, rates, runNumpy } from './common.js';
import type { BenchResult, BenchSuite } from './types.js';

const N = 10_000_000;

interface NumpyJob {
  seconds: number;
  values_per_s: number;
  cpu_values_per_s: number;
  checksum: number;
  dtype: string;
}
type NumpyReport = { numpy: string; n: number } & Record<'RND_CONV/SAT' | 'TRN/WRAP', NumpyJob>;

function findScript(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  // compiled into build/bench/bench/; the script stays in the source tree's bench/
  return [join(here, 'numpy_fixed.py'), join(here, '..', '..', '..', 'bench', 'numpy_fixed.py')].find((p) => existsSync(p));
}

async function numpyReport(x: Float32Array): Promise<NumpyReport | string> {
  const script = findScript();
  if (script === undefined) return 'bench/numpy_fixed.py not found';
  return runNumpy<NumpyReport>(x, 'numpy_fixed.py', (data) => [script, data, String(TIMED_RUNS)], 600_000);
}

const suite: BenchSuite = async () => {
  const x = normalValues(Float32Array, N, 4, 20261201);
  const jobs = [
    { label: 'RND_CONV/SAT' as const, type: FixedType.fromKIF(1, 5, 10, { quant: 'AP_RND_CONV', overflow: 'AP_SAT' }) },
    { label: 'TRN/WRAP' as const, type: FixedType.fromKIF(1, 5, 10, { quant: 'AP_TRN', overflow: 'AP_WRAP' }) },
  ];

  // hlsq first, so that Python's memory is not competing with it.
  const measured = jobs.map(({ label, type }) => {
    let y: Float64Array = new Float64Array(0);
    // like the NumPy quantizer: a new float64 array per call
    const allocating = rates(N, medianTimes(() => (y = quantizeArray(x, type, { output: 'values' }))));
    const sum = checksum(y, 10);
    const sample = x.subarray(0, 200_000);
    const want = quantizeArrayReference(sample, type, { output: 'values' });
    for (let i = 0; i < sample.length; i++) {
      if (!Object.is(y[i], want[i])) throw new Error(`fixedQuantizer bench: ${label} differs from the BigInt path at ${i}`);
    }
    const out = new Float64Array(N);
    const callerOwned = rates(N, medianTimes(() => quantizeArray(x, type, { output: 'values', out })));
    return { label, type, allocating, callerOwned, sum };
  });
  // The floor of any call returning a new float64 array: allocate it and write it once. On this class
  // of VM first-touching fresh pages is expensive and Node, unlike NumPy, cannot ask for huge pages.
  const fresh = rates(N, medianTimes(() => new Float64Array(N).set(x)));
  const allocNote = `a bare new Float64Array(10M) + widening copy runs at ${M(fresh.wall)} values/s here (CPU time ${M(fresh.cpu)})`;

  const numpy = await numpyReport(x);
  const results: BenchResult[] = [];
  const ways = (m: (typeof measured)[number]) => [['new array', m.allocating], ['caller-owned out', m.callerOwned]] as const;
  if (typeof numpy === 'string') {
    const copy = new Float64Array(N);
    const widen = rates(N, medianTimes(() => copy.set(x)));
    for (const m of measured) {
      for (const [how, r] of ways(m)) {
        results.push({
          name: `fixed ${m.label} k=1,i=5,f=10, 10M f32 -> f64 values (${how}), hlsq`,
          unit: 'values/s',
          value: r.wall,
          baselineName: 'Float64Array.set widening copy (numpy rows skipped)',
          baseline: widen.wall,
          ratio: r.wall / widen.wall,
          note: `numpy rows skipped: ${numpy}; CPU-time rate ${M(r.cpu)}; ${load()}${how === 'new array' ? `; ${allocNote}` : ''}`,
        });
      }
    }
    return results;
  }
  for (const m of measured) {
    const np = numpy[m.label];
    if (np.checksum !== m.sum) {
      throw new Error(`fixedQuantizer bench: ${m.label} checksum hlsq ${m.sum} != numpy ${np.checksum}: not the same job`);
    }
    for (const [how, r] of ways(m)) {
      results.push({
        name: `fixed ${m.label} k=1,i=5,f=10, 10M f32 -> f64 values (${how}), hlsq vs numpy`,
        unit: 'values/s',
        value: r.wall,
        baselineName: `numpy ${numpy.numpy} upstream formulation (new array)`,
        baseline: np.values_per_s,
        ratio: r.wall / np.values_per_s,
        note:
          `checksums equal (${m.sum}), numpy dtype ${np.dtype}; CPU-time rates ${M(r.cpu)} vs ${M(np.cpu_values_per_s)} ` +
          `(ratio ${(r.cpu / np.cpu_values_per_s).toFixed(3)}); ${load()}${how === 'new array' ? `; ${allocNote}` : ''}`,
      });
    }
  }
  return results;
};

export default suite;
