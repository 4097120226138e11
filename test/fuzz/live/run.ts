/**
 * The bounded fuzz run against a real server process: hostile WebSocket clients and bad REST
 * requests in parallel while a legitimate agent handles calls, then the server's memory after the
 * hostile clients are gone. Used by test/fuzz/server.fuzz.test.ts (which asserts) and by the
 * `fuzz` bench suite (which reports the figures).
 *
 * A crash is the server process exiting. The run records it (exit code, signal, the end of its
 * stderr, the kinds of input in flight), starts a new server and carries on, at most `maxRestarts`
 * times, so that one run shows every kind of failure rather than the first one only.
 *
 * Memory: what the server's heap holds after a full garbage collection (asked of V8 through the
 * process's inspector), once the agent is logged in and has completed a first call (start) and
 * after the run, once every hostile socket is closed (end): what it keeps, not what it has not
 * collected yet. The resident set size (VmRSS from /proc/PID/status) is reported beside it, with
 * its peak sampled every 250 ms; it is not the bound, because V8 and malloc keep pages they freed
 * for later use, so RSS shows the high-water mark of the run rather than a leak.
 *
 * The server runs with a REST rate limit far above the run's: the bad requests carrying the admin
 * token are meant to reach the routes' validation, and the simulator's calls share that token. The
 * rate limit itself is tested in test/server/http/limits.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRandom, type Random } from './random.js';
import { hostileRequest, pickRequestKind, type RequestKind, type RequestOutcome } from './hostile-requests.js';
import { hostileSocket, pickKind, type SocketKind, type SocketOutcome } from './hostile-frames.js';
import { startLegitAgent, type LegitAgent, type LegitReport } from './legit-agent.js';
import { startServerProcess, type Exit, type ServerProcess } from './server-process.js';

export interface FuzzOptions {
  /** Hostile WebSocket frames to send, at least. */
  readonly frames: number;
  /** Bad REST requests to send, at least. */
  readonly requests: number;
  readonly seed: number;
  /** Hostile sockets open at a time. Default 12. */
  readonly socketWorkers?: number;
  /** REST requests in flight at a time. Default 8. */
  readonly requestWorkers?: number;
  /** How long a frame or request may wait for its answer. Default 20 s. */
  readonly answerTimeoutMs?: number;
  /** The heap after a full GC must come back under start × this. Default 1.2. */
  readonly memoryRatioBound?: number;
  /** The hostile phase ends after this even if the counts were not reached (a server too slow to keep up). Default 150 s. */
  readonly maxHostileMs?: number;
  readonly maxRestarts?: number;
  /** Kinds of hostile sockets left out, to look at one failure at a time. Default none. */
  readonly excludeSockets?: readonly SocketKind[];
  readonly log?: (line: string) => void;
}

export interface CategoryCounts {
  sockets: number;
  frames: number;
  expected: number;
  answered: number;
  /** Frames whose socket the server closed with a named reason before answering them. */
  closedByServer: number;
  refusedConnections: number;
  unanswered: number;
  /** Frames sent on sockets that were lost when the server crashed. */
  lostInCrash: number;
}

export interface Crash {
  readonly exit: Omit<Exit, 'stdout'>;
  /** Kinds of hostile sockets and requests open when the process died. */
  readonly inFlight: string[];
  /** A frame or request among those in flight, the likeliest culprit first (a deeply nested frame if any). */
  readonly suspects: string[];
}

