import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const placeCall = async (to = '8000', data: Record<string, string> = {}) => {
  const reply = await h.req<{ callId: string }>('POST', '/api/calls', { body: { from: '+12025550101', to, data } });
  expect(reply.status).toBe(201);
  return reply.body.callId;
};

describe('simulated inbound calls', () => {
  it('a call to a queue DNIS waits in the queue and is listed with its data', async () => {
    const callId = await placeCall('8000', { account: '42' });
    expect(callId).toEqual(expect.any(String));

    const calls = await h.req('GET', '/api/calls');
    expect(calls.status).toBe(200);
    expect(calls.body).toEqual([
      expect.objectContaining({ callId, ani: '+12025550101', dnis: '8000', queue: 'sales', state: 'queued', callData: { account: '42' } }),
    ]);

    const one = await h.req('GET', `/api/calls/${callId}`);
    expect(one.body).toMatchObject({ callId, queue: 'sales' });

    const queues = await h.req<{ name: string; waiting: { callId: string }[] }[]>('GET', '/api/queues');
    expect(queues.status).toBe(200);
    const sales = queues.body.find((q) => q.name === 'sales');
    expect(sales).toMatchObject({ name: 'sales', dnis: '8000', skill: 'sales', readyAgents: [] });
    expect(sales?.waiting.map((w) => w.callId)).toEqual([callId]);
  });

  it('the caller hangs up: the call leaves the queue and the list; a second hang-up is 404', async () => {
    const callId = await placeCall();
    const hangup = await h.req('POST', `/api/calls/${callId}/hangup`);
    expect(hangup.status).toBe(204);
    expect((await h.req('GET', '/api/calls')).body).toEqual([]);
    const queues = (await h.req<{ name: string; waiting: unknown[] }[]>('GET', '/api/queues')).body;
    expect(queues.find((q) => q.name === 'sales')?.waiting).toEqual([]);

    const again = await h.req('POST', `/api/calls/${callId}/hangup`);
    expect(again.status).toBe(404);
    expect(again.body).toEqual({ errCode: 'OPENCTI_CF_INVALID_OBJECT_STATE', errMessage: expect.stringContaining(callId) });
    expect((await h.req('GET', '/api/calls/nope')).status).toBe(404);
  });

  it('a call to a Ready agent rings on their extension', async () => {
    h.sw.login('agent1', '');
    h.sw.ready('agent1');
    const callId = await placeCall();
    const call = (await h.req('GET', `/api/calls/${callId}`)).body as { parties: string[]; state: string };
    expect(call.parties).toContain('5001');
    expect(call.state).not.toBe('queued');
  });

  it('a number nobody answers on is 404 with the switch code; a wrong body is 400 naming each property', async () => {
    const unknown = await h.req('POST', '/api/calls', { body: { from: '2025550101', to: '9999' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.errCode).toBe('OPENCTI_CF_INVALID_DESTINATION');

    const missing = await h.req('POST', '/api/calls', { body: { from: '2025550101' } });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ errCode: 'OPENCTI_BAD_REQUEST', errMessage: 'body.to is required' });

    const wrong = await h.req('POST', '/api/calls', { body: { from: 2025550101, to: '8000', data: { region: 7 }, extra: true } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errMessage).toContain('body.from must be string');
    expect(wrong.body.errMessage).toContain('body.data.region must be string');
    expect(wrong.body.errMessage).toContain('body.extra is not an allowed property');
    expect(wrong.body.problems).toContainEqual({ path: 'body.data.region', message: 'must be string' });

    const none = await h.req('POST', '/api/calls');
    expect(none.status).toBe(400);
    expect(none.body.errMessage).toBe('body must be a JSON object');

    const notJson = await h.req('POST', '/api/calls', { raw: '{"from": ' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.errCode).toBe('OPENCTI_BAD_REQUEST');
  });

  it('a withheld number is placed as the network presents it; an empty caller number is 400 naming body.from', async () => {
    for (const from of ['anonymous', '0']) {
      const placed = await h.req<{ callId: string }>('POST', '/api/calls', { body: { from, to: '8000' } });
      expect(placed.status).toBe(201);
      expect((await h.req('GET', `/api/calls/${placed.body.callId}`)).body).toMatchObject({ ani: from, dnis: '8000' });
    }
    const empty = await h.req('POST', '/api/calls', { body: { from: '', to: '8000' } });
    expect(empty.status).toBe(400);
    expect(empty.body).toMatchObject({ errCode: 'OPENCTI_BAD_REQUEST', problems: [{ path: 'body.from', message: expect.any(String) }] });
    expect(empty.body.errMessage).toMatch(/^body\.from /);
    const spaced = await h.req('POST', '/api/calls', { body: { from: '555 0101', to: '8000' } });
    expect(spaced.status).toBe(400);
    expect(spaced.body.errMessage).toContain('caller number');
    expect((await h.req<unknown[]>('GET', '/api/calls')).body).toHaveLength(2);
  });

  it('needs the admin token: missing, malformed and wrong tokens are 401 saying which', async () => {
    const missing = await h.req('POST', '/api/calls', { body: { from: '1', to: '8000' }, token: null });
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ errCode: 'OPENCTI_HTTP_ERROR_401', errMessage: expect.stringContaining('missing Authorization header') });
    expect(missing.headers.get('www-authenticate')).toContain('Bearer');

    const basic = await h.req('GET', '/api/calls', { token: null, headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } });
    expect(basic.status).toBe(401);
    expect(basic.body.errMessage).toContain('must be "Bearer <token>"');

    const wrong = await h.req('GET', '/api/calls', { token: 'not-the-token' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.errMessage).toContain('not the admin token');

    h.agentTokens.add('agent-session-token');
    const agent = await h.req('POST', '/api/calls', { body: { from: '1', to: '8000' }, token: 'agent-session-token' });
    expect(agent.status).toBe(401);
    expect((await h.req('GET', '/api/calls')).body).toEqual([]); // nothing was placed
  });
});

