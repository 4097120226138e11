import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

interface Interaction {
  id: number;
  callId: string;
  agentId?: string;
  customerId?: string;
  status: string;
  notes: string;
  disposition?: string;
  answeredAt?: number;
  endedAt?: number;
  timeline?: { kind: string; detail?: string }[];
}

/** A whole call: placed over HTTP, offered to agent1 and answered by them, hung up by the caller. */
async function answeredCall(from = '+12025550101'): Promise<string> {
  h.sw.login('agent1', '');
  h.sw.ready('agent1');
  const placed = await h.req<{ callId: string }>('POST', '/api/calls', { body: { from, to: '8000', data: { account: '42' } } });
  expect(placed.status).toBe(201);
  const { callId } = placed.body;
  h.sw.answer('agent1', callId);
  expect((await h.req('POST', `/api/calls/${callId}/hangup`)).status).toBe(204);
  return callId;
}

describe('interactions', () => {
  it('a call lifecycle becomes one interaction: listed, read with its timeline, linked to the caller', async () => {
    await h.req('POST', '/api/customers', { body: { id: 'c-grace', name: 'Grace Hopper', phones: ['+1 202 555 0101'] } });
    const callId = await answeredCall();

    const list = await h.req<Interaction[]>('GET', '/api/interactions?agentId=agent1');
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(1);
    const [interaction] = list.body;
    expect(interaction).toMatchObject({ callId, agentId: 'agent1', customerId: 'c-grace', status: 'open' });
    expect(interaction?.answeredAt).toEqual(expect.any(Number));
    expect(interaction?.endedAt).toEqual(expect.any(Number));
    expect(interaction).not.toHaveProperty('timeline');

    for (const query of [`callId=${callId}`, 'customerId=c-grace', 'ani=1-202-555-0101', `ani=${encodeURIComponent('+1 202 555 0101')}`, 'status=open']) {
      expect((await h.req<Interaction[]>('GET', `/api/interactions?${query}`)).body.map((i) => i.callId), query).toEqual([callId]);
    }
    expect((await h.req('GET', '/api/interactions?agentId=agent2')).body).toEqual([]);
    expect((await h.req('GET', '/api/interactions?callId=nope')).body).toEqual([]);

    const one = await h.req<Interaction>('GET', `/api/interactions/${interaction?.id}`);
    expect(one.status).toBe(200);
    const kinds = one.body.timeline?.map((t) => t.kind) ?? [];
    expect(kinds).toEqual(expect.arrayContaining(['offered', 'answered', 'ended']));
    expect(kinds.indexOf('offered')).toBeLessThan(kinds.indexOf('answered'));
    expect(kinds.indexOf('answered')).toBeLessThan(kinds.indexOf('ended'));
  });

  it('the desktop (agent session token) writes notes, disposition and wraps up', async () => {
    await answeredCall();
    const [interaction] = (await h.req<Interaction[]>('GET', '/api/interactions')).body;
    const id = interaction?.id ?? 0;
    h.agentTokens.add('desk-token');

    const patched = await h.req<Interaction>('PATCH', `/api/interactions/${id}`, {
      token: 'desk-token',
      body: { notes: 'wants a refund', disposition: 'refund', status: 'wrapped-up' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id, notes: 'wants a refund', disposition: 'refund', status: 'wrapped-up' });
    expect(patched.body.timeline?.at(-1)).toMatchObject({ kind: 'status', detail: 'wrapped-up' });

    const read = await h.req<Interaction>('GET', `/api/interactions/${id}`, { token: 'desk-token' });
    expect(read.body).toMatchObject({ notes: 'wants a refund', status: 'wrapped-up' });
    expect((await h.req('GET', '/api/interactions', { token: 'desk-token' })).status).toBe(200);

    await h.req('POST', '/api/customers', { body: { id: 'c-new', name: 'New Customer' } });
    const linked = await h.req('PATCH', `/api/interactions/${id}`, { body: { customerId: 'c-new', disposition: null } });
    expect(linked.body).toMatchObject({ customerId: 'c-new' });
    expect(linked.body).not.toHaveProperty('disposition');
  });

  it('a caller who hangs up while queued leaves an abandoned interaction', async () => {
    const placed = await h.req<{ callId: string }>('POST', '/api/calls', { body: { from: '2025550177', to: '8001' } });
    await h.req('POST', `/api/calls/${placed.body.callId}/hangup`);
    const abandoned = await h.req<Interaction[]>('GET', '/api/interactions?status=abandoned');
    expect(abandoned.body.map((i) => i.callId)).toEqual([placed.body.callId]);
  });

  it('wrong ids and bodies: 400 naming the problem, 404 for unknown ones, 401 without a token', async () => {
    await answeredCall();
    const [interaction] = (await h.req<Interaction[]>('GET', '/api/interactions')).body;
    const id = interaction?.id ?? 0;

    const notInt = await h.req('GET', '/api/interactions/abc');
    expect(notInt.status).toBe(400);
    expect(notInt.body.errMessage).toBe('params.id must be integer');
    expect((await h.req('GET', '/api/interactions/999')).body).toEqual({ errCode: 'OPENCTI_HTTP_ERROR_404', errMessage: 'interaction 999 does not exist' });
    expect((await h.req('PATCH', '/api/interactions/999', { body: { notes: 'x' } })).status).toBe(404);

    const badStatus = await h.req('PATCH', `/api/interactions/${id}`, { body: { status: 'done', notes: 5 } });
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.errMessage).toContain('body.status must be one of "open", "wrapped-up", "abandoned"');
    expect(badStatus.body.errMessage).toContain('body.notes must be string');
    const empty = await h.req('PATCH', `/api/interactions/${id}`, { body: {} });
    expect(empty.status).toBe(400);
    const ghost = await h.req('PATCH', `/api/interactions/${id}`, { body: { customerId: 'ghost' } });
    expect(ghost.status).toBe(404);
    expect(ghost.body.errMessage).toBe('customer "ghost" does not exist');

    const badQuery = await h.req('GET', '/api/interactions?limit=5000&offset=-1');
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.errMessage).toBe(
      'querystring.limit must be an integer from 1 to 1000, got 5000; querystring.offset must be an integer from 0 to 1000000000, got -1',
    );

    expect((await h.req('GET', '/api/interactions', { token: null })).status).toBe(401);
    expect((await h.req('PATCH', `/api/interactions/${id}`, { body: { notes: 'x' }, token: 'stale' })).status).toBe(401);
    expect((await h.req<Interaction>('GET', `/api/interactions/${id}`)).body.notes).toBe('');
  });
});
