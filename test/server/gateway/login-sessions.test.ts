/**
 * Sessions at login, over real sockets against a real server: taking over a session whose desktop
 * is gone, an administrator ending a session, and the extensions an agent may use.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAgent } from '../../helpers/agents.js';
import { api, startTestServer, type TestServer } from '../../helpers/server.js';
import { WsClient } from '../../helpers/ws-client.js';
import { metric } from './metrics.js';

let server: TestServer;
const clients: WsClient[] = [];

async function connect(): Promise<WsClient> {
  const client = await WsClient.connect(server.ctiUrl);
  clients.push(client);
  return client;
}

/** The REST API as a desktop calls it, with the session token. */
const asAgent = (token: string, path = '/api/customers') => fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

const switchState = (agentId: string) => server.switch.agents().find((a) => a.agentId === agentId)?.state;

/** Resolves with the close code and reason once the server closes the socket. */
const closed = (client: WsClient) =>
  new Promise<{ code: number; reason: string }>((resolve) => client.socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));

beforeAll(async () => {
  server = await startTestServer();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await server.dispose();
});

describe('logging in again', () => {
  it('while the session has no desktop (grace period) takes it over at once: the old token stops working for resume and REST', async () => {
    const first = await connect();
    const old = await first.ok<{ token: string; extension: string }>('login', { agentId: 'agent1', agentPwd: 'demo' });
    await first.ok('agentNotReady', { reasonCode: 'BREAK' });
    expect((await asAgent(old.token)).status).toBe(200);
    first.socket.terminate();
    await expect.poll(() => server.gateway.sessions().get('agent1')?.sockets.size).toBe(0);

    const second = await connect();
    const fresh = await second.ok<{ token: string; extension: string }>('login', { agentId: 'agent1', agentPwd: 'demo' });
    expect(fresh.token).not.toBe(old.token);
    expect(fresh.extension).toBe(old.extension);
    // Still logged in on the switch, state kept: the new desktop carries on.
    const snapshot = await second.waitForEvent('SnapshotEvent', 'Snapshot');
    expect(snapshot).toMatchObject({ pyAgentId: 'agent1', pyAgentState: 'NotReady', pyReasonCode: 'BREAK' });

    const stale = await connect();
    expect((await stale.request('resume', { token: old.token })).error?.errCode).toBe('OPENCTI_AGENT_NOT_LOGGED_IN');
    expect((await asAgent(old.token)).status).toBe(401);
    expect((await asAgent(fresh.token)).status).toBe(200);
    await second.ok('agentReady', {});
    await second.ok('logout', {});
  });

  it('while a desktop is open is refused, saying how to take over', async () => {
    const open = await connect();
    await open.ok('login', { agentId: 'agent2', agentPwd: 'demo' });
    const other = await connect();
    const refused = await other.request('login', { agentId: 'agent2', agentPwd: 'demo' });
    expect(refused.error?.errCode).toBe('OPENCTI_AGENT_LOGGED_IN');
    expect(refused.error?.errMessage).toContain('close that desktop (or log out there) to log in here');
    await open.ok('logout', {});
  });
});

