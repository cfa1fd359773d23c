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
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { quantizeArray, quantizeArrayReference } from '../src/emulator/arrayQuantize.js';
import { FixedType } from '../src/emulator/types.js';
import type { BenchResult, BenchSuite } from './types.js';

const N = 10_000_000;
const TIMED_RUNS = 5;

/** Seeded N(0, σ²) values rounded to float32: mulberry32 uniforms through Box-Muller. */
function normalFloats(n: number, sigma: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const uniform = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(uniform())) * sigma;
    const phi = 2 * Math.PI * uniform();
    out[i] = r * Math.cos(phi);
    if (i + 1 < n) out[i + 1] = r * Math.sin(phi);
  }
  return out;
}

const gc = (globalThis as { gc?: () => void }).gc;

/**
 * Median wall time and median CPU time (user + system of this process) of `runs` calls after `warmup`
 * untimed ones, in seconds. On a shared machine the wall time includes time the CPU spent on other
 * work; the CPU time shows what the code itself costs.
 */
function medianTimes(fn: () => void, runs = TIMED_RUNS, warmup = 2): { wall: number; cpu: number } {
  for (let i = 0; i < warmup; i++) fn();
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < runs; i++) {
    gc?.();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    walls.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1e6);
  }
  const median = (a: number[]) => a.sort((p, q) => p - q)[Math.floor(a.length / 2)]!;
  return { wall: median(walls), cpu: median(cpus) };
}

/** Values per second from a median time pair. */
function rates(n: number, t: { wall: number; cpu: number }): { wall: number; cpu: number } {
  return { wall: n / t.wall, cpu: n / t.cpu };
}

const M = (v: number) => `${(v / 1e6).toFixed(1)}M`;
const load = () => `load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs`;

/** Exact sum of y·2^10 (integers below 2^15 in magnitude: the sum of 10 M stays below 2^53). */
function checksum(y: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += Math.round(y[i]! * 1024);
  return sum;
}

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

async function runNumpy(x: Float32Array): Promise<NumpyReport | string> {
  const script = findScript();
  if (script === undefined) return 'bench/numpy_fixed.py not found';
  const dir = mkdtempSync(join(tmpdir(), 'hlsq-bench-'));
  try {
    const data = join(dir, 'x.f32');
    writeFileSync(data, new Uint8Array(x.buffer, x.byteOffset, x.byteLength)); // little-endian float32
    const env = { ...process.env };
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
    const r = await execa('python3', [script, data, String(TIMED_RUNS)], { env, extendEnv: false, reject: false, timeout: 600_000 });
    if (r.exitCode !== 0 || r.failed) {
      if ((r as { code?: string }).code === 'ENOENT') return 'python3 not found';
      if (/No module named .?numpy/.test(r.stderr)) return 'python3 has no numpy';
      const last = r.stderr.trim().split('\n').slice(-1)[0] ?? '';
      return `python3 numpy_fixed.py failed (exit ${r.exitCode ?? '?'}): ${last || (r.shortMessage ?? '').split('\n')[0]}`;
    }
    return JSON.parse(r.stdout) as NumpyReport;
  } catch (e) {
    return `python3 with numpy unavailable: ${(e as Error).message.split('\n')[0]}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const suite: BenchSuite = async () => {
  const x = normalFloats(N, 4, 20261201);
  const jobs = [
    { label: 'RND_CONV/SAT' as const, type: FixedType.fromKIF(1, 5, 10, { quant: 'AP_RND_CONV', overflow: 'AP_SAT' }) },
    { label: 'TRN/WRAP' as const, type: FixedType.fromKIF(1, 5, 10, { quant: 'AP_TRN', overflow: 'AP_WRAP' }) },
  ];

  // hlsq first, so that Python's memory is not competing with it.
  const measured = jobs.map(({ label, type }) => {
    let y: Float64Array = new Float64Array(0);
    // like the NumPy quantizer: a new float64 array per call
    const allocating = rates(N, medianTimes(() => (y = quantizeArray(x, type, { output: 'values' }))));
    const sum = checksum(y);
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

  const numpy = await runNumpy(x);
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
