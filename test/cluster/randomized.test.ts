/**
 * Three `opencti serve` nodes on real NATS and PostgreSQL under random load while the leader is
 * killed (SIGKILL) and restarted again and again: callers dial queues and extensions through the
 * REST API of random nodes and hang up; agents answer, hold, retrieve, hang up, transfer, go
 * Ready and Not Ready from desktops that resume on another node when theirs dies. Requests may
 * fail during a failover (they are counted). Afterwards, with every call hung up: no call is left
 * on any node, every call has exactly one interaction in PostgreSQL holding each of its records
 * once, every node's replica equals a fresh replay of the log, and each desktop saw its events
 * numbered with no gap across the nodes it resumed on.
 *
 * The random script comes from fast-check; the seed is printed and FUZZ_SEED replays the script
 * (the interleaving with the kills depends on timing, so a replay is close, not exact).
 */
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CallSummary } from '../../src/server/switch/types.js';
import { killAll } from '../cli/serve-process.js';
import { NATS_URL, startCluster, type TestCluster } from '../helpers/cluster.js';
import { fuzzParameters } from '../fuzz/parameters.js';
import { replayLog } from './log-replay.js';
import { RoamingAgent, type Outcome } from './roaming-agent.js';

/** The nodes' configuration: short ring and wrap-up times, so timers fire (and are logged) during the run. */
const SESSION_GRACE_MS = 60_000;
const NODE_CONFIG = { sessionGraceMs: SESSION_GRACE_MS, ringTimeoutMs: 2_000, wrapUpMs: 1_500 };
const AGENTS = [
  { agentId: 'agent1', extension: '5001' },
  { agentId: 'agent2', extension: '5002' },
  { agentId: 'agent3', extension: '5003' },
  { agentId: 'agent4', extension: '5004' },
];
const DESTINATIONS = ['8000', '8001', '5001', '5002', '5003', '5004'];
/** Requests running at once. */
const WORKERS = 5;

type AgentOp = 'answerCall' | 'hangUpCall' | 'holdCall' | 'retrieveCall' | 'blindTransfer' | 'agentReady' | 'agentNotReady';
type Step =
  | { kind: 'place'; node: number; to: string; from: number }
  | { kind: 'callerHangUp'; node: number; pick: number }
  | { kind: 'agent'; agent: number; op: AgentOp; pick: number; destination: string };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('place' as const), node: fc.nat(), to: fc.constantFrom('8000', '8000', '8001', ...AGENTS.map((a) => a.extension)), from: fc.integer({ min: 1000, max: 9999 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('callerHangUp' as const), node: fc.nat(), pick: fc.nat() }) },
  {
    weight: 12,
    arbitrary: fc.record({
      kind: fc.constant('agent' as const),
      agent: fc.nat(AGENTS.length - 1),
      // Repeats weigh the choice: answering and being Ready keep calls moving.
      op: fc.constantFrom<AgentOp>('answerCall', 'answerCall', 'answerCall', 'hangUpCall', 'hangUpCall', 'holdCall', 'retrieveCall', 'blindTransfer', 'agentReady', 'agentReady', 'agentReady', 'agentNotReady'),
      pick: fc.nat(),
      destination: fc.constantFrom(...DESTINATIONS),
    }),
  },
);
const scriptArb = fc.record({
  steps: fc.array(fc.record({ step: stepArb, pauseMs: fc.integer({ min: 0, max: 60 }) }), { minLength: 500, maxLength: 500 }),
  /** Each kill of the leader: the load before it, and whether the killed node is back before the
   *  next kill (else it restarts meanwhile, and the next kill may leave a single node). */
  kills: fc.array(fc.record({ activeMs: fc.integer({ min: 500, max: 2_000 }), backFirst: fc.boolean() }), { minLength: 3, maxLength: 5 }),
});

const seed = fuzzParameters<unknown>(1).seed ?? Math.floor(Math.random() * 2 ** 31);
const script = fc.sample(scriptArb, { seed, numRuns: 1 })[0]!;

let cluster: TestCluster;
let db: pg.Client;
const agents: RoamingAgent[] = [];

beforeAll(async () => {
  console.log(`randomized cluster run: FUZZ_SEED=${seed} (${script.steps.length} steps, ${script.kills.length} leader kills)`);
  cluster = await startCluster(['a', 'b', 'c'], { config: NODE_CONFIG });
  db = new pg.Client({ connectionString: cluster.database });
  await db.connect();
}, 60_000);

