/**
 * gateway.*: the WebSocket gateway with N agents logged in over real sockets on 127.0.0.1.
 *
 * The server (switch + in-process bus + gateway + a raw `ws` baseline server) runs in this
 * thread; the N clients run in a worker thread (bench/gateway/clients.ts), so that this thread's
 * heap is the server's and the clients' parsing does not share its event loop.
 *
 * - gateway.idleSessionMemory: server heap with N idle logged-in sessions minus before, per session.
 * - gateway.latency: a steady load of inbound calls; time from the switch publishing each event
 *   to the client receiving it, and events/s delivered.
 * - gateway.throughput: events pushed through the bus and gateway as fast as possible, against a
 *   raw `ws` server sending the same serialized frames to the same number of clients.
 * - gateway.vsRelay, gateway.vsRelayPaced: against an Express + socket.io relay with one room per
 *   agent, in bursts and at a steady rate (bench/gateway/versus-relay.ts).
 * - gateway.replayMemory: the heap the replay buffers of busy sessions hold, per session.
 * - gateway.latency10k: gateway.latency on a fresh server with many more agents (AGENTS_10K).
 */
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { OpenCtiEvent } from '../src/framework/schema/events.js';
import type { DeviceEvent } from '../src/server/switch/index.js';
import type { LatencyReport } from './gateway/clients.js';
import { ClientPool } from './gateway/pool.js';
import { startRelay } from './gateway/relay.js';
import { QUEUES, startBenchServer, type BenchServer } from './gateway/server.js';
import { burstVersusRelay, openRelayClients, pacedVersusRelay, replayEvents, type RelayPlan } from './gateway/versus-relay.js';
import { median, round3 } from './measure.js';
import type { BenchmarkResult, BenchmarkSuite, SuiteOptions } from './types.js';

/** The goals: p99 at 1,000 agents (heartbeat sweeps included), at 10,000; throughput vs raw ws. */
const GOAL_P99_MS = 5;
const GOAL_P99_MS_10K = 10;
const GOAL_RATIO = 0.9;
const GOAL_KIB_PER_SESSION = 64;
const GOAL_REPLAY_KIB_PER_SESSION = 16;
/**
 * Agents of gateway.latency10k. Both ends of every socket live in this one process (the clients
 * in a worker thread), and its file descriptors are capped at 20,000 here (ulimit -n, hard):
 * 10,000 agents would need 20,000 sockets plus the process's own. 9,000 fit.
 */
const AGENTS_10K = Number(process.env.BENCH_GATEWAY_AGENTS_10K) || 9_000;
const WRAP_UP_MS = 100;
const TALK_MS = 500;

/** A BenchmarkResult with the figures that are not throughput (latency, memory) and their goals. */
interface GatewayResult extends BenchmarkResult {
  readonly values: Readonly<Record<string, number>>;
  readonly goal: { readonly ratioAtLeast?: number; readonly p99MsAtMost?: number; readonly kibPerSessionAtMost?: number };
}

interface Plan extends RelayPlan {
  readonly agents: number;
  readonly callsPerSecond: number;
  readonly loadSeconds: number;
  /** Calls at the same rate before the measured window, so that it starts warm. */
  readonly warmupSeconds: number;
  readonly eventsPerAgentPerRound: number;
  readonly rounds: { readonly warmup: number; readonly measured: number };
}

const now = () => performance.timeOrigin + performance.now();
const gc = (globalThis as { gc?: () => void }).gc;

function plan(quick: boolean): Plan {
  const agents = Number(process.env.BENCH_GATEWAY_AGENTS) || (quick ? 100 : 1000);
  return {
    agents,
    callsPerSecond: 100,
    loadSeconds: quick ? 2 : 10,
    warmupSeconds: quick ? 0.5 : 1,
    // About 30,000 frames per throughput round at 1,000 agents.
    eventsPerAgentPerRound: Math.max(10, Math.ceil((quick ? 5_000 : 30_000) / agents)),
    rounds: quick ? { warmup: 1, measured: 3 } : { warmup: 2, measured: 7 },
    pacedEventsPerSecond: 20_000,
    pacedSeconds: quick ? 1 : 3,
    pacedRounds: quick ? 1 : 3,
  };
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number);

const kib = (bytes: number) => round3(bytes / 1024);

async function settledMemory(): Promise<NodeJS.MemoryUsage> {
  await sleep(100);
  for (let i = 0; i < 3; i++) gc?.();
  return process.memoryUsage();
}

