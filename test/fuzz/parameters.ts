/**
 * Run settings shared by the property tests. FUZZ_SEED replays a failure exactly (fast-check
 * prints the seed and the counterexample's path when a property fails); FUZZ_RUNS scales the
 * number of runs up for a longer local search.
 */
import type { Parameters } from 'fast-check';

const integerFromEnv = (name: string): number | undefined => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new Error(`${name} must be an integer, got ${JSON.stringify(raw)}`);
  return value;
};

export function fuzzParameters<T>(numRuns: number): Parameters<T> {
  const seed = integerFromEnv('FUZZ_SEED');
  const runs = integerFromEnv('FUZZ_RUNS');
  return { numRuns: runs ?? numRuns, ...(seed === undefined ? {} : { seed }) };
}
