/**
 * A cluster of `opencti serve` processes on real NATS (JetStream) and PostgreSQL: its own cluster
 * name, database, stream and bucket, all removed by destroy(). Each node is a child process,
 * killed by its PID.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { connect } from 'nats';
import pg from 'pg';
import { openLog } from '../../src/server/cluster/infra/log.js';
import { openNodeRegistry } from '../../src/server/cluster/infra/nodes.js';
import { forgetLeader } from '../../src/server/cluster/infra/leadership.js';
import { serve, type ServeProcess } from '../cli/serve-process.js';

export const NATS_URL = process.env.OPENCTI_TEST_NATS ?? 'nats://127.0.0.1:4222';
const PG_ADMIN = process.env.OPENCTI_TEST_DATABASE ?? 'postgres://root@127.0.0.1:5432/postgres';

export interface ClusterNodeProcess {
  readonly id: string;
  process: ServeProcess | undefined;
  readonly url: string;
  readonly ctiUrl: string;
  alive(): boolean;
}

export interface TestCluster {
  readonly name: string;
  readonly database: string;
  readonly adminToken: string;
  readonly nodes: ClusterNodeProcess[];
  node(id: string): ClusterNodeProcess;
  /** Starts node `id` (again): a new process on a new port. */
  start(id: string): Promise<ClusterNodeProcess>;
  /** SIGKILL, and waits for the process to be gone. */
  kill(id: string): Promise<void>;
  /** The admin API of a node. */
  api<T = unknown>(id: string, method: string, path: string, body?: unknown): Promise<T>;
  /** A node's /healthz: its HTTP status and what it said. */
  health(id: string): Promise<{ status: number; body: HealthBody }>;
  /** The leader's id as a live node reports it (null while none leads). */
  leader(via?: string): Promise<string | null>;
  /** Waits until a live node other than `not` leads; resolves with its id. */
  waitLeader(not?: string, ms?: number): Promise<string>;
  destroy(): Promise<void>;
}

/** What /healthz answers. */
export interface HealthBody {
  readonly status: string;
  readonly down?: string[];
  readonly checks: { readonly store: { ok: boolean; error?: string }; readonly links: Record<string, { ok: boolean; error?: string }> };
}

export interface ClusterOptions {
  /** Extra configuration for every node (the config file). */
  readonly config?: Record<string, unknown>;
  /** By node id: its own NATS URL, and its database URL made from the cluster's (e.g. through a
   *  proxy that can be cut: `(url) => url.replace(':5432/', ':PORT/')`). */
  readonly links?: Readonly<Record<string, { readonly nats?: string; readonly database?: (url: string) => string }>>;
}

const admin = async <T>(sql: string): Promise<T[]> => {
  const client = new pg.Client({ connectionString: PG_ADMIN });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
};

export async function startCluster(ids: readonly string[], options: ClusterOptions = {}): Promise<TestCluster> {
  const suffix = randomBytes(4).toString('hex');
  const name = `t${suffix}`;
  const dbName = `opencti_cluster_${suffix}`;
  await admin(`CREATE DATABASE ${dbName}`);
  const database = PG_ADMIN.replace(/\/[^/]*$/, `/${dbName}`);
  const dir = mkdtempSync(join(tmpdir(), 'opencti-cluster-'));
  const adminToken = randomBytes(18).toString('base64url');
  const configFile = join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify({ logLevel: 'warn', ...options.config }));
  const nodes = new Map<string, ClusterNodeProcess>();

  const cluster: TestCluster = {
    name,
    database,
    adminToken,
    get nodes() {
      return [...nodes.values()];
    },
    node(id) {
      const node = nodes.get(id);
      if (!node) throw new Error(`no node ${id}`);
      return node;
    },
    async start(id) {
      const own = options.links?.[id] ?? {};
      const process = await serve(
        ['--cluster', name, '--nats', own.nats ?? NATS_URL, '--database', own.database?.(database) ?? database, '--node-id', id, '--data-dir', join(dir, id), '--config', configFile],
        { OPENCTI_ADMIN_TOKEN: adminToken },
      );
      const node: ClusterNodeProcess = {
        id,
        process,
        url: process.url,
        ctiUrl: `${process.url.replace(/^http/, 'ws')}/cti`,
        alive: () => process.child.exitCode === null && process.child.signalCode === null,
      };
      nodes.set(id, node);
      return node;
    },
    async kill(id) {
      const node = cluster.node(id);
      if (!node.alive()) return;
      node.process!.child.kill('SIGKILL');
      await node.process!.exited;
    },
    async api<T>(id: string, method: string, path: string, body?: unknown): Promise<T> {
      const response = await fetch(`${cluster.node(id).url}${path}`, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path} on ${id} → ${response.status}: ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
    async health(id) {
      const response = await fetch(`${cluster.node(id).url}/healthz`);
      return { status: response.status, body: (await response.json()) as HealthBody };
    },
    async leader(via) {
      const from = via ?? cluster.nodes.find((n) => n.alive())?.id;
      if (!from) return null;
      return (await cluster.api<{ leader: string | null }>(from, 'GET', '/api/cluster')).leader;
    },
    async waitLeader(not, ms = 15_000) {
      const until = Date.now() + ms;
      for (;;) {
        for (const node of cluster.nodes.filter((n) => n.alive())) {
          const state = await cluster.api<{ leader: boolean }>(node.id, 'GET', '/api/cluster/state').catch(() => undefined);
          if (state?.leader && node.id !== not) return node.id;
        }
        if (Date.now() > until) throw new Error(`no leader other than ${not ?? '(none)'} within ${ms} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async destroy() {
      for (const node of cluster.nodes) if (node.alive()) node.process!.child.kill('SIGKILL');
      await Promise.all(cluster.nodes.map((n) => n.process?.exited));
      const nc = await connect({ servers: NATS_URL });
      try {
        await (await openLog(nc, name)).destroy().catch(() => undefined);
        await (await openNodeRegistry(nc, name)).destroy().catch(() => undefined);
      } finally {
        await nc.close();
      }
      await forgetLeader(database, name).catch(() => undefined);
      await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    // The first node leads: then the test knows which one it is.
    await cluster.start(ids[0]!);
    await cluster.waitLeader();
    await Promise.all(ids.slice(1).map((id) => cluster.start(id)));
  } catch (error) {
    await cluster.destroy();
    throw error;
  }
  return cluster;
}
