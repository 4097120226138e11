import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const carol = { agentId: 'agent3', displayName: 'Carol Shaw', extension: '5003', skills: ['support'], password: 's3cret' };

describe('admin: agents', () => {
  it('create, read, list, update and delete; the password never comes back', async () => {
    const created = await h.req('POST', '/api/agents', { body: carol });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ agentId: 'agent3', displayName: 'Carol Shaw', extension: '5003', skills: ['support'], state: 'Logout', session: null });
    expect(JSON.stringify(created.body)).not.toContain('s3cret');
    expect(created.body).not.toHaveProperty('password');
    expect(await h.store.verifyAgentPassword('agent3', 's3cret')).toBe(true);

    const one = await h.req('GET', '/api/agents/agent3');
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ agentId: 'agent3', displayName: 'Carol Shaw' });

    const list = await h.req<{ agentId: string }[]>('GET', '/api/agents');
    expect(list.body.map((a) => a.agentId)).toEqual(['agent1', 'agent2', 'agent3']);
    expect(JSON.stringify(list.body)).not.toMatch(/password|hash|scrypt/i);

    const updated = await h.req('PATCH', '/api/agents/agent3', { body: { displayName: 'Carol S.', skills: ['sales'], password: 'n3w' } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ displayName: 'Carol S.', skills: ['sales'], extension: '5003' });
    expect(await h.store.verifyAgentPassword('agent3', 'n3w')).toBe(true);

    expect((await h.req('DELETE', '/api/agents/agent3')).status).toBe(204);
    expect((await h.req('GET', '/api/agents/agent3')).status).toBe(404);
    expect((await h.store.getAgent('agent3'))).toBeUndefined();
  });

  it('a new agent is pushed to the switch: they log in and take queue calls at once', async () => {
    await h.req('POST', '/api/agents', { body: carol });
    expect(h.sw.login('agent3', '')).toEqual({ extension: '5003' });
    h.sw.ready('agent3');
    const { callId } = h.sw.inboundCall('2025550101', '8001');
    expect(h.sw.calls().find((c) => c.callId === callId)?.parties).toContain('5003');

    const listed = await h.req<{ agentId: string; state: string; loggedInExtension?: string }[]>('GET', '/api/agents');
    expect(listed.body.find((a) => a.agentId === 'agent3')).toMatchObject({ state: expect.any(String), loggedInExtension: '5003' });
  });

  it('a changed extension reaches the switch; the switch refusing it leaves the agent as it was', async () => {
    expect((await h.req('PATCH', '/api/agents/agent2', { body: { extension: '5012' } })).status).toBe(200);
    expect(h.sw.login('agent2', '')).toEqual({ extension: '5012' });

    // 8000 is the sales queue's DNIS: the store accepts it as an extension, the switch does not.
    const clash = await h.req('PATCH', '/api/agents/agent1', { body: { extension: '8000' } });
    expect(clash.status).toBe(409);
    expect(clash.body.errCode).toBe('OPENCTI_INVALID_CONFIG');
    expect((await h.store.getAgent('agent1'))?.extension).toBe('5001');
  });

  it('a change the switch refuses changes nothing else of the same request: password and extension rules stay', async () => {
    const clash = await h.req('PATCH', '/api/agents/agent1', {
      body: { extension: '8000', password: 'new-password', displayName: 'Someone Else', allowedExtensions: ['5009'], anyExtension: true },
    });
    expect(clash.status).toBe(409);
    expect((await h.store.getAgent('agent1'))).toMatchObject({ extension: '5001', displayName: 'Ada Lovelace', allowedExtensions: [], anyExtension: false });
    expect(await h.store.verifyAgentPassword('agent1', 'pw1')).toBe(true);
    expect(await h.store.verifyAgentPassword('agent1', 'new-password')).toBe(false);
  });

  it('wrong bodies are 400 naming the property', async () => {
    const missing = await h.req('POST', '/api/agents', { body: { agentId: 'agent3', displayName: 'C', extension: '5003' } });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ errCode: 'OPENCTI_BAD_REQUEST', errMessage: 'body.password is required' });

    const bad = await h.req('POST', '/api/agents', { body: { ...carol, agentId: 'no spaces', extension: 'abc', skills: 'support' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errMessage).toContain('body.agentId must match pattern');
    expect(bad.body.errMessage).toContain('body.extension must match pattern');
    expect(bad.body.errMessage).toContain('body.skills must be array');

    const empty = await h.req('PATCH', '/api/agents/agent1', { body: {} });
    expect(empty.status).toBe(400);
    expect(empty.body.errMessage).toContain('body must NOT have fewer than 1 properties');

    const unknownField = await h.req('PATCH', '/api/agents/agent1', { body: { state: 'Ready' } });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.errMessage).toBe('body.state is not an allowed property');
  });

  it('duplicates are 409, unknown ids 404, tokens checked', async () => {
    const dupId = await h.req('POST', '/api/agents', { body: { ...carol, agentId: 'agent1' } });
    expect(dupId.status).toBe(409);
    expect(dupId.body).toEqual({ errCode: 'OPENCTI_HTTP_ERROR_409', errMessage: 'agent "agent1" already exists' });
    const dupExt = await h.req('POST', '/api/agents', { body: { ...carol, extension: '5001' } });
    expect(dupExt.status).toBe(409);
    expect(dupExt.body.errMessage).toBe('extension "5001" already belongs to agent "agent1"');

    for (const [method, body] of [['GET'], ['PATCH', { displayName: 'x' }], ['DELETE']] as const) {
      const reply = await h.req(method, '/api/agents/ghost', { body });
      expect(reply.status, method).toBe(404);
      expect(reply.body).toEqual({ errCode: 'OPENCTI_HTTP_ERROR_404', errMessage: 'agent "ghost" does not exist' });
    }

    expect((await h.req('GET', '/api/agents', { token: null })).status).toBe(401);
    expect((await h.req('POST', '/api/agents', { body: carol, token: 'wrong' })).status).toBe(401);
    h.agentTokens.add('agent-token');
    expect((await h.req('GET', '/api/agents', { token: 'agent-token' })).status).toBe(401);
    expect((await h.store.getAgent('agent3'))).toBeUndefined();
  });

  it('deleting a logged-in agent is refused', async () => {
    h.sw.login('agent1', '');
    const refused = await h.req('DELETE', '/api/agents/agent1');
    expect(refused.status).toBe(409);
    expect(refused.body.errMessage).toContain('log the agent out first');
    h.sw.logout('agent1', '');
    expect((await h.req('DELETE', '/api/agents/agent1')).status).toBe(204);
    // gone from the running switch too: it can no longer log in there
    expect(h.sw.agents().map((a) => a.agentId)).not.toContain('agent1');
    expect(() => h.sw.login('agent1', '')).toThrow(/agent1/);
  });

  it('sessions: logged-in desktops with their extension and socket count', async () => {
    expect((await h.req('GET', '/api/agents/sessions')).body).toEqual([]);
    h.sw.login('agent1', '');
    h.sessions.set('agent1', { agentId: 'agent1', extension: '5001', sockets: new Set([1, 2]) });
    expect((await h.req('GET', '/api/agents/sessions')).body).toEqual([{ agentId: 'agent1', extension: '5001', sockets: 2 }]);
    const agent = await h.req('GET', '/api/agents/agent1');
    expect(agent.body).toMatchObject({ loggedInExtension: '5001', session: { extension: '5001', sockets: 2 } });
    expect(agent.body.state).not.toBe('Logout');
  });
});
