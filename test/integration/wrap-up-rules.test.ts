/**
 * Over the real server: the wrap-up rules of the server configuration. A queue that requires a
 * disposition refuses a wrap-up without one, naming what is missing, and the agent stays in
 * after-call work; a disposition saved earlier counts; another queue's calls are not held to it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/server/config.js';
import { createAgent, callIn, type TestAgent } from '../helpers/agents.js';
import { api, startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let agents: TestAgent[] = [];

beforeAll(async () => {
  server = await startTestServer({ wrapUp: { queues: { sales: { dispositionRequired: true } } } });
});
afterEach(async () => {
  await Promise.all(agents.map((a) => a.close()));
  agents = [];
});
afterAll(async () => {
  await server.dispose();
});

async function loggedIn(agentId: string): Promise<TestAgent> {
  const agent = createAgent(server.ctiUrl, 'full');
  agents.push(agent);
  await agent.session.login({ agentId, agentPwd: 'demo' });
  return agent;
}

/** A REST call with the agent's own session token, as the desktop makes it. */
async function asAgent(agent: TestAgent, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${agent.connector.session?.token ?? ''}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** The agent takes a call to `dnis` and hangs up: in after-call work, with the call's interaction id. */
async function callEndedIn(agent: TestAgent, dnis: string, from: string): Promise<number> {
  await agent.session.agentReady({});
  const { callId } = await api<{ callId: string }>(server, 'POST', '/api/calls', { from, to: dnis });
  await agent.until((s) => callIn(s, callId)?.state === 'Alerting', 'the offer');
  await agent.session.answerCall(callId);
  await agent.until((s) => callIn(s, callId)?.state === 'Established', 'talking');
  await agent.session.hangUpCall(callId);
  await agent.until((s) => s.agent.afterCallWork, 'after-call work');
  const [interaction] = (await asAgent(agent, 'GET', `/api/interactions?callId=${callId}`)).body as unknown as { id: number }[];
  if (interaction === undefined) throw new Error(`no interaction for call ${callId}`);
  return interaction.id;
}

describe('wrap-up rules', () => {
  it('a sales call is not wrapped up without a disposition; one saved before counts', async () => {
    const alice = await loggedIn('agent1');
    const id = await callEndedIn(alice, '8000', '+15551239101');

    const refused = await asAgent(alice, 'PATCH', `/api/interactions/${id}`, { notes: 'Called back.', status: 'wrapped-up' });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ errCode: 'OPENCTI_INVALID_ACTION', problems: [{ path: 'body.disposition', message: 'is required to wrap up this interaction' }] });
    expect(refused.body.errMessage).toMatch(/interaction \d+ of queue "sales" cannot be wrapped up without a disposition/);
    // Nothing was saved, and the agent is still in after-call work.
    expect((await asAgent(alice, 'GET', `/api/interactions/${id}`)).body).toMatchObject({ status: 'open', notes: '' });
    expect(alice.session.state.agent.afterCallWork).toBe(true);

    // Blank is no disposition either.
    expect((await asAgent(alice, 'PATCH', `/api/interactions/${id}`, { disposition: '  ', status: 'wrapped-up' })).status).toBe(400);

    expect((await asAgent(alice, 'PATCH', `/api/interactions/${id}`, { disposition: 'RESOLVED' })).status).toBe(200);
    const saved = await asAgent(alice, 'PATCH', `/api/interactions/${id}`, { status: 'wrapped-up' });
    expect(saved).toMatchObject({ status: 200, body: { disposition: 'RESOLVED', status: 'wrapped-up' } });
    await alice.until((s) => s.agent.state === 'Ready' && !s.agent.afterCallWork, 'Ready after the wrap-up');
  });

  it('a support call is wrapped up without one: the rule is the sales queue\'s', async () => {
    const alice = await loggedIn('agent1');
    const id = await callEndedIn(alice, '8001', '+15551239102');
    const saved = await asAgent(alice, 'PATCH', `/api/interactions/${id}`, { status: 'wrapped-up' });
    expect(saved).toMatchObject({ status: 200, body: { status: 'wrapped-up' } });
    await alice.until((s) => !s.agent.afterCallWork, 'after-call work over');
  });

  it('a wrong rule in the configuration is refused, naming its JSON path', () => {
    expect(() => resolveConfig({ wrapUp: { queues: { sales: { dispositionRequired: 'yes' } } } })).toThrow(/\/wrapUp\/queues\/sales\/dispositionRequired/);
    expect(() => resolveConfig({ wrapUp: { dispositionsRequired: true } })).toThrow(/\/wrapUp.*dispositionsRequired/);
  });
});
