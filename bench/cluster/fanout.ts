/**
 * Fan-out: N agents logged in over plain WebSocket clients speaking the wire protocol, spread over
 * the target's nodes, all Ready; then a burst of calls placed through the REST API (of another node
 * than the agent's, in a cluster) that each agent answers and hangs up, again and again. What is
 * measured is event frames received by the clients per second, end to end.
 */
import { performance } from 'node:perf_hooks';
import { WsClient } from '../../test/helpers/ws-client.js';
import type { Target } from './target.js';

/** The events one call brings its agent: Alerting, Established, Busy, Disconnected, Ready. */
export const EVENTS_PER_CALL = 5;
export const AGENT_PASSWORD = 'bench-password-1';

export interface FanoutAgent {
  readonly agentId: string;
  readonly extension: string;
  readonly node: number;
  readonly client: WsClient;
}

export interface Fanout {
  readonly target: Target;
  readonly agents: readonly FanoutAgent[];
  /** Logs every agent out and closes the sockets. */
  close(): Promise<void>;
}

export interface Burst {
  readonly eventsPerSecond: number;
  readonly events: number;
  readonly calls: number;
  readonly ms: number;
  /** Cluster log entries the burst appended (undefined without a cluster). */
  readonly logEntries: number | undefined;
  /** CPU time the target's processes used during the burst (ms), all of them, when it can be read. */
  readonly cpuMs: number | undefined;
  /** The same for the leader, and for each follower on average (undefined for the single process). */
  readonly leaderCpuMs: number | undefined;
  readonly followerCpuMs: number | undefined;
}

/** Login times of the last loginAgents (ms), for the report. */
export const loginMs: number[] = [];

let nextId = 1;
/** A request with a longer wait than WsClient's: logins queue behind the password hashes. */
async function slowRequest(client: WsClient, op: string, args: Record<string, unknown>, ms = 60_000): Promise<unknown> {
  const id = `bench-${nextId++}`;
  client.sendRaw(JSON.stringify({ type: 'request', id, op, args }));
  await client.waitFor(() => client.responses.some((r) => r.id === id), `the response to ${op}`, ms);
  const response = client.responses.find((r) => r.id === id)!;
  if (!response.ok) throw new Error(`${op} failed: ${response.error?.errCode} ${response.error?.errMessage}`);
  return response.result;
}

/** Creates the agents through node 0's admin API and logs each in on node `i mod size`. */
export async function loginAgents(target: Target, count: number, prefix: string, firstExtension: number): Promise<Fanout> {
  const specs = Array.from({ length: count }, (_, i) => ({ agentId: `${prefix}${i}`, extension: String(firstExtension + i), node: i % target.size }));
  for (const s of specs) {
    await target.api(0, 'POST', '/api/agents', { agentId: s.agentId, displayName: `Bench ${s.agentId}`, extension: s.extension, password: AGENT_PASSWORD });
  }
  const agents: FanoutAgent[] = [];
  const fanout: Fanout = {
    target,
    agents,
    async close() {
      await Promise.all(agents.map(async (a) => {
        await a.client.request('logout').catch(() => undefined);
        await a.client.close();
      }));
    },
  };
  try {
    // A few logins at a time: the server checks passwords (scrypt) two at a time and the login
    // is not what is measured.
    const queue = [...specs];
    const worker = async () => {
      for (let s = queue.shift(); s !== undefined; s = queue.shift()) {
        const client = await WsClient.connect(target.ctiUrl(s.node));
        agents.push({ ...s, client });
        const t = performance.now();
        await slowRequest(client, 'login', { agentId: s.agentId, agentPwd: AGENT_PASSWORD });
        loginMs.push(performance.now() - t);
        await client.ok('agentReady', {});
        const id = s.agentId;
        await client.waitFor(() => client.eventsOf('AgentStateEvent', 'Ready').length > 0, `${id} Ready`, 10_000);
      }
    };
    await Promise.all(Array.from({ length: 2 * target.size }, worker));
  } catch (error) {
    await fanout.close();
    throw error;
  }
  return fanout;
}

