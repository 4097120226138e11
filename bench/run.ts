/**
 * npm run bench [-- --only framework[,other]] [--quick] [--list]
 *
 * Runs the registered benchmark suites and prints ONE JSON document on stdout (progress goes to
 * stderr); the same document is written to bench/results/latest.json. A new suite is a module in
 * bench/ exporting a BenchmarkSuite, added to SUITES below.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { acdSuite } from './acd.js';
import { bundleSuite } from './bundle.js';
import { clusterSuite } from './cluster.js';
import { frameworkSuite } from './framework.js';
import { fuzzSuite } from './fuzz.js';
import { gatewaySuite } from './gateway.js';
import { screenPopSuite } from './screen-pop.js';
import { sipSuite } from './sip.js';
import { softphoneSuite } from './softphone.js';
import type { BenchmarkResult, BenchmarkSuite } from './types.js';

export const SUITES: readonly BenchmarkSuite[] = [frameworkSuite, gatewaySuite, acdSuite, bundleSuite, screenPopSuite, sipSuite, softphoneSuite, fuzzSuite, clusterSuite];

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), 'results', 'latest.json');

function usage(message: string): never {
  console.error(`bench: ${message}`);
  console.error(`suites: ${SUITES.map((s) => s.name).join(', ')}`);
  process.exit(2);
}

function selectedSuites(only: readonly string[]): readonly BenchmarkSuite[] {
  const names = only.flatMap((value) => value.split(',')).map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) return SUITES;
  const unknown = names.filter((name) => !SUITES.some((s) => s.name === name));
  if (unknown.length > 0) usage(`unknown suite ${unknown.map((n) => `"${n}"`).join(', ')}`);
  return SUITES.filter((s) => names.includes(s.name));
}

async function main(): Promise<void> {
  let values: { only?: string[]; quick?: boolean; list?: boolean };
  try {
    ({ values } = parseArgs({ options: { only: { type: 'string', multiple: true }, quick: { type: 'boolean' }, list: { type: 'boolean' } } }));
  } catch (error) {
    usage((error as Error).message);
  }
  if (values.list) {
    for (const suite of SUITES) console.log(`${suite.name}\t${suite.description}`);
    return;
  }
  const log = (line: string) => console.error(line);
  const benchmarks: BenchmarkResult[] = [];
  for (const suite of selectedSuites(values.only ?? [])) benchmarks.push(...(await suite.run({ quick: values.quick ?? false, log })));
  const cpuList = cpus();
  const document = {
    benchmarks,
    node: process.version,
    cpus: availableParallelism(),
    cpuModel: cpuList[0]?.model ?? 'unknown',
    date: new Date().toISOString(),
    ...(values.quick ? { quick: true } : {}),
  };
  const text = `${JSON.stringify(document, null, 2)}\n`;
  process.stdout.write(text);
  await mkdir(dirname(RESULTS), { recursive: true });
  await writeFile(RESULTS, text);
}

await main();