async function waitUntil(test: () => boolean, what: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(20);
  }
}

// ---------------------------------------------------------------------------------------------
// 1. connect and log in; memory per idle session

async function connectAgents(server: BenchServer, clients: ClientPool, p: Plan, log: (line: string) => void): Promise<GatewayResult> {
  const before = await settledMemory();
  const opened = await clients.call<{ ms: number }>({ cmd: 'open', group: 'gateway', url: server.url, count: p.agents });
  const connected = await settledMemory();
  const loggedIn = await clients.call<{ ms: number }>({ cmd: 'login', agentIds: server.agents.map((a) => a.agentId) });
  await waitUntil(() => server.sw.agents().every((a) => a.state === 'Ready'), 'every agent Ready', Math.max(10_000, p.agents * 10));
  const idle = await settledMemory();
  if (server.gateway.sessions().size !== p.agents) throw new Error(`${server.gateway.sessions().size} sessions for ${p.agents} agents`);
  log(`gateway: ${p.agents} sockets open in ${Math.round(opened.ms)} ms, logged in and Ready in ${Math.round(loggedIn.ms)} ms`);

  const per = (a: NodeJS.MemoryUsage, b: NodeJS.MemoryUsage, key: 'heapUsed' | 'external' | 'arrayBuffers') => (b[key] - a[key]) / p.agents;
  const heapPerSession = per(before, idle, 'heapUsed');
  const kibPerSession = heapPerSession / 1024;
  return {
    name: 'gateway.idleSessionMemory',
    values: {
      kibPerSession: round3(kibPerSession),
      kibPerConnection: kib(per(before, connected, 'heapUsed')),
      kibPerLogin: kib(per(connected, idle, 'heapUsed')),
      externalKibPerSession: kib(per(before, idle, 'external')),
      arrayBuffersKibPerSession: kib(per(before, idle, 'arrayBuffers')),
    },
    goal: { kibPerSessionAtMost: GOAL_KIB_PER_SESSION },
    meetsGoal: kibPerSession <= GOAL_KIB_PER_SESSION,
    details: {
      agents: p.agents,
      measured:
        'server-thread heapUsed (process.memoryUsage, after global.gc) with N sockets logged in through the protocol and Ready, minus before the ' +
        'first socket opened, divided by N; kibPerConnection = socket open, not logged in; kibPerLogin = the login on top. Clients live in a worker thread.',
      gcAvailable: gc !== undefined,
      authenticate: 'accepts every password: scrypt hashing is not what is measured',
      connectMs: Math.round(opened.ms),
      loginAndReadyMs: Math.round(loggedIn.ms),
      heapUsedBytesBefore: before.heapUsed,
      heapUsedMiB: { before: round3(before.heapUsed / 2 ** 20), connected: round3(connected.heapUsed / 2 ** 20), idle: round3(idle.heapUsed / 2 ** 20) },
      externalMiB: { before: round3(before.external / 2 ** 20), idle: round3(idle.external / 2 ** 20) },
      arrayBuffersMiB: { before: round3(before.arrayBuffers / 2 ** 20), idle: round3(idle.arrayBuffers / 2 ** 20) },
    },
  };
}

/**
 * The same sessions after the call load and the throughput rounds: what their replay buffers
 * (up to replayLimit frames each) hold once agents have been busy.
 */
function withMemoryAfterLoad(memory: GatewayResult, after: NodeJS.MemoryUsage, server: BenchServer, p: Plan): GatewayResult {
  const before = memory.details?.heapUsedBytesBefore as number;
  const frames = [...server.gateway.sessions().values()].reduce((n, s) => n + s.seq, 0) / p.agents;
  return {
    ...memory,
    details: {
      ...memory.details,
      afterLoad: {
        kibPerSession: kib((after.heapUsed - before) / p.agents),
        eventsSentPerSession: Math.round(frames),
        note: 'not the goal: the heap once each session has sent these events; its replay buffer keeps the last of them within its bounds (gateway.replayMemory)',
      },
    },
  };
}

/**
 * gateway.replayMemory: what the replay buffers of busy sessions hold. At the end of the suite
 * every session has sent thousands of events, so each buffer is as full as its bounds let it be;
 * the heap is measured with them, then with them emptied: the difference per session.
 */
