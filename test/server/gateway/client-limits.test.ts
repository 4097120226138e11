/**
 * What one client may cost: frames and bytes per second, unread output, time to log in, idle
 * time, and whose pages may open /cti. Real servers with small limits, real `ws` sockets; the
 * agent of a socket the server drops keeps the grace period and resumes with its token.
 */
import { once } from 'node:events';
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { createReferenceConnector, nodeSocketFactory } from '../../../src/connectors/reference/node.js';
import { contextFor, createAgent } from '../../helpers/agents.js';
import { Session } from '../../../src/framework/session/session.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { WsClient } from '../../helpers/ws-client.js';
import type { ServerConfig } from '../../../src/server/config.js';
import { metric } from './metrics.js';

const servers: TestServer[] = [];
const clients: WsClient[] = [];
const cleanups: (() => unknown)[] = [];

/** A test server with some limits set; the rest keep their defaults (resolveConfig fills them in). */
async function serve(overrides: Omit<Partial<ServerConfig>, 'limits'> & { limits?: Partial<ServerConfig['limits']> }): Promise<TestServer> {
  const server = await startTestServer(overrides as Partial<ServerConfig>);
  servers.push(server);
  return server;
}

async function connect(server: TestServer): Promise<WsClient> {
  const client = await WsClient.connect(server.ctiUrl);
  clients.push(client);
  return client;
}

/** Resolves with the close code and reason the client saw. */
const closed = (client: WsClient) =>
  client.socket.readyState === WebSocket.CLOSED
    ? Promise.reject(new Error('already closed'))
    : once(client.socket, 'close').then(([code, reason]) => ({ code: code as number, reason: String(reason) }));

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.dispose()));
});

