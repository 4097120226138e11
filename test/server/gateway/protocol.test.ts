/** The /cti protocol over a real WebSocket against a real server and SQLite file. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../../helpers/server.js';
import { WsClient } from '../../helpers/ws-client.js';

let server: TestServer;
const clients: WsClient[] = [];

async function connect(): Promise<WsClient> {
  const client = await WsClient.connect(server.ctiUrl);
  clients.push(client);
  return client;
}

/** The sum of a metric over all its label sets, read from /metrics. */
async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.dispose();
});

describe('login', () => {
  it('refuses a wrong password with OPENCTI_AUTH_FAILED and keeps the connection usable', async () => {
    const client = await connect();
    const wrong = await client.request('login', { agentId: 'agent1', agentPwd: 'nope' });
    expect(wrong.ok).toBe(false);
    expect(wrong.error?.errCode).toBe('OPENCTI_AUTH_FAILED');
    expect(wrong.error?.errMessage).toContain('agent1');
    const unknown = await client.request('login', { agentId: 'nobody', agentPwd: 'demo' });
    expect(unknown.error?.errCode).toBe('OPENCTI_AUTH_FAILED');
    const right = await client.ok<{ extension: string; token: string; seq: number }>('login', { agentId: 'agent1', agentPwd: 'demo' });
    expect(right.extension).toBe('5001');
    expect(right.token.length).toBeGreaterThan(20);
    const snapshot = await client.waitForEvent('SnapshotEvent', 'Snapshot');
    expect(snapshot).toMatchObject({ pyAgentId: 'agent1', pyDeviceState: 'OPENED', pyLinkState: 'CONNECTED', pyThisDN: '5001' });
    await client.ok('logout', {});
  });

  it('answers a second login of the same agent from another connection with OPENCTI_AGENT_LOGGED_IN', async () => {
    const first = await connect();
    await first.ok('login', { agentId: 'agent2', agentPwd: 'demo' });
    const second = await connect();
    const again = await second.request('login', { agentId: 'agent2', agentPwd: 'demo', extension: '5004' });
    expect(again.ok).toBe(false);
    expect(again.error?.errCode).toBe('OPENCTI_AGENT_LOGGED_IN');
    expect(again.error?.errMessage).toContain('5002');
    await first.ok('logout', {});
  });

  it('refuses call control before login with OPENCTI_AGENT_NOT_LOGGED_IN', async () => {
    const client = await connect();
    const response = await client.request('holdCall', { callId: 'c1' });
    expect(response.error?.errCode).toBe('OPENCTI_AGENT_NOT_LOGGED_IN');
  });
});

describe('bad frames', () => {
  const cases: [string, string | Buffer, boolean, RegExp][] = [
    ['not JSON', '{"type":"request",', false, /not JSON/],
    ['binary', Buffer.from([1, 2, 3]), true, /binary/],
    ['a JSON array', '[1,2]', false, /must be object/],
    ['no type', '{"id":1,"op":"login"}', false, /\/type is required/],
    ['unknown op', '{"type":"request","id":7,"op":"teleport","args":{}}', false, /unknown op "teleport"/],
    ['wrong argument type', '{"type":"request","id":8,"op":"holdCall","args":{"callId":42}}', false, /\/callId must be string/],
    ['missing argument', '{"type":"request","id":9,"op":"makeCall","args":{}}', false, /\/destination is required/],
    ['unexpected argument', '{"type":"request","id":10,"op":"holdCall","args":{"callId":"c","speed":3}}', false, /\/speed is not an allowed property/],
    ['bad DTMF digits', '{"type":"request","id":11,"op":"sendDTMF","args":{"callId":"c","digits":"12x"}}', false, /\/digits must match/],
    ['oversized', JSON.stringify({ type: 'request', id: 12, op: 'login', args: { agentId: 'a'.repeat(70_000) } }), false, /over the 65536-byte limit/],
  ];

  it.each(cases)('answers %s with OPENCTI_BAD_FRAME naming the problem, and the connection and server keep working', async (_name, frame, binary, message) => {
    const client = await connect();
    const before = await metric('opencti_bad_frames_total');
    const response = await client.raw(frame, binary);
    expect(response.ok).toBe(false);
    expect(response.error?.errCode).toBe('OPENCTI_BAD_FRAME');
    expect(response.error?.errMessage).toMatch(message);
    // the same connection still serves requests
    const after = await client.request('logout', {});
    expect(after.error?.errCode).toBe('OPENCTI_AGENT_NOT_LOGGED_IN');
    expect(await metric('opencti_bad_frames_total')).toBeGreaterThan(before);
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
  });

  it('echoes the request id when the frame had one', async () => {
    const client = await connect();
    const response = await client.raw('{"type":"request","id":"abc","op":"nope"}');
    expect(response.id).toBe('abc');
  });
});