afterAll(async () => {
  await Promise.all(agents.map((a) => a.close()));
  await db?.end();
  await cluster?.destroy();
  killAll();
}, 60_000);

/** One request's fate, with when it ran: to tell which ones met a failover. */
interface Done {
  readonly what: string;
  readonly start: number;
  readonly end: number;
  readonly outcome: Outcome;
}

/** What each live node printed last: why a node did not do what was expected. */
const describeNodes = () =>
  cluster.nodes.map((n) => `node ${n.id} (${n.alive() ? 'alive' : 'dead'}):\n${n.process?.stdout().slice(-4000)}${n.process?.stderr().slice(-4000)}`).join('\n');

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it(`keeps every replica equal to the log and every call recorded once while the leader is killed (FUZZ_SEED=${seed})`, async () => {
  const live = () => cluster.nodes.filter((n) => n.alive());
  const liveUrls = () => live().map((n) => n.ctiUrl);
  const done: Done[] = [];
  const serverErrors: string[] = [];
  const placed = new Set<string>();
  let calls: CallSummary[] = [];

  /** A REST request to a live node, as the simulated outside world makes it. */
  const rest = async (what: string, node: number, method: string, path: string, body?: unknown): Promise<Outcome> => {
    const nodes = live();
    const start = Date.now();
    let outcome: Outcome;
    if (nodes.length === 0) outcome = { kind: 'unsent', why: 'no node alive' };
    else {
      const target = nodes[node % nodes.length]!;
      try {
        const response = await fetch(`${target.url}${path}`, {
          method,
          headers: { authorization: `Bearer ${cluster.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(25_000),
        });
        const text = await response.text();
        const json = (text ? JSON.parse(text) : null) as { errCode?: string; errMessage?: string } | null;
        if (response.status >= 500) serverErrors.push(`${method} ${path} on ${target.id} → ${response.status}: ${text}`);
        outcome = response.ok ? { kind: 'ok', result: json } : { kind: 'refused', errCode: json?.errCode ?? `HTTP ${response.status}`, errMessage: json?.errMessage ?? text };
      } catch (error) {
        outcome = { kind: 'lost', why: `${method} ${path} on ${target.id}: ${(error as Error).message}` };
      }
    }
    done.push({ what, start, end: Date.now(), outcome });
    return outcome;
  };

  const refreshCalls = async (node: number) => {
    const outcome = await rest('list calls', node, 'GET', '/api/calls');
    if (outcome.kind === 'ok') calls = outcome.result as CallSummary[];
  };

  /** A call for this agent to act on: one it is in if any, else any call known, else none at all. */
  const callFor = (extension: string, pick: number): string => {
    const mine = calls.filter((c) => c.parties.includes(extension));
    const from = mine.length > 0 ? mine : calls;
    return from.length > 0 ? from[pick % from.length]!.callId : 'no-such-call';
  };

  const run = async (step: Step): Promise<void> => {
    switch (step.kind) {
      case 'place': {
        const outcome = await rest(`place a call to ${step.to}`, step.node, 'POST', '/api/calls', { from: `+1555${step.from}`, to: step.to });
        if (outcome.kind === 'ok') placed.add((outcome.result as { callId: string }).callId);
        return;
      }
      case 'callerHangUp': {
        await refreshCalls(step.node);
        const callId = calls.length > 0 ? calls[step.pick % calls.length]!.callId : 'no-such-call';
        await rest('caller hang-up', step.node, 'POST', `/api/calls/${encodeURIComponent(callId)}/hangup`);
        return;
      }
      case 'agent': {
        const agent = agents[step.agent]!;
        const callId = callFor(agent.extension, step.pick);
        const args: Record<string, unknown> =
          step.op === 'agentReady'
            ? {}
            : step.op === 'agentNotReady'
              ? { reasonCode: 'break' }
              : step.op === 'blindTransfer'
                ? { callId, destination: step.destination }
                : { callId };
        const start = Date.now();
        const outcome = await agent.request(step.op, args);
        done.push({ what: `${agent.agentId} ${step.op}`, start, end: Date.now(), outcome });
        return;
      }
    }
  };

  // Agents log in on different nodes, and are Ready.
  for (const [i, a] of AGENTS.entries()) {
    const agent = new RoamingAgent(a.agentId, a.extension, () => {
      const urls = liveUrls();
      return [...urls.slice(i % urls.length), ...urls.slice(0, i % urls.length)];
    });
    agents.push(agent);
    await agent.attach();
    expect((await agent.request('agentReady')).kind).toBe('ok');
  }

  // The load: workers take the script's steps in turn until the kills are over.
  let next = 0;
  let stopping = false;
  const worker = async () => {
    while (!stopping) {
      const { step, pauseMs } = script.steps[next++ % script.steps.length]!;
      if (step.kind === 'agent' && next % 7 === 0) await refreshCalls(step.pick);
      await run(step);
      await pause(pauseMs); // pacing of the load, not an assertion
    }
  };
  const workers = Array.from({ length: WORKERS }, worker);

  // The chaos: the leader is killed with SIGKILL, a new one takes over, the old one comes back.
  const failovers: { killed: string; killAt: number; leaderAt: number; next: string; seq: number }[] = [];
  const restarts: Promise<unknown>[] = [];
  for (const { activeMs, backFirst } of script.kills) {
    await pause(activeMs); // let the load run between kills
    const leader = await cluster.waitLeader();
    const killAt = Date.now();
    await cluster.kill(leader);
    const nextLeader = await cluster.waitLeader(leader).catch((error: Error) => {
      throw new Error(`${error.message}; ${describeNodes()}`);
    });
    const leaderAt = Date.now();
    const { applied } = await cluster.api<{ applied: number }>(nextLeader, 'GET', '/api/cluster/state').catch(() => ({ applied: -1 }));
    failovers.push({ killed: leader, killAt, leaderAt, next: nextLeader, seq: applied });
    const restart = cluster.start(leader);
    restarts.push(restart);
    if (backFirst) await restart;
  }
  await Promise.all(restarts);
  await pause(1_000); // some load with every node back
  stopping = true;
  await Promise.all(workers);
  // A node that died by itself (not killed here) is a failure in its own right: say what it printed.
  if (cluster.nodes.some((n) => !n.alive())) throw new Error(`a node died during the run; ${describeNodes()}`);

  // What happened, for the log of the run.
  const during = (d: Done) => failovers.some((f) => d.start <= f.leaderAt && d.end >= f.killAt);
  const sent = done.filter((d) => d.outcome.kind !== 'unsent');
  const raced = sent.filter(during);
  const count = (list: Done[], kind: Outcome['kind']) => list.filter((d) => d.outcome.kind === kind).length;
  const linkDown = done.filter((d) => d.outcome.kind === 'refused' && d.outcome.errCode === 'OPENCTI_LINK_DOWN');
  const refusals = new Map<string, number>();
  for (const d of done) if (d.outcome.kind === 'refused') refusals.set(d.outcome.errCode, (refusals.get(d.outcome.errCode) ?? 0) + 1);
  console.log(
    [
      `FUZZ_SEED=${seed}: ${sent.length} requests (${count(done, 'ok')} ok, ${count(done, 'refused')} refused, ${count(done, 'lost')} lost; ` +
        `${count(done, 'unsent')} more not sent, the desktop being between nodes), ${placed.size} calls placed`,
      `refusals: ${JSON.stringify(Object.fromEntries(refusals))}`,
      `failovers: ${failovers.map((f) => `${f.killed}→${f.next} in ${f.leaderAt - f.killAt} ms (log seq ${f.seq})`).join(', ')}`,
      `during a failover: ${raced.length} requests in flight, ${raced.filter((d) => d.outcome.kind !== 'ok').length} failed (${linkDown.length} OPENCTI_LINK_DOWN in all)`,
      `desktop reconnects: ${agents.map((a) => `${a.agentId} ${a.reconnects}`).join(', ')}`,
    ].join('\n'),
  );

  // The race happened: the leader died at least three times under load.
  expect(failovers.length).toBeGreaterThanOrEqual(3);
  expect(raced.length).toBeGreaterThan(0);
  expect(serverErrors).toEqual([]);

  // Every node is up; every desktop is attached again; the callers hang up every call left.
  expect(cluster.nodes.map((n) => [n.id, n.alive()]).sort()).toEqual([['a', true], ['b', true], ['c', true]]);
  await Promise.all(agents.map((a) => a.attach()));
  await expect
    .poll(
      async () => {
        let left = 0;
        for (const node of cluster.nodes) {
          const open = await cluster.api<CallSummary[]>(node.id, 'GET', '/api/calls');
          left += open.length;
          for (const call of open) await cluster.api(node.id, 'POST', `/api/calls/${encodeURIComponent(call.callId)}/hangup`).catch(() => undefined);
        }
        return left;
      },
      { timeout: 20_000, interval: 100, message: 'calls left on some node after the callers hung up' },
    )
    .toBe(0);
  for (const node of cluster.nodes) expect(await cluster.api(node.id, 'GET', '/api/calls'), `calls on node ${node.id}`).toEqual([]);

  // Every node reaches the same entry of the log.
  let states: { id: string; applied: number; digest: string }[] = [];
  await expect
    .poll(
      async () => {
        states = await Promise.all(cluster.nodes.map(async (n) => ({ id: n.id, ...(await cluster.api<{ applied: number; digest: string }>(n.id, 'GET', '/api/cluster/state')) })));
        return new Set(states.map((s) => s.applied)).size;
      },
      { timeout: 15_000, interval: 100, message: 'nodes reporting different applied seqs' },
    )
    .toBe(1);

  // Each replica equals a fresh replay of the log up to that entry.
  const replay = await replayLog(NATS_URL, cluster.name, states[0]!.applied, SESSION_GRACE_MS);
  console.log(`log: ${states[0]!.applied} entries, ${replay.refused} refused, ${replay.repeats} repeated requests skipped, ${replay.records.length} call records`);
  for (const state of states) expect(JSON.parse(state.digest), `the replica of node ${state.id}`).toEqual(JSON.parse(replay.digest));

  // Every call has one interaction in PostgreSQL, ended, holding each of its records once.
  // Each record as `kind@seq` (the log entry that made it), to tell which write went missing.
  const expected = new Map<string, string[]>();
  for (const r of replay.records) expected.set(r.callId, [...(expected.get(r.callId) ?? []), `${r.kind}@${r.seq}`]);
  // The leader writes them behind the log: wait for as many as the replay made (or stop waiting, and
  // the comparison below names what is missing or repeated).
  const written = async () => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM interaction_events')).rows[0]!.n);
  await expect.poll(written, { timeout: 15_000, interval: 100 }).toBeGreaterThanOrEqual(replay.records.length).catch(() => undefined);
  const rows = (
    await db.query<{ call_id: string; ended_at: string | null; kinds: string[] }>(
      `SELECT i.call_id, i.ended_at, array_agg(e.kind ORDER BY e.seq) AS kinds
         FROM interactions i LEFT JOIN interaction_events e ON e.interaction_id = i.id
        GROUP BY i.id, i.call_id, i.ended_at`,
    )
  ).rows;
  const stored = new Map(rows.map((r) => [r.call_id, r.kinds]));
  const kindsOf = (id: string) => expected.get(id)?.map((k) => k.replace(/@\d+$/, ''));
  const differ = [...new Set([...stored.keys(), ...expected.keys()])].filter((id) => JSON.stringify(stored.get(id)) !== JSON.stringify(kindsOf(id)));
  expect(
    differ.map((id) => ({ callId: id, inPostgres: stored.get(id), inTheLog: expected.get(id) })),
    'interactions whose records differ from the records the log makes',
  ).toEqual([]);
  expect(rows.length).toBe(new Set(rows.map((r) => r.call_id)).size);
  expect(rows.filter((r) => r.ended_at === null).map((r) => r.call_id), 'interactions with no end').toEqual([]);
  expect(rows.filter((r) => r.kinds.filter((k) => k === 'ended').length !== 1).map((r) => [r.call_id, r.kinds]), 'interactions not ended exactly once').toEqual([]);
  expect(await written()).toBe(replay.records.length);
  for (const callId of placed) expect(expected.has(callId), `call ${callId} in the log`).toBe(true);

  // Each desktop saw its events numbered with no gap and no repeat, across every node it used.
  for (const agent of agents) {
    for (const seqs of agent.sessions) {
      const gaps = seqs.flatMap((s, i) => (i > 0 && s !== seqs[i - 1]! + 1 ? [`${seqs[i - 1]}→${s}`] : []));
      expect(gaps, `event seqs of ${agent.agentId}`).toEqual([]);
    }
  }
}, 240_000);
