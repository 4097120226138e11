/** setCallData against the real server: over framework sessions between two agents, and over the raw protocol. */
import { describe, expect, it } from 'vitest';
import { useAgentBed } from '../helpers/agent-bed.js';
import { callIn, talking } from '../helpers/agents.js';
import { api } from '../helpers/server.js';
import type { WsClient } from '../helpers/ws-client.js';

const bed = useAgentBed();

/** A raw protocol client logged in as `agentId`, Ready, with its Snapshot received. */
async function rawAgent(agentId: string): Promise<WsClient> {
  const client = await bed.raw(agentId);
  await client.ok('agentReady', {});
  await client.waitForEvent('AgentStateEvent', 'Ready');
  return client;
}

describe('setCallData between two agents on one call', () => {
  it('each side adds data and both desktops show the merged data', async () => {
    const first = await bed.ready('agent1');
    const second = await bed.ready('agent2');
    const callId = await talking(first, second, '5002');

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
    const { callId } = await api<{ callId: string }>(bed.server, 'POST', '/api/calls', { from: '+15551230031', to: '5003', data: { order: 'A-17' } });
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
