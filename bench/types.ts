/** The shape every benchmark module reports in, so bench/run.ts can print them side by side. */

export interface Baseline {
  readonly name: string;
  readonly eventsPerSecond: number;
}

export interface BenchmarkResult {
  /** `<suite>.<benchmark>`, e.g. "framework.eventPipeline". */
  readonly name: string;
  /** Median throughput over the measured rounds, for throughput benchmarks. */
  readonly eventsPerSecond?: number;
  /** Figures that are not throughput (latency percentiles, memory), by name with their unit. */
  readonly values?: Readonly<Record<string, number>>;
  /** The same work without the thing being measured, in the same process and rounds. */
  readonly baseline?: Baseline;
  /** eventsPerSecond / baseline.eventsPerSecond. */
  readonly ratio?: number;
  /** e.g. { ratioAtLeast: 0.5 }, { p99MsAtMost: 10 }, { kibPerSessionAtMost: 64 }. */
  readonly goal?: Readonly<Record<string, number>>;
  readonly meetsGoal?: boolean;
  /** What was measured and how: sizes, rounds, spread. */
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface SuiteOptions {
  /** Fewer rounds: a smoke run that checks the benchmark works, not a measurement. */
  readonly quick: boolean;
  /** Progress for humans; stdout is reserved for the JSON document. */
  readonly log: (line: string) => void;
}

/** A group of benchmarks, registered in bench/run.ts and selected with `--only <name>`. */
export interface BenchmarkSuite {
  readonly name: string;
  readonly description: string;
  run(options: SuiteOptions): Promise<BenchmarkResult[]>;
}