async function replayMemory(server: BenchServer, p: Plan, log: (line: string) => void): Promise<GatewayResult> {
  const sessions = [...server.gateway.sessions().values()];
  const kept = sessions.reduce((n, s) => n + s.replay.length, 0) / sessions.length;
  const chars = sessions.reduce((n, s) => n + s.replayBytes, 0) / sessions.length;
  const sent = sessions.reduce((n, s) => n + s.seq, 0) / sessions.length;
  const withReplay = await settledMemory();
  for (const session of sessions) {
    session.replay.length = 0;
    session.replayBytes = 0;
  }
  const without = await settledMemory();
  const kibPerSession = (withReplay.heapUsed - without.heapUsed) / sessions.length / 1024;
  log(`gateway.replayMemory: ${kibPerSession.toFixed(2)} KiB per busy session (${kept.toFixed(1)} frames, ${Math.round(chars)} characters kept of ${Math.round(sent)} events sent)`);
  return {
    name: 'gateway.replayMemory',
    values: { kibPerSession: round3(kibPerSession), framesKeptPerSession: round3(kept), frameBytesKeptPerSession: Math.round(chars) },
    goal: { kibPerSessionAtMost: GOAL_REPLAY_KIB_PER_SESSION },
    meetsGoal: kibPerSession <= GOAL_REPLAY_KIB_PER_SESSION,
    details: {
      agents: p.agents,
      eventsSentPerSession: Math.round(sent),
      bounds: 'the call center defaults: replayLimit 256 frames, replayMaxBytes 10,240, replayMaxAgeMs 120,000 (log time)',
      measured:
        'server-thread heapUsed (after global.gc) with every session\'s replay buffer as the suite left it (after the call load, throughput and relay ' +
        'rounds), minus the same heap with the buffers emptied, divided by the sessions.',
      gcAvailable: gc !== undefined,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// 2. steady call load: event latency

interface LoadOutcome {
  readonly result: GatewayResult;
  /** Switch events seen per agent during the load, for the throughput rounds. */
  readonly eventsByAgent: Map<string, OpenCtiEvent[]>;
}

async function latencyUnderLoad(
  server: BenchServer,
  clients: ClientPool,
  p: Plan,
  log: (line: string) => void,
  name = 'gateway.latency',
  goalMs = GOAL_P99_MS,
): Promise<LoadOutcome> {
  const { sw } = server;
  const published = new Map<string, number[]>();
  const eventsByAgent = new Map<string, OpenCtiEvent[]>();
  const hangUps = new Set<ReturnType<typeof setTimeout>>();
  const hangUpErrors: string[] = [];
  let publishedCount = 0;

  server.tap = ({ agentId, event }: DeviceEvent) => {
    if (!agentId) return;
    const at = now();
    const callId = (event as { pyCallId?: string }).pyCallId ?? '';
    const key = `${agentId}|${callId}|${event.pyEventType}:${event.pyEventName}`;
    let times = published.get(key);
    if (!times) published.set(key, (times = []));
    times.push(at);
    publishedCount++;
    let kept = eventsByAgent.get(agentId);
    if (!kept) eventsByAgent.set(agentId, (kept = []));
    if (kept.length < 64) kept.push(event);
    // The caller hangs up a short talk time after the agent answered.
    if (event.pyEventType === 'CallStateEvent' && event.pyEventName === 'Established') {
      const timer = setTimeout(() => {
        hangUps.delete(timer);
        try {
          sw.callerHangUp(callId);
        } catch (error) {
          hangUpErrors.push((error as Error).message);
        }
      }, TALK_MS);
      hangUps.add(timer);
    }
  };

  await clients.call({ cmd: 'mode', mode: 'latency' });
  const total = Math.round(p.callsPerSecond * (p.warmupSeconds + p.loadSeconds));
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  let issued = 0;
  const inboundErrors: string[] = [];
  const start = now();
  const measureStart = start + p.warmupSeconds * 1000;
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const due = Math.min(total, Math.floor(((now() - start) * p.callsPerSecond) / 1000));
      for (; issued < due; issued++) {
        const queue = QUEUES[issued % QUEUES.length] as (typeof QUEUES)[number];
        try {
          sw.inboundCall(`+1555${String(issued).padStart(7, '0')}`, queue.dnis, { order: `O-${issued}` });
        } catch (error) {
          inboundErrors.push((error as Error).message);
        }
      }
      if (issued >= total) {
        clearInterval(tick);
        resolve();
      }
    }, 5);
  });
  const loadEnd = now();
  // Let the last calls end and the agents come back from after-call work.
  await waitUntil(() => sw.calls().length === 0 && hangUps.size === 0, 'the last calls to end', 30_000);
  await sleep(WRAP_UP_MS + 300);
  loop.disable();
  server.tap = undefined;
  await clients.call({ cmd: 'mode', mode: 'idle' });
  const report = await clients.call<LatencyReport>({ cmd: 'collect' });

  const latencies: number[] = [];
  // Events published in the second after a heartbeat sweep of the gateway (see below), apart.
  const quiet: number[] = [];
  const afterSweep = (t: number) => (t - server.createdAt) % server.heartbeatMs < 1000;
  let unmatched = 0;
  let inWindow = 0;
  const byName: Record<string, number> = {};
  for (const [agent, callId, name, at] of report.receipts) {
    const agentId = server.agents[agent]?.agentId;
    const times = published.get(`${agentId}|${callId}|${name}`);
    const sentAt = times?.shift();
    if (sentAt === undefined) {
      unmatched++;
      continue;
    }
    if (sentAt < measureStart) continue;
    latencies.push(at - sentAt);
    if (!afterSweep(sentAt)) quiet.push(at - sentAt);
    byName[name] = (byName[name] ?? 0) + 1;
    if (at <= loadEnd) inWindow++;
  }
  latencies.sort((a, b) => a - b);
  quiet.sort((a, b) => a - b);
  const undelivered = [...published.values()].reduce((n, times) => n + times.length, 0);
  if (latencies.length === 0) throw new Error('no event reached the clients during the call load');
  const errors = [...inboundErrors, ...hangUpErrors, ...server.listenerErrors.map(String)];
  if (report.answersFailed > 0 || errors.length > 0 || undelivered > 0) {
    log(`${name}: ${report.answersFailed} answers failed (${report.firstAnswerError ?? '-'}), ${errors.length} errors (${errors[0] ?? '-'}), ${undelivered} events not delivered`);
  }
  const seconds = (loadEnd - measureStart) / 1000;
  const sweeps = (t: number) => Math.floor((t - server.createdAt) / server.heartbeatMs);
  const p99 = percentile(latencies, 99);
  const eventsPerSecond = inWindow / seconds;
  log(`${name}: ${p.agents} agents, ${p.callsPerSecond} calls/s: ${latencies.length} events, p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, ${Math.round(eventsPerSecond)} events/s`);
  const result: GatewayResult = {
    name,
    eventsPerSecond: round3(eventsPerSecond),
    values: {
      p50Ms: round3(percentile(latencies, 50)),
      p90Ms: round3(percentile(latencies, 90)),
      p99Ms: round3(p99),
      p999Ms: round3(percentile(latencies, 99.9)),
      maxMs: round3(latencies[latencies.length - 1] as number),
      p99MsOutsideHeartbeatSecond: round3(percentile(quiet, 99)),
    },
    goal: { p99MsAtMost: goalMs },
    meetsGoal: p99 <= goalMs,
    details: {
      agents: p.agents,
      callsPerSecond: p.callsPerSecond,
      calls: total,
      warmupSeconds: p.warmupSeconds,
      loadSeconds: round3(seconds),
      talkMs: TALK_MS,
      wrapUpMs: WRAP_UP_MS,
      measured:
        'time from the switch publishing an event (a device-event listener ahead of the bus, on the server thread) to the client worker ' +
        'receiving its frame, matched by (agent, call, event); clock: performance.timeOrigin + performance.now() in both threads. ' +
        'Clients answer each Alerting with answerCall; the caller hangs up after talkMs. Calls of the warm-up seconds are not measured. ' +
        'eventsPerSecond: events received during the measured window.',
      eventsMeasured: latencies.length,
      eventsByName: byName,
      unmatchedReceipts: unmatched,
      eventsNotDelivered: undelivered,
      eventsPublished: publishedCount,
      answersSent: report.answersSent,
      answersFailed: report.answersFailed,
      errors: errors.length,
      serverEventLoopDelayMs: { p50: round3(loop.percentile(50) / 1e6), p99: round3(loop.percentile(99) / 1e6), max: round3(loop.max / 1e6) },
      gatewayHeartbeatMs: server.heartbeatMs,
      // The gateway pings and sends a heartbeat frame to every socket in one go: the window should hold as many sweeps as a real one.
      heartbeatSweepsInWindow: sweeps(loadEnd) - sweeps(measureStart),
      // p99MsOutsideHeartbeatSecond leaves out the events published in the second after each sweep.
      eventsOutsideHeartbeatSecond: quiet.length,
      // Latency tails follow the machine's run queue: other processes on the same cores show here.
      loadAverage1m: round3(loadavg()[0] ?? Number.NaN),
    },
  };
  return { result, eventsByAgent };
}

