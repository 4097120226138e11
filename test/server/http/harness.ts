/**
 * A real API for tests: SQLite store in a temp folder, a switch on a manual clock whose call
 * records feed the store, the Fastify app listening on 127.0.0.1 at a free port.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createHttpApi, type SessionView } from '../../../src/server/http/app.js';
import { createMetrics, type ServerMetrics } from '../../../src/server/metrics.js';
import { openStore, type Store } from '../../../src/server/store/index.js';
import { ManualClock, createSwitch } from '../../../src/server/switch/index.js';
import type { Switch } from '../../../src/server/switch/types.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

/** A JSON body read loosely: tests assert on it with expect. */
export type Loose = Record<string, unknown>;

export interface Reply<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  body?: unknown;
  /** Default the admin token; null sends no Authorization header. */
  token?: string | null;
  headers?: Record<string, string>;
  /** Sent as is, instead of JSON.stringify(body). */
  raw?: string;
}

export interface Harness {
  readonly url: string;
  readonly store: Store;
  readonly sw: Switch;
  readonly clock: ManualClock;
  readonly metrics: ServerMetrics;
  /** What the gateway would report: add entries to simulate logged-in desktops. */
  readonly sessions: Map<string, SessionView>;
  /** Agent session tokens the API accepts, each standing for agent1. */
  readonly agentTokens: Set<string>;
  /** Agent session tokens of any agent: token → agent id. */
  readonly tokenAgents: Map<string, string>;
  req<T = Loose>(method: string, path: string, options?: RequestOptions): Promise<Reply<T>>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'opencti-http-'));
  const store = await openStore(join(dir, 'opencti.db'), { seed: false, scrypt: { N: 1024, r: 8, p: 1 } });
  await store.createQueue({ name: 'sales', dnis: '8000' });
  await store.createQueue({ name: 'support', dnis: '8001' });
  await store.createAgent({ agentId: 'agent1', displayName: 'Ada Lovelace', extension: '5001', skills: ['sales'], password: 'pw1' });
  await store.createAgent({ agentId: 'agent2', displayName: 'Alan Turing', extension: '5002', skills: ['sales', 'support'], password: 'pw2' });

  const clock = new ManualClock();
  const sw = createSwitch({
    clock,
    agents: (await store.listAgents()).map((a) => ({ agentId: a.agentId, extension: a.extension, skills: a.skills })),
    queues: (await store.listQueues()).map((q) => ({ name: q.name, dnis: q.dnis, skill: q.skill })),
  });
  sw.onCallRecord((record) => void store.recordCallEvent(record));

  const metrics = createMetrics({ defaultMetrics: false });
  const sessions = new Map<string, SessionView>();
  const agentTokens = new Set<string>();
  const tokenAgents = new Map<string, string>();
  const app = createHttpApi({
    switch: sw,
    store,
    metrics,
    adminToken: ADMIN_TOKEN,
    logger: false,
    sessions: () => sessions,
    agentForToken: (token) => tokenAgents.get(token) ?? (agentTokens.has(token) ? 'agent1' : undefined),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  return {
    url,
    store,
    sw,
    clock,
    metrics,
    sessions,
    agentTokens,
    tokenAgents,
    async req(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      const token = options.token === undefined ? ADMIN_TOKEN : options.token;
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let body: string | undefined;
      if (options.raw !== undefined) body = options.raw;
      else if (options.body !== undefined) body = JSON.stringify(options.body);
      if (body !== undefined) headers['content-type'] ??= 'application/json';
      const response = await fetch(`${url}${path}`, { method, headers, body });
      const text = await response.text();
      const contentType = response.headers.get('content-type') ?? '';
      return {
        status: response.status,
        body: text.length > 0 && contentType.includes('json') ? JSON.parse(text) : text,
        headers: response.headers,
      };
    },
    async close() {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
