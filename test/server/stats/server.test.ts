/**
 * The statistics and the supervisor operations on a real server: who may read GET /api/stats and
 * force agents, the live `stats` frame over the WebSocket (supervisors only, at most once a
 * second, only on change), the Prometheus gauges, and the figures after a restart.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Stats } from '../../../src/server/stats/index.js';
import { api, startTestServer, type TestServer } from '../../helpers/server.js';
import { WsClient } from '../../helpers/ws-client.js';

let server: TestServer | undefined;
const clients: WsClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server?.dispose();
  server = undefined;
});

/** A logged-in desktop socket that also keeps every stats and heartbeat frame, with its arrival time. */
async function desktop(s: TestServer, agentId: string) {
  const client = await WsClient.connect(s.ctiUrl);
  clients.push(client);
  const stats: { at: number; stats: Stats }[] = [];
  let heartbeats = 0;
  client.socket.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as { type: string; stats?: Stats };
    if (frame.type === 'stats') stats.push({ at: performance.now(), stats: frame.stats! });
    if (frame.type === 'heartbeat') heartbeats++;
  });
  const { token } = await client.ok<{ token: string }>('login', { agentId, agentPwd: 'demo' });
  return { client, token, stats, heartbeats: () => heartbeats };
}

const get = (s: TestServer, path: string, token?: string) =>
  fetch(`${s.url}${path}`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
const post = (s: TestServer, path: string, token: string, body: unknown) =>
  fetch(`${s.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
const queue = (stats: Stats, name: string) => stats.queues.find((q) => q.name === name)!;

describe('GET /api/stats and forcing agents', () => {
  it('answer supervisors and the administrator only', async () => {
    server = await startTestServer();
    await api(server, 'PATCH', '/api/agents/agent2', { role: 'supervisor' });
    const agent = await desktop(server, 'agent1');
    const supervisor = await desktop(server, 'agent2');

    expect((await get(server, '/api/stats')).status).toBe(401);
    const refused = await get(server, '/api/stats', agent.token);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ errCode: 'OPENCTI_FORBIDDEN', errMessage: expect.stringContaining('agent "agent1" is not a supervisor') });
    for (const token of [supervisor.token, server.adminToken]) {
      const answer = await get(server, '/api/stats', token);
      expect(answer.status).toBe(200);
      const body = (await answer.json()) as Stats;
      expect(body.queues.map((q) => q.name).sort()).toEqual(['sales', 'support']);
      expect(queue(body, 'sales')).toMatchObject({ serviceLevelSeconds: 20, offered: 0, serviceLevel: null });
      expect(body.agents.find((a) => a.agentId === 'agent1')).toMatchObject({ state: 'NotReady', extension: '5001' });
    }

    // A role taken away counts at the next request.
    await api(server, 'PATCH', '/api/agents/agent2', { role: 'agent' });
    expect((await get(server, '/api/stats', supervisor.token)).status).toBe(403);
    await api(server, 'PATCH', '/api/agents/agent2', { role: 'supervisor' });

    expect((await post(server, '/api/agents/agent2/force', agent.token, { state: 'NotReady', reason: 'x' })).status).toBe(403);
    const bad = await post(server, '/api/agents/agent1/force', supervisor.token, { state: 'Away', reason: '' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toMatch(/state[\s\S]*reason|reason[\s\S]*state/);
    expect((await post(server, '/api/agents/nobody/force', supervisor.token, { state: 'NotReady', reason: 'x' })).status).toBe(404);
    expect((await post(server, '/api/agents/agent3/force', supervisor.token, { state: 'NotReady', reason: 'x' })).status).toBe(409); // not logged in

    await agent.client.ok('agentReady');
    const forced = await post(server, '/api/agents/agent1/force', supervisor.token, { state: 'NotReady', reason: 'Team meeting' });
    expect(forced.status).toBe(200);
    expect(await forced.json()).toEqual({ agentId: 'agent1', state: 'NotReady', reasonCode: 'Team meeting', when: 'now' });
    await agent.client.waitForEvent('AgentStateEvent', 'NotReady', (e) => e.pyReasonCode === 'Team meeting');

    const out = await post(server, '/api/agents/agent1/force', server.adminToken, { state: 'Logout', reason: 'End of shift' });
    expect(out.status).toBe(200);
    await agent.client.waitFor(
      () => agent.client.responses.some((r) => r.id === null && r.error?.errCode === 'OPENCTI_SESSION_ENDED'),
      'the session ended frame',
    );
    expect(agent.client.responses.find((r) => r.id === null)?.error?.errMessage).toBe('an administrator logged you out: End of shift');
    expect(agent.client.eventsOf('AgentStateEvent', 'Logout').at(-1)?.pyReasonCode).toBe('End of shift');
  });

  it('refuse to log out an agent on a call, and put them Not Ready once it ends', async () => {
    server = await startTestServer();
    await api(server, 'PATCH', '/api/agents/agent2', { role: 'supervisor' });
    const agent = await desktop(server, 'agent1');
    const supervisor = await desktop(server, 'agent2');
    await agent.client.ok('agentReady');
    const { callId } = await api<{ callId: string }>(server, 'POST', '/api/calls', { from: '+15550100', to: '8001' });
    await agent.client.waitForEvent('CallStateEvent', 'Alerting');
    await agent.client.ok('answerCall', { callId });
    await agent.client.waitForEvent('AgentStateEvent', 'Busy');

    const refused = await post(server, '/api/agents/agent1/force', supervisor.token, { state: 'Logout', reason: 'Now' });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ errMessage: expect.stringContaining('is on a call') });
    const later = await post(server, '/api/agents/agent1/force', supervisor.token, { state: 'NotReady', reason: 'Coaching' });
    expect(await later.json()).toMatchObject({ when: 'afterCall' });
    await agent.client.ok('hangUpCall', { callId });
    await agent.client.waitForEvent('AgentStateEvent', 'NotReady', (e) => e.pyReasonCode === 'Coaching');
  });
});

describe('the stats frame', () => {
  it('reaches supervisors only, at login and then at most once a second when a figure changed', async () => {
    server = await startTestServer();
    await api(server, 'PATCH', '/api/agents/agent2', { role: 'supervisor' });
    const agent = await desktop(server, 'agent1');
    const supervisor = await desktop(server, 'agent2');
    await supervisor.client.waitFor(() => supervisor.stats.length >= 1, 'the first stats frame');
    expect(queue(supervisor.stats[0]!.stats, 'sales').waiting).toBe(0);

    // Three calls in a burst: frames follow, at least a second apart, the last one with all three.
    for (let i = 0; i < 3; i++) await api(server, 'POST', '/api/calls', { from: `+1555010${i}`, to: '8000' });
    await supervisor.client.waitFor(() => supervisor.stats.some((f) => queue(f.stats, 'sales').waiting === 3), 'three calls waiting', 5000);
    const frames = supervisor.stats;
    for (let i = 1; i < frames.length; i++) expect(frames[i]!.at - frames[i - 1]!.at).toBeGreaterThanOrEqual(950);
    expect(queue(frames.at(-1)!.stats, 'sales')).toMatchObject({ waiting: 3, offered: 3, oldestWaitingSince: expect.any(Number) });

    // Nothing changes: three heartbeats go by without a stats frame, though the longest wait grows.
    const seen = frames.length;
    const beats = supervisor.heartbeats();
    await supervisor.client.waitFor(() => supervisor.heartbeats() >= beats + 3, 'three heartbeats', 6000);
    expect(supervisor.stats.length).toBe(seen);

    // An agent getting Ready takes a call: a frame follows.
    await agent.client.ok('agentReady');
    await supervisor.client.waitFor(() => supervisor.stats.some((f) => queue(f.stats, 'sales').waiting === 2), 'a call offered');
    expect(agent.stats).toEqual([]);
  });
});

describe('statistics after a restart and in /metrics', () => {
  it('are rebuilt from the stored interactions, and each queue has its gauges', async () => {
    server = await startTestServer();
    const dataDir = server.dataDir;
    await api(server, 'PATCH', '/api/queues/sales', { serviceLevelSeconds: 5 });
    const agent = await desktop(server, 'agent1');
    await agent.client.ok('agentReady');
    const { callId } = await api<{ callId: string }>(server, 'POST', '/api/calls', { from: '+15550100', to: '8000' });
    await agent.client.waitForEvent('CallStateEvent', 'Alerting');
    await agent.client.ok('answerCall', { callId });
    await agent.client.ok('hangUpCall', { callId });
    const abandoned = await api<{ callId: string }>(server, 'POST', '/api/calls', { from: '+15550101', to: '8001' });
    await api(server, 'POST', `/api/calls/${abandoned.callId}/hangup`);
    await expect.poll(async () => queue(await api<Stats>(server!, 'GET', '/api/stats'), 'support').abandoned).toBe(1);
    const before = await api<Stats>(server, 'GET', '/api/stats');
    expect(queue(before, 'sales')).toMatchObject({ offered: 1, answered: 1, answeredWithinThreshold: 1, serviceLevel: 1, serviceLevelSeconds: 5 });
    expect(queue(before, 'support')).toMatchObject({ offered: 1, abandoned: 1, abandonRate: 1 });

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/opencti_queue_calls_offered_today\{queue="sales"\} 1/);
    expect(metrics).toMatch(/opencti_queue_service_level_ratio\{queue="sales"\} 1/);
    expect(metrics).toMatch(/opencti_queue_abandon_rate_ratio\{queue="support"\} 1/);

    await Promise.all(clients.splice(0).map((c) => c.close()));
    await server.close();
    server = await startTestServer({ dataDir });
    const after = await api<Stats>(server, 'GET', '/api/stats');
    expect(after.queues).toEqual(before.queues.map((q) => ({ ...q, longestWaitMs: 0 })));
    expect(after.agents.find((a) => a.agentId === 'agent1')).toMatchObject({ callsHandled: 1, state: 'Logout' });
  });
});