describe('frames per second and bytes per second', () => {
  it('past the frame budget: OPENCTI_RATE_LIMITED naming it, close 1008 with a reason; the agent resumes with its token', async () => {
    const server = await serve({ limits: { framesPerSecond: 20 } });
    const client = await connect(server);
    const login = await client.ok<{ token: string }>('login', { agentId: 'agent1', agentPwd: 'demo' });
    const end = closed(client);
    for (let i = 0; i < 60; i++) client.sendRaw(JSON.stringify({ type: 'request', id: `f${i}`, op: 'agentNotReady', args: {} }));
    const { code, reason } = await end;
    expect(code).toBe(1008);
    expect(reason).toBe('rate limited: over 20 frames per second');
    const limited = client.responses.find((r) => r.error?.errCode === 'OPENCTI_RATE_LIMITED');
    expect(limited?.id).toBeNull();
    expect(limited?.error?.errMessage).toBe('this connection sent more than 20 frames per second (limits.framesPerSecond): closing it');
    // Nothing after the limit was served.
    expect(client.responses.filter((r) => r.ok).length).toBeLessThanOrEqual(21);
    expect(await metric(server, 'opencti_ws_closed_by_server_total', 'reason="rate_limited"')).toBe(1);

    // The agent is still logged in (grace period) and a new socket resumes the session.
    expect(server.gateway.agentForToken(login.token)).toBe('agent1');
    const back = await connect(server);
    await back.ok('resume', { token: login.token });
    await back.waitForEvent('SnapshotEvent', 'Snapshot', (e) => e.pyAgentId === 'agent1' && e.pyAgentState !== 'Logout');
    await back.ok('logout', {});
  });

  it("a desktop on the reference connector that goes over it sees the server's reason in the requests left unanswered, then resumes", async () => {
    const server = await serve({ limits: { framesPerSecond: 5 } });
    const desktop = createAgent(server.ctiUrl);
    cleanups.push(() => desktop.close());
    await desktop.session.login({ agentId: 'agent3', agentPwd: 'demo' });
    // Alternately Ready and NotReady, so that every request the server answers succeeds.
    const asked = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? desktop.connector.agentNotReady('agent3', '', '', { name: 'cti' }, {}) : desktop.connector.agentReady('agent3', '', {}))),
    );
    const refused = asked.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as { errCode: string; message: string });
    expect(refused.length).toBeGreaterThan(0);
    for (const error of refused) {
      expect(error.errCode).toBe('OPENCTI_RATE_LIMITED');
      expect(error.message).toContain('this connection sent more than 5 frames per second (limits.framesPerSecond)');
    }
    // The connector reconnects and resumes the session, as after any lost link.
    await expect.poll(() => metric(server, 'opencti_request_duration_seconds_count', 'op="resume"'), { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    await desktop.until((s) => s.link === 'CONNECTED' && s.loggedIn, 'connected again');
  });

  it('past the byte budget: OPENCTI_RATE_LIMITED naming the bytes per second, close 1008', async () => {
    const server = await serve({ limits: { maxFrameBytes: 4096, bytesPerSecond: 8192 } });
    const client = await connect(server);
    const end = closed(client);
    const frame = JSON.stringify({ type: 'request', id: 1, op: 'agentReady', args: { options: { pad: 'p'.repeat(3000) } } });
    for (let i = 0; i < 5; i++) client.sendRaw(frame);
    const { code, reason } = await end;
    expect(code).toBe(1008);
    expect(reason).toBe('rate limited: over 8192 bytes per second');
    expect(client.responses.at(-1)?.error).toEqual({
      errCode: 'OPENCTI_RATE_LIMITED',
      errMessage: 'this connection sent more than 8192 bytes per second (limits.bytesPerSecond): closing it',
    });
  });

  it('one frame larger than the byte budget by itself is named as such (its size and both limits), then close 1008', async () => {
    const server = await serve({ limits: { maxFrameBytes: 4096, bytesPerSecond: 8192 } });
    const client = await connect(server);
    const end = closed(client);
    client.sendRaw(JSON.stringify({ type: 'request', id: 1, op: 'agentReady', args: { options: { pad: 'p'.repeat(9000) } } }));
    const { code, reason } = await end;
    expect(code).toBe(1008);
    expect(reason).toBe('rate limited: one frame of 9073 bytes is over 8192 bytes per second');
    expect(client.responses.at(-1)?.error).toEqual({
      errCode: 'OPENCTI_RATE_LIMITED',
      errMessage:
        'this connection sent one frame of 9073 bytes, over limits.bytesPerSecond (8192) by itself and over limits.maxFrameBytes (4096): closing it',
    });
  });
});

describe('many sockets of one address, each within its own budget', () => {
  it('before login share one byte budget (anonymousBytesPerSecond): the socket over it is told why and closed 1008; logged-in sockets are not charged', async () => {
    const server = await serve({ limits: { maxFrameBytes: 4096, bytesPerSecond: 8192, anonymousBytesPerSecond: 8192 } });
    const desktop = await connect(server);
    await desktop.ok('login', { agentId: 'agent1', agentPwd: 'demo' });
    const frame = (id: string) => JSON.stringify({ type: 'request', id, op: 'login', args: { agentId: 'x', agentPwd: 'p'.repeat(3000) } });
    const anonymous = await Promise.all([1, 2, 3, 4].map(() => connect(server)));
    // Two frames each: 6 KB a socket, under its own 8 KB budget; 24 KB together, three times the address's.
    const outcomes = await Promise.all(
      anonymous.map(async (client, i) => {
        const end = closed(client).then((c) => ({ closed: c }));
        client.sendRaw(frame(`a${i}`));
        client.sendRaw(frame(`b${i}`));
        return Promise.race([end, client.waitFor(() => client.responses.length >= 2, 'two answers', 10_000).then(() => ({ closed: undefined }))]);
      }),
    );
    const dropped = outcomes.filter((o) => o.closed);
    expect(dropped.length).toBeGreaterThanOrEqual(1);
    for (const { closed: c } of dropped) expect(c).toEqual({ code: 1008, reason: 'rate limited: over 8192 bytes per second from this address before login' });
    const told = anonymous.flatMap((c) => c.responses).find((r) => r.error?.errCode === 'OPENCTI_RATE_LIMITED');
    expect(told?.id).toBeNull();
    expect(told?.error?.errMessage).toBe(
      'the connections of this address that are not logged in sent more than 8192 bytes per second together (limits.anonymousBytesPerSecond): closing this one; log in first',
    );
    // The logged-in desktop on the same address sends as much and is served.
    for (let i = 0; i < 2; i++) {
      const answer = await desktop.raw(JSON.stringify({ type: 'request', id: `d${i}`, op: 'agentReady', args: { options: { pad: 'p'.repeat(3000) } } }));
      expect(answer.error?.errCode).not.toBe('OPENCTI_RATE_LIMITED');
    }
    expect(desktop.socket.readyState).toBe(WebSocket.OPEN);
    await desktop.ok('logout', {});
  });
});