describe('an administrator logging an agent out', () => {
  it('over REST: the desktop gets the closing Snapshot, then OPENCTI_SESSION_ENDED and a close; the switch logs the agent out', async () => {
    const desktop = await connect();
    const { token } = await desktop.ok<{ token: string }>('login', { agentId: 'agent3', agentPwd: 'demo' });
    await desktop.waitForEvent('SnapshotEvent', 'Snapshot');
    const gone = closed(desktop);

    // No body at all is fine: the reason code is optional.
    const response = await fetch(`${server.url}/api/agents/agent3/logout`, { method: 'POST', headers: { authorization: `Bearer ${server.adminToken}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ agentId: 'agent3', state: 'Logout', session: null });

    await desktop.waitFor(() => desktop.responses.some((r) => r.error?.errCode === 'OPENCTI_SESSION_ENDED'), 'OPENCTI_SESSION_ENDED');
    const ended = desktop.responses.find((r) => r.error?.errCode === 'OPENCTI_SESSION_ENDED')!;
    expect(ended.id).toBeNull();
    expect(ended.error?.errMessage).toContain('an administrator ended the session of agent "agent3"');
    const closing = desktop.events.findLast((f) => f.event.pyEventType === 'SnapshotEvent');
    expect(closing?.event).toMatchObject({ pyAgentState: 'Logout' });
    expect(await gone).toEqual({ code: 4003, reason: 'OPENCTI_SESSION_ENDED' });

    expect(switchState('agent3')).toBe('Logout');
    expect(server.gateway.sessions().has('agent3')).toBe(false);
    expect((await asAgent(token)).status).toBe(401);
    const again = await connect();
    expect((await again.request('resume', { token })).error?.errCode).toBe('OPENCTI_AGENT_NOT_LOGGED_IN');
  });

  it('with a reason code; refused when not logged in (409), for an unknown agent (404) and without the admin token (401)', async () => {
    const desktop = await connect();
    await desktop.ok('login', { agentId: 'agent4', agentPwd: 'demo' });
    await api(server, 'POST', '/api/agents/agent4/logout', { reasonCode: 'EOD' });
    const logout = await desktop.waitForEvent('AgentStateEvent', 'Logout');
    expect(logout.pyReasonCode).toBe('EOD');

    await expect(api(server, 'POST', '/api/agents/agent4/logout', {})).rejects.toThrow(/409: .*agent \\"agent4\\" is not logged in/);
    await expect(api(server, 'POST', '/api/agents/ghost/logout', {})).rejects.toThrow(/404/);
    await expect(api(server, 'POST', '/api/agents/agent4/logout', { reasonCode: 'EOD', extra: 1 })).rejects.toThrow(/400: .*body.extra is not an allowed property/);
    expect((await fetch(`${server.url}/api/agents/agent4/logout`, { method: 'POST' })).status).toBe(401);
  });

  it('shows a desktop on the reference connector the agent logged out; its own logout then returns it to the login', async () => {
    const desktop = createAgent(server.ctiUrl);
    try {
      await desktop.session.login({ agentId: 'agent2', agentPwd: 'demo' });
      await desktop.until((s) => s.loggedIn && s.agent.state !== 'Logout', 'logged in');
      const resumes = () => metric(server, 'opencti_request_duration_seconds_count', 'op="resume"');
      const resumesBefore = await resumes();
      await api(server, 'POST', '/api/agents/agent2/logout', {});
      await desktop.until((s) => s.agent.state === 'Logout' && s.device === 'CLOSED', 'the agent shown logged out after the admin logout');
      expect(switchState('agent2')).toBe('Logout');
      expect(server.gateway.sessions().has('agent2')).toBe(false);
      // The connector lets the session go (it cannot be resumed) and does not log in again by itself.
      await expect.poll(() => desktop.connector.session, { timeout: 10_000 }).toBeUndefined();
      // It let go on the server's OPENCTI_SESSION_ENDED, without a resume bound to be refused.
      expect(await resumes()).toBe(resumesBefore);
      expect(server.gateway.sessions().has('agent2')).toBe(false);
      await desktop.session.logout({});
      expect(desktop.session.state.loggedIn).toBe(false);
    } finally {
      await desktop.close();
    }
  });

  it('is refused during a call, and the desktop keeps its session', async () => {
    const desktop = await connect();
    await desktop.ok('login', { agentId: 'agent4', agentPwd: 'demo' });
    await desktop.ok('agentReady', {});
    await desktop.waitForEvent('AgentStateEvent', 'Ready');
    const { callId } = await api<{ callId: string }>(server, 'POST', '/api/calls', { from: '+15550000123', to: '5004' });
    await desktop.waitForEvent('CallStateEvent', 'Alerting', (e) => e.pyCallId === callId);
    await desktop.ok('answerCall', { callId });
    await expect(api(server, 'POST', '/api/agents/agent4/logout', {})).rejects.toThrow(/400: .*cannot log out during call/);
    expect(server.gateway.sessions().get('agent4')?.sockets.size).toBe(1);
    await desktop.ok('hangUpCall', { callId });
    await desktop.waitForEvent('CallStateEvent', 'Disconnected', (e) => e.pyCallId === callId);
    await api(server, 'POST', '/api/agents/agent4/logout', {});
  });

  it('ends a session in its grace period too', async () => {
    const desktop = await connect();
    const { token } = await desktop.ok<{ token: string }>('login', { agentId: 'agent1', agentPwd: 'demo' });
    desktop.socket.terminate();
    await expect.poll(() => server.gateway.sessions().get('agent1')?.sockets.size).toBe(0);
    await api(server, 'POST', '/api/agents/agent1/logout', {});
    expect(switchState('agent1')).toBe('Logout');
    expect((await asAgent(token)).status).toBe(401);
  });
});

describe('extensions', () => {
  it("an agent logs in on their own extension only, unless an admin allows others; one in use is refused naming who has it", async () => {
    const desktop = await connect();
    // A wrong password says nothing about the extension rule.
    expect((await desktop.request('login', { agentId: 'agent3', agentPwd: 'nope', extension: '5004' })).error?.errCode).toBe('OPENCTI_AUTH_FAILED');
    const refused = await desktop.request('login', { agentId: 'agent3', agentPwd: 'demo', extension: '5004' });
    expect(refused.error?.errCode).toBe('OPENCTI_EXTENSION_NOT_ALLOWED');
    expect(refused.error?.errMessage).toBe('agent "agent3" may not log in on extension 5004: only on 5003 (an administrator can allow others)');
    expect(switchState('agent3')).toBe('Logout');

    expect(await api(server, 'PATCH', '/api/agents/agent3', { allowedExtensions: ['5004'] })).toMatchObject({ allowedExtensions: ['5004'], anyExtension: false });
    const login = await desktop.ok<{ extension: string }>('login', { agentId: 'agent3', agentPwd: 'demo', extension: '5004' });
    expect(login.extension).toBe('5004');

    // agent4's own extension is taken: refused, naming who is on it.
    const owner = await connect();
    const taken = await owner.request('login', { agentId: 'agent4', agentPwd: 'demo' });
    expect(taken.error?.errCode).toBe('OPENCTI_AGENT_LOGGED_IN');
    expect(taken.error?.errMessage).toBe('extension 5004 is in use by agent "agent3"');
    await desktop.ok('logout', {});

    // Any extension, when allowed so.
    await api(server, 'PATCH', '/api/agents/agent3', { allowedExtensions: [], anyExtension: true });
    expect((await desktop.ok<{ extension: string }>('login', { agentId: 'agent3', agentPwd: 'demo', extension: '5002' })).extension).toBe('5002');
    await desktop.ok('logout', {});
    await api(server, 'PATCH', '/api/agents/agent3', { anyExtension: false });
    expect((await desktop.request('login', { agentId: 'agent3', agentPwd: 'demo', extension: '5002' })).error?.errCode).toBe('OPENCTI_EXTENSION_NOT_ALLOWED');
  });

  it('the admin API checks the allowed extensions', async () => {
    await expect(api(server, 'PATCH', '/api/agents/agent2', { allowedExtensions: ['abc'] })).rejects.toThrow(/400: .*body.allowedExtensions.0 must match pattern/);
    await expect(api(server, 'PATCH', '/api/agents/agent2', { anyExtension: 'yes' })).rejects.toThrow(/400: .*body.anyExtension must be boolean/);
    const created = await api<{ allowedExtensions: string[] }>(server, 'POST', '/api/agents', {
      agentId: 'agent9',
      displayName: 'Nine',
      extension: '5009',
      password: 'pw9',
      allowedExtensions: ['5001', '5001', '5002'],
    });
    expect(created.allowedExtensions).toEqual(['5001', '5002']);
  });
});
