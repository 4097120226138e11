/** An agent's session token reaches only that agent's interactions; the admin token reaches all. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  h.tokenAgents.set('token-1', 'agent1');
  h.tokenAgents.set('token-2', 'agent2');
});
afterEach(async () => {
  await h.close();
});

interface Interaction {
  id: number;
  callId: string;
  agentId?: string;
  notes: string;
  status: string;
}

/** A call to the sales queue answered by `agentId` (the only Ready agent), then hung up. */
async function callAnsweredBy(agentId: string, from: string): Promise<Interaction> {
  h.sw.login(agentId, '');
  h.sw.ready(agentId);
  const { callId } = (await h.req<{ callId: string }>('POST', '/api/calls', { body: { from, to: '8000' } })).body;
  h.sw.answer(agentId, callId);
  await h.req('POST', `/api/calls/${callId}/hangup`);
  h.sw.logout(agentId, '');
  const [interaction] = (await h.req<Interaction[]>('GET', `/api/interactions?callId=${callId}`)).body;
  return interaction!;
}

describe('authorization by identity', () => {
  it("an agent reads and changes only their own interactions: another agent's is 403 OPENCTI_FORBIDDEN", async () => {
    const mine = await callAnsweredBy('agent1', '+12025550101');
    const theirs = await callAnsweredBy('agent2', '+12025550102');

    const list = await h.req<Interaction[]>('GET', '/api/interactions', { token: 'token-1' });
    expect(list.status).toBe(200);
    expect(list.body.map((i) => i.callId)).toEqual([mine.callId]);
    // Asking for another agent's calls gives nothing, not their calls.
    expect((await h.req<Interaction[]>('GET', '/api/interactions?agentId=agent2', { token: 'token-1' })).body).toEqual([]);
    expect((await h.req<Interaction[]>('GET', `/api/interactions?callId=${theirs.callId}`, { token: 'token-1' })).body).toEqual([]);

    const read = await h.req('GET', `/api/interactions/${theirs.id}`, { token: 'token-1' });
    expect(read.status).toBe(403);
    expect(read.body).toEqual({ errCode: 'OPENCTI_FORBIDDEN', errMessage: expect.stringContaining(`interaction ${theirs.id} is not a call of agent "agent1"`) });

    for (const body of [{ notes: 'hijacked' }, { disposition: 'spam' }, { status: 'wrapped-up' }, { customerId: null }]) {
      const patch = await h.req('PATCH', `/api/interactions/${theirs.id}`, { token: 'token-1', body });
      expect(patch.status, JSON.stringify(body)).toBe(403);
      expect(patch.body.errCode).toBe('OPENCTI_FORBIDDEN');
    }
    const untouched = await h.req<Interaction>('GET', `/api/interactions/${theirs.id}`, { token: 'token-2' });
    expect(untouched.body).toMatchObject({ notes: '', status: 'open' });

    const own = await h.req<Interaction>('PATCH', `/api/interactions/${mine.id}`, { token: 'token-1', body: { notes: 'mine' } });
    expect(own.status).toBe(200);
    expect(own.body.notes).toBe('mine');

    // A missing interaction is still 404, for agents too.
    expect((await h.req('GET', '/api/interactions/999999', { token: 'token-1' })).status).toBe(404);

    // The admin sees and changes all.
    expect((await h.req<Interaction[]>('GET', '/api/interactions')).body).toHaveLength(2);
    expect((await h.req('PATCH', `/api/interactions/${theirs.id}`, { body: { notes: 'by admin' } })).status).toBe(200);
  });

  it('a transferred call belongs to every agent who took part in it', async () => {
    h.sw.login('agent1', '');
    h.sw.ready('agent1');
    const { callId } = (await h.req<{ callId: string }>('POST', '/api/calls', { body: { from: '+12025550103', to: '8000' } })).body;
    h.sw.answer('agent1', callId);
    h.sw.login('agent2', '');
    h.sw.ready('agent2');
    h.sw.blindTransfer('agent1', callId, '5002');
    h.sw.answer('agent2', callId);

    for (const token of ['token-1', 'token-2']) {
      const list = await h.req<Interaction[]>('GET', '/api/interactions', { token });
      expect(list.body.map((i) => i.callId), token).toEqual([callId]);
      const id = list.body[0]!.id;
      expect((await h.req('PATCH', `/api/interactions/${id}`, { token, body: { notes: `by ${token}` } })).status, token).toBe(200);
    }

    h.tokenAgents.set('token-3', 'agent3');
    expect((await h.req<Interaction[]>('GET', '/api/interactions', { token: 'token-3' })).body).toEqual([]);
  });

  it('an agent whose phone only rang (no answer) sees the call but cannot change what the answering agent wrote', async () => {
    h.sw.login('agent1', '');
    h.sw.ready('agent1');
    const { callId } = (await h.req<{ callId: string }>('POST', '/api/calls', { body: { from: '+12025550104', to: '8000' } })).body;
    h.clock.advance(20_000); // agent1 lets it ring out: back to the queue, agent1 Not Ready
    h.sw.login('agent2', '');
    h.sw.ready('agent2');
    h.sw.answer('agent2', callId);
    const [interaction] = (await h.req<Interaction[]>('GET', `/api/interactions?callId=${callId}`, { token: 'token-2' })).body;
    expect(interaction).toMatchObject({ agentId: 'agent2' });
    const id = interaction!.id;
    expect((await h.req('PATCH', `/api/interactions/${id}`, { token: 'token-2', body: { notes: 'by agent2' } })).status).toBe(200);

    expect((await h.req<Interaction[]>('GET', `/api/interactions?callId=${callId}`, { token: 'token-1' })).body).toHaveLength(1);
    for (const body of [{ notes: 'by agent1' }, { disposition: 'spam' }, { status: 'wrapped-up' }, { customerId: null }]) {
      const patch = await h.req('PATCH', `/api/interactions/${id}`, { token: 'token-1', body });
      expect(patch.status, JSON.stringify(body)).toBe(403);
      expect(patch.body.errCode).toBe('OPENCTI_FORBIDDEN');
    }
    expect((await h.req<Interaction>('GET', `/api/interactions/${id}`)).body).toMatchObject({ notes: 'by agent2', status: 'open' });
  });
});
