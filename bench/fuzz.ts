/**
 * fuzz.server: the bounded fuzz run of test/fuzz/live/run.ts against `opencti serve` as a child
 * process — hostile WebSocket frames and bad REST requests while a legitimate agent handles calls —
 * reported as figures: what was sent and how fast, crashes, unanswered frames and requests, 5xx
 * answers, memory after the run against its start, and the agent's calls. The test
 * (test/fuzz/server.fuzz.test.ts) asserts the same figures; here they are measured, not asserted.
 */
import { seedFromEnv } from '../test/fuzz/live/random.js';
import { runServerFuzz, summarize } from '../test/fuzz/live/run.js';
import { round3 } from './measure.js';
import type { BenchmarkResult, BenchmarkSuite, SuiteOptions } from './types.js';

const GOAL_MEMORY_RATIO = 1.2;

async function run({ quick, log }: SuiteOptions): Promise<BenchmarkResult[]> {
  const frames = Number(process.env.BENCH_FUZZ_FRAMES) || (quick ? 2_000 : 20_000);
  const requests = Number(process.env.BENCH_FUZZ_REQUESTS) || (quick ? 500 : 5_000);
  const report = await runServerFuzz({ frames, requests, seed: seedFromEnv(), memoryRatioBound: GOAL_MEMORY_RATIO, log });
  for (const line of summarize(report)) log(`fuzz: ${line}`);
  const values = {
    framesSent: report.frames.sent,
    framesPerSecond: round3(report.frames.perSecond),
    requestsSent: report.requests.sent,
    requestsPerSecond: round3(report.requests.perSecond),
    crashes: report.crashes.length,
    unansweredFrames: report.frames.unanswered,
    unansweredRequests: report.requests.unanswered,
    serverErrors: report.requests.serverErrors,
    leaks: report.requests.leaks,
    memoryStartMiB: round3(report.memory.startBytes / 2 ** 20),
    memoryPeakMiB: round3(report.memory.peakBytes / 2 ** 20),
    memoryEndMiB: round3(report.memory.endBytes / 2 ** 20),
    heapAfterGcStartMiB: round3(report.memory.heapUsedStartBytes / 2 ** 20),
    heapAfterGcEndMiB: round3(report.memory.heapUsedEndBytes / 2 ** 20),
    memoryRatio: round3(report.memory.ratio),
    rssRatio: round3(report.memory.rssRatio),
    legitCallsAttempted: report.legit.callsAttempted,
    legitCallsCompleted: report.legit.callsCompleted,
  };
  const meetsGoal =
    report.frames.sent >= frames &&
    report.requests.sent >= requests &&
    values.crashes === 0 &&
    values.unansweredFrames === 0 &&
    values.unansweredRequests === 0 &&
    values.serverErrors === 0 &&
    values.leaks === 0 &&
    report.memory.ratio <= GOAL_MEMORY_RATIO &&
    report.legit.failures.length === 0 &&
    report.legit.callsCompleted === report.legit.callsAttempted;
  return [
    {
      name: 'fuzz.server',
      eventsPerSecond: values.framesPerSecond,
      values,
      goal: { crashesAtMost: 0, unansweredAtMost: 0, serverErrorsAtMost: 0, memoryRatioAtMost: GOAL_MEMORY_RATIO },
      meetsGoal,
      details: {
        seed: report.seed,
        replay: `FUZZ_SEED=${report.seed} npm run bench -- --only fuzz`,
        framesTarget: frames,
        requestsTarget: requests,
        durationSeconds: round3(report.durationMs / 1000),
        measured:
          'eventsPerSecond = hostile frames sent per second of the hostile phase (every socket waits for its answers, so this is also ' +
          'what the server answered). ' + report.memory.measured,
        framesByKind: report.frames.byKind,
        closeCodes: report.frames.closeCodes,
        requestsByStatus: report.requests.byStatus,
        requestsByKind: report.requests.byKind,
        firstUnansweredFrames: report.frames.firstUnanswered,
        firstServerErrors: report.requests.firstServerErrors,
        firstUnansweredRequests: report.requests.firstUnanswered,
        crashes: report.crashes.map((c) => ({ code: c.exit.code, signal: c.exit.signal, inFlight: c.inFlight, stderr: c.exit.stderr.slice(0, 1_000) })),
        legitFailures: report.legit.failures.slice(0, 5),
      },
    },
  ];
}

export const fuzzSuite: BenchmarkSuite = {
  name: 'fuzz',
  description: 'hostile WebSocket frames and bad REST requests against `opencti serve` with a legitimate agent working: crashes, unanswered, 5xx, memory',
  run,
};
