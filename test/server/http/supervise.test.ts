/**
 * POST /api/agents/:agentId/supervise on a real server: who may, what a bad request is told, and
 * what the supervisor's and the agent's desktops receive as the supervisor monitors, barges in and
 * leaves. The SIP back end's refusal is checked per phone kind.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { supervisionRefusal } from '../../../src/server/sip/backend/supervision.js';
import { api, startTestServer, type TestServer } from '../../helpers/server.js';
import { WsClient } from '../../helpers/ws-client.js';

let server: TestServer | undefined;
const clients: WsClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server?.dispose();
  server = undefined;
});

async function desktop(s: TestServer, agentId: string) {
  const client = await WsClient.connect(s.ctiUrl);
  clients.push(client);
  const { token } = await client.ok<{ token: string }>('login', { agentId, agentPwd: 'demo' });
  return { client, token };
}

const supervise = (s: TestServer, agentId: string, token: string | undefined, body: unknown) =>
  fetch(`${s.url}/api/agents/${agentId}/supervise`, {
    method: 'POST',
    headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

async function refusal(response: Response): Promise<{ status: number; errCode: string; errMessage: string }> {
  return { status: response.status, ...((await response.json()) as { errCode: string; errMessage: string }) };
}

type Parties = { pyDN: string; role?: string }[];

describe('POST /api/agents/:agentId/supervise', () => {
  it('refuses callers without the role, bad bodies, and an agent not on a call', async () => {
    server = await startTestServer();
    await api(server, 'PATCH', '/api/agents/agent2', { role: 'supervisor' });
    const agent = await desktop(server, 'agent1');
    const supervisor = await desktop(server, 'agent2');

    expect((await supervise(server, 'agent1', undefined, { mode: 'monitor' })).status).toBe(401);
    expect((await supervise(server, 'agent1', 'not-a-token', { mode: 'monitor' })).status).toBe(401);
    expect(await refusal(await supervise(server, 'agent2', agent.token, { mode: 'monitor' }))).toMatchObject({
      status: 403,
      errCode: 'OPENCTI_FORBIDDEN',
      errMessage: expect.stringContaining('agent "agent1" is not a supervisor'),
    });
    expect(await refusal(await supervise(server, 'agent1', supervisor.token, { mode: 'listen' }))).toMatchObject({ status: 400, errMessage: expect.stringContaining('body.mode') });
    expect(await refusal(await supervise(server, 'agent1', supervisor.token, {}))).toMatchObject({ status: 400, errMessage: expect.stringContaining('mode') });
    expect(await refusal(await supervise(server, 'agent1', supervisor.token, { mode: 'monitor', extra: 1 }))).toMatchObject({ status: 400, errMessage: expect.stringContaining('extra') });
    expect(await refusal(await supervise(server, 'agent1', supervisor.token, { mode: 'monitor', supervisorId: 'agent3' }))).toMatchObject({
      status: 403,
      errMessage: 'a supervisor joins calls from their own extension: supervisorId must be "agent2" or left out',
    });
    expect(await refusal(await supervise(server, 'agent1', server.adminToken, { mode: 'monitor' }))).toMatchObject({ status: 400, errMessage: expect.stringContaining('body.supervisorId is required') });
    expect(await refusal(await supervise(server, 'agent1', server.adminToken, { mode: 'monitor', supervisorId: 'agent3' }))).toMatchObject({
      status: 400,
      errMessage: 'body.supervisorId: agent "agent3" is not a supervisor',
    });
    expect(await refusal(await supervise(server, 'ghost', supervisor.token, { mode: 'monitor' }))).toMatchObject({ status: 404, errMessage: 'agent "ghost" does not exist' });
    expect(await refusal(await supervise(server, 'agent1', supervisor.token, { mode: 'monitor' }))).toEqual({
      status: 409,
      errCode: 'OPENCTI_CF_INVALID_OBJECT_STATE',
      errMessage: 'agent "agent1" is not on a call (answered or held) to supervise',
    });
    expect((await refusal(await supervise(server, 'agent3', supervisor.token, { mode: 'monitor' }))).errCode).toBe('OPENCTI_AGENT_NOT_LOGGED_IN');
    // A role taken away counts at the next request.
    await api(server, 'PATCH', '/api/agents/agent2', { role: 'agent' });
    expect((await supervise(server, 'agent1', supervisor.token, { mode: 'monitor' })).status).toBe(403);
  });

  it('monitors unseen by the agent, barges in seen by all, changes mode and leaves', async () => {
    server = await startTestServer();
    await api(server, 'PATCH', '/api/agents/agent2', { role: 'supervisor' });
    const agent = await desktop(server, 'agent1');
    const supervisor = await desktop(server, 'agent2');
    await agent.client.ok('agentReady');
    const { callId } = await api<{ callId: string }>(server, 'POST', '/api/calls', { from: '+15550100', to: '8001' });
    await agent.client.waitForEvent('CallStateEvent', 'Alerting');
    await agent.client.ok('answerCall', { callId });
    await agent.client.waitForEvent('AgentStateEvent', 'Busy');

    const monitor = await supervise(server, 'agent1', supervisor.token, { mode: 'monitor' });
    expect(monitor.status).toBe(200);
    expect(await monitor.json()).toEqual({ supervisorId: 'agent2', agentId: 'agent1', callId, mode: 'monitor' });
    const established = await supervisor.client.waitForEvent('CallStateEvent', 'Established');
    expect(established).toMatchObject({ pyCallId: callId, pyANI: '+15550100', pyOtherDN: '5001', pyThisDN: '5002' });
    const seenBySupervisor = await supervisor.client.waitForEvent('PartyInfoEvent');
    expect(seenBySupervisor.pyParties).toEqual([{ pyDN: '+15550100' }, { pyDN: '5001' }, { pyDN: '5002', role: 'monitor' }]);

    // The admin may barge in for the supervisor; the agent is told of the barger, not of the monitor before.
    const barge = await fetch(`${server.url}/api/agents/agent1/supervise`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'barge', supervisorId: 'agent2' }),
    });
    expect(barge.status).toBe(200);
    const seenByAgent = await agent.client.waitForEvent('PartyInfoEvent');
    expect(seenByAgent.pyParties as Parties).toEqual([{ pyDN: '+15550100' }, { pyDN: '5001' }, { pyDN: '5002', role: 'barge' }]);
    expect(agent.client.eventsOf('PartyInfoEvent')).toHaveLength(1);

    expect(await refusal(await supervise(server, 'agent1', supervisor.token, { mode: 'barge' }))).toMatchObject({ status: 409, errCode: 'OPENCTI_IN_SAME_STATE' });
    expect((await supervise(server, 'agent1', supervisor.token, { mode: 'leave' })).status).toBe(200);
    await supervisor.client.waitForEvent('CallStateEvent', 'Disconnected');
    await agent.client.waitFor(() => agent.client.eventsOf('PartyInfoEvent').length === 2, 'the agent told the barger left');
    expect(agent.client.eventsOf('PartyInfoEvent').at(-1)?.pyParties).toEqual([{ pyDN: '+15550100' }, { pyDN: '5001' }]);
    expect(server.switch.calls()[0]?.parties).toEqual(['+15550100', '5001']);
  });
});

describe('supervision on the SIP back end', () => {
  it('is refused for every phone kind, naming why', () => {
    const agents = [
      { agentId: 'b', extension: '5001', sipUri: 'sip:5001@pbx', phone: { kind: 'baresip' as const, port: 4444 } },
      { agentId: 'l', extension: '5002', sipUri: 'sip:5002@pbx', phone: { kind: 'linphone' as const, socketPath: '/tmp/l' } },
      { agentId: 's', extension: '5003', sipUri: 'sip:5003@pbx', phone: { kind: 'sip' as const } },
      { agentId: 'w', extension: '5004', sipUri: 'sip:5004@pbx', phone: { kind: 'webrtc' as const, wsUri: 'wss://pbx:8443' } },
    ];
    const messages = agents.map((a) => supervisionRefusal({ agents }, a.agentId, 'monitor'));
    for (const error of messages) {
      expect(error.errCode).toBe('OPENCTI_NOT_SUPPORTED_IN_MODE');
      expect(error.errMessage).toMatch(/^silent monitor is not available on the SIP back end: .*Kamailio relays signalling only/);
    }
    expect(messages.map((e) => e.errMessage.match(/the (\w+) phone|this (plain SIP) phone/)?.slice(1).find(Boolean))).toEqual(['baresip', 'linphone', 'plain SIP', 'browser']);
    expect(supervisionRefusal({ agents }, 'b', 'barge').errMessage).toMatch(/^barge-in is not available/);
    expect(supervisionRefusal({ agents }, 'x', 'whisper').errMessage).toBe('whisper (coach) is not available on the SIP back end: agent "x" has no phone in the sip configuration');
  });
});