// ---------------------------------------------------------------------------------------------
// 3. throughput against a raw ws broadcast of the same frames

async function throughput(server: BenchServer, clients: ClientPool, p: Plan, eventsByAgent: Map<string, OpenCtiEvent[]>, log: (line: string) => void): Promise<GatewayResult> {
  const K = p.eventsPerAgentPerRound;
  const events = replayEvents(server, eventsByAgent, K);
  const messages: DeviceEvent[][] = server.agents.map(({ agentId, extension }, i) => (events[i] as OpenCtiEvent[]).map((event) => ({ extension, agentId, event })));
  // The frames the gateway sends, serialized once: what the baseline sends.
  const seqBase = Math.max(...[...server.gateway.sessions().values()].map((s) => s.seq)) + 1;
  const frames: string[][] = events.map((list) => list.map((event, k) => JSON.stringify({ type: 'event', seq: seqBase + k, event })));

  await clients.call({ cmd: 'open', group: 'raw', url: server.rawUrl, count: p.agents });
  await waitUntil(() => server.rawSockets.length === p.agents, 'the baseline sockets', 10_000);

  const count = p.agents * K;
  const sentCounter = async () => (await server.metrics.eventsSent.get()).values[0]?.value ?? 0;
  const round = async (push: () => void) => {
    const done = await clients.expect(count);
    const start = now();
    push();
    const pushed = now();
    const arrived = await done();
    return { eventsPerSecond: count / ((arrived.at - start) / 1000), pushPerSecond: count / ((pushed - start) / 1000) };
  };
  const contenders = {
    gateway: async () => {
      const sentBefore = await sentCounter();
      const r = await round(() => {
        for (let k = 0; k < K; k++) for (const list of messages) server.publish(list[k] as DeviceEvent);
      });
      const sent = (await sentCounter()) - sentBefore;
      if (sent !== count) throw new Error(`the gateway sent ${sent} event frames for ${count} published`);
      return r;
    },
    baseline: async () =>
      round(() => {
        const sockets = server.rawSockets;
        for (let k = 0; k < K; k++) for (let i = 0; i < sockets.length; i++) sockets[i]?.send((frames[i] as string[])[k] as string);
      }),
  };

  log(`gateway.throughput: ${count} frames per round (${p.agents} agents × ${K}) × ${p.rounds.warmup} warm-up + ${p.rounds.measured} measured rounds, interleaved with the baseline`);
  const samples = { gateway: [] as number[], baseline: [] as number[] };
  const push = { gateway: [] as number[], baseline: [] as number[] };
  for (let r = 0; r < p.rounds.warmup + p.rounds.measured; r++) {
    for (const name of ['gateway', 'baseline'] as const) {
      const outcome = await contenders[name]();
      if (r < p.rounds.warmup) continue;
      samples[name].push(outcome.eventsPerSecond);
      push[name].push(outcome.pushPerSecond);
    }
  }
  const gatewayRate = median(samples.gateway);
  const baselineRate = median(samples.baseline);
  const ratio = gatewayRate / baselineRate;
  const spread = (values: number[]) => ({ min: round3(Math.min(...values)), max: round3(Math.max(...values)) });
  log(`gateway.throughput: ${Math.round(gatewayRate)} events/s vs raw ws ${Math.round(baselineRate)} events/s, ratio ${ratio.toFixed(2)}`);
  return {
    name: 'gateway.throughput',
    eventsPerSecond: round3(gatewayRate),
    baseline: { name: 'raw ws send of the same serialized frames', eventsPerSecond: round3(baselineRate) },
    ratio: round3(ratio),
    values: {
      ratio: round3(ratio),
      serverPushEventsPerSecond: round3(median(push.gateway)),
      baselineServerPushEventsPerSecond: round3(median(push.baseline)),
      serverPushRatio: round3(median(push.gateway) / median(push.baseline)),
    },
    goal: { ratioAtLeast: GOAL_RATIO },
    meetsGoal: ratio >= GOAL_RATIO,
    details: {
      agents: p.agents,
      eventsPerAgentPerRound: K,
      framesPerRound: count,
      warmupRounds: p.rounds.warmup,
      measuredRounds: p.rounds.measured,
      meanFrameBytes: Math.round(frames.flat().reduce((n, f) => n + f.length, 0) / count),
      measured:
        'events/s from the first publish to the last frame counted by the client worker. gateway: publishDeviceEvent on the bus for every ' +
        'agent (the agent topic → AgentSession.push → JSON.stringify, replay buffer, metrics, ws send). baseline: a raw ws server sending the ' +
        'same frames, serialized beforehand, to as many clients of the same worker. Events are those the switch emitted to each agent ' +
        'during the call load. serverPush*: events/s of the synchronous push loop alone (server CPU, before the sockets drain).',
      spread: { gateway: spread(samples.gateway), baseline: spread(samples.baseline) },
      samples: { gateway: samples.gateway.map(round3), baseline: samples.baseline.map(round3) },
    },
  };
}