describe('many sockets of one agent session, each within its own budget', () => {
  it('share one byte budget (sessionBytesPerSecond): the socket over it is told why and closed 1008; the agent resumes', async () => {
    const server = await serve({ limits: { maxFrameBytes: 4096, bytesPerSecond: 8192, sessionBytesPerSecond: 8192 } });
    const first = await connect(server);
    const { token } = await first.ok<{ token: string }>('login', { agentId: 'agent1', agentPwd: 'demo' });
    const tabs = [first, ...(await Promise.all([1, 2].map(() => connect(server))))];
    for (const tab of tabs.slice(1)) await tab.ok('resume', { token });
    const frame = (id: string) => JSON.stringify({ type: 'request', id, op: 'agentReady', args: { options: { pad: 'p'.repeat(3000) } } });
    // Two frames each: 6 KB a socket, under its own 8 KB budget; 18 KB together, over the session's.
    const outcomes = await Promise.all(
      tabs.map(async (client, i) => {
        const end = closed(client).then((c) => ({ closed: c }));
        client.sendRaw(frame(`a${i}`));
        client.sendRaw(frame(`b${i}`));
        return Promise.race([end, client.waitFor(() => client.responses.length >= 3, 'two answers', 10_000).then(() => ({ closed: undefined }))]);
      }),
    );
    const dropped = outcomes.filter((o) => o.closed);
    expect(dropped.length).toBeGreaterThanOrEqual(1);
    for (const { closed: c } of dropped) expect(c).toEqual({ code: 1008, reason: "rate limited: over 8192 bytes per second from this agent's connections" });
    const told = tabs.flatMap((c) => c.responses).find((r) => r.error?.errCode === 'OPENCTI_RATE_LIMITED');
    expect(told?.id).toBeNull();
    expect(told?.error?.errMessage).toBe(
      'the connections of agent "agent1" sent more than 8192 bytes per second together (limits.sessionBytesPerSecond): closing this one',
    );
    expect(await metric(server, 'opencti_ws_closed_by_server_total', 'reason="rate_limited"')).toBe(dropped.length);
    // The session itself stays: a desktop reconnects with its token, as after any drop.
    const back = await connect(server);
    await back.ok('resume', { token });
    await back.ok('logout', {});
  });
});

