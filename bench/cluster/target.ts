/**
 * What the cluster benchmarks run against: three `opencti serve` nodes on NATS and PostgreSQL
 * (test/helpers/cluster.ts), or one `opencti serve` process on SQLite in a temporary data folder
 * (the baseline). Both are reached the same way: by node index, over HTTP and WebSocket.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { serve, type ServeProcess } from '../../test/cli/serve-process.js';
import { startCluster, type TestCluster } from '../../test/helpers/cluster.js';

export interface Target {
  readonly kind: 'single' | 'cluster';
  /** Number of nodes (1 for the single process). */
  readonly size: number;
  /** The HTTP base URL of node `i` (modulo the size). */
  url(i: number): string;
  /** The WebSocket /cti URL of node `i` (modulo the size). */
  ctiUrl(i: number): string;
  /** The admin API of node `i`; throws naming the request on a non-2xx answer. */
  api<T = unknown>(i: number, method: string, path: string, body?: unknown): Promise<T>;
  /** Entries applied from the cluster log so far (node 0's view); undefined without a cluster. */
  logPosition(): Promise<number | undefined>;
  /** CPU time (user + system, ms) each process used so far, by node id; undefined where /proc is not there. */
  cpuMs(): Record<string, number> | undefined;
  /** The id of the node that leads now (the single process: its only node). */
  leader(): Promise<string>;
  destroy(): Promise<void>;
}

export async function adminRequest<T>(base: string, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} on ${base} → ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/**
 * Both targets run with the same configuration: the REST rate limit out of the way (the burst
 * places calls far faster than a person would, all from one address with one token).
 */
export const BENCH_CONFIG = { logLevel: 'warn', http: { rateLimit: { max: 1_000_000 } } } as const;

/** Clock ticks per second of /proc/<pid>/stat: 100 on Linux (USER_HZ). */
const TICKS_PER_SECOND = 100;

/** utime + stime of each process in ms (Linux), undefined when one cannot be read. */
export function processCpuMs(pids: Readonly<Record<string, number | undefined>>): Record<string, number> | undefined {
  const cpu: Record<string, number> = {};
  for (const [id, pid] of Object.entries(pids)) {
    if (pid === undefined) return undefined;
    try {
      // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      cpu[id] = ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
    } catch {
      return undefined;
    }
  }
  return cpu;
}

const ws = (url: string) => `${url.replace(/^http/, 'ws')}/cti`;

/** One `opencti serve` process, SQLite in a temporary folder, no cluster. */
export async function startSingle(): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'opencti-bench-single-'));
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify(BENCH_CONFIG));
  const token = randomBytes(18).toString('base64url');
  let server: ServeProcess;
  try {
    server = await serve(['--data-dir', join(dir, 'data'), '--config', config], { OPENCTI_ADMIN_TOKEN: token });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    kind: 'single',
    size: 1,
    url: () => server.url,
    ctiUrl: () => ws(server.url),
    api: (_i, method, path, body) => adminRequest(server.url, token, method, path, body),
    logPosition: () => Promise.resolve(undefined),
    cpuMs: () => processCpuMs({ single: server.child.pid }),
    leader: () => Promise.resolve('single'),
    async destroy() {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
      await server.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The node ids of the benchmark cluster; the first one leads at start. */
export const NODE_IDS = ['n1', 'n2', 'n3'] as const;

export interface ClusterTarget extends Target {
  readonly cluster: TestCluster;
}

export async function startClusterTarget(): Promise<ClusterTarget> {
  const cluster = await startCluster(NODE_IDS, { config: BENCH_CONFIG });
  const node = (i: number) => cluster.node(NODE_IDS[i % NODE_IDS.length]!);
  return {
    kind: 'cluster',
    size: NODE_IDS.length,
    cluster,
    url: (i) => node(i).url,
    ctiUrl: (i) => node(i).ctiUrl,
    api: (i, method, path, body) => adminRequest(node(i).url, cluster.adminToken, method, path, body),
    cpuMs: () => processCpuMs(Object.fromEntries(cluster.nodes.map((n) => [n.id, n.process?.child.pid]))),
    leader: async () => (await cluster.leader(NODE_IDS[0])) ?? 'none',
    logPosition: async () => (await adminRequest<{ applied: number }>(node(0).url, cluster.adminToken, 'GET', '/api/cluster/state')).applied,
    destroy: () => cluster.destroy(),
  };
}