// ---------------------------------------------------------------------------------------------

async function run({ quick, log }: SuiteOptions): Promise<BenchmarkResult[]> {
  const p = plan(quick);
  const results: BenchmarkResult[] = [];
  if (!gc) log('gateway: global.gc is not exposed (run node with --expose-gc): memory figures include garbage');
  const server = await startBenchServer(p.agents, { wrapUpMs: WRAP_UP_MS });
  const relay = await startRelay();
  const clients = new ClientPool();
  try {
    const memory = await connectAgents(server, clients, p, log);
    log(`gateway.idleSessionMemory: ${memory.values.kibPerSession} KiB per idle session`);
    const relayBytesPerClient = await openRelayClients(server, relay, clients, async () => (await settledMemory()).heapUsed);
    const { result: latency, eventsByAgent } = await latencyUnderLoad(server, clients, p, log);
    const rate = await throughput(server, clients, p, eventsByAgent, log);
    const burst = await burstVersusRelay(server, relay, clients, p, eventsByAgent, { gatewayKibPerSession: memory.values.kibPerSession as number, relayBytesPerClient }, log);
    const paced = await pacedVersusRelay(server, relay, clients, p, eventsByAgent, log);
    const afterLoad = withMemoryAfterLoad(memory, await settledMemory(), server, p);
    const replay = await replayMemory(server, p, log);
    results.push(latency, rate, burst, paced, afterLoad, replay);
  } finally {
    server.tap = undefined;
    await clients.call({ cmd: 'close' }, 10_000).catch(() => undefined);
    await clients.terminate();
    await relay.close();
    await server.close();
  }
  results.push(await latencyAtScale(quick, log));
  return results;
}

