/**
 * The bounded fuzz run against `opencti serve` as a child process (see live/run.ts): at least
 * 20,000 hostile WebSocket frames and 5,000 bad REST requests while a legitimate agent handles
 * calls. FUZZ_SEED replays the inputs of a run (the seed is printed with the figures).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedFromEnv } from './live/random.js';
import { runServerFuzz, summarize, type FuzzReport } from './live/run.js';

const FRAMES = 20_000;
const REQUESTS = 5_000;

let report: FuzzReport;

beforeAll(async () => {
  report = await runServerFuzz({ frames: FRAMES, requests: REQUESTS, seed: seedFromEnv(), log: (line) => console.log(line) });
  console.log(summarize(report).join('\n'));
}, 420_000);

afterAll(() => {
  // The figures in full when something failed, for the CI log.
  if (report) console.log(JSON.stringify({ ...report, crashes: report.crashes.map((c) => ({ ...c, exit: { ...c.exit, stderr: c.exit.stderr.slice(0, 2_000) } })) }, null, 2));
});

it('sends the whole hostile load: 20,000 frames and 5,000 REST requests', () => {
  expect(report.frames.sent).toBeGreaterThanOrEqual(FRAMES);
  expect(report.requests.sent).toBeGreaterThanOrEqual(REQUESTS);
});

it('never crashes: the server process never exits', () => {
  expect(report.crashes.map((c) => ({ code: c.exit.code, signal: c.exit.signal, suspects: c.suspects, stderr: c.exit.stderr.slice(0, 600) }))).toEqual([]);
});

it('answers every frame on a socket it keeps open, or closes the socket saying why', () => {
  expect(report.frames.firstUnanswered).toEqual([]);
  expect(report.frames.unanswered).toBe(0);
});

it('answers every REST request with an HTTP status, never a 5xx, and leaks no file', () => {
  expect(report.requests.firstUnanswered).toEqual([]);
  expect(report.requests.firstServerErrors).toEqual([]);
  expect(report.requests.firstLeaks).toEqual([]);
  expect(report.requests.unanswered + report.requests.serverErrors + report.requests.leaks).toBe(0);
});

it('gives its memory back: the heap after a full GC within 20% of the start', () => {
  expect(Number.isFinite(report.memory.ratio), 'memory measured after the run (no crash left it unmeasured)').toBe(true);
  expect(report.memory.ratio).toBeLessThanOrEqual(report.memory.bound);
});

it('lets the legitimate agent complete every call it started, throughout the run', () => {
  expect(report.legit.failures).toEqual([]);
  expect(report.legit.callsCompleted).toBeGreaterThan(0);
  expect(report.legit.callsCompleted).toBe(report.legit.callsAttempted);
  expect(report.healthyAfter).toBe(true);
});
