/** Starts a real reference server on a free loopback port with its own SQLite file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig, type HttpConfig, type ServerConfig } from '../../src/server/config.js';
import { startServer, type RunningServer } from '../../src/server/server.js';

export interface TestServer extends RunningServer {
  readonly dataDir: string;
  /** Closes the server and removes its data folder. */
  dispose(): Promise<void>;
}

/** Configuration to change; `http` limits may be given in part. */
export type TestServerOverrides = Partial<Omit<ServerConfig, 'http'>> & {
  http?: Partial<Omit<HttpConfig, 'rateLimit'>> & { rateLimit?: Partial<HttpConfig['rateLimit']> };
};

export async function startTestServer(overrides: TestServerOverrides = {}): Promise<TestServer> {
  const dataDir = overrides.dataDir ?? mkdtempSync(join(tmpdir(), 'opencti-test-'));
  const config = resolveConfig({ port: 0, logLevel: 'silent', heartbeatMs: 1000, farEndAnswerMs: 0, ...overrides, dataDir });
  const server = await startServer(config);
  return Object.assign(Object.create(server) as RunningServer, server, {
    dataDir,
    async dispose() {
      await server.close();
      if (!overrides.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

/** Calls the REST API with the admin token; throws with the server's error on a non-2xx answer. */
export async function api<T = unknown>(server: { url: string; adminToken: string }, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}