export interface FuzzReport {
  readonly seed: number;
  readonly durationMs: number;
  readonly frames: {
    readonly sent: number;
    readonly perSecond: number;
    readonly unanswered: number;
    readonly byKind: Record<string, CategoryCounts>;
    readonly closeCodes: Record<string, number>;
    readonly firstUnanswered: string[];
    readonly connectErrors: string[];
  };
  readonly requests: {
    readonly sent: number;
    readonly perSecond: number;
    readonly unanswered: number;
    readonly serverErrors: number;
    readonly leaks: number;
    readonly byStatus: Record<string, number>;
    readonly byKind: Record<string, Record<string, number>>;
    /** The first 5xx answers, unanswered requests and leaks, with what was sent. */
    readonly firstServerErrors: RequestOutcome[];
    readonly firstUnanswered: RequestOutcome[];
    readonly firstLeaks: RequestOutcome[];
  };
  readonly crashes: Crash[];
  readonly memory: {
    readonly startBytes: number;
    readonly peakBytes: number;
    readonly endBytes: number;
    /** heapUsedEndBytes / heapUsedStartBytes: what the bound applies to. */
    readonly ratio: number;
    /** endBytes / startBytes (resident set size, reported only). */
    readonly rssRatio: number;
    readonly bound: number;
    readonly heapUsedStartBytes: number;
    readonly heapUsedEndBytes: number;
    readonly measured: string;
  };
  readonly legit: LegitReport & { readonly incarnations: number };
  /** /healthz answered 200 after the run. */
  readonly healthyAfter: boolean;
}

const emptyCounts = (): CategoryCounts => ({ sockets: 0, frames: 0, expected: 0, answered: 0, closedByServer: 0, refusedConnections: 0, unanswered: 0, lostInCrash: 0 });
const MAX_SAMPLES = 5;

/** The server's heap in use right after a full garbage collection, from its /metrics. */
async function heapAfterGc(server: ServerProcess): Promise<number> {
  await server.collectGarbage();
  return (await metric(server, 'opencti_process_nodejs_heap_size_used_bytes')) ?? Number.NaN;
}

