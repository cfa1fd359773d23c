/**
 * The minifloat quantizer's throughput (issue 4 item 8): 10 M normally distributed FLOAT32 values
 * (σ = 4, seeded), m=3, e=4, e0=0, through hlsq's exact typed-array kernel (float64 values out, what the
 * NumPy quantizer returns) and through hlsq's compat replica, against the upstream NumPy formulation of
 * float_quantize_np written from hlsq's spec (quantizers.md §4.3 and §6) on the same data, timed inside
 * Python (time.perf_counter, warm-up + median). OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are removed from
 * that one command's environment. NumPy's result must equal hlsq's compat result (checksum of y·2^10),
 * which makes the comparison one of equal work; exact differs from it only on class M1 values.
 */
import { FloatType, floatQuantizeArray } from '../src/emulator/minifloat.js';
import { floatQuantizeNp } from '../src/quantizers/minifloat.js';
import { normalSamples } from '../src/quantizers/random.js';
import { M, TIMED_RUNS, checksum, load, medianTimes, runNumpy } from './common.js';
import type { BenchResult, BenchSuite } from './types.js';

const N = 10_000_000;
const [MM, EE, E0] = [3, 4, 0];

const NUMPY_SCRIPT = `
import json, sys, time
import numpy as np
m, e, e0 = ${MM}, ${EE}, ${E0}
def float_quantize_np(x):
    # quantizers.md §4.3: float64 formulation with the 1e-7 epsilon; for float32 x and Python-int
    # parameters NumPy >= 2 evaluates e_req in float32 (§6), the rest in float64.
    M = m + 1
    eps = 1e-7
    H = max(2.0 ** (e - 1), 1.0)
    e_req = np.floor(np.log2(np.abs(x) + eps))
    lo, hi = e0 - H + 1, e0 + H - 1
    e_act = np.clip(e_req, np.float64(lo), np.float64(hi))
    scale = 2.0 ** (e_act - m)
    q = np.round(x / scale)
    L = np.where(e_act == hi, 2.0 ** M - 1, 2.0 ** M)
    q = np.clip(q, -L, L)
    return q * scale
x = np.fromfile(sys.argv[1], dtype="<f4")
runs = int(sys.argv[2])
float_quantize_np(x)
walls, cpu = [], []
for _ in range(runs):
    c0 = time.process_time(); t0 = time.perf_counter()
    y = float_quantize_np(x)
    walls.append(time.perf_counter() - t0); cpu.append(time.process_time() - c0)
walls.sort(); cpu.sort()
print(json.dumps({"numpy": np.__version__, "dtype": str(y.dtype), "seconds": walls[runs // 2],
  "values_per_s": x.size / walls[runs // 2], "cpu_values_per_s": x.size / cpu[runs // 2],
  "checksum": int(np.sum(np.rint(y * 2.0 ** 10).astype(np.int64)))}))
`;

interface NumpyReport {
  numpy: string;
  dtype: string;
  seconds: number;
  values_per_s: number;
  cpu_values_per_s: number;
  checksum: number;
}

const suite: BenchSuite = async () => {
  const x = Float32Array.from(normalSamples(N, 20261201, 4));
  const t = new FloatType(MM, EE, E0);
  const out = new Float64Array(N);
  let y: Float64Array = new Float64Array(0);
  const exactNew = medianTimes(() => (y = floatQuantizeNp(x, MM, EE, E0) as Float64Array));
  const exactOut = medianTimes(() => floatQuantizeArray(t, x, out));
  for (let i = 0; i < 200_000; i++) {
    if (!Object.is(y[i], t.quantize(x[i]!))) throw new Error(`minifloat bench: kernel differs from the per-element path at ${i}`);
  }
  let yc: Float64Array = new Float64Array(0);
  const compat = medianTimes(() => (yc = floatQuantizeNp(x, MM, EE, E0, { compat: 'quantizers' }) as Float64Array), 1, 1);
  let m1 = 0;
  for (let i = 0; i < N; i++) if (y[i] !== yc[i]) m1++;
  const compatSum = checksum(yc, 10);

  const numpy = await runNumpy<NumpyReport>(x, 'float_quantize_np script', (data) => ['-c', NUMPY_SCRIPT, data, String(TIMED_RUNS)], 900_000);
  const machine = load();
  const rows: { name: string; v: { wall: number; cpu: number } }[] = [
    { name: 'minifloat m=3,e=4 exact (new Float64Array per call), float32 in', v: exactNew },
    { name: 'minifloat m=3,e=4 exact (caller-owned out), float32 in', v: exactOut },
    { name: 'minifloat m=3,e=4 compat replica (upstream formula, log2 only next to powers of two), float32 in', v: compat },
  ];
  const results: BenchResult[] = [];
  for (const r of rows) {
    const value = N / r.v.wall;
    if (typeof numpy === 'string') {
      results.push({ name: r.name, unit: 'values/s', value, baselineName: 'numpy (not run)', baseline: NaN, ratio: NaN, note: `${numpy}; ${machine}` });
      continue;
    }
    if (numpy.checksum !== compatSum) throw new Error(`minifloat bench: numpy checksum ${numpy.checksum} != hlsq compat ${compatSum}`);
    results.push({
      name: r.name,
      unit: 'values/s',
      value,
      baselineName: `numpy ${numpy.numpy} float_quantize_np formulation`,
      baseline: numpy.values_per_s,
      ratio: value / numpy.values_per_s,
      note:
        `CPU time: hlsq ${M(N / r.v.cpu)}/s, numpy ${M(numpy.cpu_values_per_s)}/s; numpy result = hlsq compat result (checksum ${compatSum}); ` +
        `exact differs from compat on ${m1} of ${N} values (class M1); ${machine}`,
    });
  }
  return results;
};

export default suite;
