/**
 * Failover: the leader is killed (SIGKILL); from that moment, callers keep dialling through the
 * surviving followers' REST API (a new POST /api/calls every PROBE_EVERY_MS, each one retried by
 * the node until a leader answers). The failover time is kill → the first of them answered 201,
 * i.e. served by the new leader. The killed node is then started again, so three nodes stay up.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClusterTarget } from './target.js';

const PROBE_EVERY_MS = 25;

export interface FailoverSample {
  readonly killed: string;
  readonly newLeader: string;
  /** Kill → first call placed through a follower answered. */
  readonly servedMs: number;
  /** Kill → a live node reports itself leader (polled every 50 ms: coarser). */
  readonly leaderMs: number;
  /** Kill → the call sent at the moment of the kill answered (it may have reached the dying leader). */
  readonly firstProbeMs: number;
  /** Probes that failed (their node gave up before a leader answered). */
  readonly failedProbes: number;
}

/** Waits until every node sees the three nodes and the same leader. */
export async function waitWhole(target: ClusterTarget, ms = 20_000): Promise<string> {
  const { cluster } = target;
  const until = Date.now() + ms;
  for (;;) {
    const views = await Promise.all(
      cluster.nodes.map((n) => cluster.api<{ leader: string | null; nodes: unknown[] }>(n.id, 'GET', '/api/cluster').catch(() => undefined)),
    );
    const leader = views[0]?.leader;
    if (leader && views.every((v) => v?.leader === leader && v.nodes.length === cluster.nodes.length)) return leader;
    if (Date.now() > until) throw new Error(`the cluster did not settle within ${ms} ms: ${JSON.stringify(views)}`);
    await sleep(50);
  }
}

/** Kills node `id` and starts it again once the cluster has a leader; waits until all is whole. */
export async function restart(target: ClusterTarget, id: string): Promise<void> {
  await target.cluster.kill(id);
  await target.cluster.start(id);
  await waitWhole(target);
}

export async function killLeader(target: ClusterTarget): Promise<FailoverSample> {
  const { cluster } = target;
  const killed = await waitWhole(target);
  const followers = cluster.nodes.filter((n) => n.id !== killed).map((n) => n.id);
  const placed: string[] = [];
  let failedProbes = 0;
  const served: { at?: number; first?: number } = {};
  const probes: Promise<void>[] = [];
  const probe = (i: number) =>
    cluster
      .api<{ callId: string }>(followers[i % followers.length]!, 'POST', '/api/calls', { from: '+15550200', to: '8000' })
      .then(({ callId }) => {
        served.at ??= performance.now();
        if (i === 0) served.first = performance.now();
        placed.push(callId);
      })
      .catch(() => {
        failedProbes++;
      });

  const start = performance.now();
  const gone = cluster.kill(killed);
  let leaderAt: number | undefined;
  const leader = cluster.waitLeader(killed).then((id) => ((leaderAt = performance.now()), id));
  for (let i = 0; served.at === undefined; i++) {
    if (performance.now() - start > 30_000) throw new Error(`no call served within 30 s of killing leader ${killed}`);
    probes.push(probe(i));
    await sleep(PROBE_EVERY_MS);
  }
  await Promise.all([...probes, gone]);
  const newLeader = await leader;
  // The callers of the probes hang up: the queue is empty again for the next round.
  await Promise.all(placed.map((callId) => cluster.api(newLeader, 'POST', `/api/calls/${encodeURIComponent(callId)}/hangup`)));
  await cluster.start(killed);
  await waitWhole(target);
  return { killed, newLeader, servedMs: served.at - start, firstProbeMs: (served.first ?? Number.NaN) - start, leaderMs: (leaderAt ?? performance.now()) - start, failedProbes };
}
