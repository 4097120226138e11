/**
 * Over the real server: capabilities per call and phone limits, the pending next state, wrap-up
 * ending after-call work, and the directory (agents' live state, queues, saved numbers).
 */
import { expect, it } from 'vitest';
import { useAgentBed } from '../helpers/agent-bed.js';
import { callIn, type TestAgent } from '../helpers/agents.js';
import { api } from '../helpers/server.js';

const bed = useAgentBed();

/** A REST call with the agent's own session token, as the desktop makes it. */
async function asAgent(agent: TestAgent, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> & { entries?: unknown } }> {
  const response = await fetch(`${bed.server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${agent.connector.session?.token ?? ''}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

it('a call carries its capabilities; a phone limit takes conference away at once', async () => {
  const alice = await bed.loggedIn('agent1');
  await alice.session.agentReady({});
  const { callId } = await api<{ callId: string }>(bed.server, 'POST', '/api/calls', { from: '+15551239001', to: '8000' });
  await alice.until((s) => callIn(s, callId)?.state === 'Alerting', 'the offer');
  expect(callIn(alice.session.state, callId)?.capabilities).toEqual(['answerCall', 'hangUpCall', 'rejectCall']);
  await alice.session.answerCall(callId);
  await alice.until((s) => callIn(s, callId)?.capabilities?.includes('conferenceInitiate') === true, 'conference possible');
  await bed.server.commands.setPhoneLimits('5001', ['conferenceInitiate', 'conferenceComplete']);
  await alice.until((s) => callIn(s, callId)?.capabilities?.includes('conferenceInitiate') === false, 'conference gone');
  expect(callIn(alice.session.state, callId)?.capabilities).toContain('transferInitiate');
  await bed.server.commands.setPhoneLimits('5001', []);
  await alice.session.hangUpCall(callId);
});

it('Not Ready asked during a call is pending until the call ends, then applied', async () => {
  const alice = await bed.loggedIn('agent1');
  await alice.session.agentReady({});
  const { callId } = await api<{ callId: string }>(bed.server, 'POST', '/api/calls', { from: '+15551239002', to: '8000' });
  await alice.until((s) => callIn(s, callId)?.state === 'Alerting', 'the offer');
  await alice.session.answerCall(callId);
  await alice.until((s) => s.agent.state === 'Busy', 'Busy');
  await alice.session.agentNotReady({ reasonCode: 'BREAK' });
  await alice.until((s) => s.agent.pendingState === 'NotReady', 'pending Not Ready');
  expect(alice.session.state.agent).toMatchObject({ state: 'Busy', pendingState: 'NotReady', pendingReasonCode: 'BREAK' });
  await alice.session.hangUpCall(callId);
  await alice.until((s) => s.agent.state === 'NotReady', 'Not Ready applied');
  expect(alice.session.state.agent.reasonCode).toBe('BREAK');
  expect(alice.session.state.agent.pendingState).toBeUndefined();
});

it('wrapping up the interaction ends after-call work', async () => {
  const alice = await bed.loggedIn('agent1');
  await alice.session.agentReady({});
  const { callId } = await api<{ callId: string }>(bed.server, 'POST', '/api/calls', { from: '+15551239003', to: '8000' });
  await alice.until((s) => callIn(s, callId)?.state === 'Alerting', 'the offer');
  await alice.session.answerCall(callId);
  await alice.until((s) => callIn(s, callId)?.state === 'Established', 'talking');
  await alice.session.hangUpCall(callId);
  await alice.until((s) => s.agent.afterCallWork, 'after-call work');
  const [interaction] = (await asAgent(alice, 'GET', `/api/interactions?callId=${callId}`)).body as unknown as { id: number }[];
  const saved = await asAgent(alice, 'PATCH', `/api/interactions/${interaction?.id}`, { notes: 'Done.', disposition: 'RESOLVED', status: 'wrapped-up' });
  expect(saved).toMatchObject({ status: 200, body: { disposition: 'RESOLVED', notes: 'Done.', status: 'wrapped-up' } });
  await alice.until((s) => s.agent.state === 'Ready' && !s.agent.afterCallWork, 'Ready after the wrap-up');
});

it('the directory lists agents with their live state, queues and saved numbers; numbers are the admin\'s', async () => {
  const alice = await bed.loggedIn('agent1');
  const bruno = await bed.loggedIn('agent2');
  await bruno.session.agentReady({});
  await bruno.until((s) => s.agent.state === 'Ready', 'Bruno Ready');

  const created = await api<{ id: number; label: string; number: string }>(bed.server, 'POST', '/api/directory/numbers', { label: 'Billing back office', number: '+15557770000' });
  expect(created).toMatchObject({ label: 'Billing back office', number: '+15557770000' });
  const taken = await fetch(`${bed.server.url}/api/directory/numbers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bed.server.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ label: 'Again', number: '+15557770000' }),
  });
  expect(taken.status).toBe(409);
  expect(((await taken.json()) as { errMessage: string }).errMessage).toBe('number "+15557770000" is already saved as "Billing back office"');
  const bad = await fetch(`${bed.server.url}/api/directory/numbers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bed.server.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ label: 'Bad', number: 'call me' }),
  });
  expect(bad.status).toBe(400);
  expect(await bad.text()).toMatch(/number/);

  const bruno2 = await asAgent(alice, 'GET', '/api/directory?q=bruno');
  expect(bruno2.body.entries).toEqual([{ kind: 'agent', name: 'Bruno Keller', agentId: 'agent2', number: '5002', state: 'Ready' }]);
  expect((await asAgent(alice, 'GET', '/api/directory?q=billing')).body.entries).toEqual([
    { kind: 'number', name: 'Billing back office', number: '+15557770000', id: created.id },
  ]);
  expect((await asAgent(alice, 'GET', '/api/directory?q=8001')).body.entries).toEqual([{ kind: 'queue', name: 'support', number: '8001' }]);
  expect((await asAgent(alice, 'GET', '/api/directory?q=dev')).body.entries).toMatchObject([{ name: 'Dev Sharma', state: 'Logged out' }]);
  // Agents search; only the administrator changes saved numbers.
  expect((await asAgent(alice, 'POST', '/api/directory/numbers', { label: 'Mine', number: '123' })).status).toBe(401);
  expect((await fetch(`${bed.server.url}/api/directory?q=a`)).status).toBe(401);

  const renamed = await api<{ label: string }>(bed.server, 'PATCH', `/api/directory/numbers/${created.id}`, { label: 'Billing' });
  expect(renamed.label).toBe('Billing');
  await api(bed.server, 'DELETE', `/api/directory/numbers/${created.id}`);
  expect(await api(bed.server, 'GET', '/api/directory/numbers')).toEqual([]);
});
