/** Timing helpers: warm-up, several rounds, medians. */
import { performance } from 'node:perf_hooks';

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

/** Runs `work` (which processes `count` events) once and returns events per second. */
export function rate(count: number, work: () => void): number {
  const start = performance.now();
  work();
  const seconds = (performance.now() - start) / 1000;
  return count / seconds;
}

export interface Contest {
  /** Median events/s of each contender, by name. */
  readonly medians: Record<string, number>;
  /** Every round's events/s, by name, in order. */
  readonly samples: Record<string, number[]>;
}

/**
 * Runs the contenders in turn, round after round (interleaved, so that GC, JIT and a busy
 * neighbour weigh on all of them alike), after warm-up rounds that are not counted.
 */
export function contest(contenders: Record<string, () => number>, rounds: { warmup: number; measured: number }): Contest {
  const names = Object.keys(contenders);
  for (let round = 0; round < rounds.warmup; round++) for (const name of names) contenders[name]?.();
  const samples: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds.measured; round++) {
    for (const name of names) samples[name]?.push((contenders[name] as () => number)());
  }
  return { samples, medians: Object.fromEntries(names.map((name) => [name, median(samples[name] ?? [])])) };
}

/** Rounds to three significant digits for the report. */
export const round3 = (value: number): number => Number(value.toPrecision(3));
