import { randomUUID } from 'node:crypto';
import type { NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeRegistry, type NodeInfo, type NodeRegistry } from '../../../../src/server/cluster/infra/nodes.js';
import { deferred, natsConnect, randomCluster, waitFor } from './helpers.js';

let nc: NatsConnection;
let nc2: NatsConnection;
const registries: NodeRegistry[] = [];

beforeAll(async () => {
  nc = await natsConnect();
  nc2 = await natsConnect();
});

afterAll(async () => {
  for (const r of registries) await r.destroy().catch(() => undefined);
  await nc.close();
  await nc2.close();
});

// A short TTL keeps the tests quick; the ratio to the heartbeat is the production one.
const FAST = { ttlMs: 1500, heartbeatMs: 500, pollMs: 100 };

async function registry(cluster: string, conn = nc): Promise<NodeRegistry> {
  const r = await openNodeRegistry(conn, cluster, FAST);
  registries.push(r);
  return r;
}

function node(id: string, extra: Partial<NodeInfo> = {}): NodeInfo {
  return { id, boot: randomUUID(), url: `http://127.0.0.1/${id}`, role: 'follower', agents: [], since: new Date().toISOString(), ...extra };
}

describe('node registry', () => {
  it('lists the nodes that announce themselves, under a bucket named after the cluster', async () => {
    const cluster = randomCluster('nodes');
    const a = await registry(cluster);
    const b = await registry(cluster, nc2);
    expect(a.bucket).toBe(`opencti_${cluster}_nodes`);
    const na = node('node-a', { role: 'leader', agents: ['agent1'] });
    const nb = node('node-b');
    a.announce(() => na);
    b.announce(() => nb);
    let seen: NodeInfo[] = [];
    const refresh = async (): Promise<void> => {
      seen = await a.list();
    };
    for (let i = 0; i < 100 && seen.length < 2; i++) await refresh();
    expect(seen).toEqual([na, nb]);
  });

  it('reports a node gone when it stops announcing (its entry expires)', async () => {
    const cluster = randomCluster('nodes');
    const watcher = await registry(cluster);
    const doomed = await registry(cluster, nc2);
    const info = node('doomed');
    const gone = deferred<NodeInfo>();
    doomed.announce(() => info);
    await waitForListed(watcher, 'doomed');
    watcher.onGone((n) => gone.resolve(n));
    // Let the watcher see it once before it dies, then stop its heartbeat without a goodbye.
    await watcher.nextPoll();
    await doomed.close();
    expect(await gone.promise).toEqual(info);
    expect((await watcher.list()).map((n) => n.id)).not.toContain('doomed');
  });

  it('reports a node gone at once when it leaves, and a restarted node (same id, new boot)', async () => {
    const cluster = randomCluster('nodes');
    const watcher = await registry(cluster);
    const other = await registry(cluster, nc2);
    const reports: NodeInfo[] = [];
    const first = node('n1');
    other.announce(() => first);
    await waitForListed(watcher, 'n1');
    watcher.onGone((n) => reports.push(n));
    await watcher.nextPoll();

    // A restart: the same id comes back with another boot before its old entry expired.
    const second = node('n1');
    other.announce(() => second);
    await waitFor(() => reports.length === 1, 'the restart to be reported');
    expect(reports[0]).toEqual(first);

    await watcher.nextPoll();
    await other.leave();
    await waitFor(() => reports.length === 2, 'the departure to be reported');
    expect(reports[1]).toEqual(second);
  });

  it('refuses bad settings and a bad node id by name', async () => {
    await expect(openNodeRegistry(nc, randomCluster(), { ttlMs: 1000, heartbeatMs: 1000 })).rejects.toThrow(/ttlMs \(1000\) must be more than twice heartbeatMs/);
    await expect(openNodeRegistry(nc, 'bad name')).rejects.toThrow(/cluster name "bad name" is not valid/);
    const cluster = randomCluster('nodes');
    await registry(cluster); // removed after the tests
    const logged = deferred<string>();
    const logging = await openNodeRegistry(nc, cluster, { ...FAST, log: (_l, _m, d) => logged.resolve(String(d?.error)) });
    logging.announce(() => node('has space'));
    expect(await logged.promise).toMatch(/node id "has space" is not valid/);
    await logging.close();
  });
});

async function waitForListed(r: NodeRegistry, id: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await r.list()).some((n) => n.id === id)) return;
    await new Promise((res) => setTimeout(res, 20));
  }
  throw new Error(`${id} never listed`);
}

