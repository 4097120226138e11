/**
 * gateway.vsRelay*: the gateway against the hand-rolled Express + socket.io relay (relay.ts),
 * both fed the same events for the same agents in the same process, rounds interleaved.
 *
 * - burst: every agent's events pushed as fast as possible; events/s to the last frame, and the
 *   server thread's busy time per event (event-loop utilization, so the client worker's parsing
 *   is not counted).
 * - paced: a steady rate (20,000 events/s by default) spread over the agents; per-event latency
 *   from publishing to the client's receipt, p50 and p99.
 * - memory: server heap per connected client (the relay: a socket in its room; the gateway: a
 *   logged-in session, from gateway.idleSessionMemory).
 *
 * Clients parse every frame in both (a socket.io client always does; a desktop does too).
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { OpenCtiEvent } from '../../src/framework/schema/events.js';
import type { DeviceEvent } from '../../src/server/switch/index.js';
import { median, round3 } from '../measure.js';
import type { BenchmarkResult } from '../types.js';
import type { ClientPool } from './pool.js';
import type { Relay } from './relay.js';
import type { BenchServer } from './server.js';

/** The goals: events/s ≥ 1.5× the relay in bursts; p99 ≤ 0.5× the relay's when paced. */
const GOAL_BURST_RATIO = 1.5;
const GOAL_PACED_P99_RATIO = 0.5;

export interface RelayPlan {
  readonly agents: number;
  readonly eventsPerAgentPerRound: number;
  readonly rounds: { readonly warmup: number; readonly measured: number };
  readonly pacedEventsPerSecond: number;
  readonly pacedSeconds: number;
  readonly pacedRounds: number;
}

type Contender = 'gateway' | 'relay';

const now = () => performance.timeOrigin + performance.now();

const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number);

/** Each agent's own events from the call load, cycled to `count`; another agent's when it has none. */
export function replayEvents(server: BenchServer, eventsByAgent: ReadonlyMap<string, readonly OpenCtiEvent[]>, count: number): OpenCtiEvent[][] {
  const fallback = [...eventsByAgent.values()].find((list) => list.length > 0);
  if (!fallback) throw new Error('no switch events were recorded to replay');
  return server.agents.map(({ agentId }) => {
    const own = eventsByAgent.get(agentId);
    const source = own && own.length > 0 ? own : fallback;
    return Array.from({ length: count }, (_, k) => source[k % source.length] as OpenCtiEvent);
  });
}

/** Publishes event k of agent i through one contender. */
function publisher(server: BenchServer, relay: Relay, events: OpenCtiEvent[][]): Record<Contender, (i: number, k: number) => void> {
  const messages: DeviceEvent[][] = server.agents.map(({ agentId, extension }, i) => (events[i] as OpenCtiEvent[]).map((event) => ({ extension, agentId, event })));
  const ids = server.agents.map((a) => a.agentId);
  return {
    gateway: (i, k) => server.publish((messages[i] as DeviceEvent[])[k] as DeviceEvent),
    relay: (i, k) => relay.publish(ids[i] as string, (events[i] as OpenCtiEvent[])[k] as OpenCtiEvent),
  };
}

export async function openRelayClients(server: BenchServer, relay: Relay, clients: ClientPool, settledHeap: () => Promise<number>): Promise<number> {
  const before = await settledHeap();
  await clients.call({ cmd: 'open', group: 'relay', url: relay.url, count: server.agents.length, agentIds: server.agents.map((a) => a.agentId) });
  const end = Date.now() + 10_000;
  while (relay.connected() < server.agents.length) {
    if (Date.now() > end) throw new Error(`${relay.connected()} of ${server.agents.length} relay sockets joined their rooms`);
    await sleep(20);
  }
  return ((await settledHeap()) - before) / server.agents.length;
}

export async function burstVersusRelay(
  server: BenchServer,
  relay: Relay,
  clients: ClientPool,
  p: RelayPlan,
  eventsByAgent: ReadonlyMap<string, readonly OpenCtiEvent[]>,
  memory: { gatewayKibPerSession: number; relayBytesPerClient: number },
  log: (line: string) => void,
): Promise<BenchmarkResult> {
  const K = p.eventsPerAgentPerRound;
  const publish = publisher(server, relay, replayEvents(server, eventsByAgent, K));
  const count = p.agents * K;
  const round = async (name: Contender) => {
    const done = await clients.expect(count, { parse: true });
    const elu = performance.eventLoopUtilization();
    const start = now();
    const send = publish[name];
    for (let k = 0; k < K; k++) for (let i = 0; i < p.agents; i++) send(i, k);
    const arrived = await done();
    const busy = performance.eventLoopUtilization(elu);
    return { eventsPerSecond: count / ((arrived.at - start) / 1000), busyUsPerEvent: (busy.active * 1000) / count };
  };
  log(`gateway.vsRelay: ${count} frames per round × ${p.rounds.warmup} warm-up + ${p.rounds.measured} measured rounds, gateway and relay interleaved`);
  const rate = { gateway: [] as number[], relay: [] as number[] };
  const busy = { gateway: [] as number[], relay: [] as number[] };
  for (let r = 0; r < p.rounds.warmup + p.rounds.measured; r++) {
    // Alternate who goes first, so that neither always runs on the other's garbage.
    const order: Contender[] = r % 2 === 0 ? ['gateway', 'relay'] : ['relay', 'gateway'];
    for (const name of order) {
      const outcome = await round(name);
      if (r < p.rounds.warmup) continue;
      rate[name].push(outcome.eventsPerSecond);
      busy[name].push(outcome.busyUsPerEvent);
    }
  }
  const ratio = median(rate.gateway) / median(rate.relay);
  const relayKib = memory.relayBytesPerClient / 1024;
  log(`gateway.vsRelay: ${Math.round(median(rate.gateway))} events/s vs relay ${Math.round(median(rate.relay))}, ratio ${ratio.toFixed(2)}; busy µs/event ${median(busy.gateway).toFixed(2)} vs ${median(busy.relay).toFixed(2)}`);
  return {
    name: 'gateway.vsRelay',
    eventsPerSecond: round3(median(rate.gateway)),
    baseline: { name: 'Express + socket.io relay, one room per agent', eventsPerSecond: round3(median(rate.relay)) },
    ratio: round3(ratio),
    values: {
      ratio: round3(ratio),
      busyUsPerEvent: round3(median(busy.gateway)),
      relayBusyUsPerEvent: round3(median(busy.relay)),
      busyRatio: round3(median(busy.gateway) / median(busy.relay)),
      kibPerClient: round3(memory.gatewayKibPerSession),
      relayKibPerClient: round3(relayKib),
      memoryRatio: round3(memory.gatewayKibPerSession / relayKib),
    },
    goal: { ratioAtLeast: GOAL_BURST_RATIO },
    meetsGoal: ratio >= GOAL_BURST_RATIO,
    details: {
      agents: p.agents,
      eventsPerAgentPerRound: K,
      measured:
        'events/s from the first publish to the last frame parsed by the client worker; busyUsPerEvent: the server thread\'s active ' +
        'event-loop time over the round divided by the events (the gateway: numbering, replay buffer, metrics, serialization, ws send; ' +
        'the relay: socket.io encode and room broadcast). memory: server heap per client — the gateway\'s per logged-in session ' +
        '(gateway.idleSessionMemory), the relay\'s per socket joined to its room.',
      samples: { gateway: rate.gateway.map(round3), relay: rate.relay.map(round3) },
    },
  };
}