async function metric(server: ServerProcess, name: string): Promise<number | undefined> {
  try {
    const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${server.adminToken}` }, signal: AbortSignal.timeout(10_000) });
    const text = await response.text();
    const value = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1];
    return value === undefined ? undefined : Number(value);
  } catch {
    return undefined;
  }
}

/** Polls `test` every `everyMs` until it holds or `ms` passed; resolves with whether it held. */
async function eventually(test: () => Promise<boolean> | boolean, ms: number, everyMs = 250): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (await test()) return true;
    if (Date.now() > end) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export async function runServerFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const log = options.log ?? (() => undefined);
  const answerTimeoutMs = options.answerTimeoutMs ?? 20_000;
  const bound = options.memoryRatioBound ?? 1.2;
  const maxRestarts = options.maxRestarts ?? 3;
  const started = Date.now();

  const newLegit = (server: ServerProcess): LegitAgent =>
    startLegitAgent({ url: server.url, ctiUrl: server.ctiUrl, adminToken: server.adminToken, agentId: 'agent3', password: 'demo', queueDnis: '8001', talkMs: 250, stepTimeoutMs: 30_000 });

  // The run's own configuration: see the header on the rate limit.
  const configDir = mkdtempSync(join(tmpdir(), 'opencti-fuzz-config-'));
  const configFile = join(configDir, 'server.json');
  writeFileSync(configFile, JSON.stringify({ http: { rateLimit: { max: 1_000_000 } } }));
  const serverArgs = ['--config', configFile];
  let server = await startServerProcess(serverArgs);
  let legit = newLegit(server);
  const legitReports: LegitReport[] = [];
  await legit.started;
  await legit.completed(1);
  const heapUsedStartBytes = await heapAfterGc(server);
  const startBytes = server.rss() ?? Number.NaN;
  log(
    `fuzz: server pid ${server.pid} on ${server.url}, seed ${options.seed}, heap after GC ${(heapUsedStartBytes / 2 ** 20).toFixed(1)} MiB, RSS ${(startBytes / 2 ** 20).toFixed(1)} MiB at start`,
  );

  let peakBytes = startBytes;
  const sampler = setInterval(() => (peakBytes = Math.max(peakBytes, server.rss() ?? 0)), 250);

  // -------------------------------------------------------------- crash watch and restart
  const crashes: Crash[] = [];
  const inFlight = new Map<number, { what: string; detail: string }>();
  const recent: { what: string; detail: string; endedAt: number }[] = [];
  const landed = (id: number) => {
    const flight = inFlight.get(id);
    inFlight.delete(id);
    if (flight) recent.push({ ...flight, endedAt: Date.now() });
    if (recent.length > 32) recent.shift();
  };
  let flightId = 0;
  let restarting: Promise<void> | undefined;
  let giveUp = false;
  const watch = (s: ServerProcess) =>
    void s.exited.then((exit) => {
      if (s !== server || stopping) return;
      // The frames a socket sent may still be in the server's hands after the socket finished: the last ones count too.
      const flights = [...inFlight.values(), ...recent.filter((f) => exit.at - f.endedAt < 3_000)];
      const suspects = [...flights.filter((f) => f.what === 'deep'), ...flights.filter((f) => f.what !== 'deep')].map((f) => f.detail).slice(0, MAX_SAMPLES);
      crashes.push({ exit: { code: exit.code, signal: exit.signal, at: exit.at, stderr: exit.stderr }, inFlight: flights.map((f) => f.what), suspects });
      log(`fuzz: CRASH — the server exited (code ${exit.code}, signal ${exit.signal}); in flight: ${flights.map((f) => f.what).join(', ')}`);
      restarting = (async () => {
        legitReports.push(await legit.stop());
        if (crashes.length > maxRestarts) {
          giveUp = true;
          return;
        }
        try {
          server = await startServerProcess(serverArgs);
          watch(server);
          legit = newLegit(server);
          await legit.started;
        } catch (error) {
          log(`fuzz: could not start a server again: ${(error as Error).message}`);
          giveUp = true;
        }
      })().finally(() => (restarting = undefined));
    });
  let stopping = false;
  watch(server);

  /**
   * Whether the server an outcome came from is gone. A socket may see the connection drop a moment
   * before the child's exit is reported: when the outcome looks like a drop, wait for the exit a little.
   */
  const diedMeanwhile = async (target: ServerProcess, lookedLikeADrop: boolean): Promise<boolean> => {
    if (lookedLikeADrop && !target.exit) await Promise.race([target.exited, new Promise((resolve) => setTimeout(resolve, 3_000))]);
    return target.exit !== undefined || target !== server;
  };

  // -------------------------------------------------------------- hostile sockets
  const byKind: Record<string, CategoryCounts> = {};
  const closeCodes: Record<string, number> = {};
  const firstUnanswered: string[] = [];
  const connectErrors: string[] = [];
  let framesSent = 0;
  const record = (outcome: SocketOutcome, lost: boolean) => {
    const c = (byKind[outcome.kind] ??= emptyCounts());
    c.sockets++;
    c.frames += outcome.framesSent;
    framesSent += outcome.framesSent;
    if (lost) {
      c.lostInCrash += outcome.framesSent;
      return;
    }
    c.expected += outcome.expected;
    c.answered += Math.min(outcome.answered, outcome.expected);
    if (outcome.refused) c.refusedConnections++;
    if (outcome.closedByServer) {
      const key = `${outcome.closedByServer.code}${outcome.closedByServer.reason ? ` ${outcome.closedByServer.reason.slice(0, 60)}` : ''}`;
      closeCodes[key] = (closeCodes[key] ?? 0) + 1;
      c.closedByServer += Math.max(0, outcome.expected - outcome.answered - outcome.unanswered);
    }
    c.unanswered += outcome.unanswered;
    if (outcome.unanswered > 0 && firstUnanswered.length < MAX_SAMPLES) firstUnanswered.push(`${outcome.kind}: ${outcome.unanswered} of ${outcome.expected} unanswered; first: ${outcome.firstUnanswered}`);
    if (outcome.error && connectErrors.length < MAX_SAMPLES) connectErrors.push(`${outcome.kind}: ${outcome.error}`);
  };

  const socketWorker = async (index: number) => {
    const r: Random = createRandom(options.seed + 7_919 * (index + 1));
    while (framesSent < options.frames && !giveUp && Date.now() < deadline) {
      if (restarting) {
        await restarting;
        continue;
      }
      const target = server;
      const kind: SocketKind = pickKind(r);
      if (options.excludeSockets?.includes(kind)) continue;
      const id = flightId++;
      inFlight.set(id, { what: kind, detail: `${kind} socket (worker ${index})` });
      const outcome = await hostileSocket(kind, target, r, answerTimeoutMs);
      landed(id);
      record(outcome, await diedMeanwhile(target, outcome.closedByServer?.code === 1006 || outcome.error !== undefined || outcome.unanswered > 0));
    }
  };

  // -------------------------------------------------------------- bad REST requests
  const byStatus: Record<string, number> = {};
  const requestKinds: Record<string, Record<string, number>> = {};
  const firstServerErrors: RequestOutcome[] = [];
  const firstRequestUnanswered: RequestOutcome[] = [];
  const firstLeaks: RequestOutcome[] = [];
  let requestsSent = 0;
  let requestsUnanswered = 0;
  let serverErrors = 0;
  let leaks = 0;
  const requestWorker = async (index: number) => {
    const r: Random = createRandom(options.seed + 104_729 * (index + 1));
    while (requestsSent < options.requests && !giveUp && Date.now() < deadline) {
      if (restarting) {
        await restarting;
        continue;
      }
      const target = server;
      const kind: RequestKind = pickRequestKind(r);
      const id = flightId++;
      inFlight.set(id, { what: `rest:${kind}`, detail: `REST ${kind}` });
      const outcome = await hostileRequest(kind, r, target, answerTimeoutMs);
      landed(id);
      requestsSent++;
      if (await diedMeanwhile(target, outcome.error !== undefined)) continue; // lost in a crash
      const status = outcome.status === undefined ? (outcome.error ? 'none' : 'closed') : String(outcome.status);
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      const perKind = (requestKinds[kind] ??= {});
      perKind[status] = (perKind[status] ?? 0) + 1;
      if (outcome.status !== undefined && outcome.status >= 500) {
        serverErrors++;
        if (firstServerErrors.length < MAX_SAMPLES) firstServerErrors.push(outcome);
      }
      if (outcome.error) {
        requestsUnanswered++;
        if (firstRequestUnanswered.length < MAX_SAMPLES) firstRequestUnanswered.push(outcome);
      }
      if (outcome.leak) {
        leaks++;
        if (firstLeaks.length < MAX_SAMPLES) firstLeaks.push(outcome);
      }
    }
  };

  const progress = setInterval(() => log(`fuzz: ${framesSent} frames, ${requestsSent} requests, ${crashes.length} crash(es), RSS ${((server.rss() ?? 0) / 2 ** 20).toFixed(1)} MiB`), 10_000);
  const hostileStart = Date.now();
  const deadline = hostileStart + (options.maxHostileMs ?? 150_000);
  await Promise.all([
    ...Array.from({ length: options.socketWorkers ?? 12 }, (_, i) => socketWorker(i)),
    ...Array.from({ length: options.requestWorkers ?? 8 }, (_, i) => requestWorker(i)),
  ]);
  const hostileSeconds = (Date.now() - hostileStart) / 1000;
  clearInterval(progress);
  while (restarting) await restarting;

  // -------------------------------------------------------------- the agent's shift ends; memory after a full GC
  let endBytes = Number.NaN;
  let heapUsedEndBytes = Number.NaN;
  let healthyAfter = false;
  if (!giveUp) {
    legitReports.push(await legit.stop());
    await eventually(async () => ((await metric(server, 'opencti_ws_connections')) ?? 0) === 0, 15_000);
    // After a crash the process is a new one: its memory says nothing about the start, so none is reported.
    if (crashes.length === 0) {
      heapUsedEndBytes = await heapAfterGc(server);
      endBytes = server.rss() ?? Number.NaN;
    }
    healthyAfter = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(10_000) }).then((r) => r.status === 200, () => false);
  }
  clearInterval(sampler);
  rmSync(configDir, { recursive: true, force: true });
  stopping = true;
  await server.stop();

  const legitTotal = legitReports.reduce(
    (sum, r) => ({ callsAttempted: sum.callsAttempted + r.callsAttempted, callsPlaced: sum.callsPlaced + r.callsPlaced, callsCompleted: sum.callsCompleted + r.callsCompleted, failures: [...sum.failures, ...r.failures] }),
    { callsAttempted: 0, callsPlaced: 0, callsCompleted: 0, failures: [] as string[] },
  );
  const framesUnanswered = Object.values(byKind).reduce((n, c) => n + c.unanswered, 0);
  return {
    seed: options.seed,
    durationMs: Date.now() - started,
    frames: { sent: framesSent, perSecond: framesSent / hostileSeconds, unanswered: framesUnanswered, byKind, closeCodes, firstUnanswered, connectErrors },
    requests: {
      sent: requestsSent,
      perSecond: requestsSent / hostileSeconds,
      unanswered: requestsUnanswered,
      serverErrors,
      leaks,
      byStatus,
      byKind: requestKinds,
      firstServerErrors,
      firstUnanswered: firstRequestUnanswered,
      firstLeaks,
    },
    crashes,
    memory: {
      startBytes,
      peakBytes,
      endBytes,
      ratio: heapUsedEndBytes / heapUsedStartBytes,
      rssRatio: endBytes / startBytes,
      bound,
      heapUsedStartBytes,
      heapUsedEndBytes,
      measured:
        'heap used after a full GC (asked through the inspector; /metrics nodejs_heap_size_used_bytes) with the agent logged in after its first call (start) ' +
        'and after every hostile socket closed and the agent logged out (end); VmRSS (/proc/PID/status) at the same points and its peak sampled every 250 ms, ' +
        'reported only (not measured after a crash: the process is another one)',
    },
    legit: { ...legitTotal, incarnations: legitReports.length },
    healthyAfter,
  };
}

/** The figures in one line per group, for logs. */
export function summarize(report: FuzzReport): string[] {
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
  return [
    `seed ${report.seed} (FUZZ_SEED=${report.seed} replays the inputs), ${(report.durationMs / 1000).toFixed(1)} s`,
    `frames: ${report.frames.sent} sent (${report.frames.perSecond.toFixed(0)}/s), ${report.frames.unanswered} unanswered; close codes ${JSON.stringify(report.frames.closeCodes)}`,
    `requests: ${report.requests.sent} sent (${report.requests.perSecond.toFixed(0)}/s), ${report.requests.unanswered} unanswered, ${report.requests.serverErrors} answered 5xx, ${report.requests.leaks} leaks; ${JSON.stringify(report.requests.byStatus)}`,
    `crashes: ${report.crashes.length}${report.crashes.map((c) => `\n  exit ${c.exit.code}/${c.exit.signal}; in flight ${c.inFlight.join(', ')}; stderr: ${c.exit.stderr.split('\n').filter(Boolean).slice(0, 3).join(' | ').slice(0, 400)}`).join('')}`,
    `memory: heap after GC ${mib(report.memory.heapUsedStartBytes)} → ${mib(report.memory.heapUsedEndBytes)} (ratio ${report.memory.ratio.toFixed(2)}, bound ${report.memory.bound}); ` +
      `RSS ${mib(report.memory.startBytes)}, peak ${mib(report.memory.peakBytes)}, end ${mib(report.memory.endBytes)} (ratio ${report.memory.rssRatio.toFixed(2)})`,
    `legitimate agent: ${report.legit.callsCompleted} of ${report.legit.callsAttempted} calls completed over ${report.legit.incarnations} server(s)${report.legit.failures.length ? `; failures: ${report.legit.failures.slice(0, 3).join(' | ')}` : ''}`,
  ];
}
