/** setCallData against the real server: over framework sessions between two agents, and over the raw protocol. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { callIn, createAgent, type TestAgent } from '../helpers/agents.js';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { WsClient } from '../helpers/ws-client.js';

let server: TestServer;
let agents: TestAgent[] = [];
let clients: WsClient[] = [];

beforeAll(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  // A closed socket leaves its session open on the server: raw clients log out first.
  const closeRaw = async (c: WsClient) => {
    await c.request('logout', {});
    await c.close();
  };
  await Promise.all([...agents.map((a) => a.close()), ...clients.map(closeRaw)]);
  agents = [];
  clients = [];
});
afterAll(async () => {
  await server.dispose();
});

async function readyAgent(agentId: string): Promise<TestAgent> {
  const agent = createAgent(server.ctiUrl);
  agents.push(agent);
  await agent.session.login({ agentId, agentPwd: 'demo' });
  await agent.session.agentReady({});
  await agent.until((s) => s.agent.state === 'Ready', `${agentId} Ready`);
  return agent;
}

/** A raw protocol client logged in as `agentId`, Ready, with its Snapshot received. */
async function rawAgent(agentId: string): Promise<WsClient> {
  const client = await WsClient.connect(server.ctiUrl);
  clients.push(client);
  await client.ok('login', { agentId, agentPwd: 'demo' });
  await client.waitForEvent('SnapshotEvent', 'Snapshot');
  await client.ok('agentReady', {});
  await client.waitForEvent('AgentStateEvent', 'Ready');
  return client;
}

describe('setCallData between two agents on one call', () => {
  it('each side adds data and both desktops show the merged data', async () => {
    const first = await readyAgent('agent1');
    const second = await readyAgent('agent2');
    await first.session.makeCall('5002');
    const ringing = await second.until((s) => s.calls.some((c) => c.state === 'Alerting'), 'agent2 ringing');
    const callId = ringing.calls.find((c) => c.state === 'Alerting')!.callId;
    await second.session.answerCall(callId);
    await first.until((s) => callIn(s, callId)?.state === 'Established', 'agent1 talking');

    await first.session.setCallData(callId, { case: '42' });
    for (const agent of [first, second]) await agent.until((s) => callIn(s, callId)?.callData.case === '42', 'case 42 shown');
    await second.session.setCallData(callId, { priority: 'high' });
    for (const agent of [first, second]) {
      const state = await agent.until((s) => callIn(s, callId)?.callData.priority === 'high', 'priority shown');
      expect(callIn(state, callId)!.callData).toEqual({ case: '42', priority: 'high' });
    }
    await first.session.hangUpCall(callId);
    await second.until((s) => s.calls.length === 0, 'agent2 free');
  });
});

describe('setCallData over the protocol', () => {
  it('merges into the data the call came with; the CallInfoEvent carries all of it', async () => {
    const client = await rawAgent('agent3');
    const { callId } = await api<{ callId: string }>(server, 'POST', '/api/calls', { from: '+15551230031', to: '5003', data: { order: 'A-17' } });
    await client.waitForEvent('CallStateEvent', 'Alerting', (e) => e.pyCallId === callId);
    await client.ok('answerCall', { callId });
    await client.waitForEvent('CallStateEvent', 'Established', (e) => e.pyCallId === callId);

    await expect(client.ok('setCallData', { callId, data: { case: '42', order: 'A-18' } })).resolves.toBeNull();
    const info = await client.waitForEvent('CallInfoEvent', undefined, (e) => e.pyCallId === callId);
    expect(info.pyCallData).toEqual({ order: 'A-18', case: '42' });
    await client.ok('hangUpCall', { callId });
  });

  it('refuses a call the agent is not on, naming it', async () => {
    const client = await rawAgent('agent4');
    const response = await client.request('setCallData', { callId: 'no-such-call', data: { case: '42' } });
    expect(response.ok).toBe(false);
    expect(response.error?.errCode).toBe('OPENCTI_CF_INVALID_OBJECT_STATE');
    expect(response.error?.errMessage).toContain('no-such-call');
    expect(client.eventsOf('CallInfoEvent')).toEqual([]);
  });

  it('refuses data that is not a flat object of strings, naming what is wrong', async () => {
    const client = await rawAgent('agent4');
    const notString = await client.request('setCallData', { callId: 'c1', data: { case: 42 } });
    expect(notString.error?.errCode).toBe('OPENCTI_BAD_FRAME');
    expect(notString.error?.errMessage).toMatch(/setCallData.*\/data\/case must be string/);
    const empty = await client.request('setCallData', { callId: 'c1', data: {} });
    expect(empty.error?.errMessage).toMatch(/\/data must NOT have fewer than 1 properties/);
    const missing = await client.request('setCallData', { callId: 'c1' });
    expect(missing.error?.errMessage).toMatch(/\/data is required/);
  });
});
