/**
 * What the throughput benches share: seeded normal data, the median timing loop, rates and their
 * formatting, the exact checksum both sides of a NumPy comparison report, and running NumPy.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { mulberry32 } from '../examples/seeded.js';

/** Timed runs per measurement (NumPy is timed the same way, inside Python). */
export const TIMED_RUNS = 5;

/**
 * Seeded N(0, σ²) values in a new array of the given kind (float32 arrays round each value once):
 * mulberry32 uniforms in (0, 1) through Box-Muller, both halves.
 */
export function normalValues<A extends Float64Array | Float32Array>(make: new (n: number) => A, n: number, sigma: number, seed: number): A {
  const word = mulberry32(seed);
  const uniform = (): number => (word() + 0.5) / 4294967296; // in (0, 1): the log stays finite
  const out = new make(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(uniform())) * sigma;
    const phi = 2 * Math.PI * uniform();
    out[i] = r * Math.cos(phi);
    if (i + 1 < n) out[i + 1] = r * Math.sin(phi);
  }
  return out;
}

/** Wall and CPU seconds, or values per second. */
export interface WallCpu {
  wall: number;
  cpu: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

/**
 * Median wall time and median CPU time (user + system of this process) of `runs` calls after `warmup`
 * untimed ones, in seconds. On a shared machine the wall time includes time the CPU spent on other
 * work; the CPU time shows what the code itself costs.
 */
export function medianTimes(fn: () => void, runs = TIMED_RUNS, warmup = 2): WallCpu {
  for (let i = 0; i < warmup; i++) fn();
  const walls: number[] = [];
  const cpuTimes: number[] = [];
  for (let i = 0; i < runs; i++) {
    gc?.();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    walls.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpuTimes.push((c.user + c.system) / 1e6);
  }
  const median = (a: number[]) => a.sort((p, q) => p - q)[Math.floor(a.length / 2)]!;
  return { wall: median(walls), cpu: median(cpuTimes) };
}

/** Values per second from a median time pair. */
export function rates(n: number, t: WallCpu): WallCpu {
  return { wall: n / t.wall, cpu: n / t.cpu };
}

/** A rate in millions, one decimal. */
export const M = (v: number) => `${(v / 1e6).toFixed(1)}M`;

/** How busy the machine was, for the notes. */
export const load = () => `load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs`;

/**
 * Exact sum of the codes y·2^fracBits (the caller's values lie on that grid and are small enough that
 * the sum stays below 2^53), the checksum NumPy computes as an int64 sum.
 */
export function checksum(y: Float64Array, fracBits: number): number {
  const scale = 2 ** fracBits;
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += Math.round(y[i]! * scale);
  return sum;
}

/**
 * Runs python3 with `args(dataFile)` on `x` written as little-endian float32 and parses the one JSON
 * object it prints; a string says why NumPy could not be measured. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE
 * are removed from that one command's environment: on some processors they slow NumPy down, and the
 * comparison should be against NumPy at its best.
 */
export async function runNumpy<R>(x: Float32Array, label: string, args: (dataFile: string) => string[], timeoutMs: number): Promise<R | string> {
  const dir = mkdtempSync(join(tmpdir(), 'hlsq-bench-'));
  try {
    const data = join(dir, 'x.f32');
    writeFileSync(data, new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
    const env = { ...process.env };
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
    const r = await execa('python3', args(data), { env, extendEnv: false, reject: false, timeout: timeoutMs });
    if (r.exitCode !== 0 || r.failed) {
      if ((r as { code?: string }).code === 'ENOENT') return 'python3 not found';
      if (/No module named .?numpy/.test(r.stderr)) return 'python3 has no numpy';
      const last = r.stderr.trim().split('\n').slice(-1)[0] ?? '';
      return `python3 ${label} failed (exit ${r.exitCode ?? '?'}): ${last || (r.shortMessage ?? '').split('\n')[0]}`;
    }
    return JSON.parse(r.stdout) as R;
  } catch (e) {
    return `python3 with numpy unavailable: ${(e as Error).message.split('\n')[0]}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