describe('far ends of outbound calls', () => {
  const outbound = (destination: string) => {
    h.sw.login('agent1', '');
    return h.sw.makeCall('agent1', destination).callId;
  };
  const state = async (callId: string) => ((await h.req('GET', `/api/calls/${callId}`)).body as { state: string }).state;

  it('answer: the far end picks up', async () => {
    const callId = outbound('2025550199');
    const ringing = await state(callId);
    const answer = await h.req('POST', `/api/calls/${callId}/answer`);
    expect(answer.status).toBe(204);
    expect(await state(callId)).not.toBe(ringing);
    const again = await h.req('POST', `/api/calls/${callId}/answer`);
    expect(again.status).toBe(409);
    expect(again.body.errCode).toBe('OPENCTI_CF_INVALID_OBJECT_STATE');
  });

  it('busy: the far end is busy and the call ends', async () => {
    const callId = outbound('2025550199');
    const busy = await h.req('POST', `/api/calls/${callId}/busy`);
    expect(busy.status).toBe(204);
    expect((await h.req('GET', '/api/calls')).body).not.toContainEqual(expect.objectContaining({ callId }));
  });

  it('PUT /api/far-ends/:number sets what the number does on the next call', async () => {
    h.sw.login('agent1', '');
    const put = await h.req('PUT', '/api/far-ends/2025550123', { body: { behaviour: 'answer' } });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ number: '2025550123', behaviour: 'answer' });
    const answered = h.sw.makeCall('agent1', '2025550123').callId;
    const ringing = await state(answered);
    h.clock.advance(10);
    expect(await state(answered)).not.toBe(ringing);
    h.sw.hangUp('agent1', answered);

    expect((await h.req('PUT', '/api/far-ends/2025550123', { body: { behaviour: 'busy' } })).status).toBe(200);
    const refused = h.sw.makeCall('agent1', '2025550123').callId;
    h.clock.advance(10);
    expect((await h.req('GET', '/api/calls')).body).not.toContainEqual(expect.objectContaining({ callId: refused }));

    const bad = await h.req('PUT', '/api/far-ends/2025550123', { body: { behaviour: 'explode' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errMessage).toBe('body.behaviour must be one of "answer", "ring", "busy"');
    const notANumber = await h.req('PUT', '/api/far-ends/abc', { body: { behaviour: 'ring' } });
    expect(notANumber.status).toBe(400);
    expect(notANumber.body.errMessage).toContain('params.number must match pattern');
  });
});