export async function pacedVersusRelay(
  server: BenchServer,
  relay: Relay,
  clients: ClientPool,
  p: RelayPlan,
  eventsByAgent: ReadonlyMap<string, readonly OpenCtiEvent[]>,
  log: (line: string) => void,
): Promise<BenchmarkResult> {
  const total = Math.round(p.pacedEventsPerSecond * p.pacedSeconds);
  const perAgent = Math.ceil(total / p.agents);
  const publish = publisher(server, relay, replayEvents(server, eventsByAgent, perAgent));
  const round = async (name: Contender): Promise<number[]> => {
    const published: number[][] = server.agents.map(() => []);
    const done = await clients.expect(total, { parse: true, record: true });
    const send = publish[name];
    let issued = 0;
    const start = now();
    await new Promise<void>((resolve) => {
      const tick = setInterval(() => {
        const due = Math.min(total, Math.floor(((now() - start) * p.pacedEventsPerSecond) / 1000));
        for (; issued < due; issued++) {
          const i = issued % p.agents;
          const k = Math.floor(issued / p.agents);
          (published[i] as number[]).push(now());
          send(i, k);
        }
        if (issued >= total) {
          clearInterval(tick);
          resolve();
        }
      }, 2);
    });
    await done();
    const arrivals = await clients.call<number[][]>({ cmd: 'arrivals', group: name });
    const latencies: number[] = [];
    published.forEach((times, i) => times.forEach((at, k) => latencies.push((arrivals[i]?.[k] ?? Number.NaN) - at)));
    if (latencies.some(Number.isNaN)) throw new Error(`${name}: some paced events were not matched to an arrival`);
    return latencies;
  };
  log(`gateway.vsRelayPaced: ${p.pacedEventsPerSecond} events/s for ${p.pacedSeconds} s over ${p.agents} agents × ${p.pacedRounds} rounds each`);
  const all = { gateway: [] as number[], relay: [] as number[] };
  const p99s = { gateway: [] as number[], relay: [] as number[] };
  for (let r = 0; r < p.pacedRounds; r++) {
    for (const name of (r % 2 === 0 ? ['gateway', 'relay'] : ['relay', 'gateway']) as Contender[]) {
      const latencies = (await round(name)).sort((a, b) => a - b);
      all[name].push(...latencies);
      p99s[name].push(percentile(latencies, 99));
    }
  }
  for (const list of Object.values(all)) list.sort((a, b) => a - b);
  const figure = (name: Contender, p: number) => percentile(all[name], p);
  const p99Ratio = figure('gateway', 99) / figure('relay', 99);
  log(`gateway.vsRelayPaced: p50 ${figure('gateway', 50).toFixed(2)} vs ${figure('relay', 50).toFixed(2)} ms, p99 ${figure('gateway', 99).toFixed(2)} vs ${figure('relay', 99).toFixed(2)} ms`);
  return {
    name: 'gateway.vsRelayPaced',
    eventsPerSecond: p.pacedEventsPerSecond,
    values: {
      p50Ms: round3(figure('gateway', 50)),
      p99Ms: round3(figure('gateway', 99)),
      relayP50Ms: round3(figure('relay', 50)),
      relayP99Ms: round3(figure('relay', 99)),
      p50Ratio: round3(figure('gateway', 50) / figure('relay', 50)),
      p99Ratio: round3(p99Ratio),
    },
    goal: { ratioAtMost: GOAL_PACED_P99_RATIO },
    meetsGoal: p99Ratio <= GOAL_PACED_P99_RATIO,
    details: {
      agents: p.agents,
      events: total,
      rounds: p.pacedRounds,
      measured:
        'each event timed from publish (server thread) to its parse in the client worker, matched by agent and order; ratio: the ' +
        'gateway\'s p99 over the relay\'s (lower is better); rounds alternate which goes first.',
      p99PerRound: { gateway: p99s.gateway.map(round3), relay: p99s.relay.map(round3) },
    },
  };
}