describe('events', () => {
  it('numbers events in order and delivers an inbound queue call to the ready agent', async () => {
    const client = await connect();
    await client.ok('login', { agentId: 'agent4', agentPwd: 'demo' });
    await client.ok('agentReady', {});
    await client.waitForEvent('AgentStateEvent', 'Ready');
    const { callId } = await api<{ callId: string }>(server, 'POST', '/api/calls', { from: '+15550000099', to: '8000', data: { account: '42' } });
    const alerting = await client.waitForEvent('CallStateEvent', 'Alerting', (e) => e.pyCallId === callId);
    expect(alerting).toMatchObject({ pyCallType: 'INBOUND', pyANI: '+15550000099', pyDNIS: '8000', pyCallData: { account: '42' } });
    await client.ok('answerCall', { callId });
    await client.waitForEvent('CallStateEvent', 'Established', (e) => e.pyCallId === callId);
    await client.ok('hangUpCall', { callId });
    await client.waitForEvent('CallStateEvent', 'Disconnected', (e) => e.pyCallId === callId);
    const seqs = client.events.map((f) => f.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    await client.ok('logout', { reasonCode: 'EOD' });
  });

  it('a second tab attached with the session token sees the same events', async () => {
    const tab1 = await connect();
    const login = await tab1.ok<{ token: string }>('login', { agentId: 'agent3', agentPwd: 'demo' });
    const tab2 = await connect();
    await tab2.ok('resume', { token: login.token });
    await tab2.waitForEvent('SnapshotEvent', 'Snapshot', (e) => e.pyAgentId === 'agent3');
    await tab2.ok('agentNotReady', { reasonCode: 'BREAK' });
    for (const tab of [tab1, tab2]) {
      const event = await tab.waitForEvent('AgentStateEvent', 'NotReady');
      expect(event.pyReasonCode).toBe('BREAK');
    }
    await tab1.ok('logout', {});
    await tab2.waitForEvent('SnapshotEvent', 'Snapshot', (e) => e.pyAgentState === 'Logout');
  });

  it('resume after a dropped connection replays the missed events in order, then a Snapshot', async () => {
    const client = await connect();
    const login = await client.ok<{ token: string }>('login', { agentId: 'agent1', agentPwd: 'demo' });
    await client.ok('agentReady', {});
    const { callId } = await api<{ callId: string }>(server, 'POST', '/api/calls', { from: '+15550000100', to: '8001' });
    await client.waitForEvent('CallStateEvent', 'Alerting', (e) => e.pyCallId === callId);
    await client.ok('answerCall', { callId });
    await client.waitForEvent('CallStateEvent', 'Established');
    const lastSeq = client.events.at(-1)!.seq;
    await client.close();

    // While the desktop is away, the caller hangs up.
    await api(server, 'POST', `/api/calls/${callId}/hangup`);

    const back = await connect();
    await back.ok('resume', { token: login.token, lastSeq });
    await back.waitForEvent('SnapshotEvent', 'Snapshot');
    const replayed = back.events.map((f) => f.event);
    const disconnected = replayed.findIndex((e) => e.pyEventType === 'CallStateEvent' && e.pyEventName === 'Disconnected' && e.pyCallId === callId);
    const snapshot = replayed.findIndex((e) => e.pyEventType === 'SnapshotEvent');
    expect(disconnected).toBeGreaterThanOrEqual(0);
    expect(snapshot).toBeGreaterThan(disconnected);
    expect(back.events[0]!.seq).toBe(lastSeq + 1);
    await back.ok('logout', {});
  });

  it('refuses resume with an unknown token', async () => {
    const client = await connect();
    const response = await client.request('resume', { token: 'not-a-real-token' });
    expect(response.error?.errCode).toBe('OPENCTI_AGENT_NOT_LOGGED_IN');
  });
});

describe('hostile and unlucky clients', () => {
  it('a malformed upgrade request or an upgrade to another path is refused and closed; the server stays up', async () => {
    const { connect } = await import('node:net');
    const send = (request: string) =>
      new Promise<string>((resolve) => {
        const socket = connect(server.port, '127.0.0.1', () => socket.write(request));
        let answer = '';
        socket.on('data', (d) => (answer += d.toString()));
        socket.on('close', () => resolve(answer));
        socket.on('error', () => resolve(answer));
      });
    const upgrade = 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n';
    await send(`GET http://[ HTTP/1.1\r\nHost: x\r\n${upgrade}`);
    expect(await send(`GET /other HTTP/1.1\r\nHost: x\r\n${upgrade}`)).toContain('404');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('made-up op names do not become metric labels', async () => {
    const client = await connect();
    for (let i = 0; i < 20; i++) await client.raw(JSON.stringify({ type: 'request', id: `x${i}`, op: `made-up-${i}`, args: {} }));
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).not.toContain('made-up-');
    expect(text).toContain('op="unknown"');
  });

  it('a tab left behind after another tab logged out is not logged in, and cannot log out the next session of the agent', async () => {
    const tabA = await connect();
    const first = await tabA.ok<{ token: string }>('login', { agentId: 'agent4', agentPwd: 'demo' });
    const tabB = await connect();
    await tabB.ok('resume', { token: first.token });
    await tabA.ok('logout', {});
    expect((await tabB.request('agentReady', {})).error?.errCode).toBe('OPENCTI_AGENT_NOT_LOGGED_IN');

    const again = await tabA.ok<{ token: string }>('login', { agentId: 'agent4', agentPwd: 'demo' });
    expect((await tabB.request('logout', {})).error?.errCode).toBe('OPENCTI_AGENT_NOT_LOGGED_IN');
    expect(server.gateway.isSessionToken(again.token)).toBe(true);
    expect(server.gateway.agentForToken(again.token)).toBe('agent4');
    await tabA.ok('logout', {});
  });
});

describe('a desktop that vanishes while logging in', () => {
  it('does not lock the agent out: the session gets its grace period and the agent can log in again after it', async () => {
    const quick = await startTestServer({ sessionGraceMs: 200 });
    try {
      const client = await WsClient.connect(quick.ctiUrl);
      client.sendRaw(JSON.stringify({ type: 'request', id: 1, op: 'login', args: { agentId: 'agent1', agentPwd: 'demo' } }));
      // Gone while the password check (scrypt, tens of ms) runs: the frame has arrived by then.
      await new Promise((resolve) => setTimeout(resolve, 10));
      client.socket.terminate();
      const retry = async () => {
        const next = await WsClient.connect(quick.ctiUrl);
        const response = await next.request('login', { agentId: 'agent1', agentPwd: 'demo' });
        await next.close();
        return response.ok;
      };
      await expect.poll(retry, { timeout: 10_000, interval: 250 }).toBe(true);
    } finally {
      await quick.dispose();
    }
  });
});
