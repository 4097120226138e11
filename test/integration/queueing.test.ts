/** The ACD over the real server: routing order, waiting while nobody is ready, abandon, the stored record. */
import { expect, it } from 'vitest';
import { useAgentBed } from '../helpers/agent-bed.js';
import { callIn } from '../helpers/agents.js';
import { api } from '../helpers/server.js';

const bed = useAgentBed();

interface QueueView {
  name: string;
  waiting: { callId: string; ani: string }[];
  readyAgents: string[];
}

it('routes each call to the agent who has been idle longest', async () => {
  const a1 = await bed.loggedIn('agent1');
  const a4 = await bed.loggedIn('agent4');
  await a4.session.agentReady({}); // agent4 ready first: idle longest
  await a4.until((s) => s.agent.state === 'Ready', 'agent4 Ready');
  await a1.session.agentReady({});
  await a1.until((s) => s.agent.state === 'Ready', 'agent1 Ready');

  const first = await api<{ callId: string }>(bed.server, 'POST', '/api/calls', { from: '+15551230031', to: '8000' });
  await a4.until((s) => callIn(s, first.callId)?.state === 'Alerting', 'the first call at agent4');
  const second = await api<{ callId: string }>(bed.server, 'POST', '/api/calls', { from: '+15551230032', to: '8000' });
  await a1.until((s) => callIn(s, second.callId)?.state === 'Alerting', 'the second call at agent1');
  expect(callIn(a1.session.state, first.callId)).toBeUndefined();
  for (const [agent, call] of [[a4, first], [a1, second]] as const) {
    await api(bed.server, 'POST', `/api/calls/${call.callId}/hangup`);
    await agent.until((s) => s.calls.length === 0, 'call gone');
  }
});

it('holds callers in the queue while nobody is ready, in order, then routes the first to the agent who becomes ready', async () => {
  const agent = await bed.loggedIn('agent3', 'agentState');
  const first = await api<{ callId: string }>(bed.server, 'POST', '/api/calls', { from: '+15551230033', to: '8001' });
  const second = await api<{ callId: string }>(bed.server, 'POST', '/api/calls', { from: '+15551230034', to: '8001' });
  const queues = await api<QueueView[]>(bed.server, 'GET', '/api/queues');
  expect(queues.find((q) => q.name === 'support')?.waiting.map((w) => w.callId)).toEqual([first.callId, second.callId]);
  expect(agent.session.state.calls).toEqual([]);

  await agent.session.agentReady({});
  const ringing = await agent.until((s) => s.calls.length > 0, 'a queued call offered');
  expect(ringing.calls.map((c) => c.callId)).toEqual([first.callId]);
  expect(ringing.calls[0]).toMatchObject({ ani: '+15551230033', dnis: '8001', queue: 'support' });
  for (const call of [first, second]) await api(bed.server, 'POST', `/api/calls/${call.callId}/hangup`);
  await agent.until((s) => s.calls.length === 0, 'calls gone');
});

it('a caller who hangs up while queued is Abandoned, and the interaction says so', async () => {
  const { callId } = await api<{ callId: string }>(bed.server, 'POST', '/api/calls', { from: '+15551230035', to: '8000' });
  await api(bed.server, 'POST', `/api/calls/${callId}/hangup`);
  const queues = await api<QueueView[]>(bed.server, 'GET', '/api/queues');
  expect(queues.find((q) => q.name === 'sales')?.waiting.some((w) => w.callId === callId)).toBe(false);
  const [interaction] = await api<{ callId: string; status: string; queue: string }[]>(bed.server, 'GET', `/api/interactions?callId=${callId}`);
  expect(interaction).toMatchObject({ callId, status: 'abandoned', queue: 'sales' });
});
