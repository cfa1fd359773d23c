"""The upstream `quantizers` NumPy formulation of two fixed-point jobs, timed inside Python.

Written from hlsq's spec (quantizers.md §3.4 and §6), not from upstream's source: k=1, i=5, f=10 on float32
input, with the parameters as Python ints, so under NumPy >= 2 (NEP 50)

* RND_CONV / SAT clips against NumPy float64 bounds (x is upcast), then rounds half to even in float64;
* TRN / WRAP scales and floors in float32 (a Python float does not upcast), then wraps in float64
  (`q + B` and the floored modulo use NumPy float64 scalars).

Usage: numpy_fixed.py <float32 little-endian file> <timed runs>
Prints one JSON object: per job the median wall seconds, values/s (wall and process CPU time) and an exact checksum (sum of y * 2^f as
int64), so the caller can check that both implementations computed the same values.
"""
import json
import sys
import time

import numpy as np

K, I, F = 1, 5, 10


def rnd_conv_sat(x):
    hi = np.float64(2.0**I - 2.0**-F)
    lo = np.float64(-K * 2.0**I)
    xc = np.clip(x, lo, hi)  # float64: the float64 bounds upcast x
    return np.round(xc * 2.0**F) / 2.0**F  # np.round is round-half-even


def trn_wrap(x):
    q = np.floor(x * 2.0**F) / 2.0**F  # float32 throughout
    b = np.float64(K * 2.0 ** (I + K - 1))
    return np.mod(q + b, np.float64(2.0 ** (I + K))) - b  # floored modulo in float64


def time_job(job, x, runs):
    job(x)  # warm-up
    times, cpu = [], []
    for _ in range(runs):
        c0 = time.process_time()
        t0 = time.perf_counter()
        y = job(x)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    times.sort()
    cpu.sort()
    median = times[len(times) // 2]
    cpu_median = cpu[len(cpu) // 2]
    checksum = int(np.sum(np.rint(y * 2.0**F).astype(np.int64)))
    return {
        "seconds": median,
        "values_per_s": x.size / median,
        "cpu_values_per_s": x.size / cpu_median,
        "checksum": checksum,
        "dtype": str(y.dtype),
    }


def main():
    path, runs = sys.argv[1], int(sys.argv[2])
    x = np.fromfile(path, dtype="<f4")
    out = {
        "numpy": np.__version__,
        "n": int(x.size),
        "RND_CONV/SAT": time_job(rnd_conv_sat, x, runs),
        "TRN/WRAP": time_job(trn_wrap, x, runs),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
