/**
 * Several server URLs (cluster nodes of one call center): login takes the first that accepts a
 * connection, a lost link moves on to the next URL, and errors name the URLs tried.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { nodeSocketFactory } from '../../src/connectors/reference/node.js';
import { AgentSessionStore, DesktopConnector } from '../../src/desktop/app/agent-link.js';
import type { SessionInfo } from '../../src/framework/schema/protocol.js';
import { createAgent, type TestAgent } from '../helpers/agents.js';
import { startProxy, type CuttableProxy } from '../helpers/proxy.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { metric } from '../server/gateway/metrics.js';

/** A loopback TCP listener that counts connections and, unless told to hang, closes them at once. */
interface TcpSink {
  readonly url: string;
  readonly accepted: () => number;
  close(): Promise<void>;
}

async function startSink(behaviour: 'close' | 'hang'): Promise<TcpSink> {
  const open = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer((socket) => {
    accepted++;
    socket.on('error', () => undefined);
    if (behaviour === 'close') return void socket.destroy();
    open.add(socket); // reads the upgrade request and never answers it
    socket.on('close', () => open.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/cti`,
    accepted: () => accepted,
    close() {
      for (const socket of open) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The URL of a loopback port nothing listens on (it was free a moment ago). */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `ws://127.0.0.1:${port}/cti`;
}

const proxyUrl = (proxy: CuttableProxy) => `ws://127.0.0.1:${proxy.port}/cti`;

let server: TestServer;
const agents: TestAgent[] = [];
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.close()));
  for (const cleanup of cleanups.reverse()) await cleanup();
  await server.dispose();
});

it('logs in on the second URL when nothing listens on the first', async () => {
  const closed = await closedPortUrl();
  const agent = createAgent([closed, server.ctiUrl]);
  agents.push(agent);
  await agent.session.login({ agentId: 'agent1', agentPwd: 'demo' });
  expect(agent.connector.serverUrl).toBe(server.ctiUrl);
  expect(agent.session.state.link).toBe('CONNECTED');
  expect(server.gateway.sessions().get('agent1')?.sockets.size).toBe(1);
});

it('a URL that accepts the connection but never answers counts as failed once the connect timeout passes', async () => {
  const silent = await startSink('hang');
  cleanups.push(() => silent.close());
  const agent = createAgent([silent.url, server.ctiUrl], 'full', { connectTimeoutMs: 300 });
  agents.push(agent);
  await agent.session.login({ agentId: 'agent2', agentPwd: 'demo' });
  expect(silent.accepted()).toBe(1);
  expect(agent.connector.serverUrl).toBe(server.ctiUrl);
});

it('a refusal from the server is final: the next URL is not tried', async () => {
  const next = await startSink('close');
  cleanups.push(() => next.close());
  const agent = createAgent([server.ctiUrl, next.url]);
  agents.push(agent);
  await expect(agent.session.login({ agentId: 'agent3', agentPwd: 'wrong' })).rejects.toMatchObject({ errCode: 'OPENCTI_AUTH_FAILED' });
  expect(next.accepted()).toBe(0);
});

it('when no URL accepts, the error names every URL tried', async () => {
  const first = await closedPortUrl();
  const refusing = await startSink('close');
  cleanups.push(() => refusing.close());
  const agent = createAgent([first, refusing.url]);
  agents.push(agent);
  const error = await agent.session.login({ agentId: 'agent3', agentPwd: 'demo' }).then(
    () => undefined,
    (e: unknown) => e as { errCode: string; message: string },
  );
  expect(error?.errCode).toBe('OPENCTI_LINK_DOWN');
  expect(error?.message).toContain(`could not connect to any of ${first} (`);
  expect(error?.message).toContain(refusing.url);
  expect(agent.session.state.loggedIn).toBe(false);
});

it('a lost link moves on to the next URL first (not the one it was on), wrapping around, and the session goes on', async () => {
  // Two ways into the same server: both URLs keep accepting, so only the order decides.
  const viaA = await startProxy(server.port);
  const viaB = await startProxy(server.port);
  cleanups.push(() => viaA.close(), () => viaB.close());
  const agent = createAgent([proxyUrl(viaA), proxyUrl(viaB)]);
  agents.push(agent);
  await agent.session.login({ agentId: 'agent4', agentPwd: 'demo' });
  expect(agent.connector.serverUrl).toBe(proxyUrl(viaA));

  viaA.cut();
  await agent.until((s) => s.link === 'DISCONNECTED', 'the link reported down');
  await agent.until((s) => s.link === 'CONNECTED', 'the link back');
  expect(agent.connector.serverUrl).toBe(proxyUrl(viaB));

  viaB.cut();
  await agent.until((s) => s.link === 'DISCONNECTED', 'the link reported down again');
  await agent.until((s) => s.link === 'CONNECTED', 'the link back again');
  expect(agent.connector.serverUrl).toBe(proxyUrl(viaA)); // wrapped around

  // Same server session throughout: requests and their events still work.
  await agent.session.agentReady({});
  await agent.until((s) => s.agent.state === 'Ready', 'Ready');
  expect(agent.session.counters.eventsRejected).toBe(0);
});

it('a server stopped while logged in: the connector resumes on the next URL, which does not know the session, and the desktop sees Logout', async () => {
  const a = await startTestServer();
  const b = await startTestServer();
  cleanups.push(() => b.dispose());
  const agent = createAgent([a.ctiUrl, b.ctiUrl]);
  agents.push(agent);
  await agent.session.login({ agentId: 'agent1', agentPwd: 'demo' });
  expect(agent.connector.serverUrl).toBe(a.ctiUrl);

  await a.dispose();
  await agent.until((s) => s.link === 'DISCONNECTED', 'the link reported down');
  // A single-process B has never seen the token: it answers the resume with
  // OPENCTI_AGENT_NOT_LOGGED_IN, which the connector reports as the session being over.
  await agent.until((s) => s.agent.state === 'Logout', 'the desktop told the session is over', 10_000);
  expect(agent.connector.serverUrl).toBe(b.ctiUrl);
  expect(await metric(b, 'opencti_request_duration_seconds_count', 'op="resume",ok="false"')).toBe(1);
  expect(await metric(b, 'opencti_request_duration_seconds_count', 'op="login"')).toBe(0);
});

it('the desktop connector hands ctiLink.urls through: a kept session is attached on the URL that accepts', async () => {
  const tab1 = createAgent(server.ctiUrl);
  agents.push(tab1);
  await tab1.session.login({ agentId: 'agent3', agentPwd: 'demo' });
  const info = tab1.connector.session;
  expect(info).toBeDefined();

  const saved = new Map<string, string>();
  const storage = {
    getItem: (key: string) => saved.get(key) ?? null,
    setItem: (key: string, value: string) => void saved.set(key, value),
    removeItem: (key: string) => void saved.delete(key),
  } as unknown as Storage;
  const store = new AgentSessionStore(storage);
  store.save(info as SessionInfo);
  const desktop = new DesktopConnector(store, { socketFactory: nodeSocketFactory });
  const closed = await closedPortUrl();
  try {
    const attached = (await desktop.login('agent3', '', '', { name: 'main', urls: [closed, server.ctiUrl] }, {}, () => undefined)) as SessionInfo;
    expect(attached.agentId).toBe('agent3');
    expect(desktop.serverUrl).toBe(server.ctiUrl);
  } finally {
    desktop.close();
  }
});
