/**
 * npm run bench [-- --only framework[,other]] [--quick] [--list] [--keep NAME]
 *
 * Runs the registered benchmark suites and prints ONE JSON document on stdout (progress goes to
 * stderr); the same document is written to bench/results/latest.json (not committed) and, with
 * --keep, to bench/results/NAME.json — a reference run meant to be committed. Every document says
 * which machine it ran on and how loaded it was, since these machines are shared. A new suite is a
 * module in bench/ exporting a BenchmarkSuite, added to SUITES below.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
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

const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'results');
/** A kept run's name becomes a file name: letters, digits, dots, dashes and underscores only. */
const KEEP_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,80}$/;

/** The commit measured, with "+changes" when the work tree differs from it; "unknown" outside git. */
function measuredCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${head}+changes` : head;
  } catch {
    return 'unknown';
  }
}

const roundedLoad = (): number[] => loadavg().map((l) => Math.round(l * 100) / 100);

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
  let values: { only?: string[]; quick?: boolean; list?: boolean; keep?: string };
  try {
    ({ values } = parseArgs({ options: { only: { type: 'string', multiple: true }, quick: { type: 'boolean' }, list: { type: 'boolean' }, keep: { type: 'string' } } }));
  } catch (error) {
    usage((error as Error).message);
  }
  if (values.keep !== undefined && (!KEEP_NAME.test(values.keep) || values.keep === 'latest')) {
    usage(`--keep "${values.keep}" is not a usable name: letters, digits, ".", "-" and "_" (up to 81), not "latest"`);
  }
  if (values.list) {
    for (const suite of SUITES) console.log(`${suite.name}\t${suite.description}`);
    return;
  }
  const log = (line: string) => console.error(line);
  const benchmarks: BenchmarkResult[] = [];
  const loadAtStart = roundedLoad();
  const started = Date.now();
  for (const suite of selectedSuites(values.only ?? [])) benchmarks.push(...(await suite.run({ quick: values.quick ?? false, log })));
  const cpuList = cpus();
  const document = {
    benchmarks,
    node: process.version,
    cpus: availableParallelism(),
    cpuModel: cpuList[0]?.model ?? 'unknown',
    date: new Date().toISOString(),
    commit: measuredCommit(),
    machine: { platform: process.platform, kernel: release(), arch: process.arch, memoryGiB: Math.round(totalmem() / 2 ** 30) },
    // Load averages (1, 5, 15 min) before and after: a run on a busy machine says so itself.
    load: { atStart: loadAtStart, atEnd: roundedLoad(), seconds: Math.round((Date.now() - started) / 1000) },
    ...(values.quick ? { quick: true } : {}),
  };
  const text = `${JSON.stringify(document, null, 2)}\n`;
  process.stdout.write(text);
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(join(RESULTS_DIR, 'latest.json'), text);
  if (values.keep !== undefined) await writeFile(join(RESULTS_DIR, `${values.keep}.json`), text);
}

await main();