const lastEvent = (client: WsClient) => client.events.at(-1)?.event;

/** One agent's calls, one after the other: placed, answered, hung up, back to Ready. */
async function agentCalls(fanout: Fanout, agent: FanoutAgent, calls: number): Promise<void> {
  const { client } = agent;
  const restNode = fanout.target.size === 1 ? 0 : agent.node + 1;
  for (let i = 0; i < calls; i++) {
    const from = client.events.length;
    const { callId } = await fanout.target.api<{ callId: string }>(restNode, 'POST', '/api/calls', { from: '+15550100', to: agent.extension });
    const seen = (name: string, type = 'CallStateEvent') => () => client.events.slice(from).some((f) => f.event.pyEventType === type && f.event.pyEventName === name);
    await client.waitFor(seen('Alerting'), `${agent.agentId} call ${i} Alerting`, 15_000);
    await client.ok('answerCall', { callId });
    await client.waitFor(seen('Established'), `${agent.agentId} call ${i} Established`, 15_000);
    await client.ok('hangUpCall', { callId });
    await client.waitFor(
      () => seen('Disconnected')() && lastEvent(client)?.pyEventType === 'AgentStateEvent' && lastEvent(client)?.pyEventName === 'Ready',
      `${agent.agentId} call ${i} over and Ready`,
      15_000,
    );
  }
}

/** Every agent takes `callsPerAgent` calls at once; events/s over the whole burst. */
export async function burst(fanout: Fanout, callsPerAgent: number): Promise<Burst> {
  const before = fanout.agents.reduce((n, a) => n + a.client.events.length, 0);
  const logBefore = await fanout.target.logPosition();
  const cpuBefore = fanout.target.cpuMs();
  const start = performance.now();
  await Promise.all(fanout.agents.map((a) => agentCalls(fanout, a, callsPerAgent)));
  const ms = performance.now() - start;
  const events = fanout.agents.reduce((n, a) => n + a.client.events.length, 0) - before;
  const cpuAfter = fanout.target.cpuMs();
  const leader = await fanout.target.leader();
  const used = cpuBefore === undefined || cpuAfter === undefined ? undefined : Object.entries(cpuAfter).map(([id, after]) => ({ id, ms: after - (cpuBefore[id] ?? 0) }));
  const cpuMs = used?.reduce((n, u) => n + u.ms, 0);
  const followers = used?.filter((u) => u.id !== leader);
  const leaderCpuMs = fanout.target.size === 1 ? undefined : used?.find((u) => u.id === leader)?.ms;
  const followerCpuMs = fanout.target.size === 1 || !followers?.length ? undefined : followers.reduce((n, u) => n + u.ms, 0) / followers.length;
  const calls = fanout.agents.length * callsPerAgent;
  const logAfter = await fanout.target.logPosition();
  const logEntries = logBefore === undefined || logAfter === undefined ? undefined : logAfter - logBefore;
  // The work was really done: every call brought its agent its events, none more, none fewer.
  if (events !== calls * EVENTS_PER_CALL) throw new Error(`${fanout.target.kind}: ${events} events for ${calls} calls (expected ${calls * EVENTS_PER_CALL})`);
  return { eventsPerSecond: events / (ms / 1000), events, calls, ms, logEntries, cpuMs, leaderCpuMs, followerCpuMs };
}

/** Every agent's seq numbers run 1, 2, 3… with no gap or repeat. */
export function seqGaps(fanout: Fanout): number {
  let gaps = 0;
  for (const a of fanout.agents) {
    const seqs = a.client.events.map((f) => f.seq);
    for (let i = 1; i < seqs.length; i++) if (seqs[i] !== seqs[i - 1]! + 1) gaps++;
  }
  return gaps;
}