describe('a client that does not read', () => {
  it('is dropped once its unread output is over maxSendBufferBytes; the agent keeps the grace period', async () => {
    // A long heartbeat, so that only the send buffer bound can end this connection during the test.
    const server = await serve({ heartbeatMs: 10_000, limits: { maxSendBufferBytes: 16 * 1024, framesPerSecond: 100_000, bytesPerSecond: 100 * 1024 * 1024 } });
    const client = await connect(server);
    const login = await client.ok<{ token: string; seq: number }>('login', { agentId: 'agent2', agentPwd: 'demo' });
    // Some events for the replay buffer: each resume below sends all it keeps again.
    for (let i = 0; i < 60; i++) await client.ok(i % 2 ? 'agentNotReady' : 'agentReady', {});
    await client.waitFor(() => client.events.length >= 61, 'the state events');
    const firstSeq = client.events.at(-1)!.seq;

    // Stop reading, and keep asking for the replay: the classic way to make a server buffer.
    const tcp = (client.socket as unknown as { _socket: Socket })._socket;
    tcp.pause();
    const serverSockets = () => server.gateway.sessions().get('agent2')?.sockets.size ?? 0;
    for (let k = 0; serverSockets() > 0 && k < 5000; k++) {
      // Each resume adds one Snapshot: ask for every frame still kept (the buffer is bounded in bytes too).
      const oldestKept = server.gateway.sessions().get('agent2')?.replay[0]?.seq ?? firstSeq;
      client.sendRaw(JSON.stringify({ type: 'request', id: `r${k}`, op: 'resume', args: { token: login.token, lastSeq: oldestKept - 1 } }));
      if (k % 20 === 19) await new Promise((resolve) => setImmediate(resolve));
    }
    await expect.poll(() => metric(server, 'opencti_ws_closed_by_server_total', 'reason="send_buffer"'), { timeout: 10_000 }).toBe(1);
    expect(serverSockets()).toBe(0);
    await expect.poll(() => metric(server, 'opencti_ws_connections'), { timeout: 5000 }).toBe(0);
    tcp.resume();
    if (client.socket.readyState !== WebSocket.CLOSED) await once(client.socket, 'close');

    // Still logged in: a new socket resumes.
    expect(server.gateway.agentForToken(login.token)).toBe('agent2');
    const back = await connect(server);
    await back.ok('resume', { token: login.token });
    await back.ok('logout', {});
  });

  it('that keeps sending is still dropped: alive means answering pings, not sending', async () => {
    const server = await serve({ heartbeatMs: 100, limits: { idleTimeoutMs: 60_000 } });
    const client = await connect(server);
    const login = await client.ok<{ token: string }>('login', { agentId: 'agent3', agentPwd: 'demo' });
    const tcp = (client.socket as unknown as { _socket: Socket })._socket;
    tcp.pause();
    const chatter = setInterval(() => client.sendRaw('{"type":"heartbeat"}'), 20);
    cleanups.push(() => clearInterval(chatter));
    await expect.poll(() => metric(server, 'opencti_ws_closed_by_server_total', 'reason="no_pong"'), { timeout: 10_000 }).toBe(1);
    clearInterval(chatter);
    expect(server.gateway.sessions().get('agent3')?.sockets.size).toBe(0);
    expect(server.gateway.agentForToken(login.token)).toBe('agent3');
  });
});

