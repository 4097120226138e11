import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const grace = { id: 'c-grace', name: 'Grace Hopper', phones: ['+1 202 555 0101'], email: 'grace@example.com', extra: { tier: 'gold' } };

describe('customers', () => {
  it('create, read, search, update and delete', async () => {
    const created = await h.req('POST', '/api/customers', { body: grace });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'c-grace', name: 'Grace Hopper', phones: ['+12025550101'], email: 'grace@example.com', extra: { tier: 'gold' } });

    const generated = await h.req('POST', '/api/customers', { body: { name: 'Edsger Dijkstra' } });
    expect(generated.status).toBe(201);
    expect(generated.body.id).toMatch(/^[0-9a-f-]{36}$/);

    expect((await h.req('GET', '/api/customers/c-grace')).body).toMatchObject({ name: 'Grace Hopper' });
    const search = await h.req<{ id: string }[]>('GET', '/api/customers?search=hopp');
    expect(search.body.map((c) => c.id)).toEqual(['c-grace']);
    const page = await h.req<unknown[]>('GET', '/api/customers?limit=1&offset=1');
    expect(page.body).toHaveLength(1);

    const updated = await h.req('PATCH', '/api/customers/c-grace', { body: { email: null, notes: 'prefers email', phones: ['2025550102'] } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ notes: 'prefers email', phones: ['2025550102'] });
    expect(updated.body).not.toHaveProperty('email');

    expect((await h.req('DELETE', '/api/customers/c-grace')).status).toBe(204);
    expect((await h.req('GET', '/api/customers/c-grace')).status).toBe(404);
  });

  it('lookup by phone finds none, one or several customers, matching by digits', async () => {
    await h.req('POST', '/api/customers', { body: grace });
    await h.req('POST', '/api/customers', { body: { id: 'c-ada', name: 'Ada Byron', phones: ['+44 20 7946 0958'] } });
    await h.req('POST', '/api/customers', { body: { id: 'c-bob', name: 'Bob Byron', phones: ['+44 20 7946 0958'] } });

    expect((await h.req('GET', '/api/customers?phone=%2B15550000000')).body).toEqual([]);
    const one = await h.req<{ id: string }[]>('GET', '/api/customers?phone=12025550101');
    expect(one.body.map((c) => c.id)).toEqual(['c-grace']);
    const several = await h.req<{ id: string }[]>(`GET`, `/api/customers?phone=${encodeURIComponent('+442079460958')}`);
    expect(several.body.map((c) => c.id)).toEqual(['c-ada', 'c-bob']);
    expect((await h.req('GET', '/api/customers?phone=anonymous')).body).toEqual([]);
  });

  it('an agent session token may read and look up, not write', async () => {
    await h.req('POST', '/api/customers', { body: grace });
    h.agentTokens.add('desk-token');
    const lookup = await h.req<unknown[]>('GET', '/api/customers?phone=12025550101', { token: 'desk-token' });
    expect(lookup.status).toBe(200);
    expect(lookup.body).toHaveLength(1);
    expect((await h.req('GET', '/api/customers/c-grace', { token: 'desk-token' })).status).toBe(200);

    const write = await h.req('POST', '/api/customers', { body: { name: 'x' }, token: 'desk-token' });
    expect(write.status).toBe(401);
    expect(write.body.errMessage).toContain('not the admin token');
    expect((await h.req('DELETE', '/api/customers/c-grace', { token: 'desk-token' })).status).toBe(401);

    h.agentTokens.delete('desk-token'); // the agent logged out
    const stale = await h.req('GET', '/api/customers?phone=12025550101', { token: 'desk-token' });
    expect(stale.status).toBe(401);
    expect(stale.body.errMessage).toContain('neither the admin token nor the token of a logged-in agent session');
    expect((await h.req('GET', '/api/customers', { token: null })).status).toBe(401);
  });

  it('wrong input is 400 naming it, duplicates 409, unknown ids 404', async () => {
    const noName = await h.req('POST', '/api/customers', { body: { phones: ['2025550101'] } });
    expect(noName.status).toBe(400);
    expect(noName.body.errMessage).toBe('body.name is required');

    const badPhones = await h.req('POST', '/api/customers', { body: { name: 'X', phones: '2025550101' } });
    expect(badPhones.body.errMessage).toBe('body.phones must be array');

    const notAPhone = await h.req('POST', '/api/customers', { body: { name: 'X', phones: ['call me maybe'] } });
    expect(notAPhone.status).toBe(400);
    expect(notAPhone.body).toEqual({ errCode: 'OPENCTI_BAD_REQUEST', errMessage: expect.stringContaining('"call me maybe" is not a phone number') });

    const badQuery = await h.req('GET', '/api/customers?limit=0&color=red');
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.errMessage).toContain('querystring.limit must be an integer from 1 to 1000, got 0');
    expect(badQuery.body.errMessage).toContain('querystring.color is not an allowed property');

    await h.req('POST', '/api/customers', { body: grace });
    const dup = await h.req('POST', '/api/customers', { body: grace });
    expect(dup.status).toBe(409);
    expect(dup.body.errMessage).toBe('customer "c-grace" already exists');

    expect((await h.req('GET', '/api/customers/ghost')).status).toBe(404);
    expect((await h.req('PATCH', '/api/customers/ghost', { body: { name: 'x' } })).status).toBe(404);
    expect((await h.req('DELETE', '/api/customers/ghost')).status).toBe(404);
  });
});
