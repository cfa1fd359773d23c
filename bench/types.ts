/** One row of `make bench`: a measurement next to the baseline measured in the same run. */
export interface BenchResult {
  name: string;
  unit: string;
  value: number;
  baselineName: string;
  baseline: number;
  /** value / baseline (for throughputs: higher is better). */
  ratio: number;
  note?: string;
}

/** A bench module's default export. */
export type BenchSuite = () => Promise<BenchResult[]>;