describe('time limits', () => {
  it('a socket that does not log in within loginTimeoutMs is told why and closed (4001)', async () => {
    const server = await serve({ limits: { loginTimeoutMs: 300 } });
    const client = await connect(server);
    const { code, reason } = await closed(client);
    expect(code).toBe(4001);
    expect(reason).toBe('no login within 300 ms');
    expect(client.responses.at(-1)?.error).toEqual({
      errCode: 'OPENCTI_AGENT_NOT_LOGGED_IN',
      errMessage: 'no login or resume within 300 ms of connecting: closing the connection',
    });
    expect(await metric(server, 'opencti_ws_closed_by_server_total', 'reason="login_timeout"')).toBe(1);
  });

  it('a socket that logged in in time is not closed by the login timeout', async () => {
    const server = await serve({ heartbeatMs: 100, limits: { loginTimeoutMs: 300 } });
    const client = await connect(server);
    await client.ok('login', { agentId: 'agent1', agentPwd: 'demo' });
    // Server heartbeats arrive every 100 ms: eight of them outlast the login timeout.
    let beats = 0;
    client.socket.on('message', (data) => (beats += String(data).startsWith('{"type":"heartbeat"') ? 1 : 0));
    await client.waitFor(() => beats >= 8, 'eight heartbeats', 10_000);
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
    await client.ok('logout', {});
  });

  it('a logged-in socket that sends nothing for idleTimeoutMs is closed (4002); the agent resumes within the grace period', async () => {
    const server = await serve({ heartbeatMs: 100, limits: { idleTimeoutMs: 300 } });
    const client = await connect(server);
    const login = await client.ok<{ token: string }>('login', { agentId: 'agent4', agentPwd: 'demo' });
    const { code, reason } = await closed(client);
    expect(code).toBe(4002);
    expect(reason).toBe('idle: nothing received for 300 ms');
    expect(await metric(server, 'opencti_ws_closed_by_server_total', 'reason="idle_timeout"')).toBe(1);
    const back = await connect(server);
    await back.ok('resume', { token: login.token });
    await back.ok('logout', {});
  });

  it('a real desktop (the reference connector, which sends heartbeats) is never dropped by the idle, pong or login limits', async () => {
    const server = await serve({ heartbeatMs: 200, limits: { idleTimeoutMs: 1000, loginTimeoutMs: 1000 } });
    let beats = 0;
    let wake = () => undefined as unknown;
    const closes: number[] = [];
    const connector = createReferenceConnector({
      socketFactory: (url) => {
        const socket = nodeSocketFactory(url) as unknown as WebSocket;
        socket.on('message', (data) => {
          if (String(data).startsWith('{"type":"heartbeat"')) beats++;
          wake();
        });
        socket.on('close', (code) => closes.push(code));
        return socket as never;
      },
    });
    const session = new Session({ context: contextFor('full', server.ctiUrl), implementation: connector });
    cleanups.push(() => {
      session.dispose();
      connector.close();
    });
    await session.login({ agentId: 'agent1', agentPwd: 'demo' });
    // Twenty-five heartbeat intervals: five idle timeouts, twenty-four pong checks.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${beats} heartbeats`)), 20_000);
      wake = () => beats >= 25 && (clearTimeout(timer), resolve());
    });
    expect(closes).toEqual([]);
    expect(await metric(server, 'opencti_ws_closed_by_server_total')).toBe(0);
    await session.agentReady({});
    await session.logout({});
  });
});

describe('the Origin of /cti upgrades', () => {
  const upgrade = (server: TestServer, origin?: string) =>
    new Promise<{ opened: boolean; status?: number; body?: string }>((resolve) => {
      const socket = new WebSocket(server.ctiUrl, origin === undefined ? {} : { origin });
      socket.once('open', () => {
        socket.close();
        resolve({ opened: true });
      });
      socket.once('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ opened: false, status: response.statusCode, body }));
      });
      socket.once('error', () => undefined);
    });

  it('with allowedOrigins, a page of a listed origin may open /cti, another is refused 403 with a reason, a client without Origin may', async () => {
    const server = await serve({ allowedOrigins: ['https://desk.example.com', 'HTTP://127.0.0.1:8080/'] });
    expect(await upgrade(server, 'https://desk.example.com')).toEqual({ opened: true });
    expect(await upgrade(server, 'http://127.0.0.1:8080')).toEqual({ opened: true });
    expect(await upgrade(server)).toEqual({ opened: true });
    const refused = await upgrade(server, 'https://evil.example.net');
    expect(refused).toEqual({ opened: false, status: 403, body: 'origin "https://evil.example.net" may not open /cti: it is not in allowedOrigins\n' });
    expect((await upgrade(server, 'null')).status).toBe(403);
    expect(await metric(server, 'opencti_ws_upgrades_refused_total', 'reason="origin"')).toBe(2);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('without allowedOrigins, any origin may open /cti', async () => {
    const server = await serve({});
    expect(await upgrade(server, 'https://anywhere.example.org')).toEqual({ opened: true });
  });
});
