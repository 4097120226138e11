import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe('admin: queues', () => {
  it('create, read, list, update and delete; a new queue takes calls at once', async () => {
    const created = await h.req('POST', '/api/queues', { body: { name: 'billing', dnis: '8002', skill: 'support' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'billing', dnis: '8002', skill: 'support', waiting: [], readyAgents: [] });

    const call = await h.req('POST', '/api/calls', { body: { from: '2025550101', to: '8002' } });
    expect(call.status).toBe(201);
    const billing = await h.req('GET', '/api/queues/billing');
    expect(billing.body.waiting).toEqual([expect.objectContaining({ callId: call.body.callId })]);

    // agent2 has the support skill: the waiting call goes to them when they are Ready
    h.sw.login('agent2', '');
    h.sw.ready('agent2');
    expect((await h.req('GET', '/api/queues/billing')).body.waiting).toEqual([]);
    h.sw.hangUp('agent2', call.body.callId as string);

    const list = await h.req<{ name: string }[]>('GET', '/api/queues');
    expect(list.body.map((q) => q.name).sort()).toEqual(['billing', 'sales', 'support']);

    const updated = await h.req('PATCH', '/api/queues/billing', { body: { dnis: '8003' } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ name: 'billing', dnis: '8003' });
    expect((await h.req('POST', '/api/calls', { body: { from: '2025550101', to: '8003' } })).status).toBe(201);

    expect((await h.req('DELETE', '/api/queues/billing')).status).toBe(409); // a call waits
    for (const c of h.sw.calls()) h.sw.callerHangUp(c.callId);
    expect((await h.req('DELETE', '/api/queues/billing')).status).toBe(204);
    expect((await h.store.getQueue('billing'))).toBeUndefined();
    // gone from the running switch too: its number takes no more calls
    expect(h.sw.queues().map((q) => q.name)).not.toContain('billing');
    expect((await h.req('POST', '/api/calls', { body: { from: '2025550101', to: '8003' } })).status).toBeGreaterThanOrEqual(400);
  });

  it('wrong bodies 400, duplicates 409, unknown 404, no token 401', async () => {
    const bad = await h.req('POST', '/api/queues', { body: { name: 'billing', dnis: 8002 } });
    expect(bad.status).toBe(400);
    expect(bad.body.errMessage).toBe('body.dnis must be string');

    const dupName = await h.req('POST', '/api/queues', { body: { name: 'sales', dnis: '8009' } });
    expect(dupName.status).toBe(409);
    expect(dupName.body.errMessage).toBe('queue "sales" already exists');
    const dupDnis = await h.req('POST', '/api/queues', { body: { name: 'billing', dnis: '8000' } });
    expect(dupDnis.status).toBe(409);
    expect(dupDnis.body.errMessage).toBe('DNIS "8000" is already the number of queue "sales"');
    const onExtension = await h.req('POST', '/api/queues', { body: { name: 'billing', dnis: '5001' } });
    expect(onExtension.status).toBe(409);
    expect(onExtension.body.errCode).toBe('OPENCTI_INVALID_CONFIG');
    expect((await h.store.getQueue('billing'))).toBeUndefined(); // the switch refused: the store was put back

    expect((await h.req('GET', '/api/queues/ghost')).status).toBe(404);
    expect((await h.req('PATCH', '/api/queues/ghost', { body: { dnis: '8009' } })).status).toBe(404);
    expect((await h.req('DELETE', '/api/queues/ghost')).status).toBe(404);
    expect((await h.req('GET', '/api/queues', { token: null })).status).toBe(401);
    expect((await h.req('POST', '/api/queues', { body: { name: 'x', dnis: '8009' }, token: 'nope' })).status).toBe(401);
  });
});