/**
 * gateway.latency10k: the latency benchmark again on a fresh server with many more agents and
 * twice the calls (see AGENTS_10K for why 9,000 rather than 10,000 by default).
 */
async function latencyAtScale(quick: boolean, log: (line: string) => void): Promise<GatewayResult> {
  const agents = quick ? Math.min(AGENTS_10K, 1_000) : AGENTS_10K;
  const p: Plan = { ...plan(quick), agents, callsPerSecond: 200 };
  if (agents < 10_000) {
    log(`gateway.latency10k: ${agents} agents, not 10,000: both ends of each socket are in this process and its file descriptors are capped at 20,000`);
  }
  const server = await startBenchServer(p.agents, { wrapUpMs: WRAP_UP_MS });
  const clients = new ClientPool();
  try {
    await connectAgents(server, clients, p, log);
    const { result } = await latencyUnderLoad(server, clients, p, log, 'gateway.latency10k', GOAL_P99_MS_10K);
    return {
      ...result,
      details: {
        ...result.details,
        agentsNote:
          agents < 10_000
            ? `${agents} agents rather than 10,000: the clients run in a worker of this process, so each socket costs two file descriptors, and the process may hold 20,000 (ulimit -n, hard). BENCH_GATEWAY_AGENTS_10K to change.`
            : '10,000 agents',
      },
    };
  } finally {
    server.tap = undefined;
    await clients.call({ cmd: 'close' }, 30_000).catch(() => undefined);
    await clients.terminate();
    await server.close();
  }
}

export const gatewaySuite: BenchmarkSuite = {
  name: 'gateway',
  description: 'the WebSocket gateway with N agents over real sockets: event latency under call load, throughput vs raw ws and vs an Express + socket.io relay, memory per idle session',
  run,
};
